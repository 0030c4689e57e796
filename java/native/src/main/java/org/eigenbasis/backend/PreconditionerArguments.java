package org.eigenbasis.backend;

import java.util.Objects;
import org.eigenbasis.value.BatchedMatrix;

/**
 * The argument checks every native {@link org.eigenbasis.spi.PreconditionerKernel} makes before native code runs
 * (a wrong shape would make a kernel read or write out of bounds): {@link IllegalArgumentException} naming the
 * argument and the shape or dtype it must have, {@link NullPointerException} for a missing required one.
 */
public final class PreconditionerArguments {
    private PreconditionerArguments() {
    }

    /** accumulateFactor: factor is B × k × k, k = rows (left) or cols of x, of x's dtype. */
    public static void checkAccumulate(BatchedMatrix x, boolean left, BatchedMatrix factor) {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(factor, "factor");
        int k = left ? x.rows() : x.cols();
        requireSameDtype("factor", factor, x);
        requireShape("factor", factor, x.batch(), k, k);
    }

    /** rotate: out is g's shape and not g itself; left B × m × m and right B × n × n where present. */
    public static void checkRotate(BatchedMatrix left, BatchedMatrix g, BatchedMatrix right, BatchedMatrix out) {
        Objects.requireNonNull(g, "g");
        Objects.requireNonNull(out, "out");
        int batch = g.batch();
        requireSameDtype("out", out, g);
        requireShape("out", out, batch, g.rows(), g.cols());
        if (out == g) {
            throw new IllegalArgumentException("out: must not be g itself (rotate writes out while it reads g)");
        }
        if (left != null) {
            requireSameDtype("left", left, g);
            requireShape("left", left, batch, g.rows(), g.rows());
        }
        if (right != null) {
            requireSameDtype("right", right, g);
            requireShape("right", right, batch, g.cols(), g.cols());
        }
        if (out == left || out == right) {
            throw new IllegalArgumentException("out: must not be left or right (rotate writes out while it reads them)");
        }
    }

    /** diagonalUpdate: m (optional), v and out of g's shape and dtype; m and v alias nothing, out may be g. */
    public static void checkDiagonal(BatchedMatrix g, BatchedMatrix m, BatchedMatrix v, BatchedMatrix out) {
        Objects.requireNonNull(g, "g");
        Objects.requireNonNull(v, "v");
        Objects.requireNonNull(out, "out");
        int batch = g.batch();
        requireSameDtype("v", v, g);
        requireShape("v", v, batch, g.rows(), g.cols());
        requireSameDtype("out", out, g);
        requireShape("out", out, batch, g.rows(), g.cols());
        if (m != null) {
            requireSameDtype("m", m, g);
            requireShape("m", m, batch, g.rows(), g.cols());
        }
        if (v == g || v == out || (m != null && (m == g || m == v || m == out))) {
            throw new IllegalArgumentException("m, v: must be matrices of their own (only out may be g)");
        }
    }

    private static void requireSameDtype(String name, BatchedMatrix m, BatchedMatrix reference) {
        if (m.dtype() != reference.dtype()) {
            throw new IllegalArgumentException(name + ": dtype " + m.dtype().shortName() + " differs from "
                    + reference.dtype().shortName() + " (one dtype per call)");
        }
    }

    private static void requireShape(String name, BatchedMatrix m, int batch, int rows, int cols) {
        if (m.batch() != batch || m.rows() != rows || m.cols() != cols) {
            throw new IllegalArgumentException(name + ": shape " + m.shape() + " must be (" + batch + ", " + rows
                    + ", " + cols + ")");
        }
    }
}
