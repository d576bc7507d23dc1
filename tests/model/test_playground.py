"""The playground's numpy convolution and pooling equal Keras' layers exactly, and its steps add up."""

import itertools
import subprocess
import sys

import numpy as np
import pytest

from model.playground import CASES, case, conv2d, fmt, pool2d, same_padding

keras = pytest.importorskip("keras")


def keras_conv(x, k, stride, padding):
    """Keras' Conv2D with ``k`` as its only filter and no bias, applied to one single-channel map."""
    x = np.asarray(x, dtype="float32")[None, :, :, None]
    layer = keras.layers.Conv2D(1, k.shape[0], strides=stride, padding=padding, use_bias=False)
    layer.build(x.shape)
    layer.set_weights([np.asarray(k, dtype="float32")[:, :, None, None]])
    return np.asarray(layer(x))[0, :, :, 0]


def keras_pool(x, size, kind):
    from model.layers import SumPooling2D

    cls = {"max": keras.layers.MaxPooling2D, "avg": keras.layers.AveragePooling2D, "sum": SumPooling2D}[kind]
    return np.asarray(cls(pool_size=size)(np.asarray(x, dtype="float32")[None, :, :, None]))[0, :, :, 0]


def keras_case(c, x, k=None):
    if c.is_conv:
        return keras_conv(x, np.asarray(c.kernel if k is None else k), c.stride, c.padding)
    return keras_pool(x, c.pool_size, c.pool)


EXPECTED_SIZES = {"valid": 3, "same": 5, "stride2": 3, "max": 2, "avg": 2, "sum": 2}


@pytest.mark.parametrize("c", CASES, ids=lambda c: c.key)
def test_case_equals_keras_on_its_own_input(c):
    out, steps = c.run()
    assert out.shape == (EXPECTED_SIZES[c.key],) * 2
    np.testing.assert_array_equal(out, keras_case(c, c.x))  # small integers: exact in float32 too
    assert len(steps) == out.size


@pytest.mark.parametrize("c", CASES, ids=lambda c: c.key)
def test_case_equals_keras_on_random_inputs(c):
    rng = np.random.default_rng(7)
    n = len(c.x)
    for _ in range(5):
        # Values exactly representable in float32, so both sides start from the same numbers.
        x = rng.normal(size=(n, n)).astype(np.float32).astype(np.float64)
        k = rng.normal(size=(3, 3)).astype(np.float32).astype(np.float64) if c.is_conv else None
        out, _ = c.run(x, k)
        np.testing.assert_allclose(out, keras_case(c, x, k), rtol=1e-6, atol=1e-6)
        ints = rng.integers(-9, 10, size=(n, n)).astype(np.float64)
        kints = rng.integers(-3, 4, size=(3, 3)).astype(np.float64) if c.is_conv else None
        np.testing.assert_array_equal(c.run(ints, kints)[0], keras_case(c, ints, kints))


def test_conv_equals_keras_for_every_size_stride_and_padding():
    """Odd and even sizes, so 'same' padding's extra zero on the bottom/right is exercised."""
    rng = np.random.default_rng(3)
    checked = 0
    for n, k, s, padding in itertools.product((4, 5, 6, 7), (1, 2, 3, 4, 5), (1, 2, 3), ("valid", "same")):
        if padding == "valid" and k > n:
            continue
        x = rng.integers(-5, 6, size=(n, n)).astype(np.float64)
        kernel = rng.integers(-3, 4, size=(k, k)).astype(np.float64)
        out, steps = conv2d(x, kernel, s, padding)
        np.testing.assert_array_equal(out, keras_conv(x, kernel, s, padding), err_msg=f"{n=} {k=} {s=} {padding}")
        checked += 1
    assert checked > 100


