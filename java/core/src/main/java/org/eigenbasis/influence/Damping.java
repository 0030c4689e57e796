package org.eigenbasis.influence;

/**
 * How a curvature C is inverted: (C + δI)^-1 taken in C's eigenbasis, each eigenvalue w mapped to 1/(w + δ), and
 * to 0 where w + δ ≤ {@code eigenFloor} (a pseudo-inverse: flat and negative directions are dropped, never
 * amplified). With {@code piFactorDamping} K-FAC instead damps its factors, (S + π√δ I) ⊗ (A + √δ/π I) with
 * π = √((tr A / dim A) / (tr S / dim S)) (Martens and Grosse's heuristic); other curvatures ignore it.
 *
 * @param delta           δ ≥ 0, finite
 * @param eigenFloor      ≥ 0, finite; default {@value #DEFAULT_FLOOR}
 * @param piFactorDamping K-FAC's factor damping with the π heuristic (labelled as such in reports), not exact
 */
public record Damping(double delta, double eigenFloor, boolean piFactorDamping) {
    public static final double DEFAULT_FLOOR = 1e-6;

    public Damping {
        if (!(delta >= 0) || !Double.isFinite(delta)) {
            throw new IllegalArgumentException("damping: " + delta + " is outside [0, +inf)");
        }
        if (!(eigenFloor >= 0) || !Double.isFinite(eigenFloor)) {
            throw new IllegalArgumentException("eigen-floor: " + eigenFloor + " is outside [0, +inf)");
        }
    }

    /** δ with the default floor and exact damping. */
    public static Damping of(double delta) {
        return new Damping(delta, DEFAULT_FLOOR, false);
    }

    /** δ = 0, the default floor: a pseudo-inverse. */
    public static Damping defaults() {
        return of(0);
    }

    public Damping withDelta(double value) {
        return new Damping(value, eigenFloor, piFactorDamping);
    }

    public Damping withEigenFloor(double value) {
        return new Damping(delta, value, piFactorDamping);
    }

    public Damping withPiFactorDamping(boolean value) {
        return new Damping(delta, eigenFloor, value);
    }

    /** 1/(w + δ), or 0 when w + δ ≤ the floor. */
    public double inverse(double w) {
        double d = w + delta;
        return d > eigenFloor ? 1 / d : 0;
    }
}
