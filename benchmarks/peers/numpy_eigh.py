#!/usr/bin/env python3
"""numpy.linalg.eigh (values and vectors) on the shapes of the JMH EighBenchmark, on this machine: the peer the
cpu backend must match. Random symmetric stacks with N(0, 1) entries, seeded; one warm-up call, then timed calls
until the time budget is spent (at least three). Prints JSON; never used by tests."""
import argparse
import json
import platform
import time

import numpy as np

SHAPES = [(16384, 8), (4096, 16), (1024, 32), (256, 64), (64, 128), (16, 256), (4, 512), (1, 1024)]


def measure(batch, n, dtype, budget):
    rng = np.random.default_rng(31 * batch + n)
    a = rng.standard_normal((batch, n, n))
    a = ((a + a.transpose(0, 2, 1)) / 2).astype(dtype)
    np.linalg.eigh(a)
    times = []
    while sum(times) < budget or len(times) < 3:
        start = time.perf_counter()
        w, v = np.linalg.eigh(a)
        times.append(time.perf_counter() - start)
    times.sort()
    return {"batch": batch, "n": n, "dtype": "f64" if dtype == np.float64 else "f32", "runs": len(times),
            "min_seconds": times[0], "median_seconds": times[len(times) // 2]}


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=2.0, help="time budget per shape")
    parser.add_argument("--out", help="write the JSON here as well")
    args = parser.parse_args()
    config = np.show_config(mode="dicts") if hasattr(np, "show_config") else {}
    blas = config.get("Build Dependencies", {}).get("blas", {}) if isinstance(config, dict) else {}
    results = [measure(b, n, dt, args.seconds) for dt in (np.float64, np.float32) for b, n in SHAPES]
    doc = {"peer": "numpy.linalg.eigh", "numpy": np.__version__, "python": platform.python_version(),
           "blas": {k: blas.get(k) for k in ("name", "version", "openblas configuration") if k in blas},
           "results": results}
    text = json.dumps(doc, indent=2)
    if args.out:
        with open(args.out + ".tmp", "w") as f:
            f.write(text)
        import os
        os.replace(args.out + ".tmp", args.out)
    print(text)


if __name__ == "__main__":
    main()
