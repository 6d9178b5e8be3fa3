"""The guided tour: a scripted ten-minute walk through the app for a stakeholder demo.

Plain data and arithmetic, no Streamlit: which page each step shows, and how a step number from a
URL (``?tour=3``) is read. The words of each step (title, what to do, speaker notes) are translation
keys ``tour.step.<name>.*`` in both languages.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TourStep:
    """One stop of the tour."""

    name: str  # stem of the translation keys tour.step.<name>.title / .script / .notes
    page: str  # the page file the step shows, as given to st.navigation
    minutes: float  # a presenter's time budget for the step; the steps add up to the ten-minute demo


STEPS: tuple[TourStep, ...] = (
    TourStep("welcome", "app_pages/home.py", 1.0),
    TourStep("draw", "app_pages/mnist.py", 1.5),
    TourStep("train_cnn", "app_pages/images.py", 2.0),
    TourStep("speak", "app_pages/speech.py", 1.0),
    TourStep("review", "app_pages/text.py", 1.5),
    TourStep("case", "app_pages/cases.py", 1.0),
    TourStep("impact", "app_pages/impact.py", 1.5),
    TourStep("replay", "app_pages/runs.py", 0.5),
)


def parse_step(raw: str | None) -> int | None:
    """The 1-based step number in ``raw`` (from ``?tour=``), or None when it names no step.

    Anything but a whole number from 1 to the number of steps gives None, so a mistyped link shows
    a message instead of an error.
    """
    text = (raw or "").strip()
    if not (text.isascii() and text.isdigit()):
        return None
    number = int(text)
    return number if 1 <= number <= len(STEPS) else None


def step_at(number: int) -> TourStep:
    """The step with 1-based ``number``."""
    return STEPS[number - 1]


def neighbours(number: int) -> tuple[int | None, int | None]:
    """The numbers of the previous and next step, None at either end."""
    previous = number - 1 if number > 1 else None
    following = number + 1 if number < len(STEPS) else None
    return previous, following


def total_minutes() -> float:
    """The presenter's time budget for the whole tour."""
    return sum(step.minutes for step in STEPS)
