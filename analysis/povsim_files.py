"""Opening povsim's HDF5 files with one-line errors, shared by the analysis scripts."""
import os

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
