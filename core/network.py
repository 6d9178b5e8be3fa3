"""Whether the optional online data sets can be fetched: an offline switch and a short probe.

The probe runs only when someone asks for an online data set, never at import time, and gives up
within ``PROBE_TIMEOUT_S`` so an offline classroom never waits long.
"""

from __future__ import annotations

import os
import socket

PROBE_TIMEOUT_S = 3.0  # the longest a page may wait to learn that the network is not there
PROBE_HOST = ("storage.googleapis.com", 443)  # where keras.datasets downloads from


def is_offline_forced() -> bool:
    """True when ``NEURALSTAGE_OFFLINE`` asks for bundled data only."""
    return os.environ.get("NEURALSTAGE_OFFLINE", "").strip().lower() in {"1", "true", "yes", "on"}


def probe_network(address: tuple[str, int] = PROBE_HOST, timeout: float = PROBE_TIMEOUT_S) -> bool:
    """Return True when a TCP connection to ``address`` opens within ``timeout`` seconds."""
    if is_offline_forced():
        return False
    try:
        with socket.create_connection(address, timeout=timeout):
            return True
    except OSError:
        return False
