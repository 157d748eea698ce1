#!/usr/bin/python3
"""One self-contained HTML page from povsim result files, the first being the base (e.g. the
baseline): figures are inline PNG images, the style is inline, nothing is fetched from elsewhere.

Sections: the cumulative return rate per scenario with 95 % interval bands; the paired difference
from the base per year; cost-effectiveness (households kept from ever returning per 1,000 lifted
against the extra cost per household kept); returns by cause and by region type; monitoring (the
monitored households and the early-warning rule's precision and recall per year, censored years
skipped); beneficiaries and fiscal cost per policy; the poverty line and the scheduled parameter
changes of the scenarios (marked as vertical lines on the time axes); and a numbers table.

Every figure is the mean over the replicates with a 95 % interval (Student's t; paired differences
when the files share seed, households and replicates; the same computations as
compare_scenarios.py). Intervals cover the shocks' noise given the population; see docs/output.md
("Which noise an interval covers"). With one replicate there is no interval ("no interval").

The charts (img ids chart-NAME; with --png-dir also saved as NAME.png): cumulative_return_rate,
difference_from_base, cost_effectiveness, returns_by_cause, returns_by_region_type, monitoring,
policies, poverty_line_schedule (difference_from_base and cost_effectiveness only with two files or
more, monitoring only when a file has early warning enabled).

A comparison file (`povsim compare BASE.yaml ALT.yaml --out cmp.h5`, told apart by its format
attribute) may be given alone instead of result files: the page is the same, built from each
scenario's results the file keeps (/runs), and its return rates, cumulative returns, costs, paired
differences, households kept and costs per household kept are the file's own estimates (/estimate,
/difference: the numbers povsim compare printed).

A sweep file (`povsim sweep SWEEP.yaml --out sweep.h5`; docs/sweeps.md) given alone gives the
sensitivity page instead: the design and its parameters, and for every output the sweep kept (at
the last year for outputs by year) Sobol indices (saltelli design: first-order and total with
bootstrap intervals) or Morris mu*, mu and sigma (morris design), as a chart (sensitivity_OUTPUT)
and a table, computed by analysis/sensitivity.py. Other designs (grid, Latin hypercube) give no
indices: the page shows each output's spread over the points.

Usage: /usr/bin/python3 analysis/report.py BASE.h5 [OTHER.h5 ...] --html OUT.html [--title T] [--png-dir DIR]
       /usr/bin/python3 analysis/report.py COMPARISON.h5 --html OUT.html [--title T] [--png-dir DIR]
       /usr/bin/python3 analysis/report.py SWEEP.h5 --html OUT.html [--title T] [--png-dir DIR]
Exit status: 0, or 2 with one line on stderr for a file it cannot use or a page it cannot write
(then nothing is written: the page is written to a temporary file renamed into place).
"""
import base64
import html
import io
import math
import os
import re
import sys

import numpy as np
import yaml

sys.path.insert(0, os.path.dirname(os.path.realpath(__file__)))   # the shared modules beside this script
from compare_scenarios import compare, comparison_groups, is_comparison, load_all, unpaired_difference, \
    use_file_estimates  # noqa: E402
from povsim_files import ArgumentParser, InputError, check_writable, main_guard, open_h5, write_atomically  # noqa: E402
from povsim_stats import format_estimate, paired_difference, ratio_interval, summarise  # noqa: E402

PROG = "report"
COLOURS = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
           "#bcbd22", "#17becf"]
DATE = re.compile(r"^\d{4}-\d{2}$")


# ---------------------------------------------------------------- the resolved scenario (YAML subset)

def parse_yaml(text):
    """The resolved scenario (the file's `scenario_yaml`) as nested dicts, every scalar kept as the
    text povsim wrote (PyYAML's BaseLoader: '2021-01', '0.50' and 'true' stay strings)."""
    try:
        tree = yaml.load(text, Loader=yaml.BaseLoader)
    except yaml.YAMLError as e:
        raise InputError(f"its scenario_yaml attribute is not valid YAML ({str(e).splitlines()[0]})") from None
    return tree if isinstance(tree, dict) else {}


def schedules(tree, path=()):
    """[(dotted path, [(YYYY-MM, value), ...])] of every scheduled value (a mapping keyed by dates)
    of the enabled models."""
    out = []
    if not isinstance(tree, dict):
        return out
    if str(tree.get("enabled", "true")).lower() == "false":
        return out
    for k, v in tree.items():
        if isinstance(v, dict) and v and all(DATE.match(str(d)) for d in v):
            out.append((".".join(path + (k,)), sorted(v.items())))
        elif isinstance(v, dict):
            out.extend(schedules(v, path + (k,)))
    return out


