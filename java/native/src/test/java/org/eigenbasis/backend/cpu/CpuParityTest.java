package org.eigenbasis.backend.cpu;

import org.eigenbasis.contract.ParityContract;
import org.eigenbasis.spi.Backend;

/** The cpu backend against the java reference. */
class CpuParityTest extends ParityContract {
    private static final Backend BACKEND = new CpuBackend();

    @Override
    protected Backend backend() {
        return BACKEND;
    }

    /** The cpu backend is built by this module: unavailable is a failure here, never a skip. */
    @Override
    protected boolean requiredHere() {
        return true;
    }
}
