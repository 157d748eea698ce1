#!/usr/bin/python3
"""Plot a povsim calibration file (povsim calibrate --out CALIB.h5; layout in docs/output.md).

Left panel: each moment's observed value and simulated value at the estimate (replicate mean, with
+-1 sd across replicates), both divided by the moment's tolerance around the observed value, so
moments of different units share one axis: the distance (simulated - observed) / tolerance, with
the one-sided bounds marked. Right panel: the objective of every evaluation in order (log scale)
and the best so far.

Usage: /usr/bin/python3 analysis/plot_calibration.py CALIB.h5 [--png calibration.png]
"""

import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (after choosing the backend)
import numpy as np  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.realpath(__file__)))   # the shared modules beside this script
from povsim_files import ArgumentParser, check_povsim_file, check_writable, main_guard, open_h5, save_figure  # noqa: E402

PROG = "plot_calibration"

REQUIRED = ("moments/names", "moments/observed", "moments/simulated", "moments/simulated_sd",
            "moments/tolerance", "moments/kind", "history/objective")


def text(values):
    return [v.decode() if isinstance(v, bytes) else str(v) for v in values]


def load(path):
    with open_h5(path) as f:
        check_povsim_file(f, path, "povsim-calibration", "calibration", REQUIRED)
        m = f["moments"]
        return {
            "names": text(m["names"][:]), "observed": m["observed"][:], "simulated": m["simulated"][:],
            "sd": m["simulated_sd"][:], "tolerance": m["tolerance"][:], "kind": text(m["kind"][:]),
            "objective": f["history/objective"][:], "stop": str(f.attrs.get("stop_reason", "")),
        }


def main(argv=None):
    parser = ArgumentParser(PROG, __doc__)
    parser.add_argument("file", help="calibration file written by povsim calibrate")
    parser.add_argument("--png", help="output image (default: FILE with .png)")
    args = parser.parse_args(argv)
    png = args.png or os.path.splitext(args.file)[0] + ".png"
    check_writable(png)
    c = load(args.file)

    n = len(c["names"])
    fig, (ax_m, ax_h) = plt.subplots(1, 2, figsize=(12, max(3.5, 0.5 * n + 2)), constrained_layout=True,
                                     gridspec_kw={"width_ratios": [3, 2]})
    y = np.arange(n)[::-1]
    distance = (c["simulated"] - c["observed"]) / c["tolerance"]
    sd = np.nan_to_num(c["sd"] / c["tolerance"])
    ax_m.axvspan(-1, 1, color="tab:green", alpha=0.12, label="within tolerance")
    ax_m.axvline(0, color="black", lw=1, label="observed")
    for k, kind in enumerate(c["kind"]):
        if kind == "at_most":
            ax_m.annotate("allowed: below", (0, y[k] + 0.25), fontsize="x-small", ha="right")
        elif kind == "at_least":
            ax_m.annotate("allowed: above", (0, y[k] + 0.25), fontsize="x-small", ha="left")
    ax_m.errorbar(distance, y, xerr=sd, fmt="o", color="tab:blue", label="simulated (+-1 sd over replicates)")
    ax_m.set_yticks(y)
    ax_m.set_yticklabels([f"{name}\nobs {o:.4g}, sim {s:.4g}" for name, o, s in
                          zip(c["names"], c["observed"], c["simulated"])], fontsize="small")
    ax_m.set_xlabel("(simulated - observed) / tolerance")
    ax_m.set_title("Moments at the estimate")
    ax_m.grid(alpha=0.3)
    ax_m.legend(fontsize="small", loc="best")

    obj = c["objective"]
    k = np.arange(1, len(obj) + 1)
    ax_h.semilogy(k, np.maximum(obj, 1e-300), ".", color="tab:gray", label="evaluation")
    ax_h.semilogy(k, np.maximum(np.minimum.accumulate(obj), 1e-300), "-", color="tab:red", label="best so far")
    ax_h.set_xlabel("evaluation")
    ax_h.set_ylabel("objective")
    ax_h.set_title(f"Objective history ({c['stop']})", fontsize="small")
    ax_h.grid(alpha=0.3)
    ax_h.legend(fontsize="small")
    return save_figure(fig, png)


if __name__ == "__main__":
    main_guard(PROG, main)
