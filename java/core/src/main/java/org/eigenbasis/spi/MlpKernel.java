package org.eigenbasis.spi;

import org.eigenbasis.value.MlpArchitecture;

/**
 * The two heavy loops of influence evaluation on a {@link MlpArchitecture}: SGD training (LDS retrains a model
 * hundreds of times) and exact Hessian-vector products (the dense exact Hessian is P of them). Arrays are
 * row-major f64: inputs {@code x} (rows × d0), targets {@code y} (rows × {@link MlpArchitecture#targetWidth()}:
 * the label as a double for cross-entropy, the target row for squared). Arguments are validated by the caller
 * ({@code org.eigenbasis.influence}); labels are integers in [0, dL). Losses are as {@link MlpArchitecture}
 * defines them; gelu is the exact erf form.
 */
public interface MlpKernel {
    /**
     * Trains {@code params.length} independent jobs in place, each by minibatch SGD with momentum on the mean loss
     * of its batches, PyTorch's update without dampening or weight decay: {@code buf ← μ·buf + grad} (buf starts
     * at 0), {@code θ ← θ − lr_t·buf}, with the cosine schedule {@code lr_t = lr·(1 + cos(π t / T))/2} over the
     * steps t = 0..T−1. Job j reads the rows {@code orders[j]} of x and y in that order: {@code epochs} epochs of
     * m = orders[j].length / epochs rows each, cut into consecutive batches of {@code batchSize} (the last batch of
     * an epoch may be smaller), so T = epochs·⌈m / batchSize⌉. Jobs may run in parallel; each job's result is
     * independent of the others and of the thread count.
     *
     * @param params P-vectors, read as the initial parameters and overwritten with the trained ones
     */
    void train(MlpArchitecture architecture, double[][] params, double[] x, double[] y, int[][] orders, int epochs,
               int batchSize, double lr, double momentum);

    /**
     * Exact Hessian-vector products of the mean loss L = (1/n) Σ_i l_i over the first n rows of x and y:
     * {@code out[j] = ∇²L(params) · v[j]} for the k = v.length / P vectors stored back to back in v (k × P).
     * Writes all of {@code out} (k × P). Cost about 12·k·n·P.
     */
    void hessianProduct(MlpArchitecture architecture, double[] params, double[] x, double[] y, int n, double[] v,
                        double[] out);
}
