package org.eigenbasis.internal.mlp;

import java.util.Arrays;

/**
 * The arithmetic of a multilayer perceptron on row-major f64 arrays: layer l maps a_l (its input, d_l wide) to
 * z_l = W_l·a_l + b_l (d_{l+1} wide), a_{l+1} = σ(z_l) for every layer but the last, whose z_{L−1} are the outputs.
 * The parameters are one flat vector, layer by layer, W_l row-major (d_{l+1} × d_l) then b_l. Per-example losses:
 * cross-entropy −log softmax(z)_y with the label y stored as a double, or squared ½‖z − y‖².
 *
 * <p>Arguments are trusted (the caller, {@code org.eigenbasis.influence}, validates them); arrays are read, never
 * kept, unless a method says it returns a view. Every sum is in double in a fixed order, so each result is a
 * deterministic function of its inputs. The loops run in i-k-j order (an example's row, the input index, then the
 * contiguous output index) so the innermost loop is an axpy over contiguous memory that the JIT vectorises; the
 * forward product therefore reads Wᵀ, which {@link #transposeWeights} lays out once per call. The vector products
 * process examples in blocks of {@link #BLOCK} rows, so their working set is a few blocks whatever n is.
 *
 * <p>Notation in the doc comments: n examples, L layers, P parameters, k vectors, C rows per example.
 */
public final class MlpMath {
    // The codes are the ordinals of MlpArchitecture.Activation and .Loss, as in the C ABI (MlpMathTest holds it).
    public static final int GELU = 0;
    public static final int RELU = 1;
    public static final int TANH = 2;
    public static final int IDENTITY = 3;
    public static final int CROSS_ENTROPY = 0;
    public static final int SQUARED = 1;
    /** Examples per block in the vector products: 64 rows of the widest layer (a few hundred) stay in L2. */
    public static final int BLOCK = 64;

    private MlpMath() {
    }

    // ---------------------------------------------------------------------------------------------- layout

    /** Offset of W_l in the flat parameter vector. */
    public static int weightOffset(int[] layers, int l) {
        int offset = 0;
        for (int m = 0; m < l; m++) {
            offset += layers[m + 1] * layers[m] + layers[m + 1];
        }
        return offset;
    }

    /** Offset of b_l in the flat parameter vector. */
    public static int biasOffset(int[] layers, int l) {
        return weightOffset(layers, l) + layers[l + 1] * layers[l];
    }

    /** P = Σ_l d_{l+1}·d_l + d_{l+1}. */
    public static int parameterCount(int[] layers) {
        return weightOffset(layers, layers.length - 1);
    }

    /** The widest layer. */
    static int maxWidth(int[] layers) {
        int w = 0;
        for (int d : layers) {
            w = Math.max(w, d);
        }
        return w;
    }

    /**
     * A copy of the parameter vector {@code params[from .. from+P)} with every weight block transposed in place of the
     * original (W_lᵀ, d_l × d_{l+1}, at W_l's offset; biases as they were) into {@code out[0 .. P)}.
     */
    public static void transposeWeights(int[] layers, double[] params, int from, double[] out) {
        for (int l = 0; l + 1 < layers.length; l++) {
            int din = layers[l];
            int dout = layers[l + 1];
            int wo = weightOffset(layers, l);
            for (int o = 0; o < dout; o++) {
                int src = from + wo + o * din;
                for (int i = 0; i < din; i++) {
                    out[wo + i * dout + o] = params[src + i];
                }
            }
            System.arraycopy(params, from + wo + dout * din, out, wo + dout * din, dout);
        }
    }

    // ---------------------------------------------------------------------------------------------- kernels

