"""Where a classifier's parts are: its convolutions, its final Dense layer, the representation feeding it, its logits.

The insight views (class pictures, Grad-CAM, the inner-space map) work for any network the architecture editor
builds and for loaded ``.keras`` files, so they find these parts from the model's layers through public Keras API
only (``layer.input`` / ``layer.output`` KerasTensors, walked by identity), never by layer name or position.

Why logits and not probabilities: the softmax saturates. Once ``p[digit]`` is near 1 its gradient vanishes, and its
gradient also pushes the *other* classes down rather than this one up. The class score that Grad-CAM
(Selvaraju et al. 2017) and feature visualisation differentiate is therefore the final Dense layer's pre-activation
``z = h @ W + b``, computed here from that layer's input ``h`` and its own weights, so it is exact whatever
activation the layer has. Only a network whose output does not come out of a Dense layer falls back to
``log p``, which equals ``z`` minus a per-image constant.
"""

from __future__ import annotations

SKIPPED_KINDS = ("Dropout", "SpatialDropout1D", "SpatialDropout2D", "GaussianNoise", "GaussianDropout",
                 "AlphaDropout", "Activation", "ReLU", "LeakyReLU", "ELU", "Softmax", "Identity")
CONV_KINDS = ("Conv2D",)


def model_input(model):
    """The inputs to build a sub-model on: the single input itself when there is one, so that calling the sub-model
    with one array matches its structure (Keras warns about a list of one otherwise)."""
    return model.inputs[0] if len(model.inputs) == 1 else model.inputs


def conv_layers(model) -> list:
    """The model's Conv2D layers, in order."""
    return [layer for layer in model.layers if type(layer).__name__ in CONV_KINDS]


def final_dense(model):
    """The Dense layer the model's output comes out of (through Activation/Softmax-like layers), or None."""
    producer = _producers(model)
    layer = producer.get(id(model.outputs[0]))
    while layer is not None and type(layer).__name__ != "Dense":
        if type(layer).__name__ not in SKIPPED_KINDS:
            return None
        layer = producer.get(id(layer.input))
    return layer


def feature_source(model):
    """(layer, tensor): the layer whose output is the "penultimate" representation, and that output.

    The input of the final Dense layer, walking back over Dropout/Activation-like layers (they change nothing at
    inference, or only squash) to a layer with weights, a Flatten or a pooling layer. None when the output does not
    come from a Dense layer.
    """
    dense = final_dense(model)
    if dense is None:
        return None
    producer = _producers(model)
    layer = producer.get(id(dense.input))
    while layer is not None and type(layer).__name__ in SKIPPED_KINDS:
        layer = producer.get(id(layer.input))
    if layer is None:  # the final Dense reads the network's input directly
        return None
    return layer, layer.output


def logit_head(model):
    """(tensor, to_logits): a KerasTensor to add to a sub-model's outputs and a function of its value giving logits.

    The final Dense layer's input and ``h @ W + b``; or the model's output and ``log p`` when there is no final Dense.
    """
    from keras import ops

    dense = final_dense(model)
    if dense is None:
        return model.outputs[0], lambda p: ops.log(ops.maximum(p, 1e-30))

    def to_logits(h):
        z = ops.matmul(h, dense.kernel)
        return z + dense.bias if dense.use_bias else z

    return dense.input, to_logits


def pre_activation(layer, inputs):
    """A Conv2D layer's output before its activation, for ``inputs`` (the layer's input values)."""
    from keras import ops

    out = ops.conv(inputs, layer.kernel, strides=layer.strides, padding=layer.padding,
                   data_format=layer.data_format, dilation_rate=layer.dilation_rate)
    return out + layer.bias if layer.use_bias else out


def _producers(model) -> dict:
    """id(KerasTensor) -> the layer whose output it is."""
    out = {}
    for layer in model.layers:
        try:
            out[id(layer.output)] = layer
        except (AttributeError, ValueError):  # a layer never called (cannot happen in a built functional model)
            continue
    return out
