"""Variance-based and screening sensitivity estimators, importable and free of file handling.

Sobol indices from Saltelli's matrices (a sweep with design: saltelli):
  A, B: N x k independent samples; AB_j: A with column j taken from B; yA, yB, yAB_j the outputs.
  V    = variance of all 2N outputs of A and B (Saltelli et al. 2010, section 4); the outputs are
         centred on their mean over A and B first (the estimates' expectations do not change; their
         noise falls when the mean is large against the spread)
  S1_j = mean(yB * (yAB_j - yA)) / V                 (Saltelli et al. 2010, table 2, formula b)
  ST_j = mean((yA - yAB_j)^2) / (2 V)                (Jansen 1999; Saltelli et al. 2010, table 2, f)
Intervals: percentile bootstrap over the N base rows (each replicate resamples rows i with
replacement and recomputes both indices from the same rows, V included).

Morris elementary effects (a sweep with design: morris): along each trajectory, parameter j moves by
+-delta on the unit scale; EE_j = (y_after - y_before) / (u_after_j - u_before_j), one per
trajectory. mu* = mean |EE_j| (Campolongo et al. 2007), mu = mean EE_j, sigma = standard deviation
of EE_j over trajectories (Morris 1991; ddof = 1). Effects are per unit of the unit cube, i.e. per
whole range of the parameter, so they compare across parameters.

References: Saltelli A. et al. (2010) Variance based sensitivity analysis of model output. Design
and estimator for the total sensitivity index. Comput. Phys. Commun. 181, 259-270. Jansen M.J.W.
(1999) Analysis of variance designs for model output. Comput. Phys. Commun. 117, 35-43. Morris M.D.
(1991) Factorial sampling plans for preliminary computational experiments. Technometrics 33,
161-174. Campolongo F., Cariboni J., Saltelli A. (2007) An effective screening design for
sensitivity analysis of large models. Environ. Model. Softw. 22, 1509-1518.
"""
import numpy as np

# Bootstrap replicates for the Sobol intervals; judgement: 1,000 gives percentile ends stable to
# about a tenth of the interval's width.
BOOTSTRAP = 1000


def _first_and_total(ya, yb, yab):
    """S1 and ST (arrays of k) from yA, yB [N] and yAB [k, N]; NaN where the variance is 0."""
    both = np.concatenate([ya, yb])
    v = np.var(both, ddof=0)
    # Centred first: the estimators' expectations do not change, but a mean large against the
    # spread (a fiscal cost in yuan) otherwise swamps S1's product yB (yAB - yA) with noise.
    # SALib standardises its outputs for the same reason.
    centre = both.mean()
    ya, yb, yab = ya - centre, yb - centre, yab - centre
    if not v > 0:
        nan = np.full(yab.shape[0], np.nan)
        return nan, nan
    s1 = np.mean(yb[None, :] * (yab - ya[None, :]), axis=1) / v
    st = 0.5 * np.mean((ya[None, :] - yab) ** 2, axis=1) / v
    return s1, st


def sobol_indices(ya, yb, yab, bootstrap=BOOTSTRAP, seed=0, level=0.95):
    """First-order and total Sobol indices with percentile-bootstrap intervals.

    ya, yb: arrays [N]; yab: array [k, N] (row j: the outputs of AB_j). Returns a dict of arrays [k]:
    S1, S1_lower, S1_upper, ST, ST_lower, ST_upper (the interval at `level`, resampling base rows
    with a numpy Generator seeded by `seed`, so the intervals are reproducible)."""
    ya, yb, yab = np.asarray(ya, float), np.asarray(yb, float), np.asarray(yab, float)
    if ya.ndim != 1 or yb.shape != ya.shape or yab.ndim != 2 or yab.shape[1] != ya.shape[0]:
        raise ValueError("expected yA [N], yB [N] and yAB [k, N]")
    s1, st = _first_and_total(ya, yb, yab)
    out = {"S1": s1, "ST": st}
    n = ya.shape[0]
    rng = np.random.default_rng(seed)
    s1_b = np.empty((bootstrap, yab.shape[0]))
    st_b = np.empty((bootstrap, yab.shape[0]))
    for b in range(bootstrap):
        i = rng.integers(0, n, n)
        s1_b[b], st_b[b] = _first_and_total(ya[i], yb[i], yab[:, i])
    tail = 100 * (1 - level) / 2
    for name, draws in (("S1", s1_b), ("ST", st_b)):
        with np.errstate(invalid="ignore"):
            out[name + "_lower"] = np.nanpercentile(draws, tail, axis=0) if np.isfinite(draws).any() else np.full(draws.shape[1], np.nan)
            out[name + "_upper"] = np.nanpercentile(draws, 100 - tail, axis=0) if np.isfinite(draws).any() else np.full(draws.shape[1], np.nan)
    return out


