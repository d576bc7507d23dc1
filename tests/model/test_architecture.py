"""The spec calculator (analyse) against Keras, spec validation, the seed model and SumPooling2D."""

import json
import random
import subprocess
import sys

import numpy as np
import pytest

from model.architecture import (
    LayerSpec,
    analyse,
    build_model,
    conv,
    dense,
    dropout,
    flatten,
    layer_names,
    pool,
    seed_spec,
    spec_from_json,
    spec_to_json,
    total_params,
)
from model.errors import SpecError

SEED_SHAPES = [(26, 26, 32), (13, 13, 32), (11, 11, 64), (5, 5, 64), (3, 3, 64), (576,), (64,), (10,)]


def _keras_layers(model):
    return [layer for layer in model.layers if type(layer).__name__ != "InputLayer"]


# The seed ---------------------------------------------------------------------------------------------------------


def test_seed_model_has_93322_params_and_the_seed_shapes():
    model = build_model()
    assert model.count_params() == 93_322
    layers = _keras_layers(model)
    assert [tuple(layer.output.shape[1:]) for layer in layers] == SEED_SHAPES
    assert [type(layer).__name__ for layer in layers] == [
        "Conv2D", "MaxPooling2D", "Conv2D", "MaxPooling2D", "Conv2D", "Flatten", "Dense", "Dense"
    ]
    assert tuple(model.inputs[0].shape[1:]) == (28, 28, 1)


def test_seed_analysis_without_keras():
    infos = analyse(seed_spec())
    assert [info.output_shape for info in infos] == SEED_SHAPES
    assert [info.params for info in infos] == [320, 0, 18_496, 0, 36_928, 0, 36_928, 650]
    assert total_params(seed_spec()) == 93_322
    assert infos[0].input_shape == (28, 28, 1)


# analyse() agrees with Keras on random valid specs ----------------------------------------------------------------


def random_spec(rng: random.Random) -> list[LayerSpec]:
    """A random network of the app's family; about half of what it makes is invalid (maps shrink below 1)."""
    spec = []
    for _ in range(rng.randint(1, 4)):
        spec.append(
            conv(
                rng.choice([2, 4, 6]),
                kernel=rng.choice([3, 5]),
                stride=rng.choice([1, 2]),
                padding=rng.choice(["valid", "same"]),
                activation=rng.choice(["relu", "tanh", "linear"]),
            )
        )
        if rng.random() < 0.7:
            spec.append(pool(rng.choice([2, 3]), rng.choice(["max", "avg", "sum"])))
        if rng.random() < 0.2:
            spec.append(dropout(rng.choice([0.0, 0.25, 0.5])))
    spec.append(flatten())
    for _ in range(rng.randint(0, 2)):
        spec.append(dense(rng.choice([3, 8, 16]), rng.choice(["relu", "sigmoid", "elu"])))
        if rng.random() < 0.3:
            spec.append(dropout(0.3))
    spec.append(dense(10, "softmax"))
    return spec


def _valid_random_specs(count: int, seed: int = 20240601):
    rng = random.Random(seed)
    valid, invalid = [], 0
    while len(valid) < count:
        spec = random_spec(rng)
        try:
            analyse(spec)
        except SpecError:
            invalid += 1
            continue
        valid.append(spec)
    return valid, invalid


RANDOM_SPECS, RANDOM_INVALID = _valid_random_specs(24)


def test_generator_covers_every_option():
    layers = [layer for spec in RANDOM_SPECS for layer in spec]
    assert {l.padding for l in layers if l.kind == "conv"} == {"valid", "same"}
    assert {l.stride for l in layers if l.kind == "conv"} == {1, 2}
    assert {l.kernel for l in layers if l.kind == "conv"} == {3, 5}
    assert {l.pool for l in layers if l.kind == "pool"} == {"max", "avg", "sum"}
    assert {l.pool_size for l in layers if l.kind == "pool"} == {2, 3}
    assert any(l.kind == "dropout" for l in layers)
    assert RANDOM_INVALID > 0  # the generator also exercises analyse's rejections


