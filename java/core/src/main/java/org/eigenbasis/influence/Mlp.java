package org.eigenbasis.influence;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.eigenbasis.internal.mlp.MlpMath;
import org.eigenbasis.spi.Backend;
import org.eigenbasis.value.MlpArchitecture;

/**
 * A multilayer perceptron with fixed parameters: an {@link MlpArchitecture} and its flat f64 parameter vector θ
 * (layer by layer, W_l row-major then b_l). Immutable: it keeps its own copy of θ. Every method reads θ and the
 * given {@link Examples} and writes only the array it returns; it validates its arguments before any work and
 * throws {@link IllegalArgumentException} naming the argument, index and legal range (data of the wrong shape,
 * labels outside [0, dL), non-finite vectors, wrong lengths).
 *
 * <p>Losses and curvatures are of the mean loss L = (1/n)Σ_i l_i unless a method says otherwise. Results are
 * row-major arrays; a batch of k vectors is stored back to back (k × P, or k × n × dL in output space). Costs are
 * in flops with n examples and P parameters; cheap operations run here in plain Java, the Hessian-vector product
 * goes through a {@link Backend}'s {@link org.eigenbasis.spi.MlpKernel}.
 */
public final class Mlp {
    private final MlpArchitecture architecture;
    private final double[] params;
    private final int[] layers;
    private final int activation;
    private final int loss;

    private Mlp(MlpArchitecture architecture, double[] params) {
        this.architecture = architecture;
        this.params = params;
        this.layers = architecture.layers();
        this.activation = architecture.activation().ordinal();    // MlpMath's codes are the enums' ordinals
        this.loss = architecture.loss().ordinal();
    }


    /**
     * The model with parameters θ (copied).
     *
     * @throws IllegalArgumentException if θ is null, not P long, or has a non-finite entry
     */
    public static Mlp of(MlpArchitecture architecture, double[] params) {
        if (architecture == null) {
            throw new IllegalArgumentException("architecture: null");
        }
        checkVector("params", params, architecture.parameterCount());
        return new Mlp(architecture, params.clone());
    }

    /**
     * PyTorch's default initialisation of nn.Linear: every W_l and b_l entry uniform on
     * [−1/√d_l, 1/√d_l) (d_l the layer's fan-in), drawn in flat parameter order as
     * {@code bound·(2·r.nextDouble() − 1)} from one {@code java.util.Random(seed)}. Returns P values.
     */
    public static double[] initialParameters(MlpArchitecture architecture, long seed) {
        if (architecture == null) {
            throw new IllegalArgumentException("architecture: null");
        }
        double[] theta = new double[architecture.parameterCount()];
        Random random = new Random(seed);
        int at = 0;
        for (int l = 0; l < architecture.depth(); l++) {
            double bound = 1 / Math.sqrt(architecture.width(l));
            int count = architecture.width(l + 1) * architecture.width(l) + architecture.width(l + 1);
            for (int i = 0; i < count; i++) {
                theta[at++] = bound * (2 * random.nextDouble() - 1);
            }
        }
        return theta;
    }

    /** {@code of(architecture, initialParameters(architecture, seed))}. */
    public static Mlp initialize(MlpArchitecture architecture, long seed) {
        return new Mlp(architecture, initialParameters(architecture, seed));
    }

    /** The same architecture with other parameters (validated as in {@link #of}). */
    public Mlp withParameters(double[] newParams) {
        return of(architecture, newParams);
    }

    public MlpArchitecture architecture() {
        return architecture;
    }

    /** θ (a copy, P values). */
    public double[] parameters() {
        return params.clone();
    }

    /** P. */
    public int parameterCount() {
        return params.length;
    }

    /** θ without a copy, for this package's read-only use. */
    double[] parametersView() {
        return params;
    }

    // ------------------------------------------------------------------------------------------------ forward

    /** The outputs z_i of every example (n × dL). Cost 2·n·P. */
    public double[] outputs(Examples data) {
        checkData(data);
        return MlpMath.forward(layers, activation, params, data.xView(), data.n()).outputs().clone();
    }

    /** The per-example losses l_i (n). Cost 2·n·P. */
    public double[] losses(Examples data) {
        checkData(data);
        double[] out = new double[data.n()];
        double[] z = MlpMath.forward(layers, activation, params, data.xView(), data.n()).outputs();
        MlpMath.lossesAndGradients(loss, z, data.yView(), data.n(), architecture.outputs(), out, null);
        return out;
    }

