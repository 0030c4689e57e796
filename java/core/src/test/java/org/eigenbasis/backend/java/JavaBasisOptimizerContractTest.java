package org.eigenbasis.backend.java;

import org.eigenbasis.contract.BasisOptimizerContract;
import org.eigenbasis.spi.Backend;

/** The basis optimizer contract on the java reference (its parity half is then the reference against itself). */
class JavaBasisOptimizerContractTest extends BasisOptimizerContract {
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
