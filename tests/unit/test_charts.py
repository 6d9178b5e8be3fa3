"""Chart builders: each panel and bar carries the right label, and long series are thinned."""

import numpy as np

from ui.charts import (OKABE_ITO, plot_per_class_accuracy, plot_probabilities, plot_training_curves,
                       plot_weight_images)


def test_weight_panels_are_labelled_with_the_unit_they_show():
    kernel = np.zeros((784, 20), np.float32)
    for unit in range(20):
        kernel[unit, unit] = 1.0  # unit u lights pixel u only, so each panel is identifiable
    units = list(range(4, 20))
    fig = plot_weight_images(kernel, units, "unit {unit}", columns=8)
    by_panel = {}
    for annotation in fig.layout.annotations:
        by_panel[annotation.text] = (annotation.x, annotation.y)
    assert set(by_panel) == {f"unit {u + 1}" for u in units}
    for trace in fig.data:
        lit = int(np.argmax(np.asarray(trace.z).ravel()))
        axis = trace.xaxis.replace("x", "xaxis") if trace.xaxis != "x" else "xaxis"
        domain = fig.layout[axis].domain
        label = f"unit {lit + 1}"
        assert domain[0] <= by_panel[label][0] <= domain[1]
    first_row_y = by_panel["unit 5"][1]
    assert first_row_y > by_panel["unit 13"][1]  # units read left to right, top row first


def test_probabilities_highlight_the_winner():
    fig = plot_probabilities(np.array([0.1, 0.7, 0.2]), ["a", "b", "c"], "title")
    assert list(fig.data[0].marker.color) == [OKABE_ITO["blue"], OKABE_ITO["vermillion"], OKABE_ITO["blue"]]


def test_per_class_accuracy_marks_the_weakest_class():
    fig = plot_per_class_accuracy(np.array([0.9, 0.5, 0.99]), ["0", "1", "2"], "t")
    assert fig.data[0].marker.color[1] == OKABE_ITO["vermillion"]


def test_long_batch_series_are_thinned_but_epochs_are_kept():
    batches = [{"step": i + 1, "loss": 1.0 / (i + 1), "accuracy": 0.5} for i in range(5000)]
    epochs = [{"epoch": e, "loss": 0.5, "accuracy": 0.9, "val_loss": 0.6, "val_accuracy": 0.88}
              for e in range(1, 51)]
    labels = {k: k for k in ("loss", "accuracy", "epoch", "batch", "train", "validation")}
    fig = plot_training_curves(batches, epochs, 100, labels)
    batch_trace = next(t for t in fig.data if t.name == "batch")
    assert len(batch_trace.x) <= 600 and batch_trace.x[-1] <= 50
    assert len(next(t for t in fig.data if t.name == "validation").x) == 50


def test_model_scale_marks_this_apps_models_on_a_log_axis():
    from ui.model_scale import plot_model_scale

    fig = plot_model_scale(["ours", "GPT-3"], [235_146, 175e9], [True, False], "params")
    assert fig.layout.xaxis.type == "log"
    assert list(fig.data[0].marker.color) == [OKABE_ITO["vermillion"], OKABE_ITO["blue"]]


def test_parameter_counts_are_written_short():
    from ui.model_scale import format_count

    assert [format_count(n) for n in (60e3, 235_146, 25.6e6, 1.5e9, 175e9, 512)] == \
        ["60k", "235k", "25.6M", "1.5B", "175B", "512"]


