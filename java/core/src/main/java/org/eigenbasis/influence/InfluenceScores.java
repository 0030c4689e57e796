package org.eigenbasis.influence;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.eigenbasis.value.BatchedMatrix;

/**
 * Influence scores S[t][i] = −∇l_tᵀ (C + δI)^-1 ∇l_i of per-example losses (not divided by n), and
 * self-influence ∇l_iᵀ (C + δI)^-1 ∇l_i. For a {@link Curvature} the test gradients are rotated into its eigenbasis
 * once, and training gradients in blocks of at most {@value #CHUNK_BYTES} bytes, so one pass serves any number of
 * dampings; for any other {@link InverseOperator} the inverse is applied to the test gradients. Cost with a dense
 * eigenbasis: 2(n_test + n_train)P² for the rotations plus 2·n_test·n_train·P per damping.
 */
public final class InfluenceScores {
    static final long CHUNK_BYTES = 32L << 20;
    /** Bytes of stacked weighted test rows per product in {@link #pairwise(Curvature, Damping[], PerExampleGradients,
     * PerExampleGradients)}. */
    static final long STACK_BYTES = 64L << 20;

    private InfluenceScores() {
    }

    /** S (n_test × n_train, row-major) for one damping. */
    public static double[] pairwise(InverseOperator curvature, Damping damping, PerExampleGradients test,
                                    PerExampleGradients train) {
        Objects.requireNonNull(damping, "damping");
        if (curvature instanceof Curvature c) {
            return pairwise(c, new Damping[] {damping}, test, train)[0];
        }
        check(curvature, test, train);
        int p = curvature.dimension();
        int nt = test.count();
        double[] x = curvature.applyInverse(test.rows(0, nt), nt, damping);
        Products products = productsFor(curvature);
        double[] s = new double[nt * train.count()];
        forChunks(train, p, (from, to) -> {
            double[] block = products.weightedProduct(x, nt, null, train.rows(from, to), to - from, p, -1);
            place(block, nt, from, to, s, train.count());
        });
        return s;
    }

    /**
     * S for each damping, sharing the rotations: result[d] is n_test × n_train. The dampings' weighted test rows
     * (rotated test gradient ⊙ w_δ, each product rounded once as the kernels' X·diag(w)) are stacked into one
     * matrix, so each block of training points costs one product with all dampings (in groups of at most
     * {@value #STACK_BYTES} bytes of stacked rows) rather than one per damping.
     */
    public static double[][] pairwise(Curvature curvature, Damping[] dampings, PerExampleGradients test,
                                      PerExampleGradients train) {
        check(curvature, test, train);
        Objects.requireNonNull(dampings, "dampings");
        int p = curvature.dimension();
        int nt = test.count();
        int ni = train.count();
        double[][] weights = new double[dampings.length][];
        for (int d = 0; d < dampings.length; d++) {
            weights[d] = curvature.inverseWeights(Objects.requireNonNull(dampings[d], "dampings[" + d + "]"));
        }
        double[][] s = new double[dampings.length][nt * ni];
        if (dampings.length == 0) {
            return s;
        }
        double[] rotatedTest = rotate(curvature, test, 0, nt);
        Products products = productsFor(curvature);
        int group = (int) Math.max(1, Math.min(dampings.length, STACK_BYTES / (8L * nt * p)));
        List<BatchedMatrix> stacks = new ArrayList<>();
        try {
            for (int d0 = 0; d0 < dampings.length; d0 += group) {
                int d1 = Math.min(dampings.length, d0 + group);
                double[] stacked = new double[(d1 - d0) * nt * p];
                for (int d = d0; d < d1; d++) {
                    double[] w = weights[d];
                    int base = (d - d0) * nt * p;
                    for (int t = 0; t < nt; t++) {
                        for (int j = 0; j < p; j++) {
                            stacked[base + t * p + j] = rotatedTest[t * p + j] * w[j];
                        }
                    }
                }
                stacks.add(products.wrap(stacked, (d1 - d0) * nt, p));
            }
            forChunks(train, p, (from, to) -> {
                int k = to - from;
                try (BatchedMatrix rotated = products.wrap(rotate(curvature, train, from, to), k, p)) {
                    for (int gi = 0; gi < stacks.size(); gi++) {
                        double[] block = products.weightedProduct(stacks.get(gi), null, rotated, -1);
                        for (int d = gi * group; d < Math.min(dampings.length, (gi + 1) * group); d++) {
                            int first = (d - gi * group) * nt * k;
                            for (int t = 0; t < nt; t++) {
                                System.arraycopy(block, first + t * k, s[d], t * ni + from, k);
                            }
                        }
                    }
                }
            });
        } finally {
            for (BatchedMatrix m : stacks) {
                m.close();
            }
        }
        return s;
    }

