"""guiapp.controller.Controller without a running engine: drawing generations, stale answers, the busy state."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QThread

from guiapp.controller import Controller
from model.inference import Prediction


def fake_prediction(digit: int) -> Prediction:
    p = np.full((1, 10), 0.01)
    p[0, digit] = 0.91
    return Prediction(p, [])


def x_of(value: float) -> np.ndarray:
    return np.full((28, 28), value, np.float32)


@pytest.fixture
def controller(qtbot):
    """A controller whose engine sits on a thread that never runs: requests queue up, nothing is answered."""
    c = Controller()
    parked = QThread()
    c.engine.moveToThread(parked)
    c.job = ""  # as after start-up, without starting TensorFlow
    yield c
    c.deleteLater()


def answer(controller, generation, digit):
    controller.engine.classified.emit(generation, fake_prediction(digit))


def test_each_drawing_gets_the_next_generation_and_reaches_the_engines_box(controller):
    first = controller.classify(x_of(0.1))
    second = controller.classify(x_of(0.2))
    assert (first, second) == (1, 2) and controller.generation() == 2
    request = controller.classify_box.take()
    assert request.generation == 2 and request.image[0, 0] == pytest.approx(0.2)  # newest wins


def test_answers_older_than_the_one_shown_or_from_before_a_clear_are_dropped(controller):
    shown = []
    controller.predictionReady.connect(lambda prediction, x: shown.append((prediction.digits[0], float(x[0, 0]))))
    first, second = controller.classify(x_of(0.1)), controller.classify(x_of(0.2))
    answer(controller, second, 1)
    answer(controller, first, 4)  # older than what is shown
    assert shown == [(1, pytest.approx(0.2))] and controller.shown_generation() == second
    answer(controller, second, 7)  # the same drawing again (training re-classifies it): shown
    assert shown[-1][0] == 7

    third = controller.classify(x_of(0.3))
    controller.forget_drawing()
    answer(controller, third, 7)  # asked before the clear
    assert len(shown) == 2 and controller.current_drawing() is None
    assert controller.classify_box.take() is None  # the cleared drawing's pending request is gone too

    fourth = controller.classify(x_of(0.4))
    answer(controller, fourth, 1)
    assert shown[-1] == (1, pytest.approx(0.4))
    assert controller.current_drawing()[0] == fourth


def test_a_saliency_request_wakes_a_paused_run(controller, monkeypatch):
    """A paused trainer waits on its control; without wake() a saliency request waited up to half a second."""
    woke = []
    monkeypatch.setattr(controller.control, "wake", lambda: woke.append(True))
    assert controller.request_saliency() is False  # nothing on screen yet
    generation = controller.classify(x_of(0.5))
    woke.clear()
    answer(controller, generation, 3)
    controller.control.pause()
    assert controller.request_saliency() is True
    assert woke == [True]
    assert controller.saliency_box.take().generation == generation


def test_saliency_for_an_older_drawing_is_not_passed_on(controller):
    got = []
    controller.saliencyReady.connect(lambda generation, result: got.append(generation))
    generation = controller.classify(x_of(0.5))
    answer(controller, generation, 3)
    controller.engine.saliencyComputed.emit(generation, object())
    controller.classify(x_of(0.6))  # a newer drawing, not answered yet
    controller.engine.saliencyComputed.emit(generation, object())
    assert got == [generation]


def test_one_job_at_a_time_and_the_jobs_end_frees_it(controller):
    jobs = []
    controller.jobChanged.connect(jobs.append)
    controller.model_info = object()
    assert controller.evaluate() is True and controller.busy and controller.stoppable
    assert controller.train(object()) is None and controller.open_model("x.keras") is False
    assert controller.save_model("x.keras") is False and controller.fine_tune(None, None) is False
    controller.engine.phaseChanged.emit("evaluating")
    assert controller.busy
    controller.engine.phaseChanged.emit("idle")  # the engine's job wrapper ends every job idle
    assert not controller.busy and jobs == ["evaluating", ""]


def test_a_finished_runs_result_is_announced_once_the_job_has_ended(controller):
    seen = []
    controller.runFinished.connect(lambda run, result: seen.append((run, result, controller.busy)))
    assert controller.train("cfg") == 1
    controller.engine.trainingFinished.emit("result")
    assert seen == []  # the engine still has to report idle
    controller.engine.phaseChanged.emit("idle")
    assert seen == [(1, "result", False)]  # a slot may start the next job at once


def test_a_new_run_stops_the_automatic_evaluation_and_starts_once_it_has_ended(controller):
    sent = []
    controller._trainRequested.connect(sent.append)  # what reaches the engine's queue
    controller.model_info = object()
    assert controller.evaluate(automatic=True)
    assert controller.train("cfg") == 1
    assert controller.control.stop_requested and sent == []  # the evaluation must end first
    assert controller.train("other") is None  # one waiting run at most
    controller.engine.evaluated.emit(None)
    controller.engine.phaseChanged.emit("idle")
    assert controller.job == "training" and not controller.control.stop_requested
    assert sent == ["cfg"]
    assert controller.evaluate() is False  # a manual evaluation does not give way
