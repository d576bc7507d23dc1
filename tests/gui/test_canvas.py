"""The drawing canvas, the prediction panel and the draw panel, driven with real mouse, key and drop events."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import struct  # noqa: E402
import time  # noqa: E402
import zlib  # noqa: E402

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from PIL import Image, ImageDraw  # noqa: E402
from PySide6.QtCore import QEvent, QMimeData, QPointF, QRect, Qt, QTimer, QUrl  # noqa: E402
from PySide6.QtGui import (  # noqa: E402
    QDragEnterEvent,
    QDropEvent,
    QImage,
    QInputDevice,
    QMouseEvent,
    QPointingDevice,
    QTabletEvent,
)
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from guiapp.canvas import DrawCanvas  # noqa: E402
from guiapp.draw_panel import DrawPanel  # noqa: E402
from guiapp.prediction import PredictionPanel  # noqa: E402
from model.inference import Prediction  # noqa: E402

LEFT, RIGHT, NONE = Qt.MouseButton.LeftButton, Qt.MouseButton.RightButton, Qt.MouseButton.NoButton


def mouse(widget, kind, x, y, button=NONE, buttons=NONE):
    pos = QPointF(x, y)
    event = QMouseEvent(kind, pos, widget.mapToGlobal(pos), button, buttons, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, event)


def stroke(widget, points):
    """Press at the first point, move through the rest with the left button held, release at the last."""
    mouse(widget, QEvent.Type.MouseButtonPress, *points[0], LEFT, LEFT)
    for x, y in points[1:]:
        mouse(widget, QEvent.Type.MouseMove, x, y, NONE, LEFT)
    mouse(widget, QEvent.Type.MouseButtonRelease, *points[-1], LEFT, NONE)


def line(a, b, n=12):
    return list(zip(np.linspace(a[0], b[0], n), np.linspace(a[1], b[1], n)))


@pytest.fixture
def canvas(qtbot):
    c = DrawCanvas()
    qtbot.addWidget(c)
    c.show()
    return c


@pytest.fixture
def panel(qtbot):
    p = DrawPanel()
    qtbot.addWidget(p)
    p.resize(900, 420)
    p.show()
    return p


def fake_prediction(probs):
    return Prediction(np.asarray(probs, dtype=np.float64)[None], [])


def confident(digit):
    p = np.full(10, 0.005)
    p[digit] = 1 - 0.005 * 9
    return p


# ---------------------------------------------------------------------------------------------------- canvas
def test_canvas_contract(canvas):
    assert canvas.objectName() == "drawCanvas" and canvas.accessibleName() == "drawCanvas"
    assert canvas.width() == canvas.height() >= 280
    img = canvas.image()
    assert img.shape == (canvas.height(), canvas.width()) and img.dtype == np.float32
    assert canvas.is_empty() and not img.any()


def test_stroke_puts_ink_along_its_path_and_nowhere_else(canvas, qtbot):
    with qtbot.waitSignal(canvas.strokeFinished, timeout=1000):
        stroke(canvas, line((40, 140), (240, 140)))
    img = canvas.image()
    r = canvas.pen_width() / 2
    assert img[140, 40:241].min() > 0.95  # solid along the whole stroke, ends included
    rows = np.flatnonzero(img.max(axis=1) > 0)
    cols = np.flatnonzero(img.max(axis=0) > 0)
    assert rows.min() >= 140 - r - 2 and rows.max() <= 140 + r + 2
    assert cols.min() >= 40 - r - 2 and cols.max() <= 240 + r + 2
    assert 0 < img.max() <= 1 and not canvas.is_empty()
    assert len(canvas.strokes()) == 1 and canvas.strokes()[0].shape == (12, 2)


def test_click_without_drag_draws_a_round_dot(canvas):
    stroke(canvas, [(100, 120)])
    img = canvas.image()
    r = canvas.pen_width() / 2
    assert img[120, 100] == 1.0
    assert img.sum() == pytest.approx(np.pi * r * r, rel=0.15)
    yy, xx = np.nonzero(img)
    assert np.hypot(yy + 0.5 - 120, xx + 0.5 - 100).max() <= r + 1.5


def test_pen_width_sets_the_width_of_new_strokes(canvas):
    canvas.set_pen_width(8)
    stroke(canvas, line((40, 60), (240, 60)))
    canvas.set_pen_width(30)
    stroke(canvas, line((40, 200), (240, 200)))
    img = canvas.image()
    assert canvas.pen_width() == 30
    thin, thick = (img[:, 140] > 0.5)[:130].sum(), (img[:, 140] > 0.5)[130:].sum()
    assert 6 <= thin <= 10 and 28 <= thick <= 32


def test_tablet_pen_draws(canvas):
    pen = QPointingDevice("pen", 1, QInputDevice.DeviceType.Stylus, QPointingDevice.PointerType.Pen,
                          QInputDevice.Capability.Position | QInputDevice.Capability.Pressure, 1, 3)

    def tablet(kind, x, button, buttons):
        p = QPointF(x, 100)
        event = QTabletEvent(kind, pen, p, p, 0.5, 0, 0, 0, 0, 0, Qt.KeyboardModifier.NoModifier, button, buttons)
        QApplication.sendEvent(canvas, event)
        assert event.isAccepted()  # so Qt does not draw the stroke a second time from synthesised mouse events

    tablet(QEvent.Type.TabletPress, 40, LEFT, LEFT)
    for x in range(50, 250, 10):
        tablet(QEvent.Type.TabletMove, x, NONE, LEFT)
    tablet(QEvent.Type.TabletRelease, 240, LEFT, NONE)
    assert canvas.image()[100, 40:241].min() == 1.0 and len(canvas.strokes()) == 1


def test_right_click_clears(canvas, qtbot):
    stroke(canvas, line((40, 40), (200, 200)))
    with qtbot.waitSignal(canvas.cleared, timeout=1000):
        mouse(canvas, QEvent.Type.MouseButtonPress, 100, 100, RIGHT, RIGHT)
    mouse(canvas, QEvent.Type.MouseButtonRelease, 100, 100, RIGHT, NONE)
    assert canvas.is_empty() and canvas.strokes() == []


@pytest.mark.parametrize("key", [Qt.Key.Key_Delete, Qt.Key.Key_Backspace])
def test_delete_and_backspace_clear(canvas, qtbot, key):
    stroke(canvas, line((40, 40), (200, 200)))
    with qtbot.waitSignal(canvas.cleared, timeout=1000):
        QTest.keyClick(canvas, key)
    assert canvas.is_empty()


def test_ctrl_z_undoes_the_last_stroke_only(canvas, qtbot):
    stroke(canvas, line((40, 60), (240, 60)))
    first = canvas.image()
    stroke(canvas, line((40, 200), (240, 200)))
    with qtbot.waitSignal(canvas.drawingChanged, timeout=1000):
        QTest.keyClick(canvas, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    img = canvas.image()
    assert img[60, 140] == 1.0 and img[200, 140] == 0.0
    assert len(canvas.strokes()) == 1
    # the re-render after undo draws the same picture the drag drew piece by piece
    diff = np.abs(img - first)
    assert diff.max() < 0.5 and diff.mean() < 0.005
    QTest.keyClick(canvas, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert canvas.is_empty()
    QTest.keyClick(canvas, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # nothing left: no error
    assert canvas.is_empty()


def test_smooth_curve_rerenders_identically(canvas):
    t = np.linspace(0, 2 * np.pi, 60)
    stroke(canvas, list(zip(140 + 80 * np.cos(t), 140 + 100 * np.sin(t))))
    drawn = canvas.image()
    stroke(canvas, [(20, 20)])
    canvas.undo()
    diff = np.abs(canvas.image() - drawn)
    assert diff.max() < 0.5 and diff.mean() < 0.005


def test_strokes_outside_the_widget_are_clipped(canvas):
    stroke(canvas, [(-100, 140), (-20, 140), (140, 140), (600, 140), (5000, 140)])
    img = canvas.image()
    assert img[140, 0] == 1.0 and img[140, -1] == 1.0
    stroke(canvas, [(-300, -300), (-50, -400), (-1e9, 1e9)])  # wholly outside: draws nothing
    assert np.array_equal(canvas.image(), img)
    canvas.clear()
    stroke(canvas, [(-300, -300), (1000, -20)])
    assert canvas.is_empty()


def test_ten_thousand_point_stroke(canvas):
    x = np.linspace(10, 270, 10_000)
    y = 140 + 100 * np.sin(x / 10)
    stroke(canvas, list(zip(x, y)))
    assert canvas.strokes()[0].shape == (10_000, 2)
    assert canvas.image()[np.round(y[::500]).astype(int), np.round(x[::500]).astype(int)].min() > 0.9
    stroke(canvas, [(5, 5)])
    canvas.undo()  # re-renders the long stroke
    assert len(canvas.strokes()) == 1 and canvas.image()[5, 5] == 0


def test_drawing_changed_is_throttled_during_a_drag(canvas, qtbot):
    changes, finished = [], []
    canvas.drawingChanged.connect(lambda: changes.append(time.perf_counter()))
    canvas.strokeFinished.connect(lambda: finished.append(1))
    start = time.perf_counter()
    mouse(canvas, QEvent.Type.MouseButtonPress, 20, 20, LEFT, LEFT)
    for x, y in line((20, 20), (260, 260), 400):
        mouse(canvas, QEvent.Type.MouseMove, x, y, NONE, LEFT)
    elapsed_ms = (time.perf_counter() - start) * 1000
    assert 1 <= len(changes) <= elapsed_ms / 50 + 2  # 400 moves, a handful of signals
    qtbot.waitUntil(lambda: len(changes) >= 2, timeout=2000)  # the last move is reported after the interval
    assert canvas.is_drawing() and not finished
    mouse(canvas, QEvent.Type.MouseButtonRelease, 260, 260, LEFT, NONE)
    assert finished == [1] and not canvas.is_drawing()


def test_load_array_shows_a_small_image_scaled_up(canvas, qtbot):
    digit = np.zeros((28, 28), np.float32)
    digit[4:24, 12:16] = 1.0  # a "1"
    with qtbot.waitSignal(canvas.drawingChanged, timeout=1000):
        canvas.load_array(digit)
    img = canvas.image()
    assert img.shape == (280, 280)
    assert img[140, 140] > 0.9 and img[140, 40] == 0 and img[10, 140] < 0.1
    stroke(canvas, [(40, 40)])
    canvas.undo()
    assert img[140, 140] > 0.9
    canvas.undo()  # the loaded image is the first undo step
    assert canvas.is_empty()
    with pytest.raises(ValueError):
        canvas.load_array(np.zeros((2, 3, 4)))


def _hint_pixels_on_screen(canvas) -> int:
    """Pixels of the hint's grey in the middle of the canvas as the screen shows it (not a fresh render)."""
    shot = canvas.screen().grabWindow(canvas.winId()).toImage().convertToFormat(QImage.Format.Format_Grayscale8)
    rows = np.frombuffer(shot.constBits(), np.uint8).reshape(shot.height(), shot.bytesPerLine())[:, : shot.width()]
    middle = rows[100:180, 40:240]
    return int(((middle > 60) & (middle < 200)).sum())


