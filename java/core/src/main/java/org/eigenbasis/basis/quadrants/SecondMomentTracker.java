package org.eigenbasis.basis.quadrants;

import org.eigenbasis.basis.Basis;
import org.eigenbasis.basis.BasisOptimizer;

/**
 * Adam's second moment in a basis, followed alongside a run: v ← β₂v + (1 − β₂)g̃² with g̃ = Uᵀg ({@link Basis#rotate}),
 * exactly the recursion {@link BasisOptimizer} applies to the same gradients, so {@link #corrected()} is Adam's own
 * v̂ = v/(1 − β₂ᵗ) (up to the rounding of the rotation). Beside it the expectation of each term under the mini-batch
 * model, E[g̃_j² | e] = a_j + n·h_j with a_j = (1 + 1/B)(UᵀHe)_j², n = (eᵀHe + s²)/B, h_j = (UᵀHU)_jj
 * ({@link SecondMomentFormula}), averaged with the same weights: {@link #signalPart()} and {@link #noisePart()}.
 */
final class SecondMomentTracker implements QuadrantRunner.Observer {
    private final Basis basis;
    private final PopulationQuadratic model;
    private final double beta2;
    private final double noise;
    private final int batch;
    private final double[] v;
    private final double[] signal;
    private double noiseScale;
    private long t;

    SecondMomentTracker(Basis basis, PopulationQuadratic model, double beta2, double noise, int batch) {
        this.basis = basis;
        this.model = model;
        this.beta2 = beta2;
        this.noise = noise;
        this.batch = batch;
        int d = basis.dimension();
        this.v = new double[d];
        this.signal = new double[d];
    }

    @Override
    public void before(double[] theta, double[] gradient) {
        double[] coordinates = basis.rotate(gradient);
        SecondMomentFormula.Parts expected = SecondMomentFormula.parts(basis, model, theta, noise, batch);
        for (int j = 0; j < v.length; j++) {
            v[j] = beta2 * v[j] + (1 - beta2) * (coordinates[j] * coordinates[j]);
            signal[j] = beta2 * signal[j] + (1 - beta2) * expected.signal()[j];
        }
        noiseScale = beta2 * noiseScale + (1 - beta2) * expected.noiseScale();
        t++;
    }

    /** v̂ = v / (1 − β₂ᵗ). */
    double[] corrected() {
        return biasCorrected(v);
    }

    /** The bias-corrected average of a_j. */
    double[] signalPart() {
        return biasCorrected(signal);
    }

    private double[] biasCorrected(double[] average) {
        double c = 1 - Math.pow(beta2, t);
        double[] out = new double[average.length];
        for (int j = 0; j < out.length; j++) {
            out[j] = average[j] / c;
        }
        return out;
    }

    /** The bias-corrected average of n = (eᵀHe + s²)/B (multiply by h_j for the coordinate's noise term). */
    double noisePart() {
        return noiseScale / (1 - Math.pow(beta2, t));
    }

    long steps() {
        return t;
    }
}
