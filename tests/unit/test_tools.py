"""Command-line tools on tiny local data: IDX round trip and the evaluation report."""

import json

import numpy as np
import pytest

from core.errors import UserError
from data.idx import read_idx, write_idx
from data.mnist import load_bundled_mnist
from tools import evaluate


@pytest.mark.parametrize("name", ["t10k-labels-idx1-ubyte", "t10k-images-idx3-ubyte.gz"])
def test_idx_round_trip(tmp_path, name):
    array = np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4) if "images" in name else np.arange(7, dtype=np.uint8)
    write_idx(tmp_path / name, array)
    assert np.array_equal(read_idx(tmp_path / name), array)


def test_idx_reader_refuses_other_files(tmp_path):
    (tmp_path / "bad").write_bytes(b"\x00\x00\x0d\x01\x00\x00\x00\x01\x00")
    with pytest.raises(UserError):
        read_idx(tmp_path / "bad")


def test_evaluate_prints_accuracy_per_class_and_confusion(tmp_path, capsys):
    data = load_bundled_mnist()
    write_idx(tmp_path / "t10k-images-idx3-ubyte.gz", data.x_test[:300])
    write_idx(tmp_path / "t10k-labels-idx1-ubyte", data.y_test[:300])
    assert evaluate.main(["mnist-mlp", "--data", str(tmp_path), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["n"] == 300 and len(result["per_class_accuracy"]) == 10
    confusion = np.array(result["confusion_matrix"])
    assert confusion.sum() == 300
    assert result["accuracy"] == pytest.approx(np.trace(confusion) / 300, abs=1e-4)
    assert result["accuracy"] > 0.9


def test_evaluate_reports_missing_files_without_a_traceback(tmp_path, capsys):
    assert evaluate.main(["mnist-mlp", "--data", str(tmp_path)]) == 2
    assert "was not found" in capsys.readouterr().err


def png_bytes(image: np.ndarray) -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.fromarray(image).save(out, format="PNG")
    return out.getvalue()


def test_evaluate_reads_a_class_data_sets_zip_and_matches_its_folders_to_digits(tmp_path, capsys):
    import zipfile

    data = load_bundled_mnist()
    with zipfile.ZipFile(tmp_path / "digits.zip", "w") as archive:
        for digit, folder in ((1, "1"), (7, "7"), (2, "kite")):
            for i in np.flatnonzero(data.y_test == digit)[:6]:
                archive.writestr(f"mine/{folder}/{i}.png", png_bytes(data.x_test[i]))
    assert evaluate.main(["mnist-mlp", "--data", str(tmp_path / "digits.zip"), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["n"] == 12 and result["unknown_labels"] == ["kite"]
    confusion = np.array(result["confusion_matrix"])
    assert confusion.shape == (10, 10) and confusion[[1, 7]].sum() == 12 and confusion.sum() == 12
    assert result["accuracy"] >= 0.9 and len(result["worst"]) == 8


def test_readme_and_ci_run_the_same_test_command():
    from pathlib import Path

    repo = Path(__file__).resolve().parents[2]
    readme = (repo / "README.md").read_text(encoding="utf-8")
    ci = (repo / ".ci" / "run").read_text(encoding="utf-8")
    command = next(line for line in ci.splitlines() if line.strip().endswith("&& pytest"))
    assert command.strip() in readme
    assert "streamlit run app.py" in readme
