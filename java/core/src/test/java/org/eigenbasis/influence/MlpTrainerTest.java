package org.eigenbasis.influence;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.eigenbasis.spi.Backend;
import org.eigenbasis.spi.Backends;
import org.eigenbasis.value.MlpArchitecture;
import org.junit.jupiter.api.Test;

class MlpTrainerTest {
    private static final Backend JAVA = Backends.select("java");

    @Test
    void batchOrderIsAFreshShuffleOfTheRowsEveryEpoch() {
        int[] rows = {9, 4, 7, 1, 3, 8, 0};
        int[] order = MlpTrainer.batchOrder(rows, 5, 42);
        assertEquals(35, order.length);
        int[] sorted = rows.clone();
        Arrays.sort(sorted);
        boolean epochsDiffer = false;
        for (int e = 0; e < 5; e++) {
            int[] epoch = Arrays.copyOfRange(order, e * 7, (e + 1) * 7);
            int[] s = epoch.clone();
            Arrays.sort(s);
            assertArrayEquals(sorted, s, "epoch " + e + " is a permutation of the rows");
            epochsDiffer |= e > 0 && !Arrays.equals(epoch, Arrays.copyOfRange(order, 0, 7));
        }
        assertTrue(epochsDiffer);
        assertArrayEquals(order, MlpTrainer.batchOrder(rows, 5, 42));
        assertFalse(Arrays.equals(order, MlpTrainer.batchOrder(rows, 5, 43)));
    }

    /**
     * Two epochs of m = 3 rows in batches of 2: steps of 2, 1, 2, 1 rows, T = 4, stepped here by hand with
     * {@link Mlp#gradient} on each batch: buf ← μ·buf + g, θ ← θ − lr(1 + cos(πt/T))/2·buf. The trainer forms the
     * same sums in the same order, so the two agree to the rounding of a few steps (each update within
     * {@link Fixtures#rounding} of the gradient's size times lr).
     */
    @Test
    void sgdMatchesAHandSteppedRun() {
        for (MlpArchitecture arch : Fixtures.allArchitectures()) {
            Mlp init = Fixtures.model(arch, 50);
            Examples data = Fixtures.data(arch, 6, 51);
            int[] subset = {4, 0, 2};
            SgdRecipe recipe = new SgdRecipe(2, 0.1, 2, 0.9, 7);
            Mlp trained = MlpTrainer.train(JAVA, init, data, subset, recipe);

            int[] order = MlpTrainer.batchOrder(subset, 2, 7);
            double[] theta = init.parameters();
            double[] buf = new double[theta.length];
            int[][] batches = {
                {order[0], order[1]}, {order[2]}, {order[3], order[4]}, {order[5]}
            };
            double scale = 0;
            for (int t = 0; t < 4; t++) {
                double[] g = init.withParameters(theta).gradient(data.subset(batches[t]));
                scale = Math.max(scale, Fixtures.maxAbs(g));
                double lr = 0.1 * (1 + Math.cos(Math.PI * t / 4)) / 2;
                for (int i = 0; i < theta.length; i++) {
                    buf[i] = 0.9 * buf[i] + g[i];
                    theta[i] -= lr * buf[i];
                }
            }
            double[] got = trained.parameters();
            double tol = 4 * 0.1 * 4 * Fixtures.rounding(arch, scale);
            for (int i = 0; i < theta.length; i++) {
                assertEquals(theta[i], got[i], tol, arch + " parameter " + i);
            }
            assertFalse(Arrays.equals(init.parameters(), got), "training moved θ");
        }
    }

    @Test
    void trainingIsDeterministicAndIndependentOfItsNeighbours() {
        MlpArchitecture arch = new MlpArchitecture(new int[] {3, 6, 3}, MlpArchitecture.Activation.GELU,
                MlpArchitecture.Loss.CROSS_ENTROPY);
        Mlp init = Mlp.initialize(arch, 3);
        Examples data = Fixtures.data(arch, 40, 4);
        SgdRecipe recipe = SgdRecipe.defaults().withEpochs(3).withBatchSize(8);
        int[] a = {0, 5, 9, 11, 12, 20, 21, 30, 33, 39, 2};
        int[] b = {1, 3, 4, 6, 7};
        Mlp first = MlpTrainer.train(JAVA, init, data, a, recipe);
        Mlp again = MlpTrainer.train(JAVA, init, data, a, recipe);
        assertArrayEquals(first.parameters(), again.parameters(), "same seed, same bits");
        List<Mlp> many = MlpTrainer.trainMany(JAVA, init, data, List.of(b, a), recipe);
        assertArrayEquals(first.parameters(), many.get(1).parameters(), "a job does not depend on its neighbours");
        assertArrayEquals(MlpTrainer.train(JAVA, init, data, b, recipe).parameters(), many.get(0).parameters());
        Mlp other = MlpTrainer.train(JAVA, init, data, a, recipe.withSeed(1));
        assertFalse(Arrays.equals(first.parameters(), other.parameters()), "another seed, another batch order");
        Mlp all = MlpTrainer.train(JAVA, init, data, null, recipe);
        assertArrayEquals(all.parameters(), MlpTrainer.train(JAVA, init, data, allRows(40), recipe).parameters(),
                "null means every row in order");
    }

    private static int[] allRows(int n) {
        int[] rows = new int[n];
        for (int i = 0; i < n; i++) {
            rows[i] = i;
        }
        return rows;
    }

    /** SGD with momentum and the cosine schedule lowers the training loss of a separable toy problem a lot. */
    @Test
    void trainingLowersTheLoss() {
        MlpArchitecture arch = new MlpArchitecture(new int[] {2, 16, 2}, MlpArchitecture.Activation.TANH,
                MlpArchitecture.Loss.CROSS_ENTROPY);
        int n = 64;
        double[] x = Fixtures.gaussian(new java.util.Random(5), 2 * n);
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = x[2 * i] + x[2 * i + 1] > 0 ? 1 : 0;
        }
        Examples data = Examples.classification(x, n, 2, labels);
        Mlp init = Mlp.initialize(arch, 0);
        Mlp trained = MlpTrainer.train(JAVA, init, data, null, SgdRecipe.defaults().withEpochs(50).withLearningRate(0.1));
        assertTrue(trained.meanLoss(data) < 0.5 * init.meanLoss(data),
                init.meanLoss(data) + " → " + trained.meanLoss(data));
        assertTrue(trained.accuracy(data) > 0.9, "accuracy " + trained.accuracy(data));
    }

    @Test
    void initialParametersFollowPytorchDefaultBounds() {
        MlpArchitecture arch = new MlpArchitecture(new int[] {64, 64, 32, 10}, MlpArchitecture.Activation.GELU,
                MlpArchitecture.Loss.CROSS_ENTROPY);
        double[] theta = Mlp.initialParameters(arch, 0);
        assertEquals(6570, theta.length);
        assertArrayEquals(theta, Mlp.initialParameters(arch, 0));
        for (int l = 0; l < arch.depth(); l++) {
            double bound = 1 / Math.sqrt(arch.width(l));
            double max = 0;
            for (int i = arch.weightOffset(l); i < arch.biasOffset(l) + arch.width(l + 1); i++) {
                assertTrue(Math.abs(theta[i]) <= bound, "entry " + i);
                max = Math.max(max, Math.abs(theta[i]));
            }
            assertTrue(max > 0.9 * bound, "layer " + l + " fills its range");
        }
        java.util.Random r = new java.util.Random(0);
        assertEquals(0.125 * (2 * r.nextDouble() - 1), theta[0], 0, "first draw of Random(0), W_0[0,0]");
    }
}
