#!/usr/bin/python3
"""Plot the calibration report of a povsim population file (`povsim population --report --out FILE`).

Four panels from the group /report (all survey-weighted):
  1. age pyramid: persons by 5-year age band, male left, female right (share of all persons in %,
     or weighted persons with --counts);
  2. household size distribution (share of households in %; the last size means "K or more");
  3. mean per-capita income by source within each income decile of lifted households (stacked bars;
     negative sources, e.g. operating losses, are stacked below zero);
  4. calibration targets: obtained / target value (dot) with the tolerance band, met or not met.
The targets are also printed to stdout as a text table.

A target is met when, with v = target_value, o = target_obtained, t = target_tolerance (absolute,
in the target's unit):  "=": |o - v| <= t;  ">=": o >= v - t;  "<=": o <= v + t.

Usage: /usr/bin/python3 analysis/plot_population.py pop.h5 --png population.png
       /usr/bin/python3 analysis/plot_population.py pop.h5 --png population.png --separate
       (--separate writes population-age.png, population-household-size.png,
        population-income.png and population-targets.png instead of one PNG)
"""

import os
import sys

import h5py
import numpy as np
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (after choosing the backend)

sys.path.insert(0, os.path.dirname(os.path.realpath(__file__)))   # the shared modules beside this script
from povsim_files import ArgumentParser, InputError, check_povsim_file, check_writable, main_guard, open_h5, \
    save_figure  # noqa: E402

PROG = "plot_population"
TARGET_FIELDS = ("name", "value", "obtained", "tolerance", "comparison", "unit", "source")
REQUIRED = ("household_size", "household_size_share", "age_band_lower", "persons_by_age_sex",
            "income_decile", "income_decile_upper", "income_by_source_decile") + \
    tuple(f"target_{field}" for field in TARGET_FIELDS)
PANELS = ("age", "household-size", "income", "targets")


def to_str(value):
    """An HDF5 string (str, bytes or numpy scalar) as str."""
    if isinstance(value, (bytes, np.bytes_)):
        return value.decode("utf-8", errors="replace")
    return str(value)


def read_strings(ds):
    """A 1-D string dataset (variable- or fixed-length) as a list of str."""
    if h5py.check_string_dtype(ds.dtype) is not None:
        return [to_str(s) for s in ds.asstr()[()]]
    return [to_str(s) for s in ds[()]]


def attr_strings(obj, name):
    """The string-array attribute `name` of obj as a list of str (None if absent)."""
    if name not in obj.attrs:
        return None
    value = obj.attrs[name]
    if isinstance(value, (str, bytes, np.bytes_)):
        return [to_str(value)]
    return [to_str(v) for v in np.ravel(value)]


def load(path):
    """The /report datasets of path as a dict (plus 'units', 'households', 'version', 'label')."""
    with open_h5(path) as f:
        check_povsim_file(f, path, "povsim-population", "population", ())
        if "report" not in f or not isinstance(f["report"], h5py.Group):
            raise InputError(f"{path}: no /report group; run povsim population --report --out FILE first")
        g = f["report"]
        missing = [name for name in REQUIRED if name not in g or not isinstance(g[name], h5py.Dataset)]
        if missing:
            raise InputError(f"{path}: /report lacks dataset(s) {', '.join(missing)}; "
                             "run povsim population --report --out FILE again with this povsim")
        r = {"label": os.path.basename(path), "units": {}}
        try:
            for name in REQUIRED:
                ds = g[name]
                r["units"][name] = to_str(ds.attrs["units"]) if "units" in ds.attrs else ""
                if name.startswith("target_") and name not in ("target_value", "target_obtained",
                                                                "target_tolerance"):
                    r[name] = read_strings(ds)
                else:
                    r[name] = np.asarray(ds[()], dtype=float if ds.dtype.kind == "f" else None)
            r["sexes"] = attr_strings(g["persons_by_age_sex"], "categories") or ["male", "female"]
            r["sources"] = attr_strings(g["income_by_source_decile"], "categories")
        except (OSError, TypeError, ValueError) as e:
            raise InputError(f"{path}: cannot read /report ({e})") from None
        r["households"] = f.attrs.get("households")
        r["version"] = to_str(f.attrs["povsim_version"]) if "povsim_version" in f.attrs else None
    check_shapes(path, r)
    return r


