package org.eigenbasis.basis.quadrants;

import org.eigenbasis.basis.Basis;
import org.eigenbasis.basis.BasisOptimizer;

/**
 * Adam's second moment in a basis, read from the optimizer itself ({@link BasisOptimizer#secondMoment()} at the end
 * of the run, bias-corrected: {@link #corrected()} = v/(1 − β₂ᵗ)), and beside it the expectation of each term under
 * the mini-batch model along the same trajectory, E[g̃_j² | e] = a_j + n·h_j with a_j = (1 + 1/B)(UᵀHe)_j²,
 * n = (eᵀHe + s²)/B, h_j = (UᵀHU)_jj ({@link SecondMomentFormula}), averaged with Adam's weights:
 * {@link #signalPart()} and {@link #noisePart()}.
 */
final class SecondMomentTracker implements QuadrantRunner.Observer {
    private final Basis basis;
    private final PopulationQuadratic model;
    private final double beta2;
    private final double noise;
    private final int batch;
    private final double[] signal;
    private double noiseScale;
    private long t;
    private double[] adamV;
    private long adamSteps;

    SecondMomentTracker(Basis basis, PopulationQuadratic model, double beta2, double noise, int batch) {
        this.basis = basis;
        this.model = model;
        this.beta2 = beta2;
        this.noise = noise;
        this.batch = batch;
        this.signal = new double[basis.dimension()];
    }

    @Override
    public void before(double[] theta, double[] gradient) {
        SecondMomentFormula.Parts expected = SecondMomentFormula.parts(basis, model, theta, noise, batch);
        for (int j = 0; j < signal.length; j++) {
            signal[j] = beta2 * signal[j] + (1 - beta2) * expected.signal()[j];
        }
        noiseScale = beta2 * noiseScale + (1 - beta2) * expected.noiseScale();
        t++;
    }

    @Override
    public void after(BasisOptimizer optimizer) {
        adamV = optimizer.secondMoment();
        adamSteps = optimizer.stepCount();
    }

    /** Adam's own v̂ = v / (1 − β₂ᵗ), read from the optimizer when the run ended. */
    double[] corrected() {
        if (adamV == null) {
            throw new IllegalStateException("no optimizer has reported its second moment yet");
        }
        double c = 1 - Math.pow(beta2, adamSteps);
        double[] out = new double[adamV.length];
        for (int j = 0; j < out.length; j++) {
            out[j] = adamV[j] / c;
        }
        return out;
    }

    /** The bias-corrected average of a_j. */
    double[] signalPart() {
        double c = 1 - Math.pow(beta2, t);
        double[] out = new double[signal.length];
        for (int j = 0; j < out.length; j++) {
            out[j] = signal[j] / c;
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
