#!/usr/bin/env python3
"""Turns the raw results of run-eigh-benchmarks.sh (JMH JSON, numpy JSON, eb_cbench text) into
benchmarks/RESULTS.md: throughput tables, the issue's targets with PASS/MISS, batch scaling, JNI overhead,
and the GPU results of benchmarks/gpu/results/ when a device check has run."""
import argparse
import datetime
import glob
import json
import os
import platform
import subprocess

SHAPES = [(16384, 8), (4096, 16), (1024, 32), (256, 64), (64, 128), (16, 256), (4, 512), (1, 1024)]


def load_jmh(path):
    """{(backend, dtype, B, n): (seconds per op, error)} from a JMH JSON file (us/op)."""
    out = {}
    if not os.path.exists(path):
        return out, {}
    with open(path) as f:
        runs = json.load(f)
    meta = {}
    for r in runs:
        p = r["params"]
        b, n = (int(x) for x in p["shape"].split("x"))
        key = (p.get("backend", "cpu"), p.get("dtype", "f64"), b, n, p.get("workers"))
        error = r["primaryMetric"].get("scoreError")
        error = float(error) if isinstance(error, (int, float)) else float("nan")   # "NaN" with few iterations
        out[key] = (r["primaryMetric"]["score"] * 1e-6, error * 1e-6)
        meta = {"jdk": r.get("jdkVersion"), "vm": r.get("vmName"), "vm_version": r.get("vmVersion")}
    return out, meta


def load_numpy(path):
    if not os.path.exists(path):
        return {}, {}
    with open(path) as f:
        doc = json.load(f)
    return {(r["dtype"], r["batch"], r["n"]): r["median_seconds"] for r in doc["results"]}, doc


def load_cbench(path):
    out = {}
    if not os.path.exists(path):
        return out
    with open(path) as f:
        for line in f:
            parts = line.split()
            if len(parts) == 6:
                out[(parts[2], int(parts[0]), int(parts[1]))] = float(parts[4])   # min seconds
    return out


def load_overhead(path):
    out = {}
    if not os.path.exists(path):
        return out
    with open(path) as f:
        for line in f:
            p = line.split()
            if len(p) == 6:
                out[(p[0], int(p[1]), int(p[2]))] = (float(p[3]), float(p[4]), float(p[5]))
    return out


def load_paired(path):
    if not os.path.exists(path):
        return {}
    with open(path) as f:
        doc = json.load(f)
    return {(r["dtype"], r["batch"], r["n"]): r for r in doc["results"]}


def machine():
    facts = {}
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                facts["cpu"] = line.split(":", 1)[1].strip()
                break
    except OSError:
        facts["cpu"] = platform.processor()
    facts["cores"] = os.cpu_count()
    facts["OPENBLAS_CORETYPE"] = os.environ.get("OPENBLAS_CORETYPE", "(unset)")
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    jars = sorted(glob.glob(os.path.join(root, "java/cli/target/eigenbasis-cli-*-all.jar")))
    if jars:
        try:
            doc = json.loads(subprocess.run(["java", "-jar", jars[-1], "backends", "--json"], capture_output=True,
                                            text=True, timeout=60).stdout)
            for b in doc["backends"]:
                if b["name"] == "cpu" and b["available"]:
                    facts["openblas"] = b["details"].get("openblas_config")
                    facts["openblas core type"] = b["details"].get("openblas_core")
                    facts["batch workers"] = b["details"].get("batch_workers")
                    facts["kernel ISA"] = b["details"].get("kernel_isa")
        except (OSError, ValueError, subprocess.SubprocessError):
            pass
    return facts


def fmt_rate(x):
    if x is None:
        return "-"
    if x >= 100:
        return f"{x:,.0f}"
    if x >= 1:
        return f"{x:.1f}"
    return f"{x:.3f}"


def ratio(a, b):
    return None if a is None or b is None else a / b


def fmt_ratio(x):
    return "-" if x is None else f"{x:.2f}x"


RESET_LAWS = ["exp", "gamma"]
RESET_LAW_SPECS = {"exp": "exp(rate=1)", "gamma": "gamma(k=2,scale=0.5)"}
RESET_DIMS = [1, 10, 100, 1000]