def schedule_changes(yaml_text):
    """(start 'YYYY-MM', end 'YYYY-MM', [(date, path, value, previous value or None)]) of the
    scenario's scheduled values, every date listed (those at or before the start set the initial
    value)."""
    tree = parse_yaml(yaml_text)
    horizon = tree.get("horizon") or {}
    changes = []
    for path, entries in schedules(tree):
        prev = None
        for date, value in entries:
            if str(value) != prev:                       # a repeated value changes nothing
                changes.append((str(date), path, str(value), prev))
            prev = str(value)
    return str(horizon.get("start", "")), str(horizon.get("end", "")), sorted(changes)


def date_x(date):
    """A YYYY-MM date on the time axis, where year Y stands for the December Y assessment."""
    y, m = (int(p) for p in date.split("-"))
    return y + (m - 12) / 12.0


# ---------------------------------------------------------------- loading

def extra_of(g):
    """What the report shows beyond compare_scenarios.read_run, from g (a result file's root or a
    comparison file's /runs/K): arrays with the replicate axis first."""
    a = g["annual"]
    get = lambda name: a[name][:] if name in a else None  # noqa: E731
    out = {
        "cumulative_by_year": a["cumulative_return_rate"][:],            # [R, Y]
        "poverty_line": get("poverty_line"),                             # [Y]
        "scenario_yaml": str(g.attrs.get("scenario_yaml", "")),
        "beneficiaries": get("policies/beneficiaries"),                  # [R, K, Y]
        "fiscal_cost": a["policies/fiscal_cost"][:],                     # [R, K, Y]
    }
    if "by_cause/returned_households" in a:
        out["causes"] = [str(c) for c in a["by_cause"].attrs["categories"]]
        out["by_cause"] = a["by_cause/returned_households"][:]           # [R, C, Y]
    if "by_region_type/cumulative_return_rate" in a:
        out["regions"] = [str(c) for c in a["by_region_type"].attrs["categories"]]
        out["by_region"] = a["by_region_type/cumulative_return_rate"][:]  # [R, G, Y]
    if "monitoring" in a:
        m = a["monitoring"]
        out["monitoring"] = {k: m[k][:] for k in ("monitored_households", "hits", "false_alarms", "misses")
                             if k in m}
    return out


def load_extras(paths):
    """extra_of every result file, or of every scenario of one comparison file (/runs/K)."""
    if len(paths) == 1 and is_comparison(paths[0]):
        with open_h5(paths[0]) as f:
            return [extra_of(f["runs"][str(k)]) for k, _, _ in comparison_groups(f, paths[0])]
    out = []
    for path in paths:
        with open_h5(path) as f:
            out.append(extra_of(f))
    return out


# ---------------------------------------------------------------- figures and HTML helpers

def figure(width=8.0, height=4.0):
    import logging
    logging.getLogger("matplotlib").setLevel(logging.ERROR)   # no cache or font notes on stderr
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    return plt.subplots(figsize=(width, height))


PNG_DIR = []   # [folder] with --png-dir: every chart also saved there as NAME.png
CHARTS = []    # the charts' names, in page order


def img(fig, alt, name):
    """The figure as an inline PNG <img id="chart-NAME">."""
    import matplotlib.pyplot as plt
    buf = io.BytesIO()
    fig.tight_layout()
    fig.savefig(buf, format="png", dpi=100)
    plt.close(fig)
    CHARTS.append(name)
    if PNG_DIR:
        write_atomically(os.path.join(PNG_DIR[0], name + ".png"), buf.getvalue())
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    return f'<img id="chart-{name}" alt="{html.escape(alt)}" src="data:image/png;base64,{data}">'


def est(s, scale=1.0, fmt=".2f"):
    if s is None or not math.isfinite(float(s["mean"])):
        return "n/a"
    return format_estimate(s, scale, fmt)


def table(header, rows):
    h = "".join(f"<th>{html.escape(str(c))}</th>" for c in header)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in r) + "</tr>" for r in rows)
    return f"<table><thead><tr>{h}</tr></thead><tbody>{body}</tbody></table>"


def band(ax, x, s, colour, label, scale=1.0):
    mean = np.asarray(s["mean"], float) * scale
    ax.plot(x, mean, color=colour, marker="o", label=label)
    lo, hi = np.asarray(s["ci95_lower"], float) * scale, np.asarray(s["ci95_upper"], float) * scale
    if np.any(np.isfinite(lo)):
        ax.fill_between(x, lo, hi, color=colour, alpha=0.2, linewidth=0)


