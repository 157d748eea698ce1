"""Estimates across replicates with their uncertainty, shared by the analysis scripts.

Every estimate is the mean over R replicates with its standard error (sample sd / sqrt(R)) and a
95 % interval from Student's t with R - 1 degrees of freedom (replicates are independent draws of
the shocks given the population; see docs/output.md, "Which noise an interval covers"). With one
replicate the standard error and the interval are NaN: there is nothing to estimate them from, and
printing a zero-width interval would claim a precision the run does not have.
"""
import math

import numpy as np
from scipy import stats


def summarise(values, axis=0):
    """dict(mean, se, ci95_lower, ci95_upper, n) of values along axis (the replicate axis)."""
    v = np.asarray(values, dtype=float)
    n = v.shape[axis]
    mean = v.mean(axis=axis)
    if n < 2:
        nan = np.full_like(mean, np.nan, dtype=float)
        return {"mean": mean, "se": nan, "ci95_lower": nan, "ci95_upper": nan, "n": n}
    se = v.std(axis=axis, ddof=1) / math.sqrt(n)
    half = stats.t.ppf(0.975, n - 1) * se
    return {"mean": mean, "se": se, "ci95_lower": mean - half, "ci95_upper": mean + half, "n": n}


def paired_difference(alternative, base, axis=0):
    """summarise(alternative - base): the two arrays hold the same replicates (same seeds, same
    population), so their shared noise cancels and the interval of the difference is the paired one."""
    return summarise(np.asarray(alternative, dtype=float) - np.asarray(base, dtype=float), axis=axis)


def ratio_interval(numerators, denominators):
    """Ratio of means (sum numerator / sum denominator over replicates) with a delta-method standard
    error and a t interval; NaN where the denominator's mean is not positive or R < 2."""
    x = np.asarray(numerators, dtype=float)
    y = np.asarray(denominators, dtype=float)
    n = x.shape[0]
    mx, my = x.mean(), y.mean()
    if my <= 0:
        return {"mean": math.nan, "se": math.nan, "ci95_lower": math.nan, "ci95_upper": math.nan, "n": n}
    r = mx / my
    if n < 2:
        return {"mean": r, "se": math.nan, "ci95_lower": math.nan, "ci95_upper": math.nan, "n": n}
    # Var(mean(x)/mean(y)) ~ Var(mean(x - r y)) / my^2 (first-order delta method)
    se = (x - r * y).std(ddof=1) / math.sqrt(n) / my
    half = stats.t.ppf(0.975, n - 1) * se
    return {"mean": r, "se": se, "ci95_lower": r - half, "ci95_upper": r + half, "n": n}


def format_estimate(s, scale=1.0, fmt=".2f"):
    """'mean [lower, upper]' in the given number format; 'mean (1 replicate: no interval)' when R = 1."""
    mean = float(s["mean"]) * scale
    if not math.isfinite(float(s["ci95_lower"])):
        return f"{mean:{fmt}}" if s["n"] >= 2 else f"{mean:{fmt}} (no interval)"
    return f"{mean:{fmt}} [{float(s['ci95_lower']) * scale:{fmt}}, {float(s['ci95_upper']) * scale:{fmt}}]"


def to_json(s):
    """A JSON-ready dict of scalars (NaN becomes None)."""
    def clean(x):
        x = float(x)
        return x if math.isfinite(x) else None
    return {"mean": clean(s["mean"]), "se": clean(s["se"]), "ci95_lower": clean(s["ci95_lower"]),
            "ci95_upper": clean(s["ci95_upper"]), "replicates": int(s["n"])}
