"""Tests of analysis/report.py (the self-contained HTML report) on files the real binary writes
(small populations: 4,000 households, 6 replicates, 2021-2026, about 1 s a run; the test takes
about 30 s, most of it drawing the figures).

Run by ctest (tests/CMakeLists.txt sets POVSIM_BINARY and POVSIM_SOURCE_DIR)."""
import base64
import os
import re
import subprocess
import sys
import tempfile
import unittest

SOURCE = os.environ.get("POVSIM_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
BINARY = os.environ.get("POVSIM_BINARY", os.path.join(SOURCE, "build", "povsim"))
SCRIPT = os.path.join(SOURCE, "analysis", "report.py")
sys.path.insert(0, os.path.join(SOURCE, "analysis"))
import compare_scenarios  # noqa: E402
import report  # noqa: E402
from povsim_stats import format_estimate  # noqa: E402

SMALL = ["--households", "4000", "--threads", "2", "--set", "replicates=6", "--set", "horizon.end=2026-12"]
CHARTS = ["cumulative_return_rate", "difference_from_base", "cost_effectiveness", "returns_by_cause",
          "returns_by_region_type", "monitoring", "policies", "poverty_line_schedule"]
SECTIONS = ["Runs", "Cumulative return rate", "Difference from the base", "Cost-effectiveness", "Returns by cause",
            "Returns by region type", "Monitoring and early warning", "Beneficiaries and fiscal cost per policy",
            "Poverty line and policy schedule", "Numbers"]


def povsim(*args, cwd):
    subprocess.run([BINARY, *args], cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def run_report(*args, cwd):
    return subprocess.run([sys.executable, SCRIPT, *args], cwd=cwd, capture_output=True, text=True)


class Report(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        d = cls.dir = cls.tmp.name
        scen = os.path.join(SOURCE, "scenarios")
        base = os.path.join(scen, "baseline.yaml")
        povsim("run", base, *SMALL, "--out", "base.h5", cwd=d)
        povsim("run", os.path.join(scen, "medical_assistance.yaml"), *SMALL, "--out", "ma.h5", cwd=d)
        povsim("run", base, *SMALL, "--set", "policies.early_warning.enabled=false", "--out", "no_ew.h5", cwd=d)
        povsim("run", base, "--households", "4000", "--threads", "2", "--set", "replicates=1",
               "--set", "horizon.end=2026-12", "--out", "one.h5", cwd=d)
        povsim("run", base, "--households", "4000", "--threads", "2", "--set", "replicates=2",
               "--set", "horizon.end=2025-12", "--out", "short.h5", cwd=d)
        povsim("population", "--households", "2000", "--out", "pop.h5", cwd=d)
        # The same two scenarios as base.h5 and ma.h5, in one comparison file (povsim compare).
        povsim("compare", base, os.path.join(scen, "medical_assistance.yaml"), *SMALL, "--out", "cmp.h5", cwd=d)
        os.mkdir(os.path.join(d, "out"))
        os.mkdir(os.path.join(d, "charts"))
        cls.main = run_report("base.h5", "ma.h5", "no_ew.h5", "--html", "out/report.html", "--title", "Test report",
                              "--png-dir", "charts", cwd=d)
        cls.page = read(os.path.join(d, "out", "report.html")) if cls.main.returncode == 0 else ""
        cls.single = run_report("one.h5", "--html", "one.html", cwd=d)
        cls.cmp = run_report("cmp.h5", "--html", "cmp.html", cwd=d)
        cls.cmp_page = read(os.path.join(d, "cmp.html")) if cls.cmp.returncode == 0 else ""

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_page_written(self):
        self.assertEqual(self.main.returncode, 0, self.main.stderr)
        self.assertEqual(self.main.stderr, "")
        self.assertIn("wrote out/report.html", self.main.stdout)
        self.assertTrue(self.page.startswith("<!DOCTYPE html>"))
        self.assertIn("<title>Test report</title>", self.page)
        self.assertEqual([f for f in os.listdir(os.path.join(self.dir, "out"))], ["report.html"])   # no temp file left

    def test_page_is_self_contained(self):
        self.assertNotIn("http://", self.page)
        self.assertNotIn("https://", self.page)
        self.assertNotIn("<link", self.page)
        self.assertNotIn("<script", self.page)
        self.assertNotIn("url(", self.page)
        sources = re.findall(r'src="([^"]*)"', self.page)
        self.assertTrue(sources)
        for s in sources:
            self.assertTrue(s.startswith("data:image/png;base64,"), s[:60])

    def test_every_section_has_its_heading_and_images(self):
        for h in SECTIONS:
            self.assertIn(f"<h2>{h}</h2>", self.page)
        images = re.findall(r'src="data:image/png;base64,([^"]*)"', self.page)
        self.assertEqual(len(images), 8)   # cumulative, differences, cost-effectiveness, cause, region, monitoring, policies, line
        for data in images:
            self.assertTrue(base64.b64decode(data).startswith(b"\x89PNG\r\n\x1a\n"))
        sections = self.page.split("<h2>")
        for h in SECTIONS[1:-1]:
            section = next(s for s in sections if s.startswith(h + "</h2>"))
            self.assertIn("<img", section, h)

    def test_charts_are_named_and_saved_with_png_dir(self):
        ids = re.findall(r'<img id="chart-([a-z_]+)"', self.page)
        self.assertEqual(ids, CHARTS)
        self.assertEqual(sorted(os.listdir(os.path.join(self.dir, "charts"))), sorted(c + ".png" for c in CHARTS))

    def test_states_the_noise_and_the_replicates(self):
        self.assertIn("Which noise an interval covers", self.page)
        self.assertIn("share one initial population", self.page)
        self.assertIn("Replicates: base: 6, medical_assistance: 6, no_ew: 6.", self.page)
        self.assertNotIn("no interval", self.page)

    def test_numbers_are_compare_scenarios_estimates(self):
        runs = [compare_scenarios.load(os.path.join(self.dir, f), None) for f in ("base.h5", "ma.h5", "no_ew.h5")]
        result = compare_scenarios.compare(runs)
        ma = result["scenarios"][1]
        self.assertTrue(ma["paired"])
        self.assertIn(format_estimate(ma["kept_per_1000"], 1, ".2f"), self.page)
        self.assertIn(format_estimate(ma["cost_per_household_kept"], 1, ",.0f"), self.page)
        self.assertIn(format_estimate(ma["extra_cost"], 1e-9, ",.2f"), self.page)
        self.assertIn(format_estimate(result["scenarios"][0]["fiscal_cost"], 1e-9, ",.2f"), self.page)

    def test_monitoring_skips_censored_years_and_says_when_disabled(self):
        self.assertIn("early-warning precision, warnings of 2024 (%)", self.page)
        self.assertIn("early-warning recall, warnings of 2021 (%)", self.page)
        self.assertNotIn("warnings of 2025", self.page)
        self.assertNotIn("warnings of 2026", self.page)
        self.assertIn("no_ew: early warning is disabled", self.page)
        self.assertNotIn("base: early warning is disabled", self.page)

    def test_by_cause_region_and_policies(self):
        for c in ("illness", "disaster", "job_loss", "ageing"):
            self.assertIn(f"returns caused by {c} over the horizon", self.page)
        for g in ("plateau", "transition_belt", "karst", "other"):
            self.assertIn(f"returned at least once by 2026, {g} (%)", self.page)
        for p in ("medical_assistance", "dibao", "rural_pension"):
            self.assertIn(f"{p}: beneficiaries (thousand households per year)", self.page)
            self.assertIn(f"{p}: fiscal cost over the horizon (bn yuan)", self.page)

    def test_schedule_changes_are_listed(self):
        # baseline: rural pension 93 -> 103 in 2023-01, public-welfare posts cut to 0.7 in 2026-01, 0.5 after the horizon
        self.assertRegex(self.page, r"2023-01</td><td>policies\.rural_pension\.monthly_amount</td><td>93 \u2192 103</td>"
                                    r"<td>in the horizon")
        self.assertRegex(self.page, r"2026-01</td><td>policies\.public_welfare_posts\.levels</td><td>0\.7</td>"
                                    r"<td>in the horizon")
        self.assertRegex(self.page, r"2028-01</td><td>policies\.public_welfare_posts\.levels</td><td>0\.7 \u2192 0\.5"
                                    r"</td><td>after the horizon")
        self.assertNotIn("policies.early_warning", self.page)   # no schedule there

    def test_one_replicate_has_no_interval(self):
        self.assertEqual(self.single.returncode, 0, self.single.stderr)
        page = read(os.path.join(self.dir, "one.html"))
        self.assertIn("With one replicate there is no interval", page)
        self.assertIn("(no interval)", page)
        self.assertNotIn("[", re.sub(r"<style>.*?</style>", "", page, flags=re.S).split("<h2>Numbers</h2>")[1]
                         .split("</table>")[0])
        self.assertIn("One file: there is nothing to compare with the base.", page)

    def assert_rejected(self, args, out, *needles):
        p = run_report(*args, "--html", out, cwd=self.dir)
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertEqual(p.stdout, "")
        self.assertEqual(p.stderr.count("\n"), 1, p.stderr)
        self.assertTrue(p.stderr.startswith("report: "), p.stderr)
        self.assertNotIn("Traceback", p.stderr)
        for n in needles:
            self.assertIn(n, p.stderr)
        self.assertFalse(os.path.exists(os.path.join(self.dir, out)) and not os.path.isdir(os.path.join(self.dir, out)))
        self.assertFalse([f for f in os.listdir(self.dir) if f.startswith(".povsim-")])   # no temporary file left

    def test_missing_file(self):
        self.assert_rejected(["base.h5", "nothing.h5"], "bad1.html", "nothing.h5", "no such file")

    def test_population_file_is_not_a_result(self):
        self.assert_rejected(["base.h5", "pop.h5"], "bad2.html", "pop.h5", "not a povsim result file")

    def test_other_horizon(self):
        self.assert_rejected(["base.h5", "short.h5"], "bad3.html", "short.h5", "2021-2025", "horizon")

    def test_unwritable_html_path(self):
        self.assert_rejected(["base.h5"], "no/such/folder/r.html", "cannot write", "no/such/folder/r.html")
        self.assert_rejected(["base.h5"], "out", "cannot write", "directory")
        self.assert_rejected(["base.h5", "--png-dir", "no_such_folder"], "bad4.html", "no_such_folder")

    def test_comparison_file_gives_the_same_page(self):
        self.assertEqual(self.cmp.returncode, 0, self.cmp.stderr)
        self.assertEqual(self.cmp.stderr, "")
        page = self.cmp_page
        self.assertIn("From one comparison file", page)
        self.assertEqual(re.findall(r'<img id="chart-([a-z_]+)"', page), CHARTS)
        for h in SECTIONS:
            self.assertIn(f"<h2>{h}</h2>", page)
        self.assertIn("Replicates: baseline: 6, medical_assistance: 6.", page)
        for needle in ("returns caused by illness over the horizon", "returned at least once by 2026, karst (%)",
                       "early-warning precision, warnings of 2024 (%)", "medical_assistance: fiscal cost over the horizon",
                       "policies.rural_pension.monthly_amount"):
            self.assertIn(needle, page)
        self.assertNotIn("not in comparison files", page)

    def test_comparison_page_numbers_are_the_files_estimates(self):
        import h5py
        with h5py.File(os.path.join(self.dir, "cmp.h5"), "r") as f:
            def at(name, k, y=-1, scale=1.0):
                g = f[name]
                lo, hi = g["ci95_lower"][k, y] * scale, g["ci95_upper"][k, y] * scale
                return {"mean": g["mean"][k, y] * scale, "ci95_lower": min(lo, hi), "ci95_upper": max(lo, hi), "n": 6}
            years = list(f["year"][:])
            expected = [
                format_estimate(at("difference/cumulative_return_rate", 1, -1, -1000), 1, ".2f"),   # kept per 1,000
                format_estimate(at("difference/cost_per_household_kept", 1), 1, ",.0f"),
                format_estimate(at("difference/cumulative_fiscal_cost", 1), 1e-9, ",.2f"),
                format_estimate(at("estimate/cumulative_fiscal_cost", 0), 1e-9, ",.2f"),
                format_estimate(at("estimate/cumulative_fiscal_cost", 1), 1e-9, ",.2f"),
            ]
            for y in range(len(years)):
                expected.append(format_estimate(at("estimate/return_rate", 1, y), 100, ".3f"))
                expected.append(format_estimate(at("estimate/cumulative_return_rate", 0, y), 100, ".3f"))
                expected.append(format_estimate(at("difference/return_rate", 1, y), 100, ".3f"))
                expected.append(format_estimate(at("difference/cumulative_return_rate", 1, y), 100, ".3f"))
            numbers = self.cmp_page.split("<h2>Numbers</h2>")[1]
            for e in expected:
                self.assertIn(e, numbers)
            # The file's estimates are those of its own per-scenario results (/runs), which are the
            # separate runs' (same seed, households and replicates): the three agree.
            runs, _ = compare_scenarios.load_comparison(os.path.join(self.dir, "cmp.h5"), None)
            recomputed = compare_scenarios.compare(runs)["scenarios"][1]
            separate = compare_scenarios.compare([compare_scenarios.load(os.path.join(self.dir, n), None)
                                                  for n in ("base.h5", "ma.h5")])["scenarios"][1]
            for key, name, scale in (("kept_per_1000", "difference/cumulative_return_rate", -1000),
                                     ("extra_cost", "difference/cumulative_fiscal_cost", 1),
                                     ("cost_per_household_kept", "difference/cost_per_household_kept", 1)):
                for field in ("mean", "ci95_lower", "ci95_upper"):
                    want = float(at(name, 1, -1, scale)[field])
                    self.assertAlmostEqual(float(recomputed[key][field]), want, delta=1e-9 * max(1, abs(want)))
                    self.assertAlmostEqual(float(separate[key][field]), want, delta=1e-9 * max(1, abs(want)))

    def test_comparison_file_is_reported_alone(self):
        self.assert_rejected(["base.h5", "cmp.h5"], "bad5.html", "cmp.h5", "give it alone")

    def test_comparison_file_of_format_1_is_refused(self):
        import h5py
        with h5py.File(os.path.join(self.dir, "old_cmp.h5"), "w") as f:
            f.attrs["format"] = "povsim-comparison 1 (docs/output.md)"
            f["scenario"] = [b"baseline", b"x"]
            f["year"] = [2021]
        self.assert_rejected(["old_cmp.h5"], "bad6.html", "old_cmp.h5", "older format", "rerun povsim compare")

    def test_help(self):
        p = run_report("--help", cwd=self.dir)
        self.assertEqual(p.returncode, 0)
        self.assertIn("--html", p.stdout)
        self.assertIn("95 % interval", p.stdout)


class ScenarioYaml(unittest.TestCase):
    TEXT = ("horizon:\n  start: 2021-01\n  end: 2026-12\nprocesses:\n  market:\n    expansion:\n      {}\n"
            "    elasticity: 1.5\npopulation:\n  weights:\n    - 0.1\n    - 0.9\npolicies:\n"
            "  posts:\n    enabled: true\n    levels:\n      2021-01: 1\n      2024-01: 0.7\n      2025-01: 0.7\n"
            "  off:\n    enabled: false\n    levels:\n      2023-01: 2\n")

    def test_subset_parser(self):
        tree = report.parse_yaml(self.TEXT)
        self.assertEqual(tree["horizon"], {"start": "2021-01", "end": "2026-12"})
        self.assertEqual(tree["processes"]["market"], {"expansion": {}, "elasticity": "1.5"})
        self.assertEqual(tree["population"]["weights"], ["0.1", "0.9"])

    def test_changes_skip_disabled_models_and_repeated_values(self):
        start, end, changes = report.schedule_changes(self.TEXT)
        self.assertEqual((start, end), ("2021-01", "2026-12"))
        self.assertEqual(changes, [("2021-01", "policies.posts.levels", "1", None),
                                   ("2024-01", "policies.posts.levels", "0.7", "1")])

    def test_scalars_stay_text_and_quoted_text_is_read_whole(self):
        tree = report.parse_yaml('name: x\ndescription: "a # b\\nc"\npolicies:\n  p:\n    enabled: true\n'
                                 '    levels:\n      2021-01: 0.50\n      2024: 1\n    empty: {}\n')
        self.assertEqual(tree["description"], "a # b\nc")
        self.assertEqual(tree["policies"]["p"], {"enabled": "true", "levels": {"2021-01": "0.50", "2024": "1"}, "empty": {}})


class TimeAxis(unittest.TestCase):
    def test_dates_fall_after_the_previous_december(self):
        self.assertAlmostEqual(report.date_x("2026-01"), 2025 + 1 / 12)
        self.assertAlmostEqual(report.date_x("2026-12"), 2026)


if __name__ == "__main__":
    unittest.main()
