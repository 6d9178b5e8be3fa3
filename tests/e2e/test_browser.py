"""The app as a visitor meets it: a real server, a real browser, a mouse that draws.

``NEURALSTAGE_UPDATE_SCREENSHOT=1`` also writes the README's screenshots to docs/;
otherwise screenshots go to artifacts/ (ignored by git).
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "artifacts"
SEVEN = [(70, 60), (210, 60), (200, 80), (150, 160), (120, 230)]  # canvas coordinates of a "7"


def canvas_box(page, tries: int = 5) -> dict:
    """Where the open tab's canvas is on screen, scrolled into view. A rerun may swap the canvas
    element while we look, so a detached one is looked up again."""
    from playwright.sync_api import Error as PlaywrightError

    for _ in range(tries):
        canvas = page.locator("canvas.upper-canvas >> visible=true").first
        try:
            canvas.wait_for()
            canvas.scroll_into_view_if_needed()
            box = canvas.bounding_box()
        except PlaywrightError:
            box = None
        if box:
            return box
        time.sleep(0.5)
    raise AssertionError("no canvas on screen")


def draw(page, strokes) -> None:
    box = canvas_box(page)
    (x, y), rest = strokes[0], strokes[1:]
    page.mouse.move(box["x"] + x, box["y"] + y)
    page.mouse.down()
    for x, y in rest:
        page.mouse.move(box["x"] + x, box["y"] + y, steps=12)
    page.mouse.up()


def save_screenshot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name))
    readme_pictures = {"digits.png": "screenshot.png", "images.png": "screenshot_images.png",
                       "text.png": "screenshot_text.png", "knowledge.png": "screenshot_knowledge.png"}
    if name.startswith("tour_"):  # the README's gallery of the guided tour
        readme_pictures[name] = f"tour/{name}"
    if name in readme_pictures and os.environ.get("NEURALSTAGE_UPDATE_SCREENSHOT") == "1":
        (REPO / "docs" / readme_pictures[name]).parent.mkdir(exist_ok=True)
        page.screenshot(path=str(REPO / "docs" / readme_pictures[name]))


def metric_value(page, label: str) -> str:
    metric = page.get_by_test_id("stMetric").filter(has_text=label).first
    return metric.get_by_test_id("stMetricValue").inner_text().strip()


def test_language_switch_rewrites_the_page_and_the_url(page, app_url):
    page.goto(app_url)
    page.get_by_role("heading", name="NeuralStage").wait_for()
    page.get_by_role("radio", name="简体中文").click()
    page.get_by_role("heading", name="神经网络展台").wait_for()
    assert "lang=zh" in page.url
    page.get_by_role("link", name="手写数字（MLP）").first.wait_for()


def test_drawing_a_seven_gets_read_as_seven(page, app_url):
    page.goto(f"{app_url}/mnist?lang=en")
    page.get_by_text("Draw a digit first").wait_for()
    draw(page, SEVEN)
    page.get_by_text("The model reads").wait_for()
    assert metric_value(page, "The model reads") == "7"
    page.get_by_text("What the model sees").wait_for()
    time.sleep(1)  # let the probability chart finish drawing before the picture is taken
    save_screenshot(page, "digits.png")


def test_uploading_a_file_that_is_no_image_says_so(page, app_url, tmp_path):
    page.goto(f"{app_url}/mnist?lang=en")
    page.get_by_role("tab", name="Upload a photo").click()
    notes = tmp_path / "notes.txt"
    notes.write_text("not a picture")
    page.locator("input[type=file]").set_input_files(str(notes))
    page.get_by_text("This file is not an image").wait_for()


def set_epochs_to_minimum(page) -> None:
    group = page.get_by_role("group", name="Epochs")
    slider = group.get_by_role("slider")
    slider.focus()
    slider.press("Home")
    group.get_by_test_id("stSliderThumbValue").filter(has_text=re.compile(r"^1$")).wait_for()


def test_one_epoch_training_finishes_and_a_long_one_grows_until_stopped(page, app_url):
    page.goto(f"{app_url}/mnist?lang=en")
    page.get_by_role("tab", name="Train").click()
    set_epochs_to_minimum(page)
    page.get_by_role("button", name="Start training").click()
    page.get_by_text(re.compile(r"Finished: .* on the test images")).wait_for(timeout=120_000)
    page.get_by_test_id("stPlotlyChart").first.wait_for()

    page.goto(f"{app_url}/mnist?lang=en")
    page.get_by_role("tab", name="Train").click()
    page.get_by_role("button", name="Start training").click()
    page.get_by_text(re.compile(r"Training: epoch \d+ of 20")).wait_for()
    first_epoch, first_points = wait_for_growth(page, since=(-1, -1))

    # Leaving the page and coming back finds the same job still training, not a restarted one.
    page.get_by_role("link", name="Home").first.click()
    page.get_by_role("heading", name="NeuralStage").wait_for()
    page.get_by_role("link", name="Handwritten digits (MLP)").first.click()
    page.get_by_role("tab", name="Train").click()
    later_epoch, later_points = wait_for_growth(page, since=(first_epoch, first_points))
    assert later_epoch > first_epoch and later_points > first_points
    save_screenshot(page, "training.png")

    # Scoped to the page: while a script runs, Streamlit's own header shows a "Stop" button too.
    page.get_by_test_id("stMainBlockContainer").get_by_role("button", name="Stop").click()
    page.get_by_text("you pressed Stop").wait_for()
    stopped_at = int(metric_value(page, "Epoch").split("/")[0])
    assert later_epoch <= stopped_at < 20


def wait_for_growth(page, since: tuple[int, int], timeout: float = 60) -> tuple[int, int]:
    """Wait until both the epoch counter and the number of plotted epoch markers exceed ``since``."""
    deadline = time.time() + timeout
    while True:
        epoch = int(metric_value(page, "Epoch").split("/")[0])
        points = page.get_by_test_id("stPlotlyChart").first.locator(".scatterlayer .point").count()
        if epoch > since[0] and points > since[1] and epoch >= 1:
            return epoch, points
        assert time.time() < deadline, "the curves did not grow"
        time.sleep(0.5)


def test_uploading_a_photo_on_the_images_page_shows_top3_and_feature_maps(page, app_url, tmp_path):
    import numpy as np
    from PIL import Image

    from data.images import load_bundled

    data = load_bundled("fashion")
    index = int(np.flatnonzero(data.y_test == 9)[0])  # an ankle boot, as a dark photo on white paper
    photo = tmp_path / "boot.jpg"
    Image.fromarray(255 - np.kron(data.x_test[index], np.ones((8, 8), np.uint8))).save(photo, quality=90)

    page.goto(f"{app_url}/images?lang=en")
    page.get_by_test_id("stMetricLabel").filter(has_text="The model sees").wait_for()  # a test image first
    page.get_by_role("radio", name="Upload", exact=True).click(force=True)
    page.get_by_text("Choose a picture file").wait_for()
    page.locator("input[type=file]").set_input_files(str(photo))
    page.get_by_text("4 · inverted").wait_for(timeout=30_000)
    page.get_by_text("The three most likely classes").wait_for()
    assert metric_value(page, "The model sees") == "Ankle boot"
    page.get_by_text("Feature maps: what each convolution layer sees").wait_for()
    for layer in ("conv_1", "conv_2", "conv_3"):
        page.get_by_test_id("stMarkdown").filter(has_text=f"{layer} ·").first.wait_for()
    page.get_by_text("Where the model looked").scroll_into_view_if_needed()
    time.sleep(1)  # let the charts finish drawing before the picture is taken
    save_screenshot(page, "images.png")


def test_uploading_a_wav_on_the_speech_page_shows_the_answer_and_the_spectrogram(page, app_url, tmp_path):
    import numpy as np
    import soundfile

    from data.speech import load_speech

    data = load_speech()
    index = int(np.flatnonzero((data.info_test.language == "zh") & (data.y_test == 8))[0])
    recording = tmp_path / "ba.wav"
    soundfile.write(recording, np.concatenate([np.zeros(2000), data.x_test[index], np.zeros(2000)]), 8000)

    page.goto(f"{app_url}/speech?lang=en")
    page.get_by_role("radio", name="Upload", exact=True).click(force=True)
    page.get_by_text("Choose a sound file").wait_for()
    page.locator("input[type=file]").set_input_files(str(recording))
    page.get_by_test_id("stMetricLabel").filter(has_text="The model hears").wait_for(timeout=60_000)
    page.get_by_text("Log-mel spectrogram (computed by the").wait_for()  # the panel title wraps after "the"
    page.get_by_text("The three most likely digits").wait_for()
    assert metric_value(page, "The model hears") == "8 · eight"
    time.sleep(1)
    save_screenshot(page, "speech.png")


def test_saying_a_digit_into_the_microphone_gets_an_answer(page, app_url, microphone_digit):
    page.goto(f"{app_url}/speech?lang=en")
    page.get_by_text("Record a digit").wait_for()
    main = page.get_by_test_id("stMainBlockContainer")
    main.get_by_role("button", name=re.compile("record", re.I)).first.click()
    time.sleep(2.5)  # Chromium's fake microphone plays the digit, with a second of silence either side
    main.get_by_role("button", name=re.compile("stop", re.I)).first.click()
    page.get_by_test_id("stMetricLabel").filter(has_text="The model hears").wait_for(timeout=60_000)
    assert metric_value(page, "The model hears").startswith(f"{microphone_digit} · ")


def test_typing_a_chinese_review_shows_the_answer_and_the_attention_map(page, app_url):
    page.goto(f"{app_url}/text?lang=zh")
    box = page.get_by_role("textbox", name="一条评论")
    box.fill("屏幕不错，但是电池太不耐用了，很失望。")
    box.press("Control+Enter")  # Streamlit applies a text area on Ctrl+Enter or when it loses focus
    # The default example's answer is on screen first: wait until the typed review's answer replaces it.
    page.get_by_text("模型读了 19 个字。").wait_for(timeout=60_000)
    page.get_by_text("哪些词元左右了判断").wait_for()
    assert metric_value(page, "模型认为这是") == "差评"
    page.get_by_role("tab", name="看内部").click()
    page.get_by_text("注意力：每个词元在看哪里").wait_for()
    page.locator(".js-plotly-plot").filter(has_text="失").first.wait_for(timeout=60_000)
    time.sleep(1)
    save_screenshot(page, "text.png")


def test_running_the_robustness_experiment_draws_its_curves(page, app_url):
    from playwright.sync_api import expect

    page.goto(f"{app_url}/impact?lang=en")
    page.get_by_role("tab", name="Robustness").click()
    page.get_by_role("button", name="Run", exact=True).click()
    # "Not measured on this computer yet" also contains the word, so match the finished sentence only
    page.get_by_text(re.compile(r"^Measured .+ in \d+ s\.$")).first.wait_for(timeout=120_000)
    page.get_by_text("rotation (degrees)").first.wait_for()
    expect(page.locator(".js-plotly-plot")).to_have_count(4, timeout=30_000)  # charts draw after their captions
    save_screenshot(page, "impact.png")


def test_the_case_studies_measure_the_speech_model_on_opening(page, app_url):
    page.goto(f"{app_url}/cases?lang=zh")
    page.get_by_text("现场测量：CRNN 语音模型").wait_for(timeout=90_000)
    assert metric_value(page, "测试准确率").endswith("%")
    page.get_by_text("1,000 次请求的成本为").wait_for()


TOUR_PHONE_STEPS = {2, 5}  # drawn at 390 px wide: a digit drawn and a review typed on a phone


def test_the_guided_tour_walks_every_step_across_pages_and_back(page, app_url):
    """Start on home, press Next through every step (each screenshotted), then Back across a page change."""
    from core.tour import STEPS

    page.goto(f"{app_url}/?lang=en")
    page.get_by_role("button", name="Start the guided tour").click()
    for number, step in enumerate(STEPS, start=1):
        page.get_by_text(f"Guided tour · step {number} of {len(STEPS)}").wait_for()
        assert f"tour={number}" in page.url
        if step.page != "app_pages/home.py":
            assert f"/{Path(step.page).stem}" in page.url
        page.locator("h1").first.wait_for()
        page.get_by_test_id("stStatusWidget").wait_for(state="hidden", timeout=90_000)  # the page has finished
        time.sleep(1.5)  # charts settle before the picture
        page.set_viewport_size({"width": 390, "height": 844} if number in TOUR_PHONE_STEPS
                               else {"width": 1400, "height": 1000})
        time.sleep(0.5 if number in TOUR_PHONE_STEPS else 0)
        save_screenshot(page, f"tour_{number}.png")
        page.set_viewport_size({"width": 1400, "height": 1000})
        if number < len(STEPS):
            next_button = page.get_by_role("button", name="Next")
            next_button.focus()  # the keyboard path: a focused button answers Enter
            page.keyboard.press("Enter")
    page.get_by_role("button", name="Back").click()
    page.get_by_text(f"Guided tour · step {len(STEPS) - 1} of {len(STEPS)}").wait_for()
    assert "/impact" in page.url


def test_a_tour_link_opens_its_step_on_the_right_page_in_chinese(page, app_url):
    page.goto(f"{app_url}/?tour=3&lang=zh")
    page.get_by_text("导览 · 第 3 步，共 8 步").wait_for()
    page.wait_for_url(re.compile(r"/images\?"))
    assert "tour=3" in page.url and "lang=zh" in page.url


def tab_to(page, name, limit: int = 80, key: str = "Tab") -> None:
    """Press Tab until the focused element is labelled ``name`` (a string, or a pattern the label must
    match), as a keyboard user would.

    The label is the last line of the element's text: an icon's ligature (``tour``) comes first.
    """
    for _ in range(limit):
        page.keyboard.press(key)
        focused = page.evaluate("() => { const e = document.activeElement; return (e.innerText || "
                                "e.getAttribute('aria-label') || '').trim(); }")
        label = (focused.splitlines() or [""])[-1]
        if (label == name) if isinstance(name, str) else name.fullmatch(label):
            return
    raise AssertionError(f"{name!r} cannot be reached with the Tab key")


def test_the_home_page_and_the_tour_work_from_the_keyboard_alone(page, app_url):
    page.goto(f"{app_url}/?lang=en")
    page.get_by_role("heading", name="NeuralStage").wait_for()
    tab_to(page, "1958 · Perceptron")  # one stop for the group; arrows move within it, as for radio buttons
    for _ in range(4):
        page.keyboard.press("ArrowRight")
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="2017 · Transformer").wait_for()
    tab_to(page, "Start the guided tour", key="Shift+Tab")
    page.keyboard.press("Enter")
    page.get_by_text("Guided tour · step 1 of 8").wait_for()
    tab_to(page, "Next")
    page.keyboard.press("Enter")
    page.get_by_text("Guided tour · step 2 of 8").wait_for()
    page.get_by_role("heading", name="Handwritten digits with a multilayer perceptron").wait_for()


def test_training_a_model_and_taking_it_home_work_from_the_keyboard_alone(page, app_url):
    page.goto(f"{app_url}/mnist?lang=en")
    page.get_by_role("heading", name="Handwritten digits with a multilayer perceptron").wait_for()
    tab_to(page, "Try it")  # one stop for the tab list; arrows move within it
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Start training").wait_for()
    tab_to(page, "Epochs")  # a slider: Home takes it to its least value
    page.keyboard.press("Home")
    page.get_by_role("group", name="Epochs").get_by_test_id("stSliderThumbValue").filter(
        has_text=re.compile(r"^1$")).wait_for()
    tab_to(page, "Start training")
    page.keyboard.press("Enter")
    page.get_by_text(re.compile(r"Finished: .* on the test images")).wait_for(timeout=120_000)
    tab_to(page, re.compile(r"Download run #\d+ \(zip.*"))
    with page.expect_download() as bundle:
        page.keyboard.press("Enter")
    assert bundle.value.suggested_filename.endswith(".zip")

    tab_to(page, "Run history")  # past the end of the page, into the sidebar's menu
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Run history").wait_for()
    tab_to(page, "Download all runs (CSV)")
    with page.expect_download() as table:
        page.keyboard.press("Enter")
    assert "seed" in Path(table.value.path()).read_text(encoding="utf-8-sig").splitlines()[0].lower()


ONE = [(140, 40), (140, 240)]  # canvas coordinates of a "1"


def shifted(strokes, dx: int) -> list[tuple[int, int]]:
    return [(x + dx, y) for x, y in strokes]


def add_drawing(page, label: str, strokes, count: int, tries: int = 3) -> None:
    """Draw, add, and wait until the class holds ``count`` samples. The canvas that has just appeared
    sometimes misses its first stroke (the page then says to draw first): draw again, as a person would."""
    for _ in range(tries):
        page.get_by_test_id("stStatusWidget").wait_for(state="hidden")
        draw(page, strokes)
        page.get_by_test_id("stStatusWidget").wait_for(state="hidden")
        time.sleep(0.5)  # the stroke reaches the server before the click
        page.get_by_role("button", name=f"Add this drawing to “{label}”").click()
        try:
            page.get_by_role("radio", name=f"{label} ({count})").wait_for(timeout=10_000)
            return
        except Exception:
            continue
    raise AssertionError(f"drawing {count} of {label!r} was not added")


def test_a_class_collects_two_labels_trains_and_reads_a_new_drawing(page, app_url):
    page.goto(f"{app_url}/datasets?lang=en")
    page.get_by_role("tab", name="Collect").click()
    page.get_by_role("textbox", name="Name of the data set").fill("Sevens and ones")
    page.get_by_role("textbox", name="Classes, separated by commas").fill("seven, one")
    page.get_by_role("button", name="Create the data set").click()
    page.get_by_text("is ready with 2 classes").wait_for()
    for label, strokes in (("seven", SEVEN), ("one", ONE)):
        page.get_by_role("tab", name="Collect").click()
        page.get_by_role("radio", name=re.compile(rf"^{label} \(")).click()
        for i in range(5):
            add_drawing(page, label, shifted(strokes, 8 * i - 16), count=i + 1)
    page.get_by_role("tab", name="Train & try").click()
    page.get_by_role("button", name="Start training").click()
    page.get_by_text(re.compile(r"Finished: .* on the test images")).wait_for(timeout=120_000)
    page.get_by_role("tab", name="Train & try").click()
    draw(page, SEVEN)
    try:
        page.get_by_text("The model reads").wait_for()
    except Exception:
        save_screenshot(page, "class_data_failed.png")
        raise
    assert metric_value(page, "The model reads") == "seven"
    save_screenshot(page, "class_data.png")


def test_the_knowledge_map_selects_a_clicked_node_and_a_searched_one_leads_to_its_page(page, app_url):
    page.goto(f"{app_url}/knowledge?lang=en")
    points = page.locator(".js-plotly-plot .scatterlayer .trace .points path")
    points.first.wait_for()
    page.get_by_test_id("stStatusWidget").wait_for(state="hidden")
    point = points.nth(40)
    point.scroll_into_view_if_needed()
    box = point.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.get_by_text(re.compile(r"is selected and drawn in full colour")).wait_for()
    search = page.get_by_role("textbox", name="Find a node")
    search.fill("GRU")
    search.press("Enter")
    page.get_by_role("heading", name="GRU", exact=True).wait_for()
    page.get_by_test_id("stStatusWidget").wait_for(state="hidden")
    time.sleep(1)  # the map redraws with the selection before the picture
    save_screenshot(page, "knowledge.png")
    page.get_by_role("link", name="See it live: Spoken digits (RNN)").click()
    page.wait_for_url(re.compile(r"/speech\?"))
    page.get_by_role("heading", name="Spoken digits with recurrent networks").wait_for()
    assert "lang=en" in page.url
