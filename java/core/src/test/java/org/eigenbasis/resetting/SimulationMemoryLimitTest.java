package org.eigenbasis.resetting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.eigenbasis.internal.MemoryLimits;
import org.eigenbasis.spi.Backend;
import org.eigenbasis.spi.Backends;
import org.eigenbasis.value.MemoryLimitException;
import org.eigenbasis.value.ResetSimulation;
import org.junit.jupiter.api.Test;

/** The simulator's sums are sized by d (and d² with covariances); a run whose sums cannot fit is refused first. */
class SimulationMemoryLimitTest {
    private static final Backend JAVA = Backends.select("java");

    private static ResetSimulation diagonal(int d, boolean covariance) {
        double[] mu = new double[d];
        Arrays.fill(mu, 1);
        return ResetSimulator.diagonal(mu, new double[d], 0.4, RenewalLaw.exponential(2), 1.0, 100, 9, covariance, JAVA);
    }

    @Test
    void covariancesOfAMillionCoordinatesAreRefusedWithTheirSize() {
        int d = 1_000_000;     // 5 d² sums: 40 TB, before any trajectory
        MemoryLimitException e = assertThrows(MemoryLimitException.class, () -> diagonal(d, true));
        assertTrue(e.getMessage().startsWith("reset simulation of d = 1000000 with covariances on the java backend needs "),
                e.getMessage());
        assertTrue(e.neededBytes() > 8L * 5 * d * d, e.getMessage());
    }

    @Test
    void refusedOneByteBelowItsNeedAndRunAtIt() {
        int d = 6;
        long needed = 8L * (3 * (6 * d + 5 * d * d) + 12 * d + 3 * d * d);
        try (MemoryLimits.Restore r = MemoryLimits.override(needed - 1, Long.MAX_VALUE, Long.MAX_VALUE)) {
            assertEquals(needed, assertThrows(MemoryLimitException.class, () -> diagonal(d, true)).neededBytes());
        }
        try (MemoryLimits.Restore r = MemoryLimits.override(needed, Long.MAX_VALUE, Long.MAX_VALUE)) {
            assertEquals(100, diagonal(d, true).trajectories());
        }
    }
}
