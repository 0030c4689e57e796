package org.eigenbasis.backend.cuda;

import java.util.ArrayList;
import java.util.List;
import org.eigenbasis.value.MlpArchitecture;

/**
 * Exact Hessian-vector products of an MLP's mean loss by Pearlmutter's R-operator, as a plan of row-major products
 * and elementwise steps over an abstract device ({@link Ops}): {@link CudaMlp} runs it with cuBLAS and our kernels
 * (eb_api.h "CUDA MLP kernels"), {@code MlpHvpPlanTest} with a host emulator, on any machine. The recurrences are
 * those of native/src/cpu/mlp.cpp (R(·) = d/dε at θ + εv):
 * <pre>
 *   RZ_l = A_l V_lᵀ + RA_l W_lᵀ + vb_l,   RA_{l+1} = σ'(Z_l) ⊙ RZ_l,   RA_0 = 0
 *   RG_{L−1} = Λ RZ_{L−1} / n   (Λ = diag(p) − p pᵀ for softmax, I for squared)
 *   RG_{l−1} = (RG_l W_l + G_l V_l) ⊙ σ'(Z_{l−1}) + (G_l W_l) ⊙ σ''(Z_{l−1}) ⊙ RZ_{l−1}
 *   (Hv)_{W_l} = RG_lᵀ A_l + G_lᵀ RA_l,   (Hv)_{b_l} = Σ_rows RG_l
 * </pre>
 * The unperturbed pass ({@link #base}: A_l, σ', G_l and E_l = (G_{l+1} W_{l+1}) ⊙ σ''(Z_l)) runs once over the n rows;
 * then each block of kb vectors ({@link #block}) over all n rows at once, every R-quantity held row-major over (row,
 * vector, unit), so that each product is one product over all kb vectors: RA_l W_lᵀ and RG_l W_l with n·kb rows, and
 * the per-vector ones (A_l V_jᵀ, RG_jᵀ A_l, G_lᵀ RA_j, G_l V_j) strided-batched over the kb vectors, V_j read in
 * place from the vector block (stride P) and (Hv)_j written in place into the output block. 10 products and 4 steps
 * per layer and block; about 12·kb·n·P flops, nearly all in the products.
 */
final class MlpHvpPlan {
    private MlpHvpPlan() {
    }

    /** The device: buffers of doubles (B) and the operations of the plan. Offsets and strides count doubles. */
    interface Ops<B> {
        B allocate(long doubles);

        /** doubles entries of buffer from offset, as a buffer (not owning: never released). */
        B slice(B buffer, long offset, long doubles);

        void release(B buffer);

        /**
         * Row-major {@code C_b = alpha·op(A_b)·op(B_b) + beta·C_b} for b &lt; batch, C m × n, inner k, A_b at
         * b·strideA (leading dimension lda: the row length as stored), likewise B and C; beta = 0: C is not read.
         */
        void gemm(boolean transA, boolean transB, int m, int n, int k, double alpha, B a, int lda, long strideA, B b,
                  int ldb, long strideB, double beta, B c, int ldc, long strideC, int batch);

        void broadcastRows(B out, long rows, int groups, int width, B src, long srcStride, boolean accumulate);

        void activate(int activation, B z, long count, B a, B s1, B s2);

        void lossGradient(int loss, B z, B y, long rows, int classes, double invRows, B g, B p);

        void scaleGroups(B out, B in, B scale, long rows, int groups, int width, B e, B rz);

        void ropLoss(int loss, B p, B rz, long rows, int groups, int classes, double invN, B rg);

        void columnSums(B in, long rows, int groups, int width, B out, long outStride);
    }

    /** The unperturbed pass: per layer A_l (l ≥ 1), σ'(Z_l) and E_l (l &lt; L − 1), G_l; the softmax p (cross-entropy). */
    static final class Base<B> {
        final List<B> a = new ArrayList<>();
        final List<B> s1 = new ArrayList<>();
        final List<B> g = new ArrayList<>();
        final List<B> e = new ArrayList<>();
        B p;

