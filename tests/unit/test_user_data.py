"""Class data sets on disk: save, list, load, add, delete a sample, export, and what is refused."""

import io
import json
import zipfile

import numpy as np
import pytest

from core.errors import UserError
from core.user_data import UserDataStore, check_labels


@pytest.fixture
def store(tmp_path):
    return UserDataStore(tmp_path)


def drawings(n: int, classes: int = 2) -> tuple[np.ndarray, np.ndarray]:
    x = np.zeros((n, 28, 28), np.uint8)
    y = np.arange(n) % classes
    x[np.arange(n), y, y] = 255  # one lit pixel per sample tells them apart
    return x, y


def test_a_saved_image_set_reads_back_exactly_and_is_listed(store):
    x, y = drawings(6)
    info = store.save("  Cats and dogs ", "image", [" cat", "dog "], x, y, "collected")
    assert info.labels == ("cat", "dog") and info.counts == (3, 3) and info.size == 6
    assert info.name == "Cats and dogs" and len(info.id) == 12
    again, x2, y2 = store.load(info.id)
    assert again == info
    np.testing.assert_array_equal(x2, x)
    np.testing.assert_array_equal(y2, y)
    assert [i.id for i in store.list()] == [info.id]


def test_samples_are_added_and_deleted_with_the_counts_kept_in_step(store):
    x, y = drawings(4)
    info = store.save("set", "image", ["a", "b"], x, y, "collected")
    info = store.add_samples(info.id, x[:1], [1])
    assert info.counts == (2, 3)
    info = store.delete_sample(info.id, 0)
    assert info.counts == (1, 3)
    _, x2, y2 = store.load(info.id)
    assert y2.tolist() == [1, 0, 1, 1] and len(x2) == 4
    with pytest.raises(UserError) as error:
        store.delete_sample(info.id, 9)
    assert error.value.key == "error.data.no_sample"


def test_texts_save_without_pickle_and_export_as_csv(store):
    texts = np.array(["很好", "太差了", "不错", "失望"])
    info = store.save("评论", "text", ["好评", "差评"], texts, [0, 1, 0, 1], "upload:reviews.csv")
    with zipfile.ZipFile(io.BytesIO(store.export_zip(info.id))) as bundle:
        assert sorted(bundle.namelist()) == ["data.csv", "meta.json"]
        rows = bundle.read("data.csv").decode("utf-8").splitlines()
    assert rows[0] == "label,text" and rows[2] == "差评,太差了"
    with pytest.raises(UserError):
        store.save("x", "text", ["a", "b"], np.array(["a", "b"], dtype=object), [0, 1], "collected")


def test_a_text_set_exports_as_a_plain_csv_that_the_upload_reads_back_unchanged(store):
    from core.data_import import import_upload

    texts = np.array(["很好，推荐", "太差了", "不错, with a comma", "失望\n两行", 'a "quoted" word', "meh",
                      "=1+1", "还行", "一般般吧", "    spaces kept inside    ".strip()])
    labels = np.arange(10) % 2
    info = store.save("评论", "text", ["好评", "差评"], texts, labels, "collected")
    suffix, payload = store.export_file(info.id)
    assert suffix == ".csv" and payload.startswith(b"\xef\xbb\xbf")  # the mark Excel needs for Chinese
    again = import_upload(f"export{suffix}", payload, "text")
    assert again.report.skipped == () and set(again.labels) == {"好评", "差评"}
    read = {(again.labels[label], text) for label, text in zip(again.y, again.x)}
    assert read == {(info.labels[label], text) for label, text in zip(labels, texts)}
    older = import_upload("older_export.zip", store.export_zip(info.id), "text")  # the zip of earlier versions
    assert older.report.skipped == () and len(older.x) == 10
    with pytest.raises(ValueError):
        store.export_csv(store.save("pics", "image", ["a", "b"], *drawings(2), "collected").id)


def test_an_image_set_exports_to_a_zip_that_reads_back_without_a_skip(store):
    from core.data_import import import_upload

    x = np.random.default_rng(2).integers(0, 256, (10, 28, 28), dtype=np.uint8)
    y = np.arange(10) % 2
    info = store.save("set", "image", ["cat", "dog"], x, y, "collected")
    suffix, payload = store.export_file(info.id)
    again = import_upload(f"export{suffix}", payload, "image")
    assert suffix == ".zip" and again.report.skipped == () and again.report.notes == ()  # meta.json passed over
    assert again.labels == ("cat", "dog")
    for label in (0, 1):  # the same pictures, pixel for pixel, in each class
        assert sorted(a.tobytes() for a in again.x[again.y == label]) == sorted(a.tobytes() for a in x[y == label])


def test_an_audio_set_exports_to_a_zip_that_reads_back_without_a_skip(store):
    from core.data_import import import_upload

    rng = np.random.default_rng(3)
    clips = (0.3 * np.sin(np.arange(8000) / 8000 * 2 * np.pi * rng.integers(200, 900, (10, 1)))).astype(np.float32)
    info = store.save("words", "audio", ["yes", "no"], clips, np.repeat([0, 1], 5), "collected")
    again = import_upload("export.zip", store.export_file(info.id)[1], "audio")
    assert again.report.skipped == () and again.labels == ("no", "yes") and np.bincount(again.y).tolist() == [5, 5]


