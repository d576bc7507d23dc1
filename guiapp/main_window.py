"""The main window: docks, menus, settings and dialogs, wiring the views (which emit intent) to the controller.

The window never touches the engine: :class:`guiapp.controller.Controller` owns it, the busy state, run numbers and
drawing generations. The window enables each action by the controller's state (``jobChanged``), so an action the
engine could not take now is disabled, never queued unseen.
"""

from __future__ import annotations

import os
from pathlib import Path

import pyqtgraph as pg
from PySide6.QtCore import QSettings, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import QMainWindow, QMessageBox

from guiapp import gc_guard, window_layout
from guiapp.architecture_editor import ArchitectureEditor
from guiapp.controller import Controller
from guiapp.dataset_view import DatasetView
from guiapp.draw_panel import DrawPanel
from guiapp.export_flow import ExportFlow
from guiapp.history_view import HistoryController
from guiapp.feature_maps import FeatureMapView
from guiapp.kernel_view import KernelView
from guiapp.i18n import RetranslateMixin, message_for
from guiapp.improve import ImproveController
from guiapp.insight import InsightController
from guiapp.jobs import STOPPABLE, YIELDS_TO_TRAIN, job_text, phase_text
from guiapp.model_view import ModelSummary
from guiapp.playground import ConvPlayground
from guiapp.plots import TrainingPlots
from guiapp.presentation import Presentation
from guiapp.status_line import StatusLine, render
from guiapp.training_panel import TrainingPanel
from model.data import ENV_VAR

pg.setConfigOptions(imageAxisOrder="row-major", antialias=True)

SETTINGS_ORG = "DigitTrainer"
SETTINGS_APP = "DigitTrainer"
SHUT_FILTER_SCORE = 1e-3  # a filter picture whose mean activation stays below this: the channel never opened


