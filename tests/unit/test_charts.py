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


def test_per_class_accuracy_marks_no_class_when_all_tie_and_every_class_sharing_the_lowest():
    vermillion, green = OKABE_ITO["vermillion"], OKABE_ITO["green"]
    assert list(plot_per_class_accuracy(np.ones(10), list("0123456789"), "t").data[0].marker.color) == [green] * 10
    tied = plot_per_class_accuracy(np.array([0.9, 0.5, 0.5]), ["a", "b", "c"], "t")
    assert list(tied.data[0].marker.color) == [green, vermillion, vermillion]
    absent = plot_per_class_accuracy(np.array([np.nan, 0.8, 0.8]), ["a", "b", "c"], "t")  # a: not in the split
    assert vermillion not in absent.data[0].marker.color
    assert list(plot_per_class_accuracy(np.full(2, np.nan), ["a", "b"], "t").data[0].marker.color) == [green, green]


def titled_figures():
    from types import SimpleNamespace

    from ui.charts import plot_run_comparison, plot_top_classes

    runs = [SimpleNamespace(id=i, epochs=[{"epoch": e, "val_accuracy": 0.9 + e / 100} for e in (1, 2)])
            for i in range(9)]  # nine runs: a legend that wraps onto several lines on a phone
    return {"runs": plot_run_comparison(runs, "val_accuracy", "Validation accuracy per epoch", "epoch"),
            "probabilities": plot_probabilities(np.array([0.2, 0.8]), ["a", "b"], "t"),
            "top": plot_top_classes(np.array([0.2, 0.8]), ["a", "b"], "t"),
            "classes": plot_per_class_accuracy(np.array([0.9, 0.5]), ["a", "b"], "t")}


def test_a_chart_title_takes_the_top_and_pushes_the_legend_and_the_plot_down():
    """The title at the top of the figure, with automargin, and the legend anchored just above the plot:
    plotly then widens the top margin for both, one above the other (measured in Chromium by
    tests/e2e/test_layout.py), instead of drawing the legend over the title."""
    for name, fig in titled_figures().items():
        title = fig.layout.title
        assert title.automargin and title.yref == "container" and (title.y, title.yanchor) == (1, "top"), name
        assert fig.layout.legend.yanchor == "bottom" and fig.layout.legend.y >= 1, name
        assert fig.layout.margin.t <= 10, name  # the margin is made for what is there, not fixed for a legend
        assert fig.layout.xaxis.automargin and fig.layout.yaxis.automargin, name  # plotly's second layout pass


def test_charts_with_panel_titles_put_their_legend_at_the_bottom_of_the_figure():
    from ui.speech_charts import plot_over_time

    labels = {k: k for k in ("loss", "accuracy", "epoch", "batch", "train", "validation")}
    epochs = [{"epoch": 1, "loss": 0.5, "accuracy": 0.9, "val_loss": 0.6, "val_accuracy": 0.88}]
    curves = plot_training_curves([{"step": 1, "loss": 1.0, "accuracy": 0.5}], epochs, 1, labels)
    inside = plot_over_time(np.zeros((4, 3)), np.zeros((4, 2)), np.full((4, 10), 0.1), 0.01, list("0123456789"),
                            {k: k for k in ("mel", "hidden", "probability", "time", "band", "unit")})
    for fig in (curves, inside):
        legend = fig.layout.legend
        assert (legend.yref, legend.yanchor, legend.y) == ("container", "bottom", 0)


def test_presenter_mode_gives_charts_larger_type_dark_ticks_and_a_visible_grid():
    from ui.charts import PROJECTOR, SCREEN, chart_look, plot_confusion, style_figure

    assert chart_look() == SCREEN  # outside a page run (here) presenter mode is off
    screen = plot_confusion(np.eye(3, dtype=int), list("abc"), {"predicted": "p", "true": "t", "count": "n"})
    assert screen.layout.font.size == SCREEN.font_size and screen.layout.xaxis.tickfont.color is None
    projected = style_figure(go_figure_with_axes(), 300, PROJECTOR)
    assert projected.layout.font.size == PROJECTOR.font_size > SCREEN.font_size
    assert projected.layout.height == 360
    for axis in (projected.layout.xaxis, projected.layout.yaxis):  # set, so the theme's 12 px grey gives way
        assert axis.tickfont.color == axis.title.font.color == PROJECTOR.ink == "#111111"
        assert axis.tickfont.size == axis.title.font.size == PROJECTOR.label_size == 18
        assert axis.gridcolor == PROJECTOR.grid
    assert projected.data[0].colorbar.tickfont.color == PROJECTOR.ink
    assert (projected.layout.legend.font.color, projected.layout.legend.font.size) == (PROJECTOR.ink, 18)


def go_figure_with_axes():
    import plotly.graph_objects as go

    fig = go.Figure(go.Heatmap(z=[[0, 1], [1, 0]]))
    fig.update_xaxes(title_text="x")
    return fig


