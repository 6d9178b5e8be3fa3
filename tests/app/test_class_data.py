"""The Class data sets page and the class-set models on the Train & try pages, through AppTest:
which stored models are offered where, finding and deleting any one sample, what an upload reports,
the words of the evaluation, and the way out of a failed or slow run."""

from __future__ import annotations

import io
import time
import warnings
import zipfile

import numpy as np
from test_pages import finish, image_bytes, open_app, open_data_set, train_class_set, two_tones, wav_bytes

from core.jobs import JobStatus
from core.runstore import RunRecord
from ui.state import get_runner, get_store, get_user_data

ONE_EPOCH = [{"loss": 0.7, "accuracy": 0.5, "val_loss": 0.7, "val_accuracy": 0.5}]


def store_run(task: str, config: dict, model, accuracy: float = 0.5) -> int:
    """File a finished run with ``model`` (untrained: only what it reads and how many classes matter)."""
    record = RunRecord(task=task, status="done", config=config, test_accuracy=accuracy, epochs=ONE_EPOCH)
    return get_store().add(record, model=model)


def on_class_set(info, model_config) -> dict:
    """A run's settings as a training on the class data set ``info`` files them."""
    return {"dataset": "class", "dataset_id": info.id, "labels": list(info.labels), "model": model_config.to_dict()}


def store_gru_run(info, accuracy: float = 0.5) -> int:
    """A small GRU with one output per class of the recordings ``info``, stored as a class-set run."""
    from models.speech_rnn import SpeechConfig, build_model

    config = SpeechConfig(kind="gru", units=8, num_classes=len(info.labels))
    return store_run("class-gru", on_class_set(info, config), build_model(config), accuracy)


def store_text_run(info) -> int:
    """A mean of embeddings with its vocabulary from the texts ``info``, stored as a class-set run."""
    from core.class_tasks import ClassDataJobSpec
    from models.text_transformer import TextConfig

    spec = ClassDataJobSpec(TextConfig(kind="mean", num_classes=len(info.labels)), info.id, info.labels)
    return store_run("class-mean", on_class_set(info, spec.model), spec.build_model())


def mnist_set(name: str, labels: list[str], digits: tuple[int, ...], per_class: int, split: str = "test"):
    """A class image set of ``per_class`` bundled digits of each of ``digits``, labelled ``labels``."""
    from data.mnist import load_bundled_mnist

    data = load_bundled_mnist()
    x, y = getattr(data, f"x_{split}"), getattr(data, f"y_{split}")
    picked = np.concatenate([np.flatnonzero(y == digit)[:per_class] for digit in digits])
    return get_user_data().save(name, "image", labels, x[picked], np.searchsorted(digits, y[picked]), "collected")


def as_canvas(picture: np.ndarray) -> np.ndarray:
    """A 28×28 picture blown up to the 280×280 RGBA image a canvas gives."""
    grey = np.kron(picture, np.ones((10, 10), np.uint8))
    return np.dstack([grey, grey, grey, np.full_like(grey, 255)])


# Which models are offered


def test_every_stored_run_that_reads_a_set_is_offered_for_evaluation_and_one_knowing_none_of_it_is_named():
    from models.image_cnn import CNNConfig
    from models.image_cnn import build_model as build_cnn
    from models.mnist_mlp import MLPConfig, build_model
    from models.speech_rnn import SpeechConfig
    from models.speech_rnn import build_model as build_rnn

    words = get_user_data().save("Hum and whistle", "audio", ["hum", "whistle"], two_tones(5, 1100, 220),
                                 np.repeat([0, 1], 5), "collected")
    words_run = store_gru_run(words)
    spoken = SpeechConfig(kind="crnn", units=8, conv_filters=(8,))
    digits_run = store_run("speech-crnn", {"dataset": "speech", "model": spoken.to_dict()}, build_rnn(spoken))
    at = open_data_set("en", words.id)
    offered = at.selectbox(key="data_eval_audio").options
    assert any(o.startswith(f"Run #{words_run} · GRU · class data set “Hum and whistle”") for o in offered)
    assert any(o.startswith(f"Run #{digits_run} · CRNN · synthesized spoken digits") for o in offered)
    at.selectbox(key="data_eval_audio").set_value(f"run:{digits_run}").run()
    assert any("This model knows none of this set's classes (hum, whistle)" in w.value for w in at.warning)
    assert at.button(key="data_eval_go").disabled
    at.selectbox(key="data_eval_audio").set_value(f"run:{words_run}").run()
    at.button(key="data_eval_go").click().run()
    assert not at.exception, at.exception
    assert any(m.label == "Accuracy on 10 samples" for m in at.metric)

    threes = mnist_set("Threes, eights and a cat", ["3", "8", "cat"], (3, 8, 9), 5)
    digit_mlp = MLPConfig(hidden_units=(16,))
    digits_mlp_run = store_run("mnist-mlp", {"dataset": "mnist", "model": digit_mlp.to_dict()}, build_model(digit_mlp))
    colour = CNNConfig(input_shape=(32, 32, 3), filters=(8,), pool_after=(True,))
    photos_run = store_run("cifar10-cnn", {"dataset": "cifar10", "model": colour.to_dict()}, build_cnn(colour))
    at = open_data_set("en", threes.id)
    offered = at.selectbox(key="data_eval_image").options
    assert any(o.startswith(f"Run #{digits_mlp_run} · MLP · MNIST digits") for o in offered)
    assert not any(o.startswith(f"Run #{photos_run} ") for o in offered)  # no class set holds colour photos
    at.selectbox(key="data_eval_image").set_value(f"run:{digits_mlp_run}").run()
    at.button(key="data_eval_go").click().run()
    assert not at.exception, at.exception
    assert any(m.label == "Accuracy on 10 samples" for m in at.metric)  # the cats left out
    assert any("no class by these names: cat." in c.value for c in at.caption)


