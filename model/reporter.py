"""The Keras callback that turns ``fit``'s events into reports, obeys stop and pause, and guards against NaN losses."""

from __future__ import annotations

import math
import time

import numpy as np

from model import keras_internals
from model.messages import Message
from model.reports import BatchReport, EpochReport

REPORT_INTERVAL_S = 0.1  # about 10 batch reports a second reach the caller, whatever the batch rate
SNAPSHOT_EVERY = 100  # batches between copies of the weights kept for recovery from a NaN loss


class LeaveFit(Exception):
    """Raised by the reporter to end ``fit`` after a stop or a NaN loss without the validation Keras would run."""


_reporter_class = None


def reporter_class():
    """The Reporter callback class (made on first use, so that importing this module does not import Keras)."""
    global _reporter_class
    if _reporter_class is not None:
        return _reporter_class
    import keras

    class Reporter(keras.callbacks.Callback):
        def __init__(self, trainer, model, steps: int, n_samples: int, functions=None):
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
            keras_internals.use_train_function(self.model, single if wants_single else grouped)
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
                self.nan_reason = Message("training.loss_not_finite", loss=loss, epoch=self._epoch + 1,
                                          batch=batch + 1, lr=self.cfg.lr())
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
                    raise LeaveFit
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
