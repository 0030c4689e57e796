package org.eigenbasis.resetting;

import static org.eigenbasis.resetting.SpecialFunctions.em;
import static org.eigenbasis.resetting.SpecialFunctions.g;
import static org.eigenbasis.resetting.SpecialFunctions.k;
import static org.eigenbasis.resetting.SpecialFunctions.kh;

/**
 * The two positive expectations over the stationary age A (density P(τ &gt; a)/E[τ]) from which every reset filter
 * quantity is formed without cancellation:
 *
 * <ul>
 *   <li>{@link #complement}: g(μ) = E[e^(−μA)] = 1 − h(μ);</li>
 *   <li>{@link #hOverMu}: H(μ) = E[A·K(μA)] = h(μ)/μ (H(0) = E[A] = E[τ²]/(2E[τ]), possibly +∞).</li>
 * </ul>
 *
 * With the size-biased length τ̃ (density t f(t)/E[τ]) and A = U·τ̃: g = E[K(μτ̃)] and H = E[τ̃·G(μτ̃)].
 * Closed forms (exp, det, gamma, uniform, empirical) are accurate to a few ε; lognormal, Weibull, Pareto and
 * Lomax use adaptive Gauss–Kronrod on a smooth substitution with relative tolerance {@value #RTOL} (measured
 * error about 1e-13). Whenever g ≤ 1/2 the caller forms h = 1 − g (at most a factor 2 of cancellation);
 * otherwise h = μ·H. Every law has g(μ) ≤ K(μE[τ]) (the age density is at most 1/E[τ]), so g ≤ 0.79 once
 * μE[τ] ≥ 1/2, which is where the "large" forms below take over.
 */
final class AgeExpectation {
    static final double RTOL = 1e-12;

    private AgeExpectation() {
    }

    /** E[A] = E[τ²]/(2E[τ]); +∞ when E[τ²] is. */
    static double meanAge(RenewalLaw law) {
        // Per law as a ratio, so that E[τ²] may under- or overflow while E[A] does not.
        if (law instanceof ExponentialLaw e) {
            return 1 / e.rate();
        }
        if (law instanceof DeterministicLaw d) {
            return 0.5 * d.period();
        }
        if (law instanceof GammaLaw gl) {
            return 0.5 * (gl.shape() + 1) * gl.scale();
        }
        if (law instanceof UniformLaw u) {
            double r = u.a() / u.b();
            return u.b() * (r * r + r + 1) / (3 * (1 + r));
        }
        if (law instanceof LogNormalLaw ln) {
            return 0.5 * Math.exp(ln.mu() + 1.5 * ln.sigma() * ln.sigma());
        }
        if (law instanceof WeibullLaw wb) {
            double k = wb.shape();
            return 0.5 * wb.scale() * Math.exp(SpecialFunctions.logGamma(1 + 2 / k) - SpecialFunctions.logGamma(1 + 1 / k));
        }
        if (law instanceof ParetoLaw p) {
            double a = p.alpha();
            return a > 2 ? p.xm() * (a - 1) / (2 * (a - 2)) : Double.POSITIVE_INFINITY;
        }
        if (law instanceof LomaxLaw lx) {
            double a = lx.alpha();
            return a > 2 ? lx.scale() / (a - 2) : Double.POSITIVE_INFINITY;
        }
        if (law instanceof EmpiricalLaw emp) {
            double[] t = emp.observations();
            double total = 0;
            for (double ti : t) {
                total += ti;
            }
            double sum = 0;
            for (double ti : t) {
                sum += ti / total * ti;
            }
            return 0.5 * sum;
        }
        return law.secondMoment() / (2 * law.mean());
    }

    /** g(μ) = E[e^(−μA)], μ ≥ 0 finite. */
    static double complement(RenewalLaw law, double mu) {
        if (mu == 0) {
            return 1;
        }
        if (law instanceof ExponentialLaw e) {
            return e.rate() / (mu + e.rate());
        }
        if (law instanceof DeterministicLaw d) {
            return k(mu * d.period());
        }
        if (law instanceof GammaLaw gl) {
            double x = gl.scale() * mu;
            double kx = gl.shape() * x;
            if (kx == Double.POSITIVE_INFINITY) {
                return 0;
            }
            if (x == 0) {
                return 1; // θμ below the smallest double: 1 − h with h below ε
            }
            return em(gl.shape() * Math.log1p(x)) / kx;
        }
        if (law instanceof UniformLaw u) {
            double m = u.mean();
            // 1 − E[e^(−μτ)] = em(μa) + e^(−μa)·Kh(μ(b − a)): two positive terms.
            double w = mu * (u.b() - u.a());
            double num = em(mu * u.a()) + Math.exp(-mu * u.a()) * kh(w);
            return num / (mu * m);
        }
        if (law instanceof EmpiricalLaw emp) {
            double[] t = emp.observations();
            double sum = 0;
            double total = 0;
            for (double ti : t) {
                total += ti;
            }
            for (double ti : t) {
                sum += ti / total * k(mu * ti);
            }
            return sum;
        }
        if (law instanceof LogNormalLaw ln) {
            return logNormalComplement(ln, mu);
        }
        if (law instanceof WeibullLaw wb) {
            return weibullComplement(wb, mu);
        }
        if (law instanceof ParetoLaw p) {
            return paretoComplement(p, mu);
        }
        if (law instanceof LomaxLaw lx) {
            return lomaxComplement(lx, mu);
        }
        throw new AssertionError(law);
    }

