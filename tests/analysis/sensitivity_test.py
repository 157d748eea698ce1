"""Tests of analysis/povsim_sensitivity.py (the estimators, on functions with known answers) and of
analysis/sensitivity.py on small sweeps the real binary runs (2,000 households, 2021-2022).

Run by ctest (tests/CMakeLists.txt sets POVSIM_BINARY and POVSIM_SOURCE_DIR)."""
import json
import re
import os
import subprocess
import sys
import tempfile
import unittest

import numpy as np

SOURCE = os.environ.get("POVSIM_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
BINARY = os.environ.get("POVSIM_BINARY", os.path.join(SOURCE, "build", "povsim"))
SCRIPT = os.path.join(SOURCE, "analysis", "sensitivity.py")
sys.path.insert(0, os.path.join(SOURCE, "analysis"))
import povsim_sensitivity as sens  # noqa: E402


class Sobol(unittest.TestCase):
    def test_ishigami_indices_within_tolerance_and_inside_their_intervals(self):
        # N = 20,000 plain Monte Carlo rows, numpy seed 1. Tolerance 0.03: the bootstrap 95 %
        # intervals here are about 0.04 wide (so 0.03 is some three standard errors); seeds 0-4 all
        # fall within 0.027 of the analytic values.
        s1_true, st_true = sens.ishigami_indices()
        np.testing.assert_allclose(s1_true, [0.3139, 0.4424, 0.0], atol=5e-5)
        np.testing.assert_allclose(st_true, [0.5576, 0.4424, 0.2437], atol=5e-5)
        rng = np.random.default_rng(1)
        a, b, ab = sens.saltelli_sample(20000, 3, rng)
        f = lambda u: sens.ishigami(-np.pi + 2 * np.pi * u)  # noqa: E731
        r = sens.sobol_indices(f(a), f(b), np.array([f(ab[j]) for j in range(3)]), bootstrap=200, seed=2)
        np.testing.assert_allclose(r["S1"], s1_true, atol=0.03)
        np.testing.assert_allclose(r["ST"], st_true, atol=0.03)
        for key, truth in (("S1", s1_true), ("ST", st_true)):
            self.assertTrue(np.all(r[key + "_lower"] <= r[key]) and np.all(r[key] <= r[key + "_upper"]), key)
            self.assertTrue(np.all(r[key + "_lower"] - 0.005 <= truth) and np.all(truth <= r[key + "_upper"] + 0.005),
                            f"{key}: {truth} outside [{r[key + '_lower']}, {r[key + '_upper']}]")

    def test_first_order_and_total_differ_where_there_is_interaction(self):
        # x3 acts only through its interaction with x1: S1 about 0, ST about 0.24 (a swapped or
        # wrong estimator would not separate them).
        rng = np.random.default_rng(3)
        a, b, ab = sens.saltelli_sample(5000, 3, rng)
        f = lambda u: sens.ishigami(-np.pi + 2 * np.pi * u)  # noqa: E731
        r = sens.sobol_indices(f(a), f(b), np.array([f(ab[j]) for j in range(3)]), bootstrap=50)
        self.assertLess(abs(r["S1"][2]), 0.05)
        self.assertGreater(r["ST"][2], 0.18)

    def test_a_large_mean_does_not_change_the_estimates(self):
        # Outputs such as a fiscal cost in yuan have a mean far above their spread; the estimators
        # centre the outputs, so adding 1e9 changes nothing (uncentred, S1 would be noise).
        rng = np.random.default_rng(5)
        a, b, ab = sens.saltelli_sample(2000, 3, rng)
        f = lambda u: sens.ishigami(-np.pi + 2 * np.pi * u)  # noqa: E731
        ya, yb, yab = f(a), f(b), np.array([f(ab[j]) for j in range(3)])
        plain = sens.sobol_indices(ya, yb, yab, bootstrap=20)
        shifted = sens.sobol_indices(ya + 1e9, yb + 1e9, yab + 1e9, bootstrap=20)
        for key in ("S1", "ST", "S1_lower", "ST_upper"):
            np.testing.assert_allclose(shifted[key], plain[key], atol=1e-5, err_msg=key)

    def test_split_reads_the_design_codes(self):
        # Two base rows, k = 2: blocks A, AB_0, AB_1, B.
        y = np.arange(8.0)
        matrix = np.array([0, 2, 3, 1, 0, 2, 3, 1])
        base = np.array([0, 0, 0, 0, 1, 1, 1, 1])
        ya, yb, yab = sens.saltelli_split(y, matrix, base, 2)
        np.testing.assert_array_equal(ya, [0, 4])
        np.testing.assert_array_equal(yb, [3, 7])
        np.testing.assert_array_equal(yab, [[1, 5], [2, 6]])
        with self.assertRaises(ValueError):
            sens.saltelli_split(y[:7], matrix[:7], base[:7], 2)


class Morris(unittest.TestCase):
    def test_known_effects_and_ordering(self):
        # y = 10 u0 + 5 u1 + u2 + 0 u3 + 4 u0 u4: linear effects are exact (mu* = |coefficient|,
        # sigma = 0); u0 and u4 interact, so their effects vary between trajectories (sigma > 0).
        rng = np.random.default_rng(4)
        unit, traj, changed = sens.morris_sample(20, 5, 4, rng)
        y = 10 * unit[:, 0] + 5 * unit[:, 1] + unit[:, 2] + 4 * unit[:, 0] * unit[:, 4]
        m = sens.morris_measures(sens.elementary_effects(y, unit, traj, changed))
        np.testing.assert_allclose(m["mu_star"][[1, 2, 3]], [5, 1, 0], atol=1e-9)
        np.testing.assert_allclose(m["sigma"][[1, 2, 3]], [0, 0, 0], atol=1e-9)
        self.assertEqual(list(np.argsort(-m["mu_star"])[:3]), [0, 1, 4])
        self.assertGreater(m["sigma"][0], 0.1)
        self.assertGreater(m["sigma"][4], 0.1)


def write(path, text):
    with open(path, "w") as f:
        f.write(text)
    return path


def sweep_yaml(design, extra):
    baseline = os.path.join(SOURCE, "scenarios", "baseline.yaml")
    return f"""scenario: {baseline}
set:
  population.households: 2000
  horizon.end: 2022-12
design: {design}
{extra}
seed: 5
parameters:
  - path: shocks.illness.reimbursement_rate
    range: [0.3, 0.8]
  - path: processes.income.wage_growth
    range: [0.02, 0.14]
  - path: shocks.job_loss.monthly_hazard_local
    range: [0.005, 0.03]
outputs: [return_rate, final_cumulative_return_rate, total_fiscal_cost]
"""


def run(*args, cwd):
    return subprocess.run(list(args), cwd=cwd, capture_output=True, text=True)


class EndToEnd(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.TemporaryDirectory()
        d = cls.dir.name
        for name, design, extra in (("sobol", "saltelli", "samples: 6"), ("morris", "morris", "samples: 4\nlevels: 4"),
                                    ("lhs", "latin_hypercube", "samples: 4")):
            write(os.path.join(d, name + ".yaml"), sweep_yaml(design, extra))
            p = run(BINARY, "sweep", name + ".yaml", "--out", name + ".h5", "--threads", "2", "--quiet", cwd=d)
            assert p.returncode == 0, p.stderr

    @classmethod
    def tearDownClass(cls):
        cls.dir.cleanup()

    def script(self, *args):
        return run(sys.executable, SCRIPT, *args, cwd=self.dir.name)

    def test_sobol_json_and_chart(self):
        p = self.script("sobol.h5", "--json", "--png", "sobol.png", "--bootstrap", "100")
        self.assertEqual(p.returncode, 0, p.stderr)
        doc = json.loads(p.stdout)
        self.assertEqual(doc["measure"], "sobol")
        self.assertEqual(doc["points"], 6 * (3 + 2))
        self.assertEqual(list(doc["parameters"]), ["shocks.illness.reimbursement_rate", "processes.income.wage_growth",
                                                   "shocks.job_loss.monthly_hazard_local"])
        for v in doc["parameters"].values():
            for key in ("S1", "S1_lower", "S1_upper", "ST", "ST_lower", "ST_upper"):
                self.assertIsNotNone(v[key], key)
            self.assertLessEqual(v["ST_lower"], v["ST_upper"])
        self.assertGreater(os.path.getsize(os.path.join(self.dir.name, "sobol.png")), 1000)
        table = self.script("sobol.h5", "--output", "return_rate", "--year", "2021", "--bootstrap", "50")
        self.assertEqual(table.returncode, 0, table.stderr)
        self.assertIn("return_rate 2021", table.stdout)

    def test_morris_measures(self):
        p = self.script("morris.h5", "--json", "--output", "total_fiscal_cost")
        self.assertEqual(p.returncode, 0, p.stderr)
        doc = json.loads(p.stdout)
        self.assertEqual(doc["measure"], "morris")
        self.assertEqual(doc["points"], 4 * (3 + 1))
        for v in doc["parameters"].values():
            self.assertGreaterEqual(v["mu_star"], 0)

    def test_report_has_a_sensitivity_page(self):
        report = os.path.join(SOURCE, "analysis", "report.py")
        for name, header in (("sobol", "S1 [95 % interval]"), ("morris", "mu*"), ("lhs", "mean over points")):
            p = run(sys.executable, report, name + ".h5", "--html", name + ".html", cwd=self.dir.name)
            self.assertEqual(p.returncode, 0, p.stderr)
            with open(os.path.join(self.dir.name, name + ".html"), encoding="utf-8") as f:
                page = f.read()
            self.assertIn(header, page)
            self.assertIn("shocks.illness.reimbursement_rate", page)
            charts = re.findall(r'<img id="chart-([a-z_]+)"', page)
            expected = [] if name == "lhs" else ["sensitivity_return_rate", "sensitivity_final_cumulative_return_rate",
                                                 "sensitivity_total_fiscal_cost"]
            self.assertEqual(charts, expected)
        # The page's indices are sensitivity.py's (same bootstrap seed).
        doc = json.loads(self.script("sobol.h5", "--json").stdout)
        s1 = doc["parameters"]["shocks.illness.reimbursement_rate"]["S1"]
        with open(os.path.join(self.dir.name, "sobol.html"), encoding="utf-8") as f:
            self.assertIn(f"<td>{s1:.3f} [", f.read())
        mixed = run(sys.executable, report, "sobol.h5", "morris.h5", "--html", "x.html", cwd=self.dir.name)
        self.assertEqual(mixed.returncode, 2)
        self.assertIn("give it alone", mixed.stderr)

    def test_one_line_errors(self):
        cases = [
            (("lhs.h5",), "the design is latin_hypercube"),
            (("morris.h5", "--measure", "sobol"), "needs a saltelli sweep"),
            (("sobol.h5", "--output", "nope"), "no output 'nope'"),
            (("sobol.h5", "--output", "return_rate", "--year", "1999"), "no year 1999"),
            (("sobol.h5", "--year", "2021"), "has no year axis"),
            (("sobol.yaml",), "not an HDF5 file"),
            (("missing.h5",), "no such file"),
        ]
        for args, message in cases:
            p = self.script(*args)
            self.assertEqual(p.returncode, 2, args)
            self.assertIn(message, p.stderr, args)
            self.assertEqual(len(p.stderr.strip().splitlines()), 1, p.stderr)
        self.assertEqual(self.script("--help").returncode, 0)


if __name__ == "__main__":
    unittest.main()
