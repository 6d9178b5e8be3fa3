"""Errors meant for the person in front of the screen.

They carry a translation key and its parameters rather than an English sentence, so the UI can say
what went wrong in the user's language and the engine stays free of presentation.
"""

from __future__ import annotations


class UserError(ValueError):
    """A problem the user can fix: bad input, an out-of-range setting, a missing data set."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(f"{key} {params}" if params else key)
        self.key = key
        self.params = params


def check_upload_size(payload: bytes, max_bytes: int, kind: str) -> None:
    """Refuse an empty upload or one over ``max_bytes``, with the keys ``error.{kind}_empty`` and
    ``error.{kind}_too_large`` (``kind`` is "upload" for pictures, "audio" for recordings)."""
    if len(payload) == 0:
        raise UserError(f"error.{kind}_empty")
    if len(payload) > max_bytes:
        raise UserError(f"error.{kind}_too_large", size_mb=round(len(payload) / 2**20, 1), max_mb=max_bytes // 2**20)
