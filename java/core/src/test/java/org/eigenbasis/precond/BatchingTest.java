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
            assertArrayEquals(apart[i], together[i], 0.0, "block " + i);
        }
        if (variant.endsWith("-reset")) {
            long[] age = (long[]) batched.state().get("w0,w1,w2/age");
            assertTrue(age[0] != age[1] || age[1] != age[2], "the ages differ: " + java.util.Arrays.toString(age));
        }
    }

    /** Square blocks: their factors have full rank from the first step, so the eigenbases are unique. */
    @ParameterizedTest
    @ValueSource(strings = {"soap", "shampoo", "ecshampoo", "adamw", "kfac", "ekfac"})
    void f32ParametersKeepF32StateAndFollowTheF64Run(String name) {
        Random init = new Random(3);
        double[] w64 = Dense.random(init, 16);
        float[] w32 = new float[16];
        for (int i = 0; i < 16; i++) {
            w32[i] = (float) w64[i];
            w64[i] = w32[i];
        }
        Map<String, Object> config = Map.of("precondition_frequency", 3, "lr", 1e-3);
        EigenbasisOptimizer single = Optimizers.create(name, config, List.of(Parameter.of("w", w32, 4, 4)), JAVA);
        EigenbasisOptimizer dbl = Optimizers.create(name, config, List.of(Parameter.of("w", w64, 4, 4)), JAVA);
        Random rng = new Random(4);
        for (int step = 0; step < 10; step++) {
            float[] g = new float[16];
            for (int i = 0; i < 16; i++) {
                g[i] = (float) rng.nextGaussian();
            }
            double[] gd = new double[16];
            for (int i = 0; i < 16; i++) {
                gd[i] = g[i];
            }
            int n = 5;
            double[] a = Dense.random(rng, n * 3);
            double[] o = Dense.random(rng, n * 4);
            a = Dense.random(rng, n * 4);
            single.step(new Gradients().put("w", g).layer("w", new Gradients.LayerStatistics(a, o, n)));
            dbl.step(new Gradients().put("w", gd).layer("w", new Gradients.LayerStatistics(a, o, n)));
        }
        for (Object x : single.state().values()) {
            if (x instanceof BatchedMatrix m) {
                assertEquals(DType.F32, m.dtype(), "state of an f32 parameter is f32 (never narrower)");
            }
        }
        double moved = 0;
        double err = 0;
        double[] start = Dense.random(new Random(3), 16);
        for (int i = 0; i < 16; i++) {
            moved = Math.max(moved, Math.abs(w64[i] - start[i]));
            err = Math.max(err, Math.abs(w64[i] - w32[i]));
        }
        assertTrue(moved > 1e-3, "the parameters moved");
        assertTrue(err < 1e-3 * moved, name + ": the f32 run is " + err + " from the f64 run (moved " + moved + ")");
    }
}
