"""Read MNIST's IDX files (LeCun et al., 1998), plain or gzip-compressed.

An IDX file is a 4-byte magic number (two zero bytes, a type code, the number of dimensions), one
big-endian uint32 per dimension, then the values. MNIST uses type 0x08: unsigned bytes.
"""

from __future__ import annotations

import gzip
import math
import zlib
from pathlib import Path

import numpy as np

from core.errors import UserError

UNSIGNED_BYTE = 0x08
MAX_BYTES = 256 * 2**20  # MNIST's largest file, its training images, is 47 MB: a file that unpacks to more is not one


def read_idx(path: Path | str) -> np.ndarray:
    """Return the array stored in the IDX file at ``path`` (``.gz`` is decompressed)."""
    path = Path(path)
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rb") as f:
            raw = f.read(MAX_BYTES + 1)  # a gzip bomb stops here
    except (OSError, EOFError, zlib.error) as exc:  # a damaged gzip stream, or a folder by that name
        raise UserError("error.idx_format", path=str(path)) from exc
    if len(raw) > MAX_BYTES:
        raise UserError("error.idx_too_large", path=str(path), max_mb=MAX_BYTES // 2**20)
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] != UNSIGNED_BYTE or len(raw) < 4 + 4 * raw[3]:
        raise UserError("error.idx_format", path=str(path))
    dims = raw[3]
    shape = tuple(int(n) for n in np.frombuffer(raw, ">u4", count=dims, offset=4))
    data = np.frombuffer(raw, np.uint8, offset=4 + 4 * dims)
    if data.size != math.prod(shape):  # Python integers: NumPy's product of large sides would wrap around
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
