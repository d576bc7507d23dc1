"""The seed's MNIST CNN script as published (Deep Learning with Python, listing 5.1-5.5).

Only three things differ from the book: MNIST is read from a local ``.npz`` (these machines are offline, so
``mnist.load_data()`` cannot download), the epoch times and test accuracy are printed as JSON so that
``benchmarks/run.py`` can compare them with the app's engine, and ``--limit N`` may train on the first N training
images only (``run.py --quick``).  The model, optimiser, batch size and epochs are the book's, to the letter.

Usage: ``python benchmarks/seed_reference.py [PATH.npz] [--epochs N] [--limit N]``
"""

import json
import os
import sys
import time

import numpy as np
from keras import layers, models
from keras.callbacks import Callback
from keras.utils import to_categorical


class _EpochTimer(Callback):
    def __init__(self):
        super().__init__()
        self.times = []

    def on_epoch_begin(self, epoch, logs=None):
        self._t0 = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self.times.append(time.perf_counter() - self._t0)


def main(argv):
    epochs = 5
    if "--epochs" in argv:
        i = argv.index("--epochs")
        epochs = int(argv[i + 1])
        del argv[i : i + 2]
    limit = None
    if "--limit" in argv:
        i = argv.index("--limit")
        limit = int(argv[i + 1])
        del argv[i : i + 2]
    path = argv[0] if argv else os.environ.get("DIGIT_TRAINER_DATA", "../shared/data/mnist.npz")

    model = models.Sequential()
    model.add(layers.Input((28, 28, 1)))
    model.add(layers.Conv2D(32, (3, 3), activation="relu"))
    model.add(layers.MaxPooling2D((2, 2)))
    model.add(layers.Conv2D(64, (3, 3), activation="relu"))
    model.add(layers.MaxPooling2D((2, 2)))
    model.add(layers.Conv2D(64, (3, 3), activation="relu"))
    model.add(layers.Flatten())
    model.add(layers.Dense(64, activation="relu"))
    model.add(layers.Dense(10, activation="softmax"))

    with np.load(path) as f:
        train_images, train_labels = f["x_train"], f["y_train"]
        test_images, test_labels = f["x_test"], f["y_test"]
    train_images = train_images.reshape((60000, 28, 28, 1))
    train_images = train_images.astype("float32") / 255
    test_images = test_images.reshape((10000, 28, 28, 1))
    test_images = test_images.astype("float32") / 255
    train_labels = to_categorical(train_labels)
    test_labels = to_categorical(test_labels)
    if limit:
        train_images, train_labels = train_images[:limit], train_labels[:limit]

    model.compile(optimizer="rmsprop", loss="categorical_crossentropy", metrics=["accuracy"])
    timer = _EpochTimer()
    t0 = time.perf_counter()
    model.fit(train_images, train_labels, epochs=epochs, batch_size=64, callbacks=[timer], verbose=2)
    fit_seconds = time.perf_counter() - t0
    test_loss, test_acc = model.evaluate(test_images, test_labels, verbose=0)
    print(json.dumps({"epoch_seconds": timer.times, "fit_seconds": fit_seconds, "test_accuracy": test_acc}))


if __name__ == "__main__":
    main(sys.argv[1:])