    /** H(μ) = h(μ)/μ = E[A·K(μA)], μ ≥ 0 finite; E[A] at μ = 0. */
    static double hOverMu(RenewalLaw law, double mu) {
        if (mu == 0) {
            return meanAge(law);
        }
        if (law instanceof ExponentialLaw e) {
            return 1 / (mu + e.rate());
        }
        if (law instanceof DeterministicLaw d) {
            double x = mu * d.period();
            return x < 1 ? d.period() * g(x) : kh(x) / mu;
        }
        if (law instanceof EmpiricalLaw emp) {
            double[] t = emp.observations();
            double sum = 0;
            double total = 0;
            for (double ti : t) {
                total += ti;
            }
            for (double ti : t) {
                double x = mu * ti;
                double p = ti / total; // the size-biased weight; keeps t² from overflowing
                sum += x < 1 ? p * ti * g(x) : p * kh(x) / mu;
            }
            return sum;
        }
        if (law instanceof GammaLaw gl) {
            double x = gl.scale() * mu;
            double kk = gl.shape();
            if (x * (kk + 1) < 0.5) {
                // h/μ = θ Σ_{n≥2} (−x)^(n−2) (k+1)…(k+n−1)/n!, terms shrinking by at least 1/2.
                double term = 0.5 * (kk + 1);
                double sum = term;
                for (int n = 3; n < 200; n++) {
                    term *= -x * (kk + n - 1) / n;
                    sum += term;
                    if (Math.abs(term) < 1e-17 * Math.abs(sum)) {
                        break;
                    }
                }
                return gl.scale() * sum;
            }
            return (1 - complement(law, mu)) / mu;
        }
        if (law instanceof UniformLaw u) {
            double m = u.mean();
            if (mu * m >= 0.5) {
                return (1 - complement(law, mu)) / mu;
            }
            // H = E[τ² G(μτ)]/E[τ], μ(b − a) < 1: 20-point Gauss–Legendre on an entire integrand.
            double[][] rule = GL20;
            double half = 0.5 * (u.b() - u.a());
            double centre = 0.5 * (u.a() + u.b());
            double sum = 0;
            for (int i = 0; i < rule[0].length; i++) {
                double t = centre + half * rule[0][i];
                sum += rule[1][i] * (t / m) * t * g(mu * t); // t/m first: t² may underflow
            }
            return 0.5 * sum;
        }
        if (law instanceof LogNormalLaw ln) {
            return logNormalHOverMu(ln, mu);
        }
        if (law instanceof WeibullLaw wb) {
            return weibullHOverMu(wb, mu);
        }
        if (law instanceof ParetoLaw p) {
            return paretoHOverMu(p, mu);
        }
        if (law instanceof LomaxLaw lx) {
            return lomaxHOverMu(lx, mu);
        }
        throw new AssertionError(law);
    }

    private static final double[][] GL20 = GaussKronrod.legendre(20);
    private static final double INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

    /** A·K(μA) = em(μA)/μ, written so neither A = ∞ nor a subnormal μA loses it. */
    private static double aK(double a, double mu) {
        double x = mu * a;
        return x < 1 ? a * k(x) : em(x) / mu;
    }

    // ---- lognormal: τ̃ = exp(c + s z), z standard normal, c = μ_law + s² ----------------------------------

    private static double[] logNormalBreaks(LogNormalLaw ln) {
        double s = ln.sigma();
        return GaussKronrod.linear(-s - 13, s + 13, 1);
    }

    private static double logNormalComplement(LogNormalLaw ln, double mu) {
        double s = ln.sigma();
        double c = ln.mu() + s * s;
        double lm = Math.log(mu);
        if (mu * ln.mean() < 1) {
            return GaussKronrod.integrate(z -> INV_SQRT_2PI * Math.exp(-0.5 * z * z)
                    * k(Math.exp(lm + c + s * z)), logNormalBreaks(ln), RTOL);
        }
        // μ·g = E[em(μτ̃)/τ̃]: every factor stays in range.
        double mug = GaussKronrod.integrate(z -> INV_SQRT_2PI * Math.exp(-0.5 * z * z - c - s * z)
                * em(Math.exp(lm + c + s * z)), logNormalBreaks(ln), RTOL);
        return mug / mu;
    }

