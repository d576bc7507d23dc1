"""Class and filter pictures: the input image a network scores highest for a digit, or for one convolution filter.

Gradient ascent on the image (Keras' example ``visualizing_what_convnets_learn``; Olah et al., "Feature
Visualization", Distill 2017), with the regularisers that make the result look like strokes rather than noise:

- a neutral start: a faint uniform grey with a little noise (the same for every target, fixed by the seed);
- jitter: the image is shifted by up to ``JITTER`` pixels at random before each gradient, so that no pattern
  that only works at one exact position survives;
- an L2 decay towards 0 (no ink) every step and a small Gaussian blur every ``BLUR_EVERY`` steps, so that only ink
  that the score keeps asking for stays, and it stays smooth;
- the image clipped to [0, 1] (the range of MNIST and the canvas, 1 = ink) after every step.

A class picture maximises the class's logit (the final Dense layer's pre-activation, see
:mod:`model.network_parts`: the probability saturates near 1 and stops giving a gradient); a filter picture
maximises the mean activation of one channel of a Conv2D layer. All targets of a :class:`PictureSearch` are one batch,
and one step is one call of a ``tf.function`` traced once per search, so the engine can run a few steps between
training batches.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from model import network_parts
from model.errors import DigitTrainerError

STEPS = 256
NUM_CLASSES = 10
LEARNING_RATE = 1.0  # the step's L2 norm over the 784 pixels: about 0.035 per pixel
DECAY = 0.03  # L2 decay: each step keeps 97 % of the image before adding the gradient
JITTER = 2  # pixels
BLUR_EVERY = 4  # steps
BLUR_SIGMA = 0.6  # pixels
START_GREY = 0.1
START_NOISE = 0.02
# A filter's objective adds this share of its strongest pre-activation: a ReLU channel silent everywhere on the start
# image has no gradient of its own, and would stay black although some input (a real digit) does excite it. The
# strongest unit, not the mean: the mean pre-activation of many channels is highest on a blank image.
LEAK = 0.01


@dataclass(frozen=True)
class PictureTarget:
    """A digit (class picture) or a channel of a Conv2D layer (filter picture)."""

    digit: int | None = None
    layer: str | None = None
    channel: int | None = None

    @classmethod
    def of_digit(cls, digit: int) -> PictureTarget:
        return cls(digit=digit)

    @classmethod
    def of_filter(cls, layer: str, channel: int) -> PictureTarget:
        return cls(layer=layer, channel=channel)

    @property
    def is_filter(self) -> bool:
        return self.layer is not None


@dataclass
class Picture:
    target: PictureTarget
    image: np.ndarray  # (28, 28) float32 in [0, 1], 1 = ink
    probability: float | None  # class picture: p[digit] for `image`; filter picture: None
    predicted: int  # the model's digit for `image`
    score: float  # the objective reached: p[digit], or the filter's mean activation


def filter_layers(model) -> list[str]:
    """Names of the Conv2D layers whose filters can be pictured, in order."""
    return [layer.name for layer in network_parts.conv_layers(model)]


class PictureSearch:
    """Gradient ascent for several targets at once (one batch), advanced a few steps at a time, so the engine can
    interleave it with training batches and drawings.

    Raises DigitTrainerError (``pictures.*``) for a target that cannot apply to ``model``.
    """

    def __init__(self, model, targets: Sequence[PictureTarget], steps: int = STEPS, seed: int = 0):
        import keras
        import tensorflow as tf

        self.model = model
        self.targets = list(targets)
        self.steps = int(steps)
        self._done_steps = 0
        if not self.targets:
            raise DigitTrainerError("pictures.no_targets")
        _check_targets(model, self.targets)
        n = len(self.targets)
        layers = list(dict.fromkeys(t.layer for t in self.targets if t.is_filter))
        head, to_logits = network_parts.logit_head(model)
        by_name = {layer.name: layer for layer in model.layers}
        g = network_parts.graph(model)
        maps = [tensor for name in layers for tensor in (g.inputs[name], g.outputs[name])]
        self._probe = keras.Model(g.input, [head, g.output] + maps)
        self._layers = layers

        class_mask = np.zeros((n, NUM_CLASSES), np.float32)
        filter_masks = [np.zeros((n, by_name[name].output.shape[-1]), np.float32) for name in layers]
        for i, t in enumerate(self.targets):
            if t.is_filter:
                filter_masks[layers.index(t.layer)][i, t.channel] = 1.0
            else:
                class_mask[i, t.digit] = 1.0
        class_mask_t = tf.constant(class_mask)
        filter_masks_t = [tf.constant(m) for m in filter_masks]
        self._rng = np.random.default_rng(seed)
        start = START_GREY + START_NOISE * self._rng.standard_normal((1, 28, 28, 1))
        self._image = tf.Variable(np.repeat(np.clip(start, 0, 1), n, axis=0).astype(np.float32), trainable=False)
        kernel = _gaussian_kernel(BLUR_SIGMA)
        probe, image = self._probe, self._image

        def objective(x):
            outputs = probe(x, training=False)
            total = tf.reduce_sum(to_logits(outputs[0]) * class_mask_t, axis=1)
            for i, (name, mask) in enumerate(zip(layers, filter_masks_t)):
                inputs, maps = outputs[2 + 2 * i], outputs[3 + 2 * i]
                pre = network_parts.pre_activation(by_name[name], inputs)
                mean = tf.reduce_mean(maps, axis=(1, 2)) + LEAK * tf.reduce_max(pre, axis=(1, 2))
                total += tf.reduce_sum(mean * mask, axis=1)
            return total

        def step(shift, blur):
            with tf.GradientTape() as tape:
                tape.watch(image)
                shifted = tf.roll(image, shift, axis=(1, 2))
                score = objective(shifted)
            grads = tape.gradient(score, image)
            grads /= tf.sqrt(tf.reduce_sum(tf.square(grads), axis=(1, 2, 3), keepdims=True)) + 1e-8
            x = image * (1.0 - DECAY) + LEARNING_RATE * grads
            x = tf.cond(blur, lambda: tf.nn.depthwise_conv2d(x, kernel, [1, 1, 1, 1], "SAME"), lambda: x)
            image.assign(tf.clip_by_value(x, 0.0, 1.0))

        self._step = tf.function(step)

    def advance(self, steps: int = 1) -> bool:
        """Run up to ``steps`` more steps; True once all steps are done."""
        import tensorflow as tf

        for _ in range(max(0, min(int(steps), self.steps - self._done_steps))):
            self._done_steps += 1
            shift = tf.constant(self._rng.integers(-JITTER, JITTER + 1, size=2), dtype=tf.int32)
            self._step(shift, tf.constant(self._done_steps % BLUR_EVERY == 0))
        return self.done

    @property
    def fraction(self) -> float:
        return self._done_steps / self.steps if self.steps else 1.0

    @property
    def done(self) -> bool:
        return self._done_steps >= self.steps

    def pictures(self) -> list[Picture]:
        """The current images (valid mid-way too) with the model's answers for them, from one forward pass."""
        images = self._image.numpy()
        outputs = [np.asarray(out) for out in self._probe(images, training=False)]  # no new trace per search
        probs = np.asarray(outputs[1], dtype=np.float64)
        out = []
        for i, t in enumerate(self.targets):
            predicted = int(probs[i].argmax())
            if t.is_filter:
                maps = np.asarray(outputs[3 + 2 * self._layers.index(t.layer)])
                score = float(maps[i, :, :, t.channel].mean())
                out.append(Picture(t, images[i, :, :, 0].copy(), None, predicted, score))
            else:
                p = float(probs[i, t.digit])
                out.append(Picture(t, images[i, :, :, 0].copy(), p, predicted, p))
        return out


