package org.eigenbasis.backend.cuda;

import org.eigenbasis.spi.MlpKernel;
import org.eigenbasis.value.MlpArchitecture;

/** Scaffold: replaced by the real kernel (issue 11). */
final class CudaMlp implements MlpKernel {
    @Override
    public void train(MlpArchitecture architecture, double[][] params, double[] x, double[] y, int[][] orders,
                      int epochs, int batchSize, double lr, double momentum) {
        throw new UnsupportedOperationException("scaffold (issue 11)");
    }

    @Override
    public void hessianProduct(MlpArchitecture architecture, double[] params, double[] x, double[] y, int n,
                               double[] v, double[] out) {
        throw new UnsupportedOperationException("scaffold (issue 11)");
    }
}
