package org.eigenbasis.precond;

import java.util.Map;
import org.eigenbasis.spi.Availability;
import org.eigenbasis.spi.Backend;
import org.eigenbasis.spi.EighKernel;
import org.eigenbasis.spi.PreconditionerKernel;
import org.eigenbasis.spi.RefreshKernel;
import org.eigenbasis.spi.ResetSimulationKernel;
import org.eigenbasis.spi.SpectralKernel;

/** A backend that forwards to another one except for the eigh and refresh kernels it is given (fault injection). */
final class DelegatingBackend implements Backend {
    private final Backend base;
    private final EighKernel eigh;
    private final RefreshKernel refresh;

    DelegatingBackend(Backend base, EighKernel eigh, RefreshKernel refresh) {
        this.base = base;
        this.eigh = eigh != null ? eigh : base.eigh();
        this.refresh = refresh != null ? refresh : base.refresh();
    }

    @Override
    public String name() {
        return "test-" + base.name();
    }

    @Override
    public Availability availability() {
        return base.availability();
    }

    @Override
    public int priority() {
        return -1;
    }

    @Override
    public Map<String, String> describe() {
        return base.describe();
    }

    @Override
    public EighKernel eigh() {
        return eigh;
    }

    @Override
    public SpectralKernel spectral() {
        return base.spectral();
    }

    @Override
    public RefreshKernel refresh() {
        return refresh;
    }

    @Override
    public ResetSimulationKernel resetSimulation() {
        return base.resetSimulation();
    }

    @Override
    public PreconditionerKernel preconditioner() {
        return base.preconditioner();
    }
}
