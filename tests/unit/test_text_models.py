"""Text models: the encoder block, each preset, saving with the vocabulary, reading a sentence, occlusion."""

from dataclasses import replace

import numpy as np
import pytest

from core.errors import UserError
from core.explain import token_occlusion
from core.text_inference import MAX_INPUT_CHARS, read_text
from core.text_tasks import TextJobSpec
from core.training import TrainConfig, fit_classifier
from data.tokenizer import OOV_ID, Tokenizer

keras = pytest.importorskip("keras")

from models.text_layers import EncoderBlock  # noqa: E402
from models.text_transformer import PRESETS, TextConfig, attention_maps, build_model, tokenizer_of  # noqa: E402

TOKENIZER = Tokenizer.fit(["这本书很好看", "质量太差了不好", "服务热情房间干净"], "char", max_tokens=100, min_count=1)
SMALL = {"seq_len": 16, "embed_dim": 16, "ff_dim": 32, "units": 8}  # presets shrunk so a step takes milliseconds


def random_ids(count: int, length: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    ids = rng.integers(2, TOKENIZER.size, size=(count, length)).astype(np.int32)
    for row, used in enumerate(rng.integers(1, length + 1, size=count)):
        ids[row, used:] = 0  # each row padded after its own length
    return ids


def test_encoder_block_keeps_the_shape_and_attention_sums_to_one_over_real_keys():
    ids = random_ids(3, 10)
    ids[0, 4:] = 0
    lengths = (ids != 0).sum(axis=1)
    x = np.random.default_rng(1).normal(size=(3, 10, 16)).astype(np.float32)
    block = EncoderBlock(16, heads=4, ff_dim=32, dropout=0.0)
    out, scores = block(x, ids, return_attention=True)
    assert tuple(out.shape) == (3, 10, 16)
    scores = keras.ops.convert_to_numpy(scores)
    assert scores.shape == (3, 4, 10, 10)
    for row, n in enumerate(lengths):  # every real token shares out exactly all its attention
        np.testing.assert_allclose(scores[row, :, :n, :].sum(axis=-1), 1.0, atol=1e-5)
    assert np.all(scores[0, :, :4, 4:] == 0)  # real tokens never look at padding


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_each_preset_trains_one_step_on_64_reviews_with_a_finite_loss(name):
    config = replace(PRESETS[name].model, **SMALL)
    model = build_model(config, TOKENIZER)
    x, y = random_ids(64, config.seq_len), np.arange(64) % 2
    history = fit_classifier(model, x, y, None, TrainConfig(epochs=1, batch_size=64))
    assert np.isfinite(history["loss"][0])
    assert model.output_shape == (None, 2)


def test_a_saved_model_carries_its_vocabulary_and_answers_the_same(tmp_path):
    from core.inference import load_model_file

    model = build_model(replace(PRESETS["small"].model, **SMALL), TOKENIZER)
    model.save(tmp_path / "text.keras")
    loaded = load_model_file(tmp_path / "text.keras")
    assert tokenizer_of(loaded.model) == TOKENIZER
    ids = random_ids(4, 16)
    np.testing.assert_allclose(loaded.predict_batch(ids), model.predict(ids, verbose=0), atol=1e-5)
    maps = attention_maps(loaded.model, ids[0])
    assert len(maps) == 1 and maps[0].shape == (2, 16, 16)


def test_read_text_reports_cuts_unknown_tokens_and_refuses_empty_or_unknown_text():
    model = build_model(replace(PRESETS["mean"].model, seq_len=16), TOKENIZER)
    reading = read_text(model, "这本书很好看，😀")
    assert reading.tokens == list("这本书很好看,😀") and reading.unknown == 2 and not reading.truncated
    assert reading.ids[len(reading.tokens):].tolist() == [0] * (16 - len(reading.tokens))
    long = read_text(model, "好" * (MAX_INPUT_CHARS + 10))
    assert long.truncated and long.chars_cut and len(long.tokens) == 16 and long.total_tokens == MAX_INPUT_CHARS
    for bad, key in (("   \n\t", "error.text_empty"), ("\x00\x01", "error.text_empty"),
                     ("<script>alert(1)</script>", "error.text_all_unknown")):
        with pytest.raises(UserError) as caught:
            read_text(model, bad)
        assert caught.value.key == key


def test_token_occlusion_measures_each_token_against_the_unknown_token():
    def predict(batch):  # "probability of class 1" = share of tokens that are id 5
        share = (batch == 5).sum(axis=1) / np.maximum((batch != 0).sum(axis=1), 1)
        return np.stack([1 - share, share], axis=1)

    ids = np.array([5, 7, 5, 0, 0])
    importance = token_occlusion(predict, ids, label=1)
    assert importance.shape == (5,)
    np.testing.assert_allclose(importance, [2 / 3 - 1 / 3, 0, 2 / 3 - 1 / 3, 0, 0], atol=1e-6)
    assert np.all(token_occlusion(predict, np.zeros(4, int), 1) == 0)
    assert OOV_ID == 1


def test_text_spec_names_its_task_and_refuses_bad_settings():
    spec = TextJobSpec(model=TextConfig(kind="gru"))
    assert spec.task == "text-gru" and spec.data_source == "bundled"
    for bad in (TextConfig(heads=3), TextConfig(blocks=9), TextConfig(seq_len=4), TextConfig(language="fr")):
        with pytest.raises(UserError):
            TextJobSpec(model=bad).validate()
    with pytest.raises(UserError) as caught:  # English needs IMDB: not cached, and the tests are offline
        TextJobSpec(model=TextConfig(language="en")).validate()
    assert caught.value.key == "error.imdb_offline"


def test_text_spec_arrays_are_token_ids_of_the_bundled_splits():
    spec = TextJobSpec(model=TextConfig(seq_len=32), train_limit=100)
    data = spec.arrays()
    assert data.x_train.shape == (100, 32) and data.x_train.dtype == np.int32
    assert data.x_test.shape == (1_736, 32) and data.sizes["validation"] == 1_736
    assert (data.x_test[:, 0] > 1).mean() > 0.95  # almost every review starts with a known character


def test_an_ensemble_answers_the_mean_of_its_members_and_keeps_each_ones_vocabulary_and_attention(tmp_path):
    from models.text_transformer import block_names, build_ensemble, ensemble_members

    config = replace(PRESETS["small"].model, **SMALL)
    members = []
    for seed in (0, 1):
        keras.utils.set_random_seed(seed)
        members.append(build_model(config, TOKENIZER))
    ids = random_ids(4, config.seq_len)
    expected = np.mean([member.predict(ids, verbose=0) for member in members], axis=0)
    path = tmp_path / "ensemble.keras"
    build_ensemble(members).save(path)
    loaded = keras.models.load_model(path)

    np.testing.assert_allclose(loaded.predict(ids, verbose=0), expected, rtol=1e-5, atol=1e-6)
    assert [member.name for member in ensemble_members(loaded)] == ["member_1", "member_2"]
    assert tokenizer_of(loaded).tokens == TOKENIZER.tokens
    assert block_names(loaded) == ["block_1"]
    first, second = attention_maps(loaded, ids[:1]), attention_maps(loaded, ids[:1], member=1)
    assert first[0].shape == second[0].shape == (config.heads, config.seq_len, config.seq_len)
    assert not np.allclose(first[0], second[0])  # different random starts attend differently
    np.testing.assert_allclose(first[0], attention_maps(members[0], ids[:1])[0], atol=1e-6)
    assert ensemble_members(members[0]) == [members[0]]
