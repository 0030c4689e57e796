package org.eigenbasis.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.eigenbasis.precond.Gradients;
import org.eigenbasis.precond.Parameter;
import org.eigenbasis.testing.ErrorBounds;
import org.eigenbasis.value.DType;
import org.junit.jupiter.api.Test;

class FeedForwardNetworkTest {
    /** The first 40 samples of the fixed training split: enough for every class, cheap to differentiate. */
    static Dataset batch(int size) {
        Dataset train = Digits.split().train();
        int[] rows = new int[size];
        for (int i = 0; i < size; i++) {
            rows[i] = i;
        }
        return train.rows(rows);
    }

    static void randomize(Model model, long seed, double scale) {
        Random random = new Random(seed);
        for (Parameter p : model.parameters()) {
            for (int i = 0; i < p.size(); i++) {
                p.set(i, scale * random.nextGaussian());
            }
        }
    }

    /** The finite-difference step: its truncation error is of order h², its rounding error of order u/h. */
    static final double H = 1e-5;

    /**
     * Central differences with step h against the analytic gradient, each coordinate within the error of the
     * difference quotient (φ(t) = loss(w + t·e_k)):
     * <ul>
     *   <li>truncation: (φ(h) − φ(−h))/(2h) − φ'(0) = h²·φ‴(ξ)/6, with |φ‴| bounded by {@link Bounds#third};</li>
     *   <li>rounding: each loss is computed within δ_f ({@link Bounds#loss}) of its exact value, so the quotient
     *       within δ_f/h; w ± h is rounded (the step taken is h within u·(|w| + h)), and the quotient once more;</li>
     *   <li>the analytic gradient's own rounding ({@link Bounds#gradient}).</li>
     * </ul>
     */
    static void assertGradientMatchesFiniteDifferences(FeedForwardNetwork model, Dataset data, Activation activation) {
        Gradients grads = new Gradients();
        double loss = model.lossAndGradients(data, grads, LayerStatisticsMode.NONE, null);
        assertEquals(model.loss(data), loss, 0, "loss of lossAndGradients equals loss(): the same forward pass");
        Bounds bounds = new Bounds(model, activation, data);
        double u = ErrorBounds.unitRoundoff(DType.F64);
        double rounding = bounds.loss() / H;
        double worst = 0;
        for (Parameter p : model.parameters()) {
            double[] g = grads.f64(p.name());
            assertNotNull(g, p.name());
            assertEquals(p.size(), g.length, p.name());
            double[] w = p.f64();
            double truncation = H * H / 6 * bounds.third(p.name());
            for (int i = 0; i < w.length; i++) {
                double keep = w[i];
                w[i] = keep + H;
                double plus = model.loss(data);
                w[i] = keep - H;
                double minus = model.loss(data);
                w[i] = keep;
                double fd = (plus - minus) / (2 * H);
                double tol = truncation + rounding + u * ((Math.abs(keep) + H) / H + 1) * Math.abs(g[i])
                        + bounds.gradient();
                assertTrue(Math.abs(fd - g[i]) <= tol, p.name() + "[" + i + "]: finite difference " + fd + ", gradient "
                        + g[i] + ", apart by more than " + tol);
                worst = Math.max(worst, Math.abs(fd - g[i]) / tol);
            }
        }
        System.out.printf("%s: finite differences within %.3g of their limit (δ_f = %.3g)%n", model.name(), worst,
                bounds.loss());
    }

    /**
     * A priori bounds for the mean cross-entropy of a logistic regression or one-hidden-layer network on features
     * in [0, 1] (the digits: pixel counts / 16), from its parameters.
     */
    static final class Bounds {
        private final double hidden;        // max |a| of the last layer's input: the hidden units, or the features
        private final double w2;            // max |W2_cj| of the output layer (MLP)
        private final double logits;        // Z ≥ max |z_c|
        private final double logitError;    // ≥ max |computed z_c − exact z_c|
        private final double lossError;     // δ_f
        private final double gradientError;
        private final Activation activation;

