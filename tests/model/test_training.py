"""The Trainer on a small MNIST slice: reports, stop, pause, NaN recovery, serving requests, reproducibility.

Timing is never asserted; "promptly" is counted in batches (the optimizer's step counter is the ground truth) and
"without burning CPU" in process CPU seconds.
"""

from __future__ import annotations

import math
import re
import threading
import time

import numpy as np
import pytest

import model.reporter as reporter
from model.architecture import build_model
from model.data import prepare
from model.errors import DigitTrainerError
from model.inference import Predictor
from model.recipes import TrainConfig, recipe
from model.control import TrainControl
from model.reports import TrainCallbacks
from model.training import Trainer

GUARD_S = 120  # deadlock guard for waits between threads; never reached when things work


@pytest.fixture(scope="module")
def data(raw_mnist):
    return prepare(raw_mnist, validation_split=0.1, limit_train=1500, limit_test=500, seed=0)  # 1350 / 150 / 500


@pytest.fixture(scope="module")
def data_big_val(raw_mnist):
    return prepare(raw_mnist, validation_split=0.5, limit_train=2000, limit_test=200, seed=0)  # 2 val batches of 500


def fresh_model(cfg):
    import keras

    keras.utils.set_random_seed(cfg.seed)
    return build_model(list(cfg.spec))


def steps_done(model) -> int:
    return int(model.optimizer.iterations.numpy())


class Recorder:
    """Collects every callback; optional hooks run inside them."""

    def __init__(self, on_batch=None, on_phase=None, between=None):
        self.batches, self.epochs, self.phases = [], [], []
        self.between_calls = 0
        self.phase_event = {}
        self._hooks = (on_batch, on_phase, between)

    def callbacks(self) -> TrainCallbacks:
        return TrainCallbacks(self._on_batch, self.epochs.append, self._on_phase, self._between)

    def _on_batch(self, report):
        self.batches.append(report)
        if self._hooks[0]:
            self._hooks[0](report)

    def _on_phase(self, name):
        self.phases.append(name)
        self.phase_event.setdefault(name, threading.Event()).set()
        if self._hooks[1]:
            self._hooks[1](name)

    def _between(self):
        self.between_calls += 1
        if self._hooks[2]:
            self._hooks[2]()

    def wait_phase(self, name):
        event = self.phase_event.setdefault(name, threading.Event())
        assert event.wait(GUARD_S), f"phase {name!r} never came; phases: {self.phases}"


def run_in_thread(trainer, data, model):
    box = {}

    def target():
        try:
            box["result"] = trainer.run(data, model)
        except BaseException as exc:  # re-raised in the test thread
            box["error"] = exc

    thread = threading.Thread(target=target, daemon=True)
    thread.start()

    def join():
        thread.join(GUARD_S)
        assert not thread.is_alive(), "training did not finish"
        if "error" in box:
            raise box["error"]
        return box["result"]

    return join


# A normal short run -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("group", [1, 8])
def test_short_run_reports_batches_epochs_and_test_accuracy(data, group):
    cfg = recipe("seed", epochs=2, batch_size=32, steps_per_execution=group)
    model = fresh_model(cfg)
    predictor = Predictor(model)
    served = []

    def serve():  # what the app does between batches: answer a pending classify request with the live weights
        if rec.between_calls % (25 if group == 1 else 3) == 1:
            served.append(predictor.predict(data.x_test[:1]).probabilities)

    rec = Recorder(between=serve)
    trained, result = Trainer(cfg, rec.callbacks()).run(data, model)
    assert trained is model
    steps = math.ceil(len(data.x_train) / 32)  # 43

    assert len(rec.batches) >= 2
    for r in rec.batches:
        assert math.isfinite(r.loss) and math.isfinite(r.epoch_loss) and 0 <= r.epoch_accuracy <= 1
        assert -1e-5 <= r.accuracy <= 1 + 1e-5  # recent batches' mean, derived from two running means
        assert r.batches == steps and 1 <= r.batch <= steps and r.epochs == 2 and r.epoch in (1, 2)
        assert 0 < r.fraction <= 1 and r.samples_per_s >= 0
    assert [(r.epoch, r.batch) for r in rec.batches if r.batch == steps] == [(1, steps), (2, steps)]
    assert rec.batches[-1].fraction == 1.0
    fractions = [r.fraction for r in rec.batches]
    assert fractions == sorted(fractions)

    assert [e.epoch for e in rec.epochs] == [1, 2] and result.history == rec.epochs
    for e in rec.epochs:
        assert math.isfinite(e.loss) and math.isfinite(e.val_loss) and 0 <= e.val_accuracy <= 1
        assert e.epochs == 2 and e.seconds >= 0
    assert rec.epochs[1].loss < rec.epochs[0].loss

    assert result.epochs_done == 2 and not result.stopped and result.reason == ""
    assert 0.3 < result.test_accuracy <= 1.0 and math.isfinite(result.test_loss)
    assert result.device and result.seconds > 0
    assert steps_done(model) == 2 * steps == result.extra["batches"]

    assert rec.phases == ["compiling", "training", "validating", "training", "validating", "training", "testing"]
    # every training call (a batch, or a group of up to `group` batches), validation and test batch
    assert rec.between_calls >= 2 * math.ceil(steps / group) + 2 + 1
    assert len(served) >= 3
    for probs in served:
        np.testing.assert_allclose(probs.sum(), 1.0, atol=1e-5)


