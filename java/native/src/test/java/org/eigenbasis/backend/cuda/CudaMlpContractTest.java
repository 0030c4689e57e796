package org.eigenbasis.backend.cuda;

import org.eigenbasis.contract.MlpContract;
import org.eigenbasis.spi.Backend;

/**
 * The MLP contract through the cuda backend, which runs the host's kernels in this release ({@link CudaMlp}). Without
 * a usable GPU every test is reported skipped with the reason; with one it checks the delegation end to end, and it
 * is the runner a GPU version will have to pass (benchmarks/gpu/PENDING.md, M.1 and M.2).
 */
class CudaMlpContractTest extends MlpContract {
    private static final Backend BACKEND = new CudaBackend();

    @Override
    protected Backend backend() {
        return BACKEND;
    }
}
