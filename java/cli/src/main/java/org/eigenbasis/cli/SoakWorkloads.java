package org.eigenbasis.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.eigenbasis.basis.Basis;
import org.eigenbasis.basis.BasisDiagonalOptimizer;
import org.eigenbasis.basis.BasisOptimizerConfig;
import org.eigenbasis.basis.CurvatureDiagonal;
import org.eigenbasis.basis.DiagonalRule;
import org.eigenbasis.basis.ParameterBasis;
import org.eigenbasis.diffusion.DenoiserModel;
import org.eigenbasis.diffusion.DenoiserTraining;
import org.eigenbasis.diffusion.DenoiserTrainingConfig;
import org.eigenbasis.diffusion.DiffusionConfig;
import org.eigenbasis.diffusion.GeneratedVariances;
import org.eigenbasis.filter.SpectralFilter;
import org.eigenbasis.influence.CurvatureKind;
import org.eigenbasis.influence.Damping;
import org.eigenbasis.influence.DigitsInfluence;
import org.eigenbasis.influence.Examples;
import org.eigenbasis.influence.FisherVariant;
import org.eigenbasis.influence.InfluenceScores;
import org.eigenbasis.influence.InverseOperator;
import org.eigenbasis.influence.Mlp;
import org.eigenbasis.influence.MlpTrainer;
import org.eigenbasis.influence.ModelCurvatures;
import org.eigenbasis.influence.PerExampleGradients;
import org.eigenbasis.influence.SgdRecipe;
import org.eigenbasis.io.Npy;
import org.eigenbasis.linalg.EigenbasisRefresh;
import org.eigenbasis.linalg.EighResult;
import org.eigenbasis.linalg.RefreshResult;
import org.eigenbasis.linalg.SpectralFunctions;
import org.eigenbasis.linalg.SymmetricEigen;
import org.eigenbasis.precond.EigenbasisOptimizer;
import org.eigenbasis.precond.Gradients;
import org.eigenbasis.precond.Optimizers;
import org.eigenbasis.precond.Parameter;
import org.eigenbasis.resetting.RenewalLaw;
import org.eigenbasis.resetting.ResetSimulator;
import org.eigenbasis.resetting.SimulationOptions;
import org.eigenbasis.spi.Backend;
import org.eigenbasis.train.Activation;
import org.eigenbasis.train.Dataset;
import org.eigenbasis.train.Digits;
import org.eigenbasis.train.FeedForwardNetwork;
import org.eigenbasis.train.LayerStatisticsMode;
import org.eigenbasis.value.BatchedMatrix;
import org.eigenbasis.value.DType;
import org.eigenbasis.value.Placement;

/**
 * The calls {@code eigenbasis soak} repeats: every kernel family through its public facade (batched eigh f64 and
 * f32, LAPACK-sized eigh, spectral functions, the warm refresh, the resetting simulator, SOAP, Shampoo and K-FAC
 * steps, EK-FAC influence, an MLP training epoch, a basis optimizer, diffusion variances and denoiser SGD) and the CLI in-process (eigh on .npy files; train with checkpoints, then
 * {@code optim check-state}). Each call allocates and releases everything it uses, so leaks accumulate, and
 * returns a hash of its output bits, so the soak also proves that the same call gives the same bits all hour.
 */
final class SoakWorkloads {
    /** One repeated call: a name and the hash of its result bits. */
    record Workload(String name, Call call) {
    }

    @FunctionalInterface
    interface Call {
        long run() throws Exception;
    }

    private SoakWorkloads() {
    }

