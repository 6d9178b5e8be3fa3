"""Read MNIST's IDX files (LeCun et al., 1998), plain or gzip-compressed.

An IDX file is a 4-byte magic number (two zero bytes, a type code, the number of dimensions), one
big-endian uint32 per dimension, then the values. MNIST uses type 0x08: unsigned bytes.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np

from core.errors import UserError

UNSIGNED_BYTE = 0x08


def read_idx(path: Path | str) -> np.ndarray:
    """Return the array stored in the IDX file at ``path`` (``.gz`` is decompressed)."""
    path = Path(path)
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as f:
        raw = f.read()
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] != UNSIGNED_BYTE:
        raise UserError("error.idx_format", path=str(path))
    dims = raw[3]
    shape = tuple(int(n) for n in np.frombuffer(raw, ">u4", count=dims, offset=4))
    data = np.frombuffer(raw, np.uint8, offset=4 + 4 * dims)
    if data.size != int(np.prod(shape)):
        raise UserError("error.idx_format", path=str(path))
    return data.reshape(shape)


def write_idx(path: Path | str, array: np.ndarray) -> None:
    """Write a uint8 ``array`` as an IDX file (gzip-compressed when ``path`` ends in ``.gz``)."""
    array = np.ascontiguousarray(array, dtype=np.uint8)
    header = bytes([0, 0, UNSIGNED_BYTE, array.ndim]) + np.asarray(array.shape, ">u4").tobytes()
    path = Path(path)
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "wb") as f:
        f.write(header + array.tobytes())


def find_idx(folder: Path | str, stem: str) -> Path:
    """The file ``stem`` or ``stem.gz`` in ``folder``."""
    for name in (stem, stem + ".gz"):
        candidate = Path(folder) / name
        if candidate.exists():
            return candidate
    raise UserError("error.idx_missing", path=str(Path(folder) / stem))