    /** The mean loss (1/n)Σ_i l_i; n ≥ 1. Cost 2·n·P. */
    public double meanLoss(Examples data) {
        checkNonEmpty(data);
        double[] z = MlpMath.forward(layers, activation, params, data.xView(), data.n()).outputs();
        return MlpMath.lossesAndGradients(loss, z, data.yView(), data.n(), architecture.outputs(), null, null)
                / data.n();
    }

    /**
     * The fraction of examples whose largest output is at the label (cross-entropy) or at the target row's largest
     * entry (squared loss, e.g. one-hot targets); ties go to the first index. n ≥ 1.
     */
    public double accuracy(Examples data) {
        checkNonEmpty(data);
        double[] z = MlpMath.forward(layers, activation, params, data.xView(), data.n()).outputs();
        double[] y = data.yView();
        int dL = architecture.outputs();
        int hits = 0;
        for (int i = 0; i < data.n(); i++) {
            int predicted = argmax(z, i * dL, dL);
            int truth = loss == MlpMath.CROSS_ENTROPY ? (int) y[i] : argmax(y, i * dL, dL);
            if (predicted == truth) {
                hits++;
            }
        }
        return (double) hits / data.n();
    }

    private static int argmax(double[] a, int from, int count) {
        int best = 0;
        for (int c = 1; c < count; c++) {
            if (a[from + c] > a[from + best]) {
                best = c;
            }
        }
        return best;
    }

    // ------------------------------------------------------------------------------------------------ gradients

    /** ∇L, the gradient of the mean loss (P); n ≥ 1. Cost about 6·n·P. */
    public double[] gradient(Examples data) {
        checkNonEmpty(data);
        double[] grad = new double[params.length];
        MlpMath.meanLossGradient(layers, activation, loss, params, data.xView(), data.yView(), data.n(), grad);
        return grad;
    }

    /**
     * The per-example gradients ∇l_i (not divided by n) of the examples from .. to−1, one row each
     * ((to − from) × P); Σ_i ∇l_i = n·∇L. Cost about 6·(to − from)·P; memory (to − from)·P doubles, so callers
     * working on a large set take it in slices.
     *
     * @throws IllegalArgumentException unless 0 ≤ from ≤ to ≤ n, or if (to − from)·P exceeds one array
     */
    public double[] perExampleGradients(Examples data, int from, int to) {
        checkData(data);
        if (from < 0 || from > data.n()) {
            throw new IllegalArgumentException("from: " + from + " is outside [0, " + data.n() + "]");
        }
        if (to < from || to > data.n()) {
            throw new IllegalArgumentException("to: " + to + " is outside [" + from + ", " + data.n() + "]");
        }
        int rows = to - from;
        long size = (long) rows * params.length;
        if (size > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("to - from: " + rows + " rows of " + params.length
                    + " parameters do not fit one array; take at most " + (Integer.MAX_VALUE - 8) / params.length);
        }
        double[] out = new double[(int) size];
        if (rows == 0) {
            return out;
        }
        int d0 = architecture.inputs();
        int tw = architecture.targetWidth();
        double[] x = Arrays.copyOfRange(data.xView(), from * d0, to * d0);
        double[] y = Arrays.copyOfRange(data.yView(), from * tw, to * tw);
        MlpMath.Trace trace = MlpMath.forward(layers, activation, params, x, rows);
        double[] delta = new double[rows * architecture.outputs()];
        MlpMath.lossesAndGradients(loss, trace.outputs(), y, rows, architecture.outputs(), null, delta);
        double[][] g = MlpMath.backpropagate(layers, params, trace, delta, 1);
        MlpMath.perExampleGradients(layers, trace.inputs, g, 0, rows, out);
        return out;
    }

