"""The Trainer: runs ``model.fit`` and reports through plain Python callables, with cooperative stop and pause."""

from __future__ import annotations

import math
import re
import threading
import time
import warnings
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from model.architecture import analyse
from model.data import PreparedData
from model.errors import DigitTrainerError
from model.recipes import TrainConfig

REPORT_INTERVAL_S = 0.1  # about 10 batch reports a second reach the caller, whatever the batch rate
SNAPSHOT_EVERY = 100  # batches between copies of the weights kept for recovery from a NaN loss
PROMPT_HOLD_S = 2.0  # single training steps for this long after a request for prompt answers


class TrainControl:
    """Thread-safe stop / pause / resume for a running Trainer.

    ``wake()`` lets a paused trainer serve a request at once instead of at its next poll.
    """

    def __init__(self):
        self._stop = threading.Event()
        self._running = threading.Event()
        self._running.set()
        self._wake = threading.Event()
        self._prompt_until = 0.0

    def want_prompt_answers(self, seconds: float = PROMPT_HOLD_S):
        """Train in single steps for the next ``seconds``, so requests are served after every batch, not every group.

        The app calls this for each drawing it classifies during training: grouped steps are faster, but a request
        waits for the whole group (see TrainConfig.steps_per_execution).
        """
        self._prompt_until = max(self._prompt_until, time.monotonic() + seconds)

    @property
    def prompt(self) -> bool:
        return time.monotonic() < self._prompt_until

    def stop(self):
        self._stop.set()
        self._running.set()
        self._wake.set()

    def pause(self):
        self._running.clear()

    def resume(self):
        self._running.set()
        self._wake.set()

    def wake(self):
        self._wake.set()

    def reset(self):
        self._stop.clear()
        self._running.set()
        self._wake.clear()

    @property
    def stop_requested(self) -> bool:
        return self._stop.is_set()

    @property
    def paused(self) -> bool:
        return not self._running.is_set()

    def wait_while_paused(self, serve: Callable[[], None] | None, on_paused: Callable[[bool], None] | None = None):
        """Block without spinning while paused; run ``serve`` whenever woken so requests are still answered."""
        if self._running.is_set():
            return
        if on_paused:
            on_paused(True)
        while not self._running.is_set() and not self._stop.is_set():
            self._wake.wait(0.5)
            self._wake.clear()
            if serve:
                serve()
        if on_paused:
            on_paused(False)


@dataclass
class BatchReport:
    epoch: int  # 1-based
    epochs: int
    batch: int  # 1-based within the epoch
    batches: int
    loss: float  # mean over the batches since the previous report
    accuracy: float
    epoch_loss: float  # running mean since the epoch began, as Keras reports it
    epoch_accuracy: float
    samples_per_s: float
    eta_s: float
    fraction: float  # of the whole run, 0-1


@dataclass
class EpochReport:
    epoch: int
    epochs: int
    loss: float
    accuracy: float
    val_loss: float | None
    val_accuracy: float | None
    seconds: float


@dataclass
class TrainResult:
    epochs_done: int
    history: list[EpochReport]
    test_loss: float | None
    test_accuracy: float | None
    stopped: bool = False
    reason: str = ""  # why training ended early, for the user
    seconds: float = 0.0
    device: str = ""
    extra: dict = field(default_factory=dict)


@dataclass
class TrainCallbacks:
    """Plain callables the Trainer calls on its own thread. All optional."""

    on_batch: Callable[[BatchReport], None] | None = None
    on_epoch: Callable[[EpochReport], None] | None = None
    on_phase: Callable[[str], None] | None = None  # "compiling", "training", "validating", "testing", "paused"
    between_batches: Callable[[], None] | None = None  # serve pending requests (e.g. classify) between batches


def compile_model(model, config: TrainConfig):
    import keras

    optimizer = {
        "rmsprop": keras.optimizers.RMSprop,
        "adam": keras.optimizers.Adam,
        "sgd": keras.optimizers.SGD,
    }[config.optimizer](learning_rate=config.lr())
    model.compile(optimizer=optimizer, loss="categorical_crossentropy", metrics=["accuracy"])
    model._digit_optimizer = config.optimizer  # lets a later run reuse the compiled model (reuse_compiled)
    return model