def test_bad_settings_fail_before_training():
    with pytest.raises(DigitTrainerError, match="epochs"):
        Trainer(TrainConfig(epochs=0))
    with pytest.raises(DigitTrainerError, match="optimizer"):
        Trainer(TrainConfig(optimizer="adagrad"))


# Stop -------------------------------------------------------------------------------------------------------------


def test_stop_from_on_batch_lands_within_one_batch(data):
    cfg = recipe("seed", epochs=3, batch_size=16)
    model = fresh_model(cfg)
    control = TrainControl()
    at_stop = {}

    def on_batch(r):
        if not at_stop and r.batch >= 10:
            control.stop()
            at_stop["done"] = (r.epoch - 1) * r.batches + r.batch
            at_stop["between"] = rec.between_calls

    rec = Recorder(on_batch=on_batch)
    _, result = Trainer(cfg, rec.callbacks(), control).run(data, model)
    assert at_stop, "on_batch never reached batch 10"
    assert steps_done(model) - at_stop["done"] <= 1
    assert result.extra["batches"] == steps_done(model)
    # After the stop: only the between_batches call of the stopping batch. Keras would validate the partial epoch,
    # tracing the test step first; it is never reported, so the Trainer leaves fit() before that.
    assert rec.between_calls - at_stop["between"] == 1
    assert result.stopped and result.reason == "Stopped by the user."
    assert result.test_accuracy is None and result.test_loss is None
    assert result.epochs_done <= 1 and all(e.val_loss is None and e.val_accuracy is None for e in result.history)
    assert "testing" not in rec.phases and "validating" not in rec.phases
    assert all(np.all(np.isfinite(w)) for w in model.get_weights())


@pytest.mark.parametrize("group", [1, 8])
def test_stop_from_another_thread_lands_within_one_call(data, group):
    """A stop lands after the batch in flight, or the group of batches in flight when they are grouped."""
    cfg = recipe("seed", epochs=3, batch_size=16, steps_per_execution=group)
    model = fresh_model(cfg)
    control = TrainControl()
    ten = threading.Event()
    rec = Recorder(between=lambda: rec.between_calls >= 10 and ten.set())
    join = run_in_thread(Trainer(cfg, rec.callbacks(), control), data, model)
    assert ten.wait(GUARD_S)
    before = steps_done(model)
    control.stop()
    _, result = join()
    assert steps_done(model) - before <= group
    assert result.stopped and result.test_accuracy is None


def test_stop_while_validating_ends_it_promptly(data_big_val):
    cfg = recipe("seed", epochs=3, batch_size=32)
    model = fresh_model(cfg)
    control = TrainControl()
    at_stop = {}

    def on_phase(name):
        if name == "validating" and not at_stop:
            control.stop()
            at_stop["between"] = rec.between_calls

    rec = Recorder(on_phase=on_phase)
    _, result = Trainer(cfg, rec.callbacks(), control).run(data_big_val, model)
    steps = math.ceil(len(data_big_val.x_train) / 32)
    assert at_stop
    assert steps_done(model) == steps  # the first epoch, and not one batch more
    assert rec.between_calls - at_stop["between"] <= 1  # one of the two validation batches at most
    assert result.stopped and result.reason == "Stopped by the user." and result.test_accuracy is None
    assert result.epochs_done == 1 and result.history[0].val_loss is None
    assert rec.phases == ["compiling", "training", "validating"]


