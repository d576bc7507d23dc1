"""The evaluation view and the saliency overlay, through the real window and engine thread."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QCheckBox, QLabel, QListWidget, QTableWidget, QWidget

from guiapp.evaluation_view import GALLERY_LIMIT
from model import pendigits, saliency
from model.preprocess import to_mnist
from tests.gui.improve_support import improve_window, small_model_file  # noqa: F401  (fixtures)
from tests.gui.replay import replay

pytestmark = pytest.mark.usefixtures("mnist_path")


def click_cell(view, t: int, p: int, qtbot):
    rect = view.matrix.visualItemRect(view.matrix.item(t, p))
    with qtbot.waitSignal(view.cellShown, timeout=5_000) as blocker:
        QTest.mouseClick(view.matrix.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert blocker.args == [t, p]


def evaluate(w, qtbot):
    with qtbot.waitSignal(w.evaluationShown, timeout=180_000) as blocker:
        w.findChild(QAction, "evaluateAction").trigger()
    return blocker.args[0]


def test_contract_object_names(improve_window):
    w = improve_window
    assert w.findChild(QWidget, "evaluationView") is w.improve.evaluation_view
    assert isinstance(w.findChild(QTableWidget, "confusionMatrix"), QTableWidget)
    assert isinstance(w.findChild(QListWidget, "mistakesGallery"), QListWidget)
    assert isinstance(w.findChild(QCheckBox, "saliencyToggle"), QCheckBox)
    assert w.findChild(QWidget, "teachPanel") is w.improve.teach_panel


def test_matrix_sums_to_the_test_set_and_a_cell_shows_exactly_its_images(improve_window, qtbot, raw_mnist):
    w, view = improve_window, improve_window.improve.evaluation_view
    ev = evaluate(w, qtbot)
    y = raw_mnist.y_test.astype(int)
    counts = view.matrix_counts()
    assert counts.sum() == len(y) == 10_000
    np.testing.assert_array_equal(counts, ev.confusion)
    np.testing.assert_array_equal(counts.sum(axis=1), np.bincount(y, minlength=10))
    assert np.trace(counts) == round(ev.accuracy * len(y))
    assert ev.accuracy == pytest.approx(w.improve.evaluation_view._evaluation.accuracy)
    assert "Test accuracy" in w.findChild(QLabel, "evaluationSummary").text()
    header = view.matrix.verticalHeaderItem(3).text()
    assert header.startswith("3") and f"{ev.per_class_accuracy[3] * 100:.1f} %" in header

    off = ev.confusion - np.diag(np.diag(ev.confusion))
    cells = [tuple(int(v) for v in np.unravel_index(i, off.shape)) for i in np.argsort(off, axis=None)[::-1][:3]]
    for t, p in cells:
        click_cell(view, t, p, qtbot)
        expected = np.flatnonzero((y == t) & (ev.predicted == p))
        shown = view.gallery_indices()
        assert len(shown) == counts[t, p] == len(expected) <= GALLERY_LIMIT
        assert sorted(shown) == expected.tolist()
        assert list(ev.confidence[shown]) == sorted(ev.confidence[shown], reverse=True)
        gallery = w.findChild(QListWidget, "mistakesGallery")
        for row, i in enumerate(shown):
            assert gallery.item(row).text() == f"{t}→{p}  {ev.confidence[i] * 100:.0f} %"
    click_cell(view, 1, 1, qtbot)
    shown = view.gallery_indices()
    assert len(shown) == min(GALLERY_LIMIT, counts[1, 1])
    assert all(y[i] == 1 and ev.predicted[i] == 1 for i in shown)


def test_gallery_click_draws_the_image_and_classifies_it(improve_window, qtbot, raw_mnist):
    w, view = improve_window, improve_window.improve.evaluation_view
    evaluate(w, qtbot)
    gallery = w.findChild(QListWidget, "mistakesGallery")
    item = gallery.item(0)
    index = view.gallery_indices()[0]
    with qtbot.waitSignal(w.predictionShown, timeout=30_000):
        QTest.mouseClick(gallery.viewport(), Qt.MouseButton.LeftButton, pos=gallery.visualItemRect(item).center())
    canvas = w.draw_panel.canvas
    x = to_mnist(canvas.image())
    original = raw_mnist.x_test[index] / 255.0
    assert np.corrcoef(x.ravel(), original.ravel())[0, 1] > 0.9  # the same digit, re-centred by preprocessing
    assert w.findChild(QLabel, "predictionLabel").text()[:1].isdigit()
    assert w.feature_maps.layer_titles()
    assert f"#{index}" in w.findChild(QLabel, "galleryNote").text()


def test_evaluate_after_each_training_run_unless_unchecked(improve_window, qtbot, train_small, raw_mnist):
    w, view = improve_window, improve_window.improve.evaluation_view
    assert view.auto_evaluate()
    results = []
    w.trainingFinished.connect(results.append)  # a window signal: emitted on the GUI thread
    with qtbot.waitSignal(w.evaluationShown, timeout=300_000) as blocker:
        train_small(w, qtbot, limit=1000)
    (result,), ev = results, blocker.args[0]
    assert view.matrix_counts().sum() == 10_000
    # The run's own test figure covers the first 500 test images: the evaluation is of the model just trained.
    y = raw_mnist.y_test[:500]
    assert np.mean(ev.predicted[:500] == y) == pytest.approx(result.test_accuracy, abs=0.003)
    view.auto_check.setChecked(False)
    with qtbot.waitSignal(w.trainingFinished, timeout=300_000):
        train_small(w, qtbot, limit=500)
    with qtbot.assertNotEmitted(w.evaluationShown, wait=1_500):
        pass
    assert "model has changed" in w.findChild(QLabel, "evaluationSummary").text()


def draw_digit(w, qtbot, digit):
    panel = w.draw_panel
    replay(panel.canvas, pendigits.fit_to_canvas(digit.strokes, size=panel.canvas.width()))
    qtbot.waitUntil(lambda: w.controller.shown_generation() == w.controller.generation() > 0, timeout=30_000)


def test_saliency_overlay_follows_the_drawing(improve_window, qtbot):
    path = pendigits.find_file()
    if path is None:
        pytest.skip("pendigits file not found")
    digits = [d for d in pendigits.parse(path) if d.writer == 26][:2]
    w = improve_window
    canvas, toggle = w.draw_panel.canvas, w.findChild(QCheckBox, "saliencyToggle")
    draw_digit(w, qtbot, digits[0])
    assert not canvas.has_overlay()
    with qtbot.waitSignal(w.saliencyShown, timeout=30_000) as blocker:
        toggle.click()
    result = blocker.args[0]
    assert result.values.shape == (28, 28) and result.values.max() == pytest.approx(1.0)
    assert str(result.digit) == w.findChild(QLabel, "predictionLabel").text()[0]
    assert canvas.has_overlay()
    # On the canvas the heat sits on and around the strokes, where the model looked.
    heat = saliency.to_canvas(result.values, canvas.image())
    ink = canvas.image() > 0.1
    near = np.zeros_like(ink)
    for dy in range(-20, 21, 5):
        for dx in range(-20, 21, 5):
            near |= np.roll(np.roll(ink, dy, 0), dx, 1)
    assert heat[near].sum() > 0.8 * heat.sum()

    toggle.click()
    assert not canvas.has_overlay()
    with qtbot.waitSignal(w.saliencyShown, timeout=30_000):
        toggle.click()
    canvas.clear()
    assert not canvas.has_overlay()
    with qtbot.waitSignal(w.saliencyShown, timeout=30_000) as again:
        draw_digit(w, qtbot, digits[1])
    assert canvas.has_overlay() and str(again.args[0].digit) == w.findChild(QLabel, "predictionLabel").text()[0]


def test_evaluation_texts_follow_a_language_switch_and_keep_the_state(qtbot, qapp):
    """The summary, the stale note, the gallery's title and tooltips and the canvas note are re-rendered from the
    evaluation in 中文 and back; the matrix and the cell shown stay as they were."""
    from guiapp import i18n
    from guiapp.evaluation_view import EvaluationView
    from model.evaluation import summarise

    rng = np.random.default_rng(0)
    labels = rng.integers(0, 10, 300)
    probabilities = np.eye(10)[np.where(rng.random(300) < 0.8, labels, (labels + 1) % 10)] * 0.9 + 0.01
    view = EvaluationView()
    qtbot.addWidget(view)
    view.show()
    ev = summarise(probabilities, labels)
    view.set_evaluation(ev, rng.integers(0, 255, (300, 28, 28)).astype(np.uint8), labels)
    view.mark_stale()
    view.gallery.itemClicked.emit(view.gallery.item(0))
    cell, counts = view.current_cell(), view.matrix_counts()
    english = (view.summary.text(), view.gallery_title.text(), view.note.text())
    assert "Test accuracy" in english[0] and "model has changed" in english[0]
    try:
        assert i18n.set_language(qapp, i18n.CHINESE, save=False)
        qtbot.waitUntil(lambda: view.evaluate_button.text() == "评估", timeout=5_000)
        assert "测试准确率" in view.summary.text() and "模型已经变了" in view.summary.text()
        assert f"{ev.accuracy * 100:.2f} %" in view.summary.text()
        assert "被认成" in view.gallery_title.text() and "画布上" in view.note.text()
        assert "概率" in view.gallery.item(0).toolTip()
        assert "被认" in view.matrix.item(*cell).toolTip()
        assert view.current_cell() == cell
        np.testing.assert_array_equal(view.matrix_counts(), counts)
    finally:
        i18n.set_language(qapp, i18n.ENGLISH, save=False)
    qtbot.waitUntil(lambda: view.evaluate_button.text() == "Evaluate", timeout=5_000)
    assert (view.summary.text(), view.gallery_title.text(), view.note.text()) == english
