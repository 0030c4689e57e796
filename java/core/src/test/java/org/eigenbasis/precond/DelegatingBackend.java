package org.eigenbasis.precond;

import org.eigenbasis.spi.Backend;
import org.eigenbasis.spi.EighKernel;
import org.eigenbasis.spi.RefreshKernel;
import org.eigenbasis.testing.ForwardingBackend;

/** A backend that forwards to another one except for the eigh and refresh kernels it is given (fault injection). */
final class DelegatingBackend extends ForwardingBackend {
    private final EighKernel eigh;
    private final RefreshKernel refresh;

    DelegatingBackend(Backend base, EighKernel eigh, RefreshKernel refresh) {
        super(base, "test-");
        this.eigh = eigh != null ? eigh : base.eigh();
        this.refresh = refresh != null ? refresh : base.refresh();
    }

    @Override
    public EighKernel eigh() {
        return eigh;
    }

    @Override
    public RefreshKernel refresh() {
        return refresh;
    }
}
