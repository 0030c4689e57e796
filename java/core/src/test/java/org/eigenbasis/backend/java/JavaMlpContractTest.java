package org.eigenbasis.backend.java;

import org.eigenbasis.contract.MlpContract;
import org.eigenbasis.spi.Backend;
import org.junit.jupiter.api.Disabled;

/** The MLP contract on the java reference ({@link ReferenceMlp}). */
@Disabled("until ReferenceMlp lands")
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
