package org.eigenbasis.backend.cuda;

import org.eigenbasis.contract.RefreshContract;
import org.eigenbasis.spi.Backend;

/** The refresh contract on the cuda backend. Without a usable GPU every test is reported skipped with the reason. */
class CudaRefreshTest extends RefreshContract {
    private static final Backend BACKEND = new CudaBackend();

    @Override
    protected Backend backend() {
        return BACKEND;
    }
}
