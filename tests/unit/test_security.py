"""The security points of docs/SECURITY.md, checked on the code itself: where raw HTML is written and
that what reaches it is escaped, how model files are loaded, that nothing unpickles what a user
sent, that the interface never touches the file system, the upload caps, and that every job spec
refuses absurd sizes with a translated error whatever a widget allowed.

The scans read the source with ``ast``: a new call of one of these kinds fails here until someone
has looked at it and added it, with the reason, to the lists below.
"""

from __future__ import annotations

import ast
import functools
import html
import tomllib
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, strategies as st

from core.errors import SINGLE_FILE_MB, UserError
from hostile_inputs import assert_known_user_error

REPO = Path(__file__).resolve().parents[2]
CODE = sorted([REPO / "app.py", *REPO.glob("app_pages/*.py"), *REPO.glob("ui/*.py"), *REPO.glob("core/*.py"),
               *REPO.glob("data/*.py"), *REPO.glob("models/*.py"), *REPO.glob("tools/*.py")])
INTERFACE = [path for path in CODE if path.parent.name in ("ui", "app_pages") or path.name == "app.py"]

# Every place that writes raw HTML, and why what it writes is safe.
REVIEWED_HTML = {
    ("ui/text_try.py", "render_importance"): "the visitor's tokens and tooltips, html.escape-d by importance_html",
    ("ui/timeline.py", "_render_strip"): "a constant style and the generations' years, integers from the code",
    ("ui/presenter.py", "render_presenter_frame"): "a constant style sheet",
    ("ui/tour.py", "render_notes_window"): "a constant style sheet for the speaker-notes tab",
    ("ui/knowledge_map.py", "render_node_details"): "a constant colour from TYPE_STYLE and a translated kind name",
}
# Where the interface builds a path: only from the app's own constants.
REVIEWED_PATHS = {("ui/tour.py", "_shows"): "a tour step's page file, from core.tour.STEPS"}


@functools.cache
def parse(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"))


def calls_in(path: Path):
    """(call node, name of the function it is in, the text of what is called) for every call in ``path``."""
    tree = parse(path)

    def walk(node, function):
        for child in ast.iter_child_nodes(node):
            inner = child.name if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)) else function
            if isinstance(child, ast.Call):
                yield child, inner, ast.unparse(child.func)
            yield from walk(child, inner)

    yield from walk(tree, "<module>")


def where(path: Path) -> str:
    return str(path.relative_to(REPO))


def test_no_markdown_is_rendered_with_raw_html():
    found = [(where(path), call.lineno) for path in CODE for call, _, _ in calls_in(path)
             for keyword in call.keywords
             if keyword.arg == "unsafe_allow_html" and not (isinstance(keyword.value, ast.Constant)
                                                            and keyword.value.value is False)]
    assert found == []


def test_raw_html_is_written_only_where_reviewed():
    found = {(where(path), function) for path in INTERFACE for _, function, name in calls_in(path)
             if name.endswith(".html") and name.split(".")[0] in ("st", "components", "container")}
    assert found == set(REVIEWED_HTML)


def test_the_token_colouring_escapes_what_the_visitor_typed():
    from ui.text_charts import importance_html

    tokens = ["<script>alert(1)</script>", '"onmouseover="alert(2)', "&amp;", "好"]
    written = importance_html(tokens, np.array([0.5, -0.5, 0.0, 1.0]), lambda value: '"><img src=x onerror=alert(3)>',
                              spaced=True)
    assert "<script" not in written and "<img" not in written and 'onmouseover="' not in written
    for token in tokens:
        assert f">{html.escape(token)}</span>" in written


def test_model_files_load_only_in_safe_mode_and_cannot_be_uploaded():
    loads = [(where(path), function) for path in CODE for _, function, name in calls_in(path)
             if name.split(".")[-1] in ("load_model", "load_weights", "enable_unsafe_deserialization")]
    assert loads == [("core/inference.py", "load_model_file")]
    safe = [keyword for path in CODE for call, _, name in calls_in(path) if name.endswith("load_model")
            for keyword in call.keywords if keyword.arg == "safe_mode"]
    assert len(safe) == 1 and isinstance(safe[0].value, ast.Constant) and safe[0].value.value is True
    model_suffixes = {"keras", ".keras", "h5", ".h5", "pkl", ".pkl", "pickle", "npy", ".npy", "npz", ".npz", "joblib"}
    offered = [(where(path), node.value) for path in INTERFACE for node in ast.walk(parse(path))
               if isinstance(node, ast.Constant) and node.value in model_suffixes]
    assert offered == []  # no upload widget offers a model, pickle or NumPy file