def test_the_confusion_matrix_fills_its_width_and_grows_with_the_classes():
    from ui.charts import confusion_height, plot_confusion

    labels = {"predicted": "p", "true": "t", "count": "n"}
    fig = plot_confusion(np.eye(10, dtype=int), [str(d) for d in range(10)], labels)
    assert fig.layout.yaxis.scaleanchor is None  # not kept square: no empty bands on a narrow screen
    assert fig.layout.coloraxis.showscale is False  # the counts are in the cells
    assert fig.layout.height == confusion_height(10) == 440
    assert confusion_height(2) == 280 and confusion_height(50) == 900


def test_the_attention_map_fills_its_width():
    from ui.text_charts import plot_attention

    fig = plot_attention(np.full((3, 3), 1 / 3), ["a", "b", "c"], {"query": "q", "key": "k", "weight": "w"})
    assert fig.layout.yaxis.scaleanchor is None


def test_a_formula_of_several_equations_is_stacked_one_per_line():
    from core.generations import GENERATIONS, find_generation
    from ui.timeline import stack_equations

    perceptron = stack_equations(find_generation("perceptron").formula)
    assert perceptron.startswith(r"\begin{gathered}") and perceptron.count(r"\\") == 1
    assert r"\quad" not in perceptron and r"\mathbf{w} \leftarrow" in perceptron
    assert stack_equations(find_generation("mlp").formula).count(r"\\") == 2
    assert stack_equations(GENERATIONS[-1].formula) == GENERATIONS[-1].formula  # one equation stays as it is


# Every figure builder, with tiny inputs: the colours of its marks must come from the Okabe–Ito palette.
def every_figure() -> dict:
    from types import SimpleNamespace

    from core.knowledge_graph import ENTITY_TYPES, layout_graph, load_knowledge_graph
    from ui.charts import (plot_confusion, plot_occlusion, plot_params_vs_accuracy, plot_run_comparison,
                           plot_top_classes)
    from ui.impact_charts import plot_energy, plot_group_accuracy, plot_lines
    from ui.knowledge_map import plot_knowledge_map
    from ui.model_scale import plot_model_scale
    from ui.speech_charts import plot_over_time, plot_waveform
    from ui.text_charts import plot_attention

    rng = np.random.default_rng(0)
    curve_labels = {k: k for k in ("loss", "accuracy", "epoch", "batch", "train", "validation")}
    epochs = [{"epoch": e, "loss": 0.5, "accuracy": 0.9, "val_loss": 0.6, "val_accuracy": 0.88} for e in (1, 2)]
    runs = [SimpleNamespace(id=i, epochs=epochs) for i in range(len(OKABE_ITO))]
    points = [{"family": f, "params": 10 ** (3 + i), "accuracy": 0.9, "shipped": i == 0, "name": f}
              for i, f in enumerate(("mlp", "cnn"))]
    graph = load_knowledge_graph()
    return {
        "curves": plot_training_curves([{"step": 1, "loss": 1.0, "accuracy": 0.5}], epochs, 1, curve_labels),
        "probabilities": plot_probabilities(np.array([0.2, 0.8]), ["a", "b"], "t"),
        "top": plot_top_classes(np.array([0.2, 0.8]), ["a", "b"], "t"),
        "confusion": plot_confusion(np.eye(3, dtype=int), list("abc"), {"predicted": "p", "true": "t", "count": "n"}),
        "classes": plot_per_class_accuracy(np.array([0.9, 0.5]), ["a", "b"], "t"),
        "weights": plot_weight_images(rng.normal(size=(784, 2)), [0, 1], "u{unit}"),
        "occlusion": plot_occlusion(rng.random((8, 8)), rng.normal(size=(8, 8)), "c"),
        "params": plot_params_vs_accuracy(points, {"params": "p", "accuracy": "a", "mlp": "MLP", "cnn": "CNN",
                                                   "shipped": "s", "run": "r"}),
        "runs": plot_run_comparison(runs, "val_accuracy", "t", "e"),
        "waveform": plot_waveform(rng.normal(size=800).astype(np.float32), 8000, {"time": "t", "amplitude": "a"}),
        "over_time": plot_over_time(rng.normal(size=(4, 5)), rng.normal(size=(4, 3)), np.full((4, 10), 0.1), 0.01,
                                    list("0123456789"),
                                    {k: k for k in ("mel", "hidden", "probability", "time", "band", "unit")}),
        "attention": plot_attention(np.full((3, 3), 1 / 3), list("abc"), {"query": "q", "key": "k", "weight": "w"}),
        "groups": plot_group_accuracy({"male_only": {"male": 0.9, "female": 0.6}},
                                      {"male_only": "m", "male": "m", "female": "f", "accuracy": "a"}),
        "lines": plot_lines([1, 2], {"a": [0.5, 0.6], "b": [0.4, 0.5]}, {"x": "x", "y": "y"}, chance=0.1),
        "energy": plot_energy(["run"], [0.5], ("GPT-3", 1e9), {"x": "Wh"}),
        "scale": plot_model_scale(["ours", "GPT-3"], [235_146, 175e9], [True, False], "params"),
        "knowledge": plot_knowledge_map(graph, layout_graph(graph), "en",
                                        {kind: (kind, kind) for kind in ENTITY_TYPES}, selected="gru",
                                        focus=frozenset(["gru"]), new_edge=("gru", "rnn")),
    }


