package org.eigenbasis.cli;

import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.eigenbasis.io.Npy;
import org.eigenbasis.precond.Gradients;
import org.eigenbasis.precond.Optimizer;
import org.eigenbasis.precond.Parameter;
import org.eigenbasis.spi.Backend;
import org.eigenbasis.value.BatchedMatrix;
import org.eigenbasis.value.DType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * {@code eigenbasis optim replay}: applies a fixed gradient sequence G (T, m, n) to one matrix parameter P0 (m, n)
 * and writes the parameter after every step, shape (T, m, n), in P0's dtype (the gradients are converted to it).
 * The parameter is named {@code P} for the optimizer, which is created by {@link OptimizerFactory} exactly as a
 * Java program would through {@code Optimizers.create} (so the output equals driving the library directly, bit for
 * bit). Shapes, names and the config are checked before any step; the output is written atomically. Note that
 * SOAP's first step only initialises its preconditioner, so P[0] equals P0.
 */
@Command(name = "replay", mixinStandardHelpOptions = true, description = {
    "Apply a fixed sequence of gradients G (T, m, n) to a matrix parameter P0 (m, n) and write the parameter after",
    "every step (T, m, n), so that the optimizer can be compared with another implementation step by step."})
final class OptimReplayCommand implements Callable<Integer> {
    @CommandLine.Mixin
    Common common;

    @Option(names = "--optimizer", required = true, paramLabel = "NAME",
            description = "adamw, soap, shampoo, ecshampoo, kfac, ekfac or sgd (kfac and ekfac need layer statistics,"
                    + " which a replay does not have, so they refuse it).")
    String optimizer;

    @Option(names = "--config", paramLabel = "cfg.json",
            description = "A flat JSON object of options under the reference names (lr, betas, eps, ...); default: the optimizer's defaults.")
    Path config;

    @Option(names = "--params", required = true, paramLabel = "P0.npy", description = "The initial parameter, (m, n), float32 or float64.")
    Path params;

    @Option(names = "--grads", required = true, paramLabel = "G.npy", description = "The gradients, (T, m, n).")
    Path grads;

    @Option(names = "--out", required = true, paramLabel = "P.npy", description = "Where to write the parameters after each step, (T, m, n).")
    Path out;

    @Option(names = "--backend", paramLabel = "NAME", description = "java, cpu, cuda or auto (default: -Deigenbasis.backend, else auto).")
    String backend;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        String name = OptimizerFactory.checkName(optimizer);
        if (OptimizerFactory.needsLayerStatistics(name)) {
            throw new IllegalArgumentException("--optimizer: " + name + " builds its factors from layer statistics (inputs and"
                    + " output gradients), which a gradient replay does not have; replay takes adamw, soap, shampoo, ecshampoo, sgd");
        }
        Map<String, Object> options = OptimizerConfig.read(config);
        Npy.Array p0 = Npy.read(params);
        Npy.Array g = Npy.read(grads);
        long[] ps = p0.shape();
        long[] gs = g.shape();
        if (ps.length != 2) {
            throw new IllegalArgumentException("--params: " + params + " has shape " + p0.shapeString()
                    + "; a matrix parameter (m, n) is expected");
        }
        if (gs.length != 3 || gs[1] != ps[0] || gs[2] != ps[1]) {
            throw new IllegalArgumentException("shape mismatch: --grads " + grads + " has shape " + g.shapeString()
                    + ", --params " + params + " has " + p0.shapeString() + "; expected (T, " + ps[0] + ", " + ps[1] + ")");
        }
        if (gs[0] < 1) {
            throw new IllegalArgumentException("--grads: " + grads + " holds no steps (T = 0)");
        }
        int steps = (int) gs[0];
        int m = (int) ps[0];
        int n = (int) ps[1];
        int size = m * n;
        if ((long) steps * size > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("--grads: " + steps + " steps of " + m + " x " + n + " exceed the 2 GiB limit of one output array");
        }
        Backend chosen = BackendOption.one(backend);
        boolean f64 = p0.dtype() == DType.F64;
        double[] gradients = toDoubles(g);
        double[] history = new double[steps * size];
        Parameter parameter;
        double[] pd = null;
        float[] pf = null;
        if (f64) {
            pd = toDoubles(p0);
            parameter = Parameter.of("P", pd, m, n);
        } else {
            pf = toFloats(p0);
            parameter = Parameter.of("P", pf, m, n);
        }
        try (Optimizer opt = OptimizerFactory.create(name, options, List.of(parameter), chosen)) {
            for (int t = 0; t < steps; t++) {
                Gradients step = new Gradients();
                if (f64) {
                    step.put(parameter, java.util.Arrays.copyOfRange(gradients, t * size, (t + 1) * size));
                } else {
                    float[] gf = new float[size];
                    for (int i = 0; i < size; i++) {
                        gf[i] = (float) gradients[t * size + i];
                    }
                    step.put(parameter, gf);
                }
                opt.step(step);
                for (int i = 0; i < size; i++) {
                    history[t * size + i] = parameter.get(i);
                }
            }
        }
        BatchedMatrix result = f64 ? BatchedMatrix.of(history, steps, m, n) : BatchedMatrix.of(floats(history), steps, m, n);
        try (result) {
            Npy.write(out, result, steps, m, n);
        }
        PrintWriter console = spec.commandLine().getOut();
        console.printf(Locale.ROOT, "optim replay: %s on %s, %d steps of a %d x %d %s parameter; wrote %s%n",
                name, chosen.name(), steps, m, n, p0.dtype().shortName(), out);
        return EigenbasisCli.OK;
    }

    private static double[] toDoubles(Npy.Array a) {
        ByteBuffer data = a.data().duplicate().order(a.data().order());
        double[] out = new double[(int) a.size()];
        if (a.dtype() == DType.F64) {
            data.asDoubleBuffer().get(out);
        } else {
            java.nio.FloatBuffer f = data.asFloatBuffer();
            for (int i = 0; i < out.length; i++) {
                out[i] = f.get(i);
            }
        }
        return out;
    }

    private static float[] toFloats(Npy.Array a) {
        return floats(toDoubles(a));
    }

    private static float[] floats(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }
}
