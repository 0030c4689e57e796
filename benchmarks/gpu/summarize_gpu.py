#!/usr/bin/env python3
"""Summarises a device-check OUTDIR as markdown: machine, cuda tests, verify, per-shape throughput of every GPU
eigh path against torch.linalg.eigh (with the fastest path per shape: the data behind the cuda backend's AUTO
thresholds), the resetting simulator, the preconditioner kernels and the optimizer step on cuda, each against
the cpu figures of the CI machine committed in benchmarks/results/, and the GPU targets with PASS/MISS.

A JMH step that ran out of time writes no JSON file; its results are then read from the step's log (JMH prints
each parameter set's result as it finishes) and written to the JSON file the step would have written, with
"recovered_from_log": true in each entry, so that they can be archived as the complete ones are."""
import json
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CI_RESULTS = os.path.join(ROOT, "benchmarks", "results")


def load(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def parse_jmh_log(path):
    """JMH entries (params, primaryMetric, secondaryMetrics) from a JMH text log, for the parameter sets that
    finished before the run was cut off."""
    try:
        lines = open(path, errors="replace").read().splitlines()
    except OSError:
        return []
    runs, params, pending = [], None, None
    for i, line in enumerate(lines):
        m = re.match(r"# Parameters: \((.*)\)$", line)
        if m:
            params = dict(kv.split(" = ", 1) for kv in m.group(1).split(", "))
            continue
        m = re.match(r'(Secondary result|Result) "([^"]+)":$', line)
        if m and params is not None and i + 1 < len(lines):
            value = re.match(r"\s+([-0-9.eE]+)(?:\s+±\S*\s+[-0-9.eE]+)?\s+(\S+)", lines[i + 1])
            if not value:
                continue
            score, unit = float(value.group(1)), value.group(2)
            if m.group(1) == "Result":
                pending = {"benchmark": m.group(2), "params": dict(params),
                           "primaryMetric": {"score": score, "scoreUnit": unit},
                           "secondaryMetrics": {}, "recovered_from_log": True}
                runs.append(pending)
            elif pending is not None:
                pending["secondaryMetrics"][m.group(2).rsplit(":", 1)[-1]] = {"score": score, "scoreUnit": unit}
    return runs


def load_jmh(out, name):
    """The entries of jmh-NAME-gpu.json, else those recovered from jmh-NAME.log (written back as the JSON)."""
    path = os.path.join(out, f"jmh-{name}-gpu.json")
    runs = load(path)
    if runs:
        return runs, False
    runs = parse_jmh_log(os.path.join(out, f"jmh-{name}.log"))
    if runs:
        with open(path + ".tmp", "w") as f:
            json.dump(runs, f, indent=2)
        os.replace(path + ".tmp", path)
    return runs, bool(runs)


def events(run):
    """The AuxCounters rate `events` (JMH names it "events"; accept a profiler-style "·events" too)."""
    return next((v["score"] for k, v in run.get("secondaryMetrics", {}).items() if k.lstrip("\u00b7") == "events"),
                None)


def fmt(x, digits=0):
    return "-" if x is None else f"{x:,.{digits}f}"


def ratio(a, b):
    return a / b if a and b else None


def reset_section(out, w, targets):
    """Trajectory-events per second of the resetting simulator on cuda (JMH ResetSimulationBenchmark) against the
    cpu backend of the CI machine (benchmarks/results/jmh-reset.json; the cuda >= 50x target), and the numpy
    peer on this machine's CPU. benchmarks/summarize.py forms the same target in RESULTS.md once jmh-reset-gpu.json
    is copied to benchmarks/gpu/results/<date>-<gpu>-jmh-reset.json."""
    runs, recovered = load_jmh(out, "reset")
    rates = {}
    for r in runs:
        p = r["params"]
        if events(r):
            rates[(p["backend"], p["law"], int(p["d"]))] = events(r)
    ci = {}
    for r in load(os.path.join(CI_RESULTS, "jmh-reset.json")) or []:
        p = r["params"]
        if p.get("backend") == "cpu" and events(r):
            ci[(p["law"], int(p["d"]))] = events(r)
    numpy_doc = load(os.path.join(out, "numpy-reset.json"))
    specs = {"exp(rate=1)": "exp", "gamma(k=2,scale=0.5)": "gamma"}
    for r in (numpy_doc or {}).get("results", []):
        if not r.get("covariance"):
            rates[("numpy", specs.get(r["law"], r["law"]), int(r["d"]))] = r["median_events_per_second"]
    w("## Resetting simulator (trajectory-events per second; exact scheme, means only)\n")
    if not rates:
        w("not measured (see jmh-reset.log and numpy-reset.err)\n")
    else:
        if recovered:
            w("(JMH ran out of time: the rows below were recovered from jmh-reset.log.)\n")
        w("| law | d | cuda | cpu (CI machine) | cuda / cpu (CI) | numpy (this machine's CPU) |")
        w("|---|---:|---:|---:|---:|---:|")
        for law in ("exp", "gamma"):
            for d in (1, 10, 100, 1000):
                cuda, cpu = rates.get(("cuda", law, d)), ci.get((law, d))
                w(f"| {law} | {d} | {fmt(cuda)} | {fmt(cpu)} | "
                  f"{'-' if ratio(cuda, cpu) is None else f'{ratio(cuda, cpu):.1f}x'} | "
                  f"{fmt(rates.get(('numpy', law, d)))} |")
                targets.append((f"reset sim: cuda >= 50x cpu of the CI machine ({law}, d = {d})", ratio(cuda, cpu), 50.0))
        w("")


def jmh_time_section(out, w, name, title, keys):
    """A JMH AverageTime result (ms per op) on cuda, with the CI machine's cpu figure for the same parameters
    (benchmarks/results/jmh-NAME.json) where there is one. Returns {key: cuda ms}."""
    runs, recovered = load_jmh(out, name)
    w(f"## {title}\n")
    if not runs:
        w(f"not measured (see jmh-{name}.log)\n")
        return {}
    ci = {}
    for r in load(os.path.join(CI_RESULTS, f"jmh-{name}.json")) or []:
        if r["params"].get("backend") == "cpu":
            ci[tuple(r["params"].get(k) for k in keys)] = r["primaryMetric"]["score"]
    if recovered:
        w(f"(JMH ran out of time: the rows below were recovered from jmh-{name}.log.)\n")
    w("| " + " | ".join(keys) + " | backend | ms per op | cpu, CI machine (ms) | cpu / this |")
    w("|" + "---|" * (len(keys) + 1) + "---:|---:|---:|")
    measured = {}
    for r in runs:
        key = tuple(r["params"].get(k) for k in keys)
        score = r["primaryMetric"]["score"]
        if r["params"].get("backend") == "cuda":
            measured[key] = score
        cpu = ci.get(key)
        w("| " + " | ".join(str(k) for k in key) + f" | {r['params'].get('backend')} | {score:.3f} | "
          f"{'-' if cpu is None else f'{cpu:.3f}'} | {'-' if ratio(cpu, score) is None else f'{ratio(cpu, score):.2f}x'} |")
    w("")
    return measured


def eigh_section(out, w, targets):
    bench = load(os.path.join(out, "cuda-bench.json"))
    torch = load(os.path.join(out, "torch-eigh.json"))
    if not bench:
        w("## eigh throughput on the GPU\n\nnot measured (cuda-bench did not run; see cuda-bench.err)\n")
        return
    rate = {}
    for r in bench["results"] + (torch["results"] if torch else []):
        rate[(r["path"], r["dtype"], r["batch"], r["n"])] = r["matrices_per_second"]
    shapes = sorted({(r["batch"], r["n"]) for r in bench["results"]}, key=lambda s: (s[1], -s[0]))
    paths = ["jacobi", "cusolver_batched", "cusolver_syevd", "cusolver_batched_raw", "cusolver_syevd_raw",
             "torch.linalg.eigh"]
    for dtype in ("f32", "f64"):
        w(f"## eigh throughput on the GPU, {dtype} (matrices per second, data on the device)\n")
        w("| B x n | " + " | ".join(paths) + " | fastest eigenbasis path | vs best cuSOLVER | vs torch |")
        w("|---|" + "---:|" * len(paths) + "---|---:|---:|")
        for b, n in shapes:
            cells = [rate.get((p, dtype, b, n)) for p in paths]
            ours = {p: rate.get((p, dtype, b, n)) for p in ("jacobi", "cusolver_batched", "cusolver_syevd")}
            ours = {p: v for p, v in ours.items() if v}
            raw = [v for v in (rate.get(("cusolver_batched_raw", dtype, b, n)), rate.get(("cusolver_syevd_raw", dtype, b, n))) if v]
            best = max(ours.items(), key=lambda kv: kv[1]) if ours else (None, None)
            vs = best[1] / max(raw) if best[1] and raw else None
            vs_torch = ratio(best[1], rate.get(("torch.linalg.eigh", dtype, b, n)))
            w(f"| {b} x {n} | " + " | ".join("-" if c is None else f"{c:,.0f}" for c in cells) +
              f" | {best[0] or '-'} | {'-' if vs is None else f'{vs:.2f}x'} |"
              f" {'-' if vs_torch is None else f'{vs_torch:.2f}x'} |")
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


def main():
    out = sys.argv[1]
    w = print
    targets = []
    w("# GPU device check")
    w("")
    try:
        w("```\n" + open(os.path.join(out, "machine.txt")).read().strip() + "\n```")
    except OSError:
        pass
    w("")
    try:
        junit = open(os.path.join(out, "junit.txt")).read()
        lines = [l.strip() for l in junit.splitlines() if "tests " in l or "containers " in l or "junit exit" in l]
        w("## cuda tests (every class of org.eigenbasis.backend.cuda)\n\n```\n" + "\n".join(lines) + "\n```\n")
    except OSError:
        w("## cuda tests\n\nnot run\n")
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
    else:
        w("## verify --backend cuda\n\nnot run (see verify-cuda.err)\n")
    eigh_section(out, w, targets)
    reset_section(out, w, targets)
    jmh_time_section(out, w, "precond", "Preconditioner kernels on cuda (f32)", ("kernel", "shape"))
    step = jmh_time_section(out, w, "optstep", "Optimizer step on cuda (f32, ms per step)", ("optimizer", "shape"))
    soap, adamw = step.get(("soap", "1024x1024")), step.get(("adamw", "1024x1024"))
    if soap and adamw:
        w(f"cuda SOAP step / cuda AdamW step at 1024x1024: {soap / adamw:.1f}x (the cpu target was <= 3x; "
          "docs/design-notes.md, \"Optimizer step time\", bounds it by arithmetic).\n")
    w("## Targets\n")
    w("| target | measured | result |")
    w("|---|---:|---|")
    for name, value, limit in targets:
        if value is None:
            w(f"| {name} | not measured | - |")
        else:
            w(f"| {name} | {value:.2f}x | {'PASS' if value >= limit else 'MISS'} |")


if __name__ == "__main__":
    main()
