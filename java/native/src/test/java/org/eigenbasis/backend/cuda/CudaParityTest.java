package org.eigenbasis.backend.cuda;

import org.eigenbasis.contract.ParityContract;
import org.eigenbasis.spi.Backend;

/** The parity contract on the cuda backend. Without a usable GPU every test is reported skipped with the reason. */
class CudaParityTest extends ParityContract {
    private static final Backend BACKEND = new CudaBackend();

    @Override
    protected Backend backend() {
        return BACKEND;
    }
}
