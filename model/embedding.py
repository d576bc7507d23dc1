"""The inner space: a 2-D map of the network's penultimate representation of 2,000 fixed test images.

The representation is the input of the final Dense (softmax) layer (:func:`feature_layer`; the 64-unit Dense of the
seed network). The map is PCA by default (exact: the leading eigenvectors of the features' d x d scatter matrix, the
same axes as an SVD of the n x d features; a few ms for 2,000 x 64, so it is redone at every epoch) or t-SNE on
demand (scikit-learn, run in stages for progress and stopping). Each new map is aligned to the previous one by an
orthogonal Procrustes fit with scale, shift and reflection allowed (Schönemann 1966), so the points stay put between
epochs and only move as much as the network's representation does.

:meth:`Embedding.project` places new feature vectors (the drawing's) on the same map: exactly for PCA (the same
affine map as the points), approximately for t-SNE (which has no map for new points).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from model import network_parts
from model.errors import DigitTrainerError

POINTS = 2000
NUM_CLASSES = 10
NEIGHBOURS = 8  # t-SNE's placing of new points: the k nearest images in feature space
TSNE_STAGES = 4  # one with early exaggeration, then plain stages, each started from the last: 1,000 iterations
TSNE_STAGE_ITERATIONS = 250  # scikit-learn's smallest max_iter
TSNE_PERPLEXITY = 30.0
MIN_POINTS = 3


def feature_layer(model) -> str:
    """The name of the layer whose output is the "penultimate" representation (see module docstring).

    Raises DigitTrainerError ``embedding.no_features`` for a network whose output does not come from a Dense layer.
    """
    source = network_parts.feature_source(model)
    if source is None:
        raise DigitTrainerError("embedding.no_features")
    return source[0].name


def sample_indices(labels: np.ndarray, n: int = POINTS, seed: int = 0) -> np.ndarray:
    """``n`` indices into ``labels``, as many of each class as the classes allow, the same for the same input.

    Each class gets ``n // classes`` (the first classes one more for the remainder); a class with too few examples
    gives them all and the others fill up. Sorted ascending.
    """
    labels = np.asarray(labels)
    if n >= len(labels):
        return np.arange(len(labels))
    rng = np.random.default_rng(seed)
    classes = np.unique(labels)
    pools = [rng.permutation(np.flatnonzero(labels == c)) for c in classes]
    quota = np.full(len(classes), n // len(classes))
    quota[: n % len(classes)] += 1
    take = np.minimum(quota, [len(p) for p in pools])
    while take.sum() < n:  # hand the shortfall of small classes to the others, one each in turn
        for i, pool in enumerate(pools):
            if take.sum() < n and take[i] < len(pool):
                take[i] += 1
    return np.sort(np.concatenate([pool[:k] for pool, k in zip(pools, take)]))


class FeatureCollector:
    """Penultimate activations of many images, computed a chunk at a time (the engine interleaves chunks with
    training batches)."""

    def __init__(self, model, images: np.ndarray, chunk: int = 250):
        import keras

        source = network_parts.feature_source(model)
        if source is None:
            raise DigitTrainerError("embedding.no_features")
        self.layer = source[0].name
        g = network_parts.graph(model)
        self._probe = keras.Model(g.input, [source[1], g.output])
        self._images = images
        self._chunk = max(1, int(chunk))
        self._done = 0
        self._features: list[np.ndarray] = []
        self._probs: list[np.ndarray] = []

    def advance(self) -> bool:
        """Compute one more chunk; True when all are done."""
        from model.inference import as_batch

        if not self.done:
            x = as_batch(self._images[self._done : self._done + self._chunk])
            # A plain call, not predict_on_batch: that traces a new function for every new collector (every epoch)
            features, probs = self._probe(x, training=False)
            self._features.append(np.asarray(features, dtype=np.float32).reshape(len(x), -1))
            self._probs.append(np.asarray(probs, dtype=np.float32))
            self._done += len(x)
        return self.done

    @property
    def done(self) -> bool:
        return self._done >= len(self._images)

    @property
    def fraction(self) -> float:
        return self._done / len(self._images) if len(self._images) else 1.0

    @property
    def features(self) -> np.ndarray:
        """(n, d) float32 once done."""
        return np.concatenate(self._features) if self._features else np.zeros((0, 0), np.float32)

    @property
    def probabilities(self) -> np.ndarray:
        """(n, 10) once done."""
        return np.concatenate(self._probs) if self._probs else np.zeros((0, NUM_CLASSES), np.float32)


@dataclass
class Embedding:
    method: str  # "pca" or "tsne"
    points: np.ndarray  # (n, 2) float32
    labels: np.ndarray  # (n,) true digits
    predicted: np.ndarray  # (n,) the model's digits
    confidence: np.ndarray  # (n,) the model's probability for its digit
    indices: np.ndarray  # (n,) indices into the test set
    layer: str
    features: np.ndarray  # (n, d) the penultimate activations
    explained: float | None  # PCA: share of variance the two axes explain; None for t-SNE
    # PCA's map from features to points: (f - centre) @ linear + shift (the basis and the alignment in one)
    centre: np.ndarray | None = field(default=None, repr=False)
    linear: np.ndarray | None = field(default=None, repr=False)
    shift: np.ndarray | None = field(default=None, repr=False)

    def project(self, features: np.ndarray) -> np.ndarray:
        """(m, d) -> (m, 2) points on this map.

        PCA: the exact affine map that made the points. t-SNE has no such map: a new vector is placed at the mean of
        its ``NEIGHBOURS`` nearest images' points, weighted by 1 / distance² in feature space (Shepard's interpolation:
        an approximation that puts a drawing among the images the network sees it like, and on an image it equals).
        """
        f = np.asarray(features, dtype=np.float64).reshape(-1, self.features.shape[1])
        if self.linear is not None:
            return ((f - self.centre) @ self.linear + self.shift).astype(np.float32)
        k = min(NEIGHBOURS, len(self.features))
        known = self.features.astype(np.float64)
        d2 = (f**2).sum(1)[:, None] - 2 * f @ known.T + (known**2).sum(1)
        nearest = np.argsort(d2, axis=1)[:, :k]
        dist = np.sqrt(np.maximum(np.take_along_axis(d2, nearest, axis=1), 0.0))
        w = 1.0 / (dist + 1e-9) ** 2
        w /= w.sum(axis=1, keepdims=True)
        return (w[..., None] * self.points[nearest].astype(np.float64)).sum(axis=1).astype(np.float32)


def pca_embedding(features, labels, predicted, confidence, indices, layer, previous: Embedding | None = None
                  ) -> Embedding:
    """The PCA map of ``features`` (n, d), aligned to ``previous`` when given (see module docstring)."""
    f = _check(features)
    with _one_thread():
        return _pca(f, features, labels, predicted, confidence, indices, layer, previous)


def _pca(f, features, labels, predicted, confidence, indices, layer, previous) -> Embedding:
    centre = f.mean(axis=0)
    # The eigenvectors of the d x d scatter matrix are the SVD's right singular vectors: the same axes, a d x d
    # problem instead of n x d (about 1 ms instead of 10 for 2,000 x 64).
    values, vectors = np.linalg.eigh((f - centre).T @ (f - centre))
    values, vectors = values[::-1].clip(min=0.0), vectors[:, ::-1]
    basis = np.zeros((f.shape[1], 2))
    basis[:, : min(2, f.shape[1])] = vectors[:, :2]
    basis *= np.where(basis.sum(axis=0) < 0, -1.0, 1.0)  # a fixed sign for each axis (eigh's is arbitrary)
    total = float(values.sum())
    explained = float(values[:2].sum() / total) if total > 0 else 0.0
    a, b = _alignment((f - centre) @ basis, indices, previous)
    linear, shift = basis @ a, b
    return Embedding("pca", ((f - centre) @ linear + shift).astype(np.float32), np.asarray(labels),
                     np.asarray(predicted), np.asarray(confidence), np.asarray(indices), layer,
                     np.asarray(features, dtype=np.float32), explained, centre, linear, shift)


def tsne_embedding(features, labels, predicted, confidence, indices, layer, previous: Embedding | None = None,
                   progress: Callable[[float], None] | None = None, should_stop: Callable[[], bool] | None = None,
                   seed: int = 0) -> Embedding | None:
    """The t-SNE map of ``features``; None when ``should_stop`` said so between stages.

    scikit-learn's TSNE has no progress callback, so it runs in ``TSNE_STAGES`` stages of 250 iterations, each
    started from the last one's points: the first with early exaggeration (12, scikit-learn's default), the others
    without, all with the learning rate the whole run would use (n / 48, at least 50). Each stage recomputes the
    affinities (cheap next to the optimisation) and restarts the momentum at 0.5, so the result is close to, not
    identical with, one 1,000-iteration run (scikit-learn's default length). Pure numpy/scikit-learn: any thread may
    run it.
    """
    from sklearn.manifold import TSNE

    f = _check(features)
    n = len(f)
    perplexity = min(TSNE_PERPLEXITY, (n - 1) / 3)
    learning_rate = max(n / 12.0 / 4.0, 50.0)
    points = None
    with _one_thread():
        for stage in range(TSNE_STAGES):
            if should_stop is not None and should_stop():
                return None
            tsne = TSNE(2, perplexity=perplexity, early_exaggeration=12.0 if stage == 0 else 1.0,
                        learning_rate=learning_rate, max_iter=TSNE_STAGE_ITERATIONS,
                        n_iter_without_progress=TSNE_STAGE_ITERATIONS,
                        init="pca" if points is None else points, random_state=seed)
            points = tsne.fit_transform(f).astype(np.float64)
            if progress is not None:
                progress((stage + 1) / TSNE_STAGES)
    a, b = _alignment(points, indices, previous)
    return Embedding("tsne", (points @ a + b).astype(np.float32), np.asarray(labels), np.asarray(predicted),
                     np.asarray(confidence), np.asarray(indices), layer, np.asarray(features, dtype=np.float32), None)


def align(points: np.ndarray, target: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(a, b) minimising ||points @ a + b - target||: a = scale * orthogonal (a reflection allowed), b a shift."""
    p = np.asarray(points, dtype=np.float64)
    q = np.asarray(target, dtype=np.float64)
    pm, qm = p.mean(axis=0), q.mean(axis=0)
    pc, qc = p - pm, q - qm
    u, s, vt = np.linalg.svd(pc.T @ qc)
    rotation = u @ vt
    norm = float((pc**2).sum())
    scale = float(s.sum() / norm) if norm > 0 else 1.0
    a = scale * rotation
    return a, qm - pm @ a


def _alignment(points, indices, previous: Embedding | None) -> tuple[np.ndarray, np.ndarray]:
    """The alignment onto ``previous`` when it maps the same images; the identity otherwise."""
    if previous is None or not np.array_equal(np.asarray(previous.indices), np.asarray(indices)):
        return np.eye(2), np.zeros(2)
    return align(points, previous.points)


_CONTROLLER = []  # the threadpoolctl controller, made once (making one inspects every loaded library: ~10 ms)


def _one_thread():
    """BLAS and OpenMP limited to one thread for the block (all threads of the process, while it runs).

    On the 2-core machine the app shares with training and the GUI, a second thread for these small problems buys
    little and costs a lot when the cores are busy: with two busy processes beside it, PCA of 2,000 x 64 took 75 ms
    with two threads and 16 ms with one, t-SNE of 1,000 points 99 s and 39 s. One thread also leaves a core to the GUI
    while t-SNE runs on its worker thread.
    """
    try:
        from threadpoolctl import ThreadpoolController
    except ImportError:  # threadpoolctl comes with scikit-learn; without it, numpy's own threads
        return contextlib.nullcontext()
    if not _CONTROLLER:
        _CONTROLLER.append(ThreadpoolController())
    return _CONTROLLER[0].limit(limits=1)


def _check(features) -> np.ndarray:
    f = np.asarray(features, dtype=np.float64)
    f = f.reshape(len(f), -1)
    if len(f) < MIN_POINTS:
        raise DigitTrainerError("embedding.too_few", minimum=MIN_POINTS, count=len(f))
    return f
