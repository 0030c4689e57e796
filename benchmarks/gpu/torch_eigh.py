#!/usr/bin/env python3
"""torch.linalg.eigh on the GPU, data already on the device, on the shapes of `eigenbasis cuda-bench`: the peer
for the GPU device check. CUDA-event timing after a warm-up; prints JSON. Never used by tests."""
import argparse
import json
import os

SHAPES = "16384x8,16384x16,16384x32,16384x33,8192x48,4096x64,4096x16,1024x32,256x64,64x128,16x256,4x512,1x1024"


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shapes", default=SHAPES)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--out")
    args = parser.parse_args()
    import torch
    if not torch.cuda.is_available():
        raise SystemExit("torch: no CUDA device")
    device = torch.device("cuda")
    results = []
    for dtype, name in ((torch.float32, "f32"), (torch.float64, "f64")):
        for shape in args.shapes.split(","):
            batch, n = (int(x) for x in shape.split("x"))
            g = torch.Generator(device="cpu").manual_seed(31 * batch + n)
            a = torch.randn(batch, n, n, generator=g, dtype=dtype)
            a = ((a + a.transpose(1, 2)) / 2).to(device)
            torch.linalg.eigh(a)
            torch.cuda.synchronize()
            times = []
            for _ in range(args.runs):
                start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
                start.record()
                w, v = torch.linalg.eigh(a)
                end.record()
                torch.cuda.synchronize()
                times.append(start.elapsed_time(end) * 1e-3)
            times.sort()
            results.append({"path": "torch.linalg.eigh", "dtype": name, "batch": batch, "n": n, "runs": len(times),
                            "min_seconds": times[0], "median_seconds": times[len(times) // 2],
                            "matrices_per_second": batch / times[len(times) // 2]})
    doc = {"peer": "torch.linalg.eigh", "torch": torch.__version__, "cuda": torch.version.cuda,
           "device": torch.cuda.get_device_name(0), "results": results}
    text = json.dumps(doc, indent=2)
    if args.out:
        with open(args.out + ".tmp", "w") as f:
            f.write(text)
        os.replace(args.out + ".tmp", args.out)
    print(text)


if __name__ == "__main__":
    main()
