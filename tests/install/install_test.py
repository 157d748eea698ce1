"""`cmake --install BUILD --prefix P` gives a povsim that works without the source tree: the binary in
P/bin, the scenarios (with their subfolders), the analysis scripts and the docs under P/share. The
installed binary is run from a folder outside the source tree, with no POVSIM_SOURCE_DIR or
POVSIM_DATA_DIR in its environment, so it can only find its data beside itself
(sim/cli/data_files.hpp); the source tree stays where it is and the test checks, by the path the
population report names, that the installed copy did not read it.

Run by ctest (tests/CMakeLists.txt sets POVSIM_BUILD_DIR and CMAKE_COMMAND)."""
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import unittest

import h5py

BUILD = os.environ.get("POVSIM_BUILD_DIR", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "build"))
CMAKE = os.environ.get("CMAKE_COMMAND", "cmake")
SMALL = ["--households", "2000", "--set", "horizon.end=2021-12", "--threads", "2", "--no-progress"]


def clean_env(**extra):
    """The environment without anything that points at the source tree or a data folder."""
    env = {k: v for k, v in os.environ.items() if k not in ("POVSIM_SOURCE_DIR", "POVSIM_DATA_DIR", "PYTHONPATH")}
    env.update(extra)
    return env


class Installed(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="povsim-install-")
        cls.prefix = os.path.join(cls.tmp.name, "prefix")
        cls.work = os.path.join(cls.tmp.name, "work")       # the current folder of every command: not the source tree
        os.mkdir(cls.work)
        cls.install = subprocess.run([CMAKE, "--install", BUILD, "--prefix", cls.prefix], capture_output=True, text=True)
        cls.bin = os.path.join(cls.prefix, "bin", "povsim")
        cls.data = os.path.join(cls.prefix, "share", "povsim")

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def setUp(self):
        self.assertEqual(self.install.returncode, 0, self.install.stdout + self.install.stderr)

    def povsim(self, *args, env=None, binary=None):
        return subprocess.run([binary or self.bin, *args], cwd=self.work, capture_output=True, text=True,
                              env=env or clean_env(), timeout=300)

    def test_layout(self):
        self.assertTrue(os.access(self.bin, os.X_OK))
        for path in ("scenarios/baseline.yaml", "scenarios/pension_increase.yaml", "scenarios/populations/targets.yaml",
                     "scenarios/populations/example_microdata/households.csv", "scenarios/calibration/toy_calibration.yaml",
                     "analysis/report.py", "analysis/povsim_files.py", "analysis/povsim_stats.py"):
            self.assertTrue(os.path.isfile(os.path.join(self.data, path)), path)
        analysis = os.path.join(self.data, "analysis")
        for name in os.listdir(analysis):
            with open(os.path.join(analysis, name), encoding="utf-8") as f:
                script = f.readline().startswith("#!")
            executable = bool(os.stat(os.path.join(analysis, name)).st_mode & stat.S_IXUSR)
            self.assertEqual(executable, script, f"{name}: scripts (a #! line) are executable, modules are not")
        docs = os.path.join(self.prefix, "share", "doc", "povsim")
        for name in ("README.md", "output.md", "model.md", "scenarios.md"):
            self.assertTrue(os.path.isfile(os.path.join(docs, name)), name)

    def test_runs_an_installed_scenario_outside_the_source_tree(self):
        # pension_increase.yaml extends baseline.yaml: found beside it in the installed folder.
        p = self.povsim("run", os.path.join(self.data, "scenarios", "pension_increase.yaml"), *SMALL, "--out", "r.h5",
                        "--quiet")
        self.assertEqual(p.returncode, 0, p.stderr)
        with h5py.File(os.path.join(self.work, "r.h5"), "r") as f:
            self.assertTrue(str(f.attrs["format"]).startswith("povsim-results"))
            self.assertEqual(list(f["annual/year"][:]), [2021])

    def test_reads_its_data_beside_itself(self):
        p = self.povsim("population", "--households", "2000", "--threads", "2")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("targets: " + os.path.join(self.data, "scenarios", "populations", "targets.yaml"), p.stdout)

    def test_povsim_data_dir_overrides(self):
        empty = os.path.join(self.tmp.name, "empty")
        os.makedirs(empty, exist_ok=True)
        p = self.povsim("population", "--households", "2000", env=clean_env(POVSIM_DATA_DIR=empty))
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertEqual(p.stderr.count("\n"), 1, p.stderr)
        self.assertIn(os.path.join(empty, "scenarios", "populations", "targets.yaml"), p.stderr)
        self.assertIn("POVSIM_DATA_DIR", p.stderr)
        p = self.povsim("population", "--households", "2000", env=clean_env(POVSIM_DATA_DIR=self.data))
        self.assertEqual(p.returncode, 0, p.stderr)

    def test_a_binary_without_its_data_says_where_it_looked(self):
        # A copy outside the build tree with no share/ beside it: it must not fall back on the source tree.
        lone = os.path.join(self.tmp.name, "lone", "bin")
        os.makedirs(lone, exist_ok=True)
        shutil.copy2(self.bin, lone)
        p = self.povsim("population", "--households", "2000", binary=os.path.join(lone, "povsim"))
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertEqual(p.stderr.count("\n"), 1, p.stderr)
        self.assertTrue(p.stderr.startswith("povsim: error: cannot find the data file scenarios/populations/targets.yaml"),
                        p.stderr)
        self.assertIn(os.path.join(self.tmp.name, "lone", "share", "povsim", "scenarios", "populations", "targets.yaml"),
                      p.stderr)
        self.assertIn("--targets", p.stderr)
        p = self.povsim("population", "--households", "2000", "--threads", "2", "--targets",
                        os.path.join(self.data, "scenarios", "populations", "targets.yaml"),
                        binary=os.path.join(lone, "povsim"))
        self.assertEqual(p.returncode, 0, p.stderr)

    def test_installed_analysis_scripts_run(self):
        analysis = os.path.join(self.data, "analysis")
        p = subprocess.run([os.path.join(analysis, "report.py"), "--help"], cwd=self.work, capture_output=True,
                           text=True, env=clean_env())
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertTrue(p.stdout.startswith("usage: report"), p.stdout[:200])
        # On a file of the installed binary, with the sibling modules from the installed folder.
        run = self.povsim("run", os.path.join(self.data, "scenarios", "baseline.yaml"), *SMALL, "--out", "b.h5", "--quiet")
        self.assertEqual(run.returncode, 0, run.stderr)
        p = subprocess.run([os.path.join(analysis, "compare_scenarios.py"), "b.h5", "--json"], cwd=self.work,
                           capture_output=True, text=True, env=clean_env())
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn('"years": [2021]', p.stdout)


if __name__ == "__main__":
    unittest.main()