class MainWindow(RetranslateMixin, QMainWindow):
    """Digit Trainer's window. Constructible with no arguments inside a running QApplication."""

    # Emitted on the GUI thread once the window shows what the engine reported (tests and tools wait on these).
    batchShown = Signal(object)
    trainingFinished = Signal(object)
    predictionShown = Signal(object)
    errorShown = Signal(str, str)  # title, message: what the error dialog and the status line show
    phaseShown = Signal(str)
    modelShown = Signal(object)  # model.session.ModelInfo
    datasetShown = Signal(object)  # model.data.RawMnist
    modelSaved = Signal(str)
    evaluationShown = Signal(object)
    saliencyShown = Signal(object)
    gradCamShown = Signal(object)  # model.gradcam.GradCam drawn over the canvas
    picturesShown = Signal(object)  # the ten class pictures (model.class_pictures.Picture), final
    mapShown = Signal(object)  # model.embedding.Embedding on the map
    sampleSaved = Signal(object)
    fineTuneFinished = Signal(object)

    def __init__(
        self, data_path: str | None = None, model_path: str | None = None, parent=None, samples_path: str | None = None
    ):
        super().__init__(parent)
        self.setObjectName("MainWindow")
        self.settings = QSettings(SETTINGS_ORG, SETTINGS_APP)
        data_path = data_path or os.environ.get(ENV_VAR) or self.settings.value("data/path", None) or None
        self.last_error = ""
        self.last_result = None
        self.last_evaluation = None
        self._closing = False
        self._outcome = None  # the status line's text once the engine is idle again: how the last request ended
        self._dataset_requested: str | None = None  # File › Open dataset's path, remembered once it has loaded
        # The zoom (application font) is set before any view is made, so each is built at its final size.
        self.presentation = Presentation(self.settings, self)
        self.presentation.apply()

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
        self.architecture_editor.set_settings_provider(self.training_panel.config)  # "Show as Keras code"
        self.controller = Controller(data_path=data_path, model_path=model_path, parent=self)
        self.export_flow = ExportFlow(self.controller, self)
        self.improve = ImproveController(self.controller, self.draw_panel.canvas, samples_path, parent=self)
        self.insight = InsightController(self.controller, parent=self)
        self.setCentralWidget(self.plots)
        window_layout.setup_docks(self)
        window_layout.setup_menus(self)
        self.status = StatusLine(lambda: phase_text("loading"))
        self.statusBar().addWidget(self.status, 1)
        self.retranslate()

        # Cyclic garbage is collected on this thread only while the engine's thread runs (see gc_guard).
        gc_guard.collector().engage()
        self._gc_engaged = True
        self._connect()
        # After the window's own wiring: a run's row exists in the table before the history links it to its record.
        self.run_history = HistoryController(
            self.controller, self.plots, self.training_panel.run_history, self.open_model, parent=self
        )
        self.layout_keeper = window_layout.LayoutKeeper(self, default=not window_layout.restore(self))
        # Start TensorFlow's import once the event loop runs, so the window paints first.
        QTimer.singleShot(20, self._start_engine)

    def retranslate(self):
        """The window's own texts (menus and docks: window_layout.retranslate; the views translate their own)."""
        self.setWindowTitle(self.tr("Digit Trainer"))
        window_layout.retranslate(self)

    @Slot()
    def _start_engine(self):
        if not self._closing:
            self.controller.start()

    @property
    def phase(self) -> str:
        """The engine's last reported phase ("idle", "training", ...)."""
        return self.controller.phase

    def _connect(self):
        c = self.controller
        c.ready.connect(self._on_controller_ready)
        c.jobChanged.connect(self._on_controller_job_changed)
        c.phaseChanged.connect(self._on_controller_phase_changed)
        c.runStarted.connect(self._on_controller_run_started)
        c.batchEnded.connect(self._on_controller_batch_ended)
        c.epochEnded.connect(self._on_controller_epoch_ended)
        c.runFinished.connect(self._on_controller_run_finished)
        c.predictionReady.connect(self._on_controller_prediction_ready)
        c.modelChanged.connect(self._on_controller_model_changed)
        c.datasetLoaded.connect(self._on_controller_dataset_loaded)
        c.evaluationProgress.connect(self._on_controller_evaluation_progress)
        c.evaluated.connect(self._on_controller_evaluated)
        c.saved.connect(self._on_controller_saved)
        c.jobFailed.connect(self._on_controller_job_failed)
        c.started.connect(self._on_controller_started)
        p = self.training_panel
        p.trainRequested.connect(self._on_panel_train_requested)
        p.pauseToggled.connect(c.set_paused)
        p.stopRequested.connect(self._on_stop_requested)
        p.recipeChanged.connect(self._on_panel_recipe_changed)
        self.draw_panel.inputChanged.connect(self._on_draw_input_changed)
        self.draw_panel.strokeStarted.connect(c.pen_down)
        self.draw_panel.cleared.connect(self._on_draw_cleared)
        self.draw_panel.errorOccurred.connect(self._on_draw_error_occurred)
        self.architecture_editor.validityChanged.connect(self._on_architecture_validity_changed)
        i = self.improve
        i.connect()
        i.statusMessage.connect(self.status.say)
        i.errorRaised.connect(self._show_error)
        i.evaluationWanted.connect(self.evaluation_dock.raise_)
        i.evaluationShown.connect(self.evaluationShown)
        i.saliencyShown.connect(self.saliencyShown)
        i.sampleSaved.connect(self.sampleSaved)
        i.fineTuneFinished.connect(self.fineTuneFinished)
        self.teach_dock.visibilityChanged.connect(i.set_teach_visible)
        n = self.insight
        n.connect()
        n.statusMessage.connect(self.status.say)
        n.picturesShown.connect(self.picturesShown)
        n.mapShown.connect(self.mapShown)
        n.filterShown.connect(self._on_insight_filter_shown)
        self.feature_maps.channelSelected.connect(n.show_filter)
        self.draw_panel.cleared.connect(n.drawing_cleared)
        self.class_pictures_dock.visibilityChanged.connect(self._on_class_pictures_dock_visibility_changed)
        self.embedding_dock.visibilityChanged.connect(self._on_embedding_dock_visibility_changed)
        i.overlays.gradCamShown.connect(self.gradCamShown)
        i.overlays.noteChanged.connect(self.draw_panel.set_note)
        self.export_flow.errorRaised.connect(self._show_error)
        self.export_flow.statusMessage.connect(self.status.say)
        self._on_controller_job_changed(c.job)

    # Requests ------------------------------------------------------------------------------------------------
    def train(self, config=None) -> bool:
        """Start a training run with ``config`` (or the panel's settings). False while the engine is busy."""
        return self._start_run(config or self.training_panel.config())

    @Slot(object)
    def _on_panel_train_requested(self, cfg):
        self._start_run(cfg)

    def _start_run(self, cfg) -> bool:
        if self.training_panel.blocked_reason:
            self.status.say(lambda: self.training_panel.blocked_reason)
            return False
        if self.controller.train(cfg) is None:
            self._refuse(lambda: self.tr("Train"))
            return False
        self.last_result = None
        return True

    def _refuse(self, what) -> None:
        """Say why ``what`` (a callable giving its name) did nothing: the engine is busy with a job that must end
        (or be stopped) first."""
        job = self.controller.job
        if job in STOPPABLE:
            text = lambda: self.tr("{what}: not now, the engine is busy ({job}) (Esc stops it).")  # noqa: E731
        else:
            text = lambda: self.tr("{what}: not now, the engine is busy ({job}).")  # noqa: E731
        self.status.say(lambda: text().format(what=what(), job=job_text(job)))

    @Slot(int, object)
    def _on_controller_run_started(self, run: int, cfg):
        self.training_panel.show_run_started(run, cfg)
        self.plots.start_run(run, cfg.epochs)

    @Slot(object)
    def _on_architecture_validity_changed(self, reason):
        self.training_panel.set_blocked(reason and (
            lambda: self.tr("Cannot train this network: {reason}").format(reason=message_for(reason))))

    @Slot(str)
    def _on_panel_recipe_changed(self, name: str):
        from model.recipes import recipe

        self.architecture_editor.set_spec(list(recipe(name).spec))

    @Slot()
    def _on_pause_action_triggered(self):
        if self.training_panel.running:
            self.training_panel.pause_button.toggle()

    @Slot()
    def _on_stop_requested(self):
        self.controller.stop()
        if self.controller.stoppable:
            self.status.say(lambda: self.tr("Stopping…"))

    @Slot(object)
    def _on_draw_input_changed(self, x):
        self.controller.classify(x)
        if self.controller.model_info is None and self.controller.phase not in ("loading", "loading model"):
            self.status.say(lambda: self.tr(
                "No model to classify with yet: train one, or open a model file (File › Open model…)."))

    @Slot()
    @Slot(object)
    def _on_insight_filter_shown(self, picture):
        opened = picture.score > SHUT_FILTER_SCORE  # a channel that never opened has a black picture: say so instead
        self.feature_maps.set_filter_picture(picture.target.layer, picture.target.channel,
                                             picture.image if opened else None)

    @Slot(bool)
    def _on_class_pictures_dock_visibility_changed(self, visible: bool):
        self.insight.set_visible("classes", visible)

    @Slot(bool)
    def _on_embedding_dock_visibility_changed(self, visible: bool):
        self.insight.set_visible("map", visible)

    def _on_draw_cleared(self):
        self.controller.forget_drawing()
        self.feature_maps.blank()

    @Slot(str)
    def _on_draw_error_occurred(self, message: str):
        # Shown under the canvas already; the status line keeps it too, without a dialog for a mis-dropped file.
        self.last_error = message
        self.status.say(message)
        self.errorShown.emit(self.tr("Loading an image"), message)

    def open_model(self, path: str) -> bool:
        """Open a model file; False (and a status line saying why) while the engine is busy."""
        if not self.controller.open_model(path):
            self._refuse(lambda: self.tr("Open model"))
            return False
        return True

    def save_model(self, path: str) -> bool:
        """Save the model in use; False while the engine is busy (a run's model is saved once the run ends)."""
        if not self.controller.save_model(path):
            self._refuse(lambda: self.tr("Save model"))
            return False
        return True

    def open_dataset(self, path: str) -> bool:
        if not self.controller.open_dataset(path):
            self._refuse(lambda: self.tr("Open dataset"))
            return False
        self._dataset_requested = str(path)
        return True

    def evaluate(self) -> bool:
        if not self.controller.evaluate():
            self._refuse(lambda: self.tr("Evaluate"))
            return False
        return True

    @Slot()
    def _on_evaluate_triggered(self):
        self.evaluate()

    # What the controller reports ---------------------------------------------------------------------------
    @Slot(str)
    def _on_controller_ready(self, device: str):
        self.training_panel.set_device(device)

    @Slot()
    def _on_controller_started(self):
        # Start-up's objects (TensorFlow, the starting model) are made now: keep the collector off them for good.
        gc_guard.collector().freeze_startup()

    @Slot(str)
    def _on_controller_job_changed(self, job: str):
        idle = not job
        self.training_panel.set_job(job)
        self.train_action.setEnabled(job in YIELDS_TO_TRAIN)
        self.evaluate_action.setEnabled(idle and self.controller.model_info is not None)
        self.pause_action.setEnabled(job == "training")
        self.stop_action.setEnabled(job in STOPPABLE)
        for action in (self.open_model_action, self.save_model_action, self.open_dataset_action):
            action.setEnabled(idle)
        self.export_model_action.setEnabled(idle and self.controller.model_info is not None)
        # The network being trained cannot change under the run: the editor is read-only until the job ends.
        self.architecture_editor.setEnabled(job in YIELDS_TO_TRAIN)

    @Slot(str)
    def _on_controller_phase_changed(self, phase: str):
        text = lambda: phase_text(phase)  # noqa: E731
        if phase != "idle":
            self._outcome = None
        elif self._outcome:
            text = self._outcome  # how the last request ended stays readable, not replaced by "Ready"
        self.status.say(text)
        self.training_panel.set_status(text)
        self.phaseShown.emit(phase)

    @Slot(object)
    def _on_controller_batch_ended(self, report):
        self.training_panel.show_batch(report)
        self.plots.add_batch(report)
        self.batchShown.emit(report)

    @Slot(object)
    def _on_controller_epoch_ended(self, report):
        self.plots.add_epoch(report)
        self.training_panel.show_epoch(self.controller.run, report)

    @Slot(int, object)
    def _on_controller_run_finished(self, run: int, result):
        self._show_training_finished(run, result)
        self.trainingFinished.emit(result)

    def _show_training_finished(self, run: int, result):
        self.last_result = result
        self.training_panel.show_run_finished(run, self.controller.run_config.epochs, result)
        if result is not None and result.reason:
            reason = result.reason
            self._outcome = lambda: message_for(reason)
            self.status.say(self._outcome)
            stopped = getattr(reason, "code", "") in ("training.stopped", "training.stopped_before_start")
            if not (stopped or reason.startswith("Stopped by the user")):
                self._show_error(lambda: self.tr("Training stopped"), self._outcome)

    @Slot(object, object)
    def _on_controller_prediction_ready(self, prediction, x):
        self.draw_panel.show_prediction(prediction, x)
        self.feature_maps.set_activations(prediction.activations)
        self.predictionShown.emit(prediction)

    @Slot(object)
    def _on_controller_model_changed(self, info):
        if info is None:  # a failed first run left no model
            self.kernel_view.set_kernels(None)
            self.feature_maps.blank()
            self.evaluate_action.setEnabled(False)
            return
        self.model_summary.show_model(info)
        # A model the user opened shows its architecture in the editor, ready to train again. The bundled model
        # only serves the canvas: at first launch the editor and Train stay on the seed's network.
        if info.spec and info.source not in ("untrained", "trained", "fine-tuned", "bundled"):
            try:
                self.architecture_editor.set_spec(info.spec)
            except Exception as exc:  # a damaged spec in a model file must not break loading
                error = exc
                self.status.say(lambda: self.tr("The model's architecture could not be shown in the editor: {error}")
                                .format(error=message_for(error)))
        self.kernel_view.set_kernels(info.kernels)
        acc = (info.metadata or {}).get("test_accuracy")
        if info.source != "untrained" and not self.training_panel.running:
            self.training_panel.show_test_accuracy(acc)
        self.evaluate_action.setEnabled(not self.controller.busy)
        self.modelShown.emit(info)

    @Slot(object)
    def _on_controller_dataset_loaded(self, raw):
        self.dataset_view.set_dataset(raw)
        requested, self._dataset_requested = self._dataset_requested, None
        if requested is not None and Path(requested).expanduser() == Path(raw.source):
            # Remembered only once it has loaded: a bad file must not become the next start's dataset.
            self.settings.setValue("data/path", requested)
        self.datasetShown.emit(raw)

    @Slot(float)
    def _on_controller_evaluation_progress(self, fraction: float):
        self.training_panel.show_finished(fraction, lambda: self.tr("Evaluating… %p%"))

    @Slot(object)
    def _on_controller_evaluated(self, evaluation):
        self.training_panel.show_evaluation(evaluation)
        if evaluation is None:
            return
        self.last_evaluation = evaluation
        self._outcome = lambda: self.tr("Test accuracy {accuracy} % ({mistakes} mistakes)").format(
            accuracy=f"{evaluation.accuracy * 100:.2f}", mistakes=len(evaluation.mistakes))
        self.status.say(self._outcome)

    @Slot(str)
    def _on_controller_saved(self, path: str):
        self._outcome = lambda: self.tr("Saved {path}").format(path=path)
        self.status.say(self._outcome)
        self.modelSaved.emit(path)

    @Slot(object)
    def _on_controller_job_failed(self, failure):
        self._show_error(failure.title, failure.text)

    def _show_error(self, title, message):
        """Show a problem without blocking: a non-modal message box plus the status line. ``title`` and ``message``
        are texts, or callables giving them in the current language (the status line says it again after a
        switch)."""
        self._outcome = message if callable(message) else (lambda: message)
        self.status.say(self._outcome)
        title, message = render(title), render(message)
        self.last_error = message
        if not self._closing:
            box = QMessageBox(QMessageBox.Warning, title, message, QMessageBox.Ok, self)
            box.setObjectName("errorDialog")
            box.setAttribute(Qt.WA_DeleteOnClose)
            box.open()
        self.errorShown.emit(title, message)

    # Settings and shutdown -----------------------------------------------------------------------------------
    def save_settings(self):
        window_layout.save(self)

    def closeEvent(self, event):
        """Stop the engine (within one batch) and join its thread before the window goes."""
        self._closing = True
        self.save_settings()
        # While TensorFlow imports there is nothing to wait for (an import cannot be interrupted); guiapp.app then
        # leaves without waiting for the thread.
        ended = self.controller.shutdown(200 if self.controller.phase == "loading" else 1800)
        if ended and self._gc_engaged:
            self._gc_engaged = False
            gc_guard.collector().release()
        self.improve.close()
        self.insight.close()
        super().closeEvent(event)
