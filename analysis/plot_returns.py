#!/usr/bin/python3
"""Plot the annual return-to-poverty rate of one or more povsim HDF5 result files.

Left panel: /annual/return_rate by year, one line per file (mean over replicates, with its 95 %
interval shaded when there are several; analysis/povsim_stats.py). Right panel:
/annual/by_region_type/return_rate of the first file, one line per region type.
The layout of the files is described in docs/output.md.

Usage: /usr/bin/python3 analysis/plot_returns.py OUT.h5 [MORE.h5 ...] --png returns.png
"""

import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (after choosing the backend)

sys.path.insert(0, os.path.dirname(os.path.realpath(__file__)))   # the shared modules beside this script
from compare_scenarios import label_runs  # noqa: E402
from povsim_files import ArgumentParser, check_povsim_file, check_writable, main_guard, open_h5, save_figure  # noqa: E402
from povsim_stats import summarise  # noqa: E402

PROG = "plot_returns"

REQUIRED = ("annual/year", "annual/return_rate", "annual/by_region_type/return_rate")


def load(path):
    """Returns (label, years, return_rate [R, Y], region names, region return_rate [R, K, Y])."""
    with open_h5(path) as f:
        check_povsim_file(f, path, "povsim-results", "result", REQUIRED)
        g = f["annual/by_region_type"]
        return (str(f.attrs.get("name", os.path.basename(path).removesuffix(".h5"))), f["annual/year"][:], f["annual/return_rate"][:],
                [str(c) for c in g.attrs["categories"]], g["return_rate"][:])


def plot_band(ax, years, rates, label):
    """One line for the replicate mean of rates [R, Y] (share), in percent; its 95 % interval if R > 1."""
    s = summarise(100 * rates)
    (line,) = ax.plot(years, s["mean"], marker="o", markersize=3, label=label)
    if rates.shape[0] > 1:
        ax.fill_between(years, s["ci95_lower"], s["ci95_upper"], color=line.get_color(), alpha=0.2, lw=0)


def main(argv=None):
    parser = ArgumentParser(PROG, __doc__)
    parser.add_argument("files", nargs="+", metavar="FILE.h5", help="povsim result file(s)")
    parser.add_argument("--png", required=True, metavar="OUT.png", help="PNG file to write")
    parser.add_argument("--title", help="figure title (default: none)")
    args = parser.parse_args(argv)

    check_writable(args.png)
    runs = [load(p) for p in args.files]
    labelled = [{"name": r[0], "path": p} for r, p in zip(runs, args.files)]
    label_runs(labelled)                          # the scenario's name; file names where two share one
    runs = [(lab["name"], *r[1:]) for lab, r in zip(labelled, runs)]

    fig, (ax_all, ax_reg) = plt.subplots(1, 2, figsize=(12, 4.8), sharey=True, constrained_layout=True)
    for label, years, rates, _, _ in runs:
        nrep = rates.shape[0]
        plot_band(ax_all, years, rates, f"{label} ({nrep} replicate{'s' if nrep > 1 else ''})")
    ax_all.set_title("Return rate, all lifted households")

    label, years, _, regions, by_region = runs[0]
    for k, region in enumerate(regions):
        plot_band(ax_reg, years, by_region[:, k, :], region.replace("_", " "))
    ax_reg.set_title(f"Return rate by region type ({label})")

    note = "mean over replicates; shaded: 95 % interval"
    multi = (any(r[2].shape[0] > 1 for r in runs), runs[0][2].shape[0] > 1)
    for ax, several in zip((ax_all, ax_reg), multi):
        ax.set_xlabel("assessment year (December)")
        ax.set_xticks(sorted({int(y) for run in runs for y in run[1]}))
        ax.tick_params(axis="x", labelrotation=45)
        ax.set_ylim(bottom=0)
        ax.grid(alpha=0.3)
        ax.legend(fontsize="small", title=note if several else None, title_fontsize="small")
    ax_all.set_ylabel("returned / at-risk lifted households (%)")
    if args.title:
        fig.suptitle(args.title)

    return save_figure(fig, args.png)


if __name__ == "__main__":
    main_guard(PROG, main)
