package org.eigenbasis.train;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.zip.GZIPInputStream;

/**
 * The UCI "Optical Recognition of Handwritten Digits" data (Alpaydin and Kaynak, 1998; CC BY 4.0; see
 * {@code org/eigenbasis/data/digits.ATTRIBUTION.md}): 1797 images of 8 × 8 pixel counts in 0..16, labels 0..9,
 * shipped in this jar's resources. Features are scaled to [0, 1] by dividing by 16.
 */
public final class Digits {
    /** Resource path of the gzip-compressed CSV (64 pixels then the label on each line, no header). */
    public static final String RESOURCE = "/org/eigenbasis/data/digits.csv.gz";
    public static final int SAMPLES = 1797;
    public static final int FEATURES = 64;
    public static final int CLASSES = 10;
    /** The split of {@link #split()}: seed and test fraction. */
    public static final long DEFAULT_SPLIT_SEED = 0;
    public static final double DEFAULT_TEST_FRACTION = 0.2;

    private static volatile Dataset cached;

    private Digits() {
    }

    /** All 1797 samples in file order. Parsed once and cached; the result is shared, do not modify it. */
    public static Dataset load() {
        Dataset d = cached;
        if (d == null) {
            synchronized (Digits.class) {
                d = cached;
                if (d == null) {
                    d = parse();
                    cached = d;
                }
            }
        }
        return d;
    }

    /** The fixed split used throughout: {@link #DEFAULT_TEST_FRACTION} of the samples for test, seed 0. */
    public static Dataset.Split split() {
        return split(DEFAULT_SPLIT_SEED, DEFAULT_TEST_FRACTION);
    }

    /**
     * A random split: the samples are shuffled by a Fisher–Yates shuffle driven by {@code java.util.Random(seed)}
     * (whose sequence the JDK specifies, so a seed gives the same split on every JVM), the first
     * round(testFraction · 1797) go to test, the rest (in shuffled order) to train.
     */
    public static Dataset.Split split(long seed, double testFraction) {
        if (!(testFraction > 0 && testFraction < 1)) {
            throw new IllegalArgumentException("testFraction: " + testFraction + " is outside (0, 1)");
        }
        Dataset all = load();
        int n = all.samples();
        int[] order = permutation(seed);
        int test = (int) Math.round(testFraction * n);
        if (test < 1 || test > n - 1) {
            throw new IllegalArgumentException("testFraction: " + testFraction + " leaves an empty train or test set");
        }
        int[] testRows = java.util.Arrays.copyOfRange(order, 0, test);
        int[] trainRows = java.util.Arrays.copyOfRange(order, test, n);
        return new Dataset.Split(all.rows(trainRows), all.rows(testRows));
    }

    /**
     * A permutation of the sample indices 0..1796: the Fisher–Yates shuffle, i from n−1 down to 1 swapping i with
     * {@code java.util.Random(seed).nextInt(i + 1)}. The JDK specifies Random's sequence, so a seed gives the same
     * permutation on every JVM (and in the numpy peer scripts, which reimplement the generator).
     */
    public static int[] permutation(long seed) {
        int n = SAMPLES;
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Random random = new Random(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    private static Dataset parse() {
        double[] x = new double[SAMPLES * FEATURES];
        int[] y = new int[SAMPLES];
        InputStream raw = Digits.class.getResourceAsStream(RESOURCE);
        if (raw == null) {
            throw new IllegalStateException("resource " + RESOURCE + " is missing from the class path");
        }
        try (BufferedReader in = new BufferedReader(new InputStreamReader(new GZIPInputStream(raw), StandardCharsets.US_ASCII))) {
            int row = 0;
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.isBlank()) {
                    continue;
                }
                if (row == SAMPLES) {
                    throw new IllegalStateException(RESOURCE + ": more than " + SAMPLES + " rows");
                }
                String[] cells = line.split(",");
                if (cells.length != FEATURES + 1) {
                    throw new IllegalStateException(RESOURCE + ": row " + (row + 1) + " has " + cells.length
                            + " columns, expected " + (FEATURES + 1));
                }
                for (int j = 0; j < FEATURES; j++) {
                    int v = Integer.parseInt(cells[j].trim());
                    if (v < 0 || v > 16) {
                        throw new IllegalStateException(RESOURCE + ": row " + (row + 1) + " pixel " + j + " is " + v
                                + ", outside [0, 16]");
                    }
                    x[row * FEATURES + j] = v / 16.0;
                }
                y[row] = Integer.parseInt(cells[FEATURES].trim());
                row++;
            }
            if (row != SAMPLES) {
                throw new IllegalStateException(RESOURCE + ": " + row + " rows, expected " + SAMPLES);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(RESOURCE + ": " + e.getMessage(), e);
        }
        return new Dataset(x, y, FEATURES, CLASSES);
    }
}