    /**
     * z[(z0+r)·dout + j] (+)= bias[b0 + j] + Σ_k a[(a0+r)·din + k]·wt[w0 + k·dout + j] for r &lt; rows; with
     * {@code accumulate} false the row starts at the bias (or 0 when bias is null), else at its current value.
     */
    static void affine(double[] a, int a0, int rows, int din, double[] wt, int w0, double[] bias, int b0, int dout,
                       double[] z, int z0, boolean accumulate) {
        for (int r = 0; r < rows; r++) {
            int zr = (z0 + r) * dout;
            if (!accumulate) {
                if (bias == null) {
                    Arrays.fill(z, zr, zr + dout, 0.0);
                } else {
                    System.arraycopy(bias, b0, z, zr, dout);
                }
            }
            int ar = (a0 + r) * din;
            for (int k = 0; k < din; k++) {
                double s = a[ar + k];
                if (s == 0) {
                    continue;
                }
                int wk = w0 + k * dout;
                for (int j = 0; j < dout; j++) {
                    z[zr + j] += s * wt[wk + j];
                }
            }
        }
    }

    /** out[(o0+r)·din + k] (+)= Σ_o g[(g0+r)·dout + o]·w[w0 + o·din + k] for r &lt; rows: rows of g·W. */
    static void backMultiply(double[] g, int g0, int rows, int dout, double[] w, int w0, int din, double[] out,
                             int o0, boolean accumulate) {
        for (int r = 0; r < rows; r++) {
            int orow = (o0 + r) * din;
            if (!accumulate) {
                Arrays.fill(out, orow, orow + din, 0.0);
            }
            int grow = (g0 + r) * dout;
            for (int o = 0; o < dout; o++) {
                double s = g[grow + o];
                if (s == 0) {
                    continue;
                }
                int wr = w0 + o * din;
                for (int k = 0; k < din; k++) {
                    out[orow + k] += s * w[wr + k];
                }
            }
        }
    }

    /**
     * dw[w0 + o·din + k] += scale·Σ_r g[(g0+r)·dout + o]·a[(a0+r)·din + k] and, when b0 ≥ 0,
     * dw[b0 + o] += scale·Σ_r g[(g0+r)·dout + o]: the gradient of a weight block and its bias.
     */
    static void outer(double[] g, int g0, int rows, int dout, double[] a, int a0, int din, double scale, double[] dw,
                      int w0, int b0) {
        for (int r = 0; r < rows; r++) {
            int grow = (g0 + r) * dout;
            int arow = (a0 + r) * din;
            for (int o = 0; o < dout; o++) {
                double s = scale * g[grow + o];
                if (s == 0) {
                    continue;
                }
                if (b0 >= 0) {
                    dw[b0 + o] += s;
                }
                int wr = w0 + o * din;
                for (int k = 0; k < din; k++) {
                    dw[wr + k] += s * a[arow + k];
                }
            }
        }
    }

    // ---------------------------------------------------------------------------------------------- forward

    /** A forward pass over n examples: what every backward pass and vector product reads. */
    public static final class Trace {
        /** Examples. */
        public final int n;
        /** inputs[l] = a_l (n × d_l); inputs[0] is the caller's x itself (a view, never written). */
        public final double[][] inputs;
        /** pre[l] = z_l (n × d_{l+1}); pre[L−1] are the outputs. */
        public final double[][] pre;
        /** slopes[l] = σ′(z_l) (n × d_{l+1}) for l &lt; L−1; null for the last layer. */
        public final double[][] slopes;

        Trace(int n, int depth) {
            this.n = n;
            inputs = new double[depth][];
            pre = new double[depth][];
            slopes = new double[depth][];
        }

        /** The outputs z_{L−1} (n × dL), a view. */
        public double[] outputs() {
            return pre[pre.length - 1];
        }
    }

    /**
     * The forward pass over the first n rows of x (n × d0). Cost 2·n·(P − Σ d_{l+1}) flops plus n·Σ_{hidden} d
     * activations (each gelu one erfc and one exp).
     */
    public static Trace forward(int[] layers, int activation, double[] params, double[] x, int n) {
        int depth = layers.length - 1;
        Trace t = new Trace(n, depth);
        double[] wt = new double[parameterCount(layers)];
        transposeWeights(layers, params, 0, wt);
        t.inputs[0] = x;
        for (int l = 0; l < depth; l++) {
            t.pre[l] = new double[n * layers[l + 1]];
            if (l + 1 < depth) {
                t.inputs[l + 1] = new double[n * layers[l + 1]];
                t.slopes[l] = new double[n * layers[l + 1]];
            }
        }
        forwardInto(layers, activation, wt, n, t.inputs, t.pre, t.slopes);
        return t;
    }

