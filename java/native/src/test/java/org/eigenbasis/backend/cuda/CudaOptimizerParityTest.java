package org.eigenbasis.backend.cuda;

import org.eigenbasis.backend.OptimizerParityContract;
import org.eigenbasis.spi.Backend;

/**
 * The 50-step optimizer parity ({@link OptimizerParityContract}) on the cuda backend: its eigh and preconditioner
 * kernels against the java reference. Skipped, with the reason, without a usable GPU; its tolerances were set on
 * the cpu backend and have not yet been checked on a GPU.
 */
class CudaOptimizerParityTest extends OptimizerParityContract {
    private static final Backend CUDA = new CudaBackend();

    @Override
    protected Backend backend() {
        return CUDA;
    }

    @Override
    protected boolean requiredHere() {
        return false;
    }
}
