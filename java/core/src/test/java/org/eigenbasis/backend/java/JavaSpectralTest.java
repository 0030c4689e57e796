package org.eigenbasis.backend.java;

import org.eigenbasis.contract.SpectralContract;
import org.eigenbasis.spi.Backend;

/** The spectral contract on the java backend. */
class JavaSpectralTest extends SpectralContract {
    private static final Backend BACKEND = new JavaBackend();

    @Override
    protected Backend backend() {
        return BACKEND;
    }
}
