"""The main window trains for real through the engine thread: plots, progress, stop, pause, close."""

import re
import threading

import pytest
from PySide6.QtCore import QThread
from PySide6.QtWidgets import QLabel, QProgressBar, QPushButton, QSpinBox

pytestmark = pytest.mark.usefixtures("mnist_path")


def test_contract_object_names(window):
    for name, cls in [
        ("trainButton", QPushButton),
        ("pauseButton", QPushButton),
        ("stopButton", QPushButton),
        ("epochsSpin", QSpinBox),
        ("batchSizeSpin", QSpinBox),
        ("trainingProgress", QProgressBar),
        ("deviceLabel", QLabel),
        ("testAccuracyLabel", QLabel),
    ]:
        widget = window.findChild(cls, name)
        assert widget is not None, name
        assert widget.accessibleName() == name
    for name in ("lossPlot", "accuracyPlot", "modelSummary"):
        assert window.findChild(object, name) is not None, name
    assert window.findChild(QSpinBox, "epochsSpin").value() == 5
    assert window.findChild(QSpinBox, "batchSizeSpin").value() == 64
    assert window.controller.device in window.findChild(QLabel, "deviceLabel").text()


def test_engine_owns_tensorflow_thread(window):
    assert window.controller.engine.thread() is window.controller.engine_thread.qthread()
    assert window.controller.engine.thread() is not QThread.currentThread()


def test_short_training_updates_plots_progress_and_accuracy(window, qtbot, train_small):
    with qtbot.waitSignal(window.trainingFinished, timeout=180_000) as blocker:
        train_small(window, qtbot, limit=1500, batch_size=32, validation_split=0.2)
    result = blocker.args[0]
    assert result is not None and result.test_accuracy is not None
    counts = window.plots.point_counts()
    assert counts["batch"] >= 1 and counts["epoch"] == 1 and counts["val"] == 1
    assert window.findChild(QProgressBar, "trainingProgress").value() == 1000
    text = window.findChild(QLabel, "testAccuracyLabel").text()
    match = re.search(r"(\d{1,3}\.\d{1,2}) ?%", text)
    assert match, text
    assert float(match.group(1)) == pytest.approx(result.test_accuracy * 100, abs=0.01)
    # The finished run is evaluated on the test set at once (the Evaluation view's default); then Train is back.
    qtbot.waitUntil(lambda: window.findChild(QPushButton, "trainButton").isEnabled(), timeout=60_000)


def test_stop_mid_epoch_then_train_again(window, qtbot, train_small):
    first_batch = []
    window.batchShown.connect(lambda r: first_batch.append(r) if not first_batch else None)
    with qtbot.waitSignal(window.trainingFinished, timeout=180_000) as blocker:
        train_small(window, qtbot, epochs=3, limit=20000, batch_size=32)
        qtbot.waitUntil(lambda: bool(first_batch), timeout=120_000)
        window.findChild(QPushButton, "stopButton").click()
    result = blocker.args[0]
    assert result.stopped and result.reason.startswith("Stopped")
    assert result.epochs_done == 0  # stopped inside the first of three epochs
    assert result.extra["batches"] < 20000 * 0.9 / 32 / 2
    assert window.findChild(QPushButton, "trainButton").isEnabled()
    with qtbot.waitSignal(window.trainingFinished, timeout=180_000) as again:
        train_small(window, qtbot, limit=500)
    assert again.args[0].test_accuracy is not None
    assert window.plots.run_count() == 2


def test_pause_holds_then_resume_finishes(window, qtbot, train_small):
    reports = []
    window.batchShown.connect(lambda r: reports.append(r))
    with qtbot.waitSignal(window.trainingFinished, timeout=180_000) as blocker:
        train_small(window, qtbot, limit=6000, batch_size=32)
        qtbot.waitUntil(lambda: bool(reports), timeout=120_000)
        window.findChild(QPushButton, "pauseButton").click()
        qtbot.waitUntil(lambda: window.phase == "paused", timeout=10_000)
        held = len(reports)
        qtbot.wait(600)
        assert len(reports) == held  # nothing trains while paused
        assert window.findChild(QPushButton, "pauseButton").text() == "Resume"
        window.findChild(QPushButton, "pauseButton").click()
    assert blocker.args[0].test_accuracy is not None