def test_a_stored_class_model_is_tried_after_a_reload_and_on_the_training_page_of_its_kind():
    from data.mnist import load_bundled_mnist

    info = mnist_set("Noughts and ones", ["nought", "one"], (0, 1), 10, split="train")
    at = open_data_set("en", info.id)
    job = train_class_set(at, "class_train_epochs_mlp", 5)
    assert job.status is JobStatus.DONE
    data = load_bundled_mnist()
    one = data.x_test[np.flatnonzero(data.y_test == 1)[0]]

    again = open_data_set("en", info.id)  # a new session: the job is not this visitor's any more
    assert again.selectbox(key=f"class_train_model_{info.id}").value == job.run_id
    again.session_state["class_train_drawing"] = as_canvas(one)
    again.run()
    assert not again.exception, again.exception
    assert next(m for m in again.metric if m.label == "The model reads").value == "one"

    digits = open_app("en", "app_pages/mnist.py")
    digits.selectbox(key="digit_model_choice").set_value(job.run_id).run()
    digits.session_state["mnist_class_try_drawing"] = as_canvas(one)
    digits.run()
    assert not digits.exception, digits.exception
    assert any("learned the class data set “Noughts and ones”" in c.value for c in digits.caption)
    assert next(m for m in digits.metric if m.label == "The model reads").value == "one"


def test_recordings_and_texts_models_are_tried_on_the_speech_and_reviews_pages_with_their_own_labels():
    words = get_user_data().save("Low and high", "audio", ["low", "high"], two_tones(6, 1300, 180),
                                 np.repeat([0, 1], 5), "collected")
    words_run = store_gru_run(words)
    texts = get_user_data().save("晴和雨", "text", ["晴", "雨"],
                                 np.array(["晴天出门", "阳光很好", "天很晴", "晒太阳", "蓝天白云",
                                           "下雨了", "带伞出门", "雨很大", "下大雨", "阴雨天"]),
                                 np.repeat([0, 1], 5), "collected")
    texts_run = store_text_run(texts)

    at = open_app("en", "app_pages/speech.py")
    at.selectbox(key="speech_model").set_value(words_run).run()
    tone = 0.3 * np.sin(2 * np.pi * 1300 * np.arange(16000) / 16000)
    at.audio_input(key="speech_class_try_audio").set_value(("low.wav", wav_bytes(tone, 16000), "audio/wav")).run()
    assert not at.exception, at.exception
    assert next(m for m in at.metric if m.label == "The model reads").value in ("low", "high")

    at = open_app("zh", "app_pages/text.py")
    assert any("课堂数据集“晴和雨”" in option for option in at.selectbox(key="text_model").options)
    at.selectbox(key="text_model").set_value(texts_run).run()
    at.text_input(key="text_class_try_text").input("外面在下雨").run()
    assert not at.exception, at.exception
    assert next(m for m in at.metric if m.label == "模型认为是").value in ("晴", "雨")


def test_a_damaged_model_file_is_named_not_a_traceback():
    words = get_user_data().save("Ping and pong", "audio", ["ping", "pong"], two_tones(10, 1600, 260),
                                 np.repeat([0, 1], 5), "collected")
    run_id = store_gru_run(words)
    with open(get_store().get(run_id).model_path, "wb") as fh:
        fh.write(b"PK not a model any more")
    at = open_data_set("en", words.id)
    assert not at.exception, at.exception
    assert any(f"The model file of run #{run_id} is missing or damaged" in e.value for e in at.error)


