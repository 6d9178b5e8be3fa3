"""Training the image presets on a class data set: outputs follow its classes, splits are stratified."""

from dataclasses import replace

import numpy as np
import pytest

from core.class_tasks import ClassDataJobSpec, split_class_data
from core.errors import UserError
from core.tasks import train_classifier
from core.user_data import UserDataStore
from models.mnist_mlp import PRESETS


def digits_as_class_set(home, per_class: int, classes: int = 3):
    from data.mnist import load_bundled_mnist

    data = load_bundled_mnist()
    picked = np.concatenate([np.flatnonzero(data.y_train == c)[:per_class] for c in range(classes)])
    labels = [f"digit {c}" for c in range(classes)]
    return UserDataStore(home).save("digits", "image", labels, data.x_train[picked], data.y_train[picked],
                                    "collected")


def test_the_split_keeps_every_class_in_every_part_and_never_repeats_a_sample():
    y = np.repeat(np.arange(4), 5)
    x = np.zeros((20, 28, 28), np.uint8)
    x[:, 0, 0] = np.arange(20)  # each sample marked by its number
    parts = split_class_data(x, y)
    assert (len(parts.y_train), len(parts.y_val), len(parts.y_test)) == (14, 2, 4)
    assert sorted(parts.y_test.tolist()) == [0, 1, 2, 3]
    firsts = np.concatenate([parts.x_train[:, 0, 0], parts.x_val[:, 0, 0], parts.x_test[:, 0, 0]])
    assert len(np.unique(firsts)) == 20 and parts.x_train.max() <= 1.0


def test_the_mlp_preset_trains_on_a_class_set_with_one_output_per_class(tmp_path):
    info = digits_as_class_set(tmp_path, per_class=10)
    preset = PRESETS["keras_mlp"]
    spec = ClassDataJobSpec(preset.model, info.id, info.labels, replace(preset.train, epochs=2),
                            home=str(tmp_path))
    assert spec.model.num_classes == 3 and spec.task == "class-mlp"
    result = train_classifier(spec)
    assert result["model"].output_shape == (None, 3)
    assert np.isfinite(result["test_loss"]) and 0.0 <= result["test_accuracy"] <= 1.0
    assert spec.to_dict()["labels"] == ["digit 0", "digit 1", "digit 2"]


def test_a_class_with_too_few_samples_is_refused_before_training(tmp_path):
    info = digits_as_class_set(tmp_path, per_class=4)
    spec = ClassDataJobSpec(PRESETS["keras_mlp"].model, info.id, info.labels, home=str(tmp_path))
    with pytest.raises(UserError) as error:
        spec.validate()
    assert error.value.key == "error.data.too_few" and "digit 0 (4)" in error.value.params["classes"]


def test_the_gru_preset_trains_on_recorded_words_with_one_output_per_word(tmp_path):
    from models.speech_rnn import PRESETS as SPEECH_PRESETS

    rng = np.random.default_rng(0)
    t = np.arange(8000) / 8000
    clips = np.stack([np.sin(2 * np.pi * (300 if word else 900) * t) * 0.3 + rng.normal(0, 0.01, 8000)
                      for word in (0, 1) for _ in range(5)]).astype(np.float32)
    info = UserDataStore(tmp_path).save("words", "audio", ["low", "high"], clips, np.repeat([0, 1], 5),
                                        "collected")
    preset = SPEECH_PRESETS["gru"]
    spec = ClassDataJobSpec(preset.model, info.id, info.labels, replace(preset.train, epochs=1), home=str(tmp_path))
    assert spec.task == "class-gru" and spec.model.num_classes == 2
    result = train_classifier(spec)
    assert result["model"].output_shape == (None, 2) and np.isfinite(result["test_loss"])
    image_spec = ClassDataJobSpec(PRESETS["keras_mlp"].model, info.id, info.labels, home=str(tmp_path))
    with pytest.raises(UserError) as error:
        image_spec.validate()  # an image model cannot read recordings
    assert error.value.key == "error.data.kind"


def test_the_mean_of_embeddings_trains_on_typed_lines_with_a_vocabulary_of_their_own(tmp_path):
    from models.text_transformer import PRESETS as TEXT_PRESETS
    from models.text_transformer import tokenizer_of

    texts = np.array(["晴天出门", "阳光很好", "天很晴", "晒太阳", "蓝天白云", "下雨了", "带伞出门", "雨很大", "下大雨", "阴雨天"])
    info = UserDataStore(tmp_path).save("天气", "text", ["晴", "雨"], texts, np.repeat([0, 1], 5), "collected")
    preset = TEXT_PRESETS["mean"]
    spec = ClassDataJobSpec(preset.model, info.id, info.labels, replace(preset.train, epochs=2), home=str(tmp_path))
    assert spec.task == "class-mean" and spec.model.num_classes == 2
    result = train_classifier(spec)
    assert result["model"].output_shape == (None, 2) and np.isfinite(result["test_loss"])
    tokenizer = tokenizer_of(result["model"])
    assert tokenizer.level == "char" and "雨" in tokenizer.tokens and "阳" in tokenizer.tokens
