package org.eigenbasis.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.eigenbasis.influence.Curvature;
import org.eigenbasis.influence.CurvatureKind;
import org.eigenbasis.influence.EkfacSums;
import org.eigenbasis.influence.Examples;
import org.eigenbasis.influence.FactorSums;
import org.eigenbasis.influence.InfluenceScores;
import org.eigenbasis.influence.KroneckerBases;
import org.eigenbasis.influence.Mlp;
import org.eigenbasis.influence.ModelCurvatures;
import org.eigenbasis.influence.PerExampleGradients;
import org.eigenbasis.influence.TopK;
import org.eigenbasis.spi.Backends;
import org.eigenbasis.value.MlpArchitecture;

/**
 * Influence scores of a training set spread over a Spark cluster (issue 11's definitions, K-FAC and EK-FAC):
 * S[t][i] = −∇l_tᵀ (C + δI)^-1 ∇l_i, self-influence ∇l_iᵀ (C + δI)^-1 ∇l_i, and the top k helpful and harmful
 * training points per test point, equal to the single-machine {@link InfluenceScores} on the whole set with the
 * curvature {@link org.eigenbasis.influence.Curvatures#fromFactors} builds, to rounding.
 *
 * <p>Fitting ({@link #fit} for an {@link Mlp} over a Dataset of examples, {@link #fitFactors} for any model's
 * per-layer factors): one pass over the partitions forms each one's unnormalised factor sums Σ a aᵀ and Σ g gᵀ
 * ({@link FactorSums}, f64, the backend's SYRK, {@link SparkInfluenceConfig#rowsPerBlock()} rows at a time);
 * a treeAggregate combines them with an exactly associative and commutative {@link OrderedSum} (partial sums
 * keyed by partition index, always added in the canonical binary tree of partition indices), so the factors do not
 * depend on scheduling, retries or executor count; the driver eigendecomposes A = Σ a aᵀ/n and S = Σ g gᵀ/n. For
 * EK-FAC the bases are broadcast and a second pass sums Σ_i Σ_c (Q_Sᵀ g_ic)²(Q_Aᵀ a_i)² per partition, combined
 * the same way. The result is the same {@link KroneckerBases}/{@link EkfacSums} on every run with the same
 * partitioning; another partitioning changes only the rounding of the sums.
 *
 * <p>Scoring: the driver rotates the test gradients into the Kronecker eigenbasis and weights them by
 * (λ + δ)^-1 ({@link InfluenceScores#preconditionedTest}, n_test × P), broadcasts them with the fitted bases, and
 * each training partition rotates its own gradient factors and takes one product per block
 * ({@link InfluenceScores#pairwise(Curvature, double[], int, PerExampleGradients)}), returning {@link ScoreBlock}s
 * (training indices, score columns). Top k is chosen per partition and merged on the driver with the tie rule of
 * {@link InfluenceScores#topK} (lower index first), which gives exactly the top k of the whole matrix.
 *
 * <p>Costs: fitting n·(Σ d_in² + C·Σ d_out²) flops on the executors (EK-FAC adds about as much again), Σ eigh(d) on
 * the driver; scoring 2·n_train·Σ(d_out² + d_in²) for the rotations plus 2·n_test·n_train·P for the products,
 * over the executors. Driver memory: the factors, n_test·P test rows and, for {@link #scores}, the n_test × n_train
 * result. Errors: bad configuration, columns or data are IllegalArgumentExceptions naming the argument (on an
 * executor they fail the task, and Spark the job, with that message).
 */
public final class SparkInfluence {
    /** The fitted curvature as data: rebuilt on each executor with {@link #on}, the same bits as on the driver. */
    record Fitted(CurvatureKind kind, KroneckerBases bases, EkfacSums ekfac) implements Serializable {
        private static final long serialVersionUID = 1L;

        Curvature on(String backend) {
            return bases.curvature(kind, ekfac, Backends.select(backend));
        }
    }

    private final SparkInfluenceConfig config;
    private final JavaSparkContext context;
    private final JavaRDD<FactorBlock> gradientBlocks;
    private final Mlp model;
    private final Fitted fitted;
    private final Broadcast<Fitted> shipped;
    private final Curvature curvature;

