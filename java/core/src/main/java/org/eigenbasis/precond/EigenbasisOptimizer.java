package org.eigenbasis.precond;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.eigenbasis.precond.PreconditionerSpec.Basis;
import org.eigenbasis.precond.PreconditionerSpec.Diagonal;
import org.eigenbasis.spi.Backend;
import org.eigenbasis.value.BatchedMatrix;
import org.eigenbasis.value.DType;

/**
 * The one eigenbasis preconditioner: every optimizer of {@link Optimizers} (AdamW, Shampoo, SOAP, EC-Shampoo,
 * K-FAC, EK-FAC) is this class with a {@link PreconditionerSpec}; the spec's Javadoc gives the step's formula.
 *
 * <ul>
 *   <li><b>Blocks.</b> Each parameter is one block, viewed as a tensor: its shape, or SOAP's merged shape
 *       ({@code mergeDims}). Each view dim d ≤ {@code maxPrecondDim} gets a Kronecker factor d × d and a basis;
 *       larger dims get the identity (one-sided preconditioning for a matrix with one large side; a diagonal, i.e.
 *       Adam, when every side is large). Vectors get a factor only with {@code precondition1d}; scalars never.
 *       Blocks with equal layout and dtype are batched in one B × … {@link BatchedMatrix} per state tensor and run
 *       through the backend's kernels in one call (K-FAC layers stay one per batch: their statistics differ).</li>
 *   <li><b>Reads</b> the gradients (and K-FAC layer statistics) of every parameter; <b>writes</b> the parameters in
 *       place and the state. State memory per block: the view size × (2 moments) + Σ d_k² × 2 (factor, basis).</li>
 *   <li><b>Cost</b> per step and block of a matrix m × n: factor updates 2(m²n + mn²), rotations 4(m²n + mn²),
 *       O(mn) elementwise; every f steps a refresh (eigh ~9d³, or one QR step ~5d³, per factor).</li>
 *   <li><b>Fails</b> before touching anything with {@link IllegalArgumentException} on a missing, unknown,
 *       wrong-dtype or wrong-size gradient, on missing or mis-shaped layer statistics, and (policy THROW) on a
 *       non-finite gradient; with {@link PreconditionerFailureException} after {@code maxConsecutiveFailures}
 *       failed refreshes of one factor (each failure before that keeps the previous basis; an f32
 *       eigendecomposition that fails is retried in f64 first).</li>
 * </ul>
 * Not thread-safe: one training loop drives it.
 */
public final class EigenbasisOptimizer implements Optimizer {
    private final PreconditionerSpec spec;
    private final List<Parameter> parameters;
    private final List<BlockGroup> groups = new ArrayList<>();
    private final Map<String, BlockGroup> groupOf = new LinkedHashMap<>();
    private final Set<String> layerParameters = new HashSet<>();
    private final byte[] fingerprint;
    private LearningRateSchedule schedule;
    private long steps;
    private long skipped;
    private boolean closed;

    /** With the spec's learning rate supplied by {@code schedule} (see {@link #setSchedule}). */
    public EigenbasisOptimizer(PreconditionerSpec spec, double lr, List<Parameter> parameters, Backend backend) {
        this(spec, lr, parameters, backend, Map.of());
    }