        Bounds(FeedForwardNetwork model, Activation activation, Dataset data) {
            this.activation = activation;
            List<Parameter> p = model.parameters();
            int n = data.samples();
            int classes = data.classes();
            double[] x = data.features();
            for (double v : x) {
                assertTrue(v >= 0 && v <= 1, "features in [0, 1]");
            }
            double u = ErrorBounds.unitRoundoff(DType.F64);
            boolean mlp = p.size() == 4;
            // A layer's outputs b_o + Σ_i W_oi·a_i: in + 1 terms, within γ_{in+1}·(|b_o| + Σ_i |W_oi||a_i|)
            // (Higham §3.1).
            double[] first = layerBound(p.get(0).f64(), p.get(1).f64(), 1);
            double firstError = ErrorBounds.gamma(p.get(0).shape()[1] + 1, DType.F64) * first[0];
            if (mlp) {
                // tanh within 2.5 ulp (Math.tanh), max(z, 0) exact; both 1-Lipschitz.
                hidden = activation == Activation.TANH ? 1 : first[0];
                double hiddenError = firstError + 5 * u * hidden;
                double[] out = layerBound(p.get(2).f64(), p.get(3).f64(), hidden);
                logits = out[0];
                w2 = layerBound(p.get(2).f64(), new double[p.get(3).size()], 0)[2];
                logitError = ErrorBounds.gamma(p.get(2).shape()[1] + 1, DType.F64) * logits + out[1] * hiddenError;
                if (activation == Activation.RELU) {
                    assertNoKinkWithinTheStep(p.get(0).f64(), p.get(1).f64(), x, n);
                }
            } else {
                hidden = 1;
                w2 = 0;
                logits = first[0];
                logitError = firstError;
            }
            // ℓ = max + ln Σ exp(z − max) − z_y: the logits' error at most twice (|∂ℓ/∂z|₁ ≤ 2), and 2C + 4
            // roundings (the C differences, C exps within 1 ulp, the sum of C terms in [0, 1], the log, two
            // additions) of terms ≤ 2Z + ln C + 2; the mean of N such terms, γ_N more.
            double terms = 2 * logits + Math.log(classes) + 2;
            lossError = 2 * logitError + ErrorBounds.gamma(2 * classes + n + 8, DType.F64) * terms;
            // The gradient (1/N) Σ_n d_n·a_n, |d| ≤ 1 (softmax − one-hot), |a| ≤ the input bound: γ_{N+1}; a hidden
            // layer's d is first passed through W2ᵀ (C terms ≤ max|W2|) and the derivative (≤ 1, three roundings).
            double d = mlp ? classes * w2 : 1;
            gradientError = ErrorBounds.gamma(n + classes + 5, DType.F64) * Math.max(1, hidden) * Math.max(1, d);
        }

        /**
         * {max_o (|b_o| + Σ_i |W_oi|·input), max_o Σ_i |W_oi|, max |W_oi|} of a layer whose inputs are at most
         * input.
         */
        private static double[] layerBound(double[] w, double[] b, double input) {
            int outs = b.length;
            int in = w.length / outs;
            double z = 0;
            double rows = 0;
            double max = 0;
            for (int o = 0; o < outs; o++) {
                double row = 0;
                for (int i = 0; i < in; i++) {
                    row += Math.abs(w[o * in + i]);
                    max = Math.max(max, Math.abs(w[o * in + i]));
                }
                z = Math.max(z, Math.abs(b[o]) + row * input);
                rows = Math.max(rows, row);
            }
            return new double[] {z, rows, max};
        }