    /**
     * The test side of {@link #pairwise(Curvature, Damping[], PerExampleGradients, PerExampleGradients)} for one
     * damping, formed once and kept: row t is ∇l_t rotated into the curvature's eigenbasis times the weights of
     * (C + δI)^-1 coordinate by coordinate (n_test × P, row-major), the very rows pairwise forms, so that training
     * points scored elsewhere against it ({@link #pairwise(Curvature, double[], int, PerExampleGradients)}, on
     * another machine with the same curvature) get pairwise's scores. Cost: one rotation of n_test rows.
     */
    public static double[] preconditionedTest(Curvature curvature, Damping damping, PerExampleGradients test) {
        Objects.requireNonNull(curvature, "curvature");
        Objects.requireNonNull(damping, "damping");
        Objects.requireNonNull(test, "test");
        int p = curvature.dimension();
        if (test.dimension() != p) {
            throw new IllegalArgumentException("test: " + test.dimension() + " parameters, the curvature has " + p);
        }
        int nt = test.count();
        double[] w = curvature.inverseWeights(damping);
        double[] out = rotate(curvature, test, 0, nt);
        for (int t = 0; t < nt; t++) {
            for (int j = 0; j < p; j++) {
                out[t * p + j] = out[t * p + j] * w[j];
            }
        }
        return out;
    }

    /**
     * S (n_test × n_train, row-major) of the training points {@code train} against test rows from
     * {@link #preconditionedTest} of the same curvature and damping: the training gradients rotated in blocks of at
     * most {@value #CHUNK_BYTES} bytes and one product per block, S = −X·Yᵀ, as pairwise does.
     */
    public static double[] pairwise(Curvature curvature, double[] preconditionedTest, int nTest,
                                    PerExampleGradients train) {
        Objects.requireNonNull(curvature, "curvature");
        Objects.requireNonNull(train, "train");
        int p = curvature.dimension();
        Checks.rows("preconditionedTest", preconditionedTest, nTest, p);
        if (train.dimension() != p) {
            throw new IllegalArgumentException("train: " + train.dimension() + " parameters, the curvature has " + p);
        }
        int ni = train.count();
        if ((long) nTest * ni > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("test x train: " + (long) nTest * ni
                    + " scores, more than one array holds; score the training points in blocks");
        }
        Products products = productsFor(curvature);
        double[] s = new double[nTest * ni];
        try (BatchedMatrix x = products.wrap(preconditionedTest, nTest, p)) {
            forChunks(train, p, (from, to) -> {
                int k = to - from;
                try (BatchedMatrix rotated = products.wrap(rotate(curvature, train, from, to), k, p)) {
                    place(products.weightedProduct(x, null, rotated, -1), nTest, from, to, s, ni);
                }
            });
        }
        return s;
    }

    /**
     * The k = to − from gradients of examples [from, to) in the curvature's eigenbasis: rotated from their factors
     * when both are Kronecker-structured with the same layers, else expanded and rotated.
     */
    static double[] rotate(Curvature curvature, PerExampleGradients g, int from, int to) {
        if (curvature instanceof KroneckerCurvature kc && g instanceof FactoredGradients fg && kc.accepts(fg)) {
            return kc.toEigenbasis(fg, from, to);
        }
        return curvature.toEigenbasis(g.rows(from, to), to - from);
    }

