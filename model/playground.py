"""The seed's convolution and pooling lessons as data and step-by-step arithmetic (pure numpy, no TensorFlow).

:func:`conv2d` and :func:`pool2d` compute exactly what Keras' ``Conv2D`` (one filter, no bias), ``MaxPooling2D``,
``AveragePooling2D`` and :class:`~model.layers.SumPooling2D` compute on a single-channel map, and also return one
:class:`Step` per output cell: where the window sits and the arithmetic that gives the cell, so a view can replay it.

Keras' conventions, followed to the letter:

* ``Conv2D`` is a cross-correlation: the kernel slides over the input unflipped.
* ``'same'`` padding makes the output ``⌈n/s⌉`` wide and pads ``max((out − 1)·s + k − n, 0)`` zeros in total
  along each axis, ``total // 2`` on the top/left and the rest (one more, when odd) on the bottom/right.
* Pooling is ``'valid'`` with stride equal to the pool size, so the output is ``⌊n/p⌋`` wide.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from model.architecture import PADDINGS, POOL_KINDS, analyse, conv, conv_out, dense, flatten, pool, pool_out


@dataclass(frozen=True)
class Step:
    """How one output cell is computed.

    ``top``/``left`` are the window's first input row/column; they are negative where the window starts in 'same'
    padding. ``values`` are the input values under the window (padding reads 0), row by row; ``weights`` are the
    kernel values they are multiplied with (``None`` for pooling).
    """

    out_row: int
    out_col: int
    top: int
    left: int
    size: int
    values: tuple[float, ...]
    weights: tuple[float, ...] | None
    result: float
    text: str

    def cells(self) -> list[tuple[int, int]]:
        """The (row, column) input positions the window covers, padding included, row by row."""
        return [(self.top + r, self.left + c) for r in range(self.size) for c in range(self.size)]


def fmt(value: float) -> str:
    """A number as a person writes it: 3, 2.5, −1 (a real minus sign), 0.3333 (four decimals at most), −18505.5."""
    value = float(value)
    if value == 0:
        return "0"  # no "−0"
    if abs(value) < 1e-4 or abs(value) >= 1e15:
        text = f"{value:.4g}"
    else:
        text = f"{round(value, 4):.15g}"
    return text.replace("-", "−")


def _factor(value: float) -> str:
    text = fmt(value)
    return f"({text})" if text.startswith("−") else text


def same_padding(n: int, k: int, s: int) -> tuple[int, int]:
    """Keras/TensorFlow 'same' padding along one axis: (before, after), the odd extra zero going after."""
    out = conv_out(n, k, s, "same")
    total = max((out - 1) * s + k - n, 0)
    return total // 2, total - total // 2


def _square(x, name: str) -> np.ndarray:
    a = np.asarray(x, dtype=np.float64)
    if a.ndim != 2 or a.shape[0] != a.shape[1] or a.shape[0] < 1:
        raise ValueError(f"The {name} must be a square 2-D grid, not shape {a.shape}.")
    if not np.all(np.isfinite(a)):
        raise ValueError(f"The {name} holds a value that is not a finite number.")
    return a


def conv2d(x, k, stride: int = 1, padding: str = "valid") -> tuple[np.ndarray, list[Step]]:
    """Keras' ``Conv2D`` with one input channel, one filter and no bias: the output and one Step per cell."""
    x, k = _square(x, "input"), _square(k, "kernel")
    if padding not in PADDINGS:
        raise ValueError(f"Padding {padding!r} is not one of {', '.join(PADDINGS)}.")
    n, size = x.shape[0], k.shape[0]
    out = conv_out(n, size, stride, padding)
    if out < 1:
        raise ValueError(f"A {size}×{size} kernel does not fit a {n}×{n} input.")
    before, after = same_padding(n, size, stride) if padding == "same" else (0, 0)
    padded = np.pad(x, ((before, after), (before, after)))
    result = np.zeros((out, out))
    steps = []
    weights = tuple(float(w) for w in k.ravel())
    for i in range(out):
        for j in range(out):
            window = padded[i * stride : i * stride + size, j * stride : j * stride + size]
            values = tuple(float(v) for v in window.ravel())
            total = float(np.sum(window * k))
            result[i, j] = total
            terms = " + ".join(f"{_factor(v)}·{_factor(w)}" for v, w in zip(values, weights))
            top, left = i * stride - before, j * stride - before
            steps.append(Step(i, j, top, left, size, values, weights, total, f"{terms} = {fmt(total)}"))
    return result, steps