    /**
     * @param fixedBases for {@link Basis#FIXED}: per parameter name, one entry per dim of its shape: a d × d
     *                   orthogonal matrix, row-major, or null for the identity along that dim. Parameters absent
     *                   from the map use the identity.
     */
    public EigenbasisOptimizer(PreconditionerSpec spec, double lr, List<Parameter> parameters, Backend backend,
                               Map<String, List<double[]>> fixedBases) {
        this.spec = Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(parameters, "parameters");
        Objects.requireNonNull(fixedBases, "fixedBases");
        this.schedule = new ConstantLearningRate(lr);
        this.parameters = List.copyOf(parameters);
        Set<String> names = new HashSet<>();
        for (Parameter p : this.parameters) {
            if (!names.add(p.name())) {
                throw new IllegalArgumentException("parameters: the name '" + p.name() + "' appears twice");
            }
        }
        if (spec.basis() == Basis.FIXED && spec.diagonal() != Diagonal.SECOND_MOMENT) {
            throw new IllegalArgumentException("diagonal: a FIXED basis has no eigenvalues; use SECOND_MOMENT, not "
                    + spec.diagonal());
        }
        for (String name : fixedBases.keySet()) {
            if (!names.contains(name)) {
                throw new IllegalArgumentException("fixedBases: no parameter is named '" + name + "'");
            }
        }
        Map<String, List<Parameter>> members = new LinkedHashMap<>();
        Map<String, Object[]> layouts = new LinkedHashMap<>();
        for (Parameter p : this.parameters) {
            BlockRole role;
            int[] view = p.shape();
            boolean[] factored = new boolean[view.length];
            double[][] fixed = null;
            switch (spec.basis()) {
                case IDENTITY -> role = BlockRole.PLAIN;
                case LAYER_FACTORS -> {
                    role = p.rank() == 2 ? BlockRole.LAYER : BlockRole.PLAIN;
                    Arrays.fill(factored, p.rank() == 2);
                }
                case FIXED -> {
                    role = BlockRole.FIXED;
                    fixed = fixedBasesOf(p, fixedBases.get(p.name()), factored);
                }
                default -> {
                    role = BlockRole.FACTORED;
                    if (spec.mergeDims() && p.rank() >= 2) {
                        view = TensorLayout.mergeDims(view, spec.maxPrecondDim());
                    }
                    factored = new boolean[view.length];
                    for (int k = 0; k < view.length; k++) {
                        boolean small = view[k] <= spec.maxPrecondDim();
                        factored[k] = p.rank() == 1 ? small && spec.precondition1d() : small;
                    }
                }
            }
            if (role == BlockRole.LAYER) {
                layerParameters.add(p.name());
            }
            boolean anyFactor = false;
            for (boolean f : factored) {
                anyFactor |= f;
            }
            if (!anyFactor && role != BlockRole.LAYER) {
                role = BlockRole.PLAIN;
            }
            String key = role == BlockRole.LAYER || role == BlockRole.FIXED
                    ? role + ":" + p.name()
                    : role + Arrays.toString(view) + Arrays.toString(factored) + p.dtype();
            members.computeIfAbsent(key, x -> new ArrayList<>()).add(p);
            Object[] layout = layouts.computeIfAbsent(key, x -> new Object[] {null, null, null, new ArrayList<double[][]>()});
            layout[0] = role;
            layout[1] = view;
            layout[2] = factored;
            if (fixed != null) {
                @SuppressWarnings("unchecked")
                List<double[][]> list = (List<double[][]>) layout[3];
                list.add(fixed);
            }
        }
        for (Map.Entry<String, List<Parameter>> e : members.entrySet()) {
            Object[] layout = layouts.get(e.getKey());
            @SuppressWarnings("unchecked")
            BlockGroup group = new BlockGroup(spec, (BlockRole) layout[0], e.getValue(), (int[]) layout[1],
                    (boolean[]) layout[2], backend, (List<double[][]>) layout[3]);
            groups.add(group);
            for (Parameter p : e.getValue()) {
                groupOf.put(p.name(), group);
            }
        }
        this.fingerprint = OptimizerStates.fingerprint(spec.toString() + "|fixed:" + fixedDigest(fixedBases));
    }

    private static double[][] fixedBasesOf(Parameter p, List<double[]> given, boolean[] factored) {
        double[][] out = new double[p.rank()][];
        if (given == null) {
            return out;
        }
        if (given.size() != p.rank()) {
            throw new IllegalArgumentException("fixedBases of '" + p.name() + "': " + given.size()
                    + " matrices for a parameter of rank " + p.rank());
        }
        for (int k = 0; k < p.rank(); k++) {
            double[] q = given.get(k);
            if (q == null) {
                continue;
            }
            int d = p.dim(k);
            if (q.length != d * d) {
                throw new IllegalArgumentException("fixedBases of '" + p.name() + "'[" + k + "]: length " + q.length
                        + " is not " + d + " × " + d);
            }
            double worst = 0;
            for (int i = 0; i < d; i++) {
                for (int j = 0; j < d; j++) {
                    double s = 0;
                    for (int r = 0; r < d; r++) {
                        s += q[r * d + i] * q[r * d + j];
                    }
                    worst = Math.max(worst, Math.abs(s - (i == j ? 1 : 0)));
                }
            }
            if (!(worst <= 1e-6)) {
                throw new IllegalArgumentException("fixedBases of '" + p.name() + "'[" + k + "]: not orthogonal "
                        + "(max |QᵀQ − I| = " + worst + " > 1e-6)");
            }
            out[k] = q.clone();
            factored[k] = true;
        }
        return out;
    }

