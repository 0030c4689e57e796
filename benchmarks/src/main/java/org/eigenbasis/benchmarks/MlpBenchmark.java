package org.eigenbasis.benchmarks;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.eigenbasis.spi.Backends;
import org.eigenbasis.spi.MlpKernel;
import org.eigenbasis.value.MlpArchitecture;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The MLP kernels on issue 11's digits model (64-64-32-10 gelu, cross-entropy; P = 6570) with data of the digits
 * set's shape (1617 standardised rows; Gaussian here, which times the same). Workloads: {@code train1}, one
 * retrain on m = 1132 rows (α = 0.7) for 100 epochs of batches of 32 with momentum 0.9 and the cosine schedule
 * (3600 steps); {@code train2}, two such retrains in one call (one per worker on the 2-core machine: the ladder's
 * throughput); {@code hvp64}, exact Hessian-vector products of 64 vectors over all n = 1617 rows. Average time per
 * operation. The LDS ladder's 400 retrains and the dense Hessian's 6570 products scale from these
 * (docs/notes/h3-native-mlp.md). Two more workloads, not in the default list (minutes per operation on the CI
 * machine's cpu), measure those totals directly for the GPU targets (benchmarks/gpu/PENDING.md, M.1 and M.2):
 * {@code -p workload=train400}, the ladder's 400 retrains in one call (m = ⌊α·1617⌋ for α = 0.3, 0.5, 0.7, 0.9 in
 * turn, 100 epochs each), and {@code -p workload=hvp6570}, the dense Hessian's 6570 products over the 1617 rows.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@Warmup(iterations = 1, time = 2)
@Measurement(iterations = 3, time = 3)
public class MlpBenchmark {
    @Param({"cpu", "java", "cuda"})
    public String backend;

    @Param({"train1", "train2", "hvp64"})
    public String workload;

    static final MlpArchitecture DIGITS = new MlpArchitecture(new int[] {64, 64, 32, 10},
            MlpArchitecture.Activation.GELU, MlpArchitecture.Loss.CROSS_ENTROPY);
    static final int ROWS = 1617;
    static final int SUBSET = 1132;
    static final int EPOCHS = 100;

    private MlpKernel kernel;
    private double[] x;
    private double[] y;
    private double[] init;
    private int[][] orders;
    private double[][] params;
    private double[] v;
    private double[] out;

    @Setup(Level.Trial)
    public void setup() {
        kernel = Backends.select(backend).mlp();
        Random random = new Random(11);
        x = new double[ROWS * DIGITS.inputs()];
        for (int i = 0; i < x.length; i++) {
            x[i] = random.nextGaussian();
        }
        y = new double[ROWS];
        for (int i = 0; i < ROWS; i++) {
            y[i] = random.nextInt(DIGITS.outputs());
        }
        int p = DIGITS.parameterCount();
        init = new double[p];
        for (int l = 0; l < DIGITS.depth(); l++) {
            double bound = 1 / Math.sqrt(DIGITS.width(l));
            for (int i = DIGITS.weightOffset(l); i < DIGITS.biasOffset(l) + DIGITS.width(l + 1); i++) {
                init[i] = bound * (2 * random.nextDouble() - 1);
            }
        }
        int jobs = workload.equals("train400") ? 400 : workload.equals("train2") ? 2 : 1;
        double[] alphas = {0.3, 0.5, 0.7, 0.9};
        orders = new int[jobs][];
        params = new double[jobs][];
        for (int j = 0; j < jobs; j++) {
            int[] subset = new int[ROWS];
            for (int i = 0; i < ROWS; i++) {
                subset[i] = i;
            }
            for (int i = ROWS - 1; i > 0; i--) {
                int r = random.nextInt(i + 1);
                int t = subset[i];
                subset[i] = subset[r];
                subset[r] = t;
            }
            int m = workload.equals("train400") ? (int) Math.floor(alphas[j % 4] * ROWS) : SUBSET;
            orders[j] = new int[EPOCHS * m];
            for (int e = 0; e < EPOCHS; e++) {
                for (int i = 0; i < m; i++) {
                    orders[j][e * m + i] = subset[random.nextInt(m)];
                }
            }
        }
        v = new double[(workload.equals("hvp6570") ? p : 64) * p];
        for (int i = 0; i < v.length; i++) {
            v[i] = random.nextGaussian();
        }
        out = new double[v.length];
    }

    @Benchmark
    public double run() {
        if (workload.startsWith("hvp")) {
            kernel.hessianProduct(DIGITS, init, x, y, ROWS, v, out);
            return out[0];
        }
        for (int j = 0; j < params.length; j++) {
            params[j] = init.clone();
        }
        kernel.train(DIGITS, params, x, y, orders, EPOCHS, 32, 0.01, 0.9);
        return params[0][0];
    }
}
