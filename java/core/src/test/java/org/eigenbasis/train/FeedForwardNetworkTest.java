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

    /** Central differences with step h against the analytic gradient: max |fd − g| / max(|g|_∞, 1e-3) ≤ 1e-6. */
    static void assertGradientMatchesFiniteDifferences(Model model, Dataset data) {
        Gradients grads = new Gradients();
        double loss = model.lossAndGradients(data, grads, LayerStatisticsMode.NONE, null);
        assertEquals(model.loss(data), loss, 1e-14 * Math.abs(loss), "loss of lossAndGradients equals loss()");
        double h = 1e-5;
        for (Parameter p : model.parameters()) {
            double[] g = grads.f64(p.name());
            assertNotNull(g, p.name());
            assertEquals(p.size(), g.length, p.name());
            double[] w = p.f64();
            double scale = 1e-3;
            double worst = 0;
            for (double v : g) {
                scale = Math.max(scale, Math.abs(v));
            }
            for (int i = 0; i < w.length; i++) {
                double keep = w[i];
                w[i] = keep + h;
                double plus = model.loss(data);
                w[i] = keep - h;
                double minus = model.loss(data);
                w[i] = keep;
                double fd = (plus - minus) / (2 * h);
                worst = Math.max(worst, Math.abs(fd - g[i]) / scale);
            }
            assertTrue(worst <= 1e-6, p.name() + ": relative error " + worst);
        }
    }

    @Test
    void logisticRegressionGradientMatchesFiniteDifferences() {
        FeedForwardNetwork model = FeedForwardNetwork.logisticRegression(64, 10);
        randomize(model, 1, 0.3);
        assertGradientMatchesFiniteDifferences(model, batch(40));
    }

    @Test
    void mlpGradientMatchesFiniteDifferencesForBothActivations() {
        for (Activation a : Activation.values()) {
            FeedForwardNetwork model = FeedForwardNetwork.mlp(64, 12, 10, a, 3);
            randomize(model, 2, 0.4);
            assertGradientMatchesFiniteDifferences(model, batch(25));
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
        assertEquals(Math.log(10), lr.loss(batch(30)), 1e-12, "zero weights: uniform predictions");
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
            for (int i = 0; i < expected.length; i++) {
                assertEquals(expected[i], rebuilt[i], 1e-13, name + "[" + i + "]");
            }
            // the bias gradient is the mean output gradient
            double[] bias = grads.f64(name.replace("weight", "bias"));
            int outs = s.outputGradients().length / s.samples();
            for (int o = 0; o < outs; o++) {
                double sum = 0;
                for (int n = 0; n < s.samples(); n++) {
                    sum += s.outputGradients()[n * outs + o];
                }
                assertEquals(bias[o], sum / s.samples(), 1e-14);
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
            assertEquals(0, sum, 1e-12);
            assertTrue(drawn >= 0);
            // softmax is the same in both: g − p = onehot(label) − onehot(drawn)
            assertEquals(g[n * 10 + drawn] - p[n * 10 + drawn], (drawn == data.labels()[n] ? 0 : -1), 1e-12);
            agree += drawn == predicted[n] ? 1 : 0;
            differFromLabel += drawn != data.labels()[n] ? 1 : 0;
        }
        assertTrue(agree > 0.7 * data.samples(), "draws follow the model's confident predictions: " + agree);
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
                assertEquals(s * (1 - hj * hj), g1[n * 7 + j], 1e-14);
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