def reuse_compiled(model, config: TrainConfig) -> bool:
    """Ready ``model`` for a new run of ``config`` without compiling it again, if an earlier run compiled it alike.

    Compiling makes Keras trace new step functions on their first call: a second or so before the first batch,
    and native memory TensorFlow does not give back (about 0.2-0.3 MB a run, docs/reliability.md). A model that
    compile_model compiled with the same optimiser gets its optimiser's state zeroed (step count, moving averages:
    exactly a new optimiser's) and the run's learning rate; its traced functions are then used again. Returns
    False, changing nothing, when the model must be compiled.
    """
    import keras

    optimizer = getattr(model, "optimizer", None)
    if optimizer is None or getattr(model, "_digit_optimizer", None) != config.optimizer:
        return False
    for variable in optimizer.variables:
        if variable is not optimizer._learning_rate:
            variable.assign(keras.ops.zeros(variable.shape, dtype=variable.dtype))
    optimizer.learning_rate = config.lr()
    return True


class Trainer:
    """Train a model on prepared data with ``config``; report through ``callbacks``; obey ``control``."""

    def __init__(self, config: TrainConfig, callbacks: TrainCallbacks | None = None, control: TrainControl | None = None):
        self.config = config.validate()
        analyse(list(config.spec))  # a bad spec fails here, before any TensorFlow work
        self.callbacks = callbacks or TrainCallbacks()
        self.control = control or TrainControl()
        self.phase = ""  # the last phase reported through on_phase

    def run(self, data: PreparedData, model=None) -> tuple[object, TrainResult]:
        """Train (building the recipe's model unless one is given), then evaluate on the test set.

        Returns the model and a TrainResult. A stop request ends the run within one batch; the model keeps the
        weights it had then. A NaN or infinite loss ends the run, restores the last good weights and says so.
        """
        import keras

        from model import tf_backend, towers
        from model.architecture import build_model

        cfg = self.config
        cb = self.callbacks
        t_start = time.perf_counter()
        device = tf_backend.configure(cfg.force_cpu)
        self._phase("compiling")
        keras.utils.set_random_seed(cfg.seed)
        if model is None:
            model = build_model(list(cfg.spec))
        if not reuse_compiled(model, cfg):
            compile_model(model, cfg)
        towers.install(model, tf_backend.towers())
        n_train = len(data.x_train)
        train_ds = tf_backend.train_dataset(data.x_train, data.y_train, cfg.batch_size, cfg.seed, cfg.augmentation)
        val = (data.x_val, data.y_val) if data.x_val is not None and len(data.x_val) else None
        x_test, y_test = data.x_test, data.y_test
        # The pipeline holds its own copy of the training images. When the caller passed ``data`` without keeping
        # it (the app's engine does), dropping this reference frees the float32 array: 169 MB for MNIST.
        del data
        steps = math.ceil(n_train / cfg.batch_size)
        functions = _train_functions(model, int(cfg.steps_per_execution))
        if functions is not None:
            # How a grouped call ends an epoch, not a problem: see _train_functions.
            warnings.filterwarnings("ignore", message="Your input ran out of data")
        reporter = _make_reporter_class()(self, model, steps, n_train, functions)
        callbacks = [reporter]
        if cfg.tensorboard_dir:
            callbacks.append(keras.callbacks.TensorBoard(cfg.tensorboard_dir))
        try:
            with tf_backend.forgetting_custom_gradients():
                model.fit(
                    train_ds,
                    epochs=cfg.epochs,
                    validation_data=val,
                    validation_batch_size=max(cfg.batch_size, 500),
                    callbacks=callbacks,
                    shuffle=False,  # train_dataset() shuffles the whole set every epoch
                    verbose=0,
                )
        except _LeaveFit:
            for callback in callbacks:
                callback.on_train_end()  # fit() did not get to its end
        except Exception as exc:  # out-of-memory and friends: report, keep the model usable
            message = out_of_memory_message(exc, cfg.batch_size)
            if message:
                raise DigitTrainerError(message) from exc
            raise
        result = TrainResult(
            epochs_done=len(reporter.history),
            history=reporter.history,
            test_loss=None,
            test_accuracy=None,
            stopped=self.control.stop_requested or reporter.nan_reason != "",
            reason=reporter.nan_reason or ("Stopped by the user." if self.control.stop_requested else ""),
            device=device,
            extra={"batches": reporter.batches_trained},
        )
        if reporter.nan_reason:
            reporter.restore_good_weights()
        if not self.control.stop_requested and not reporter.nan_reason and len(x_test):
            self._phase("testing")
            scores = model.evaluate(
                x_test, y_test, batch_size=500, callbacks=[reporter], verbose=0, return_dict=True
            )
            if self.control.stop_requested:
                result.stopped, result.reason = True, "Stopped by the user."
            else:
                result.test_loss = float(scores["loss"])
                result.test_accuracy = float(scores["accuracy"])
        result.seconds = time.perf_counter() - t_start
        return model, result

    def _phase(self, name: str):
        self.phase = name
        if self.callbacks.on_phase:
            self.callbacks.on_phase(name)