        /**
         * Along a hidden parameter φ is smooth only if no pre-activation crosses the ReLU's kink within the step (a
         * step of h in W1_ji or b1_j moves u_j by at most h, the features being ≤ 1).
         */
        private static void assertNoKinkWithinTheStep(double[] w, double[] b, double[] x, int n) {
            int units = b.length;
            int in = w.length / units;
            for (int k = 0; k < n; k++) {
                for (int j = 0; j < units; j++) {
                    double z = b[j];
                    for (int i = 0; i < in; i++) {
                        z += w[j * in + i] * x[k * in + i];
                    }
                    assertTrue(Math.abs(z) > 2 * H, "sample " + k + ", unit " + j + ": pre-activation " + z
                            + " within the step of the ReLU's kink");
                }
            }
        }

        /** δ_f: the computed loss is within this of the exact loss of the same parameters. */
        double loss() {
            return lossError;
        }

        /** The analytic gradient's rounding error. */
        double gradient() {
            return gradientError;
        }

        /**
         * max |φ‴| along one coordinate. For ℓ = LSE(z) − z_y along t, z' = ∂z/∂t and so on: φ‴ = mean of
         * ℓ‴[z', z', z'] + 3ℓ″[z', z″] + ℓ'[z‴], where ℓ'[v] = E_p v − v_y (≤ 2 max|v|), ℓ″[v, w] = Cov_p(v, w)
         * (≤ max|v|·max|w|) and ℓ‴[v, v, v] = E_p (v − E_p v)³ (≤ 2 max|v|³), p = softmax(z): |φ‴| ≤ 2M₁³ + 3M₁M₂ +
         * 2M₃. The output layer's logits are linear in its parameters (M₁ = max|input|, M₂ = M₃ = 0); a hidden
         * parameter enters as W2_cj·σ(u_j) with |∂u/∂t| ≤ 1: M_k ≤ max|W2|·max|σ^(k)| (tanh: 1, 4/(3√3), 2; ReLU
         * without a kink in the step: 1, 0, 0).
         */
        double third(String parameter) {
            if (!parameter.startsWith("hidden.")) {
                double m1 = parameter.endsWith("bias") ? 1 : hidden;
                return 2 * m1 * m1 * m1;
            }
            boolean tanh = activation == Activation.TANH;
            double m1 = w2;
            double m2 = tanh ? w2 * 4 / (3 * Math.sqrt(3)) : 0;
            double m3 = tanh ? 2 * w2 : 0;
            return 2 * m1 * m1 * m1 + 3 * m1 * m2 + 2 * m3;
        }
    }

    @Test
    void logisticRegressionGradientMatchesFiniteDifferences() {
        FeedForwardNetwork model = FeedForwardNetwork.logisticRegression(64, 10);
        randomize(model, 1, 0.3);
        assertGradientMatchesFiniteDifferences(model, batch(40), null);
    }

    @Test
    void mlpGradientMatchesFiniteDifferencesForBothActivations() {
        for (Activation a : Activation.values()) {
            FeedForwardNetwork model = FeedForwardNetwork.mlp(64, 12, 10, a, 3);
            randomize(model, 2, 0.4);
            assertGradientMatchesFiniteDifferences(model, batch(25), a);
        }
    }

