package org.eigenbasis.backend.java;

import org.eigenbasis.internal.mlp.MlpMath;
import org.eigenbasis.spi.MlpKernel;
import org.eigenbasis.value.MlpArchitecture;

/**
 * The reference {@link MlpKernel}: {@link MlpMath} run sequentially, one job after another, every sum in double in
 * a fixed order. Training cost about 6·epochs·m·P flops per job; the Hessian product about 12·k·n·P.
 */
final class ReferenceMlp implements MlpKernel {
    @Override
    public void train(MlpArchitecture architecture, double[][] params, double[] x, double[] y, int[][] orders,
                      int epochs, int batchSize, double lr, double momentum) {
        int[] layers = architecture.layers();
        for (int j = 0; j < params.length; j++) {
            MlpMath.train(layers, architecture.activation().ordinal(), architecture.loss().ordinal(), params[j], x, y,
                    orders[j], epochs, batchSize, lr, momentum);
        }
    }

    @Override
    public void hessianProduct(MlpArchitecture architecture, double[] params, double[] x, double[] y, int n,
                               double[] v, double[] out) {
        int k = v.length / architecture.parameterCount();
        MlpMath.hessianVectorProducts(architecture.layers(), architecture.activation().ordinal(),
                architecture.loss().ordinal(), params, x, y, n, v, k, out);
    }
}
