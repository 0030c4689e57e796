package org.eigenbasis.backend.cuda;

import org.eigenbasis.backend.OptimizerParityContract;
import org.eigenbasis.spi.Backend;

/**
 * The 50-step optimizer parity ({@link OptimizerParityContract}) on the cuda backend: its eigh and preconditioner
 * kernels against the java reference. Skipped, with the reason, without a usable GPU. The tolerances are the
 * contract's 2·N·u·S, derived rather than measured; cuBLAS's summation orders are within the same γ_N (f32
 * products in f32 included), but the test has not yet run on a GPU.
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