    @Test
    void parametersHaveTheDocumentedNamesAndShapes() {
        FeedForwardNetwork lr = FeedForwardNetwork.logisticRegression(64, 10);
        List<Parameter> p = lr.parameters();
        assertEquals(2, p.size());
        assertEquals("weight", p.get(0).name());
        assertArrayEquals(new int[] {10, 64}, p.get(0).shape());
        assertEquals("bias", p.get(1).name());
        assertArrayEquals(new int[] {10}, p.get(1).shape());
        // Zero weights: every sample's loss is 0 + Math.log(10) − 0, the same double as the reference; their mean
        // sums 30 copies (γ_29 relative) and divides (u): within γ_30·ln 10.
        assertEquals(Math.log(10), lr.loss(batch(30)), ErrorBounds.gamma(30, DType.F64) * Math.log(10),
                "zero weights: uniform predictions");
        FeedForwardNetwork mlp = FeedForwardNetwork.mlp(64, 32, 10, Activation.TANH, 0);
        assertEquals(List.of("hidden.weight", "hidden.bias", "output.weight", "output.bias"),
                mlp.parameters().stream().map(Parameter::name).toList());
        assertArrayEquals(new int[] {32, 64}, mlp.parameters().get(0).shape());
        assertArrayEquals(new int[] {10, 32}, mlp.parameters().get(2).shape());
        double limit = Math.sqrt(6.0 / (64 + 32));
        double max = 0;
        for (double v : mlp.parameters().get(0).f64()) {
            max = Math.max(max, Math.abs(v));
        }
        // Not a rounding tolerance. max ≤ limit: limit·(2r − 1) with |2r − 1| < 1 rounds to at most limit.
        // max > 0.9·limit: 2048 independent uniform draws all stay inside 0.9·limit with probability
        // 0.9^2048 < 1e-93 (seeded: the draws here reach 0.9998·limit).
        assertTrue(max > 0.9 * limit && max <= limit, "Glorot-uniform range: " + max);
        assertArrayEquals(mlp.parameters().get(0).f64(),
                FeedForwardNetwork.mlp(64, 32, 10, Activation.TANH, 0).parameters().get(0).f64(), "seeded init");
    }

    @Test
    void plainGradientDescentDecreasesTheLoss() {
        Dataset data = batch(200);
        for (Model model : new Model[] {FeedForwardNetwork.logisticRegression(64, 10),
            FeedForwardNetwork.mlp(64, 16, 10, Activation.RELU, 5)}) {
            TestSgd sgd = new TestSgd(model.parameters(), 0.5);
            double previous = Double.POSITIVE_INFINITY;
            double first = model.loss(data);
            for (int t = 0; t < 30; t++) {
                Gradients g = new Gradients();
                double loss = model.lossAndGradients(data, g, LayerStatisticsMode.NONE, null);
                assertTrue(loss < previous, model.name() + " step " + t + ": " + loss + " ≥ " + previous);
                previous = loss;
                sgd.step(g);
            }
            // Not a rounding tolerance: a claim about this seeded run (the java arithmetic is the same on every
            // machine), which ends at 0.33 (logistic regression) and 0.25 (ReLU network) of the initial loss;
            // rounding moves these by about 1e-14.
            assertTrue(model.loss(data) < 0.6 * first, model.name() + ": " + model.loss(data) + " vs " + first);
        }
    }

    /** Σ_n g_n a_nᵀ / B from the empirical statistics reproduces every weight gradient. */
    @Test
    void empiricalStatisticsReproduceTheWeightGradients() {
        Dataset data = batch(33);
        FeedForwardNetwork model = FeedForwardNetwork.mlp(64, 9, 10, Activation.TANH, 4);
        randomize(model, 6, 0.5);
        Gradients grads = new Gradients();
        model.lossAndGradients(data, grads, LayerStatisticsMode.EMPIRICAL, null);
        assertEquals(2, grads.layers().size());
        for (String name : List.of("hidden.weight", "output.weight")) {
            Gradients.LayerStatistics s = grads.layer(name);
            assertNotNull(s, name);
            assertEquals(33, s.samples());
            double[] expected = grads.f64(name);
            double[] rebuilt = outerProductMean(s);
            assertEquals(expected.length, rebuilt.length);
            // The same sums over the samples in the same order (the network skips d = 0, which adds nothing); the
            // network scales by fl(1/B), this test divides by B: x·fl(1/B) is within 2u of x/B, the quotient within u:
            // at most 3 ulps apart (ulp(v) ≥ u·|v|).
            for (int i = 0; i < expected.length; i++) {
                assertEquals(expected[i], rebuilt[i], ErrorBounds.ulps(expected[i], 3), name + "[" + i + "]");
            }
            // the bias gradient is the mean output gradient
            double[] bias = grads.f64(name.replace("weight", "bias"));
            int outs = s.outputGradients().length / s.samples();
            for (int o = 0; o < outs; o++) {
                double sum = 0;
                for (int n = 0; n < s.samples(); n++) {
                    sum += s.outputGradients()[n * outs + o];
                }
                assertEquals(bias[o], sum / s.samples(), ErrorBounds.ulps(bias[o], 3), "the same sum, scaled as above");
            }
        }
        assertNull(grads.layer("hidden.bias"));
        // the statistics do not alias the data set
        assertTrue(grads.layer("hidden.weight").inputs() != data.features());
    }

