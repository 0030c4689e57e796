package org.eigenbasis.basis;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.eigenbasis.precond.Gradients;
import org.eigenbasis.precond.Optimizer;
import org.eigenbasis.precond.OptimizerStates;
import org.eigenbasis.precond.Parameter;
import org.eigenbasis.spi.Backend;
import org.eigenbasis.value.BatchedMatrix;
import org.eigenbasis.value.DType;

/**
 * Adam, AdaGrad, sign descent and Gauss–Newton^-p in a basis, per parameter, as an {@link Optimizer} for a JVM
 * training loop (issue 13, point 1). For every parameter W with gradient G, in its {@link ParameterBasis} U
 * (identity, dense over vec(W), or U_L ⊗ U_R for a matrix):
 * <pre>
 *   g̃ = Uᵀ vec(G);   s = rule(g̃);   W ← W − lr·U s
 * </pre>
 * with the {@link DiagonalRule} of the config: Adam (bias-corrected; β₁ = β₂ = ε = 0 is sign descent in U),
 * AdaGrad, or Gauss–Newton^-p with s = (D + ε)^-p g̃, D = diag(UᵀGU) from a {@link CurvatureDiagonal} per parameter,
 * fixed ({@link #fixCurvature}) or given with the step ({@link #step(Gradients, Map)}). The same core
 * ({@code DiagonalBlock}: one elementwise rule, one rotation path through {@code PreconditionerKernel.rotate})
 * runs {@link BasisOptimizer}.
 *
 * <ul>
 *   <li><b>State</b>, per parameter of N elements, where the backend keeps state ({@link Backend#statePlacement()}:
 *       off-heap on a native backend): m and v (N each), the basis (N² dense, m² + n² Kronecker), two N work
 *       buffers, and for Gauss–Newton the fixed D (N). f64 throughout; an f32 parameter is read widened and
 *       written rounded once. {@link #close()} frees it all.</li>
 *   <li><b>Cost</b> per step and parameter: rotations 4N² (dense) or 4(m²n + mn²) (Kronecker), O(N) elementwise;
 *       a dense curvature costs 2N³ + 2N² more (in a Kronecker basis the dense U_L ⊗ U_R is formed for it).</li>
 *   <li><b>Bases</b> are given at construction (absent: identity) and replaced between steps by
 *       {@link #setBasis}; the moments are kept, and a fixed curvature of that parameter is dropped (it was the
 *       diagonal in the old basis).</li>
 *   <li><b>Fails</b> before writing anything (parameters, moments, bases, step count) with
 *       {@link IllegalArgumentException} naming the parameter: a missing, extra, wrong-dtype, wrong-size or
 *       non-finite gradient; a curvature of the wrong size or non-finite; a Gauss–Newton parameter with no
 *       curvature; a D_j + ε ≤ 0; a basis of the wrong size (orthogonality is checked when the {@link Basis} is
 *       made, to {@value Basis#ORTHOGONALITY_TOLERANCE}). A curvature given to Adam or AdaGrad is
 *       {@link IllegalStateException}. {@link #load} refuses a file of another configuration, other parameters or
 *       other basis kinds and keeps the current state.</li>
 * </ul>
 * Not thread-safe: one training loop drives it.
 */
public final class BasisDiagonalOptimizer implements Optimizer {
    private final BasisOptimizerConfig config;
    private final List<Parameter> parameters;
    private final Map<String, Parameter> byName = new LinkedHashMap<>();
    private final Map<String, DiagonalBlock> blocks = new LinkedHashMap<>();
    /** Per parameter, the fixed Gauss–Newton D (1 × N × 1) and whether it is set (long[1], 0 or 1). */
    private final Map<String, BatchedMatrix> fixed = new LinkedHashMap<>();
    private final Map<String, long[]> fixedSet = new LinkedHashMap<>();
    private long steps;
    private boolean closed;

