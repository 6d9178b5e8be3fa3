"""The engine under the pages: training jobs, devices, the run store, metrics and translations.

Nothing in this package imports Streamlit, and only ``devices`` and ``jobs`` touch Keras, lazily.
"""