def load_reset_jmh(path):
    """{(backend, law, d): trajectory-events per second} from ResetSimulationBenchmark JSON (the `events`
    secondary metric, an AuxCounters rate)."""
    out = {}
    if not os.path.exists(path):
        return out
    with open(path) as f:
        runs = json.load(f)
    for r in runs:
        if "ResetSimulationBenchmark" not in r.get("benchmark", ""):
            continue
        p = r["params"]
        # The AuxCounters field `events` (JMH names it "events"; accept a profiler-style "·events" too).
        events = next((v for k, v in r.get("secondaryMetrics", {}).items() if k.lstrip("\u00b7") == "events"), None)
        if events is None:
            continue
        out[(p["backend"], p["law"], int(p["d"]))] = float(events["score"])
    return out


def load_reset_numpy(path):
    if not os.path.exists(path):
        return {}, {}
    with open(path) as f:
        doc = json.load(f)
    specs = {v: k for k, v in RESET_LAW_SPECS.items()}
    return {(specs.get(r["law"], r["law"]), int(r["d"])): r["median_events_per_second"] for r in doc["results"]
            if not r.get("covariance")}, doc


def reset_section(results):
    """The resetting-simulator section of RESULTS.md and its targets: cpu >= 5x numpy and >= 10x java at the same
    law and d on this machine; cuda >= 50x this machine's cpu backend (GPU runs from benchmarks/gpu/results/)."""
    jmh = load_reset_jmh(os.path.join(results, "jmh-reset.json"))
    numpy, numpy_doc = load_reset_numpy(os.path.join(results, "numpy-reset.json"))
    gpu = {}
    gpu_dir = os.path.join(os.path.dirname(os.path.abspath(__file__)), "gpu", "results")
    for path in sorted(glob.glob(os.path.join(gpu_dir, "*jmh-reset*.json"))):
        for (backend, law, d), rate in load_reset_jmh(path).items():
            if backend == "cuda":
                gpu[(law, d)] = rate
    lines, targets = [], []
    w = lines.append
    w("## Resetting simulator: trajectory-events per second (higher is better)")
    w("")
    w("`benchmarks/run-reset-benchmarks.sh`: JMH `ResetSimulationBenchmark` (exact scheme, means only, stationary")
    w("start) and the vectorised numpy peer `peers/numpy_reset_sim.py` on the same workload: mu_k = 1/k, a_k = 1,")
    w("sigma = 0.5, T = 10 E[tau]. A trajectory-event is one segment between resets (all d coordinates).")
    if numpy_doc:
        w(f"numpy {numpy_doc.get('numpy')} (Python {numpy_doc.get('python')}).")
    w("")
    w("| law | d | cpu | java reference | numpy | cuda (GPU run) | cpu / numpy | cpu / java | cuda / cpu |")
    w("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for law in RESET_LAWS:
        for d in RESET_DIMS:
            cpu, java = jmh.get(("cpu", law, d)), jmh.get(("java", law, d))
            npy, cuda = numpy.get((law, d)), gpu.get((law, d))
            w(f"| {RESET_LAW_SPECS[law]} | {d} | {fmt_rate(cpu)} | {fmt_rate(java)} | {fmt_rate(npy)} | "
              f"{fmt_rate(cuda)} | {fmt_ratio(ratio(cpu, npy))} | {fmt_ratio(ratio(cpu, java))} | "
              f"{fmt_ratio(ratio(cuda, cpu))} |")
            targets.append((f"reset sim: cpu >= 5x numpy ({RESET_LAW_SPECS[law]}, d = {d})", ratio(cpu, npy), 5.0))
            targets.append((f"reset sim: cpu >= 10x java ({RESET_LAW_SPECS[law]}, d = {d})", ratio(cpu, java), 10.0))
            targets.append((f"reset sim: cuda >= 50x cpu of this {os.cpu_count()}-core machine "
                            f"({RESET_LAW_SPECS[law]}, d = {d})", ratio(cuda, cpu), 50.0))
    w("")
    return lines, targets


def target_lines(targets):
    lines = ["## Targets", "", "| target | measured | result |", "|---|---:|---|"]
    for name, value, limit in targets:
        if value is None:
            lines.append(f"| {name} | not measured | - |")
            continue
        shown = f"{-value:.4f}" if limit < 0 else f"{value:.2f}x"
        if "overhead" in name:
            shown = f"{-100 * value:+.1f} %"
        lines.append(f"| {name} | {shown} | {'PASS' if value >= limit else 'MISS'} |")
    lines.append("")
    return lines


def write_atomically(path, text):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, path)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--results", required=True)
    parser.add_argument("--write", required=True)
    parser.add_argument("--only", choices=("all", "reset"), default="all",
                        help="reset: only the resetting-simulator section and its targets")
    args = parser.parse_args()
    if args.only == "reset":
        lines, targets = reset_section(args.results)
        text = "\n".join(["# Benchmark results: resetting simulator", "",
                          f"- Date: {datetime.date.today().isoformat()}",
                          f"- Machine: {machine().get('cpu')}, {os.cpu_count()} cores, Linux {platform.release()}",
                          ""] + lines + target_lines(targets))
        write_atomically(args.write, text)
        print(text)
        return
    if not os.path.exists(os.path.join(args.results, "jmh-eigh.json")):
        # A full rewrite without the eigh raw results would replace measured tables by dashes.
        raise SystemExit(f"{args.results}/jmh-eigh.json is missing: run run-eigh-benchmarks.sh first, "
                         "or regenerate one section (--only reset) and splice it in")
    jmh, meta = load_jmh(os.path.join(args.results, "jmh-eigh.json"))
    scaling, _ = load_jmh(os.path.join(args.results, "jmh-scaling.json"))
    numpy, numpy_doc = load_numpy(os.path.join(args.results, "numpy-eigh.json"))
    cbench = load_cbench(os.path.join(args.results, "cbench-eigh.txt"))
    overhead = load_overhead(os.path.join(args.results, "jni-overhead.txt"))
    paired = load_paired(os.path.join(args.results, "paired-numpy.json"))
    facts = machine()
    lines = []
    w = lines.append
    w("# Benchmark results")
    w("")
    w("Generated by `benchmarks/run-eigh-benchmarks.sh` (JMH 1.37: 3 warm-up and 5 measured iterations of 1 s, one")
    w("fork; numpy: median of timed calls after a warm-up; C: `eb_cbench`, minimum of 10 calls). Throughput is")
    w("matrices per second for eigh with eigenvectors on random symmetric matrices with N(0, 1) entries.")
    w("")
    w(f"- Date: {datetime.date.today().isoformat()}")
    w(f"- Machine: {facts.get('cpu')}, {facts.get('cores')} cores, Linux {platform.release()}")
    w(f"- JDK: {meta.get('vm')} {meta.get('jdk')} ({meta.get('vm_version')})")
    w(f"- OpenBLAS: {facts.get('openblas')}; core type {facts.get('openblas core type')} "
      f"(OPENBLAS_CORETYPE={facts.get('OPENBLAS_CORETYPE')}); eigenbasis kernels built for {facts.get('kernel ISA')}, "
      f"{facts.get('batch workers')} batch workers")
    if numpy_doc:
        w(f"- numpy {numpy_doc.get('numpy')} (Python {numpy_doc.get('python')}), BLAS "
          f"{numpy_doc.get('blas', {}).get('openblas configuration', numpy_doc.get('blas'))}")
    w("")
    targets = []
    for dtype in ("f64", "f32"):
        w(f"## eigh throughput, {dtype} (matrices per second; higher is better)")
        w("")
        w("| B x n | cpu | java reference | EJML 0.46.1 | numpy | cpu / numpy | cpu / EJML | cpu / java |")
        w("|---|---:|---:|---:|---:|---:|---:|---:|")
        for b, n in SHAPES:
            def rate(backend):
                r = jmh.get((backend, dtype, b, n, None))
                return None if r is None else b / r[0]
            cpu, java, ejml = rate("cpu"), rate("java"), rate("ejml")
            npy = numpy.get((dtype, b, n))
            npy_rate = None if npy is None else b / npy
            w(f"| {b} x {n} | {fmt_rate(cpu)} | {fmt_rate(java)} | {fmt_rate(ejml)} | {fmt_rate(npy_rate)} | "
              f"{fmt_ratio(ratio(cpu, npy_rate))} | {fmt_ratio(ratio(cpu, ejml))} | {fmt_ratio(ratio(cpu, java))} |")
            pr = paired.get((dtype, b, n))
            targets.append((f"cpu >= 1.0x numpy ({dtype}, {b} x {n}; paired rounds, median)",
                            None if pr is None else pr["median_ratio"], 1.0))
            if n >= 64:
                targets.append((f"cpu >= 5x EJML ({dtype}, {b} x {n})", ratio(cpu, ejml), 5.0))
            if n <= 16:
                targets.append((f"cpu >= 2x EJML ({dtype}, {b} x {n})", ratio(cpu, ejml), 2.0))
        w("")
    w("## Batch scaling (cpu, f64): one worker against one per core")
    w("")
    w("| B x n | 1 worker (s) | all workers (s) | speedup | target 0.85 x cores |")
    w("|---|---:|---:|---:|---:|")
    cores = facts.get("cores") or 1
    for b, n in SHAPES[:6]:
        one = scaling.get(("cpu", "f64", b, n, "1"))
        allw = scaling.get(("cpu", "f64", b, n, "0"))
        speed = None if one is None or allw is None else one[0] / allw[0]
        w(f"| {b} x {n} | {one[0] if one else float('nan'):.6f} | {allw[0] if allw else float('nan'):.6f} | "
          f"{fmt_ratio(speed)} | {0.85 * cores:.2f}x |")
        targets.append((f"batch scaling >= 0.85 x {cores} cores ({b} x {n})", speed, 0.85 * cores))
    w("")
    w("## cpu against numpy, paired (the 1.0x target)")
    w("")
    w("This machine's throughput drifts by up to 15 % over minutes, so separate runs cannot settle a 1.0x line.")
    w("`peers/paired_numpy.py` times numpy and then `eigenbasis eigh --warmup 10 --repeat K` (JVM start and file")
    w("I/O excluded, validation and allocation included) on the same input, back to back, for several rounds.")
    w("")
    w("| dtype | B x n | median ratio | lowest round | rounds |")
    w("|---|---|---:|---:|---:|")
    for dtype in ("f64", "f32"):
        for b, n in SHAPES:
            pr = paired.get((dtype, b, n))
            if pr:
                w(f"| {dtype} | {b} x {n} | {pr['median_ratio']:.2f}x | {pr['min_ratio']:.2f}x | {len(pr['rounds'])} |")
    w("")
    w("## JNI and copy overhead (cpu)")
    w("")
    w("Measured inside each call (`JniOverhead`): the wall time of `SymmetricEigen.decompose` from Java")
    w("(validation of every read entry, output allocation, the JNI call, the status copy) against the time the")
    w("same call spent in the native routine, so drift cancels. For reference, the last column is the same")
    w("routine run by the C driver `eb_cbench` at another moment.")
    w("")
    w("| dtype | B x n | Java call (s) | native routine (s) | overhead | C driver (s) |")
    w("|---|---|---:|---:|---:|---:|")
    for dtype in ("f64", "f32"):
        for b, n in SHAPES:
            o = overhead.get((dtype, b, n))
            c = cbench.get((dtype, b, n))
            if o is None:
                continue
            w(f"| {dtype} | {b} x {n} | {o[0]:.6f} | {o[1]:.6f} | {o[2]:+.1f} % | {c if c else float('nan'):.6f} |")
            if n >= 16:
                targets.append((f"JNI + copy overhead <= 5 % ({dtype}, {b} x {n})", -o[2] / 100, -0.05))
    w("")
    java1024 = jmh.get(("java", "f64", 1, 1024, None))
    targets.append(("java reference 1024 x 1024 f64 < 10 s (seconds, lower is better)",
                    None if java1024 is None else -java1024[0], -10.0))
    reset_lines, reset_targets = reset_section(args.results)
    lines.extend(reset_lines)
    lines.extend(target_lines(targets + reset_targets))
    w("## GPU")
    w("")
    gpu_files = sorted(glob.glob(os.path.join(os.path.dirname(os.path.abspath(__file__)), "gpu", "results", "*.md")))
    if gpu_files:
        for path in gpu_files:
            with open(path) as f:
                w(f.read().rstrip())
            w("")
    else:
        w("Not measured yet: no GPU has been lent to a task since the cuda backend was written. "
          "`benchmarks/gpu/device-check.sh OUTDIR` runs every owed GPU test and measurement in one call (the list, "
          "the targets and where each figure goes: benchmarks/gpu/PENDING.md); its summary goes in "
          "benchmarks/gpu/results/ and into this section.")
    w("")
    text = "\n".join(lines)
    tmp = args.write + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, args.write)
    print(text)


if __name__ == "__main__":
    main()