def mark_changes(ax, marks):
    for x in marks:
        ax.axvline(x, color="0.4", linestyle=":", linewidth=1)


def error(s, scale=1.0):
    """(mean, [[below], [above]]) for matplotlib's errorbar/bar (0 where there is no interval)."""
    m = float(s["mean"]) * scale
    lo, hi = float(s["ci95_lower"]) * scale, float(s["ci95_upper"]) * scale
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return m, [[0], [0]]
    return m, [[m - lo], [hi - m]]


CSS = """
body{font-family:sans-serif;max-width:1100px;margin:1em auto;padding:0 1em;color:#222}
h1{font-size:1.6em} h2{border-bottom:1px solid #ccc;padding-top:.5em}
table{border-collapse:collapse;margin:.5em 0 1em;font-size:.85em}
th,td{border:1px solid #ccc;padding:2px 6px;text-align:right} th{background:#f0f0f0}
td:first-child,th:first-child{text-align:left} img{max-width:100%} .note{color:#555;font-size:.9em}
"""


# ---------------------------------------------------------------- the page

def build(runs, extras, result, title):
    years = np.asarray(result["years"])
    names = [s["name"] for s in result["scenarios"]]
    ref, rex = runs[0], extras[0]
    reps = [s["replicates"] for s in result["scenarios"]]
    one = min(reps) < 2
    colour = {n: COLOURS[i % len(COLOURS)] for i, n in enumerate(names)}
    more = {}   # estimate label -> {scenario: cell}: the sections' estimates, repeated in the numbers table

    def put(label, name, cell):
        more.setdefault(label, {})[name] = cell
    parts = [f"<h1>{html.escape(title)}</h1>"]

    # schedules: vertical lines at changes inside the horizon (union over the scenarios)
    sched = []
    for e in extras:
        try:
            sched.append(schedule_changes(e["scenario_yaml"]))
        except (InputError, ValueError, TypeError, AttributeError):   # not what povsim writes: no schedule shown
            sched.append(("", "", []))
    marks = sorted({date_x(d) for start, end, ch in sched for d, _, _, _ in ch
                    if (not start or d > start) and (not end or d <= end)})

    # --- summary
    rows = [(s["name"], s["file"], s["replicates"], "base" if i == 0 else ("paired" if s["paired"] else "unpaired (Welch)"))
            for i, s in enumerate(result["scenarios"])]
    parts.append("<h2>Runs</h2>" + table(["scenario", "file", "replicates", "difference from the base"], rows))
    if result.get("from_comparison_file"):
        parts.append('<p class="note">From one comparison file (povsim compare: every scenario on one population '
                     "with common random numbers). Return rates, cumulative returns, policy costs, the paired "
                     "differences, households kept and costs per household kept are the file's own estimates "
                     "(/estimate, /difference); the other sections are computed from each scenario's results in "
                     "the file (/runs) as for result files.</p>")
    fresh = [s["population_per_replicate"] for s in result["scenarios"]]
    if all(fresh):
        population_noise = ("Each replicate drew its own population (population_per_replicate), so the intervals "
                            "cover simulation noise and the sampling noise of drawing the population")
    elif not any(fresh):
        population_noise = ("Replicates differ in every shock, policy and targeting draw but share one initial "
                            "population, so the intervals cover simulation noise given that population, not the "
                            "sampling noise of drawing the population")
    else:
        population_noise = ("Some files drew a population per replicate and some did not "
                            f"({', '.join(s['name'] for s in result['scenarios'] if s['population_per_replicate'])} did): "
                            "their intervals cover different noise")
    noise = ("Every figure is the mean over the replicates with a 95 % interval (Student's t with R &minus; 1 degrees "
             "of freedom; a cost per household kept is a ratio of means with a delta-method interval). "
             + population_noise + " (docs/output.md, &ldquo;Which noise an interval covers&rdquo;). Files run with "
             "the same seed, households and replicates are paired: their differences are taken replicate by replicate.")
    if one:
        noise += " <b>With one replicate there is no interval</b> (no bands; &ldquo;no interval&rdquo; in the tables)."
    parts.append(f'<p class="note">Replicates: {", ".join(f"{n}: {r}" for n, r in zip(names, reps))}. {noise} '
                 "Dotted vertical lines mark scheduled changes of the scenarios' parameters (listed under "
                 "&ldquo;Poverty line and policy schedule&rdquo;); year Y is the December Y assessment.</p>")

    # --- cumulative return rate (a comparison file's own estimates when given one)
    fig, ax = figure()
    cums = [s.get("cumulative_by_year") or summarise(e["cumulative_by_year"])
            for s, e in zip(result["scenarios"], extras)]
    for n, s in zip(names, cums):
        band(ax, years, s, colour[n], n, 100)
    mark_changes(ax, marks)
    ax.set_xlabel("year (December assessment)")
    ax.set_ylabel("% of lifted households")
    ax.set_title("Lifted households returned to poverty at least once")
    ax.legend(fontsize="small")
    ax.set_xticks(years)
    parts.append("<h2>Cumulative return rate</h2>"
                 + img(fig, "cumulative return rate per scenario", "cumulative_return_rate"))

    # --- differences from the base
    parts.append("<h2>Difference from the base</h2>")
    diffs = {}
    if len(runs) < 2:
        parts.append("<p>One file: there is nothing to compare with the base.</p>")
    else:
        fig, axes = figure(10, 4)
        fig.clf()
        ax1, ax2 = fig.subplots(1, 2)
        for r, e, s in zip(runs[1:], extras[1:], result["scenarios"][1:]):
            if "difference_by_year" in s:              # a comparison file's own estimates
                d_rate, d_cum = s["difference_by_year"]
            elif s["paired"]:
                d_rate = paired_difference(r["return_rate"], ref["return_rate"])
                d_cum = paired_difference(e["cumulative_by_year"], rex["cumulative_by_year"])
            else:
                per = [unpaired_difference(r["return_rate"][:, y], ref["return_rate"][:, y]) for y in range(len(years))]
                d_rate = {k: np.array([p[k] for p in per]) for k in ("mean", "ci95_lower", "ci95_upper")}
                per = [unpaired_difference(e["cumulative_by_year"][:, y], rex["cumulative_by_year"][:, y])
                       for y in range(len(years))]
                d_cum = {k: np.array([p[k] for p in per]) for k in ("mean", "ci95_lower", "ci95_upper")}
                d_rate["n"] = d_cum["n"] = min(len(r["replicates"]), len(ref["replicates"]))
            diffs[s["name"]] = (d_rate, d_cum)
            band(ax1, years, d_rate, colour[s["name"]], s["name"], 100)
            band(ax2, years, d_cum, colour[s["name"]], s["name"], 100)
        for ax, what in ((ax1, "return rate"), (ax2, "cumulative return rate")):
            ax.axhline(0, color="k", linewidth=0.8)
            mark_changes(ax, marks)
            ax.set_xticks(years)
            ax.set_xlabel("year")
            ax.set_ylabel("percentage points")
            ax.set_title(f"{what}: scenario minus {names[0]}", fontsize="medium")
        ax1.legend(fontsize="small")
        parts.append(img(fig, "paired difference from the base per year", "difference_from_base"))
        unpaired = [s["name"] for s in result["scenarios"][1:] if not s["paired"]]
        if unpaired:
            parts.append(f'<p class="note">Unpaired (other seed, households or replicates; Welch intervals, wide): '
                         f'{html.escape(", ".join(unpaired))}.</p>')

    # --- cost-effectiveness
    parts.append("<h2>Cost-effectiveness</h2>")
    if len(runs) < 2:
        parts.append("<p>One file: no cost-effectiveness against a base.</p>")
    else:
        fig, ax = figure(7, 4.5)
        rows = []
        for s in result["scenarios"][1:]:
            cpk = s["cost_per_household_kept"]
            rows.append((s["name"], est(s["kept_per_1000"], 1, ".2f"), est(s["extra_cost"], 1e-9, ",.2f"),
                         est(cpk, 1, ",.0f") if cpk is not None else "n/a (unpaired)"))
            if cpk is None or not math.isfinite(float(cpk["mean"])):
                continue
            x, xerr = error(s["kept_per_1000"])
            y, yerr = error(cpk)
            ax.errorbar([x], [y], xerr=xerr, yerr=yerr, fmt="o", color=colour[s["name"]], capsize=4, label=s["name"])
        ax.axvline(0, color="k", linewidth=0.8)
        ax.set_xlabel(f"kept from ever returning, per 1,000 lifted (vs {names[0]})")
        ax.set_ylabel("extra cost per household kept (yuan)")
        ax.yaxis.set_major_formatter(__import__("matplotlib").ticker.StrMethodFormatter("{x:,.0f}"))
        ax.set_title("Cost-effectiveness over the horizon")
        if ax.get_legend_handles_labels()[0]:
            ax.legend(fontsize="small")
        parts.append(img(fig, "cost-effectiveness", "cost_effectiveness"))
        parts.append(table(["scenario", "kept per 1,000 lifted", "extra policy cost (bn yuan)",
                            "extra cost per household kept (yuan)"], rows))
        parts.append('<p class="note">Cost per household kept is undefined (n/a) when the scenario keeps no '
                     "households on average, and not computed for unpaired files.</p>")

    # --- by cause
    parts.append("<h2>Returns by cause</h2>")
    have = [(n, e) for n, e in zip(names, extras) if "by_cause" in e]
    if not have:
        parts.append("<p>The files hold no /annual/by_cause.</p>")
    else:
        causes = list(dict.fromkeys(c for _, e in have for c in e["causes"]))
        fig, ax = figure(8, 0.8 + 0.6 * len(have) + 2)
        cmap = __import__("matplotlib").colormaps["tab10"]
        rows = []
        for i, (n, e) in enumerate(have):
            tot = np.nansum(e["by_cause"], axis=2)     # [R, C] returns over the horizon
            left = 0.0
            cells = [n]
            for c in causes:
                if c in e["causes"]:
                    s = summarise(tot[:, e["causes"].index(c)])
                    v = float(s["mean"]) / 1e3
                    ax.barh(i, v, left=left, color=cmap(causes.index(c) % 10), label=c if i == 0 else None)
                    left += v
                    cells.append(est(s, 1e-3, ",.1f"))
                    put(f"returns caused by {c} over the horizon (thousand households)", n, cells[-1])
                else:
                    cells.append("")
            rows.append(cells)
        ax.set_yticks(range(len(have)))
        ax.set_yticklabels([n for n, _ in have])
        ax.invert_yaxis()
        ax.set_xlabel("returns over the horizon (thousand households, weighted)")
        ax.set_title("Returns to poverty by cause (the latest shock in the year of the return)")
        ax.legend(fontsize="small", loc="center left", bbox_to_anchor=(1.0, 0.5))
        parts.append(img(fig, "returns by cause", "returns_by_cause"))
        parts.append(table(["scenario"] + [f"{c} (thousand)" for c in causes], rows))

    # --- by region type
    parts.append("<h2>Returns by region type</h2>")
    have = [(n, e) for n, e in zip(names, extras) if "by_region" in e]
    if not have:
        parts.append("<p>The files hold no /annual/by_region_type.</p>")
    else:
        regions = list(dict.fromkeys(g for _, e in have for g in e["regions"]))
        fig, ax = figure(8, 4)
        width = 0.8 / len(have)
        rows = []
        for i, (n, e) in enumerate(have):
            cells = [n]
            for j, g in enumerate(regions):
                if g not in e["regions"]:
                    cells.append("")
                    continue
                s = summarise(e["by_region"][:, e["regions"].index(g), -1])
                m, err = error(s, 100)
                ax.bar(j + (i - (len(have) - 1) / 2) * width, m, width, yerr=err, capsize=3, color=colour[n],
                       label=n if j == 0 else None)
                cells.append(est(s, 100, ".2f"))
                put(f"returned at least once by {years[-1]}, {g} (%)", n, cells[-1])
            rows.append(cells)
        ax.set_xticks(range(len(regions)))
        ax.set_xticklabels(regions)
        ax.set_ylabel(f"% of lifted households by {years[-1]}")
        ax.set_title("Lifted households returned at least once, by region type")
        ax.legend(fontsize="small")
        parts.append(img(fig, "cumulative return rate by region type", "returns_by_region_type"))
        parts.append(table(["scenario"] + [f"{g} (%)" for g in regions], rows))

    # --- monitoring
    parts.append("<h2>Monitoring and early warning</h2>")
    have = [(n, e["monitoring"]) for n, e in zip(names, extras) if "monitoring" in e]
    for n, e in zip(names, extras):
        if "monitoring" not in e:
            parts.append(f"<p>{html.escape(n)}: early warning is disabled (no /annual/monitoring): no households "
                         "are monitored and there is no warning rule to evaluate.</p>")
    mon_rows = []
    if have:
        fig, axes = figure(12, 4)
        fig.clf()
        ax1, ax2, ax3 = fig.subplots(1, 3)
        for n, m in have:
            if "monitored_households" in m:
                band(ax1, years, summarise(m["monitored_households"]), colour[n], n, 1e-3)
            if not all(k in m for k in ("hits", "false_alarms", "misses")):
                continue
            ok = [y for y in range(len(years)) if np.all(np.isfinite(m["hits"][:, y]))]
            prec = [ratio_interval(m["hits"][:, y], m["hits"][:, y] + m["false_alarms"][:, y]) for y in ok]
            rec = [ratio_interval(m["hits"][:, y], m["hits"][:, y] + m["misses"][:, y]) for y in ok]
            if ok:
                for ax, vals in ((ax2, prec), (ax3, rec)):
                    band(ax, years[ok], {k: np.array([float(v[k]) for v in vals]) for k in ("mean", "ci95_lower", "ci95_upper")},
                         colour[n], n, 100)
            for y in range(len(years)):
                if "monitored_households" in m:
                    put(f"monitored households at December {years[y]} (thousand)", n,
                        est(summarise(m["monitored_households"][:, y]), 1e-3, ",.1f"))
            for y, p, r in zip(ok, prec, rec):
                put(f"early-warning precision, warnings of {years[y]} (%)", n, est(p, 100, ".1f"))
                put(f"early-warning recall, warnings of {years[y]} (%)", n, est(r, 100, ".1f"))
                mon_rows.append((n, int(years[y]), est(summarise(m["monitored_households"][:, y]), 1e-3, ",.1f")
                                 if "monitored_households" in m else "", est(p, 100, ".1f"), est(r, 100, ".1f")))
        for ax, t, yl in ((ax1, "monitored households (December)", "thousand households"),
                          (ax2, "precision: warnings followed by poverty", "%"),
                          (ax3, "recall: falls warned of", "%")):
            mark_changes(ax, marks)
            ax.set_xticks(years)
            ax.tick_params(axis="x", labelsize="small")
            ax.set_title(t, fontsize="medium")
            ax.set_ylabel(yl)
        ax1.legend(fontsize="small")
        parts.append(img(fig, "monitoring: monitored households, precision and recall", "monitoring"))
        parts.append('<p class="note">Precision = hits / (hits + false alarms), recall = hits / (hits + misses), '
                     "per warning year (ratios of means over the replicates). The last two years of the horizon are "
                     "censored (whether a warning was followed by poverty lies beyond the run) and skipped.</p>")
        if mon_rows:
            parts.append(table(["scenario", "warning year", "monitored at December (thousand)", "precision (%)",
                                "recall (%)"], mon_rows))

    # --- policies
    parts.append("<h2>Beneficiaries and fiscal cost per policy</h2>")
    runs_pol = [(n, r["policies"], e) for n, r, e in zip(names, runs, extras)]
    policies = list(dict.fromkeys(p for _, ps, _ in runs_pol for p in ps))
    if not policies:
        parts.append("<p>No policy is enabled.</p>")
    else:
        fig, axes = figure(12, 0.5 + 0.35 * len(policies) * max(1, len(names)) ** 0.5 + 1.5)
        fig.clf()
        ax1, ax2 = fig.subplots(1, 2, sharey=True)
        height = 0.8 / len(names)
        rows = []
        for i, (n, ps, e) in enumerate(runs_pol):
            for p in policies:
                if p not in ps:
                    continue
                k = ps.index(p)
                j = policies.index(p) + (i - (len(names) - 1) / 2) * height
                cells = [p, n]
                if e["beneficiaries"] is not None:
                    s = summarise(e["beneficiaries"][:, k, :].mean(axis=1))
                    m, err = error(s, 1e-3)
                    ax1.barh(j, m, height, xerr=err, capsize=2, color=colour[n], label=n if p == ps[0] else None)
                    cells.append(est(s, 1e-3, ",.1f"))
                    put(f"{p}: beneficiaries (thousand households per year)", n, cells[-1])
                else:
                    cells.append("n/a")
                s = summarise(e["fiscal_cost"][:, k, :].sum(axis=1))
                m, err = error(s, 1e-9)
                ax2.barh(j, m, height, xerr=err, capsize=2, color=colour[n])
                cells.append(est(s, 1e-9, ",.2f"))
                put(f"{p}: fiscal cost over the horizon (bn yuan)", n, cells[-1])
                rows.append(cells)
        ax1.set_yticks(range(len(policies)))
        ax1.set_yticklabels(policies)
        ax1.invert_yaxis()
        ax1.set_xlabel("beneficiaries (thousand households, mean per year)")
        ax2.set_xlabel("fiscal cost over the horizon (bn yuan)")
        ax1.legend(fontsize="small")
        parts.append(img(fig, "beneficiaries and fiscal cost per policy", "policies"))
        rows.sort(key=lambda r: (policies.index(r[0]), names.index(r[1])))
        parts.append(table(["policy", "scenario", "beneficiaries (thousand households per year)",
                            "fiscal cost over the horizon (bn yuan)"], rows))

    # --- poverty line and schedule
    parts.append("<h2>Poverty line and policy schedule</h2>")
    fig, ax = figure(8, 3.5)
    drawn = []
    for n, e in zip(names, extras):
        pl = e["poverty_line"]
        if pl is None:
            continue
        if any(np.array_equal(pl, d) for d in drawn):
            continue
        drawn.append(pl)
        ax.plot(years, pl, marker="o", color=colour[n], label=n)
    mark_changes(ax, marks)
    for x in marks:
        y, m = math.floor(x) + 1, round((x - math.floor(x)) * 12) or 12
        if m == 12:
            y -= 1
        ax.annotate(f"{y}-{m:02d}", (x, 1), xycoords=("data", "axes fraction"), rotation=90, fontsize="x-small",
                    ha="right", va="top", color="0.3")
    ax.set_xticks(years)
    ax.set_ylabel("yuan per person per year")
    ax.set_title("Poverty line applied at the assessment (dotted: scheduled changes)")
    if len(drawn) > 1:
        ax.legend(fontsize="small")
    parts.append(img(fig, "poverty line and schedule changes", "poverty_line_schedule"))
    rows = []
    for n, (start, end, ch) in zip(names, sched):
        for d, path, value, prev in ch:
            if start and d <= start:
                when = "initial"
            elif end and d > end:
                when = "after the horizon"
            else:
                when = "in the horizon"
            rows.append((n, d, path, value if prev is None else f"{prev} \u2192 {value}", when))
    if rows:
        parts.append(table(["scenario", "date", "parameter", "value", "when"], rows))
    else:
        parts.append("<p>The files record no scheduled values.</p>")

    # --- numbers table
    parts.append("<h2>Numbers</h2>")
    head = ["estimate"] + names
    rows = []
    for y, yr in enumerate(result["years"]):
        rows.append([f"return rate {yr} (%)"] + [est(s["return_rate"][y], 100, ".3f") for s in result["scenarios"]])
    for y, yr in enumerate(result["years"]):
        rows.append([f"returned at least once by {yr} (%)"] +
                    [est({k: (v[y] if k != "n" else v) for k, v in c.items()}, 100, ".3f") for c in cums])
    rows.append(["newly poor edge households over the horizon"] +
                [est(s["newly_poor_edge_households"], 1, ",.0f") for s in result["scenarios"]])
    rows.append(["policy cost over the horizon (bn yuan)"] + [est(s["fiscal_cost"], 1e-9, ",.2f") for s in result["scenarios"]])
    if len(runs) > 1:
        def row(label, f):
            rows.append([label, "base"] + [f(s) for s in result["scenarios"][1:]])
        for y, yr in enumerate(result["years"]):
            row(f"difference in return rate {yr} (pp)",
                lambda s: est({k: (v[y] if k != "n" else v) for k, v in diffs[s["name"]][0].items()}, 100, ".3f"))
        for y, yr in enumerate(result["years"]):
            row(f"difference in returned at least once by {yr} (pp)",
                lambda s: est({k: (v[y] if k != "n" else v) for k, v in diffs[s["name"]][1].items()}, 100, ".3f"))
        row("kept from ever returning per 1,000 lifted", lambda s: est(s["kept_per_1000"], 1, ".2f"))
        row("extra policy cost (bn yuan)", lambda s: est(s["extra_cost"], 1e-9, ",.2f"))
        row("extra cost per household kept (yuan)",
            lambda s: est(s["cost_per_household_kept"], 1, ",.0f") if s["cost_per_household_kept"] else "n/a (unpaired)")
    for label in more:
        rows.append([label] + [more[label].get(n, "") for n in names])
    parts.append(table(head, rows))
    parts.append('<p class="note">mean [95 % interval] over the replicates; pp = percentage points; empty: not in '
                 "that file (e.g. no monitoring without early warning); n/a: undefined.</p>")

    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{html.escape(title)}</title><style>{CSS}</style></head><body>\n"
            + "\n".join(parts) + "\n</body></html>\n")


