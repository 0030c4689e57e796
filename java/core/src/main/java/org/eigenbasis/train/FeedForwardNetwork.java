package org.eigenbasis.train;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.eigenbasis.precond.Gradients;
import org.eigenbasis.precond.Parameter;

/**
 * A fully connected classifier in f64: linear layers z_l = W_l a_{l−1} + b_l with an {@link Activation} between
 * them and a softmax cross-entropy on the last layer's outputs. With no hidden layer it is multinomial logistic
 * regression ({@link #logisticRegression}); with one it is a small MLP ({@link #mlp}). Forward and backward
 * passes are plain loops (the models here have a few thousand parameters); cost per sample is
 * O(Σ_l in_l · out_l) for the loss and three times that for the gradients.
 */
public final class FeedForwardNetwork implements Model {
    private final String name;
    private final int[] sizes;
    private final Activation activation;
    private final double[][] weights;
    private final double[][] biases;
    private final List<Parameter> parameters;

    private FeedForwardNetwork(String name, int[] sizes, Activation activation, String[] layerNames) {
        for (int i = 0; i < sizes.length; i++) {
            if (sizes[i] < 1) {
                throw new IllegalArgumentException("layer size " + i + ": " + sizes[i] + " is outside [1, " + Integer.MAX_VALUE + "]");
            }
        }
        if (sizes[sizes.length - 1] < 2) {
            throw new IllegalArgumentException("classes: " + sizes[sizes.length - 1] + " is outside [2, " + Integer.MAX_VALUE + "]");
        }
        this.name = name;
        this.sizes = sizes.clone();
        this.activation = activation;
        int layers = sizes.length - 1;
        weights = new double[layers][];
        biases = new double[layers][];
        List<Parameter> params = new ArrayList<>();
        for (int l = 0; l < layers; l++) {
            weights[l] = new double[sizes[l + 1] * sizes[l]];
            biases[l] = new double[sizes[l + 1]];
            params.add(Parameter.of(weightName(layerNames[l]), weights[l], sizes[l + 1], sizes[l]));
            params.add(Parameter.of(biasName(layerNames[l]), biases[l], sizes[l + 1]));
        }
        parameters = Collections.unmodifiableList(params);
    }

    private static String weightName(String layer) {
        return layer.isEmpty() ? "weight" : layer + ".weight";
    }

    private static String biasName(String layer) {
        return layer.isEmpty() ? "bias" : layer + ".bias";
    }

    /**
     * Multinomial logistic regression: parameters {@code weight} (classes × features) and {@code bias} (classes),
     * both zero, so the initial loss is log(classes).
     */
    public static FeedForwardNetwork logisticRegression(int features, int classes) {
        return new FeedForwardNetwork("logreg", new int[] {features, classes}, Activation.TANH, new String[] {""});
    }

