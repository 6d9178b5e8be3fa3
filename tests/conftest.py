"""Test-wide setup: no network, a throwaway run store, the repository on the import path, and a
repeatable hypothesis profile."""

import os
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, settings

# Set before any project module is imported: tests never touch the network or the user's runs.
os.environ["NEURALSTAGE_OFFLINE"] = "1"
# An empty Keras cache: a data set someone downloaded to ~/.keras would count as available offline.
os.environ["KERAS_HOME"] = tempfile.mkdtemp(prefix="neuralstage-keras-")
os.environ.setdefault("NEURALSTAGE_HOME", tempfile.mkdtemp(prefix="neuralstage-test-"))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

REPO = Path(__file__).resolve().parents[1]

# Property-based tests (tests/unit/test_hostile_*.py) draw the same examples on every run, so CI never
# flakes on a lucky draw, and few enough that the whole set stays fast on two cores. For a long local
# hunt for new failures: HYPOTHESIS_PROFILE=deep pytest tests/unit/test_hostile_*.py
settings.register_profile("ci", max_examples=40, deadline=None, derandomize=True, database=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("deep", max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
