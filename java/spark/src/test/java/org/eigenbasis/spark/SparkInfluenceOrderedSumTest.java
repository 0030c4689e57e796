package org.eigenbasis.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The combine of SparkInfluence's treeAggregate: any grouping and order of the partitions' values gives the same
 * bits, the canonical tree's sum; empty partitions are the identity; a partition counted twice or missing is refused.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SparkInfluenceOrderedSumTest {
    private static double[] plus(double[] x, double[] y) {
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = x[i] + y[i];
        }
        return out;
    }

    /** The canonical tree over [lo, hi) ∩ [0, p): the reference the merge must reproduce. */
    private static double[] canonical(double[][] leaves, int p) {
        double[] sum = null;
        int start = 0;
        while (start < p) {
            int size = 1;
            while (start % (2 * size) == 0 && start + 2 * size <= p) {
                size *= 2;
            }
            double[] node = tree(leaves, start, size);
            sum = sum == null ? node : node == null ? sum : plus(sum, node);
            start += size;
        }
        return sum;
    }

    private static double[] tree(double[][] leaves, int start, int size) {
        if (size == 1) {
            return leaves[start];
        }
        double[] l = tree(leaves, start, size / 2);
        double[] r = tree(leaves, start + size / 2, size / 2);
        return l == null ? r : r == null ? l : plus(l, r);
    }

    @Test
    void everyOrderAndGroupingGivesTheCanonicalBits() {
        Random r = new Random(5);
        for (int p : new int[] {1, 2, 3, 7, 8, 13, 33}) {
            double[][] leaves = new double[p][];
            for (int i = 0; i < p; i++) {
                if (i % 5 != 3) {
                    leaves[i] = new double[4];
                    for (int j = 0; j < 4; j++) {
                        leaves[i][j] = r.nextGaussian() * Math.pow(10, r.nextInt(12) - 6);
                    }
                }
            }
            double[] expected = canonical(leaves, p);
            for (int trial = 0; trial < 40; trial++) {
                List<Integer> order = new ArrayList<>();
                for (int i = 0; i < p; i++) {
                    order.add(i);
                }
                Collections.shuffle(order, r);
                int groups = 1 + r.nextInt(p);
                List<OrderedSum<double[]>> parts = new ArrayList<>();
                for (int g = 0; g < groups; g++) {
                    parts.add(new OrderedSum<>(SparkInfluenceOrderedSumTest::plus));
                }
                for (int i : order) {
                    parts.get(r.nextInt(groups)).add(new OrderedSum.Leaf<>(i, leaves[i]));
                }
                Collections.shuffle(parts, r);
                OrderedSum<double[]> total = new OrderedSum<>(SparkInfluenceOrderedSumTest::plus);
                for (OrderedSum<double[]> part : parts) {
                    total.merge(part);
                }
                assertArrayEquals(expected, total.total(p), 0.0, "p " + p + " trial " + trial);
            }
        }
    }

    @Test
    void emptyMissingAndDuplicatePartitions() {
        OrderedSum<double[]> empty = new OrderedSum<>(SparkInfluenceOrderedSumTest::plus);
        empty.add(new OrderedSum.Leaf<>(0, null)).add(new OrderedSum.Leaf<>(1, null));
        assertNull(empty.total(2));
        OrderedSum<double[]> missing = new OrderedSum<>(SparkInfluenceOrderedSumTest::plus);
        missing.add(new OrderedSum.Leaf<>(0, new double[1])).add(new OrderedSum.Leaf<>(2, new double[1]));
        assertThrows(IllegalStateException.class, () -> missing.total(3));
        OrderedSum<double[]> twice = new OrderedSum<>(SparkInfluenceOrderedSumTest::plus);
        twice.add(new OrderedSum.Leaf<>(2, new double[1]));
        assertThrows(IllegalStateException.class, () -> twice.add(new OrderedSum.Leaf<>(2, new double[1])));
        assertThrows(IllegalStateException.class, () -> twice.total(2));
    }
}
