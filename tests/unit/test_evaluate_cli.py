"""``python -m tools.evaluate`` on every data format it reads, with shipped and stored models: accuracy,
accuracy per class, the confusion matrix and the worst examples by name; data of another kind and
unknown models refused with a message and exit status 2. Every file is made here from bundled data."""

import csv
import io
import json
import os
import shutil
import subprocess
import sys
import zipfile
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from PIL import Image

from data.idx import write_idx
from data.mnist import load_bundled_mnist
from data.speech_format import SAMPLE_RATE
from tools import evaluate

REPO = Path(__file__).resolve().parents[2]


def run_cli(capsys, *argv: str) -> dict:
    """The JSON the command prints, once it has exited with status 0."""
    status = evaluate.main([*argv, "--json"])
    captured = capsys.readouterr()
    assert status == 0, captured.err
    return json.loads(captured.out)


def refusal(capsys, *argv: str) -> str:
    """The message of a command that must exit with status 2."""
    assert evaluate.main(list(argv)) == 2
    return capsys.readouterr().err


def assert_scored(result: dict, n: int) -> None:
    """Counts, accuracy and confusion agree, and the worst examples come lowest true-class probability first."""
    confusion = np.array(result["confusion_matrix"])
    assert result["n"] == n and confusion.sum() == n
    assert confusion.shape == (len(result["classes"]),) * 2 == (len(result["per_class_accuracy"]),) * 2
    assert result["accuracy"] == pytest.approx(np.trace(confusion) / n, abs=1e-4)
    worst = result["worst"]
    assert worst and all(set(example) == {"name", "true", "predicted", "confidence", "p_true"} for example in worst)
    assert [example["p_true"] for example in worst] == sorted(example["p_true"] for example in worst)
    assert all(example["true"] in result["classes"] and 0 <= example["confidence"] <= 1 for example in worst)


def encode_picture(pixels: np.ndarray, fmt: str) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format=fmt)
    return buffer.getvalue()


