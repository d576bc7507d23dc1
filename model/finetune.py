"""Fine-tuning a trained model on the user's own handwriting, mixed with MNIST so that it forgets nothing.

Why these settings (:class:`FineTuneSettings`; ``docs/finetune.md`` has the measurements):

- **Mixed with MNIST, 2 MNIST images for every user image shown: a third of each batch is the user's.** A few
  hundred drawings of one person would pull the network towards that person's style only and it would start
  misreading everybody else's ("catastrophic forgetting"). Replaying MNIST in every batch keeps the old decision
  boundaries in place; a third is enough of the user's for the style to be learned in a few epochs (1:4 helped
  half as much in ``benchmarks/finetune_pendigits.py``).
- **Each user sample shown 8 times an epoch, randomly rotated, shifted and thickened.** There are few of them;
  the random changes make every showing a little different, so the network learns the style, not the pixels.
- **A low learning rate (Adam, 1e-4, a tenth of training's) and 3 epochs.** The network is already good: it
  needs nudging, not re-training. A high rate would undo what 60,000 images taught it within a few batches.
- **A held-out fifth of the user's samples** (at least one per digit that has two or more) is never trained on:
  accuracy on it, before and after, says whether the model learned the handwriting or only memorised the samples.

The original model is never changed: training runs on a copy.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from model.data import PreparedData, one_hot, to_float_images
from model.errors import DigitTrainerError
from model.evaluation import evaluate, summarise
from model.messages import Message
from model.recipes import Augmentation, TrainConfig

MIN_SAMPLES = 10  # fewer than this cannot give both a training part and a meaningful held-out part


@dataclass(frozen=True)
class FineTuneSettings:
    epochs: int = 3
    learning_rate: float = 1e-4
    mnist_per_user: int = 2  # MNIST images mixed in for every user image shown
    user_repeats: int = 8  # times each user training sample is shown per epoch
    holdout: float = 0.2  # fraction of the user's samples kept back to measure
    batch_size: int = 32
    augment: bool = True
    seed: int = 0


@dataclass
class FineTuneResult:
    """Accuracies before and after, on the MNIST test set and on the user's held-out samples."""

    mnist_before: float
    mnist_after: float
    user_before: float | None  # None when no sample could be held out
    user_after: float | None
    n_train: int  # user samples trained on
    n_holdout: int
    holdout_ids: list = field(default_factory=list)  # positions (or the caller's ids) of the held-out samples
    epochs: int = 0
    seconds: float = 0.0
    settings: FineTuneSettings = field(default_factory=FineTuneSettings)

    def metadata(self) -> dict:
        """What a saved fine-tuned model records about how it was made."""
        return {
            "mnist_before": self.mnist_before,
            "mnist_after": self.mnist_after,
            "user_before": self.user_before,
            "user_after": self.user_after,
            "user_samples_trained": self.n_train,
            "user_samples_held_out": self.n_holdout,
            "epochs": self.epochs,
            "learning_rate": self.settings.learning_rate,
            "mnist_per_user": self.settings.mnist_per_user,
        }


