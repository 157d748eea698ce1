#!/usr/bin/env python3
"""Strong and weak scaling of `povsim run` over MPI ranks and threads, measured on this machine, and
a projection to many ranks (docs/hpc.md, "Scaling").

Strong scaling: a fixed population (--households) run as 1 rank x 1 thread, 1 rank x T threads and
K ranks x 1 thread (K x T = the cores). Weak scaling: --per-rank households per rank, 1 and K ranks.
Each configuration is run --repeat times (best wall time kept); every run's output is compared with
the first one's (bit for bit), so a scaling figure is never of a run that computed something else.

    benchmarks/mpi_scaling.py [--households 2000000] [--per-rank 1000000] [--cores 2] [--repeat 3]
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile
import time

import h5py
import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--povsim", default=os.path.join(ROOT, "build", "povsim"))
    p.add_argument("--scenario", default=os.path.join(ROOT, "scenarios", "combined_recommendations.yaml"))
    p.add_argument("--households", type=int, default=2_000_000, help="strong scaling: households (default 2 M)")
    p.add_argument("--per-rank", type=int, default=1_000_000, help="weak scaling: households per rank (default 1 M)")
    p.add_argument("--cores", type=int, default=os.cpu_count(), help="cores to use (default: all)")
    p.add_argument("--repeat", type=int, default=3, help="runs per configuration; the best is kept (default 3)")
    p.add_argument("--mpirun", default="mpirun")
    return p.parse_args()


def datasets(path):
    out = {}
    with h5py.File(path, "r") as f:
        f.visititems(lambda n, o: out.__setitem__(n, np.asarray(o[()]).tobytes() if o.dtype.kind != "O" else repr(o[()]))
                     if isinstance(o, h5py.Dataset) else None)
    return out


def run(args, ranks, threads, households, out):
    cmd = [args.povsim, "run", args.scenario, "--households", str(households), "--threads", str(threads),
           "--no-progress", "--out", out]
    if ranks > 1:
        cmd = [args.mpirun, "-n", str(ranks), "--bind-to", "none", "--oversubscribe", "--allow-run-as-root"] + cmd
    env = dict(os.environ, OMPI_MCA_btl_vader_single_copy_mechanism="none")
    best, peak = None, None
    for _ in range(args.repeat):
        t0 = time.monotonic()
        r = subprocess.run(cmd, capture_output=True, text=True, env=env)
        wall = time.monotonic() - t0
        if r.returncode != 0:
            sys.exit(f"mpi_scaling: {' '.join(cmd)} failed ({r.returncode}): {r.stderr.strip()}")
        m = re.search(r"peak memory (\d+) MiB", r.stdout)
        if best is None or wall < best:
            best, peak = wall, int(m.group(1)) if m else None
    return best, peak


def main():
    args = parse_args()
    months = 120
    with tempfile.TemporaryDirectory(prefix="povsim-scaling-") as tmp:
        print(f"strong scaling: {args.households:,} households x {months} months, {os.path.basename(args.scenario)}, "
              f"best of {args.repeat}")
        print(f"{'ranks':>5} {'threads':>7} {'wall s':>8} {'speed-up':>8} {'ns/household-month/core':>24} {'peak MiB/rank':>13}")
        configs = [(1, 1), (1, args.cores)] + ([(args.cores, 1)] if args.cores > 1 else [])
        base = reference = None
        for ranks, threads in configs:
            out = os.path.join(tmp, f"strong_{ranks}x{threads}.h5")
            wall, peak = run(args, ranks, threads, args.households, out)
            base = base or wall
            if reference is None:
                reference = datasets(out)
            elif datasets(out) != reference:
                sys.exit(f"mpi_scaling: {ranks} ranks x {threads} threads gave other results than 1 x 1")
            per = 1e9 * wall * ranks * threads / (args.households * months)
            print(f"{ranks:>5} {threads:>7} {wall:>8.2f} {base / wall:>8.2f} {per:>24.1f} {peak or 0:>13}")
        print(f"\nweak scaling: {args.per_rank:,} households per rank, 1 thread per rank")
        print(f"{'ranks':>5} {'households':>11} {'wall s':>8} {'efficiency':>10} {'peak MiB/rank':>13}")
        first = None
        for ranks in sorted({1, args.cores}):
            wall, peak = run(args, ranks, 1, args.per_rank * ranks, os.path.join(tmp, f"weak_{ranks}.h5"))
            first = first or wall
            print(f"{ranks:>5} {args.per_rank * ranks:>11,} {wall:>8.2f} {first / wall:>10.2f} {peak or 0:>13}")


if __name__ == "__main__":
    main()
