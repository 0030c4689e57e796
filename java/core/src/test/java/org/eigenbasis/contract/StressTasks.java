package org.eigenbasis.contract;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.eigenbasis.precond.EigenbasisOptimizer;
import org.eigenbasis.precond.Gradients;
import org.eigenbasis.precond.Optimizers;
import org.eigenbasis.precond.Parameter;
import org.eigenbasis.resetting.RenewalLaw;
import org.eigenbasis.spi.Backend;
import org.eigenbasis.spi.RangeSums;
import org.eigenbasis.spi.SimulationSums;
import org.eigenbasis.testing.ConcurrencyStress.Task;
import org.eigenbasis.value.BatchedMatrix;
import org.eigenbasis.value.DType;
import org.eigenbasis.value.EighAlgorithm;
import org.eigenbasis.value.MlpArchitecture;
import org.eigenbasis.value.Placement;
import org.eigenbasis.value.ResetSimulation;
import org.eigenbasis.value.ResetSimulationConfig;
import org.eigenbasis.verify.SeededMatrices;

/**
 * Seeded calls of every method of the backend SPI, for {@link ConcurrencyContract}: random shapes, f32 and f64,
 * heap and off-heap, inputs made once and shared by every thread (only read), outputs and in-place arguments made
 * afresh by each call (from a shared initial value). Each task returns all its outputs flattened to doubles (f32
 * widened exactly). With {@code largeN} &gt; 0 a few calls also take the paths of large problems: on cpu,
 * n ≥ 256 runs eigh (syevd, syevr) and the refresh of a batch smaller than the pool with OpenBLAS threaded
 * (holding the BLAS lock exclusively), and products of more than 4e6 multiply-adds split over the batch pool.
 */
final class StressTasks {
    private final Backend backend;
    private final Random rng;
    private final List<Task> tasks = new ArrayList<>();
    private final List<BatchedMatrix> shared = new ArrayList<>();

    private StressTasks(Backend backend, Random rng) {
        this.backend = backend;
        this.rng = rng;
    }

    /** The tasks, and the shared inputs to close when the run is over. */
    record Made(List<Task> tasks, List<BatchedMatrix> inputs) {
    }

    static Made of(Backend backend, long seed, int largeN) {
        StressTasks s = new StressTasks(backend, new Random(seed));
        for (int k = 0; k < 2; k++) {
            for (DType dtype : DType.values()) {
                s.eigh(dtype, 1 + s.rng.nextInt(24), 1 + s.rng.nextInt(6), EighAlgorithm.values());
                s.spectral(dtype);
                s.refresh(dtype, 1 + s.rng.nextInt(16), 1 + s.rng.nextInt(4));
                s.preconditioner(dtype, 1 + s.rng.nextInt(12), 1 + s.rng.nextInt(12), 1 + s.rng.nextInt(4));
            }
            s.influence(1 + s.rng.nextInt(10), 1 + s.rng.nextInt(10));
            s.mlp();
            s.reset();
            s.diffusion();
        }
        for (String name : Optimizers.NAMES) {
            s.optimizer(name, DType.F64);
            s.optimizer(name, DType.F32);
        }
        if (largeN > 0) {
            s.eigh(DType.F64, largeN, 1, EighAlgorithm.AUTO, EighAlgorithm.SYEVR);
            s.eigh(DType.F32, largeN / 2, 3, EighAlgorithm.values());
            s.refresh(DType.F64, largeN, 1);
            s.preconditioner(DType.F64, largeN, largeN, 1);
            s.influence(largeN, largeN);
        }
        return new Made(List.copyOf(s.tasks), List.copyOf(s.shared));
    }

    private Placement placement() {
        return rng.nextBoolean() ? Placement.HEAP : Placement.OFF_HEAP;
    }

