"""Which tour step a presenting browser tab shows, for its speaker-notes window.

The presenter's tab publishes its step here under a random code it made up; a second tab, opened
with ``?notes=<code>`` on the presenter's own screen, reads the step every second and shows that
step's notes. The audience's screen never carries the notes.

In memory, in this server process, which serves both tabs. Not a security boundary: the notes are
the app's own texts, and the code only keeps one presenter's window from following another's.
"""

from __future__ import annotations

import re
import secrets
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Callable

CODE_BYTES = 9  # 72 random bits: no one stumbles on another presenter's code; 12 characters in the link
CODE_PATTERN = re.compile(r"[A-Za-z0-9_-]{12}")  # what secrets.token_urlsafe(CODE_BYTES) writes
EXPIRY_S = 4 * 3600.0  # a code nobody has published to for this long is forgotten: longer than any lesson
MAX_CODES = 2000  # one per presenting session; past this the longest-silent are forgotten first


def new_code() -> str:
    """A fresh random code for one presenting session."""
    return secrets.token_urlsafe(CODE_BYTES)


def parse_code(raw: str | None) -> str | None:
    """The code in ``raw`` (from ``?notes=``), or None when it cannot be one we made."""
    text = (raw or "").strip()
    return text if CODE_PATTERN.fullmatch(text) else None


@dataclass(frozen=True)
class PublishedStep:
    """What the presenting tab last said."""

    step: int | None  # the 1-based tour step on screen; None while the tour is closed
    at: float  # when it was published, in the registry's clock


class NotesRegistry:
    """Thread-safe map from a presenting session's code to the tour step it shows.

    Every visitor's script run and every notes window's refresh run in their own threads, so all
    access holds one lock; the work under it is a dictionary lookup.
    """

    def __init__(self, expiry_s: float = EXPIRY_S, max_codes: int = MAX_CODES,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._expiry_s, self._max_codes, self._clock = expiry_s, max_codes, clock
        self._steps: OrderedDict[str, PublishedStep] = OrderedDict()  # oldest publication first
        self._lock = threading.Lock()

    def publish(self, code: str, step: int | None) -> None:
        """Say that the session with ``code`` now shows tour ``step`` (None: the tour is closed)."""
        with self._lock:
            self._steps.pop(code, None)
            self._steps[code] = PublishedStep(step, self._clock())
            self._forget_old()

    def read(self, code: str) -> PublishedStep | None:
        """What the session with ``code`` last published, or None for a code unknown or expired."""
        with self._lock:
            self._forget_old()
            return self._steps.get(code)

    def __len__(self) -> int:
        with self._lock:
            return len(self._steps)

    def _forget_old(self) -> None:
        """Drop expired codes and, past the cap, the longest-silent ones; the caller holds the lock."""
        cutoff = self._clock() - self._expiry_s
        while self._steps:
            code, published = next(iter(self._steps.items()))
            if published.at >= cutoff and len(self._steps) <= self._max_codes:
                break
            del self._steps[code]
