package org.eigenbasis.backend.cuda;

import org.eigenbasis.contract.SpectralContract;
import org.eigenbasis.spi.Backend;

/** The spectral contract on the cuda backend. Without a usable GPU every test is reported skipped with the reason. */
class CudaSpectralTest extends SpectralContract {
    private static final Backend BACKEND = new CudaBackend();

    @Override
    protected Backend backend() {
        return BACKEND;
    }
}