def test_nothing_unpickles_what_a_user_sent():
    unpicklers = {"pickle", "dill", "cloudpickle", "joblib", "shelve", "marshal"}
    imports = []
    for path in CODE:
        for node in ast.walk(parse(path)):
            names = [alias.name for alias in node.names] if isinstance(node, ast.Import) else (
                [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            imports += [(where(path), name) for name in names if name.split(".")[0] in unpicklers]
    # The one unpickler only rebuilds NumPy arrays and plain containers, for the CIFAR-10 and IMDB downloads.
    assert imports == [("data/safe_pickle.py", "pickle")]
    risky = [(where(path), call.lineno) for path in CODE for call, _, name in calls_in(path)
             if name.endswith(("read_pickle", "torch.load", "yaml.unsafe_load"))
             or name.endswith("yaml.load") and not safe_yaml_loader(path, call)
             or any(keyword.arg == "allow_pickle" and ast.unparse(keyword.value) != "False"
                    for keyword in call.keywords)]
    assert risky == []


def safe_yaml_loader(path: Path, call: ast.Call) -> bool:
    """Whether ``yaml.load`` gets a safe loader: named so, or a name every assignment in the file makes safe."""
    loader = next((keyword.value for keyword in call.keywords if keyword.arg == "Loader"), None)
    if loader is None:
        return False
    if not isinstance(loader, ast.Name):
        return "Safe" in ast.unparse(loader)
    values = [node.value for node in ast.walk(parse(path)) if isinstance(node, ast.Assign)
              and any(isinstance(target, ast.Name) and target.id == loader.id for target in node.targets)]
    return bool(values) and all("Safe" in ast.unparse(value) for value in values)


def test_the_interface_never_opens_writes_or_extracts_files():
    touching = {(where(path), function) for path in INTERFACE for _, function, name in calls_in(path)
                if name in ("open", "Path", "os.path.join", "shutil.rmtree", "os.remove")
                or name.endswith((".write_bytes", ".write_text", ".extractall", ".extract", ".unlink", ".mkdir"))}
    assert touching == set(REVIEWED_PATHS)


def test_upload_caps_are_set_for_the_server_and_each_widget():
    from core.audio import MAX_UPLOAD_BYTES as AUDIO_BYTES
    from core.data_import import MAX_UPLOAD_BYTES as DATA_SET_BYTES
    from data.preprocess import MAX_UPLOAD_BYTES as PICTURE_BYTES

    server = tomllib.loads((REPO / ".streamlit" / "config.toml").read_text())["server"]["maxUploadSize"]
    assert DATA_SET_BYTES / 2**20 <= server <= 64  # the largest upload fits, and not much more travels
    assert max(PICTURE_BYTES, AUDIO_BYTES) / 2**20 <= SINGLE_FILE_MB < server
    uploaders = [(where(path), {keyword.arg for keyword in call.keywords}) for path in INTERFACE
                 for call, _, name in calls_in(path) if name.endswith("file_uploader")]
    assert uploaders and all("max_upload_size" in keywords for _, keywords in uploaders), uploaders


@pytest.mark.parametrize("call, size, key", [
    ("data.preprocess:decode_upload", 10 * 2**20 + 1, "error.upload_too_large"),
    ("core.audio:decode_audio", 10 * 2**20 + 1, "error.audio_too_large"),
    ("core.data_import:import_text_csv", 60 * 2**20 + 1, "error.import.too_large"),
    ("core.data_import:import_image_zip", 60 * 2**20 + 1, "error.import.too_large"),
])
def test_the_code_refuses_uploads_over_its_cap_whatever_the_widget_let_through(call, size, key):
    import importlib

    module, function = call.split(":")
    with pytest.raises(UserError) as caught:
        getattr(importlib.import_module(module), function)(b"\0" * size)
    assert caught.value.key == key


# Training caps: every job spec refuses absurd sizes before a job is queued, whatever a widget allowed.

def specs():
    """One valid spec of each kind, to push a single setting out of range."""
    from core.speech_tasks import SpeechJobSpec
    from core.tasks import ImageJobSpec
    from core.text_tasks import TextJobSpec
    from models.image_cnn import CNNConfig
    from models.mnist_mlp import MLPConfig
    from models.speech_rnn import SpeechConfig
    from models.text_transformer import TextConfig

    return {"mlp": ImageJobSpec(MLPConfig()), "cnn": ImageJobSpec(CNNConfig(), dataset="fashion"),
            "speech": SpeechJobSpec(SpeechConfig(kind="crnn")), "text": TextJobSpec(TextConfig())}


ABSURD = [10**6, 2**31, 2**63, -1, -(10**6)]  # beyond every range: the largest, max_tokens, is 50,000
MODEL_SETTINGS = {  # (spec, setting) → how an absurd number becomes that setting's value
    ("mlp", "hidden_units"): lambda n: (n,), ("mlp", "num_classes"): int,
    ("mlp", "shift_pixels"): int, ("cnn", "filters"): lambda n: (n, 64, 64), ("cnn", "dense_units"): int,
    ("cnn", "kernel_size"): int, ("cnn", "num_classes"): int, ("cnn", "shift_pixels"): int,
    ("speech", "units"): int, ("speech", "layers"): int, ("speech", "mel_bins"): int,
    ("speech", "conv_filters"): lambda n: (n, 32), ("speech", "num_classes"): int,
    ("text", "blocks"): int, ("text", "heads"): int, ("text", "embed_dim"): int, ("text", "ff_dim"): int,
    ("text", "units"): int, ("text", "seq_len"): int, ("text", "max_tokens"): int, ("text", "num_classes"): int,
}
TRAIN_SETTINGS = ("epochs", "batch_size", "seed", "learning_rate")


def refused(spec) -> None:
    with pytest.raises(UserError) as caught:
        spec.validate()
    assert_known_user_error(caught.value)


def test_the_valid_specs_pass():
    for spec in specs().values():
        spec.validate()


@pytest.mark.parametrize("value", ABSURD)
@pytest.mark.parametrize("setting", sorted(MODEL_SETTINGS), ids="-".join)
def test_absurd_model_sizes_are_refused_with_a_translated_error(setting, value):
    kind, name = setting
    spec = specs()[kind]
    refused(replace(spec, model=replace(spec.model, **{name: MODEL_SETTINGS[setting](value)})))


@given(kind=st.sampled_from(("mlp", "cnn", "speech", "text")), name=st.sampled_from(TRAIN_SETTINGS),
       value=st.sampled_from([*ABSURD, 10**4, float("nan"), float("inf"), 1e9]))
def test_absurd_training_settings_are_refused_with_a_translated_error(kind, name, value):
    spec = specs()[kind]
    if name == "seed" and 0 <= value < 2**32:  # any seed NumPy takes is fine: push it past the largest
        value += 2**32
    refused(replace(spec, train=replace(spec.train, **{name: value})))


def test_ten_thousand_epochs_never_reach_the_job_runner():
    from core.tasks import make_training_work
    from core.training import MAX_EPOCHS

    spec = specs()["mlp"]
    with pytest.raises(UserError) as caught:
        make_training_work(replace(spec, train=replace(spec.train, epochs=10_000)))
    assert caught.value.key == "error.epochs" and caught.value.params["max"] == MAX_EPOCHS


@pytest.mark.parametrize("changes, key", [({"augment_copies": 10**6}, "error.augment_copies"),
                                          ({"languages": ()}, "error.languages"),
                                          ({"languages": ("xx",)}, "error.languages"),
                                          ({"data_source": "../x"}, "error.data_source")])
def test_absurd_speech_data_settings_are_refused(changes, key):
    with pytest.raises(UserError) as caught:
        replace(specs()["speech"], **changes).validate()
    assert caught.value.key == key


def test_a_class_data_set_spec_with_a_hostile_id_or_a_giant_model_is_refused(tmp_path):
    from core.class_tasks import ClassDataJobSpec, class_data_spec
    from core.training import TrainConfig
    from core.user_data import UserDataStore
    from models.mnist_mlp import MLPConfig

    for source in ("class:../../x", "class:", "class:0123456789ab\n"):
        with pytest.raises(UserError) as caught:
            class_data_spec(MLPConfig(), TrainConfig(), source, home=str(tmp_path))
        assert caught.value.key == "error.data.unknown"
    x = np.zeros((10, 28, 28), np.uint8)
    info = UserDataStore(tmp_path).save("s", "image", ["a", "b"], x, np.repeat([0, 1], 5), "collected")
    refused(ClassDataJobSpec(MLPConfig(hidden_units=(10**6,)), info.id, info.labels, home=str(tmp_path)))
    refused(ClassDataJobSpec(MLPConfig(), info.id, tuple(f"c{i}" for i in range(10**4)), home=str(tmp_path)))
