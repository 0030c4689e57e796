package org.eigenbasis.backend.cpu;

import org.eigenbasis.contract.SpectralContract;
import org.eigenbasis.spi.Backend;

/** The spectral contract on the cpu backend. */
class CpuSpectralTest extends SpectralContract {
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
