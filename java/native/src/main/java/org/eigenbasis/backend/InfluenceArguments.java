package org.eigenbasis.backend;

import java.util.Objects;
import org.eigenbasis.value.BatchedMatrix;
import org.eigenbasis.value.DType;

/**
 * The argument checks every native {@link org.eigenbasis.spi.InfluenceKernel} makes before native code runs (a wrong
 * shape would make a kernel read or write out of bounds): {@link IllegalArgumentException} naming the argument and
 * the shape, dtype or value it must have, {@link NullPointerException} for a missing required one. Every matrix is
 * f64; an output is never one of the inputs.
 */
public final class InfluenceArguments {
    private InfluenceArguments() {
    }

    /**
     * ekfacEigenvalues: g 1 × (n·perExample) × dOut with perExample ≥ 1, qs 1 × dOut × dOut; a 1 × n × dIn with qa
     * 1 × dIn × dIn, or both null (dIn = 1); lambda 1 × dOut × dIn. Returns n.
     */
    public static int checkEkfac(BatchedMatrix g, int perExample, BatchedMatrix a, BatchedMatrix qs, BatchedMatrix qa,
                                 BatchedMatrix lambda) {
        Objects.requireNonNull(g, "g");
        Objects.requireNonNull(qs, "qs");
        Objects.requireNonNull(lambda, "lambda");
        if (perExample < 1) {
            throw new IllegalArgumentException("perExample: " + perExample + " is outside [1, " + Integer.MAX_VALUE + "]");
        }
        requireF64("g", g);
        requireBatchOne("g", g);
        if (g.rows() % perExample != 0) {
            throw new IllegalArgumentException("g: " + g.rows() + " rows is not a multiple of perExample " + perExample);
        }
        int n = g.rows() / perExample;
        int dOut = g.cols();
        requireShape("qs", qs, 1, dOut, dOut);
        if ((a == null) != (qa == null)) {
            throw new IllegalArgumentException("a, qa: both present, or both null for a bias (a is "
                    + (a == null ? "null" : "present") + ", qa " + (qa == null ? "null" : "present") + ")");
        }
        int dIn = 1;
        if (a != null) {
            requireF64("a", a);
            requireBatchOne("a", a);
            dIn = a.cols();
            requireShape("a", a, 1, n, dIn);
            requireShape("qa", qa, 1, dIn, dIn);
        }
        requireShape("lambda", lambda, 1, dOut, dIn);
        if (lambda == g || lambda == qs || lambda == a || lambda == qa) {
            throw new IllegalArgumentException("lambda: must be a matrix of its own, not an input");
        }
        return n;
    }

    /** kroneckerRotate: x and out k × dOut × dIn, qs 1 × dOut × dOut, qa 1 × dIn × dIn, out none of them. */
    public static void checkRotate(BatchedMatrix qs, BatchedMatrix qa, BatchedMatrix x, BatchedMatrix out) {
        Objects.requireNonNull(qs, "qs");
        Objects.requireNonNull(qa, "qa");
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(out, "out");
        requireF64("x", x);
        requireShape("qs", qs, 1, x.rows(), x.rows());
        requireShape("qa", qa, 1, x.cols(), x.cols());
        requireShape("out", out, x.batch(), x.rows(), x.cols());
        if (out == x || out == qs || out == qa) {
            throw new IllegalArgumentException("out: must be a matrix of its own (kroneckerRotate writes out while it reads x)");
        }
    }

    /** weightedProduct: x 1 × m × p, y 1 × n × p (may be x), w 1 × 1 × p or null, out 1 × m × n and none of them. */
    public static void checkWeightedProduct(BatchedMatrix x, BatchedMatrix w, BatchedMatrix y, BatchedMatrix out) {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(y, "y");
        Objects.requireNonNull(out, "out");
        requireF64("x", x);
        requireBatchOne("x", x);
        requireF64("y", y);
        requireBatchOne("y", y);
        requireShape("y", y, 1, y.rows(), x.cols());
        if (w != null) {
            requireShape("w", w, 1, 1, x.cols());
        }
        requireShape("out", out, 1, x.rows(), y.rows());
        if (out == x || out == y || out == w) {
            throw new IllegalArgumentException("out: must be a matrix of its own, not x, y or w");
        }
    }

    /** multiply: a and b single matrices with op(a) m × k and op(b) k × n; out 1 × m × n and neither of them. */
    public static void checkMultiply(BatchedMatrix a, boolean transposeA, BatchedMatrix b, boolean transposeB,
                                     BatchedMatrix out) {
        Objects.requireNonNull(a, "a");
        Objects.requireNonNull(b, "b");
        Objects.requireNonNull(out, "out");
        requireF64("a", a);
        requireBatchOne("a", a);
        requireF64("b", b);
        requireBatchOne("b", b);
        int m = transposeA ? a.cols() : a.rows();
        int k = transposeA ? a.rows() : a.cols();
        int kb = transposeB ? b.cols() : b.rows();
        int n = transposeB ? b.rows() : b.cols();
        if (k != kb) {
            throw new IllegalArgumentException("b: op(b) has " + kb + " rows, op(a) has " + k + " columns (transposeA="
                    + transposeA + ", transposeB=" + transposeB + ")");
        }
        requireShape("out", out, 1, m, n);
        if (out == a || out == b) {
            throw new IllegalArgumentException("out: must be a matrix of its own, not a or b");
        }
    }

    private static void requireF64(String name, BatchedMatrix m) {
        if (m.dtype() != DType.F64) {
            throw new IllegalArgumentException(name + ": dtype " + m.dtype().shortName() + " must be f64");
        }
    }

    private static void requireBatchOne(String name, BatchedMatrix m) {
        if (m.batch() != 1) {
            throw new IllegalArgumentException(name + ": shape " + m.shape() + " must hold a single matrix (batch 1)");
        }
    }

    private static void requireShape(String name, BatchedMatrix m, int batch, int rows, int cols) {
        requireF64(name, m);
        if (m.batch() != batch || m.rows() != rows || m.cols() != cols) {
            throw new IllegalArgumentException(name + ": shape " + m.shape() + " must be (" + batch + ", " + rows
                    + ", " + cols + ")");
        }
    }
}
