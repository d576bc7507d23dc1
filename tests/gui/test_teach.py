"""Teach mode through the real window: store drawings with a digit key or button, browse, export / import,
fine-tune on them (and revert)."""

from __future__ import annotations

import hashlib
import threading

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLabel, QListWidget, QPushButton

from model import pendigits
from model.preprocess import to_mnist
from model.samples import SampleStore
from tests.gui.improve_support import improve_window, small_model_file  # noqa: F401  (fixtures)
from tests.gui.replay import replay

pytestmark = pytest.mark.usefixtures("mnist_path")


@pytest.fixture(scope="module")
def pen_digits():
    path = pendigits.find_file()
    if path is None:
        pytest.skip("pendigits file not found")
    return [d for d in pendigits.parse(path) if d.writer == 25]


def draw(w, qtbot, digit):
    panel = w.draw_panel
    replay(panel.canvas, pendigits.fit_to_canvas(digit.strokes, size=panel.canvas.width()))
    qtbot.waitUntil(lambda: w.controller.shown_generation() == w.controller.generation() > 0, timeout=30_000)


def stored(w) -> list:
    with SampleStore(w.improve.samples_path) as store:  # a second connection, as another process would open it
        return store.list()


def test_digit_key_on_the_canvas_stores_the_drawing(improve_window, qtbot, pen_digits):
    w = improve_window
    canvas = w.draw_panel.canvas
    digit = next(d for d in pen_digits if d.label == 3)
    draw(w, qtbot, digit)
    expected = to_mnist(canvas.image())
    strokes = canvas.strokes()
    canvas.setFocus()
    with qtbot.waitSignal(w.sampleSaved, timeout=5_000) as blocker:
        QTest.keyClick(canvas, Qt.Key.Key_3)
    sample = blocker.args[0]
    assert sample.label == 3
    np.testing.assert_allclose(sample.image, expected, atol=1e-6)
    assert len(sample.strokes) == len(strokes) == len(digit.strokes)
    np.testing.assert_allclose(sample.strokes[0], strokes[0], atol=0.01)
    assert canvas.is_empty()  # ready for the next one
    assert [(s.id, s.label) for s in stored(w)] == [(sample.id, 3)]
    assert w.improve.teach_panel.sample_ids() == [sample.id]
    assert "1 samples" in w.findChild(QLabel, "sampleCounts").text()
    with qtbot.assertNotEmitted(w.sampleSaved, wait=200):
        QTest.keyClick(canvas, Qt.Key.Key_5)  # nothing drawn: nothing stored
    assert len(stored(w)) == 1


def test_buttons_browser_delete_and_relabel(improve_window, qtbot, pen_digits):
    w = improve_window
    panel = w.improve.teach_panel
    ids = []
    for digit in pen_digits[:3]:
        draw(w, qtbot, digit)
        with qtbot.waitSignal(w.sampleSaved, timeout=5_000) as blocker:
            w.findChild(QPushButton, f"teachDigit{digit.label}").click()
        ids.append(blocker.args[0].id)
    assert [s.label for s in stored(w)] == [d.label for d in pen_digits[:3]]
    assert panel.sample_ids() == ids

    samples = w.findChild(QListWidget, "samplesList")
    samples.item(0).setSelected(True)
    panel.relabel_combo.setCurrentIndex(9)
    w.findChild(QPushButton, "relabelButton").click()
    panel.select_ids([ids[1]])
    w.findChild(QPushButton, "deleteSampleButton").click()
    assert [(s.id, s.label) for s in stored(w)] == [(ids[0], 9), (ids[2], pen_digits[2].label)]
    assert panel.sample_ids() == [ids[0], ids[2]] and panel.labels()[0] == 9


