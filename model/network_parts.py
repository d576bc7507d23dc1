"""Where a classifier's parts are: its convolutions, its final Dense layer, the representation feeding it, its logits.

The insight views (class pictures, Grad-CAM, the inner-space map) work for any network the architecture editor
builds and for loaded ``.keras`` files, so they find these parts from the model's graph through public Keras API
(KerasTensors walked by identity), never by layer name or position.

One graph: gradients only flow between tensors of the same graph. A functional model's layers were called once, so
``layer.input`` / ``layer.output`` are its graph. A Sequential model loaded from a file has layers that were called
several times while it was rebuilt, and ``layer.output`` is the first of those calls: its values are right but a
gradient from the model's output back to it is None. For a Sequential model, :func:`graph` therefore calls its layers
once more on a new input (once per model) and uses that chain.

Why logits and not probabilities: the softmax saturates. Once ``p[digit]`` is near 1 its gradient vanishes, and its
gradient also pushes the *other* classes down rather than this one up. The class score that Grad-CAM
(Selvaraju et al. 2017) and feature visualisation differentiate is therefore the final Dense layer's pre-activation
``z = h @ W + b``, computed here from that layer's input ``h`` and its own weights, so it is exact whatever
activation the layer has. Only a network whose output does not come out of a Dense layer falls back to
``log p``, which equals ``z`` minus a per-image constant.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass

SKIPPED_KINDS = ("Dropout", "SpatialDropout1D", "SpatialDropout2D", "GaussianNoise", "GaussianDropout",
                 "AlphaDropout", "Activation", "ReLU", "LeakyReLU", "ELU", "Softmax", "Identity")
CONV_KINDS = ("Conv2D",)


@dataclass
class Graph:
    """A model's layers as one connected graph: build sub-models with ``keras.Model(graph.input, [...])``."""

    input: object  # KerasTensor (the single input) or a list of them
    output: object  # the model's output (probabilities)
    inputs: dict  # layer name -> the KerasTensor it reads
    outputs: dict  # layer name -> the KerasTensor it gives


_SEQUENTIAL_GRAPHS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def graph(model) -> Graph:
    """The model's :class:`Graph` (see the module docstring)."""
    import keras

    if isinstance(model, keras.Sequential):
        cached = _SEQUENTIAL_GRAPHS.get(model)
        if cached is None:
            start = keras.Input(batch_shape=tuple(model.inputs[0].shape), dtype=model.inputs[0].dtype)
            x, inputs, outputs = start, {}, {}
            for layer in model.layers:
                inputs[layer.name] = x
                x = outputs[layer.name] = layer(x)
            cached = _SEQUENTIAL_GRAPHS[model] = Graph(start, x, inputs, outputs)
        return cached
    inputs, outputs = {}, {}
    for layer in model.layers:
        if type(layer).__name__ == "InputLayer":
            continue
        inputs[layer.name], outputs[layer.name] = layer.input, layer.output
    start = model.inputs[0] if len(model.inputs) == 1 else model.inputs  # a list of one makes Keras warn on calls
    return Graph(start, model.outputs[0], inputs, outputs)


def conv_layers(model) -> list:
    """The model's Conv2D layers, in order."""
    return [layer for layer in model.layers if type(layer).__name__ in CONV_KINDS]


def final_dense(model):
    """The Dense layer the model's output comes out of (through Activation/Softmax-like layers), or None."""
    g = graph(model)
    producers = _producers(model, g)
    layer = producers.get(id(g.output))
    while layer is not None and type(layer).__name__ != "Dense":
        if type(layer).__name__ not in SKIPPED_KINDS:
            return None
        layer = producers.get(id(g.inputs[layer.name]))
    return layer


def feature_source(model):
    """(layer, tensor): the layer whose output is the "penultimate" representation, and that output in :func:`graph`.

    The input of the final Dense layer, walking back over Dropout/Activation-like layers (they change nothing at
    inference, or only squash) to a layer with weights, a Flatten or a pooling layer. None when the output does not
    come from a Dense layer.
    """
    dense = final_dense(model)
    if dense is None:
        return None
    g = graph(model)
    producers = _producers(model, g)
    layer = producers.get(id(g.inputs[dense.name]))
    while layer is not None and type(layer).__name__ in SKIPPED_KINDS:
        layer = producers.get(id(g.inputs[layer.name]))
    if layer is None:  # the final Dense reads the network's input directly
        return None
    return layer, g.outputs[layer.name]


def logit_head(model):
    """(tensor, to_logits): a KerasTensor of :func:`graph` to add to a sub-model's outputs, and a function of its
    value giving logits: the final Dense layer's input and ``h @ W + b``; or the model's output and ``log p`` when
    there is no final Dense."""
    from keras import ops

    g = graph(model)
    dense = final_dense(model)
    if dense is None:
        return g.output, lambda p: ops.log(ops.maximum(p, 1e-30))

    def to_logits(h):
        z = ops.matmul(h, dense.kernel)
        return z + dense.bias if dense.use_bias else z

    return g.inputs[dense.name], to_logits


def pre_activation(layer, inputs):
    """A Conv2D layer's output before its activation, for ``inputs`` (the layer's input values)."""
    from keras import ops

    out = ops.conv(inputs, layer.kernel, strides=layer.strides, padding=layer.padding,
                   data_format=layer.data_format, dilation_rate=layer.dilation_rate)
    return out + layer.bias if layer.use_bias else out


def _producers(model, g: Graph) -> dict:
    """id(KerasTensor) -> the layer whose output it is, in graph ``g``."""
    by_name = {layer.name: layer for layer in model.layers}
    return {id(tensor): by_name[name] for name, tensor in g.outputs.items()}