def split_holdout(labels: np.ndarray, fraction: float, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Stratified split of sample positions into (train, held out): about ``fraction`` of each digit held out.

    A digit with a single sample is only trained on; every digit with two or more keeps at least one back.
    """
    labels = np.asarray(labels).astype(np.int64)
    rng = np.random.default_rng(seed)
    train, held = [], []
    for digit in range(10):
        idx = rng.permutation(np.flatnonzero(labels == digit))
        k = 0 if len(idx) < 2 else min(len(idx) - 1, max(1, int(round(len(idx) * fraction))))
        held.extend(idx[:k])
        train.extend(idx[k:])
    return np.sort(np.array(train, dtype=np.int64)), np.sort(np.array(held, dtype=np.int64))


def mixed_training_set(user_x: np.ndarray, user_y: np.ndarray, raw, settings: FineTuneSettings) -> PreparedData:
    """The user's samples ``user_repeats`` times plus ``mnist_per_user`` random MNIST training images for each."""
    user_x = np.asarray(user_x, dtype=np.float32).reshape(-1, 28, 28, 1)
    shown = len(user_x) * settings.user_repeats
    rng = np.random.default_rng(settings.seed)
    n_mnist = min(len(raw.x_train), shown * settings.mnist_per_user)
    pick = rng.choice(len(raw.x_train), n_mnist, replace=False)
    x = np.concatenate([np.tile(user_x, (settings.user_repeats, 1, 1, 1)), to_float_images(raw.x_train[pick])])
    y = np.concatenate([one_hot(np.tile(np.asarray(user_y), settings.user_repeats)), one_hot(raw.y_train[pick])])
    empty = np.zeros((0, 28, 28, 1), np.float32)
    return PreparedData(x, y, None, None, empty, np.zeros((0, 10), np.float32))


def copy_model(model):
    """A new model with the same architecture and weights (training it leaves ``model`` untouched)."""
    import keras

    clone = keras.models.clone_model(model)
    clone.set_weights(model.get_weights())
    return clone


def _user_accuracy(model, x: np.ndarray, y: np.ndarray) -> float | None:
    if not len(x):
        return None
    from model.inference import as_batch

    return summarise(np.asarray(model.predict_on_batch(as_batch(x))), y).accuracy


def fine_tune(model, user_x, user_y, raw, settings: FineTuneSettings | None = None, spec=None,
              callbacks=None, control=None, progress=None):
    """Fine-tune a copy of ``model`` on the user's samples mixed with MNIST (``raw``, a RawMnist).

    ``user_x`` (n, 28, 28) floats in [0, 1], ``user_y`` (n,) digits. ``spec`` is the model's architecture spec if
    known (it only feeds the Trainer's checks). ``callbacks`` / ``control`` go to the Trainer; ``progress(str)``
    hears which measurement runs. Returns ``(new_model, FineTuneResult)``, or ``(None, None)`` when stopped.
    """
    from model.training import Trainer

    settings = settings or FineTuneSettings()
    user_x = np.asarray(user_x, dtype=np.float32)
    user_y = np.asarray(user_y).astype(np.int64)
    if len(user_x) < MIN_SAMPLES:
        raise DigitTrainerError("finetune.too_few", minimum=MIN_SAMPLES, count=len(user_x))
    train_idx, held_idx = split_holdout(user_y, settings.holdout, settings.seed)
    should_stop = (lambda: control.stop_requested) if control is not None else None
    t0 = time.perf_counter()
    mnist_x = to_float_images(raw.x_test)
    if progress:
        progress(Message("finetune.measuring_before"))
    before = evaluate(model, mnist_x, raw.y_test, should_stop=should_stop)
    if before is None:
        return None, None
    user_before = _user_accuracy(model, user_x[held_idx], user_y[held_idx])
    config = TrainConfig(
        recipe="fine-tune",
        epochs=settings.epochs,
        batch_size=settings.batch_size,
        optimizer="adam",
        learning_rate=settings.learning_rate,
        validation_split=0.0,
        seed=settings.seed,
        augmentation=Augmentation() if settings.augment else None,
        **({"spec": tuple(spec)} if spec else {}),
    )
    if should_stop is not None and should_stop():
        return None, None  # stopped after the first measurement: no copy, no compiling, no tracing
    trainer = Trainer(config, callbacks, control)
    new = copy_model(model)
    new, run = trainer.run(mixed_training_set(user_x[train_idx], user_y[train_idx], raw, settings), model=new)
    if run.stopped:
        if run.reason and not run.reason.startswith("Stopped by the user"):
            raise DigitTrainerError("finetune.failed", reason=run.reason)
        return None, None
    if progress:
        progress(Message("finetune.measuring_after"))
    after = evaluate(new, mnist_x, raw.y_test, should_stop=should_stop)
    if after is None:
        return None, None
    return new, FineTuneResult(
        mnist_before=before.accuracy,
        mnist_after=after.accuracy,
        user_before=user_before,
        user_after=_user_accuracy(new, user_x[held_idx], user_y[held_idx]),
        n_train=len(train_idx),
        n_holdout=len(held_idx),
        holdout_ids=held_idx.tolist(),
        epochs=run.epochs_done,
        seconds=time.perf_counter() - t0,
        settings=settings,
    )
