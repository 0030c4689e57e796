package org.eigenbasis.backend;

import static org.eigenbasis.backend.SeededArrays.gaussian;
import static org.eigenbasis.backend.SeededArrays.sizeOf;
import static org.eigenbasis.backend.SeededArrays.toFloat;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.eigenbasis.precond.BasisChangePolicy;
import org.eigenbasis.precond.EigenbasisOptimizer;
import org.eigenbasis.precond.Gradients;
import org.eigenbasis.precond.LearningRateSchedule;
import org.eigenbasis.precond.Optimizers;
import org.eigenbasis.precond.Parameter;
import org.eigenbasis.precond.PreconditionerSpec;
import org.eigenbasis.spi.Backend;
import org.eigenbasis.spi.Backends;
import org.eigenbasis.value.DType;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * A refactoring guard, not a regression test: runs every optimizer (in several configurations that reach every
 * branch of the step: grafting kinds, basis-change policies, merged and one-sided dims, adaptive refreshes that
 * touch only some blocks, damping modes, L2 decay, a schedule, a fixed basis, AdaGrad's sum) on the java and cpu
 * backends, f64 and f32, for 50 steps over matrices (two equal ones, batched), a 3-tensor, a vector, a scalar and
 * a 1 × 1 matrix, and writes a SHA-256 of the exact parameter bits after every step, and of the saved state at
 * step 25, to the file named by {@code -Deigenbasis.bitHashes=FILE}. Two such files from before and after a
 * change that must not change behaviour are compared with {@code diff}. Hashes depend on the machine (OpenBLAS
 * picks its kernels by CPU), so no hash is committed: compare runs on one machine. Skipped without the property.
 */
class OptimizerBitHashes {
    private static final int STEPS = 50;
    private static final int[][] SHAPES = {{6, 6}, {6, 6}, {4, 3, 5}, {8, 5}, {7}, {}, {1, 1}};

    private record Case(String name, String optimizer, Map<String, Object> config, PreconditionerSpec spec) {
    }

    private static List<Case> cases() {
        List<Case> c = new ArrayList<>();
        c.add(of("adamw", "adamw", "lr", 1e-2));
        c.add(of("adamw-wd", "adamw", "lr", 1e-2, "weight_decay", 0.1, "betas", List.of(0.0, 0.99)));
        c.add(of("soap", "soap", "lr", 1e-2, "precondition_frequency", 3, "precondition_1d", true));
        c.add(of("soap-merge-rotate", "soap", "lr", 1e-2, "precondition_frequency", 4, "merge_dims", true,
                "max_precond_dim", 7, "normalize_grads", true, "basis_change", "rotate", "correct_bias", false));
        c.add(of("soap-keep", "soap", "lr", 1e-2, "precondition_frequency", 3, "basis_change", "keep",
                "shampoo_beta", 0.9, "max_precond_dim", 12, "merge_dims", true));
        c.add(of("shampoo", "shampoo", "lr", 1e-2, "precondition_frequency", 3));
        c.add(of("shampoo-adagrad", "shampoo", "lr", 1e-2, "grafting", "adagrad", "start_preconditioning_step", 5,
                "exponent", 0.25));
        c.add(of("shampoo-rmsprop", "shampoo", "lr", 1e-2, "grafting", "rmsprop", "betas", List.of(0.0, 0.95),
                "precondition_frequency", 2));
        c.add(of("shampoo-sgd", "shampoo", "lr", 1e-2, "grafting", "sgd", "weight_decay", 0.01));
        c.add(of("shampoo-none", "shampoo", "lr", 1e-3, "grafting", "none", "start_preconditioning_step", 3,
                "max_precond_dim", 6));
        c.add(of("ecshampoo", "ecshampoo", "lr", 1e-2, "precondition_frequency", 3));
        c.add(of("ecshampoo-eigh-rotate", "ecshampoo", "lr", 1e-2, "precondition_frequency", 3, "tolerance", 0.0,
                "basis_change", "rotate"));
        c.add(of("ecshampoo-reset", "ecshampoo", "lr", 1e-2, "precondition_frequency", 2, "tolerance", 0.3,
                "max_iterations", 2, "basis_change", "reset"));
        c.add(of("kfac", "kfac", "lr", 1e-2, "precondition_frequency", 3));
        c.add(of("kfac-tikhonov", "kfac", "lr", 1e-2, "precondition_frequency", 4, "damping_mode",
                "factored_tikhonov", "damping", 0.01, "weight_decay", 0.01));
        c.add(of("ekfac", "ekfac", "lr", 1e-2, "precondition_frequency", 3));
        c.add(of("ekfac-damped", "ekfac", "lr", 1e-2, "precondition_frequency", 5, "damping", 0.1,
                "weight_decay", 0.01, "momentum", 0.0));
        c.add(new Case("adagrad-sum", null, null, PreconditionerSpec.builder("adagrad").beta1(0).beta2(1)
                .biasCorrection(false).epsAfterBiasCorrection(false).eps(1e-10).build()));
        c.add(new Case("adaptive-rotate", null, null, PreconditionerSpec.builder("adaptive")
                .basis(PreconditionerSpec.Basis.GRADIENT_FACTORS).refresh(PreconditionerSpec.Refresh.ADAPTIVE)
                .tolerance(0.05).precondFrequency(2).basisChange(BasisChangePolicy.ROTATE).precondition1d(true)
                .factorBeta(1).build()));
        c.add(new Case("fixed", null, null, PreconditionerSpec.builder("fixed").basis(PreconditionerSpec.Basis.FIXED)
                .build()));
        return c;
    }

    private static Case of(String name, String optimizer, Object... keyValues) {
        Map<String, Object> config = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            config.put((String) keyValues[i], keyValues[i + 1]);
        }
        return new Case(name, optimizer, config, null);
    }

    @Test
    void writeHashes() throws IOException {
        String target = System.getProperty("eigenbasis.bitHashes");
        Assumptions.assumeTrue(target != null && !target.isBlank(),
                "set -Deigenbasis.bitHashes=FILE to write the per-step parameter hashes");
        Path state = Files.createTempFile("bit-hashes", ".state");
        try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(Path.of(target), StandardCharsets.UTF_8))) {
            for (String backend : new String[] {"java", "cpu"}) {
                for (DType dtype : DType.values()) {
                    for (Case c : cases()) {
                        run(c, Backends.select(backend), dtype, out, state);
                    }
                }
            }
        } finally {
            Files.deleteIfExists(state);
        }
    }

    private static void run(Case c, Backend backend, DType dtype, PrintWriter out, Path state) throws IOException {
        Random init = new Random(21);
        List<Parameter> params = new ArrayList<>();
        for (int k = 0; k < SHAPES.length; k++) {
            double[] x = gaussian(init, sizeOf(SHAPES[k]));
            params.add(dtype == DType.F64 ? Parameter.of("p" + k, x, SHAPES[k])
                    : Parameter.of("p" + k, toFloat(x), SHAPES[k]));
        }
        try (EigenbasisOptimizer opt = create(c, params, backend, init)) {
            if (c.name().equals("soap")) {
                opt.setSchedule(LearningRateSchedule.warmupCosine(1e-2, 5, 40, 1e-4));
            }
            Random rng = new Random(22);
            String prefix = c.name() + " " + dtype.shortName() + " " + backend.name();
            for (int step = 1; step <= STEPS; step++) {
                opt.step(gradients(rng, dtype));
                out.println(prefix + " step " + step + " " + hash(params));
                if (step == 25) {
                    opt.save(state);
                    out.println(prefix + " state " + HexFormat.of().formatHex(sha256(Files.readAllBytes(state)), 0, 8));
                }
            }
        }
    }

    private static EigenbasisOptimizer create(Case c, List<Parameter> params, Backend backend, Random rng) {
        if (c.spec() == null) {
            return Optimizers.create(c.optimizer(), c.config(), params, backend);
        }
        Map<String, List<double[]>> fixed = new LinkedHashMap<>();
        if (c.spec().basis() == PreconditionerSpec.Basis.FIXED) {
            fixed.put("p0", List.of(householder(rng, 6), householder(rng, 6)));
            fixed.put("p2", java.util.Arrays.asList(householder(rng, 4), null, householder(rng, 5)));
        }
        return new EigenbasisOptimizer(c.spec(), 1e-2, params, backend, fixed);
    }

    private static Gradients gradients(Random rng, DType dtype) {
        Gradients g = new Gradients();
        for (int k = 0; k < SHAPES.length; k++) {
            double[] x = gaussian(rng, sizeOf(SHAPES[k]));
            if (dtype == DType.F64) {
                g.put("p" + k, x);
            } else {
                g.put("p" + k, toFloat(x));
            }
            if (SHAPES[k].length == 2) {
                int samples = 9;
                g.layer("p" + k, new Gradients.LayerStatistics(gaussian(rng, samples * SHAPES[k][1]),
                        gaussian(rng, samples * SHAPES[k][0]), samples));
            }
        }
        return g;
    }

    /** I − 2vvᵀ/‖v‖², row-major: an orthogonal matrix. */
    private static double[] householder(Random rng, int d) {
        double[] v = gaussian(rng, d);
        double norm2 = 0;
        for (double x : v) {
            norm2 += x * x;
        }
        double[] q = new double[d * d];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                q[i * d + j] = (i == j ? 1 : 0) - 2 * v[i] * v[j] / norm2;
            }
        }
        return q;
    }

    private static String hash(List<Parameter> params) {
        StringBuilder bits = new StringBuilder();
        for (Parameter p : params) {
            for (int i = 0; i < p.size(); i++) {
                bits.append(p.dtype() == DType.F64 ? Long.toHexString(Double.doubleToRawLongBits(p.get(i)))
                        : Integer.toHexString(Float.floatToRawIntBits((float) p.get(i)))).append(',');
            }
        }
        return HexFormat.of().formatHex(sha256(bits.toString().getBytes(StandardCharsets.US_ASCII)), 0, 8);
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
