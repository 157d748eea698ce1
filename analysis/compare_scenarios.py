#!/usr/bin/python3
"""Compare povsim result files, the first being the reference (e.g. the baseline), over all their
replicates: every figure is the mean over replicates with a 95 % interval (Student's t).

Per file and year: the return rate (% of lifted households above the line the year before). Over
the horizon: households that returned at least once (%), new poverty among edge households, total
fiscal cost of the policies; against the reference: lifted households kept from ever returning (per
1,000 lifted), extra cost and extra cost per household kept. Files run with the same seed,
households and replicates are paired (common random numbers): differences are taken replicate by
replicate, which removes the noise the runs share. Otherwise the difference is unpaired (Welch) and
a warning says so. With one replicate there is no interval ("no interval").

Intervals cover the shocks' noise given the population, and the population's sampling noise too
when the runs drew one population per replicate (population_per_replicate); see docs/output.md
("Which noise an interval covers").

A comparison file (`povsim compare BASE.yaml ALT.yaml --out cmp.h5`, told apart by its format
attribute) may be given instead of the result files, alone: its scenarios are compared as if they
were separate files, and the table shows the file's own estimates (/estimate, /difference); with
--replicate they are computed from its per-scenario results (/runs) instead.

Usage: /usr/bin/python3 analysis/compare_scenarios.py BASE.h5 OTHER.h5 [...] [--replicate R] [--json]
       /usr/bin/python3 analysis/compare_scenarios.py COMPARISON.h5 [--replicate R] [--json]
Exit status: 0, or 2 with one line on stderr for a file it cannot use.
"""
import json
import math
import os
import sys

import numpy as np
from scipy import stats

sys.path.insert(0, os.path.dirname(os.path.realpath(__file__)))   # the shared modules beside this script
from povsim_files import ArgumentParser, InputError, check_povsim_file, file_format, main_guard, open_h5  # noqa: E402
from povsim_stats import format_estimate, paired_difference, ratio_interval, summarise, to_json  # noqa: E402

PROG = "compare_scenarios"
REQUIRED = ("annual/year", "annual/return_rate", "annual/returned_households", "annual/ever_returned_households",
            "annual/lifted_households", "annual/edge/newly_poor_households", "annual/policies/fiscal_cost")


def text(value):
    """An HDF5 string attribute or element as str."""
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def read_run(g, path, replicate, label=None):
    """One run's arrays from g (a result file's root, or a comparison file's /runs/K laid out the same),
    replicate axis first ([R, Y]; cost summed over policies and years: [R])."""
    missing = [name for name in REQUIRED if name not in g]
    if missing:
        raise InputError(f"{path}: not a povsim result file (missing {', '.join(missing)})")
    a = g["annual"]
    n = a["return_rate"].shape[0]
    rows = slice(None)
    if replicate is not None:
        if not 0 <= replicate < n:
            raise InputError(f"{path}: replicate {replicate} does not exist (the file holds {n}: 0 to {n - 1})")
        rows = slice(replicate, replicate + 1)
    index = g["replicate_index"][:] if "replicate_index" in g else np.arange(n)
    cost = a["policies/fiscal_cost"][rows]                      # [R, K, Y], yuan
    return {
        "path": path,
        "name": text(g.attrs.get("name", label or os.path.basename(path).removesuffix(".h5"))),
        "years": a["year"][:],
        "return_rate": a["return_rate"][rows],                 # [R, Y], share 0-1
        "cumulative": a["cumulative_return_rate"][rows][:, -1],  # [R], share of lifted ever returned by the end
        "ever_returned": a["ever_returned_households"][rows],    # [R, Y], weighted households
        "new_poor": a["edge/newly_poor_households"][rows].sum(axis=1),   # [R]
        "cost": cost.sum(axis=(1, 2)),                          # [R], yuan over the horizon
        "policies": [text(p) for p in a["policies"].attrs["categories"]],
        "cost_by_policy": cost.sum(axis=2),                     # [R, K]
        "seed": int(g.attrs["seed"]),
        "households": int(g.attrs["households"]),
        "population_per_replicate": bool(g.attrs.get("population_per_replicate", 0)),
        "replicates": tuple(int(i) for i in np.atleast_1d(index)[rows]),
    }


