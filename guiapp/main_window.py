"""The main window: wires the panels (which emit intent) to the engine thread (which owns TensorFlow)."""

from __future__ import annotations

import os
from pathlib import Path

import pyqtgraph as pg
from PySide6.QtCore import QSettings, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDockWidget,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from guiapp import gc_guard
from guiapp.architecture_editor import ArchitectureEditor
from guiapp.dataset_view import DatasetView
from guiapp.draw_panel import DrawPanel
from guiapp.engine import Engine, EngineThread
from guiapp.feature_maps import FeatureMapView, KernelView
from guiapp.improve import ImproveController
from guiapp.model_view import ModelSummary
from guiapp.playground import ConvPlayground
from guiapp.plots import TrainingPlots
from guiapp.training_panel import TrainingPanel
from model.data import ENV_VAR

pg.setConfigOptions(imageAxisOrder="row-major", antialias=True)

SETTINGS_ORG = "DigitTrainer"
SETTINGS_APP = "DigitTrainer"
PHASE_TEXT = {
    "loading": "Loading TensorFlow…",
    "loading model": "Loading the model…",
    "loading data": "Loading the dataset…",
    "compiling": "Building and compiling the model…",
    "training": "Training…",
    "validating": "Validating…",
    "testing": "Evaluating on the test set…",
    "paused": "Paused",
    "evaluating": "Evaluating…",
    "saving": "Saving…",
    "fine-tuning": "Fine-tuning on your samples…",
    "idle": "Ready",
    "broken": "TensorFlow could not be loaded",
}


def _scrolled(widget: QWidget) -> QScrollArea:
    area = QScrollArea()
    area.setWidget(widget)
    area.setWidgetResizable(True)
    return area


