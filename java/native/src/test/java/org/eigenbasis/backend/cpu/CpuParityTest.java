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
}