    private SparkInfluence(SparkInfluenceConfig config, JavaSparkContext context, JavaRDD<FactorBlock> gradientBlocks,
                           Mlp model, Fitted fitted) {
        this.config = config;
        this.context = context;
        this.gradientBlocks = gradientBlocks;
        this.model = model;
        this.fitted = fitted;
        this.shipped = context.broadcast(fitted);
        this.curvature = fitted.on(config.backend());
    }

    // ---- fitting -------------------------------------------------------------------------------------------------

    /**
     * Fits the curvature of {@code architecture} at {@code params} on the training examples of {@code train}
     * (columns {@link SparkInfluenceConfig#indexCol()}, {@link SparkInfluenceConfig#featuresCol()},
     * {@link SparkInfluenceConfig#labelCol()}; other columns are ignored), one or two passes over it (cache it if
     * it is expensive to recompute; every pass must see the same partitions). Scoring later passes over it again.
     *
     * @throws IllegalArgumentException for a missing or mistyped column, params of the wrong length, or an empty
     *                                  set; a bad row fails its task, naming the column and the row's index
     */
    public static SparkInfluence fit(Dataset<Row> train, MlpArchitecture architecture, double[] params,
                                     SparkInfluenceConfig config) {
        Objects.requireNonNull(train, "train");
        Objects.requireNonNull(config, "config");
        Mlp model = Mlp.of(architecture, params);
        MlpRows rows = MlpRows.of(train.schema(), architecture, config);
        JavaSparkContext context = JavaSparkContext.fromSparkContext(train.sparkSession().sparkContext());
        Broadcast<double[]> theta = context.broadcast(model.parameters());
        JavaRDD<Row> data = train.javaRDD();
        JavaRDD<FactorBlock> curvatureBlocks = data.mapPartitions(it -> rows.blocks(it, theta.value(), true));
        JavaRDD<FactorBlock> gradientBlocks = data.mapPartitions(it -> rows.blocks(it, theta.value(), false));
        return new SparkInfluence(config, context, gradientBlocks, model, fitted(curvatureBlocks, config));
    }

    /**
     * Fits the curvature from any model's per-layer factors: {@code train}'s blocks carry each example's training
     * index, curvature factors (read here) and gradient factors (read when scoring). One or two passes; every pass
     * must see the same partitions and blocks (a deterministic RDD, or a cached one).
     */
    public static SparkInfluence fitFactors(JavaRDD<FactorBlock> train, SparkInfluenceConfig config) {
        Objects.requireNonNull(train, "train");
        Objects.requireNonNull(config, "config");
        return new SparkInfluence(config, JavaSparkContext.fromSparkContext(train.context()), train, null,
                fitted(train, config));
    }

    private static Fitted fitted(JavaRDD<FactorBlock> blocks, SparkInfluenceConfig config) {
        String backend = config.backend();
        Backends.select(backend);                  // an unknown backend fails here, before any job
        int partitions = blocks.getNumPartitions();
        JavaRDD<OrderedSum.Leaf<FactorSums>> factorLeaves = blocks.mapPartitionsWithIndex((index, it) -> {
            FactorSums sum = null;
            while (it.hasNext()) {
                FactorBlock b = it.next();
                if (b.curvature() == null) {
                    throw new IllegalArgumentException("train: a block of partition " + index
                            + " has no curvature factors (FactorBlock.curvature null)");
                }
                FactorSums s = FactorSums.of(b.curvature(), Backends.select(backend));
                sum = sum == null ? s : sum.plus(s);
            }
            return List.of(new OrderedSum.Leaf<>(index, sum)).iterator();
        }, true);
        FactorSums sums = factorLeaves.treeAggregate(new OrderedSum<FactorSums>(FactorSums::plus), OrderedSum::add,
                OrderedSum::merge, config.treeDepth()).total(partitions);
        if (sums == null) {
            throw new IllegalArgumentException("train: no examples in any of its " + partitions + " partitions");
        }
        KroneckerBases bases = sums.eigenbases(Backends.select(backend));
        if (config.curvature() == CurvatureKind.KFAC) {
            return new Fitted(CurvatureKind.KFAC, bases, null);
        }
        JavaSparkContext context = JavaSparkContext.fromSparkContext(blocks.context());
        Broadcast<KroneckerBases> shippedBases = context.broadcast(bases);
        JavaRDD<OrderedSum.Leaf<EkfacSums>> ekfacLeaves = blocks.mapPartitionsWithIndex((index, it) -> {
            EkfacSums sum = null;
            while (it.hasNext()) {
                EkfacSums s = shippedBases.value().ekfacSums(it.next().curvature(), Backends.select(backend));
                sum = sum == null ? s : sum.plus(s);
            }
            return List.of(new OrderedSum.Leaf<>(index, sum)).iterator();
        }, true);
        EkfacSums ekfac = ekfacLeaves.treeAggregate(new OrderedSum<EkfacSums>(EkfacSums::plus), OrderedSum::add,
                OrderedSum::merge, config.treeDepth()).total(partitions);
        shippedBases.destroy();
        if (ekfac == null || ekfac.examples() != sums.examples()) {
            throw new IllegalStateException("train: the eigenvalue pass saw " + (ekfac == null ? 0 : ekfac.examples())
                    + " examples, the factor pass " + sums.examples() + "; every pass must see the same partitions");
        }
        return new Fitted(CurvatureKind.EKFAC, bases, ekfac);
    }

