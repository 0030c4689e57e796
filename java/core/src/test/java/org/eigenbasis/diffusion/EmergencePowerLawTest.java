package org.eigenbasis.diffusion;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.eigenbasis.internal.ExponentialIntegral;
import org.junit.jupiter.api.Test;

/**
 * The paper's claim τ* ∝ λ^(−α), α ≈ 1, against asymptotic equations derived independently of {@link ModeDynamics}
 * (docs/design-notes.md, "Emergence times and the power law"). With u₁ = σ_min², u₂ = σ_max², L₁ = ln(λ/u₁),
 * L₂ = ln(u₂/λ), dropping terms of relative size u₁/λ and λ/u₂, the log-midpoint condition becomes
 * <ul>
 *   <li>one layer, y = 2ηλτ*: e^(−y)(1 − Q)(L₁ − ln y − γ) − E₁(y) = ½[(1 − Q)L₁ − QL₂]; y → ln 2 as L₁ → ∞;</li>
 *   <li>two layer, c = e^(−8ηλτ*): A·L₁ − (Q/s)·ln(s/(cK₂ + Q(1 − c))) = ½[(1 − Q)L₁ − QL₂], A = c(1 − Q)/(c(1 − Q) + Q),
 *       s = c + Q(1 − c), K₂ = λ/(λ + u₂) (partial fractions of ∫ dK/(K(1 − K)) in K = λ/(λ + σ²));
 *       c → Q/(1 + Q) as L₁ → ∞.</li>
 * </ul>
 * So 2ηλτ* (or 8ηλτ*) tends to a constant and α → 1, with corrections O(1/L₁). The tests assert (a) the exact τ*
 * agrees with the asymptotic one to |Δ ln τ*| ≤ u₁/λ + λ/u₂ (the dropped terms are at most that size with O(1)
 * coefficients, divided by a slope |∂(equation)/∂ ln y| ≥ ½(1 − Q)·ln 2·L₁ ≥ 1 here), (b) hence the two fitted slopes
 * differ by at most max|Δ ln τ*|·Σ|x − x̄|/Σ(x − x̄)² (an identity of least squares), and (c) |α − 1| ≤ 1/L₁ at the
 * smallest fitted λ and shrinks as σ_min → 0.
 */
class EmergencePowerLawTest {
    private static final DiffusionConfig DEFAULTS = DiffusionConfig.defaults();

    /** The asymptotic τ* of the class comment. */
    static double asymptoticTime(DenoiserModel model, double lambda, DiffusionConfig c) {
        double q = c.init();
        double u1 = c.sigmaMin() * c.sigmaMin();
        double u2 = c.sigmaMax() * c.sigmaMax();
        double l1 = Math.log(lambda / u1);
        double l2 = Math.log(u2 / lambda);
        double rhs = 0.5 * ((1 - q) * l1 - q * l2);
        if (model == DenoiserModel.ONE_LAYER) {
            // left side falls from +∞ (y → 0) to 0 (y → ∞)
            double lo = 1e-6;
            double hi = 50;
            for (int i = 0; i < 200; i++) {
                double y = 0.5 * (lo + hi);
                double left = Math.exp(-y) * (1 - q) * (l1 - Math.log(y) - ExponentialIntegral.EULER_GAMMA)
                        - ExponentialIntegral.e1(y);
                if (left > rhs) {
                    lo = y;
                } else {
                    hi = y;
                }
            }
            return 0.5 * (lo + hi) / (2 * c.eta() * lambda);
        }
        double k2 = lambda / (lambda + u2);
        double lo = 0;
        double hi = 1;
        for (int i = 0; i < 200; i++) {
            double cc = 0.5 * (lo + hi);
            double s = cc + q * (1 - cc);
            double left = cc * (1 - q) / (cc * (1 - q) + q) * l1 - q / s * Math.log(s / (cc * k2 + q * (1 - cc)));
            if (left > rhs) {
                hi = cc;
            } else {
                lo = cc;
            }
        }
        return -Math.log(0.5 * (lo + hi)) / (8 * c.eta() * lambda);
    }

