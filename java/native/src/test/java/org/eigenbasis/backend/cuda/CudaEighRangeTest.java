package org.eigenbasis.backend.cuda;

import org.eigenbasis.contract.EighRangeContract;
import org.eigenbasis.spi.Backend;

/** The partial-spectrum contract on the cuda backend. Without a usable GPU every test is reported skipped. */
class CudaEighRangeTest extends EighRangeContract {
    private static final Backend BACKEND = new CudaBackend();

    @Override
    protected Backend backend() {
        return BACKEND;
    }
}
