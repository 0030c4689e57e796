package org.eigenbasis.precond;

import java.util.ArrayList;
import java.util.List;

/**
 * A literal transcription of SOAP's reference step (nikhilvyas/SOAP soap.py) for one parameter, on plain arrays:
 * torch.tensordot's cyclic axis order for project / project_back, GG.lerp_, eigh(GG + 1e-30 I) flipped to
 * descending, and get_orthogonal_matrix_QR (Rayleigh-quotient sort, exp_avg_sq.index_select, QR of GG·Q), with the
 * test's own Jacobi eigensolver and Gram-Schmidt QR. exp_avg is projected back and forth every step, as there.
 */
final class SoapReference {
    final int[] dims;
    final double lr;
    final double beta1;
    final double beta2;
    final double shampooBeta;
    final double eps;
    final double wd;
    final int frequency;
    final boolean normalize;
    final boolean correctBias;
    final boolean[] factored;
    double[][] gg;
    double[][] q;
    double[] expAvg;
    double[] expAvgSq;
    long step;
    /**
     * The largest condition number κ(GG) of a factor this transcription took a QR of: its Gram-Schmidt Q departs
     * from orthogonality by about κ(GG·Q)·u = κ(GG)·u (Björck, BIT 7 (1967)), which a test comparing against it
     * adds to its tolerance.
     */
    double maxCondition = 1;

    SoapReference(int[] viewDims, boolean[] factored, double lr, double beta1, double beta2, double shampooBeta,
                  double eps, double wd, int frequency, boolean normalize, boolean correctBias) {
        this.dims = viewDims.clone();
        this.factored = factored.clone();
        this.lr = lr;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.shampooBeta = shampooBeta < 0 ? beta2 : shampooBeta;
        this.eps = eps;
        this.wd = wd;
        this.frequency = frequency;
        this.normalize = normalize;
        this.correctBias = correctBias;
    }

    void step(double[] p, double[] grad) {
        if (q == null) {
            expAvg = new double[grad.length];
            expAvgSq = new double[grad.length];
            gg = new double[dims.length][];
            for (int k = 0; k < dims.length; k++) {
                gg[k] = factored[k] ? new double[dims[k] * dims[k]] : null;
            }
            updatePreconditioner(grad);
            return;
        }
        double[] gp = project(grad, false);
        step++;
        for (int i = 0; i < gp.length; i++) {
            expAvg[i] = expAvg[i] * beta1 + gp[i] * (1 - beta1);
            expAvgSq[i] = expAvgSq[i] * beta2 + gp[i] * gp[i] * (1 - beta2);
        }
        double stepSize = lr;
        if (correctBias) {
            stepSize = stepSize * Math.sqrt(1 - Math.pow(beta2, step)) / (1 - Math.pow(beta1, step));
        }
        double[] ratio = new double[gp.length];
        for (int i = 0; i < gp.length; i++) {
            ratio[i] = expAvg[i] / (Math.sqrt(expAvgSq[i]) + eps);
        }
        double[] normGrad = project(ratio, true);
        if (normalize) {
            double rms = Math.sqrt(Dense.frob2(normGrad) / normGrad.length);
            for (int i = 0; i < normGrad.length; i++) {
                normGrad[i] /= 1e-30 + rms;
            }
        }
        for (int i = 0; i < p.length; i++) {
            p[i] += -stepSize * normGrad[i];
        }
        if (wd > 0) {
            for (int i = 0; i < p.length; i++) {
                p[i] += -lr * wd * p[i];
            }
        }
        updatePreconditioner(grad);
    }

    private void updatePreconditioner(double[] grad) {
        if (q != null) {
            expAvg = project(expAvg, true);
        }
        double[] y = grad.clone();
        int[] shape = dims.clone();
        for (int k = 0; k < dims.length; k++) {
            int d = shape[0];
            int rest = y.length / d;
            if (factored[k]) {
                double[] outer = Dense.aat(y, d, rest);
                for (int i = 0; i < outer.length; i++) {
                    gg[k][i] = gg[k][i] + (1 - shampooBeta) * (outer[i] - gg[k][i]);
                }
            }
            y = Dense.t(y, d, rest);
            shape = rotate(shape);
        }
        if (q == null) {
            q = new double[dims.length][];
            for (int k = 0; k < dims.length; k++) {
                if (factored[k]) {
                    double[] shifted = gg[k].clone();
                    for (int i = 0; i < dims[k]; i++) {
                        shifted[i * dims[k] + i] += 1e-30;
                    }
                    q[k] = Dense.eigh(shifted, dims[k])[1];
                }
            }
        }
        if (step > 0 && step % frequency == 0) {
            for (int k = 0; k < dims.length; k++) {
                if (!factored[k]) {
                    continue;
                }
                int d = dims[k];
                double[] qtgq = Dense.mul(Dense.t(q[k], d, d), d, d, Dense.mul(gg[k], d, d, q[k], d), d);
                List<Integer> order = new ArrayList<>();
                for (int i = 0; i < d; i++) {
                    order.add(i);
                }
                order.sort((a, b) -> Double.compare(qtgq[b * d + b], qtgq[a * d + a]));
                expAvgSq = indexSelect(expAvgSq, k, order);
                double[] sorted = new double[d * d];
                for (int i = 0; i < d; i++) {
                    for (int j = 0; j < d; j++) {
                        sorted[i * d + j] = q[k][i * d + order.get(j)];
                    }
                }
                double[] lambda = Dense.eigh(gg[k], d)[0];
                maxCondition = Math.max(maxCondition, lambda[0] / lambda[d - 1]);
                q[k] = Dense.qr(Dense.mul(gg[k], d, d, sorted, d), d);
            }
        }
        if (step > 0) {
            expAvg = project(expAvg, false);
        }
    }

    /** torch.tensordot(x, Q, [[0], [0]]) (or [[0], [1]] back) over every dim, or a permute for dims without Q. */
    private double[] project(double[] x, boolean back) {
        double[] y = x.clone();
        int[] shape = dims.clone();
        for (int k = 0; k < dims.length; k++) {
            int d = shape[0];
            int rest = y.length / d;
            double[] yt = Dense.t(y, d, rest);
            if (factored[k]) {
                double[] m = back ? Dense.t(q[k], d, d) : q[k];
                y = Dense.mul(yt, rest, d, m, d);
            } else {
                y = yt;
            }
            shape = rotate(shape);
        }
        return y;
    }

    private static int[] rotate(int[] shape) {
        int[] r = new int[shape.length];
        System.arraycopy(shape, 1, r, 0, shape.length - 1);
        r[shape.length - 1] = shape[0];
        return r;
    }

    private double[] indexSelect(double[] x, int axis, List<Integer> order) {
        int d = dims[axis];
        int post = 1;
        for (int i = axis + 1; i < dims.length; i++) {
            post *= dims[i];
        }
        int pre = x.length / (d * post);
        double[] y = new double[x.length];
        for (int a = 0; a < pre; a++) {
            for (int j = 0; j < d; j++) {
                System.arraycopy(x, (a * d + order.get(j)) * post, y, (a * d + j) * post, post);
            }
        }
        return y;
    }
}
