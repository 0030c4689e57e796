package org.eigenbasis.influence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.eigenbasis.spi.Backend;
import org.eigenbasis.spi.Backends;
import org.junit.jupiter.api.Test;

/**
 * K-FAC and EK-FAC assembled from additive sums over parts of the training set (FactorSums → KroneckerBases →
 * EkfacSums → curvature, the distributed path) equal Curvatures.fromFactors on the whole set to rounding, on the
 * backends present (the java reference here; the Spark module runs cpu); scores through preconditionedTest equal
 * pairwise's.
 */
class KroneckerBasesTest {
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

    private static double relative(double[] a, double[] b) {
        double diff = 0;
        double scale = 0;
        for (int i = 0; i < a.length; i++) {
            diff = Math.max(diff, Math.abs(a[i] - b[i]));
            scale = Math.max(scale, Math.abs(b[i]));
        }
        return diff / scale;
    }

    @Test
    void sumsOfPartsGiveTheWholeSetsCurvature() {
        for (Backend backend : Backends.all()) {
            if (!backend.availability().available()) {
                continue;   // e.g. cuda on the class path without a GPU: the others still run
            }
            String name = backend.name();
            List<LayerFactors> layers = FactorFixtures.random(new int[] {6, 5, 3}, 41, 3, 7);
            int[] cuts = {0, 1, 17, 30, 41};
            FactorSums sums = null;
            for (int p = 0; p + 1 < cuts.length; p++) {
                FactorSums s = FactorSums.of(slice(layers, cuts[p], cuts[p + 1]), backend);
                sums = sums == null ? s : sums.plus(s);
            }
            assertEquals(41, sums.examples());
            KroneckerBases bases = sums.eigenbases(backend);
            EkfacSums ekfac = null;
            for (int p = 0; p + 1 < cuts.length; p++) {
                EkfacSums e = bases.ekfacSums(slice(layers, cuts[p], cuts[p + 1]), backend);
                ekfac = ekfac == null ? e : ekfac.plus(e);
            }
            List<LayerFactors> gradients = FactorFixtures.random(new int[] {6, 5, 3}, 9, 1, 8);
            List<LayerFactors> test = FactorFixtures.random(new int[] {6, 5, 3}, 4, 1, 9);
            Damping damping = Damping.of(1e-2);
            for (CurvatureKind kind : new CurvatureKind[] {CurvatureKind.KFAC, CurvatureKind.EKFAC}) {
                Curvature whole = Curvatures.fromFactors(kind, layers, backend);
                Curvature parts = bases.curvature(kind, kind == CurvatureKind.EKFAC ? ekfac : null, backend);
                assertTrue(relative(parts.eigenvalues(), whole.eigenvalues()) < 1e-13, name + " " + kind);
                assertTrue(relative(parts.dense(), whole.dense()) < 1e-13, name + " " + kind + " dense");
                PerExampleGradients tg = PerExampleGradients.factored(test);
                PerExampleGradients g = PerExampleGradients.factored(gradients);
                double[] expected = InfluenceScores.pairwise(whole, damping, tg, g);
                double[] viaRows = InfluenceScores.pairwise(parts, InfluenceScores.preconditionedTest(parts, damping, tg),
                        4, g);
                assertTrue(relative(viaRows, expected) < 1e-12, name + " " + kind + " scores");
                double[] same = InfluenceScores.pairwise(parts, damping, tg, g);
                assertTrue(java.util.Arrays.equals(same, viaRows), name + " " + kind + ": pairwise's own rows");
            }
        }
    }

    @Test
    void mismatchesAreRefused() {
        Backend backend = Backends.select("java");
        List<LayerFactors> layers = FactorFixtures.random(new int[] {3, 2}, 5, 1, 1);
        FactorSums sums = FactorSums.of(layers, backend);
        FactorSums other = FactorSums.of(FactorFixtures.random(new int[] {4, 2}, 5, 1, 1), backend);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> sums.plus(other));
        assertTrue(e.getMessage().startsWith("other.layers[0]"), e.getMessage());
        KroneckerBases bases = sums.eigenbases(backend);
        e = assertThrows(IllegalArgumentException.class, () -> bases.curvature(CurvatureKind.EKFAC, null, backend));
        assertTrue(e.getMessage().startsWith("ekfac: null"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> bases.curvature(CurvatureKind.GGN, null, backend));
        assertTrue(e.getMessage().startsWith("curvature: ggn"), e.getMessage());
        EkfacSums half = bases.ekfacSums(slice(layers, 0, 2), backend);
        e = assertThrows(IllegalArgumentException.class, () -> bases.curvature(CurvatureKind.EKFAC, half, backend));
        assertTrue(e.getMessage().startsWith("ekfac.examples: 2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new FactorSums(0, sums.layers()).eigenbases(backend));
        assertTrue(e.getMessage().startsWith("examples: 0"), e.getMessage());
    }
}
