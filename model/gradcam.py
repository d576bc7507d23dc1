"""Grad-CAM: which part of the drawing made the network say a digit, seen through its last useful convolution.

Selvaraju et al. 2017 (Keras example ``grad_cam``): the gradients of the class score with respect to the maps ``A``
of a convolution, averaged over space, weight each channel (``alpha_k``); the map is ``ReLU(sum_k alpha_k A_k)``,
upsampled bilinearly to 28x28. The class score is the logit (the final Dense layer's pre-activation, see
:mod:`model.network_parts`), as in the paper: the probability's gradient vanishes once the answer is sure.

The layer is the last Conv2D whose maps are larger than 1x1 (:func:`cam_layer`): a 1x1 map has no "where", so the
heat map would be blank or one flat colour.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from model import network_parts
from model.errors import DigitTrainerError
from model.inference import as_batch

NUM_CLASSES = 10


@dataclass
class GradCam:
    digit: int  # the class explained
    predicted: int  # the model's answer for the image
    probability: float  # p[digit]
    layer: str  # the convolution used
    values: np.ndarray  # (28, 28) float32 in [0, 1] (1 = most important; all 0 if the map is empty)
    coarse: np.ndarray  # (h, w) at the layer's resolution, normalised to [0, 1]


def cam_layer(model) -> str | None:
    """The last Conv2D whose output maps are larger than 1x1; None when there is none."""
    for layer in reversed(network_parts.conv_layers(model)):
        h, w = layer.output.shape[1:3]
        if (h or 0) * (w or 0) > 1:
            return layer.name
    return None


class _CamModel:
    """The sub-model giving a layer's maps, the logits and the probabilities, built once per (model, layer)."""

    def __init__(self, model, layer: str):
        import keras
        import tensorflow as tf

        head, to_logits = network_parts.logit_head(model)
        g = network_parts.graph(model)
        probe = keras.Model(g.input, [g.outputs[layer], head, g.output])

        def run(x, digit):
            with tf.GradientTape() as tape:
                maps, h, probs = probe(x, training=False)
                logits = to_logits(h)
                # digit -1: the predicted one, found in the same call
                digit = tf.where(digit < 0, tf.argmax(probs[0], output_type=tf.int32), digit)
                score = tf.gather(logits, digit, axis=1)
            grads = tape.gradient(score, maps)
            return maps, grads, probs, digit

        self._run = tf.function(run)

    def __call__(self, x: np.ndarray, digit: int):
        import tensorflow as tf

        maps, grads, probs, digit = self._run(tf.constant(x), tf.constant(digit, tf.int32))
        return maps.numpy(), grads.numpy(), probs.numpy(), int(digit)


_CACHE: dict = {}  # "last" -> (model, layer, _CamModel): only the last, so another model frees the old one


def grad_cam(model, image: np.ndarray, digit: int | None = None) -> GradCam:
    """The Grad-CAM map of ``image`` (28, 28) for ``digit`` (None: the predicted digit).

    ``image``: floats in [0, 1], or uint8 as in the dataset (an image of the mistakes gallery).

    Raises DigitTrainerError ``gradcam.no_convolution`` when the network has no convolution to look through.
    """
    layer = cam_layer(model)
    if layer is None:
        raise DigitTrainerError("gradcam.no_convolution")
    if digit is not None and (isinstance(digit, bool) or not isinstance(digit, (int, np.integer))
                              or not 0 <= digit < NUM_CLASSES):
        raise DigitTrainerError("gradcam.bad_digit", digit=digit)
    cam = _cam_model(model, layer)
    x = as_batch(image)[:1]
    maps, grads, probs, digit = cam(x, -1 if digit is None else int(digit))
    weights = grads[0].mean(axis=(0, 1))  # alpha_k: the spatial mean of the gradients
    coarse = np.maximum((maps[0] * weights).sum(axis=-1), 0.0)
    peak = coarse.max()
    coarse = coarse / peak if peak > 0 else np.zeros_like(coarse)
    values = np.clip(upsample(coarse), 0.0, 1.0)
    return GradCam(int(digit), int(probs[0].argmax()), float(probs[0, digit]), layer, values.astype(np.float32),
                   coarse.astype(np.float32))


def _cam_model(model, layer: str) -> _CamModel:
    cached = _CACHE.get("last")
    if cached is not None and cached[0] is model and cached[1] == layer:
        return cached[2]
    cam = _CamModel(model, layer)
    _CACHE["last"] = (model, layer, cam)
    return cam


def upsample(coarse: np.ndarray, size: int = 28) -> np.ndarray:
    """Bilinear resize of an (h, w) map to (size, size), pixel centres aligned (half-pixel), edges clamped."""
    h, w = coarse.shape
    rows = _weights(h, size)
    cols = _weights(w, size)
    return rows @ np.asarray(coarse, dtype=np.float64) @ cols.T


def _weights(n: int, size: int) -> np.ndarray:
    """(size, n) linear-interpolation weights from n source pixels to size target pixels."""
    coords = np.clip((np.arange(size) + 0.5) * n / size - 0.5, 0, n - 1)
    i0 = np.floor(coords).astype(int)
    i1 = np.minimum(i0 + 1, n - 1)
    t = coords - i0
    out = np.zeros((size, n))
    out[np.arange(size), i0] += 1 - t
    out[np.arange(size), i1] += t
    return out
