"""Train the seed recipe for one epoch on 2,000 MNIST images and print its per-batch losses as JSON.

Run by tests/model/test_paths.py in a fresh process, because TensorFlow's logical devices must be set before it
initialises: ``python tests/model/mirrored_run.py MNIST DEVICES`` splits the CPU into DEVICES logical devices
(1: left whole). With DIGIT_TRAINER_PATH=mirrored in the environment, training runs under MirroredStrategy.

Under a strategy, Keras' fit() takes one batch from a first iterator of the training data to build the model, so
its epochs see the data's second, third... shuffles (equally seeded). Without a strategy, this script uses up one
iterator first, so both runs train on the same batches in the same order.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))


def main(mnist: str, devices: int) -> None:
    import tensorflow as tf

    if devices > 1:
        cpu = tf.config.list_physical_devices("CPU")[0]
        tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * devices)

    import model.reporter
    from model import tf_backend
    from model.data import prepare, read_dataset
    from model.recipes import recipe
    from model.reports import TrainCallbacks
    from model.training import Trainer

    model.reporter.REPORT_INTERVAL_S = 0.0  # report every batch
    if tf_backend.path() != tf_backend.MIRRORED:
        make_dataset = tf_backend.train_dataset

        def train_dataset(*args, **kwargs):
            ds = make_dataset(*args, **kwargs)
            next(iter(ds))  # what fit() does under a strategy: the next iterator reshuffles
            return ds

        tf_backend.train_dataset = train_dataset
    data = prepare(read_dataset(mnist), validation_split=0, limit_train=2000, limit_test=500, seed=0)
    cfg = recipe("seed", epochs=1, batch_size=64, seed=0, steps_per_execution=1)
    losses = []
    trained, result = Trainer(cfg, TrainCallbacks(on_batch=lambda r: losses.append(r.epoch_loss))).run(data)
    print(
        json.dumps(
            {
                "path": tf_backend.path(),
                "replicas": trained.distribute_strategy.num_replicas_in_sync,
                "device": result.device,
                "losses": losses,
                "test_loss": result.test_loss,
                "test_accuracy": result.test_accuracy,
                "batches": result.extra["batches"],
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
