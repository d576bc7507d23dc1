"""Test-set evaluation beyond one accuracy number: confusion matrix, per-class accuracy, the mistakes."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class Evaluation:
    accuracy: float
    loss: float
    confusion: np.ndarray  # (10, 10), rows = true digit, columns = predicted digit
    per_class_accuracy: np.ndarray  # (10,)
    mistakes: np.ndarray  # indices into the test set of misclassified images
    predicted: np.ndarray  # (n,) predicted digits
    confidence: np.ndarray  # (n,) probability of the predicted digit

    def cell(self, true_digit: int, predicted_digit: int, labels: np.ndarray) -> np.ndarray:
        """Indices of test images of ``true_digit`` predicted as ``predicted_digit``."""
        labels = np.asarray(labels)  # a plain list == 3 is just False, which would give no indices at all
        return np.flatnonzero((labels == true_digit) & (self.predicted == predicted_digit))


def summarise(probabilities: np.ndarray, labels: np.ndarray) -> Evaluation:
    """Build an Evaluation from predicted probabilities (n, 10) and integer labels (n,)."""
    probabilities = np.asarray(probabilities, dtype=np.float64)
    labels = np.asarray(labels).astype(np.int64)
    predicted = probabilities.argmax(axis=1)
    confusion = np.zeros((10, 10), dtype=np.int64)
    np.add.at(confusion, (labels, predicted), 1)
    totals = confusion.sum(axis=1)
    per_class = np.divide(np.diag(confusion), totals, out=np.zeros(10), where=totals > 0)
    eps = 1e-7
    loss = float(-np.mean(np.log(np.clip(probabilities[np.arange(len(labels)), labels], eps, 1.0))))
    return Evaluation(
        accuracy=float(np.mean(predicted == labels)),
        loss=loss,
        confusion=confusion,
        per_class_accuracy=per_class,
        mistakes=np.flatnonzero(predicted != labels),
        predicted=predicted,
        confidence=probabilities[np.arange(len(labels)), predicted],
    )


def evaluate(model, x: np.ndarray, labels: np.ndarray, batch_size: int = 1000, should_stop=None, progress=None):
    """Predict ``x`` in batches (stoppable, with progress 0-1) and summarise against integer ``labels``.

    Returns None when ``should_stop()`` became true.
    """
    from model import tf_backend, towers
    from model.inference import as_batch

    towers.install(model, tf_backend.towers())  # batches predicted in slices, one per core
    out = []
    n = len(x)
    for start in range(0, n, batch_size):
        if should_stop is not None and should_stop():
            return None
        out.append(np.asarray(model.predict_on_batch(as_batch(x[start : start + batch_size]))))
        if progress is not None:
            progress(min(1.0, (start + batch_size) / n))
    return summarise(np.concatenate(out), labels)
