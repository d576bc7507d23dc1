"""Fault matrix, training: a diverging run, Stop in every phase, pause-then-close, double clicks, settings changed
mid-run and running out of memory. Each ends with the user told what happened and a model that still answers."""

import math
import os

import numpy as np
import pytest
from faults import EngineGate, assert_dialog_shows, assert_told, classify, phase_is
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from model.architecture import conv, dense, flatten, pool
from model.recipes import recipe

pytestmark = pytest.mark.usefixtures("mnist_path")

SMALL = dict(epochs=1, batch_size=32, limit_train=1000, limit_test=1000, validation_split=0.2)


def test_nan_loss_stops_keeps_the_last_good_weights_and_says_why(make_window, qtbot):
    window = make_window()
    with qtbot.waitSignal(window.trainingFinished, timeout=120_000) as finished:
        window.train(recipe("seed", **{**SMALL, "epochs": 2}, learning_rate=1e6))
    result = finished.args[0]
    assert result.stopped and result.test_accuracy is None
    message = assert_told(window, "loss became", "learning rate (1e+06)", "last good weights")
    assert_dialog_shows(window, message)
    assert window.status.text() == message
    probabilities = classify(window, qtbot)
    assert np.isfinite(probabilities).all() and math.isclose(probabilities.sum(), 1.0, rel_tol=1e-4)


STOP_POINTS = {
    # where the engine is held while the user presses Stop: (signal name, condition), expected result
    "loading_data": ("phaseChanged", phase_is("loading data")),
    "first_batch": ("batchEnded", lambda report: True),
    "validation": ("phaseChanged", phase_is("validating")),
    "final_evaluation": ("phaseChanged", phase_is("testing")),
}


@pytest.mark.parametrize("point", list(STOP_POINTS))
def test_stop_in_every_phase_ends_the_run_and_keeps_a_working_model(make_window, qtbot, point):
    window = make_window()
    before = classify(window, qtbot)
    signal_name, when = STOP_POINTS[point]
    gate = EngineGate(getattr(window.controller.engine, signal_name), when)
    with qtbot.waitSignal(window.trainingFinished, timeout=120_000) as finished:
        window.train(recipe("seed", **SMALL))
        qtbot.waitUntil(gate.entered.is_set, timeout=60_000)
        window.training_panel.stop_button.click()
        gate.release()
    result = finished.args[0]
    assert result.stopped and result.test_accuracy is None
    assert result.reason.startswith("Stopped by the user")
    qtbot.waitUntil(lambda: window.phase == "idle", timeout=10_000)
    assert window.status.text() == result.reason
    assert window.training_panel.runs_table.item(0, 3).text() == "stopped"
    assert window.training_panel.train_button.isEnabled()
    after = classify(window, qtbot)
    if point == "loading_data":
        np.testing.assert_array_equal(after, before)  # nothing was trained: the loaded model is untouched
    else:
        assert np.isfinite(after).all()  # the weights trained until Stop answer
        assert window.model_summary.source_label.text().startswith("Trained in this session")
    assert result.epochs_done == (1 if point in ("validation", "final_evaluation") else 0)


def test_pause_then_close_saves_settings_and_ends_the_engine(make_window, qtbot, qtlog):
    window = make_window()
    window.training_panel.epochs_spin.setValue(9)
    first = EngineGate(window.controller.engine.batchEnded, hold_s=0)
    window.train(recipe("seed", **{**SMALL, "limit_train": 20000}))
    qtbot.waitUntil(first.entered.is_set, timeout=60_000)
    window.training_panel.pause_button.click()
    qtbot.waitUntil(lambda: window.phase == "paused", timeout=30_000)
    window.close()
    assert window.controller.engine_thread.isFinished()
    assert window.settings.value("training/values")["epochs"] == 9
    assert not [r.message for r in qtlog.records if "QThread" in r.message]


