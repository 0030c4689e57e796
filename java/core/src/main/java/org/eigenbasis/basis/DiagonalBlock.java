package org.eigenbasis.basis;

import java.util.Map;
import java.util.Objects;
import org.eigenbasis.spi.Backend;
import org.eigenbasis.value.BatchedMatrix;
import org.eigenbasis.value.DType;

/**
 * The basis-aware core of one parameter block, shared by {@link BasisOptimizer} and {@link BasisDiagonalOptimizer}:
 * the moments m, v (1 × N × 1 f64, where the backend keeps state), the basis and its rotations
 * ({@link BasisRotation}), and one step
 * <pre>
 *   g̃ = Uᵀg;   s = rule(g̃) ({@link DiagonalRules});   update = U·s
 * </pre>
 * The caller validates first and applies θ ← θ − lr·update itself (so f64 and f32 parameters round once, at
 * their store). Replacing the basis keeps the moments as they are (coordinate j of the new basis inherits the
 * moments of coordinate j of the old one, like SOAP between refreshes without its permutation).
 */
final class DiagonalBlock implements AutoCloseable {
    private final Backend backend;
    private final int size;
    private final int[] shape;
    private final BatchedMatrix m;
    private final BatchedMatrix v;
    private BasisRotation rotation;

    DiagonalBlock(ParameterBasis basis, int size, int[] shape, Backend backend) {
        this.backend = Objects.requireNonNull(backend, "backend");
        this.size = size;
        this.shape = shape.clone();
        this.m = BatchedMatrix.zeros(DType.F64, 1, size, 1, backend.statePlacement());
        this.v = BatchedMatrix.zeros(DType.F64, 1, size, 1, backend.statePlacement());
        this.rotation = new BasisRotation(basis, size, shape, backend);
    }

    int size() {
        return size;
    }

    ParameterBasis.Kind kind() {
        return rotation.kind();
    }

    ParameterBasis basis() {
        return rotation.toParameterBasis();
    }

    /** Replaces the basis (already checked against the parameter); the moments are kept. */
    void setBasis(ParameterBasis basis) {
        BasisRotation next = new BasisRotation(basis, size, shape, backend);
        rotation.close();
        rotation = next;
    }

    /** D = diag(UᵀGU) of a curvature source, checked ({@link BasisRotation#diagonal}). */
    double[] diagonal(CurvatureDiagonal source, String what) {
        return rotation.diagonal(source, what);
    }

    /**
     * Step t of {@code rule} with {@code gradient} (N values, checked finite by the caller) and, for Gauss–Newton,
     * the checked {@code denominators}; writes the moments and returns update = U·rule(Uᵀg).
     */
    double[] step(DiagonalRule rule, long t, double[] gradient, double[] denominators) {
        BatchedMatrix in = rotation.input();
        BatchedMatrix out = rotation.output();
        in.copyMatrixFrom(0, gradient, 0);
        rotation.toBasis();
        DiagonalRules.apply(rule, t, out.doubleBuffer(), m.doubleBuffer(), v.doubleBuffer(), denominators,
                in.doubleBuffer(), size);
        rotation.fromBasis();
        double[] update = new double[size];
        out.copyMatrixTo(0, update, 0);
        return update;
    }

    /** A copy of the second moment v (N values, in the basis's coordinates). */
    double[] secondMoment() {
        double[] out = new double[size];
        v.copyMatrixTo(0, out, 0);
        return out;
    }

    /** The state entries under {@code prefix}: moments, then the basis matrices. */
    void collectState(String prefix, Map<String, Object> state) {
        state.put(prefix + "m", m);
        state.put(prefix + "v", v);
        if (rotation.leftMatrix() != null) {
            state.put(prefix + (rotation.kind() == ParameterBasis.Kind.DENSE ? "basis" : "basis.left"),
                    rotation.leftMatrix());
        }
        if (rotation.rightMatrix() != null) {
            state.put(prefix + "basis.right", rotation.rightMatrix());
        }
    }

    @Override
    public void close() {
        m.close();
        v.close();
        rotation.close();
    }
}