def check_shapes(path, r):
    def bad(msg):
        raise InputError(f"{path}: /report/{msg}")

    k = r["household_size"].shape
    if len(k) != 1 or k[0] == 0 or r["household_size_share"].shape != k:
        bad(f"household_size {k} and household_size_share {r['household_size_share'].shape} "
            "must be non-empty 1-D arrays of the same length")
    b = r["age_band_lower"].shape
    if len(b) != 1 or b[0] == 0 or r["persons_by_age_sex"].shape != (b[0], 2):
        bad(f"persons_by_age_sex has shape {r['persons_by_age_sex'].shape}, "
            f"expected [{b[0] if len(b) == 1 else 'B'}, 2] to match age_band_lower {b}")
    d = r["income_decile"].shape
    inc = r["income_by_source_decile"]
    if len(d) != 1 or d[0] == 0 or r["income_decile_upper"].shape != d or inc.ndim != 2 or inc.shape[0] != d[0]:
        bad(f"income_decile {d}, income_decile_upper {r['income_decile_upper'].shape} and "
            f"income_by_source_decile {inc.shape} do not agree (expected [10], [10], [10, S])")
    if r["sources"] is None:
        r["sources"] = [f"source {i + 1}" for i in range(inc.shape[1])]
    elif len(r["sources"]) != inc.shape[1]:
        bad(f"income_by_source_decile has {inc.shape[1]} columns but {len(r['sources'])} categories")
    lengths = {f"target_{fld}": len(r[f"target_{fld}"]) for fld in TARGET_FIELDS}
    if len(set(lengths.values())) != 1 or any(np.ndim(r[f"target_{f}"]) != 1 for f in TARGET_FIELDS):
        bad("target_* datasets must be 1-D with the same length (" +
            ", ".join(f"{k} {v}" for k, v in lengths.items()) + ")")
    unknown = sorted({c for c in r["target_comparison"] if c.strip() not in ("=", ">=", "<=")})
    if unknown:
        bad(f"target_comparison has unknown value(s) {unknown} (expected '=', '>=' or '<=')")
    r["target_comparison"] = [c.strip() for c in r["target_comparison"]]


def target_met(cmp, value, obtained, tol):
    if not np.isfinite(obtained):
        return False
    if cmp == "=":
        return abs(obtained - value) <= tol
    if cmp == ">=":
        return obtained >= value - tol
    return obtained <= value + tol


def fmt(x):
    """Compact number: 4 significant digits, thousands separators for large values."""
    if not np.isfinite(x):
        return str(x)
    if abs(x) >= 1e4:
        return f"{x:,.0f}"
    return f"{x:.4g}"


def targets(r):
    """List of dicts, one per target, with 'met' computed."""
    out = []
    for i, name in enumerate(r["target_name"]):
        t = {fld: r[f"target_{fld}"][i] for fld in TARGET_FIELDS}
        t["met"] = target_met(t["comparison"], t["value"], t["obtained"], t["tolerance"])
        out.append(t)
    return out


def print_targets(tgts):
    if not tgts:
        print("no calibration targets in /report")
        return
    rows = [("target", "wanted", "obtained", "unit", "met")]
    for t in tgts:
        wanted = f"{t['comparison']} {fmt(t['value'])}" + (f" ± {fmt(t['tolerance'])}" if t["tolerance"] else "")
        rows.append((t["name"], wanted, fmt(t["obtained"]), t["unit"], "yes" if t["met"] else "NO"))
    widths = [max(len(row[c]) for row in rows) for c in range(len(rows[0]))]
    for n, row in enumerate(rows):
        print("  ".join(cell.ljust(w) if c in (0, 3) else cell.rjust(w)
                        for c, (cell, w) in enumerate(zip(row, widths))).rstrip())
        if n == 0:
            print("  ".join("-" * w for w in widths))
    print(f"{sum(t['met'] for t in tgts)} of {len(tgts)} targets met")


def age_labels(lower):
    labels = []
    for i, lo in enumerate(lower):
        labels.append(f"{lo}-{lower[i + 1] - 1}" if i + 1 < len(lower) else f"{lo}+")
    return labels


