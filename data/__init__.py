"""Data sets, their loaders and the preprocessing that turns user input into model input."""
