package org.eigenbasis.precond;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.eigenbasis.precond.PreconditionerSpec.Basis;
import org.eigenbasis.spi.Backend;
import org.eigenbasis.spi.Backends;
import org.junit.jupiter.api.Test;

/** A caller-given basis: Adam in the rotated coordinates, i.e. Adam on P̃ = Q₀ᵀ P Q₁ with gradients Q₀ᵀ G Q₁. */
class FixedBasisTest {
    private static final Backend JAVA = Backends.select("java");

    @Test
    void adamRunsInTheGivenCoordinates() {
        Random rng = new Random(1);
        double[] q0 = Dense.orthogonal(rng, 4);
        double[] q1 = Dense.orthogonal(rng, 3);
        double[] p = Dense.random(rng, 12);
        double[] vecP = Dense.random(rng, 5);
        double[] vecRef = vecP.clone();
        PreconditionerSpec spec = PreconditionerSpec.builder("fixed-adam").basis(Basis.FIXED).beta1(0.9).beta2(0.99)
                .eps(1e-8).build();
        EigenbasisOptimizer opt = new EigenbasisOptimizer(spec, 0.01, List.of(Parameter.of("w", p, 4, 3),
                Parameter.of("v", vecP, 5)), JAVA, Map.of("w", Arrays.asList(q0, q1)));
        double[] rotated = Dense.mul(Dense.mul(Dense.t(q0, 4, 4), 4, 4, p, 3), 4, 3, q1, 3);
        double[][] m = {new double[12], new double[5]};
        double[][] v = {new double[12], new double[5]};
        for (int t = 1; t <= 15; t++) {
            double[] g = Dense.random(rng, 12);
            double[] gv = Dense.random(rng, 5);
            opt.step(new Gradients().put("w", g.clone()).put("v", gv.clone()));
            adam(rotated, Dense.mul(Dense.mul(Dense.t(q0, 4, 4), 4, 4, g, 3), 4, 3, q1, 3), m[0], v[0], t);
            adam(vecRef, gv, m[1], v[1], t);
        }
        double[] expected = Dense.mul(Dense.mul(q0, 4, 4, rotated, 3), 4, 3, Dense.t(q1, 3, 3), 3);
        assertTrue(Dense.maxAbsDiff(expected, p) < 1e-13, "fixed basis: " + Dense.maxAbsDiff(expected, p));
        assertTrue(Dense.maxAbsDiff(vecRef, vecP) < 1e-14, "a parameter without bases is plain Adam");
    }

    private static void adam(double[] p, double[] g, double[] m, double[] v, int t) {
        for (int i = 0; i < p.length; i++) {
            m[i] = 0.9 * m[i] + 0.1 * g[i];
            v[i] = 0.99 * v[i] + 0.01 * g[i] * g[i];
            p[i] -= 0.01 / (1 - Math.pow(0.9, t)) * m[i] / (Math.sqrt(v[i] / (1 - Math.pow(0.99, t))) + 1e-8);
        }
    }

    @Test
    void aBasisThatIsNotOrthogonalIsRefused() {
        PreconditionerSpec spec = PreconditionerSpec.builder("fixed").basis(Basis.FIXED).build();
        double[] skew = {1, 0.1, 0, 1};
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new EigenbasisOptimizer(spec,
                0.01, List.of(Parameter.of("w", new double[4], 2, 2)), JAVA, Map.of("w", Arrays.asList(skew, null))));
        assertTrue(e.getMessage().contains("fixedBases of 'w'[0]: not orthogonal"), e.getMessage());
    }
}
