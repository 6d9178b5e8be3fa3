"""What the property-based tests of hostile input share (tests/unit/test_hostile_*.py).

Strategies that damage a valid file (flip bytes, cut it short, splice in garbage) and the check that
a refusal is one of the app's own translated errors. Memory is measured with tools.hostile_memory,
in a fresh interpreter, where a high-water mark from an earlier test cannot hide it.
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import strategies as st

from core.errors import UserError
from core.i18n import load_locale

REPO = Path(__file__).resolve().parents[2]


@st.composite
def damaged(draw, valid: bytes) -> bytes:
    """``valid`` with a few bytes overwritten, cut short, or with random bytes spliced in."""
    data = bytearray(valid)
    how = draw(st.sampled_from(("flip", "truncate", "splice")))
    if how == "flip":
        for _ in range(draw(st.integers(1, 8))):
            data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
    elif how == "truncate":
        data = data[: draw(st.integers(1, len(data) - 1))]
    else:
        at = draw(st.integers(0, len(data)))
        data[at:at] = draw(st.binary(min_size=1, max_size=64))
    return bytes(data)


def assert_known_user_error(error: BaseException) -> None:
    """``error`` is a ``UserError`` whose key has a text in both languages that its parameters fill."""
    assert isinstance(error, UserError), f"{type(error).__name__}: {error}"
    for lang in ("en", "zh"):
        assert error.key in load_locale(lang), error.key
        load_locale(lang)[error.key].format(**error.params)  # every placeholder has its parameter


def call_or_user_error(call, *args, **kwargs):
    """The result of ``call``, or None when it refused with one of the app's own errors; any other
    exception fails the test."""
    try:
        return call(*args, **kwargs)
    except UserError as error:
        assert_known_user_error(error)
        return None
