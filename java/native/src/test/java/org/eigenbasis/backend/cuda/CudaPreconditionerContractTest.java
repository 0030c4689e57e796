package org.eigenbasis.backend.cuda;

import org.eigenbasis.contract.PreconditionerContract;
import org.eigenbasis.spi.Backend;

/**
 * The shared preconditioner contract on the cuda backend (the same cases the java and cpu kernels pass), besides
 * the GPU-specific checks of {@link CudaPreconditionerTest}. Without a usable GPU every test is reported skipped
 * with the reason.
 */
class CudaPreconditionerContractTest extends PreconditionerContract {
    private static final Backend BACKEND = new CudaBackend();

    @Override
    protected Backend backend() {
        return BACKEND;
    }
}
