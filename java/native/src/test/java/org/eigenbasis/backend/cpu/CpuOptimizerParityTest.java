package org.eigenbasis.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.eigenbasis.backend.OptimizerParityContract;
import org.eigenbasis.precond.EigenbasisOptimizer;
import org.eigenbasis.precond.Gradients;
import org.eigenbasis.precond.Optimizers;
import org.eigenbasis.precond.Parameter;
import org.eigenbasis.spi.Backend;
import org.junit.jupiter.api.Test;

/** The 50-step optimizer parity ({@link OptimizerParityContract}) on the cpu backend, and its off-heap state. */
class CpuOptimizerParityTest extends OptimizerParityContract {
    private static final Backend CPU = new CpuBackend();

    @Override
    protected Backend backend() {
        return CPU;
    }

    @Override
    protected boolean requiredHere() {
        return true;
    }

    /**
     * On the cpu backend the state lives off-heap; {@code close()} frees it. 1,000 SOAP optimizers of a 128 × 128
     * parameter (0.6 MB of f32 state and scratch each, 0.6 GB in all) created, stepped twice and closed keep
     * resident memory flat (without {@code close()} it grew by 155 MB), and a closed optimizer refuses to step.
     */
    @Test
    void offHeapStateIsFreedByClose() throws IOException {
        ResidentMemory.assumeReadable();
        Random rng = new Random(3);
        float[] g = new float[128 * 128];
        for (int i = 0; i < g.length; i++) {
            g[i] = (float) rng.nextGaussian();
        }
        long afterWarmup = 0;
        EigenbasisOptimizer last = null;
        for (int k = 0; k < 1_000; k++) {
            try (EigenbasisOptimizer soap = Optimizers.create("soap", Map.of(),
                    List.of(Parameter.of("w", new float[128 * 128], 128, 128)), CPU)) {
                soap.step(new Gradients().put("w", g));
                soap.step(new Gradients().put("w", g));
                last = soap;
            }
            if (k == 100) {
                System.gc();
                afterWarmup = ResidentMemory.kib();
            }
        }
        System.gc();
        long growth = ResidentMemory.kib() - afterWarmup;
        assertTrue(growth < 64 * 1024, "resident memory grew by " + growth + " KiB over 900 optimizers");
        EigenbasisOptimizer closed = last;
        assertThrows(IllegalStateException.class, () -> closed.step(new Gradients().put("w", g)));
    }
}
