"""Train / validation / test splits: the container every data set and task uses, and seeded,
stratified splitting (the same labels and seed always give the same indices)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Splits:
    """Inputs and labels of the train, validation and test splits, and where they came from."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    source: str  # "bundled" or "full"

    @property
    def sizes(self) -> dict[str, int]:
        """How many samples each split holds."""
        return {"train": len(self.y_train), "validation": len(self.y_val), "test": len(self.y_test)}


def split_stratified(labels: np.ndarray, holdout_size: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Split indices of ``labels`` into (kept, held out) with ``holdout_size`` held out.

    Each class gives up its share of the holdout, rounded by largest remainder so the holdout has
    exactly ``holdout_size`` items. Both index arrays come back shuffled by ``seed``.
    """
    labels = np.asarray(labels)
    if not 0 < holdout_size < len(labels):
        raise ValueError(f"holdout_size must be between 1 and {len(labels) - 1}, got {holdout_size}")
    classes, counts = np.unique(labels, return_counts=True)
    exact = counts * holdout_size / len(labels)
    quota = np.floor(exact).astype(int)
    remainder_order = np.argsort(-(exact - quota), kind="stable")
    quota[remainder_order[: holdout_size - quota.sum()]] += 1

    rng = np.random.default_rng(seed)
    kept, held = [], []
    for cls, n_held in zip(classes, quota):
        members = rng.permutation(np.flatnonzero(labels == cls))
        held.append(members[:n_held])
        kept.append(members[n_held:])
    return rng.permutation(np.concatenate(kept)), rng.permutation(np.concatenate(held))
