"""Gradient saliency: which pixels of the 28x28 input move the predicted class's probability most.

The map is ``|d p_class / d x|`` (Simonyan et al. 2014), smoothed over a few noisy copies of the input
(SmoothGrad, Smilkov et al. 2017) so that it shows strokes rather than pixel noise. Only :func:`_input_gradients`
knows about TensorFlow (Keras 3 has no backend-neutral gradient call); the rest is numpy.

:func:`to_canvas` carries a 28x28 map back to the drawing canvas through the crop / scale / shift that
:func:`model.preprocess.to_mnist` applied (:func:`model.preprocess.mnist_geometry`), so the overlay lines up with the
strokes the user drew.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from model import preprocess

SMOOTH_SAMPLES = 8  # noisy copies averaged (1 = plain gradient)
SMOOTH_NOISE = 0.1  # noise standard deviation, as a fraction of the input's range (SmoothGrad's 10-20 %)


@dataclass
class Saliency:
    """A saliency map for one input: ``values`` (28, 28) in [0, 1] (1 = the most sensitive pixel)."""

    digit: int  # the class whose probability was differentiated (the prediction)
    probability: float
    values: np.ndarray


def _input_gradients(model, x: np.ndarray, digit: int) -> tuple[np.ndarray, np.ndarray]:
    """Gradients of ``p[digit]`` with respect to each image of the batch ``x`` (n, 28, 28, 1), and ``p`` (n, 10)."""
    import tensorflow as tf

    xt = tf.convert_to_tensor(x, dtype=tf.float32)
    with tf.GradientTape() as tape:
        tape.watch(xt)
        probs = model(xt, training=False)
        target = probs[:, digit]
    grads = tape.gradient(target, xt)
    return np.asarray(grads), np.asarray(probs)


def saliency(model, image: np.ndarray, digit: int | None = None, samples: int = SMOOTH_SAMPLES,
             noise: float = SMOOTH_NOISE, seed: int = 0) -> Saliency:
    """The saliency map of ``image`` (28, 28) floats in [0, 1] for ``digit`` (default: the predicted digit).

    The first copy is the clean input, which also gives the prediction; the others add Gaussian noise.
    """
    x = np.asarray(image, dtype=np.float32).reshape(1, 28, 28, 1)
    if digit is None:
        digit = int(np.asarray(model(x, training=False))[0].argmax())
    rng = np.random.default_rng(seed)
    batch = np.repeat(x, max(1, samples), axis=0)
    batch[1:] += rng.normal(0.0, noise, batch[1:].shape).astype(np.float32)
    grads, probs = _input_gradients(model, batch, digit)
    values = np.abs(grads[..., 0]).mean(axis=0)
    peak = values.max()
    values = values / peak if peak > 0 else values
    return Saliency(int(digit), float(probs[0, digit]), values.astype(np.float32))


def _interpolation(coords: np.ndarray, n: int) -> np.ndarray:
    """(len(coords), n) linear-interpolation weights for samples at ``coords`` (pixel-centre units) of n pixels."""
    i0 = np.floor(coords).astype(np.int64)
    t = coords - i0
    out = np.zeros((len(coords), n))
    rows = np.arange(len(coords))
    for idx, weight in ((i0, 1 - t), (i0 + 1, t)):
        ok = (idx >= 0) & (idx < n)
        out[rows[ok], idx[ok]] = weight[ok]
    return out


def to_canvas(values: np.ndarray, canvas_image: np.ndarray) -> np.ndarray:
    """Carry a (28, 28) map back onto the canvas ``canvas_image`` (h, w) it was computed from; (h, w) in [0, 1].

    Every canvas pixel is mapped to the point of the 28x28 field that :func:`model.preprocess.to_mnist` put it at,
    and gets the map's value there (bilinear). Canvas pixels that land outside the field get 0.
    """
    img = preprocess.clean_image(canvas_image)
    g = preprocess.mnist_geometry(img)
    if g is None:
        return np.zeros(img.shape, dtype=np.float32)
    field = preprocess.FIELD
    ys = g.offset_y + (np.arange(img.shape[0]) - g.top + 0.5) * g.scale - 0.5  # field coordinates of pixel centres
    xs = g.offset_x + (np.arange(img.shape[1]) - g.left + 0.5) * g.scale - 0.5
    out = _interpolation(ys, field) @ np.asarray(values, dtype=np.float64) @ _interpolation(xs, field).T
    return np.clip(out, 0.0, 1.0).astype(np.float32)


def heat_rgba(values: np.ndarray, max_alpha: float = 0.85) -> np.ndarray:
    """A map in [0, 1] -> RGBA uint8 (h, w, 4): transparent where 0, through red to yellow, opaque-ish where 1."""
    v = np.clip(np.nan_to_num(np.asarray(values, dtype=np.float64)), 0.0, 1.0)
    rgba = np.empty(v.shape + (4,), dtype=np.uint8)
    rgba[..., 0] = 255
    rgba[..., 1] = np.round(255 * np.clip(2 * v - 0.6, 0, 1))
    rgba[..., 2] = np.round(60 * (1 - v))
    rgba[..., 3] = np.round(255 * max_alpha * v**0.75)
    return rgba
