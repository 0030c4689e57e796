package org.eigenbasis.internal.mlp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * σ′ and σ″ of every activation against central differences of σ and σ′ at points away from relu's kink.
 * Tolerance: truncation h²/6·M with M bounding the third derivative of the function differenced (σ‴ for the σ′
 * check, σ⁗ for σ″): tanh‴ = −2(1 − t²)(1 − 3t²) (≤ 2), tanh⁗ ≤ 4.1, gelu‴ = φ(z)(z³ − 4z) (≤ 0.8),
 * gelu⁗ = φ(z)(−z⁴ + 7z² − 4) (≤ 1.6), so M = 5; plus rounding: both values within 4 ulps of magnitude ≤ |z| + 1,
 * divided by 2h, twice.
 */
class ActivationsTest {
    private static final double H = 1e-5;
    private static final double[] Z = {-6, -3.3, -1.7, -0.9, -0.4, -0.05, 0.05, 0.3, 0.8, 1.2, 2.6, 4.1, 7};

    @Test
    void derivativesMatchFiniteDifferences() {
        for (int code = 0; code < 4; code++) {
            for (double z : Z) {
                double scale = Math.abs(z) + 1;
                double tol = H * H / 6 * 5 + 4 * Math.ulp(scale) / H;
                double d1 = (Activations.value(code, z + H) - Activations.value(code, z - H)) / (2 * H);
                assertEquals(d1, Activations.slope(code, z), tol, "σ′ of code " + code + " at " + z);
                double d2 = (Activations.slope(code, z + H) - Activations.slope(code, z - H)) / (2 * H);
                assertEquals(d2, Activations.curvature(code, z), tol, "σ″ of code " + code + " at " + z);
            }
        }
    }

    @Test
    void geluIsTheExactErfForm() {
        for (double z : Z) {
            double expected = 0.5 * z * (1 + ErrorFunction.erf(z / Math.sqrt(2)));
            // both within a few ulps of z·Φ(z); 1 + erf loses digits for z ≪ 0, so compare absolutely at |z|'s scale
            assertEquals(expected, Activations.value(MlpMath.GELU, z), 8 * Math.ulp(Math.abs(z) + 1), "z = " + z);
        }
        assertEquals(0.0, Activations.value(MlpMath.GELU, -40), 1e-300, "tail underflows cleanly, no NaN");
        assertEquals(0.0, Activations.value(MlpMath.RELU, 0), 0);
        assertEquals(0.0, Activations.slope(MlpMath.RELU, 0), 0, "relu′(0) = 0 as in PyTorch");
    }

    @Test
    void arrayFormsAgreeWithScalarForms() {
        for (int code = 0; code < 4; code++) {
            double[] out = new double[Z.length];
            double[] slope = new double[Z.length];
            Activations.applyWithSlope(code, Z, out, slope, Z.length);
            double[] plain = new double[Z.length];
            Activations.apply(code, Z, plain, Z.length);
            double[] curv = new double[Z.length];
            Activations.curvatures(code, Z, curv, Z.length);
            for (int i = 0; i < Z.length; i++) {
                assertEquals(Activations.value(code, Z[i]), out[i], 0);
                assertEquals(Activations.value(code, Z[i]), plain[i], 0);
                assertEquals(Activations.slope(code, Z[i]), slope[i], 0);
                assertEquals(Activations.curvature(code, Z[i]), curv[i], 0);
            }
        }
    }
}
