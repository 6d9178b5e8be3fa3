"""Demo-safe training in front of an audience: a run that fails offers, in one click, the shipped model
on the Try tab or a replay of the best stored run; presenter mode folds the advanced controls of every
training form away, and a preset still trains from the folded form."""

import pytest
from streamlit.testing.v1 import AppTest

from core.jobs import JobStatus
from tests.app.test_pages import APP, finish, open_app
from ui.state import get_runner, get_store


def fail_every_run(monkeypatch) -> None:
    """Make every training job raise, as a crashed GPU driver would."""
    import core.tasks

    def broken(spec, callbacks=()):
        raise RuntimeError("the GPU driver stopped responding")

    monkeypatch.setattr(core.tasks, "train_classifier", broken)


def start_failing_run(at: AppTest, page: str) -> int:
    at.button(key=f"{page}_start").click().run()
    assert not at.exception, at.exception
    job_id = at.session_state[f"{page}_job"]
    finish(at, job_id)
    assert get_runner().get(job_id).status is JobStatus.FAILED
    assert any("the GPU driver stopped responding" in e.value for e in at.error)
    assert any(m.value.startswith("**The run failed.**") for m in at.markdown)
    return job_id


def test_a_failed_run_switches_in_one_click_to_the_shipped_model_on_the_try_tab(monkeypatch):
    fail_every_run(monkeypatch)
    at = open_app("en", "app_pages/mnist.py")
    at.session_state["mnist_tab"] = "Train"
    at.run()
    job_id = start_failing_run(at, "mnist")
    assert not any("Draw a digit first" in i.value for i in at.info)  # Try it is closed while training

    at.button(key=f"fallback_shipped_{job_id}").click().run()
    assert not at.exception, at.exception
    assert at.session_state["mnist_tab"] == "Try it"
    assert at.session_state["digit_model_choice"] == "mnist_mlp"
    assert any("Draw a digit first" in i.value for i in at.info)  # the shipped model waits for a drawing
    assert any("now holds the shipped model" in s.value for s in at.success)


def test_a_failed_run_replays_the_best_stored_run_of_its_kind_in_one_click(monkeypatch):
    from core.runstore import RunRecord

    curve = [{"epoch": e, "loss": 1.0 / e, "accuracy": 0.5 + e / 10, "val_loss": 1.2 / e, "val_accuracy": 0.5 + e / 12}
             for e in (1, 2, 3)]
    best = get_store().add(RunRecord(task="speech-gru", status="done", config={}, epochs=curve, test_accuracy=0.9999))
    get_store().add(RunRecord(task="speech-gru", status="done", config={}, epochs=curve[:1], test_accuracy=0.42))
    fail_every_run(monkeypatch)
    at = open_app("en", "app_pages/speech.py")
    job_id = start_failing_run(at, "speech")
    assert any(c.value.startswith(f"Best stored run of this kind: #{best}, 3 epochs, 100.0%") for c in at.caption)

    jobs_before = len(get_runner().jobs())
    at.button(key=f"fallback_replay_{job_id}").click().run()
    assert not at.exception, at.exception
    assert any(c.value.startswith(f"Replaying run #{best}: epoch 1 of 3") for c in at.caption)
    assert len(get_runner().jobs()) == jobs_before  # a replay trains nothing


def widget_keys(block) -> set[str]:
    """The keys of every widget inside ``block``, however deeply nested in columns and containers."""
    keys = set()
    for child in getattr(block, "children", {}).values():
        if getattr(child, "key", None):
            keys.add(child.key)
        keys |= widget_keys(child)
    return keys


def folded_keys(at: AppTest) -> dict[str, set[str]]:
    """Widget keys inside each expander that starts collapsed, by its label."""
    return {e.label: widget_keys(e) for e in at.expander if not e.proto.expanded}