        void release(Ops<B> ops) {
            for (List<B> list : List.of(a, s1, g, e)) {
                for (B b : list) {
                    if (b != null) {
                        ops.release(b);
                    }
                }
                list.clear();
            }
            if (p != null) {
                ops.release(p);
                p = null;
            }
        }
    }

    /** Doubles of device memory one vector of a block needs ({@link #block}'s R-quantities), for sizing kb. */
    static long doublesPerVector(MlpArchitecture arch, int n) {
        long widths = 0;
        int maxWidth = 0;
        for (int l = 0; l < arch.depth(); l++) {
            widths += arch.width(l + 1) + (l > 0 ? arch.width(l) : 0);
            maxWidth = Math.max(maxWidth, Math.max(arch.width(l), arch.width(l + 1)));
        }
        return (long) n * (widths + 2L * maxWidth) + 2L * arch.parameterCount();
    }

    /** The unperturbed pass over the n rows of x and y (theta: P doubles). */
    static <B> Base<B> base(Ops<B> ops, MlpArchitecture arch, B theta, B x, B y, int n) {
        int depth = arch.depth();
        int act = arch.activation().ordinal();
        Base<B> base = new Base<>();
        List<B> s2 = new ArrayList<>();
        base.a.add(null);   // A_0 is x
        try {
            B a = x;
            B z = null;
            for (int l = 0; l < depth; l++) {
                int din = arch.width(l);
                int dout = arch.width(l + 1);
                z = ops.allocate((long) n * dout);
                ops.broadcastRows(z, n, 1, dout, ops.slice(theta, arch.biasOffset(l), dout), 0, false);
                ops.gemm(false, true, n, dout, din, 1.0, a, din, 0, weights(ops, arch, theta, l), din, 0, 1.0, z, dout, 0,
                        1);
                if (l + 1 < depth) {
                    long count = (long) n * dout;
                    B next = ops.allocate(count);
                    base.a.add(next);
                    B slope = ops.allocate(count);
                    base.s1.add(slope);
                    B curvature = ops.allocate(count);
                    s2.add(curvature);
                    ops.activate(act, z, count, next, slope, curvature);
                    ops.release(z);
                    z = null;
                    a = next;
                }
            }
            int c = arch.outputs();
            for (int l = 0; l < depth; l++) {
                base.g.add(null);
                base.e.add(null);
            }
            B top = ops.allocate((long) n * c);
            base.g.set(depth - 1, top);
            if (arch.loss() == MlpArchitecture.Loss.CROSS_ENTROPY) {
                base.p = ops.allocate((long) n * c);
            }
            ops.lossGradient(arch.loss().ordinal(), z, y, n, c, 1.0 / n, top, base.p);
            ops.release(z);
            for (int l = depth - 1; l >= 1; l--) {
                int din = arch.width(l);
                int dout = arch.width(l + 1);
                B t = ops.allocate((long) n * din);
                ops.gemm(false, false, n, din, dout, 1.0, base.g.get(l), dout, 0, weights(ops, arch, theta, l), din, 0,
                        0.0, t, din, 0, 1);
                B g = ops.allocate((long) n * din);
                base.g.set(l - 1, g);
                B e = ops.allocate((long) n * din);
                base.e.set(l - 1, e);
                ops.scaleGroups(g, t, base.s1.get(l - 1), n, 1, din, null, null);
                ops.scaleGroups(e, t, s2.get(l - 1), n, 1, din, null, null);
                ops.release(t);
            }
            return base;
        } catch (RuntimeException | Error e) {
            base.release(ops);
            throw e;
        } finally {
            for (B b : s2) {
                ops.release(b);
            }
        }
    }

