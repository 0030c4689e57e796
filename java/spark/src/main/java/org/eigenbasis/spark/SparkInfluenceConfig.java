package org.eigenbasis.spark;

import java.io.Serializable;
import org.eigenbasis.influence.CurvatureKind;
import org.eigenbasis.influence.Damping;
import org.eigenbasis.influence.FisherVariant;

/**
 * What {@link SparkInfluence} fits and how: the rung (kfac or ekfac: the Kronecker-factored rungs, whose statistics
 * are sums over training examples), the damping δ and eigenvalue floor of (C + δI)^-1 (as {@link Damping}: exact
 * damping in the Kronecker eigenbasis, w + δ ≤ floor dropped), the output-space vectors of the curvature
 * ({@link FisherVariant#EXACT}, the definition, or {@link FisherVariant#EMPIRICAL}; the sampled Fisher draws its
 * labels from one random stream in example order on one machine and is refused), the backend each task and the
 * driver use, the training Dataset's columns for the MLP entry, how many rows one task processes at a time, and the
 * depth of the treeAggregate that combines the partitions' sums.
 *
 * @param curvature    kfac or ekfac
 * @param damping      δ ≥ 0, finite
 * @param eigenFloor   ≥ 0, finite (default {@value Damping#DEFAULT_FLOOR})
 * @param variant      EXACT or EMPIRICAL
 * @param backend      java, cpu, cuda or auto, resolved on the driver and on each executor
 * @param indexCol     the training index, int or long, unique in [0, n): the column index of the scores
 * @param featuresCol  array&lt;double&gt; (or float) of d0 inputs
 * @param labelCol     cross-entropy: an integer label in [0, dL) (int, long, or an integral double); squared loss:
 *                     array&lt;double&gt; of dL targets
 * @param rowsPerBlock ≥ 1: a partition's rows go through the model and the kernels this many at a time (memory per
 *                     task about rowsPerBlock·(C + 2)·Σ_l d_l doubles)
 * @param treeDepth    ≥ 1, the depth of the treeAggregate of the per-partition sums
 */
public record SparkInfluenceConfig(CurvatureKind curvature, double damping, double eigenFloor, FisherVariant variant,
                                   String backend, String indexCol, String featuresCol, String labelCol,
                                   int rowsPerBlock, int treeDepth) implements Serializable {
    public SparkInfluenceConfig {
        if (curvature == null) {
            throw new IllegalArgumentException("curvature: null");
        }
        if (curvature != CurvatureKind.KFAC && curvature != CurvatureKind.EKFAC) {
            throw new IllegalArgumentException("curvature: " + curvature.cliName() + " is not available on Spark "
                    + "(kfac, ekfac: the rungs whose statistics are sums over training examples); use one machine");
        }
        new Damping(damping, eigenFloor, false);        // its checks name damping and eigen-floor with their range
        if (variant == null) {
            throw new IllegalArgumentException("variant: null");
        }
        if (variant == FisherVariant.SAMPLED) {
            throw new IllegalArgumentException("variant: sampled is not available on Spark (one machine draws the "
                    + "labels from one random stream in example order); use exact or empirical");
        }
        requireName("backend", backend);
        requireName("indexCol", indexCol);
        requireName("featuresCol", featuresCol);
        requireName("labelCol", labelCol);
        if (rowsPerBlock < 1) {
            throw new IllegalArgumentException("rowsPerBlock: " + rowsPerBlock + " is outside [1, " + Integer.MAX_VALUE + "]");
        }
        if (treeDepth < 1) {
            throw new IllegalArgumentException("treeDepth: " + treeDepth + " is outside [1, " + Integer.MAX_VALUE + "]");
        }
    }

    /**
     * ekfac, δ = 0 with the default floor (a pseudo-inverse, as {@link Damping#defaults()}), the exact Fisher, cpu,
     * columns "index", "features", "label", 4096 rows per block, tree depth 2.
     */
    public static SparkInfluenceConfig defaults() {
        return new SparkInfluenceConfig(CurvatureKind.EKFAC, 0, Damping.DEFAULT_FLOOR, FisherVariant.EXACT, "cpu",
                "index", "features", "label", 4096, 2);
    }

    /** The damping as the single-machine code takes it (exact damping). */
    public Damping toDamping() {
        return new Damping(damping, eigenFloor, false);
    }

    public SparkInfluenceConfig withCurvature(CurvatureKind v) {
        return new SparkInfluenceConfig(v, damping, eigenFloor, variant, backend, indexCol, featuresCol, labelCol,
                rowsPerBlock, treeDepth);
    }

    public SparkInfluenceConfig withDamping(double v) {
        return new SparkInfluenceConfig(curvature, v, eigenFloor, variant, backend, indexCol, featuresCol, labelCol,
                rowsPerBlock, treeDepth);
    }

    public SparkInfluenceConfig withEigenFloor(double v) {
        return new SparkInfluenceConfig(curvature, damping, v, variant, backend, indexCol, featuresCol, labelCol,
                rowsPerBlock, treeDepth);
    }

    public SparkInfluenceConfig withVariant(FisherVariant v) {
        return new SparkInfluenceConfig(curvature, damping, eigenFloor, v, backend, indexCol, featuresCol, labelCol,
                rowsPerBlock, treeDepth);
    }

    public SparkInfluenceConfig withBackend(String v) {
        return new SparkInfluenceConfig(curvature, damping, eigenFloor, variant, v, indexCol, featuresCol, labelCol,
                rowsPerBlock, treeDepth);
    }

    public SparkInfluenceConfig withIndexCol(String v) {
        return new SparkInfluenceConfig(curvature, damping, eigenFloor, variant, backend, v, featuresCol, labelCol,
                rowsPerBlock, treeDepth);
    }

    public SparkInfluenceConfig withFeaturesCol(String v) {
        return new SparkInfluenceConfig(curvature, damping, eigenFloor, variant, backend, indexCol, v, labelCol,
                rowsPerBlock, treeDepth);
    }

    public SparkInfluenceConfig withLabelCol(String v) {
        return new SparkInfluenceConfig(curvature, damping, eigenFloor, variant, backend, indexCol, featuresCol, v,
                rowsPerBlock, treeDepth);
    }

    public SparkInfluenceConfig withRowsPerBlock(int v) {
        return new SparkInfluenceConfig(curvature, damping, eigenFloor, variant, backend, indexCol, featuresCol,
                labelCol, v, treeDepth);
    }

    public SparkInfluenceConfig withTreeDepth(int v) {
        return new SparkInfluenceConfig(curvature, damping, eigenFloor, variant, backend, indexCol, featuresCol,
                labelCol, rowsPerBlock, v);
    }

    private static void requireName(String what, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(what + ": empty");
        }
    }
}
