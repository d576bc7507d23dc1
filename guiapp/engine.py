"""The engine: one QThread that owns every TensorFlow call (loading, training, evaluation, inference, saving).

Keras' TensorFlow backend is not thread-safe, so the GUI never touches a model. It sends requests through queued
signals to the engine's slots and gets results back the same way. Two things cannot wait in the engine's event
queue while ``fit`` runs, so they bypass it thread-safely:

- stop / pause / resume go straight to the :class:`~model.training.TrainControl` events;
- classify requests are also left in a one-slot mailbox that the trainer empties between batches, so the drawing
  is classified by the weights as they train. Only the newest request counts. Saliency requests work the same way.
"""

from __future__ import annotations

import json
import threading
import time
import traceback
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QEventLoop, QMetaObject, QObject, Qt, QThread, Signal, Slot

from model.errors import DigitTrainerError
from model.training import TrainControl, out_of_memory_message

REFRESH_DURING_TRAINING_S = 0.3  # re-classify the last drawing this often while the weights change


@dataclass
class ClassifyRequest:
    generation: int
    image: np.ndarray  # (28, 28) float32


@dataclass
class FineTuneRequest:
    images: np.ndarray  # (n, 28, 28) float32, the user's samples
    labels: np.ndarray  # (n,) digits
    settings: object = None  # model.finetune.FineTuneSettings; None = the defaults


@dataclass
class ModelInfo:
    """What the GUI shows about the current model."""

    source: str  # "bundled", "trained", a file path, or "untrained"
    summary: list  # rows (name, type, output shape, params)
    total_params: int
    metadata: dict
    kernels: np.ndarray | None  # first conv layer's kernels (k, k, 1, n)
    spec: list | None