# ---------------------------------------------------------------- the sensitivity page (sweep files)

def is_sweep(path):
    with open_h5(path) as f:
        return str(f.attrs.get("format", "")).startswith("povsim-sweep")


def build_sensitivity(path, title):
    import sensitivity as sa     # analysis/sensitivity.py: the same loading and estimators
    with open_h5(path) as f:
        outputs = list(f["outputs"].keys())
        points, replicates = f["outputs"][outputs[0]].shape[:2]
        design = str(f["design"].attrs["kind"])
        parameters = [str(p) for p in f["parameter"].asstr()[:]]
        values = f["design/values"][:] if "design/values" in f else None
    measure = sa.MEASURE_OF_DESIGN.get(design)
    parts = [f"<h1>{html.escape(title)}</h1>", "<h2>Sweep</h2>",
             table(["file", "design", "points", "replicates per point", "outputs"],
                   [(os.path.basename(path), design, points, replicates, ", ".join(outputs))])]
    rows = []
    for j, name in enumerate(parameters):
        lo, hi = ("", "") if values is None else (f"{np.nanmin(values[:, j]):.6g}", f"{np.nanmax(values[:, j]):.6g}")
        rows.append((name, lo, hi))
    parts.append(table(["parameter", "lowest value swept", "highest value swept"], rows))
    parts.append('<p class="note">Each output is one number per point: the mean over the point\'s replicates '
                 "(common random numbers across points). Sobol indices: first order (Saltelli 2010) and total "
                 "(Jansen 1999), 95 % percentile-bootstrap intervals over the base rows; Morris: mu* (mean absolute "
                 "elementary effect, Campolongo 2007), mu and sigma per whole range of each parameter "
                 "(docs/sweeps.md).</p>")
    parts.append("<h2>Sensitivity</h2>")
    for output in outputs:
        info, y, label = sa.load(path, output, None)
        if not np.isfinite(y).all():
            parts.append(f"<p>{html.escape(label)}: not finite at some points (censored years); no indices.</p>")
            continue
        if measure is None:
            parts.append(f"<h3>{html.escape(label)}</h3>" + table(
                ["mean over points", "lowest", "highest"], [(f"{y.mean():.6g}", f"{y.min():.6g}", f"{y.max():.6g}")]))
            continue
        result = sa.analyse(info, y, measure, sa.sens.BOOTSTRAP, 0)
        parts.append(f"<h3>{html.escape(label)}</h3>")
        parts.append(img(sa.plot(info, result, measure, label, None), f"sensitivity of {label}", "sensitivity_" + output))
        if measure == "sobol":
            cell = lambda key, j: f"{result[key][j]:.3f} [{result[key + '_lower'][j]:.3f}, {result[key + '_upper'][j]:.3f}]"  # noqa: E731
            parts.append(table(["parameter", "S1 [95 % interval]", "ST [95 % interval]"],
                               [(n, cell("S1", j), cell("ST", j)) for j, n in enumerate(info["parameters"])]))
        else:
            parts.append(table(["parameter", "mu*", "mu", "sigma"],
                               [(n, f"{result['mu_star'][j]:.4g}", f"{result['mu'][j]:.4g}", f"{result['sigma'][j]:.4g}")
                                for j, n in enumerate(info["parameters"])]))
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
            f"<style>{CSS}</style></head><body>\n" + "\n".join(parts) + "\n</body></html>\n")


