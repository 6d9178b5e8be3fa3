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
    transform. Inference passes the images through unchanged.
    """

    def __init__(self, max_shift: int, seed: int | None = None, **kwargs):
        super().__init__(**kwargs)
        self.max_shift = max_shift  # largest shift in pixels, in each direction
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, images, training=False):
        if not training or self.max_shift == 0:
            return images
        count, size = ops.shape(images)[0], images.shape[1]
        shifts = keras.random.randint((2, count), -self.max_shift, self.max_shift + 1,
                                      seed=self.seed_generator)
        index = ops.arange(size)
        # moves[b, i, j] is 1 where source pixel j lands on output pixel i, for image b.
        row_moves = ops.equal(index[None, :, None] - shifts[0][:, None, None], index[None, None, :])
        col_moves = ops.equal(index[None, :, None] - shifts[1][:, None, None], index[None, None, :])
        rows = ops.cast(row_moves, images.dtype)
        cols = ops.cast(col_moves, images.dtype)
        return ops.matmul(ops.matmul(rows, images), ops.transpose(cols, (0, 2, 1)))

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "max_shift": self.max_shift, "seed": self.seed}
