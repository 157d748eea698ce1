"""Opening povsim's HDF5 files and saving figures with one-line errors, shared by the analysis scripts."""
import os
import sys

import h5py


class InputError(Exception):
    """A file the script cannot use; the message is one line naming the file."""


def open_h5(path):
    """The HDF5 file at path, open for reading; InputError if it is missing or not HDF5."""
    if not os.path.isfile(path):
        raise InputError(f"{path}: no such file")
    try:
        return h5py.File(path, "r")
    except OSError as e:
        raise InputError(f"{path}: not an HDF5 file ({e})") from None


def check_povsim_file(f, path, kind, what, required):
    """InputError unless f's 'format' attribute starts with kind (e.g. "povsim-results") and it holds
    every dataset in required; what names the kind in the message ("result", "calibration")."""
    if not str(f.attrs.get("format", "")).startswith(kind):
        raise InputError(f"{path}: not a povsim {what} file (no 'format' attribute '{kind} ...')")
    missing = [name for name in required if name not in f]
    if missing:
        raise InputError(f"{path}: not a povsim {what} file (missing {', '.join(missing)})")


def save_figure(fig, path, prog):
    """Saves fig as path (PNG, 120 dpi) and says so; 0, or 2 with one line on stderr if it cannot."""
    try:
        fig.savefig(path, dpi=120)
    except OSError as e:
        print(f"{prog}: cannot write {path}: {e.strerror or e}", file=sys.stderr)
        return 2
    print(f"wrote {path}")
    return 0