def main(argv=None):
    ap = ArgumentParser(PROG, __doc__)
    ap.add_argument("files", nargs="+", metavar="FILE.h5",
                    help="result files, the first the base; or one comparison file (povsim compare)")
    ap.add_argument("--html", required=True, metavar="OUT.html", help="the page to write")
    ap.add_argument("--title", default=None, help="the page's title (default: the scenarios' names)")
    ap.add_argument("--png-dir", default=None, metavar="DIR",
                    help="also save every chart in this existing folder as NAME.png (NAME as in the page's img ids)")
    args = ap.parse_args(argv)
    if args.png_dir is not None:
        if not os.path.isdir(args.png_dir):
            raise InputError(f"cannot write charts to {args.png_dir}: no such folder")
        PNG_DIR.append(args.png_dir)
    check_writable(args.html)
    if any(is_sweep(p) for p in args.files):
        if len(args.files) != 1:
            raise InputError("a sweep file makes its own page: give it alone")
        page = build_sensitivity(args.files[0], args.title or f"povsim sensitivity: {os.path.basename(args.files[0])}")
        write_atomically(args.html, page)
        print(f"wrote {args.html}")
        return 0
    runs, est = load_all(args.files, None, PROG)
    extras = load_extras(args.files)
    result = compare(runs)
    if est is not None:
        use_file_estimates(result, est)
    title = args.title or ("povsim report: " + " vs ".join(s["name"] for s in result["scenarios"]))
    page = build(runs, extras, result, title)
    write_atomically(args.html, page)
    print(f"wrote {args.html}")
    return 0


if __name__ == "__main__":
    main_guard(PROG, main)
