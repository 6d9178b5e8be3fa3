"""After each script run Streamlit would clear Keras's process-wide state; the app turns that off
(ui/streamlit_fixes.py)."""

from pathlib import Path

from streamlit.testing.v1 import AppTest

from core.devices import load_keras

APP = str(Path(__file__).resolve().parents[2] / "app.py")


def test_a_visitors_script_run_leaves_the_process_wide_keras_state_alone():
    keras = load_keras()
    before = keras.layers.Dense(1).name
    at = AppTest.from_file(APP, default_timeout=120).run()  # Keras is imported, so the after-run hook fires
    assert not at.exception, at.exception
    # keras.backend.clear_session() restarts the layer-name counter: the next layer would be "dense" again.
    assert keras.layers.Dense(1).name != before
