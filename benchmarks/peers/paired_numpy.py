#!/usr/bin/env python3
"""Paired comparison of the eigenbasis cpu backend with numpy.linalg.eigh on this machine. On a shared machine
throughput drifts by 10 % within minutes, so runs measured minutes apart cannot be compared at the 1.0x line:
here each round times numpy and then `eigenbasis eigh --repeat` (the kernel's time inside the JVM, validation
and output allocation included, file I/O and JVM start excluded) on the same input, back to back, and the ratio
is taken per round. Both sides get untimed warm-up calls (ten in the JVM, so its JIT has compiled the Java side). Prints JSON with the median ratio per shape; never used by tests."""
import argparse
import glob
import json
import os
import subprocess
import tempfile
import time

import numpy as np

SHAPES = [(16384, 8), (4096, 16), (1024, 32), (256, 64), (64, 128), (16, 256), (4, 512), (1, 1024)]


def numpy_median(a, repeat):
    np.linalg.eigh(a)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        np.linalg.eigh(a)
        times.append(time.perf_counter() - start)
    times.sort()
    return times[len(times) // 2]


def eigenbasis_median(jar, path, repeat, backend):
    out = subprocess.run(["java", "-jar", jar, "eigh", "--input", path, "--values", path + ".w.npy", "--vectors",
                          path + ".v.npy", "--backend", backend, "--warmup", "10", "--repeat", str(repeat), "--json"],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout)["seconds"]["median"]


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=9, help="calls per side per round (median taken)")
    parser.add_argument("--backend", default="cpu")
    parser.add_argument("--out")
    args = parser.parse_args()
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    jar = sorted(glob.glob(os.path.join(root, "java/cli/target/eigenbasis-cli-*-all.jar")))[-1]
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for dtype, name in ((np.float64, "f64"), (np.float32, "f32")):
            for batch, n in SHAPES:
                rng = np.random.default_rng(31 * batch + n)
                a = rng.standard_normal((batch, n, n))
                a = ((a + a.transpose(0, 2, 1)) / 2).astype(dtype)
                path = os.path.join(tmp, f"a-{name}-{batch}x{n}.npy")
                np.save(path, a)
                repeat = args.repeat if n < 512 else max(3, args.repeat // 2)
                rounds = []
                for _ in range(args.rounds):
                    t_np = numpy_median(a, repeat)
                    t_eb = eigenbasis_median(jar, path, repeat, args.backend)
                    rounds.append({"numpy_seconds": t_np, "eigenbasis_seconds": t_eb, "ratio": t_np / t_eb})
                ratios = sorted(r["ratio"] for r in rounds)
                results.append({"dtype": name, "batch": batch, "n": n, "rounds": rounds,
                                "median_ratio": ratios[len(ratios) // 2], "min_ratio": ratios[0]})
                print(f"{name} {batch}x{n}: eigenbasis/numpy throughput {ratios[len(ratios) // 2]:.2f}x "
                      f"(rounds {', '.join(f'{r:.2f}' for r in ratios)})", flush=True)
    doc = {"comparison": "paired, eigenbasis " + args.backend + " vs numpy.linalg.eigh", "numpy": np.__version__,
           "results": results}
    if args.out:
        with open(args.out + ".tmp", "w") as f:
            json.dump(doc, f, indent=2)
        os.replace(args.out + ".tmp", args.out)


if __name__ == "__main__":
    main()
