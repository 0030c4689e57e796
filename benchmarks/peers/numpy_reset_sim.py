#!/usr/bin/env python3
"""The resetting simulator of docs/resetting-simulator.md in vectorised numpy: the peer the cpu backend's
trajectory-events per second are compared with (benchmarks/run-reset-benchmarks.sh).

The same algorithm as the backends: the exact OU scheme, a stationary start (size-biased length, uniform age),
renewal resets to 0, the Rao-Blackwellised time integrals of each segment, the snapshot at T; optionally the
second moments (the time-averaged u u^T and the snapshot u u^T). Vectorised across trajectories: each pass of the
loop advances every still-running trajectory by one segment. numpy's PCG64 generator replaces Philox (the
estimates are statistically, not bitwise, equal to the backends').

Benchmark workload (ResetSimulationBenchmark's): mu_k = 1/k (k = 1..d), a_k = 1, sigma = 0.5, T = 10 E[tau], for
exp(rate=1) and gamma(k=2,scale=0.5). Prints JSON with trajectory-events per second (median of timed runs).
--self-check compares the estimates with the closed form of exponential resetting, mean_k = a_k mu_k/(mu_k + r),
and exits 1 when a coordinate is more than 4.5 standard errors off.
"""
import argparse
import json
import os
import platform
import sys
import time

import numpy as np

LAWS = {
    "exp": {"spec": "exp(rate=1)", "mean": 1.0},
    "gamma": {"spec": "gamma(k=2,scale=0.5)", "mean": 1.0},
}


def draw_tau(law, rng, n):
    if law == "exp":
        return rng.exponential(1.0, n)
    return rng.gamma(2.0, 0.5, n)


def draw_size_biased(law, rng, n):
    """tau~ with density t f(t)/E[tau]: gamma(2, 1/r) for exp(r), gamma(k + 1, theta) for gamma(k, theta)."""
    if law == "exp":
        return rng.gamma(2.0, 1.0, n)
    return rng.gamma(3.0, 0.5, n)


def em(x):
    return -np.expm1(-x)


def k_fn(x):
    out = np.ones_like(x)
    nz = x != 0
    out[nz] = em(x[nz]) / x[nz]
    return out


def g_fn(x):
    """G(x) = (1 - K(x))/x, by its series below 0.5 (no cancellation)."""
    out = np.empty_like(x)
    small = x < 0.5
    xs = x[small]
    term = np.full_like(xs, 0.5)
    acc = term.copy()
    for n in range(1, 20):
        term = term * (-xs / (n + 2))
        acc += term
    out[small] = acc
    xl = x[~small]
    out[~small] = (1 - k_fn(xl)) / xl
    return out


def v_fn(mu, t):
    return t * k_fn(2 * mu * t)