def class_pictures(model, digits=range(10), steps: int = STEPS, seed: int = 0) -> list[Picture]:
    """The class pictures of ``digits``, computed to the end in one go."""
    search = PictureSearch(model, [PictureTarget.of_digit(d) for d in digits], steps=steps, seed=seed)
    search.advance(search.steps)
    return search.pictures()


def _check_targets(model, targets: list[PictureTarget]) -> None:
    outputs = model.outputs[0].shape[-1]
    by_name = {layer.name: layer for layer in model.layers}
    convs = filter_layers(model)
    for t in targets:
        if t.is_filter:
            layer = by_name.get(t.layer)
            if layer is None:
                raise DigitTrainerError("pictures.unknown_layer", layer=t.layer, layers=", ".join(convs) or "-")
            if t.layer not in convs:
                raise DigitTrainerError("pictures.not_a_filter", layer=t.layer, kind=type(layer).__name__)
            count = int(layer.output.shape[-1])
            if not _is_index(t.channel) or not 0 <= t.channel < count:
                raise DigitTrainerError("pictures.no_channel", layer=t.layer, channel=t.channel, count=count,
                                        last=count - 1)
        else:
            if outputs != NUM_CLASSES:
                raise DigitTrainerError("pictures.not_ten_classes", count=outputs)
            if not _is_index(t.digit) or not 0 <= t.digit < NUM_CLASSES:
                raise DigitTrainerError("pictures.bad_digit", digit=t.digit)


def _is_index(value) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


def _gaussian_kernel(sigma: float) -> np.ndarray:
    """A normalised 3x3 Gaussian as a depthwise kernel (3, 3, 1, 1)."""
    g = np.exp(-0.5 * (np.arange(-1, 2) / sigma) ** 2)
    k = np.outer(g, g)
    return (k / k.sum()).astype(np.float32)[:, :, None, None]