    /** Fits exact and asymptotic times over the spectrum's modes in [lo, hi] and checks (a), (b), (c). */
    private static double check(DenoiserModel model, Spectrum spectrum, DiffusionConfig c, double lo, double hi) {
        double u1 = c.sigmaMin() * c.sigmaMin();
        double u2 = c.sigmaMax() * c.sigmaMax();
        EmergenceTimes.Mode[] modes = EmergenceTimes.of(model, c).of(spectrum);
        PowerLawFit exact = PowerLawFit.of(modes, lo, hi);
        int n = exact.modes();
        double[] lambda = new double[n];
        double[] asymptotic = new double[n];
        double maxGap = 0;
        double smallest = Double.POSITIVE_INFINITY;
        int i = 0;
        for (EmergenceTimes.Mode m : modes) {
            if (m.emerged() && m.lambda() >= lo && m.lambda() <= hi) {
                lambda[i] = m.lambda();
                asymptotic[i] = asymptoticTime(model, m.lambda(), c);
                double gap = Math.abs(Math.log(m.time() / asymptotic[i]));
                double bound = u1 / m.lambda() + m.lambda() / u2;
                assertTrue(gap <= bound, model + " " + spectrum.name() + " λ=" + m.lambda() + ": |Δ ln τ*| = " + gap
                        + " > " + bound);
                maxGap = Math.max(maxGap, gap);
                smallest = Math.min(smallest, m.lambda());
                i++;
            }
        }
        PowerLawFit approx = PowerLawFit.of(lambda, asymptotic);
        double mean = 0;
        for (double l : lambda) {
            mean += Math.log(l) / n;
        }
        double abs = 0;
        double sxx = 0;
        for (double l : lambda) {
            abs += Math.abs(Math.log(l) - mean);
            sxx += Math.pow(Math.log(l) - mean, 2);
        }
        double slopeBound = maxGap * abs / sxx;
        assertTrue(Math.abs(exact.alpha() - approx.alpha()) <= slopeBound * (1 + 1e-9) + 1e-12,
                model + " " + spectrum.name() + ": α " + exact.alpha() + " vs asymptotic " + approx.alpha());
        double l1 = Math.log(smallest / u1);
        assertTrue(Math.abs(exact.alpha() - 1) <= 1 / l1, model + " " + spectrum.name() + ": α = " + exact.alpha()
                + " is further than 1/L₁ = " + 1 / l1 + " from 1");
        return exact.alpha();
    }

    @Test
    void powerLawSpectraGiveAlphaNearOneForBothModels() {
        for (DenoiserModel model : DenoiserModel.values()) {
            for (double beta : new double[] {0.5, 1, 2}) {
                Spectrum s = Spectrum.powerLaw(32, beta);
                double wide = Math.abs(check(model, s, DEFAULTS, 0, Double.POSITIVE_INFINITY) - 1);
                double wider = Math.abs(check(model, s, DEFAULTS.withSigmaMin(2e-9), 0, Double.POSITIVE_INFINITY) - 1);
                assertTrue(wider < wide, model + " β=" + beta + ": |α − 1| should shrink as σ_min → 0: " + wide
                        + " → " + wider);
            }
        }
    }

    @Test
    void digitsAndATranslationInvariantCovarianceFollowTheSameLaw() {
        // fit where both dropped terms are ≤ 1e-3: u₁/λ ≤ 1e-3 and λ/u₂ ≤ 1e-3
        double lo = 1e3 * DEFAULTS.sigmaMin() * DEFAULTS.sigmaMin();
        double hi = 1e-3 * DEFAULTS.sigmaMax() * DEFAULTS.sigmaMax();
        double[] row = new double[64];
        for (int j = 0; j < row.length; j++) {
            row[j] = Math.pow(0.9, Math.min(j, row.length - j));
        }
        for (DenoiserModel model : DenoiserModel.values()) {
            check(model, Spectrum.digits(), DEFAULTS, lo, hi);
            check(model, Spectrum.circulant(row), DEFAULTS, lo, hi);
        }
    }
}