def encode_wav(clip: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    sf.write(buffer, clip, SAMPLE_RATE, format="WAV", subtype="PCM_16")
    return buffer.getvalue()


def write_zip(path: Path, entries: list[tuple[str, bytes]]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, payload in entries:
            archive.writestr(name, payload)
    return path


def digit_zip(path: Path, digits, folders: dict[int, str], per_class: int = 6, fmt: str = "PNG") -> Path:
    """A zip of test digits in class folders named by ``folders`` ({digit: folder}), inside a wrapper folder."""
    suffix = {"PNG": "png", "JPEG": "jpg"}[fmt]
    return write_zip(path, [(f"class set/{folder}/{i}.{suffix}", encode_picture(digits.x_test[i], fmt))
                            for digit, folder in folders.items()
                            for i in np.flatnonzero(digits.y_test == digit)[:per_class]])


def write_idx_folder(folder: Path, images: np.ndarray, labels: np.ndarray) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    write_idx(folder / "t10k-images-idx3-ubyte.gz", images)
    write_idx(folder / "t10k-labels-idx1-ubyte", labels)
    return folder


@pytest.fixture(scope="module")
def digits():
    return load_bundled_mnist()


@pytest.fixture(scope="module")
def spoken():
    """Five held-out English clips of each of the digits 3 and 8: enough for a class data set's zip."""
    from data.speech import load_speech

    data = load_speech("en")
    return [(digit, data.x_test[i]) for digit in (3, 8) for i in np.flatnonzero(data.y_test == digit)[:5]]


@pytest.fixture(scope="module")
def reviews():
    """Six negative and six positive held-out reviews."""
    from data.text import load_reviews_zh

    data = load_reviews_zh()
    return [(label, str(data.x_test[i])) for label in (0, 1) for i in np.flatnonzero(data.y_test == label)[:6]]


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory, digits):
    """A run store holding one class-data run: the MLP preset, one epoch on drawings labelled "zero" and "one"."""
    from core.class_tasks import ClassDataJobSpec
    from core.runstore import RunRecord, RunStore
    from core.tasks import train_classifier
    from core.user_data import UserDataStore
    from models.mnist_mlp import PRESETS

    home = tmp_path_factory.mktemp("home")
    picked = np.concatenate([np.flatnonzero(digits.y_train == digit)[:15] for digit in (0, 1)])
    info = UserDataStore(home).save("zero and one", "image", ["zero", "one"], digits.x_train[picked],
                                    digits.y_train[picked], "collected")
    preset = PRESETS["keras_mlp"]
    spec = ClassDataJobSpec(preset.model, info.id, info.labels, replace(preset.train, epochs=1), home=str(home))
    result = train_classifier(spec)
    store = RunStore(home)
    run_id = store.add(RunRecord(task=spec.task, status="done", config=spec.to_dict(),
                                 test_accuracy=result["test_accuracy"]), model=result["model"])
    return home, run_id, store.get(run_id).model_path


def test_idx_files_are_scored_and_the_worst_named_by_their_index(tmp_path, capsys, digits):
    write_idx_folder(tmp_path, digits.x_test[:200], digits.y_test[:200])
    result = run_cli(capsys, "mnist-mlp", "--data", str(tmp_path))
    assert result["format"] == "idx" and result["classes"] == [str(digit) for digit in range(10)]
    assert_scored(result, 200)
    assert result["accuracy"] > 0.9
    for example in result["worst"]:
        name, index = example["name"].split(" #")
        assert name == "t10k-images-idx3-ubyte.gz" and example["true"] == str(digits.y_test[int(index)])
    assert evaluate.main(["mnist-mlp", "--data", str(tmp_path)]) == 0
    printed = capsys.readouterr().out
    assert "of 200 samples" in printed and "worst examples:" in printed and "t10k-images-idx3-ubyte.gz #" in printed


def test_fashion_idx_labels_are_the_clothing_classes_by_number(tmp_path, capsys):
    from data.images import load_bundled

    clothes = load_bundled("fashion")
    write_idx_folder(tmp_path, clothes.x_test[:200], clothes.y_test[:200])
    result = run_cli(capsys, "fashion-mlp", "--data", str(tmp_path))
    assert result["trained_on"] == "fashion" and result["classes"][1] == "Trouser"
    assert_scored(result, 200)
    assert result["accuracy"] > 0.7
    example = result["worst"][0]
    assert example["true"] == result["classes"][clothes.y_test[int(example["name"].split("#")[1])]]


@pytest.mark.parametrize("fmt", ["PNG", "JPEG"])
def test_a_zip_of_picture_folders_in_a_wrapper_names_its_worst_entries(tmp_path, capsys, digits, fmt):
    path = digit_zip(tmp_path / "digits.zip", digits, {1: "1", 7: "7", 2: "kite"}, fmt=fmt)
    result = run_cli(capsys, "mnist-cnn", "--data", str(path))
    assert result["format"] == "image zip" and result["unknown_labels"] == ["kite"]
    assert_scored(result, 12)
    assert result["accuracy"] >= 0.9
    entries = set(zipfile.ZipFile(path).namelist())
    for example in result["worst"]:
        assert example["name"] in entries and example["name"].split("/")[1] == example["true"]


def test_a_folder_of_digit_recordings_names_its_files_and_what_it_skipped(tmp_path, capsys, spoken):
    voices = tmp_path / "voices"
    voices.mkdir()
    for k, (digit, clip) in enumerate(spoken):
        (voices / f"{digit}_voice{k}.wav").write_bytes(encode_wav(clip))
    (voices / "notes.wav").write_bytes(encode_wav(spoken[0][1]))
    result = run_cli(capsys, "speech", "--data", str(tmp_path))
    assert result["format"] == "wav folder" and result["speeds"] == [0.9, 1.0, 1.1]
    assert_scored(result, len(spoken))
    assert 0 <= result["accuracy_one_speed"] <= 1
    assert [skip["name"] for skip in result["skipped"]] == ["voices/notes.wav"]
    for example in result["worst"]:
        assert example["name"].startswith("voices/") and example["name"][len("voices/")] == example["true"]


@pytest.mark.parametrize("layout", ["prefix", "folders"])
def test_a_zip_of_recordings_is_heard_at_the_same_speeds_as_a_folder_of_them(tmp_path, capsys, spoken, layout):
    names = [f"recordings/{digit}_voice{k}.wav" if layout == "prefix" else f"{digit}/voice{k}.wav"
             for k, (digit, _) in enumerate(spoken)]
    path = write_zip(tmp_path / "words.zip", [(name, encode_wav(clip)) for name, (_, clip) in zip(names, spoken)])
    from_zip = run_cli(capsys, "speech", "--data", str(path))
    assert from_zip["format"] == "audio zip"
    assert_scored(from_zip, len(spoken))
    for example in from_zip["worst"]:
        label = example["name"].split("/")[1].split("_")[0] if layout == "prefix" else example["name"].split("/")[0]
        assert example["name"] in names and example["true"] == label
    folder = tmp_path / "folder"
    folder.mkdir()
    for k, (digit, clip) in enumerate(spoken):
        (folder / f"{digit}_voice{k}.wav").write_bytes(encode_wav(clip))
    from_folder = run_cli(capsys, "speech", "--data", str(folder))
    for key in ("accuracy", "accuracy_one_speed", "confusion_matrix", "speeds"):
        assert from_zip[key] == from_folder[key]


def write_csv(path: Path, rows: list[list[str]], encoding: str) -> Path:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def check_rows_named(result: dict, rows: list[list[str]], names: tuple[str, str]) -> None:
    """Each worst example's "row N: text" is row N of the file (counted from 1), with its label."""
    for example in result["worst"]:
        number, excerpt = example["name"].removeprefix("row ").split(": ", 1)
        label, text = rows[int(number) - 1]
        assert text.startswith(excerpt.removesuffix("…"))
        assert example["true"] == {"0": "0", "1": "1", names[0]: "0", names[1]: "1"}[label]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_a_class_csv_in_any_encoding_names_its_worst_rows(tmp_path, capsys, reviews, encoding):
    rows = [["类别", "文本"]] + [["好评" if label else "差评", text] for label, text in reviews]
    rows[3:3] = [["", ""], rows[1]]  # a blank row and a repeated one: both skipped, the numbering holds
    path = write_csv(tmp_path / "reviews.csv", rows, encoding)
    result = run_cli(capsys, "text", "--data", str(path))
    assert result["format"] == "csv" and result["classes"] == ["0", "1"]  # the text model's 0 negative, 1 positive
    assert_scored(result, len(reviews))
    assert [skip["name"] for skip in result["skipped"]] == ["4", "5"]
    check_rows_named(result, rows, ("差评", "好评"))


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
def test_a_label_review_csv_is_read_by_the_same_reader_in_either_encoding(tmp_path, capsys, reviews, encoding):
    rows = [["label", "review"]] + [[str(label), text] for label, text in reviews] + [["1", ""]]
    path = write_csv(tmp_path / "labelled.csv", rows, encoding)
    result = run_cli(capsys, "text", "--data", str(path))
    assert_scored(result, len(reviews))
    assert result["unknown_labels"] == [] and [skip["name"] for skip in result["skipped"]] == [str(len(rows))]
    check_rows_named(result, rows, ("0", "1"))


def test_a_csv_of_positive_reviews_only_is_scored_though_no_class_set_could_train_on_it(tmp_path, capsys, reviews):
    positive = [[str(label), text] for label, text in reviews if label == 1][:3]
    path = write_csv(tmp_path / "positive.csv", [["label", "review"], *positive], "utf-8")
    result = run_cli(capsys, "text", "--data", str(path))
    assert result["classes"] == ["0", "1"] and result["per_class_accuracy"][0] is None
    assert_scored(result, 3)
    assert np.array(result["confusion_matrix"])[0].sum() == 0


def test_the_bundled_real_recordings_zipped_are_scored_with_one_to_three_per_digit(tmp_path, capsys):
    clips = sorted((REPO / "data/files/real_digits/en").glob("*.wav"))
    path = write_zip(tmp_path / "real.zip", [(clip.name, clip.read_bytes()) for clip in clips])
    result = run_cli(capsys, "speech", "--data", str(path))
    assert result["format"] == "audio zip" and result["skipped"] == []
    assert_scored(result, len(clips))
    for example in result["worst"]:
        assert example["name"] in {clip.name for clip in clips} and example["name"][0] == example["true"]


def test_the_data_sets_pages_older_text_export_a_zipped_csv_is_read_as_texts(tmp_path, capsys, reviews):
    from core.user_data import UserDataStore

    store = UserDataStore(tmp_path / "home")
    texts = np.array([text for _, text in reviews])
    info = store.save("评论", "text", ["差评", "好评"], texts, np.array([label for label, _ in reviews]), "collected")
    path = tmp_path / "older_export.zip"
    path.write_bytes(store.export_zip(info.id))
    result = run_cli(capsys, "text", "--data", str(path))
    assert result["format"] == "text zip" and result["classes"] == ["0", "1"]
    assert_scored(result, len(reviews))
    with zipfile.ZipFile(path) as bundle:
        rows = list(csv.reader(io.StringIO(bundle.read("data.csv").decode("utf-8"))))
    check_rows_named(result, rows, ("差评", "好评"))
    assert "reads pictures" in refusal(capsys, "mnist-mlp", "--data", str(path))


def test_a_stored_run_is_scored_by_its_class_sets_own_labels(tiny_run, tmp_path, capsys, monkeypatch, digits):
    home, run_id, _ = tiny_run
    monkeypatch.setenv("NEURALSTAGE_HOME", str(home))
    path = digit_zip(tmp_path / "digits.zip", digits, {0: "zero", 1: "ONE", 2: "two"})
    for name in (str(run_id), f"run-{run_id}"):
        result = run_cli(capsys, name, "--data", str(path))
        assert result["model"] == f"run {run_id}" and result["trained_on"] == "class"
        assert result["classes"] == ["zero", "one"] and result["unknown_labels"] == ["two"]
        assert_scored(result, 12)


def test_a_keras_file_takes_its_runs_labels_or_else_goes_by_class_numbers(tiny_run, tmp_path, capsys, monkeypatch,
                                                                          digits):
    home, _, model_path = tiny_run
    monkeypatch.setenv("NEURALSTAGE_HOME", str(home))
    zipped = digit_zip(tmp_path / "digits.zip", digits, {0: "zero", 1: "one"})
    assert run_cli(capsys, model_path, "--data", str(zipped))["classes"] == ["zero", "one"]
    copy = tmp_path / "mine.keras"
    shutil.copy(model_path, copy)
    write_idx_folder(tmp_path / "idx", digits.x_test[:60], digits.y_test[:60])
    result = run_cli(capsys, str(copy), "--data", str(tmp_path / "idx"))
    assert result["reads"] == "image" and result["trained_on"] is None and result["classes"] == ["0", "1"]
    assert_scored(result, int(np.isin(digits.y_test[:60], [0, 1]).sum()))
    assert result["unknown_labels"] == [str(d) for d in range(2, 10)]


def test_data_of_another_kind_than_the_model_reads_is_refused(tmp_path, capsys, digits, reviews):
    pictures = digit_zip(tmp_path / "digits.zip", digits, {1: "1", 7: "7"})
    texts = write_csv(tmp_path / "reviews.csv", [["label", "review"], *([str(a), b] for a, b in reviews)], "utf-8")
    idx_folder = write_idx_folder(tmp_path / "idx", digits.x_test[:10], digits.y_test[:10])
    assert "listens to recordings" in refusal(capsys, "speech", "--data", str(pictures))
    assert "reads pictures" in refusal(capsys, "mnist-mlp", "--data", str(texts))
    assert "reads texts" in refusal(capsys, "text", "--data", str(idx_folder))
    assert "not labelled data" in refusal(capsys, "mnist-mlp", "--data", str(REPO / "README.md"))


def test_an_unknown_model_a_missing_run_and_a_damaged_model_file_are_refused(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("NEURALSTAGE_HOME", str(tmp_path / "no home"))
    message = refusal(capsys, "cnn-9000", "--data", str(tmp_path))
    assert "There is no model “cnn-9000”" in message and "fashion-mlp" in message
    assert "There is no run 42" in refusal(capsys, "run-42", "--data", str(tmp_path))
    assert not (tmp_path / "no home").exists()  # looking for a run creates no run history
    (tmp_path / "broken.keras").write_bytes(b"PK\x03\x04 not a model")
    assert "could not be read as a model" in refusal(capsys, str(tmp_path / "broken.keras"), "--data", str(tmp_path))


@pytest.mark.parametrize("length, words", [(150_000, "damaged"), (200_000, "more than 200,000 characters")])
def test_a_damaged_or_overlong_csv_row_is_named_not_a_traceback(tmp_path, capsys, length, words):
    path = tmp_path / "reviews.csv"
    path.write_text('label,review\n1,"' + "x" * length + "\n", encoding="utf-8")
    assert words in refusal(capsys, "text", "--data", str(path))


def test_the_command_line_prints_json_in_its_own_process(tmp_path, digits):
    path = digit_zip(tmp_path / "digits.zip", digits, {3: "3", 4: "4"}, per_class=5)
    env = {**os.environ, "NEURALSTAGE_HOME": str(tmp_path / "home")}
    done = subprocess.run([sys.executable, "-m", "tools.evaluate", "mnist-mlp", "--data", str(path), "--json"],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert_scored(result, 10)
    assert result["worst"][0]["name"].startswith("class set/")
