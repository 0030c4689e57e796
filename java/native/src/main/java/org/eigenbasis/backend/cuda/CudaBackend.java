package org.eigenbasis.backend.cuda;

import java.util.LinkedHashMap;
import java.util.Map;
import org.eigenbasis.binding.CudaKernels;
import org.eigenbasis.spi.Availability;
import org.eigenbasis.spi.Backend;
import org.eigenbasis.spi.EighKernel;
import org.eigenbasis.spi.PreconditionerKernel;
import org.eigenbasis.spi.RefreshKernel;
import org.eigenbasis.spi.ResetSimulationKernel;
import org.eigenbasis.spi.SpectralKernel;

/**
 * The GPU backend: our CUDA kernels plus cuSOLVER through the JavaCPP CUDA presets. Needs an NVIDIA GPU with a
 * CUDA 13 driver and the CUDA 13 libraries; elsewhere it reports itself unavailable with the reason.
 *
 * <p>eigh, the resetting simulator, the preconditioner and influence kernels and the MLP kernels ({@link CudaMlp}:
 * training and Hessian-vector products) run on the GPU. The spectral products and the eigenbasis refresh run on the
 * best host backend (cpu, else java) in this release; {@link #describe()} says so,
 * and the first call of each logs one line naming the host backend, as {@code auto} logs its choice. Without a
 * usable GPU the preconditioner kernels fall back to the host the same way.
 */
public final class CudaBackend implements Backend {
    private final EighKernel eigh = new CudaEigh();
    private final ResetSimulationKernel resetSimulation = new CudaResetSimulator();
    private final PreconditionerKernel preconditioner = new CudaPreconditioner();
    private final org.eigenbasis.spi.InfluenceKernel influence = new CudaInfluence();
    private final org.eigenbasis.spi.MlpKernel mlp = new CudaMlp();

    @Override
    public String name() {
        return "cuda";
    }

    @Override
    public Availability availability() {
        return CudaKernels.availability();
    }

    @Override
    public int priority() {
        return 20;
    }

    @Override
    public Map<String, String> describe() {
        Map<String, String> info = new LinkedHashMap<>();
        info.put("implementation", "CUDA Jacobi kernel (n ≤ " + CudaEigh.JACOBI_LIMIT + ") + cuSOLVER (org.bytedeco cuda presets)");
        info.putAll(CudaKernels.describe());
        info.put("reset_simulation", "CUDA kernel, one thread per trajectory (statistically equal to java/cpu)");
        info.put("spectral_and_refresh", "on host backend " + HostFallback.host().name());
        info.put("diffusion", "on host backend " + HostFallback.host().name());
        info.put("preconditioner",
                "cuBLAS syrk / strided-batched gemm + own elementwise kernels; host data copied per call");
        info.put("mlp", "train: CUDA kernel, one thread block per job; hessian_product: R-operator as cuBLAS dgemm "
                + "+ own elementwise kernels; host data copied per call");
        return info;
    }

    @Override
    public EighKernel eigh() {
        return eigh;
    }

    @Override
    public SpectralKernel spectral() {
        return HostFallback.forKernel("spectral", "spectral products are not on the GPU in this release").spectral();
    }

    @Override
    public RefreshKernel refresh() {
        return HostFallback.forKernel("refresh", "the eigenbasis refresh is not on the GPU in this release").refresh();
    }

    @Override
    public ResetSimulationKernel resetSimulation() {
        return resetSimulation;
    }

    /**
     * The GPU's preconditioner kernels (cuBLAS products, our elementwise kernels) when a GPU is usable here, else
     * the host backend's, so a caller holding this backend never meets an unavailable kernel.
     */
    @Override
    public PreconditionerKernel preconditioner() {
        Availability a = availability();
        return a.available() ? preconditioner
                : HostFallback.forKernel("preconditioner", "no usable GPU: " + a.reason()).preconditioner();
    }

    @Override
    public org.eigenbasis.spi.InfluenceKernel influence() {
        Availability a = availability();
        return a.available() ? influence
                : HostFallback.forKernel("influence", "no usable GPU: " + a.reason()).influence();
    }

    @Override
    public org.eigenbasis.spi.MlpKernel mlp() {
        Availability a = availability();
        return a.available() ? mlp : HostFallback.forKernel("mlp", "no usable GPU: " + a.reason()).mlp();
    }

    /**
     * The host backend's: the diffusion closed forms are not on the GPU in this release (10⁸ pairs take about half a
     * second on 2 host cores; a GPU port of the same table E₁ is not written).
     */
    @Override
    public org.eigenbasis.spi.DiffusionKernel diffusion() {
        return HostFallback.forKernel("diffusion", "the diffusion closed forms are not on the GPU in this release")
                .diffusion();
    }

    /** Optimizer state off-heap: the kernels read and write it in place (no staging copies per call). */
    @Override
    public org.eigenbasis.value.Placement statePlacement() {
        return org.eigenbasis.value.Placement.OFF_HEAP;
    }
}
