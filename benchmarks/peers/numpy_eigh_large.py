#!/usr/bin/env python3
"""Issue 16: the peers of one large random symmetric matrix, n in --sizes, f64 and f32:
numpy.linalg.eigh (vectors), numpy.linalg.eigvalsh (values only) and, as the partial-spectrum peer,
scipy.linalg.eigh(a, subset_by_index=[n-k, n-1], driver='evr') (the k largest eigenpairs, LAPACK ?syevr; --partial k,
10 by default, 0 to skip). Seeded N(0, 1) entries (numpy default_rng(n)), symmetrised; per call the minimum of --runs
timed calls (default 3 at n <= 2048 and 1 above, where one call is seconds) after one untimed warm-up call (none at
n >= 4096). numpy computes f32 input in double (its f32 times equal its f64 ones); scipy calls ?ssyevr in single.
With --save DIR it also writes each input as DIR/A-<n>-<dtype>.npy for the eigenbasis CLI to read.
Prints one JSON line per (n, dtype); with --out also writes a JSON document (versions, load, results) for
benchmarks/summarize_eigh_large.py. Never used by tests.

Usage: python3 benchmarks/peers/numpy_eigh_large.py [--sizes 1024,2048,4096,8192] [--dtypes f64,f32] [--runs K]
       [--partial 10] [--save DIR] [--out FILE]
Quick check: python3 benchmarks/peers/numpy_eigh_large.py --sizes 256 --runs 1 --out /tmp/peer.json"""
import argparse
import json
import os
import platform
import time

import numpy as np


def timed(f, a, runs, warm):
    """The fastest of runs timed calls of f(a), after warm (a count, or a bool for one) untimed ones."""
    for _ in range(int(warm)):
        f(a)
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        f(a)
        best = min(best, time.perf_counter() - start)
    return best


def symmetric(n, name):
    """The input of size n: the same matrix for f64 and f32 (the f32 one is the f64 one rounded)."""
    rng = np.random.default_rng(n)
    a = rng.standard_normal((n, n))
    return ((a + a.T) / 2).astype(np.float64 if name == "f64" else np.float32)


def blas_info():
    try:
        config = np.show_config(mode="dicts")
        blas = config.get("Build Dependencies", {}).get("blas", {})
        return {k: blas.get(k) for k in ("name", "version", "openblas configuration") if k in blas}
    except Exception:  # older numpy: no dict mode
        return {}


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sizes", default="1024,2048,4096,8192")
    p.add_argument("--dtypes", default="f64,f32")
    p.add_argument("--runs", type=int, help="timed calls per function (default 3 at n <= 2048, else 1)")
    p.add_argument("--partial", type=int, default=10, help="k of the scipy evr subset peer (0: skip it)")
    p.add_argument("--save", help="write the inputs here")
    p.add_argument("--out", help="write the JSON document here as well")
    args = p.parse_args()
    scipy_linalg = None
    if args.partial > 0:
        import scipy
        import scipy.linalg as scipy_linalg
    load_before = os.getloadavg()
    results = []
    for n in (int(s) for s in args.sizes.split(",")):
        for name in args.dtypes.split(","):
            a = symmetric(n, name)
            if args.save:
                np.save(os.path.join(args.save, f"A-{n}-{name}.npy"), a)
            runs = args.runs or (3 if n <= 2048 else 1)
            warm = n < 4096
            row = {"n": n, "dtype": name, "runs": runs, "warmup": int(warm),
                   "eigh_seconds": timed(np.linalg.eigh, a, runs, warm),
                   "eigvalsh_seconds": timed(np.linalg.eigvalsh, a, runs, warm)}
            if scipy_linalg is not None:
                k = min(args.partial, n)
                evr = lambda m: scipy_linalg.eigh(m, subset_by_index=[n - k, n - 1], driver="evr")
                row["evr_k"] = k
                row["evr_seconds"] = timed(evr, a, runs, warm)
            results.append(row)
            print(json.dumps(row), flush=True)
    doc = {"peer": "numpy.linalg.eigh / eigvalsh, scipy.linalg.eigh(subset_by_index, driver='evr')",
           "numpy": np.__version__, "scipy": scipy.__version__ if scipy_linalg is not None else None,
           "python": platform.python_version(), "blas": blas_info(),
           "openblas_coretype": os.environ.get("OPENBLAS_CORETYPE"),
           "load_before": load_before, "load_after": os.getloadavg(), "results": results}
    if args.out:
        with open(args.out + ".tmp", "w") as f:
            json.dump(doc, f, indent=2)
        os.replace(args.out + ".tmp", args.out)


if __name__ == "__main__":
    main()
