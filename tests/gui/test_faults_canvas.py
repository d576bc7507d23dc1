"""Fault matrix, drawing: odd strokes, random event storms, bad dropped files, and drawing while the engine is busy.

The canvas widget's own behaviour is in test_canvas.py; these tests draw in the whole window, with the engine
answering, and check what the user sees: an answer, or a message naming the file and the problem.
"""

import numpy as np
import pytest
from faults import EngineGate, SEVEN, assert_told, classify, phase_is
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication, QLabel
from test_canvas import drop, huge_png

from model.recipes import recipe
from tests.gui.replay import drag

pytestmark = pytest.mark.usefixtures("mnist_path")
LEFT, RIGHT, NONE = Qt.MouseButton.LeftButton, Qt.MouseButton.RightButton, Qt.MouseButton.NoButton


def _answered(window):
    panel = window.draw_panel
    c = window.controller
    return c.generation() > 0 and c.shown_generation() == c.generation()


def test_click_without_drag_is_classified(make_window, qtbot):
    window = make_window()
    probabilities = classify(window, qtbot, points=np.array([(140.0, 140.0)]))
    assert np.isfinite(probabilities).all()
    assert not window.draw_panel.canvas.is_empty()


def test_strokes_outside_the_canvas_are_clipped_or_ignored(make_window, qtbot):
    window = make_window()
    panel = window.draw_panel
    drag(panel.canvas, np.array([(-400.0, -300.0), (-50.0, -900.0), (5000.0, -20.0)]))  # never crosses the canvas
    assert panel.canvas.is_empty() and window.controller.generation() == 0  # nothing to classify, nothing asked
    assert window.findChild(QLabel, "predictionLabel").text() == "Draw a digit"
    probabilities = classify(window, qtbot, points=np.array([(-500.0, 140.0), (140.0, 140.0), (900.0, 140.0)]))
    assert np.isfinite(probabilities).all()
    assert window.last_error == ""


def test_ten_thousand_point_stroke_is_classified(make_window, qtbot):
    window = make_window()
    t = np.linspace(0, 6 * np.pi, 10_000)
    spiral = np.stack([140 + 4 * t * np.cos(t), 140 + 4 * t * np.sin(t)], axis=1)
    probabilities = classify(window, qtbot, points=spiral)
    assert np.isfinite(probabilities).all()
    assert window.draw_panel.canvas.strokes()[0].shape == (10_000, 2)


_ops = st.one_of(
    st.tuples(st.just("press"), st.floats(-600, 900), st.floats(-600, 900), st.sampled_from([LEFT, RIGHT])),
    st.tuples(st.just("move"), st.floats(-600, 900), st.floats(-600, 900), st.sampled_from([LEFT, NONE])),
    st.tuples(st.just("release"), st.floats(-600, 900), st.floats(-600, 900), st.sampled_from([LEFT, RIGHT])),
    st.tuples(st.just("undo")),
    st.tuples(st.just("clear")),
)
_KIND = {"press": QEvent.Type.MouseButtonPress, "move": QEvent.Type.MouseMove, "release": QEvent.Type.MouseButtonRelease}


