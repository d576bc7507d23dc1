"""The seed recipe, to the letter, on all of MNIST: the book's >= 99 % test accuracy."""

import pytest

from model.data import prepare
from model.recipes import recipe
from model.training import Trainer


@pytest.mark.slow
def test_full_seed_recipe_reaches_99_percent(raw_mnist):
    cfg = recipe("seed", validation_split=0.0)
    assert (cfg.epochs, cfg.batch_size, cfg.optimizer, cfg.lr()) == (5, 64, "rmsprop", 0.001)
    data = prepare(raw_mnist, validation_split=cfg.validation_split, seed=cfg.seed)
    assert len(data.x_train) == 60_000 and data.x_val is None and len(data.x_test) == 10_000
    epochs = []
    model, result = Trainer(cfg, _callbacks(epochs)).run(data)
    assert model.count_params() == 93_322
    assert result.epochs_done == 5 and not result.stopped
    assert [e.epoch for e in epochs] == [1, 2, 3, 4, 5]
    assert all(e.val_loss is None for e in epochs)
    assert result.test_accuracy >= 0.99, f"test accuracy {result.test_accuracy:.4f}"


def _callbacks(epochs):
    from model.reports import TrainCallbacks

    return TrainCallbacks(on_epoch=epochs.append)
