package org.eigenbasis.precond;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.eigenbasis.spi.Backend;
import org.eigenbasis.spi.Backends;
import org.eigenbasis.testing.ErrorBounds;
import org.eigenbasis.testing.Trajectories;
import org.eigenbasis.value.BatchedMatrix;
import org.eigenbasis.value.DType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Blocks of equal layout share one batched state and give the same bits as one optimizer per block; f32 runs. */
class BatchingTest {
    private static final Backend JAVA = Backends.select("java");

    @ParameterizedTest
    @ValueSource(strings = {"soap", "shampoo", "ecshampoo", "ecshampoo-reset", "adamw"})
    void batchedBlocksEqualSeparateOptimizersBitForBit(String variant) {
        // ecshampoo-reset: some blocks refresh (their second moment and its bias-correction age reset) while others
        // skip, so the blocks of one batch have different ages and the fused update runs block by block.
        String name = variant.replace("-reset", "");
        Random init = new Random(1);
        double[][] together = new double[3][];
        double[][] apart = new double[3][];
        List<Parameter> params = new ArrayList<>();
        List<EigenbasisOptimizer> singles = new ArrayList<>();
        Map<String, Object> config = variant.endsWith("-reset")
                ? Map.of("precondition_frequency", 2, "basis_change", "reset", "tolerance", 0.2)
                : Map.of("precondition_frequency", 2);
        for (int i = 0; i < 3; i++) {
            together[i] = Dense.random(init, 12);
            apart[i] = together[i].clone();
            params.add(Parameter.of("w" + i, together[i], 4, 3));
            singles.add(Optimizers.create(name, config, List.of(Parameter.of("w" + i, apart[i], 4, 3)), JAVA));
        }
        EigenbasisOptimizer batched = Optimizers.create(name, config, params, JAVA);
        if (!name.equals("adamw")) {
            BatchedMatrix factor = (BatchedMatrix) batched.state().get("w0,w1,w2/factor0");
            assertEquals(3, factor.batch(), "the three blocks share one batch");
        }
        Random rng = new Random(2);
        for (int step = 0; step < 9; step++) {
            Gradients all = new Gradients();
            for (int i = 0; i < 3; i++) {
                double[] g = Dense.random(rng, 12);
                all.put("w" + i, g.clone());
                singles.get(i).step(new Gradients().put("w" + i, g));
            }
            batched.step(all);
        }
        for (int i = 0; i < 3; i++) {
            // Exact, by specification: each block's arithmetic is the same whether batched or not (the kernels loop
            // over the batch; nothing sums across blocks).
            assertArrayEquals(apart[i], together[i], 0.0, "block " + i);
        }
        if (variant.endsWith("-reset")) {
            long[] age = (long[]) batched.state().get("w0,w1,w2/age");
            assertTrue(age[0] != age[1] || age[1] != age[2], "the ages differ: " + java.util.Arrays.toString(age));
        }
    }