def _train_functions(model, group: int):
    """``(single, grouped)`` train functions for ``fit`` to call, or None when ``group`` is 1.

    ``single`` runs one batch; ``grouped`` runs up to ``group`` batches inside one TensorFlow while-loop (Keras' own
    ``steps_per_execution`` code), so fit()'s per-call Python work is paid once per group. The model is compiled
    with ``steps_per_execution=1``: fit() calls the train function once per batch of the epoch, and when a grouped
    call has used the epoch's last batch the next call finds no data and ends the epoch (Keras' StopIteration
    path). Either way every batch is trained once, in the same order, with the same updates. The reporter picks
    the function before each call: grouped, or single while prompt answers are wanted.
    """
    if group <= 1:
        return None
    cached = getattr(model, "_digit_train_functions", None)
    if cached is not None and cached[0] == group and model.train_function in cached[1:]:
        return cached[1:]  # the model was not compiled since (reuse_compiled): its traced functions still hold
    model.make_train_function(force=True)
    single = model.train_function
    model.steps_per_execution = group
    model.make_train_function(force=True)
    multi = model.train_function
    model.steps_per_execution = 1
    model.train_function = single

    def grouped(iterator):
        model.steps_per_execution = group  # read by Keras' while-loop when it is traced (the first call)
        try:
            return multi(iterator)
        finally:
            model.steps_per_execution = 1

    model._digit_train_functions = (group, single, grouped)
    return single, grouped


class _LeaveFit(Exception):
    """Raised by the reporter to end ``fit`` after a stop or a NaN loss without the validation Keras would run."""


def _is_oom(exc: Exception) -> bool:
    text = f"{type(exc).__name__} {exc}"
    return "ResourceExhausted" in text or "OOM" in text or isinstance(exc, MemoryError)


def out_of_memory_message(exc: BaseException, batch_size: int) -> str | None:
    """What to tell the user when ``exc`` says memory ran out (TensorFlow's ResourceExhausted, MemoryError); else None.

    TensorFlow's own text is a paragraph of device and op names; the one useful fact in it is the tensor's shape.
    """
    if not _is_oom(exc):
        return None
    shape = re.search(r"tensor with shape\s*\[([\d,\s]+)\]", str(exc))
    what = f"a tensor of shape ({', '.join(shape.group(1).replace(' ', '').split(','))})" if shape else "the network"
    return (
        f"Out of memory with batch size {batch_size}: {what} does not fit in this computer's memory. "
        "Try a smaller batch size, or fewer filters or units."
    )


_reporter_class = None


