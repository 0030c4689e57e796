package org.eigenbasis.backend.cuda;

import org.eigenbasis.contract.BasisOptimizerContract;
import org.eigenbasis.spi.Backend;

/**
 * The basis optimizer contract on the cuda backend (rotations and curvature products on cuBLAS). Without a usable
 * GPU every test is reported skipped with the reason.
 */
class CudaBasisOptimizerContractTest extends BasisOptimizerContract {
    private static final Backend BACKEND = new CudaBackend();

    @Override
    protected Backend backend() {
        return BACKEND;
    }
}
