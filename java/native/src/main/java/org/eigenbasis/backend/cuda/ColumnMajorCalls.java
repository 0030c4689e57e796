package org.eigenbasis.backend.cuda;

/**
 * Our row-major products in cuBLAS's column-major terms. A row-major r × c matrix M, read column-major with
 * leading dimension c, is the c × r matrix Mᵀ; so a row-major product P = A·B is computed as the column-major
 * product Pᵀ = Bᵀ·Aᵀ of the buffers as they lie, and a row-major lower triangle is a column-major upper one. Pure
 * arithmetic on shapes, kept apart from the calls so that {@code ColumnMajorCallsTest} can execute these plans
 * with a column-major emulator on any machine.
 */
final class ColumnMajorCalls {
    private ColumnMajorCalls() {
    }

    /**
     * The arguments of one strided-batched cublas?gemm, {@code C = opA(A)·opB(B)} column-major with C m × n.
     * Which of our matrices is A and which is B is said by the factory that made it.
     */
    record Gemm(boolean transA, boolean transB, int m, int n, int k, int lda, long strideA, int ldb, long strideB,
                int ldc, long strideC) {
    }

    /** The arguments of one cublas?syrk on the upper triangle: {@code C = op(A)·op(A)ᵀ}, C n × n. */
    record Syrk(boolean trans, int n, int k, int lda, int ldc) {
    }

    /**
     * Left rotation {@code T = op(L)·G} (G rows × cols, L rows × rows): column-major {@code Tᵀ = Gᵀ·op(L)ᵀ}, so A
     * is the G buffer (untransposed) and B the L buffer, transposed exactly when L is (the L buffer read
     * column-major is {@code Lᵀ}, and {@code op(L)ᵀ} is L when op transposes). T is rows × cols like G.
     */
    static Gemm rotateLeft(int rows, int cols, boolean transposeLeft) {
        long g = (long) rows * cols;
        return new Gemm(false, transposeLeft, cols, rows, rows, lead(cols), g, lead(rows), (long) rows * rows,
                lead(cols), g);
    }

    /**
     * Right rotation {@code Y = T·op(R)} (T rows × cols, R cols × cols): column-major {@code Yᵀ = op(R)ᵀ·Tᵀ}, so A
     * is the R buffer, transposed exactly when R is, and B the T buffer.
     */
    static Gemm rotateRight(int rows, int cols, boolean transposeRight) {
        long g = (long) rows * cols;
        return new Gemm(transposeRight, false, cols, rows, cols, lead(cols), (long) cols * cols, lead(cols), g,
                lead(cols), g);
    }

    /**
     * The full product of a factor accumulation, A and B both the X buffer (rows × cols): left
     * {@code X·Xᵀ} (rows × rows) is column-major {@code (Xᵀ)ᵀ·Xᵀ}; right {@code Xᵀ·X} (cols × cols) is
     * {@code Xᵀ·(Xᵀ)ᵀ}. Symmetric, so the layout of the result does not matter.
     */
    static Gemm factorProduct(int rows, int cols, boolean left) {
        long x = (long) rows * cols;
        int k = left ? rows : cols;
        long kk = (long) k * k;
        return left
                ? new Gemm(true, false, rows, rows, cols, lead(cols), x, lead(cols), x, lead(rows), kk)
                : new Gemm(false, true, cols, cols, rows, lead(cols), x, lead(cols), x, lead(cols), kk);
    }

    /**
     * The same product by syrk for one matrix, written to the column-major upper triangle (our row-major lower
     * one): left {@code (Xᵀ)ᵀ·Xᵀ} is op = T with k = cols; right {@code Xᵀ·(Xᵀ)ᵀ} is op = N with k = rows.
     */
    static Syrk factorSyrk(int rows, int cols, boolean left) {
        return left ? new Syrk(true, rows, cols, lead(cols), lead(rows)) : new Syrk(false, cols, rows, lead(cols), lead(cols));
    }

    /** cuBLAS wants every leading dimension ≥ 1, even for empty operands. */
    private static int lead(int n) {
        return Math.max(1, n);
    }
}