def test_stop_while_testing_ends_it_promptly(data_big_val):
    cfg = recipe("seed", epochs=1, batch_size=32)
    model = fresh_model(cfg)
    control = TrainControl()
    at_stop = {}
    x_test = np.concatenate([data_big_val.x_test] * 10)  # 2,000 images: 4 test batches of 500
    y_test = np.concatenate([data_big_val.y_test] * 10)
    big_test = data_big_val.__class__(
        data_big_val.x_train, data_big_val.y_train, data_big_val.x_val, data_big_val.y_val, x_test, y_test
    )

    def on_phase(name):
        if name == "testing":
            control.stop()
            at_stop["between"] = rec.between_calls

    rec = Recorder(on_phase=on_phase)
    _, result = Trainer(cfg, rec.callbacks(), control).run(big_test, model)
    assert rec.between_calls - at_stop["between"] <= 1
    assert result.stopped and result.test_accuracy is None and result.reason == "Stopped by the user."
    assert result.epochs_done == 1 and result.history[0].val_loss is not None  # the epoch itself was complete
    assert rec.phases[-1] == "testing"


def test_stop_before_the_first_batch(data):
    cfg = recipe("seed", epochs=1, batch_size=32)
    model = fresh_model(cfg)
    control = TrainControl()
    control.stop()
    _, result = Trainer(cfg, control=control).run(data, model)
    assert steps_done(model) <= 1 and result.stopped and result.test_accuracy is None


# Pause ------------------------------------------------------------------------------------------------------------


def _pause_at_batch(control, k, record):
    def on_batch(r):
        if "paused_at" not in record and (r.epoch, r.batch) >= (1, k):
            control.pause()
            record["paused_at"] = (r.epoch - 1) * r.batches + r.batch

    return on_batch


def test_pause_holds_training_without_burning_cpu(data):
    cfg = recipe("seed", epochs=1, batch_size=32)
    model = fresh_model(cfg)
    control = TrainControl()
    record = {}
    woken = threading.Event()
    request = threading.Event()

    def serve():
        if request.is_set():
            request.clear()
            woken.set()

    rec = Recorder(on_batch=_pause_at_batch(control, 5, record), between=serve)
    join = run_in_thread(Trainer(cfg, rec.callbacks(), control), data, model)
    rec.wait_phase("paused")
    time.sleep(0.3)  # let the input pipeline's prefetch settle
    steps_before, calls_before = steps_done(model), rec.between_calls
    cpu0 = time.process_time()
    time.sleep(1.0)
    cpu = time.process_time() - cpu0
    assert cpu < 0.2, f"{cpu:.2f} s of CPU in 1 s while paused"
    assert steps_done(model) == steps_before == record["paused_at"]  # no batch ran while paused
    assert rec.between_calls > calls_before  # requests are still served while paused
    request.set()
    control.wake()  # a request arrives: it is served now, not at the next poll
    assert woken.wait(GUARD_S)
    assert steps_done(model) == steps_before and control.paused

    control.resume()
    _, result = join()
    assert not result.stopped and result.test_accuracy is not None
    assert steps_done(model) == math.ceil(len(data.x_train) / 32)
    i = rec.phases.index("paused")
    assert rec.phases[i - 1 : i + 2] == ["training", "paused", "training"]
    assert rec.phases[-1] == "testing"


def test_pause_then_stop_ends_the_run(data):
    cfg = recipe("seed", epochs=2, batch_size=32)
    model = fresh_model(cfg)
    control = TrainControl()
    record = {}
    rec = Recorder(on_batch=_pause_at_batch(control, 3, record))
    join = run_in_thread(Trainer(cfg, rec.callbacks(), control), data, model)
    rec.wait_phase("paused")
    control.stop()
    _, result = join()
    assert steps_done(model) - record["paused_at"] <= 1
    assert result.stopped and result.reason == "Stopped by the user." and result.test_accuracy is None
    assert rec.phases[-1] == "paused"  # no "training" after the stop


def test_pause_while_validating_returns_to_validating(data_big_val):
    cfg = recipe("seed", epochs=1, batch_size=32)
    model = fresh_model(cfg)
    control = TrainControl()

    def on_phase(name):
        if name == "validating" and "paused" not in rec.phases:
            control.pause()

    rec = Recorder(on_phase=on_phase)
    join = run_in_thread(Trainer(cfg, rec.callbacks(), control), data_big_val, model)
    rec.wait_phase("paused")
    control.resume()
    _, result = join()
    assert rec.phases == ["compiling", "training", "validating", "paused", "validating", "training", "testing"]
    assert result.history[0].val_loss is not None and result.test_accuracy is not None


