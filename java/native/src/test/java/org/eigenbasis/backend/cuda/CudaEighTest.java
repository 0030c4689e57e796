package org.eigenbasis.backend.cuda;

import org.eigenbasis.contract.EighContract;
import org.eigenbasis.spi.Backend;

/** The eigh contract on the cuda backend. Without a usable GPU every test is reported skipped with the reason. */
class CudaEighTest extends EighContract {
    private static final Backend BACKEND = new CudaBackend();

    @Override
    protected Backend backend() {
        return BACKEND;
    }
}
