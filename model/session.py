"""The model session: which model is in use, the one before it, the dataset, and every job done with them.

A :class:`ModelSession` is the app's and the CLI's single owner of Keras models. It is plain Python (no Qt) and
is used from one thread only: the app's engine thread, or the CLI's main thread. It keeps

- the *current* model (what the canvas classifies with) with its metadata and where it came from;
- the *previous* model, from before the last fine-tuning, so that fine-tuning can be reverted;
- a *spare*: the last run's model object. A run of the same network trains it again, re-initialised, so that
  Keras' traced step functions are reused (no re-trace, no native memory lost per run);
- the dataset, loaded once per path.

With a :class:`~model.history.RunHistory` (``history=``), every run of :meth:`ModelSession.train` is recorded in it
(the CLI passes one; the app records from its GUI thread instead, where its Runs view reads the same database), and
saving a run's model records the file with the run.

Jobs raise :class:`~model.errors.DigitTrainerError` (or anything else) on failure and leave the session as it was
before them: a failed run puts back the model it replaced. Changes are announced through the plain callables of
:class:`SessionEvents`, called on the session's thread.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from model.errors import DigitTrainerError
from model.messages import Message

BUNDLED = "bundled"
TRAINED = "trained"
UNTRAINED = "untrained"
FINE_TUNED = "fine-tuned"


@dataclass
class ModelInfo:
    """What the GUI shows about the current model."""

    source: str  # "bundled", "trained", "fine-tuned", "untrained" (being trained), or a file path
    summary: list  # rows (name, type, output shape, params)
    total_params: int
    metadata: dict
    kernels: np.ndarray | None  # first conv layer's kernels (k, k, 1, n)
    spec: list | None
    unsaved: bool = False  # trained or fine-tuned here and not saved since


@dataclass
class SessionEvents:
    """Callables the session calls when what it holds changes. All optional."""

    model_changed: Callable[[ModelInfo | None], None] | None = None  # None: no model any more (a failed first run)
    dataset_loaded: Callable[[object], None] | None = None  # model.data.RawMnist
    previous_changed: Callable[[bool], None] | None = None  # whether revert() has a model to go back to


@dataclass
class _Current:
    model: object = None
    predictor: object = None
    meta: dict = field(default_factory=dict)
    source: str = ""
    unsaved: bool = False


class ModelSession:
    """See the module docstring. ``data_path``: the dataset to train on (None: the default search order)."""

    def __init__(self, data_path: str | None = None, events: SessionEvents | None = None,
                 log: Callable[[str], None] | None = None, history=None, origin: str = "cli"):
        self.data_path = data_path
        self.history = history  # model.history.RunHistory, used on the session's thread only
        self.origin = origin
        self._history_run: int | None = None  # the history's id of the run whose model is in use
        self.events = events or SessionEvents()
        self.log = log
        self._cur = _Current()
        self._previous: _Current | None = None
        self._spare = None  # (network json, model, predictor) of the last run
        self._raw = None
        self._raw_path = None

    # What is held ----------------------------------------------------------------------------------------------
    @property
    def model(self):
        return self._cur.model

    @property
    def metadata(self) -> dict:
        return dict(self._cur.meta)

    @property
    def source(self) -> str:
        return self._cur.source

    @property
    def unsaved(self) -> bool:
        """A model trained or fine-tuned here that has not been saved since."""
        return self._cur.unsaved

    @property
    def has_previous(self) -> bool:
        return self._previous is not None

    def info(self) -> ModelInfo | None:
        if self._cur.model is None:
            return None
        model = self._cur.model
        rows = []
        for layer in model.layers:
            shape = tuple(layer.output.shape[1:]) if hasattr(layer, "output") else ()
            rows.append((layer.name, type(layer).__name__, shape, int(layer.count_params())))
        kernels = next(
            (np.asarray(layer.get_weights()[0]) for layer in model.layers if type(layer).__name__ == "Conv2D"), None
        )
        meta = self._cur.meta
        return ModelInfo(self._cur.source, rows, int(model.count_params()), dict(meta), kernels, meta.get("spec"),
                         self._cur.unsaved)

    @property
    def dataset_source(self) -> str | None:
        """Where the loaded dataset came from (None before one is loaded)."""
        return None if self._raw is None else self._raw.source

    # Data ------------------------------------------------------------------------------------------------------
    def dataset(self, path: str | None = None):
        """The dataset at ``path`` (default: the session's), loaded once and kept."""
        from model.data import load_mnist

        path = path or self.data_path
        if self._raw is None or path != self._raw_path:
            self._raw = load_mnist(path)
            self._raw_path = self.data_path = path
            if self.events.dataset_loaded:
                self.events.dataset_loaded(self._raw)
        return self._raw

    def prepare(self, config):
        """The arrays a run of ``config`` trains on (model.training.run_data on the session's dataset)."""
        from model.training import run_data

        return run_data(self.dataset(), config, log=self.log)

    # Models in and out -----------------------------------------------------------------------------------------
    def load(self, path: str, source: str | None = None) -> ModelInfo:
        """Open a model file and use it. Raises DigitTrainerError naming the file; the current model then stays."""
        from model.storage import load_model

        try:
            model, meta = load_model(path)
        except DigitTrainerError:
            raise
        except Exception as exc:  # never leave a half-loaded model in use
            raise DigitTrainerError("model_file.load_failed", path=str(path), error=str(exc)) from exc
        self._use(_Current(model, None, dict(meta), source or str(path)))
        return self.info()

    def load_bundled(self) -> ModelInfo:
        from resources import bundled_model_path

        path = bundled_model_path()
        if path is None:
            raise DigitTrainerError("session.no_bundled")
        return self.load(str(path), source=BUNDLED)

    def save(self, path: str) -> None:
        from model.storage import save_model

        if self._cur.model is None:
            raise DigitTrainerError("session.nothing_to_save")
        save_model(self._cur.model, path, self._cur.meta)
        self._cur.unsaved = False
        if self.history is not None and self._history_run is not None and self._cur.source == TRAINED:
            self.history.set_model_path(self._history_run, str(path))

    def _use(self, current: _Current, keep_previous: bool = False) -> None:
        from model.inference import Predictor

        current.predictor = current.predictor or Predictor(current.model)
        self._cur = current
        self._history_run = None
        if not keep_previous and self._previous is not None:
            self._previous = None
            if self.events.previous_changed:
                self.events.previous_changed(False)
        if self.events.model_changed:
            self.events.model_changed(self.info())

    # Answers about a drawing -----------------------------------------------------------------------------------
    def predict(self, image: np.ndarray):
        """A model.inference.Prediction for ``image`` (28x28 floats), or None when there is no model yet."""
        return None if self._cur.predictor is None else self._cur.predictor.predict(image)

    def probabilities(self, images: np.ndarray) -> np.ndarray:
        if self._cur.predictor is None:
            raise DigitTrainerError("session.nothing_to_classify")
        return self._cur.predictor.probabilities(images)

    def saliency(self, image: np.ndarray):
        """A model.saliency.Saliency for ``image``, or None when there is no model yet."""
        from model.saliency import saliency

        return None if self._cur.model is None else saliency(self._cur.model, image)

    def picture_search(self, targets, steps=None, seed=0):
        """A model.class_pictures.PictureSearch for ``targets`` on the current model, or None when there is none."""
        from model.class_pictures import STEPS, PictureSearch

        if self._cur.model is None:
            return None
        return PictureSearch(self._cur.model, targets, steps=STEPS if steps is None else steps, seed=seed)

    def grad_cam(self, image: np.ndarray, digit=None):
        """A model.gradcam.GradCam for ``image`` and ``digit`` (None: the predicted one), or None with no model."""
        from model.gradcam import grad_cam

        return None if self._cur.model is None else grad_cam(self._cur.model, image, digit)

    def feature_collector(self, images: np.ndarray):
        """A model.embedding.FeatureCollector of ``images`` on the current model, or None when there is none."""
        from model.embedding import FeatureCollector

        return None if self._cur.model is None else FeatureCollector(self._cur.model, images)

    # Jobs ------------------------------------------------------------------------------------------------------
    def evaluate(self, should_stop=None, progress=None):
        """The current model on the test set: a model.evaluation.Evaluation, or None when stopped."""
        from model.data import to_float_images
        from model.evaluation import evaluate

        if self._cur.model is None:
            raise DigitTrainerError("session.nothing_to_evaluate")
        raw = self.dataset()
        return evaluate(self._cur.model, to_float_images(raw.x_test), raw.y_test, should_stop=should_stop,
                        progress=progress)

    def train(self, config, callbacks=None, control=None, data=None):
        """Train a new model of ``config`` (a TrainConfig) and use it; return its model.training.TrainResult.

        The new model is in use from the start (the canvas shows it learning). ``data`` (PreparedData) is prepared
        from the dataset unless given; it is handed over, not kept, so its float copy is freed once the trainer
        holds its pipeline. If the run fails, the model from before it is put back and the error raised.
        """
        from model.control import TrainControl
        from model.reports import TrainCallbacks, TrainResult

        callbacks = callbacks or TrainCallbacks()
        control = control or TrainControl()
        phase = callbacks.on_phase or (lambda _name: None)
        phase("loading data")
        raw = self.dataset()
        prepared = [data if data is not None else self.prepare(config)]
        del data
        if control.stop_requested:
            return TrainResult(0, [], None, None, stopped=True, reason=Message("training.stopped_before_start"))
        recorder = None
        if self.history is not None:
            from model.history import RunRecorder

            recorder = RunRecorder(self.history, config, callbacks, self.origin)
            callbacks = recorder.callbacks
        try:
            result = self._train(config, callbacks, control, prepared, raw)
        except KeyboardInterrupt:
            if recorder is not None:
                self.history.finish_run(recorder.run, None, "interrupted")
            raise
        except BaseException:
            if recorder is not None:
                self.history.finish_run(recorder.run, None, "failed")
            raise
        if recorder is not None:
            self.history.finish_run(recorder.run, result)
            self._history_run = recorder.run
        return result

    def _train(self, config, callbacks, control, prepared, raw):
        import keras

        from model.architecture import build_model, spec_to_json
        from model.training import Trainer, run_metadata

        phase = callbacks.on_phase or (lambda _name: None)
        trainer = Trainer(config, callbacks, control)
        before, previous = self._cur, self._previous
        backup = None  # (reused model, the weights it held) when this run trains the spare model again
        try:
            phase("compiling")  # building can take long: when memory runs out, TensorFlow retries for 10 s
            keras.utils.set_random_seed(config.seed)
            model = build_model(list(config.spec))
            predictor = None
            network = json.dumps(spec_to_json(list(config.spec)), sort_keys=True)
            if self._spare is not None and self._spare[0] == network:
                # The same network as the last run: train that model object again from this run's initial weights
                # (the fresh model's, so the run is the same as with a new model) and reuse its traced functions.
                _, reused, reused_predictor = self._spare
                targets, sources = _layer_variables(reused), _layer_variables(model)
                if [v.shape for v in targets] == [v.shape for v in sources]:
                    backup = (reused, [v.numpy() for v in targets])
                    for variable, fresh in zip(targets, sources):
                        variable.assign(fresh)
                    model, predictor = reused, reused_predictor
            self._use(_Current(model, predictor, {"recipe": config.recipe}, UNTRAINED))
            model, result = trainer.run(prepared.pop(), model=model)
        except BaseException:
            self._restore(before, previous, backup)
            raise
        self._spare = (network, model, self._cur.predictor)
        self._cur = _Current(model, self._cur.predictor, run_metadata(config, result, raw.source), TRAINED,
                             unsaved=result.epochs_done > 0)
        if self.events.model_changed:
            self.events.model_changed(self.info())
        return result

    def _restore(self, before: _Current, previous: _Current | None, backup) -> None:
        """Put back what a failed run replaced, so the failure loses nothing."""
        if backup is not None:
            reused, values = backup
            for variable, value in zip(_layer_variables(reused), values):
                variable.assign(value)  # the run re-initialised the model it reused: give back what it held
        if before.model is None:
            self._cur = before  # no model before the run: none after it
            if self.events.model_changed:
                self.events.model_changed(None)
        elif before.model is not self._cur.model or backup is not None:
            self._use(before, keep_previous=True)
        self._previous = previous
        if previous is not None and self.events.previous_changed:
            self.events.previous_changed(True)

    def fine_tune(self, images, labels, settings=None, callbacks=None, control=None, progress=None):
        """Fine-tune a copy of the current model on the user's samples; use it and keep the current one to revert.

        Returns a model.finetune.FineTuneResult, or None when stopped (the model in use is then unchanged).
        """
        from model.architecture import spec_from_json
        from model.finetune import fine_tune

        if self._cur.model is None:
            raise DigitTrainerError("session.nothing_to_fine_tune")
        if callbacks is not None and callbacks.on_phase:
            callbacks.on_phase("loading data")
        raw = self.dataset()
        try:
            spec = spec_from_json(self._cur.meta.get("spec")) if self._cur.meta.get("spec") else None
        except DigitTrainerError:
            spec = None  # only the Trainer's checks use it; the model itself is copied as it is
        new, result = fine_tune(self._cur.model, images, labels, raw, settings, spec=spec, callbacks=callbacks,
                                control=control, progress=progress)
        if new is None:
            return None
        old = self._cur
        meta = {**old.meta, "test_accuracy": result.mnist_after, "fine_tuned": result.metadata()}
        self._use(_Current(new, None, meta, FINE_TUNED, unsaved=True))
        self._previous = old
        if self.events.previous_changed:
            self.events.previous_changed(True)
        return result

    def revert(self) -> ModelInfo | None:
        """Go back to the model from before the last fine-tuning (the fine-tuned one is dropped)."""
        if self._previous is None:
            return None
        self._use(self._previous)
        return self.info()


def _layer_variables(model) -> list:
    """Every layer's variables (weights and random-generator states), in layer order; not the optimiser's or metrics'."""
    return [variable for layer in model.layers for variable in layer.variables]