    // ---- Optimizer ---------------------------------------------------------------------------------------------

    @Override
    public List<Parameter> parameters() {
        return parameters;
    }

    /** The recipe this optimizer runs. */
    public PreconditionerSpec spec() {
        return spec;
    }

    /** Replaces the learning rate of every later step by {@code schedule.lr(step)}. */
    public void setSchedule(LearningRateSchedule schedule) {
        this.schedule = Objects.requireNonNull(schedule, "schedule");
    }

    @Override
    public void step(Gradients gradients) {
        checkOpen();
        Objects.requireNonNull(gradients, "gradients");
        validate(gradients);
        String nonFinite = findNonFinite(gradients);
        if (nonFinite != null) {
            if (spec.nonFinite() == NonFinitePolicy.SKIP_STEP) {
                skipped++;
                return;
            }
            throw new IllegalArgumentException(spec.name() + ": " + nonFinite + "; the step was refused and nothing "
                    + "changed (NonFinitePolicy.SKIP_STEP skips such steps instead)");
        }
        long next = steps + 1;
        double lr = schedule.lr(next);
        if (!(lr >= 0) || Double.isInfinite(lr)) {
            throw new IllegalArgumentException("lr: the schedule returned " + lr + " at step " + next
                    + ", outside [0, ∞)");
        }
        for (BlockGroup group : groups) {
            group.step(gradients, lr);
        }
        steps = next;
    }

    private void validate(Gradients gradients) {
        gradients.requireFits(parameters);
        for (Parameter p : parameters) {
            if (layerParameters.contains(p.name())) {
                Gradients.LayerStatistics st = gradients.layer(p.name());
                if (st == null) {
                    throw new IllegalArgumentException("gradients: K-FAC layer '" + p.name() + "' needs layer "
                            + "statistics (inputs and output gradients) every step");
                }
                st.requireFits(p);
            }
        }
    }

    /** A description of the first non-finite value, or null. */
    private String findNonFinite(Gradients gradients) {
        for (Parameter p : parameters) {
            double sum = 0;
            int n = p.size();
            if (p.dtype() == DType.F64) {
                double[] d = gradients.f64(p.name());
                for (int i = 0; i < n; i++) {
                    sum += d[i] * d[i];
                }
            } else {
                float[] f = gradients.f32(p.name());
                for (int i = 0; i < n; i++) {
                    sum += (double) f[i] * f[i];
                }
            }
            // A NaN or ±∞ entry makes the sum non-finite; only then look for the index (one pass when clean).
            for (int i = 0; !Double.isFinite(sum) && i < n; i++) {
                double x = gradients.get(p.name(), i);
                if (!Double.isFinite(x)) {
                    return "gradient of '" + p.name() + "' has " + x + " at index " + i;
                }
            }
            if (!Double.isFinite(sum) || (p.dtype() == DType.F32 && !Float.isFinite((float) sum))) {
                return "gradient of '" + p.name() + "' has a sum of squares that overflows "
                        + (p.dtype() == DType.F32 ? "f32" : "f64") + " (its factors would hold ∞)";
            }
            if (layerParameters.contains(p.name())) {
                Gradients.LayerStatistics st = gradients.layer(p.name());
                String bad = nonFinite(st.inputs(), "inputs");
                bad = bad != null ? bad : nonFinite(st.outputGradients(), "outputGradients");
                if (bad != null) {
                    return "layer statistics of '" + p.name() + "': " + bad;
                }
            }
        }
        return null;
    }

