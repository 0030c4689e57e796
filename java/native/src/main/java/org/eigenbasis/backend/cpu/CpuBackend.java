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
 *
 * <p><b>Portable kernels</b> ({@value #PORTABLE_PROPERTY}). The library is built for x86-64-v3 (AVX2); some of our
 * own kernels have a second build for AVX-512 that they take at run time where the CPU has it: the f64 tridiagonal
 * QL of eigh (n &ge; 48), the resetting simulator (its em loops, whole-trajectory and lane paths, Philox refills
 * and polar factors) and the diffusion closed forms (eight lanes instead of four). {@code -Deigenbasis.cpu.portable=true} forces the portable paths on any CPU, so that CI can
 * run the numerical contract tests a second time on the paths a machine without AVX-512 takes (its machine kind
 * changes between AMD Zen 5 and Intel Xeon). {@code false}, the default, lets the kernels dispatch on the CPU; any
 * other value is refused with an {@link IllegalArgumentException}, naming the property and the legal values, by the
 * first call into the backend (the backend stays available, so {@code auto} never falls back to java over a typo).
 * The property is read once, when the native library loads, before any kernel runs. The resetting simulator gives
 * the same bits on both paths; eigh stays within its contract and may differ in the last bits. OpenBLAS chooses its
 * own kernels ({@code OPENBLAS_CORETYPE}). {@link #describe()} (and {@code eigenbasis backends}) shows the path
 * taken, e.g. {@code avx512_kernels=off (forced portable by -Deigenbasis.cpu.portable=true)}; the environment
 * variable {@code EB_CPU_AVX512=0} forces the same in the native library itself (its C drivers included).
 *
 * <p><b>Batch workers</b> ({@value #THREADS_PROPERTY}): one per core by default; an integer in [0, 4096] sets the
 * count when the library loads (1 under a scheduler that already runs one task per core, such as Spark executors),
 * {@link #setWorkerThreads} at run time.
 */
public final class CpuBackend implements Backend {
    /** The system property that forces our C++ kernels onto their portable paths: {@code true} or {@code false}. */
    public static final String PORTABLE_PROPERTY = CpuKernels.PORTABLE_PROPERTY;
    /** The system property that sets the batch workers when the library loads. */
    public static final String THREADS_PROPERTY = CpuKernels.THREADS_PROPERTY;

    private final EighKernel eigh = new CpuEigh();
    private final SpectralKernel spectral = new CpuSpectral();
    private final RefreshKernel refresh = new CpuRefresh();
    private final ResetSimulationKernel resetSimulation = new CpuResetSimulator();
    private final PreconditionerKernel preconditioner = new CpuPreconditioner();
    private final org.eigenbasis.spi.InfluenceKernel influence = new CpuInfluence();
    private final org.eigenbasis.spi.MlpKernel mlp = new CpuMlp();
    private final org.eigenbasis.spi.DiffusionKernel diffusion = new CpuDiffusion();

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

    /** Whether our C++ kernels are forced onto their portable paths ({@value #PORTABLE_PROPERTY} or EB_CPU_AVX512=0). */
    public static boolean portableKernelsForced() {
        return CpuKernels.portableForced();
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

    /** Optimizer state off-heap: the kernels read and write it in place (no staging copies per call). */
    @Override
    public org.eigenbasis.value.Placement statePlacement() {
        return org.eigenbasis.value.Placement.OFF_HEAP;
    }
}
