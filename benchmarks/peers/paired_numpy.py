#!/usr/bin/env python3
"""Paired comparison of the eigenbasis cpu backend with numpy.linalg.eigh on this machine. On a shared machine
throughput drifts by 10 % within minutes, so runs measured minutes apart cannot be compared at the 1.0x line:
here each round times numpy and then `eigenbasis eigh --repeat` (the kernel's time inside the JVM, validation
and output allocation included, file I/O and JVM start excluded) on the same input, back to back, and the ratio
is taken per round. Both sides get untimed warm-up calls (ten in the JVM, so its JIT has compiled the Java side). Prints JSON with the median ratio per shape; never used by tests.

With --large (issue 16): one large matrix per n in --sizes (default 1024,2048,4096,8192), f64 and f32, the input of
peers/numpy_eigh_large.py (default_rng(n), symmetrised). Per round and algorithm in --algorithms (default auto): numpy
eigh against `eigenbasis eigh --algorithm A --vectors`, then numpy eigvalsh against the same without --vectors; the
order of the two sides alternates from round to round so that a drifting load weighs on both. Each side's time is the
minimum of --repeat calls (default 3 at n <= 2048, else 1) after --warmup untimed ones (default 1 at n <= 2048, else 0).

Usage: python3 benchmarks/peers/paired_numpy.py [--rounds 3] [--repeat 9] [--out FILE]
       python3 benchmarks/peers/paired_numpy.py --large [--sizes 1024,...] [--dtypes f64,f32] [--algorithms auto,syevd]
              [--rounds 3] [--out FILE]
Quick check: python3 benchmarks/peers/paired_numpy.py --large --sizes 256 --dtypes f64 --rounds 1 --out /tmp/p.json"""
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
    parser.add_argument("--repeat", type=int, help="calls per side per round (median taken; 9 by default; "
                        "--large: minimum taken, 3 at n <= 2048 and 1 above by default)")
    parser.add_argument("--backend", default="cpu")
    parser.add_argument("--out")
    parser.add_argument("--large", action="store_true", help="issue 16: one large matrix per n (see above)")
    parser.add_argument("--sizes", default="1024,2048,4096,8192", help="--large: the sizes n")
    parser.add_argument("--dtypes", default="f64,f32", help="--large: the dtypes")
    parser.add_argument("--modes", default="vectors,values", help="--large: eigh with vectors, values only, or both")
    parser.add_argument("--algorithms", default="auto", help="--large: ours, comma-separated (auto, syevd, two_stage)")
    parser.add_argument("--warmup", type=int, help="--large: untimed calls per side (default 1 at n <= 2048, else 0)")
    args = parser.parse_args()
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    jar = sorted(glob.glob(os.path.join(root, "java/cli/target/eigenbasis-cli-*-all.jar")))[-1]
    if args.large:
        import paired_large
        doc = paired_large.run(args, jar)
        write(args.out, doc)
        return
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for dtype, name in ((np.float64, "f64"), (np.float32, "f32")):
            for batch, n in SHAPES:
                rng = np.random.default_rng(31 * batch + n)
                a = rng.standard_normal((batch, n, n))
                a = ((a + a.transpose(0, 2, 1)) / 2).astype(dtype)
                path = os.path.join(tmp, f"a-{name}-{batch}x{n}.npy")
                np.save(path, a)
                repeat = args.repeat or 9
                repeat = repeat if n < 512 else max(3, repeat // 2)
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
    write(args.out, doc)


def write(path, doc):
    if path:
        with open(path + ".tmp", "w") as f:
            json.dump(doc, f, indent=2)
        os.replace(path + ".tmp", path)


if __name__ == "__main__":
    main()
