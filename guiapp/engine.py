"""The engine: the Qt adapter around a ModelSession, living on the one thread that makes every TensorFlow call.

Keras' TensorFlow backend is not thread-safe, so the GUI never touches a model. It sends jobs through queued
signals to the engine's slots (see :class:`guiapp.controller.Controller`) and gets results back as signals. Every
job runs through one wrapper, :meth:`Engine._job`: it reports the job's phase, turns any failure into ``failed``
(what, message: English texts) and ``jobFailed`` (a :class:`Failure`, whose ``title()`` and ``text()`` are in the
language the app shows), and reports ``idle`` at the end, whatever happened.

Two things cannot wait in the engine's event queue while a job runs, so they bypass it thread-safely:

- stop / pause / resume go straight to the :class:`~model.control.TrainControl` the controller holds;
- drawings to classify or explain are left in :class:`~model.requests.NewestWins` boxes, which the engine empties
  between training batches (and on a queued ``serve`` call when idle), so the drawing is classified by the weights
  as they train. During training the last drawing is also re-classified every REFRESH_DURING_TRAINING_S.

The insight views' work (class and filter pictures, the inner-space map; :mod:`model.insight_work`) is asked for
through an :class:`~model.insight_work.InsightBox` and done in slices of at most INSIGHT_SLICE_S: between training
batches, and when idle from the engine's own event loop, one slice per turn, so drawings are answered in between.
"""

from __future__ import annotations

import traceback
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QObject, Qt, Signal, Slot

from model.control import TrainControl
from model.errors import DigitTrainerError
from model.insight_work import InsightBox, InsightEvents, InsightWork
from model.messages import Message
from model.requests import NewestWins
from model.session import ModelSession, SessionEvents

REFRESH_DURING_TRAINING_S = 0.3  # re-classify the last drawing this often while the weights change
INSIGHT_SLICE_S = 0.012  # insight work per slice: about one training batch of the seed network on 2 cores


@dataclass
class FineTuneRequest:
    images: np.ndarray  # (n, 28, 28) float32, the user's samples
    labels: np.ndarray  # (n,) digits
    settings: object = None  # model.finetune.FineTuneSettings; None = the defaults


@dataclass(frozen=True)
class Failure:
    """A job that failed: ``what`` was being done (an English title) and the ``message`` for the user.

    ``message`` is a :class:`~model.messages.Message` when it has a code, so it can be shown in any language.
    """

    what: str
    message: str

    def title(self) -> str:
        """``what`` in the language the app shows."""
        return QCoreApplication.translate("Engine", self.what)

    def text(self) -> str:
        """The message in the language the app shows."""
        from guiapp.i18n import message_for

        # "job.failed" names the job in its {what}: the translated title. (Other messages' {what} is their own.)
        names_job = getattr(self.message, "code", "") == "job.failed"
        return message_for(self.message, {"what": self.title()} if names_job else None)