@pytest.mark.parametrize("index", range(len(RANDOM_SPECS)))
def test_analyse_agrees_with_keras(index):
    spec = RANDOM_SPECS[index]
    infos = analyse(spec)
    model = build_model(spec)
    layers = _keras_layers(model)
    assert len(layers) == len(infos)
    for info, layer in zip(infos, layers):
        assert layer.name == info.name
        assert tuple(layer.output.shape[1:]) == info.output_shape, f"{info.name} in {spec_to_json(spec)}"
        assert layer.count_params() == info.params, f"{info.name} in {spec_to_json(spec)}"
    assert model.count_params() == total_params(spec)


def test_layer_names_are_unique_and_readable():
    spec = [conv(4), pool(2, "sum"), conv(4), pool(2, "max"), flatten(), dropout(0.1), dense(8), dense(10, "softmax")]
    names = layer_names(spec)
    assert names == ["conv2d_1", "sum_pool_1", "conv2d_2", "max_pool_1", "flatten_1", "dropout_1", "dense_1", "dense_2"]


# Invalid specs ----------------------------------------------------------------------------------------------------

HEAD = [flatten(), dense(10, "softmax")]

INVALID = {
    "empty": ([], "no layers"),
    "conv shrinks below 1": (
        [conv(4, kernel=5), pool(2), conv(4, kernel=5), pool(2), conv(4, kernel=5), *HEAD],
        "Layer 5",
    ),
    "pool shrinks below 1": ([conv(4, stride=2), pool(3), pool(3), pool(3), *HEAD], "Layer 4"),
    "filters 0": ([conv(0), *HEAD], "Layer 1"),
    "kernel 0": ([conv(4), conv(4, kernel=0), *HEAD], "Layer 2"),
    "stride 0": ([conv(4, stride=0), *HEAD], "Layer 1"),
    "pool size 0": ([conv(4), pool(0), *HEAD], "Layer 2"),
    "units 0": ([conv(4), flatten(), dense(0), dense(10, "softmax")], "Layer 3"),
    "bad kind": ([conv(4), LayerSpec("convolution"), *HEAD], "Layer 2"),
    "bad padding": ([conv(4, padding="full"), *HEAD], "Layer 1"),
    "bad pool kind": ([conv(4), pool(2, "min"), *HEAD], "Layer 2"),
    "bad activation": ([conv(4, activation="swishy"), *HEAD], "Layer 1"),
    "dense before flatten": ([conv(4), dense(16), *HEAD], "Layer 2"),
    "conv after flatten": ([conv(4), flatten(), conv(4), *HEAD], "Layer 3"),
    "last layer not dense": ([conv(4), flatten()], "Layer 2"),
    "last layer wrong units": ([conv(4), flatten(), dense(5, "softmax")], "Layer 3"),
    "last layer not softmax": ([conv(4), flatten(), dense(10, "relu")], "Layer 3"),
    "dropout rate 1": ([conv(4), dropout(1.0), *HEAD], "Layer 2"),
    "filters not a number": ([conv("many"), *HEAD], "Layer 1"),
    "kernel fractional": ([conv(4, kernel=2.5), *HEAD], "Layer 1"),
    "units missing": ([conv(4), flatten(), dense(None), dense(10, "softmax")], "Layer 3"),
    "rate not a number": ([conv(4), dropout("half"), *HEAD], "Layer 2"),
}


@pytest.mark.parametrize("case", INVALID)
def test_invalid_spec_raises_spec_error_naming_the_layer(case):
    spec, where = INVALID[case]
    with pytest.raises(SpecError) as err:
        analyse(spec)
    assert where in str(err.value)
    with pytest.raises(SpecError):
        build_model(spec)