    /** forward into given arrays: inputs[0] holds the data; wt are the parameters with weights transposed. */
    static void forwardInto(int[] layers, int activation, double[] wt, int n, double[][] inputs, double[][] pre,
                            double[][] slopes) {
        int depth = layers.length - 1;
        for (int l = 0; l < depth; l++) {
            int din = layers[l];
            int dout = layers[l + 1];
            int wo = weightOffset(layers, l);
            affine(inputs[l], 0, n, din, wt, wo, wt, wo + din * dout, dout, pre[l], 0, false);
            if (l + 1 < depth) {
                Activations.applyWithSlope(activation, pre[l], inputs[l + 1], slopes[l], n * dout);
            }
        }
    }

    // ---------------------------------------------------------------------------------------------- losses

    /**
     * Per-example losses and their gradients in the outputs, δ_i = ∂l_i/∂z (softmax(z_i) − e_{y_i} for cross-entropy,
     * z_i − y_i for squared), for the first n rows of z (n × dL) and y (n × 1 labels, or n × dL targets). Either
     * output may be null. Returns Σ_i l_i. Cross-entropy is computed as log Σ_c e^(z_c − max z) + max z − z_y.
     */
    public static double lossesAndGradients(int loss, double[] z, double[] y, int n, int dL, double[] losses,
                                            double[] delta) {
        double total = 0;
        if (loss == CROSS_ENTROPY) {
            for (int i = 0; i < n; i++) {
                int row = i * dL;
                double max = z[row];
                for (int c = 1; c < dL; c++) {
                    max = Math.max(max, z[row + c]);
                }
                double sum = 0;
                for (int c = 0; c < dL; c++) {
                    sum += Math.exp(z[row + c] - max);
                }
                int label = (int) y[i];
                double li = Math.log(sum) + max - z[row + label];
                total += li;
                if (losses != null) {
                    losses[i] = li;
                }
                if (delta != null) {
                    double inv = 1 / sum;
                    for (int c = 0; c < dL; c++) {
                        delta[row + c] = Math.exp(z[row + c] - max) * inv;
                    }
                    delta[row + label] -= 1;
                }
            }
        } else if (loss == SQUARED) {
            for (int i = 0; i < n; i++) {
                int row = i * dL;
                double s = 0;
                for (int c = 0; c < dL; c++) {
                    double d = z[row + c] - y[row + c];
                    s += d * d;
                    if (delta != null) {
                        delta[row + c] = d;
                    }
                }
                total += 0.5 * s;
                if (losses != null) {
                    losses[i] = 0.5 * s;
                }
            }
        } else {
            throw new IllegalArgumentException("loss code: " + loss + " is outside [0, 1]");
        }
        return total;
    }

    /** softmax of each of the first n rows of z (n × dL) into p. */
    public static void softmax(double[] z, int n, int dL, double[] p) {
        for (int i = 0; i < n; i++) {
            int row = i * dL;
            double max = z[row];
            for (int c = 1; c < dL; c++) {
                max = Math.max(max, z[row + c]);
            }
            double sum = 0;
            for (int c = 0; c < dL; c++) {
                double e = Math.exp(z[row + c] - max);
                p[row + c] = e;
                sum += e;
            }
            double inv = 1 / sum;
            for (int c = 0; c < dL; c++) {
                p[row + c] *= inv;
            }
        }
    }

