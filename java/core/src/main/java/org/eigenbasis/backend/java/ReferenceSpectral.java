package org.eigenbasis.backend.java;

import java.util.stream.IntStream;
import org.eigenbasis.spi.SpectralKernel;
import org.eigenbasis.value.BatchedMatrix;

/** Reference spectral functions: plain triple loops in double precision, one matrix per fork-join task. */
final class ReferenceSpectral implements SpectralKernel {
    @Override
    public void reconstruct(BatchedMatrix vectors, BatchedMatrix f, BatchedMatrix out) {
        int n = vectors.rows();
        forEachMatrix(vectors.batch(), b -> {
            double[] v = new double[n * n];
            double[] w = new double[n];
            double[] result = new double[n * n];
            vectors.copyMatrixTo(b, v, 0);
            f.copyMatrixTo(b, w, 0);
            for (int i = 0; i < n; i++) {
                for (int j = 0; j <= i; j++) {          // lower triangle, then mirror: exactly symmetric
                    double s = 0;
                    for (int k = 0; k < n; k++) {
                        s += v[i * n + k] * w[k] * v[j * n + k];
                    }
                    result[i * n + j] = s;
                    result[j * n + i] = s;
                }
            }
            out.copyMatrixFrom(b, result, 0);
        });
    }

    @Override
    public void apply(BatchedMatrix vectors, BatchedMatrix f, BatchedMatrix x, BatchedMatrix out) {
        int n = vectors.rows();
        int m = x.cols();
        forEachMatrix(vectors.batch(), b -> {
            double[] v = new double[n * n];
            double[] w = new double[n];
            double[] xs = new double[n * m];
            vectors.copyMatrixTo(b, v, 0);
            f.copyMatrixTo(b, w, 0);
            x.copyMatrixTo(b, xs, 0);
            double[] rotated = new double[n * m];     // f ⊙ (Vᵀ X)
            for (int k = 0; k < n; k++) {
                for (int i = 0; i < n; i++) {
                    double vik = v[i * n + k];
                    for (int j = 0; j < m; j++) {
                        rotated[k * m + j] += vik * xs[i * m + j];
                    }
                }
                for (int j = 0; j < m; j++) {
                    rotated[k * m + j] *= w[k];
                }
            }
            double[] result = new double[n * m];      // V (f ⊙ (Vᵀ X))
            for (int i = 0; i < n; i++) {
                for (int k = 0; k < n; k++) {
                    double vik = v[i * n + k];
                    for (int j = 0; j < m; j++) {
                        result[i * m + j] += vik * rotated[k * m + j];
                    }
                }
            }
            out.copyMatrixFrom(b, result, 0);
        });
    }

    static void forEachMatrix(int batch, java.util.function.IntConsumer body) {
        IntStream range = IntStream.range(0, batch);
        (batch > 1 ? range.parallel() : range).forEach(body);
    }
}