    /**
     * A one-hidden-layer perceptron features → hidden → classes: parameters {@code hidden.weight} (hidden ×
     * features), {@code hidden.bias}, {@code output.weight} (classes × hidden), {@code output.bias}. Weights start
     * Glorot-uniform, U(−√(6/(in+out)), √(6/(in+out))), drawn from {@code java.util.Random(seed)}; biases at zero.
     */
    public static FeedForwardNetwork mlp(int features, int hidden, int classes, Activation activation, long seed) {
        FeedForwardNetwork net = new FeedForwardNetwork("mlp(" + features + "-" + hidden + "-" + classes + ", "
                + activation.name().toLowerCase(java.util.Locale.ROOT) + ")", new int[] {features, hidden, classes},
                activation, new String[] {"hidden", "output"});
        Random random = new Random(seed);
        for (int l = 0; l < net.weights.length; l++) {
            double limit = Math.sqrt(6.0 / (net.sizes[l] + net.sizes[l + 1]));
            for (int i = 0; i < net.weights[l].length; i++) {
                net.weights[l][i] = limit * (2 * random.nextDouble() - 1);
            }
        }
        return net;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public List<Parameter> parameters() {
        return parameters;
    }

    /** Number of linear layers. */
    public int layers() {
        return weights.length;
    }

    @Override
    public double loss(Dataset data) {
        checkData(data);
        double[][] acts = forward(data.features(), data.samples(), null);
        return crossEntropy(acts[acts.length - 1], data.labels(), null);
    }

    @Override
    public int[] predict(Dataset data) {
        checkData(data);
        double[][] acts = forward(data.features(), data.samples(), null);
        double[] logits = acts[acts.length - 1];
        int classes = sizes[sizes.length - 1];
        int[] out = new int[data.samples()];
        for (int n = 0; n < out.length; n++) {
            int best = 0;
            for (int c = 1; c < classes; c++) {
                if (logits[n * classes + c] > logits[n * classes + best]) {
                    best = c;
                }
            }
            out[n] = best;
        }
        return out;
    }

    @Override
    public double lossAndGradients(Dataset batch, Gradients out, LayerStatisticsMode statistics, Random random) {
        checkData(batch);
        if (statistics == LayerStatisticsMode.SAMPLED && random == null) {
            throw new IllegalArgumentException("random: required for sampled layer statistics");
        }
        int samples = batch.samples();
        int layers = weights.length;
        double[][] pre = new double[layers][];
        double[][] acts = forward(batch.features(), samples, pre);
        int classes = sizes[layers];
        double[] delta = new double[samples * classes];
        double loss = crossEntropy(acts[layers], batch.labels(), delta);   // delta = softmax − onehot(label)
        double[] sampledDelta = null;
        if (statistics == LayerStatisticsMode.SAMPLED) {
            sampledDelta = sampledOutputGradients(acts[layers], samples, classes, random);
        }
        for (int l = layers - 1; l >= 0; l--) {
            int in = sizes[l];
            int outs = sizes[l + 1];
            double[] a = acts[l];
            double[] gw = new double[outs * in];
            double[] gb = new double[outs];
            for (int n = 0; n < samples; n++) {
                for (int o = 0; o < outs; o++) {
                    double d = delta[n * outs + o];
                    if (d == 0) {
                        continue;
                    }
                    gb[o] += d;
                    int row = o * in;
                    int col = n * in;
                    for (int i = 0; i < in; i++) {
                        gw[row + i] += d * a[col + i];
                    }
                }
            }
            double scale = 1.0 / samples;
            for (int i = 0; i < gw.length; i++) {
                gw[i] *= scale;
            }
            for (int o = 0; o < outs; o++) {
                gb[o] *= scale;
            }
            out.put(parameters.get(2 * l), gw);
            out.put(parameters.get(2 * l + 1), gb);
            if (statistics != LayerStatisticsMode.NONE) {
                double[] g = statistics == LayerStatisticsMode.SAMPLED ? sampledDelta : delta;
                // the input layer's activations are the data set's own array: hand the optimizer a copy
                out.layer(parameters.get(2 * l),
                        new Gradients.LayerStatistics(l == 0 ? a.clone() : a, g.clone(), samples));
            }
            if (l > 0) {
                delta = backward(l, delta, pre[l - 1], acts[l], samples);
                if (sampledDelta != null) {
                    sampledDelta = backward(l, sampledDelta, pre[l - 1], acts[l], samples);
                }
            }
        }
        return loss;
    }

    /** δ_{l−1} = (δ_l W_l) ⊙ act′(z_{l−1}): from layer l's output gradients to layer l−1's. */
    private double[] backward(int l, double[] delta, double[] preActivation, double[] activated, int samples) {
        int in = sizes[l];
        int outs = sizes[l + 1];
        double[] w = weights[l];
        double[] prev = new double[samples * in];
        for (int n = 0; n < samples; n++) {
            for (int o = 0; o < outs; o++) {
                double d = delta[n * outs + o];
                if (d == 0) {
                    continue;
                }
                int row = o * in;
                int col = n * in;
                for (int i = 0; i < in; i++) {
                    prev[col + i] += d * w[row + i];
                }
            }
            for (int i = n * in; i < (n + 1) * in; i++) {
                prev[i] *= activation.derivative(preActivation[i], activated[i]);
            }
        }
        return prev;
    }

    /** softmax(z_n) − onehot(ŷ_n) with ŷ_n drawn from softmax(z_n) by inversion of one uniform per sample. */
    private static double[] sampledOutputGradients(double[] logits, int samples, int classes, Random random) {
        double[] g = new double[samples * classes];
        double[] p = new double[classes];
        for (int n = 0; n < samples; n++) {
            softmax(logits, n * classes, classes, p);
            double u = random.nextDouble();
            int drawn = classes - 1;
            double cumulative = 0;
            for (int c = 0; c < classes; c++) {
                cumulative += p[c];
                if (u < cumulative) {
                    drawn = c;
                    break;
                }
            }
            for (int c = 0; c < classes; c++) {
                g[n * classes + c] = p[c] - (c == drawn ? 1 : 0);
            }
        }
        return g;
    }

    /**
     * Activations of every layer: [0] the input, [l] the output of layer l (after the activation for hidden
     * layers; the logits for the last). Pre-activations of hidden layers go into {@code pre} when it is not null.
     */
    private double[][] forward(double[] x, int samples, double[][] pre) {
        int layers = weights.length;
        double[][] acts = new double[layers + 1][];
        acts[0] = x;
        for (int l = 0; l < layers; l++) {
            int in = sizes[l];
            int outs = sizes[l + 1];
            double[] a = acts[l];
            double[] w = weights[l];
            double[] b = biases[l];
            double[] z = new double[samples * outs];
            for (int n = 0; n < samples; n++) {
                int col = n * in;
                for (int o = 0; o < outs; o++) {
                    int row = o * in;
                    double s = b[o];
                    for (int i = 0; i < in; i++) {
                        s += w[row + i] * a[col + i];
                    }
                    z[n * outs + o] = s;
                }
            }
            if (l < layers - 1) {
                if (pre != null) {
                    pre[l] = z.clone();
                }
                for (int i = 0; i < z.length; i++) {
                    z[i] = activation.apply(z[i]);
                }
            }
            acts[l + 1] = z;
        }
        return acts;
    }

    /** Mean cross-entropy; when {@code delta} is not null it receives softmax(z_n) − onehot(y_n) per sample. */
    private static double crossEntropy(double[] logits, int[] labels, double[] delta) {
        int samples = labels.length;
        int classes = logits.length / samples;
        double total = 0;
        double[] p = new double[classes];
        for (int n = 0; n < samples; n++) {
            int off = n * classes;
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < classes; c++) {
                max = Math.max(max, logits[off + c]);
            }
            double sum = 0;
            for (int c = 0; c < classes; c++) {
                sum += Math.exp(logits[off + c] - max);
            }
            total += max + Math.log(sum) - logits[off + labels[n]];
            if (delta != null) {
                softmax(logits, off, classes, p);
                for (int c = 0; c < classes; c++) {
                    delta[off + c] = p[c] - (c == labels[n] ? 1 : 0);
                }
            }
        }
        return total / samples;
    }

    private static void softmax(double[] logits, int off, int classes, double[] p) {
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < classes; c++) {
            max = Math.max(max, logits[off + c]);
        }
        double sum = 0;
        for (int c = 0; c < classes; c++) {
            p[c] = Math.exp(logits[off + c] - max);
            sum += p[c];
        }
        for (int c = 0; c < classes; c++) {
            p[c] /= sum;
        }
    }

    private void checkData(Dataset data) {
        if (data.featureCount() != sizes[0] || data.classes() != sizes[sizes.length - 1]) {
            throw new IllegalArgumentException("data: " + data.featureCount() + " features and " + data.classes()
                    + " classes, model " + name + " takes " + sizes[0] + " and " + sizes[sizes.length - 1]);
        }
        if (data.samples() < 1) {
            throw new IllegalArgumentException("data: no samples");
        }
    }
}
