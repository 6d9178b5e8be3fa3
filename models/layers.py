"""Small custom Keras layers shared by the model files, written with ``keras.ops`` only."""

from __future__ import annotations

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="neuralstage")
class RandomShift(keras.layers.Layer):
    """Move each training image by a random whole number of pixels, filling with zeros.

    A digit shifted by a pixel or two is still the same digit; seeing such copies teaches a model
    that does not know about space (an MLP) to tolerate where the digit sits. Each shift is a
    product with a 0/1 matrix, ``out = R · x · Cᵀ``, which costs less here than a general affine
    transform. Images are (N, H, W) grey or (N, H, W, C), every channel moved alike. Inference
    passes the images through unchanged.
    """

    def __init__(self, max_shift: int, seed: int | None = None, **kwargs):
        super().__init__(**kwargs)
        self.max_shift = max_shift  # largest shift in pixels, in each direction
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, images, training=False):
        if not training or self.max_shift == 0:
            return images
        count, height, width = ops.shape(images)[0], images.shape[1], images.shape[2]
        shifts = keras.random.randint((2, count), -self.max_shift, self.max_shift + 1,
                                      seed=self.seed_generator)
        rows = ops.cast(self._moves(height, shifts[0]), images.dtype)
        cols = ops.cast(self._moves(width, shifts[1]), images.dtype)
        if len(images.shape) == 4:  # out[b, i, j, c] = Σ_k Σ_l R[b, i, k] · x[b, k, l, c] · C[b, j, l]
            return ops.einsum("bik,bklc,bjl->bijc", rows, images, cols)
        return ops.matmul(ops.matmul(rows, images), ops.transpose(cols, (0, 2, 1)))

    @staticmethod
    def _moves(size, shifts):
        """moves[b, i, j] is True where source pixel j lands on output pixel i, for image b."""
        index = ops.arange(size)
        return ops.equal(index[None, :, None] - shifts[:, None, None], index[None, None, :])

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "max_shift": self.max_shift, "seed": self.seed}
