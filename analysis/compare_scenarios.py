#!/usr/bin/python3
"""Compare povsim result files side by side, the first one being the reference (e.g. baseline).

Prints, per year, the return rate (% of lifted households above the line the year before) of each
file; then, over the whole horizon, households that returned at least once, new poverty among edge
households, total fiscal cost of the policies, and - for each file against the reference - the
extra cost per returned household avoided. Files must come from runs with the same seed and
population so that the comparison is paired (common random numbers).

Usage: /usr/bin/python3 analysis/compare_scenarios.py baseline.h5 other.h5 [...] [--replicate R]
"""
import argparse
import sys


from povsim_files import InputError, open_h5


def load(path, replicate):
    try:
        f = open_h5(path)
    except InputError as e:
        sys.exit(f"compare_scenarios: {e}")
    with f:
        a = f["annual"]
        pol = a["policies"]
        return {
            "path": path,
            "years": a["year"][:],
            "return_rate": a["return_rate"][replicate],
            "returned": a["returned_households"][replicate],
            "ever_returned": a["ever_returned_households"][replicate],
            "lifted": a["lifted_households"][replicate],
            "new_poor": a["edge/newly_poor_households"][replicate],
            "policies": [str(p) for p in pol.attrs["categories"]],
            "cost": pol["fiscal_cost"][replicate],  # [policies, years], yuan
            "seed": int(f.attrs["seed"]),
            "households": int(f.attrs["households"]),
        }


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("files", nargs="+")
    ap.add_argument("--replicate", type=int, default=0)
    args = ap.parse_args()
    runs = [load(p, args.replicate) for p in args.files]
    ref = runs[0]
    for r in runs[1:]:
        if r["seed"] != ref["seed"] or r["households"] != ref["households"]:
            print(f"warning: {r['path']} has another seed or population size than {ref['path']}: not paired",
                  file=sys.stderr)
    names = [r["path"].rsplit("/", 1)[-1].removesuffix(".h5") for r in runs]
    width = max(12, max(len(n) for n in names) + 1)
    print("Return-to-poverty rate, % of lifted households above the line the year before")
    print("year" + "".join(f"{n:>{width}}" for n in names))
    for y, year in enumerate(ref["years"]):
        print(f"{year:<4}" + "".join(f"{100 * r['return_rate'][y]:>{width}.2f}" for r in runs))
    print()
    print(f"{'':<34}" + "".join(f"{n:>{width}}" for n in names))
    rows = [
        ("returned at least once (%)", [100 * r["ever_returned"][-1] / r["lifted"][-1] for r in runs], ".2f"),
        ("returns, all years (households)", [r["returned"].sum() for r in runs], ",.0f"),
        ("ever returned (households)", [r["ever_returned"][-1] for r in runs], ",.0f"),
        ("newly poor edge, all years", [r["new_poor"].sum() for r in runs], ",.0f"),
        ("policy cost, all years (M yuan)", [r["cost"].sum() / 1e6 for r in runs], ",.1f"),
    ]
    for label, values, fmt in rows:
        print(f"{label:<34}" + "".join(f"{v:>{width}{fmt}}" for v in values))
    print()
    print(f"Against {names[0]} (paired): extra policy cost / household kept from ever returning")
    for n, r in zip(names[1:], runs[1:]):
        avoided = ref["ever_returned"][-1] - r["ever_returned"][-1]
        extra = r["cost"].sum() - ref["cost"].sum()
        per = f"{extra / avoided:,.0f} yuan" if avoided > 0 else "n/a (no household kept from returning)"
        print(f"  {n:<28} avoided {avoided:>10,.0f}  extra cost {extra / 1e6:>10,.1f} M yuan  -> {per}")
    print()
    print("Policy cost by policy, all years (M yuan)")
    policies = sorted({p for r in runs for p in r["policies"]}, key=lambda p: ref["policies"].index(p) if p in ref["policies"] else 99)
    print(f"{'':<28}" + "".join(f"{n:>{width}}" for n in names))
    for p in policies:
        vals = [r["cost"][r["policies"].index(p)].sum() / 1e6 if p in r["policies"] else float("nan") for r in runs]
        print(f"{p:<28}" + "".join(f"{v:>{width},.1f}" for v in vals))


if __name__ == "__main__":
    main()
