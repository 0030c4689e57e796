#!/usr/bin/env python3
"""The closed-form generated variances of linear denoisers in numpy: the peer of the cpu DiffusionKernel (issue 14,
point 5; JMH DiffusionBenchmark runs the same workload on the Java side).

Same formulas as org.eigenbasis.diffusion.ModeDynamics, broadcast over an (n, 1) column of modes and a (1, t) row
of times, with scipy.special.exp1 for E1 (Cephes; vectorised ufunc):

  one layer  a = 2 eta tau, u1 = sigma_min^2, u2 = sigma_max^2, w = lambda + u
             I = 1/2 ln(w2/w1) + 1/2 (1 - Q) e^(-a lambda) [E1(a u1) - E1(a u2)] - 1/2 [E1(a w1) - E1(a w2)]
  two layer  c = e^(-8 eta lambda tau), g = -expm1(-8 eta lambda tau)/lambda (8 eta tau at lambda = 0),
             A = c + Q lambda g, B = Q g,
             I = 1/2 ln(u2/u1) - Q/(2A) [ln(u2/u1) - log1p(B (u2 - u1)/(A + B u1))]
  lambda~ = sigma_max^2 exp(-2 I)

written the fast way a numpy user would: the per-time E1(a u1) - E1(a u2) once, then whole-array expressions, in
blocks of modes so the temporaries stay in cache-sized pieces (--block rows at a time). E1 differences of small
arguments cancel here (numpy has no E1 difference); the peer is for timing, the java reference for accuracy
(--self-check compares the two forms against mpmath on a few points and exits 1 beyond 1e-8 relative).

Workload (default): n = 100000 modes lambda_i = 1/i, t = 1000 times log-spaced over [1e-3, 1e3], sigma in
[0.002, 80], eta = 1, Q = 0.1. Each model is run --runs times after one warm-up; the JSON reports the best and
the median seconds. numpy's ufuncs are single-threaded: --threads W splits the modes over W processes
(multiprocessing, fork) as a user would, timed end to end with the result gathered in the parent. Never used
by tests.
"""
import argparse
import json
import os
import platform
import sys
import time

import numpy as np
import scipy
from scipy.special import exp1

SIGMA_MIN, SIGMA_MAX, ETA, INIT = 0.002, 80.0, 1.0, 0.1


def variances(model, lambdas, taus, block=256, out=None):
    """lambda~ for every (lambda_i, tau_j): an (n, t) float64 array."""
    n, t = len(lambdas), len(taus)
    out = np.empty((n, t)) if out is None else out
    u1, u2 = SIGMA_MIN ** 2, SIGMA_MAX ** 2
    log_ratio = np.log(u2 / u1)
    tau = taus[None, :]
    with np.errstate(over="ignore", under="ignore", invalid="ignore", divide="ignore"):
        if model == "one-layer":
            a = 2 * ETA * tau
            noise = exp1(a * u1) - exp1(a * u2)
            for s in range(0, n, block):
                lam = lambdas[s:s + block, None]
                w1, w2 = lam + u1, lam + u2
                integral = (0.5 * np.log(w2 / w1) + 0.5 * (1 - INIT) * np.exp(-a * lam) * noise
                            - 0.5 * (exp1(a * w1) - exp1(a * w2)))
                integral = np.where(tau == 0, 0.5 * (1 - INIT) * log_ratio, integral)
                out[s:s + block] = u2 * np.exp(-2 * integral)
        else:
            rate = 8 * ETA * tau
            for s in range(0, n, block):
                lam = lambdas[s:s + block, None]
                r = rate * lam
                c = np.exp(-r)
                g = np.where(lam == 0, rate, -np.expm1(-r) / np.where(lam == 0, 1, lam))
                big_a = c + INIT * lam * g
                big_b = INIT * g
                log_den = np.log1p(big_b * (u2 - u1) / (big_a + big_b * u1))
                integral = 0.5 * log_ratio - (INIT / (2 * big_a)) * (log_ratio - log_den)
                out[s:s + block] = u2 * np.exp(-2 * integral)
    return out


