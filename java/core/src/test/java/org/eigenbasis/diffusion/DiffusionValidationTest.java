package org.eigenbasis.diffusion;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Issue 14, point 6: bad input is refused with an IllegalArgumentException naming the argument, index and range. */
class DiffusionValidationTest {
    private static final DiffusionConfig C = DiffusionConfig.defaults();
    private static final double[][] ID3 = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}};

    private static void refused(Executable call, String... fragments) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "'" + e.getMessage() + "' should contain '" + f + "'");
        }
    }

    @Test
    void config() {
        refused(() -> new DiffusionConfig(80, 80, 1, 0.1), "sigmaMin", "sigmaMax");
        refused(() -> new DiffusionConfig(100, 80, 1, 0.1), "sigmaMin", "below sigmaMax");
        refused(() -> C.withSigmaMin(0), "sigmaMin", "(0, ∞)");
        refused(() -> C.withSigmaMin(-1), "sigmaMin", "(0, ∞)");
        refused(() -> C.withSigmaMin(Double.NaN), "sigmaMin");
        refused(() -> C.withSigmaMax(Double.POSITIVE_INFINITY), "sigmaMax", "(0, ∞)");
        refused(() -> C.withEta(0), "eta", "(0, ∞)");
        refused(() -> C.withEta(-1), "eta", "(0, ∞)");
        refused(() -> C.withEta(Double.NaN), "eta");
        refused(() -> C.withInit(0), "init", "(0, ∞)");
        refused(() -> C.withInit(-0.1), "init", "(0, ∞)");
        refused(() -> C.withInit(Double.POSITIVE_INFINITY), "init");
    }

    @Test
    void modeDynamics() {
        for (DenoiserModel m : DenoiserModel.values()) {
            refused(() -> ModeDynamics.flowIntegral(m, -1e-9, 1, C), "lambda", "[0, ∞)");
            refused(() -> ModeDynamics.generatedVariance(m, Double.NaN, 1, C), "lambda");
            refused(() -> ModeDynamics.generatedVariance(m, Double.POSITIVE_INFINITY, 1, C), "lambda", "finite");
            refused(() -> ModeDynamics.flowIntegral(m, 1, -1, C), "tau", "[0, ∞)");
            refused(() -> ModeDynamics.flowIntegral(m, 1, Double.NaN, C), "tau");
            refused(() -> ModeDynamics.weight(m, 1, 0, 1, C), "sigma", "(0, ∞)");
            refused(() -> ModeDynamics.weight(m, 1, Double.POSITIVE_INFINITY, 1, C), "sigma");
        }
        refused(() -> ModeDynamics.finalGeneratedVariance(-1, C), "lambda");
        refused(() -> ModeDynamics.klDivergence(1, 0), "lambda", "(0, ∞)");
        refused(() -> ModeDynamics.klDivergence(-1, 1), "generated", "[0, ∞)");
        refused(() -> DenoiserModel.parse("three-layer"), "model", "one-layer, two-layer");
    }

    @Test
    void eigenvalues() {
        refused(() -> new GeneratedGaussian(new double[] {1, -0.5, 1}, ID3, DenoiserModel.ONE_LAYER, C),
                "eigenvalues[1]", "-0.5", "[0, ∞)");
        refused(() -> new GeneratedGaussian(new double[] {1, 1, Double.NaN}, ID3, DenoiserModel.ONE_LAYER, C),
                "eigenvalues[2]", "NaN");
        refused(() -> new GeneratedGaussian(new double[] {Double.POSITIVE_INFINITY, 1, 1}, ID3,
                DenoiserModel.TWO_LAYER, C), "eigenvalues[0]", "Infinity");
        refused(() -> GeneratedGaussian.requireEigenvalues("lambda", new double[] {0, 1, 2, -3}), "lambda[3]");
    }

    @Test
    void eigenvectors() {
        double[][] skew = {{1, 0.1, 0}, {0, 1, 0}, {0, 0, 1}};
        refused(() -> new GeneratedGaussian(new double[] {1, 1, 1}, skew, DenoiserModel.ONE_LAYER, C),
                "eigenvectors", "(UᵀU − I)[0][1]", "not orthonormal");
        refused(() -> new GeneratedGaussian(new double[] {1, 1}, ID3, DenoiserModel.ONE_LAYER, C),
                "eigenvectors", "3 rows, expected 2");
        double[][] ragged = {{1, 0, 0}, {0, 1}, {0, 0, 1}};
        refused(() -> new GeneratedGaussian(new double[] {1, 1, 1}, ragged, DenoiserModel.ONE_LAYER, C),
                "eigenvectors", "row 1");
    }

    @Test
    void covariance() {
        double[][] asymmetric = {{2, 1, 0}, {1 + 1e-9, 2, 0}, {0, 0, 2}};
        refused(() -> GeneratedGaussian.of(asymmetric, DenoiserModel.ONE_LAYER, C),
                "covariance", "a[1][0]", "a[0][1]", "1.0E-12");
        refused(() -> new WeightSpaceFlow(asymmetric, 1, DenoiserModel.TWO_LAYER, 1), "covariance", "a[1][0]");
        // Within the stated tolerance (1e-12·max|a| = 2e-12): accepted.
        double[][] nearly = {{2, 1, 0}, {1 + 1e-13, 2, 0}, {0, 0, 2}};
        GeneratedGaussian.of(nearly, DenoiserModel.ONE_LAYER, C);
        refused(() -> GeneratedGaussian.of(new double[][] {{1, 0}, {0, 1}, {0, 0}}, DenoiserModel.ONE_LAYER, C),
                "covariance", "row 0", "square");
        refused(() -> GeneratedGaussian.of(new double[][] {{1, Double.NaN}, {Double.NaN, 1}}, DenoiserModel.ONE_LAYER,
                C), "covariance[0][1]", "not finite");
        refused(() -> GeneratedGaussian.of(new double[0][], DenoiserModel.ONE_LAYER, C), "covariance", "0 × 0");
        double[][] indefinite = {{1, 2}, {2, 1}};   // eigenvalues −1, 3
        refused(() -> GeneratedGaussian.of(indefinite, DenoiserModel.ONE_LAYER, C),
                "covariance", "eigenvalue 0", "not positive semi-definite");
    }

    @Test
    void weightSpaceFlowArguments() {
        refused(() -> new WeightSpaceFlow(ID3, 0, DenoiserModel.ONE_LAYER, 1), "noise", "(0, ∞)");
        refused(() -> new WeightSpaceFlow(ID3, 1, DenoiserModel.ONE_LAYER, -1), "eta", "(0, ∞)");
        WeightSpaceFlow flow = new WeightSpaceFlow(ID3, 1, DenoiserModel.ONE_LAYER, 1);
        refused(() -> flow.train(new double[2][2], 1, 1e-8, 0, 10), "w0", "2 rows, expected 3");
        refused(() -> flow.train(ID3, -1, 1e-8, 0, 10), "tau", "[0, ∞)");
        refused(() -> flow.loss(new double[][] {{1, 0, 0}, {0, 1, 0}, {0, 1}}), "w", "row 2");
        GeneratedGaussian g = new GeneratedGaussian(new double[] {1, 1, 1}, ID3, DenoiserModel.ONE_LAYER, C);
        refused(() -> g.klCurve(new double[] {0, 1, -2}), "taus[2]", "[0, ∞)");
        refused(() -> g.klCurve(new double[] {Double.NaN}), "taus[0]");
    }
}