def test_double_train_click_runs_once(window, qtbot, train_small):
    started = []
    window.controller.engine.trainingStarted.connect(lambda cfg: started.append(cfg))
    with qtbot.waitSignal(window.trainingFinished, timeout=180_000):
        train_small(window, qtbot, limit=500)
        window.findChild(QPushButton, "trainButton").click()
        window.train()
    qtbot.wait(300)
    assert len(started) == 1


def test_close_mid_training_shuts_down_cleanly(qtbot, mnist_path, qtlog, train_small):
    from guiapp.main_window import MainWindow

    w = MainWindow(data_path=str(mnist_path))
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.training_panel.train_button.isEnabled(), timeout=60_000)
    reports = []
    w.batchShown.connect(lambda r: reports.append(r))
    train_small(w, qtbot, epochs=5, limit=20000)
    qtbot.waitUntil(lambda: bool(reports), timeout=120_000)
    w.close()
    assert w.controller.engine_thread.isFinished()
    assert not w.controller.engine_thread.isRunning()
    assert not [t for t in threading.enumerate() if t.name == "EngineThread"]
    bad = [r.message for r in qtlog.records if "QThread" in r.message or "Destroyed" in r.message]
    assert not bad


def test_first_launch_trains_the_seed_network_not_the_bundled_ones(window, qtbot):
    """The bundled model answers the canvas; Train's defaults stay the seed's, architecture included."""
    from model.architecture import seed_spec

    qtbot.waitUntil(lambda: (window.controller.model_info is not None), timeout=60_000)
    cfg = window.training_panel.config()
    assert cfg.recipe == "seed" and cfg.epochs == 5 and cfg.batch_size == 64 and cfg.optimizer == "rmsprop"
    assert list(cfg.spec) == seed_spec()
    assert list(window.architecture_editor.spec()) == seed_spec()


def test_pen_down_asks_training_for_single_steps(window):
    """Training runs batches in groups; a stroke's answer should wait for one batch, so the pen going down says so
    (before any classify request: those come as the stroke is drawn and when it ends)."""
    from PySide6.QtCore import QEvent, QPointF, Qt
    from PySide6.QtGui import QMouseEvent
    from PySide6.QtWidgets import QApplication

    control = window.controller.control
    control._prompt_until = 0.0
    assert not control.prompt
    canvas = window.draw_panel.canvas
    left = Qt.MouseButton.LeftButton
    press = QMouseEvent(QEvent.Type.MouseButtonPress, QPointF(100, 100), canvas.mapToGlobal(QPointF(100, 100)),
                        left, left, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(canvas, press)
    assert window.controller.generation() == 0  # nothing asked of the engine yet
    assert control.prompt


def test_training_the_same_network_again_reuses_the_model_and_gives_the_same_result(window, qtbot, train_small):
    """A second run of the same network re-initialises and retrains the last run's model object (its traced
    functions are reused: no new TensorFlow memory per run); it must end exactly where a new model would."""
    results, models = [], []
    for _ in range(2):
        with qtbot.waitSignal(window.trainingFinished, timeout=180_000) as blocker:
            train_small(window, qtbot, limit=800, batch_size=32)
        results.append(blocker.args[0])
        models.append(window.controller.engine.session.model)
    assert models[0] is models[1]
    assert results[1].test_accuracy == pytest.approx(results[0].test_accuracy, abs=1e-9)
    assert results[1].history[0].loss == pytest.approx(results[0].history[0].loss, rel=1e-6)