    /** The workloads on {@code backend}, with the CLI's files under {@code dir} (rewritten by every call). */
    static List<Workload> all(Backend backend, Path dir) throws IOException {
        List<Workload> w = new ArrayList<>();
        double[] small = randomSymmetric(64, 24, 1);
        double[] large = randomSymmetric(1, 256, 2);
        w.add(new Workload("eigh-f64-64x24", () -> {
            try (BatchedMatrix a = BatchedMatrix.of(small, 64, 24, 24, Placement.OFF_HEAP);
                 EighResult eig = SymmetricEigen.on(backend).decompose(a)) {
                return hash(hash(0, eig.values()), eig.vectors());
            }
        }));
        float[] smallF32 = new float[small.length];
        for (int i = 0; i < small.length; i++) {
            smallF32[i] = (float) small[i];
        }
        w.add(new Workload("eigh-f32-64x24", () -> {
            try (BatchedMatrix a = BatchedMatrix.of(smallF32, 64, 24, 24, Placement.OFF_HEAP);
                 EighResult eig = SymmetricEigen.on(backend).decompose(a)) {
                return hash(hash(0, eig.values()), eig.vectors());
            }
        }));
        w.add(new Workload("eigh-f64-256", () -> {
            try (BatchedMatrix a = BatchedMatrix.of(large, 1, 256, 256, Placement.OFF_HEAP);
                 EighResult eig = SymmetricEigen.on(backend).decompose(a)) {
                return hash(hash(0, eig.values()), eig.vectors());
            }
        }));
        w.add(new Workload("spectral-inverse-root", () -> {
            try (BatchedMatrix a = BatchedMatrix.of(small, 64, 24, 24, Placement.OFF_HEAP);
                 EighResult eig = SymmetricEigen.on(backend).decompose(a);
                 BatchedMatrix root = SpectralFunctions.on(backend).apply(eig, SpectralFilter.inverseRoot(4, 1e-3))) {
                return hash(0, root);
            }
        }));
        double[] identities = new double[small.length];
        for (int b = 0; b < 64; b++) {
            for (int i = 0; i < 24; i++) {
                identities[(b * 24 + i) * 24 + i] = 1;
            }
        }
        w.add(new Workload("refresh", () -> {
            try (BatchedMatrix a = BatchedMatrix.of(small, 64, 24, 24, Placement.OFF_HEAP);
                 BatchedMatrix q = BatchedMatrix.of(identities, 64, 24, 24, Placement.OFF_HEAP);
                 RefreshResult r = EigenbasisRefresh.on(backend).refresh(a, q, 2)) {
                return hash(hash(0, r.basis()), r.rayleigh());
            }
        }));
        RenewalLaw law = RenewalLaw.parse("gamma(k=2,scale=0.5)");
        double[][] h = {{2, 0.3}, {0.3, 0.5}};
        w.add(new Workload("reset-simulation", () -> {
            var mc = ResetSimulator.simulate(h, new double[] {1, -1}, new double[] {0, 0}, 0.3, law,
                    SimulationOptions.exact(10.0, 20_000, 7L, true), backend);
            return hash(hash(0, mc.timeMean()), mc.timeMeanStderr());
        }));
        Dataset.Split digits = Digits.split();
        w.add(new Workload("soap-5-steps", () -> optimizerSteps("soap", digits, backend)));
        w.add(new Workload("shampoo-5-steps", () -> optimizerSteps("shampoo", digits, backend)));
        w.add(new Workload("kfac-5-steps", () -> optimizerSteps("kfac", digits, backend)));
        DigitsInfluence.Split influenceData = DigitsInfluence.split();
        Examples train = influenceData.train().subset(range(0, 300));
        Examples validation = influenceData.validation().subset(range(0, 20));
        Mlp model = Mlp.initialize(DigitsInfluence.ARCHITECTURE, 0);
        w.add(new Workload("ekfac-influence", () -> {
            InverseOperator ekfac = ModelCurvatures.build(CurvatureKind.EKFAC, model, train, FisherVariant.EXACT, 0,
                    backend);
            PerExampleGradients g = ModelCurvatures.gradients(model, train);
            PerExampleGradients t = ModelCurvatures.gradients(model, validation);
            return hash(0, InfluenceScores.pairwise(ekfac, Damping.of(1e-3), t, g));
        }));
        w.add(new Workload("mlp-sgd-epoch", () -> {
            Mlp trained = MlpTrainer.train(backend, model, train, null, SgdRecipe.defaults().withEpochs(1));
            return hash(0, trained.parameters());
        }));
        w.add(new Workload("basis-newton-step", () -> basisNewtonStep(backend)));
        double[] lambdas = new double[1000];
        for (int i = 0; i < lambdas.length; i++) {
            lambdas[i] = 1.0 / (i + 1);
        }
        double[] taus = new double[100];
        for (int i = 0; i < taus.length; i++) {
            taus[i] = Math.pow(10, -2 + 6.0 * i / (taus.length - 1));
        }
        w.add(new Workload("diffusion-variances", () -> {
            try (BatchedMatrix v = GeneratedVariances.compute(backend, DenoiserModel.TWO_LAYER, lambdas, taus,
                    DiffusionConfig.defaults(), false, Placement.OFF_HEAP)) {
                return hash(0, v);
            }
        }));
        double[] spectrum = java.util.Arrays.copyOf(lambdas, 16);
        double[] basis = new double[16 * 16];
        for (int i = 0; i < 16; i++) {
            basis[i * 16 + i] = 1;
        }
        w.add(new Workload("denoiser-sgd", () -> {
            try (BatchedMatrix d = DenoiserTraining.train(backend, spectrum, basis, DiffusionConfig.defaults(),
                    DenoiserTrainingConfig.defaults().withSigmaCount(8).withBatchSize(64).withSteps(20).withStep(5e-5))) {
                return hash(0, d);
            }
        }));
        Path input = dir.resolve("A.npy");
        try (BatchedMatrix a = BatchedMatrix.of(small, 64, 24, 24)) {
            Npy.write(input, a, 64, 24, 24);
        }
        w.add(new Workload("cli-eigh", () -> {
            Path values = dir.resolve("w.npy");
            Path vectors = dir.resolve("v.npy");
            cli("eigh", "--input", input.toString(), "--values", values.toString(), "--vectors", vectors.toString(),
                    "--backend", backend.name());
            return hash(hash(0, Files.readAllBytes(values)), Files.readAllBytes(vectors));
        }));
        w.add(new Workload("cli-train-checkpoint", () -> {
            Path checkpoint = dir.resolve("run.ckpt");
            cli("train", "--model", "mlp", "--optimizer", "soap", "--steps", "6", "--checkpoint", checkpoint.toString(),
                    "--checkpoint-every", "2", "--out", dir.resolve("train").toString(), "--backend", backend.name());
            String state = cli("optim", "check-state", checkpoint.toString(), "--json");
            return hash(hash(0, Files.readAllBytes(checkpoint)), state.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }));
        return w;
    }

    private static long optimizerSteps(String name, Dataset.Split digits, Backend backend) {
        FeedForwardNetwork model = FeedForwardNetwork.mlp(64, 16, 10, Activation.TANH, 0L);
        try (EigenbasisOptimizer opt = Optimizers.create(name, Map.of("lr", 0.05, "precondition_frequency", 2),
                model.parameters(), backend)) {
            for (int step = 0; step < 5; step++) {
                Gradients g = new Gradients();
                model.lossAndGradients(digits.train(), g, name.equals("kfac") ? LayerStatisticsMode.EMPIRICAL
                        : LayerStatisticsMode.NONE, null);
                opt.step(g);
            }
        }
        long hash = 0;
        for (Parameter p : model.parameters()) {
            hash = hash(hash, p.f64());
        }
        return hash;
    }

    /** The README's basis example: one Gauss-Newton step in a Kronecker eigenbasis. */
    private static long basisNewtonStep(Backend backend) {
        double[][] l = {{2, 1}, {1, 3}};
        double[][] r = {{4, 0, 1}, {0, 1, 0}, {1, 0, 2}};
        double[] w = new double[6];
        Parameter weight = Parameter.of("w", w, 2, 3);
        ParameterBasis basis = ParameterBasis.kronecker(Basis.eigenbasisOf(l, backend), Basis.eigenbasisOf(r, backend));
        BasisOptimizerConfig newton = new BasisOptimizerConfig(1.0, new DiagonalRule.GaussNewton(1, 0));
        try (BasisDiagonalOptimizer opt = new BasisDiagonalOptimizer(newton, List.of(weight), Map.of("w", basis), backend)) {
            opt.fixCurvature("w", CurvatureDiagonal.kronecker(l, r));
            opt.step(new Gradients().put(weight, new double[] {1, -2, 0.5, 3, 0, -1}));
        }
        return hash(0, w);
    }

    /** Runs the CLI in-process; its stdout, or an exception with its stderr when it exits non-zero. */
    private static String cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = EigenbasisCli.execute(args, new PrintWriter(out), new PrintWriter(err));
        if (code != EigenbasisCli.OK) {
            throw new IllegalStateException("eigenbasis " + String.join(" ", args) + " exited " + code + ": " + err);
        }
        return out.toString();
    }

    private static double[] randomSymmetric(int batch, int n, long seed) {
        Random rng = new Random(seed);
        double[] a = new double[batch * n * n];
        for (int b = 0; b < batch; b++) {
            for (int i = 0; i < n; i++) {
                for (int j = 0; j <= i; j++) {
                    double x = rng.nextGaussian();
                    a[(b * n + i) * n + j] = x;
                    a[(b * n + j) * n + i] = x;
                }
            }
        }
        return a;
    }

    private static int[] range(int from, int to) {
        int[] r = new int[to - from];
        for (int i = 0; i < r.length; i++) {
            r[i] = from + i;
        }
        return r;
    }

    private static long hash(long h, BatchedMatrix m) {
        double[] row = new double[m.rows() * m.cols()];
        for (int b = 0; b < m.batch(); b++) {
            m.copyMatrixTo(b, row, 0);
            h = hash(h, row);
        }
        return h;
    }

    private static long hash(long h, double[] values) {
        for (double v : values) {
            h = h * 0x100000001B3L + Double.doubleToRawLongBits(v);
        }
        return h;
    }

    private static long hash(long h, byte[] bytes) {
        for (byte b : bytes) {
            h = h * 0x100000001B3L + b;
        }
        return h;
    }
}
