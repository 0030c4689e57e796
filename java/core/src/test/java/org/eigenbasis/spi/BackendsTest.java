package org.eigenbasis.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Selection in the core module, where only the java backend is registered. */
class BackendsTest {
    @Test
    void javaIsAlwaysRegisteredAndAvailable() {
        assertTrue(Backends.names().contains("java"));
        assertEquals("java", Backends.select("java").name());
        assertEquals("java", Backends.select(" JAVA ").name(), "names are case- and space-insensitive");
    }

    @Test
    void autoPicksTheBestAvailable() {
        Backend best = Backends.select("auto");
        assertTrue(best.availability().available());
        for (Backend b : Backends.all()) {
            if (b.availability().available()) {
                assertEquals(b, best, "auto must take the first available in priority order");
                break;
            }
        }
    }

    @Test
    void unknownNamesListTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Backends.select("tpu"));
        assertTrue(e.getMessage().startsWith("backend: 'tpu' is not one of [") && e.getMessage().contains("java"), e.getMessage());
    }

    @Test
    void theSystemPropertySelectsTheDefault() {
        String before = System.getProperty(Backends.PROPERTY);
        try {
            System.setProperty(Backends.PROPERTY, "java");
            assertEquals("java", Backends.defaultBackend().name());
            System.setProperty(Backends.PROPERTY, "nonsense");
            assertThrows(IllegalArgumentException.class, Backends::defaultBackend);
        } finally {
            if (before == null) {
                System.clearProperty(Backends.PROPERTY);
            } else {
                System.setProperty(Backends.PROPERTY, before);
            }
        }
    }

    @Test
    void availabilityMustSayWhyNot() {
        assertThrows(IllegalArgumentException.class, () -> Availability.no(" "));
        assertEquals("backend 'x' is unavailable: gone", new BackendUnavailableException("x", "gone").getMessage());
    }
}