def test_export_import_and_a_bad_file(improve_window, qtbot, pen_digits, tmp_path):
    w = improve_window
    for digit in pen_digits[:2]:
        draw(w, qtbot, digit)
        with qtbot.waitSignal(w.sampleSaved, timeout=5_000):
            w.findChild(QPushButton, f"teachDigit{digit.label}").click()
    assert w.improve.export_samples(str(tmp_path / "mine.npz")) == 2
    bad = tmp_path / "bad.npz"
    np.savez(bad, images=np.zeros((3, 28, 28)), labels=np.array([1, 2]))
    assert w.improve.import_samples(str(bad)) is None
    assert "bad.npz" in w.last_error and "labels of shape (2,)" in w.last_error
    assert len(stored(w)) == 2
    assert w.improve.import_samples(str(tmp_path / "mine.npz")) == 2
    assert [s.label for s in stored(w)] == [d.label for d in pen_digits[:2]] * 2
    assert len(w.improve.teach_panel.sample_ids()) == 4


def test_fine_tune_needs_samples(improve_window, qtbot):
    w = improve_window
    with qtbot.waitSignal(w.fineTuneFinished, timeout=5_000) as blocker:
        w.findChild(QPushButton, "fineTuneButton").click()
    assert blocker.args[0] is None
    assert "at least 10" in w.findChild(QLabel, "fineTuneStatus").text()


@pytest.fixture
def taught_window(qtbot, mnist_path, small_model_file, tmp_path, pen_digits):
    """A window whose sample database already holds 40 digits of pendigits writer 25 (four of each)."""
    from guiapp.main_window import MainWindow

    with SampleStore(tmp_path / "samples.sqlite") as store:
        for label in range(10):
            for d in [d for d in pen_digits if d.label == label][:4]:
                store.add(to_mnist(pendigits.render(pendigits.fit_to_canvas(d.strokes))), label, d.strokes)
    w = MainWindow(data_path=str(mnist_path), model_path=str(small_model_file),
                   samples_path=str(tmp_path / "samples.sqlite"))
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.training_panel.train_button.isEnabled() and w.phase == "idle", timeout=90_000)
    yield w
    w.feature_dock.raise_()
    w.close()


def test_fine_tune_shows_before_and_after_then_reverts(taught_window, qtbot, small_model_file):
    w = taught_window
    digest = hashlib.sha256(small_model_file.read_bytes()).hexdigest()
    revert = w.findChild(QPushButton, "revertModelButton")
    assert not revert.isEnabled()
    with qtbot.waitSignal(w.fineTuneFinished, timeout=600_000) as blocker:
        w.findChild(QPushButton, "fineTuneButton").click()
        assert not w.findChild(QPushButton, "fineTuneButton").isEnabled()
    result = blocker.args[0]
    assert result is not None, w.last_error
    assert result.n_train + result.n_holdout == 40 and result.n_holdout == 10  # a fifth: one of each digit
    texts = w.improve.teach_panel.result_texts()
    assert texts[0][:2] == [f"{result.mnist_before * 100:.2f} %", f"{result.mnist_after * 100:.2f} %"]
    assert texts[1][:2] == [f"{result.user_before * 100:.2f} %", f"{result.user_after * 100:.2f} %"]
    assert texts[0][2].endswith("pt") and texts[1][2].endswith("pt")
    assert w.improve.teach_panel.fine_tune_progress.value() == 1000
    qtbot.waitUntil(revert.isEnabled, timeout=5_000)
    accuracy = w.findChild(QLabel, "testAccuracyLabel")
    assert f"{result.mnist_after * 100:.2f}" in accuracy.text()

    revert.click()
    qtbot.waitUntil(lambda: not revert.isEnabled(), timeout=30_000)
    qtbot.waitUntil(lambda: f"{result.mnist_before * 100:.2f}" in accuracy.text(), timeout=30_000)
    assert hashlib.sha256(small_model_file.read_bytes()).hexdigest() == digest  # never written to


