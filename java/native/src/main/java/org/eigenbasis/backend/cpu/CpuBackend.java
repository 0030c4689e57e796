package org.eigenbasis.backend.cpu;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eigenbasis.binding.CpuKernels;
import org.eigenbasis.spi.Availability;
import org.eigenbasis.spi.Backend;
import org.eigenbasis.spi.EighKernel;
import org.eigenbasis.spi.PreconditionerKernel;
import org.eigenbasis.spi.RefreshKernel;
import org.eigenbasis.spi.ResetSimulationKernel;
import org.eigenbasis.spi.SpectralKernel;

/**
 * The native CPU backend: C++17 kernels with OpenBLAS/LAPACK from the JavaCPP presets, parallel across the batch
 * on a pool of workers (one per core by default) with OpenBLAS held to one thread inside each; a batch of fewer
 * large matrices than workers runs one matrix at a time with OpenBLAS threaded instead.
 */
public final class CpuBackend implements Backend {
    private final EighKernel eigh = new CpuEigh();
    private final SpectralKernel spectral = new CpuSpectral();
    private final RefreshKernel refresh = new CpuRefresh();
    private final ResetSimulationKernel resetSimulation = new CpuResetSimulator();
    private final PreconditionerKernel preconditioner = new CpuPreconditioner();

    @Override
    public String name() {
        return "cpu";
    }

    @Override
    public Availability availability() {
        return CpuKernels.availability();
    }

    @Override
    public int priority() {
        return 10;
    }

    @Override
    public Map<String, String> describe() {
        Map<String, String> info = new LinkedHashMap<>();
        info.put("implementation", "C++17 kernels + OpenBLAS/LAPACK (org.bytedeco openblas presets)");
        info.put("cpu", cpuModel());
        info.put("cores", Integer.toString(Runtime.getRuntime().availableProcessors()));
        info.putAll(CpuKernels.describe());
        String coreType = System.getenv("OPENBLAS_CORETYPE");
        info.put("OPENBLAS_CORETYPE", coreType == null ? "(unset: detected)" : coreType);
        return info;
    }

    /**
     * Sets the number of batch workers of the CPU library (0 = one per core) and returns the number in effect.
     * Process-wide; waits for a batch in progress.
     */
    public static int setWorkerThreads(int threads) {
        return CpuKernels.setThreads(threads);
    }

    /**
     * Seconds the last eigh call of this thread spent inside the native library: with the caller's own timing of
     * the whole call, this splits off the JNI, validation and allocation overhead (benchmarks/JniOverhead).
     */
    public static double lastNativeCallSeconds() {
        return CpuKernels.lastCallSeconds();
    }

    /** The number of batch workers of the CPU library. */
    public static int workerThreads() {
        return CpuKernels.threads();
    }

    static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or not readable: fall through
        }
        return System.getProperty("os.arch");
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

    /** Optimizer state off-heap: the kernels read and write it in place (no staging copies per call). */
    @Override
    public org.eigenbasis.value.Placement statePlacement() {
        return org.eigenbasis.value.Placement.OFF_HEAP;
    }
}
