package org.eigenbasis.linalg;

import org.eigenbasis.spi.Backend;
import org.eigenbasis.value.BatchedMatrix;
import org.eigenbasis.value.DType;
import org.eigenbasis.value.MemoryBudget;
import org.eigenbasis.value.Placement;

/**
 * The heap and off-heap bytes one facade call needs, added up with overflow checks and held against
 * {@link MemoryBudget} before the call allocates anything. A native backend (one whose
 * {@link Backend#statePlacement() state placement} is off-heap) stages every heap matrix it reads or writes into
 * an off-heap copy; the java backend works on the heap, in f64, per matrix in flight.
 */
final class MemoryNeed {
    private final String request;
    private final Backend backend;
    private long heap;
    private long offHeap;

    MemoryNeed(String request, Backend backend) {
        this.request = request + " on the " + backend.name() + " backend";
        this.backend = backend;
    }

    private boolean nativeBackend() {
        return backend.statePlacement() == Placement.OFF_HEAP;
    }

    /** Matrices min(batch, processors) in flight at once, as the parallel kernels run them. */
    static long inFlight(int batch) {
        return Math.min(batch, Runtime.getRuntime().availableProcessors());
    }

    /** A new output of batch × rows × cols in {@code placement}; a native backend stages a heap output. */
    MemoryNeed output(int batch, long rows, long cols, DType dtype, Placement placement) {
        long bytes = MemoryBudget.bytes(request, dtype.bytes(), batch, rows, cols);
        add(bytes, placement);
        if (nativeBackend() && placement == Placement.HEAP) {
            add(bytes, Placement.OFF_HEAP);
        }
        return this;
    }

    /** An existing input: a native backend stages it off-heap when it lives on the heap. */
    MemoryNeed input(BatchedMatrix m) {
        if (nativeBackend() && m.placement() == Placement.HEAP) {
            add(MemoryBudget.bytes(request, m.dtype().bytes(), m.batch(), m.rows(), m.cols()), Placement.OFF_HEAP);
        }
        return this;
    }

    /** Heap bytes taken whatever the backend (per-matrix status, Java-side results). */
    MemoryNeed heap(long bytes) {
        add(bytes, Placement.HEAP);
        return this;
    }

    /** Workspace of the java backend: {@code doublesPerMatrix} f64 per matrix in flight, on the heap. */
    MemoryNeed javaWorkspace(int batch, long doublesPerMatrix) {
        if (!nativeBackend()) {
            add(MemoryBudget.bytes(request, 8, inFlight(batch), doublesPerMatrix), Placement.HEAP);
        }
        return this;
    }

    /** Workspace of a native backend: {@code bytesPerMatrix} per matrix in flight, off-heap. */
    MemoryNeed nativeWorkspace(int batch, long bytesPerMatrix) {
        if (nativeBackend()) {
            add(MemoryBudget.bytes(request, 1, inFlight(batch), bytesPerMatrix), Placement.OFF_HEAP);
        }
        return this;
    }

    private void add(long bytes, Placement placement) {
        if (placement == Placement.OFF_HEAP) {
            offHeap = MemoryBudget.sum(request, offHeap, bytes);
        } else {
            heap = MemoryBudget.sum(request, heap, bytes);
        }
    }

    /** Refuses the call, with a {@link org.eigenbasis.value.MemoryLimitException}, when it does not fit. */
    void require() {
        MemoryBudget.require(request, heap, offHeap);
    }
}
