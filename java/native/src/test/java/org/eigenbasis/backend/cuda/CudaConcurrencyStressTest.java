package org.eigenbasis.backend.cuda;

import org.eigenbasis.contract.ConcurrencyContract;
import org.eigenbasis.spi.Backend;

/**
 * Eight threads on every kernel of one cuda backend: the bits of calls made alone (the same device, the same
 * stream choices), direct buffers back to their baseline. Without a usable GPU it is reported skipped with the
 * reason.
 */
class CudaConcurrencyStressTest extends ConcurrencyContract {
    private static final Backend BACKEND = new CudaBackend();

    @Override
    protected Backend backend() {
        return BACKEND;
    }

    /** Big enough for cuSOLVER's dense path and cuBLAS products of some size. */
    @Override
    protected int largeN() {
        return 160;
    }
}
