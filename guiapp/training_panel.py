"""The training panel: hyperparameters, Train / Pause / Stop, progress with ETA, device and test accuracy."""

from __future__ import annotations

import math

from PySide6.QtCore import QEvent, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from guiapp.history_view import RunHistoryView
from guiapp.i18n import RetranslateMixin, message_for
from guiapp.jobs import STOPPABLE, YIELDS_TO_TRAIN
from guiapp.training_settings import SettingsForm
from model.recipes import recipe


def _text(source) -> str:
    """A text kept to be shown again after a language switch: a callable giving it, or a model message."""
    if callable(source):
        return source()
    return message_for(source) if source else ""


def _named(widget, name: str):
    widget.setObjectName(name)
    widget.setAccessibleName(name)
    return widget


def format_eta(seconds: float) -> str:
    if not math.isfinite(seconds) or seconds < 0:
        return "–"
    seconds = int(round(seconds))
    return f"{seconds // 60}:{seconds % 60:02d}"


class TrainingPanel(RetranslateMixin, QWidget):
    """Emits intent (``trainRequested``, ``pauseToggled``, ``stopRequested``); the window wires it to the engine."""

    trainRequested = Signal(object)  # TrainConfig
    pauseToggled = Signal(bool)  # True = pause
    stopRequested = Signal()
    recipeChanged = Signal(str)  # the recipe picked: its network goes into the architecture editor

    def __init__(self, parent=None):
        super().__init__(parent)
        self._job = "starting"  # what the engine does ("" = idle): the controller's single busy state
        self._paused = False
        self._spec_provider = None
        self._blocked_reason = ""  # a text, a model message or a callable giving the text (see set_blocked)
        # What the texts below show, kept so that a language switch can show it again in the new language.
        self._device: str | None = None
        self._accuracy: float | None = None
        self._progress_text = lambda: self.tr("Not trained yet")
        self._status = lambda: self.tr("Starting…")
        self._batch = None

        settings = SettingsForm()
        for name in ("recipe_combo", "epochs_spin", "batch_spin", "optimizer_combo", "lr_spin", "val_spin",
                     "seed_spin", "limit_spin"):
            setattr(self, name, getattr(settings, name))
        self._settings_box = settings

        self.train_button = _named(QPushButton(), "trainButton")
        self.pause_button = _named(QPushButton(), "pauseButton")
        self.pause_button.setCheckable(True)
        self.stop_button = _named(QPushButton(), "stopButton")
        buttons = QHBoxLayout()
        for b in (self.train_button, self.pause_button, self.stop_button):
            buttons.addWidget(b)

        self.progress = _named(QProgressBar(), "trainingProgress")
        self.progress.setRange(0, 1000)
        self.progress.setValue(0)
        self.progress.setTextVisible(True)
        self.progress_detail = _named(QLabel(""), "progressDetail")
        self.progress_detail.setWordWrap(True)
        self.status_label = _named(QLabel(), "statusLabel")
        self.status_label.setWordWrap(True)
        self.device_label = _named(QLabel(), "deviceLabel")
        self.device_label.setWordWrap(True)
        self.test_accuracy_label = _named(QLabel(), "testAccuracyLabel")
        self.test_accuracy_label.setWordWrap(True)
        font = self.test_accuracy_label.font()
        font.setBold(True)
        self.test_accuracy_label.setFont(font)

        self.run_history = RunHistoryView()  # "runHistory", its table "runsTable"
        self.runs_table = self.run_history.table

        # Train, Pause, Stop and the progress stay at the top; only the settings and runs below them scroll, so the
        # controls are in view whatever the dock's height (a scrolled panel used to hide them during a run).
        header_box = QVBoxLayout()
        header_box.setContentsMargins(9, 9, 9, 0)
        header_box.addLayout(buttons)
        header_box.addWidget(self.progress)
        header_box.addWidget(self.progress_detail)
        header_box.addWidget(self.status_label)
        header_box.addWidget(self.test_accuracy_label)
        body = QWidget()
        body.setObjectName("trainingSettingsBody")
        body_box = QVBoxLayout(body)
        body_box.setContentsMargins(9, 0, 9, 9)
        body_box.addWidget(self.device_label)
        body_box.addWidget(settings)
        self._runs_label = QLabel()
        body_box.addWidget(self._runs_label)
        body_box.addWidget(self.run_history, 1)
        self.body_scroll = QScrollArea()
        self.body_scroll.setObjectName("trainingSettingsScroll")
        self.body_scroll.setWidget(body)
        self.body_scroll.setWidgetResizable(True)
        self.body_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.body_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.body_scroll.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(header_box)
        layout.addWidget(self.body_scroll, 1)

        self.recipe_combo.currentTextChanged.connect(self.recipeChanged)
        self.train_button.clicked.connect(self.request_train)
        self.pause_button.toggled.connect(self._on_pause_toggled)
        self.stop_button.clicked.connect(self.stopRequested)
        self.retranslate()

    def changeEvent(self, event) -> None:
        if event.type() == QEvent.Type.FontChange:  # View › Zoom, presentation mode
            self._fit_progress()
        super().changeEvent(event)

    def _fit_progress(self) -> None:
        """The progress bar is wide enough for its longest text in this language and font (it is not elided)."""
        longest = self.tr("Epoch {epoch}/{epochs} · batch {batch}/{batches} · %p%").format(
            epoch=88, epochs=88, batch=8888, batches=8888).replace("%p%", "100%")
        self.progress.setMinimumWidth(self.progress.fontMetrics().horizontalAdvance(longest) + 16)

    def retranslate(self) -> None:
        """Every text in the current language, the state-dependent ones shown again from the state they show."""
        self._fit_progress()
        self.train_button.setText(self.tr("Train"))
        self.pause_button.setText(self.tr("Resume") if self._paused else self.tr("Pause"))
        self.stop_button.setText(self.tr("Stop"))
        self.stop_button.setToolTip(self.tr("Stop training within one batch (Esc)"))
        self._runs_label.setText(self.tr("Runs"))
        self.set_device(self._device)
        self.show_test_accuracy(self._accuracy)
        self.progress.setFormat(self._progress_text())
        self._show_detail()
        self.status_label.setText(_text(self._status))
        self._update_buttons()

    # Settings ------------------------------------------------------------------------------------------------
    def set_spec_provider(self, provider):
        """``provider()`` returns the layer spec to train instead of the recipe's, or None for the recipe's."""
        self._spec_provider = provider

    def config(self):
        spec = self._spec_provider() if self._spec_provider else None
        return recipe(
            self.recipe_combo.currentText(),
            epochs=self.epochs_spin.value(),
            batch_size=self.batch_spin.value(),
            optimizer=self.optimizer_combo.currentText(),
            learning_rate=self.lr_spin.value(),
            validation_split=round(self.val_spin.value(), 4),
            seed=self.seed_spin.value(),
            limit_train=self.limit_spin.value() or None,
            spec=spec,
        )

    def settings_values(self) -> dict:
        return self._settings_box.values()

    def restore_values(self, values: dict):
        self._settings_box.restore(values)

    def set_compact(self, on: bool) -> None:
        """Presentation mode: only the controls, progress and runs, without the settings form (which needs width)."""
        self._settings_box.setVisible(not on)
        self.device_label.setVisible(not on)

    # State ---------------------------------------------------------------------------------------------------
    def set_blocked(self, reason: str):
        """Disable Train with a reason (e.g. an impossible architecture); '' enables it again."""
        self._blocked_reason = reason
        self._update_buttons()

    @property
    def blocked_reason(self) -> str:
        """Why Train is disabled whatever the engine does ('' when it is not), in the current language.

        ``set_blocked`` takes a text, a model message or a callable giving the text (shown again after a switch)."""
        return _text(self._blocked_reason)

    def set_job(self, job: str):
        """What the engine does now ("" when idle, "training", "evaluating", "fine-tuning", ...)."""
        was_training = self._job == "training"
        self._job = job
        if was_training and job != "training":
            self.pause_button.blockSignals(True)
            self.pause_button.setChecked(False)
            self.pause_button.setText(self.tr("Pause"))
            self.pause_button.blockSignals(False)
            self._paused = False
        self._settings_box.setEnabled(job in YIELDS_TO_TRAIN)
        self._update_buttons()

    @property
    def running(self) -> bool:
        """A training run is under way."""
        return self._job == "training"

    def _update_buttons(self):
        idle = self._job in YIELDS_TO_TRAIN
        # Pause and Stop first: a focused Train that gets disabled hands its focus to the next enabled button.
        self.pause_button.setEnabled(self._job == "training")
        self.stop_button.setEnabled(self._job in STOPPABLE)
        self.train_button.setEnabled(idle and not self._blocked_reason)
        if self._blocked_reason:
            self.train_button.setToolTip(self.blocked_reason)
        elif self._job == "starting":
            self.train_button.setToolTip(self.tr("Waiting for TensorFlow to load…"))
        elif not idle:
            self.train_button.setToolTip(self.tr("Busy: Train is available once this job ends (Esc stops it)"))
        else:
            self.train_button.setToolTip(self.tr("Train with these settings (Ctrl+T)"))

    @Slot()
    def request_train(self):
        """Ask for a run with the panel's settings (what Train and Ctrl+T do); nothing while Train is disabled."""
        if not self.train_button.isEnabled():
            return
        try:
            cfg = self.config()
        except Exception as exc:
            error = exc
            self.set_status(lambda: self.tr("Cannot train: {error}").format(error=message_for(error)))
            return
        self.trainRequested.emit(cfg)

    @Slot(bool)
    def _on_pause_toggled(self, paused: bool):
        self._paused = paused
        self.pause_button.setText(self.tr("Resume") if paused else self.tr("Pause"))
        self.pauseToggled.emit(paused)

    # Progress ------------------------------------------------------------------------------------------------
    def set_status(self, text) -> None:
        """The status line under the progress: a text, a model message or a callable giving the text (so that it
        is shown again in the new language after a switch)."""
        self._status = text
        self.status_label.setText(_text(text))

    def set_device(self, device: str | None) -> None:
        """The device TensorFlow computes on (None while it loads)."""
        self._device = device
        if device is None:
            self.device_label.setText(self.tr("Device: loading TensorFlow…"))
        else:
            self.device_label.setText(self.tr("Device: {device}").format(device=device))

    def show_batch(self, r):
        self._batch = r
        self.progress.setValue(int(round(r.fraction * 1000)))
        self._set_progress_text(lambda: self.tr("Epoch {epoch}/{epochs} · batch {batch}/{batches} · %p%").format(
            epoch=r.epoch, epochs=r.epochs, batch=r.batch, batches=r.batches))
        self._show_detail()

    def _show_detail(self) -> None:
        r = self._batch
        if r is None:
            return
        if r.samples_per_s > 0:
            rate = self.tr("{rate} samples/s").format(rate=f"{r.samples_per_s:,.0f}")
        else:
            rate = self.tr("measuring speed…")
        self.progress_detail.setText(self.tr("loss {loss} · accuracy {accuracy} · {rate} · ETA {eta}").format(
            loss=f"{r.loss:.4f}", accuracy=f"{r.accuracy:.2%}", rate=rate, eta=format_eta(r.eta_s)))

    def _set_progress_text(self, text) -> None:
        self._progress_text = text
        self.progress.setFormat(text())

    def show_finished(self, fraction_done: float | None, text):
        """Set the progress bar (``fraction_done`` None leaves its value) and its text: a str, or a callable giving
        it in the current language (shown again after a language switch)."""
        if fraction_done is not None:
            self.progress.setValue(int(round(fraction_done * 1000)))
        self._set_progress_text(text if callable(text) else (lambda: text))

    def show_test_accuracy(self, accuracy: float | None):
        self._accuracy = accuracy
        if accuracy is None:
            self.test_accuracy_label.setText(self.tr("Test accuracy: –"))
        else:
            self.test_accuracy_label.setText(
                self.tr("Test accuracy: {accuracy} %").format(accuracy=f"{accuracy * 100:.2f}"))

    def add_run(self, run: int, cfg):
        self.runs_table.add_run(run, cfg)

    def update_run(self, run: int, epochs_text: str, acc_text: str, val_text: str | None = None):
        self.runs_table.update_run(run, epochs_text, acc_text, val_text)

    # A run's story, told by the window as the controller reports it -------------------------------------------
    def show_run_started(self, run: int, cfg):
        self._batch = None
        self.progress_detail.setText("")
        self.show_finished(0.0, lambda: self.tr("Starting…"))
        self.show_test_accuracy(None)
        self.add_run(run, cfg)

    def show_epoch(self, run: int, report):
        """An epoch ended: its count in "Epochs", its validation accuracy in "Val. acc."; the test is still to come."""
        val = f"{report.val_accuracy * 100:.2f} %" if report.val_accuracy is not None else "–"
        self.update_run(run, f"{report.epoch}/{report.epochs}", "running", val)

    def show_run_finished(self, run: int, epochs: int, result):
        """Show how run ``run`` of ``epochs`` epochs ended (``result`` a TrainResult, None when it failed)."""
        if result is None:
            self.show_finished(None, lambda: self.tr("Training did not run"))
            self.update_run(run, "–", "failed")
            return
        if result.test_accuracy is not None:
            self.show_finished(1.0, lambda: self.tr("Done: {epochs} epochs in {seconds} s").format(
                epochs=result.epochs_done, seconds=f"{result.seconds:.0f}"))
            self.show_test_accuracy(result.test_accuracy)
            acc = f"{result.test_accuracy * 100:.2f} %"
        else:
            self.show_finished(None, lambda: self.tr("Stopped after {epochs} epoch(s)").format(
                epochs=result.epochs_done))
            acc = "stopped"
        self.update_run(run, f"{result.epochs_done}/{epochs}", acc)
        if result.reason:
            self.set_status(result.reason)

    def show_evaluation(self, evaluation):
        """An evaluation ended: its Evaluation, or None when it was stopped."""
        if evaluation is None:
            self.show_finished(None, lambda: self.tr("Evaluation stopped"))
            return
        self.show_finished(1.0, lambda: self.tr("Evaluation done"))
        self.show_test_accuracy(evaluation.accuracy)
