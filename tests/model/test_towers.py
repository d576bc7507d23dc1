"""Data-parallel slices ("towers", model/towers.py): the same maths as Keras' own steps, whatever the batch size."""

from __future__ import annotations

import numpy as np
import pytest

from model import tf_backend


@pytest.mark.parametrize(
    "cores, override, expected",
    [(1, None, (1, 1)), (2, None, (2, 1)), (3, None, (3, 1)), (8, None, (4, 2)), (64, None, (4, 16)),
     (2, "1", (1, 2)), (8, "2", (2, 4))],
)  # fmt: skip
def test_plan_gives_one_single_threaded_slice_per_core_up_to_four(cores, override, expected):
    assert tf_backend.plan_towers(cores, override) == expected


def test_plan_rejects_a_towers_setting_that_is_not_a_number():
    with pytest.raises(ValueError, match=r"DIGIT_TRAINER_TOWERS='two'"):
        tf_backend.plan_towers(2, "two")


def _data(n, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.random((n, 28, 28, 1), dtype=np.float32)
    labels = (x[:, 10:18, 10:18, 0].mean(axis=(1, 2)) * 40).astype(int) % 10  # learnable, not random
    return x, np.eye(10, dtype=np.float32)[labels]


def _model(k, optimizer="sgd"):
    import keras

    from model import towers
    from model.architecture import build_model, seed_spec

    keras.utils.set_random_seed(0)
    model = build_model(seed_spec())
    opt = keras.optimizers.SGD(0.05) if optimizer == "sgd" else keras.optimizers.RMSprop()
    model.compile(optimizer=opt, loss="categorical_crossentropy", metrics=["accuracy"])
    assert towers.install(model, k) == (k > 1)
    return model


@pytest.mark.parametrize("k", [2, 3])
@pytest.mark.parametrize("batch", [64, 33, 2, 1])
def test_one_step_in_slices_updates_the_weights_as_keras_does(k, batch):
    x, y = _data(batch)
    updates, logs = {}, {}
    for towers in (1, k):
        model = _model(towers)
        before = model.get_weights()
        logs[towers] = model.train_on_batch(x, y, return_dict=True)
        updates[towers] = [after - b for after, b in zip(model.get_weights(), before)]
    for plain, sliced in zip(updates[1], updates[k]):
        assert np.abs(plain).max() > 0
        np.testing.assert_allclose(sliced, plain, rtol=0, atol=1e-4 * np.abs(plain).max())
    assert logs[k]["loss"] == pytest.approx(logs[1]["loss"], rel=1e-6)
    assert logs[k]["accuracy"] == pytest.approx(logs[1]["accuracy"])


def test_training_in_slices_follows_keras_epoch_by_epoch():
    x, y = _data(64 * 6 + 17)
    histories = {}
    for k in (1, 2):
        model = _model(k, optimizer="rmsprop")
        histories[k] = model.fit(x, y, batch_size=64, epochs=3, shuffle=False, verbose=0).history
    np.testing.assert_allclose(histories[2]["loss"], histories[1]["loss"], rtol=2e-3)  # RMSprop amplifies rounding
    assert histories[2]["loss"][-1] < histories[2]["loss"][0]  # it learns


def test_evaluate_and_predict_in_slices_equal_keras():
    x, y = _data(777, seed=1)
    plain, sliced = _model(1), _model(2)
    sliced.set_weights(plain.get_weights())
    for batch_size in (100, 777, 1):
        a = plain.evaluate(x, y, batch_size=batch_size, verbose=0, return_dict=True)
        b = sliced.evaluate(x, y, batch_size=batch_size, verbose=0, return_dict=True)
        assert b["loss"] == pytest.approx(a["loss"], rel=1e-5)
        assert b["accuracy"] == pytest.approx(a["accuracy"])
    for n in (1, 2, 5, 500):
        np.testing.assert_allclose(sliced.predict_on_batch(x[:n]), plain.predict_on_batch(x[:n]), atol=1e-6)


def test_install_keeps_keras_steps_for_other_losses_and_can_be_undone():
    import keras

    from model import towers
    from model.architecture import build_model, seed_spec

    model = build_model(seed_spec())
    model.compile(optimizer="sgd", loss="mse")
    towers.install(model, 2)
    assert "train_step" not in model.__dict__ and "test_step" not in model.__dict__
    assert "predict_step" in model.__dict__  # prediction needs no loss
    x, y = _data(10)
    model.train_on_batch(x, y)  # Keras' own step, with mse
    towers.install(model, 1)
    assert towers.installed(model) == 1 and "predict_step" not in model.__dict__
    assert isinstance(model, keras.Model)


def test_the_trainer_trains_in_the_slices_the_backend_chose(raw_mnist):
    from model import towers
    from model.data import prepare
    from model.recipes import recipe
    from model.training import Trainer

    tf_backend.configure()
    data = prepare(raw_mnist, validation_split=0.1, limit_train=600, limit_test=200, seed=0)
    cfg = recipe("seed", epochs=1, steps_per_execution=4)
    model, result = Trainer(cfg).run(data)
    assert towers.installed(model) == tf_backend.towers()
    assert result.test_accuracy is not None and result.epochs_done == 1
