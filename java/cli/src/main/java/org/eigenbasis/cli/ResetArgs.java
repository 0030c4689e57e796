package org.eigenbasis.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.eigenbasis.resetting.LawSpec;
import org.eigenbasis.resetting.RenewalLaw;

/**
 * Shared parsing and output helpers of the resetting commands ({@code filter}, {@code reset ...}). Every error is
 * an {@link IllegalArgumentException} whose message names the option, so the CLI prints it as one line and exits 2.
 */
final class ResetArgs {
    private ResetArgs() {
    }

    /** The law in the CLI form; the parser's message (which lists the legal forms) on failure. */
    static RenewalLaw law(String text) {
        return RenewalLaw.parse(text);
    }

    /** A comma-separated list of finite numbers, at least one. */
    static double[] list(String option, String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException(option + ": empty list; expected comma-separated numbers, e.g. 0.1,1,10");
        }
        String[] parts = text.split(",", -1);
        double[] out = new double[parts.length];
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i].trim();
            try {
                out[i] = Double.parseDouble(p);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(option + ": '" + p + "' (item " + (i + 1) + ") is not a number");
            }
            if (!Double.isFinite(out[i])) {
                throw new IllegalArgumentException(option + ": item " + (i + 1) + " is " + p + "; values must be finite");
            }
        }
        return out;
    }

    /** A list of curvatures μ ≥ 0: a negative one has no stationary state. */
    static double[] curvatures(String option, String text) {
        double[] mu = list(option, text);
        for (int i = 0; i < mu.length; i++) {
            if (mu[i] < 0) {
                throw new IllegalArgumentException(option + ": item " + (i + 1) + " is " + LawSpec.format(mu[i])
                        + ", a negative curvature: the flow diverges and has no stationary state; need mu >= 0");
            }
        }
        return mu;
    }

    /** Both lists must have the same length. */
    static void sameLength(String optionA, double[] a, String optionB, double[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException(optionB + " has " + b.length + " value(s) but " + optionA + " has "
                    + a.length + "; they must have the same length");
        }
    }

    /** A finite, non-negative scalar option. */
    static double nonNegative(String option, double value) {
        if (!(value >= 0) || !Double.isFinite(value)) {
            throw new IllegalArgumentException(option + ": " + value + " is outside [0, ∞) (finite)");
        }
        return value;
    }

    /** A finite, positive scalar option. */
    static double positive(String option, double value) {
        if (!(value > 0) || !Double.isFinite(value)) {
            throw new IllegalArgumentException(option + ": " + value + " is outside (0, ∞) (finite)");
        }
        return value;
    }

    /** A JSON array of doubles, non-finite values as null. */
    static List<Double> json(double[] xs) {
        List<Double> out = new ArrayList<>(xs.length);
        for (double x : xs) {
            out.add(Json.finite(x));
        }
        return out;
    }

    /** A JSON matrix from rows; null when the matrix is null. */
    static List<List<Double>> json(double[][] rows) {
        if (rows == null) {
            return null;
        }
        List<List<Double>> out = new ArrayList<>(rows.length);
        for (double[] row : rows) {
            out.add(json(row));
        }
        return out;
    }

    /** A JSON matrix from a d × d row-major array; null when the array is null. */
    static List<List<Double>> json(double[] rowMajor, int d) {
        return rowMajor == null ? null : json(rows(rowMajor, d));
    }

    static double[][] rows(double[] rowMajor, int d) {
        if (rowMajor.length != (long) d * d) {
            throw new IllegalStateException("expected a " + d + " x " + d + " row-major array, got length " + rowMajor.length);
        }
        double[][] out = new double[d][d];
        for (int i = 0; i < d; i++) {
            System.arraycopy(rowMajor, i * d, out[i], 0, d);
        }
        return out;
    }

    /** A number for text tables: %.6g, or the word for non-finite values. */
    static String num(double x) {
        return Double.isFinite(x) ? String.format(Locale.ROOT, "%.6g", x) : Double.toString(x);
    }
}
