"""`mpirun -n K povsim ...` against the single process (sim/parallel/mpi.hpp).

Each rank holds a contiguous part of the population, cut between counties, and every sum that
crosses households is an integer MPI_Allreduce, so a run on K ranks must write every dataset of the
single-process run bit for bit, for any K and thread count; only the root attributes `mpi_ranks`
and `threads` say how it was run. Also: a run stopped by SIGTERM under mpirun leaves one checkpoint
part per rank and resumes to the same results; bad input is one line from rank 0, exit status 2;
sweep, compare and calibrate share their runs out over the ranks and write the single-process file.

Run by ctest when the build has MPI (tests/CMakeLists.txt sets POVSIM_BINARY, POVSIM_SOURCE_DIR,
MPIEXEC). As root (CI), mpirun needs --allow-run-as-root; --oversubscribe lets 3 ranks share 2 cores."""
import os
import re
import signal
import subprocess
import tempfile
import time
import unittest

import h5py
import numpy as np

BINARY = os.environ.get("POVSIM_BINARY", "build/povsim")
SOURCE = os.environ.get("POVSIM_SOURCE_DIR", ".")
MPIEXEC = os.environ.get("MPIEXEC", "mpirun")
SCENARIO = os.path.join(SOURCE, "scenarios", "combined_recommendations.yaml")
# Small, but with every policy, binding budgets, the market and early warning's rationing; three
# years so that the December reviews and a January budget reset happen twice.
SMALL = ["--households", "3000", "--set", "horizon.end=2023-12", "--set", "replicates=2", "--no-progress", "--quiet"]


def mpirun(ranks, *args, **kw):
    return [MPIEXEC, "-n", str(ranks), "--oversubscribe", "--allow-run-as-root", BINARY, *args]


def mpi_env():
    env = dict(os.environ)
    # Containers often forbid the cross-memory attach Open MPI uses between ranks on a node.
    env.setdefault("OMPI_MCA_btl_vader_single_copy_mechanism", "none")
    # Under AddressSanitizer (scripts/test.sh --sanitize): Open MPI does not free all its own
    # allocations at MPI_Finalize, which LeakSanitizer would report; other ASan checks stay on.
    if "ASAN_OPTIONS" in env:
        env["ASAN_OPTIONS"] = env["ASAN_OPTIONS"].replace("detect_leaks=1", "detect_leaks=0")
    return env


