package org.eigenbasis.influence;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.eigenbasis.testing.ErrorBounds;
import org.eigenbasis.value.DType;
import org.eigenbasis.value.MlpArchitecture;

/** Seeded small models and data shared by the influence tests. */
final class Fixtures {
    private Fixtures() {
    }

    /** Every activation with both losses on a two-hidden-layer net 3-5-4-3. */
    static List<MlpArchitecture> allArchitectures() {
        List<MlpArchitecture> out = new ArrayList<>();
        for (MlpArchitecture.Activation a : MlpArchitecture.Activation.values()) {
            for (MlpArchitecture.Loss l : MlpArchitecture.Loss.values()) {
                out.add(new MlpArchitecture(new int[] {3, 5, 4, 3}, a, l));
            }
        }
        return out;
    }

    /**
     * PyTorch-default parameters scaled by 2, so the pre-activations spread over a few units and every activation
     * works in its curved range (at 1× gelu and tanh are nearly linear around 0).
     */
    static Mlp model(MlpArchitecture arch, long seed) {
        double[] theta = Mlp.initialParameters(arch, seed);
        for (int i = 0; i < theta.length; i++) {
            theta[i] *= 2;
        }
        return Mlp.of(arch, theta);
    }

    /** n examples with standard normal inputs and uniform labels, or standard normal targets. */
    static Examples data(MlpArchitecture arch, int n, long seed) {
        Random random = new Random(seed);
        double[] x = gaussian(random, n * arch.inputs());
        if (arch.loss() == MlpArchitecture.Loss.CROSS_ENTROPY) {
            int[] labels = new int[n];
            for (int i = 0; i < n; i++) {
                labels[i] = random.nextInt(arch.outputs());
            }
            return Examples.classification(x, n, arch.inputs(), labels);
        }
        return Examples.regression(x, n, arch.inputs(), gaussian(random, n * arch.outputs()), arch.outputs());
    }

    static double[] gaussian(Random random, int length) {
        double[] v = new double[length];
        for (int i = 0; i < length; i++) {
            v[i] = random.nextGaussian();
        }
        return v;
    }

    /** A random direction of unit 2-norm. */
    static double[] unit(Random random, int length) {
        double[] v = gaussian(random, length);
        double norm = Math.sqrt(dot(v, v));
        for (int i = 0; i < length; i++) {
            v[i] /= norm;
        }
        return v;
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    static double maxAbs(double[] a) {
        double m = 0;
        for (double v : a) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }

    static double[] axpy(double[] x, double t, double[] d) {
        double[] out = x.clone();
        for (int i = 0; i < out.length; i++) {
            out[i] += t * d[i];
        }
        return out;
    }

    /**
     * The rounding bound of a value computed by the model: each loss, output or gradient entry is a chain of at most
     * K = P·(depth + 2) roundings (inner products no longer than P, the activations within a few ulps, softmax and
     * log), and with weights of order 1/√fan-in every layer's map has a Lipschitz constant of order 1, so the
     * computed value is within γ_K·(|value| + 1) of the exact one (the + 1 for values that cancel below their
     * terms' size, which are of order 1 here).
     */
    static double rounding(MlpArchitecture arch, double magnitude) {
        return ErrorBounds.gamma(arch.parameterCount() * (arch.depth() + 2), DType.F64) * (magnitude + 1);
    }

    /**
     * The allowed error of a central-difference derivative formed by Richardson extrapolation from steps h and 2h:
     * D(h) = f′ + c·h² + O(h⁴), so R = (4D(h) − D(2h))/3 = f′ + O(h⁴), and |D(h) − D(2h)| = 3|c|h² + O(h⁴) is an
     * estimate of the truncation that over-covers R's remaining O(h⁴) error by a factor of order 1/h². Rounding:
     * each f within δ_f, so D(h) within δ_f/h, D(2h) within δ_f/(2h), and R within (4/h + 1/(2h))/3·δ_f = 1.5·δ_f/h.
     */
    static double richardsonTolerance(double dh, double d2h, double deltaF, double h) {
        return Math.abs(dh - d2h) + 1.5 * deltaF / h;
    }

    /** The Richardson value (4D(h) − D(2h))/3. */
    static double richardson(double dh, double d2h) {
        return (4 * dh - d2h) / 3;
    }
}