    // ---- the fitted curvature ------------------------------------------------------------------------------------

    /** The curvature, on the driver (the same bits as each executor rebuilds). */
    public Curvature curvature() {
        return curvature;
    }

    /** The Kronecker eigenbases of the fitted factors. */
    public KroneckerBases bases() {
        return fitted.bases();
    }

    /** EK-FAC's summed eigenvalue statistics; null for K-FAC. */
    public EkfacSums ekfacSums() {
        return fitted.ekfac();
    }

    /** n, the training examples. */
    public long trainCount() {
        return fitted.bases().examples();
    }

    public SparkInfluenceConfig config() {
        return config;
    }

    // ---- scores --------------------------------------------------------------------------------------------------

    /** The per-example loss gradients of {@code test} under the fitted model (the MLP entry only), factored. */
    public PerExampleGradients testGradients(Examples test) {
        if (model == null) {
            throw new IllegalStateException("test: fitted from factors, pass the test gradients (PerExampleGradients)");
        }
        Objects.requireNonNull(test, "test");
        test.validate(model.architecture());
        return ModelCurvatures.gradients(model, test);
    }

    /**
     * S's columns per training block, lazily (one job when acted on): each {@link ScoreBlock} holds a block's training
     * indices and their n_test × block scores.
     */
    public JavaRDD<ScoreBlock> scoreBlocks(PerExampleGradients test) {
        Objects.requireNonNull(test, "test");
        double[] preconditioned = InfluenceScores.preconditionedTest(curvature, config.toDamping(), test);
        int nt = test.count();
        Broadcast<double[]> rows = context.broadcast(preconditioned);
        Broadcast<Fitted> f = shipped;
        String backend = config.backend();
        return gradientBlocks.mapPartitions(it -> {
            Curvature c = f.value().on(backend);
            List<ScoreBlock> out = new ArrayList<>();
            while (it.hasNext()) {
                FactorBlock b = gradientsOf(it.next());
                out.add(new ScoreBlock(b.indices(), nt, InfluenceScores.pairwise(c, rows.value(), nt,
                        PerExampleGradients.factored(b.gradients()))));
            }
            return out.iterator();
        });
    }

    /** {@link #scoreBlocks(PerExampleGradients)} of the MLP's test gradients. */
    public JavaRDD<ScoreBlock> scoreBlocks(Examples test) {
        return scoreBlocks(testGradients(test));
    }

    /**
     * S (n_test × n_train, row-major, column i the training point of index i), collected on the driver.
     *
     * @throws IllegalArgumentException if n_test·n_train exceeds one array, or the training indices are not
     *                                  exactly [0, n)
     */
    public double[] scores(PerExampleGradients test) {
        Objects.requireNonNull(test, "test");
        int n = denseCount("scores", test.count());
        double[] s = new double[test.count() * n];
        place(scoreBlocks(test).collect(), test.count(), n, s);
        return s;
    }