def pool2d(x, size: int = 2, kind: str = "max") -> tuple[np.ndarray, list[Step]]:
    """Keras' ``MaxPooling2D`` / ``AveragePooling2D`` / ``SumPooling2D`` ('valid', stride = size) on one map."""
    x = _square(x, "input")
    if kind not in POOL_KINDS:
        raise ValueError(f"Pooling {kind!r} is not one of {', '.join(POOL_KINDS)}.")
    out = pool_out(x.shape[0], size)
    if out < 1:
        raise ValueError(f"A {size}×{size} pool does not fit a {x.shape[0]}×{x.shape[0]} input.")
    result = np.zeros((out, out))
    steps = []
    for i in range(out):
        for j in range(out):
            window = x[i * size : (i + 1) * size, j * size : (j + 1) * size]
            values = tuple(float(v) for v in window.ravel())
            listed = ", ".join(fmt(v) for v in values)
            added = " + ".join(_factor(v) for v in values)
            if kind == "max":
                value = float(window.max())
                text = f"max({listed}) = {fmt(value)}"
            elif kind == "avg":
                value = float(window.mean())
                text = f"({added}) / {len(values)} = {fmt(value)}"
            else:
                value = float(window.sum())
                text = f"{added} = {fmt(value)}"
            result[i, j] = value
            steps.append(Step(i, j, i * size, j * size, size, values, None, value, text))
    return result, steps


@dataclass(frozen=True)
class Case:
    """One lesson: an input, a kernel (convolution) or a pool kind and size, and what it shows."""

    key: str
    title: str
    lesson: str
    x: tuple[tuple[float, ...], ...]
    kernel: tuple[tuple[float, ...], ...] | None = None
    stride: int = 1
    padding: str = "valid"
    pool: str = "max"
    pool_size: int = 2

    @property
    def is_conv(self) -> bool:
        return self.kernel is not None

    def run(self, x=None, kernel=None) -> tuple[np.ndarray, list[Step]]:
        """This case's output and steps, on its own input and kernel or on edited ones."""
        x = self.x if x is None else x
        if self.is_conv:
            return conv2d(x, self.kernel if kernel is None else kernel, self.stride, self.padding)
        return pool2d(x, self.pool_size, self.pool)

    def padding_amounts(self) -> tuple[int, int]:
        """Zeros added (before, after) along each axis: non-zero only for 'same' convolutions."""
        if self.is_conv and self.padding == "same":
            return same_padding(len(self.x), len(self.kernel), self.stride)
        return 0, 0

    def formula(self) -> str:
        """The output-size formula with this case's numbers, in the words of the architecture explorer."""
        n = len(self.x)
        if self.is_conv:
            layer = conv(1, kernel=len(self.kernel), stride=self.stride, padding=self.padding)
        else:
            layer = pool(self.pool_size, self.pool)
        text = analyse([layer, flatten(), dense(10, "softmax")], input_shape=(n, n, 1))[0].formula
        if self.is_conv and self.padding == "same":
            out, k, s = conv_out(n, len(self.kernel), self.stride, "same"), len(self.kernel), self.stride
            before, after = self.padding_amounts()
            text = text.split("; ", 1)[-1]
            text = (
                f"same: {text}; zeros added = max((out−1)·s + k − n, 0) = max(({out}−1)·{s} + {k} − {n}, 0) "
                f"= {before + after}: {before} top/left, {after} bottom/right"
            )
        return text


# A 5×5 input and 3×3 kernel (the classic convolution-arithmetic example) and a 4×4 map for pooling.
_X5 = ((3, 3, 2, 1, 0), (0, 0, 1, 3, 1), (3, 1, 2, 2, 3), (2, 0, 0, 2, 2), (2, 0, 0, 0, 1))
_K3 = ((0, 1, 2), (2, 2, 0), (0, 1, 2))
_X4 = ((1, 1, 2, 4), (5, 6, 7, 8), (3, 2, 1, 0), (1, 2, 3, 4))

CASES = (
    Case(
        "valid", "Convolution, valid padding", "A 3×3 kernel fits a 5×5 input in 3×3 places: the map shrinks.",
        _X5, _K3,
    ),
    Case(
        "same", "Convolution, same padding",
        "A border of zeros lets the 3×3 kernel visit every pixel: 5×5 stays 5×5.", _X5, _K3, padding="same",
    ),
    Case(
        "stride2", "Convolution, stride 2 (same padding)",
        "Jumping two pixels a step halves the map, rounding up: 5×5 becomes 3×3 (valid padding would give 2×2).",
        _X5, _K3, stride=2, padding="same",
    ),
    Case("max", "Max pooling 2×2", "Each 2×2 block keeps its largest value: 4×4 becomes 2×2.", _X4, pool="max"),
    Case("avg", "Average pooling 2×2", "Each 2×2 block becomes its mean: 4×4 becomes 2×2.", _X4, pool="avg"),
    Case("sum", "Sum pooling 2×2", "Each 2×2 block becomes its sum: 4×4 becomes 2×2.", _X4, pool="sum"),
)


def case(key: str) -> Case:
    """The case named ``key`` (valid, same, stride2, max, avg, sum)."""
    for c in CASES:
        if c.key == key:
            return c
    raise KeyError(f"No playground case {key!r}; choose one of {', '.join(c.key for c in CASES)}.")
