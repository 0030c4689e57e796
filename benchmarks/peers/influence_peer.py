#!/usr/bin/env python3
"""EK-FAC influence in numpy: the peer the cpu backend's EK-FAC fitting and scoring are compared with (issue 11,
point 7; JMH InfluenceBenchmark runs the same sizes on the Java side).

The algorithm is the one of org.eigenbasis.influence (Curvatures.fromFactors(EKFAC, ...) and
InfluenceScores.pairwise(curvature, dampings, test, train)), written the fast way a numpy user would:

  factors   per layer A = a^T a / n (d_in x d_in), S = g^T g / n (d_out x d_out; g has n*C rows), eigh of each.
  ekfac     Lambda[p, k] = (1/n) sum_i (sum_c (Q_S^T g_ic)_p^2) (Q_A^T a_i)_k^2 as one GEMM:
            Lambda = ((g Q_S)^2 summed over c)^T (a Q_A)^2 / n; bias Lambda_b[p] = column sums of the first / n.
  rotate    per-example gradients (C = 1) of W are g_i a_i^T; in the eigenbasis Q_S^T g_i a_i^T Q_A =
            (Q_S^T g_i)(Q_A^T a_i)^T, so the factors are rotated (two GEMMs per layer) and the outer products
            formed; bias coordinates are Q_S^T g_i. The same for the test points.
  score     S_delta = -T diag(w_delta) R^T for each damping, w = 1/(lambda + delta), 0 where lambda + delta <= 1e-6
            (the eigenvalue floor of Damping.DEFAULT_FLOOR); the dampings' weighted test rows stacked into one GEMM
            (5 n_test x P x n_train), which BLAS runs faster than five thin ones.

"rotate_expanded" is also timed for reference: it forms each g_i a_i^T and rotates it with batched matmuls
(Q_S^T X Q_A), which is what the Java reference does; it is not part of the "score" total.

Workload (default): the digits MLP 64 -> 64 -> 32 -> 10 with biases (P = 6570), n_train = 1617, C = 10
backpropagated vectors per example, n_test = 180, dampings 1e-4, 1e-3, 1e-2, 1e-1, 1; factors N(0, 1), seeded.
--inputs DIR reads the factors from .npy files instead (layer l = 0, 1, ...: fit_a{l}.npy (n, d_in),
fit_g{l}.npy (n*C, d_out), train_g{l}.npy (n, d_out; the training gradients' a is fit_a), test_a{l}.npy,
test_g{l}.npy); --save DIR writes the factors in that layout with the results (ekfac{l}.npy, ekfac_bias{l}.npy,
scores.npy of shape (dampings, n_test, n_train)) for parity checks. Each phase is run --runs times after one
warm-up run; the JSON reports the best and the median of each phase (and for fit and score, the sum of their
phases' bests, steadier on a shared machine). --self-check compares the fast EK-FAC eigenvalues and scores
with their definitions on a small problem (explicit sums, the dense Kronecker eigenbasis) and exits 1 on a
mismatch. Never used by tests.
"""
import argparse
import json
import os
import platform
import sys
import time

import numpy as np

LAYERS = [64, 64, 32, 10]
N_TRAIN = 1617
PER_EXAMPLE = 10
N_TEST = 180
DAMPINGS = [1e-4, 1e-3, 1e-2, 1e-1, 1.0]
EIGEN_FLOOR = 1e-6


def random_factors(widths, n, c, n_test, seed):
    """Per layer: fit a (n, d_in), fit g (n*c, d_out), train gradient g (n, d_out), test a and g."""
    rng = np.random.default_rng(seed)
    layers = []
    for d_in, d_out in zip(widths[:-1], widths[1:]):
        layers.append({
            "fit_a": rng.standard_normal((n, d_in)),
            "fit_g": rng.standard_normal((n * c, d_out)),
            "train_g": rng.standard_normal((n, d_out)),
            "test_a": rng.standard_normal((n_test, d_in)),
            "test_g": rng.standard_normal((n_test, d_out)),
        })
    return layers


