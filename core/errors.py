"""Errors meant for the person in front of the screen.

They carry a translation key and its parameters rather than an English sentence, so the UI can say
what went wrong in the user's language and the engine stays free of presentation.
"""

from __future__ import annotations


# What the browser may send for one picture or recording. Our own check refuses more than 10 MB with
# a message in the visitor's language; this cap, a little higher, stops much larger files before they
# travel. Class data sets have their own, larger cap (core.data_import.MAX_UPLOAD_BYTES).
SINGLE_FILE_MB = 12


class UserError(ValueError):
    """A problem the user can fix: bad input, an out-of-range setting, a missing data set."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(f"{key} {params}" if params else key)
        self.key = key
        self.params = params


class Skipped(Exception):
    """One entry of an upload (a file in a zip, a row of a CSV) is left out while the rest are read;
    ``key`` is the reason's translation key, which the import's report lists beside the entry."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def check_upload_size(payload: bytes, max_bytes: int, kind: str) -> None:
    """Refuse an empty upload or one over ``max_bytes``, with the keys ``error.{kind}_empty`` and
    ``error.{kind}_too_large`` (``kind`` is "upload" for pictures, "audio" for recordings)."""
    if len(payload) == 0:
        raise UserError(f"error.{kind}_empty")
    if len(payload) > max_bytes:
        raise UserError(f"error.{kind}_too_large", size_mb=round(len(payload) / 2**20, 1), max_mb=max_bytes // 2**20)