    /**
     * out = Λ_i·r for rows r &lt; rows of r (rows × dL), example i = i0 + r: Λ = diag(p) − p·pᵀ for cross-entropy
     * (p from {@code probs}, n × dL), I for squared. {@code out} may be {@code r}.
     */
    static void lossCurvatureTimes(int loss, double[] probs, int i0, int rows, int dL, double[] r, double[] out) {
        if (loss == SQUARED) {
            if (out != r) {
                System.arraycopy(r, 0, out, 0, rows * dL);
            }
            return;
        }
        for (int q = 0; q < rows; q++) {
            int prow = (i0 + q) * dL;
            int row = q * dL;
            double s = 0;
            for (int c = 0; c < dL; c++) {
                s += probs[prow + c] * r[row + c];
            }
            for (int c = 0; c < dL; c++) {
                out[row + c] = probs[prow + c] * (r[row + c] - s);
            }
        }
    }

    // ---------------------------------------------------------------------------------------------- backward

    /**
     * Backpropagation of output-space vectors: g_{L−1} = top (n·C × dL, example i's C rows together, row r
     * belonging to example r / C), g_{l−1} = σ′(z_{l−1}) ⊙ (g_l·W_l) row by row. Returns g[l] (n·C × d_{l+1}) for
     * every layer, g[L−1] being {@code top} itself. With top = δ (C = 1) these are the per-example gradients
     * ∂l_i/∂z_l, and the per-example gradient of W_l is g_l,i·a_l,iᵀ. Cost 2·n·C·Σ_{l≥1} d_{l+1}·d_l.
     */
    public static double[][] backpropagate(int[] layers, double[] params, Trace trace, double[] top, int perExample) {
        int depth = layers.length - 1;
        double[][] g = new double[depth][];
        g[depth - 1] = top;
        for (int l = 0; l + 1 < depth; l++) {
            g[l] = new double[trace.n * perExample * layers[l + 1]];
        }
        backwardInto(layers, params, trace.slopes, trace.n, perExample, g, null);
        return g;
    }

    /**
     * g[l−1] = σ′ ⊙ (g[l]·W_l) for l = L−1 .. 1 (g[L−1] given); when {@code upstream} is not null, upstream[l−1]
     * keeps g[l]·W_l before the σ′ factor (the R-op's σ″ term needs it).
     */
    static void backwardInto(int[] layers, double[] params, double[][] slopes, int n, int perExample, double[][] g,
                             double[][] upstream) {
        int depth = layers.length - 1;
        int rows = n * perExample;
        for (int l = depth - 1; l >= 1; l--) {
            int din = layers[l];
            int dout = layers[l + 1];
            double[] target = g[l - 1];
            double[] before = upstream != null ? upstream[l - 1] : target;
            backMultiply(g[l], 0, rows, dout, params, weightOffset(layers, l), din, before, 0, false);
            double[] s = slopes[l - 1];
            if (perExample == 1) {
                for (int i = 0; i < rows * din; i++) {
                    target[i] = s[i] * before[i];
                }
            } else {
                for (int r = 0; r < rows; r++) {
                    int src = (r / perExample) * din;
                    int dst = r * din;
                    for (int k = 0; k < din; k++) {
                        target[dst + k] = s[src + k] * before[dst + k];
                    }
                }
            }
        }
    }

    /**
     * grad += scale·Σ_i (g_l,i·a_l,iᵀ, g_l,i) over layers and the first n examples: with g the per-example δ and
     * scale 1/n, the gradient of the mean loss. Cost 2·n·P.
     */
    public static void accumulateGradient(int[] layers, double[][] inputs, double[][] g, int n, double scale,
                                          double[] grad) {
        for (int l = 0; l + 1 < layers.length; l++) {
            outer(g[l], 0, n, layers[l + 1], inputs[l], 0, layers[l], scale, grad, weightOffset(layers, l),
                    biasOffset(layers, l));
        }
    }

