package org.eigenbasis.backend.cpu;

import org.eigenbasis.contract.RefreshContract;
import org.eigenbasis.spi.Backend;

/** The refresh contract on the cpu backend. */
class CpuRefreshTest extends RefreshContract {
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
