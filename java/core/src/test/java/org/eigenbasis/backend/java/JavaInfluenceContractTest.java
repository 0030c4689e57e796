package org.eigenbasis.backend.java;

import org.eigenbasis.contract.InfluenceContract;
import org.eigenbasis.spi.Backend;

/** The influence contract on the java backend (the reference the native kernels are compared with). */
class JavaInfluenceContractTest extends InfluenceContract {
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
