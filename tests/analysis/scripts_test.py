"""Every analysis script (analysis/*.py with a #! line, found by glob, so a new script is covered
without editing this test): --help from another folder prints its usage; a missing file, a file that
is not HDF5, an HDF5 file that is not povsim's, a povsim file of another kind and an unwritable
output each give exactly one line on stderr and exit 2, never a traceback. The shared modules
(povsim_files.py, povsim_stats.py: no #! line) must not be scripts.

No povsim binary needed: the files are made here with h5py. Run by ctest (tests/CMakeLists.txt)."""
import glob
import os
import re
import stat
import subprocess
import sys
import tempfile
import unittest

import h5py

SOURCE = os.environ.get("POVSIM_SOURCE_DIR", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
ANALYSIS = os.path.join(SOURCE, "analysis")
FILES = sorted(glob.glob(os.path.join(ANALYSIS, "*.py")))


def is_script(path):
    with open(path, encoding="utf-8") as f:
        return f.readline().startswith("#!")


SCRIPTS = [p for p in FILES if is_script(p)]


def run(script, *args, cwd):
    # The script run as the installed ones are (by its #! line), with no PYTHONPATH: its sibling
    # modules must be found through its own folder.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    return subprocess.run([sys.executable, script, *args], cwd=cwd, capture_output=True, text=True, env=env,
                          timeout=300)


def required_options(usage):
    """[(option, metavar)] of the options outside [...] in an argparse usage text (e.g. --png OUT.png)."""
    text = re.sub(r"\[[^\[\]]*\]", "", usage)
    return re.findall(r"(--[\w-]+) (\S+)", text)


class Scripts(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        d = cls.dir = cls.tmp.name
        with open(os.path.join(d, "text.h5"), "w") as f:
            f.write("not HDF5\n")
        with h5py.File(os.path.join(d, "plain.h5"), "w") as f:
            f["x"] = [1.0, 2.0]
        # A povsim file of a kind no script reads as its input of that name: one format each script
        # must reject as the wrong kind (each script reads one kind; none reads two kinds of this).
        with h5py.File(os.path.join(d, "other_kind.h5"), "w") as f:
            f.attrs["format"] = "povsim-checkpoint 9 (docs/output.md)"
        cls.usage = {}

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_there_are_scripts_and_modules(self):
        self.assertGreaterEqual(len(SCRIPTS), 6, SCRIPTS)
        for path in FILES:
            with open(path, encoding="utf-8") as f:
                text = f.read()
            name = os.path.basename(path)
            if is_script(path):
                self.assertTrue(os.stat(path).st_mode & stat.S_IXUSR, f"{name}: a script must be executable")
                self.assertIn("main_guard(", text, f"{name}: ends with povsim_files.main_guard (one-line errors)")
                self.assertIn("sys.path.insert(0, os.path.dirname(os.path.realpath(__file__)))", text,
                              f"{name}: imports its sibling modules from its own folder")
            else:
                self.assertNotIn("__main__", text, f"{name}: a script needs a #! line (and the executable bit)")

    def help(self, script):
        if script in self.usage:
            return self.usage[script]
        p = run(script, "--help", cwd=self.dir)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stderr, "")
        self.assertTrue(p.stdout.startswith("usage: "), p.stdout[:200])
        self.usage[script] = p.stdout.split("\n\n")[0]
        return self.usage[script]

    def test_help_from_another_folder(self):
        for script in SCRIPTS:
            with self.subTest(script=os.path.basename(script)):
                self.help(script)

    def args_with(self, script, first_file, outputs_in=None):
        """Arguments that make the script read first_file: its required options (an output in the
        temporary folder, or in outputs_in) and the file."""
        args = []
        for option, metavar in required_options(self.help(script)):
            ext = os.path.splitext(metavar)[1] or ".out"
            args += [option, os.path.join(outputs_in or self.dir, "out" + ext)]
        return args + [first_file]

    def assert_one_line(self, script, args, *needles):
        p = run(script, *args, cwd=self.dir)
        name = os.path.basename(script).removesuffix(".py")
        self.assertEqual(p.returncode, 2, f"{name} {args}: {p.stderr}")
        self.assertNotIn("Traceback", p.stderr)
        self.assertEqual(p.stderr.count("\n"), 1, f"{name} {args}: {p.stderr!r}")
        self.assertTrue(p.stderr.startswith(name + ": "), p.stderr)
        for n in needles:
            self.assertIn(n, p.stderr)
        return p

    def test_bad_inputs_are_one_line_and_exit_2(self):
        for script in SCRIPTS:
            with self.subTest(script=os.path.basename(script)):
                self.assert_one_line(script, self.args_with(script, "missing.h5"), "missing.h5", "no such file")
                self.assert_one_line(script, self.args_with(script, "text.h5"), "text.h5", "not an HDF5 file")
                self.assert_one_line(script, self.args_with(script, "plain.h5"), "plain.h5", "not a povsim")
                self.assert_one_line(script, self.args_with(script, "other_kind.h5"), "other_kind.h5", "not a povsim")
                self.assert_one_line(script, ["--no-such-option"] + self.args_with(script, "plain.h5"), "--no-such-option")

    def test_unwritable_output_is_one_line(self):
        for script in SCRIPTS:
            if not required_options(self.help(script)):
                continue                                    # prints to stdout only
            with self.subTest(script=os.path.basename(script)):
                self.assert_one_line(script, self.args_with(script, "plain.h5", "no/such/folder"), "no/such/folder")


if __name__ == "__main__":
    unittest.main()
