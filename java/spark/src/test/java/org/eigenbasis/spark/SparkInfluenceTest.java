package org.eigenbasis.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.eigenbasis.influence.Curvature;
import org.eigenbasis.influence.CurvatureKind;
import org.eigenbasis.influence.Curvatures;
import org.eigenbasis.influence.Damping;
import org.eigenbasis.influence.DigitsInfluence;
import org.eigenbasis.influence.Examples;
import org.eigenbasis.influence.FisherVariant;
import org.eigenbasis.influence.InfluenceScores;
import org.eigenbasis.influence.LayerFactors;
import org.eigenbasis.influence.Mlp;
import org.eigenbasis.influence.MlpTrainer;
import org.eigenbasis.influence.ModelCurvatures;
import org.eigenbasis.influence.PerExampleGradients;
import org.eigenbasis.influence.SgdRecipe;
import org.eigenbasis.influence.TopK;
import org.eigenbasis.spi.Backend;
import org.eigenbasis.spi.Backends;
import org.eigenbasis.value.MlpArchitecture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Influence on Spark equals the single-machine scores (the curvature of Curvatures.fromFactors on the whole set,
 * InfluenceScores.pairwise / selfInfluence / topK) to 1e-12 in the relative max norm
 * max|S_spark − S_one| / max|S_one|, for K-FAC and EK-FAC, several partition counts, the MLP entry, the factor
 * entry and the digits model; one partitioning gives the same bits whatever the tree depth; bad input is refused
 * with the argument named.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SparkInfluenceTest {
    private static final Backend CPU = Backends.select("cpu");
    private static final double TOLERANCE = 1e-12;
    private static SparkSession spark;

    @BeforeAll
    static void start() {
        spark = LocalSpark.start("local[2]", "SparkInfluenceTest");
    }

    @AfterAll
    static void stop() {
        if (spark != null) {
            spark.stop();
        }
    }

    private static Examples classification(int n, int features, int classes, long seed) {
        Random r = new Random(seed);
        double[] x = new double[n * features];
        int[] y = new int[n];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextGaussian();
        }
        for (int i = 0; i < n; i++) {
            y[i] = r.nextInt(classes);
        }
        return Examples.classification(x, n, features, y);
    }

    private static Examples regression(int n, int features, int outputs, long seed) {
        Random r = new Random(seed);
        double[] x = new double[n * features];
        double[] y = new double[n * outputs];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextGaussian();
        }
        for (int i = 0; i < y.length; i++) {
            y[i] = r.nextGaussian();
        }
        return Examples.regression(x, n, features, y, outputs);
    }

    /** max|a − b| / max|b|. */
    static double relative(double[] a, double[] b) {
        assertEquals(b.length, a.length);
        double diff = 0;
        double scale = 0;
        for (int i = 0; i < a.length; i++) {
            diff = Math.max(diff, Math.abs(a[i] - b[i]));
            scale = Math.max(scale, Math.abs(b[i]));
        }
        return diff / scale;
    }

    /** Scores, self-influence and top k of one fitted Spark run against one machine's. */
    private static void assertMatchesOneMachine(SparkInfluence fitted, Mlp model, Examples train, Examples test,
                                                CurvatureKind kind, Damping damping, String what) {
        Curvature one = (Curvature) ModelCurvatures.build(kind, model, train, FisherVariant.EXACT, 0, CPU);
        PerExampleGradients trainGrads = ModelCurvatures.gradients(model, train);
        PerExampleGradients testGrads = ModelCurvatures.gradients(model, test);
        double[] expected = InfluenceScores.pairwise(one, damping, testGrads, trainGrads);
        double[] actual = fitted.scores(test);
        double err = relative(actual, expected);
        assertTrue(err <= TOLERANCE, what + ": scores differ by " + err + " (relative max norm)");
        double[] self = fitted.selfInfluence();
        double selfErr = relative(self, InfluenceScores.selfInfluence(one, damping, trainGrads));
        assertTrue(selfErr <= TOLERANCE, what + ": self-influence differs by " + selfErr);
        int k = Math.min(5, train.n());
        TopK top = fitted.topK(test, k);
        TopK fromMatrix = InfluenceScores.topK(actual, test.n(), train.n(), k);
        TopK single = InfluenceScores.topK(expected, test.n(), train.n(), k);
        for (int t = 0; t < test.n(); t++) {
            assertArrayEquals(fromMatrix.helpful()[t], top.helpful()[t], what + " helpful of test " + t);
            assertArrayEquals(fromMatrix.harmful()[t], top.harmful()[t], what + " harmful of test " + t);
            assertArrayEquals(fromMatrix.helpfulScores()[t], top.helpfulScores()[t], 0.0);
            assertArrayEquals(fromMatrix.harmfulScores()[t], top.harmfulScores()[t], 0.0);
            assertArrayEquals(single.helpful()[t], top.helpful()[t], what + " helpful of test " + t + " vs one machine");
            assertArrayEquals(single.harmful()[t], top.harmful()[t], what + " harmful of test " + t + " vs one machine");
        }
    }

    @Test
    void mlpScoresEqualOneMachineForEveryPartitioning() {
        MlpArchitecture arch = new MlpArchitecture(new int[] {6, 8, 5, 3}, MlpArchitecture.Activation.TANH,
                MlpArchitecture.Loss.CROSS_ENTROPY);
        Mlp model = Mlp.initialize(arch, 3);
        Examples train = classification(157, 6, 3, 1);
        Examples test = classification(11, 6, 3, 2);
        Damping damping = Damping.of(1e-3);
        for (CurvatureKind kind : new CurvatureKind[] {CurvatureKind.KFAC, CurvatureKind.EKFAC}) {
            // partitions and rows per block: one block; uneven partitions of several blocks; more partitions
            int[][] layouts = kind == CurvatureKind.KFAC ? new int[][] {{3, 20}} : new int[][] {{1, 4096}, {3, 20}, {8, 7}};
            for (int[] layout : layouts) {
                Dataset<Row> frame = SparkInfluence.frame(spark, train, arch, layout[0]);
                SparkInfluence fitted = SparkInfluence.fit(frame, arch, model.parameters(),
                        SparkInfluenceConfig.defaults().withCurvature(kind).withDamping(1e-3).withRowsPerBlock(layout[1]));
                assertEquals(train.n(), fitted.trainCount());
                assertMatchesOneMachine(fitted, model, train, test, kind, damping,
                        kind.cliName() + " on " + layout[0] + " partitions");
            }
        }
    }

    @Test
    void squaredLossEmpiricalFisherAndLargerFloor() {
        MlpArchitecture arch = new MlpArchitecture(new int[] {4, 6, 2}, MlpArchitecture.Activation.GELU,
                MlpArchitecture.Loss.SQUARED);
        Mlp model = Mlp.initialize(arch, 5);
        Examples train = regression(90, 4, 2, 3);
        Examples test = regression(7, 4, 2, 4);
        SparkInfluence fitted = SparkInfluence.fit(SparkInfluence.frame(spark, train, arch, 5), arch,
                model.parameters(), SparkInfluenceConfig.defaults().withDamping(1e-2).withEigenFloor(1e-4));
        assertMatchesOneMachine(fitted, model, train, test, CurvatureKind.EKFAC, new Damping(1e-2, 1e-4, false),
                "squared ekfac");
        SparkInfluence empirical = SparkInfluence.fit(SparkInfluence.frame(spark, train, arch, 4), arch,
                model.parameters(), SparkInfluenceConfig.defaults().withVariant(FisherVariant.EMPIRICAL).withDamping(1e-2));
        Curvature one = (Curvature) ModelCurvatures.build(CurvatureKind.EKFAC, model, train, FisherVariant.EMPIRICAL, 0, CPU);
        double err = relative(empirical.scores(test), InfluenceScores.pairwise(one, Damping.of(1e-2),
                ModelCurvatures.gradients(model, test), ModelCurvatures.gradients(model, train)));
        assertTrue(err <= TOLERANCE, "empirical ekfac: " + err);
    }

    @Test
    void onePartitioningGivesTheSameBitsWhateverTheTree() {
        MlpArchitecture arch = new MlpArchitecture(new int[] {5, 7, 4}, MlpArchitecture.Activation.RELU,
                MlpArchitecture.Loss.CROSS_ENTROPY);
        Mlp model = Mlp.initialize(arch, 8);
        Examples train = classification(120, 5, 4, 6);
        Examples test = classification(4, 5, 4, 7);
        Dataset<Row> frame = SparkInfluence.frame(spark, train, arch, 9).cache();
        double[] reference = null;
        double[] referenceValues = null;
        for (int depth : new int[] {1, 2, 4}) {
            SparkInfluence fitted = SparkInfluence.fit(frame, arch, model.parameters(),
                    SparkInfluenceConfig.defaults().withDamping(1e-3).withTreeDepth(depth).withRowsPerBlock(5));
            double[] s = fitted.scores(test);
            double[] values = fitted.curvature().eigenvalues();
            if (reference == null) {
                reference = s;
                referenceValues = values;
                // what the executors receive: the bases and sums through Java serialization, the same curvature
                org.eigenbasis.influence.KroneckerBases bases = roundTrip(fitted.bases());
                org.eigenbasis.influence.EkfacSums sums = roundTrip(fitted.ekfacSums());
                assertArrayEquals(values, bases.curvature(CurvatureKind.EKFAC, sums, CPU).eigenvalues(), 0.0);
            } else {
                assertArrayEquals(referenceValues, values, 0.0, "eigenvalues at tree depth " + depth);
                assertArrayEquals(reference, s, 0.0, "scores at tree depth " + depth);
            }
        }
        frame.unpersist();
    }

    @Test
    void factorEntryEqualsCurvaturesFromFactors() {
        int[] dims = {5, 4, 3};
        int n = 64;
        int c = 2;
        Random r = new Random(17);
        List<LayerFactors> curvature = new ArrayList<>();
        List<LayerFactors> gradients = new ArrayList<>();
        for (int l = 0; l + 1 < dims.length; l++) {
            boolean bias = l == 0;
            double[] a = gaussian(r, n * dims[l]);
            curvature.add(new LayerFactors(dims[l], dims[l + 1], bias, n, c, a, gaussian(r, n * c * dims[l + 1])));
            gradients.add(new LayerFactors(dims[l], dims[l + 1], bias, n, 1, a, gaussian(r, n * dims[l + 1])));
        }
        List<LayerFactors> testFactors = new ArrayList<>();
        for (int l = 0; l + 1 < dims.length; l++) {
            testFactors.add(new LayerFactors(dims[l], dims[l + 1], l == 0, 3, 1, gaussian(r, 3 * dims[l]),
                    gaussian(r, 3 * dims[l + 1])));
        }
        PerExampleGradients test = PerExampleGradients.factored(testFactors);
        List<FactorBlock> blocks = new ArrayList<>();
        for (int from = 0; from < n; from += 9) {
            int to = Math.min(n, from + 9);
            long[] idx = new long[to - from];
            for (int i = from; i < to; i++) {
                idx[i - from] = i;
            }
            blocks.add(new FactorBlock(idx, slice(curvature, from, to), slice(gradients, from, to)));
        }
        JavaRDD<FactorBlock> rdd = JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(blocks, 3);
        Damping damping = Damping.of(1e-2);
        for (CurvatureKind kind : new CurvatureKind[] {CurvatureKind.KFAC, CurvatureKind.EKFAC}) {
            SparkInfluence fitted = SparkInfluence.fitFactors(rdd, SparkInfluenceConfig.defaults().withCurvature(kind)
                    .withDamping(1e-2));
            Curvature one = Curvatures.fromFactors(kind, curvature, CPU);
            assertTrue(relative(fitted.curvature().eigenvalues(), one.eigenvalues()) <= TOLERANCE, kind + " eigenvalues");
            double err = relative(fitted.scores(test), InfluenceScores.pairwise(one, damping, test,
                    PerExampleGradients.factored(gradients)));
            assertTrue(err <= TOLERANCE, kind.cliName() + " factor entry: " + err);
            double selfErr = relative(fitted.selfInfluence(), InfluenceScores.selfInfluence(one, damping,
                    PerExampleGradients.factored(gradients)));
            assertTrue(selfErr <= TOLERANCE, kind.cliName() + " factor entry self-influence: " + selfErr);
            IllegalStateException fromFactors = assertThrows(IllegalStateException.class,
                    () -> fitted.scores(classification(2, 5, 3, 1)));
            assertTrue(fromFactors.getMessage().contains("fitted from factors"), fromFactors.getMessage());
        }
    }

    @Test
    void digitsEkfacEqualsOneMachine() {
        DigitsInfluence.Split split = DigitsInfluence.split();
        MlpArchitecture arch = DigitsInfluence.ARCHITECTURE;
        Mlp model = MlpTrainer.train(CPU, Mlp.initialize(arch, 0), split.train(), null,
                SgdRecipe.defaults().withEpochs(5));
        Examples test = split.validation();
        SparkInfluence fitted = SparkInfluence.fit(SparkInfluence.frame(spark, split.train(), arch, 4), arch,
                model.parameters(), SparkInfluenceConfig.defaults().withDamping(1e-3).withRowsPerBlock(512));
        assertMatchesOneMachine(fitted, model, split.train(), test, CurvatureKind.EKFAC, Damping.of(1e-3), "digits ekfac");
    }

    @Test
    void badInputIsRefusedWithTheArgumentNamed() {
        SparkInfluenceConfig d = SparkInfluenceConfig.defaults();
        assertMessage(() -> d.withCurvature(CurvatureKind.HESSIAN), "curvature: hessian is not available on Spark");
        assertMessage(() -> d.withVariant(FisherVariant.SAMPLED), "variant: sampled");
        assertMessage(() -> d.withDamping(-1), "damping: -1.0 is outside");
        assertMessage(() -> d.withEigenFloor(Double.NaN), "eigen-floor");
        assertMessage(() -> d.withRowsPerBlock(0), "rowsPerBlock: 0");
        assertMessage(() -> d.withTreeDepth(0), "treeDepth: 0");
        assertMessage(() -> d.withIndexCol(" "), "indexCol: empty");
        MlpArchitecture arch = new MlpArchitecture(new int[] {3, 4, 2}, MlpArchitecture.Activation.TANH,
                MlpArchitecture.Loss.CROSS_ENTROPY);
        Mlp model = Mlp.initialize(arch, 1);
        Examples train = classification(20, 3, 2, 1);
        Dataset<Row> frame = SparkInfluence.frame(spark, train, arch, 2);
        assertMessage(() -> SparkInfluence.fit(frame.drop("label"), arch, model.parameters(), d), "labelCol: no column 'label'");
        assertMessage(() -> SparkInfluence.fit(frame, arch, new double[3], d), "params");
        assertMessage(() -> SparkInfluence.fit(frame.withColumn("label", frame.col("label").cast("string")), arch,
                model.parameters(), d), "labelCol 'label': type string");
        Exception badLabel = assertThrows(Exception.class, () -> SparkInfluence.fit(
                frame.withColumn("label", frame.col("label").plus(5)), arch, model.parameters(), d));
        assertTrue(String.valueOf(badLabel.getMessage()).contains("labelCol 'label' (index 0): label 5.0 is not an integer in [0, 2)")
                || String.valueOf(badLabel.getMessage()).contains("is not an integer in [0, 2)"), badLabel.getMessage());
        MlpArchitecture wider = new MlpArchitecture(new int[] {4, 4, 2}, MlpArchitecture.Activation.TANH,
                MlpArchitecture.Loss.CROSS_ENTROPY);
        Exception width = assertThrows(Exception.class, () -> SparkInfluence.fit(frame, wider,
                Mlp.initialize(wider, 1).parameters(), d));
        assertTrue(String.valueOf(width.getMessage()).contains("featuresCol 'features' (index"), width.getMessage());
        SparkInfluence fitted = SparkInfluence.fit(frame, arch, model.parameters(), d.withDamping(1e-3));
        assertMessage(() -> fitted.topK(classification(2, 3, 2, 2), 0), "k: 0 is outside [1, 20]");
        assertMessage(() -> fitted.topK(classification(2, 3, 2, 2), 21), "k: 21 is outside [1, 20]");
        assertMessage(() -> fitted.scores(classification(2, 4, 2, 2)), "x: 4 features");
        assertMessage(() -> fitted.scores(PerExampleGradients.dense(new double[7], 1, 7)), "test: 7 parameters");
    }

    @SuppressWarnings("unchecked")
    private static <T> T roundTrip(T value) {
        try {
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
            try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
                out.writeObject(value);
            }
            try (java.io.ObjectInputStream in = new java.io.ObjectInputStream(
                    new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
                return (T) in.readObject();
            }
        } catch (java.io.IOException | ClassNotFoundException e) {
            throw new AssertionError(e);
        }
    }

    private static void assertMessage(org.junit.jupiter.api.function.Executable call, String fragment) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(fragment), "expected '" + fragment + "' in: " + e.getMessage());
    }

    private static double[] gaussian(Random r, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = r.nextGaussian();
        }
        return v;
    }

    private static List<LayerFactors> slice(List<LayerFactors> layers, int from, int to) {
        List<LayerFactors> out = new ArrayList<>();
        for (LayerFactors l : layers) {
            int c = l.perExample();
            out.add(new LayerFactors(l.inputs(), l.outputs(), l.bias(), to - from, c,
                    java.util.Arrays.copyOfRange(l.a(), from * l.inputs(), to * l.inputs()),
                    java.util.Arrays.copyOfRange(l.g(), from * c * l.outputs(), to * c * l.outputs())));
        }
        return out;
    }
}
