package org.eigenbasis.backend.java;

import org.eigenbasis.contract.ResetRangeContract;
import org.eigenbasis.spi.Backend;

/** The range contract on the java reference simulator. */
class JavaResetRangeTest extends ResetRangeContract {
    private static final Backend BACKEND = new JavaBackend();

    @Override
    protected boolean requiredHere() {
        return true;
    }

    @Override
    protected Backend backend() {
        return BACKEND;
    }
}
