"""Class probabilities and every layer's activations for a batch of 28x28 images, in one fast call."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SHOWN_KINDS = ("Conv2D", "MaxPooling2D", "AveragePooling2D", "SumPooling2D", "Dense")


@dataclass
class Activation:
    name: str
    kind: str  # Keras class name
    values: np.ndarray  # (n, h, w, c) for maps, (n, units) for dense


@dataclass
class Prediction:
    probabilities: np.ndarray  # (n, 10), rows sum to 1
    activations: list[Activation]
    features: np.ndarray | None = None  # (n, d) the penultimate representation (model.embedding.feature_layer)

    @property
    def digits(self) -> np.ndarray:
        return self.probabilities.argmax(axis=1)


class Predictor:
    """Wraps a model with a second Keras model that shares its layers and outputs every shown layer.

    It shares the weights, so during training it always sees the current ones. ``predict_on_batch`` runs one
    compiled call (about 1-2 ms for one image on 2 cores) where ``model.predict`` sets up a whole loop (~40 ms).
    """

    def __init__(self, model):
        import keras

        from model.network_parts import feature_source

        self.model = model
        self.layers = [layer for layer in model.layers if type(layer).__name__ in SHOWN_KINDS]
        outputs = [layer.output for layer in self.layers]
        # The penultimate representation (the inner-space map's) is usually a shown Dense layer already; when it is
        # not (e.g. a Flatten right before the final Dense), it becomes one more output of the same call.
        source = feature_source(model)
        self._features_at = None
        if source is not None:
            feature = source[0].output  # the tensor of model.inputs' graph, like the shown layers' outputs
            self._features_at = next((i for i, out in enumerate(outputs) if out is feature), None)
            if self._features_at is None:
                self._features_at = len(outputs)
                outputs.append(feature)
        # The probabilities are the model's output. In the app's networks that is the last Dense layer's, but a
        # loaded Keras file may end in e.g. an Activation('softmax') layer after a Dense(10) giving logits.
        if not outputs or outputs[-1] is not model.outputs[0]:
            outputs.append(model.outputs[0])
        self._probe = keras.Model(model.inputs, outputs)

    def predict(self, images: np.ndarray) -> Prediction:
        x = as_batch(images)
        outputs = self._probe.predict_on_batch(x)
        if not isinstance(outputs, (list, tuple)):
            outputs = [outputs]
        acts = [
            Activation(layer.name, type(layer).__name__, np.asarray(out)) for layer, out in zip(self.layers, outputs)
        ]
        probs = np.asarray(outputs[-1], dtype=np.float64)
        features = None
        if self._features_at is not None:
            features = np.asarray(outputs[self._features_at], dtype=np.float32).reshape(len(x), -1)
        return Prediction(probs, acts, features)

    def probabilities(self, images: np.ndarray) -> np.ndarray:
        return np.asarray(self.model.predict_on_batch(as_batch(images)))


def as_batch(images: np.ndarray) -> np.ndarray:
    """Accept (28, 28), (n, 28, 28) or (n, 28, 28, 1), floats in [0, 1] or uint8; return float32 (n, 28, 28, 1)."""
    x = np.asarray(images)
    if x.dtype == np.uint8:
        x = x.astype("float32") / 255
    x = x.astype("float32", copy=False)
    if x.ndim == 2:
        x = x[None]
    if x.ndim == 3:
        x = x[..., None]
    if x.ndim != 4 or x.shape[1:] != (28, 28, 1):
        raise ValueError(f"expected 28x28 images, got an array of shape {np.asarray(images).shape}")
    return x