def panel_age(ax, r, counts):
    persons = r["persons_by_age_sex"]
    total = persons.sum()
    values = persons if counts else 100 * persons / (total if total > 0 else 1)
    y = np.arange(len(values))
    sexes = r["sexes"]
    ax.barh(y, -values[:, 0], height=0.85, color="tab:blue", label=sexes[0])
    ax.barh(y, values[:, 1], height=0.85, color="tab:red", label=sexes[1])
    ax.axvline(0, color="black", lw=0.8)
    labels = age_labels([int(v) for v in r["age_band_lower"]])
    step = 1 if len(labels) <= 20 else 2
    ax.set_yticks(y[::step], labels[::step], fontsize="small")
    ax.set_ylim(-0.6, len(y) - 0.4)
    lim = max(values.max(), 1e-12) * 1.1
    ax.set_xlim(-lim, lim)
    ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(
        lambda x, _: f"{abs(x):,.0f}" if counts else f"{abs(x):g}"))
    unit = r["units"]["persons_by_age_sex"] or "weighted persons"
    ax.set_xlabel(unit if counts else "share of all persons (%)")
    ax.set_ylabel("age (years)")
    ax.set_title(f"Age pyramid ({fmt(total)} weighted persons)")
    ax.legend(loc="upper right", fontsize="small")
    ax.grid(axis="x", alpha=0.3)


def panel_household_size(ax, r):
    sizes = [int(s) for s in r["household_size"]]
    share = 100 * r["household_size_share"]
    labels = [str(s) for s in sizes[:-1]] + [f"{sizes[-1]}+" if len(sizes) > 1 else str(sizes[-1])]
    x = np.arange(len(sizes))
    bars = ax.bar(x, share, color="tab:green", width=0.75)
    ax.bar_label(bars, labels=[f"{s:.1f}" for s in share], fontsize="x-small", padding=2)
    ax.set_xticks(x, labels)
    ax.set_xlabel("household size (persons)")
    ax.set_ylabel("share of households (%)")
    ax.set_ylim(0, max(share.max(), 1e-12) * 1.15)
    ax.set_title("Household size")
    ax.grid(axis="y", alpha=0.3)


def panel_income(ax, r):
    inc = r["income_by_source_decile"]
    deciles = [int(d) for d in r["income_decile"]]
    x = np.arange(len(deciles))
    colors = plt.get_cmap("tab10").colors
    pos = np.zeros(len(x))
    neg = np.zeros(len(x))
    for s, source in enumerate(r["sources"]):
        v = inc[:, s]
        bottom = np.where(v >= 0, pos, neg)
        ax.bar(x, v, bottom=bottom, width=0.75, color=colors[s % len(colors)], label=source.replace("_", " "))
        pos += np.where(v >= 0, v, 0)
        neg += np.where(v < 0, v, 0)
    if (neg < 0).any():
        ax.axhline(0, color="black", lw=0.8)
        ax.plot(x, inc.sum(axis=1), "k_", markersize=14, mew=2, label="net total")
    upper = r["income_decile_upper"]
    ax.set_xticks(x, [f"{d}\n≤{u / 1000:.1f}k" for d, u in zip(deciles, upper)], fontsize="small")
    ax.set_xlabel("decile of per-capita income (upper bound, yuan/person/year)")
    ax.set_ylabel(f"mean income ({r['units']['income_by_source_decile'] or 'yuan/person/year'})")
    ax.yaxis.set_major_formatter(matplotlib.ticker.StrMethodFormatter("{x:,.0f}"))
    ax.set_title("Income by source, lifted households")
    ax.legend(fontsize="small", loc="upper left")
    ax.grid(axis="y", alpha=0.3)