    /**
     * Per-layer statistics of the Kronecker-factored curvatures over all n examples (see {@link LayerStatistics}):
     * each layer's inputs a_i, the output-space vectors of {@code variant} backpropagated to the layer, and the
     * per-example loss gradients δ_i. {@code seed} seeds the {@code java.util.Random} that draws the labels of
     * {@link FisherVariant#SAMPLED} (one draw per example, in order: a uniform inverted through the softmax's
     * cumulative sums, or dL Gaussians for squared loss); the other variants ignore it. For
     * {@link FisherVariant#EMPIRICAL} the backpropagated vectors are the δ arrays themselves. Cost about
     * 4·n·P + 2·n·C·P; memory n·(C + 2)·Σ_l d_l doubles. n ≥ 1.
     */
    public List<LayerStatistics> layerStatistics(Examples data, FisherVariant variant, long seed) {
        checkNonEmpty(data);
        if (variant == null) {
            throw new IllegalArgumentException("variant: null");
        }
        int n = data.n();
        int dL = architecture.outputs();
        MlpMath.Trace trace = MlpMath.forward(layers, activation, params, data.xView(), n);
        double[] delta = new double[n * dL];
        MlpMath.lossesAndGradients(loss, trace.outputs(), data.yView(), n, dL, null, delta);
        double[][] deltas = MlpMath.backpropagate(layers, params, trace, delta, 1);
        int perExample = variant.vectorsPerExample(dL);
        double[][] back;
        if (variant == FisherVariant.EMPIRICAL) {
            back = deltas;
        } else {
            double[] top = variant == FisherVariant.EXACT ? exactFactors(trace.outputs(), n, dL)
                    : sampledGradients(trace.outputs(), n, dL, new Random(seed));
            back = MlpMath.backpropagate(layers, params, trace, top, perExample);
        }
        List<LayerStatistics> out = new ArrayList<>();
        for (int l = 0; l < architecture.depth(); l++) {
            double[] inputs = l == 0 ? trace.inputs[0].clone() : trace.inputs[l];
            out.add(new LayerStatistics(l, n, layers[l], layers[l + 1], perExample, inputs, back[l], deltas[l]));
        }
        return Collections.unmodifiableList(out);
    }