    private double[] gaussian(int n) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = rng.nextGaussian();
        }
        return x;
    }

    /** A shared input of Gaussian entries. */
    private BatchedMatrix input(DType dtype, int batch, int rows, int cols) {
        return keep(BatchedMatrix.of(gaussian(batch * rows * cols), batch, rows, cols, placement()), dtype);
    }

    /** A shared input: each matrix of the batch made by {@code one} (n × n, flattened). */
    private BatchedMatrix square(DType dtype, int batch, int n, java.util.function.Function<Random, double[]> one) {
        double[] all = new double[batch * n * n];
        for (int b = 0; b < batch; b++) {
            System.arraycopy(one.apply(rng), 0, all, b * n * n, n * n);
        }
        return keep(BatchedMatrix.of(all, batch, n, n, placement()), dtype);
    }

    private BatchedMatrix keep(BatchedMatrix f64, DType dtype) {
        BatchedMatrix m = dtype == DType.F64 ? f64 : f64.convert(dtype, f64.placement());
        if (m != f64) {
            f64.close();
        }
        shared.add(m);
        return m;
    }

    private static String shape(DType dtype, int... dims) {
        StringBuilder s = new StringBuilder(dtype.shortName());
        for (int d : dims) {
            s.append(s.length() == dtype.shortName().length() ? " " : "x").append(d);
        }
        return s.toString();
    }

    private static double[] concat(double[]... parts) {
        int n = 0;
        for (double[] p : parts) {
            n += p == null ? 0 : p.length;
        }
        double[] all = new double[n];
        int at = 0;
        for (double[] p : parts) {
            if (p != null) {
                System.arraycopy(p, 0, all, at, p.length);
                at += p.length;
            }
        }
        return all;
    }

    private void add(String name, java.util.concurrent.Callable<double[]> call) {
        tasks.add(new Task("#" + tasks.size() + " " + name, call));
    }

    /** Eigh of one shared batch with each of {@code algorithms} the backend supports, values only and vectors. */
    private void eigh(DType dtype, int n, int batch, EighAlgorithm... algorithms) {
        BatchedMatrix a = square(dtype, batch, n, r -> SeededMatrices.randomSymmetric(n, r));
        for (EighAlgorithm algorithm : algorithms) {
            if (!backend.eigh().supports(algorithm)) {
                continue;
            }
            for (boolean vectors : new boolean[] {true, false}) {
                Placement out = placement();
                add("eigh " + algorithm.cliName() + (vectors ? " vectors " : " values ") + shape(dtype, batch, n, n),
                        () -> {
                            int[] info = new int[batch];
                            try (BatchedMatrix w = BatchedMatrix.zeros(dtype, batch, 1, n, out);
                                 BatchedMatrix v = vectors ? BatchedMatrix.zeros(dtype, batch, n, n, out) : null) {
                                EighAlgorithm ran = backend.eigh().eigh(a, w, v, info, algorithm, 0);
                                double[] infos = java.util.Arrays.stream(info).asDoubleStream().toArray();
                                return concat(new double[] {ran.ordinal()}, infos, w.toDoubleArray(),
                                        v == null ? null : v.toDoubleArray());
                            }
                        });
            }
        }
    }

    private void spectral(DType dtype) {
        int n = 1 + rng.nextInt(16);
        int batch = 1 + rng.nextInt(4);
        int m = 1 + rng.nextInt(6);
        BatchedMatrix v = square(dtype, batch, n, r -> SeededMatrices.randomOrthogonal(n, r));
        BatchedMatrix f = input(dtype, batch, 1, n);
        BatchedMatrix x = input(dtype, batch, n, m);
        Placement out = placement();
        add("spectral reconstruct " + shape(dtype, batch, n, n), () -> {
            try (BatchedMatrix o = BatchedMatrix.zeros(dtype, batch, n, n, out)) {
                backend.spectral().reconstruct(v, f, o);
                return o.toDoubleArray();
            }
        });
        add("spectral apply " + shape(dtype, batch, n, m), () -> {
            try (BatchedMatrix o = BatchedMatrix.zeros(dtype, batch, n, m, out)) {
                backend.spectral().apply(v, f, x, o);
                return o.toDoubleArray();
            }
        });
    }

    private void refresh(DType dtype, int n, int batch) {
        int steps = 1 + rng.nextInt(3);
        BatchedMatrix a = square(dtype, batch, n, r -> SeededMatrices.randomSymmetric(n, r));
        BatchedMatrix q = square(dtype, batch, n, r -> SeededMatrices.randomOrthogonal(n, r));
        Placement out = placement();
        add("refresh " + steps + " steps " + shape(dtype, batch, n, n), () -> {
            double[] off = new double[batch];
            try (BatchedMatrix qOut = BatchedMatrix.zeros(dtype, batch, n, n, out);
                 BatchedMatrix rayleigh = BatchedMatrix.zeros(dtype, batch, 1, n, out)) {
                backend.refresh().refresh(a, q, steps, qOut, rayleigh, off);
                return concat(qOut.toDoubleArray(), rayleigh.toDoubleArray(), off);
            }
        });
    }

    private void preconditioner(DType dtype, int m, int n, int batch) {
        BatchedMatrix g = input(dtype, batch, m, n);
        BatchedMatrix left = input(dtype, batch, m, m);
        BatchedMatrix right = input(dtype, batch, n, n);
        BatchedMatrix factor0 = input(dtype, batch, m, m);
        BatchedMatrix m0 = input(dtype, batch, m, n);
        BatchedMatrix v1 = keep(BatchedMatrix.of(positive(batch * m * n), batch, m, n, placement()), dtype);
        boolean tl = rng.nextBoolean();
        boolean tr = rng.nextBoolean();
        boolean withRight = rng.nextBoolean();
        double beta = rng.nextDouble();
        Placement out = placement();
        add("precond accumulate " + shape(dtype, batch, m, n), () -> {
            try (BatchedMatrix f = factor0.copy(out)) {
                backend.preconditioner().accumulateFactor(g, true, beta, 1 - beta, f);
                return f.toDoubleArray();
            }
        });
        add("precond rotate " + shape(dtype, batch, m, n), () -> {
            try (BatchedMatrix o = BatchedMatrix.zeros(dtype, batch, m, n, out)) {
                backend.preconditioner().rotate(left, tl, g, withRight ? right : null, tr, o);
                return o.toDoubleArray();
            }
        });
        boolean withM = rng.nextBoolean();
        add("precond diagonal " + shape(dtype, batch, m, n), () -> {
            try (BatchedMatrix mm = withM ? m0.copy(out) : null; BatchedMatrix vv = v1.copy(out);
                 BatchedMatrix o = BatchedMatrix.zeros(dtype, batch, m, n, out)) {
                backend.preconditioner().diagonalUpdate(g, mm, vv, 0.9, 0.999, 0.001, 0.5, 1e-8, o);
                return concat(mm == null ? null : mm.toDoubleArray(), vv.toDoubleArray(), o.toDoubleArray());
            }
        });
    }

    private double[] positive(int n) {
        double[] x = gaussian(n);
        for (int i = 0; i < n; i++) {
            x[i] *= x[i];
        }
        return x;
    }

    private void influence(int dOut, int dIn) {
        int n = 1 + rng.nextInt(12);
        int perExample = 1 + rng.nextInt(3);
        BatchedMatrix g = input(DType.F64, 1, n * perExample, dOut);
        BatchedMatrix a = input(DType.F64, 1, n, dIn);
        BatchedMatrix qs = square(DType.F64, 1, dOut, r -> SeededMatrices.randomOrthogonal(dOut, r));
        BatchedMatrix qa = square(DType.F64, 1, dIn, r -> SeededMatrices.randomOrthogonal(dIn, r));
        int k = 1 + rng.nextInt(3);
        BatchedMatrix x = input(DType.F64, k, dOut, dIn);
        BatchedMatrix w = input(DType.F64, 1, 1, dIn);
        BatchedMatrix y = input(DType.F64, 1, dOut, dIn);
        BatchedMatrix out0 = input(DType.F64, 1, dOut, dOut);
        boolean forward = rng.nextBoolean();
        Placement out = placement();
        String s = shape(DType.F64, dOut, dIn);
        add("influence ekfac " + s, () -> {
            try (BatchedMatrix lambda = BatchedMatrix.zeros(DType.F64, 1, dOut, dIn, out);
                 BatchedMatrix bias = BatchedMatrix.zeros(DType.F64, 1, dOut, 1, out)) {
                backend.influence().ekfacEigenvalues(g, perExample, a, qs, qa, 0.5, lambda);
                backend.influence().ekfacEigenvalues(g, perExample, null, qs, null, 0.5, bias);
                return concat(lambda.toDoubleArray(), bias.toDoubleArray());
            }
        });
        add("influence kronecker " + s, () -> {
            try (BatchedMatrix o = BatchedMatrix.zeros(DType.F64, k, dOut, dIn, out)) {
                backend.influence().kroneckerRotate(qs, qa, x, forward, o);
                return o.toDoubleArray();
            }
        });
        add("influence weighted " + s, () -> {
            try (BatchedMatrix o = out0.copy(out); BatchedMatrix self = BatchedMatrix.zeros(DType.F64, 1, dOut, dOut, out)) {
                backend.influence().weightedProduct(y, w, y, 1.5, 0.5, o);
                backend.influence().weightedProduct(y, null, y, 1, 0, self);
                return concat(o.toDoubleArray(), self.toDoubleArray());
            }
        });
        add("influence multiply " + s, () -> {
            try (BatchedMatrix ab = BatchedMatrix.zeros(DType.F64, 1, dOut, dOut, out);
                 BatchedMatrix ba = BatchedMatrix.zeros(DType.F64, 1, dIn, dIn, out)) {
                backend.influence().multiply(y, false, y, true, ab);
                backend.influence().multiply(y, true, y, false, ba);
                return concat(ab.toDoubleArray(), ba.toDoubleArray());
            }
        });
    }

    private void mlp() {
        MlpArchitecture.Activation[] acts = MlpArchitecture.Activation.values();
        MlpArchitecture.Loss loss = rng.nextBoolean() ? MlpArchitecture.Loss.SQUARED : MlpArchitecture.Loss.CROSS_ENTROPY;
        int[] widths = {2 + rng.nextInt(4), 2 + rng.nextInt(5), 2 + rng.nextInt(3)};
        MlpArchitecture arch = new MlpArchitecture(widths, acts[rng.nextInt(acts.length)], loss);
        int rows = 8 + rng.nextInt(17);
        double[] x = gaussian(rows * arch.inputs());
        double[] y = new double[rows * arch.targetWidth()];
        for (int i = 0; i < y.length; i++) {
            y[i] = loss == MlpArchitecture.Loss.SQUARED ? rng.nextGaussian() : rng.nextInt(arch.outputs());
        }
        int p = arch.parameterCount();
        int jobs = 1 + rng.nextInt(3);
        int epochs = 1 + rng.nextInt(2);
        int perEpoch = 4 + rng.nextInt(rows - 3);
        double[][] start = new double[jobs][];
        int[][] orders = new int[jobs][epochs * perEpoch];
        for (int j = 0; j < jobs; j++) {
            start[j] = gaussian(p);
            for (int i = 0; i < orders[j].length; i++) {
                orders[j][i] = rng.nextInt(rows);
            }
        }
        int batchSize = 2 + rng.nextInt(4);
        add("mlp train " + java.util.Arrays.toString(widths) + " " + arch.activation() + " " + loss, () -> {
            double[][] params = new double[jobs][];
            for (int j = 0; j < jobs; j++) {
                params[j] = start[j].clone();
            }
            backend.mlp().train(arch, params, x, y, orders, epochs, batchSize, 0.05, 0.9);
            return concat(params);
        });
        int n = 1 + rng.nextInt(rows);
        double[] v = gaussian((1 + rng.nextInt(3)) * p);
        add("mlp hvp " + java.util.Arrays.toString(widths) + " " + arch.activation() + " " + loss, () -> {
            double[] o = new double[v.length];
            backend.mlp().hessianProduct(arch, start[0], x, y, n, v, o);
            return o;
        });
    }

    private void reset() {
        int d = 1 + rng.nextInt(3);
        double[] mu = new double[d];
        for (int i = 0; i < d; i++) {
            mu[i] = 0.2 + 2 * rng.nextDouble();
        }
        RenewalLaw law = rng.nextBoolean() ? RenewalLaw.exponential(0.5 + rng.nextDouble())
                : RenewalLaw.deterministic(0.5 + rng.nextDouble());
        boolean euler = rng.nextBoolean();
        boolean cov = rng.nextBoolean();
        long n = 200 + rng.nextInt(1800);
        ResetSimulationConfig config = new ResetSimulationConfig(law, mu, gaussian(d), 0.5, 3, n, rng.nextLong(),
                euler ? ResetSimulationConfig.Scheme.EULER : ResetSimulationConfig.Scheme.EXACT, euler ? 0.05 : Double.NaN,
                cov);
        String name = law.spec() + " d=" + d + " n=" + n + (euler ? " euler" : " exact") + (cov ? " cov" : "");
        add("reset simulate " + name, () -> {
            ResetSimulation r = backend.resetSimulation().simulate(config);  // seconds: a timing, not a result
            return concat(new double[] {r.trajectories(), r.events()}, r.snapshotMean(), r.snapshotMeanStderr(),
                    r.timeMean(), r.timeMeanStderr(), r.snapshotCovariance(), r.snapshotCovarianceStderr(),
                    r.timeCovariance(), r.timeCovarianceStderr(), r.timeMeanCovariance());
        });
        long blocks = SimulationSums.blockCount(n, d, cov);
        long g0 = rng.nextInt((int) blocks);
        long g1 = g0 + 1 + rng.nextInt((int) (blocks - g0));
        long first = SimulationSums.blockStart(n, d, cov, g0);
        long count = SimulationSums.blockStart(n, d, cov, g1) - first;
        add("reset range " + name, () -> {
            RangeSums r;
            try {
                r = backend.resetSimulation().simulateRange(config, first, count);
            } catch (UnsupportedOperationException e) {
                return new double[0];  // a backend without raw sums (cuda): the same refusal every time
            }
            return concat(new double[] {r.first(), r.count(), r.blocks(), r.events()}, r.centres(), r.blockSums());
        });
    }

    private void diffusion() {
        double[] lambdas = positive(1 + rng.nextInt(20));
        double[] taus = positive(1 + rng.nextInt(10));
        boolean twoLayer = rng.nextBoolean();
        boolean log = rng.nextBoolean();
        Placement out = placement();
        add("diffusion " + (twoLayer ? "two-layer" : "one-layer") + (log ? " log " : " ") + lambdas.length + "x"
                + taus.length, () -> {
            try (BatchedMatrix o = BatchedMatrix.zeros(DType.F64, 1, lambdas.length, taus.length, out)) {
                backend.diffusion().generatedVariances(twoLayer, lambdas, taus, 0.01, 1, 0.1, 0.5, log, o);
                return o.toDoubleArray();
            }
        });
    }

    /** Four steps of an optimizer of {@link Optimizers} (its eigh, refresh and preconditioner kernels). */
    private void optimizer(String name, DType dtype) {
        int[][] shapes = {{2 + rng.nextInt(6), 2 + rng.nextInt(6)}, {1 + rng.nextInt(8)}};
        int steps = 4;
        double[][] start = {gaussian(shapes[0][0] * shapes[0][1]), gaussian(shapes[1][0])};
        double[][][] grads = new double[steps][2][];
        double[][] inputs = new double[steps][];
        double[][] outputs = new double[steps][];
        int samples = 4;
        for (int t = 0; t < steps; t++) {
            grads[t][0] = gaussian(start[0].length);
            grads[t][1] = gaussian(start[1].length);
            inputs[t] = gaussian(samples * shapes[0][1]);
            outputs[t] = gaussian(samples * shapes[0][0]);
        }
        Map<String, Object> config = name.equals("soap") || name.contains("shampoo")
                ? Map.of("precondition_frequency", 2, "lr", 1e-2, "precondition_1d", false)
                : Map.of("precondition_frequency", 2, "lr", 1e-2);
        add("optimizer " + name + " " + shape(dtype, shapes[0]), () -> {
            List<Parameter> params = new ArrayList<>();
            for (int k = 0; k < 2; k++) {
                params.add(dtype == DType.F64 ? Parameter.of("p" + k, start[k].clone(), shapes[k])
                        : Parameter.of("p" + k, toFloat(start[k]), shapes[k]));
            }
            try (EigenbasisOptimizer opt = Optimizers.create(name, config, params, backend)) {
                for (int t = 0; t < steps; t++) {
                    Gradients g = new Gradients();
                    for (int k = 0; k < 2; k++) {
                        if (dtype == DType.F64) {
                            g.put(params.get(k), grads[t][k].clone());
                        } else {
                            g.put(params.get(k), toFloat(grads[t][k]));
                        }
                    }
                    g.layer(params.get(0), new Gradients.LayerStatistics(inputs[t].clone(), outputs[t].clone(), samples));
                    opt.step(g);
                }
            }
            double[][] now = new double[2][];
            for (int k = 0; k < 2; k++) {
                now[k] = new double[params.get(k).size()];
                for (int i = 0; i < now[k].length; i++) {
                    now[k][i] = params.get(k).get(i);
                }
            }
            return concat(now);
        });
    }

    private static float[] toFloat(double[] x) {
        float[] f = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            f[i] = (float) x[i];
        }
        return f;
    }
}