def load_factors(folder):
    layers = []
    while os.path.exists(os.path.join(folder, f"fit_a{len(layers)}.npy")):
        l = len(layers)
        layers.append({key: np.ascontiguousarray(np.load(os.path.join(folder, f"{key}{l}.npy")), dtype=np.float64)
                       for key in ("fit_a", "fit_g", "train_g", "test_a", "test_g")})
    if not layers:
        sys.exit(f"{folder}: no fit_a0.npy")
    return layers


def save_factors(folder, layers):
    os.makedirs(folder, exist_ok=True)
    for l, layer in enumerate(layers):
        for key, value in layer.items():
            np.save(os.path.join(folder, f"{key}{l}.npy"), value)


def fit_factors(layers):
    """K-FAC factors and their eigenbases: per layer (values_S, Q_S, values_A, Q_A)."""
    out = []
    for layer in layers:
        a, g = layer["fit_a"], layer["fit_g"]
        n = a.shape[0]
        s_values, q_s = np.linalg.eigh(g.T @ g / n)    # numpy runs X^T X as one SYRK
        a_values, q_a = np.linalg.eigh(a.T @ a / n)
        out.append((s_values, q_s, a_values, q_a))
    return out


def ekfac_eigenvalues(layers, bases):
    """EK-FAC eigenvalues per layer: (Lambda (d_out, d_in), Lambda_bias (d_out,))."""
    out = []
    for layer, (_, q_s, _, q_a) in zip(layers, bases):
        a, g = layer["fit_a"], layer["fit_g"]
        n, d_out = a.shape[0], g.shape[1]
        c = g.shape[0] // n
        gs = np.square(g @ q_s).reshape(n, c, d_out).sum(axis=1)
        asq = np.square(a @ q_a)
        out.append((gs.T @ asq / n, gs.sum(axis=0) / n))
    return out


def rotate(a, g, bases):
    """Eigenbasis coordinates (rows) of the factored per-example gradients: per layer vec((Q_S^T g)(Q_A^T a)^T)
    then Q_S^T g for the bias."""
    blocks = []
    for (a_l, g_l), (_, q_s, _, q_a) in zip(zip(a, g), bases):
        gr = g_l @ q_s
        ar = a_l @ q_a
        blocks.append((gr[:, :, None] * ar[:, None, :]).reshape(gr.shape[0], -1))
        blocks.append(gr)
    return np.concatenate(blocks, axis=1)


def rotate_expanded(a, g, bases):
    """The same coordinates from the expanded gradients g_i a_i^T rotated as Q_S^T X Q_A (the Java reference's way)."""
    blocks = []
    for (a_l, g_l), (_, q_s, _, q_a) in zip(zip(a, g), bases):
        x = g_l[:, :, None] * a_l[:, None, :]
        blocks.append((q_s.T @ x @ q_a).reshape(g_l.shape[0], -1))
        blocks.append(g_l @ q_s)
    return np.concatenate(blocks, axis=1)


def eigenvalues(ekfac):
    return np.concatenate([np.concatenate([lam.ravel(), bias]) for lam, bias in ekfac])


def inverse_weights(values, delta):
    d = values + delta
    w = np.zeros_like(d)
    keep = d > EIGEN_FLOOR
    w[keep] = 1.0 / d[keep]
    return w


def scores(test_rotated, train_rotated, values, dampings):
    """One GEMM for every damping: the weighted test rows of all dampings stacked (len(dampings) * n_test rows)."""
    weighted = np.concatenate([test_rotated * inverse_weights(values, delta) for delta in dampings])
    s = weighted @ train_rotated.T
    np.negative(s, out=s)
    return np.split(s, len(dampings))