def parse_colour(value: str) -> tuple[int, int, int]:
    """``#RGB``, ``#RRGGBB``, ``rgb(...)`` or ``rgba(...)`` as (r, g, b); the alpha is left aside."""
    value = value.strip()
    if value.startswith("#"):
        digits = value[1:] if len(value) == 7 else "".join(c * 2 for c in value[1:])
        return tuple(int(digits[i: i + 2], 16) for i in (0, 2, 4))
    inside = value[value.index("(") + 1: value.rindex(")")]
    return tuple(round(float(part)) for part in inside.split(",")[:3])


def colours_in(node, path=""):
    """(path, colour text) for every colour in a figure's dict: colour properties and colour-scale stops."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "template":
                continue  # plotly's own defaults; Streamlit replaces them, and every mark sets its colour
            if key == "colorscale":
                yield from ((f"{path}.{key}", stop[1]) for stop in value)
            elif key.endswith("color") or key == "colors":
                values = value if isinstance(value, (list, tuple)) else [value]
                yield from ((f"{path}.{key}", v) for v in values if isinstance(v, str))
            else:
                yield from colours_in(value, f"{path}.{key}")
    elif isinstance(node, (list, tuple)):
        for i, item in enumerate(node):
            yield from colours_in(item, f"{path}[{i}]")


def test_every_figure_draws_in_okabe_ito_colours_or_neutral_greys():
    """Any hue must be one of the palette's (a colour scale's stops too); white, greys and black are
    neutral. And every mark names its colour, so the theme's own colours never fill in."""
    from ui.charts import PALETTE

    palette = {parse_colour(c) for c in PALETTE.values()}
    for name, fig in every_figure().items():
        spec = fig.to_plotly_json()
        found = list(colours_in(spec))
        assert found, name
        for path, colour in found:
            rgb = parse_colour(colour)
            assert rgb in palette or len(set(rgb)) == 1, f"{name}{path}: {colour}"
        layout = spec["layout"]
        for i, trace in enumerate(spec["data"]):
            kind = trace.get("type")
            if kind == "heatmap" or trace.get("coloraxis"):
                has_colour = "colorscale" in trace or "colorscale" in layout.get("coloraxis", {})
            elif kind == "bar":
                has_colour = "color" in trace.get("marker", {})
            else:
                mode = trace.get("mode", "lines")
                has_colour = (("lines" not in mode or "color" in trace.get("line", {}))
                              and ("markers" not in mode or "color" in trace.get("marker", {})
                                   or "color" in trace.get("line", {}))
                              and ("text" not in mode or mode != "text" or "textfont" in trace))
            assert has_colour, f"{name}: trace {i} ({kind}, {trace.get('name')}) leaves its colour to the theme"


def test_heatmaps_use_the_palettes_scales():
    from ui.charts import DIVERGING_SCALE, INTENSITY_SCALE, SEQUENTIAL_SCALE

    figures = every_figure()
    assert [list(s) for s in figures["confusion"].layout.coloraxis.colorscale] == SEQUENTIAL_SCALE
    assert [list(s) for s in figures["attention"].data[0].colorscale] == SEQUENTIAL_SCALE
    assert [list(s) for s in figures["weights"].layout.coloraxis.colorscale] == DIVERGING_SCALE
    mel, hidden = figures["over_time"].data[:2]
    assert [list(s) for s in mel.colorscale] == INTENSITY_SCALE
    assert [list(s) for s in hidden.colorscale] == DIVERGING_SCALE


def test_the_spectrogram_scale_gets_lighter_at_every_step():
    """Loud and quiet stay apart in any colour vision and in greyscale when lightness rises throughout."""
    from ui.charts import INTENSITY_SCALE

    def lightness(colour: str) -> float:  # relative luminance, WCAG's formula
        channels = [c / 255 for c in parse_colour(colour)]
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    steps = [lightness(colour) for _, colour in INTENSITY_SCALE]
    assert steps == sorted(steps) and len(set(steps)) == len(steps)


def test_long_panel_titles_are_broken_onto_lines_that_fit_a_phone():
    from ui.charts import wrap_label
    from ui.speech_charts import plot_over_time

    assert wrap_label("Log-mel spectrogram (computed by the model's first layer)") == \
        "Log-mel spectrogram (computed by the<br>model's first layer)"
    assert wrap_label("Hidden state of the last recurrent layer") == "Hidden state of the last recurrent layer"
    labels = {"mel": "a long title " * 6, "hidden": "h", "probability": "p", "time": "t", "band": "b", "unit": "u"}
    fig = plot_over_time(np.zeros((4, 3)), np.zeros((4, 2)), np.full((4, 10), 0.1), 0.01, list("0123456789"), labels)
    lines = fig.layout.annotations[0].text.split("<br>")
    assert len(lines) == 2 and max(len(line) for line in lines) <= 42