def panel_targets(ax, tgts):
    ax.set_title("Calibration targets: obtained / target")
    if not tgts:
        ax.text(0.5, 0.5, "no calibration targets", ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
        return
    n = len(tgts)
    y = np.arange(n)[::-1]  # first target on top
    ratios, bands = [], []
    for t in tgts:
        v, o, tol, cmp = t["value"], t["obtained"], t["tolerance"], t["comparison"]
        if v == 0 or not np.isfinite(v):
            ratios.append(np.nan)
            bands.append(None)
            continue
        ratios.append(o / v)
        lo, hi = (v - tol) / v, (v + tol) / v
        if cmp == ">=":  # o >= v - tol: r >= lo (v > 0) or r <= lo (v < 0)
            bands.append((lo, np.inf) if v > 0 else (-np.inf, lo))
        elif cmp == "<=":  # o <= v + tol
            bands.append((-np.inf, hi) if v > 0 else (hi, np.inf))
        else:
            bands.append((min(lo, hi), max(lo, hi)))
    ratios = np.array(ratios)
    finite = [b for band in bands if band for b in band if np.isfinite(b)]
    span = np.concatenate([ratios[np.isfinite(ratios)], finite, [1.0]])
    lo_x, hi_x = span.min(), span.max()
    pad = max(0.1 * (hi_x - lo_x), 0.05)
    lo_x, hi_x = lo_x - pad, hi_x + pad
    ax.set_xlim(lo_x, hi_x)
    ax.axvline(1, color="grey", lw=1, ls="--")
    labels = []
    for yi, t, ratio, band in zip(y, tgts, ratios, bands):
        color = "tab:green" if t["met"] else "tab:red"
        if band:
            a, b = max(band[0], lo_x), min(band[1], hi_x)
            ax.fill_betweenx([yi - 0.3, yi + 0.3], a, b, color="tab:gray", alpha=0.25, lw=0)
        if np.isfinite(ratio):
            ax.plot(ratio, yi, "o" if t["met"] else "X", color=color, markersize=8, zorder=3)
            note = ""
        else:  # target 0 (or not finite): no ratio; a square at 1 marks met / not met
            ax.plot(1.0, yi, "s" if t["met"] else "X", color=color, markersize=7, zorder=3)
            note = " (target 0: shown at 1)"
        wanted = f"{t['comparison']} {fmt(t['value'])}" + (f" ± {fmt(t['tolerance'])}" if t["tolerance"] else "")
        labels.append(f"{t['name'].replace('_', ' ')}\nobtained {fmt(t['obtained'])}; target {wanted} {t['unit']}".rstrip()
                      + note + ("" if t["met"] else ": NOT MET"))
    ax.set_yticks(y, labels, fontsize="x-small")
    for tick, t in zip(ax.get_yticklabels(), tgts):
        tick.set_color("black" if t["met"] else "tab:red")
    ax.set_ylim(-0.7, n - 0.2)
    ax.set_xlabel("obtained / target value (grey: tolerance band)")
    ax.grid(axis="x", alpha=0.3)


def title(r):
    parts = [r["label"]]
    if r["households"] is not None:
        parts.append(f"{int(r['households']):,} households")
    if r["version"]:
        parts.append(f"povsim {r['version']}")
    return "Population calibration report: " + ", ".join(parts)


def draw(r, tgts, counts, ax_by_panel):
    panel_age(ax_by_panel["age"], r, counts)
    panel_household_size(ax_by_panel["household-size"], r)
    panel_income(ax_by_panel["income"], r)
    panel_targets(ax_by_panel["targets"], tgts)


def main(argv=None):
    parser = ArgumentParser(PROG, __doc__)
    parser.add_argument("file", metavar="FILE.h5", help="population file (povsim population --report --out FILE)")
    parser.add_argument("--png", required=True, metavar="OUT.png", help="PNG file to write")
    parser.add_argument("--separate", action="store_true",
                        help="write one PNG per panel: OUT-age.png, OUT-household-size.png, "
                        "OUT-income.png, OUT-targets.png")
    parser.add_argument("--counts", action="store_true",
                        help="age pyramid in weighted persons (default: share of all persons in %%)")
    parser.add_argument("--title", help="figure title (default: file name, households and povsim version)")
    args = parser.parse_args(argv)

    stem, ext = os.path.splitext(args.png)
    paths = [f"{stem}-{p}{ext or '.png'}" for p in PANELS] if args.separate else [args.png]
    for path in paths:            # before reading anything: a mistyped output fails at once
        check_writable(path)
    r = load(args.file)
    tgts = targets(r)
    print_targets(tgts)

    n_targets = max(len(tgts), 1)
    target_height = 1.2 + 0.6 * n_targets
    heading = args.title or title(r)
    if args.separate:
        figs, axes = {}, {}
        sizes = {"age": (6.5, 5.5), "household-size": (6.5, 4.5), "income": (7.5, 5),
                 "targets": (9, max(3, target_height))}
        for p in PANELS:
            figs[p], axes[p] = plt.subplots(figsize=sizes[p], constrained_layout=True)
            figs[p].suptitle(heading, fontsize="medium")
        draw(r, tgts, args.counts, axes)
        outputs = [(figs[p], path) for p, path in zip(PANELS, paths)]
    else:
        fig = plt.figure(figsize=(14, 6 + max(5, target_height)), constrained_layout=True)
        grid = fig.add_gridspec(2, 2, height_ratios=[6, max(5, target_height)])
        axes = {"age": fig.add_subplot(grid[0, 0]), "household-size": fig.add_subplot(grid[0, 1]),
                "income": fig.add_subplot(grid[1, 0]), "targets": fig.add_subplot(grid[1, 1])}
        fig.suptitle(heading)
        draw(r, tgts, args.counts, axes)
        outputs = [(fig, args.png)]

    for fig, path in outputs:
        save_figure(fig, path)
    return 0


if __name__ == "__main__":
    main_guard(PROG, main)