    /**
     * Per-example gradients of examples from .. to−1 into out ((to − from) × P): row i − from holds
     * (δ_l,i·a_l,iᵀ, δ_l,i) per layer, from the trace's inputs and per-example δ (n × d_{l+1} per layer).
     */
    public static void perExampleGradients(int[] layers, double[][] inputs, double[][] delta, int from, int to,
                                           double[] out) {
        int p = parameterCount(layers);
        for (int i = from; i < to; i++) {
            int base = (i - from) * p;
            for (int l = 0; l + 1 < layers.length; l++) {
                int din = layers[l];
                int dout = layers[l + 1];
                int wo = base + weightOffset(layers, l);
                int bo = base + biasOffset(layers, l);
                double[] a = inputs[l];
                double[] d = delta[l];
                for (int o = 0; o < dout; o++) {
                    double s = d[i * dout + o];
                    out[bo + o] = s;
                    int row = wo + o * din;
                    for (int k = 0; k < din; k++) {
                        out[row + k] = s * a[i * din + k];
                    }
                }
            }
        }
    }

    /**
     * The mean loss (1/n)Σ l_i over the first n rows and its gradient into grad (P, overwritten). Cost about
     * 6·n·P.
     */
    public static double meanLossGradient(int[] layers, int activation, int loss, double[] params, double[] x,
                                          double[] y, int n, double[] grad) {
        Trace t = forward(layers, activation, params, x, n);
        int dL = layers[layers.length - 1];
        double[] delta = new double[n * dL];
        double total = lossesAndGradients(loss, t.outputs(), y, n, dL, null, delta);
        double[][] g = backpropagate(layers, params, t, delta, 1);
        Arrays.fill(grad, 0, parameterCount(layers), 0.0);
        accumulateGradient(layers, t.inputs, g, n, 1.0 / n, grad);
        return total / n;
    }

    // ---------------------------------------------------------------------------------------------- vector products

    /** Scratch of the block-wise R-ops: Rz_l and Ra_l for one block of examples, two back-propagated buffers. */
    private static final class Scratch {
        final double[][] rz;
        final double[][] ra;
        double[] back;
        double[] next;
        final double[] tmp;
        final double[] vt;

        Scratch(int[] layers) {
            int depth = layers.length - 1;
            rz = new double[depth][];
            ra = new double[depth][];
            for (int l = 0; l < depth; l++) {
                rz[l] = new double[BLOCK * layers[l + 1]];
                ra[l] = new double[BLOCK * layers[l]];
            }
            int w = maxWidth(layers);
            back = new double[BLOCK * w];
            next = new double[BLOCK * w];
            tmp = new double[BLOCK * w];
            vt = new double[parameterCount(layers)];
        }

        void swap() {
            double[] t = back;
            back = next;
            next = t;
        }
    }

    /**
     * The R-forward pass of one block (examples i0 .. i0+rows−1) along v (its weights transposed in s.vt, its
     * biases read from v at vOff): Rz_l = V_l·a_l + W_l·Ra_l + c_l, Ra_{l+1} = σ′(z_l) ⊙ Rz_l, Ra_0 = 0, into
     * s.rz and s.ra. s.rz[L−1] is J·v for the block.
     */
    private static void rForward(int[] layers, double[] wt, Trace t, double[] v, int vOff, int i0, int rows,
                                 Scratch s) {
        int depth = layers.length - 1;
        for (int l = 0; l < depth; l++) {
            int din = layers[l];
            int dout = layers[l + 1];
            int wo = weightOffset(layers, l);
            affine(t.inputs[l], i0, rows, din, s.vt, wo, v, vOff + wo + din * dout, dout, s.rz[l], 0, false);
            if (l > 0) {
                affine(s.ra[l], 0, rows, din, wt, wo, null, 0, dout, s.rz[l], 0, true);
            }
            if (l + 1 < depth) {
                double[] slope = t.slopes[l];
                double[] rz = s.rz[l];
                double[] ra = s.ra[l + 1];
                int base = i0 * dout;
                for (int q = 0; q < rows * dout; q++) {
                    ra[q] = slope[base + q] * rz[q];
                }
            }
        }
    }

