package org.eigenbasis.backend.cuda;

import org.eigenbasis.contract.MlpContract;
import org.eigenbasis.spi.Backend;

/**
 * The MLP contract on the cuda backend's GPU kernels ({@link CudaMlp}: the trainer of native/src/cuda/mlp_train.cu,
 * the R-operator plan {@link MlpHvpPlan} over cuBLAS and mlp_hvp.cu). Without a usable GPU every test is reported
 * skipped with the reason; the device check's JUnit step runs it on a GPU (benchmarks/gpu/PENDING.md, M.0). What runs
 * here instead: native/test/mlp_emulation_test.cpp (the device code on the host against the cpu kernels) and
 * {@link MlpHvpPlanTest} (the plan on a host emulator).
 */
class CudaMlpContractTest extends MlpContract {
    private static final Backend BACKEND = new CudaBackend();

    @Override
    protected Backend backend() {
        return BACKEND;
    }
}