    private static String nonFinite(double[] x, String what) {
        double sum = 0;
        for (int i = 0; i < x.length; i++) {
            if (!Double.isFinite(x[i])) {
                return what + " has " + x[i] + " at index " + i;
            }
            sum += x[i] * x[i];
        }
        return Double.isFinite(sum) ? null : what + " has a sum of squares that overflows";
    }

    @Override
    public long stepCount() {
        return steps;
    }

    /** Steps skipped under {@link NonFinitePolicy#SKIP_STEP}. */
    public long skippedSteps() {
        return skipped;
    }

    /** Refresh counters of every factor, by parameter (registration order) and dim. */
    public List<RefreshReport> refreshReport() {
        List<RefreshReport> out = new ArrayList<>();
        for (BlockGroup g : groups) {
            g.report(out);
        }
        out.sort((a, b) -> a.parameter().equals(b.parameter()) ? Integer.compare(a.dim(), b.dim())
                : Integer.compare(indexOf(a.parameter()), indexOf(b.parameter())));
        return out;
    }

    private int indexOf(String name) {
        for (int i = 0; i < parameters.size(); i++) {
            if (parameters.get(i).name().equals(name)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * The dense curvature approximation (undamped) of a K-FAC / EK-FAC layer: (out·in) × (out·in), row-major,
     * over vec(W)[i·in + j] = W_ij: (Q_S ⊗ Q_A) diag(c) (Q_S ⊗ Q_A)ᵀ with c_ij = λ_S,i·λ_A,j (K-FAC, = S ⊗ A when
     * the bases are current) or the corrected eigenvalues s_ij (EK-FAC). For tests and inspection of small layers;
     * cost (out·in)³. {@link IllegalArgumentException} for other parameters.
     */
    public double[][] curvature(String parameter) {
        BlockGroup g = groupOf.get(parameter);
        if (g == null || g.role() != BlockRole.LAYER) {
            throw new IllegalArgumentException("curvature: '" + parameter + "' is not a K-FAC layer of this optimizer");
        }
        double[] flat = g.curvature();
        int n = g.blockSize();
        double[][] out = new double[n][n];
        for (int i = 0; i < n; i++) {
            System.arraycopy(flat, i * n, out[i], 0, n);
        }
        return out;
    }

    // ---- state -------------------------------------------------------------------------------------------------

    /** The live state tensors by key (package-private for tests). */
    Map<String, Object> state() {
        Map<String, Object> state = new LinkedHashMap<>();
        for (BlockGroup g : groups) {
            StringBuilder prefix = new StringBuilder();
            for (Parameter p : g.parameters()) {
                prefix.append(prefix.length() == 0 ? "" : ",").append(p.name());
            }
            g.collectState(prefix.append('/').toString(), state);
        }
        return state;
    }

    @Override
    public void save(Path file) throws IOException {
        checkOpen();
        Objects.requireNonNull(file, "file");
        StateFile.write(file, fingerprint, steps, skipped, parameters, state());
    }

    @Override
    public void load(Path file) throws IOException {
        checkOpen();
        Objects.requireNonNull(file, "file");
        OptimizerStates.Counters c = OptimizerStates.restore(file, fingerprint, spec.toString(), parameters, state());
        steps = c.steps();
        skipped = c.skipped();
    }

    /**
     * Frees the state: on a native backend it lives off-heap ({@link Backend#statePlacement()}), so close every
     * optimizer (try-with-resources) rather than leaving it to the collector. Later calls throw; idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (BlockGroup g : groups) {
            g.close();
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException(spec.name() + ": the optimizer is closed");
        }
    }

    private static String fixedDigest(Map<String, List<double[]>> fixed) {
        StringBuilder sb = new StringBuilder();
        fixed.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            sb.append(e.getKey()).append(':');
            for (double[] q : e.getValue()) {
                sb.append(q == null ? "I" : Integer.toHexString(Arrays.hashCode(q))).append(';');
            }
        });
        return sb.toString();
    }
}