def test_hint_is_gone_from_the_screen_once_drawing_starts_after_a_clear(canvas, qtbot):
    stroke(canvas, line((60, 60), (220, 220)))
    mouse(canvas, QEvent.Type.MouseButtonPress, 140, 140, RIGHT, RIGHT)  # right-click clears
    mouse(canvas, QEvent.Type.MouseButtonRelease, 140, 140, RIGHT, NONE)
    qtbot.waitUntil(lambda: _hint_pixels_on_screen(canvas) > 100, timeout=2000)  # the hint is shown
    # What the canvas asks to repaint: on a real screen only that region is redrawn (here Qt may redraw more, so
    # the screen check below alone would not catch a hint left behind).
    asked = []
    update = canvas.update
    canvas.update = lambda *rect: (asked.append(QRect(rect[0]) if rect else canvas.rect()), update(*rect))
    stroke(canvas, [(30, 30)])  # a dot in a corner, far from the hint
    assert any(r.contains(canvas.rect()) for r in asked), asked
    qtbot.waitUntil(lambda: _hint_pixels_on_screen(canvas) == 0, timeout=2000)


def test_overlay_is_drawn_and_dropped_when_the_drawing_changes(canvas):
    stroke(canvas, [(30, 30)])
    rgba = np.zeros((28, 28, 4), np.float32)
    rgba[..., 0] = 1.0
    rgba[..., 3] = 0.5
    canvas.set_overlay(rgba)
    assert canvas.has_overlay()
    shot = canvas.grab().toImage()
    colour = shot.pixelColor(shot.width() // 2, shot.height() // 2)
    assert colour.red() > 100 and colour.green() < 30  # half-transparent red over black ink
    assert canvas.image()[140, 140] == 0  # the overlay is not part of the drawing
    stroke(canvas, [(200, 200)])
    assert not canvas.has_overlay()
    with pytest.raises(ValueError):
        canvas.set_overlay(np.zeros((28, 28)))


ops = st.one_of(
    st.tuples(st.just("press"), st.floats(-2000, 2000), st.floats(-2000, 2000), st.sampled_from([LEFT, RIGHT])),
    st.tuples(st.just("move"), st.floats(-2000, 2000), st.floats(-2000, 2000), st.sampled_from([LEFT, NONE])),
    st.tuples(st.just("release"), st.floats(-2000, 2000), st.floats(-2000, 2000), st.sampled_from([LEFT, RIGHT])),
    st.tuples(st.just("key"), st.sampled_from([Qt.Key.Key_Z, Qt.Key.Key_Delete, Qt.Key.Key_A])),
    st.tuples(st.just("width"), st.floats(-5, 500)),
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(ops, max_size=25))
def test_random_event_sequences_never_break_the_canvas(canvas, sequence):
    canvas.clear()
    presses = 0
    for op in sequence:
        if op[0] == "press":
            presses += op[3] == LEFT
            mouse(canvas, QEvent.Type.MouseButtonPress, op[1], op[2], op[3], op[3])
        elif op[0] == "move":
            mouse(canvas, QEvent.Type.MouseMove, op[1], op[2], NONE, op[3])
        elif op[0] == "release":
            mouse(canvas, QEvent.Type.MouseButtonRelease, op[1], op[2], op[3], NONE)
        elif op[0] == "key":
            QTest.keyClick(canvas, op[1], Qt.KeyboardModifier.ControlModifier)
        else:
            canvas.set_pen_width(op[1])
            assert 1 <= canvas.pen_width() <= 100
    img = canvas.image()
    assert img.shape == (280, 280) and img.dtype == np.float32
    assert np.isfinite(img).all() and img.min() >= 0 and img.max() <= 1
    assert len(canvas.strokes()) <= presses


# ----------------------------------------------------------------------------------------------------- drops
def drop(widget, path):
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    pos = QPointF(100, 100)
    enter = QDragEnterEvent(pos.toPoint(), Qt.DropAction.CopyAction, mime, LEFT, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, enter)
    assert enter.isAccepted()
    event = QDropEvent(pos, Qt.DropAction.CopyAction, mime, LEFT, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, event)


def huge_png(path, w=20_000, h=20_000):
    """A PNG whose header claims w x h pixels (the decoder never gets as far as the missing pixel data)."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IEND", b""))


@pytest.mark.parametrize("name,kind", [("notes.png", "text"), ("empty.png", "empty"), ("giant.png", "huge"),
                                       ("blank.png", "blank"), ("folder", "dir")])
def test_dropping_a_bad_file_reports_it_by_name(canvas, qtbot, tmp_path, name, kind):
    path = tmp_path / name
    if kind == "text":
        path.write_text("this is not a picture")
    elif kind == "empty":
        path.write_bytes(b"")
    elif kind == "huge":
        huge_png(path)
    elif kind == "blank":
        Image.new("L", (64, 64), 255).save(path)
    else:
        path.mkdir()
    stroke(canvas, [(50, 50)])
    before = canvas.image()
    with qtbot.waitSignal(canvas.errorOccurred, timeout=1000) as blocker:
        drop(canvas, path)
    assert name in blocker.args[0]
    assert np.array_equal(canvas.image(), before)  # the drawing is left alone


def test_dropping_a_photo_of_dark_ink_loads_it_inverted(canvas, qtbot, tmp_path):
    path = tmp_path / "seven.jpg"
    im = Image.new("RGB", (300, 400), (235, 230, 220))
    ImageDraw.Draw(im).line([(60, 80), (240, 80), (120, 340)], fill=(20, 20, 40), width=24)
    im.save(path)
    with qtbot.waitSignal(canvas.drawingChanged, timeout=2000):
        drop(canvas, path)
    img = canvas.image()
    assert not canvas.is_empty()
    assert img[5:25, 120:160].max() < 0.2  # paper is black
    # 300x400 fits as 210x280, 35 px from the left: the 7's top bar is at y = 80 * 0.7, x = 77-203
    assert img[52:60, 90:190].mean() > 0.5
    assert img[150:250, 35:60].max() < 0.2


def test_a_large_picture_is_read_reduced_off_the_gui_thread_and_classified(panel, qtbot, tmp_path, monkeypatch):
    import threading

    import guiapp.canvas as canvas_module

    path = tmp_path / "photo_of_a_one.png"
    im = Image.new("L", (6000, 6000), 235)  # 36 MP: under the 40 MP limit, about 1 GB as the floats of old
    ImageDraw.Draw(im).line([(3000, 900), (3000, 5100)], fill=20, width=500)
    im.save(path, compress_level=1)
    real_load = canvas_module.load_image_file
    decoding, gui_ticked = threading.Event(), threading.Event()
    seen = {}

    def watched_load(p, max_side=None):
        decoding.set()
        # Answered only if the GUI thread keeps running its timers while this runs: on the GUI thread it never is.
        seen["gui_served_a_timer"] = gui_ticked.wait(20)
        seen["on_gui_thread"] = threading.current_thread() is threading.main_thread()
        return real_load(p, max_side=max_side)

    monkeypatch.setattr(canvas_module, "load_image_file", watched_load)
    ticker = QTimer()
    ticker.timeout.connect(lambda: decoding.is_set() and gui_ticked.set())
    ticker.start(5)
    given = []
    load_array = panel.canvas.load_array
    monkeypatch.setattr(panel.canvas, "load_array", lambda img: (given.append(np.shape(img)), load_array(img)))
    with qtbot.waitSignal(panel.inputChanged, timeout=30_000) as blocker:
        drop(panel.canvas, path)
    ticker.stop()
    assert seen == {"gui_served_a_timer": True, "on_gui_thread": False}
    assert given and max(given[0]) <= canvas_module.DECODE_MAX_SIDE  # read reduced, never at 6,000 px
    x = blocker.args[0]
    assert x.shape == (28, 28) and x.max() > 0.9  # the stroke reached the model's input
    assert x[:, 12:16].sum() > 0.8 * x.sum()  # a vertical bar in the middle: a 1


def test_the_newest_drop_wins_and_drawing_cancels_a_pending_one(canvas, qtbot, tmp_path):
    first, second = tmp_path / "first.png", tmp_path / "second.png"
    for path, x in ((first, 40), (second, 200)):
        im = Image.new("L", (280, 280), 255)
        ImageDraw.Draw(im).line([(x, 40), (x, 240)], fill=0, width=20)
        im.save(path)
    changes = []
    canvas.drawingChanged.connect(lambda: changes.append(canvas.image()[140, [40, 200]].tolist()))
    canvas.request_file(first)
    canvas.request_file(second)
    qtbot.waitUntil(lambda: len(changes) == 1, timeout=5000)
    canvas.request_file(first)
    stroke(canvas, [(140, 140)])  # the user draws before the file arrives: the drop is dropped
    with qtbot.assertNotEmitted(canvas.errorOccurred, wait=300):
        qtbot.wait(300)
    assert changes[0][0] < 0.1 and changes[0][1] > 0.9  # only the second file was loaded
    assert canvas.image()[140, 40] < 0.1 and canvas.image()[140, 140] > 0.9


# ------------------------------------------------------------------------------------------ prediction panel
def test_prediction_label_starts_with_the_digit(qtbot):
    panel = PredictionPanel()
    qtbot.addWidget(panel)
    label = panel.findChild(type(panel.label), "predictionLabel")
    assert not any(ch.isdigit() for ch in label.text())
    panel.show_result(confident(7), np.zeros((28, 28)))
    assert label.text().startswith("7") and "%" in label.text() and "unsure" not in label.text()
    np.testing.assert_allclose(panel.probabilities(), confident(7))
    panel.show_result(np.array([0.05, 0.02, 0.02, 0.41, 0.02, 0.30, 0.05, 0.03, 0.05, 0.05]))
    assert label.text().startswith("3") and "unsure" in label.text()
    panel.show_result(np.array([0.02, 0.0, 0.0, 0.0, 0.55, 0.0, 0.0, 0.0, 0.0, 0.43]))
    assert label.text().startswith("4") and "unsure" in label.text() and "9" in label.text()
    panel.show_result(np.array([np.nan] * 10))  # a diverged network
    assert label.text()[0].isdigit() and "unsure" in label.text()
    panel.show_empty()
    assert not any(ch.isdigit() for ch in label.text())
    assert not panel.probabilities().any()
    panel.set_busy("Loading model…")
    assert label.text() == "Loading model…"


def test_preview_shows_every_model_pixel_as_a_block(qtbot):
    panel = PredictionPanel()
    qtbot.addWidget(panel)
    img = np.random.default_rng(0).random((28, 28)).astype(np.float32)
    panel.show_result(confident(1), img)
    preview = panel.findChild(type(panel.preview), "preprocessedPreview")
    shot = preview.pixmap().toImage()
    scale = shot.width() // 28
    assert shot.width() == shot.height() == 28 * scale and scale >= 4
    for y, x in [(0, 0), (5, 20), (27, 27), (14, 3)]:
        for dy, dx in [(0, 0), (scale - 1, scale - 1)]:
            assert shot.pixelColor(x * scale + dx, y * scale + dy).red() == round(img[y, x] * 255)


# ------------------------------------------------------------------------------------------------ draw panel
def test_draw_panel_requests_a_centred_28x28_input(panel, qtbot):
    assert panel.findChild(type(panel.clear_button), "clearButton") is panel.clear_button
    with qtbot.waitSignal(panel.inputChanged, timeout=1000) as blocker:
        stroke(panel.canvas, line((20, 20), (80, 90)))  # small and in a corner
    image = blocker.args[0]
    assert image.shape == (28, 28) and image.dtype == np.float32
    ys, xs = np.mgrid[:28, :28] + 0.5
    assert abs((image * ys).sum() / image.sum() - 14) < 0.6 and abs((image * xs).sum() / image.sum() - 14) < 0.6
    assert image.max() > 0.9 and image[:3].max() == 0  # scaled up to a 20 px box, not left in the corner
    shot = panel.prediction_panel.preview.pixmap().toImage()
    scale = shot.width() // 28
    y, x = np.unravel_index(image.argmax(), image.shape)
    assert shot.pixelColor(x * scale, y * scale).red() == round(image[y, x] * 255)  # shown before any answer


def test_draw_panel_classifies_while_drawing(panel, qtbot):
    c = panel.canvas
    with qtbot.waitSignal(panel.inputChanged, timeout=2000):
        mouse(c, QEvent.Type.MouseButtonPress, 60, 60, LEFT, LEFT)
        for x, y in line((60, 60), (200, 220), 20):
            mouse(c, QEvent.Type.MouseMove, x, y, NONE, LEFT)
    assert c.is_drawing()
    mouse(c, QEvent.Type.MouseButtonRelease, 200, 220, LEFT, NONE)


def test_draw_panel_shows_an_answer_next_to_its_input(panel, qtbot):
    inputs = []
    panel.inputChanged.connect(inputs.append)
    stroke(panel.canvas, line((100, 40), (100, 240)))
    with qtbot.waitSignal(panel.predictionShown, timeout=1000):
        panel.show_prediction(fake_prediction(confident(1)), inputs[-1])
    assert panel.prediction_panel.label.text().startswith("1")


def test_empty_drawing_requests_nothing(panel, qtbot):
    requests = []
    panel.inputChanged.connect(requests.append)
    stroke(panel.canvas, [(-200, -200), (-10, -300)])  # wholly outside
    assert requests == [] and not any(ch.isdigit() for ch in panel.prediction_panel.label.text())


def test_undoing_the_last_stroke_empties_the_panel(panel, qtbot):
    stroke(panel.canvas, line((100, 40), (100, 240)))
    with qtbot.waitSignal(panel.cleared, timeout=1000):
        qtbot.mouseClick(panel.findChild(type(panel.clear_button), "undoButton"), LEFT)
    assert panel.canvas.is_empty()
    assert not any(ch.isdigit() for ch in panel.prediction_panel.label.text())


def test_pen_slider_sets_the_canvas_pen(panel):
    panel.pen_slider.setValue(10)
    assert panel.canvas.pen_width() == 10


def test_drop_error_is_shown_under_the_canvas(panel, qtbot, tmp_path):
    path = tmp_path / "readme.txt"
    path.write_text("hello")
    with qtbot.waitSignal(panel.errorOccurred, timeout=1000):
        drop(panel.canvas, path)
    assert "readme.txt" in panel.message.text()


def test_high_dpi_screen_keeps_the_model_input_at_logical_size():
    """On a 2x screen the canvas draws and shows the ink, and image() (the model input) stays 280x280."""
    import subprocess
    import sys

    script = """
import numpy as np
from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication
app = QApplication([])
from guiapp.canvas import DrawCanvas
c = DrawCanvas(); c.show(); app.processEvents()
def send(kind, x, button, buttons):
    p = QPointF(x, 140)
    QApplication.sendEvent(c, QMouseEvent(kind, p, p, button, buttons, Qt.KeyboardModifier.NoModifier))
L, N = Qt.MouseButton.LeftButton, Qt.MouseButton.NoButton
send(QEvent.Type.MouseButtonPress, 40, L, L)
for x in range(50, 250, 10):
    send(QEvent.Type.MouseMove, x, N, L)
send(QEvent.Type.MouseButtonRelease, 240, L, N)
shot = c.grab().toImage()
print(c.devicePixelRatioF(), c.image().shape, shot.width(), shot.pixelColor(280, 280).red(), shot.pixelColor(280, 100).red())
"""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", QT_SCALE_FACTOR="2")
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split()[-6:] == ["2.0", "(280,", "280)", "560", "255", "0"]
