"""The controller: the GUI side's one owner of the engine, its busy state, run numbers and drawing generations.

Views emit intent and take setters; the window wires them to the controller and shows its state. The controller
starts the engine's thread, sends the engine jobs through queued signals and re-emits what comes back on the GUI
thread. It holds the single answer to "what is the engine doing?": :attr:`job` ("" when idle) and :attr:`phase`
(the engine's last reported phase). A job is refused while another runs (the window disables what would be
refused), so a Stop is never undone by a shortcut and nothing waits unseen in the engine's queue. One job yields:
the automatic evaluation after a run is stopped when the user asks for a new run, which starts once it has ended.

Drawings: each 28x28 input gets a *generation* number here; the engine answers with it, and only an answer for the
drawing on screen (not older than one shown, not from before the last clear) is passed on.
"""

from __future__ import annotations

import dataclasses

import numpy as np
from PySide6.QtCore import QObject, Signal, Slot

from guiapp.engine import Engine, FineTuneRequest
from guiapp.engine_thread import EngineThread
from guiapp.jobs import (
    AUTO_EVALUATING,
    EVALUATING,
    EXPORTING,
    FINE_TUNING,
    OPENING_DATASET,
    OPENING_MODEL,
    REVERTING,
    SAVING,
    STARTING,
    STOPPABLE,
    TRAINING,
)
from model.control import TrainControl
from model.insight_work import InsightBox
from model.requests import NewestWins, Request

_RECENT_INPUTS = 16  # inputs kept so that an answer is shown next to the very input it belongs to




