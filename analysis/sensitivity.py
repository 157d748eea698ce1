#!/usr/bin/python3
"""Sensitivity indices from a povsim sweep file (povsim sweep; docs/sweeps.md).

A saltelli sweep gives first-order and total Sobol indices per parameter (Saltelli et al. 2010
first-order estimator, Jansen 1999 total estimator) with 95 % percentile-bootstrap intervals that
resample the N base rows; a morris sweep gives Morris elementary effects: mu* (Campolongo et al.
2007), mu and sigma per parameter. Estimators: analysis/povsim_sensitivity.py.

The output analysed is one number per point: the mean over replicates of the sweep output --output
(default: final_cumulative_return_rate if the sweep kept it, else its first output), at --year for an
output by year (default: the last year of the horizon).

Usage: /usr/bin/python3 analysis/sensitivity.py SWEEP.h5 [--output NAME] [--year Y]
           [--measure sobol|morris] [--png OUT.png] [--json] [--bootstrap B] [--seed S]
Exit status 0, or 2 with one line on stderr for a file that is not a sweep file, an unknown output or
year, or a design that cannot give the measure asked for.
"""
import io
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.realpath(__file__)))   # the shared modules beside this script
from povsim_files import (ArgumentParser, InputError, check_povsim_file, check_writable, main_guard,  # noqa: E402
                          open_h5, save_figure, write_atomically)
import povsim_sensitivity as sens  # noqa: E402

PROG = "sensitivity"
MEASURE_OF_DESIGN = {"saltelli": "sobol", "morris": "morris"}


def load(path, output, year):
    """The sweep's parameters, design, the analysed output y [P] and a label for it."""
    with open_h5(path) as f:
        check_povsim_file(f, path, "povsim-sweep", "sweep", ["parameter", "design/unit", "outputs", "year"])
        design = str(f["design"].attrs["kind"])
        outputs = list(f["outputs"].keys())
        if output is None:
            output = "final_cumulative_return_rate" if "final_cumulative_return_rate" in outputs else outputs[0]
        if output not in outputs:
            raise InputError(f"{path}: no output '{output}'; the sweep kept: {', '.join(outputs)}")
        data = f["outputs"][output][:]  # [P, R] or [P, R, Y]
        years = f["year"][:]
        label = output
        if data.ndim == 3:
            y = len(years) - 1 if year is None else None
            if year is not None:
                matches = np.flatnonzero(years == year)
                if len(matches) == 0:
                    raise InputError(f"{path}: no year {year}; the sweep covers {years[0]}..{years[-1]}")
                y = int(matches[0])
            data = data[:, :, y]
            label = f"{output} {years[y]}"
        elif year is not None:
            raise InputError(f"{path}: output '{output}' has no year axis; drop --year")
        info = {
            "design": design,
            "parameters": [str(p) for p in f["parameter"].asstr()[:]],
            "unit": f["design/unit"][:],
            "units": str(f["outputs"][output].attrs.get("units", "")),
        }
        for name in ("matrix", "base_row", "trajectory", "changed_parameter"):
            if f"design/{name}" in f:
                info[name] = f[f"design/{name}"][:]
        return info, data.mean(axis=1), label


def analyse(info, y, measure, bootstrap, seed):
    k = len(info["parameters"])
    if measure == "sobol":
        ya, yb, yab = sens.saltelli_split(y, info["matrix"], info["base_row"], k)
        return sens.sobol_indices(ya, yb, yab, bootstrap=bootstrap, seed=seed)
    ee = sens.elementary_effects(y, info["unit"], info["trajectory"], info["changed_parameter"])
    return sens.morris_measures(ee)


def plot(info, result, measure, label, png):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    names = info["parameters"]
    x = np.arange(len(names))
    fig, ax = plt.subplots(figsize=(max(6, 1.3 * len(names) + 2), 4.5))
    if measure == "sobol":
        w = 0.38
        for offset, key, colour in ((-w / 2, "S1", "tab:blue"), (w / 2, "ST", "tab:orange")):
            v = result[key]
            err = np.array([v - result[key + "_lower"], result[key + "_upper"] - v])
            ax.bar(x + offset, v, w, yerr=np.nan_to_num(err.clip(min=0)), capsize=3, color=colour,
                   label={"S1": "first order", "ST": "total"}[key])
        ax.set_ylabel("Sobol index (95 % bootstrap interval)")
        ax.axhline(0, color="black", linewidth=0.6)
    else:
        ax.bar(x - 0.2, result["mu_star"], 0.4, color="tab:blue", label="mu* (mean |effect|)")
        ax.bar(x + 0.2, result["sigma"], 0.4, color="tab:orange", label="sigma (sd of effects)")
        ax.set_ylabel(f"elementary effect per whole range ({info['units']})")
    ax.set_xticks(x)
    ax.set_xticklabels(names, fontsize=8, rotation=20, ha="right")
    ax.set_title(f"{'Sobol indices' if measure == 'sobol' else 'Morris screening'}: {label}")
    ax.legend()
    fig.tight_layout()
    return fig