    private static double logNormalHOverMu(LogNormalLaw ln, double mu) {
        double s = ln.sigma();
        double c = ln.mu() + s * s;
        double lm = Math.log(mu);
        if (mu * ln.mean() >= 0.5) {
            return (1 - logNormalComplement(ln, mu)) / mu;
        }
        return GaussKronrod.integrate(z -> {
            double x = Math.exp(lm + c + s * z);
            return x < 1 ? INV_SQRT_2PI * Math.exp(-0.5 * z * z + c + s * z) * g(x)
                    : INV_SQRT_2PI * Math.exp(-0.5 * z * z) * kh(x) / mu;
        }, logNormalBreaks(ln), RTOL);
    }

    // ---- Weibull: τ̃ = λ·e^(v/k), e^v ~ Gamma(q = 1 + 1/k, 1) -------------------------------------------

    private static double[] weibullBreaks(WeibullLaw wb) {
        double q = 1 + 1 / wb.shape();
        return GaussKronrod.linear(Math.log(q) - 50, Math.log(4 * q + 100), 1);
    }

    private static double weibullComplement(WeibullLaw wb, double mu) {
        double kk = wb.shape();
        double q = 1 + 1 / kk;
        double lg = SpecialFunctions.logGamma(q);
        double lml = Math.log(mu * wb.scale());
        if (mu * wb.mean() < 1) {
            return GaussKronrod.integrate(v -> Math.exp(q * v - Math.exp(v) - lg) * k(Math.exp(lml + v / kk)),
                    weibullBreaks(wb), RTOL);
        }
        // μλ·g = E[em(x)·e^(−v/k)] with density e^(qv − e^v)/Γ(q): the exponent is v − e^v.
        double scaled = GaussKronrod.integrate(v -> Math.exp(v - Math.exp(v) - lg) * em(Math.exp(lml + v / kk)),
                weibullBreaks(wb), RTOL);
        return scaled / (mu * wb.scale());
    }

    private static double weibullHOverMu(WeibullLaw wb, double mu) {
        if (mu * wb.mean() >= 0.5) {
            return (1 - weibullComplement(wb, mu)) / mu;
        }
        double kk = wb.shape();
        double q = 1 + 1 / kk;
        double lg = SpecialFunctions.logGamma(q);
        double ll = Math.log(wb.scale());
        double lm = Math.log(mu);
        return GaussKronrod.integrate(v -> {
            double lt = ll + v / kk;
            double x = Math.exp(lm + lt);
            return x < 1 ? Math.exp(q * v - Math.exp(v) - lg + lt) * g(x)
                    : Math.exp(q * v - Math.exp(v) - lg) * kh(x) / mu;
        }, weibullBreaks(wb), RTOL);
    }

    // ---- power tails: A = scale·(e^(w/β) − shift), w ~ Exp(1) ---------------------------------------------

    /** Breaks in w for the tail A = scale·e^(w/β) (or expm1): covers the crossover μA ≈ 1 and 60 e-folds. */
    private static double[] tailBreaks(double beta, double lnMuScale) {
        // w* = β·ln(1 + 1/(μs)), from logs so that μs may underflow.
        double wStar = lnMuScale < 0 ? beta * (lnMuScale < -30 ? -lnMuScale : Math.log1p(Math.exp(-lnMuScale))) : 0;
        double rho = beta > 1 ? 1 - 1 / beta : 0; // decay rate of the pre-crossover integrand of H
        double pre = rho > 0 ? Math.min(wStar, 80 / rho) : wStar;
        double top = pre + 60;
        return GaussKronrod.geometricThenLinear(1e-9 * Math.min(1, beta), top, Math.max(1, top / 300));
    }

    private static double paretoComplement(ParetoLaw p, double mu) {
        double beta = p.alpha() - 1;
        double y = mu * p.xm();
        double low = beta / p.alpha() * k(y);
        if (y > 745) {
            return low; // the tail part is below e^(−y) relative: gone
        }
        double lnY = Math.log(mu) + Math.log(p.xm());
        double tail = GaussKronrod.integrate(w -> Math.exp(-w - Math.exp(lnY + w / beta)), tailBreaks(beta, lnY), RTOL);
        return low + tail / p.alpha();
    }