# Per page: the custom preset, the controls it folds away (by the expander that holds them), a shipped preset.
FORMS = {
    "mnist": ("custom", {"Data source": {"mnist_data_source"},
                         "Network: layers, dropout and augmentation": {"mnist_custom_layers", "mnist_custom_dropout",
                                                                       "mnist_custom_shift"},
                         "Optimizer: learning rate, batch size and decay": {"mnist_custom_lr", "mnist_custom_batch"},
                         "Seed to repeat a run": {"mnist_seed"}}, "compact_mlp"),
    "images": ("custom_cnn", {"Data source": {"images_data_source"},
                              "Network: layers, dropout and augmentation": {"images_blocks", "images_kernel",
                                                                            "images_shift", "images_rotation"},
                              "Optimizer: learning rate, batch size and decay": {"images_custom_lr",
                                                                                 "images_custom_batch"},
                              "Seed to repeat a run": {"images_seed"}}, "cnn2"),
    "speech": ("custom", {"Data: voices, languages and augmented copies": {"speech_data_source", "speech_copies"},
                          "Network: layers, dropout and augmentation": {"speech_kind", "speech_units", "speech_masks"},
                          "Optimizer: learning rate, batch size and decay": {"speech_custom_lr", "speech_custom_batch"},
                          "Seed to repeat a run": {"speech_seed"}}, "gru"),
    "text": ("custom", {"Data source": {"text_language"},
                        "Network: layers, dropout and augmentation": {"text_kind", "text_blocks", "text_dropout"},
                        "Optimizer: learning rate, batch size and decay": {"text_custom_lr", "text_custom_batch"},
                        "Seed to repeat a run": {"text_seed"}}, "mean"),
}


@pytest.mark.parametrize("page", list(FORMS))
def test_presenter_mode_folds_advanced_controls_on_each_training_form_and_a_preset_still_trains(page):
    custom, folds, preset = FORMS[page]
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params.update({"lang": "en", "present": "1"})
    at.run()
    at.switch_page(f"app_pages/{page}.py").run()
    at.selectbox(key=f"{page}_preset").select(custom).run()
    assert not at.exception, at.exception
    folded = folded_keys(at)
    for label, keys in folds.items():
        assert keys <= folded.get(label, set()), (label, folded.get(label))
    in_view = widget_keys(at.main) - set().union(*folded.values())
    assert {f"{page}_preset", f"{page}_epochs_{custom}", f"{page}_start"} <= in_view

    at.selectbox(key=f"{page}_preset").select(preset).run()
    labels = [e.label for e in at.expander if not e.proto.expanded]
    assert len(labels) == len(set(labels))  # each folded area says what it holds
    assert f"{page}_seed" in folded_keys(at)["Seed to repeat a run"]
    at.number_input(key=f"{page}_seed").set_value(11).run()
    at.button(key=f"{page}_start").click().run()
    assert not at.exception, at.exception
    job = get_runner().get(at.session_state[f"{page}_job"])
    assert job.config["train"]["seed"] == 11 and job.status is not JobStatus.FAILED, job.error
    get_runner().stop(job.id)
    get_runner().wait(job.id, timeout=60)


@pytest.mark.parametrize("page", list(FORMS))
def test_without_presenter_mode_the_advanced_controls_stay_in_view(page):
    custom, folds, _ = FORMS[page]
    at = open_app("en", f"app_pages/{page}.py")
    at.selectbox(key=f"{page}_preset").select(custom).run()
    assert not at.exception, at.exception
    in_view = widget_keys(at.main) - set().union(*folded_keys(at).values())
    assert set().union(*folds.values()) <= in_view
    assert not set(folds) & {e.label for e in at.expander}


def test_the_digits_train_tab_names_its_two_folded_areas_for_what_they_hold():
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params.update({"lang": "zh", "present": "1"})
    at.run()
    at.switch_page("app_pages/mnist.py").run()
    assert {"数据来源", "重现训练的随机种子"} <= set(folded_keys(at))
    assert "更多设置" not in {e.label for e in at.expander}


def test_presenter_mode_folds_the_energy_assumptions_and_they_still_take_a_value():
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params.update({"lang": "en", "present": "1"})
    at.run()
    at.switch_page("app_pages/impact.py").run()
    at.session_state["impact_tab"] = "Energy"
    at.run()
    assert not at.exception, at.exception
    folded = folded_keys(at).get("Assumptions: device power and grid carbon intensity", set())
    assert {"impact_watts", "impact_grid"} <= folded
    at.number_input(key="impact_watts").set_value(45.0).run()
    assert not at.exception, at.exception
    assert at.number_input(key="impact_watts").value == 45.0