# Finding and deleting one sample


def test_the_20th_sample_of_a_class_is_found_on_its_page_and_deleted():
    rng = np.random.default_rng(7)
    pictures = rng.integers(0, 256, (40, 28, 28), dtype=np.uint8)
    info = get_user_data().save("Twenty of each", "image", ["a", "b"], pictures, np.arange(40) % 2, "collected")
    at = open_data_set("en", info.id)
    at.selectbox(key=f"data_show_{info.id}").set_value(1).run()
    captions = next(image.captions for image in at.get("image") if "#1" in image.captions)
    assert len(captions) == 20 and captions[-1] == "#39"  # class b's 20th sample: every one is on the page
    at.number_input(key=f"data_edit_{info.id}").set_value(39).run()
    assert any(c.value.startswith("Sample 39, class “b”") for c in at.caption)
    at.button(key="data_delete_sample").click().run()
    assert not at.exception, at.exception
    stored, x, _ = get_user_data().load(info.id)
    assert stored.counts == (20, 19) and not any(np.array_equal(sample, pictures[39]) for sample in x)


def test_texts_of_a_class_are_paged_and_the_last_one_on_page_two_is_deleted():
    texts = np.array([f"sentence {i} of {'ab'[i % 2]}" for i in range(50)])
    info = get_user_data().save("Fifty lines", "text", ["a", "b"], texts, np.arange(50) % 2, "collected")
    at = open_data_set("zh", info.id)
    at.selectbox(key=f"data_show_{info.id}").set_value(0).run()
    assert at.table[-1].value.iloc[:, 0].tolist() == texts[0:40:2].tolist()  # the first 20 of class a
    at.pagination(key=f"data_page_{info.id}_0").set_value(2).run()
    page_two = at.table[-1].value
    assert page_two.index.tolist() == [40, 42, 44, 46, 48] and page_two.iloc[-1, 0] == "sentence 48 of a"
    at.number_input(key=f"data_edit_{info.id}").set_value(48).run()
    at.button(key="data_delete_sample").click().run()
    assert not at.exception, at.exception
    _, x, _ = get_user_data().load(info.id)
    assert "sentence 48 of a" not in x.tolist() and len(x) == 49


# What an upload says, and what an export gives back


def test_an_upload_reports_a_path_held_twice_and_notes_a_file_name_twice_in_one_class():
    entries = [(f"{label}/{i}.png", image_bytes(np.full((30, 30), 20 * i + shade, np.uint8)))
               for label, shade in (("dark", 5), ("light", 150)) for i in range(5)]
    entries += [("dark/0.png", image_bytes(np.full((30, 30), 99, np.uint8))),  # the same path again, edited
                ("light/more/1.png", image_bytes(np.full((30, 30), 250, np.uint8)))]
    bundle = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(bundle, "w") as archive:
        warnings.simplefilter("ignore", UserWarning)  # zipfile warns of the duplicate name: that is the point
        for name, payload in entries:
            archive.writestr(name, payload)
    at = open_app("en", "app_pages/datasets.py")
    at.file_uploader(key="upload_data_file_image").upload("shades.zip", bundle.getvalue(), "application/zip").run()
    at.button(key="upload_data_go").click().run()
    assert not at.exception, at.exception
    assert any("imported: 11 samples in 2 classes" in s.value for s in at.success)
    skipped, notes = (frame.value for frame in at.dataframe[-2:])
    assert skipped.iloc[0].tolist() == ["dark/0.png", "The zip holds this path twice: the later copy was read, "
                                                      "the one unzipping keeps."]
    assert notes.iloc[0, 0] == "light/1.png, light/more/1.png"
    assert any("1 file names appear twice in one class" in i.value for i in at.info)


def test_a_text_set_downloads_as_a_csv_that_uploads_back_with_the_same_texts():
    texts = np.array(["很好，推荐", "太差了", "不错", "失望", "还可以", "一般", "满意", "退货了", "喜欢", "很慢"])
    info = get_user_data().save("评论", "text", ["好评", "差评"], texts, np.arange(10) % 2, "collected")
    at = open_data_set("zh", info.id)
    assert any(b.proto.label == "下载数据集（CSV）" for b in at.get("download_button"))
    suffix, payload = get_user_data().export_file(info.id)
    at.radio(key="upload_data_kind").set_value("text").run()
    at.file_uploader(key="upload_data_file_text").upload(f"评论{suffix}", payload, "text/csv").run()
    at.button(key="upload_data_go").click().run()
    assert not at.exception, at.exception
    again, x, y = get_user_data().load(at.session_state["dataset_chosen"])
    assert again.id != info.id and set(again.labels) == {"好评", "差评"} and not at.warning
    assert {(again.labels[label], text) for label, text in zip(y, x)} == \
        {(info.labels[label], text) for label, text in zip(np.arange(10) % 2, texts)}