def test_an_image_set_exports_as_one_png_folder_per_label_that_cannot_escape(store):
    x, y = drawings(4)
    info = store.save("set", "image", ["../up", "a/b"], x, y, "collected")
    with zipfile.ZipFile(io.BytesIO(store.export_zip(info.id))) as bundle:
        names = bundle.namelist()
        meta = json.loads(bundle.read("meta.json"))
    assert meta["labels"] == ["../up", "a/b"]
    pictures = [n for n in names if n.endswith(".png")]
    assert len(pictures) == 4 and {n.split("/")[0] for n in pictures} == {"_up", "a_b"}
    assert not any(part == ".." for n in names for part in n.split("/"))


def test_an_audio_set_exports_as_wav_files(store):
    clips = np.zeros((2, 8000), np.float32)
    info = store.save("words", "audio", ["yes", "no"], clips, [0, 1], "collected")
    import soundfile

    with zipfile.ZipFile(io.BytesIO(store.export_zip(info.id))) as bundle:
        wav = next(n for n in bundle.namelist() if n.endswith(".wav"))
        audio, rate = soundfile.read(io.BytesIO(bundle.read(wav)))
    assert rate == 8000 and audio.shape == (8000,)


@pytest.mark.parametrize("labels, key", [(["a"], "error.data.label_count"), (["a", " "], "error.data.label_empty"),
                                         (["a", "a "], "error.data.label_twice"),
                                         (["a", "x" * 41], "error.data.label_long"),
                                         ([str(i) for i in range(51)], "error.data.label_count")])
def test_bad_labels_are_refused_with_a_reason(labels, key):
    with pytest.raises(UserError) as error:
        check_labels(labels)
    assert error.value.key == key


def test_wrong_shapes_and_unknown_ids_are_refused_and_nothing_leaves_the_home(store, tmp_path):
    with pytest.raises(UserError):
        store.save("x", "image", ["a", "b"], np.zeros((2, 32, 32), np.uint8), [0, 1], "collected")
    with pytest.raises(UserError):
        store.save("x", "image", ["a", "b"], np.zeros((2, 28, 28), np.uint8), [0, 2], "collected")
    info = store.save("x", "image", ["a", "b"], np.zeros((2, 28, 28), np.uint8), [0, 1], "collected")
    with pytest.raises(UserError):  # floats in [0, 1] would be cut to 0 and 1 by a silent cast
        store.add_samples(info.id, np.ones((1, 28, 28), np.float32), [0])
    for hostile in ("../../etc", "0123456789ab/..", "", "ABCDEF012345"):
        with pytest.raises(UserError) as error:
            store.load(hostile)
        assert error.value.key == "error.data.unknown"
    assert [p.name for p in tmp_path.iterdir()] == ["datasets"]


def test_a_damaged_folder_is_skipped_by_the_list_and_delete_removes_a_set(store):
    x, y = drawings(2)
    info = store.save("set", "image", ["a", "b"], x, y, "collected")
    (store.root / "0123456789ab").mkdir()
    (store.root / "0123456789ab" / "meta.json").write_text("{not json")
    assert [i.id for i in store.list()] == [info.id]
    store.delete(info.id)
    assert store.list() == []


class FileOnlyModel:
    """Stands in for a Keras model where only the file the run store writes matters."""

    def save(self, path) -> None:
        with open(path, "wb") as fh:
            fh.write(b"model")


def test_stored_runs_are_sorted_by_the_data_their_model_reads(tmp_path):
    from core.class_runs import list_usable_runs, run_aliases, run_kind
    from core.runstore import RunRecord, RunStore

    runs = RunStore(tmp_path)

    def add(task: str, config: dict, status: str = "done", model: bool = True) -> int:
        return runs.add(RunRecord(task=task, status=status, config=config), model=FileOnlyModel() if model else None)

    def on_set(set_id: str, labels: list[str], model: dict) -> dict:
        return {"dataset": "class", "dataset_id": set_id, "labels": labels, "model": model}

    drawn = add("class-mlp", on_set("a" * 12, ["o", "x"], {"input_shape": [28, 28]}))
    words = add("class-gru", on_set("b" * 12, ["hum", "whistle"], {"kind": "gru", "mel_bins": 40}))
    texts = add("class-gru", on_set("c" * 12, ["晴", "雨"], {"kind": "gru", "seq_len": 128}))
    digits = add("mnist-mlp", {"dataset": "mnist", "model": {"input_shape": [28, 28]}})
    add("cifar10-cnn", {"dataset": "cifar10", "model": {"input_shape": [32, 32, 3]}})  # no class set is colour
    reviews = add("text-mean", {"dataset": "text", "model": {"kind": "mean", "seq_len": 128}})
    add("class-mlp", on_set("a" * 12, ["o", "x"], {"input_shape": [28, 28]}), status="failed", model=False)
    spoken = add("speech-crnn", {"dataset": "speech", "model": {"kind": "crnn"}}, status="stopped")

    assert [r.id for r in list_usable_runs(runs, "image")] == [digits, drawn]
    assert [r.id for r in list_usable_runs(runs, "audio")] == [spoken, words]
    assert [r.id for r in list_usable_runs(runs, "text")] == [reviews, texts]  # a GRU may read either
    assert [r.id for r in list_usable_runs(runs, "image", class_only=True)] == [drawn]
    assert [r.id for r in list_usable_runs(runs, "text", dataset_id="c" * 12)] == [texts]
    assert run_kind(runs.get(words)) == "audio" and run_aliases(runs.get(texts)) == (("晴",), ("雨",))
    assert run_aliases(runs.get(digits))[7] == ("7",)
    (tmp_path / "models" / f"run-{digits}.keras").unlink()  # a model file removed by hand is not offered
    assert [r.id for r in list_usable_runs(runs, "image")] == [drawn]
