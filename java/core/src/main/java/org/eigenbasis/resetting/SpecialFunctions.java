package org.eigenbasis.resetting;

/** TEMP skeleton: replaced by the filter work. */
final class SpecialFunctions {
    private SpecialFunctions() {
    }

    static double logGamma(double x) {
        throw new UnsupportedOperationException("TEMP");
    }

    static double erfc(double x) {
        throw new UnsupportedOperationException("TEMP");
    }

    static double regularizedGammaQ(double a, double x) {
        throw new UnsupportedOperationException("TEMP");
    }
}
