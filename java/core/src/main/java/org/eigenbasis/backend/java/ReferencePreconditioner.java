package org.eigenbasis.backend.java;

import org.eigenbasis.spi.PreconditionerKernel;
import org.eigenbasis.value.BatchedMatrix;

/** Reference preconditioner kernels: plain loops in double precision, one matrix per fork-join task. */
public final class ReferencePreconditioner implements PreconditionerKernel {
    @Override
    public void accumulateFactor(BatchedMatrix x, boolean left, double beta, double alpha, BatchedMatrix factor) {
        int rows = x.rows();
        int cols = x.cols();
        int k = left ? rows : cols;
        ReferenceSpectral.forEachMatrix(x.batch(), b -> {
            double[] xs = new double[rows * cols];
            double[] f = new double[k * k];
            x.copyMatrixTo(b, xs, 0);
            if (beta != 0) {
                factor.copyMatrixTo(b, f, 0);
            }
            for (int i = 0; i < k; i++) {
                for (int j = 0; j <= i; j++) {
                    double s = 0;
                    if (left) {
                        for (int c = 0; c < cols; c++) {
                            s += xs[i * cols + c] * xs[j * cols + c];
                        }
                    } else {
                        for (int r = 0; r < rows; r++) {
                            s += xs[r * cols + i] * xs[r * cols + j];
                        }
                    }
                    double value = (beta == 0 ? 0 : beta * f[i * k + j]) + alpha * s;
                    f[i * k + j] = value;
                    f[j * k + i] = value;   // mirrored from the lower triangle: exactly symmetric
                }
            }
            factor.copyMatrixFrom(b, f, 0);
        });
    }

    @Override
    public void rotate(BatchedMatrix left, boolean transposeLeft, BatchedMatrix g, BatchedMatrix right,
                       boolean transposeRight, BatchedMatrix out) {
        int m = g.rows();
        int n = g.cols();
        ReferenceSpectral.forEachMatrix(g.batch(), b -> {
            double[] x = new double[m * n];
            g.copyMatrixTo(b, x, 0);
            if (left != null) {
                double[] l = new double[m * m];
                left.copyMatrixTo(b, l, 0);
                double[] y = new double[m * n];
                for (int i = 0; i < m; i++) {
                    for (int p = 0; p < m; p++) {
                        double lip = transposeLeft ? l[p * m + i] : l[i * m + p];
                        for (int j = 0; j < n; j++) {
                            y[i * n + j] += lip * x[p * n + j];
                        }
                    }
                }
                x = y;
            }
            if (right != null) {
                double[] r = new double[n * n];
                right.copyMatrixTo(b, r, 0);
                double[] y = new double[m * n];
                for (int i = 0; i < m; i++) {
                    for (int p = 0; p < n; p++) {
                        double xip = x[i * n + p];
                        for (int j = 0; j < n; j++) {
                            y[i * n + j] += xip * (transposeRight ? r[j * n + p] : r[p * n + j]);
                        }
                    }
                }
                x = y;
            }
            out.copyMatrixFrom(b, x, 0);
        });
    }

    @Override
    public void diagonalUpdate(BatchedMatrix g, BatchedMatrix m, BatchedMatrix v, double beta1, double beta2,
                               double gamma, double exponent, double eps, BatchedMatrix out) {
        int size = g.rows() * g.cols();
        ReferenceSpectral.forEachMatrix(g.batch(), b -> {
            double[] gs = new double[size];
            double[] ms = m == null ? null : new double[size];
            double[] vs = new double[size];
            g.copyMatrixTo(b, gs, 0);
            v.copyMatrixTo(b, vs, 0);
            if (ms != null) {
                m.copyMatrixTo(b, ms, 0);
            }
            double[] o = new double[size];
            for (int i = 0; i < size; i++) {
                double gi = gs[i];
                double mi = gi;
                if (ms != null) {
                    mi = beta1 * ms[i] + (1 - beta1) * gi;
                    ms[i] = mi;
                }
                double vi = beta2 * vs[i] + gamma * (gi * gi);
                vs[i] = vi;
                double root = exponent == 0.5 ? Math.sqrt(vi) : Math.pow(vi, exponent);
                o[i] = mi / (root + eps);
            }
            if (ms != null) {
                m.copyMatrixFrom(b, ms, 0);
            }
            v.copyMatrixFrom(b, vs, 0);
            out.copyMatrixFrom(b, o, 0);
        });
    }
}