    /**
     * Square blocks: their factors have full rank from the first step, so the eigenbases are unique. The f32 run
     * differs from the f64 run by f32 rounding: every kernel computes in double and rounds its output to f32 once
     * (BlockGroup; the java backend's eigh and QR refresh likewise), within u₃₂ = 2⁻²⁴ of the double-precision result
     * entrywise; a kernel's input was itself rounded so when stored (the factor the eigendecomposition reads, the
     * basis a rotation reads, the layer statistics): N = 2 roundings at kernel level, which move the trajectory by at
     * most N·u₃₂·S of the distance moved, S the problem's
     * condition measured by the probe on the f64 run (Trajectories). The parameters themselves are rounded to f32
     * once a step (u₃₂·|p|), which nothing amplifies (the gradients do not depend on them). The f64 run's own
     * errors are 2²⁹ times smaller than these.
     */
    @ParameterizedTest
    @ValueSource(strings = {"soap", "shampoo", "ecshampoo", "adamw", "kfac", "ekfac"})
    void f32ParametersKeepF32StateAndFollowTheF64Run(String name) {
        Random init = new Random(3);
        double[] start = new double[16];
        for (int i = 0; i < 16; i++) {
            start[i] = (float) init.nextGaussian();
        }
        Random rng = new Random(4);
        float[][] grads = new float[STEPS][16];
        double[][] inputs = new double[STEPS][];
        double[][] outputs = new double[STEPS][];
        for (int step = 0; step < STEPS; step++) {
            for (int i = 0; i < 16; i++) {
                grads[step][i] = (float) rng.nextGaussian();
            }
            outputs[step] = Dense.random(rng, SAMPLES * 4);
            inputs[step] = Dense.random(rng, SAMPLES * 4);
        }
        Map<String, Object> config = Map.of("precondition_frequency", 3, "lr", 1e-3);
        float[] w32 = new float[16];
        for (int i = 0; i < 16; i++) {
            w32[i] = (float) start[i];
        }
        EigenbasisOptimizer single = Optimizers.create(name, config, List.of(Parameter.of("w", w32, 4, 4)), JAVA);
        double[][] f32 = new double[STEPS][16];
        for (int step = 0; step < STEPS; step++) {
            single.step(new Gradients().put("w", grads[step].clone())
                    .layer("w", new Gradients.LayerStatistics(inputs[step], outputs[step], SAMPLES)));
            for (int i = 0; i < 16; i++) {
                f32[step][i] = w32[i];
            }
        }
        for (Object x : single.state().values()) {
            if (x instanceof BatchedMatrix m) {
                assertEquals(DType.F32, m.dtype(), "state of an f32 parameter is f32 (never narrower)");
            }
        }
        double[][] f64 = f64Run(name, config, start, grads, inputs, outputs, JAVA);
        double s = Trajectories.condition(backend -> f64Run(name, config, start, grads, inputs, outputs, backend), JAVA,
                start);
        double u32 = ErrorBounds.unitRoundoff(DType.F32);
        double moved = 0;
        double stored = 0;
        double worst = 0;
        for (int step = 0; step < STEPS; step++) {
            moved = Math.max(moved, Dense.maxAbsDiff(f64[step], start));
            stored += u32 * Math.max(Dense.maxAbs(f64[step]), Dense.maxAbs(f32[step]));
            double tol = 2 * u32 * Math.max(s, 1) * moved + stored;
            double err = Dense.maxAbsDiff(f32[step], f64[step]);
            assertTrue(err <= tol, name + " step " + (step + 1) + ": the f32 run is " + err
                    + " from the f64 run (moved " + moved + "); the limit N·u₃₂·S·moved + Σ u₃₂·|p| = " + tol
                    + " with S = " + s);
            worst = Math.max(worst, err / tol);
        }
        assertTrue(moved > 1e-3, "the parameters moved");
        System.out.printf("%s f32 against f64: error / limit at most %.3g (S = %.3g)%n", name, worst, s);
    }

    private static final int STEPS = 10;
    private static final int SAMPLES = 5;

    /** The f64 run's parameters after each step, on the given backend. */
    private static double[][] f64Run(String name, Map<String, Object> config, double[] start, float[][] grads,
                                     double[][] inputs, double[][] outputs, Backend backend) {
        double[] w64 = start.clone();
        EigenbasisOptimizer dbl = Optimizers.create(name, config, List.of(Parameter.of("w", w64, 4, 4)), backend);
        double[][] out = new double[STEPS][];
        for (int step = 0; step < STEPS; step++) {
            double[] gd = new double[16];
            for (int i = 0; i < 16; i++) {
                gd[i] = grads[step][i];
            }
            dbl.step(new Gradients().put("w", gd)
                    .layer("w", new Gradients.LayerStatistics(inputs[step], outputs[step], SAMPLES)));
            out[step] = w64.clone();
        }
        return out;
    }
}