    /** {@link #scores(PerExampleGradients)} of the MLP's test examples. */
    public double[] scores(Examples test) {
        return scores(testGradients(test));
    }

    /** Self-influence ∇l_iᵀ (C + δI)^-1 ∇l_i per training block, lazily: ScoreBlocks with one row. */
    public JavaRDD<ScoreBlock> selfInfluenceBlocks() {
        Broadcast<Fitted> f = shipped;
        String backend = config.backend();
        org.eigenbasis.influence.Damping damping = config.toDamping();
        double delta = damping.delta();
        double floor = damping.eigenFloor();
        return gradientBlocks.mapPartitions(it -> {
            Curvature c = f.value().on(backend);
            List<ScoreBlock> out = new ArrayList<>();
            while (it.hasNext()) {
                FactorBlock b = gradientsOf(it.next());
                out.add(new ScoreBlock(b.indices(), 1, InfluenceScores.selfInfluence(c,
                        new org.eigenbasis.influence.Damping(delta, floor, false),
                        PerExampleGradients.factored(b.gradients()))));
            }
            return out.iterator();
        });
    }

    /** Self-influence of every training point (index i at position i), collected on the driver. */
    public double[] selfInfluence() {
        int n = denseCount("selfInfluence", 1);
        double[] s = new double[n];
        place(selfInfluenceBlocks().collect(), 1, n, s);
        return s;
    }

    /**
     * The k most helpful and harmful training points of each test point: per partition its own top k, then the
     * driver's merge under {@link InfluenceScores#topK}'s order (score, then lower index), which is exactly the
     * top k of the whole score matrix. Driver memory n_test·k per partition.
     *
     * @throws IllegalArgumentException if k is outside [1, n]
     */
    public TopK topK(PerExampleGradients test, int k) {
        Objects.requireNonNull(test, "test");
        if (k < 1 || k > trainCount()) {
            throw new IllegalArgumentException("k: " + k + " is outside [1, " + trainCount() + "]");
        }
        int nt = test.count();
        List<TopCandidates> parts = scoreBlocks(test).mapPartitions(it -> {
            TopCandidates c = new TopCandidates(nt, k);
            while (it.hasNext()) {
                c.offer(it.next());
            }
            return List.of(c).iterator();
        }).collect();
        TopCandidates merged = new TopCandidates(nt, k);
        for (TopCandidates c : parts) {
            merged.offer(c);
        }
        return merged.toTopK();
    }

    /** {@link #topK(PerExampleGradients, int)} of the MLP's test examples. */
    public TopK topK(Examples test, int k) {
        return topK(testGradients(test), k);
    }

    private static FactorBlock gradientsOf(FactorBlock b) {
        if (b.gradients() == null) {
            throw new IllegalArgumentException("train: a block (first index " + b.indices()[0]
                    + ") has no gradient factors (FactorBlock.gradients null)");
        }
        return b;
    }

    private int denseCount(String what, int tests) {
        long n = trainCount();
        if (n * tests > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(what + ": " + tests + " x " + n + " scores, more than one array holds; "
                    + "use the blocks (scoreBlocks, selfInfluenceBlocks)");
        }
        return (int) n;
    }

    private static void place(List<ScoreBlock> blocks, int tests, int n, double[] out) {
        boolean[] seen = new boolean[n];
        long placed = 0;
        for (ScoreBlock b : blocks) {
            long[] idx = b.trainIndices();
            for (int j = 0; j < idx.length; j++) {
                if (idx[j] < 0 || idx[j] >= n) {
                    throw new IllegalArgumentException("train: index " + idx[j] + " is outside [0, " + n + ")");
                }
                int i = (int) idx[j];
                if (seen[i]) {
                    throw new IllegalArgumentException("train: index " + i + " appears twice");
                }
                seen[i] = true;
                placed++;
                for (int t = 0; t < tests; t++) {
                    out[t * n + i] = b.score(t, j);
                }
            }
        }
        if (placed != n) {
            throw new IllegalArgumentException("train: " + placed + " points scored, the curvature was fitted on " + n);
        }
    }

    // ---- the MLP entry's data ------------------------------------------------------------------------------------