def _make_reporter_class():
    global _reporter_class
    if _reporter_class is not None:
        return _reporter_class
    import keras

    class Reporter(keras.callbacks.Callback):
        def __init__(self, trainer: Trainer, model, steps: int, n_samples: int, functions=None):
            super().__init__()
            self.functions = functions  # (single, grouped) train functions, or None: fit's own, one batch a call
            self.trainer = trainer
            self.cfg = trainer.config
            self.control = trainer.control
            self.cbs = trainer.callbacks
            self.steps = steps
            self.n_samples = n_samples
            self.history: list[EpochReport] = []
            self.nan_reason = ""
            self.batches_trained = 0
            self._good_weights = None  # weights known to give a finite loss
            self._candidate = None  # a snapshot not yet vouched for by a finite loss computed with it
            self._last_report = 0.0
            self._epoch = 0
            self._in_fit = False  # validation runs inside fit(); the final test evaluation runs after it
            self._validating = False
            self._run_t0 = None

        # Training -------------------------------------------------------------------------------------------
        def on_train_begin(self, logs=None):
            self._good_weights = self.model.get_weights()
            self._candidate = None
            self._run_t0 = None
            self._in_fit = True
            self._iter0 = self._iterations()
            self._calls = 0
            self.trainer._phase("training")

        def _iterations(self) -> int:
            return int(self.model.optimizer.iterations.numpy())

        def on_train_batch_begin(self, batch, logs=None):
            if self.functions is None:
                return
            single, grouped = self.functions
            # The first call traces the single step, so that a drawing during training never waits for a trace.
            wants_single = self._calls == 0 or self.control.prompt or self.control.paused
            self.model.train_function = single if wants_single else grouped
            self._calls += 1

        def on_train_end(self, logs=None):
            self._in_fit = False

        def on_epoch_begin(self, epoch, logs=None):
            self._reported = (0, 0.0, 0.0)
            self._epoch_batches = 0
            self._epoch = epoch
            self._epoch_t0 = time.perf_counter()
            self._validating = False
            self._epoch_iter0 = self._iterations()

        def on_train_batch_end(self, batch, logs=None):
            now = time.perf_counter()
            # A grouped call trains several batches: count them from the optimiser's step counter, not fit's index.
            batch = self._iterations() - self._epoch_iter0 - 1
            if self._run_t0 is None:
                # The first batch includes tracing and compiling: time the rate from its end.
                self._run_t0, self._done_at_t0 = now, self._epoch * self.steps + batch + 1
            loss = float(logs.get("loss", np.nan)) if logs else np.nan
            if not math.isfinite(loss):
                self.nan_reason = (
                    f"The loss became {loss} at epoch {self._epoch + 1}, batch {batch + 1}: the learning rate "
                    f"({self.cfg.lr():g}) is probably too high. Training stopped and the last good weights were kept."
                )
                self.model.stop_training = True
                return
            before = self._epoch * self.steps + self._epoch_batches
            self.batches_trained += batch + 1 - self._epoch_batches
            self._epoch_batches = batch + 1
            # These batches' losses were computed with weights the last snapshot holds or later ones, so the snapshot
            # is good. (The loss in ``logs`` is the epoch's running mean: finite means every batch so far was.)
            if self._candidate is not None:
                self._good_weights, self._candidate = self._candidate, None
            done = self._epoch * self.steps + batch + 1
            if done // SNAPSHOT_EVERY > before // SNAPSHOT_EVERY:
                self._take_snapshot()
            last = batch + 1 == self.steps
            if self.cbs.on_batch and (last or now - self._last_report >= REPORT_INTERVAL_S):
                self._last_report = now
                self.cbs.on_batch(self._batch_report(batch, loss, logs, now, done))
                self._reported = (batch + 1, loss, float(logs.get("accuracy", np.nan)))
            self._between_batches()

        def _batch_report(self, batch, loss, logs, now, done) -> BatchReport:
            # Keras reports the running mean since the epoch began; the curve wants the mean of the batches since
            # the previous report, which the two running means give exactly.
            acc = float(logs.get("accuracy", np.nan))
            k0, loss0, acc0 = self._reported
            k = batch + 1
            recent_loss = (k * loss - k0 * loss0) / (k - k0)
            recent_acc = (k * acc - k0 * acc0) / (k - k0)
            total = self.cfg.epochs * self.steps
            elapsed = now - self._run_t0
            steps_timed = done - self._done_at_t0
            rate = steps_timed / elapsed if elapsed > 0 and steps_timed > 0 else 0.0
            return BatchReport(
                epoch=self._epoch + 1,
                epochs=self.cfg.epochs,
                batch=batch + 1,
                batches=self.steps,
                loss=recent_loss,
                accuracy=recent_acc,
                epoch_loss=loss,
                epoch_accuracy=acc,
                samples_per_s=rate * self.cfg.batch_size,
                eta_s=(total - done) / rate if rate > 0 else float("nan"),
                fraction=done / total,
            )

        def on_epoch_end(self, epoch, logs=None):
            logs = logs or {}
            if self.nan_reason:
                return
            if self.control.stop_requested and self._epoch_batches < self.steps:
                return  # stopped part-way: an epoch's figures over part of the data would mislead
            val_loss = logs.get("val_loss")
            val_acc = logs.get("val_accuracy")
            report = EpochReport(
                epoch=epoch + 1,
                epochs=self.cfg.epochs,
                loss=float(logs.get("loss", np.nan)),
                accuracy=float(logs.get("accuracy", np.nan)),
                val_loss=None if val_loss is None else float(val_loss),
                val_accuracy=None if val_acc is None else float(val_acc),
                seconds=time.perf_counter() - self._epoch_t0,
            )
            if math.isfinite(report.loss):
                self._take_snapshot()
                if self._candidate is not None and report.val_loss is not None and math.isfinite(report.val_loss):
                    self._good_weights, self._candidate = self._candidate, None  # validation used these weights
            if self.control.stop_requested:
                report.val_loss = report.val_accuracy = None  # validation was cut short: its numbers mean little
            self.history.append(report)
            if self.cbs.on_epoch:
                self.cbs.on_epoch(report)

        # Validation and test ---------------------------------------------------------------------------------
        def on_test_begin(self, logs=None):
            if not self._in_fit:
                return  # the final test evaluation: Trainer.run has reported "testing"
            if self.model.stop_training:
                if self.nan_reason or self._epoch_batches < self.steps:
                    # The epoch will not be reported, so validating it (tracing the test step first: up to a
                    # second on a busy machine, between Stop and the run's end) is waste. Leave fit() instead.
                    raise _LeaveFit
                # Stopped right at the epoch's end: fit() validates even so. Cut it to one batch (evaluate has just
                # reset stop_evaluating, and checks it after each batch).
                self.model.stop_evaluating = True
                return
            self._validating = True
            self.trainer._phase("validating")

        def on_test_batch_end(self, batch, logs=None):
            self._between_batches()
            if self.control.stop_requested:
                self.model.stop_evaluating = True

        def on_test_end(self, logs=None):
            if self._validating and not self.control.stop_requested:
                self.trainer._phase("training")
            self._validating = False

        # Shared ----------------------------------------------------------------------------------------------
        def _between_batches(self):
            if self.cbs.between_batches:
                self.cbs.between_batches()
            if self.control.paused:
                before = self.trainer.phase

                def on_paused(paused: bool):
                    if paused:
                        self.trainer._phase("paused")
                    elif not self.control.stop_requested:
                        self.trainer._phase(before)  # back to training, validating or testing

                self.control.wait_while_paused(self.cbs.between_batches, on_paused)
            if self.control.stop_requested:
                self.model.stop_training = True
                self.model.stop_evaluating = True

        def _take_snapshot(self):
            weights = self.model.get_weights()
            self._candidate = weights if all(np.all(np.isfinite(w)) for w in weights) else None

        def restore_good_weights(self):
            if self._good_weights is not None:
                self.model.set_weights(self._good_weights)

    _reporter_class = Reporter
    return Reporter