class MainWindow(QMainWindow):
    """Digit Trainer's window. Constructible with no arguments inside a running QApplication."""

    trainRequested = Signal(object)
    classifyPosted = Signal()
    loadModelRequested = Signal(str)
    saveModelRequested = Signal(str)
    loadDatasetRequested = Signal(str)
    evaluateRequested = Signal()
    # Emitted on the GUI thread once the window shows what the engine reported (tests and tools wait on these).
    batchShown = Signal(object)
    trainingFinished = Signal(object)
    predictionShown = Signal(object)
    errorShown = Signal(str, str)  # title, message: what the error dialog and the status line show
    phaseShown = Signal(str)
    modelShown = Signal(object)  # guiapp.engine.ModelInfo
    datasetShown = Signal(object)  # model.data.RawMnist
    modelSaved = Signal(str)
    evaluationShown = Signal(object)
    saliencyShown = Signal(object)
    sampleSaved = Signal(object)
    fineTuneFinished = Signal(object)

    def __init__(
        self, data_path: str | None = None, model_path: str | None = None, parent=None, samples_path: str | None = None
    ):
        super().__init__(parent)
        self.setWindowTitle("Digit Trainer")
        self.setObjectName("MainWindow")
        self.settings = QSettings(SETTINGS_ORG, SETTINGS_APP)
        data_path = data_path or os.environ.get(ENV_VAR) or self.settings.value("data/path", None) or None
        self.last_error = ""
        self.last_result = None
        self.last_evaluation = None
        self._run = 0
        self._run_config = None
        self._phase = "loading"
        self._closing = False
        self._has_model = False
        self._outcome = ""  # the status line's text once the engine is idle again: how the last request ended
        self._dataset_requested: str | None = None  # File › Open dataset's path, remembered once it has loaded

        self.training_panel = TrainingPanel()
        self.plots = TrainingPlots()
        self.draw_panel = DrawPanel()
        self.feature_maps = FeatureMapView()
        self.kernel_view = KernelView()
        self.model_summary = ModelSummary()
        self.dataset_view = DatasetView()
        self.architecture_editor = ArchitectureEditor()
        self.playground = ConvPlayground()
        self.training_panel.set_spec_provider(self.architecture_editor.spec)
        self.improve = ImproveController(self, samples_path)
        self.setCentralWidget(self.plots)
        self._build_docks()
        self._build_menus()
        self.status = QLabel("Loading TensorFlow…")
        self.statusBar().addWidget(self.status, 1)

        # Cyclic garbage is collected on this thread only while the engine's thread runs (see gc_guard).
        gc_guard.collector().engage()
        self._gc_engaged = True
        self.engine = Engine(data_path=data_path, model_path=model_path)
        self.engine_thread = EngineThread(self.engine)
        self._connect()
        self._restore_settings()
        # Start TensorFlow's import once the event loop runs, so the window paints first.
        QTimer.singleShot(20, self._start_engine)

    @Slot()
    def _start_engine(self):
        if not self._closing and not self.engine_thread.isRunning():
            self.engine_thread.start()

    # Layout --------------------------------------------------------------------------------------------------
    def _dock(self, title: str, name: str, widget: QWidget, area) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        return dock

    def _build_docks(self):
        self.training_panel.setMinimumWidth(330)
        training_area = _scrolled(self.training_panel)
        training_area.setMinimumWidth(350)
        training_area.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.training_dock = self._dock("Training", "trainingDock", training_area, Qt.LeftDockWidgetArea)
        draw_box = QWidget()
        draw_layout = QVBoxLayout(draw_box)
        draw_layout.setContentsMargins(0, 0, 0, 0)
        draw_layout.addWidget(self.draw_panel, 1)
        draw_layout.addWidget(self.improve.draw_tools)
        self.draw_dock = self._dock("Draw", "drawDock", _scrolled(draw_box), Qt.RightDockWidgetArea)
        self.feature_dock = self._dock(
            "Feature maps", "featureDock", _scrolled(self.feature_maps), Qt.BottomDockWidgetArea
        )
        model_box = QWidget()
        box = QVBoxLayout(model_box)
        box.addWidget(self.model_summary, 2)
        box.addWidget(QLabel("First conv layer's kernels"))
        box.addWidget(self.kernel_view, 1)
        self.model_dock = self._dock("Model", "modelDock", model_box, Qt.BottomDockWidgetArea)
        self.dataset_dock = self._dock("Dataset", "datasetDock", _scrolled(self.dataset_view), Qt.BottomDockWidgetArea)
        self.architecture_dock = self._dock(
            "Architecture", "architectureDock", self.architecture_editor, Qt.LeftDockWidgetArea
        )
        self.learn_dock = self._dock("Learn: convolution", "learnDock", _scrolled(self.playground), Qt.BottomDockWidgetArea)
        self.evaluation_dock = self._dock(
            "Evaluation", "evaluationDock", _scrolled(self.improve.evaluation_view), Qt.BottomDockWidgetArea
        )
        self.teach_dock = self._dock("Teach", "teachDock", _scrolled(self.improve.teach_panel), Qt.BottomDockWidgetArea)
        self.tabifyDockWidget(self.training_dock, self.architecture_dock)
        self.tabifyDockWidget(self.feature_dock, self.model_dock)
        self.tabifyDockWidget(self.model_dock, self.dataset_dock)
        self.tabifyDockWidget(self.dataset_dock, self.learn_dock)
        self.tabifyDockWidget(self.learn_dock, self.evaluation_dock)
        self.tabifyDockWidget(self.evaluation_dock, self.teach_dock)
        self.training_dock.raise_()
        self.feature_dock.raise_()
        self.resizeDocks([self.feature_dock], [320], Qt.Vertical)
        self.resizeDocks([self.training_dock, self.draw_dock], [370, 700], Qt.Horizontal)
        self._default_state = self.saveState()

    def _action(self, menu, text: str, slot, shortcut=None, name: str = "") -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if name:
            action.setObjectName(name)
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    def _build_menus(self):
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        self._action(file_menu, "Open &dataset…", self._on_open_dataset_triggered, "Ctrl+Shift+O", "openDatasetAction")
        self._action(file_menu, "&Open model…", self._on_open_model_triggered, QKeySequence.Open, "openModelAction")
        self._action(file_menu, "&Save model…", self._on_save_model_triggered, QKeySequence.Save, "saveModelAction")
        file_menu.addSeparator()
        self._action(file_menu, "&Quit", self.close, QKeySequence.Quit, "quitAction")
        train_menu = bar.addMenu("&Train")
        self.train_action = self._action(train_menu, "&Train", self.training_panel._on_train_clicked, "Ctrl+T", "trainAction")
        self.pause_action = self._action(train_menu, "&Pause / Resume", self._on_pause_action_triggered, "Ctrl+P", "pauseAction")
        self.stop_action = self._action(train_menu, "&Stop", self._on_stop_requested, Qt.Key_Escape, "stopAction")
        train_menu.addSeparator()
        self._action(train_menu, "&Evaluate on the test set", self._on_evaluate_triggered, "Ctrl+E", "evaluateAction")
        view_menu = bar.addMenu("&View")
        for dock in (
            self.training_dock,
            self.architecture_dock,
            self.draw_dock,
            self.feature_dock,
            self.model_dock,
            self.dataset_dock,
            self.learn_dock,
            self.evaluation_dock,
            self.teach_dock,
        ):
            view_menu.addAction(dock.toggleViewAction())
        view_menu.addSeparator()
        self._action(view_menu, "&Reset layout", self._on_reset_layout_triggered, None, "resetLayoutAction")
        help_menu = bar.addMenu("&Help")
        self._action(help_menu, "&About Digit Trainer", self._on_about_triggered, None, "aboutAction")

    def _connect(self):
        e = self.engine
        self.trainRequested.connect(e.train)
        self.classifyPosted.connect(e.serve_classify)
        self.loadModelRequested.connect(e.load_model)
        self.saveModelRequested.connect(e.save_model)
        self.loadDatasetRequested.connect(e.load_dataset)
        self.evaluateRequested.connect(e.evaluate)
        e.ready.connect(self._on_engine_ready)
        e.phaseChanged.connect(self._on_engine_phase_changed)
        e.batchEnded.connect(self._on_engine_batch_ended)
        e.epochEnded.connect(self._on_engine_epoch_ended)
        e.trainingFinished.connect(self._on_engine_training_finished)
        e.classified.connect(self._on_engine_classified)
        e.modelChanged.connect(self._on_engine_model_changed)
        e.datasetLoaded.connect(self._on_engine_dataset_loaded)
        e.evaluationProgress.connect(self._on_engine_evaluation_progress)
        e.evaluated.connect(self._on_engine_evaluated)
        e.saved.connect(self._on_engine_saved)
        e.failed.connect(self._on_engine_failed)
        p = self.training_panel
        p.trainRequested.connect(self._on_panel_train_requested)
        p.pauseToggled.connect(self._on_panel_pause_toggled)
        p.stopRequested.connect(self._on_stop_requested)
        self.draw_panel.classifyRequested.connect(self._on_draw_classify_requested)
        self.draw_panel.strokeStarted.connect(self._on_draw_stroke_started)
        self.draw_panel.cleared.connect(self._on_draw_cleared)
        self.draw_panel.errorOccurred.connect(self._on_draw_error_occurred)
        self.architecture_editor.validityChanged.connect(self._on_architecture_validity_changed)
        p.recipe_combo.currentTextChanged.connect(self._on_panel_recipe_changed)
        self.improve.connect_engine(e)
        self.improve.evaluationShown.connect(self.evaluationShown)
        self.improve.saliencyShown.connect(self.saliencyShown)
        self.improve.sampleSaved.connect(self.sampleSaved)
        self.improve.fineTuneFinished.connect(self.fineTuneFinished)
        self.teach_dock.visibilityChanged.connect(self.improve._on_teach_dock_visibility_changed)

    # Requests to the engine ----------------------------------------------------------------------------------
    def train(self, config=None):
        """Start a training run with ``config`` (or the panel's settings). Ignored while one is running."""
        self._on_panel_train_requested(config or self.training_panel.config())

    @Slot(object)
    def _on_panel_train_requested(self, cfg):
        if self.training_panel.running or not self.training_panel.train_button.isEnabled():
            return
        self.engine.control.reset()
        self._run += 1
        self._run_config = cfg
        self.last_result = None
        self.training_panel.set_running(True)
        self.training_panel.show_finished(0.0, "Starting…")
        self.training_panel.show_test_accuracy(None)
        self.training_panel.add_run(self._run, cfg)
        self.plots.start_run(self._run, cfg.epochs)
        self.trainRequested.emit(cfg)

    @Slot(str)
    def _on_architecture_validity_changed(self, reason: str):
        self.training_panel.set_blocked(reason and f"Cannot train this network: {reason}")

    @Slot(str)
    def _on_panel_recipe_changed(self, name: str):
        from model.recipes import recipe

        self.architecture_editor.set_spec(list(recipe(name).spec))

    @Slot(bool)
    def _on_panel_pause_toggled(self, paused: bool):
        if paused:
            self.engine.control.pause()
        else:
            self.engine.control.resume()

    @Slot()
    def _on_pause_action_triggered(self):
        if self.training_panel.running:
            self.training_panel.pause_button.toggle()

    @Slot()
    def _on_stop_requested(self):
        self.engine.control.stop()
        if self.training_panel.running:
            self.status.setText("Stopping…")

    @Slot()
    def _on_draw_stroke_started(self):
        # An answer will be wanted when the stroke ends: have training switch to single steps now, so that the
        # request then waits for one batch, not a group (thread-safe: it sets a deadline).
        self.engine.control.want_prompt_answers()

    @Slot(object)
    def _on_draw_classify_requested(self, request):
        generation, image = request if isinstance(request, tuple) else (request.generation, request.image)
        self.engine.post_classify(generation, image)
        self.classifyPosted.emit()
        if not self._has_model and self._phase not in ("loading", "loading model"):
            self.status.setText("No model to classify with yet: train one, or open a model file (File › Open model…).")

    @Slot()
    def _on_draw_cleared(self):
        self.engine.forget_drawing()
        self.feature_maps.blank()

    @Slot(str)
    def _on_draw_error_occurred(self, message: str):
        # Shown under the canvas already; the status line keeps it too, without a dialog for a mis-dropped file.
        self.last_error = message
        self.status.setText(message)
        self.errorShown.emit("Loading an image", message)

    def open_model(self, path: str):
        self.loadModelRequested.emit(str(path))

    def save_model(self, path: str):
        self.saveModelRequested.emit(str(path))

    def open_dataset(self, path: str):
        self._dataset_requested = str(path)
        self.loadDatasetRequested.emit(str(path))

    @Slot()
    def _on_open_dataset_triggered(self):
        path, _ = QFileDialog.getOpenFileName(self, "Open MNIST dataset", "", "MNIST (*.npz);;All files (*)")
        if path:
            self.open_dataset(path)

    @Slot()
    def _on_open_model_triggered(self):
        path, _ = QFileDialog.getOpenFileName(self, "Open model", "", "Keras model (*.keras)")
        if path:
            self.open_model(path)

    @Slot()
    def _on_save_model_triggered(self):
        path, _ = QFileDialog.getSaveFileName(self, "Save model", "digit_model.keras", "Keras model (*.keras)")
        if path:
            if not path.endswith(".keras"):
                path += ".keras"
            self.save_model(path)

    @Slot()
    def _on_evaluate_triggered(self):
        if not self.training_panel.running:
            self.engine.control.reset()
            self.evaluateRequested.emit()

    # Results from the engine ---------------------------------------------------------------------------------
    @Slot(str)
    def _on_engine_ready(self, device: str):
        self.training_panel.device_label.setText(f"Device: {device}")
        self.training_panel.set_engine_ready(True)
        gc_guard.collector().freeze_startup()

    @Slot(str)
    def _on_engine_phase_changed(self, phase: str):
        self._phase = phase
        text = PHASE_TEXT.get(phase, phase)
        if phase != "idle":
            self._outcome = ""
        elif self._outcome:
            text = self._outcome  # how the last request ended stays readable, not replaced by "Ready"
        self.status.setText(text)
        self.training_panel.status_label.setText(text)
        self.phaseShown.emit(phase)

    @Slot(object)
    def _on_engine_batch_ended(self, report):
        self.training_panel.show_batch(report)
        self.plots.add_batch(report)
        self.batchShown.emit(report)

    @Slot(object)
    def _on_engine_epoch_ended(self, report):
        self.plots.add_epoch(report)
        val = f", validation {report.val_accuracy:.2%}" if report.val_accuracy is not None else ""
        self.training_panel.update_run(self._run, f"{report.epoch}/{report.epochs}", f"train {report.accuracy:.2%}{val}")

    @Slot(object)
    def _on_engine_training_finished(self, result):
        self._show_training_finished(result)
        self.trainingFinished.emit(result)

    def _show_training_finished(self, result):
        self.last_result = result
        self.training_panel.set_running(False)
        if result is None:
            self.training_panel.show_finished(None, "Training did not run")
            self.training_panel.update_run(self._run, "–", "failed")
            return
        if result.test_accuracy is not None:
            self.training_panel.show_finished(1.0, f"Done: {result.epochs_done} epochs in {result.seconds:.0f} s")
            self.training_panel.show_test_accuracy(result.test_accuracy)
            acc = f"{result.test_accuracy * 100:.2f} %"
        else:
            self.training_panel.show_finished(None, f"Stopped after {result.epochs_done} epoch(s)")
            acc = "stopped"
        self.training_panel.update_run(self._run, f"{result.epochs_done}/{self._run_config.epochs}", acc)
        if result.reason:
            self._outcome = result.reason
            self.training_panel.status_label.setText(result.reason)
            self.status.setText(result.reason)
            if not result.reason.startswith("Stopped by the user"):
                self._show_error("Training stopped", result.reason)

    @Slot(int, object)
    def _on_engine_classified(self, generation: int, prediction):
        if self.draw_panel.show_prediction(generation, prediction) is False:
            return
        self.feature_maps.set_activations(prediction.activations)
        self.predictionShown.emit(prediction)

    @Slot(object)
    def _on_engine_model_changed(self, info):
        self.model_summary.show_model(info)
        # A model the user opened shows its architecture in the editor, ready to train again. The bundled model
        # only serves the canvas: at first launch the editor and Train stay on the seed's network.
        if info.spec and info.source not in ("untrained", "trained", "bundled"):
            try:
                self.architecture_editor.set_spec(info.spec)
            except Exception as exc:  # a damaged spec in a model file must not break loading
                self.status.setText(f"The model's architecture could not be shown in the editor: {exc}")
        self.kernel_view.set_kernels(info.kernels)
        acc = (info.metadata or {}).get("test_accuracy")
        if info.source != "untrained" and not self.training_panel.running:
            self.training_panel.show_test_accuracy(acc)
        self._has_model = True
        self.modelShown.emit(info)

    @Slot(object)
    def _on_engine_dataset_loaded(self, raw):
        self.dataset_view.set_dataset(raw)
        requested, self._dataset_requested = self._dataset_requested, None
        if requested is not None and Path(requested).expanduser() == Path(raw.source):
            # Remembered only once it has loaded: a bad file must not become the next start's dataset.
            self.settings.setValue("data/path", requested)
        self.datasetShown.emit(raw)

    @Slot(float)
    def _on_engine_evaluation_progress(self, fraction: float):
        self.training_panel.show_finished(fraction, "Evaluating… %p%")

    @Slot(object)
    def _on_engine_evaluated(self, evaluation):
        self.last_evaluation = evaluation
        self.training_panel.show_finished(1.0, "Evaluation done")
        self.training_panel.show_test_accuracy(evaluation.accuracy)
        self.status.setText(f"Test accuracy {evaluation.accuracy * 100:.2f} % ({len(evaluation.mistakes)} mistakes)")

    @Slot(str)
    def _on_engine_saved(self, path: str):
        self._outcome = f"Saved {path}"
        self.status.setText(self._outcome)
        self.modelSaved.emit(path)

    @Slot(str, str)
    def _on_engine_failed(self, what: str, message: str):
        self._show_error(what, message)

    def _show_error(self, title: str, message: str):
        """Show a problem without blocking: a non-modal message box plus the status line."""
        self.last_error = message
        self._outcome = message
        self.status.setText(message)
        if not self._closing:
            box = QMessageBox(QMessageBox.Warning, title, message, QMessageBox.Ok, self)
            box.setObjectName("errorDialog")
            box.setAttribute(Qt.WA_DeleteOnClose)
            box.open()
        self.errorShown.emit(title, message)

    # Settings and shutdown -----------------------------------------------------------------------------------
    def _restore_settings(self):
        geometry = self.settings.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1400, 900)
        state = self.settings.value("window/state")
        if state is not None:
            self.restoreState(state)
        values = self.settings.value("training/values")
        if isinstance(values, dict):
            self.training_panel.restore_values(values)

    def save_settings(self):
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState())
        self.settings.setValue("training/values", self.training_panel.settings_values())
        self.settings.sync()

    @Slot()
    def _on_reset_layout_triggered(self):
        self.restoreState(self._default_state)

    @Slot()
    def _on_about_triggered(self):
        QMessageBox.about(
            self,
            "About Digit Trainer",
            "Digit Trainer trains the classic Keras MNIST CNN and shows everything that happens inside it.",
        )

    def closeEvent(self, event):
        """Stop the engine (within one batch) and join its thread before the window goes."""
        self._closing = True
        self.save_settings()
        # While TensorFlow imports there is nothing to wait for (an import cannot be interrupted); guiapp.app then
        # leaves without waiting for the thread.
        ended = self.engine_thread.shutdown(200 if self._phase == "loading" else 1800)
        if ended and self._gc_engaged:
            self._gc_engaged = False
            gc_guard.collector().release()
        self.improve.close()
        super().closeEvent(event)