    private static double paretoHOverMu(ParetoLaw p, double mu) {
        if (mu * p.mean() >= 0.5) {
            return (1 - paretoComplement(p, mu)) / mu;
        }
        double beta = p.alpha() - 1;
        double xm = p.xm();
        double y = mu * xm;
        double low = beta / p.alpha() * xm * g(y);
        double lnY = Math.log(mu) + Math.log(xm);
        double lnXm = Math.log(xm);
        double tail = GaussKronrod.integrate(w -> Math.exp(-w) * aK(Math.exp(lnXm + w / beta), mu),
                tailBreaks(beta, lnY), RTOL);
        return low + tail / p.alpha();
    }

    private static double lomaxComplement(LomaxLaw lx, double mu) {
        double beta = lx.alpha() - 1;
        double s = lx.scale();
        if (mu * lx.mean() < 1) {
            double lnMuS = Math.log(mu) + Math.log(s);
            return GaussKronrod.integrate(w -> Math.exp(-w - Math.exp(lnMuS + lnExpm1(w / beta))),
                    tailBreaks(beta, lnMuS), RTOL);
        }
        // g = (1/μ)∫ f_A(x/μ) e^(−x) dx, f_A(a) = (β/s)(1 + a/s)^(−β−1).
        double ms = mu * s;
        double integral = GaussKronrod.integrate(x -> Math.exp(-x - (beta + 1) * Math.log1p(x / ms)),
                GaussKronrod.geometricThenLinear(1e-9 * Math.min(1, ms), 60, 1), RTOL);
        return beta / (s * mu) * integral;
    }

    private static double lomaxHOverMu(LomaxLaw lx, double mu) {
        if (mu * lx.mean() >= 0.5) {
            return (1 - lomaxComplement(lx, mu)) / mu;
        }
        double beta = lx.alpha() - 1;
        double s = lx.scale();
        double lnS = Math.log(s);
        return GaussKronrod.integrate(w -> Math.exp(-w) * aK(Math.exp(lnS + lnExpm1(w / beta)), mu),
                tailBreaks(beta, Math.log(mu) + lnS), RTOL);
    }

    /** ln(e^u − 1) for u ≥ 0 without overflow (−∞ at 0). */
    private static double lnExpm1(double u) {
        return u > 30 ? u + Math.log1p(-Math.exp(-u)) : Math.log(Math.expm1(u));
    }

    // ---- Laplace transform E[e^(−sτ)] ---------------------------------------------------------------------

    /**
     * E[e^(−sτ)] for the laws without a closed form. For s·E[τ] ≤ 1 it is 1 − sE[τ]·g(s) (the result is at
     * least e^(−1) by Jensen, so the subtraction costs at most a factor e); beyond, a direct quadrature.
     */
    static double laplace(RenewalLaw law, double s) {
        if (s == 0) {
            return 1;
        }
        double m = law.mean();
        if (s * m <= 1) {
            return 1 - s * m * complement(law, s);
        }
        if (law instanceof LogNormalLaw ln) {
            double sg = ln.sigma();
            double ls = Math.log(s);
            return GaussKronrod.integrate(z -> INV_SQRT_2PI * Math.exp(-0.5 * z * z - Math.exp(ls + ln.mu() + sg * z)),
                    GaussKronrod.linear(-40, 40, 1), RTOL);
        }
        if (law instanceof WeibullLaw wb) {
            // τ = λ E^(1/k), E = e^v ~ Exp(1).
            double kk = wb.shape();
            double lsl = Math.log(s * wb.scale());
            double v0 = -kk * lsl; // where sτ = 1
            double lo = Math.min(-50, v0 - 50);
            return GaussKronrod.integrate(v -> Math.exp(v - Math.exp(v) - Math.exp(lsl + v / kk)),
                    GaussKronrod.linear(lo, Math.log(100), 1), RTOL);
        }
        if (law instanceof ParetoLaw p) {
            // τ = x_m e^(w/α), w ~ Exp(1).
            double sx = s * p.xm();
            if (sx > 745) {
                return 0;
            }
            return GaussKronrod.integrate(w -> Math.exp(-w - sx * Math.exp(w / p.alpha())),
                    GaussKronrod.geometricThenLinear(1e-9 * Math.min(1, p.alpha() / sx), 60, 1), RTOL);
        }
        if (law instanceof LomaxLaw lx) {
            // (1/s)∫ f(x/s) e^(−x) dx, f(t) = (α/σ)(1 + t/σ)^(−α−1).
            double ss = s * lx.scale();
            double a = lx.alpha();
            double integral = GaussKronrod.integrate(x -> Math.exp(-x - (a + 1) * Math.log1p(x / ss)),
                    GaussKronrod.geometricThenLinear(1e-9 * Math.min(1, ss), 60, 1), RTOL);
            return a / ss * integral;
        }
        return 1 - s * m * complement(law, s);
    }
}
