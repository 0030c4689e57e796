package org.eigenbasis.train;

import java.util.Random;

/**
 * A {@link java.util.Random} whose 48-bit state can be read and restored, so that a training checkpoint can carry
 * the minibatch order and the sampled labels forward. It runs the same linear congruential generator as
 * {@code java.util.Random} (Knuth, TAOCP vol. 2, §3.2.1; the constants of the JDK's documentation), so
 * {@code new ReplayableRandom(s)} draws exactly what {@code new Random(s)} draws through {@code next(bits)}: every
 * {@code nextInt}, {@code nextLong}, {@code nextDouble} and {@code nextBoolean}. Not carried: the second Gaussian
 * that {@link Random#nextGaussian()} caches (the trainer draws none). Not thread-safe.
 */
public final class ReplayableRandom extends Random {
    private static final long serialVersionUID = 1L;
    private static final long MULTIPLIER = 0x5DEECE66DL;
    private static final long MASK = (1L << 48) - 1;

    private long state;

    /** The generator of {@code new Random(seed)}. */
    public ReplayableRandom(long seed) {
        super(0);
        state = (seed ^ MULTIPLIER) & MASK;
    }

    /** A generator in the state {@link #state()} returned; {@code state} must lie in [0, 2^48). */
    public static ReplayableRandom restore(long state) {
        if (state < 0 || state > MASK) {
            throw new IllegalArgumentException("state: " + state + " is outside [0, 2^48)");
        }
        ReplayableRandom r = new ReplayableRandom(0);
        r.state = state;
        return r;
    }

    /** The 48-bit state; {@link #restore} of it continues the same sequence. */
    public long state() {
        return state;
    }

    @Override
    public void setSeed(long seed) {
        super.setSeed(seed);   // clears Random's cached Gaussian
        state = (seed ^ MULTIPLIER) & MASK;
    }

    @Override
    protected int next(int bits) {
        state = (state * MULTIPLIER + 0xBL) & MASK;
        return (int) (state >>> (48 - bits));
    }
}
