package org.eigenbasis.backend.java;

import org.eigenbasis.contract.RefreshContract;
import org.eigenbasis.spi.Backend;

/** The refresh contract on the java backend. */
class JavaRefreshTest extends RefreshContract {
    private static final Backend BACKEND = new JavaBackend();

    @Override
    protected Backend backend() {
        return BACKEND;
    }
}
