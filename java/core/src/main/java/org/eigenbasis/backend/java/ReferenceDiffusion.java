package org.eigenbasis.backend.java;

import org.eigenbasis.internal.DiffusionFlow;
import org.eigenbasis.spi.DiffusionKernel;
import org.eigenbasis.value.BatchedMatrix;

/**
 * The reference generated variances: {@link DiffusionFlow#flowIntegral} (the formula of
 * {@code ModeDynamics.flowIntegral}) for every pair, one at a time, on the calling thread; E₁ by its series and
 * continued fraction. About 0.4 µs a pair (one layer; 0.13 two layer), so 10⁸ pairs take a minute: the baseline the cpu kernel is
 * measured against (benchmarks/DiffusionBenchmark), not a production path. Refuses a wrong shape or dtype of
 * {@code out} and every value {@code DiffusionFlow.checkBatch} refuses with {@link IllegalArgumentException},
 * before writing anything.
 */
final class ReferenceDiffusion implements DiffusionKernel {
    @Override
    public void generatedVariances(boolean twoLayer, double[] lambdas, double[] taus, double sigmaMin,
                                   double sigmaMax, double eta, double init, boolean log, BatchedMatrix out) {
        DiffusionFlow.checkBatch(lambdas, taus, sigmaMin, sigmaMax, eta, init);
        int n = lambdas.length;
        int t = taus.length;
        DiffusionKernel.checkOutput(n, t, out);
        double logSigmaMax2 = 2 * Math.log(sigmaMax);
        double[] row = new double[t];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < t; j++) {
                double integral = DiffusionFlow.flowIntegral(twoLayer, lambdas[i], taus[j], sigmaMin, sigmaMax, eta,
                        init);
                double logVariance = logSigmaMax2 - 2 * integral;
                row[j] = log ? logVariance : Math.exp(logVariance);
            }
            writeRow(out, i, row);
        }
    }

    private static void writeRow(BatchedMatrix out, int i, double[] row) {
        java.nio.DoubleBuffer b = out.doubleBuffer();
        b.position(i * row.length);
        b.put(row);
    }
}
