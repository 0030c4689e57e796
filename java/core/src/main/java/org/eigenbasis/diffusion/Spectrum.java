package org.eigenbasis.diffusion;

import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eigenbasis.linalg.EighOptions;
import org.eigenbasis.linalg.EighResult;
import org.eigenbasis.linalg.SymmetricEigen;
import org.eigenbasis.linalg.SymmetryCheck;
import org.eigenbasis.spi.Backend;
import org.eigenbasis.train.Dataset;
import org.eigenbasis.train.Digits;
import org.eigenbasis.value.BatchedMatrix;
import org.eigenbasis.value.DType;

/**
 * The eigen-decomposition Σ = U diag(λ) Uᵀ of a data covariance, the input of the per-mode closed forms
 * ({@link ModeDynamics}) and of {@link EmergenceTimes}. Eigenvalues are held in <b>descending</b> order
 * (λ₁ ≥ λ₂ ≥ … ≥ λ_d ≥ 0, so mode 1 is the largest, as in λ_k = k^(−β)); eigenvectors, when present, are the
 * columns of {@link #vectors()} in the same order. Immutable; accessors return copies.
 */
public final class Spectrum {
    /**
     * Relative symmetry tolerance of {@link #fromCovariance}: |a_ij − a_ji| ≤ 1e-8·max|a|. A covariance accumulated
     * in f64 is symmetric to rounding (about n·ε ≈ 1e-10 for 10⁶ samples); a matrix off by more is not a covariance.
     */
    public static final double SYMMETRY_TOLERANCE = 1e-8;
    private static final Pattern POWER_LAW = Pattern.compile(
            "\\s*powerlaw\\s*\\(\\s*d\\s*=\\s*([^,\\s)]+)\\s*,\\s*beta\\s*=\\s*([^,\\s)]+)\\s*\\)\\s*",
            Pattern.CASE_INSENSITIVE);

    private final String name;
    private final double[] values;
    private final double[][] vectors;

    private Spectrum(String name, double[] values, double[][] vectors) {
        this.name = name;
        this.values = values;
        this.vectors = vectors;
    }

    /**
     * Eigenvalues given directly (no vectors), sorted here into descending order; each finite and ≥ 0.
     *
     * @throws IllegalArgumentException naming the index of the first negative or non-finite value, or an empty array
     */
    public static Spectrum of(String name, double[] eigenvalues) {
        Objects.requireNonNull(eigenvalues, "eigenvalues");
        if (eigenvalues.length == 0) {
            throw new IllegalArgumentException("eigenvalues: empty; need at least one mode");
        }
        for (int k = 0; k < eigenvalues.length; k++) {
            if (!(eigenvalues[k] >= 0) || !Double.isFinite(eigenvalues[k])) {
                throw new IllegalArgumentException("eigenvalues[" + k + "]: " + eigenvalues[k]
                        + " is outside [0, ∞) (finite)");
            }
        }
        double[] sorted = eigenvalues.clone();
        Arrays.sort(sorted);
        reverse(sorted);
        return new Spectrum(name == null ? "eigenvalues" : name, sorted, null);
    }

    /** λ_k = k^(−β), k = 1..d (descending), no vectors (the basis is any orthonormal one). d ≥ 1, β finite ≥ 0. */
    public static Spectrum powerLaw(int d, double beta) {
        if (d < 1) {
            throw new IllegalArgumentException("d: " + d + " is outside [1, " + Integer.MAX_VALUE + "]");
        }
        if (!(beta >= 0) || !Double.isFinite(beta)) {
            throw new IllegalArgumentException("beta: " + beta + " is outside [0, ∞) (finite)");
        }
        double[] v = new double[d];
        for (int k = 1; k <= d; k++) {
            v[k - 1] = Math.pow(k, -beta);
        }
        return new Spectrum(String.format(Locale.ROOT, "powerlaw(d=%d,beta=%s)", d, fmt(beta)), v, null);
    }

