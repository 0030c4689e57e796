package org.eigenbasis.testing;

import java.util.Map;
import org.eigenbasis.spi.Availability;
import org.eigenbasis.spi.Backend;
import org.eigenbasis.spi.EighKernel;
import org.eigenbasis.spi.PreconditionerKernel;
import org.eigenbasis.spi.RefreshKernel;
import org.eigenbasis.spi.ResetSimulationKernel;
import org.eigenbasis.spi.SpectralKernel;
import org.eigenbasis.value.Placement;

/**
 * A backend that forwards every kernel to another one, under its own name and never chosen by {@code auto}
 * (priority −1): the base of test backends that replace or wrap a few kernels (fault injection, perturbation).
 */
public abstract class ForwardingBackend implements Backend {
    protected final Backend base;
    private final String name;

    protected ForwardingBackend(Backend base, String prefix) {
        this.base = base;
        this.name = prefix + base.name();
    }

    @Override
    public String name() {
        return name;
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
        return base.eigh();
    }

    @Override
    public SpectralKernel spectral() {
        return base.spectral();
    }

    @Override
    public RefreshKernel refresh() {
        return base.refresh();
    }

    @Override
    public ResetSimulationKernel resetSimulation() {
        return base.resetSimulation();
    }

    @Override
    public PreconditionerKernel preconditioner() {
        return base.preconditioner();
    }

    @Override
    public org.eigenbasis.spi.InfluenceKernel influence() {
        return base.influence();
    }

    @Override
    public org.eigenbasis.spi.MlpKernel mlp() {
        return base.mlp();
    }

    @Override
    public org.eigenbasis.spi.DiffusionKernel diffusion() {
        return base.diffusion();
    }

    @Override
    public Placement statePlacement() {
        return base.statePlacement();
    }
}
