package org.eigenbasis.backend.cpu;

import org.eigenbasis.contract.EighContract;
import org.eigenbasis.spi.Backend;

/** The eigh contract on the cpu backend. */
class CpuEighTest extends EighContract {
    private static final Backend BACKEND = new CpuBackend();

    @Override
    protected Backend backend() {
        return BACKEND;
    }

    /** The cpu backend is built by this module: unavailable is a failure here, never a skip. */
    @Override
    protected boolean requiredHere() {
        return true;
    }
}
