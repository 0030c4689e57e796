package org.eigenbasis.backend.cpu;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.IntBuffer;
import java.util.EnumMap;
import java.util.Map;
import org.eigenbasis.backend.Scratch;
import org.eigenbasis.backend.Staged;
import org.eigenbasis.binding.CpuKernels;
import org.eigenbasis.spi.EighKernel;
import org.eigenbasis.value.BatchedMatrix;
import org.eigenbasis.value.DType;
import org.eigenbasis.value.EighAlgorithm;
import org.eigenbasis.value.EighRange;

/**
 * eigh on the CPU library: our Jacobi and tridiagonal QL for small n, LAPACK ?syevd/?syevr above, the one-stage and
 * two-stage paths of native/src/cpu/eigh_two_stage.cpp for large n; partial ranges by ?syevr with RANGE = 'I' or
 * 'V' (eb_cpu_eigh_range_*).
 */
final class CpuEigh implements EighKernel {
    private static final Map<EighAlgorithm, Integer> CODES = new EnumMap<>(EighAlgorithm.class);

    static {
        CODES.put(EighAlgorithm.AUTO, 0);
        CODES.put(EighAlgorithm.JACOBI, 1);
        CODES.put(EighAlgorithm.TRIDIAGONAL_QL, 2);
        CODES.put(EighAlgorithm.SYEVD, 3);
        CODES.put(EighAlgorithm.SYEVR, 4);
        CODES.put(EighAlgorithm.TWO_STAGE, 6);
        CODES.put(EighAlgorithm.TRIDIAGONAL_DC, 7);
    }

    @Override
    public EighAlgorithm eigh(BatchedMatrix a, BatchedMatrix values, BatchedMatrix vectors, int[] info,
                              EighAlgorithm algorithm, int maxIterations) {
        Integer code = CODES.get(algorithm);
        if (code == null) {
            throw new IllegalArgumentException("algorithm: " + algorithm.cliName() + " is not available on the cpu backend");
        }
        int batch = a.batch();
        int n = a.rows();
        EighAlgorithm ran = algorithm == EighAlgorithm.AUTO ? choose(n, batch, a.dtype(), vectors != null) : algorithm;
        if (batch == 0) {
            return ran;
        }
        try (Staged in = Staged.input(a); Staged w = Staged.output(values); Staged v = Staged.output(vectors)) {
            IntBuffer status = Scratch.bytes(4L * batch).asIntBuffer();
            if (a.dtype() == DType.F64) {
                CpuKernels.eigh(in.direct().doubleBuffer(), batch, n, w.direct().doubleBuffer(),
                        v.direct() == null ? null : v.direct().doubleBuffer(), status, code, maxIterations);
            } else {
                CpuKernels.eigh(in.direct().floatBuffer(), batch, n, w.direct().floatBuffer(),
                        v.direct() == null ? null : v.direct().floatBuffer(), status, code, maxIterations);
            }
            status.get(0, info, 0, batch);
            w.commit();
            v.commit();
        }
        return ran;
    }

    /**
     * Whether ?syevr on the range beats the full AUTO solve sliced, for m of n columns: measured with vectors on the
     * 2-core CI machine (docs/design-notes.md, "Partial spectra"), its subset path pays bisection and inverse iteration
     * per eigenpair, so it wins only for few pairs (n = 128 batched: 3.4x faster at m = 2, 2.9x slower at m = 32;
     * n = 1024: 3.3x faster at m = 10, 1.4x at 128, slower at 256) of matrices not too small (n = 8: 2.1x slower
     * at m = 2; n = 32: even at m = 2).
     */
    static boolean partialSolverPays(int n, int m) {
        return n >= 32 && 16L * m <= n;
    }

    /**
     * SYEVR, and AUTO where {@link #partialSolverPays} says so, run LAPACK ?syevr on the range itself (bisection and
     * inverse iteration for a subset: the tridiagonal pairs cost O(nm) and the back-transformation 2n²m instead of
     * O(n³)). Otherwise the SPI's default runs: the full solve, AUTO's choice or the forced algorithm, sliced, so the
     * algorithm reported is always the one that ran. Eigenvalues only at sizes where AUTO picks the two-stage
     * reduction, its full solve sliced beats ?syevr's memory-bound one-stage reduction (the values cost O(n²) after
     * either reduction).
     */
    @Override
    public EighAlgorithm eighRange(BatchedMatrix a, EighRange range, BatchedMatrix values, BatchedMatrix vectors,
                                   int[] info, int[] counts, EighAlgorithm algorithm, int maxIterations) {
        int batch = a.batch();
        int n = a.rows();
        int m = values.cols();
        boolean partial = n > 0 && (algorithm == EighAlgorithm.SYEVR      // n = 0: nothing to solve, no buffers
                || algorithm == EighAlgorithm.AUTO && partialSolverPays(n, m)
                        && !(vectors == null && choose(n, batch, a.dtype(), false) == EighAlgorithm.TWO_STAGE));
        if (!partial) {
            return EighKernel.super.eighRange(a, range, values, vectors, info, counts, algorithm, maxIterations);
        }
        if (batch == 0) {
            return EighAlgorithm.SYEVR;
        }
        boolean interval = range.kind() == EighRange.Kind.INTERVAL;
        int code = interval ? CpuKernels.RANGE_INTERVAL : CpuKernels.RANGE_INDICES;
        int lo = interval ? 0 : range.first(n);
        int hi = interval ? 0 : lo + m;
        double vl = interval ? range.lower() : 0;
        double vu = interval ? range.upper() : 0;
        try (Staged in = Staged.input(a); Staged w = Staged.output(values); Staged v = Staged.output(vectors)) {
            ByteBuffer scratch = Scratch.bytes(8L * batch);
            IntBuffer status = scratch.asIntBuffer();
            IntBuffer found = scratch.position(4 * batch).slice().order(ByteOrder.nativeOrder()).asIntBuffer();
            if (a.dtype() == DType.F64) {
                CpuKernels.eighRange(in.direct().doubleBuffer(), batch, n, code, lo, hi, vl, vu, m,
                        w.direct().doubleBuffer(), v.direct() == null ? null : v.direct().doubleBuffer(), found, status);
            } else {
                CpuKernels.eighRange(in.direct().floatBuffer(), batch, n, code, lo, hi, vl, vu, m,
                        w.direct().floatBuffer(), v.direct() == null ? null : v.direct().floatBuffer(), found, status);
            }
            status.get(0, info, 0, batch);
            found.get(0, counts, 0, batch);
            w.commit();
            v.commit();
        }
        return EighAlgorithm.SYEVR;
    }

    @Override
    public EighAlgorithm choose(int n, int batch, DType dtype, boolean vectors) {
        int code = CpuKernels.eighChoice(n, dtype.bytes(), vectors);
        for (Map.Entry<EighAlgorithm, Integer> e : CODES.entrySet()) {
            if (e.getValue() == code && e.getKey() != EighAlgorithm.AUTO) {
                return e.getKey();
            }
        }
        throw new IllegalStateException("the cpu library chose unknown algorithm code " + code);
    }

    @Override
    public boolean supports(EighAlgorithm algorithm) {
        return CODES.containsKey(algorithm);
    }
}
