"""Opening povsim's HDF5 files, writing outputs atomically and reporting bad input in one line,
shared by the analysis scripts.

Every script ends with `main_guard(PROG, main)`: bad input (a missing or unreadable file, a file that
is not HDF5 or not a povsim file of the right kind, a replicate that does not exist, runs over
different horizons, an output that cannot be written) then gives one line on stderr,
"PROG: message", and exit status 2, never a traceback (set POVSIM_DEBUG=1 to see one). Command-line
mistakes are one line too (ArgumentParser below), exit 2, as for the povsim binary.
"""
import argparse
import io
import os
import re
import sys
import tempfile

import h5py

# The longest message printed, as the binary cuts its own (a path or an HDF5 reason can be long).
MAX_MESSAGE = 1000


class InputError(Exception):
    """A file the script cannot use; the message is one line naming the file."""


def one_line(text):
    """text on one line (whitespace runs, newlines included, become one space), cut after MAX_MESSAGE."""
    text = re.sub(r"\s+", " ", str(text)).strip()
    return text if len(text) <= MAX_MESSAGE else text[:MAX_MESSAGE] + "..."


def fail(prog, message):
    """Prints 'prog: message' on one line on stderr and exits with status 2."""
    print(f"{prog}: {one_line(message)}", file=sys.stderr)
    sys.exit(2)


class ArgumentParser(argparse.ArgumentParser):
    """argparse with povsim's conventions: --help prints the module's docstring (usage, outputs, exit
    status) on stdout, exit 0; a usage mistake is one line on stderr, exit 2."""

    def __init__(self, prog, doc, **kwargs):
        super().__init__(prog=prog, description=doc, formatter_class=argparse.RawDescriptionHelpFormatter,
                         allow_abbrev=False, **kwargs)   # --png is not --png-dir

    def error(self, message):
        fail(self.prog, f"{message} (see {self.prog} --help)")


def _reason(e):
    """The system's reason of an OSError (h5py's too: 'unable to open file ...') without its errno clutter."""
    return e.strerror if isinstance(e, OSError) and e.strerror else str(e)


def main_guard(prog, main):
    """Runs main() (returning an exit status or None) and exits with its status; bad input becomes one
    line on stderr and exit 2 (see the module's docstring).

    OSError is an output or input the system refused (permissions, a full disk); KeyError, ValueError,
    TypeError and IndexError come from h5py or numpy on a file whose contents are not what the povsim
    file of its format attribute holds (an older or damaged file)."""
    try:
        status = main()
    except InputError as e:
        fail(prog, str(e))
    except OSError as e:
        where = f"{e.filename}: " if getattr(e, "filename", None) else ""
        if os.environ.get("POVSIM_DEBUG"):
            raise
        fail(prog, f"{where}{_reason(e)}")
    except (KeyError, ValueError, TypeError, IndexError) as e:
        if os.environ.get("POVSIM_DEBUG"):
            raise
        fail(prog, f"cannot read the input: {type(e).__name__}: {e} (a povsim file of another version, or damaged?)")
    except KeyboardInterrupt:
        print(f"{prog}: interrupted", file=sys.stderr)
        sys.exit(130)
    sys.exit(status or 0)


def open_h5(path):
    """The HDF5 file at path, open for reading; InputError if it is missing or not HDF5."""
    if os.path.isdir(path):
        raise InputError(f"{path}: is a directory, not a file")
    if not os.path.isfile(path):
        raise InputError(f"{path}: no such file")
    if not os.access(path, os.R_OK):
        raise InputError(f"{path}: not readable (permission denied)")
    try:
        return h5py.File(path, "r")
    except OSError as e:
        raise InputError(f"{path}: not an HDF5 file ({one_line(e)})") from None


def file_format(f):
    """The 'format' attribute of an open povsim file ('' if none), e.g. 'povsim-results 2 (docs/output.md)'."""
    value = f.attrs.get("format", "")
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def check_povsim_file(f, path, kind, what, required):
    """InputError unless f's 'format' attribute starts with kind (e.g. "povsim-results") and it holds
    every dataset in required; what names the kind in the message ("result", "calibration")."""
    fmt = file_format(f)
    if not fmt.startswith(kind):
        if fmt.startswith("povsim-"):      # another povsim file: say which, it is the likely mix-up
            raise InputError(f"{path}: not a povsim {what} file but a {fmt.split(' (')[0]} file")
        raise InputError(f"{path}: not a povsim {what} file (no 'format' attribute '{kind} ...')")
    missing = [name for name in required if name not in f]
    if missing:
        raise InputError(f"{path}: not a povsim {what} file (missing {', '.join(missing)})")


def check_writable(path):
    """InputError unless a file can be written at path (its folder exists and is writable, path is not a
    folder): checked before any work, so a mistyped output fails at once and nothing is half-written."""
    folder = os.path.dirname(os.path.abspath(path))
    if os.path.isdir(path):
        raise InputError(f"cannot write {path}: it is a directory")
    if not os.path.isdir(folder):
        raise InputError(f"cannot write {path}: no folder {folder}")
    if not os.access(folder, os.W_OK):
        raise InputError(f"cannot write {path}: folder {folder} is not writable")


def write_atomically(path, content):
    """Writes content (str or bytes) to path via a temporary file in the same folder renamed into place,
    so a reader never sees a half-written file and a failure leaves the old one; InputError naming path
    if it cannot be written."""
    folder = os.path.dirname(os.path.abspath(path))
    try:
        fd, tmp = tempfile.mkstemp(prefix=".povsim-", suffix=".tmp", dir=folder)
    except OSError as e:
        raise InputError(f"cannot write {path}: {_reason(e)}") from None
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(content.encode("utf-8") if isinstance(content, str) else content)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except OSError as e:
        raise InputError(f"cannot write {path}: {_reason(e)}") from None
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def save_figure(fig, path, prog=None):
    """Saves fig as path (PNG, or the format its extension names; 120 dpi; written atomically) and says
    so; InputError if it cannot.
    Returns 0 (an exit status, for the scripts' `return save_figure(...)`)."""
    ext = os.path.splitext(path)[1][1:].lower() or "png"
    if ext not in fig.canvas.get_supported_filetypes():
        raise InputError(f"cannot write {path}: .{ext} is not an image format matplotlib writes (use .png)")
    buf = io.BytesIO()
    fig.savefig(buf, dpi=120, format=ext)
    write_atomically(path, buf.getvalue())
    print(f"wrote {path}")
    return 0
