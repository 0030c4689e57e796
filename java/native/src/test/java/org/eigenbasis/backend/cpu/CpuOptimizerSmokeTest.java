package org.eigenbasis.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Random;
import org.eigenbasis.precond.EigenbasisOptimizer;
import org.eigenbasis.precond.Gradients;
import org.eigenbasis.precond.Optimizers;
import org.eigenbasis.precond.Parameter;
import org.eigenbasis.spi.Backend;
import org.eigenbasis.spi.Backends;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The optimizers of org.eigenbasis.precond on the cpu backend (native eigh, refresh and preconditioner kernels) follow
 * the java backend over 20 steps. Square f64 blocks, so every factor has full rank and
 * its eigenbasis is unique up to signs, which cancel. Not the 50-step parity suite of issue 4, point 5.
 */
class CpuOptimizerSmokeTest {
    private static final Backend CPU = new CpuBackend();
    private static final Backend JAVA = Backends.select("java");

    @ParameterizedTest
    @ValueSource(strings = {"soap", "shampoo", "ecshampoo", "adamw", "kfac", "ekfac"})
    void followsTheJavaBackend(String name) {
        assertTrue(CPU.availability().available(), "cpu backend: " + CPU.availability().reason());
        Random init = new Random(1);
        double[] a = new double[36];
        for (int i = 0; i < a.length; i++) {
            a[i] = init.nextGaussian();
        }
        double[] b = a.clone();
        Map<String, Object> config = Map.of("precondition_frequency", 3, "lr", 1e-2);
        EigenbasisOptimizer onCpu = Optimizers.create(name, config, List.of(Parameter.of("w", a, 6, 6)), CPU);
        EigenbasisOptimizer onJava = Optimizers.create(name, config, List.of(Parameter.of("w", b, 6, 6)), JAVA);
        Random rng = new Random(2);
        double moved = 0;
        for (int step = 0; step < 20; step++) {
            double[] g = new double[36];
            double[] x = new double[8 * 6];
            double[] o = new double[8 * 6];
            for (int i = 0; i < 36; i++) {
                g[i] = rng.nextGaussian();
            }
            for (int i = 0; i < x.length; i++) {
                x[i] = rng.nextGaussian();
                o[i] = rng.nextGaussian();
            }
            onCpu.step(new Gradients().put("w", g.clone()).layer("w", new Gradients.LayerStatistics(x, o, 8)));
            onJava.step(new Gradients().put("w", g).layer("w", new Gradients.LayerStatistics(x, o, 8)));
        }
        double err = 0;
        Random again = new Random(1);
        for (int i = 0; i < 36; i++) {
            err = Math.max(err, Math.abs(a[i] - b[i]));
            moved = Math.max(moved, Math.abs(b[i] - again.nextGaussian()));
        }
        assertTrue(moved > 1e-3, "the parameters moved");
        assertTrue(err < 1e-8 * moved, name + ": cpu differs from java by " + err + " (moved " + moved + ")");
    }
}
