package org.eigenbasis.backend.java;

import java.util.LinkedHashMap;
import java.util.Map;
import org.eigenbasis.spi.Availability;
import org.eigenbasis.spi.Backend;
import org.eigenbasis.spi.EighKernel;
import org.eigenbasis.spi.PreconditionerKernel;
import org.eigenbasis.spi.RefreshKernel;
import org.eigenbasis.spi.ResetSimulationKernel;
import org.eigenbasis.spi.SpectralKernel;

/**
 * The reference backend: plain Java, no native code, always available. Every native kernel is verified against
 * it. Readable first, yet usable: a 1024 × 1024 f64 eigh takes a few seconds.
 */
public final class JavaBackend implements Backend {
    private final EighKernel eigh = new ReferenceEigh();
    private final SpectralKernel spectral = new ReferenceSpectral();
    private final RefreshKernel refresh = new ReferenceRefresh();
    private final ResetSimulationKernel resetSimulation = new JavaResetSimulator();
    private final PreconditionerKernel preconditioner = new ReferencePreconditioner();
    private final org.eigenbasis.spi.InfluenceKernel influence = new ReferenceInfluence();
    private final org.eigenbasis.spi.MlpKernel mlp = new ReferenceMlp();
    private final org.eigenbasis.spi.DiffusionKernel diffusion = new ReferenceDiffusion();

    @Override
    public String name() {
        return "java";
    }

    @Override
    public Availability availability() {
        return Availability.yes();
    }

    @Override
    public int priority() {
        return 0;
    }

    @Override
    public Map<String, String> describe() {
        Map<String, String> info = new LinkedHashMap<>();
        info.put("implementation", "pure Java reference (Householder + implicit QL, two-stage band reduction, Householder QR)");
        info.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        info.put("threads", Integer.toString(java.util.concurrent.ForkJoinPool.getCommonPoolParallelism()));
        return info;
    }

    @Override
    public EighKernel eigh() {
        return eigh;
    }

    @Override
    public SpectralKernel spectral() {
        return spectral;
    }

    @Override
    public RefreshKernel refresh() {
        return refresh;
    }

    @Override
    public ResetSimulationKernel resetSimulation() {
        return resetSimulation;
    }

    @Override
    public PreconditionerKernel preconditioner() {
        return preconditioner;
    }

    @Override
    public org.eigenbasis.spi.InfluenceKernel influence() {
        return influence;
    }

    @Override
    public org.eigenbasis.spi.MlpKernel mlp() {
        return mlp;
    }

    @Override
    public org.eigenbasis.spi.DiffusionKernel diffusion() {
        return diffusion;
    }
}
