"""The Trainer: runs ``model.fit`` and reports through plain Python callables, with cooperative stop and pause."""

from __future__ import annotations

import math
import re
import time
import warnings
from typing import Callable

import numpy as np

from model import keras_internals
from model.architecture import analyse
from model.control import TrainControl
from model.data import PreparedData
from model.errors import DigitTrainerError
from model.messages import Message
from model.recipes import TrainConfig
from model.reporter import LeaveFit, reporter_class
from model.reports import TrainCallbacks, TrainResult


def compile_model(model, config: TrainConfig, steps_per_execution: int = 1):
    """Compile ``model`` for ``config``'s optimiser and learning rate, with categorical cross-entropy and accuracy.

    ``steps_per_execution`` > 1 is Keras' own grouping (the public path); the engine's grouped calls compile with 1.
    """
    import keras

    optimizer = {
        "rmsprop": keras.optimizers.RMSprop,
        "adam": keras.optimizers.Adam,
        "sgd": keras.optimizers.SGD,
    }[config.optimizer](learning_rate=config.lr())
    model.compile(
        optimizer=optimizer,
        loss="categorical_crossentropy",
        metrics=["accuracy"],
        steps_per_execution=steps_per_execution,
    )
    # lets a later run reuse the compiled model (reuse_compiled)
    model._digit_optimizer = config.optimizer if steps_per_execution == 1 else None
    return model


def reuse_compiled(model, config: TrainConfig) -> bool:
    """Ready ``model`` for a new run of ``config`` without compiling it again, if an earlier run compiled it alike.

    Compiling makes Keras trace new step functions on their first call: a second or so before the first batch,
    and native memory TensorFlow does not give back (about 0.2-0.3 MB a run, docs/reliability.md). A model that
    compile_model compiled with the same optimiser gets its optimiser's state zeroed (step count, moving averages:
    exactly a new optimiser's) and the run's learning rate; its traced functions are then used again. Returns
    False, changing nothing, when the model must be compiled, or when the installed Keras is not one the private
    names this needs were tested on (model/keras_internals.py).
    """
    optimizer = getattr(model, "optimizer", None)
    if optimizer is None or getattr(model, "_digit_optimizer", None) != config.optimizer:
        return False
    if not keras_internals.supported():
        return False
    keras_internals.reset_optimizer(optimizer, config.lr())
    return True


def prepare_model(model, config: TrainConfig, path: str):
    """The compiled model a run of ``config`` trains on ``path`` (tf_backend.training_path), and the ``(single,
    grouped)`` train functions its reporter swaps between, or None for fit's own.

    Builds the recipe's model unless ``model`` is given. On the mirrored path the model is built (or cloned, with
    its weights) inside the strategy's scope and trains one batch per call: MirroredStrategy failed with Keras'
    grouped loop (steps_per_execution=8, benchmarks/RESULTS.md). On the public path Keras groups the batches itself.
    """
    import keras

    from model import tf_backend, towers
    from model.architecture import build_model

    if path == tf_backend.MIRRORED:
        given = model
        with tf_backend.distribution_strategy().scope():
            model = build_model(list(config.spec)) if given is None else keras.models.clone_model(given)
            if given is not None:
                model.set_weights(given.get_weights())
            compile_model(model, config)
        return model, None
    if model is None:
        model = build_model(list(config.spec))
    if path == tf_backend.PUBLIC_FALLBACK:
        compile_model(model, config, int(config.steps_per_execution))
        return model, None
    if not reuse_compiled(model, config):
        compile_model(model, config)
    towers.install(model, tf_backend.towers())
    return model, keras_internals.train_functions(model, int(config.steps_per_execution))