    /**
     * Exact Hessian-vector products of the mean loss over the first n rows of x and y by Pearlmutter's R-operator
     * (Pearlmutter 1994, "Fast exact multiplication by the Hessian"): out[j] = ∇²L·v[j] for the k vectors of v
     * (k × P), written to all of out (k × P). Forward and backward passes once, then per vector an R-forward and an
     * R-backward pass, block by block: R-backward starts at Rδ_{L−1} = Λ·Rz_{L−1} and runs
     * Rδ_{l−1} = σ″(z_{l−1}) ⊙ Rz_{l−1} ⊙ (δ_l·W_l) + σ′(z_{l−1}) ⊙ (Rδ_l·W_l + δ_l·V_l), with
     * R∇W_l = Σ_i Rδ_l,i·a_l,iᵀ + δ_l,i·Ra_l,iᵀ and R∇b_l = Σ_i Rδ_l,i. Cost about 12·k·n·P flops.
     */
    public static void hessianVectorProducts(int[] layers, int activation, int loss, double[] params, double[] x,
                                             double[] y, int n, double[] v, int k, double[] out) {
        int depth = layers.length - 1;
        int p = parameterCount(layers);
        int dL = layers[depth];
        Trace t = forward(layers, activation, params, x, n);
        double[] wt = new double[p];
        transposeWeights(layers, params, 0, wt);
        double[] top = new double[n * dL];
        lossesAndGradients(loss, t.outputs(), y, n, dL, null, top);
        double[][] delta = new double[depth][];
        double[][] upstream = new double[depth][];
        double[][] curv = new double[depth][];
        delta[depth - 1] = top;
        boolean curved = !Activations.piecewiseLinear(activation);
        for (int l = 0; l + 1 < depth; l++) {
            int size = n * layers[l + 1];
            delta[l] = new double[size];
            upstream[l] = new double[size];
            if (curved) {
                curv[l] = new double[size];
                Activations.curvatures(activation, t.pre[l], curv[l], size);
            }
        }
        backwardInto(layers, params, t.slopes, n, 1, delta, upstream);
        double[] probs = loss == CROSS_ENTROPY ? new double[n * dL] : null;
        if (probs != null) {
            softmax(t.outputs(), n, dL, probs);
        }
        Scratch s = new Scratch(layers);
        for (int j = 0; j < k; j++) {
            int vOff = j * p;
            int res = j * p;
            Arrays.fill(out, res, res + p, 0.0);
            transposeWeights(layers, v, vOff, s.vt);
            for (int i0 = 0; i0 < n; i0 += BLOCK) {
                int rows = Math.min(BLOCK, n - i0);
                rForward(layers, wt, t, v, vOff, i0, rows, s);
                lossCurvatureTimes(loss, probs, i0, rows, dL, s.rz[depth - 1], s.back);
                for (int l = depth - 1; l >= 0; l--) {
                    int din = layers[l];
                    int dout = layers[l + 1];
                    int wo = res + weightOffset(layers, l);
                    outer(s.back, 0, rows, dout, t.inputs[l], i0, din, 1.0, out, wo, wo + din * dout);
                    if (l == 0) {
                        break;
                    }
                    outer(delta[l], i0, rows, dout, s.ra[l], 0, din, 1.0, out, wo, -1);
                    backMultiply(s.back, 0, rows, dout, params, weightOffset(layers, l), din, s.tmp, 0, false);
                    backMultiply(delta[l], i0, rows, dout, v, vOff + weightOffset(layers, l), din, s.tmp, 0, true);
                    double[] slope = t.slopes[l - 1];
                    int base = i0 * din;
                    if (curved) {
                        double[] c = curv[l - 1];
                        double[] up = upstream[l - 1];
                        double[] rz = s.rz[l - 1];
                        for (int q = 0; q < rows * din; q++) {
                            s.next[q] = slope[base + q] * s.tmp[q] + c[base + q] * rz[q] * up[base + q];
                        }
                    } else {
                        for (int q = 0; q < rows * din; q++) {
                            s.next[q] = slope[base + q] * s.tmp[q];
                        }
                    }
                    s.swap();
                }
            }
            scale(out, res, p, 1.0 / n);
        }
    }

