package org.eigenbasis.backend.cpu;

import org.eigenbasis.contract.BasisOptimizerContract;
import org.eigenbasis.spi.Backend;

/**
 * The basis optimizer contract on the cpu backend: the Kronecker and dense rotations and the curvature products on
 * OpenBLAS with off-heap state, against the java reference within size-scaled bounds.
 */
class CpuBasisOptimizerContractTest extends BasisOptimizerContract {
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
