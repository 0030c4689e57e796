package org.eigenbasis.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.eigenbasis.influence.Curvature;
import org.eigenbasis.influence.CurvatureKind;
import org.eigenbasis.influence.Curvatures;
import org.eigenbasis.influence.Damping;
import org.eigenbasis.influence.LayerFactors;
import org.eigenbasis.testing.ErrorBounds;
import org.eigenbasis.value.DType;
import org.junit.jupiter.api.Test;

/**
 * On the cpu backend, each rung's structured {@link Curvature#dense()} equals the generic reconstruction by
 * rotations (the interface's default, reached through a wrapper that does not override it) to LAPACK's
 * threshold × P × ε × max|λ|, with layers large enough that the products split over the workers.
 */
class CpuCurvatureDenseTest {
    private final CpuBackend cpu = new CpuBackend();

    /** Delegates everything but {@link Curvature#dense()}, which stays the interface's default. */
    private record ByRotation(Curvature c) implements Curvature {
        @Override
        public CurvatureKind kind() {
            return c.kind();
        }

        @Override
        public int dimension() {
            return c.dimension();
        }

        @Override
        public double[] eigenvalues() {
            return c.eigenvalues();
        }

        @Override
        public double[] inverseWeights(Damping damping) {
            return c.inverseWeights(damping);
        }

        @Override
        public double[] toEigenbasis(double[] v, int k) {
            return c.toEigenbasis(v, k);
        }

        @Override
        public double[] fromEigenbasis(double[] v, int k) {
            return c.fromEigenbasis(v, k);
        }
    }

    @Test
    void structuredDenseFormsMatchTheReconstructionByRotations() {
        Random r = new Random(31);
        int[] dims = {24, 20, 12, 5};
        int n = 40;
        int per = 3;
        List<LayerFactors> layers = new ArrayList<>();
        for (int l = 0; l + 1 < dims.length; l++) {
            double[] a = new double[n * dims[l]];
            double[] g = new double[n * per * dims[l + 1]];
            for (int i = 0; i < a.length; i++) {
                a[i] = r.nextGaussian();
            }
            for (int i = 0; i < g.length; i++) {
                g[i] = r.nextGaussian();
            }
            layers.add(new LayerFactors(dims[l], dims[l + 1], l != 1, n, per, a, g));
        }
        for (CurvatureKind kind : List.of(CurvatureKind.GGN, CurvatureKind.BLOCK_GGN, CurvatureKind.KFAC,
                CurvatureKind.EKFAC)) {
            Curvature c = Curvatures.fromFactors(kind, layers, cpu);
            int p = c.dimension();
            double[] expected = new ByRotation(c).dense();
            double[] actual = c.dense();
            double max = 0;
            for (double v : c.eigenvalues()) {
                max = Math.max(max, Math.abs(v));
            }
            double tol = ErrorBounds.threshold(1, p, DType.F64, max);
            for (int i = 0; i < p * p; i++) {
                assertEquals(expected[i], actual[i], tol, kind.cliName() + " entry " + i);
            }
        }
    }
}