def children(pid):
    """The processes whose parent is `pid` (from /proc)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry))
    return sorted(found)


def datasets(path):
    """Every dataset of a file, by path: (dtype, shape, raw bytes)."""
    found = {}
    with h5py.File(path, "r") as f:
        def visit(name, obj):
            if isinstance(obj, h5py.Dataset):
                data = obj[()]
                found[name] = (str(obj.dtype), obj.shape, np.asarray(data).tobytes() if obj.dtype.kind != "O" else repr(data))
        f.visititems(visit)
        attrs = {k: (v.tobytes() if isinstance(v, np.ndarray) else v) for k, v in f.attrs.items()}
    return found, attrs


class MpiRun(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="povsim-mpi-")
        cls.reference = os.path.join(cls.tmp.name, "single.h5")
        r = subprocess.run([BINARY, "run", SCENARIO, *SMALL, "--threads", "1", "--out", cls.reference],
                           capture_output=True, text=True, timeout=600)
        assert r.returncode == 0, r.stderr
        cls.expected, cls.expected_attrs = datasets(cls.reference)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def run_mpi(self, ranks, *args, timeout=600):
        return subprocess.run(mpirun(ranks, *args), capture_output=True, text=True, timeout=timeout, env=mpi_env())

    def assert_same_results(self, path, ranks, threads):
        found, attrs = datasets(path)
        self.assertEqual(sorted(found), sorted(self.expected))
        for name, value in self.expected.items():
            self.assertEqual(found[name], value, f"dataset {name} differs on {ranks} ranks x {threads} threads")
        self.assertEqual(attrs["mpi_ranks"], ranks)
        self.assertEqual(attrs["threads"], threads)
        for key, value in self.expected_attrs.items():
            if key not in ("mpi_ranks", "threads"):
                self.assertEqual(attrs[key], value, f"root attribute {key}")

    def test_any_rank_and_thread_count_gives_the_single_process_results_bit_for_bit(self):
        self.assertGreater(len(self.expected), 20)
        for ranks in (1, 2, 3):
            for threads in (1, 2):
                with self.subTest(ranks=ranks, threads=threads):
                    out = os.path.join(self.tmp.name, f"k{ranks}_t{threads}.h5")
                    r = self.run_mpi(ranks, "run", SCENARIO, *SMALL, "--threads", str(threads), "--out", out)
                    self.assertEqual(r.returncode, 0, r.stderr)
                    self.assert_same_results(out, ranks, threads)
                    # Only rank 0 writes: the summary's last line once, no other file.
                    self.assertEqual(r.stdout.count("wrote "), 1, r.stdout)

    def test_sigterm_leaves_one_checkpoint_part_per_rank_and_the_restart_matches(self):
        # Long enough (10 years of 60,000 households, a few seconds) that the signal lands mid-run;
        # checkpoints every 3 months.
        args = ["--households", "60000", "--set", "horizon.end=2030-12", "--no-progress", "--quiet", "--threads", "1"]
        reference = os.path.join(self.tmp.name, "long_single.h5")
        r = subprocess.run([BINARY, "run", SCENARIO, *args, "--out", reference], capture_output=True, text=True,
                           timeout=600)
        self.assertEqual(r.returncode, 0, r.stderr)
        checkpoint = os.path.join(self.tmp.name, "run.ckpt")
        out = os.path.join(self.tmp.name, "resumed.h5")
        job = subprocess.Popen(mpirun(2, "run", SCENARIO, *args, "--out", out, "--checkpoint", checkpoint,
                                      "--checkpoint-every", "3"),
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=mpi_env())
        parts = [checkpoint + ".rank0", checkpoint + ".rank1"]
        deadline = time.time() + 300
        while not all(os.path.exists(p) for p in parts) and job.poll() is None and time.time() < deadline:
            time.sleep(0.05)
        # The signal goes to one rank only (as a scheduler's may reach one node first): the ranks
        # agree after every month, so all of them stop after the same one. (mpirun itself, when
        # signalled, passes the signal on but exits 1, so job scripts signal the ranks.)
        ranks = children(job.pid)
        self.assertEqual(len(ranks), 2, "expected mpirun's two povsim ranks as its children")
        os.kill(ranks[-1], signal.SIGTERM)
        stdout, stderr = job.communicate(timeout=300)
        self.assertEqual(job.returncode, 75, stderr)  # stopped after a month, checkpoint saved
        self.assertFalse(os.path.exists(out))
        for p in parts:
            self.assertTrue(os.path.exists(p), p)
        self.assertIn("stopped by SIGTERM", stderr)
        # Another rank count is refused with one line naming the count it needs.
        wrong = self.run_mpi(3, "run", SCENARIO, *args, "--out", out, "--restart", checkpoint)
        self.assertEqual(wrong.returncode, 2, wrong.stderr)
        self.assertIn("restart on 2", wrong.stderr)
        resumed = self.run_mpi(2, "run", SCENARIO, *args, "--out", out, "--restart", checkpoint, "--threads", "2")
        self.assertEqual(resumed.returncode, 0, resumed.stderr)
        expected, _ = datasets(reference)
        found, _ = datasets(out)
        self.assertEqual(found, expected)

    def test_bad_input_is_one_line_from_rank_0(self):
        r = self.run_mpi(3, "run", os.path.join(self.tmp.name, "missing.yaml"), "--out",
                         os.path.join(self.tmp.name, "x.h5"))
        self.assertEqual(r.returncode, 2, r.stderr)
        lines = [l for l in r.stderr.splitlines() if l.startswith("povsim")]
        self.assertEqual(len(lines), 1, r.stderr)
        self.assertIn("missing.yaml", lines[0])
        self.assertFalse(os.path.exists(os.path.join(self.tmp.name, "x.h5")))

    def test_commands_that_are_not_distributed_refuse_to_start(self):
        r = self.run_mpi(2, "population", "--households", "1000")
        self.assertEqual(r.returncode, 2, r.stderr)
        lines = [l for l in r.stderr.splitlines() if l.startswith("povsim")]
        self.assertEqual(len(lines), 1, r.stderr)
        self.assertIn("only run, sweep, compare, calibrate and optimise are distributed", lines[0])


class MpiEnsembles(unittest.TestCase):
    """sweep, compare and calibrate hand their runs (point, replicate) to whichever rank asks next;
    rank 0 writes the one output file, which equals the single-process file dataset for dataset."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="povsim-mpi-ensembles-")

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def check(self, name, args, ranks=(2, 3)):
        single = os.path.join(self.tmp.name, f"{name}_single.h5")
        r = subprocess.run([BINARY, *args, "--out", single, "--quiet"], capture_output=True, text=True, timeout=600)
        self.assertEqual(r.returncode, 0, r.stderr)
        expected, _ = datasets(single)
        self.assertTrue(expected)
        for k in ranks:
            with self.subTest(command=name, ranks=k):
                out = os.path.join(self.tmp.name, f"{name}_{k}.h5")
                r = subprocess.run(mpirun(k, *args, "--out", out, "--quiet"), capture_output=True, text=True,
                                   timeout=600, env=mpi_env())
                self.assertEqual(r.returncode, 0, r.stderr)
                self.assertEqual(r.stdout.count("wrote "), 1, r.stdout)  # rank 0 alone reports and writes
                found, _ = datasets(out)
                self.assertEqual(found, expected)
        return single

    def test_sweep(self):
        out = self.check("sweep", ["sweep", os.path.join(SOURCE, "scenarios", "sweeps", "sobol_baseline.yaml")])
        self.assertFalse(os.path.exists(out + ".partial"))

    def test_compare(self):
        scen = os.path.join(SOURCE, "scenarios")
        self.check("compare", ["compare", os.path.join(scen, "baseline.yaml"), os.path.join(scen, "medical_assistance.yaml"),
                               "--households", "4000", "--set", "replicates=6", "--set", "horizon.end=2024-12"])

    def test_optimise(self):
        # The example search, made small: 2,000 households, 2 replicates, 8 candidates.
        with open(os.path.join(SOURCE, "scenarios", "optimise", "cheapest_mix.yaml")) as f:
            text = f.read()
        small = os.path.join(self.tmp.name, "optimise.yaml")
        with open(small, "w") as f:
            f.write(re.sub(r"(?m)^households: .*$", "households: 2000",
                    re.sub(r"(?m)^replicates: .*$", "replicates: 2",
                    re.sub(r"(?m)^confirm_replicates: .*$", "confirm_replicates: 2",
                    re.sub(r"(?m)^evaluations: .*$", "evaluations: 8",
                    text.replace("scenario: ../baseline.yaml",
                                 "scenario: " + os.path.abspath(os.path.join(SOURCE, "scenarios", "baseline.yaml"))))))))
        self.check("optimise", ["optimise", small], ranks=(2,))

    def test_calibrate(self):
        self.check("calibrate", ["calibrate", os.path.join(SOURCE, "scenarios", "calibration", "toy_calibration.yaml")],
                   ranks=(2,))


if __name__ == "__main__":
    unittest.main()
