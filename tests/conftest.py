"""Test-wide setup: no network, a throwaway run store, and the repository on the import path."""

import os
import tempfile
from pathlib import Path

# Set before any project module is imported: tests never touch the network or the user's runs.
os.environ["NEURALSTAGE_OFFLINE"] = "1"
# An empty Keras cache: a data set someone downloaded to ~/.keras would count as available offline.
os.environ["KERAS_HOME"] = tempfile.mkdtemp(prefix="neuralstage-keras-")
os.environ.setdefault("NEURALSTAGE_HOME", tempfile.mkdtemp(prefix="neuralstage-test-"))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

REPO = Path(__file__).resolve().parents[1]
