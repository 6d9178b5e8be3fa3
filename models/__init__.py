"""Keras 3 model builders and their presets.

Importing this package loads Keras on the configured backend (see ``core.devices``), so the GPU is
set up before any model touches it. Model files use only ``keras`` and ``keras.ops``.
"""

from core.devices import load_keras

load_keras()