    @Test
    void noStatisticsUnlessAsked() {
        Gradients grads = new Gradients();
        FeedForwardNetwork.logisticRegression(64, 10).lossAndGradients(batch(5), grads, LayerStatisticsMode.NONE, null);
        assertTrue(grads.layers().isEmpty());
        assertEquals(2, grads.names().size());
    }

    /**
     * Sampled statistics: each output gradient is softmax − onehot(drawn label), so it sums to zero per sample and
     * has exactly one negative entry; the draws follow the model (a confident model draws its prediction), are
     * seeded, and the parameter gradients stay those of the true labels.
     */
    @Test
    void sampledStatisticsDrawLabelsFromTheModel() {
        Dataset data = batch(300);
        FeedForwardNetwork model = FeedForwardNetwork.logisticRegression(64, 10);
        TestSgd sgd = new TestSgd(model.parameters(), 1.0);
        for (int t = 0; t < 150; t++) {
            Gradients g = new Gradients();
            model.lossAndGradients(data, g, LayerStatisticsMode.NONE, null);
            sgd.step(g);
        }
        Gradients empirical = new Gradients();
        model.lossAndGradients(data, empirical, LayerStatisticsMode.EMPIRICAL, null);
        Gradients sampled = new Gradients();
        model.lossAndGradients(data, sampled, LayerStatisticsMode.SAMPLED, new Random(7));
        assertArrayEquals(empirical.f64("weight"), sampled.f64("weight"), 0);
        double[] g = sampled.layer("weight").outputGradients();
        double[] p = empirical.layer("weight").outputGradients();
        int[] predicted = model.predict(data);
        int agree = 0;
        int differFromLabel = 0;
        for (int n = 0; n < data.samples(); n++) {
            double sum = 0;
            int drawn = -1;
            for (int c = 0; c < 10; c++) {
                sum += g[n * 10 + c];
                if (g[n * 10 + c] < 0) {
                    assertEquals(-1, drawn, "one drawn label");
                    drawn = c;
                }
            }
            // Σ_c softmax_c = 1 up to the C quotients and the C-term sum of the exps (γ_{2C}); forming p − 1 and this
            // test's sum of C terms of size ≤ 1 (total ≤ 2): γ_{C+1}·2 more.
            assertEquals(0, sum, ErrorBounds.gamma(20, DType.F64) + 2 * ErrorBounds.gamma(11, DType.F64));
            assertTrue(drawn >= 0);
            // softmax is the same function of the same logits in both: g − p = onehot(label) − onehot(drawn). Equal
            // labels: the same p − 1 twice, exactly 0. Otherwise fl(fl(p − 1) − p): p − 1 rounds by at most u, the
            // difference then lies within u of −1 and rounds to −1 or the next double up (2⁻⁵³ away): within 1 ulp
            // of 1.
            assertEquals(g[n * 10 + drawn] - p[n * 10 + drawn], (drawn == data.labels()[n] ? 0 : -1),
                    drawn == data.labels()[n] ? 0 : ErrorBounds.ulps(1, 1));
            agree += drawn == predicted[n] ? 1 : 0;
            differFromLabel += drawn != data.labels()[n] ? 1 : 0;
        }
        // Monte Carlo: the number of draws equal to the prediction has mean Σ_n p_n(ŷ_n) and variance
        // Σ_n p(1 − p) (independent draws, p recovered from the empirical statistics: p = g + onehot(label)); it
        // must lie within z standard errors of that, z for a false alarm of 1e-3 (ErrorBounds.standardErrors). The
        // model is confident (the mean is above 0.7 per sample; measured 0.88). And some draw differs from its label
        // unless every draw hits it, which has probability Π_n p_n(y_n), checked to be below 1e-3.
        double mean = 0;
        double variance = 0;
        double logAllLabels = 0;
        for (int n = 0; n < data.samples(); n++) {
            double q = p[n * 10 + predicted[n]] + (predicted[n] == data.labels()[n] ? 1 : 0);
            mean += q;
            variance += q * (1 - q);
            logAllLabels += Math.log(p[n * 10 + data.labels()[n]] + 1);
        }
        assertTrue(mean > 0.7 * data.samples(), "the model is confident: " + mean / data.samples());
        double z = ErrorBounds.standardErrors(1e-3, 1);
        assertEquals(mean, agree, z * Math.sqrt(variance), "draws follow the model's predictions");
        assertTrue(logAllLabels < Math.log(1e-3), "every draw would be its label with probability "
                + Math.exp(logAllLabels));
        assertTrue(differFromLabel > 0, "some draws differ from the label");
        Gradients again = new Gradients();
        model.lossAndGradients(data, again, LayerStatisticsMode.SAMPLED, new Random(7));
        assertArrayEquals(g, again.layer("weight").outputGradients(), 0, "seeded");
        assertThrows(IllegalArgumentException.class,
                () -> model.lossAndGradients(data, new Gradients(), LayerStatisticsMode.SAMPLED, null));
    }