class Engine(QObject):
    """Lives in its own QThread; see the module docstring for the protocol."""

    ready = Signal(str)  # device name, once TensorFlow is loaded
    phaseChanged = Signal(str)  # loading, idle, compiling, training, validating, testing, paused, evaluating ...
    batchEnded = Signal(object)  # model.training.BatchReport
    epochEnded = Signal(object)  # model.training.EpochReport
    trainingStarted = Signal(object)  # TrainConfig
    trainingFinished = Signal(object)  # model.training.TrainResult
    classified = Signal(int, object)  # generation, model.inference.Prediction
    modelChanged = Signal(object)  # ModelInfo
    datasetLoaded = Signal(object)  # model.data.RawMnist
    evaluationProgress = Signal(float)
    evaluated = Signal(object)  # model.evaluation.Evaluation
    saved = Signal(str)
    failed = Signal(str, str)  # what was being done, message for the user
    saliencyComputed = Signal(int, object)  # generation, model.saliency.Saliency
    fineTuneProgress = Signal(float)  # fraction of the fine-tuning run
    fineTuned = Signal(object)  # model.finetune.FineTuneResult, or None when stopped or failed
    previousModelChanged = Signal(bool)  # whether "revert to the previous model" has a model to go back to

    def __init__(self, data_path: str | None = None, model_path: str | None = None, load_bundled: bool = True):
        super().__init__()
        self.control = TrainControl()
        self._data_path = data_path
        self._initial_model_path = model_path
        self._load_bundled = load_bundled
        self._raw = None
        self._raw_path = None
        self._model = None
        self._predictor = None
        self._meta: dict = {}
        self._mailbox: ClassifyRequest | None = None
        self._last_request: ClassifyRequest | None = None
        self._last_refresh = 0.0
        self._saliency_box: ClassifyRequest | None = None
        self._source = ""
        self._previous = None  # (model, meta, source) from before the last fine-tuning
        # (network, model, predictor) of the last run: a run of the same network trains this model object again,
        # re-initialised, so that its traced functions are reused (model.training.reuse_compiled).
        self._spare = None
        self._reused_backup = None  # (model, variables) the reused model held before, put back if the run fails
        self._lock = threading.Lock()
        self._busy = False
        self.device = ""

    # Thread-safe entry points (called from the GUI thread) ---------------------------------------------------
    def post_classify(self, generation: int, image: np.ndarray):
        """Leave a classify request in the mailbox; the newest replaces any older one not yet served."""
        with self._lock:
            self._mailbox = ClassifyRequest(generation, np.asarray(image, dtype=np.float32))
        # A drawing is being classified: train in single steps for a while, so this and the next requests wait
        # for one batch, not a group of them (TrainConfig.steps_per_execution).
        self.control.want_prompt_answers()
        self.control.wake()

    def post_saliency(self, generation: int, image: np.ndarray):
        """Leave a saliency request in its mailbox (thread-safe); the newest replaces any older one."""
        with self._lock:
            self._saliency_box = ClassifyRequest(generation, np.asarray(image, dtype=np.float32))

    # Slots (run on the engine thread) ------------------------------------------------------------------------
    @Slot()
    def start(self):
        """Import TensorFlow, pick the device and load the starting model."""
        self.phaseChanged.emit("loading")
        try:
            from model import tf_backend

            self.device = tf_backend.configure()
            tf_backend.warm_up_numpy_bridge()
            import keras  # noqa: F401  (imported here so the cost is paid behind the "loading" state)
        except Exception as exc:
            self.failed.emit("Starting TensorFlow", f"TensorFlow could not be loaded: {exc}")
            self.phaseChanged.emit("broken")
            return
        self.ready.emit(self.device)
        if self._initial_model_path:
            self.load_model(self._initial_model_path)
        elif self._load_bundled:
            self._load_bundled_model()
        if self._data_path:
            # A dataset the user named (--data, DIGIT_TRAINER_DATA, last session): show it in the Dataset view now.
            self.load_dataset(self._data_path)
        self.phaseChanged.emit("idle")

    def _load_bundled_model(self):
        from resources import bundled_model_path

        path = bundled_model_path()
        if path is None:
            self.failed.emit("Loading the bundled model", "The bundled model is missing from this install.")
            return
        self.phaseChanged.emit("loading model")
        self._load(str(path), source="bundled")

    @Slot(str)
    def load_model(self, path: str):
        self.phaseChanged.emit("loading model")
        self._load(path, source=path)
        self.phaseChanged.emit("idle")

    def _load(self, path: str, source: str):
        from model.storage import load_model

        try:
            model, meta = load_model(path)
            self._set_model(model, meta, source)
        except DigitTrainerError as exc:
            self.failed.emit("Opening a model", str(exc))
        except Exception as exc:  # never leave a half-loaded model in use
            self.failed.emit("Opening a model", f"Model file '{path}' could not be loaded: {exc}")

    def _set_model(self, model, meta: dict, source: str, predictor=None):
        from model.inference import Predictor

        predictor = predictor or Predictor(model)
        self._model, self._predictor, self._meta = model, predictor, dict(meta)
        self._source = source
        if self._previous is not None:
            self._previous = None
            self.previousModelChanged.emit(False)
        self.modelChanged.emit(self._model_info(source))
        self._classify_last()

    def _model_info(self, source: str) -> ModelInfo:
        rows = []
        for layer in self._model.layers:
            shape = tuple(layer.output.shape[1:]) if hasattr(layer, "output") else ()
            rows.append((layer.name, type(layer).__name__, shape, int(layer.count_params())))
        kernels = None
        for layer in self._model.layers:
            if type(layer).__name__ == "Conv2D":
                kernels = np.asarray(layer.get_weights()[0])
                break
        return ModelInfo(source, rows, int(self._model.count_params()), self._meta, kernels, self._meta.get("spec"))

    @Slot(str)
    def load_dataset(self, path: str):
        self.phaseChanged.emit("loading data")
        try:
            self._dataset(path or None)
        except DigitTrainerError as exc:
            self.failed.emit("Opening a dataset", str(exc))
        except Exception as exc:  # e.g. MemoryError: the message still names the file
            self.failed.emit("Opening a dataset", f"Dataset '{path}' could not be loaded: {type(exc).__name__}: {exc}")
        self.phaseChanged.emit("idle")

    def _dataset(self, path: str | None):
        from model.data import load_mnist

        path = path or self._data_path
        if self._raw is None or path != self._raw_path:
            self._raw = load_mnist(path)
            self._raw_path = path
            self._data_path = path
            self.datasetLoaded.emit(self._raw)
        return self._raw

    @Slot()
    def serve_classify(self):
        """Answer the newest pending classify request, if any (queued twin of the mailbox)."""
        with self._lock:
            request, self._mailbox = self._mailbox, None
        if request is not None:
            self._classify(request)

    def _classify(self, request: ClassifyRequest):
        self._last_request = request
        if self._predictor is None:
            return
        try:
            prediction = self._predictor.predict(request.image)
        except Exception as exc:
            self.failed.emit("Classifying the drawing", f"The model could not classify the drawing: {exc}")
            return
        self._last_refresh = time.perf_counter()
        self.classified.emit(request.generation, prediction)

    def _classify_last(self):
        if self._last_request is not None:
            self._classify(self._last_request)

    def forget_drawing(self):
        """The canvas was cleared: stop refreshing the old drawing during training (thread-safe)."""
        with self._lock:
            self._mailbox = None
            self._last_request = None

    def _between_batches(self):
        self.serve_classify()
        self.serve_saliency()
        if self._last_request is not None and time.perf_counter() - self._last_refresh > REFRESH_DURING_TRAINING_S:
            self._classify(self._last_request)

    @Slot(object)
    def train(self, config):
        """Train ``config`` (a TrainConfig). The caller resets ``control`` before sending, so an early Stop counts."""
        if self._busy:
            return
        self._busy = True
        previous = (self._model, self._predictor, self._meta, self._source)
        self._reused_backup = None
        try:
            self._train(config)
        except DigitTrainerError as exc:
            self._restore(previous)
            self.failed.emit("Training", str(exc))
            self.trainingFinished.emit(None)
        except Exception as exc:
            self._restore(previous)
            message = out_of_memory_message(exc, config.batch_size)
            self.failed.emit("Training", message or f"Training failed: {type(exc).__name__}: {exc}")
            if message is None:
                traceback.print_exc()
            self.trainingFinished.emit(None)
        finally:
            self._busy = False
            self.phaseChanged.emit("idle")

    def _restore(self, previous):
        """Put back the model a failed run replaced (and show it again), so the failure loses nothing."""
        model, predictor, meta, source = previous
        reinitialised = None
        if self._reused_backup is not None:
            reinitialised, values = self._reused_backup
            self._reused_backup = None
            for variable, value in zip(_layer_variables(reinitialised), values):
                variable.assign(value)  # the run re-initialised the model it reused: give back what it held
        if model is not None and (model is not self._model or model is reinitialised):
            self._model, self._predictor, self._meta, self._source = model, predictor, meta, source
            self.modelChanged.emit(self._model_info(source))
            self._classify_last()

    def _train(self, config):
        from model.architecture import build_model, spec_to_json
        from model.training import TrainCallbacks, Trainer, TrainResult, run_data, run_metadata

        self.phaseChanged.emit("loading data")
        raw = self._dataset(None)
        # Handed over, not kept: once the trainer has built its input pipeline (uint8), nothing holds the float32
        # training images any more, and they are freed during the run (169 MB for MNIST).
        prepared = [run_data(raw, config)]
        if self.control.stop_requested:
            reason = "Stopped by the user before training began."
            self.trainingFinished.emit(TrainResult(0, [], None, None, stopped=True, reason=reason))
            return
        trainer = Trainer(
            config,
            TrainCallbacks(
                on_batch=self.batchEnded.emit,
                on_epoch=self.epochEnded.emit,
                on_phase=self.phaseChanged.emit,
                between_batches=self._between_batches,
            ),
            self.control,
        )
        import keras

        keras.utils.set_random_seed(config.seed)
        # Building can take a while: when memory runs out, TensorFlow retries the allocation for 10 s before failing.
        self.phaseChanged.emit("compiling")
        model = build_model(list(config.spec))
        predictor = None
        network = json.dumps(spec_to_json(list(config.spec)), sort_keys=True)
        if self._spare is not None and self._spare[0] == network:
            # The same network as the last run: train that model object again from this run's initial weights
            # (the fresh model's, so the run is the same as with a new model) and reuse its traced functions.
            _, reused, reused_predictor = self._spare
            targets, sources = _layer_variables(reused), _layer_variables(model)
            if [v.shape for v in targets] == [v.shape for v in sources]:
                self._reused_backup = (reused, [v.numpy() for v in targets])
                for variable, fresh in zip(targets, sources):
                    variable.assign(fresh)
                model, predictor = reused, reused_predictor
        self._set_model(model, {"recipe": config.recipe}, "untrained", predictor)
        self.trainingStarted.emit(config)
        model, result = trainer.run(prepared.pop(), model=model)
        self._spare = (network, model, self._predictor)
        self._reused_backup = None
        self._meta = run_metadata(config, result, raw.source)
        self._source = "trained"
        self.modelChanged.emit(self._model_info("trained"))
        self.trainingFinished.emit(result)

    @Slot()
    def evaluate(self):
        """Evaluate the current model on the test set, with progress; Stop cancels."""
        from model.data import to_float_images
        from model.evaluation import evaluate

        if self._busy or self._model is None:
            return
        self._busy = True
        self.phaseChanged.emit("evaluating")
        try:
            raw = self._dataset(None)
            ev = evaluate(
                self._model,
                to_float_images(raw.x_test),
                raw.y_test,
                should_stop=lambda: self.control.stop_requested,
                progress=self._eval_progress,
            )
            if ev is not None:
                self.evaluated.emit(ev)
        except DigitTrainerError as exc:
            self.failed.emit("Evaluating", str(exc))
        except Exception as exc:
            self.failed.emit("Evaluating", f"Evaluation failed: {type(exc).__name__}: {exc}")
            traceback.print_exc()
        finally:
            self._busy = False
            self.phaseChanged.emit("idle")

    def _eval_progress(self, fraction: float):
        self.evaluationProgress.emit(fraction)
        self.serve_classify()

    @Slot()
    def serve_saliency(self):
        """Answer the newest pending saliency request: |d p / d input| for the predicted digit."""
        from model.saliency import saliency

        with self._lock:
            request, self._saliency_box = self._saliency_box, None
        if request is None or self._model is None:
            return
        try:
            result = saliency(self._model, request.image)
        except Exception as exc:
            self.failed.emit("Computing the saliency map", f"The saliency map could not be computed: {exc}")
            return
        self.saliencyComputed.emit(request.generation, result)

    @Slot(object)
    def fine_tune(self, request):
        """Fine-tune a copy of the current model on ``request`` (a FineTuneRequest); keep the current one to revert.

        The caller resets ``control`` before sending, so Stop ends the run (the model is then left unchanged).
        """
        if self._busy or self._model is None:
            self.failed.emit("Fine-tuning", "There is no model to fine-tune yet." if self._model is None else
                             "The engine is busy; fine-tune when it is done.")
            self.fineTuned.emit(None)
            return
        self._busy = True
        try:
            self._fine_tune(request)
        except DigitTrainerError as exc:
            self.failed.emit("Fine-tuning", str(exc))
            self.fineTuned.emit(None)
        except Exception as exc:
            self.failed.emit("Fine-tuning", f"Fine-tuning failed: {type(exc).__name__}: {exc}")
            traceback.print_exc()
            self.fineTuned.emit(None)
        finally:
            self._busy = False
            self.phaseChanged.emit("idle")

    def _fine_tune(self, request):
        from model.architecture import spec_from_json
        from model.finetune import fine_tune
        from model.training import TrainCallbacks

        self.phaseChanged.emit("loading data")
        raw = self._dataset(None)
        try:
            spec = spec_from_json(self._meta.get("spec")) if self._meta.get("spec") else None
        except DigitTrainerError:
            spec = None  # only the Trainer's checks use it; the model itself is copied as it is
        callbacks = TrainCallbacks(
            on_batch=self._fine_tune_batch, on_phase=self._fine_tune_phase, between_batches=self._between_batches
        )
        new, result = fine_tune(
            self._model, request.images, request.labels, raw, request.settings, spec=spec,
            callbacks=callbacks, control=self.control, progress=self._fine_tune_phase,
        )
        if new is None:
            self.fineTuned.emit(None)
            return
        previous = (self._model, self._meta, self._source)
        meta = {**self._meta, "test_accuracy": result.mnist_after, "fine_tuned": result.metadata()}
        self._set_model(new, meta, "fine-tuned")
        self._previous = previous
        self.previousModelChanged.emit(True)
        self.fineTuned.emit(result)

    def _fine_tune_batch(self, report):
        self.fineTuneProgress.emit(report.fraction)

    def _fine_tune_phase(self, phase: str):
        self.phaseChanged.emit("fine-tuning" if phase == "training" else phase)

    @Slot()
    def revert_model(self):
        """Bring back the model from before the last fine-tuning (the fine-tuned one is dropped)."""
        if self._busy or self._previous is None:
            return
        model, meta, source = self._previous
        self._set_model(model, meta, source)

    @Slot(str)
    def save_model(self, path: str):
        from model.storage import save_model

        if self._model is None:
            self.failed.emit("Saving the model", "There is no model to save yet.")
            return
        self.phaseChanged.emit("saving")
        try:
            save_model(self._model, path, self._meta)
            self.saved.emit(path)
        except DigitTrainerError as exc:
            self.failed.emit("Saving the model", str(exc))
        finally:
            self.phaseChanged.emit("idle")


