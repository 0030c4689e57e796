package org.eigenbasis.value;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.eigenbasis.linalg.EighOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** EighRange's factories, what each selects from an n × n matrix, and its refusals, each naming the argument. */
class EighRangeTest {
    private static void refused(String start, Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().startsWith(start), "message '" + e.getMessage() + "' should start with '" + start + "'");
    }

    @Test
    void eachFactorySelectsItsColumns() {
        assertEquals(10, EighRange.all().columns(10));
        assertEquals(0, EighRange.all().first(10));
        assertEquals(3, EighRange.smallest(3).columns(10));
        assertEquals(0, EighRange.smallest(3).first(10));
        assertEquals(3, EighRange.largest(3).columns(10));
        assertEquals(7, EighRange.largest(3).first(10));
        assertEquals(4, EighRange.indices(2, 6).columns(10));
        assertEquals(2, EighRange.indices(2, 6).first(10));
        assertEquals(5, EighRange.interval(-1, 1, 5).columns(10));
        assertEquals(10, EighRange.interval(-1, 1, 50).columns(10), "capacity is capped at n");
        assertEquals(EighRange.all(), EighOptions.defaults().range());
        assertEquals(EighRange.largest(2), EighOptions.defaults().withRange(EighRange.largest(2)).range());
        assertTrue(EighRange.all().isAll() && !EighRange.smallest(1).isAll());
    }

    @Test
    void badArgumentsAreRefusedNamingThem() {
        refused("k: 0 is outside [1, ", () -> EighRange.smallest(0));
        refused("k: -2 is outside [1, ", () -> EighRange.largest(-2));
        refused("lo: -1 is outside [0, ", () -> EighRange.indices(-1, 3));
        refused("hi: 3 is outside [lo + 1 = 4, ", () -> EighRange.indices(3, 3));
        refused("lo: NaN is not finite", () -> EighRange.interval(Double.NaN, 1, 2));
        refused("lo: -Infinity is not finite", () -> EighRange.interval(Double.NEGATIVE_INFINITY, 1, 2));
        refused("hi: 1.0 is outside (lo = 1.0, ", () -> EighRange.interval(1, 1, 2));
        refused("hi: Infinity is outside (lo = 0.0, ", () -> EighRange.interval(0, Double.POSITIVE_INFINITY, 2));
        refused("capacity: 0 is outside [1, ", () -> EighRange.interval(0, 1, 0));
        refused("kind: SMALLEST takes only its own fields", () -> new EighRange(EighRange.Kind.SMALLEST, 2, 1, 0, 0, 0, 0));
        refused("k: 5 is outside [1, n = 4]", () -> EighRange.smallest(5).columns(4));
        refused("k: 5 is outside [1, n = 4]", () -> EighRange.largest(5).first(4));
        refused("hi: 6 is outside [lo + 1 = 3, n = 5]", () -> EighRange.indices(2, 6).columns(5));
        assertThrows(NullPointerException.class, () -> EighOptions.defaults().withRange(null));
    }
}