def test_tiles_keep_each_image_in_its_own_place():
    from ui.charts import tile_images

    images = np.zeros((5, 3, 3), np.float32)
    for i in range(5):
        images[i, i % 3, 0] = 1.0  # one lit pixel, in row i % 3 of image i
    mosaic = tile_images(images, columns=2, tile_px=6, gap_px=1, gap_value=0.5)
    scale, step = 2, 7  # 3 pixels × 2 = 6 wide, plus a 1-pixel gap
    assert mosaic.shape == (3 * step - 1, 2 * step - 1)
    for i in range(5):
        top, left = (i // 2) * step, (i % 2) * step
        tile = mosaic[top: top + 6, left: left + 6]
        assert tile[(i % 3) * scale, 0] == 255 and tile.sum() == 255 * scale * scale
    assert mosaic[6, 0] == 128  # the gap between rows
    assert (mosaic[2 * step:, step:] == 128).all()  # the empty sixth place is background


def test_colour_tiles_keep_their_channels():
    from ui.charts import tile_images

    images = np.zeros((2, 4, 4, 3), np.float32)
    images[1, ..., 2] = 1.0  # the second image is pure blue
    mosaic = tile_images(images, columns=2, tile_px=4, gap_px=0)
    assert mosaic.shape == (4, 8, 3)
    assert (mosaic[:, 4:, 2] == 255).all() and (mosaic[:, 4:, :2] == 0).all() and (mosaic[:, :4] == 0).all()


def test_diverging_colours_are_white_at_zero_and_saturate_at_the_limit():
    from ui.charts import diverging_colours

    colours = diverging_colours(np.array([-2.0, 0.0, 1.0, 2.0]))
    assert np.allclose(colours[1], 1.0)
    assert np.allclose(colours[3] * 255, [0xD5, 0x5E, 0x00], atol=0.5)
    assert np.allclose(colours[0] * 255, [0x00, 0x72, 0xB2], atol=0.5)
    assert np.allclose(colours[2], (colours[3] + 1.0) / 2)  # half strength: halfway to white


def test_top_classes_shows_the_three_most_likely_in_order():
    from ui.charts import plot_top_classes

    fig = plot_top_classes(np.array([0.05, 0.6, 0.1, 0.25]), ["a", "b", "c", "d"], "t")
    assert list(fig.data[0].y) == ["b", "d", "c"]
    assert list(fig.data[0].x) == [0.6, 0.25, 0.1]


def test_params_against_accuracy_has_one_trace_per_family_and_origin():
    from ui.charts import plot_params_vs_accuracy

    points = [{"family": "mlp", "params": 235_146, "accuracy": 0.87, "shipped": True, "name": "MLP"},
              {"family": "cnn", "params": 93_322, "accuracy": 0.895, "shipped": True, "name": "CNN"},
              {"family": "cnn", "params": 87_322, "accuracy": 0.88, "shipped": False, "name": "Run #3"}]
    labels = {"params": "p", "accuracy": "a", "mlp": "MLP", "cnn": "CNN", "shipped": "shipped", "run": "run"}
    fig = plot_params_vs_accuracy(points, labels)
    assert [trace.name for trace in fig.data] == ["MLP · shipped", "CNN · shipped", "CNN · run"]
    assert fig.layout.xaxis.type == "log"
    assert list(fig.data[2].text) == ["Run #3"]


def test_waveform_is_thinned_but_keeps_the_peaks():
    from ui.speech_charts import plot_waveform

    clip = np.zeros(8000, np.float32)
    clip[4321] = 0.9  # one click: thinning must not lose it
    fig = plot_waveform(clip, 8000, {"time": "t", "amplitude": "a"})
    assert len(fig.data[0].y) <= 2000 and max(fig.data[0].y) == np.float32(0.9)


def test_the_model_is_sure_from_the_first_frame_that_stays_above_half():
    from ui.speech_charts import first_sure_frame

    probabilities = np.zeros((6, 10))
    probabilities[:, 3] = [0.1, 0.6, 0.4, 0.7, 0.8, 0.9]  # sure from frame 3 on, not from the early blip
    assert first_sure_frame(probabilities, 3) == 3
    probabilities[-1, 3] = 0.3
    assert first_sure_frame(probabilities, 3) is None


def test_over_time_panels_share_the_frame_axis():
    from ui.speech_charts import plot_over_time

    frames = 12
    labels = {k: k for k in ("mel", "hidden", "probability", "time", "band", "unit")}
    probabilities = np.full((frames, 10), 0.05)
    probabilities[:, 7] = 0.55
    fig = plot_over_time(np.zeros((frames, 40)), np.zeros((frames, 64)), probabilities, 0.01,
                         [str(d) for d in range(10)], labels)
    mel, hidden = fig.data[0], fig.data[1]
    assert np.asarray(mel.z).shape == (40, frames) and np.asarray(hidden.z).shape == (64, frames)
    assert [t.name for t in fig.data[2:] if t.showlegend] == ["7"]
    assert abs(fig.data[2].x[-1] - 0.11) < 1e-9


def test_run_history_names_every_model_family_shortly():
    from ui.run_history import describe_config

    train = {"optimizer": "adam", "learning_rate": 0.003, "epochs": 10}
    assert describe_config({"model": {"hidden_units": [256, 128]}, "train": train}) == "256-128 · adam 0.003 · 10 ep"
    assert describe_config({"model": {"filters": [32, 64, 64], "dense_units": 64}, "train": train}) == \
        "C32-64-64 · D64 · adam 0.003 · 10 ep"
    assert describe_config({"model": {"kind": "gru", "units": 64, "layers": 2}, "train": train}) == \
        "GRU 64 × 2 · adam 0.003 · 10 ep"
