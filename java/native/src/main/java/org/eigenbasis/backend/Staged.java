package org.eigenbasis.backend;

import org.eigenbasis.value.BatchedMatrix;
import org.eigenbasis.value.Placement;

/**
 * An off-heap view of a matrix for a native call: the matrix itself when it already lives off-heap (no copy),
 * otherwise a temporary off-heap copy (inputs) or buffer (outputs) that {@link #commit()} copies back and
 * {@link #close()} frees. Null stands for an absent optional argument.
 */
public final class Staged implements AutoCloseable {
    private final BatchedMatrix target;
    private final BatchedMatrix direct;
    private final boolean temporary;

    private Staged(BatchedMatrix target, BatchedMatrix direct, boolean temporary) {
        this.target = target;
        this.direct = direct;
        this.temporary = temporary;
    }

    /** Stages an input: read by native code, never written. */
    public static Staged input(BatchedMatrix m) {
        if (m == null || m.placement() == Placement.OFF_HEAP) {
            return new Staged(m, m, false);
        }
        return new Staged(m, m.copy(Placement.OFF_HEAP), true);
    }

    /** Stages a matrix native code reads and then writes in place: copied in, and back by {@link #commit()}. */
    public static Staged inOut(BatchedMatrix m) {
        return input(m);
    }

    /** Stages an output: written by native code, copied back by {@link #commit()}. */
    public static Staged output(BatchedMatrix m) {
        if (m == null || m.placement() == Placement.OFF_HEAP) {
            return new Staged(m, m, false);
        }
        return new Staged(m, BatchedMatrix.zeros(m.dtype(), m.batch(), m.rows(), m.cols(), Placement.OFF_HEAP), true);
    }

    /** The off-heap matrix to hand to native code (null for an absent argument). */
    public BatchedMatrix direct() {
        return direct;
    }

    /** Copies a temporary output back into the caller's matrix. */
    public void commit() {
        if (temporary) {
            target.copyFrom(direct);
        }
    }

    @Override
    public void close() {
        if (temporary) {
            direct.close();
        }
    }
}
