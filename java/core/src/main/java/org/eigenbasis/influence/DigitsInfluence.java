package org.eigenbasis.influence;

import org.eigenbasis.train.Dataset;
import org.eigenbasis.train.Digits;
import org.eigenbasis.value.MlpArchitecture;

/**
 * The digits reproduction's data and model (issue 11, point 5): the 1,797 UCI digits permuted by
 * {@link Digits#permutation(long)} with seed 0, the first {@value #TRAIN} for training and the last
 * {@value #VALIDATION} for validation, every pixel standardised with the training mean and standard deviation
 * (population std; a constant pixel gets std 1, so it becomes 0); an MLP 64-64-32-10 with gelu and cross-entropy.
 */
public final class DigitsInfluence {
    public static final int TRAIN = 1617;
    public static final int VALIDATION = 180;
    /** 64-64-32-10, gelu, cross-entropy: 6,570 parameters. */
    public static final MlpArchitecture ARCHITECTURE = new MlpArchitecture(new int[] {64, 64, 32, 10},
            MlpArchitecture.Activation.GELU, MlpArchitecture.Loss.CROSS_ENTROPY);

    /** The standardised split, with the training mean and std used (64 each). */
    public record Split(Examples train, Examples validation, double[] mean, double[] std) {
    }

    private DigitsInfluence() {
    }

    /** The split of the reproduction (permutation seed 0). */
    public static Split split() {
        return split(0);
    }

    /** The split under another permutation seed. */
    public static Split split(long seed) {
        Dataset all = Digits.load();
        int[] order = Digits.permutation(seed);
        int f = Digits.FEATURES;
        int[] trainRows = java.util.Arrays.copyOfRange(order, 0, TRAIN);
        int[] valRows = java.util.Arrays.copyOfRange(order, TRAIN, TRAIN + VALIDATION);
        Dataset train = all.rows(trainRows);
        Dataset val = all.rows(valRows);
        double[] mean = new double[f];
        double[] std = new double[f];
        for (int i = 0; i < TRAIN; i++) {
            for (int j = 0; j < f; j++) {
                mean[j] += train.features()[i * f + j];
            }
        }
        for (int j = 0; j < f; j++) {
            mean[j] /= TRAIN;
        }
        for (int i = 0; i < TRAIN; i++) {
            for (int j = 0; j < f; j++) {
                double d = train.features()[i * f + j] - mean[j];
                std[j] += d * d;
            }
        }
        for (int j = 0; j < f; j++) {
            std[j] = Math.sqrt(std[j] / TRAIN);
            if (std[j] == 0) {
                std[j] = 1;
            }
        }
        return new Split(standardise(train, mean, std), standardise(val, mean, std), mean, std);
    }

    private static Examples standardise(Dataset d, double[] mean, double[] std) {
        int f = d.featureCount();
        double[] x = new double[d.samples() * f];
        for (int i = 0; i < d.samples(); i++) {
            for (int j = 0; j < f; j++) {
                x[i * f + j] = (d.features()[i * f + j] - mean[j]) / std[j];
            }
        }
        return Examples.classification(x, d.samples(), f, d.labels());
    }
}