    /**
     * Parses the CLI form {@code powerlaw(d=D,beta=B)} (case-insensitive, spaces allowed), e.g.
     * {@code powerlaw(d=32,beta=1)}, or {@code digits}.
     *
     * @throws IllegalArgumentException "spectrum: ..." naming what is wrong
     */
    public static Spectrum parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("spectrum: missing; expected powerlaw(d=D,beta=B) or digits");
        }
        if (text.trim().equalsIgnoreCase("digits")) {
            return digits();
        }
        Matcher m = POWER_LAW.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("spectrum: '" + text + "' is not powerlaw(d=D,beta=B) or digits");
        }
        int d;
        double beta;
        try {
            d = Integer.parseInt(m.group(1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("spectrum: d = '" + m.group(1) + "' is not an integer in [1, "
                    + Integer.MAX_VALUE + "]");
        }
        try {
            beta = Double.parseDouble(m.group(2));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("spectrum: beta = '" + m.group(2) + "' is not a number in [0, ∞)");
        }
        try {
            return powerLaw(d, beta);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("spectrum: " + e.getMessage(), e);
        }
    }

    /** {@link #fromCovariance(BatchedMatrix, Backend)} of a {@code double[d][d]}. */
    public static Spectrum fromCovariance(double[][] covariance, Backend backend) {
        Objects.requireNonNull(covariance, "covariance");
        for (int i = 0; i < covariance.length; i++) {
            if (covariance[i] == null || covariance[i].length != covariance.length) {
                throw new IllegalArgumentException("covariance: row " + i + " has length "
                        + (covariance[i] == null ? "null" : covariance[i].length) + ", expected " + covariance.length);
            }
        }
        if (covariance.length == 0) {
            throw new IllegalArgumentException("covariance: empty; need a d × d matrix with d ≥ 1");
        }
        try (BatchedMatrix m = BatchedMatrix.of(covariance)) {
            return fromCovariance(m, backend);
        }
    }

    /**
     * The eigenvalues and eigenvectors of one symmetric covariance (batch 1, d × d, f32 is widened to f64), by the
     * backend's eigh: about 9d³ flops, O(d²) memory; the input is not modified.
     *
     * <p>Refused, before the decomposition where possible, with {@link IllegalArgumentException}: batch ≠ 1, not
     * square, a non-finite entry, |a_ij − a_ji| &gt; {@link #SYMMETRY_TOLERANCE}·max|a|, or an eigenvalue below
     * −tol (naming its index in descending order and its value), tol = 8·d·ε·max_k|λ_k|, eigh's backward-error
     * scale. Eigenvalues in [−tol, 0) are rounding of a positive semi-definite matrix and are <b>clipped to 0</b>.
     */
    public static Spectrum fromCovariance(BatchedMatrix covariance, Backend backend) {
        Objects.requireNonNull(covariance, "covariance");
        Objects.requireNonNull(backend, "backend");
        if (covariance.batch() != 1 || !covariance.isSquare()) {
            throw new IllegalArgumentException("covariance: shape " + covariance.shape()
                    + " is not one square matrix (1 × d × d)");
        }
        int d = covariance.rows();
        EighOptions options = EighOptions.defaults().withSymmetryCheck(SymmetryCheck.relative(SYMMETRY_TOLERANCE));
        BatchedMatrix input = covariance.dtype() == DType.F64 ? covariance : covariance.convert(DType.F64);
        try (EighResult r = SymmetricEigen.on(backend).decompose(input, options)) {
            double[] ascending = r.valuesOf(0);
            double[][] v = r.vectorsOf(0);
            double scale = 0;
            for (double w : ascending) {
                scale = Math.max(scale, Math.abs(w));
            }
            double tol = 8 * d * Math.ulp(1.0) * scale;
            double[] values = new double[d];
            double[][] vectors = new double[d][d];
            for (int k = 0; k < d; k++) {
                double w = ascending[d - 1 - k];
                if (w < -tol) {
                    throw new IllegalArgumentException("covariance: eigenvalue " + k + " (descending) is " + w
                            + ", below −" + tol + " (8·d·ε·max|λ|): not positive semi-definite");
                }
                values[k] = Math.max(w, 0);
                for (int i = 0; i < d; i++) {
                    vectors[i][k] = v[i][d - 1 - k];
                }
            }
            return new Spectrum("covariance(d=" + d + ")", values, vectors);
        } finally {
            if (input != covariance) {
                input.close();
            }
        }
    }

    /**
     * A translation-invariant (circulant) covariance C_ij = c_((j − i) mod d) with first row c, which must be
     * symmetric: |c_j − c_(d−j)| ≤ {@link #SYMMETRY_TOLERANCE}·max|c|. Its eigenvalues are the real DFT of the first
     * row, μ_m = Σ_j c_j cos(2πjm/d), computed here in O(d²); its modes are the real Fourier modes: the constant
     * 1/√d (m = 0), the pairs √(2/d)·cos(2πjm/d) and √(2/d)·sin(2πjm/d) sharing μ_m = μ_(d−m) for 0 &lt; m &lt; d/2,
     * and (−1)^j/√d for m = d/2 when d is even. Eigenvalues below −8·d·ε·Σ|c_j| are refused naming m, smaller
     * negatives clipped to 0. Sorted descending; ties keep the order m = 0, 1, …, cos before sin.
     */
    public static Spectrum circulant(double[] firstRow) {
        Objects.requireNonNull(firstRow, "firstRow");
        int d = firstRow.length;
        if (d == 0) {
            throw new IllegalArgumentException("firstRow: empty; need d ≥ 1");
        }
        double max = 0;
        double sum = 0;
        for (int j = 0; j < d; j++) {
            if (!Double.isFinite(firstRow[j])) {
                throw new IllegalArgumentException("firstRow[" + j + "]: " + firstRow[j] + " is not finite");
            }
            max = Math.max(max, Math.abs(firstRow[j]));
            sum += Math.abs(firstRow[j]);
        }
        for (int j = 1; j < d; j++) {
            if (!(Math.abs(firstRow[j] - firstRow[d - j]) <= SYMMETRY_TOLERANCE * max)) {
                throw new IllegalArgumentException("firstRow: c[" + j + "] = " + firstRow[j] + " ≠ c[" + (d - j) + "] = "
                        + firstRow[d - j] + ": the circulant is not symmetric");
            }
        }
        double tol = 8 * d * Math.ulp(1.0) * sum;
        double[] raw = new double[d];
        double[][] modes = new double[d][];
        for (int m = 0; m < d; m++) {
            double mu = 0;
            for (int j = 0; j < d; j++) {
                mu += firstRow[j] * Math.cos(2 * Math.PI * (((long) j * m) % d) / d);
            }
            if (mu < -tol) {
                throw new IllegalArgumentException("firstRow: Fourier eigenvalue m = " + m + " is " + mu + ", below −"
                        + tol + ": not positive semi-definite");
            }
            raw[m] = Math.max(mu, 0);
            modes[m] = fourierMode(d, m);
        }
        Integer[] order = new Integer[d];
        for (int k = 0; k < d; k++) {
            order[k] = k;
        }
        Arrays.sort(order, (a, b) -> Double.compare(raw[b], raw[a]));
        double[] values = new double[d];
        double[][] vectors = new double[d][d];
        for (int k = 0; k < d; k++) {
            values[k] = raw[order[k]];
            for (int i = 0; i < d; i++) {
                vectors[i][k] = modes[order[k]][i];
            }
        }
        return new Spectrum("circulant(d=" + d + ")", values, vectors);
    }

    /**
     * The real Fourier mode that slot m of {@link #circulant} holds: index m ≤ d/2 is the cosine at frequency m,
     * index d − m (0 &lt; m &lt; d/2) the sine at frequency m.
     */
    private static double[] fourierMode(int d, int m) {
        double[] v = new double[d];
        boolean sine = m > d / 2;
        int freq = sine ? d - m : m;
        double norm = (freq == 0 || 2 * freq == d) ? Math.sqrt(1.0 / d) : Math.sqrt(2.0 / d);
        for (int j = 0; j < d; j++) {
            double angle = 2 * Math.PI * (((long) j * freq) % d) / d;
            v[j] = norm * (sine ? Math.sin(angle) : Math.cos(angle));
        }
        return v;
    }

    /**
     * The covariance of the UCI digits features ({@link Digits#load()}: all 1797 samples, 64 pixels scaled to
     * [0, 1] by /16), centred by the sample mean, divided by n − 1, decomposed by the java backend's eigh
     * (through {@link #fromCovariance}). Pixels that are 0 in every image give eigenvalues 0.
     */
    public static Spectrum digits() {
        return fromCovariance(digitsCovariance(), org.eigenbasis.spi.Backends.select("java")).renamed("digits");
    }

    /** The 64 × 64 sample covariance {@link #digits()} decomposes. */
    public static double[][] digitsCovariance() {
        Dataset data = Digits.load();
        int n = data.samples();
        int p = data.featureCount();
        double[] x = data.features();
        double[] mean = new double[p];
        for (int s = 0; s < n; s++) {
            for (int i = 0; i < p; i++) {
                mean[i] += x[s * p + i];
            }
        }
        for (int i = 0; i < p; i++) {
            mean[i] /= n;
        }
        double[][] c = new double[p][p];
        for (int s = 0; s < n; s++) {
            for (int i = 0; i < p; i++) {
                double xi = x[s * p + i] - mean[i];
                for (int j = 0; j <= i; j++) {
                    c[i][j] += xi * (x[s * p + j] - mean[j]);
                }
            }
        }
        for (int i = 0; i < p; i++) {
            for (int j = 0; j <= i; j++) {
                c[i][j] /= n - 1;
                c[j][i] = c[i][j];
            }
        }
        return c;
    }

    private Spectrum renamed(String newName) {
        return new Spectrum(newName, values, vectors);
    }

    /** A short description, e.g. {@code powerlaw(d=32,beta=1)}, {@code digits}, {@code circulant(d=16)}. */
    public String name() {
        return name;
    }

    /** Number of modes d. */
    public int size() {
        return values.length;
    }

    /** The eigenvalues, descending (a copy). */
    public double[] values() {
        return values.clone();
    }

    /** Eigenvalue k (0-based, descending). */
    public double value(int k) {
        return values[k];
    }

    /** Whether eigenvectors are held ({@link #fromCovariance}, {@link #circulant}, {@link #digits}). */
    public boolean hasVectors() {
        return vectors != null;
    }

    /**
     * The eigenvectors in columns (vectors[i][k] = component i of mode k), orthonormal, in the order of
     * {@link #values()} (a copy).
     *
     * @throws IllegalStateException when this spectrum has none ({@link #powerLaw}, {@link #of})
     */
    public double[][] vectors() {
        if (vectors == null) {
            throw new IllegalStateException("vectors: " + name + " holds eigenvalues only");
        }
        double[][] copy = new double[vectors.length][];
        for (int i = 0; i < vectors.length; i++) {
            copy[i] = vectors[i].clone();
        }
        return copy;
    }

    /**
     * The rounding floor 8·d·ε·λ₁: eigenvalues at or below it are indistinguishable from 0 for an eigh of this
     * size, and {@link PowerLawFit} leaves them out by default.
     */
    public double roundingFloor() {
        return 8 * values.length * Math.ulp(1.0) * values[0];
    }

    @Override
    public String toString() {
        return name + " " + Arrays.toString(values);
    }

    private static void reverse(double[] a) {
        for (int i = 0, j = a.length - 1; i < j; i++, j--) {
            double t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    private static String fmt(double x) {
        return x == Math.rint(x) && Math.abs(x) < 1e15 ? Long.toString((long) x) : Double.toString(x);
    }
}
