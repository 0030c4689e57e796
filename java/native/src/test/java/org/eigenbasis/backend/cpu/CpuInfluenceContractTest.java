package org.eigenbasis.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.eigenbasis.contract.InfluenceContract;
import org.eigenbasis.spi.Backend;
import org.eigenbasis.spi.InfluenceKernel;
import org.eigenbasis.value.BatchedMatrix;
import org.eigenbasis.value.DType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * The influence contract on the cpu backend, plus what is particular to it: the native kernels are the ones wired
 * in, and bad arguments are refused in Java, naming the argument, before any native call.
 */
class CpuInfluenceContractTest extends InfluenceContract {
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

    @Test
    void theBackendUsesTheNativeKernels() {
        assertSame(CpuInfluence.class, BACKEND.influence().getClass());
    }

    @Test
    void badArgumentsAreRefusedBeforeNativeCode() {
        InfluenceKernel k = BACKEND.influence();
        BatchedMatrix g = BatchedMatrix.zeros(DType.F64, 1, 6, 4);
        BatchedMatrix qs = BatchedMatrix.zeros(DType.F64, 1, 4, 4);
        BatchedMatrix a = BatchedMatrix.zeros(DType.F64, 1, 3, 5);
        BatchedMatrix qa = BatchedMatrix.zeros(DType.F64, 1, 5, 5);
        BatchedMatrix lambda = BatchedMatrix.zeros(DType.F64, 1, 4, 5);
        refused("perExample: 0", () -> k.ekfacEigenvalues(g, 0, a, qs, qa, 1, lambda));
        refused("g: 6 rows is not a multiple of perExample 4", () -> k.ekfacEigenvalues(g, 4, a, qs, qa, 1, lambda));
        refused("a: shape (1, 3, 5) must be (1, 2, 5)", () -> k.ekfacEigenvalues(g, 3, a, qs, qa, 1, lambda));
        refused("a, qa: both present", () -> k.ekfacEigenvalues(g, 2, a, qs, null, 1, lambda));
        refused("lambda: shape (1, 4, 5) must be (1, 4, 1)", () -> k.ekfacEigenvalues(g, 2, null, qs, null, 1, lambda));
        refused("qs: shape", () -> k.ekfacEigenvalues(g, 2, a, qa, qa, 1, lambda));
        refused("g: dtype f32", () -> k.ekfacEigenvalues(BatchedMatrix.zeros(DType.F32, 1, 6, 4), 2, a, qs, qa, 1, lambda));
        BatchedMatrix square = BatchedMatrix.zeros(DType.F64, 1, 2, 4);   // dIn = dOut = 4: lambda has qs's shape
        refused("lambda: must be a matrix of its own", () -> k.ekfacEigenvalues(g, 3, square, qs, qs, 1, qs));
        BatchedMatrix x = BatchedMatrix.zeros(DType.F64, 3, 4, 5);
        refused("out: must be a matrix of its own", () -> k.kroneckerRotate(qs, qa, x, true, x));
        refused("qa: shape (1, 4, 4) must be (1, 5, 5)", () -> k.kroneckerRotate(qs, qs, x, true, BatchedMatrix.zeros(DType.F64, 3, 4, 5)));
        refused("out: shape", () -> k.kroneckerRotate(qs, qa, x, false, BatchedMatrix.zeros(DType.F64, 2, 4, 5)));
        BatchedMatrix y = BatchedMatrix.zeros(DType.F64, 1, 7, 5);
        refused("w: shape", () -> k.weightedProduct(a, BatchedMatrix.zeros(DType.F64, 1, 1, 4), y, 1, 0,
                BatchedMatrix.zeros(DType.F64, 1, 3, 7)));
        refused("out: shape (1, 7, 3) must be (1, 3, 7)", () -> k.weightedProduct(a, null, y, 1, 0, BatchedMatrix.zeros(DType.F64, 1, 7, 3)));
        refused("y: shape", () -> k.weightedProduct(a, null, g, 1, 0, BatchedMatrix.zeros(DType.F64, 1, 3, 6)));
        refused("x: shape", () -> k.weightedProduct(x, null, y, 1, 0, BatchedMatrix.zeros(DType.F64, 1, 4, 7)));
        refused("b: op(b) has 5 rows, op(a) has 4", () -> k.multiply(qs, false, qa, false, BatchedMatrix.zeros(DType.F64, 1, 4, 5)));
        refused("out: must be a matrix of its own", () -> k.multiply(qs, false, qs, true, qs));
        assertThrows(NullPointerException.class, () -> k.multiply(null, false, qs, false, qs));
    }

    private static void refused(String start, Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().startsWith(start), "message: " + e.getMessage() + " (expected to start with " + start + ")");
    }
}