def load(path, replicate):
    """One result file's arrays (read_run)."""
    with open_h5(path) as f:
        check_povsim_file(f, path, "povsim-results", "result", REQUIRED)
        return read_run(f, path, replicate)


def is_comparison(path):
    """Whether path is a comparison file (povsim compare); False for anything else, even unreadable
    files (load then says what is wrong with them)."""
    try:
        with open_h5(path) as f:
            return file_format(f).startswith("povsim-comparison")
    except InputError:
        return False


def comparison_groups(f, path):
    """[(K, name, scenario file)] of a comparison file's scenarios, base first; InputError for a file
    without /runs (format 1 files, written before compare kept each scenario's results)."""
    check_povsim_file(f, path, "povsim-comparison", "comparison", ("scenario", "year"))
    if "runs" not in f:
        raise InputError(f"{path}: comparison file of an older format ('{file_format(f).split(' (')[0]}'), without "
                         "each scenario's results (/runs); rerun povsim compare with this version")
    names = [text(n) for n in f["scenario"][:]]
    files = [text(n) for n in f["scenario_file"][:]] if "scenario_file" in f else [""] * len(names)
    for k in range(len(names)):
        if str(k) not in f["runs"]:
            raise InputError(f"{path}: no /runs/{k} for scenario {names[k]} (damaged file?)")
    return [(k, names[k], files[k]) for k in range(len(names))]


def load_comparison(path, replicate):
    """A comparison file's scenarios as runs (read_run of /runs/K, base first), and its own estimates
    (file_estimates) or None with --replicate (a subset: the file's estimates are over all replicates)."""
    with open_h5(path) as f:
        runs = []
        for k, name, scenario_file in comparison_groups(f, path):
            run = read_run(f["runs"][str(k)], path, replicate, label=name)
            run["path"] = f"{path} ({scenario_file})" if scenario_file else f"{path} (/runs/{k})"
            runs.append(run)
        return runs, (file_estimates(f) if replicate is None else None)


def file_estimates(f):
    """{name: {field: array [S, Y]}} of a comparison file's /estimate and /difference groups, the
    difference names prefixed 'difference/'; 'replicates' holds R."""
    out = {"replicates": int(f["replicate"].shape[0])}
    for group in ("estimate", "difference"):
        for name in f[group]:
            out[(group + "/" if group == "difference" else "") + name] = \
                {k: f[group][name][k][:] for k in ("mean", "se", "ci95_lower", "ci95_upper")}
    return out


def estimate_at(est, name, k, y=-1, scale=1.0):
    """The file's estimate of `name` for scenario k and year index y (all years with y=None), as a
    summarise-style dict times scale (a negative scale swaps the interval's ends)."""
    e = est[name]
    pick = (lambda a: a[k, :]) if y is None else (lambda a: a[k, y])
    lo, hi = pick(e["ci95_lower"]) * scale, pick(e["ci95_upper"]) * scale
    if scale < 0:
        lo, hi = hi, lo
    return {"mean": pick(e["mean"]) * scale, "se": pick(e["se"]) * abs(scale), "ci95_lower": lo, "ci95_upper": hi,
            "n": est["replicates"]}


def use_file_estimates(result, est):
    """Replaces compare()'s estimates by the comparison file's own where it holds them (the same
    formulas; the file's numbers are the ones povsim compare printed)."""
    for k, s in enumerate(result["scenarios"]):
        s["return_rate"] = [estimate_at(est, "return_rate", k, y) for y in range(len(result["years"]))]
        s["cumulative_return_rate"] = estimate_at(est, "cumulative_return_rate", k)
        s["fiscal_cost"] = estimate_at(est, "cumulative_fiscal_cost", k)
        s["cumulative_by_year"] = estimate_at(est, "cumulative_return_rate", k, None)
        if k == 0:
            continue
        s["cumulative_difference"] = estimate_at(est, "difference/cumulative_return_rate", k)
        s["kept_per_1000"] = estimate_at(est, "difference/cumulative_return_rate", k, -1, -1000.0)
        s["extra_cost"] = estimate_at(est, "difference/cumulative_fiscal_cost", k)
        s["cost_per_household_kept"] = estimate_at(est, "difference/cost_per_household_kept", k)
        s["difference_by_year"] = (estimate_at(est, "difference/return_rate", k, None),
                                   estimate_at(est, "difference/cumulative_return_rate", k, None))
    result["from_comparison_file"] = True


