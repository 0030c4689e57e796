package org.eigenbasis.backend.cpu;

import org.eigenbasis.contract.DiffusionSimulationContract;
import org.eigenbasis.spi.Backend;

/**
 * Denoiser training and probability-flow sampling on the cpu backend (OpenBLAS SYRK and GEMM on off-heap state)
 * against the java reference on the same draws, within size-scaled rounding bounds.
 */
class CpuDiffusionSimulationContractTest extends DiffusionSimulationContract {
    private static final Backend BACKEND = new CpuBackend();

    /** The cpu backend is built by this module: unavailable is a failure here, never a skip. */
    @Override
    protected boolean requiredHere() {
        return true;
    }

    @Override
    protected Backend backend() {
        return BACKEND;
    }
}
