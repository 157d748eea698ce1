#!/usr/bin/python3
"""Exit and re-entry rates by duration from povsim result files (/annual/poverty_dynamics).

For lifted households, pooled over every year with an observed outcome and over replicates
(life-table hazards): the exit rate after d years of poverty is
sum(exits_d) / sum(in_spell_d), the share of households in a spell of d consecutive poor
Decembers that are not poor the next December; the re-entry rate after k years out is
sum(reentries_k) / sum(out_of_poverty_k), after an exit seen inside the horizon. d, k = 1, 2,
3, 4, 5+. Spells under way before the horizon are not counted (docs/model.md, section 7.17).
The last year of each counter is censored (NaN) and skipped. With --by-year, the rates of each
year (the December the outcome is seen) are printed too.

Usage: /usr/bin/python3 analysis/poverty_spells.py OUT.h5 [MORE.h5 ...] [--by-year]
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.realpath(__file__)))   # the shared modules beside this script
from povsim_files import ArgumentParser, InputError, check_povsim_file, main_guard, open_h5  # noqa: E402

PROG = "poverty_spells"

DURATIONS = ("1", "2", "3", "4", "5plus")
GROUP = "annual/poverty_dynamics"


def load(path):
    """{counter name: array [R, Y]} and the years; InputError if the file has no spell counters."""
    with open_h5(path) as f:
        check_povsim_file(f, path, "povsim-results", "result", ("annual/year",))
        if GROUP not in f:
            raise InputError(f"{path}: no /{GROUP} (observers.poverty_spells disabled, or an older file)")
        g = f[GROUP]
        counts = {name: g[name][:] for name in g}
        return counts, f["annual/year"][:]


def rate(events, at_risk):
    """Pooled ratio over the non-censored entries; NaN if nobody was at risk."""
    ok = ~np.isnan(at_risk)
    n = at_risk[ok].sum()
    return (events[ok].sum() / n if n > 0 else float("nan")), n


def report(path, by_year):
    counts, years = load(path)
    print(f"{path}: lifted households, pooled over years and replicates")
    print(f"{'years':>6} {'exit rate':>10} {'at risk':>10} {'re-entry rate':>14} {'at risk':>10}")
    for d in DURATIONS:
        exit_rate, in_spell = rate(counts["exits_" + d], counts["in_spell_" + d])
        reentry_rate, out = rate(counts["reentries_" + d], counts["out_of_poverty_" + d])
        label = d.replace("plus", "+")
        print(f"{label:>6} {100 * exit_rate:>9.1f}% {in_spell:>10.0f} {100 * reentry_rate:>13.1f}% {out:>10.0f}")
    if by_year:
        print("exit rate by year (%), replicate mean of counts; columns: years in poverty")
        print("year " + "".join(f"{d.replace('plus', '+'):>8}" for d in DURATIONS))
        for y, year in enumerate(years):
            cells = []
            for d in DURATIONS:
                at_risk = counts["in_spell_" + d][:, y]
                cells.append(f"{'':>8}" if np.isnan(at_risk).any() or at_risk.sum() == 0
                             else f"{100 * counts['exits_' + d][:, y].sum() / at_risk.sum():>8.1f}")
            print(f"{year:<5}" + "".join(cells))
    print()


def main(argv=None):
    ap = ArgumentParser(PROG, __doc__)
    ap.add_argument("files", nargs="+", metavar="FILE.h5", help="povsim result files")
    ap.add_argument("--by-year", action="store_true", help="also print the exit rates of each year")
    args = ap.parse_args(argv)
    for path in args.files:        # every file read before anything is printed: bad input prints no partial table
        load(path)
    for path in args.files:
        report(path, args.by_year)
    return 0


if __name__ == "__main__":
    main_guard(PROG, main)
