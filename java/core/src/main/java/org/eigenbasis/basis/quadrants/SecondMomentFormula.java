package org.eigenbasis.basis.quadrants;

import org.eigenbasis.basis.Basis;
import org.eigenbasis.internal.ModelMath;

/**
 * The second moment of a mini-batch gradient of linear regression in a basis U (issue 13, point 2c). With x ∼ N(0, H),
 * y = xᵀθ* + s·ε, e = θ − θ* and g = (1/B) Σ_i x_i(x_iᵀe − s·ε_i), Isserlis' theorem gives for one example
 * E[(xxᵀe)(xxᵀe)ᵀ] = 2Heeᵀ H + (eᵀHe)H, so E[ggᵀ] = Heeᵀ H + (1/B)(Heeᵀ H + (eᵀHe + s²)H) and, for g̃ = Uᵀg,
 * <pre>
 *   E[g̃_j²] = (1 + 1/B)(UᵀHe)_j² + ((eᵀHe + s²)/B)(UᵀHU)_jj.
 * </pre>
 */
final class SecondMomentFormula {
    private SecondMomentFormula() {
    }

    /** The two terms at θ: signal_j = (1 + 1/B)(UᵀHe)_j² and noiseScale = (eᵀHe + s²)/B. */
    record Parts(double[] signal, double noiseScale) {
    }

    /** {@link Parts} at θ. Cost 4d² (He and its rotation). */
    static Parts parts(Basis basis, PopulationQuadratic model, double[] theta, double noise, int batch) {
        double[] e = model.error(theta);
        double[] he = model.hessianTimes(e);
        double[] rotated = basis.rotate(he);
        double[] signal = new double[rotated.length];
        for (int j = 0; j < signal.length; j++) {
            signal[j] = (1 + 1.0 / batch) * rotated[j] * rotated[j];
        }
        return new Parts(signal, (ModelMath.dot(e, he) + noise * noise) / batch);
    }

    /** E[g̃_j²] for every j; {@code diagonal} = diag(UᵀHU). */
    static double[] expected(Basis basis, PopulationQuadratic model, double[] diagonal, double[] theta, double noise,
                             int batch) {
        Parts p = parts(basis, model, theta, noise, batch);
        double[] out = p.signal().clone();
        for (int j = 0; j < out.length; j++) {
            out[j] += p.noiseScale() * diagonal[j];
        }
        return out;
    }
}
