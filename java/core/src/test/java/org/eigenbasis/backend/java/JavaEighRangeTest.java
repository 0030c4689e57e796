package org.eigenbasis.backend.java;

import org.eigenbasis.contract.EighRangeContract;
import org.eigenbasis.spi.Backend;

/** The partial-spectrum contract on the java backend (the SPI's full-then-slice default). */
class JavaEighRangeTest extends EighRangeContract {
    private static final Backend BACKEND = new JavaBackend();

    @Override
    protected Backend backend() {
        return BACKEND;
    }
}
