#!/usr/bin/env python3
"""Summarises a device-check OUTDIR as markdown: machine, contract tests, verify, and per-shape throughput of
every GPU path against torch.linalg.eigh, with the issue's GPU targets and the fastest path per shape (the
data behind the cuda backend's AUTO thresholds)."""
import json
import os
import sys


def load(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def reset_section(out, w):
    """Trajectory-events per second of the resetting simulator on this machine (JMH ResetSimulationBenchmark:
    cuda, and cpu when the bundle carried OpenBLAS) and of the numpy peer on its CPU. The cuda >= 50x target is
    against the cpu backend of a 2-core machine: benchmarks/summarize.py forms it from jmh-reset-gpu.json once
    that file is copied to benchmarks/gpu/results/<date>-<gpu>-jmh-reset.json."""
    runs = load(os.path.join(out, "jmh-reset-gpu.json")) or []
    numpy_doc = load(os.path.join(out, "numpy-reset.json"))
    rates = {}
    for r in runs:
        p = r["params"]
        # The AuxCounters field `events` (JMH names it "events"; accept a profiler-style "·events" too).
        events = next((v for k, v in r.get("secondaryMetrics", {}).items() if k.lstrip("\u00b7") == "events"), None)
        if events:
            rates[(p["backend"], p["law"], int(p["d"]))] = events["score"]
    specs = {"exp(rate=1)": "exp", "gamma(k=2,scale=0.5)": "gamma"}
    for r in (numpy_doc or {}).get("results", []):
        rates[("numpy", specs.get(r["law"], r["law"]), int(r["d"]))] = r["median_events_per_second"]
    w("## Resetting simulator (trajectory-events per second; exact scheme, means only)\n")
    if not rates:
        w("not measured (see jmh-reset.log and numpy-reset.err)\n")
        return
    w("| law | d | cuda | cpu (this machine) | numpy (this machine's CPU) |")
    w("|---|---:|---:|---:|---:|")
    f = lambda x: "-" if x is None else f"{x:,.0f}"
    for law in ("exp", "gamma"):
        for d in (1, 10, 100, 1000):
            w(f"| {law} | {d} | {f(rates.get(('cuda', law, d)))} | {f(rates.get(('cpu', law, d)))} | "
              f"{f(rates.get(('numpy', law, d)))} |")
    w("")


def jmh_time_section(out, w, name, title):
    """A JMH AverageTime result file (ms per op) as a table of its parameters."""
    runs = load(os.path.join(out, name)) or []
    w(f"## {title}\n")
    if not runs:
        w(f"not measured (see {name.replace('-gpu.json', '.log')})\n")
        return
    keys = list(runs[0]["params"].keys())
    w("| " + " | ".join(keys) + " | ms per op |")
    w("|" + "---|" * len(keys) + "---:|")
    for r in runs:
        w("| " + " | ".join(str(r["params"][k]) for k in keys) + f" | {r['primaryMetric']['score']:.3f} |")
    w("")


def main():
    out = sys.argv[1]
    w = print
    w("# GPU device check")
    w("")
    try:
        w("```\n" + open(os.path.join(out, "machine.txt")).read().strip() + "\n```")
    except OSError:
        pass
    w("")
    try:
        junit = open(os.path.join(out, "junit.txt")).read()
        lines = [l.strip() for l in junit.splitlines() if "tests " in l or "junit exit" in l]
        w("## cuda contract tests\n\n```\n" + "\n".join(lines) + "\n```\n")
    except OSError:
        w("## cuda contract tests\n\nnot run\n")
    verify = load(os.path.join(out, "verify-cuda.json"))
    if verify:
        w(f"## verify --backend cuda: {'PASS' if verify['passed'] else 'FAIL'}\n")
        w("| kernel | algorithm | dtype | cases | residual | orthogonality | vs reference | result |")
        w("|---|---|---|---:|---:|---:|---:|---|")
        for r in verify["rows"]:
            f = lambda x: "-" if x is None else f"{x:.2f}"
            w(f"| {r['kernel']} | {r['algorithm']} | {r['dtype']} | {r['cases']} | {f(r['residual_n_eps'])} | "
              f"{f(r['orthogonality_n_eps'])} | {f(r['vs_reference_n_eps'])} | {'pass' if r['passed'] else 'FAIL ' + r['failures']} |")
        w("")
    reset_section(out, w)
    jmh_time_section(out, w, "jmh-precond-gpu.json", "Preconditioner kernels (cuda)")
    jmh_time_section(out, w, "jmh-optstep-gpu.json", "Optimizer step (cuda, f32)")
    bench = load(os.path.join(out, "cuda-bench.json"))
    torch = load(os.path.join(out, "torch-eigh.json"))
    if not bench:
        w("## throughput\n\nnot measured (cuda-bench did not run; see cuda-bench.err)\n")
        return
    rate = {}
    for r in bench["results"] + (torch["results"] if torch else []):
        rate[(r["path"], r["dtype"], r["batch"], r["n"])] = r["matrices_per_second"]
    shapes = sorted({(r["batch"], r["n"]) for r in bench["results"]}, key=lambda s: (s[1], -s[0]))
    paths = ["jacobi", "cusolver_batched", "cusolver_syevd", "cusolver_batched_raw", "cusolver_syevd_raw",
             "torch.linalg.eigh"]
    targets = []
    for dtype in ("f32", "f64"):
        w(f"## eigh throughput on the GPU, {dtype} (matrices per second, data on the device)\n")
        w("| B x n | " + " | ".join(paths) + " | fastest eigenbasis path | vs best cuSOLVER |")
        w("|---|" + "---:|" * len(paths) + "---|---:|")
        for b, n in shapes:
            cells = [rate.get((p, dtype, b, n)) for p in paths]
            ours = {p: rate.get((p, dtype, b, n)) for p in ("jacobi", "cusolver_batched", "cusolver_syevd")}
            ours = {p: v for p, v in ours.items() if v}
            raw = [v for v in (rate.get(("cusolver_batched_raw", dtype, b, n)), rate.get(("cusolver_syevd_raw", dtype, b, n))) if v]
            best = max(ours.items(), key=lambda kv: kv[1]) if ours else (None, None)
            vs = best[1] / max(raw) if best[1] and raw else None
            w(f"| {b} x {n} | " + " | ".join("-" if c is None else f"{c:,.0f}" for c in cells) +
              f" | {best[0] or '-'} | {'-' if vs is None else f'{vs:.2f}x'} |")
            if vs is not None:
                targets.append((f"never slower than the best cuSOLVER path ({dtype}, {b} x {n})", vs, 1.0))
            j, cb = rate.get(("jacobi", dtype, b, n)), rate.get(("cusolver_batched_raw", dtype, b, n))
            if b == 16384 and n <= 32 and j and cb:
                targets.append((f">= 2x cuSOLVER XsyevBatched at batch 16384 ({dtype}, n = {n})", j / cb, 2.0))
        b32 = max([v for (p, d, b, n), v in rate.items() if d == dtype and b == 16384 and n == 32 and p in ("jacobi", "cusolver_batched", "cusolver_syevd")] or [0])
        b33 = max([v for (p, d, b, n), v in rate.items() if d == dtype and b == 16384 and n == 33 and p in ("jacobi", "cusolver_batched", "cusolver_syevd")] or [0])
        if b32 and b33:
            # (33/32)^3 = 1.10 more work: a smooth path keeps about 0.9 of the throughput; a cliff drops far below.
            targets.append((f"no cliff from n = 32 to 33 at batch 16384 ({dtype}): throughput ratio", b33 / b32, 0.7))
        w("")
    w("## Targets\n")
    w("| target | measured | result |")
    w("|---|---:|---|")
    for name, value, limit in targets:
        w(f"| {name} | {value:.2f}x | {'PASS' if value >= limit else 'MISS'} |")


if __name__ == "__main__":
    main()
