package org.eigenbasis.influence;

import java.util.List;

/**
 * A block-diagonal curvature, one dense eigendecomposition per parameter tensor (the block-diagonal GGN). Block b
 * covers parameters [offset_b, offset_b + n_b); coordinates keep that layout. Rotations cost 2k Σ n_b².
 */
final class BlockCurvature extends BackedCurvature {
    private final List<Eigenbasis> blocks;

    BlockCurvature(CurvatureKind kind, List<Eigenbasis> blocks, Products products) {
        super(kind, total(blocks), products);
        this.blocks = List.copyOf(blocks);
    }

    private static int total(List<Eigenbasis> blocks) {
        int p = 0;
        for (Eigenbasis b : blocks) {
            p += b.n();
        }
        return p;
    }




    List<Eigenbasis> blocks() {
        return blocks;
    }

    @Override
    public double[] eigenvalues() {
        double[] out = new double[dimension()];
        int offset = 0;
        for (Eigenbasis b : blocks) {
            System.arraycopy(b.values(), 0, out, offset, b.n());
            offset += b.n();
        }
        return out;
    }

    @Override
    public double[] toEigenbasis(double[] v, int k) {
        return rotate(v, k, false);
    }

    @Override
    public double[] fromEigenbasis(double[] c, int k) {
        return rotate(c, k, true);
    }

    private double[] rotate(double[] v, int k, boolean back) {
        double[] out = new double[v.length];
        int offset = 0;
        for (Eigenbasis b : blocks) {
            int n = b.n();
            double[] slice = Slices.columns(v, k, dimension(), offset, n);
            double[] r = products().multiply(slice, k, n, false, b.vectors(), n, n, back);
            Slices.putColumns(r, k, n, out, dimension(), offset);
            offset += n;
        }
        return out;
    }

    /**
     * The diagonal blocks V_b diag(λ_b) V_bᵀ ({@link Products#reconstruct}), zeros elsewhere: Σ n_b³ flops
     * against 4P·Σ n_b² by rotating the identity.
     */
    @Override
    public double[] dense() {
        int p = dimension();
        Checks.denseFits("dense " + kind().cliName(), p);
        double[] out = new double[p * p];
        int offset = 0;
        for (Eigenbasis b : blocks) {
            int n = b.n();
            double[] block = products().reconstruct(b.vectors(), b.values(), n);
            for (int r = 0; r < n; r++) {
                System.arraycopy(block, r * n, out, (offset + r) * p + offset, n);
            }
            offset += n;
        }
        return out;
    }
}
