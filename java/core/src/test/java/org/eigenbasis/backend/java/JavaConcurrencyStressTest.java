package org.eigenbasis.backend.java;

import org.eigenbasis.contract.ConcurrencyContract;
import org.eigenbasis.spi.Backend;

/** Eight threads on every kernel of one java backend: the bits of calls made alone, direct memory released. */
class JavaConcurrencyStressTest extends ConcurrencyContract {
    private static final Backend BACKEND = new JavaBackend();

    @Override
    protected Backend backend() {
        return BACKEND;
    }
}