# Words on the page


def test_the_worst_examples_say_all_were_right_when_nothing_was_wrong():
    right = mnist_set("Threes and eights", ["3", "8"], (3, 8), 6)
    at = open_data_set("en", right.id)
    at.selectbox(key="data_eval_image").set_value("mnist_cnn").run()
    at.button(key="data_eval_go").click().run()
    assert not at.exception, at.exception
    assert any(s.value == "All 12 samples were read right: there is no mistake to show." for s in at.success)
    assert not any(c.startswith("Worst examples first") for image in at.get("image") for c in image.captions)

    _, x, y = get_user_data().load(right.id)
    mislabelled = np.where(np.arange(12) < 2, 1, y)  # the first two threes called eights
    swapped = get_user_data().save("Two threes called eights", "image", ["3", "8"], x, mislabelled, "collected")
    at = open_data_set("en", swapped.id)
    at.selectbox(key="data_eval_image").set_value("mnist_cnn").run()
    at.button(key="data_eval_go").click().run()
    worst = [c for image in at.get("image") for c in image.captions if c.startswith("Worst examples first")]
    assert worst and "#0 8 → 3" in worst[0] and "#1 8 → 3" in worst[0]


def test_the_title_is_the_sidebar_name_and_the_table_keeps_to_four_columns():
    mnist_set("一个很长很长的数据集名字，用来看看手机上的表格会不会被截断", ["0", "1"], (0, 1), 5)
    for lang, title in (("en", "Class data sets"), ("zh", "课堂数据集")):
        at = open_app(lang, "app_pages/datasets.py")
        assert at.title[0].value == title
        assert at.dataframe[0].value.shape[1] == 4  # name, kind, classes, samples: within a phone's width
        assert any(c.value.startswith(("How it was made:", "来源：")) for c in at.caption)  # the rest, for one set


# Demo-safe training


def test_a_slow_run_on_a_class_set_gives_way_to_the_sets_stored_model():
    words = get_user_data().save("Buzz and hiss", "audio", ["buzz", "hiss"], two_tones(8, 900, 300),
                                 np.repeat([0, 1], 5), "collected")
    best = store_gru_run(words, accuracy=0.9)
    store_gru_run(words, accuracy=0.6)  # newer, but not as good
    at = open_data_set("en", words.id)
    at.radio(key="class_train_family_audio").set_value("crnn").run()
    at.slider(key="class_train_epochs_crnn").set_value(50).run()
    at.button(key="class_train_start").click().run()
    job_id = at.session_state["class_job"]
    deadline = time.time() + 60
    while get_runner().get(job_id).status is JobStatus.QUEUED and time.time() < deadline:
        time.sleep(0.2)
    at.run()
    assert not at.button(key=f"class_fallback_replay_{job_id}").disabled
    at.button(key=f"class_fallback_stored_{job_id}").click().run()
    assert not at.exception, at.exception
    assert get_runner().get(job_id).status.finished
    assert any(f"now uses run #{best}, the best model stored" in s.value for s in at.success)
    assert at.selectbox(key=f"class_train_model_{words.id}").value == best
    finish(at, job_id)
    assert not at.exception, at.exception


def test_a_run_that_finished_well_needs_no_way_out_and_none_offers_the_shipped_models():
    words = get_user_data().save("Tick and tock", "audio", ["tick", "tock"], two_tones(9, 1500, 400),
                                 np.repeat([0, 1], 5), "collected")
    at = open_data_set("en", words.id)
    at.radio(key="class_train_family_audio").set_value("gru").run()
    job = train_class_set(at, "class_train_epochs_gru", 1)
    assert job.status is JobStatus.DONE
    assert not any(b.key and b.key.startswith("class_fallback") for b in at.button)
    assert not any(b.key and b.key.startswith("fallback_shipped") for b in at.button)


def test_two_sets_of_one_name_are_told_apart_in_the_picker():
    first = mnist_set("Same name", ["3", "8"], (3, 8), 5)
    second = mnist_set("Same name", ["3", "8"], (3, 8), 6)
    at = open_data_set("en", second.id)
    options = at.selectbox(key="dataset_chosen").options
    assert f"Same name · Images · {first.id[:6]}" in options and f"Same name · Images · {second.id[:6]}" in options