def test_invalid_specs_fail_before_any_tensorflow_work():
    """build_model and Trainer reject every bad spec without importing Keras or TensorFlow."""
    code = (
        "import sys\n"
        "from model.architecture import build_model, conv, pool, flatten, dense, dropout, LayerSpec\n"
        "from model.errors import SpecError\n"
        "from model.recipes import recipe\n"
        "from model.training import Trainer\n"
        "HEAD = [flatten(), dense(10, 'softmax')]\n"
        "bad = [\n"
        "    [conv(4, kernel=5), pool(2), conv(4, kernel=5), pool(2), conv(4, kernel=5), *HEAD],\n"
        "    [conv(0), *HEAD], [conv(4, padding='full'), *HEAD], [LayerSpec('nope'), *HEAD],\n"
        "    [conv(4), dense(16), *HEAD], [conv(4), flatten(), dense(10)], [conv('x'), *HEAD],\n"
        "]\n"
        "for spec in bad:\n"
        "    for make in (lambda: build_model(spec), lambda: Trainer(recipe('seed', spec=spec))):\n"
        "        try:\n"
        "            make()\n"
        "        except SpecError as exc:\n"
        "            assert 'Layer' in str(exc), exc\n"
        "        else:\n"
        "            raise SystemExit('no SpecError for %r' % (spec,))\n"
        "print(sorted(m for m in ('keras', 'tensorflow') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr + out.stdout
    assert out.stdout.strip().splitlines()[-1] == "[]"


# JSON round trip --------------------------------------------------------------------------------------------------


def test_spec_json_round_trip():
    from model.recipes import robust_spec

    for spec in [seed_spec(), robust_spec(), *RANDOM_SPECS]:
        text = json.dumps(spec_to_json(spec))
        back = spec_from_json(json.loads(text))
        assert back == spec
        assert spec_to_json(back) == spec_to_json(spec)
        assert analyse(back) == analyse(spec)


def test_spec_json_keeps_only_relevant_fields():
    assert spec_to_json([pool(3, "sum")]) == [{"kind": "pool", "pool": "sum", "pool_size": 3}]
    assert spec_to_json([flatten()]) == [{"kind": "flatten"}]
    assert spec_to_json([dropout(0.5)]) == [{"kind": "dropout", "rate": 0.5}]


@pytest.mark.parametrize(
    "data",
    [{"kind": "conv"}, [{"filters": 3}], [{"kind": "conv", "colour": "red"}], ["conv"], "seed", None],
)
def test_spec_from_json_rejects_malformed_data(data):
    with pytest.raises(SpecError):
        spec_from_json(data)


# SumPooling2D -----------------------------------------------------------------------------------------------------


def _numpy_window_sums(x, p):
    n, h, w, c = x.shape
    oh, ow = h // p, w // p
    return x[:, : oh * p, : ow * p].reshape(n, oh, p, ow, p, c).sum(axis=(2, 4))


@pytest.mark.parametrize("p", [2, 3, 5])
def test_sum_pooling_gives_exact_window_sums(p):
    from model.layers import SumPooling2D

    rng = np.random.default_rng(p)
    ints = rng.integers(0, 256, (3, 11, 13, 4)).astype("float32")  # integer sums are exact in float32
    out = np.asarray(SumPooling2D(pool_size=p)(ints))
    np.testing.assert_array_equal(out, _numpy_window_sums(ints, p))
    floats = rng.random((3, 11, 13, 4)).astype("float32")
    out = np.asarray(SumPooling2D(pool_size=p)(floats))
    np.testing.assert_allclose(out, _numpy_window_sums(floats.astype(np.float64), p), rtol=1e-6, atol=1e-6)


def test_sum_pooling_survives_save_and_load(tmp_path):
    import keras

    spec = [conv(4), pool(3, "sum"), conv(4, padding="same"), pool(2, "sum"), flatten(), dense(10, "softmax")]
    model = build_model(spec)
    x = np.random.default_rng(1).random((4, 28, 28, 1)).astype("float32")
    expected = np.asarray(model.predict_on_batch(x))
    path = tmp_path / "sum.keras"
    model.save(path)
    loaded = keras.saving.load_model(path)  # registered: no custom_objects needed
    assert [type(l).__name__ for l in _keras_layers(loaded)].count("SumPooling2D") == 2
    assert loaded.get_layer("sum_pool_1").pool_size == (3, 3)
    np.testing.assert_allclose(np.asarray(loaded.predict_on_batch(x)), expected, rtol=1e-6, atol=1e-7)
    sums = keras.Model(loaded.inputs, loaded.get_layer("sum_pool_1").output).predict_on_batch(x)
    convs = keras.Model(loaded.inputs, loaded.get_layer("conv2d_1").output).predict_on_batch(x)
    expected_sums = _numpy_window_sums(np.asarray(convs, np.float64), 3)
    np.testing.assert_allclose(np.asarray(sums), expected_sums, rtol=1e-5, atol=1e-5)
