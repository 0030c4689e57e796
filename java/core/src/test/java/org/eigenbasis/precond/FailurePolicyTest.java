package org.eigenbasis.precond;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.eigenbasis.spi.Backend;
import org.eigenbasis.spi.Backends;
import org.eigenbasis.spi.EighKernel;
import org.eigenbasis.spi.RefreshKernel;
import org.eigenbasis.value.BatchedMatrix;
import org.eigenbasis.value.DType;
import org.eigenbasis.value.EighAlgorithm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Non-finite gradients never reach the state; failing eigendecompositions and refreshes follow the policy. */
class FailurePolicyTest {
    private static final Backend JAVA = Backends.select("java");

    @TempDir
    Path dir;

    private static Gradients gradients(Random rng) {
        int n = 5;
        return new Gradients().put("w", Dense.random(rng, 12)).put("b", Dense.random(rng, 3))
                .layer("w", new Gradients.LayerStatistics(Dense.random(rng, n * 3), Dense.random(rng, n * 4), n));
    }

    private byte[] snapshot(EigenbasisOptimizer opt, double[]... params) throws IOException {
        Path file = Files.createTempFile(dir, "state", ".bin");
        opt.save(file);
        byte[] state = Files.readAllBytes(file);
        java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(state.length + 8 * 15);
        buf.put(state);
        for (double[] p : params) {
            for (double x : p) {
                buf.putDouble(x);
            }
        }
        return buf.array();
    }