def load_all(paths, replicate, prog):
    """(runs, the comparison file's estimates or None): the result files, or the scenarios of one
    comparison file; InputError for a comparison file among others or runs over different horizons."""
    comparisons = [p for p in paths if is_comparison(p)]
    if comparisons and len(paths) > 1:
        raise InputError(f"{comparisons[0]}: a comparison file (povsim compare) holds every scenario; give it alone, "
                         "not with other files")
    if comparisons:
        runs, est = load_comparison(paths[0], replicate)
    else:
        runs, est = [load(p, replicate) for p in paths], None
    ref = runs[0]
    for r in runs[1:]:
        if list(r["years"]) != list(ref["years"]):
            raise InputError(f"{r['path']}: years {r['years'][0]}-{r['years'][-1]} differ from "
                             f"{ref['path']}'s {ref['years'][0]}-{ref['years'][-1]}; {prog} runs over one horizon")
    return runs, est


def unpaired_difference(alternative, base):
    """Difference of means with a Welch interval: for runs that do not share seeds and population."""
    a, b = np.asarray(alternative, float), np.asarray(base, float)
    d = a.mean() - b.mean()
    if len(a) < 2 or len(b) < 2:
        return {"mean": d, "se": math.nan, "ci95_lower": math.nan, "ci95_upper": math.nan, "n": min(len(a), len(b))}
    va, vb = a.var(ddof=1) / len(a), b.var(ddof=1) / len(b)
    se = math.sqrt(va + vb)
    dof = (va + vb) ** 2 / (va ** 2 / (len(a) - 1) + vb ** 2 / (len(b) - 1)) if va + vb > 0 else 1
    half = stats.t.ppf(0.975, dof) * se
    return {"mean": d, "se": se, "ci95_lower": d - half, "ci95_upper": d + half, "n": min(len(a), len(b))}


def label_runs(runs):
    """Each run's label: the scenario's `name` (its name key, else its file's stem); where two runs share a
    name (say one scenario run twice with different --set), those runs are labelled by their output file's
    stem instead, and "(2)", "(3)" are added only if that is still ambiguous."""
    names = [r["name"] for r in runs]
    labels = [os.path.basename(r["path"]).removesuffix(".h5") if names.count(r["name"]) > 1 else r["name"]
              for r in runs]
    seen = {}
    for i, label in enumerate(labels):
        seen[label] = seen.get(label, 0) + 1
        if seen[label] > 1:
            labels[i] = f"{label} ({seen[label]})"
    for r, label in zip(runs, labels):
        r["name"] = label


def compare(runs):
    """The comparison as a dict of estimates (each a summarise-style dict)."""
    label_runs(runs)
    ref = runs[0]
    out = {"years": [int(y) for y in ref["years"]], "scenarios": []}
    for r in runs:
        paired = (r["seed"], r["households"], r["replicates"]) == (ref["seed"], ref["households"], ref["replicates"])
        diff = paired_difference if paired else unpaired_difference
        cum = r["cumulative"]
        entry = {
            "file": r["path"], "name": r["name"], "replicates": len(r["replicates"]), "paired": paired,
            "population_per_replicate": r["population_per_replicate"],
            "return_rate": [summarise(r["return_rate"][:, y]) for y in range(len(out["years"]))],
            "cumulative_return_rate": summarise(cum),
            "newly_poor_edge_households": summarise(r["new_poor"]),
            "fiscal_cost": summarise(r["cost"]),
        }
        if r is not ref:
            ref_cum = ref["cumulative"]
            kept = None
            if paired:
                kept = ref["ever_returned"][:, -1] - r["ever_returned"][:, -1]      # [R] households kept
                extra = r["cost"] - ref["cost"]                                     # [R] yuan
                entry["cost_per_household_kept"] = ratio_interval(extra, kept)
            entry["cumulative_difference"] = diff(cum, ref_cum)
            entry["kept_per_1000"] = diff(-1000 * cum, -1000 * ref_cum)
            entry["extra_cost"] = diff(r["cost"], ref["cost"])
            if kept is None:
                entry["cost_per_household_kept"] = None
        out["scenarios"].append(entry)
    return out