def run_once(layers, dampings):
    """One pass of every phase: (seconds per phase, results)."""
    t = {}
    start = time.perf_counter()
    bases = fit_factors(layers)
    t["factors_eigh"] = time.perf_counter() - start
    start = time.perf_counter()
    ekfac = ekfac_eigenvalues(layers, bases)
    t["ekfac_eigenvalues"] = time.perf_counter() - start
    start = time.perf_counter()
    train = rotate([l["fit_a"] for l in layers], [l["train_g"] for l in layers], bases)
    test = rotate([l["test_a"] for l in layers], [l["test_g"] for l in layers], bases)
    t["rotate"] = time.perf_counter() - start
    start = time.perf_counter()
    s = scores(test, train, eigenvalues(ekfac), dampings)
    t["score_gemms"] = time.perf_counter() - start
    start = time.perf_counter()
    rotate_expanded([l["fit_a"] for l in layers], [l["train_g"] for l in layers], bases)
    rotate_expanded([l["test_a"] for l in layers], [l["test_g"] for l in layers], bases)
    t["rotate_expanded"] = time.perf_counter() - start
    t["fit"] = t["factors_eigh"] + t["ekfac_eigenvalues"]
    t["score"] = t["rotate"] + t["score_gemms"]
    return t, (bases, ekfac, s)


