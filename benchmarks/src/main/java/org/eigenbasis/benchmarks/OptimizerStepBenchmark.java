package org.eigenbasis.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.eigenbasis.precond.EigenbasisOptimizer;
import org.eigenbasis.precond.Gradients;
import org.eigenbasis.precond.Optimizers;
import org.eigenbasis.precond.Parameter;
import org.eigenbasis.spi.Backends;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One optimizer step: AdamW, Shampoo, SOAP and EC-Shampoo with their default configurations
 * (precondition frequency 10, so SOAP's and Shampoo's refresh is amortised over the measured steps) on f32
 * parameters of shape 1024×1024, 4096×1024 or 64 blocks of 256×256 (which the core batches together). The
 * gradients cycle through 4 fixed seeded sets, so every step sees a new gradient. The initialising first step
 * (SOAP's factor and basis set-up, the first eigendecompositions) runs in the trial set-up, not in the
 * measurement. Average time per step. The java reference at 4096×1024 takes minutes per refresh and is left to
 * explicit runs ({@code run-precond-benchmarks.sh} selects the parameters).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms4g", "-Xmx4g"})
@Warmup(iterations = 1, time = 5)
@Measurement(iterations = 3, time = 5)
public class OptimizerStepBenchmark {
    @Param({"cpu", "java", "cuda"})
    public String backend;

    @Param({"adamw", "shampoo", "soap", "ecshampoo"})
    public String optimizer;

    @Param({"1024x1024", "4096x1024", "64x256x256"})
    public String shape;

    static final int STEPS_PER_INVOCATION = 10;

    private EigenbasisOptimizer instance;
    private final List<Gradients> gradients = new ArrayList<>();
    private int next;

    /** "M x N" (one parameter) or "B x M x N" (B parameters of M × N). */
    static int[] dims(String shape) {
        String[] parts = shape.split("x");
        return parts.length == 2
                ? new int[] {1, Integer.parseInt(parts[0]), Integer.parseInt(parts[1])}
                : new int[] {Integer.parseInt(parts[0]), Integer.parseInt(parts[1]), Integer.parseInt(parts[2])};
    }

    @Setup(Level.Trial)
    public void setup() {
        int[] d = dims(shape);
        SplittableRandom random = new SplittableRandom(42);
        List<Parameter> params = new ArrayList<>();
        for (int b = 0; b < d[0]; b++) {
            float[] w = new float[d[1] * d[2]];
            for (int i = 0; i < w.length; i++) {
                w[i] = (float) (0.02 * (random.nextDouble() - 0.5));
            }
            params.add(Parameter.of("w" + b, w, d[1], d[2]));
        }
        for (int s = 0; s < 4; s++) {
            Gradients g = new Gradients();
            for (int b = 0; b < d[0]; b++) {
                float[] x = new float[d[1] * d[2]];
                for (int i = 0; i < x.length; i++) {
                    x[i] = (float) (random.nextDouble() - 0.5);
                }
                g.put(params.get(b), x);
            }
            gradients.add(g);
        }
        instance = Optimizers.create(optimizer, Map.of(), params, Backends.select(backend));
        instance.step(gradients.get(next++ & 3));   // the initialising step, outside the measurement
    }

    /** Ten steps per invocation, so every measured invocation holds exactly one refresh (f = 10); time per step. */
    @Benchmark
    @OperationsPerInvocation(STEPS_PER_INVOCATION)
    public long step() {
        for (int i = 0; i < STEPS_PER_INVOCATION; i++) {
            instance.step(gradients.get(next++ & 3));
        }
        return instance.stepCount();
    }

    @TearDown(Level.Trial)
    public void close() {
        if (instance != null) {
            instance.close();
        }
    }
}
