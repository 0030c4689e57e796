package org.eigenbasis.backend.cpu;

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

/**
 * eigh on the CPU library: our Jacobi and tridiagonal QL for small n, LAPACK ?syevd/?syevr above, and the two-stage
 * solver (native/src/cpu/eigh_two_stage.cpp) for large n.
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
