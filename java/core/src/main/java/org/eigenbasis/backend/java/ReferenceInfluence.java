package org.eigenbasis.backend.java;

import org.eigenbasis.spi.InfluenceKernel;
import org.eigenbasis.value.BatchedMatrix;

/**
 * Reference influence kernels: plain loops, every sum a double accumulator over its index in ascending order, so
 * each result is a fixed function of the inputs whatever the thread count. Independent outputs (the examples of
 * EK-FAC's rotations, the rows of λ, the slices of a rotation, the rows of a product) run as fork-join tasks.
 * Arguments are not checked here ({@link InfluenceKernel}: the caller validates).
 *
 * <p>Orders: EK-FAC forms u = Q_Sᵀg per row (sum over q), s_ip = Σ_c u_p² (c ascending), t_ik = ((Q_Aᵀa_i)_k)², then
 * λ[p][k] = scale · (Σ_i s_ip·t_ik) (i ascending, scaled last). A rotation forms X_j·op(Q_A) first, then
 * op(Q_S)·(that). A weighted product sums (x_iq·w_q)·y_jq over q, then α·sum + β·out. Memory: EK-FAC holds n·(dOut +
 * dIn) doubles besides copies of its inputs.
 */
public final class ReferenceInfluence implements InfluenceKernel {
    @Override
    public void ekfacEigenvalues(BatchedMatrix g, int perExample, BatchedMatrix a, BatchedMatrix qs, BatchedMatrix qa,
                                 double scale, BatchedMatrix lambda) {
        int dOut = g.cols();
        int dIn = lambda.cols();
        int n = a != null ? a.rows() : g.rows() / perExample;
        double[] gs = g.toDoubleArray();
        double[] qsT = transpose(qs.toDoubleArray(), dOut);      // qsT[p][q] = Q_S[q][p]: column p read as a row
        double[] as = a == null ? null : a.toDoubleArray();
        double[] qaT = qa == null ? null : transpose(qa.toDoubleArray(), dIn);
        double[] s = new double[n * dOut];
        double[] t = a == null ? null : new double[n * dIn];
        ReferenceSpectral.forEachMatrix(n, i -> {
            for (int c = 0; c < perExample; c++) {
                int row = (i * perExample + c) * dOut;
                for (int p = 0; p < dOut; p++) {
                    double u = 0;
                    for (int q = 0; q < dOut; q++) {
                        u += qsT[p * dOut + q] * gs[row + q];
                    }
                    s[i * dOut + p] += u * u;
                }
            }
            if (as != null) {
                for (int k = 0; k < dIn; k++) {
                    double v = 0;
                    for (int q = 0; q < dIn; q++) {
                        v += qaT[k * dIn + q] * as[i * dIn + q];
                    }
                    t[i * dIn + k] = v * v;
                }
            }
        });
        double[] result = new double[dOut * dIn];
        ReferenceSpectral.forEachMatrix(dOut, p -> {
            double[] acc = new double[dIn];
            for (int i = 0; i < n; i++) {
                double sip = s[i * dOut + p];
                if (t == null) {
                    acc[0] += sip;
                } else {
                    for (int k = 0; k < dIn; k++) {
                        acc[k] += sip * t[i * dIn + k];
                    }
                }
            }
            for (int k = 0; k < dIn; k++) {
                result[p * dIn + k] = scale * acc[k];
            }
        });
        lambda.copyMatrixFrom(0, result, 0);
    }

    @Override
    public void kroneckerRotate(BatchedMatrix qs, BatchedMatrix qa, BatchedMatrix x, boolean forward, BatchedMatrix out) {
        int dOut = x.rows();
        int dIn = x.cols();
        double[] s = qs.toDoubleArray();
        double[] q = qa.toDoubleArray();
        // forward: op(Q_S) = Q_Sᵀ, op(Q_A) = Q_A; backward: Q_S and Q_Aᵀ.
        double[] left = forward ? transpose(s, dOut) : s;
        double[] right = forward ? q : transpose(q, dIn);
        ReferenceSpectral.forEachMatrix(x.batch(), j -> {
            double[] xs = new double[dOut * dIn];
            x.copyMatrixTo(j, xs, 0);
            double[] tmp = new double[dOut * dIn];                 // X_j · op(Q_A)
            for (int i = 0; i < dOut; i++) {
                for (int r = 0; r < dIn; r++) {
                    double xir = xs[i * dIn + r];
                    for (int c = 0; c < dIn; c++) {
                        tmp[i * dIn + c] += xir * right[r * dIn + c];
                    }
                }
            }
            double[] y = new double[dOut * dIn];                   // op(Q_S) · tmp
            for (int i = 0; i < dOut; i++) {
                for (int p = 0; p < dOut; p++) {
                    double lip = left[i * dOut + p];
                    for (int c = 0; c < dIn; c++) {
                        y[i * dIn + c] += lip * tmp[p * dIn + c];
                    }
                }
            }
            out.copyMatrixFrom(j, y, 0);
        });
    }

    @Override
    public void weightedProduct(BatchedMatrix x, BatchedMatrix w, BatchedMatrix y, double alpha, double beta,
                                BatchedMatrix out) {
        int m = x.rows();
        int p = x.cols();
        int n = y.rows();
        double[] xs = x.toDoubleArray();
        double[] ws = w == null ? null : w.toDoubleArray();
        double[] ys = y == x ? xs : y.toDoubleArray();
        double[] old = beta == 0 ? null : out.toDoubleArray();     // beta = 0: out is not read
        double[] result = new double[m * n];
        ReferenceSpectral.forEachMatrix(m, i -> {
            double[] xw = new double[p];
            for (int q = 0; q < p; q++) {
                xw[q] = ws == null ? xs[i * p + q] : xs[i * p + q] * ws[q];
            }
            for (int j = 0; j < n; j++) {
                double sum = 0;
                for (int q = 0; q < p; q++) {
                    sum += xw[q] * ys[j * p + q];
                }
                result[i * n + j] = alpha * sum + (old == null ? 0 : beta * old[i * n + j]);
            }
        });
        out.copyMatrixFrom(0, result, 0);
    }

    @Override
    public void multiply(BatchedMatrix a, boolean transposeA, BatchedMatrix b, boolean transposeB, BatchedMatrix out) {
        int m = out.rows();
        int n = out.cols();
        int k = transposeA ? a.rows() : a.cols();
        double[] as = transposeA ? transpose(a.toDoubleArray(), a.rows(), a.cols()) : a.toDoubleArray();   // m × k
        double[] bs = transposeB ? transpose(b.toDoubleArray(), b.rows(), b.cols()) : b.toDoubleArray();   // k × n
        double[] result = new double[m * n];
        ReferenceSpectral.forEachMatrix(m, i -> {
            for (int q = 0; q < k; q++) {
                double aiq = as[i * k + q];
                for (int j = 0; j < n; j++) {
                    result[i * n + j] += aiq * bs[q * n + j];
                }
            }
        });
        out.copyMatrixFrom(0, result, 0);
    }

    private static double[] transpose(double[] square, int n) {
        return transpose(square, n, n);
    }

    /** The cols × rows transpose of a row-major rows × cols matrix. */
    private static double[] transpose(double[] m, int rows, int cols) {
        double[] t = new double[rows * cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                t[j * rows + i] = m[i * cols + j];
            }
        }
        return t;
    }
}
