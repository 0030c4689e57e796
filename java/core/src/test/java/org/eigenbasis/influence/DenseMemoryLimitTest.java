package org.eigenbasis.influence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.eigenbasis.internal.MemoryLimits;
import org.eigenbasis.spi.Backends;
import org.eigenbasis.value.MemoryLimitException;
import org.junit.jupiter.api.Test;

/** The dense Hessian is refused before allocating when its 3·8P² bytes exceed the free heap. */
class DenseMemoryLimitTest {
    @Test
    void aDenseHessianLargerThanTheFreeHeapIsRefusedBeforeAnyProduct() {
        int p = 100;
        long needed = 3L * 8 * p * p;
        HessianProducts never = (v, k) -> {
            throw new AssertionError("no product may run before the memory check");
        };
        try (MemoryLimits.Restore r = MemoryLimits.override(needed - 1, Long.MAX_VALUE, Long.MAX_VALUE)) {
            MemoryLimitException e = assertThrows(MemoryLimitException.class,
                    () -> Curvatures.hessian(never, p, Backends.select("java")));
            assertEquals(needed, e.neededBytes());
            assertTrue(e.getMessage().contains("dense hessian: 100 x 100"), e.getMessage());
        }
    }
}
