package org.eigenbasis.backend.cuda;

import org.eigenbasis.spi.MlpKernel;
import org.eigenbasis.value.MlpArchitecture;

/**
 * The MLP kernels of the cuda backend in this release: <b>the host's</b> (the cpu backend's native kernels, else the
 * java reference; {@link HostFallback}), with one log line the first time. Nothing of training or of the
 * Hessian-vector products runs on the GPU yet: a GPU version (batched small GEMMs over jobs for training, cuBLAS
 * strided-batched products for the R-operator) is listed in benchmarks/gpu/PENDING.md with its target.
 * {@link CudaBackend#describe()} says so under {@code mlp}.
 */
final class CudaMlp implements MlpKernel {
    /** Why the work goes to the host, as the log line and the description say. */
    static final String WHY = "the MLP training and Hessian-vector kernels are not on the GPU in this release";

    private static MlpKernel host() {
        return HostFallback.forKernel("mlp", WHY).mlp();
    }

    @Override
    public void train(MlpArchitecture architecture, double[][] params, double[] x, double[] y, int[][] orders,
                      int epochs, int batchSize, double lr, double momentum) {
        host().train(architecture, params, x, y, orders, epochs, batchSize, lr, momentum);
    }

    @Override
    public void hessianProduct(MlpArchitecture architecture, double[] params, double[] x, double[] y, int n,
                               double[] v, double[] out) {
        host().hessianProduct(architecture, params, x, y, n, v, out);
    }
}
