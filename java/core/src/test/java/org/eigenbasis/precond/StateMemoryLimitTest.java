package org.eigenbasis.precond;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.eigenbasis.internal.MemoryLimits;
import org.eigenbasis.spi.Backend;
import org.eigenbasis.spi.Backends;
import org.eigenbasis.value.MemoryLimitException;
import org.junit.jupiter.api.Test;

/** An optimizer whose Kronecker factors cannot fit is refused before its state is allocated. */
class StateMemoryLimitTest {
    private static final Backend JAVA = Backends.select("java");

    @Test
    void aFactorOfTwoToThe20IsRefusedWithItsSize() {
        int d = 1 << 20;    // the parameter is 16 MiB; its d x d factor, basis and eigenvalues 16 TiB
        List<Parameter> p = List.of(Parameter.of("w", new double[2 * d], d, 2));
        MemoryLimitException e = assertThrows(MemoryLimitException.class,
                () -> Optimizers.create("soap", Map.of("max_precond_dim", d), p, JAVA));
        assertTrue(e.getMessage().startsWith("optimizer state of 1 blocks [1048576, 2] f64 needs "), e.getMessage());
        long factors = 2L * 8 * d * d;
        assertTrue(e.neededBytes() > factors && e.neededBytes() > e.availableBytes(), e.getMessage());
    }

    @Test
    void refusedOneByteBelowTheStateAndBuiltAtIt() {
        List<Parameter> p = List.of(Parameter.of("w", new double[64 * 32], 64, 32));
        long needed;
        try (MemoryLimits.Restore r = MemoryLimits.override(0, Long.MAX_VALUE, Long.MAX_VALUE)) {
            needed = assertThrows(MemoryLimitException.class, () -> Optimizers.create("soap", Map.of(), p, JAVA))
                    .neededBytes();
        }
        // two dims: basis and factor (64² + 32²) and eigenvalues (64 + 32), two moments of 64·32, counters
        assertEquals(8L * (2 * (64 * 64 + 32 * 32) + 64 + 32 + 2 * 64 * 32) + 8L * (1 + 12), needed);
        try (MemoryLimits.Restore r = MemoryLimits.override(needed - 1, Long.MAX_VALUE, Long.MAX_VALUE)) {
            assertThrows(MemoryLimitException.class, () -> Optimizers.create("soap", Map.of(), p, JAVA));
        }
        try (MemoryLimits.Restore r = MemoryLimits.override(needed, Long.MAX_VALUE, Long.MAX_VALUE)) {
            Optimizers.create("soap", Map.of(), p, JAVA).close();
        }
    }
}
