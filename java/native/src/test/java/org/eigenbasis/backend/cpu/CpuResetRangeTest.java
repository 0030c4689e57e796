package org.eigenbasis.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.eigenbasis.backend.java.JavaBackend;
import org.eigenbasis.contract.ResetRangeContract;
import org.eigenbasis.resetting.RenewalLaw;
import org.eigenbasis.spi.Backend;
import org.eigenbasis.spi.RangeSums;
import org.eigenbasis.spi.SimulationSums;
import org.eigenbasis.value.ResetSimulationConfig;
import org.junit.jupiter.api.Test;

/**
 * The range contract on the native simulator (eb_cpu_reset_sim_range_f64), and its packed sub-block sums against
 * the java reference's, bit for bit, on a range that starts inside one chunk and ends inside the next.
 */
class CpuResetRangeTest extends ResetRangeContract {
    private static final Backend BACKEND = new CpuBackend();

    @Override
    protected boolean requiredHere() {
        return true;
    }

    @Override
    protected Backend backend() {
        return BACKEND;
    }

    @Test
    void rangeSumsEqualTheJavaReferencesBitForBit() {
        for (boolean cov : new boolean[] {false, true}) {
            int d = cov ? 3 : 2;
            long n = SimulationSums.CHUNK + 5000;
            double[] mu = java.util.Arrays.copyOf(new double[] {0.2, 1.1, 3}, d);
            double[] target = java.util.Arrays.copyOf(new double[] {1, -0.5, 0.25}, d);
            ResetSimulationConfig c = new ResetSimulationConfig(RenewalLaw.gamma(1.7, 0.5), mu, target, 0.7, 3, n, 5,
                    ResetSimulationConfig.Scheme.EXACT, Double.NaN, cov);
            long first = SimulationSums.blockStart(n, d, cov, 60);
            long end = SimulationSums.blockStart(n, d, cov, 70);
            RangeSums cpu = BACKEND.resetSimulation().simulateRange(c, first, end - first);
            RangeSums java = new JavaBackend().resetSimulation().simulateRange(c, first, end - first);
            assertEquals(10, cpu.blocks());
            assertEquals(java.events(), cpu.events());
            assertArrayEquals(java.centres(), cpu.centres(), 0);
            assertArrayEquals(java.blockSums(), cpu.blockSums(), 0);
        }
    }
}