def print_table(result):
    names = [s["name"] for s in result["scenarios"]]
    rows = [("returned at least once (%)", "cumulative_return_rate", 100, ".2f"),
            ("newly poor edge households", "newly_poor_edge_households", 1, ",.0f"),
            ("policy cost (bn yuan)", "fiscal_cost", 1e-9, ",.1f")]
    yearly = [[format_estimate(s["return_rate"][y], 100) for s in result["scenarios"]] for y in range(len(result["years"]))]
    totals = [[format_estimate(s[key], scale, fmt) for s in result["scenarios"]] for _, key, scale, fmt in rows]
    width = 2 + max(len(c) for c in names + [c for row in yearly + totals for c in row])
    print("Return-to-poverty rate, % of lifted households above the line the year before (mean [95 % interval])")
    print(f"{'year':<30}" + "".join(f"{n:>{width}}" for n in names))
    for year, cells in zip(result["years"], yearly):
        print(f"{year:<30}" + "".join(f"{c:>{width}}" for c in cells))
    print()
    for (label, *_), cells in zip(rows, totals):
        print(f"{label:<30}" + "".join(f"{c:>{width}}" for c in cells))
    print()
    base = names[0]
    print(f"Against {base}:")
    for s in result["scenarios"][1:]:
        how = "paired" if s["paired"] else "UNPAIRED (other seed, size or replicates): wide intervals"
        cpk = s["cost_per_household_kept"]
        per = format_estimate(cpk, 1, ",.0f") + " yuan" if cpk is not None and math.isfinite(float(cpk["mean"])) else "n/a"
        print(f"  {s['name']} ({how}, {s['replicates']} replicates)")
        print(f"    kept from ever returning, per 1,000 lifted: {format_estimate(s['kept_per_1000'], 1, '.2f')}")
        print(f"    extra policy cost (bn yuan):                {format_estimate(s['extra_cost'], 1e-9, ',.2f')}")
        print(f"    extra cost per household kept:              {per}")


# Per-year series the report draws (set from a comparison file); the JSON keeps its per-scenario scalars.
CHART_SERIES = ("cumulative_by_year", "difference_by_year")


def jsonable(result):
    def conv(x):
        if isinstance(x, dict) and "mean" in x and "ci95_lower" in x:
            return to_json(x)
        if isinstance(x, dict):
            return {k: conv(v) for k, v in x.items() if k not in CHART_SERIES}
        if isinstance(x, list):
            return [conv(v) for v in x]
        return x
    return conv(result)


def main(argv=None):
    ap = ArgumentParser(PROG, __doc__)
    ap.add_argument("files", nargs="+", metavar="FILE.h5", help="result files, the first the base; or one comparison file")
    ap.add_argument("--replicate", type=int, default=None, help="use only this replicate of every file")
    ap.add_argument("--json", action="store_true", help="print one JSON document on stdout instead of the table")
    args = ap.parse_args(argv)
    runs, est = load_all(args.files, args.replicate, "compare")
    ref = runs[0]
    result = compare(runs)
    if est is not None:
        use_file_estimates(result, est)
    for s in result["scenarios"][1:]:
        if not s["paired"]:
            print(f"{PROG}: warning: {s['file']} was not run with {ref['path']}'s seed, households and replicates: "
                  "its differences are unpaired", file=sys.stderr)
    if args.json:
        json.dump(jsonable(result), sys.stdout, allow_nan=False)
        print()
    else:
        print_table(result)
    return 0


if __name__ == "__main__":
    main_guard(PROG, main)
