package org.eigenbasis.backend.cpu;

import org.eigenbasis.contract.ResetContract;
import org.eigenbasis.spi.Backend;

/**
 * The resetting contract on the cpu backend (LAPACK eigendecompositions and the native simulator) against the java
 * reference; the simulator's bit-identity with java is {@link CpuResetSimulatorTest}'s.
 */
class CpuResetContractTest extends ResetContract {
    private static final Backend BACKEND = new CpuBackend();

    /** The cpu backend is built by this module: unavailable is a failure here, never a skip. */
    @Override
    protected boolean requiredHere() {
        return true;
    }

    @Override
    protected Backend backend() {
        return BACKEND;
    }
}
