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
