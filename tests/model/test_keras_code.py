"""The generated Keras script runs and builds the same network as the editor's spec, with the chosen settings."""

import json
import os
import subprocess
import sys

import pytest

from model.architecture import build_model, conv, dense, dropout, flatten, pool, seed_spec
from model.errors import SpecError
from model.keras_code import keras_code, save_script
from model.recipes import TrainConfig, recipe

COMPARED = ("filters", "units", "kernel_size", "strides", "padding", "activation", "pool_size", "rate")

EDITED_SAME_STRIDE = [
    conv(32, padding="same"),
    conv(48, stride=2, padding="same", activation="tanh"),
    pool(2, "avg"),
    conv(64),
    flatten(),
    dropout(0.3),
    dense(64),
    dense(10, "softmax"),
]
EDITED_SUM_5X5 = [
    conv(16, kernel=5),
    pool(2, "sum"),
    conv(32, kernel=5, activation="elu"),
    pool(2, "max"),
    flatten(),
    dense(32, "sigmoid"),
    dense(10, "softmax"),
]


def _layers_of(summary_layers):
    """Class name and the compared config fields, JSON-normalised (tuples as lists)."""
    return [
        [layer["class_name"], {k: layer["config"][k] for k in COMPARED if k in layer["config"]}]
        for layer in summary_layers
        if layer["class_name"] != "InputLayer"
    ]


def _expected(spec):
    model = build_model(spec)
    layers = [{"class_name": type(layer).__name__, "config": layer.get_config()} for layer in model.layers]
    return json.loads(json.dumps(_layers_of(layers))), model.count_params()


def test_generated_scripts_run_and_build_the_editors_networks(tmp_path, mnist_path):
    cases = {
        "seed": (seed_spec(), TrainConfig()),
        "same_stride_avg_dropout": (EDITED_SAME_STRIDE, recipe("seed", batch_size=128)),
        "sum_5x5": (EDITED_SUM_5X5, recipe("seed", optimizer="adam", learning_rate=0.0005)),
    }
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "CUDA_VISIBLE_DEVICES": ""}
    procs = {}
    for name, (spec, config) in cases.items():
        script = tmp_path / f"{name}.py"
        script.write_text(keras_code(spec, config))
        cmd = [sys.executable, str(script), str(mnist_path), "--epochs", "1", "--limit", "2000",
               "--summary-json", str(tmp_path / f"{name}.json")]
        procs[name] = subprocess.Popen(cmd, cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                       text=True)
    outputs = {name: proc.communicate(timeout=300)[0] for name, proc in procs.items()}
    for name, (spec, config) in cases.items():
        assert procs[name].returncode == 0, outputs[name][-3000:]
        summary = json.loads((tmp_path / f"{name}.json").read_text())
        layers, params = _expected(spec)
        assert json.loads(json.dumps(_layers_of(summary["layers"]))) == layers, name
        assert summary["params"] == params, name
        assert summary["optimizer"]["name"].lower() == config.optimizer
        assert summary["optimizer"]["learning_rate"] == pytest.approx(config.lr())
        accuracy = float(outputs[name].split("Test accuracy:")[-1].split()[0])
        assert 0.0 <= accuracy <= 1.0
    assert json.loads((tmp_path / "seed.json").read_text())["params"] == 93_322
    seed_accuracy = float(outputs["seed"].split("Test accuracy:")[-1].split()[0])
    assert seed_accuracy > 0.6, "one epoch on 2,000 images should already learn"


def test_script_is_the_tutorials_code_with_the_chosen_settings():
    text = keras_code(seed_spec(), recipe("seed", epochs=7, batch_size=256))
    compile(text, "digit_cnn.py", "exec")
    assert "from keras import layers, models" in text
    assert "model = models.Sequential()" in text
    assert "model.add(layers.Conv2D(32, (3, 3), activation='relu'))" in text
    assert "model.add(layers.MaxPooling2D((2, 2)))" in text
    assert "model.add(layers.Dense(10, activation='softmax'))" in text
    assert "optimizer='rmsprop'" in text
    assert "loss='categorical_crossentropy'" in text
    assert "EPOCHS = 7" in text and "BATCH_SIZE = 256" in text
    assert "SumPooling2D" not in text


def test_a_non_default_learning_rate_is_written_out():
    text = keras_code(seed_spec(), recipe("seed", optimizer="sgd", learning_rate=0.05))
    assert "optimizer=keras.optimizers.SGD(learning_rate=0.05)" in text


def test_a_network_that_cannot_be_built_is_refused():
    with pytest.raises(SpecError):
        keras_code([conv(8, kernel=30), flatten(), dense(10, "softmax")])


def test_save_script_replaces_the_file_whole_and_leaves_no_temp(tmp_path):
    path = tmp_path / "digit_cnn.py"
    path.write_text("old")
    save_script("new script\n", path)
    assert path.read_text() == "new script\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["digit_cnn.py"]
    with pytest.raises(OSError):
        save_script("x", tmp_path / "missing" / "a.py")
    assert path.read_text() == "new script\n"