def _worker(args):
    model, lambdas, taus, block = args
    return variances(model, lambdas, taus, block)


def timed(model, lambdas, taus, block, threads, pool):
    start = time.perf_counter()
    if threads == 1:
        result = variances(model, lambdas, taus, block)
    else:
        parts = np.array_split(lambdas, threads)
        result = np.vstack(pool.map(_worker, [(model, p, taus, block) for p in parts]))
    return time.perf_counter() - start, result


def self_check():
    import mpmath as mp
    mp.mp.dps = 30
    lambdas = np.array([0.0, 1e-4, 0.3, 7.0, 5e3])
    taus = np.array([0.0, 1e-4, 0.02, 0.5, 30.0])
    worst = 0.0
    for model in ("one-layer", "two-layer"):
        got = variances(model, lambdas, taus)
        for i, lam in enumerate(lambdas):
            for j, tau in enumerate(taus):
                def psi(sigma):
                    u = sigma * sigma
                    if model == "one-layer":
                        k = lam / (lam + u)
                        return k + (INIT - k) * mp.e ** (-2 * ETA * tau * (u + lam))
                    c = mp.e ** (-8 * ETA * lam * tau)
                    g = 8 * ETA * tau if lam == 0 else (1 - c) / lam
                    return INIT / (c + INIT * (lam + u) * g)
                integral = mp.quad(lambda s: (1 - psi(s)) / s, [SIGMA_MIN, 0.01, 0.1, 1, 10, SIGMA_MAX])
                want = SIGMA_MAX ** 2 * mp.e ** (-2 * integral)
                worst = max(worst, float(abs(got[i, j] / want - 1)))
    print(f"self-check: max relative error {worst:.2e} against mpmath quadrature")
    return worst <= 1e-8


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=100000)
    parser.add_argument("--t", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--block", type=int, default=256)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--models", default="one-layer,two-layer")
    parser.add_argument("--out", help="JSON file to write")
    parser.add_argument("--self-check", action="store_true")
    args = parser.parse_args()
    if args.self_check:
        sys.exit(0 if self_check() else 1)
    lambdas = 1.0 / np.arange(1, args.n + 1, dtype=np.float64)
    taus = np.logspace(-3, 3, args.t)
    pool = None
    if args.threads > 1:
        import multiprocessing
        pool = multiprocessing.get_context("fork").Pool(args.threads)
    report = {"workload": {"n": args.n, "t": args.t, "sigma_min": SIGMA_MIN, "sigma_max": SIGMA_MAX,
                           "eta": ETA, "init": INIT, "spectrum": "1/i", "times": "logspace(-3, 3)"},
              "threads": args.threads, "block": args.block, "numpy": np.__version__, "scipy": scipy.__version__,
              "python": platform.python_version(), "load_average_before": list(os.getloadavg()), "models": {}}
    for model in args.models.split(","):
        timed(model, lambdas[:min(args.n, 2000)], taus, args.block, args.threads, pool)   # warm-up
        seconds = sorted(timed(model, lambdas, taus, args.block, args.threads, pool)[0] for _ in range(args.runs))
        report["models"][model] = {"best_seconds": seconds[0], "median_seconds": seconds[len(seconds) // 2],
                                   "ns_per_pair": seconds[0] / (args.n * args.t) * 1e9}
        print(f"numpy {model}: best {seconds[0]:.3f} s, median {seconds[len(seconds) // 2]:.3f} s "
              f"({args.n} x {args.t}, {args.threads} process(es))", file=sys.stderr)
    if pool is not None:
        pool.close()
    text = json.dumps(report, indent=2)
    if args.out:
        tmp = args.out + ".tmp"
        with open(tmp, "w") as f:
            f.write(text + "\n")
        os.replace(tmp, args.out)
    else:
        print(text)


if __name__ == "__main__":
    main()
