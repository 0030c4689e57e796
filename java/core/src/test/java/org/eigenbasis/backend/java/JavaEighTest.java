package org.eigenbasis.backend.java;

import org.eigenbasis.contract.EighContract;
import org.eigenbasis.spi.Backend;

/** The eigh contract on the java backend. */
class JavaEighTest extends EighContract {
    private static final Backend BACKEND = new JavaBackend();

    @Override
    protected Backend backend() {
        return BACKEND;
    }
}