    /**
     * out_j = H v_j for the kb vectors back to back in v (kb × P), written to out (kb × P, all of it), over the same
     * n rows of x as {@code base}.
     */
    static <B> void block(Ops<B> ops, MlpArchitecture arch, Base<B> base, B theta, B x, int n, B v, B out, int kb) {
        int depth = arch.depth();
        long p = arch.parameterCount();
        int maxWidth = 0;
        for (int w : arch.layers()) {
            maxWidth = Math.max(maxWidth, w);
        }
        List<B> rz = new ArrayList<>();
        List<B> ra = new ArrayList<>();
        List<B> all = new ArrayList<>();
        try {
            for (int l = 0; l < depth; l++) {
                rz.add(keep(all, ops.allocate((long) n * kb * arch.width(l + 1))));
                ra.add(l == 0 ? null : keep(all, ops.allocate((long) n * kb * arch.width(l))));
            }
            B rg = keep(all, ops.allocate((long) n * kb * maxWidth));
            B t = keep(all, ops.allocate((long) n * kb * maxWidth));
            // R-forward
            for (int l = 0; l < depth; l++) {
                int din = arch.width(l);
                int dout = arch.width(l + 1);
                B a = l == 0 ? x : base.a.get(l);
                B vw = ops.slice(v, arch.weightOffset(l), (kb - 1) * p + (long) dout * din);
                ops.gemm(false, true, n, dout, din, 1.0, a, din, 0, vw, din, p, 0.0, rz.get(l), kb * dout, dout, kb);
                if (l > 0) {
                    ops.gemm(false, true, n * kb, dout, din, 1.0, ra.get(l), din, 0, weights(ops, arch, theta, l), din, 0,
                            1.0, rz.get(l), dout, 0, 1);
                }
                ops.broadcastRows(rz.get(l), n, kb, dout, ops.slice(v, arch.biasOffset(l), (kb - 1) * p + dout), p, true);
                if (l + 1 < depth) {
                    ops.scaleGroups(ra.get(l + 1), rz.get(l), base.s1.get(l), n, kb, dout, null, null);
                }
            }
            // R of the loss gradient
            ops.ropLoss(arch.loss().ordinal(), base.p, rz.get(depth - 1), n, kb, arch.outputs(), 1.0 / n, rg);
            // R-backward
            for (int l = depth - 1; l >= 0; l--) {
                int din = arch.width(l);
                int dout = arch.width(l + 1);
                B a = l == 0 ? x : base.a.get(l);
                B g = base.g.get(l);
                B outW = ops.slice(out, arch.weightOffset(l), (kb - 1) * p + (long) dout * din);
                ops.gemm(true, false, dout, din, n, 1.0, rg, kb * dout, dout, a, din, 0, 0.0, outW, din, p, kb);
                if (l > 0) {
                    ops.gemm(true, false, dout, din, n, 1.0, g, dout, 0, ra.get(l), kb * din, din, 1.0, outW, din, p, kb);
                }
                ops.columnSums(rg, n, kb, dout, ops.slice(out, arch.biasOffset(l), (kb - 1) * p + dout), p);
                if (l > 0) {
                    ops.gemm(false, false, n * kb, din, dout, 1.0, rg, dout, 0, weights(ops, arch, theta, l), din, 0, 0.0,
                            t, din, 0, 1);
                    B vw = ops.slice(v, arch.weightOffset(l), (kb - 1) * p + (long) dout * din);
                    ops.gemm(false, false, n, din, dout, 1.0, g, dout, 0, vw, din, p, 1.0, t, kb * din, din, kb);
                    ops.scaleGroups(rg, t, base.s1.get(l - 1), n, kb, din, base.e.get(l - 1), rz.get(l - 1));
                }
            }
        } finally {
            for (B b : all) {
                ops.release(b);
            }
        }
    }

    private static <B> B keep(List<B> all, B buffer) {
        all.add(buffer);
        return buffer;
    }

    private static <B> B weights(Ops<B> ops, MlpArchitecture arch, B theta, int l) {
        return ops.slice(theta, arch.weightOffset(l), (long) arch.width(l + 1) * arch.width(l));
    }
}
