package org.eigenbasis.backend.cuda;

import org.eigenbasis.contract.DiffusionSimulationContract;
import org.eigenbasis.spi.Backend;

/**
 * Denoiser training and probability-flow sampling on the cuda backend against the java reference on the same
 * draws. Without a usable GPU every test is reported skipped with the reason.
 */
class CudaDiffusionSimulationContractTest extends DiffusionSimulationContract {
    private static final Backend BACKEND = new CudaBackend();

    @Override
    protected Backend backend() {
        return BACKEND;
    }
}
