package org.eigenbasis.influence;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.eigenbasis.spi.Backend;

/**
 * Trains {@link Mlp}s by the {@link SgdRecipe} on a backend's {@link org.eigenbasis.spi.MlpKernel}: one model on a
 * data set or a subset of it, or many subsets at once (the retraining of LDS, where jobs may run in parallel). Every
 * job starts from the same initial parameters and draws its batch order from its own
 * {@code java.util.Random(recipe.seed())}, so a job's result depends only on (initial θ, rows, recipe): the same
 * seed gives the same bits whatever else is trained beside it, on a given backend.
 */
public final class MlpTrainer {
    private MlpTrainer() {
    }

    /**
     * The batch order of a job: {@code epochs} epochs back to back, each a Fisher-Yates shuffle of {@code rows} (in
     * the given order) drawn from one {@code java.util.Random(seed)} shared by all epochs: for i = m−1 down to 1,
     * swap positions i and {@code random.nextInt(i + 1)}. Length epochs·m.
     */
    public static int[] batchOrder(int[] rows, int epochs, long seed) {
        if (rows == null) {
            throw new IllegalArgumentException("rows: null");
        }
        if (epochs < 1) {
            throw new IllegalArgumentException("epochs: " + epochs + " is outside [1, " + SgdRecipe.MAX_EPOCHS + "]");
        }
        int m = rows.length;
        if ((long) m * epochs > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("rows: " + m + " rows × " + epochs + " epochs do not fit one array");
        }
        int[] order = new int[m * epochs];
        Random random = new Random(seed);
        int[] perm = new int[m];
        for (int e = 0; e < epochs; e++) {
            System.arraycopy(rows, 0, perm, 0, m);
            for (int i = m - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int t = perm[i];
                perm[i] = perm[j];
                perm[j] = t;
            }
            System.arraycopy(perm, 0, order, e * m, m);
        }
        return order;
    }

    /**
     * Trains one model from {@code initial} on the rows {@code subsetOrNull} of data (all n rows, in order 0..n−1,
     * when null). Cost about 6·epochs·m·P flops.
     *
     * @throws IllegalArgumentException if an argument is null (other than the subset), the data do not fit the
     *                                  model, the subset is empty or has a row outside [0, n)
     */
    public static Mlp train(Backend backend, Mlp initial, Examples data, int[] subsetOrNull, SgdRecipe recipe) {
        checkCommon(backend, initial, data, recipe);
        int[] rows = subsetOrNull == null ? allRows(data.n()) : checkSubset("subset", subsetOrNull, data.n());
        return run(backend, initial, data, List.of(rows), recipe).get(0);
    }

    /**
     * Trains one model per subset, each from {@code initial} with the recipe (same seed for every subset), through
     * one {@link org.eigenbasis.spi.MlpKernel#train} call. Returns the models in the order of {@code subsets}.
     * Memory: the batch orders, Σ_j epochs·|subset_j| ints.
     *
     * @throws IllegalArgumentException as {@link #train}, naming {@code subsets[j]} and the row index
     */
    public static List<Mlp> trainMany(Backend backend, Mlp initial, Examples data, List<int[]> subsets,
                                      SgdRecipe recipe) {
        checkCommon(backend, initial, data, recipe);
        if (subsets == null) {
            throw new IllegalArgumentException("subsets: null");
        }
        List<int[]> rows = new ArrayList<>(subsets.size());
        for (int j = 0; j < subsets.size(); j++) {
            rows.add(checkSubset("subsets[" + j + "]", subsets.get(j), data.n()));
        }
        if (rows.isEmpty()) {
            return List.of();
        }
        return run(backend, initial, data, rows, recipe);
    }

    private static List<Mlp> run(Backend backend, Mlp initial, Examples data, List<int[]> subsets, SgdRecipe recipe) {
        int jobs = subsets.size();
        double[][] params = new double[jobs][];
        int[][] orders = new int[jobs][];
        for (int j = 0; j < jobs; j++) {
            params[j] = initial.parameters();
            orders[j] = batchOrder(subsets.get(j), recipe.epochs(), recipe.seed());
        }
        backend.mlp().train(initial.architecture(), params, data.x(), data.y(), orders, recipe.epochs(),
                recipe.batchSize(), recipe.learningRate(), recipe.momentum());
        List<Mlp> out = new ArrayList<>(jobs);
        for (int j = 0; j < jobs; j++) {
            out.add(initial.withParameters(params[j]));
        }
        return Collections.unmodifiableList(out);
    }

    private static void checkCommon(Backend backend, Mlp initial, Examples data, SgdRecipe recipe) {
        if (backend == null) {
            throw new IllegalArgumentException("backend: null");
        }
        if (initial == null) {
            throw new IllegalArgumentException("initial: null");
        }
        if (data == null) {
            throw new IllegalArgumentException("data: null");
        }
        if (recipe == null) {
            throw new IllegalArgumentException("recipe: null");
        }
        data.validate(initial.architecture());
    }

    private static int[] allRows(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("data: n = 0; training needs at least 1 example");
        }
        int[] rows = new int[n];
        for (int i = 0; i < n; i++) {
            rows[i] = i;
        }
        return rows;
    }

    private static int[] checkSubset(String name, int[] rows, int n) {
        if (rows == null) {
            throw new IllegalArgumentException(name + ": null");
        }
        if (rows.length == 0) {
            throw new IllegalArgumentException(name + ": empty; training needs at least 1 example");
        }
        for (int r = 0; r < rows.length; r++) {
            if (rows[r] < 0 || rows[r] >= n) {
                throw new IllegalArgumentException(name + "[" + r + "]: " + rows[r] + " is outside [0, " + n + ")");
            }
        }
        return rows.clone();
    }
}