def test_double_clicking_train_starts_one_run(make_window, qtbot):
    window = make_window()
    started = []
    window.controller.engine.trainingStarted.connect(lambda cfg: started.append(cfg))
    window.training_panel.limit_spin.setValue(500)
    window.training_panel.epochs_spin.setValue(1)
    button = window.training_panel.train_button
    with qtbot.waitSignal(window.trainingFinished, timeout=120_000):
        QTest.mouseDClick(button, Qt.MouseButton.LeftButton)
        QTest.mouseClick(button, Qt.MouseButton.LeftButton)
        QTest.keyClick(window, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    assert window.training_panel.runs_table.rowCount() == 1
    qtbot.waitUntil(lambda: window.phase == "idle", timeout=10_000)
    assert len(started) == 1


def _layer_types(window) -> list[str]:
    table = window.model_summary.table
    return [table.item(row, 1).text() for row in range(table.rowCount())]


def test_settings_changed_during_a_run_apply_to_the_next_run_only(make_window, qtbot):
    window = make_window()
    seed_layers = _layer_types(window)  # the loaded model is the seed network, as the run's recipe
    panel = window.training_panel
    panel.limit_spin.setValue(500)
    started = []
    window.controller.engine.trainingStarted.connect(lambda cfg: started.append(cfg))
    gate = EngineGate(window.controller.engine.batchEnded)
    with qtbot.waitSignal(window.trainingFinished, timeout=120_000) as finished:
        window.train(recipe("seed", **{**SMALL, "epochs": 2}))
        qtbot.waitUntil(gate.entered.is_set, timeout=60_000)
        for spin in (panel.epochs_spin, panel.batch_spin, panel.lr_spin, panel.limit_spin):
            assert not spin.isEnabled()  # the run's settings are locked while it runs
            spin.setFocus()
            QTest.keyClicks(spin, "7")
        assert panel.epochs_spin.value() != 7
        wide = [conv(8), pool(2), flatten(), dense(10, "softmax")]
        window.architecture_editor.set_spec(wide)  # the editor stays open; the running network is not affected
        gate.release()
    result = finished.args[0]
    assert result.epochs_done == 2 and result.test_accuracy is not None
    assert window.training_panel.runs_table.item(0, 2).text() == "2/2"
    assert _layer_types(window) == seed_layers  # the trained network is the one the run started with
    panel.epochs_spin.setValue(1)
    with qtbot.waitSignal(window.trainingFinished, timeout=120_000):
        window.train()
    assert started[1].epochs == 1 and list(started[1].spec) == wide  # the next run takes the new settings


def _memory_bytes() -> int:
    ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    with open("/proc/meminfo") as f:
        swap = next(int(line.split()[1]) * 1024 for line in f if line.startswith("SwapTotal:"))
    return ram + swap


def test_out_of_memory_building_a_huge_network_is_reported(make_window, qtbot):
    """A real ResourceExhaustedError: one Dense kernel twice the size of RAM + swap. Linux refuses such an allocation
    at once (heuristic overcommit), so nothing is ever touched; with overcommit "always" it would be, so skip."""
    with open("/proc/sys/vm/overcommit_memory") as f:
        if f.read().strip() == "1":
            pytest.skip("vm.overcommit_memory=1 would let the huge allocation through")
    units = math.ceil(2 * _memory_bytes() / (12 * 12 * 64 * 4))
    window = make_window()
    before = classify(window, qtbot)
    spec = [conv(32), conv(64), pool(2), flatten(), dense(units), dense(10, "softmax")]
    with qtbot.waitSignal(window.trainingFinished, timeout=120_000) as finished:
        window.train(recipe("seed", **SMALL, spec=spec))
    assert finished.args[0] is None
    message = assert_told(window, "out of memory", f"shape (9216, {units})", "smaller batch size")
    assert_dialog_shows(window, message)
    np.testing.assert_array_equal(classify(window, qtbot), before)


def test_out_of_memory_during_fit_is_reported_and_the_old_model_returns(make_window, qtbot, monkeypatch):
    """Simulated: a batch size that really exhausts memory would take the shared test machine down with it, so
    ``fit`` raises TensorFlow's ResourceExhaustedError itself, inside the engine, as a too-large batch would."""
    import keras
    import tensorflow as tf

    def exhausted(self, *args, **kwargs):
        raise tf.errors.ResourceExhaustedError(None, None, "OOM when allocating tensor with shape[60000,26,26,32]")

    window = make_window()
    source = window.model_summary.source_label.text()
    before = classify(window, qtbot)
    monkeypatch.setattr(keras.Model, "fit", exhausted)
    with qtbot.waitSignal(window.trainingFinished, timeout=120_000) as finished:
        window.train(recipe("seed", **{**SMALL, "batch_size": 60000, "limit_train": None}))
    assert finished.args[0] is None
    message = assert_told(window, "out of memory with batch size 60000", "(60000, 26, 26, 32)", "smaller batch size")
    assert_dialog_shows(window, message)
    qtbot.waitUntil(lambda: window.model_summary.source_label.text() == source, timeout=10_000)
    np.testing.assert_array_equal(classify(window, qtbot), before)


def test_out_of_memory_in_a_rerun_of_the_same_network_gives_back_the_trained_weights(make_window, qtbot, monkeypatch):
    """A rerun of the last run's network retrains that very model object (engine: reuse of traced functions), so
    the run re-initialises it before fit. When fit then fails, the weights it had come back, and the answers too."""
    import keras
    import tensorflow as tf

    window = make_window()
    with qtbot.waitSignal(window.trainingFinished, timeout=180_000) as first:
        window.train(recipe("seed", **SMALL))
    assert first.args[0] is not None and first.args[0].test_accuracy is not None
    trained = window.controller.engine.session.model
    weights = [w.copy() for w in trained.get_weights()]
    before = classify(window, qtbot)

    def exhausted(self, *args, **kwargs):
        raise tf.errors.ResourceExhaustedError(None, None, "OOM when allocating tensor with shape[60000,26,26,32]")

    monkeypatch.setattr(keras.Model, "fit", exhausted)
    with qtbot.waitSignal(window.trainingFinished, timeout=120_000) as finished:
        window.train(recipe("seed", **{**SMALL, "batch_size": 60000, "limit_train": None}))
    assert finished.args[0] is None
    assert_told(window, "out of memory with batch size 60000")
    assert window.controller.engine.session.model is trained
    for now, then in zip(trained.get_weights(), weights):
        np.testing.assert_array_equal(now, then)
    np.testing.assert_array_equal(classify(window, qtbot), before)