def run_data(raw, cfg: TrainConfig, log: Callable[[str], None] | None = None) -> PreparedData:
    """The arrays a run of ``cfg`` trains on: MNIST prepared as the seed does, plus the recipe's pen digits.

    Pen digits come only from the recipe's writers, never from the held-out writers 25-30 that measure how the
    model reads people it has not seen.
    """
    from model import pendigits
    from model.data import one_hot, prepare, to_float_images

    data = prepare(
        raw,
        validation_split=cfg.validation_split,
        limit_train=cfg.limit_train,
        limit_test=cfg.limit_test,
        seed=cfg.seed,
    )
    if not cfg.pen_digits_writers:
        return data
    leaked = set(cfg.pen_digits_writers) & set(pendigits.HELD_OUT_WRITERS)
    if leaked:
        raise DigitTrainerError(f"Pen-digit writers {sorted(leaked)} are held out for testing and never trained on.")
    path = pendigits.find_file()
    if path is None:
        if log:
            log("pendigits file not found: training on MNIST only")
        return data
    digits = [d for d in pendigits.parse(path) if d.writer in cfg.pen_digits_writers]
    x, y = pendigits.rendered_set(digits, seed=cfg.seed, variants=2)
    if log:
        log(f"pen digits: {len(x)} renderings from writers {min(cfg.pen_digits_writers)}-{max(cfg.pen_digits_writers)}")
    return PreparedData(
        np.concatenate([data.x_train, to_float_images(x)]),
        np.concatenate([data.y_train, one_hot(y)]),
        data.x_val,
        data.y_val,
        data.x_test,
        data.y_test,
    )


def run_metadata(cfg: TrainConfig, result: TrainResult, source: str) -> dict:
    """What a saved model records about the run that made it."""
    from model.architecture import spec_to_json

    return {
        "recipe": cfg.recipe,
        "spec": spec_to_json(list(cfg.spec)),
        "epochs": result.epochs_done,
        "batch_size": cfg.batch_size,
        "optimizer": cfg.optimizer,
        "learning_rate": cfg.lr(),
        "validation_split": cfg.validation_split,
        "seed": cfg.seed,
        "test_accuracy": result.test_accuracy,
        "test_loss": result.test_loss,
        "train_seconds": round(result.seconds, 1),
        "device": result.device,
        "data": source,
    }
