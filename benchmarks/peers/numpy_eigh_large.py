#!/usr/bin/env python3
"""Issue 16, step 0: numpy.linalg.eigh (vectors) and eigvalsh (values only) on one large random symmetric matrix,
n in --sizes, f64 and f32, the targets' peer. Seeded N(0, 1) entries, symmetrised; the minimum of --runs timed
calls after one warm-up call (none at n >= 4096, where one call is seconds). With --save DIR it also writes each
input as DIR/A-<n>-<dtype>.npy for the eigenbasis CLI to read. Prints JSON lines; never used by tests."""
import argparse
import json
import os
import time

import numpy as np


def timed(f, a, runs):
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        f(a)
        best = min(best, time.perf_counter() - start)
    return best


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--sizes", default="1024,2048,4096,8192")
    p.add_argument("--dtypes", default="f64,f32")
    p.add_argument("--save", help="write the inputs here")
    args = p.parse_args()
    for n in (int(s) for s in args.sizes.split(",")):
        for name in args.dtypes.split(","):
            dtype = np.float64 if name == "f64" else np.float32
            rng = np.random.default_rng(n)
            a = rng.standard_normal((n, n))
            a = ((a + a.T) / 2).astype(dtype)
            if args.save:
                np.save(os.path.join(args.save, f"A-{n}-{name}.npy"), a)
            runs = 3 if n <= 2048 else 1
            if n < 4096:
                np.linalg.eigh(a)
            vec = timed(np.linalg.eigh, a, runs)
            val = timed(np.linalg.eigvalsh, a, runs)
            print(json.dumps({"n": n, "dtype": name, "runs": runs, "eigh_seconds": vec, "eigvalsh_seconds": val}),
                  flush=True)


if __name__ == "__main__":
    main()
