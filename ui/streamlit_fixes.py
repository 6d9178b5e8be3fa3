"""What Streamlit's script runner does after every run that this app must not have done.

After each run of any visitor's script, Streamlit resets Keras (``keras.backend.clear_session``) whenever
Keras is imported (``_clean_problem_modules`` in streamlit/runtime/scriptrunner/script_runner.py).
The call is process-wide: it replaces Keras's global state under a training job running in another
thread, empties the TensorFlow kernel cache that every visitor's next prediction has to rebuild, and
runs a full garbage collection. Together with the collection Streamlit itself runs after each run
(off in .streamlit/config.toml, ``runner.postScriptGC``), it kept a two-core server collecting
garbage: four visitors drawing as fast as they could got 2.2 answers a second between them, and 25
with both off (docs/BENCHMARKS.md, load test). The app needs neither: shared models live in
``st.cache_resource``, a visitor's own in their job or Session State, and Python's collector still
runs as objects pile up.
"""

from __future__ import annotations


def _clean_nothing() -> None:
    """Streamlit's after-run cleanup without its Keras part (its other part closes matplotlib
    figures, which this app never draws)."""


def keep_keras_state() -> None:
    """Stop Streamlit from clearing Keras's process-wide state after every script run.

    Cheap and idempotent: the router calls it on every run, before any page imports Keras.
    """
    from streamlit.runtime.scriptrunner import script_runner

    if hasattr(script_runner, "_clean_problem_modules"):  # a later Streamlit may drop the hook
        script_runner._clean_problem_modules = _clean_nothing
