"""A declarative spec for the networks the app trains, and a pure shape and parameter calculator.

The spec is a list of :class:`LayerSpec`. :func:`analyse` computes every layer's output shape and parameter count
with the seed's formulas, without TensorFlow, and raises :class:`~model.errors.SpecError` for a network that cannot
be built. :func:`build_model` turns a valid spec into a Keras model (imports Keras only when called).
"""

from __future__ import annotations

import math
import numbers
from dataclasses import asdict, dataclass, field, replace

from model.errors import SpecError
from model.messages import Message

INPUT_SHAPE = (28, 28, 1)
NUM_CLASSES = 10
KINDS = ("conv", "pool", "flatten", "dense", "dropout")
PADDINGS = ("valid", "same")
POOL_KINDS = ("max", "avg", "sum")
ACTIVATIONS = ("relu", "tanh", "sigmoid", "elu", "linear", "softmax")


@dataclass(frozen=True)
class LayerSpec:
    """One layer. Fields that do not apply to ``kind`` are ignored."""

    kind: str
    filters: int = 32
    kernel: int = 3
    stride: int = 1
    padding: str = "valid"
    pool: str = "max"
    pool_size: int = 2
    units: int = 64
    activation: str = "relu"
    rate: float = 0.25

    def to_dict(self) -> dict:
        """Only the fields that matter for this kind, so saved specs stay readable."""
        keep = {
            "conv": ("filters", "kernel", "stride", "padding", "activation"),
            "pool": ("pool", "pool_size"),
            "flatten": (),
            "dense": ("units", "activation"),
            "dropout": ("rate",),
        }.get(self.kind, ())
        d = asdict(self)
        return {"kind": self.kind, **{k: d[k] for k in keep}}

    @classmethod
    def from_dict(cls, d: dict) -> "LayerSpec":
        if not isinstance(d, dict) or "kind" not in d:
            raise SpecError("spec.not_mapping", spec=d)
        unknown = set(d) - set(cls.__dataclass_fields__)
        if unknown:
            raise SpecError("spec.unknown_fields", spec=d, fields=", ".join(sorted(unknown)))
        return cls(**d)


def conv(filters, kernel=3, stride=1, padding="valid", activation="relu") -> LayerSpec:
    return LayerSpec("conv", filters=filters, kernel=kernel, stride=stride, padding=padding, activation=activation)


def pool(size=2, kind="max") -> LayerSpec:
    return LayerSpec("pool", pool=kind, pool_size=size)


def dense(units, activation="relu") -> LayerSpec:
    return LayerSpec("dense", units=units, activation=activation)


def flatten() -> LayerSpec:
    return LayerSpec("flatten")


def dropout(rate) -> LayerSpec:
    return LayerSpec("dropout", rate=rate)


def seed_spec() -> list[LayerSpec]:
    """The seed's network, to the letter (93,322 parameters)."""
    return [
        conv(32),
        pool(2),
        conv(64),
        pool(2),
        conv(64),
        flatten(),
        dense(64),
        dense(NUM_CLASSES, "softmax"),
    ]


@dataclass(frozen=True)
class LayerInfo:
    """What :func:`analyse` says about one layer."""

    index: int
    name: str
    kind: str
    input_shape: tuple
    output_shape: tuple
    params: int
    formula: str
    param_formula: str = ""
    notes: tuple = field(default=())


def conv_out(n: int, k: int, s: int, padding: str) -> int:
    """Output size of a convolution along one axis: valid ⌊(n − k)/s⌋ + 1; same ⌈n/s⌉."""
    if padding == "same":
        return math.ceil(n / s)
    return (n - k) // s + 1


def pool_out(n: int, p: int) -> int:
    """Output size of non-overlapping pooling along one axis: ⌊n/p⌋."""
    return n // p


def layer_names(spec: list[LayerSpec]) -> list[str]:
    """Stable, readable layer names: conv2d_1, max_pool_1, dense_2 ..."""
    counts: dict[str, int] = {}
    names = []
    for layer in spec:
        base = {"conv": "conv2d", "pool": f"{layer.pool}_pool", "flatten": "flatten", "dense": "dense"}.get(
            layer.kind, layer.kind
        )
        counts[base] = counts.get(base, 0) + 1
        names.append(f"{base}_{counts[base]}")
    return names


def _whole(layer: LayerSpec, attr: str, where: Message, minimum: int = 1) -> int:
    """``layer.attr`` as an int of at least ``minimum``; SpecError for anything else (text, None, 2.5, True)."""
    value = getattr(layer, attr)
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not float(value).is_integer():
        raise SpecError("spec.not_whole", where=where, attr=attr, value=value)
    if int(value) < minimum:
        raise SpecError("spec.too_small", where=where, attr=attr, minimum=minimum, value=value)
    return int(value)