    /** Self-influence ∇l_iᵀ (C + δI)^-1 ∇l_i of every training point. */
    public static double[] selfInfluence(InverseOperator curvature, Damping damping, PerExampleGradients train) {
        Objects.requireNonNull(curvature, "curvature");
        Objects.requireNonNull(damping, "damping");
        Objects.requireNonNull(train, "train");
        int p = curvature.dimension();
        if (train.dimension() != p) {
            throw new IllegalArgumentException("train: " + train.dimension() + " parameters, the curvature has " + p);
        }
        double[] out = new double[train.count()];
        double[] w = curvature instanceof Curvature c ? c.inverseWeights(damping) : null;
        forChunks(train, p, (from, to) -> {
            int k = to - from;
            double[] rows = w != null ? null : train.rows(from, to);
            double[] left = w != null ? rotate((Curvature) curvature, train, from, to) : curvature.applyInverse(rows, k, damping);
            double[] right = w != null ? left : rows;
            for (int r = 0; r < k; r++) {
                double sum = 0;
                for (int j = 0; j < p; j++) {
                    sum += (w != null ? w[j] : 1) * left[r * p + j] * right[r * p + j];
                }
                out[from + r] = sum;
            }
        });
        return out;
    }

    /** The k most helpful and harmful training points of each test point of S (nTest × nTrain). */
    public static TopK topK(double[] scores, int nTest, int nTrain, int k) {
        Objects.requireNonNull(scores, "scores");
        if (nTest < 1 || nTrain < 1 || (long) nTest * nTrain != scores.length) {
            throw new IllegalArgumentException("scores: length " + scores.length + " is not nTest " + nTest
                    + " x nTrain " + nTrain);
        }
        if (k < 1 || k > nTrain) {
            throw new IllegalArgumentException("k: " + k + " is outside [1, " + nTrain + "]");
        }
        int[][] helpful = new int[nTest][];
        int[][] harmful = new int[nTest][];
        double[][] helpfulScores = new double[nTest][k];
        double[][] harmfulScores = new double[nTest][k];
        for (int t = 0; t < nTest; t++) {
            int row = t * nTrain;
            Integer[] order = new Integer[nTrain];
            for (int i = 0; i < nTrain; i++) {
                order[i] = i;
            }
            Arrays.sort(order, (x, y) -> {
                int c = Double.compare(scores[row + x], scores[row + y]);
                return c != 0 ? c : Integer.compare(x, y);
            });
            helpful[t] = new int[k];
            harmful[t] = new int[k];
            for (int j = 0; j < k; j++) {
                helpful[t][j] = order[j];
                helpfulScores[t][j] = scores[row + order[j]];
            }
            Arrays.sort(order, (x, y) -> {
                int c = Double.compare(scores[row + y], scores[row + x]);
                return c != 0 ? c : Integer.compare(x, y);
            });
            for (int j = 0; j < k; j++) {
                harmful[t][j] = order[j];
                harmfulScores[t][j] = scores[row + order[j]];
            }
        }
        return new TopK(helpful, helpfulScores, harmful, harmfulScores);
    }

    private interface ChunkAction {
        void run(int from, int to);
    }

    private static void forChunks(PerExampleGradients g, int p, ChunkAction action) {
        int most = (int) Math.max(1, Math.min(g.count(), CHUNK_BYTES / (8L * p)));
        int chunks = (g.count() + most - 1) / most;
        int per = (g.count() + chunks - 1) / chunks;          // equal chunks: no short last product
        for (int from = 0; from < g.count(); from += per) {
            int to = Math.min(g.count(), from + per);
            action.run(from, to);
        }
    }

    private static void place(double[] block, int nt, int from, int to, double[] s, int ni) {
        int k = to - from;
        for (int t = 0; t < nt; t++) {
            System.arraycopy(block, t * k, s, t * ni + from, k);
        }
    }

    private static void check(InverseOperator curvature, PerExampleGradients test, PerExampleGradients train) {
        Objects.requireNonNull(curvature, "curvature");
        Objects.requireNonNull(test, "test");
        Objects.requireNonNull(train, "train");
        int p = curvature.dimension();
        if (test.dimension() != p) {
            throw new IllegalArgumentException("test: " + test.dimension() + " parameters, the curvature has " + p);
        }
        if (train.dimension() != p) {
            throw new IllegalArgumentException("train: " + train.dimension() + " parameters, the curvature has " + p);
        }
        if ((long) test.count() * train.count() > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("test x train: " + (long) test.count() * train.count()
                    + " scores, more than one array holds; score the test points in blocks");
        }
    }

    private static Products productsFor(InverseOperator curvature) {
        if (curvature instanceof Backed b) {
            return b.products();
        }
        return new Products(org.eigenbasis.spi.Backends.select("java"));
    }
}
