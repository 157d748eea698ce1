"""Tests of what other tools read (issue 12): `povsim run --json`, the dimension scales of the run
result file as h5py sees them, and `povsim export --json` / `--csv` read back with Python's json and
csv modules, each checked against the file's arrays (small population: 3,000 households, 4
replicates, 2021-2023).

Run by ctest (tests/CMakeLists.txt sets POVSIM_BINARY and POVSIM_SOURCE_DIR)."""
import csv
import json
import math
import os
import subprocess
import tempfile
import unittest

import h5py
import numpy as np
from scipy import stats

SOURCE = os.environ.get("POVSIM_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
BINARY = os.environ.get("POVSIM_BINARY", os.path.join(SOURCE, "build", "povsim"))
BASELINE = os.path.join(SOURCE, "scenarios", "baseline.yaml")
SMALL = ["--households", "3000", "--threads", "2", "--set", "replicates=4", "--set", "horizon.end=2023-12",
         "--seed", "11"]


def povsim(*args):
    return subprocess.run([BINARY, *args], capture_output=True, text=True)


def same(a, b):
    """Equal, or both missing (NaN in the file, None in JSON, '' in CSV)."""
    missing = lambda v: v is None or v == "" or (isinstance(v, float) and math.isnan(v))  # noqa: E731
    return (missing(a) and missing(b)) or a == b


class RunJson(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.out = os.path.join(cls.tmp.name, "run.h5")
        cls.result = povsim("run", BASELINE, "--out", cls.out, "--json", *SMALL)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_stdout_is_one_json_document_with_the_files_means(self):
        self.assertEqual(self.result.returncode, 0, self.result.stderr)
        doc = json.loads(self.result.stdout)  # fails on anything besides the one document
        self.assertEqual(doc["format"], "povsim-run-json 1")
        self.assertEqual(doc["out"], self.out)
        with h5py.File(self.out, "r") as f:
            self.assertEqual(doc["name"], f.attrs["name"])
            self.assertEqual(doc["households"], int(f.attrs["households"]))
            self.assertEqual(doc["seed"], 11)
            self.assertEqual(doc["replicates"], 4)
            self.assertEqual(doc["years"], [int(y) for y in f["annual/year"][:]])
            cost = f["annual/policies/fiscal_cost"][:].sum(axis=1)  # [R, Y], all policies
            arrays = {
                "return_rate": f["annual/return_rate"][:],
                "cumulative_return_rate": f["annual/cumulative_return_rate"][:],
                "poverty_headcount_rate": f["annual/poverty_headcount_rate"][:],
                "new_poverty_rate": f["annual/edge/new_poverty_rate"][:],
                "ever_returned_households": f["annual/ever_returned_households"][:],
                "fiscal_cost": cost,
                "cumulative_fiscal_cost": np.cumsum(cost, axis=1),
            }
        self.assertEqual(set(doc["estimate"]), set(arrays))
        for name, values in arrays.items():
            R = values.shape[0]
            mean = values.mean(axis=0)
            se = values.std(axis=0, ddof=1) / math.sqrt(R)
            half = stats.t.ppf(0.975, R - 1) * se
            per_year = doc["estimate"][name]
            self.assertEqual(len(per_year), values.shape[1], name)
            for y, e in enumerate(per_year):
                scale = max(abs(mean[y]), 1e-300)
                self.assertAlmostEqual(e["mean"] / scale, mean[y] / scale, places=12, msg=name)
                self.assertAlmostEqual(e["se"], se[y], delta=1e-9 * max(se[y], 1e-300) + 1e-15, msg=name)
                self.assertAlmostEqual(e["ci95_lower"], mean[y] - half[y], delta=1e-9 * scale, msg=name)
                self.assertAlmostEqual(e["ci95_upper"], mean[y] + half[y], delta=1e-9 * scale, msg=name)
        self.assertGreater(doc["estimate"]["cumulative_return_rate"][-1]["mean"], 0)  # not a vacuous zero

    def test_every_axis_is_labelled_and_attached_for_h5py(self):
        checked = []

        def visit(name, obj):
            if not isinstance(obj, h5py.Dataset) or h5py.h5ds.is_scale(obj.id):
                return
            for axis, dim in enumerate(obj.dims):
                self.assertTrue(dim.label, f"{name} axis {axis} has no label")
                self.assertEqual(len(dim), 1, f"{name} axis {axis}")
                scale = dim[0]
                self.assertEqual(h5py.h5ds.get_scale_name(scale.id).decode(), dim.label, name)
                self.assertEqual(scale.shape[0], obj.shape[axis], name)
            checked.append(name)

        with h5py.File(self.out, "r") as f:
            f.visititems(visit)
            self.assertGreater(len(checked), 60)
            rate = f["annual/by_cause/return_rate"]
            self.assertEqual([d.label for d in rate.dims], ["replicate", "cause", "year"])
            causes = [c.decode() if isinstance(c, bytes) else c for c in rate.dims[1][0][:]]
            self.assertEqual(causes, [str(c) for c in f["annual/by_cause"].attrs["categories"]])
            self.assertEqual(list(rate.dims[2][0][:]), list(f["annual/year"][:]))
            self.assertEqual(list(rate.dims[0][0][:]), list(f["replicate_index"][:]))
            self.assertEqual(f["annual/policies/fiscal_cost"].dims[1].label, "policy")
            self.assertEqual(f["annual/by_region_type/poor_households"].dims[1].label, "region_type")

    def test_export_json_and_csv_hold_the_files_values(self):
        exported = povsim("export", self.out, "--json")
        self.assertEqual(exported.returncode, 0, exported.stderr)
        doc = json.loads(exported.stdout)
        self.assertEqual(doc["format"], "povsim-export-json 1")
        tables = doc["tables"]
        folder = os.path.join(self.tmp.name, "tables")
        written = povsim("export", self.out, "--csv", folder)
        self.assertEqual(written.returncode, 0, written.stderr)
        with h5py.File(self.out, "r") as f:
            R, Y = f["annual/return_rate"].shape
            checks = [("annual", "annual/return_rate", None), ("edge", "annual/edge/newly_poor_households", None),
                      ("by_cause", "annual/by_cause/returned_households", "cause"),
                      ("policies", "annual/policies/fiscal_cost", "policy"),
                      ("monitoring", "annual/monitoring/hits", None)]
            for table, path, axis in checks:
                values = f[path][:]
                column = path.rsplit("/", 1)[1]
                t = tables[table]
                names = [c["name"] for c in t["columns"]]
                self.assertEqual(names[:3], ["scenario", "replicate", "year"], table)
                K = values.shape[1] if axis else 1
                self.assertEqual(len(t["rows"]), R * Y * K, table)
                with open(os.path.join(folder, table + ".csv"), newline="") as c:
                    rows = list(csv.reader(c))
                self.assertEqual(rows[0], names, table)
                self.assertEqual(len(rows) - 1, len(t["rows"]), table)
                at = names.index(column)
                for i, (json_row, csv_row) in enumerate(zip(t["rows"], rows[1:])):
                    r, y, k = i // (Y * K), i // K % Y, i % K
                    expected = float(values[r, k, y] if axis else values[r, y])
                    self.assertTrue(same(json_row[at], None if math.isnan(expected) else expected), (table, i))
                    self.assertTrue(same(float(csv_row[at]) if csv_row[at] else "", expected), (table, i))
                    self.assertEqual(json_row[0], f.attrs["name"])
                    self.assertEqual(json_row[2], int(f["annual/year"][y]))
                    if axis:
                        self.assertEqual(names[3], axis)
                        self.assertEqual(json_row[3], str(f[path.rsplit("/", 1)[0]].attrs["categories"][k]))


if __name__ == "__main__":
    unittest.main()
