"""Fine-tuning on the user's samples: the held-out split, the MNIST mix, and a real short run on a copy."""

from __future__ import annotations

import numpy as np
import pytest

from model.errors import DigitTrainerError
from model.finetune import FineTuneSettings, fine_tune, mixed_training_set, split_holdout


def test_split_holdout_is_stratified_and_complete():
    labels = np.array([0] * 10 + [1] * 5 + [2] * 2 + [3])
    train, held = split_holdout(labels, 0.2, seed=1)
    assert sorted(np.concatenate([train, held]).tolist()) == list(range(len(labels)))
    assert not set(train) & set(held)
    assert np.bincount(labels[held], minlength=4).tolist() == [2, 1, 1, 0]  # a lone 3 is only trained on
    assert split_holdout(labels, 0.2, seed=1)[1].tolist() == held.tolist()  # the same seed, the same split


def test_mixed_training_set(raw_mnist):
    x = np.random.default_rng(0).random((5, 28, 28)).astype(np.float32)
    y = np.array([1, 2, 3, 4, 5])
    data = mixed_training_set(x, y, raw_mnist, FineTuneSettings(user_repeats=3, mnist_per_user=4))
    assert data.x_train.shape == (15 + 60, 28, 28, 1) and data.y_train.shape == (75, 10)
    np.testing.assert_array_equal(data.x_train[5:10, ..., 0], x)
    assert data.y_train[:15].argmax(axis=1).tolist() == y.tolist() * 3
    assert data.x_val is None and len(data.x_test) == 0


@pytest.fixture(scope="module")
def small_model(raw_mnist):
    from model.data import prepare
    from model.recipes import recipe
    from model.training import Trainer

    cfg = recipe("seed", epochs=1, batch_size=32, limit_train=3000, limit_test=0, validation_split=0.0)
    model, _ = Trainer(cfg).run(prepare(raw_mnist, validation_split=0.0, limit_train=3000, limit_test=0))
    return model


def user_samples(n=30):
    from model import pendigits
    from model.preprocess import to_mnist

    path = pendigits.find_file()
    if path is None:
        pytest.skip("pendigits file not found")
    digits = [d for d in pendigits.parse(path) if d.writer == 25][:n]
    x = np.stack([to_mnist(pendigits.render(pendigits.fit_to_canvas(d.strokes))) for d in digits])
    return x, np.array([d.label for d in digits])


def test_fine_tune_trains_a_copy_and_measures_before_and_after(small_model, raw_mnist):
    x, y = user_samples()
    before = [w.copy() for w in small_model.get_weights()]
    new, result = fine_tune(small_model, x, y, raw_mnist, FineTuneSettings(epochs=1))
    assert new is not small_model
    for a, b in zip(before, small_model.get_weights()):
        np.testing.assert_array_equal(a, b)  # the original is untouched
    assert any(not np.array_equal(a, b) for a, b in zip(before, new.get_weights()))
    assert result.n_train + result.n_holdout == len(x) and result.n_holdout >= 1
    assert set(y[result.holdout_ids]) <= set(y)
    for value in (result.mnist_before, result.mnist_after, result.user_before, result.user_after):
        assert 0.0 <= value <= 1.0
    assert result.mnist_before > 0.85 and abs(result.mnist_after - result.mnist_before) < 0.05
    assert result.epochs == 1 and result.metadata()["user_samples_trained"] == result.n_train


def test_too_few_samples_is_a_clear_error(small_model, raw_mnist):
    x, y = user_samples(5)
    with pytest.raises(DigitTrainerError, match="at least 10"):
        fine_tune(small_model, x, y, raw_mnist)


def test_stop_leaves_no_model(small_model, raw_mnist):
    from model.control import TrainControl

    x, y = user_samples()
    control = TrainControl()
    control.stop()
    assert fine_tune(small_model, x, y, raw_mnist, FineTuneSettings(epochs=1), control=control) == (None, None)