@pytest.mark.parametrize("kind", ["max", "avg", "sum"])
@pytest.mark.parametrize("n,size", [(4, 2), (5, 2), (6, 3), (7, 3), (3, 3)])
def test_pool_equals_keras(kind, n, size):
    x = np.random.default_rng(n * size).normal(size=(n, n)).astype(np.float32).astype(np.float64)
    out, _ = pool2d(x, size, kind)
    assert out.shape == (n // size,) * 2
    np.testing.assert_allclose(out, keras_pool(x, size, kind), rtol=1e-6, atol=1e-6)


def test_conv_is_cross_correlation_not_flipped():
    """A single 1 in the middle of the input reproduces the kernel rotated by 180°, as Keras does."""
    x = np.zeros((3, 3))
    x[1, 1] = 1
    k = np.arange(1, 10, dtype=float).reshape(3, 3)
    out, _ = conv2d(x, k, 1, "same")
    np.testing.assert_array_equal(out, k[::-1, ::-1])
    np.testing.assert_array_equal(out, keras_conv(x, k, 1, "same"))
    assert conv2d(np.ones((3, 3)) * np.arange(3), k)[0][0, 0] == np.sum(np.arange(3) * k)


def test_same_padding_puts_the_odd_zero_bottom_right():
    assert same_padding(5, 3, 1) == (1, 1)
    assert same_padding(5, 3, 2) == (1, 1)
    assert same_padding(4, 3, 2) == (0, 1)
    assert same_padding(6, 4, 1) == (1, 2)
    assert same_padding(6, 1, 2) == (0, 0)
    _, steps = conv2d(np.ones((4, 4)), np.ones((3, 3)), 2, "same")
    assert (steps[0].top, steps[0].left) == (0, 0)
    assert steps[-1].cells()[-1] == (4, 4)  # the window's last cell is the one padding zero after the input


@pytest.mark.parametrize("c", CASES, ids=lambda c: c.key)
def test_steps_add_up_to_the_output(c):
    x = np.random.default_rng(1).integers(-4, 5, size=(len(c.x),) * 2).astype(float)
    out, steps = c.run(x)
    before, _ = c.padding_amounts()
    assert [(s.out_row, s.out_col) for s in steps] == list(np.ndindex(out.shape))
    for step in steps:
        assert step.result == out[step.out_row, step.out_col]
        assert step.text.endswith("= " + fmt(step.result))
        cells = step.cells()
        assert len(cells) == len(step.values) == step.size**2
        for (r, col), value in zip(cells, step.values):
            inside = 0 <= r < x.shape[0] and 0 <= col < x.shape[1]
            assert value == (x[r, col] if inside else 0.0)
        if c.is_conv:
            assert (step.top, step.left) == (step.out_row * c.stride - before, step.out_col * c.stride - before)
            assert step.weights == tuple(np.asarray(c.kernel, float).ravel())
            assert sum(v * w for v, w in zip(step.values, step.weights)) == pytest.approx(step.result)
            assert step.text.count("·") == step.size**2
        else:
            agg = {"max": max, "avg": lambda v: sum(v) / len(v), "sum": sum}[c.pool]
            assert agg(step.values) == pytest.approx(step.result)


def test_step_text_is_the_filled_in_arithmetic():
    _, steps = case("valid").run()
    assert steps[0].text == "3·0 + 3·1 + 2·2 + 0·2 + 0·2 + 1·0 + 3·0 + 1·1 + 2·2 = 12"
    _, steps = conv2d([[1, -2], [0.5, 3]], [[-1]])
    assert steps[1].text == "(−2)·(−1) = 2"
    assert pool2d([[1, 2], [3, 4]], 2, "max")[1][0].text == "max(1, 2, 3, 4) = 4"
    assert pool2d([[1, 2], [3, 4]], 2, "avg")[1][0].text == "(1 + 2 + 3 + 4) / 4 = 2.5"
    assert pool2d([[1, 2], [3, -4]], 2, "sum")[1][0].text == "1 + 2 + 3 + (−4) = 2"


def test_formulas_fill_in_the_numbers():
    assert case("valid").formula() == "valid: out = ⌊(n−k)/s⌋ + 1 = ⌊(5−3)/1⌋ + 1 = 3"
    assert case("same").formula().startswith("same: out = ⌈n/s⌉ = ⌈5/1⌉ = 5; zeros added")
    assert "= 2: 1 top/left, 1 bottom/right" in case("same").formula()
    assert "⌈5/2⌉ = 3" in case("stride2").formula()
    assert case("max").formula() == "max pool: out = ⌊n/p⌋ = ⌊4/2⌋ = 2"
    assert case("sum").formula() == "sum pool: out = ⌊n/p⌋ = ⌊4/2⌋ = 2"


def test_bad_grids_raise_value_error_not_crash():
    with pytest.raises(ValueError, match="square"):
        conv2d(np.ones((2, 3)), np.ones((1, 1)))
    with pytest.raises(ValueError, match="finite"):
        pool2d([[1, float("nan")], [0, 0]])
    with pytest.raises(ValueError, match="does not fit"):
        conv2d(np.ones((2, 2)), np.ones((3, 3)))
    with pytest.raises(KeyError):
        case("full")


def test_fmt_writes_numbers_as_people_do():
    values = (3.0, 2.5, -1.0, -0.0, 1 / 3, -18505.5, 2e-7, 123456789.0)
    assert [fmt(v) for v in values] == ["3", "2.5", "−1", "0", "0.3333", "−18505.5", "2e−07", "123456789"]


def test_importing_the_playground_loads_neither_tensorflow_nor_qt():
    code = (
        "import sys, model.playground\n"
        "print(sorted(m for m in ('tensorflow', 'keras', 'PySide6') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "[]"
