package org.eigenbasis.backend.cuda;

import org.eigenbasis.contract.ResetContract;
import org.eigenbasis.spi.Backend;

/**
 * The resetting contract on the cuda backend against the java reference, besides the GPU simulator's own checks in
 * {@link CudaResetSimulatorTest}. Without a usable GPU every test is reported skipped with the reason.
 */
class CudaResetContractTest extends ResetContract {
    private static final Backend BACKEND = new CudaBackend();

    @Override
    protected Backend backend() {
        return BACKEND;
    }
}