class Trainer:
    """Train a model on prepared data with ``config``; report through ``callbacks``; obey ``control``."""

    def __init__(
        self, config: TrainConfig, callbacks: TrainCallbacks | None = None, control: TrainControl | None = None
    ):
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

        from model import tf_backend

        cfg = self.config
        cb = self.callbacks
        t_start = time.perf_counter()
        device = tf_backend.configure(cfg.force_cpu)
        self._phase("compiling")
        keras.utils.set_random_seed(cfg.seed)
        model, functions = prepare_model(model, cfg, tf_backend.path())
        n_train = len(data.x_train)
        train_ds = tf_backend.train_dataset(data.x_train, data.y_train, cfg.batch_size, cfg.seed, cfg.augmentation)
        val = (data.x_val, data.y_val) if data.x_val is not None and len(data.x_val) else None
        x_test, y_test = data.x_test, data.y_test
        # The pipeline holds its own copy of the training images. When the caller passed ``data`` without keeping
        # it (the app's engine does), dropping this reference frees the float32 array: 169 MB for MNIST.
        del data
        steps = math.ceil(n_train / cfg.batch_size)
        if functions is not None:
            # How a grouped call ends an epoch, not a problem: see keras_internals.train_functions.
            warnings.filterwarnings("ignore", message="Your input ran out of data")
        reporter = reporter_class()(self, model, steps, n_train, functions)
        callbacks = [reporter]
        if cfg.tensorboard_dir:
            callbacks.append(keras.callbacks.TensorBoard(cfg.tensorboard_dir))
        # Stopped while the model was built and compiled: leave before fit, which would first trace its step
        # (a second or more that Stop could not cut short).
        if not self.control.stop_requested:
            try:
                with keras_internals.forgetting_custom_gradients():
                    model.fit(
                        train_ds,
                        epochs=cfg.epochs,
                        validation_data=val,
                        validation_batch_size=max(cfg.batch_size, 500),
                        callbacks=callbacks,
                        shuffle=False,  # train_dataset() shuffles the whole set every epoch
                        verbose=0,
                    )
            except LeaveFit:
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
            reason=reporter.nan_reason or (Message("training.stopped") if self.control.stop_requested else ""),
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
                result.stopped, result.reason = True, Message("training.stopped")
            else:
                result.test_loss = float(scores["loss"])
                result.test_accuracy = float(scores["accuracy"])
        result.seconds = time.perf_counter() - t_start
        return model, result

    def _phase(self, name: str):
        self.phase = name
        if self.callbacks.on_phase:
            self.callbacks.on_phase(name)


def _is_oom(exc: Exception) -> bool:
    text = f"{type(exc).__name__} {exc}"
    return "ResourceExhausted" in text or "OOM" in text or isinstance(exc, MemoryError)


def out_of_memory_message(exc: BaseException, batch_size: int) -> Message | None:
    """What to tell the user when ``exc`` says memory ran out (TensorFlow's ResourceExhausted, MemoryError); else None.

    TensorFlow's own text is a paragraph of device and op names; the one useful fact in it is the tensor's shape.
    """
    if not _is_oom(exc):
        return None
    shape = re.search(r"tensor with shape\s*\[([\d,\s]+)\]", str(exc))
    if shape:
        what = Message("training.oom_tensor", shape=", ".join(shape.group(1).replace(" ", "").split(",")))
    else:
        what = Message("training.oom_network")
    return Message("training.out_of_memory", batch_size=batch_size, what=what)


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
        raise DigitTrainerError("training.held_out_writers", writers=sorted(leaked))
    path = pendigits.find_file()
    if path is None:
        if log:
            log("pendigits file not found: training on MNIST only")
        return data
    digits = [d for d in pendigits.parse(path) if d.writer in cfg.pen_digits_writers]
    x, y = pendigits.rendered_set(digits, seed=cfg.seed, variants=cfg.pen_digit_variants)
    if log:
        log(f"pen digits: {len(x)} renderings from writers {min(cfg.pen_digits_writers)}-{max(cfg.pen_digits_writers)}")
    xs, ys = [data.x_train, to_float_images(x)], [data.y_train, one_hot(y)]
    if cfg.non_digits:
        from model import nondigits

        # Outlier exposure: the target of a non-digit is 1/10 for every digit, so the model keeps ten outputs.
        shapes = nondigits.training_set(cfg.non_digits, seed=cfg.seed)
        xs.append(to_float_images(shapes))
        ys.append(np.full((len(shapes), 10), 0.1, dtype=np.float32))
        if log:
            log(f"non-digits: {len(shapes)} generated shapes trained toward equal probabilities")
    return PreparedData(
        np.concatenate(xs),
        np.concatenate(ys),
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