    /**
     * Generalised Gauss-Newton products of the mean loss: out[j] = (1/n)Σ_i J_iᵀ·Λ_i·J_i·v[j] for the k vectors of v
     * (k × P), J_i the Jacobian of example i's outputs in the parameters and Λ_i the Hessian of l_i in its outputs
     * (diag(p) − p·pᵀ, or I; neither depends on the targets, so none are read). Writes all of out (k × P). Cost
     * about 8·k·n·P flops.
     */
    public static void ggnVectorProducts(int[] layers, int activation, int loss, double[] params, double[] x, int n,
                                         double[] v, int k, double[] out) {
        int depth = layers.length - 1;
        int p = parameterCount(layers);
        int dL = layers[depth];
        Trace t = forward(layers, activation, params, x, n);
        double[] wt = new double[p];
        transposeWeights(layers, params, 0, wt);
        double[] probs = loss == CROSS_ENTROPY ? new double[n * dL] : null;
        if (probs != null) {
            softmax(t.outputs(), n, dL, probs);
        }
        Scratch s = new Scratch(layers);
        for (int j = 0; j < k; j++) {
            int vOff = j * p;
            Arrays.fill(out, vOff, vOff + p, 0.0);
            transposeWeights(layers, v, vOff, s.vt);
            for (int i0 = 0; i0 < n; i0 += BLOCK) {
                int rows = Math.min(BLOCK, n - i0);
                rForward(layers, wt, t, v, vOff, i0, rows, s);
                lossCurvatureTimes(loss, probs, i0, rows, dL, s.rz[depth - 1], s.back);
                transposeBackward(layers, params, t, i0, rows, s, out, vOff);
            }
            scale(out, vOff, p, 1.0 / n);
        }
    }

    /** out[res ..] += Jᵀ·s.back for one block: the linear backward pass (no σ″ term) accumulating the gradient. */
    private static void transposeBackward(int[] layers, double[] params, Trace t, int i0, int rows, Scratch s,
                                          double[] out, int res) {
        for (int l = layers.length - 2; l >= 0; l--) {
            int din = layers[l];
            int dout = layers[l + 1];
            int wo = res + weightOffset(layers, l);
            outer(s.back, 0, rows, dout, t.inputs[l], i0, din, 1.0, out, wo, wo + din * dout);
            if (l == 0) {
                break;
            }
            backMultiply(s.back, 0, rows, dout, params, weightOffset(layers, l), din, s.tmp, 0, false);
            double[] slope = t.slopes[l - 1];
            int base = i0 * din;
            for (int q = 0; q < rows * din; q++) {
                s.next[q] = slope[base + q] * s.tmp[q];
            }
            s.swap();
        }
    }

    /**
     * Jacobian-vector products of the outputs: out[j] = J·v[j] (n × dL each: row i is J_i·v[j]) for the k vectors
     * of v (k × P); writes all of out (k × n × dL). Cost about 2·k·n·P flops (plus one forward pass).
     */
    public static void jvp(int[] layers, int activation, double[] params, double[] x, int n, double[] v, int k,
                           double[] out) {
        int depth = layers.length - 1;
        int p = parameterCount(layers);
        int dL = layers[depth];
        Trace t = forward(layers, activation, params, x, n);
        double[] wt = new double[p];
        transposeWeights(layers, params, 0, wt);
        Scratch s = new Scratch(layers);
        for (int j = 0; j < k; j++) {
            transposeWeights(layers, v, j * p, s.vt);
            for (int i0 = 0; i0 < n; i0 += BLOCK) {
                int rows = Math.min(BLOCK, n - i0);
                rForward(layers, wt, t, v, j * p, i0, rows, s);
                System.arraycopy(s.rz[depth - 1], 0, out, (j * n + i0) * dL, rows * dL);
            }
        }
    }