    /**
     * A training Dataset for {@link #fit} from local examples: columns index (long), features (array&lt;double&gt;)
     * and label (int for cross-entropy, array&lt;double&gt; for squared loss), in {@code partitions} contiguous
     * slices of the index range. For a command-line run or a test; a real training set is read by Spark.
     */
    public static Dataset<Row> frame(SparkSession spark, Examples data, MlpArchitecture architecture, int partitions) {
        Objects.requireNonNull(spark, "spark");
        Objects.requireNonNull(data, "data");
        data.validate(architecture);
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions: " + partitions + " is outside [1, " + Integer.MAX_VALUE + "]");
        }
        boolean labels = architecture.loss() == MlpArchitecture.Loss.CROSS_ENTROPY;
        SparkInfluenceConfig d = SparkInfluenceConfig.defaults();
        StructType schema = DataTypes.createStructType(List.of(
                DataTypes.createStructField(d.indexCol(), DataTypes.LongType, false),
                DataTypes.createStructField(d.featuresCol(), DataTypes.createArrayType(DataTypes.DoubleType, false), false),
                DataTypes.createStructField(d.labelCol(), labels ? DataTypes.IntegerType
                        : DataTypes.createArrayType(DataTypes.DoubleType, false), false)));
        double[] x = data.x();
        double[] y = data.y();
        int f = data.features();
        int w = data.targetWidth();
        List<Row> rows = new ArrayList<>(data.n());
        for (int i = 0; i < data.n(); i++) {
            double[] features = java.util.Arrays.copyOfRange(x, i * f, (i + 1) * f);
            Object label = labels ? (Object) (int) y[i] : java.util.Arrays.copyOfRange(y, i * w, (i + 1) * w);
            rows.add(RowFactory.create((long) i, features, label));
        }
        JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
        return spark.createDataFrame(context.parallelize(rows, partitions), schema);
    }

    /** How the MLP entry reads a partition's rows into {@link FactorBlock}s (column positions resolved on the driver). */
    record MlpRows(int[] layers, MlpArchitecture.Activation activation, MlpArchitecture.Loss loss,
                   org.eigenbasis.influence.FisherVariant variant, int index, int features, int label,
                   SparkInfluenceConfig config) implements Serializable {
        private static final long serialVersionUID = 1L;

        static MlpRows of(StructType schema, MlpArchitecture architecture, SparkInfluenceConfig config) {
            int index = column(schema, "indexCol", config.indexCol());
            int features = column(schema, "featuresCol", config.featuresCol());
            int label = column(schema, "labelCol", config.labelCol());
            DataType it = schema.fields()[index].dataType();
            if (!it.equals(DataTypes.LongType) && !it.equals(DataTypes.IntegerType)) {
                throw new IllegalArgumentException("indexCol '" + config.indexCol() + "': type " + it.simpleString()
                        + ", expected int or bigint");
            }
            if (!numericArray(schema.fields()[features].dataType())) {
                throw new IllegalArgumentException("featuresCol '" + config.featuresCol() + "': type "
                        + schema.fields()[features].dataType().simpleString() + ", expected array<double> or array<float>");
            }
            DataType lt = schema.fields()[label].dataType();
            boolean labels = architecture.loss() == MlpArchitecture.Loss.CROSS_ENTROPY;
            if (labels ? !(lt.equals(DataTypes.IntegerType) || lt.equals(DataTypes.LongType)
                    || lt.equals(DataTypes.ShortType) || lt.equals(DataTypes.DoubleType)) : !numericArray(lt)) {
                throw new IllegalArgumentException("labelCol '" + config.labelCol() + "': type " + lt.simpleString()
                        + (labels ? ", expected an integer label (int, bigint, or integral double) for cross_entropy"
                        : ", expected array<double> of " + architecture.outputs() + " targets for squared loss"));
            }
            return new MlpRows(architecture.layers(), architecture.activation(), architecture.loss(), config.variant(),
                    index, features, label, config);
        }

        private static boolean numericArray(DataType t) {
            return t instanceof ArrayType a && (a.elementType().equals(DataTypes.DoubleType)
                    || a.elementType().equals(DataTypes.FloatType));
        }

        private static int column(StructType schema, String what, String name) {
            for (int i = 0; i < schema.fields().length; i++) {
                if (schema.fields()[i].name().equals(name)) {
                    return i;
                }
            }
            throw new IllegalArgumentException(what + ": no column '" + name + "' in "
                    + java.util.Arrays.toString(schema.fieldNames()));
        }

        /** The partition's rows in blocks of rowsPerBlock: curvature factors or gradient factors, never both. */
        Iterator<FactorBlock> blocks(Iterator<Row> rows, double[] theta, boolean curvature) {
            MlpArchitecture architecture = new MlpArchitecture(layers, activation, loss);
            Mlp model = Mlp.of(architecture, theta);
            int d0 = layers[0];
            int dL = layers[layers.length - 1];
            int width = loss == MlpArchitecture.Loss.CROSS_ENTROPY ? 1 : dL;
            int per = config.rowsPerBlock();
            return new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return rows.hasNext();
                }

                @Override
                public FactorBlock next() {
                    List<Row> chunk = new ArrayList<>();
                    while (rows.hasNext() && chunk.size() < per) {
                        chunk.add(rows.next());
                    }
                    int k = chunk.size();
                    long[] indices = new long[k];
                    double[] x = new double[k * d0];
                    double[] y = new double[k * width];
                    for (int r = 0; r < k; r++) {
                        read(chunk.get(r), r, indices, x, y, d0, dL, width);
                    }
                    Examples examples = new Examples(x, y, k, d0, width);
                    if (curvature) {
                        return new FactorBlock(indices, ModelCurvatures.curvatureFactors(
                                model.layerStatistics(examples, variant, 0)), null);
                    }
                    return new FactorBlock(indices, null, ModelCurvatures.gradientFactors(
                            model.layerStatistics(examples, org.eigenbasis.influence.FisherVariant.EMPIRICAL, 0)));
                }
            };
        }

        private void read(Row row, int r, long[] indices, double[] x, double[] y, int d0, int dL, int width) {
            if (row.isNullAt(index)) {
                throw new IllegalArgumentException("indexCol '" + config.indexCol() + "': null");
            }
            long i = ((Number) row.get(index)).longValue();
            indices[r] = i;
            String where = " (index " + i + ")";
            if (row.isNullAt(features)) {
                throw new IllegalArgumentException("featuresCol '" + config.featuresCol() + "'" + where + ": null");
            }
            List<Object> f = row.getList(features);
            if (f.size() != d0) {
                throw new IllegalArgumentException("featuresCol '" + config.featuresCol() + "'" + where + ": length "
                        + f.size() + ", the model has " + d0 + " inputs (layers[0])");
            }
            for (int j = 0; j < d0; j++) {
                x[r * d0 + j] = finite("featuresCol '" + config.featuresCol() + "'" + where + "[" + j + "]", f.get(j));
            }
            if (row.isNullAt(label)) {
                throw new IllegalArgumentException("labelCol '" + config.labelCol() + "'" + where + ": null");
            }
            if (width == 1 && loss == MlpArchitecture.Loss.CROSS_ENTROPY) {
                double v = ((Number) row.get(label)).doubleValue();
                if (!(v >= 0 && v < dL && v == Math.rint(v))) {
                    throw new IllegalArgumentException("labelCol '" + config.labelCol() + "'" + where + ": label " + v
                            + " is not an integer in [0, " + dL + ")");
                }
                y[r] = v;
                return;
            }
            List<Object> t = row.getList(label);
            if (t.size() != width) {
                throw new IllegalArgumentException("labelCol '" + config.labelCol() + "'" + where + ": length "
                        + t.size() + ", squared loss on " + dL + " outputs needs " + width);
            }
            for (int j = 0; j < width; j++) {
                y[r * width + j] = finite("labelCol '" + config.labelCol() + "'" + where + "[" + j + "]", t.get(j));
            }
        }

        private static double finite(String what, Object o) {
            double v = o == null ? Double.NaN : ((Number) o).doubleValue();
            if (!Double.isFinite(v)) {
                throw new IllegalArgumentException(what + ": " + (o == null ? "null" : v) + " is not finite");
            }
            return v;
        }
    }
}
