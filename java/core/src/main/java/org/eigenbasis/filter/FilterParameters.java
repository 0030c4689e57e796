package org.eigenbasis.filter;

/**
 * The parameter check of the built-in filters, package-private: a static method of {@link SpectralFilter} would be
 * public API whether wanted or not.
 */
final class FilterParameters {
    private FilterParameters() {
    }

    /** Checks a parameter is finite and at least {@code min} (inclusive or exclusive), naming its legal range. */
    static void require(String name, double value, double min, boolean inclusive) {
        boolean ok = Double.isFinite(value) && (inclusive ? value >= min : value > min);
        if (!ok) {
            throw new IllegalArgumentException(name + ": " + value + " is outside " + (inclusive ? "[" : "(") + min
                    + ", ∞) (finite)");
        }
    }
}
