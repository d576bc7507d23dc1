"""Which path training takes (tf_backend.training_path), and that each path trains the seed's maths: the public
fallback for a Keras outside the tested range (model/keras_internals.py) and MirroredStrategy for 2+ devices."""

from __future__ import annotations

import json
import logging
import math
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from model import keras_internals, tf_backend
from model.control import TrainControl
from model.data import prepare
from model.recipes import recipe
from model.reports import TrainCallbacks
from model.training import Trainer

HERE = Path(__file__).resolve().parent


def test_training_path_by_device_count():
    path = tf_backend.training_path
    assert path(0) == "cpu-slices"
    assert path(1) == "single-gpu"
    assert path(2) == path(8) == "mirrored"
    assert path(0, keras_supported=False) == path(1, keras_supported=False) == "public-fallback"
    assert path(2, keras_supported=False) == "mirrored"  # public Keras API only
    assert path(0, forced="mirrored") == "mirrored"
    with pytest.raises(ValueError, match="DIGIT_TRAINER_PATH"):
        path(0, forced="towers")


def test_supported_keras_range():
    assert keras_internals.in_range((3, 15, 1)) and keras_internals.in_range((3, 15))
    assert not keras_internals.in_range((3, 14, 9)) and not keras_internals.in_range((3, 16, 0))
    assert not keras_internals.in_range((4, 0, 0))
    assert keras_internals.installed_version()[:2] == (3, 15)  # the version this repo was tested on
    assert keras_internals.supported()


@pytest.fixture(scope="module")
def data(raw_mnist):
    return prepare(raw_mnist, validation_split=0.1, limit_train=2000, limit_test=500, seed=0)  # 1800 / 200 / 500


@pytest.fixture
def unsupported_keras(monkeypatch):
    """The installed Keras as if it were outside SUPPORTED_KERAS."""
    monkeypatch.setattr(keras_internals, "installed_version", lambda: (3, 99, 0))
    monkeypatch.setattr(keras_internals, "_supported", None)


def _run(cfg, data, callbacks=None, control=None):
    import keras

    from model.architecture import build_model

    keras.utils.set_random_seed(cfg.seed)
    model = build_model(list(cfg.spec))
    return Trainer(cfg, callbacks, control).run(data, model)


def test_public_fallback_trains_as_the_normal_path(data, unsupported_keras, monkeypatch, caplog):
    """Off the tested Keras: no slices, no swapped train functions, no reuse; Keras' plain fit gives the same run
    as the engine's own path with one slice and one batch per call, and says so in one log line."""
    caplog.set_level(logging.WARNING, logger="digit_trainer")
    cfg = recipe("seed", epochs=2, batch_size=64, seed=5, steps_per_execution=1)
    model, fallback = _run(cfg, data)
    assert tf_backend.path() == "public-fallback" and tf_backend.towers() == 1
    assert "train_step" not in model.__dict__ and not hasattr(model, "_digit_train_functions")
    assert fallback.test_accuracy > 0.6  # 1,800 images, 2 epochs (measured 0.658)
    lines = [r.getMessage() for r in caplog.records if "public path" in r.getMessage()]
    assert len(lines) == 1 and "3.99.0" in lines[0], lines

    monkeypatch.setattr(keras_internals, "_supported", True)
    monkeypatch.setattr(tf_backend, "_towers", 1)  # DIGIT_TRAINER_TOWERS=1: Keras' own step
    _, normal = _run(cfg, data)
    assert len(fallback.history) == len(normal.history) == 2
    for f, n in zip(fallback.history, normal.history):
        assert (f.loss, f.val_loss) == pytest.approx((n.loss, n.val_loss), rel=1e-5)
    assert fallback.test_loss == pytest.approx(normal.test_loss, rel=1e-5)


def test_public_fallback_groups_batches_and_stops(data, unsupported_keras, caplog):
    """Keras' own steps_per_execution: batches are counted from the optimiser, and Stop lands between calls."""
    caplog.set_level(logging.WARNING, logger="digit_trainer")
    cfg = recipe("seed", epochs=2, batch_size=32, steps_per_execution=8)
    model, result = _run(cfg, data)
    steps = math.ceil(1800 / 32)
    assert result.extra["batches"] == int(model.optimizer.iterations.numpy()) == 2 * steps
    assert result.epochs_done == 2 and result.test_accuracy > 0.6

    control = TrainControl()
    reports = []

    def on_batch(report):
        reports.append(report)
        control.stop()

    model, result = _run(cfg, data, TrainCallbacks(on_batch=on_batch), control)
    assert result.stopped and result.epochs_done == 0
    assert int(model.optimizer.iterations.numpy()) == reports[-1].batch <= 8  # one call of up to 8 batches
    assert sum("public path" in r.getMessage() for r in caplog.records) == 1  # once per process, not per run


def _mirrored_run(mnist: Path, devices: int, env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, str(HERE / "mirrored_run.py"), str(mnist), str(devices)],
        env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _result(process) -> dict:
    out, err = process.communicate(timeout=600)
    assert process.returncode == 0, err[-3000:]
    return json.loads(out.strip().splitlines()[-1])


def test_mirrored_strategy_trains_as_one_device(mnist_path):
    """MirroredStrategy over two logical CPU devices (each gets half of every batch) gives one device's loss curve.

    Measured: the first 21 batches agree to 1e-6; later ones drift apart as RMSprop magnifies the different order
    of float additions, to 1.2e-3 in the running mean by batch 32, the same drift the CPU slices show against the
    whole batch (they too add two halves' gradients). The bound is 5e-3, the test accuracy within 0.02.
    """
    mirrored = _mirrored_run(mnist_path, 2, {"DIGIT_TRAINER_PATH": "mirrored"})
    single = _mirrored_run(mnist_path, 1, {"DIGIT_TRAINER_TOWERS": "1", "DIGIT_TRAINER_PATH": ""})
    a, b = _result(mirrored), _result(single)
    assert (a["path"], a["replicas"]) == ("mirrored", 2) and "MirroredStrategy" in a["device"]
    assert (b["path"], b["replicas"]) == ("cpu-slices", 1)
    assert a["batches"] == b["batches"] == math.ceil(2000 / 64) == len(a["losses"]) == len(b["losses"])
    np.testing.assert_allclose(a["losses"][:10], b["losses"][:10], rtol=1e-5)
    np.testing.assert_allclose(a["losses"], b["losses"], rtol=0, atol=5e-3)
    assert a["losses"][-1] < a["losses"][0] - 0.5  # it learnt
    assert a["test_accuracy"] == pytest.approx(b["test_accuracy"], abs=0.02)