def _send(canvas, op):
    kind, x, y, button = op
    pressed = button if kind == "press" else NONE if kind == "release" else button
    event_button = NONE if kind == "move" else button
    pos = QPointF(x, y)
    event = QMouseEvent(_KIND[kind], pos, canvas.mapToGlobal(pos), event_button, pressed, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(canvas, event)


def test_a_thousand_random_stroke_sequences_never_break_the_window(make_window, qtbot):
    window = make_window()
    panel = window.draw_panel

    @settings(max_examples=1000, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(st.lists(_ops, max_size=12))
    def storm(sequence):
        for op in sequence:
            if op[0] == "undo":
                panel.undo_button.click()
            elif op[0] == "clear":
                panel.clear_button.click()
            else:
                _send(panel.canvas, op)
        image = panel.canvas.image()
        assert image.shape == (280, 280) and np.isfinite(image).all()
        assert window.controller.shown_generation() <= window.controller.generation()

    storm()
    assert window.last_error == ""
    assert np.isfinite(classify(window, qtbot)).all()  # the window still answers


BAD_DROPS = {
    "not_an_image": ("notes.png", lambda p: p.write_text("shopping list: milk, eggs"), "not an image"),
    "huge_image": ("giant.png", huge_png, "too large for a digit (400 MP)"),
    "empty_file": ("empty.png", lambda p: p.write_bytes(b""), "empty (0 bytes)"),
}


@pytest.mark.parametrize("case", list(BAD_DROPS))
def test_dropped_bad_file_is_reported_and_the_drawing_kept(make_window, qtbot, tmp_path, case):
    name, make, fragment = BAD_DROPS[case]
    path = tmp_path / name
    make(path)
    window = make_window()
    probabilities = classify(window, qtbot)
    drawing = window.draw_panel.canvas.image()
    answer = window.findChild(QLabel, "predictionLabel").text()
    with qtbot.waitSignal(window.errorShown, timeout=10_000):
        drop(window.draw_panel.canvas, path)
    message = assert_told(window, name, fragment)
    assert window.draw_panel.message.text() == message  # under the canvas, where the file was dropped
    assert window.status.text() == message
    assert np.array_equal(window.draw_panel.canvas.image(), drawing)
    assert window.findChild(QLabel, "predictionLabel").text() == answer
    np.testing.assert_array_equal(classify(window, qtbot), probabilities)


def test_drawing_while_training_keeps_getting_answers(make_window, qtbot):
    window = make_window()
    first = EngineGate(window.controller.engine.batchEnded, hold_s=0)
    answers = []
    window.predictionShown.connect(lambda p: answers.append(window.training_panel.running))
    with qtbot.waitSignal(window.trainingFinished, timeout=120_000):
        window.train(recipe("seed", epochs=1, batch_size=32, limit_train=20000, limit_test=500))
        qtbot.waitUntil(first.entered.is_set, timeout=60_000)
        drag(window.draw_panel.canvas, SEVEN)
        qtbot.waitUntil(lambda: _answered(window) and len(answers) >= 2, timeout=60_000)
        window.training_panel.stop_button.click()
    assert answers[:2] == [True, True]  # answered, and re-answered as the weights changed, while training ran


@pytest.mark.parametrize("busy", ["loading model", "loading data", "evaluating"])
def test_drawing_while_the_engine_is_busy_is_answered_once_it_can(make_window, qtbot, model_files, make_npz, busy):
    window = make_window()
    gate = EngineGate(window.controller.engine.phaseChanged, phase_is(busy))
    if busy == "loading model":
        window.open_model(model_files["other_seed"])
        status = "Loading the model…"
    elif busy == "loading data":
        window.open_dataset(make_npz())
        status = "Loading the dataset…"
    else:
        window.evaluate()
        status = "Evaluating…"
    qtbot.waitUntil(gate.entered.is_set, timeout=30_000)
    drag(window.draw_panel.canvas, SEVEN)
    qtbot.waitUntil(lambda: window.status.text() == status, timeout=10_000)  # the status says why no answer yet
    order = []
    window.predictionShown.connect(lambda p: order.append("answer"))
    window.phaseShown.connect(lambda phase: order.append(phase))
    gate.release()
    qtbot.waitUntil(lambda: _answered(window), timeout=60_000)
    qtbot.waitUntil(lambda: window.phase == "idle", timeout=60_000)
    if busy == "evaluating":
        assert order.index("answer") < order.index("idle")  # answered between evaluation batches
    assert window.last_error == ""


def test_drawing_while_tensorflow_loads_is_answered_once_loaded(make_window, qtbot):
    window = make_window(ready=False)
    drag(window.draw_panel.canvas, SEVEN)
    assert window.status.text() == "Loading TensorFlow…"
    qtbot.waitUntil(lambda: _answered(window), timeout=120_000)


def test_drawing_without_a_model_says_why_there_is_no_answer(make_window, qtbot, tmp_path):
    window = make_window(model_path=tmp_path / "gone.keras")
    assert_told(window, "gone.keras", "does not exist")
    drag(window.draw_panel.canvas, SEVEN)
    assert window.status.text().startswith("No model to classify with yet")
    assert window.controller.shown_generation() == 0
