package org.eigenbasis.backend.java;

import org.eigenbasis.contract.MlpContract;
import org.eigenbasis.spi.Backend;

/** The MLP contract on the java reference ({@link ReferenceMlp}). */
class JavaMlpContractTest extends MlpContract {
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