    /** The MLP's sampled hidden-layer statistics are the sampled output gradients back-propagated. */
    @Test
    void sampledStatisticsBackPropagateThroughTheHiddenLayer() {
        Dataset data = batch(20);
        FeedForwardNetwork model = FeedForwardNetwork.mlp(64, 7, 10, Activation.TANH, 8);
        Gradients sampled = new Gradients();
        model.lossAndGradients(data, sampled, LayerStatisticsMode.SAMPLED, new Random(3));
        double[] g2 = sampled.layer("output.weight").outputGradients();
        double[] h = sampled.layer("output.weight").inputs();
        double[] w2 = model.parameters().get(2).f64();
        double[] g1 = sampled.layer("hidden.weight").outputGradients();
        for (int n = 0; n < 20; n++) {
            for (int j = 0; j < 7; j++) {
                double s = 0;
                for (int c = 0; c < 10; c++) {
                    s += g2[n * 10 + c] * w2[c * 7 + j];
                }
                double hj = h[n * 7 + j];
                // Exact: the network sums δ·W2 over the classes in this order (skipping δ = 0, which adds nothing)
                // and multiplies by 1 − h·h of the same h.
                assertEquals(s * (1 - hj * hj), g1[n * 7 + j], 0);
            }
        }
    }

    @Test
    void refusesDataOfTheWrongShape() {
        Dataset wrong = new Dataset(new double[6], new int[] {0, 1}, 3, 10);
        FeedForwardNetwork model = FeedForwardNetwork.logisticRegression(64, 10);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> model.loss(wrong));
        assertTrue(e.getMessage().contains("3 features"), e.getMessage());
    }

    static double[] outerProductMean(Gradients.LayerStatistics s) {
        int n = s.samples();
        int in = s.inputs().length / n;
        int out = s.outputGradients().length / n;
        double[] w = new double[out * in];
        for (int k = 0; k < n; k++) {
            for (int o = 0; o < out; o++) {
                for (int i = 0; i < in; i++) {
                    w[o * in + i] += s.outputGradients()[k * out + o] * s.inputs()[k * in + i];
                }
            }
        }
        for (int i = 0; i < w.length; i++) {
            w[i] /= n;
        }
        return w;
    }
}