# NaN loss ---------------------------------------------------------------------------------------------------------


def test_nan_loss_stops_and_restores_the_last_good_weights(data):
    cfg = recipe("seed", epochs=2, batch_size=32, learning_rate=1e6)
    model = fresh_model(cfg)
    initial = model.get_weights()
    rec = Recorder()
    _, result = Trainer(cfg, rec.callbacks()).run(data, model)
    assert result.stopped and result.test_accuracy is None
    assert "loss" in result.reason and "nan" in result.reason.lower()
    assert "learning rate" in result.reason and "1e+06" in result.reason
    weights = model.get_weights()
    assert all(np.all(np.isfinite(w)) for w in weights)
    for w, w0 in zip(weights, initial):  # NaN came before any snapshot: the starting weights
        np.testing.assert_array_equal(w, w0)
    assert np.all(np.isfinite(model.predict_on_batch(data.x_test[:50])))
    assert result.epochs_done == 0 and "testing" not in rec.phases


def test_nan_loss_never_restores_weights_that_made_it(data, monkeypatch):
    """Snapshot every batch: the weights kept are the last ones a finite loss was computed with."""
    monkeypatch.setattr(reporter, "SNAPSHOT_EVERY", 1)
    cfg = recipe("seed", epochs=1, batch_size=32, optimizer="sgd", learning_rate=100.0, steps_per_execution=1)
    model = fresh_model(cfg)
    after_batch = [model.get_weights()]  # after_batch[j]: the weights after j updates
    rec = Recorder(between=lambda: after_batch.append(model.get_weights()))
    _, result = Trainer(cfg, rec.callbacks()).run(data, model)
    match = re.search(r"epoch 1, batch (\d+)", result.reason)
    assert match, result.reason
    bad = int(match.group(1))  # its loss, computed with after_batch[bad - 1], was NaN
    assert bad >= 3, "choose a learning rate that diverges a few batches in"
    # The loss of batch bad-1 was finite and computed with after_batch[bad - 2]: those are the last good weights.
    for w, good in zip(model.get_weights(), after_batch[bad - 2]):
        np.testing.assert_array_equal(w, good)
    assert np.all(np.isfinite(model.predict_on_batch(data.x_train[:256])))


# Reproducibility --------------------------------------------------------------------------------------------------


def _history(seed, data):
    cfg = recipe("seed", epochs=1, batch_size=32, seed=seed)
    model, result = Trainer(cfg).run(data)
    return [(e.loss, e.accuracy, e.val_loss, e.val_accuracy) for e in result.history], result.test_loss, model


