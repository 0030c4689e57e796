package org.eigenbasis.resetting;

/** Argument checks shared by the laws' transforms and the filters built on them. */
final class LawChecks {
    private LawChecks() {
    }

    /** Checks a Laplace / filter argument s (a rate or curvature) is finite and ≥ 0. */
    static void requireRate(double s) {
        if (!(s >= 0) || !Double.isFinite(s)) {
            throw new IllegalArgumentException("s: " + s + " is outside [0, ∞) (finite)");
        }
    }
}