    /**
     * @param config     lr and rule
     * @param parameters the parameters, updated in place (unique names)
     * @param bases      per parameter name, its basis (checked against the parameter); absent names: identity
     * @param backend    where the state lives and the rotations run
     * @throws IllegalArgumentException for a repeated name, a basis for no parameter, or a basis that does not fit
     */
    public BasisDiagonalOptimizer(BasisOptimizerConfig config, List<Parameter> parameters,
                                  Map<String, ParameterBasis> bases, Backend backend) {
        this.config = Objects.requireNonNull(config, "config");
        Objects.requireNonNull(parameters, "parameters");
        Objects.requireNonNull(bases, "bases");
        Objects.requireNonNull(backend, "backend");
        this.parameters = List.copyOf(parameters);
        for (Parameter p : this.parameters) {
            if (byName.put(p.name(), p) != null) {
                throw new IllegalArgumentException("parameters: the name '" + p.name() + "' appears twice");
            }
        }
        for (Map.Entry<String, ParameterBasis> e : bases.entrySet()) {
            Parameter p = byName.get(e.getKey());
            if (p == null) {
                throw new IllegalArgumentException("bases: no parameter is named '" + e.getKey() + "' (parameters: "
                        + byName.keySet() + ")");
            }
            Objects.requireNonNull(e.getValue(), "bases['" + e.getKey() + "']").requireFits(p);
        }
        try {
            for (Parameter p : this.parameters) {
                blocks.put(p.name(), new DiagonalBlock(bases.getOrDefault(p.name(), ParameterBasis.identity()),
                        p.size(), p.shape(), backend));
                if (isGaussNewton()) {
                    fixed.put(p.name(), BatchedMatrix.zeros(DType.F64, 1, p.size(), 1, backend.statePlacement()));
                    fixedSet.put(p.name(), new long[1]);
                }
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    public BasisOptimizerConfig config() {
        return config;
    }

    @Override
    public List<Parameter> parameters() {
        return parameters;
    }

    /** The current basis of parameter {@code name} (a copy). */
    public ParameterBasis basis(String name) {
        checkOpen();
        return block(name).basis();
    }

    /**
     * Replaces the basis of parameter {@code name} between steps (checked against the parameter before anything
     * changes). The moments are kept; a fixed curvature of this parameter is dropped.
     */
    public void setBasis(String name, ParameterBasis basis) {
        checkOpen();
        DiagonalBlock block = block(name);
        Objects.requireNonNull(basis, "basis").requireFits(byName.get(name));
        block.setBasis(basis);
        if (fixedSet.containsKey(name)) {
            fixedSet.get(name)[0] = 0;
        }
    }

    /**
     * D = diag(UᵀGU) of parameter {@code name} in its current basis, from {@code source} (validated; nothing is
     * written). Cost as in {@link CurvatureDiagonal}.
     */
    public double[] diagonal(String name, CurvatureDiagonal source) {
        checkOpen();
        return block(name).diagonal(source, "curvature of '" + name + "'");
    }

    /**
     * Fixes D of parameter {@code name} (full-batch mode): computed now in the current basis and used by every later
     * step that gives no curvature for it. Gauss–Newton only ({@link IllegalStateException} otherwise); D_j + ε ≤ 0
     * is refused now.
     */
    public void fixCurvature(String name, CurvatureDiagonal source) {
        checkOpen();
        DiagonalRule.GaussNewton gn = requireGaussNewton();
        double[] d = diagonal(name, source);
        DiagonalRules.gaussNewtonDenominators(gn, d, "curvature of '" + name + "'");
        fixed.get(name).copyMatrixFrom(0, d, 0);
        fixedSet.get(name)[0] = 1;
    }

    /** One step; a Gauss–Newton rule uses the fixed curvatures ({@link #step(Gradients, Map)} with none given). */
    @Override
    public void step(Gradients gradients) {
        step(gradients, Map.of());
    }

    /**
     * One step with, for Gauss–Newton, this step's curvature sources by parameter name (overriding the fixed ones;
     * parameters absent here use their fixed D). Everything is validated and every D computed before the first
     * parameter is written.
     */
    public void step(Gradients gradients, Map<String, CurvatureDiagonal> curvatures) {
        checkOpen();
        Objects.requireNonNull(gradients, "gradients");
        Objects.requireNonNull(curvatures, "curvatures");
        gradients.requireFits(parameters);
        if (!curvatures.isEmpty()) {
            requireGaussNewton();
            for (String name : curvatures.keySet()) {
                block(name);
            }
        }
        List<double[]> grads = new ArrayList<>();
        for (Parameter p : parameters) {
            double[] g = new double[p.size()];
            for (int i = 0; i < g.length; i++) {
                g[i] = gradients.get(p.name(), i);
                if (!Double.isFinite(g[i])) {
                    throw new IllegalArgumentException("gradient of '" + p.name() + "': entry " + i + " is " + g[i]
                            + " (must be finite); the step was refused and nothing changed");
                }
            }
            grads.add(g);
        }
        List<double[]> denominators = new ArrayList<>();
        if (config.rule() instanceof DiagonalRule.GaussNewton gn) {
            for (Parameter p : parameters) {
                String what = "curvature of '" + p.name() + "'";
                CurvatureDiagonal source = curvatures.get(p.name());
                double[] d;
                if (source != null) {
                    d = blocks.get(p.name()).diagonal(source, what);
                } else if (fixedSet.get(p.name())[0] == 1) {
                    d = fixed.get(p.name()).toDoubleArray();
                } else {
                    throw new IllegalArgumentException(what + ": a Gauss–Newton step needs one: fixCurvature(name, "
                            + "source) or step(gradients, curvatures)");
                }
                denominators.add(DiagonalRules.gaussNewtonDenominators(gn, d, what));
            }
        }
        long t = steps + 1;
        double lr = config.lr();
        for (int k = 0; k < parameters.size(); k++) {
            Parameter p = parameters.get(k);
            double[] update = blocks.get(p.name()).step(config.rule(), t, grads.get(k),
                    denominators.isEmpty() ? null : denominators.get(k));
            if (p.dtype() == DType.F64) {
                double[] theta = p.f64();
                for (int i = 0; i < update.length; i++) {
                    theta[i] -= lr * update[i];
                }
            } else {
                float[] theta = p.f32();
                for (int i = 0; i < update.length; i++) {
                    theta[i] = (float) (theta[i] - lr * update[i]);
                }
            }
        }
        steps = t;
    }

    @Override
    public long stepCount() {
        return steps;
    }

    /** What the state file's fingerprint covers: rule, lr and every parameter's basis kind. */
    private String configuration() {
        StringBuilder sb = new StringBuilder("BasisDiagonalOptimizer[").append(config).append(']');
        for (Parameter p : parameters) {
            sb.append('|').append(p.name()).append(':').append(blocks.get(p.name()).kind());
        }
        return sb.toString();
    }

    private Map<String, Object> state() {
        Map<String, Object> state = new LinkedHashMap<>();
        for (Parameter p : parameters) {
            String prefix = p.name() + "/";
            blocks.get(p.name()).collectState(prefix, state);
            if (fixed.containsKey(p.name())) {
                state.put(prefix + "curvature", fixed.get(p.name()));
                state.put(prefix + "curvature.set", fixedSet.get(p.name()));
            }
        }
        return state;
    }

    /** Writes the moments, bases, fixed curvatures and step count (not the parameters) atomically. */
    @Override
    public void save(Path file) throws IOException {
        checkOpen();
        OptimizerStates.save(file, configuration(), steps, 0, parameters, state());
    }

    /**
     * Restores a state written by {@link #save} of an optimizer with the same config, parameters and basis kinds;
     * later steps continue bit-identically. Anything else is refused and the current state kept.
     */
    @Override
    public void load(Path file) throws IOException {
        checkOpen();
        steps = OptimizerStates.load(file, configuration(), parameters, state()).steps();
    }

    /** Frees the state (off-heap on a native backend). Later calls throw; idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        blocks.values().forEach(DiagonalBlock::close);
        fixed.values().forEach(BatchedMatrix::close);
    }

    private boolean isGaussNewton() {
        return config.rule() instanceof DiagonalRule.GaussNewton;
    }

    private DiagonalRule.GaussNewton requireGaussNewton() {
        if (config.rule() instanceof DiagonalRule.GaussNewton gn) {
            return gn;
        }
        throw new IllegalStateException("curvature: only a Gauss–Newton rule reads one; this optimizer runs "
                + config.rule());
    }

    private DiagonalBlock block(String name) {
        Objects.requireNonNull(name, "name");
        DiagonalBlock b = blocks.get(name);
        if (b == null) {
            throw new IllegalArgumentException("parameter: no parameter is named '" + name + "' (parameters: "
                    + byName.keySet() + ")");
        }
        return b;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("BasisDiagonalOptimizer: the optimizer is closed");
        }
    }
}
