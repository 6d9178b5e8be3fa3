"""Custom Keras layers for the speech models, written with ``keras.ops`` only so any backend runs them."""

from __future__ import annotations

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="neuralstage")
class SpecAugment(keras.layers.Layer):
    """Silence one random run of frames and one random run of mel bins in each training clip.

    SpecAugment (Park et al., 2019): a word with a tenth of a second or a few frequency bands
    missing is still the same word, so masking them teaches the model not to lean on any one
    moment or band, which helps most on voices it never heard. Input is (N, frames, mel bins) scaled
    so that 0 is silence; a masked value becomes 0, ``out = x · keep_time[t] · keep_mel[m]``.
    Inference passes the frames through unchanged.
    """

    def __init__(self, max_frames: int = 10, max_bins: int = 5, seed: int | None = None, **kwargs):
        super().__init__(**kwargs)
        self.max_frames = max_frames  # longest run of frames silenced, from 0
        self.max_bins = max_bins  # widest run of mel bins silenced, from 0
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, frames, training=False):
        if not training:
            return frames
        count = ops.shape(frames)[0]
        keep_time = self._keep(count, frames.shape[1], self.max_frames, frames.dtype)
        keep_mel = self._keep(count, frames.shape[2], self.max_bins, frames.dtype)
        return frames * keep_time[:, :, None] * keep_mel[:, None, :]

    def _keep(self, count, size, max_width, dtype):
        """keep[b, i] is 0 inside the random run masked in example b, 1 elsewhere."""
        width = keras.random.randint((count, 1), 0, max_width + 1, seed=self.seed_generator)
        room = ops.cast(size - width + 1, "float32")  # the run starts where it still fits
        start = ops.cast(ops.floor(keras.random.uniform((count, 1), seed=self.seed_generator) * room), "int32")
        index = ops.arange(size)[None, :]
        masked = ops.logical_and(index >= start, index < start + width)
        return ops.cast(ops.logical_not(masked), dtype)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "max_frames": self.max_frames, "max_bins": self.max_bins,
                "seed": self.seed}
