package org.eigenbasis.cli;

import java.io.IOException;
import java.nio.file.Path;
import org.eigenbasis.influence.Examples;
import org.eigenbasis.io.Npy;
import org.eigenbasis.value.DType;
import org.eigenbasis.value.MlpArchitecture;

/** Reads the .npy inputs of {@code eigenbasis influence}: parameters, features, labels or targets. */
final class InfluenceData {
    private InfluenceData() {
    }

    /** A float64 vector of shape (P,) for the architecture. */
    static double[] parameters(String option, Path file, MlpArchitecture architecture) throws IOException {
        Npy.Array a = read(option, file);
        if (a.dtype() != DType.F64 || a.shape().length != 1) {
            throw new IllegalArgumentException(option + " " + file + ": expected float64 of shape (P,), got "
                    + a.dtype().shortName() + " " + a.shapeString());
        }
        int p = architecture.parameterCount();
        if (a.shape()[0] != p) {
            throw new IllegalArgumentException(option + " " + file + ": " + a.shape()[0] + " parameters, the model "
                    + architecture + " has " + p);
        }
        double[] theta = doubles(a);
        for (int i = 0; i < theta.length; i++) {
            if (!Double.isFinite(theta[i])) {
                throw new IllegalArgumentException(option + " " + file + ": [" + i + "] = " + theta[i] + " is not finite");
            }
        }
        return theta;
    }

    /** Features (n, d0) and labels (n,) int32/int64 or targets (n, dL) float, checked against the architecture. */
    static Examples examples(String xOption, Path x, String yOption, Path y, MlpArchitecture architecture)
            throws IOException {
        Npy.Array xa = read(xOption, x);
        if (xa.shape().length != 2) {
            throw new IllegalArgumentException(xOption + " " + x + ": expected shape (n, " + architecture.inputs()
                    + "), got " + xa.shapeString());
        }
        int n = (int) xa.shape()[0];
        if (xa.shape()[1] != architecture.inputs()) {
            throw new IllegalArgumentException(xOption + " " + x + ": " + xa.shape()[1] + " features per row, the model's "
                    + "first layer takes " + architecture.inputs());
        }
        if (n < 1) {
            throw new IllegalArgumentException(xOption + " " + x + ": no rows");
        }
        double[] features = doubles(xa);
        for (int i = 0; i < features.length; i++) {
            if (!Double.isFinite(features[i])) {
                throw new IllegalArgumentException(xOption + " " + x + ": [" + i / architecture.inputs() + "]["
                        + i % architecture.inputs() + "] = " + features[i] + " is not finite");
            }
        }
        Examples examples;
        if (architecture.loss() == MlpArchitecture.Loss.CROSS_ENTROPY) {
            int[] labels;
            try {
                labels = Npy.readLabels(y);
            } catch (IllegalArgumentException e) {
                throw named(yOption, e);
            }
            if (labels.length != n) {
                throw new IllegalArgumentException(yOption + " " + y + ": " + labels.length + " labels, " + xOption
                        + " has " + n + " rows");
            }
            for (int i = 0; i < n; i++) {
                if (labels[i] < 0 || labels[i] >= architecture.outputs()) {
                    throw new IllegalArgumentException(yOption + " " + y + ": [" + i + "] = " + labels[i]
                            + " is outside [0, " + (architecture.outputs() - 1) + "]");
                }
            }
            examples = Examples.classification(features, n, architecture.inputs(), labels);
        } else {
            Npy.Array ya = read(yOption, y);
            if (ya.shape().length != 2 || ya.shape()[0] != n || ya.shape()[1] != architecture.outputs()) {
                throw new IllegalArgumentException(yOption + " " + y + ": expected float targets of shape (" + n + ", "
                        + architecture.outputs() + "), got " + ya.shapeString());
            }
            double[] targets = doubles(ya);
            for (int i = 0; i < targets.length; i++) {
                if (!Double.isFinite(targets[i])) {
                    throw new IllegalArgumentException(yOption + " " + y + ": [" + i / architecture.outputs() + "]["
                            + i % architecture.outputs() + "] = " + targets[i] + " is not finite");
                }
            }
            examples = Examples.regression(features, n, architecture.inputs(), targets, architecture.outputs());
        }
        return examples;
    }

    /** {@link Npy#read}, its refusals (dtype, rank, not a .npy file) prefixed with the option that named the file. */
    static Npy.Array read(String option, Path file) throws IOException {
        try {
            return Npy.read(file);
        } catch (IllegalArgumentException e) {
            throw named(option, e);
        }
    }

    /** The exception with its message prefixed by the command-line option it concerns. */
    static IllegalArgumentException named(String option, IllegalArgumentException e) {
        return new IllegalArgumentException(option + ": " + e.getMessage(), e);
    }

    /**
     * A library refusal of a value the user gave by an option, with the library's parameter name (the message's
     * leading "name:" or "name[i]:") replaced by the option, e.g. "batchSize: 0 ..." as "--batch-size: 0 ...".
     * {@code names} holds pairs (library name, option); a message naming none of them is returned unchanged.
     */
    static IllegalArgumentException renamed(IllegalArgumentException e, String... names) {
        String m = String.valueOf(e.getMessage());
        for (int i = 0; i + 1 < names.length; i += 2) {
            if (m.startsWith(names[i] + ":") || m.startsWith(names[i] + "[")) {
                return new IllegalArgumentException(names[i + 1] + m.substring(names[i].length()), e);
            }
        }
        return e;
    }

    static double[] doubles(Npy.Array a) {
        int n = (int) a.size();
        double[] out = new double[n];
        if (a.dtype() == DType.F64) {
            a.data().duplicate().order(a.data().order()).asDoubleBuffer().get(out);
        } else {
            java.nio.FloatBuffer f = a.data().duplicate().order(a.data().order()).asFloatBuffer();
            for (int i = 0; i < n; i++) {
                out[i] = f.get(i);
            }
        }
        return out;
    }
}