def analyse(spec: list[LayerSpec], input_shape: tuple = INPUT_SHAPE) -> list[LayerInfo]:
    """Output shape, parameter count and formula of every layer, computed without TensorFlow.

    Raises SpecError naming the layer (1-based) for a bad kind or value, a size shrinking below 1, a dense layer
    on an unflattened map, or a last layer that is not ``Dense(10, softmax)``.
    """
    if not spec:
        raise SpecError("spec.empty")
    shape = tuple(input_shape)
    infos = []
    for i, (layer, name) in enumerate(zip(spec, layer_names(spec)), start=1):
        where = Message("spec.where", index=i, kind=layer.kind)
        if layer.kind not in KINDS:
            raise SpecError("spec.unknown_kind", index=i, kind=layer.kind, kinds=", ".join(KINDS))
        if layer.kind in ("conv", "pool") and len(shape) != 3:
            raise SpecError("spec.needs_map", where=where, shape=shape)
        if layer.kind == "conv":
            filters, k, s = (_whole(layer, attr, where) for attr in ("filters", "kernel", "stride"))
            if layer.padding not in PADDINGS:
                raise SpecError("spec.padding", where=where, padding=layer.padding, choices=", ".join(PADDINGS))
            if layer.activation not in ACTIVATIONS:
                raise SpecError("spec.activation", where=where, activation=layer.activation,
                                choices=", ".join(ACTIVATIONS))
            n = shape[0]
            out = conv_out(n, k, s, layer.padding)
            if layer.padding == "same":
                formula = f"same: padding (k−1)/2 = ({k}−1)/2; out = ⌈n/s⌉ = ⌈{n}/{s}⌉ = {out}"
            else:
                formula = f"valid: out = ⌊(n−k)/s⌋ + 1 = ⌊({n}−{k})/{s}⌋ + 1 = {out}"
            if out < 1:
                raise SpecError("spec.kernel_too_big", where=where, k=k, n=n, out=out)
            cin = shape[2]
            params = k * k * cin * filters + filters
            pformula = f"k·k·c_in·filters + filters = {k}·{k}·{cin}·{filters} + {filters} = {params}"
            new_shape = (out, out, filters)
        elif layer.kind == "pool":
            if layer.pool not in POOL_KINDS:
                raise SpecError("spec.pooling", where=where, pool=layer.pool, choices=", ".join(POOL_KINDS))
            p, n = _whole(layer, "pool_size", where), shape[0]
            out = pool_out(n, p)
            if out < 1:
                raise SpecError("spec.pool_too_big", where=where, p=p, n=n, out=out)
            formula = f"{layer.pool} pool: out = ⌊n/p⌋ = ⌊{n}/{p}⌋ = {out}"
            params, pformula = 0, Message("formula.no_weights")
            new_shape = (out, out, shape[2])
        elif layer.kind == "flatten":
            new_shape = (math.prod(shape),)
            formula = " × ".join(str(d) for d in shape) + f" = {new_shape[0]}"
            params, pformula = 0, Message("formula.no_weights")
        elif layer.kind == "dense":
            if len(shape) != 1:
                raise SpecError("spec.needs_flat", where=where, shape=shape)
            units = _whole(layer, "units", where)
            if layer.activation not in ACTIVATIONS:
                raise SpecError("spec.activation", where=where, activation=layer.activation,
                                choices=", ".join(ACTIVATIONS))
            params = shape[0] * units + units
            pformula = f"in·units + units = {shape[0]}·{units} + {units} = {params}"
            formula = f"units = {units}"
            new_shape = (units,)
        else:  # dropout
            rate = layer.rate
            if isinstance(rate, bool) or not isinstance(rate, numbers.Real) or not 0.0 <= float(rate) < 1.0:
                raise SpecError("spec.rate", where=where, rate=layer.rate)
            new_shape, params, pformula = shape, 0, Message("formula.no_weights")
            formula = Message("formula.dropout", rate=layer.rate)
        infos.append(LayerInfo(i, name, layer.kind, shape, new_shape, params, formula, pformula))
        shape = new_shape
    last = spec[-1]
    if last.kind != "dense" or last.units != NUM_CLASSES or last.activation != "softmax":
        raise SpecError("spec.last_layer", index=len(spec), classes=NUM_CLASSES)
    return infos


def total_params(spec: list[LayerSpec]) -> int:
    return sum(info.params for info in analyse(spec))


def spec_to_json(spec: list[LayerSpec]) -> list[dict]:
    return [layer.to_dict() for layer in spec]


def spec_from_json(data) -> list[LayerSpec]:
    if not isinstance(data, list):
        raise SpecError("spec.not_list", type=type(data).__name__)
    return [LayerSpec.from_dict(d) for d in data]


def with_layer(spec: list[LayerSpec], index: int, **changes) -> list[LayerSpec]:
    """A copy of ``spec`` with layer ``index`` (0-based) changed."""
    out = list(spec)
    out[index] = replace(out[index], **changes)
    return out


def build_model(spec: list[LayerSpec] | None = None, input_shape: tuple = INPUT_SHAPE):
    """Build the Keras model for ``spec`` (the seed's by default), validated first, with ``keras.Input`` first."""
    spec = seed_spec() if spec is None else spec
    analyse(spec, input_shape)
    import keras

    from model.layers import SumPooling2D

    inputs = keras.Input(input_shape, name="image")
    x = inputs
    for layer, name in zip(spec, layer_names(spec)):
        if layer.kind == "conv":
            x = keras.layers.Conv2D(
                int(layer.filters),
                (int(layer.kernel), int(layer.kernel)),
                strides=int(layer.stride),
                padding=layer.padding,
                activation=layer.activation,
                name=name,
            )(x)
        elif layer.kind == "pool":
            size = (int(layer.pool_size), int(layer.pool_size))
            cls = {"max": keras.layers.MaxPooling2D, "avg": keras.layers.AveragePooling2D, "sum": SumPooling2D}[
                layer.pool
            ]
            x = cls(pool_size=size, name=name)(x)
        elif layer.kind == "flatten":
            x = keras.layers.Flatten(name=name)(x)
        elif layer.kind == "dense":
            x = keras.layers.Dense(int(layer.units), activation=layer.activation, name=name)(x)
        elif layer.kind == "dropout":
            x = keras.layers.Dropout(float(layer.rate), name=name)(x)
    return keras.Model(inputs, x, name="digit_cnn")
