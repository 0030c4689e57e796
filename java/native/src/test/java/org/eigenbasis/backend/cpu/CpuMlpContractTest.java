package org.eigenbasis.backend.cpu;

import org.eigenbasis.contract.MlpContract;
import org.eigenbasis.spi.Backend;

/** The MLP contract on the cpu backend's native kernels (native/src/cpu/mlp.cpp). */
class CpuMlpContractTest extends MlpContract {
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