    @ParameterizedTest
    @ValueSource(strings = {"soap", "shampoo", "ecshampoo", "adamw", "kfac", "ekfac"})
    void aNonFiniteGradientIsRefusedAndNothingChanges(String name) throws IOException {
        double[] w = Dense.random(new Random(1), 12);
        double[] b = Dense.random(new Random(2), 3);
        EigenbasisOptimizer opt = Optimizers.create(name, Map.of("precondition_frequency", 2),
                List.of(Parameter.of("w", w, 4, 3), Parameter.of("b", b, 3)), JAVA);
        Random rng = new Random(3);
        for (int i = 0; i < 5; i++) {
            opt.step(gradients(rng));
        }
        byte[] before = snapshot(opt, w, b);
        Gradients nan = gradients(rng);
        nan.f64("w")[7] = Double.NaN;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> opt.step(nan));
        assertTrue(e.getMessage().contains("gradient of 'w' has NaN at index 7"), e.getMessage());
        Gradients inf = gradients(rng);
        inf.f64("b")[0] = Double.NEGATIVE_INFINITY;
        e = assertThrows(IllegalArgumentException.class, () -> opt.step(inf));
        assertTrue(e.getMessage().contains("'b' has -Infinity at index 0"), e.getMessage());
        Gradients huge = gradients(rng);
        huge.f64("w")[0] = 1e200;
        e = assertThrows(IllegalArgumentException.class, () -> opt.step(huge));
        assertTrue(e.getMessage().contains("sum of squares that overflows"), e.getMessage());
        if (name.endsWith("kfac")) {
            Gradients badStats = gradients(rng);
            badStats.layer("w").inputs()[2] = Double.NaN;
            e = assertThrows(IllegalArgumentException.class, () -> opt.step(badStats));
            assertTrue(e.getMessage().contains("layer statistics of 'w': inputs has NaN at index 2"), e.getMessage());
        }
        assertArrayEquals(before, snapshot(opt, w, b), "state and parameters are bit-identical after refusals");
        assertEquals(5, opt.stepCount());
    }

    @Test
    void skipStepLeavesTheStateAndCountsTheSkip() {
        double[] w = Dense.random(new Random(1), 12);
        double[] b = Dense.random(new Random(2), 3);
        PreconditionerSpec spec = new SoapConfig(0.01, new double[] {0.9, 0.9}, -1, 1e-8, 0.01, 2, 100, false, true,
                false, true, BasisChangePolicy.PERMUTE).toSpec().toBuilder().nonFinite(NonFinitePolicy.SKIP_STEP).build();
        EigenbasisOptimizer opt = new EigenbasisOptimizer(spec, 0.01, List.of(Parameter.of("w", w, 4, 3),
                Parameter.of("b", b, 3)), JAVA);
        Random rng = new Random(4);
        for (int i = 0; i < 4; i++) {
            opt.step(gradients(rng));
        }
        Map<String, Object> before = copy(opt.state());
        double[] w0 = w.clone();
        Gradients nan = gradients(rng);
        nan.f64("b")[1] = Double.NaN;
        opt.step(nan);
        assertEquals(1, opt.skippedSteps());
        assertEquals(4, opt.stepCount());
        assertArrayEquals(w0, w);
        Map<String, Object> after = copy(opt.state());
        assertEquals(before.keySet(), after.keySet());
        for (String key : before.keySet()) {
            assertTrue(java.util.Objects.deepEquals(before.get(key), after.get(key)), key + " changed");
        }
    }

    private static Map<String, Object> copy(Map<String, Object> state) {
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        state.forEach((k, v) -> out.put(k, v instanceof BatchedMatrix m ? m.toDoubleArray() : ((long[]) v).clone()));
        return out;
    }

    /** The java backend whose eigh fails (info = 1, NaN outputs) when {@code fails} says so. */
    private static Backend failingEigh(java.util.function.Predicate<BatchedMatrix> fails, AtomicInteger f64Calls) {
        EighKernel base = JAVA.eigh();
        EighKernel eigh = new EighKernel() {
            @Override
            public EighAlgorithm eigh(BatchedMatrix a, BatchedMatrix values, BatchedMatrix vectors, int[] info,
                                      EighAlgorithm algorithm, int maxIterations) {
                if (a.dtype() == DType.F64) {
                    f64Calls.incrementAndGet();
                }
                EighAlgorithm ran = base.eigh(a, values, vectors, info, algorithm, maxIterations);
                if (fails.test(a)) {
                    java.util.Arrays.fill(info, 1);
                    for (int b = 0; b < a.batch(); b++) {
                        values.set(b, 0, 0, Double.NaN);
                        vectors.set(b, 0, 0, Double.NaN);
                    }
                }
                return ran;
            }

            @Override
            public EighAlgorithm choose(int n, int batch, DType dtype, boolean vectors) {
                return base.choose(n, batch, dtype, vectors);
            }

            @Override
            public boolean supports(EighAlgorithm algorithm) {
                return base.supports(algorithm);
            }
        };
        return new DelegatingBackend(JAVA, eigh, null);
    }

    @Test
    void anF32EigendecompositionThatFailsIsRetriedInF64() {
        AtomicInteger f64Calls = new AtomicInteger();
        Backend backend = failingEigh(a -> a.dtype() == DType.F32, f64Calls);
        float[] w = new float[12];
        EigenbasisOptimizer opt = Optimizers.create("shampoo", Map.of(), List.of(Parameter.of("w", w, 4, 3)), backend);
        Random rng = new Random(5);
        for (int i = 0; i < 3; i++) {
            float[] g = new float[12];
            for (int k = 0; k < 12; k++) {
                g[k] = (float) rng.nextGaussian();
            }
            opt.step(new Gradients().put("w", g));
        }
        assertEquals(6, f64Calls.get(), "each f32 failure (2 factors × 3 steps) was retried in f64");
        for (RefreshReport r : opt.refreshReport()) {
            assertEquals(0, r.failures(), r.toString());
            assertEquals(3, r.refreshes(), r.toString());
        }
        BatchedMatrix basis = (BatchedMatrix) opt.state().get("w/basis0");
        // Not a rounding tolerance: the initial basis, the identity, has |Q₀₀| = 1 exactly; an eigenvector of this
        // seeded random factor has |Q₀₀| = 0.094 (0.999 leaves room for any eigenvector not within 2.6° of e₀).
        assertTrue(Math.abs(basis.get(0, 0, 0)) < 0.999, "the basis came from the f64 retry, not the identity");
    }

    @Test
    void repeatedEighFailuresKeepThePreviousBasisThenRaise() {
        Backend backend = failingEigh(a -> true, new AtomicInteger());
        double[] w = new double[12];
        EigenbasisOptimizer opt = Optimizers.create("shampoo", Map.of("grafting", "sgd"),
                List.of(Parameter.of("w", w, 4, 3)), backend);
        Random rng = new Random(6);
        for (int step = 1; step <= 2; step++) {
            opt.step(new Gradients().put("w", Dense.random(rng, 12)));
            BatchedMatrix basis = (BatchedMatrix) opt.state().get("w/basis0");
            assertArrayEquals(Dense.identity(4), basis.toDoubleArray(), "the previous (initial identity) basis is kept");
            assertEquals(step, opt.refreshReport().get(0).consecutiveFailures());
        }
        for (double x : w) {
            assertTrue(Double.isFinite(x));
        }
        PreconditionerFailureException e = assertThrows(PreconditionerFailureException.class,
                () -> opt.step(new Gradients().put("w", Dense.random(rng, 12))));
        assertTrue(e.getMessage().contains("parameter 'w' along dim 0 (size 4) failed 3 times in a row"), e.getMessage());
        assertTrue(e.getMessage().contains("did not converge"), e.getMessage());
    }

    @Test
    void repeatedQrRefreshFailuresKeepTheBasisThenRaise() {
        RefreshKernel base = JAVA.refresh();
        RefreshKernel nanAfterSteps = (a, q, steps, qOut, rayleigh, off) -> {
            base.refresh(a, q, steps, qOut, rayleigh, off);
            if (steps > 0) {
                qOut.set(0, 0, 0, Double.NaN);
            }
        };
        Backend backend = new DelegatingBackend(JAVA, null, nanAfterSteps);
        double[] w = new double[12];
        EigenbasisOptimizer opt = Optimizers.create("soap", Map.of("precondition_frequency", 1),
                List.of(Parameter.of("w", w, 4, 3)), backend);
        Random rng = new Random(7);
        opt.step(new Gradients().put("w", Dense.random(rng, 12)));             // initialisation: eigh, fine
        double[] initial = ((BatchedMatrix) opt.state().get("w/basis0")).toDoubleArray();
        opt.step(new Gradients().put("w", Dense.random(rng, 12)));             // refresh 1 fails
        opt.step(new Gradients().put("w", Dense.random(rng, 12)));             // refresh 2 fails
        assertArrayEquals(initial, ((BatchedMatrix) opt.state().get("w/basis0")).toDoubleArray());
        assertEquals(2, opt.refreshReport().get(0).failures());
        PreconditionerFailureException e = assertThrows(PreconditionerFailureException.class,
                () -> opt.step(new Gradients().put("w", Dense.random(rng, 12))));
        assertTrue(e.getMessage().contains("QR refresh returned non-finite values"), e.getMessage());
    }
}
