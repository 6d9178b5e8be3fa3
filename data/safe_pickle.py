"""Reading pickled NumPy arrays from downloaded data sets without letting the file run code.

CIFAR-10's batches and Keras's ``imdb.npz`` are pickles; a pickle can name any function to call
while it loads. ``ArrayUnpickler`` rebuilds NumPy arrays and plain Python containers only and
refuses every other name, so a tampered file in the cache fails loudly instead.
"""

from __future__ import annotations

import pickle

ALLOWED = {("numpy", "ndarray"), ("numpy", "dtype"), ("numpy.core.multiarray", "_reconstruct"),
           ("numpy._core.multiarray", "_reconstruct")}


class ArrayUnpickler(pickle.Unpickler):
    """Rebuilds NumPy arrays (and the lists, dicts, numbers and strings inside them) and nothing else."""

    def find_class(self, module: str, name: str):
        if (module, name) in ALLOWED:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"refusing to load {module}.{name} from a data file")
