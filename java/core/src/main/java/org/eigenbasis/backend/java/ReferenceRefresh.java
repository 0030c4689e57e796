package org.eigenbasis.backend.java;

import org.eigenbasis.spi.RefreshKernel;
import org.eigenbasis.value.BatchedMatrix;
import org.eigenbasis.value.DType;

/** Reference eigenbasis refresh: symmetric products by plain loops, {@link HouseholderQR}, all in double. */
final class ReferenceRefresh implements RefreshKernel {
    @Override
    public void refresh(BatchedMatrix a, BatchedMatrix q, int steps, BatchedMatrix qOut, BatchedMatrix rayleigh,
                        double[] offDiagonal) {
        int n = a.rows();
        boolean f32 = a.dtype() == DType.F32;
        ReferenceSpectral.forEachMatrix(a.batch(), b -> {
            double[] s = new double[n * n];
            a.copyMatrixTo(b, s, 0);
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < i; j++) {
                    s[j * n + i] = s[i * n + j];       // the lower triangle defines A
                }
            }
            double[] basis = new double[n * n];
            q.copyMatrixTo(b, basis, 0);
            for (int step = 0; step < steps; step++) {
                double[] y = multiply(s, basis, n);
                HouseholderQR.orthonormalFactor(y, n);
                if (f32) {                              // each step of the f32 kernels rounds Q to f32
                    for (int k = 0; k < y.length; k++) {
                        y[k] = (float) y[k];
                    }
                }
                basis = y;
            }
            double[] aq = multiply(s, basis, n);
            double[] diagonal = new double[n];
            double max = 0;
            double[] bMatrix = new double[n * n];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    double x = 0;
                    for (int k = 0; k < n; k++) {
                        x += basis[k * n + i] * aq[k * n + j];
                    }
                    bMatrix[i * n + j] = x;
                    max = Math.max(max, Math.abs(x));
                }
                diagonal[i] = bMatrix[i * n + i];
            }
            double total = 0;
            double onDiagonal = 0;
            if (max > 0) {
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < n; j++) {
                        double x = bMatrix[i * n + j] / max;
                        total += x * x;
                        if (i == j) {
                            onDiagonal += x * x;
                        }
                    }
                }
            }
            offDiagonal[b] = total > 0 ? Math.sqrt(Math.max(0, total - onDiagonal) / total) : 0;
            qOut.copyMatrixFrom(b, basis, 0);
            rayleigh.copyMatrixFrom(b, diagonal, 0);
        });
    }

    /** x·y for n × n row-major matrices; cost 2n³. Package-private for the two-stage tests. */
    static double[] multiply(double[] x, double[] y, int n) {
        double[] out = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < n; k++) {
                double xik = x[i * n + k];
                for (int j = 0; j < n; j++) {
                    out[i * n + j] += xik * y[k * n + j];
                }
            }
        }
        return out;
    }
}