    /** u_ic = √p_c(e_c − p) (softmax) or e_c (squared), example i's dL rows together (n·dL × dL). */
    private double[] exactFactors(double[] z, int n, int dL) {
        double[] u = new double[n * dL * dL];
        if (loss == MlpMath.SQUARED) {
            for (int i = 0; i < n; i++) {
                for (int c = 0; c < dL; c++) {
                    u[(i * dL + c) * dL + c] = 1;
                }
            }
            return u;
        }
        double[] p = new double[n * dL];
        MlpMath.softmax(z, n, dL, p);
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < dL; c++) {
                double root = Math.sqrt(p[i * dL + c]);
                int row = (i * dL + c) * dL;
                for (int o = 0; o < dL; o++) {
                    u[row + o] = -root * p[i * dL + o];
                }
                u[row + c] += root;
            }
        }
        return u;
    }

    /** The loss gradient at a label drawn from the model's predictive distribution (n × dL). */
    private double[] sampledGradients(double[] z, int n, int dL, Random random) {
        double[] g = new double[n * dL];
        if (loss == MlpMath.SQUARED) {
            // ŷ = z + ε, ε ~ N(0, I): the gradient z − ŷ = −ε
            for (int q = 0; q < n * dL; q++) {
                g[q] = -random.nextGaussian();
            }
            return g;
        }
        MlpMath.softmax(z, n, dL, g);
        for (int i = 0; i < n; i++) {
            double u = random.nextDouble();
            int drawn = dL - 1;
            double cumulative = 0;
            for (int c = 0; c < dL; c++) {
                cumulative += g[i * dL + c];
                if (u < cumulative) {
                    drawn = c;
                    break;
                }
            }
            g[i * dL + drawn] -= 1;
        }
        return g;
    }

    /**
     * Backpropagates output-space vectors u (n·C × dL, example i's C rows together) through the network at this
     * θ: returns g[l] (n·C × d_{l+1}) for every layer l, g[L−1] a copy of u and g[l−1] = σ′(z_{l−1}) ⊙ (g_l·W_l).
     * Cost about 2·n·C·P.
     */
    public double[][] backpropagate(Examples data, double[] u, int perExample) {
        checkData(data);
        if (perExample < 1) {
            throw new IllegalArgumentException("perExample: " + perExample + " is outside [1, " + Integer.MAX_VALUE
                    + "]");
        }
        long length = (long) data.n() * perExample * architecture.outputs();
        checkVector("u", u, length);
        MlpMath.Trace trace = MlpMath.forward(layers, activation, params, data.xView(), data.n());
        return MlpMath.backpropagate(layers, params, trace, u.clone(), perExample);
    }

    // ------------------------------------------------------------------------------------------------ products

    /**
     * Exact Hessian-vector products of the mean loss, ∇²L·v_j for the k vectors of v (k × P), computed by
     * {@code backend.mlp()} ({@link org.eigenbasis.spi.MlpKernel#hessianProduct}, Pearlmutter's R-operator).
     * Returns k × P. Cost about 12·k·n·P. n ≥ 1.
     */
    public double[] hessianVectorProduct(Examples data, double[] v, int k, Backend backend) {
        checkNonEmpty(data);
        checkBatch("v", v, k, params.length);
        if (backend == null) {
            throw new IllegalArgumentException("backend: null");
        }
        double[] out = new double[v.length];
        if (k == 0) {
            return out;
        }
        backend.mlp().hessianProduct(architecture, params.clone(), data.xView().clone(), data.yView().clone(),
                data.n(), v.clone(), out);
        return out;
    }

    /**
     * Generalised Gauss-Newton products (1/n)Σ_i J_iᵀΛ_iJ_i·v_j for the k vectors of v (k × P), Λ_i the Hessian of
     * l_i in the outputs (diag(p) − p·pᵀ for softmax, I for squared). Returns k × P. Cost about 8·k·n·P. n ≥ 1.
     */
    public double[] ggnVectorProduct(Examples data, double[] v, int k) {
        checkNonEmpty(data);
        checkBatch("v", v, k, params.length);
        double[] out = new double[v.length];
        MlpMath.ggnVectorProducts(layers, activation, loss, params, data.xView(), data.n(), v, k, out);
        return out;
    }

    /**
     * Jacobian-vector products of the outputs: J·v_j for the k vectors of v (k × P); returns k × n × dL (row i of
     * block j is J_i·v_j). Cost about 2·k·n·P plus a forward pass.
     */
    public double[] jvp(Examples data, double[] v, int k) {
        checkData(data);
        checkBatch("v", v, k, params.length);
        double[] out = new double[k * data.n() * architecture.outputs()];
        MlpMath.jvp(layers, activation, params, data.xView(), data.n(), v, k, out);
        return out;
    }

    /**
     * Vector-Jacobian products Jᵀ·u_j = Σ_i J_iᵀ·u_j,i (summed over examples, not averaged) for the k output-space
     * vectors of u (k × n × dL); returns k × P. Cost about 4·k·n·P plus a forward pass.
     */
    public double[] vjp(Examples data, double[] u, int k) {
        checkData(data);
        checkBatch("u", u, k, (long) data.n() * architecture.outputs());
        double[] out = new double[k * params.length];
        MlpMath.vjp(layers, activation, params, data.xView(), data.n(), u, k, out);
        return out;
    }

    // ------------------------------------------------------------------------------------------------ checks

    private void checkData(Examples data) {
        if (data == null) {
            throw new IllegalArgumentException("data: null");
        }
        data.validate(architecture);
    }

    private void checkNonEmpty(Examples data) {
        checkData(data);
        if (data.n() < 1) {
            throw new IllegalArgumentException("data: n = 0; the mean loss needs at least 1 example");
        }
    }

    private static void checkBatch(String name, double[] v, int k, long width) {
        if (k < 0) {
            throw new IllegalArgumentException("k: " + k + " is outside [0, " + Integer.MAX_VALUE + "]");
        }
        if (width * k > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("k: " + k + " vectors of " + width + " do not fit one array");
        }
        checkVector(name, v, width * k);
    }

    static void checkVector(String name, double[] v, long length) {
        if (v == null) {
            throw new IllegalArgumentException(name + ": null");
        }
        if (v.length != length) {
            throw new IllegalArgumentException(name + ": length " + v.length + ", expected " + length);
        }
        for (int i = 0; i < v.length; i++) {
            if (!Double.isFinite(v[i])) {
                throw new IllegalArgumentException(name + "[" + i + "]: " + v[i] + " is not finite");
            }
        }
    }

    @Override
    public String toString() {
        return "Mlp[" + architecture + ", P=" + params.length + "]";
    }
}
