"""The --large mode of paired_numpy.py (issue 16): numpy.linalg.eigh / eigvalsh against `eigenbasis eigh` on one
large matrix per n, the two sides back to back on the same input, alternating which goes first. Imported by
paired_numpy.py (see its docstring for the usage); never used by tests."""
import json
import os
import subprocess
import tempfile

import numpy as np

from numpy_eigh_large import symmetric, timed

# n = 8192 f64 with vectors: 0.5 GB input, 0.5 GB vectors and 1.5 GB of syevd workspace off-heap, the input on the
# heap while it is read: the JVM's defaults (a quarter of the machine) may be short on a small machine.
JVM = ["-Xmx4g", "-XX:MaxDirectMemorySize=6g"]


def eigenbasis_best(jar, path, algorithm, vectors, repeat, warmup, backend):
    cmd = ["java", *JVM, "-jar", jar, "eigh", "--input", path, "--values", path + ".w.npy", "--backend", backend,
           "--algorithm", algorithm, "--warmup", str(warmup), "--repeat", str(repeat), "--json"]
    if vectors:
        cmd += ["--vectors", path + ".v.npy"]
    out = subprocess.run(cmd, capture_output=True, text=True)
    if out.returncode != 0:
        return None, (out.stderr.strip() or out.stdout.strip()).splitlines()[-1:]
    doc = json.loads(out.stdout)
    return doc["seconds"]["min"], doc.get("algorithm")


def run(args, jar):
    sizes = [int(s) for s in args.sizes.split(",")]
    algorithms = args.algorithms.split(",")
    results = []
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            repeat = args.repeat or (3 if n <= 2048 else 1)
            warmup = args.warmup if args.warmup is not None else (1 if n <= 2048 else 0)
            for name in args.dtypes.split(","):
                a = symmetric(n, name)
                path = os.path.join(tmp, f"A-{n}-{name}.npy")
                np.save(path, a)
                for algorithm in algorithms:
                    for vectors in [m == "vectors" for m in args.modes.split(",")]:
                        f = np.linalg.eigh if vectors else np.linalg.eigvalsh
                        rounds = []
                        for r in range(args.rounds):
                            if r % 2 == 0:
                                t_np = timed(f, a, repeat, warmup)
                                t_eb, ran = eigenbasis_best(jar, path, algorithm, vectors, repeat, warmup, args.backend)
                            else:
                                t_eb, ran = eigenbasis_best(jar, path, algorithm, vectors, repeat, warmup, args.backend)
                                t_np = timed(f, a, repeat, warmup)
                            if t_eb is None:
                                print(f"{name} n={n} {algorithm} vectors={vectors}: skipped, eigenbasis failed: "
                                      f"{' '.join(ran)}", flush=True)
                                break
                            rounds.append({"numpy_seconds": t_np, "eigenbasis_seconds": t_eb, "ratio": t_np / t_eb,
                                           "ran": ran})
                        if not rounds:
                            results.append({"dtype": name, "n": n, "algorithm": algorithm, "vectors": vectors,
                                            "skipped": True})
                            continue
                        ratios = sorted(x["ratio"] for x in rounds)
                        results.append({"dtype": name, "n": n, "algorithm": algorithm, "vectors": vectors,
                                        "repeat": repeat, "warmup": warmup, "rounds": rounds,
                                        "median_ratio": ratios[len(ratios) // 2], "min_ratio": ratios[0],
                                        "numpy_best": min(x["numpy_seconds"] for x in rounds),
                                        "eigenbasis_best": min(x["eigenbasis_seconds"] for x in rounds)})
                        print(f"{name} n={n} {algorithm} {'eigh' if vectors else 'eigvalsh'}: numpy/eigenbasis "
                              f"{ratios[len(ratios) // 2]:.2f}x (rounds {', '.join(f'{x:.2f}' for x in ratios)})",
                              flush=True)
                for leftover in (path, path + ".w.npy", path + ".v.npy"):
                    if os.path.exists(leftover):
                        os.remove(leftover)
    return {"comparison": f"paired, large n, eigenbasis {args.backend} vs numpy.linalg.eigh/eigvalsh",
            "numpy": np.__version__, "openblas_coretype": os.environ.get("OPENBLAS_CORETYPE"),
            "load_before": load_before, "load_after": os.getloadavg(), "results": results}
