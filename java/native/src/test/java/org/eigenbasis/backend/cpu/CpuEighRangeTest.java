package org.eigenbasis.backend.cpu;

import org.eigenbasis.contract.EighRangeContract;
import org.eigenbasis.spi.Backend;

/** The partial-spectrum contract on the cpu backend (?syevr RANGE = 'I' / 'V'). */
class CpuEighRangeTest extends EighRangeContract {
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