def test_same_seed_same_run(data):
    h1, t1, m1 = _history(11, data)
    h2, t2, m2 = _history(11, data)
    h3, t3, _ = _history(12, data)
    assert h1 == h2 and t1 == t2
    for a, b in zip(m1.get_weights(), m2.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert h3 != h1


def test_runs_leave_no_gradient_functions_behind(data):
    """TensorFlow never unregisters the custom gradient each trace of the train step registers, and the entry keeps
    the traced graph alive (MBs a run). Trainer.run unregisters them, so run after run the registry stays the size."""
    from tensorflow.python.framework import ops

    registry = ops._gradient_registry._registry
    Trainer(recipe("seed", epochs=1, batch_size=64)).run(data)  # may register gradients of ops imported just now
    before = set(registry)
    for seed in (1, 2):
        Trainer(recipe("seed", epochs=1, batch_size=64, seed=seed)).run(data)
    assert set(registry) == before


def _rows(images: np.ndarray) -> list[bytes]:
    return sorted(image.tobytes() for image in images)


@pytest.mark.parametrize("kind", ["mnist_uint8", "float_renderings"])
def test_training_pipeline_yields_exactly_the_prepared_images(raw_mnist, kind):
    """The pipeline may hold MNIST as uint8 to save memory; what it feeds the model must be the same bits."""
    from model import tf_backend

    x = prepare(raw_mnist, validation_split=0, limit_train=300, limit_test=10).x_train
    if kind == "float_renderings":
        x = np.clip(x + np.random.default_rng(0).normal(0, 0.01, x.shape).astype(np.float32), 0, 1)
        assert tf_backend.exact_uint8(x) is None
    else:
        assert tf_backend.exact_uint8(x) is not None
    y = np.eye(10, dtype="float32")[np.arange(len(x)) % 10]
    batches = list(tf_backend.train_dataset(x, y, batch_size=64, seed=0).as_numpy_iterator())
    seen = np.concatenate([b[0] for b in batches])
    assert seen.dtype == np.float32 and seen.shape == x.shape
    assert _rows(seen) == _rows(x)  # every image once, bit for bit


@pytest.mark.parametrize("epochs", [1, 2])
def test_grouped_steps_train_exactly_as_single_steps(data, epochs):
    """Grouping batches into one TensorFlow call changes when Python runs, not the math: the same updates, in the
    same order, bit for bit, within an epoch. (Later epochs are shuffled in another, equally seeded order: Keras
    makes one more tf.data iterator at the end of an epoch of single steps, and each iterator reshuffles.)"""
    weights = {}
    for group in (1, 8):
        cfg = recipe("seed", epochs=epochs, batch_size=32, seed=3, steps_per_execution=group)
        model, result = Trainer(cfg).run(data, fresh_model(cfg))
        weights[group] = model.get_weights()
        assert steps_done(model) == epochs * math.ceil(len(data.x_train) / 32) == result.extra["batches"]
        assert result.epochs_done == epochs and result.test_accuracy > 0.5
    if epochs == 1:
        for single, grouped in zip(weights[1], weights[8]):
            np.testing.assert_array_equal(grouped, single)


def test_prompt_answers_switch_to_single_steps(data):
    """While the app wants prompt answers (a drawing is being classified), requests are served after every batch."""
    cfg = recipe("seed", epochs=1, batch_size=32, steps_per_execution=8)
    control = TrainControl()
    seen = []

    def between():
        seen.append(steps_done(model))
        control.want_prompt_answers(seconds=60)  # as the engine does for each classify request

    model = fresh_model(cfg)
    rec = Recorder(between=between)
    Trainer(cfg, rec.callbacks(), control).run(data, model)
    steps = math.ceil(len(data.x_train) / 32)
    training = [n for n in seen if n <= steps][: steps]
    assert training[:3] == [1, 2, 3]  # one batch per call from the first on
    assert np.all(np.diff(training) <= 1)


def test_training_images_handed_over_are_freed_once_the_pipeline_holds_them(raw_mnist):
    """The app's engine hands its prepared data over; the float32 training images must not outlive the pipeline."""
    import weakref

    prepared = [prepare(raw_mnist, validation_split=0.1, limit_train=1000, limit_test=100, seed=0)]
    images = weakref.ref(prepared[0].x_train)
    alive_during_training = []
    rec = Recorder(between=lambda: alive_during_training.append(images() is not None))
    cfg = recipe("seed", epochs=1, batch_size=64)
    Trainer(cfg, rec.callbacks()).run(prepared.pop())
    assert alive_during_training and not any(alive_during_training)


def test_a_reused_model_trains_exactly_as_a_new_one(data):
    """reuse_compiled: a second run on the same model object, re-initialised, uses its traced functions again and
    ends with the weights a brand-new model gets; a different optimiser compiles afresh."""
    import keras

    from model.training import reuse_compiled

    cfg = recipe("seed", epochs=1, seed=3, steps_per_execution=4)
    first = fresh_model(cfg)
    initial = [v.numpy() for v in first.weights]
    trained_new, result_new = Trainer(cfg).run(data, first)
    functions = trained_new._digit_train_functions
    weights_new = trained_new.get_weights()

    for variable, value in zip(first.weights, initial):
        variable.assign(value)
    trained_again, result_again = Trainer(cfg).run(data, first)
    assert trained_again is first and trained_again._digit_train_functions is functions  # nothing traced again
    for a, b in zip(trained_again.get_weights(), weights_new):
        np.testing.assert_allclose(a, b, rtol=0, atol=1e-6)
    assert result_again.test_accuracy == pytest.approx(result_new.test_accuracy, abs=1e-9)
    assert steps_done(first) == math.ceil(len(data.x_train) / 64)  # the step count restarted from 0

    other = recipe("seed", epochs=1, optimizer="adam")
    assert not reuse_compiled(first, other)
    assert isinstance(first.optimizer, keras.optimizers.RMSprop)
