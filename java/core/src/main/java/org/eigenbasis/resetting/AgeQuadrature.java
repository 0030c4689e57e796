package org.eigenbasis.resetting;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;

/**
 * A discrete rule for the stationary age law A (density P(τ &gt; a)/E[τ]) that resolves every scale the
 * curvatures μ_min … μ_max can see: nodes A_k with weights w_k, plus the mass {@link #tailMass} placed at A = +∞
 * (where e^(−μA) = 0 for every μ &gt; 0). Built as 10-point Gauss–Legendre panels: one linear panel on
 * [0, 10⁻⁶/μ_max], then panels of width ≤ 1/2 in ln a up to 60/μ_min (or the end of the support), split at the
 * law's kinks (det T, uniform a and b, Pareto x_m, every empirical observation).
 *
 * <p>Used for the covariance of e^(−μ_i A) and e^(−μ_j A) under lognormal, Weibull, Pareto and Lomax laws (exp
 * has its own closed form; det, gamma, uniform and empirical use {@link ClockCovariance}), which as
 * g(μ_i + μ_j) − g(μ_i)g(μ_j) cancels catastrophically for small arguments: the rule's own centred products are an exact covariance of a
 * discrete law, so the result is symmetric positive semidefinite by construction. Size about
 * 20·ln(6·10⁷·μ_max/μ_min) + 10·(kinks) nodes.
 */
final class AgeQuadrature {
    private static final double[][] GL10 = GaussKronrod.legendre(10);

    final double[] nodes;
    final double[] weights;
    final double tailMass;

    private AgeQuadrature(double[] nodes, double[] weights, double tailMass) {
        this.nodes = nodes;
        this.weights = weights;
        this.tailMass = tailMass;
    }

    static AgeQuadrature of(RenewalLaw law, double muMin, double muMax) {
        double mean = law.mean();
        double lo = 1e-6 / muMax;
        double hi = 60 / muMin;
        double supportEnd = supportEnd(law);
        hi = Math.min(hi, supportEnd);
        TreeSet<Double> edges = new TreeSet<>();
        edges.add(0.0);
        edges.add(hi);
        if (lo < hi) {
            edges.add(lo);
            double lnLo = Math.log(lo);
            double lnHi = Math.log(hi);
            int n = (int) Math.ceil((lnHi - lnLo) / 0.5);
            for (int i = 1; i < n; i++) {
                edges.add(Math.exp(lnLo + (lnHi - lnLo) * i / n));
            }
        }
        for (double kink : kinks(law)) {
            if (kink > 0 && kink < hi) {
                edges.add(kink);
            }
        }
        Double[] e = edges.toArray(new Double[0]);
        List<double[]> out = new ArrayList<>();
        double mass = 0;
        for (int p = 0; p + 1 < e.length; p++) {
            double a = e[p];
            double b = e[p + 1];
            boolean logPanel = a >= lo && a > 0;
            for (int i = 0; i < GL10[0].length; i++) {
                double t = GL10[0][i];
                double node;
                double weight;
                if (logPanel) {
                    double la = Math.log(a);
                    double lb = Math.log(b);
                    node = Math.exp(0.5 * (la + lb) + 0.5 * (lb - la) * t);
                    weight = 0.5 * (lb - la) * GL10[1][i] * node;
                } else {
                    node = 0.5 * (a + b) + 0.5 * (b - a) * t;
                    weight = 0.5 * (b - a) * GL10[1][i];
                }
                weight *= law.survival(node) / mean;
                if (weight > 0) {
                    out.add(new double[] {node, weight});
                    mass += weight;
                }
            }
        }
        double[] nodes = new double[out.size()];
        double[] weights = new double[out.size()];
        for (int i = 0; i < nodes.length; i++) {
            nodes[i] = out.get(i)[0];
            weights[i] = out.get(i)[1];
        }
        double tail = 1 - mass;
        if (tail < 0 || hi >= supportEnd) {
            // Bounded support or a rule slightly over one: renormalise instead of a negative mass.
            for (int i = 0; i < weights.length; i++) {
                weights[i] /= mass;
            }
            tail = 0;
        }
        return new AgeQuadrature(nodes, weights, tail);
    }

    private static double supportEnd(RenewalLaw law) {
        if (law instanceof DeterministicLaw d) {
            return d.period();
        }
        if (law instanceof UniformLaw u) {
            return u.b();
        }
        if (law instanceof EmpiricalLaw emp) {
            double[] t = emp.observations();
            return t[t.length - 1];
        }
        return Double.POSITIVE_INFINITY;
    }

    private static double[] kinks(RenewalLaw law) {
        if (law instanceof UniformLaw u) {
            return new double[] {u.a(), u.b()};
        }
        if (law instanceof ParetoLaw p) {
            return new double[] {p.xm()};
        }
        if (law instanceof EmpiricalLaw emp) {
            return Arrays.stream(emp.observations()).distinct().toArray();
        }
        return new double[0];
    }
}
