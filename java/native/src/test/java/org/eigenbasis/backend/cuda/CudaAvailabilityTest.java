package org.eigenbasis.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.eigenbasis.spi.Availability;
import org.eigenbasis.spi.BackendUnavailableException;
import org.eigenbasis.spi.Backends;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Without a GPU the cuda backend loads, reports itself unavailable with the reason, and auto falls back. */
class CudaAvailabilityTest {
    @Test
    void anUnavailableGpuIsExplainedAndAutoFallsBack() {
        Availability a = new CudaBackend().availability();
        Assumptions.assumeFalse(a.available(), "a GPU is available here; this test is for machines without one");
        assertFalse(a.reason().isBlank());
        assertTrue(a.reason().contains("CUDA") || a.reason().contains("nvcc") || a.reason().contains("cuda"), a.reason());
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class, () -> Backends.select("cuda"));
        assertTrue(e.getMessage().contains(a.reason()), e.getMessage());
        assertEquals("cpu", Backends.select("auto").name(), "auto takes cpu when cuda cannot run");
    }

    @Test
    void hostFallbacksAreLoggedOncePerKernel() {
        CudaBackend cuda = new CudaBackend();
        // Spectral products, the refresh and the diffusion closed forms always run on the host; so do the
        // preconditioner kernels without a GPU.
        for (int call = 0; call < 3; call++) {
            assertEquals(Backends.select("cpu").spectral().getClass(), cuda.spectral().getClass());
            assertEquals(Backends.select("cpu").refresh().getClass(), cuda.refresh().getClass());
            assertEquals(Backends.select("cpu").diffusion().getClass(), cuda.diffusion().getClass());
        }
        java.util.List<String> lines = HostFallback.lines();
        assertEquals(1, lines.stream().filter(l -> l.startsWith("eigenbasis: cuda spectral -> host backend cpu")).count(),
                lines.toString());
        assertEquals(1, lines.stream().filter(l -> l.startsWith("eigenbasis: cuda refresh -> host backend cpu")).count(),
                lines.toString());
        assertEquals(1, lines.stream().filter(l -> l.startsWith("eigenbasis: cuda diffusion -> host backend cpu"))
                .count(), lines.toString());
        if (!cuda.availability().available()) {
            cuda.preconditioner();
            cuda.preconditioner();
            assertEquals(1, HostFallback.lines().stream()
                    .filter(l -> l.startsWith("eigenbasis: cuda preconditioner -> host backend cpu (no usable GPU: "))
                    .count(), HostFallback.lines().toString());
        }
    }

    @Test
    void registeredInPriorityOrder() {
        assertEquals(java.util.List.of("cuda", "cpu", "java"), Backends.names());
    }
}
