package org.eigenbasis.backend.java;

import org.eigenbasis.spi.InfluenceKernel;
import org.eigenbasis.value.BatchedMatrix;

/** Lead's temporary reference (replaced by H2's on merge). */
final class ReferenceInfluence implements InfluenceKernel {
    @Override
    public void ekfacEigenvalues(BatchedMatrix g, int perExample, BatchedMatrix a, BatchedMatrix qs, BatchedMatrix qa,
                                 double scale, BatchedMatrix lambda) {
        int rows = g.rows();
        int dOut = g.cols();
        int n = rows / perExample;
        int dIn = a == null ? 1 : a.cols();
        double[] out = new double[dOut * dIn];
        for (int i = 0; i < n; i++) {
            double[] s = new double[dOut];
            for (int c = 0; c < perExample; c++) {
                for (int p = 0; p < dOut; p++) {
                    double v = 0;
                    for (int o = 0; o < dOut; o++) {
                        v += qs.get(0, o, p) * g.get(0, i * perExample + c, o);
                    }
                    s[p] += v * v;
                }
            }
            for (int k = 0; k < dIn; k++) {
                double v = 1;
                if (a != null) {
                    v = 0;
                    for (int j = 0; j < dIn; j++) {
                        v += qa.get(0, j, k) * a.get(0, i, j);
                    }
                }
                for (int p = 0; p < dOut; p++) {
                    out[p * dIn + k] += s[p] * v * v;
                }
            }
        }
        for (int j = 0; j < out.length; j++) {
            lambda.set(0, j / dIn, j % dIn, scale * out[j]);
        }
    }

    @Override
    public void kroneckerRotate(BatchedMatrix qs, BatchedMatrix qa, BatchedMatrix x, boolean forward, BatchedMatrix out) {
        int dOut = x.rows();
        int dIn = x.cols();
        for (int b = 0; b < x.batch(); b++) {
            double[] t = new double[dOut * dIn];
            for (int o = 0; o < dOut; o++) {
                for (int k = 0; k < dIn; k++) {
                    double s = 0;
                    for (int j = 0; j < dIn; j++) {
                        s += x.get(b, o, j) * (forward ? qa.get(0, j, k) : qa.get(0, k, j));
                    }
                    t[o * dIn + k] = s;
                }
            }
            for (int p = 0; p < dOut; p++) {
                for (int k = 0; k < dIn; k++) {
                    double s = 0;
                    for (int o = 0; o < dOut; o++) {
                        s += (forward ? qs.get(0, o, p) : qs.get(0, p, o)) * t[o * dIn + k];
                    }
                    out.set(b, p, k, s);
                }
            }
        }
    }

    @Override
    public void weightedProduct(BatchedMatrix x, BatchedMatrix w, BatchedMatrix y, double alpha, double beta,
                                BatchedMatrix out) {
        int m = x.rows();
        int n = y.rows();
        int p = x.cols();
        double[] xa = x.toDoubleArray();
        double[] ya = y.toDoubleArray();
        double[] wa = w == null ? null : w.toDoubleArray();
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int k = 0; k < p; k++) {
                    s += xa[i * p + k] * (wa == null ? 1 : wa[k]) * ya[j * p + k];
                }
                out.set(0, i, j, alpha * s + (beta == 0 ? 0 : beta * out.get(0, i, j)));
            }
        }
    }

    @Override
    public void multiply(BatchedMatrix a, boolean transposeA, BatchedMatrix b, boolean transposeB, BatchedMatrix out) {
        int m = out.rows();
        int n = out.cols();
        int k = transposeA ? a.rows() : a.cols();
        double[] aa = a.toDoubleArray();
        double[] ba = b.toDoubleArray();
        int lda = a.cols();
        int ldb = b.cols();
        double[] o = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int l = 0; l < k; l++) {
                double av = transposeA ? aa[l * lda + i] : aa[i * lda + l];
                for (int j = 0; j < n; j++) {
                    o[i * n + j] += av * (transposeB ? ba[j * ldb + l] : ba[l * ldb + j]);
                }
            }
        }
        out.copyMatrixFrom(0, o, 0);
    }
}
