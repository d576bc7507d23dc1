"""The training panel: hyperparameters, Train / Pause / Stop, progress with ETA, device and test accuracy."""

from __future__ import annotations

import math

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from guiapp.jobs import STOPPABLE, YIELDS_TO_TRAIN
from model.recipes import DEFAULT_LR, OPTIMIZERS, RECIPES, recipe

# The runs table's columns; "Val. acc." is the newest epoch's validation accuracy, "Test acc." the run's result.
RUN_COLUMNS = ("#", "Settings", "Epochs", "Test acc.", "Val. acc.")


def _named(widget, name: str):
    widget.setObjectName(name)
    widget.setAccessibleName(name)
    return widget


def format_eta(seconds: float) -> str:
    if not math.isfinite(seconds) or seconds < 0:
        return "–"
    seconds = int(round(seconds))
    return f"{seconds // 60}:{seconds % 60:02d}"


class TrainingPanel(QWidget):
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
        self._blocked_reason = ""

        settings = QGroupBox("Settings")
        form = QFormLayout(settings)
        self.recipe_combo = _named(QComboBox(), "recipeCombo")
        self.recipe_combo.addItems(RECIPES)
        self.recipe_combo.setToolTip("seed: the tutorial's recipe, unchanged. robust: augmented, for real handwriting.")
        self.epochs_spin = _named(QSpinBox(), "epochsSpin")
        self.epochs_spin.setRange(1, 1000)
        self.batch_spin = _named(QSpinBox(), "batchSizeSpin")
        self.batch_spin.setRange(1, 1_000_000)
        self.optimizer_combo = _named(QComboBox(), "optimizerCombo")
        self.optimizer_combo.addItems(OPTIMIZERS)
        self.lr_spin = _named(QDoubleSpinBox(), "learningRateSpin")
        self.lr_spin.setDecimals(5)
        self.lr_spin.setRange(0.00001, 1e7)
        self.lr_spin.setSingleStep(0.0005)
        self.val_spin = _named(QDoubleSpinBox(), "validationSplitSpin")
        self.val_spin.setRange(0.0, 0.5)
        self.val_spin.setSingleStep(0.05)
        self.val_spin.setDecimals(2)
        self.seed_spin = _named(QSpinBox(), "seedSpin")
        self.seed_spin.setRange(0, 2**31 - 1)
        self.limit_spin = _named(QSpinBox(), "trainLimitSpin")
        self.limit_spin.setRange(0, 60000)
        self.limit_spin.setSingleStep(1000)
        self.limit_spin.setSpecialValueText("all")
        self.limit_spin.setToolTip("Train on the first N training images only (all = 60,000), for quick experiments.")
        form.addRow("Recipe", self.recipe_combo)
        form.addRow("Epochs", self.epochs_spin)
        form.addRow("Batch size", self.batch_spin)
        form.addRow("Optimiser", self.optimizer_combo)
        form.addRow("Learning rate", self.lr_spin)
        form.addRow("Validation split", self.val_spin)
        form.addRow("Random seed", self.seed_spin)
        form.addRow("Training images", self.limit_spin)
        self._settings_box = settings

        self.train_button = _named(QPushButton("Train"), "trainButton")
        self.train_button.setToolTip("Train with these settings (Ctrl+T)")
        self.pause_button = _named(QPushButton("Pause"), "pauseButton")
        self.pause_button.setCheckable(True)
        self.stop_button = _named(QPushButton("Stop"), "stopButton")
        self.stop_button.setToolTip("Stop training within one batch (Esc)")
        buttons = QHBoxLayout()
        for b in (self.train_button, self.pause_button, self.stop_button):
            buttons.addWidget(b)

        self.progress = _named(QProgressBar(), "trainingProgress")
        self.progress.setRange(0, 1000)
        self.progress.setValue(0)
        self.progress.setTextVisible(True)
        self.progress.setFormat("Not trained yet")
        self.progress_detail = _named(QLabel(""), "progressDetail")
        self.progress_detail.setWordWrap(True)
        self.status_label = _named(QLabel("Starting…"), "statusLabel")
        self.status_label.setWordWrap(True)
        self.device_label = _named(QLabel("Device: loading TensorFlow…"), "deviceLabel")
        self.test_accuracy_label = _named(QLabel("Test accuracy: –"), "testAccuracyLabel")
        font = self.test_accuracy_label.font()
        font.setBold(True)
        self.test_accuracy_label.setFont(font)

        self.runs_table = _named(QTableWidget(0, len(RUN_COLUMNS)), "runsTable")
        self.runs_table.setHorizontalHeaderLabels([self.tr(text) for text in RUN_COLUMNS])
        self.runs_table.verticalHeader().setVisible(False)
        self.runs_table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.runs_table.setWordWrap(True)
        self.runs_table.setTextElideMode(Qt.ElideNone)
        # Every column fits its contents (the settings on short lines), so nothing is ever cut: a dock too
        # narrow for them scrolls the table sideways. (No stretched last column: with resize-to-contents it kept
        # a width it once had and pushed the table into a sideways scroll.)
        self.runs_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
        self.runs_table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
        self.runs_table.setMinimumHeight(110)

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
        body_box.addWidget(QLabel(self.tr("Runs")))
        body_box.addWidget(self.runs_table, 1)
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

        self.recipe_combo.currentTextChanged.connect(self._on_recipe_changed)
        self.recipe_combo.currentTextChanged.connect(self.recipeChanged)
        self.optimizer_combo.currentTextChanged.connect(self._on_optimizer_changed)
        self.train_button.clicked.connect(self.request_train)
        self.pause_button.toggled.connect(self._on_pause_toggled)
        self.stop_button.clicked.connect(self.stopRequested)
        self._on_recipe_changed("seed")
        self._update_buttons()

    # Settings ------------------------------------------------------------------------------------------------
    @Slot(str)
    def _on_recipe_changed(self, name: str):
        cfg = recipe(name)
        self.epochs_spin.setValue(cfg.epochs)
        self.batch_spin.setValue(cfg.batch_size)
        self.optimizer_combo.setCurrentText(cfg.optimizer)
        self.lr_spin.setValue(cfg.lr())
        self.val_spin.setValue(cfg.validation_split)
        self.seed_spin.setValue(cfg.seed)

    @Slot(str)
    def _on_optimizer_changed(self, name: str):
        self.lr_spin.setValue(DEFAULT_LR.get(name, 0.001))

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
        return {
            "recipe": self.recipe_combo.currentText(),
            "epochs": self.epochs_spin.value(),
            "batch_size": self.batch_spin.value(),
            "optimizer": self.optimizer_combo.currentText(),
            "learning_rate": self.lr_spin.value(),
            "validation_split": self.val_spin.value(),
            "seed": self.seed_spin.value(),
            "limit_train": self.limit_spin.value(),
        }

    def restore_values(self, values: dict):
        try:
            if values.get("recipe") in RECIPES:
                self.recipe_combo.setCurrentText(values["recipe"])
            if values.get("optimizer") in OPTIMIZERS:
                self.optimizer_combo.setCurrentText(values["optimizer"])
            for key, spin, cast in (
                ("epochs", self.epochs_spin, int),
                ("batch_size", self.batch_spin, int),
                ("learning_rate", self.lr_spin, float),
                ("validation_split", self.val_spin, float),
                ("seed", self.seed_spin, int),
                ("limit_train", self.limit_spin, int),
            ):
                if key in values and values[key] is not None:
                    spin.setValue(cast(values[key]))
        except (TypeError, ValueError):
            pass  # a damaged settings file must not stop the app: defaults stay

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
        """Why Train is disabled whatever the engine does ('' when it is not)."""
        return self._blocked_reason

    def set_job(self, job: str):
        """What the engine does now ("" when idle, "training", "evaluating", "fine-tuning", ...)."""
        was_training = self._job == "training"
        self._job = job
        if was_training and job != "training":
            self.pause_button.blockSignals(True)
            self.pause_button.setChecked(False)
            self.pause_button.setText("Pause")
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
            self.train_button.setToolTip(self._blocked_reason)
        elif self._job == "starting":
            self.train_button.setToolTip("Waiting for TensorFlow to load…")
        elif not idle:
            self.train_button.setToolTip("Busy: Train is available once this job ends (Esc stops it)")
        else:
            self.train_button.setToolTip("Train with these settings (Ctrl+T)")

    @Slot()
    def request_train(self):
        """Ask for a run with the panel's settings (what Train and Ctrl+T do); nothing while Train is disabled."""
        if not self.train_button.isEnabled():
            return
        try:
            cfg = self.config()
        except Exception as exc:
            self.status_label.setText(f"Cannot train: {exc}")
            return
        self.trainRequested.emit(cfg)

    @Slot(bool)
    def _on_pause_toggled(self, paused: bool):
        self._paused = paused
        self.pause_button.setText("Resume" if paused else "Pause")
        self.pauseToggled.emit(paused)

    # Progress ------------------------------------------------------------------------------------------------
    def show_batch(self, r):
        self.progress.setValue(int(round(r.fraction * 1000)))
        self.progress.setFormat(f"Epoch {r.epoch}/{r.epochs} · batch {r.batch}/{r.batches} · %p%")
        rate = f"{r.samples_per_s:,.0f} samples/s" if r.samples_per_s > 0 else "measuring speed…"
        self.progress_detail.setText(
            f"loss {r.loss:.4f} · accuracy {r.accuracy:.2%} · {rate} · ETA {format_eta(r.eta_s)}"
        )

    def show_finished(self, fraction_done: float | None, text: str):
        if fraction_done is not None:
            self.progress.setValue(int(round(fraction_done * 1000)))
        self.progress.setFormat(text)

    def show_test_accuracy(self, accuracy: float | None):
        if accuracy is None:
            self.test_accuracy_label.setText("Test accuracy: –")
        else:
            self.test_accuracy_label.setText(f"Test accuracy: {accuracy * 100:.2f} %")

    def add_run(self, run: int, cfg, epochs_done: int | None = None, accuracy: float | None = None):
        row = self.runs_table.rowCount()
        self.runs_table.insertRow(row)
        lines = [
            self.tr("{recipe}, {optimizer}").format(recipe=cfg.recipe, optimizer=cfg.optimizer),
            self.tr("lr={lr}").format(lr=f"{cfg.lr():g}"),
            self.tr("batch {batch}").format(batch=cfg.batch_size),
        ]
        if cfg.limit_train:
            lines.append(self.tr("{n} images").format(n=f"{cfg.limit_train:,}"))
        desc = "\n".join(lines)
        for col, text in enumerate([str(run), desc, f"0/{cfg.epochs}", self.tr("running…"), "–"]):
            item = QTableWidgetItem(text)
            item.setTextAlignment(Qt.AlignLeft | Qt.AlignVCenter)
            item.setToolTip(", ".join(lines))
            self.runs_table.setItem(row, col, item)
        self.runs_table.scrollToBottom()

    def update_run(self, run: int, epochs_text: str, acc_text: str, val_text: str | None = None):
        for row in range(self.runs_table.rowCount()):
            if self.runs_table.item(row, 0).text() == str(run):
                self.runs_table.item(row, 2).setText(epochs_text)
                self.runs_table.item(row, 3).setText(acc_text)
                if val_text is not None:
                    self.runs_table.item(row, 4).setText(val_text)

    # A run's story, told by the window as the controller reports it -------------------------------------------
    def show_run_started(self, run: int, cfg):
        self.show_finished(0.0, "Starting…")
        self.show_test_accuracy(None)
        self.add_run(run, cfg)

    def show_epoch(self, run: int, report):
        """An epoch ended: its count in "Epochs", its validation accuracy in "Val. acc."; the test is still to come."""
        val = f"{report.val_accuracy * 100:.2f} %" if report.val_accuracy is not None else "–"
        self.update_run(run, f"{report.epoch}/{report.epochs}", self.tr("running…"), val)

    def show_run_finished(self, run: int, epochs: int, result):
        """Show how run ``run`` of ``epochs`` epochs ended (``result`` a TrainResult, None when it failed)."""
        if result is None:
            self.show_finished(None, "Training did not run")
            self.update_run(run, "–", "failed")
            return
        if result.test_accuracy is not None:
            self.show_finished(1.0, f"Done: {result.epochs_done} epochs in {result.seconds:.0f} s")
            self.show_test_accuracy(result.test_accuracy)
            acc = f"{result.test_accuracy * 100:.2f} %"
        else:
            self.show_finished(None, f"Stopped after {result.epochs_done} epoch(s)")
            acc = "stopped"
        self.update_run(run, f"{result.epochs_done}/{epochs}", acc)
        if result.reason:
            self.status_label.setText(result.reason)

    def show_evaluation(self, evaluation):
        """An evaluation ended: its Evaluation, or None when it was stopped."""
        if evaluation is None:
            self.show_finished(None, "Evaluation stopped")
            return
        self.show_finished(1.0, "Evaluation done")
        self.show_test_accuracy(evaluation.accuracy)