def simulate(law, mu, a, sigma, horizon, n, seed, covariance=False, chunk=None):
    """Sums over n trajectories: dict with events, snapshot/time sums and squares, and (covariance) the sums of
    u(T)u(T)^T and of S (the time-averaged u u^T)."""
    d = mu.size
    rng = np.random.default_rng(seed)
    if chunk is None:
        chunk = max(1, min(n, (1 << 21) // (d * (d if covariance else 1))))
    sums = {"events": 0, "snap": np.zeros(d), "snap2": np.zeros(d), "time": np.zeros(d), "time2": np.zeros(d)}
    if covariance:
        sums["snapP"] = np.zeros((d, d))
        sums["timeS"] = np.zeros((d, d))
    for first in range(0, n, chunk):
        m = min(chunk, n - first)
        biased = draw_size_biased(law, rng, m)
        age = rng.random(m) * biased
        nxt = biased - age
        u = a * em(np.outer(age, mu)) + sigma * np.sqrt(v_fn(mu, age[:, None] * np.ones(d))) * rng.standard_normal((m, d))
        t = np.zeros(m)
        integral = np.zeros((m, d))
        snapshot = np.zeros((m, d))
        idx = np.arange(m)
        while idx.size:
            tt, nn, uu = t[idx], nxt[idx], u[idx]
            end = np.minimum(nn, horizon)
            delta = end - tt
            x = delta[:, None] * mu
            kx = k_fn(x)
            b = uu - a
            integral[idx] += delta[:, None] * (a + b * kx)
            if covariance:
                emx = em(x)
                xs = x[:, :, None] + x[:, None, :]
                kij = np.ones_like(xs)
                nz = xs != 0
                kij[nz] = (emx[:, :, None] + (1 - emx[:, :, None]) * emx[:, None, :])[nz] / xs[nz]
                sums["timeS"] += (np.outer(a, a) * delta.sum()
                                  + np.einsum("r,i,rj->ij", delta, a, b * kx)
                                  + np.einsum("r,ri,j->ij", delta, b * kx, a)
                                  + np.einsum("r,ri,rj,rij->ij", delta, b, b, kij)) / horizon
                sums["timeS"][np.diag_indices(d)] += sigma * sigma * np.einsum(
                    "r,ri->i", delta * delta, g_fn(2 * x)) / horizon
            sums["events"] += int(idx.size)
            done = nn >= horizon
            if done.any():
                di = idx[done]
                xd = x[done]
                snapshot[di] = (a + b[done] * np.exp(-xd) + sigma * np.sqrt(v_fn(mu, delta[done][:, None] * np.ones(d)))
                                * rng.standard_normal((di.size, d)))
            go = idx[~done]
            u[go] = 0.0
            t[go] = nxt[go]
            nxt[go] = nxt[go] + draw_tau(law, rng, go.size)
            idx = go
        average = integral / horizon
        sums["snap"] += snapshot.sum(axis=0)
        sums["snap2"] += (snapshot * snapshot).sum(axis=0)
        sums["time"] += average.sum(axis=0)
        sums["time2"] += (average * average).sum(axis=0)
        if covariance:
            sums["snapP"] += snapshot.T @ snapshot
    return sums


def estimates(sums, n):
    out = {}
    for key in ("snap", "time"):
        mean = sums[key] / n
        var = np.maximum(sums[key + "2"] / n - mean * mean, 0)
        out[key] = (mean, np.sqrt(var / (n - 1)))
    return out


def workload(d):
    mu = 1.0 / np.arange(1, d + 1)
    return mu, np.ones(d), 0.5


def self_check(seed):
    """Exponential resetting: mean_k = a_k mu_k/(mu_k + r) for the snapshot and the time average, any sigma."""
    rate = 1.0
    mu = np.array([0.0, 0.2, 1.0, 5.0])
    a = np.array([1.0, -2.0, 0.5, 3.0])
    n = 200_000
    sums = simulate("exp", mu, a, 0.5, 10.0, n, seed)
    est = estimates(sums, n)
    theory = a * mu / (mu + rate)
    worst = 0.0
    failures = []
    for key in ("snap", "time"):
        mean, se = est[key]
        z = np.abs(mean - theory) / np.maximum(se, 1e-15)
        worst = max(worst, float(z.max()))
        for k in np.nonzero(z > 4.5)[0]:
            failures.append(f"{key} mean k={k}: {mean[k]:.6f} vs {theory[k]:.6f} ({z[k]:.1f} se)")
    events_per_trajectory = sums["events"] / n
    # Stationary Poisson resets: 1 + Poisson(rT) segments, mean 11, variance 10.
    z_events = abs(events_per_trajectory - 11.0) / np.sqrt(10.0 / n)
    if z_events > 4.5:
        failures.append(f"segments per trajectory {events_per_trajectory:.4f} vs 11 ({z_events:.1f} se)")
    # Second moments (small run, d = 2): E[u^2] = a^2 E[em(mu A)^2] + sigma^2 E[V(mu, A)], A ~ exp(r) here.
    mu2, a2 = np.array([0.5, 2.0]), np.array([1.0, -1.0])
    n2 = 50_000
    s2 = simulate("exp", mu2, a2, 0.5, 10.0, n2, seed + 1, covariance=True)

    def age_laplace(s):
        return rate / (rate + s)   # E[e^{-sA}] for A ~ exp(rate)
    second = (np.outer(a2, a2) * (1 - age_laplace(mu2)[:, None] - age_laplace(mu2)[None, :]
                                  + age_laplace(mu2[:, None] + mu2[None, :]))
              + np.diag(0.25 * (1 - age_laplace(2 * mu2)) / (2 * mu2)))
    got = s2["timeS"] / n2
    if not np.allclose(got, second, rtol=0.03, atol=0.01):
        failures.append(f"time second moments {got.tolist()} vs {second.tolist()}")
    got_snap = s2["snapP"] / n2
    if not np.allclose(got_snap, second, rtol=0.05, atol=0.02):
        failures.append(f"snapshot second moments {got_snap.tolist()} vs {second.tolist()}")
    doc = {"self_check": "exponential closed form", "trajectories": n, "worst_standard_errors": worst,
           "segments_per_trajectory": events_per_trajectory, "failures": failures}
    print(json.dumps(doc, indent=2))
    return 0 if not failures else 1


def measure(law, d, n, budget, covariance):
    mu, a, sigma = workload(d)
    horizon = 10 * LAWS[law]["mean"]
    simulate(law, mu, a, sigma, horizon, max(1, n // 10), 1, covariance)   # warm-up
    runs = []
    seed = 2
    while sum(r[1] for r in runs) < budget or len(runs) < 3:
        start = time.perf_counter()
        sums = simulate(law, mu, a, sigma, horizon, n, seed, covariance)
        runs.append((sums["events"], time.perf_counter() - start))
        seed += 1
    rates = sorted(e / s for e, s in runs)
    return {"law": LAWS[law]["spec"], "d": d, "trajectories": n, "covariance": covariance, "runs": len(runs),
            "events_per_run": runs[-1][0], "median_events_per_second": rates[len(rates) // 2],
            "best_events_per_second": rates[-1]}


def trajectories_for(d):
    """The JMH benchmark's N per operation (ResetSimulationBenchmark.trajectories for java and cpu)."""
    return max(256, (1 << 18) // d)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--laws", default="exp,gamma")
    parser.add_argument("--dims", default="1,10,100,1000")
    parser.add_argument("--trajectories", type=int, help="N per run (default: the JMH benchmark's N for d)")
    parser.add_argument("--seconds", type=float, default=2.0, help="time budget per (law, d)")
    parser.add_argument("--covariance", action="store_true", help="second moments as well (d <= 100)")
    parser.add_argument("--self-check", action="store_true")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", help="write the JSON here as well")
    args = parser.parse_args()
    if args.self_check:
        sys.exit(self_check(args.seed))
    results = []
    for law in args.laws.split(","):
        for d in (int(x) for x in args.dims.split(",")):
            if args.covariance and d > 100:
                continue
            results.append(measure(law, d, args.trajectories or trajectories_for(d), args.seconds, args.covariance))
    doc = {"peer": "numpy_reset_sim", "numpy": np.__version__, "python": platform.python_version(),
           "metric": "trajectory-events per second (segments between resets, the spec's count)",
           "workload": "mu_k = 1/k, a_k = 1, sigma = 0.5, T = 10 E[tau], exact scheme, stationary start",
           "results": results}
    text = json.dumps(doc, indent=2)
    if args.out:
        with open(args.out + ".tmp", "w") as f:
            f.write(text)
        os.replace(args.out + ".tmp", args.out)
    print(text)


if __name__ == "__main__":
    main()
