package org.eigenbasis.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.eigenbasis.contract.EighRangeContract;
import org.eigenbasis.linalg.EighOptions;
import org.eigenbasis.linalg.EighResult;
import org.eigenbasis.linalg.SymmetricEigen;
import org.eigenbasis.spi.Backend;
import org.eigenbasis.value.BatchedMatrix;
import org.eigenbasis.value.DType;
import org.eigenbasis.value.EighAlgorithm;
import org.eigenbasis.value.EighRange;
import org.eigenbasis.verify.SeededMatrices;
import org.junit.jupiter.api.Test;

/** The partial-spectrum contract on the cpu backend (?syevr RANGE = 'I' / 'V' where it pays, else full and sliced). */
class CpuEighRangeTest extends EighRangeContract {
    private static final Backend BACKEND = new CpuBackend();

    @Override
    protected Backend backend() {
        return BACKEND;
    }

    /** The cpu backend is built by this module: unavailable is a failure here, never a skip. */
    @Override
    protected boolean requiredHere() {
        return true;
    }

    /** AUTO takes ?syevr only for few eigenpairs of a matrix of n ≥ 32 (CpuEigh.partialSolverPays). */
    @Test
    void autoTakesThePartialSolverOnlyWhereItPays() {
        Random rng = new Random(6);
        int[][] cases = {{64, 4, 1}, {64, 5, 0}, {8, 1, 0}, {31, 1, 0}, {32, 2, 1}, {300, 300, 0}};
        for (int[] c : cases) {
            int n = c[0];
            int m = c[1];
            boolean partial = c[2] == 1;
            assertEquals(partial, CpuEigh.partialSolverPays(n, m), "n=" + n + " m=" + m);
            try (BatchedMatrix a = SeededMatrices.batch(DType.F64, n, SeededMatrices.randomSymmetric(n, rng));
                 EighResult r = SymmetricEigen.on(BACKEND).decompose(a, EighOptions.defaults()
                         .withRange(EighRange.largest(m)));
                 EighResult interval = SymmetricEigen.on(BACKEND).decompose(a, EighOptions.defaults()
                         .withRange(EighRange.interval(-1, 1, m)))) {
                EighAlgorithm full = BACKEND.eigh().choose(n, 1, DType.F64, true);
                assertEquals(partial ? EighAlgorithm.SYEVR : full, r.algorithm(), "largest " + m + " of n=" + n);
                assertEquals(partial ? EighAlgorithm.SYEVR : full, interval.algorithm(), "interval, m=" + m + " of n=" + n);
            }
        }
    }
}
