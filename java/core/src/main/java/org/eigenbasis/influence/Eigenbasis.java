package org.eigenbasis.influence;

import java.io.Serializable;
import org.eigenbasis.linalg.EighResult;
import org.eigenbasis.linalg.SymmetricEigen;
import org.eigenbasis.spi.Backend;
import org.eigenbasis.value.BatchedMatrix;

/**
 * One symmetric matrix's eigendecomposition as plain arrays: ascending {@code values} and {@code vectors}
 * (n × n row-major, eigenvectors in columns, canonical signs), from {@link SymmetricEigen} on a backend.
 * Serializable, so that a basis computed once can be shipped to other JVMs ({@link KroneckerBases}).
 */
record Eigenbasis(int n, double[] values, double[] vectors) implements Serializable {
    /** Decomposes the symmetric n × n {@code a} (row-major; the lower triangle is read). */
    static Eigenbasis of(Backend backend, double[] a, int n) {
        try (BatchedMatrix m = BatchedMatrix.of(a, 1, n, n, backend.statePlacement())) {
            return of(backend, m);
        }
    }

    /** Decomposes matrix 0 of {@code m} (1 × n × n). */
    static Eigenbasis of(Backend backend, BatchedMatrix m) {
        try (EighResult r = SymmetricEigen.on(backend).decompose(m)) {
            return new Eigenbasis(m.rows(), r.valuesOf(0), r.vectors().toDoubleArray());
        }
    }
}
