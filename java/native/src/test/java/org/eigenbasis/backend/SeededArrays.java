package org.eigenbasis.backend;

import java.util.Random;

/** Seeded test data for the optimizer checks of this package: Gaussian arrays, shapes, f32 copies. */
final class SeededArrays {
    private SeededArrays() {
    }

    static double[] gaussian(Random rng, int n) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = rng.nextGaussian();
        }
        return x;
    }

    /** The number of elements of a tensor of this shape (1 for a scalar). */
    static int sizeOf(int[] shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }

    /** x rounded to f32. */
    static float[] toFloat(double[] x) {
        float[] f = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            f[i] = (float) x[i];
        }
        return f;
    }
}
