"""The window/engine seam: one busy state, so no action lands in the engine's queue unseen (issue #12's bugs).

Each test is named after what it checks. Jobs are held at a chosen point with :class:`faults.EngineGate`, so the
user's action lands in that phase on any machine.
"""

from __future__ import annotations

import dataclasses

import pytest
import shiboken6
from faults import EngineGate
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QLabel, QMessageBox, QPushButton

from guiapp import gc_guard

pytestmark = pytest.mark.usefixtures("mnist_path")


def _action(window, name: str) -> QAction:
    return window.findChild(QAction, name)


def _wait_idle(window, qtbot, timeout=120_000):
    qtbot.waitUntil(lambda: not window.controller.busy and window.phase == "idle", timeout=timeout)


def _hold_first_batch(window, qtbot, train_small, **run):
    """Start a short run and hold the engine at its first batch report; returns the gate (release it)."""
    gate = EngineGate(window.controller.engine.batchEnded)
    train_small(window, qtbot, **run)
    qtbot.waitUntil(gate.entered.is_set, timeout=120_000)
    return gate


def test_opening_a_model_during_a_run_is_refused_and_the_trained_model_stays(make_window, qtbot, model_files,
                                                                             train_small):
    window = make_window()
    gate = _hold_first_batch(window, qtbot, train_small)
    assert not _action(window, "openModelAction").isEnabled()
    assert window.open_model(str(model_files["other_seed"])) is False
    assert "busy" in window.status.text()
    with qtbot.waitSignal(window.trainingFinished, timeout=180_000):
        gate.release()
    _wait_idle(window, qtbot)
    assert window.controller.model_info.source == "trained"  # not replaced by the file after the run
    assert _action(window, "openModelAction").isEnabled()


def test_opening_a_model_over_an_unsaved_trained_model_asks_first(make_window, qtbot, model_files, train_small,
                                                                  monkeypatch, tmp_path):
    window = make_window()
    with qtbot.waitSignal(window.trainingFinished, timeout=180_000):
        train_small(window, qtbot)
    _wait_idle(window, qtbot)
    assert window.controller.unsaved_model
    asked, dialogs = [], []
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: asked.append(a) or QMessageBox.StandardButton.Cancel)
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        lambda *a, **k: dialogs.append(a) or (str(model_files["other_seed"]), ""))
    _action(window, "openModelAction").trigger()
    assert len(asked) == 1 and dialogs == []  # cancelled: nothing opened
    assert window.controller.model_info.source == "trained"

    with qtbot.waitSignal(window.modelSaved, timeout=60_000):
        window.save_model(str(tmp_path / "kept.keras"))
    _wait_idle(window, qtbot)
    assert not window.controller.unsaved_model
    with qtbot.waitSignal(window.modelShown, timeout=60_000):
        _action(window, "openModelAction").trigger()
    assert len(asked) == 1 and len(dialogs) == 1  # saved: no question
    assert window.controller.model_info.source == str(model_files["other_seed"])


def test_save_during_a_run_is_refused_and_no_half_trained_file_is_written(make_window, qtbot, tmp_path, train_small):
    window = make_window()
    path = tmp_path / "half.keras"
    gate = _hold_first_batch(window, qtbot, train_small, epochs=3, limit=6000)
    assert not _action(window, "saveModelAction").isEnabled()
    assert window.save_model(str(path)) is False
    assert "busy" in window.status.text()
    window.findChild(QPushButton, "stopButton").click()
    with qtbot.waitSignal(window.trainingFinished, timeout=180_000):
        gate.release()
    _wait_idle(window, qtbot)
    window.close()
    assert not path.exists()


def test_stop_during_an_evaluation_is_not_undone_by_the_evaluate_or_train_shortcut(make_window, qtbot):
    window = make_window()
    evaluated, runs = [], []
    window.controller.evaluated.connect(evaluated.append)
    window.controller.runStarted.connect(lambda run, cfg: runs.append(run))
    gate = EngineGate(window.controller.engine.evaluationProgress)
    assert window.evaluate() is True
    qtbot.waitUntil(gate.entered.is_set, timeout=60_000)
    assert window.findChild(QPushButton, "stopButton").isEnabled()
    _action(window, "stopAction").trigger()
    for name in ("evaluateAction", "trainAction"):  # Ctrl+E, Ctrl+T
        assert not _action(window, name).isEnabled()
        _action(window, name).trigger()
    assert window.evaluate() is False and window.train() is False
    gate.release()
    qtbot.waitUntil(lambda: bool(evaluated), timeout=60_000)
    _wait_idle(window, qtbot)
    assert evaluated == [None]  # stopped, and no second evaluation ran after it
    assert runs == [] and window.last_evaluation is None


def test_train_pressed_during_an_evaluation_is_refused_and_says_why(make_window, qtbot):
    window = make_window()
    gate = EngineGate(window.controller.engine.evaluationProgress)
    window.evaluate()
    qtbot.waitUntil(gate.entered.is_set, timeout=60_000)
    train = window.findChild(QPushButton, "trainButton")
    assert not train.isEnabled() and "Busy" in train.toolTip()
    train.click()
    assert window.train() is False and "busy (evaluating)" in window.status.text()
    with qtbot.waitSignal(window.evaluationShown, timeout=60_000):
        gate.release()
    _wait_idle(window, qtbot)
    assert window.controller.run == 0  # no run was queued behind the evaluation
    assert train.isEnabled()


def test_the_architecture_editor_is_read_only_during_a_run(make_window, qtbot, train_small):
    window = make_window()
    assert window.architecture_editor.isEnabled()
    gate = _hold_first_batch(window, qtbot, train_small)
    assert not window.architecture_editor.isEnabled()
    with qtbot.waitSignal(window.trainingFinished, timeout=180_000):
        gate.release()
    _wait_idle(window, qtbot)
    assert window.architecture_editor.isEnabled()
    assert window.training_panel.train_button.isEnabled()


def test_a_run_that_fails_at_once_leaves_the_window_ready_to_train(make_window, qtbot):
    from model.recipes import recipe

    window = make_window()
    bad = dataclasses.replace(recipe("seed", limit_train=600, limit_test=500), epochs=0)
    with qtbot.waitSignal(window.trainingFinished, timeout=60_000) as blocker:
        window.train(bad)
    assert blocker.args[0] is None
    _wait_idle(window, qtbot)
    assert "epochs 0" in window.last_error
    assert window.training_panel.train_button.isEnabled() and not window.training_panel.running


def test_start_up_objects_are_frozen_after_the_starting_model_has_loaded(qtbot, model_files, mnist_path, monkeypatch):
    from guiapp.main_window import MainWindow

    events = []
    monkeypatch.setattr(gc_guard.collector(), "freeze_startup", lambda: events.append("freeze"))
    w = MainWindow(data_path=str(mnist_path), model_path=str(model_files["seed"]))
    w.modelShown.connect(lambda info: events.append("model"))
    qtbot.addWidget(w)
    w.show()
    try:
        qtbot.waitUntil(lambda: "freeze" in events, timeout=60_000)
        assert "model" in events and events.index("model") < events.index("freeze")
    finally:
        w.close()


def test_the_engine_object_is_deleted_when_its_thread_ends(make_window):
    window = make_window()
    engine = window.controller.engine
    assert shiboken6.isValid(engine)
    window.close()
    assert not window.controller.engine_thread.isRunning()
    assert not shiboken6.isValid(engine)


def test_the_device_label_names_the_engines_device(make_window):
    window = make_window()
    device = window.controller.device
    assert device and device in window.findChild(QLabel, "deviceLabel").text()
