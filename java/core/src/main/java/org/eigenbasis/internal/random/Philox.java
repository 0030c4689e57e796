package org.eigenbasis.internal.random;

/**
 * Philox4x32-10 (Salmon, Moraes, Dror, Shaw: "Parallel random numbers: as easy as 1, 2, 3", SC'11), a
 * counter-based generator: the output block is a keyed bijection of the 128-bit counter, so any trajectory's
 * numbers are computed directly from (seed, trajectory, block) without state shared between threads or
 * backends. Words are unsigned 32-bit values held in ints. One round maps (c0, c1, c2, c3) with key (k0, k1) to
 * (hi(M1·c2) ^ c1 ^ k0, lo(M1·c2), hi(M0·c0) ^ c3 ^ k1, lo(M0·c0)); the key is bumped by the Weyl constants
 * between rounds. {@code native/src/cpu/philox.hpp} is the C++ twin.
 */
public final class Philox {
    public static final long M0 = 0xD2511F53L;
    public static final long M1 = 0xCD9E8D57L;
    public static final int W0 = 0x9E3779B9;
    public static final int W1 = 0xBB67AE85;
    public static final int ROUNDS = 10;

    private Philox() {
    }

    /** The 4 output words of counter (c0, c1, c2, c3) under key (k0, k1), into out[0..3]. */
    public static void block(int c0, int c1, int c2, int c3, int k0, int k1, int[] out) {
        for (int round = 0; round < ROUNDS; round++) {
            if (round > 0) {
                k0 += W0;
                k1 += W1;
            }
            long p0 = M0 * (c0 & 0xffffffffL);
            long p1 = M1 * (c2 & 0xffffffffL);
            int n0 = (int) (p1 >>> 32) ^ c1 ^ k0;
            int n2 = (int) (p0 >>> 32) ^ c3 ^ k1;
            c1 = (int) p1;
            c3 = (int) p0;
            c0 = n0;
            c2 = n2;
        }
        out[0] = c0;
        out[1] = c1;
        out[2] = c2;
        out[3] = c3;
    }

    /** A uniform in (0, 1) from 64 random bits: ((bits >>> 12) + 0.5)·2^−52, in [2^−53, 1 − 2^−53]. */
    public static double toUniform(long bits) {
        return ((bits >>> 12) + 0.5) * 0x1p-52;
    }

    /**
     * The random stream of one trajectory: key = seed, counter = (block, trajectory). Uniforms come two per block
     * in order; normals (Marsaglia's polar method) keep the pair's second value as a spare for the next request.
     */
    public static final class Stream {
        private final int k0;
        private final int k1;
        private int c2;
        private int c3;
        private long block;
        private final int[] words = new int[4];
        private double u1;
        private boolean haveU1;
        private double spare;
        private boolean haveSpare;

        public Stream(long seed) {
            this.k0 = (int) seed;
            this.k1 = (int) (seed >>> 32);
        }

        /** Restarts at block 0 of trajectory {@code index}, with no spare normal. */
        public Stream reset(long index) {
            c2 = (int) index;
            c3 = (int) (index >>> 32);
            block = 0;
            haveU1 = false;
            haveSpare = false;
            return this;
        }

        public double uniform() {
            if (haveU1) {
                haveU1 = false;
                return u1;
            }
            block(words, block++);
            u1 = toUniform(((long) words[3] << 32) | (words[2] & 0xffffffffL));
            haveU1 = true;
            return toUniform(((long) words[1] << 32) | (words[0] & 0xffffffffL));
        }

        private void block(int[] out, long b) {
            Philox.block((int) b, (int) (b >>> 32), c2, c3, k0, k1, out);
        }

        public double normal() {
            if (haveSpare) {
                haveSpare = false;
                return spare;
            }
            double v1;
            double v2;
            double s;
            do {
                v1 = 2 * uniform() - 1;
                v2 = 2 * uniform() - 1;
                s = v1 * v1 + v2 * v2;
            } while (s >= 1 || s == 0);
            double f = Math.sqrt(-2 * DetMath.log(s) / s);
            spare = v2 * f;
            haveSpare = true;
            return v1 * f;
        }

        /** Exponential(1): −log(u). */
        public double exponential() {
            return -DetMath.log(uniform());
        }

        /** Gamma(k, 1): Marsaglia–Tsang for k ≥ 1; gamma(k + 1)·u^(1/k) below. */
        public double gamma(double k) {
            if (k < 1) {
                double g = gamma(k + 1);
                double u = uniform();
                return g * DetMath.exp(DetMath.log(u) / k);
            }
            double d = k - 1.0 / 3.0;
            double c = 1 / Math.sqrt(9 * d);
            while (true) {
                double z = normal();
                double v = 1 + c * z;
                if (v <= 0) {
                    continue;
                }
                v = v * v * v;
                double u = uniform();
                if (DetMath.log(u) < ((z * z) * 0.5 + d) - d * v + d * DetMath.log(v)) {
                    return d * v;
                }
            }
        }
    }
}
