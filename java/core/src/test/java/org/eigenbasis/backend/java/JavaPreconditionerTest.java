package org.eigenbasis.backend.java;

import org.eigenbasis.contract.PreconditionerContract;
import org.eigenbasis.spi.Backend;

/** The preconditioner contract on the java backend (the reference the native kernels are compared with). */
class JavaPreconditionerTest extends PreconditionerContract {
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