class Controller(QObject):
    """Owns the engine (and its thread) for one window. See the module docstring.

    Signals (GUI thread)
    -------
    jobChanged(str)            the job that runs now ("" once idle); busy == bool(job)
    phaseChanged(str)          the engine's phase (loading, training, validating, paused, idle, ...)
    runStarted(int, object)    run number, TrainConfig
    runFinished(int, object)   run number, TrainResult (None when the run failed)
    evaluated(object)          an Evaluation, or None when stopped or failed
    fineTuned(object)          a FineTuneResult, or None when stopped or failed
    saved(str)                 the model was saved to this path
    (These four come once the job has ended, so a slot that reacts with the next job is not refused.)
    predictionReady(object, object)  a Prediction for the drawing on screen, and the 28x28 input it answers
    saliencyReady(int, object) generation, Saliency for the drawing on screen
    gradCamReady(int, object)  generation, GradCam for the drawing on screen
    picturesReady(str, object, float)  kind ("classes" or "filter"), list of Picture, fraction of the search done
    mapProgress(float), mapReady(object)  the inner-space map's progress, and the map (an Embedding)
    insightUnavailable(str, object)  kind ("classes", "filter", "map", "gradcam") and a Message saying why
    """

    jobChanged = Signal(str)
    phaseChanged = Signal(str)
    runStarted = Signal(int, object)
    runFinished = Signal(int, object)
    evaluated = Signal(object)
    fineTuned = Signal(object)
    saved = Signal(str)
    exported = Signal(object)  # model.export.ExportReport
    predictionReady = Signal(object, object)
    saliencyReady = Signal(int, object)
    gradCamReady = Signal(int, object)
    picturesReady = Signal(str, object, float)
    mapProgress = Signal(float)
    mapReady = Signal(object)
    insightUnavailable = Signal(str, object)
    # Passed on from the engine as they come (see guiapp.engine.Engine for what each carries)
    ready = Signal(str)
    started = Signal()  # start-up is over: the starting model is loaded (or failed to)
    batchEnded = Signal(object)
    epochEnded = Signal(object)
    trainingStarted = Signal(object)
    modelChanged = Signal(object)
    datasetLoaded = Signal(object)
    evaluationProgress = Signal(float)
    fineTuneProgress = Signal(float)
    previousModelChanged = Signal(bool)
    failed = Signal(str, str)  # what, message: English
    jobFailed = Signal(object)  # guiapp.engine.Failure: title() and text() in the language the app shows
    # To the engine (queued: the engine lives on its own thread)
    _trainRequested = Signal(object)
    _evaluateRequested = Signal()
    _fineTuneRequested = Signal(object)
    _revertRequested = Signal()
    _loadModelRequested = Signal(str)
    _saveModelRequested = Signal(str)
    _exportRequested = Signal(str, str)
    _loadDatasetRequested = Signal(str)
    _classifyPosted = Signal()
    _saliencyPosted = Signal()
    _gradCamPosted = Signal()
    _insightPosted = Signal()

    def __init__(self, data_path: str | None = None, model_path: str | None = None, parent=None):
        super().__init__(parent)
        self.control = TrainControl()
        self.classify_box = NewestWins()
        self.saliency_box = NewestWins()
        self.gradcam_box = NewestWins()
        self.insight_box = InsightBox()
        self.engine = Engine(self.control, self.classify_box, self.saliency_box, data_path, model_path,
                             gradcam_box=self.gradcam_box, insight_box=self.insight_box)
        self.engine_thread = EngineThread(self.engine)
        self.job = STARTING
        self.phase = "loading"
        self.device = ""
        self.model_info = None  # model.session.ModelInfo of the model in use
        self.run = 0
        self.run_config = None
        self._generation = 0
        self._shown = 0
        self._cleared_at = 0
        self._inputs: dict[int, np.ndarray] = {}
        self._when_idle: list = []  # results to announce once the job has ended
        self._next_run = None  # a run's config waiting for the automatic evaluation to stop
        self._connect()

    def _connect(self):
        e = self.engine
        self._trainRequested.connect(e.train)
        self._evaluateRequested.connect(e.evaluate)
        self._fineTuneRequested.connect(e.fine_tune)
        self._revertRequested.connect(e.revert_model)
        self._loadModelRequested.connect(e.load_model)
        self._saveModelRequested.connect(e.save_model)
        self._exportRequested.connect(e.export_model)
        self._loadDatasetRequested.connect(e.load_dataset)
        self._classifyPosted.connect(e.serve_classify)
        self._saliencyPosted.connect(e.serve_saliency)
        self._gradCamPosted.connect(e.serve_gradcam)
        self._insightPosted.connect(e.serve_insight)
        for name in ("batchEnded", "epochEnded", "trainingStarted", "datasetLoaded", "evaluationProgress",
                     "fineTuneProgress", "previousModelChanged", "failed", "jobFailed", "mapProgress",
                     "insightUnavailable"):
            getattr(e, name).connect(getattr(self, name))
        e.ready.connect(self._on_engine_ready)
        e.started.connect(self._on_engine_started)
        e.phaseChanged.connect(self._on_engine_phase_changed)
        e.trainingFinished.connect(self._on_engine_training_finished)
        e.evaluated.connect(self._on_engine_evaluated)
        e.fineTuned.connect(self._on_engine_fine_tuned)
        e.saved.connect(self._on_engine_saved)
        e.exported.connect(self._on_engine_exported)
        e.modelChanged.connect(self._on_engine_model_changed)
        e.classified.connect(self._on_engine_classified)
        e.saliencyComputed.connect(self._on_engine_saliency_computed)
        e.gradCamComputed.connect(self._on_engine_grad_cam_computed)
        e.picturesComputed.connect(self.picturesReady)
        e.mapComputed.connect(self.mapReady)

    def start(self):
        """Start the engine's thread (TensorFlow's import runs there)."""
        if not self.engine_thread.isRunning():
            self.engine_thread.start()

    def shutdown(self, timeout_ms: int) -> bool:
        """Stop what runs (within one batch), end the engine's thread and wait for it. True if it ended."""
        self.control.stop()
        return self.engine_thread.shutdown(timeout_ms)

    # State ---------------------------------------------------------------------------------------------------
    @property
    def busy(self) -> bool:
        return bool(self.job)

    @property
    def stoppable(self) -> bool:
        return self.job in STOPPABLE

    @property
    def unsaved_model(self) -> bool:
        """The model in use was trained or fine-tuned here and not saved since."""
        return bool(self.model_info is not None and self.model_info.unsaved)

    def _set_job(self, job: str):
        if job != self.job:
            self.job = job
            self.jobChanged.emit(job)

    def _begin(self, job: str) -> bool:
        """Make ``job`` the one that runs (a Stop from before it no longer counts); False while another runs."""
        if self.busy:
            return False
        self.control.reset()
        self._set_job(job)
        return True

    # Jobs ----------------------------------------------------------------------------------------------------
    def train(self, config) -> int | None:
        """Start a run of ``config``; its run number, or None when the engine is busy.

        During the automatic evaluation of the last run, that evaluation is stopped and the run starts after it.
        """
        if self.job == AUTO_EVALUATING and self._next_run is None:
            self.control.stop()
            self._next_run = config
        elif not self._begin(TRAINING):
            return None
        self.run += 1
        self.run_config = config
        self.runStarted.emit(self.run, config)
        if self._next_run is None:
            self._trainRequested.emit(config)
        return self.run

    def evaluate(self, automatic: bool = False) -> bool:
        """Evaluate the model in use on the test set. ``automatic``: after a run, and gives way to a new run."""
        if self.model_info is None:
            return False
        return self._send(AUTO_EVALUATING if automatic else EVALUATING, self._evaluateRequested)

    def fine_tune(self, images, labels, settings=None) -> bool:
        return self._send(FINE_TUNING, self._fineTuneRequested, FineTuneRequest(images, labels, settings))

    def revert(self) -> bool:
        return self._send(REVERTING, self._revertRequested)

    def open_model(self, path: str) -> bool:
        return self._send(OPENING_MODEL, self._loadModelRequested, str(path))

    def save_model(self, path: str) -> bool:
        return self._send(SAVING, self._saveModelRequested, str(path))

    def export_model(self, path: str, fmt: str) -> bool:
        """Export the model in use (checked on the test set by the format's own runtime); False when busy or none."""
        if self.model_info is None:
            return False
        return self._send(EXPORTING, self._exportRequested, str(path), fmt)

    def open_dataset(self, path: str) -> bool:
        return self._send(OPENING_DATASET, self._loadDatasetRequested, str(path))

    def _send(self, job: str, request, *args) -> bool:
        """Begin ``job`` and queue its ``request`` signal for the engine; False (nothing sent) while busy."""
        if not self._begin(job):
            return False
        request.emit(*args)
        return True

    def stop(self):
        self.control.stop()

    def set_paused(self, paused: bool):
        if paused:
            self.control.pause()
        else:
            self.control.resume()

    # Drawings ------------------------------------------------------------------------------------------------
    def generation(self) -> int:
        """The number of the newest drawing sent to the engine."""
        return self._generation

    def shown_generation(self) -> int:
        """The number of the drawing whose answer is on screen (equals generation() once up to date)."""
        return self._shown

    def classify(self, image: np.ndarray) -> int:
        """Send a 28x28 input (floats in [0, 1]) to be classified; returns its generation."""
        self._generation += 1
        x = np.asarray(image, dtype=np.float32)
        self._inputs[self._generation] = x
        self._inputs.pop(self._generation - _RECENT_INPUTS, None)
        self.classify_box.post(Request(self._generation, x))
        # Train in single steps for a while, so this and the next requests wait for one batch, not a group.
        self.control.want_prompt_answers()
        self.control.wake()
        self._classifyPosted.emit()
        return self._generation

    def pen_down(self):
        """The pen went down: have training switch to single steps now, so the answer waits for one batch."""
        self.control.want_prompt_answers()

    def forget_drawing(self):
        """The canvas was cleared: drop its pending requests, answers and refreshes."""
        self._cleared_at = self._generation
        self._inputs.clear()
        self.classify_box.forget(self._generation)
        self.saliency_box.forget(self._generation)
        self.gradcam_box.forget(self._generation)

    def current_drawing(self) -> tuple[int, np.ndarray] | None:
        """``(generation, input)`` of the drawing on screen once its answer is shown; else None."""
        if self._shown != self._generation or self._shown <= self._cleared_at:
            return None
        x = self._inputs.get(self._shown)
        return None if x is None else (self._shown, x)

    def request_saliency(self) -> bool:
        """Ask for the saliency of the drawing on screen; False if there is none."""
        drawing = self.current_drawing()
        if drawing is None:
            return False
        self.saliency_box.post(Request(*drawing))
        self.control.wake()  # a paused run serves it now, not at its next poll
        self._saliencyPosted.emit()
        return True

    def request_grad_cam(self, digit: int | None = None) -> bool:
        """Ask for the Grad-CAM map of the drawing on screen, for ``digit`` (None: the predicted one); False if
        there is no drawing."""
        drawing = self.current_drawing()
        if drawing is None:
            return False
        self.gradcam_box.post(Request.of(*drawing, digit))
        self.control.wake()
        self._gradCamPosted.emit()
        return True

    # Insight views -------------------------------------------------------------------------------------------
    def request_pictures(self, kind: str, targets) -> None:
        """Picture ``targets`` (model.class_pictures.PictureTarget) as ``kind`` ("classes" or "filter"): computed in
        slices between batches or drawings; the pictures come as ``picturesReady``, mid-way and at the end."""
        self.insight_box.post_pictures(kind, targets)
        self.control.wake()
        self._insightPosted.emit()

    def request_map(self) -> None:
        """Compute the inner-space map (PCA of the penultimate layer for the fixed test images): ``mapReady``."""
        self.insight_box.post_map()
        self.control.wake()
        self._insightPosted.emit()

    def set_insight_live(self, classes: bool, map_: bool) -> None:
        """Which insight views are on screen: those are refreshed by the engine at each epoch and model change."""
        self.insight_box.set_live(classes, map_)

    # From the engine -----------------------------------------------------------------------------------------
    @Slot(str)
    def _on_engine_ready(self, device: str):
        self.device = device
        self.ready.emit(device)

    @Slot()
    def _on_engine_started(self):
        if self.job == STARTING:
            self._set_job("")
        self.started.emit()

    @Slot(str)
    def _on_engine_phase_changed(self, phase: str):
        self.phase = phase
        self.phaseChanged.emit(phase)
        if phase == "idle" and self.job not in ("", STARTING):
            # The job's wrapper ends every job with "idle"; then the next run, if one was waiting, or nothing.
            waiting, self._next_run = self._next_run, None
            if waiting is not None:
                self.control.reset()
                self._set_job(TRAINING)
                self._trainRequested.emit(waiting)
            else:
                self._set_job("")
            announce, self._when_idle = self._when_idle, []
            for emit in announce:
                emit()

    @Slot(object)
    def _on_engine_training_finished(self, result):
        run = self.run
        self._when_idle.append(lambda: self.runFinished.emit(run, result))

    @Slot(object)
    def _on_engine_evaluated(self, evaluation):
        self._when_idle.append(lambda: self.evaluated.emit(evaluation))

    @Slot(object)
    def _on_engine_fine_tuned(self, result):
        self._when_idle.append(lambda: self.fineTuned.emit(result))

    @Slot(object)
    def _on_engine_exported(self, report):
        self._when_idle.append(lambda: self.exported.emit(report))

    @Slot(str)
    def _on_engine_saved(self, path: str):
        if self.model_info is not None:
            self.model_info = dataclasses.replace(self.model_info, unsaved=False)
        self._when_idle.append(lambda: self.saved.emit(path))

    @Slot(object)
    def _on_engine_model_changed(self, info):
        self.model_info = info
        self.modelChanged.emit(info)

    @Slot(int, object)
    def _on_engine_classified(self, generation: int, prediction):
        if generation < self._shown or generation <= self._cleared_at:
            return  # an answer for an older drawing, or for one cleared since
        self._shown = generation
        self.predictionReady.emit(prediction, self._inputs.get(generation))

    @Slot(int, object)
    def _on_engine_grad_cam_computed(self, generation: int, result):
        drawing = self.current_drawing()
        if drawing is not None and drawing[0] == generation:
            self.gradCamReady.emit(generation, result)

    @Slot(int, object)
    def _on_engine_saliency_computed(self, generation: int, result):
        drawing = self.current_drawing()
        if drawing is not None and drawing[0] == generation:
            self.saliencyReady.emit(generation, result)
