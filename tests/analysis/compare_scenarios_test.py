"""Tests of analysis/compare_scenarios.py and analysis/povsim_stats.py on files the real binary
writes (small populations: 4,000 households, 6 replicates, 2021-2026, about 2 s a run).

Run by ctest (tests/CMakeLists.txt sets POVSIM_BINARY and POVSIM_SOURCE_DIR)."""
import json
import os
import subprocess
import sys
import tempfile
import unittest

import numpy as np
from scipy import stats

SOURCE = os.environ.get("POVSIM_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
BINARY = os.environ.get("POVSIM_BINARY", os.path.join(SOURCE, "build", "povsim"))
SCRIPT = os.path.join(SOURCE, "analysis", "compare_scenarios.py")
sys.path.insert(0, os.path.join(SOURCE, "analysis"))
import compare_scenarios as compare_module  # noqa: E402
import povsim_stats  # noqa: E402

SMALL = ["--households", "4000", "--threads", "2", "--set", "replicates=6", "--set", "horizon.end=2026-12"]


def povsim(*args, cwd):
    subprocess.run([BINARY, *args], cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def compare(*args, cwd):
    return subprocess.run([sys.executable, SCRIPT, *args], cwd=cwd, capture_output=True, text=True)


class Labels(unittest.TestCase):
    def test_scenario_names_label_runs_and_file_stems_break_ties(self):
        runs = [{"name": n, "path": p} for n, p in
                [("baseline", "out/base.h5"), ("pension", "pens.h5"), ("baseline", "no_ew.h5"), ("baseline", "x/base.h5")]]
        compare_module.label_runs(runs)
        self.assertEqual([r["name"] for r in runs], ["base", "pension", "no_ew", "base (2)"])


class Stats(unittest.TestCase):
    def test_interval_is_students_t(self):
        x = np.array([1.0, 2.5, 2.0, 4.0, 3.1])
        s = povsim_stats.summarise(x)
        lo, hi = stats.t.interval(0.95, len(x) - 1, loc=x.mean(), scale=stats.sem(x))
        self.assertAlmostEqual(float(s["ci95_lower"]), lo, places=12)
        self.assertAlmostEqual(float(s["ci95_upper"]), hi, places=12)
        self.assertAlmostEqual(float(s["se"]), stats.sem(x), places=12)

    def test_one_replicate_has_no_interval(self):
        s = povsim_stats.summarise(np.array([[0.5, 0.7]]))
        self.assertTrue(np.all(np.isnan(s["ci95_lower"])))
        self.assertIn("no interval", povsim_stats.format_estimate({k: v[0] if k != "n" else v for k, v in s.items()}))

    def test_ratio_interval_covers_the_true_ratio(self):
        # 200 data sets of 10 replicates each, numerator = 3 x denominator + noise: the 95 % delta-method
        # interval should cover 3 in about 95 % of them (tolerance: 88 % to 99 %, seed fixed).
        rng = np.random.default_rng(7)
        covered = 0
        for _ in range(200):
            y = rng.normal(100, 10, 10)
            x = 3 * y + rng.normal(0, 20, 10)
            r = povsim_stats.ratio_interval(x, y)
            covered += r["ci95_lower"] <= 3 <= r["ci95_upper"]
        self.assertGreaterEqual(covered, 176)
        self.assertLessEqual(covered, 198)


class CompareScenarios(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        d = cls.dir = cls.tmp.name
        scen = os.path.join(SOURCE, "scenarios")
        povsim("run", os.path.join(scen, "baseline.yaml"), *SMALL, "--out", "base.h5", cwd=d)
        povsim("run", os.path.join(scen, "medical_assistance.yaml"), *SMALL, "--out", "ma.h5", cwd=d)
        povsim("run", os.path.join(scen, "medical_assistance.yaml"), *SMALL, "--seed", "99", "--out", "ma_seed99.h5", cwd=d)
        povsim("run", os.path.join(scen, "baseline.yaml"), "--households", "4000", "--set", "horizon.end=2025-12",
               "--out", "short.h5", cwd=d)
        povsim("population", "--households", "2000", "--out", "pop.h5", cwd=d)
        povsim("compare", os.path.join(scen, "baseline.yaml"), os.path.join(scen, "medical_assistance.yaml"), *SMALL,
               "--out", "cmp.h5", cwd=d)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def json_of(self, *files):
        p = compare(*files, "--json", cwd=self.dir)
        self.assertEqual(p.returncode, 0, p.stderr)
        return json.loads(p.stdout), p.stderr

    def test_every_replicate_enters_the_mean_and_interval(self):
        import h5py
        result, _ = self.json_of("base.h5", "ma.h5")
        with h5py.File(os.path.join(self.dir, "base.h5")) as f:
            rates = f["annual/return_rate"][:]
        self.assertEqual(rates.shape[0], 6)
        first = result["scenarios"][0]["return_rate"][0]
        self.assertEqual(first["replicates"], 6)
        self.assertAlmostEqual(first["mean"], rates[:, 0].mean(), places=12)
        lo, hi = stats.t.interval(0.95, 5, loc=rates[:, 0].mean(), scale=stats.sem(rates[:, 0]))
        self.assertAlmostEqual(first["ci95_lower"], lo, places=12)
        self.assertAlmostEqual(first["ci95_upper"], hi, places=12)

    def test_medical_assistance_keeps_households_with_an_interval_above_zero(self):
        result, err = self.json_of("base.h5", "ma.h5")
        self.assertEqual(err, "")
        ma = result["scenarios"][1]
        self.assertTrue(ma["paired"])
        self.assertGreater(ma["kept_per_1000"]["ci95_lower"], 0)
        self.assertGreater(ma["extra_cost"]["ci95_lower"], 0)
        self.assertGreater(ma["cost_per_household_kept"]["ci95_lower"], 0)

    def test_pairing_shrinks_the_interval_of_a_difference(self):
        paired, _ = self.json_of("base.h5", "ma.h5")
        unpaired, err = self.json_of("base.h5", "ma_seed99.h5")
        self.assertIn("unpaired", err)
        self.assertEqual(err.count("\n"), 1)
        self.assertFalse(unpaired["scenarios"][1]["paired"])
        width = lambda s: s["ci95_upper"] - s["ci95_lower"]  # noqa: E731
        self.assertLess(width(paired["scenarios"][1]["kept_per_1000"]),
                        width(unpaired["scenarios"][1]["kept_per_1000"]))
        self.assertIsNone(unpaired["scenarios"][1]["cost_per_household_kept"])

    def test_table_shows_intervals(self):
        p = compare("base.h5", "ma.h5", cwd=self.dir)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("95 % interval", p.stdout)
        self.assertIn("kept from ever returning", p.stdout)

    def assert_rejected(self, args, *needles):
        p = compare(*args, cwd=self.dir)
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertEqual(p.stdout, "")
        self.assertEqual(p.stderr.count("\n"), 1, p.stderr)
        self.assertNotIn("Traceback", p.stderr)
        for n in needles:
            self.assertIn(n, p.stderr)

    def test_missing_replicate_is_one_line(self):
        self.assert_rejected(["base.h5", "ma.h5", "--replicate", "6"], "base.h5", "replicate 6 does not exist")

    def test_other_horizon_is_one_line(self):
        self.assert_rejected(["base.h5", "short.h5"], "short.h5", "2021-2025", "horizon")

    def test_population_file_is_one_line(self):
        self.assert_rejected(["base.h5", "pop.h5"], "pop.h5", "not a povsim result file")

    def test_missing_file_is_one_line(self):
        self.assert_rejected(["base.h5", "nothing.h5"], "nothing.h5")

    def test_comparison_file_prints_its_own_estimates(self):
        import h5py
        result, err = self.json_of("cmp.h5")
        self.assertEqual(err, "")
        self.assertEqual([s["name"] for s in result["scenarios"]], ["baseline", "medical_assistance"])
        ma = result["scenarios"][1]
        with h5py.File(os.path.join(self.dir, "cmp.h5"), "r") as f:
            d = f["difference/cumulative_return_rate"]
            self.assertEqual(ma["kept_per_1000"]["mean"], -1000 * d["mean"][1, -1])
            self.assertEqual(ma["kept_per_1000"]["ci95_lower"], -1000 * d["ci95_upper"][1, -1])
            c = f["difference/cost_per_household_kept"]
            self.assertEqual(ma["cost_per_household_kept"]["ci95_upper"], c["ci95_upper"][1, -1])
            r = f["estimate/return_rate"]
            self.assertEqual([y["mean"] for y in ma["return_rate"]], list(r["mean"][1, :]))
        # The same as the separate runs of the two scenarios (same seed, households and replicates).
        separate, _ = self.json_of("base.h5", "ma.h5")
        for key in ("kept_per_1000", "extra_cost", "cost_per_household_kept"):
            for field in ("mean", "ci95_lower", "ci95_upper"):
                self.assertAlmostEqual(ma[key][field], separate["scenarios"][1][key][field],
                                       delta=1e-9 * max(1, abs(ma[key][field])))
        p = compare("cmp.h5", cwd=self.dir)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("medical_assistance (paired, 6 replicates)", p.stdout)

    def test_comparison_file_with_a_replicate(self):
        one, _ = self.json_of("cmp.h5", "--replicate", "2")
        self.assertEqual(one["scenarios"][1]["kept_per_1000"]["replicates"], 1)
        self.assert_rejected(["cmp.h5", "--replicate", "6"], "cmp.h5", "replicate 6 does not exist")

    def test_comparison_file_with_result_files_is_one_line(self):
        self.assert_rejected(["base.h5", "cmp.h5"], "cmp.h5", "give it alone")

    def test_help(self):
        p = compare("--help", cwd=self.dir)
        self.assertEqual(p.returncode, 0)
        self.assertIn("95 % interval", p.stdout)


if __name__ == "__main__":
    unittest.main()