    /**
     * Vector-Jacobian products: out[j] = Jᵀ·u[j] = Σ_i J_iᵀ·u[j]_i (a sum over examples, not a mean) for the k
     * output-space vectors of u (k × n × dL); writes all of out (k × P). Cost about 4·k·n·P flops.
     */
    public static void vjp(int[] layers, int activation, double[] params, double[] x, int n, double[] u, int k,
                           double[] out) {
        int depth = layers.length - 1;
        int p = parameterCount(layers);
        int dL = layers[depth];
        Trace t = forward(layers, activation, params, x, n);
        Scratch s = new Scratch(layers);
        for (int j = 0; j < k; j++) {
            Arrays.fill(out, j * p, (j + 1) * p, 0.0);
            for (int i0 = 0; i0 < n; i0 += BLOCK) {
                int rows = Math.min(BLOCK, n - i0);
                System.arraycopy(u, (j * n + i0) * dL, s.back, 0, rows * dL);
                transposeBackward(layers, params, t, i0, rows, s, out, j * p);
            }
        }
    }

    private static void scale(double[] a, int from, int count, double factor) {
        for (int i = from; i < from + count; i++) {
            a[i] *= factor;
        }
    }

    // ---------------------------------------------------------------------------------------------- training

    /**
     * One SGD job, {@code org.eigenbasis.spi.MlpKernel.train}'s contract: reads the rows {@code order} of x (· × d0)
     * and y in that order, {@code epochs} epochs of m = order.length / epochs rows, each cut into consecutive
     * batches of {@code batchSize} (the last one of an epoch may be smaller); per step t = 0..T−1,
     * T = epochs·⌈m / batchSize⌉: g = gradient of the batch's mean loss, buf ← μ·buf + g (buf starts at 0),
     * θ ← θ − lr_t·buf with lr_t = lr·(1 + cos(π t / T))/2. Overwrites params (P) with the trained parameters.
     * Cost about 6·epochs·m·P flops.
     */
    public static void train(int[] layers, int activation, int loss, double[] params, double[] x, double[] y,
                             int[] order, int epochs, int batchSize, double lr, double momentum) {
        int depth = layers.length - 1;
        int p = parameterCount(layers);
        int d0 = layers[0];
        int dL = layers[depth];
        int yw = loss == SQUARED ? dL : 1;
        int m = order.length / epochs;
        int steps = (m + batchSize - 1) / batchSize;
        long total = (long) epochs * steps;
        double[] buf = new double[p];
        double[] grad = new double[p];
        double[] wt = new double[p];
        double[] yb = new double[batchSize * yw];
        double[][] inputs = new double[depth][];
        double[][] pre = new double[depth][];
        double[][] slopes = new double[depth][];
        double[][] g = new double[depth][];
        inputs[0] = new double[batchSize * d0];
        for (int l = 0; l < depth; l++) {
            pre[l] = new double[batchSize * layers[l + 1]];
            g[l] = new double[batchSize * layers[l + 1]];
            if (l + 1 < depth) {
                inputs[l + 1] = new double[batchSize * layers[l + 1]];
                slopes[l] = new double[batchSize * layers[l + 1]];
            }
        }
        long t = 0;
        for (int e = 0; e < epochs; e++) {
            for (int b0 = 0; b0 < m; b0 += batchSize) {
                int rows = Math.min(batchSize, m - b0);
                for (int r = 0; r < rows; r++) {
                    int row = order[e * m + b0 + r];
                    System.arraycopy(x, row * d0, inputs[0], r * d0, d0);
                    System.arraycopy(y, row * yw, yb, r * yw, yw);
                }
                transposeWeights(layers, params, 0, wt);
                forwardInto(layers, activation, wt, rows, inputs, pre, slopes);
                lossesAndGradients(loss, pre[depth - 1], yb, rows, dL, null, g[depth - 1]);
                backwardInto(layers, params, slopes, rows, 1, g, null);
                Arrays.fill(grad, 0.0);
                accumulateGradient(layers, inputs, g, rows, 1.0 / rows, grad);
                double rate = lr * (1 + Math.cos(Math.PI * t / total)) / 2;
                for (int i = 0; i < p; i++) {
                    buf[i] = momentum * buf[i] + grad[i];
                    params[i] -= rate * buf[i];
                }
                t++;
            }
        }
    }
}
