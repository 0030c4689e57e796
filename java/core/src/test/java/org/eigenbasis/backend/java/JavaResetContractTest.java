package org.eigenbasis.backend.java;

import org.eigenbasis.contract.ResetContract;
import org.eigenbasis.spi.Backend;

/**
 * The resetting contract on the java backend: the reference against a second instance of itself (which only
 * deterministic code passes) and against the backend-free ridge solve.
 */
class JavaResetContractTest extends ResetContract {
    private static final Backend BACKEND = new JavaBackend();

    @Override
    protected Backend backend() {
        return BACKEND;
    }

    @Override
    protected boolean requiredHere() {
        return true;
    }
}
