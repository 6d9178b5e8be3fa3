"""Looking inside image classifiers: feature maps per conv layer, and occlusion sensitivity.

Both use only Keras's own model API and a prediction function, so they work the same on every
Keras backend. For recurrent speech models, ``over_time`` gives the spectrogram, hidden states and
per-frame votes of one clip. Occlusion sensitivity (Zeiler & Fergus, 2014): cover one patch of the image with
grey, see how much the probability of the class drops; where it drops most is what the model
looked at. Images are (H, W) grey or (H, W, 3) colour; a patch greys every channel, and both
views come back per pixel of the image.
"""

from __future__ import annotations

import weakref
from typing import Any, Callable

import numpy as np

from core.devices import compile_predict_fn, load_keras

GREY = 0.5  # patch value: neither ink nor background, on the [0, 1] scale the models read


def feature_maps(model: Any, image: np.ndarray, prefix: str = "conv_") -> list[tuple[str, np.ndarray]]:
    """The output of every layer named ``prefix``N for one (H, W) or (H, W, 3) ``image``: [(name, (h, w, c))]."""
    keras = load_keras()
    layers = [layer for layer in model.layers if layer.name.startswith(prefix)]
    if not layers:
        return []
    probe = keras.Model(model.input, [layer.output for layer in layers])
    outputs = probe(np.asarray(image, np.float32)[None], training=False)
    outputs = outputs if isinstance(outputs, (list, tuple)) else [outputs]
    return [(layer.name, keras.ops.convert_to_numpy(out)[0]) for layer, out in zip(layers, outputs)]


def occlusion_map(predict_batch: Callable[[np.ndarray], np.ndarray], image: np.ndarray, label: int,
                  patch: int = 6, stride: int = 2) -> np.ndarray:
    """Drop in the probability of ``label`` when each region is greyed out, as an (H, W) map.

    Every patch position is one image of a single batch; each pixel's value is the mean drop over
    the patches that covered it. Positive: covering it hurt the answer.
    """
    image = np.asarray(image, np.float32)
    height, width = image.shape[:2]
    positions = [(top, left) for top in range(0, height - patch + 1, stride)
                 for left in range(0, width - patch + 1, stride)]
    batch = np.repeat(image[None], len(positions) + 1, axis=0)
    for i, (top, left) in enumerate(positions, start=1):
        batch[i, top: top + patch, left: left + patch] = GREY
    probabilities = predict_batch(batch)[:, label]
    drops = probabilities[0] - probabilities[1:]
    total = np.zeros((height, width), np.float32)
    counts = np.zeros((height, width), np.float32)
    for drop, (top, left) in zip(drops, positions):
        total[top: top + patch, left: left + patch] += drop
        counts[top: top + patch, left: left + patch] += 1
    return np.divide(total, counts, out=np.zeros_like(total), where=counts > 0)


# One compiled look-inside model per trained speech model, dropped with it: building one takes about
# a second, and every build adds a node to the shared classifier layer.
_INSIDE = weakref.WeakKeyDictionary()


def over_time(model: Any, clip: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For one clip: log-mel frames (frames, mels), the last recurrent layer's states (frames, units)
    and each frame's class probabilities (frames, classes), from ``models.speech_rnn.inside_model``."""
    predict = _INSIDE.get(model)
    if predict is None:
        from models.speech_rnn import inside_model

        predict = _INSIDE[model] = compile_predict_fn(inside_model(model))
    frames, states, per_frame = predict(np.asarray(clip, np.float32)[None])
    return frames[0], states[0], per_frame[0]


def token_occlusion(predict_batch: Callable[[np.ndarray], np.ndarray], ids: np.ndarray, label: int,
                    unknown_id: int = 1) -> np.ndarray:
    """How much each token moves the probability of ``label``: for every real token, that probability
    with the token as read minus with the token replaced by the unknown token (one batch of all the
    variants). Positive: the token pushed towards ``label``. Padding gets 0. ``ids`` is one row (L,)."""
    ids = np.asarray(ids).reshape(-1)
    positions = np.flatnonzero(ids != 0)
    if positions.size == 0:
        return np.zeros(len(ids), dtype=np.float32)
    variants = np.repeat(ids[None], positions.size + 1, axis=0)
    variants[np.arange(1, positions.size + 1), positions] = unknown_id  # row 0 stays the sentence as read
    probabilities = np.asarray(predict_batch(variants))[:, label]
    importance = np.zeros(len(ids), dtype=np.float32)
    importance[positions] = probabilities[0] - probabilities[1:]
    return importance