def _layer_variables(model) -> list:
    """Every layer's variables (weights and random-generator states), in layer order; not the optimiser's or metrics'."""
    return [variable for layer in model.layers for variable in layer.variables]


class EngineThread(QObject):
    """Hosts the Engine on a thread of its own, running a Qt event loop; never a daemon.

    The thread is a Python ``threading.Thread`` that Qt adopts, not a QThread: TensorFlow's pybind11 code takes the
    GIL with ``PyGILState``, and on a QThread running PySide slots it found a second thread state and crashed the
    process (take_gil, like pytorch#150548). On a thread that Python created, the states agree. Queued signals and
    ``@Slot``s work as with a QThread, since Qt gives the adopted thread its own event dispatcher.
    """

    started = Signal()
    finished = Signal()

    def __init__(self, engine: Engine, parent=None):
        super().__init__(parent)
        self.setObjectName("EngineThread")
        self.engine = engine
        self._thread: threading.Thread | None = None
        self._loop: QEventLoop | None = None
        self._qthread: QThread | None = None
        self._adopted = threading.Event()
        self._go = threading.Event()

    def start(self):
        if self._thread is not None:
            return
        self._thread = threading.Thread(target=self._run, name="EngineThread", daemon=False)
        self._thread.start()
        self._adopted.wait()
        self.engine.moveToThread(self._qthread)
        self._go.set()

    def _run(self):
        self._qthread = QThread.currentThread()
        self._qthread.setObjectName("EngineThread")
        self._loop = QEventLoop()
        self._adopted.set()
        self._go.wait()
        # The engine now lives here: queue its start so it runs inside this thread's event loop.
        QMetaObject.invokeMethod(self.engine, "start", Qt.QueuedConnection)
        self.started.emit()
        self._loop.exec()
        self.finished.emit()

    def qthread(self) -> QThread | None:
        """The QThread object Qt made for the engine's thread (what ``engine.thread()`` returns)."""
        return self._qthread

    def isRunning(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def isFinished(self) -> bool:
        return self._thread is not None and not self._thread.is_alive()

    def quit(self):
        if self._loop is not None:
            QMetaObject.invokeMethod(self._loop, "quit", Qt.QueuedConnection)

    def wait(self, timeout_ms: int) -> bool:
        if self._thread is None:
            return True
        self._thread.join(timeout_ms / 1000)
        return not self._thread.is_alive()

    def shutdown(self, timeout_ms: int = 1800) -> bool:
        """Ask the engine to stop whatever it is doing, end the thread's event loop and wait for it."""
        self.engine.control.stop()
        self.quit()
        return self.wait(timeout_ms)
