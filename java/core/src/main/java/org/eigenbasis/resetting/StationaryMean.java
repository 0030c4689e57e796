package org.eigenbasis.resetting;

import org.eigenbasis.linalg.BatchedMatrix;

/**
 * TEMP skeleton (signatures fixed; replaced by the filter work). The stationary mean of gradient flow on
 * ½‖Xθ − y‖² reset to θ₀ at renewal epochs: θ₀ + Q h(Λ)Λ⁺ Qᵀ(Xᵀy − XᵀXθ₀), H = XᵀX = QΛQᵀ.
 */
public final class StationaryMean {
    private StationaryMean() {
    }

    /** One data set: x is n × d, y has length n, reset to the origin. */
    public static double[] of(double[][] x, double[] y, RenewalLaw law) {
        throw new UnsupportedOperationException("TEMP");
    }

    /** One data set, reset to theta0 (length d). */
    public static double[] of(double[][] x, double[] y, double[] theta0, RenewalLaw law) {
        throw new UnsupportedOperationException("TEMP");
    }

    /** A batch: x is B × n × d, y is B × n × 1; returns B × d × 1 (f64), reset to the origin. */
    public static BatchedMatrix of(BatchedMatrix x, BatchedMatrix y, RenewalLaw law) {
        throw new UnsupportedOperationException("TEMP");
    }
}