def test_closing_while_fine_tuning_compiles_leaves_before_any_batch_is_trained(taught_window, qtbot):
    """Stop (here: closing the window) while the fine-tuned copy is compiled: the run leaves before fit, whose first
    call would trace the training step (a second or more) and train a batch before it saw the stop."""
    import time

    w = taught_window
    engine, control = w.controller.engine, w.controller.control
    at_compile, trained = threading.Event(), []

    def hold_until_stopped(phase):  # engine thread
        if phase == "compiling" and not at_compile.is_set():
            at_compile.set()
            deadline = time.monotonic() + 30
            while not control.stop_requested and time.monotonic() < deadline:
                time.sleep(0.005)

    engine.phaseChanged.connect(hold_until_stopped)
    engine.fineTuneProgress.connect(trained.append)
    w.findChild(QPushButton, "fineTuneButton").click()
    qtbot.waitUntil(at_compile.is_set, timeout=120_000)
    w.close()
    assert not w.controller.engine_thread.isRunning()
    assert trained == []


def test_fine_tuning_is_stopped_by_the_stop_button_and_train_waits_for_it(taught_window, qtbot):
    """Fine-tuning is a job like training: Stop stops it, Train and Ctrl+T do nothing until it has ended, and the
    model in use stays the one that was there (not a new run's)."""
    from faults import EngineGate
    from PySide6.QtGui import QAction

    w = taught_window
    before = w.controller.model_info.source
    runs, finished = [], []
    w.controller.runStarted.connect(lambda run, cfg: runs.append(run))
    gate = EngineGate(w.controller.engine.fineTuneProgress)
    with qtbot.waitSignal(w.fineTuneFinished, timeout=600_000) as blocker:
        w.findChild(QPushButton, "fineTuneButton").click()
        qtbot.waitUntil(gate.entered.is_set, timeout=300_000)
        stop, train = w.findChild(QPushButton, "stopButton"), w.findChild(QPushButton, "trainButton")
        assert stop.isEnabled() and not train.isEnabled()
        w.findChild(QAction, "trainAction").trigger()  # Ctrl+T
        assert w.train() is False
        stop.click()
        gate.release()
    assert blocker.args[0] is None  # stopped: nothing fine-tuned
    qtbot.waitUntil(lambda: not w.controller.busy, timeout=60_000)
    assert runs == [] and w.controller.model_info.source == before
    assert "unchanged" in w.findChild(QLabel, "fineTuneStatus").text()


def test_teach_texts_follow_a_language_switch_and_keep_their_state(improve_window, qtbot, qapp):
    """中文 and back: the teach panel, the label bar and the saliency toggle re-translate, and the status of the last
    fine-tune attempt is re-rendered in the new language rather than left in the old one."""
    from guiapp import i18n

    w = improve_window
    panel = w.improve.teach_panel
    with qtbot.waitSignal(w.fineTuneFinished, timeout=5_000):
        w.findChild(QPushButton, "fineTuneButton").click()
    status = w.findChild(QLabel, "fineTuneStatus")
    fine_tune, toggle = w.findChild(QPushButton, "fineTuneButton"), w.improve.saliency_toggle
    assert "at least 10" in status.text() and fine_tune.text() == "Fine-tune on my samples"
    try:
        assert i18n.set_language(qapp, i18n.CHINESE, save=False)
        qtbot.waitUntil(lambda: fine_tune.text() == "用我的样本微调", timeout=5_000)
        assert "至少需要 10 个样本" in status.text()
        assert toggle.text() == "显著性" and w.improve.label_bar.caption.text() == "教它："
        assert panel.results.horizontalHeaderItem(0).text() == "微调前"
        assert "0 个样本" in w.findChild(QLabel, "sampleCounts").text()
        assert "测试准确率" not in w.findChild(QLabel, "evaluationSummary").text()  # not evaluated yet…
        assert "尚未评估" in w.findChild(QLabel, "evaluationSummary").text()  # …and says so in Chinese
    finally:
        i18n.set_language(qapp, i18n.ENGLISH, save=False)
    qtbot.waitUntil(lambda: fine_tune.text() == "Fine-tune on my samples", timeout=5_000)
    assert "at least 10" in status.text() and toggle.text() == "Saliency"
    assert panel.results.horizontalHeaderItem(0).text() == "Before"
