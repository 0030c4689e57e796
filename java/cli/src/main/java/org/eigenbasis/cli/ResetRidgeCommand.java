package org.eigenbasis.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.eigenbasis.io.Npy;
import org.eigenbasis.resetting.RenewalLaw;
import org.eigenbasis.resetting.StationaryMean;
import org.eigenbasis.value.DType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * {@code eigenbasis reset ridge}: the stationary mean of gradient flow on ½‖Xθ − y‖² reset to the origin at
 * renewal epochs, θ = Q h(Λ)Λ⁺Qᵀ Xᵀy with XᵀX = QΛQᵀ. Under exp(rate=R) it is ridge regression with λ = R.
 */
@Command(name = "ridge", mixinStandardHelpOptions = true, description = {
    "The stationary mean of gradient flow on 0.5 |X theta - y|^2 reset to the origin at renewal epochs:",
    "theta = Q h(L) L^+ Q^T X^T y with X^T X = Q L Q^T; exp(rate=R) gives ridge regression with lambda = R."})
final class ResetRidgeCommand implements Callable<Integer> {
    @CommandLine.Mixin
    Common common;

    @Option(names = "--x", required = true, paramLabel = "X.npy", description = "The design, float32 or float64, shape (n, d).")
    Path x;

    @Option(names = "--y", required = true, paramLabel = "y.npy", description = "The targets, shape (n,) or (n, 1).")
    Path y;

    @Option(names = "--law", required = true, paramLabel = "LAW", description = "The inter-reset law, e.g. exp(rate=0.1), det(T=10).")
    String law;

    @Option(names = "--json", description = "Print {theta, law, n, d} as JSON.")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        RenewalLaw parsed = ResetArgs.law(law);
        Npy.Array xa = Npy.read(x);
        Npy.Array ya = Npy.read(y);
        long[] xs = xa.shape();
        long[] ys = ya.shape();
        if (xs.length != 2 || xs[0] < 1 || xs[1] < 1) {
            throw new IllegalArgumentException(x + ": shape " + xa.shapeString() + " must be (n, d) with n, d >= 1");
        }
        boolean column = ys.length == 2 && ys[1] == 1;
        if (!(ys.length == 1 || column)) {
            throw new IllegalArgumentException(y + ": shape " + ya.shapeString() + " must be (n,) or (n, 1)");
        }
        if (ys[0] != xs[0]) {
            throw new IllegalArgumentException(y + ": shape " + ya.shapeString() + " does not match " + x + ": shape "
                    + xa.shapeString() + " (y needs n = " + xs[0] + " rows)");
        }
        int n = (int) xs[0];
        int d = (int) xs[1];
        double[] xFlat = values(xa);
        double[] yv = values(ya);
        double[][] xm = new double[n][d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                double v = xFlat[i * d + j];
                if (!Double.isFinite(v)) {
                    throw new IllegalArgumentException(x + ": entry (" + i + ", " + j + ") is " + v + "; data must be finite");
                }
                xm[i][j] = v;
            }
        }
        for (int i = 0; i < n; i++) {
            if (!Double.isFinite(yv[i])) {
                throw new IllegalArgumentException(y + ": entry " + i + " is " + yv[i] + "; data must be finite");
            }
        }
        double[] theta = StationaryMean.of(xm, yv, parsed);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("theta", ResetArgs.json(theta));
            doc.put("law", parsed.spec());
            doc.put("n", n);
            doc.put("d", d);
            out.println(Json.write(doc));
        } else {
            out.printf(Locale.ROOT, "stationary mean under %s for %s (n = %d, d = %d):%n", parsed.spec(), x, n, d);
            for (int j = 0; j < d; j++) {
                out.printf(Locale.ROOT, "%6d %16s%n", j, ResetArgs.num(theta[j]));
            }
        }
        return EigenbasisCli.OK;
    }

    /** The array's values in C order, as doubles. */
    static double[] values(Npy.Array array) {
        int count = (int) array.size();
        ByteBuffer data = array.data().duplicate().order(array.data().order());
        double[] out = new double[count];
        if (array.dtype() == DType.F64) {
            data.asDoubleBuffer().get(out);
        } else {
            float[] f = new float[count];
            data.asFloatBuffer().get(f);
            for (int i = 0; i < count; i++) {
                out[i] = f[i];
            }
        }
        return out;
    }
}