def self_check(seed):
    """Fast EK-FAC eigenvalues and scores against their definitions, on 2 small layers (dense Kronecker basis)."""
    widths, n, c, n_test = [3, 4, 2], 7, 3, 5
    layers = random_factors(widths, n, c, n_test, seed)
    bases = fit_factors(layers)
    ekfac = ekfac_eigenvalues(layers, bases)
    failures = []
    worst = 0.0
    for l, (layer, (_, q_s, _, q_a), (lam, lam_b)) in enumerate(zip(layers, bases, ekfac)):
        d_in, d_out = q_a.shape[0], q_s.shape[0]
        want = np.zeros((d_out, d_in))
        want_b = np.zeros(d_out)
        for i in range(n):
            ar = q_a.T @ layer["fit_a"][i]
            for cc in range(c):
                gr = q_s.T @ layer["fit_g"][i * c + cc]
                want += np.outer(gr * gr, ar * ar) / n
                want_b += gr * gr / n
        err = max(np.abs(lam - want).max(), np.abs(lam_b - want_b).max()) / max(np.abs(want).max(), 1e-300)
        worst = max(worst, float(err))
        if err > 1e-12:
            failures.append(f"layer {l}: EK-FAC eigenvalues off by {err:.2e} (relative)")
    # Dense form: per layer block diag(Q_S (x) Q_A, Q_S); gradients vec(g a^T) row-major then g.
    blocks_q, grads = [], {"train": [], "test": []}
    for layer, (_, q_s, _, q_a) in zip(layers, bases):
        blocks_q += [np.kron(q_s, q_a), q_s]
        for name, a_key, g_key in (("train", "fit_a", "train_g"), ("test", "test_a", "test_g")):
            a, g = layer[a_key], layer[g_key]
            grads[name].append(np.concatenate([(g[:, :, None] * a[:, None, :]).reshape(a.shape[0], -1), g], axis=1))
    p = sum(b.shape[0] for b in blocks_q)
    q = np.zeros((p, p))
    at = 0
    for b in blocks_q:
        q[at:at + b.shape[0], at:at + b.shape[0]] = b
        at += b.shape[0]
    values = eigenvalues(ekfac)
    train = np.concatenate(grads["train"], axis=1)
    test = np.concatenate(grads["test"], axis=1)
    fast = scores(rotate([l["test_a"] for l in layers], [l["test_g"] for l in layers], bases),
                  rotate([l["fit_a"] for l in layers], [l["train_g"] for l in layers], bases), values, DAMPINGS)
    expanded = rotate_expanded([l["fit_a"] for l in layers], [l["train_g"] for l in layers], bases)
    if not np.allclose(expanded, train @ q, rtol=0, atol=1e-12 * np.abs(train).max()):
        failures.append("rotate_expanded differs from the dense rotation")
    for delta, s in zip(DAMPINGS, fast):
        inverse = q @ np.diag(inverse_weights(values, delta)) @ q.T
        want = -test @ inverse @ train.T
        err = float(np.abs(s - want).max() / np.abs(want).max())
        worst = max(worst, err)
        if err > 1e-10:
            failures.append(f"delta {delta:g}: scores off by {err:.2e} (relative)")
    print(json.dumps({"self_check": "EK-FAC eigenvalues and scores against their definitions", "parameters": p,
                      "worst_relative_error": worst, "failures": failures}, indent=2))
    return 0 if not failures else 1


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5, help="timed runs per phase after one warm-up (best reported)")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--inputs", help="read the factors from this folder (see above) instead of drawing them")
    parser.add_argument("--save", help="write the factors and the results (.npy) to this folder")
    parser.add_argument("--self-check", action="store_true")
    parser.add_argument("--out", help="write the JSON here as well")
    args = parser.parse_args()
    if args.self_check:
        sys.exit(self_check(args.seed))
    layers = load_factors(args.inputs) if args.inputs else random_factors(LAYERS, N_TRAIN, PER_EXAMPLE, N_TEST,
                                                                           args.seed)
    widths = [layers[0]["fit_a"].shape[1]] + [l["fit_g"].shape[1] for l in layers]
    n = layers[0]["fit_a"].shape[0]
    c = layers[0]["fit_g"].shape[0] // n
    n_test = layers[0]["test_a"].shape[0]
    p = sum(d_in * d_out + d_out for d_in, d_out in zip(widths[:-1], widths[1:]))
    load_before = os.getloadavg()
    _, results = run_once(layers, DAMPINGS)        # warm-up
    runs = [run_once(layers, DAMPINGS)[0] for _ in range(args.runs)]
    phases = {}
    for key in runs[0]:
        times = sorted(r[key] for r in runs)
        phases[key] = {"best_seconds": times[0], "median_seconds": times[len(times) // 2]}
    # On a shared machine one slow phase spoils a run's total: the sum of the phases' bests is the steadier figure.
    for total, parts in (("fit", ("factors_eigh", "ekfac_eigenvalues")), ("score", ("rotate", "score_gemms"))):
        phases[total]["sum_of_phase_bests_seconds"] = sum(phases[p]["best_seconds"] for p in parts)
    if args.save:
        save_factors(args.save, layers)
        bases, ekfac, s = results
        for l, (lam, lam_b) in enumerate(ekfac):
            np.save(os.path.join(args.save, f"ekfac{l}.npy"), lam)
            np.save(os.path.join(args.save, f"ekfac_bias{l}.npy"), lam_b)
        np.save(os.path.join(args.save, "scores.npy"), np.stack(s))
    config = np.show_config(mode="dicts") if hasattr(np, "show_config") else {}
    blas = config.get("Build Dependencies", {}).get("blas", {}) if isinstance(config, dict) else {}
    doc = {"peer": "influence_peer (numpy EK-FAC fit and scores)", "numpy": np.__version__,
           "python": platform.python_version(), "cpu": cpu_model(), "cores": os.cpu_count(),
           "openblas_num_threads": os.environ.get("OPENBLAS_NUM_THREADS", "(unset: OpenBLAS default)"),
           "load_average_before": load_before, "load_average_after": os.getloadavg(),
           "blas": {k: blas.get(k) for k in ("name", "version", "openblas configuration") if k in blas},
           "workload": {"layers": widths, "bias": True, "parameters": p, "n_train": n, "per_example": c,
                        "n_test": n_test, "dampings": DAMPINGS, "eigen_floor": EIGEN_FLOOR,
                        "factors": f"--inputs {args.inputs}" if args.inputs else f"N(0, 1), seed {args.seed}"},
           "runs": args.runs,
           "phases": phases,
           "notes": {"fit": "factors_eigh + ekfac_eigenvalues (Curvatures.fromFactors(EKFAC))",
                     "score": "rotate + score_gemms (InfluenceScores.pairwise with 5 dampings)",
                     "rotate_expanded": "reference only: rotating expanded g a^T as the Java reference does"}}
    text = json.dumps(doc, indent=2)
    if args.out:
        with open(args.out + ".tmp", "w") as f:
            f.write(text)
        os.replace(args.out + ".tmp", args.out)
    print(text)


if __name__ == "__main__":
    main()
