package org.eigenbasis.resetting;

/** TEMP skeleton: replaced by the simulator work. */
final class LawSampler {
    private LawSampler() {
    }

    static double[] sample(RenewalLaw law, int count, long seed) {
        throw new UnsupportedOperationException("TEMP");
    }
}