def saltelli_split(y, matrix, base_row, k):
    """yA [N], yB [N], yAB [k, N] from the outputs y [P] of a saltelli sweep, given each point's matrix
    code (0: A, 1: B, 2 + j: AB_j) and base row (the sweep file's /design/matrix and base_row)."""
    y, matrix, base_row = np.asarray(y, float), np.asarray(matrix), np.asarray(base_row)
    n = int(base_row.max()) + 1
    ya, yb, yab = np.full(n, np.nan), np.full(n, np.nan), np.full((k, n), np.nan)
    ya[base_row[matrix == 0]] = y[matrix == 0]
    yb[base_row[matrix == 1]] = y[matrix == 1]
    for j in range(k):
        sel = matrix == 2 + j
        yab[j, base_row[sel]] = y[sel]
    if np.isnan(ya).any() or np.isnan(yb).any() or np.isnan(yab).any():
        raise ValueError("incomplete Saltelli design: every base row needs A, B and each AB_j")
    return ya, yb, yab


def elementary_effects(y, unit, trajectory, changed):
    """Elementary effects [r, k] from the outputs y [P] of a morris sweep: unit [P, k] the points'
    unit coordinates, trajectory [P] and changed [P] (the parameter moved from the previous point of
    the same trajectory, -1 for a trajectory's first point)."""
    y, unit = np.asarray(y, float), np.asarray(unit, float)
    trajectory, changed = np.asarray(trajectory), np.asarray(changed)
    r, k = int(trajectory.max()) + 1, unit.shape[1]
    ee = np.full((r, k), np.nan)
    for p in range(1, len(y)):
        j = changed[p]
        if j < 0 or trajectory[p] != trajectory[p - 1]:
            continue
        step = unit[p, j] - unit[p - 1, j]
        ee[trajectory[p], j] = (y[p] - y[p - 1]) / step
    return ee


def morris_measures(ee):
    """mu* (Campolongo 2007), mu and sigma (ddof 1) per parameter from elementary effects [r, k]."""
    ee = np.asarray(ee, float)
    return {"mu_star": np.nanmean(np.abs(ee), axis=0), "mu": np.nanmean(ee, axis=0),
            "sigma": np.nanstd(ee, axis=0, ddof=1) if ee.shape[0] > 1 else np.full(ee.shape[1], np.nan)}


# Test functions with known answers.

def ishigami(x, a=7.0, b=0.1):
    """Ishigami & Homma (1990) on x [n, 3] in [-pi, pi]^3."""
    return np.sin(x[:, 0]) + a * np.sin(x[:, 1]) ** 2 + b * x[:, 2] ** 4 * np.sin(x[:, 0])


def ishigami_indices(a=7.0, b=0.1):
    """The analytic first-order and total indices of the Ishigami function (S1, ST; arrays of 3)."""
    v1 = 0.5 * (1 + b * np.pi ** 4 / 5) ** 2
    v2 = a ** 2 / 8
    v13 = b ** 2 * np.pi ** 8 * (1 / 18 - 1 / 50)
    v = v1 + v2 + v13
    return np.array([v1, v2, 0.0]) / v, np.array([v1 + v13, v2, v13]) / v


def saltelli_sample(n, k, rng):
    """Unit-cube A, B [n, k] and AB [k, n, k] (plain Monte Carlo, as povsim sweep draws them)."""
    a, b = rng.random((n, k)), rng.random((n, k))
    ab = np.repeat(a[None, :, :], k, axis=0)
    for j in range(k):
        ab[j, :, j] = b[:, j]
    return a, b, ab


def morris_sample(r, k, levels, rng):
    """Unit-cube Morris trajectories as povsim sweep builds them: unit [r (k + 1), k], trajectory and
    changed [r (k + 1)]."""
    delta = levels / (2 * (levels - 1))
    unit, traj, changed = [], [], []
    for t in range(r):
        direction = rng.choice([-1, 1], k)
        x = rng.integers(0, levels // 2, k) / (levels - 1) + np.where(direction < 0, delta, 0.0)
        order = rng.permutation(k)
        unit.append(x.copy()), traj.append(t), changed.append(-1)
        for j in order:
            x[j] += direction[j] * delta
            unit.append(x.copy()), traj.append(t), changed.append(j)
    return np.array(unit), np.array(traj), np.array(changed)
