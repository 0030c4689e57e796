package org.eigenbasis.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.eigenbasis.backend.cpu.CpuBackend;
import org.eigenbasis.backend.cuda.CudaBackend;
import org.eigenbasis.backend.java.JavaBackend;
import org.eigenbasis.spi.Backend;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The influence and MLP rows of {@code eigenbasis verify} on the native backends: every row passes, with a
 * residual against the closed form and a parity against the java reference within the limits
 * {@link InfluenceVerifier} derives (Higham's γ_K·B). cuda runs where a GPU is present and is skipped, saying so,
 * elsewhere.
 */
class InfluenceVerifyRowsOnNativeTest {
    private static void check(Backend backend) {
        List<VerificationRow> rows = InfluenceVerifier.rows(backend, new JavaBackend(), label -> { });
        assertEquals(6, rows.size());
        for (VerificationRow r : rows) {
            assertTrue(r.passed(), r.toString());
            assertEquals(backend.name(), r.backend());
            assertTrue(r.residual() <= r.residualLimit() && r.residualLimit() == InfluenceVerifier.EXACT_LIMIT,
                    r.toString());
            assertTrue(r.parity() <= r.parityLimit(), "parity measured against the reference: " + r);
        }
    }

    @Test
    void cpuPasses() {
        CpuBackend cpu = new CpuBackend();
        Assumptions.assumeTrue(cpu.availability().available(), () -> "cpu unavailable: " + cpu.availability().reason());
        check(cpu);
    }

    @Test
    void cudaPassesWhereAGpuIsPresent() {
        CudaBackend cuda = new CudaBackend();
        Assumptions.assumeTrue(cuda.availability().available(), () -> "no usable GPU: " + cuda.availability().reason());
        check(cuda);
    }
}