class Engine(QObject):
    """Lives on the engine's thread; see the module docstring for the protocol."""

    ready = Signal(str)  # device name, once TensorFlow is loaded
    started = Signal()  # the starting model (and dataset) are loaded: start-up is over
    phaseChanged = Signal(str)  # loading, idle, loading model, compiling, training, validating, testing, paused ...
    batchEnded = Signal(object)  # model.reports.BatchReport
    epochEnded = Signal(object)  # model.reports.EpochReport
    trainingStarted = Signal(object)  # TrainConfig
    trainingFinished = Signal(object)  # model.reports.TrainResult, or None when the run failed
    classified = Signal(int, object)  # generation, model.inference.Prediction
    modelChanged = Signal(object)  # model.session.ModelInfo
    datasetLoaded = Signal(object)  # model.data.RawMnist
    evaluationProgress = Signal(float)
    evaluated = Signal(object)  # model.evaluation.Evaluation, or None when stopped or failed
    saved = Signal(str)
    exported = Signal(object)  # model.export.ExportReport
    failed = Signal(str, str)  # what was being done, message for the user (both in English)
    jobFailed = Signal(object)  # the same as a Failure, which gives both in the language the app shows
    saliencyComputed = Signal(int, object)  # generation, model.saliency.Saliency
    fineTuneProgress = Signal(float)  # fraction of the fine-tuning run
    fineTuned = Signal(object)  # model.finetune.FineTuneResult, or None when stopped or failed
    previousModelChanged = Signal(bool)  # whether "revert to the previous model" has a model to go back to
    gradCamComputed = Signal(int, object)  # generation, model.gradcam.GradCam
    picturesComputed = Signal(str, object, float)  # kind ("classes", "filter"), list of Picture, fraction done
    mapProgress = Signal(float)  # fraction of the map's features computed
    mapComputed = Signal(object)  # model.embedding.Embedding
    insightUnavailable = Signal(str, object)  # kind ("classes", "filter", "map", "gradcam"), Message: why
    _insightContinues = Signal()  # to itself, queued: the next slice of insight work

    def __init__(self, control: TrainControl, classify_box: NewestWins, saliency_box: NewestWins,
                 data_path: str | None = None, model_path: str | None = None, load_bundled: bool = True,
                 gradcam_box: NewestWins | None = None, insight_box: InsightBox | None = None):
        super().__init__()
        self.control = control
        self.classify_box = classify_box
        self.saliency_box = saliency_box
        self.gradcam_box = gradcam_box if gradcam_box is not None else NewestWins()
        self.insight_box = insight_box if insight_box is not None else InsightBox()
        self._insight_posted = False  # a serve_insight call waits in the engine's queue
        self._initial_model_path = model_path
        self._load_bundled = load_bundled
        self.device = ""
        self.session = ModelSession(
            data_path,
            SessionEvents(
                model_changed=self._on_session_model_changed,
                dataset_loaded=self._on_session_dataset_loaded,
                previous_changed=self.previousModelChanged.emit,
            ),
        )
        self._insightContinues.connect(self.serve_insight, Qt.ConnectionType.QueuedConnection)
        self.insight = InsightWork(self.session, self.insight_box, InsightEvents(
            pictures=self.picturesComputed.emit,
            map_progress=self.mapProgress.emit,
            map_done=self.mapComputed.emit,
            unavailable=self.insightUnavailable.emit,
        ))

    # The one job wrapper ---------------------------------------------------------------------------------------
    def _job(self, what: str, phase: str, work, on_failure=None, describe=None) -> None:
        """Run ``work()`` in ``phase``; a failure becomes ``failed(what, message)`` and ``on_failure()``; end idle.

        ``describe(exc)`` may give a better message than the exception's own (None: use the default).
        """
        self.phaseChanged.emit(phase)
        try:
            work()
        except DigitTrainerError as exc:
            self._fail(what, exc.message)
            if on_failure:
                on_failure()
        except Exception as exc:  # MemoryError, TensorFlow's errors ...: the user hears of it, the engine goes on
            message = describe(exc) if describe else None
            if message is None:
                traceback.print_exc()
            self._fail(what, message or Message("job.failed", what=what, error=f"{type(exc).__name__}: {exc}"))
            if on_failure:
                on_failure()
        finally:
            self.phaseChanged.emit("idle")
            self._post_insight()  # insight work left by the job (e.g. the last epoch's pictures) goes on

    def _fail(self, what: str, message: str) -> None:
        self.failed.emit(what, str(message))
        self.jobFailed.emit(Failure(what, message))

    # Start-up ------------------------------------------------------------------------------------------------
    @Slot()
    def start(self):
        """Import TensorFlow, pick the device, load the starting model and dataset; then report ``started``."""
        self.phaseChanged.emit("loading")
        try:
            from model import tf_backend

            self.device = tf_backend.configure()
            tf_backend.warm_up_numpy_bridge()
            import keras  # noqa: F401  (imported here so the cost is paid behind the "loading" state)
        except Exception as exc:
            self._fail(QT_TRANSLATE_NOOP("Engine", "Starting TensorFlow"), Message("job.tensorflow", error=str(exc)))
            self.phaseChanged.emit("broken")
            return
        self.ready.emit(self.device)
        if self._initial_model_path:
            self._job(QT_TRANSLATE_NOOP("Engine", "Opening a model"), "loading model",
                      lambda: self.session.load(self._initial_model_path))
        elif self._load_bundled:
            self._job(QT_TRANSLATE_NOOP("Engine", "Loading the bundled model"), "loading model",
                      self.session.load_bundled)
        if self.session.data_path:
            # A dataset the user named (--data, DIGIT_TRAINER_DATA, last session): show it in the Dataset view now.
            self.load_dataset(self.session.data_path)
        self.phaseChanged.emit("idle")
        self.started.emit()

    # Jobs ------------------------------------------------------------------------------------------------------
    @Slot(str)
    def load_model(self, path: str):
        self._job(QT_TRANSLATE_NOOP("Engine", "Opening a model"), "loading model", lambda: self.session.load(path))

    @Slot(str)
    def load_dataset(self, path: str):
        def work():
            try:
                self.session.dataset(path or None)
            except DigitTrainerError:
                raise
            except Exception as exc:  # e.g. MemoryError: the message still names the file
                raise DigitTrainerError("data.load_failed", path=path, error=f"{type(exc).__name__}: {exc}") from exc

        self._job(QT_TRANSLATE_NOOP("Engine", "Opening a dataset"), "loading data", work)

    @Slot(str)
    def save_model(self, path: str):
        def work():
            self.session.save(path)
            self.saved.emit(path)

        self._job(QT_TRANSLATE_NOOP("Engine", "Saving the model"), "saving", work)

    @Slot(str, str)
    def export_model(self, path: str, fmt: str):
        """Export the model in use as ``fmt`` to ``path``, checked by the format's own runtime on the test set."""

        def work():
            import tempfile

            from model.export_child import export_in_child
            from model.storage import save_model

            # The converters run in a child process (see model.export_child); it reads a copy of the model.
            with tempfile.TemporaryDirectory(prefix="digit-trainer-export-") as folder:
                copy = f"{folder}/model.keras"
                save_model(self.session.model, copy, self.session.metadata)
                self.exported.emit(export_in_child(copy, path, fmt, self.session.data_path))

        self._job(QT_TRANSLATE_NOOP("Engine", "Exporting the model"), "exporting", work)

    @Slot(object)
    def train(self, config):
        """Train ``config`` (a TrainConfig). The controller resets ``control`` before sending, so an early Stop counts."""
        from model.reports import TrainCallbacks
        from model.training import out_of_memory_message

        def epoch_ended(report):
            self.epochEnded.emit(report)
            self.insight.refresh_live()  # the live views follow the weights, epoch by epoch

        callbacks = TrainCallbacks(
            on_batch=self.batchEnded.emit,
            on_epoch=epoch_ended,
            on_phase=self.phaseChanged.emit,
            between_batches=self.serve_between_batches,
        )

        def work():
            self.trainingStarted.emit(config)
            self.trainingFinished.emit(self.session.train(config, callbacks, self.control))

        self._job(QT_TRANSLATE_NOOP("Engine", "Training"), "loading data", work,
                  on_failure=lambda: self.trainingFinished.emit(None),
                  describe=lambda exc: out_of_memory_message(exc, config.batch_size))

    @Slot()
    def evaluate(self):
        """Evaluate the current model on the test set, with progress; Stop cancels (``evaluated(None)``)."""

        def progress(fraction: float):
            self.evaluationProgress.emit(fraction)
            self.serve_classify()

        def work():
            self.evaluated.emit(self.session.evaluate(lambda: self.control.stop_requested, progress))

        self._job(QT_TRANSLATE_NOOP("Engine", "Evaluating"), "evaluating", work,
                  on_failure=lambda: self.evaluated.emit(None))

    @Slot(object)
    def fine_tune(self, request: FineTuneRequest):
        """Fine-tune a copy of the current model on ``request``; the current one is kept to revert to.

        The controller resets ``control`` before sending, so Stop ends the run (the model is then left unchanged).
        """
        from model.reports import TrainCallbacks

        def phase(name: str):
            self.phaseChanged.emit("fine-tuning" if name == "training" else name)

        callbacks = TrainCallbacks(
            on_batch=lambda report: self.fineTuneProgress.emit(report.fraction),
            on_phase=phase,
            between_batches=self.serve_between_batches,
        )

        def work():
            self.fineTuned.emit(self.session.fine_tune(request.images, request.labels, request.settings, callbacks,
                                                       self.control, progress=phase))

        self._job(QT_TRANSLATE_NOOP("Engine", "Fine-tuning"), "fine-tuning", work,
                  on_failure=lambda: self.fineTuned.emit(None))

    @Slot()
    def revert_model(self):
        """Bring back the model from before the last fine-tuning (the fine-tuned one is dropped)."""
        self._job(QT_TRANSLATE_NOOP("Engine", "Reverting the model"), "loading model", self.session.revert)

    # Drawings --------------------------------------------------------------------------------------------------
    @Slot()
    def serve_classify(self):
        """Answer the newest pending classify request, if any (the queued twin of the mailbox)."""
        request = self.classify_box.take()
        if request is not None:
            self._classify(request)

    def _classify(self, request):
        try:
            prediction = self.session.predict(request.image)
        except Exception as exc:
            self._fail(QT_TRANSLATE_NOOP("Engine", "Classifying the drawing"), Message("job.classify", error=str(exc)))
            return
        if prediction is not None:
            self.classified.emit(request.generation, prediction)

    @Slot()
    def serve_saliency(self):
        """Answer the newest pending saliency request: |d p / d input| for the predicted digit."""
        self._explain(self.saliency_box, lambda r: self.session.saliency(r.image), self.saliencyComputed,
                      QT_TRANSLATE_NOOP("Engine", "Computing the saliency map"), "job.saliency")

    @Slot()
    def serve_gradcam(self):
        """Answer the newest pending Grad-CAM request (for its digit, or the predicted one)."""
        self._explain(self.gradcam_box, lambda r: self.session.grad_cam(r.image, r.digit), self.gradCamComputed,
                      QT_TRANSLATE_NOOP("Engine", "Computing the Grad-CAM map"), "job.gradcam", kind="gradcam")

    def _explain(self, box: NewestWins, compute, answered, what: str, code: str, kind: str | None = None):
        """Answer the newest request in ``box`` with ``answered(generation, compute(request))``.

        With a ``kind``, a DigitTrainerError means the explanation cannot apply to this network (no convolution for
        Grad-CAM): ``insightUnavailable(kind, why)`` lets the view say so. Any other failure is reported as ``code``.
        """
        request = box.take()
        if request is None:
            return
        try:
            result = compute(request)
        except DigitTrainerError as exc:
            if kind is None:
                self._fail(what, exc.message)
            else:
                self.insightUnavailable.emit(kind, exc.message)
            return
        except Exception as exc:
            self._fail(what, Message(code, error=str(exc)))
            return
        if result is not None:
            answered.emit(request.generation, result)

    @Slot()
    def serve_insight(self):
        """One slice of insight work when idle; while work remains, the next slice waits behind queued requests."""
        self._insight_posted = False
        if self.insight.advance(INSIGHT_SLICE_S):
            self._post_insight()

    def serve_between_batches(self):
        """Called by the trainer between batches (and while paused): serve drawings, refresh the last one, and do
        a slice of insight work."""
        self.serve_classify()
        self.serve_saliency()
        self.serve_gradcam()
        request = self.classify_box.due(REFRESH_DURING_TRAINING_S)
        if request is not None:
            self._classify(request)
        if self.insight.pending():
            self.insight.advance(INSIGHT_SLICE_S)

    def _on_session_model_changed(self, info):
        self.modelChanged.emit(info)
        request = self.classify_box.last()  # show the drawing on screen as the new model sees it
        if request is not None:
            self._classify(request)
        self.insight.model_changed()
        self._post_insight()

    def _on_session_dataset_loaded(self, raw):
        self.datasetLoaded.emit(raw)
        self.insight.dataset_changed()
        self._post_insight()

    def _post_insight(self):
        """Continue insight work from the event loop once the job that runs now has ended."""
        if self.insight.pending() and not self._insight_posted:
            self._insight_posted = True
            self._insightContinues.emit()  # queued to this thread: after what waits in the queue, drawings first
