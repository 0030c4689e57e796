package org.eigenbasis.backend.cuda;

import org.eigenbasis.contract.InfluenceContract;
import org.eigenbasis.spi.Backend;

/**
 * The shared influence contract on the cuda backend (the same cases the java and cpu kernels pass). Without a usable
 * GPU every test is reported skipped with the reason.
 */
class CudaInfluenceContractTest extends InfluenceContract {
    private static final Backend BACKEND = new CudaBackend();

    @Override
    protected Backend backend() {
        return BACKEND;
    }
}