def main():
    ap = ArgumentParser(PROG, __doc__)
    ap.add_argument("sweep")
    ap.add_argument("--output", help="sweep output to analyse (default: final_cumulative_return_rate, else the first)")
    ap.add_argument("--year", type=int, help="year of an output by year (default: the last)")
    ap.add_argument("--measure", choices=["sobol", "morris"], help="default: from the design")
    ap.add_argument("--png", help="bar chart of the indices with their intervals")
    ap.add_argument("--json", action="store_true", help="print one JSON document instead of the table")
    ap.add_argument("--bootstrap", type=int, default=sens.BOOTSTRAP, help="bootstrap replicates (Sobol intervals)")
    ap.add_argument("--seed", type=int, default=0, help="seed of the bootstrap resampling")
    args = ap.parse_args()
    if args.png:
        check_writable(args.png)
    # Bad input raises InputError: one line on stderr, exit 2 (main_guard).
    info, y, label = load(args.sweep, args.output, args.year)
    wanted = MEASURE_OF_DESIGN.get(info["design"])
    measure = args.measure or wanted
    if measure is None or measure != wanted:
        need = {"sobol": "saltelli", "morris": "morris"}.get(measure, "saltelli or morris")
        raise InputError(f"{args.sweep}: the design is {info['design']}; "
                         f"{measure or 'sensitivity indices'} need{'s' if measure else ''} a {need} sweep")
    if args.bootstrap < 1:
        raise InputError(f"--bootstrap: expected at least 1, got {args.bootstrap}")
    if not np.isfinite(y).all():
        raise InputError(f"{args.sweep}: {label} is not finite at some points (censored years?); pick another --year")
    result = analyse(info, y, measure, args.bootstrap, args.seed)
    names = info["parameters"]
    if args.json:
        doc = {"format": "povsim-sensitivity-json 1", "sweep": args.sweep, "design": info["design"],
               "measure": measure, "output": label, "points": int(len(y)), "parameters": {}}
        for j, name in enumerate(names):
            doc["parameters"][name] = {key: (None if not np.isfinite(v[j]) else float(v[j])) for key, v in result.items()}
        print(json.dumps(doc, indent=1))
    else:
        print(f"{args.sweep}: {info['design']} design, {len(y)} points; output {label} (mean over replicates)")
        if measure == "sobol":
            print(f"{'parameter':<44} {'S1 [95 % interval]':>26} {'ST [95 % interval]':>26}")
            for j, name in enumerate(names):
                cell = lambda key: f"{result[key][j]:.3f} [{result[key + '_lower'][j]:.3f}, {result[key + '_upper'][j]:.3f}]"
                print(f"{name:<44} {cell('S1'):>26} {cell('ST'):>26}")
            print("S1: first-order index (Saltelli 2010); ST: total index (Jansen 1999); intervals: bootstrap over base rows")
        else:
            print(f"{'parameter':<44} {'mu*':>12} {'mu':>12} {'sigma':>12}")
            for j, name in enumerate(names):
                print(f"{name:<44} {result['mu_star'][j]:>12.4g} {result['mu'][j]:>12.4g} {result['sigma'][j]:>12.4g}")
            print(f"elementary effects per whole range of each parameter, in {info['units']}")
    if args.png:
        fig = plot(info, result, measure, label, args.png)
        if not args.json:
            return save_figure(fig, args.png, PROG)
        buf = io.BytesIO()  # stdout holds the JSON document alone: no "wrote" line
        fig.savefig(buf, dpi=120, format="png")
        write_atomically(args.png, buf.getvalue())
    return 0


if __name__ == "__main__":
    main_guard(PROG, main)
