"""The edited network as a runnable Keras script in the tutorial's own style: Sequential, add, compile, fit.

:func:`keras_code` writes the script for a layer spec and a :class:`~model.recipes.TrainConfig` (optimiser, learning
rate, batch size, epochs, validation split, seed). The script loads MNIST with ``keras.datasets.mnist.load_data()``
or from a Keras-layout ``mnist.npz`` named on its command line, so it also runs offline::

    python digit_cnn.py [mnist.npz] [--epochs N] [--limit N] [--summary-json PATH]

``--summary-json`` writes every layer's class name and config and the parameter count, which is how the tests check
that the script builds the same network as :func:`model.architecture.build_model`. :func:`save_script` writes it
atomically. No Keras import here: the text is made from the spec alone.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from model.architecture import INPUT_SHAPE, LayerSpec, analyse
from model.recipes import DEFAULT_LR, TrainConfig

OPTIMIZER_CLASSES = {"rmsprop": "RMSprop", "adam": "Adam", "sgd": "SGD"}

# Keras has max and average pooling only; the app's sum pooling (model/layers.py) is written out in the script.
SUM_POOLING = '''

class SumPooling2D(layers.Layer):
    """Sum pooling: the sum of each pool_size window (Keras has max and average pooling only)."""

    def __init__(self, pool_size=(2, 2), **kwargs):
        super().__init__(**kwargs)
        self.pool_size = tuple(pool_size)

    def call(self, inputs):
        ph, pw = self.pool_size
        _, h, w, c = inputs.shape
        oh, ow = h // ph, w // pw
        x = ops.reshape(inputs[:, :oh * ph, :ow * pw, :], (-1, oh, ph, ow, pw, c))
        return ops.sum(x, axis=(2, 4))

    def compute_output_shape(self, input_shape):
        batch, h, w, c = input_shape
        return (batch, h // self.pool_size[0], w // self.pool_size[1], c)

    def get_config(self):
        return {**super().get_config(), 'pool_size': self.pool_size}
'''

HEADER = '''"""{title}

Run: python {script} [mnist.npz] [--epochs N] [--limit N]
Without a file, MNIST is loaded (and downloaded once) with keras.datasets.mnist.load_data().
"""

import argparse
import json

import numpy as np
import keras
from keras import layers, models{ops}
from keras.datasets import mnist
from keras.utils import to_categorical

EPOCHS = {epochs}
BATCH_SIZE = {batch_size}
VALIDATION_SPLIT = {validation_split}
SEED = {seed}
'''

BODY = '''

parser = argparse.ArgumentParser(description='Train the network on MNIST.')
parser.add_argument('data', nargs='?', help="a Keras-layout mnist.npz (default: mnist.load_data())")
parser.add_argument('--epochs', type=int, default=EPOCHS)
parser.add_argument('--limit', type=int, help='train and test on the first N images only')
parser.add_argument('--summary-json', help="write the model's layer configs and parameter count to this file")
args = parser.parse_args()
keras.utils.set_random_seed(SEED)

if args.data:
    with np.load(args.data) as f:
        (train_images, train_labels), (test_images, test_labels) = \\
            (f['x_train'], f['y_train']), (f['x_test'], f['y_test'])
else:
    (train_images, train_labels), (test_images, test_labels) = mnist.load_data()
if args.limit:
    train_images, train_labels = train_images[:args.limit], train_labels[:args.limit]
    test_images, test_labels = test_images[:args.limit], test_labels[:args.limit]

train_images = train_images.reshape((len(train_images), 28, 28, 1))
train_images = train_images.astype('float32') / 255
test_images = test_images.reshape((len(test_images), 28, 28, 1))
test_images = test_images.astype('float32') / 255
train_labels = to_categorical(train_labels, 10)
test_labels = to_categorical(test_labels, 10)

model = models.Sequential()
{adds}
model.summary()

model.compile(optimizer={optimizer},
              loss='categorical_crossentropy',
              metrics=['accuracy'])
model.fit(train_images, train_labels, epochs=args.epochs, batch_size=BATCH_SIZE,
          validation_split=VALIDATION_SPLIT)

test_loss, test_acc = model.evaluate(test_images, test_labels)
print('Test accuracy:', test_acc)

if args.summary_json:
    summary = {{
        'params': model.count_params(),
        'layers': [{{'class_name': type(layer).__name__, 'config': layer.get_config()}} for layer in model.layers],
        'optimizer': {{'name': type(model.optimizer).__name__,
                      'learning_rate': float(model.optimizer.learning_rate)}},
    }}
    with open(args.summary_json, 'w') as f:
        json.dump(summary, f, indent=2, default=str)
'''


def layer_code(layer: LayerSpec) -> str:
    """One layer as the tutorial writes it, e.g. ``layers.Conv2D(32, (3, 3), activation='relu')``."""
    if layer.kind == "conv":
        k, s = int(layer.kernel), int(layer.stride)
        args = [str(int(layer.filters)), f"({k}, {k})"]
        if s != 1:
            args.append(f"strides=({s}, {s})")
        if layer.padding != "valid":
            args.append(f"padding={layer.padding!r}")
        args.append(f"activation={layer.activation!r}")
        return f"layers.Conv2D({', '.join(args)})"
    if layer.kind == "pool":
        p = int(layer.pool_size)
        cls = {"max": "layers.MaxPooling2D", "avg": "layers.AveragePooling2D", "sum": "SumPooling2D"}[layer.pool]
        return f"{cls}(({p}, {p}))"
    if layer.kind == "flatten":
        return "layers.Flatten()"
    if layer.kind == "dense":
        return f"layers.Dense({int(layer.units)}, activation={layer.activation!r})"
    return f"layers.Dropout({float(layer.rate)!r})"


def optimizer_code(config: TrainConfig) -> str:
    """The tutorial's bare ``'rmsprop'`` when the rate is Keras' default, else ``keras.optimizers.X(learning_rate=…)``."""
    lr = config.lr()
    if abs(lr - DEFAULT_LR[config.optimizer]) <= 1e-12:
        return repr(config.optimizer)
    return f"keras.optimizers.{OPTIMIZER_CLASSES[config.optimizer]}(learning_rate={lr!r})"


def keras_code(spec: list[LayerSpec], config: TrainConfig | None = None, script: str = "digit_cnn.py") -> str:
    """A complete, runnable Python script that builds ``spec`` and trains it with ``config``'s settings.

    ``config`` defaults to the seed recipe; its own ``spec`` is ignored in favour of ``spec``. Raises
    :class:`~model.errors.SpecError` for a network that cannot be built, as the editor would show.
    """
    config = TrainConfig() if config is None else config
    spec = list(spec)
    analyse(spec)
    has_sum = any(layer.kind == "pool" and layer.pool == "sum" for layer in spec)
    title = "A convnet for MNIST digits: the network edited in Digit Trainer, in the Keras tutorial's style."
    header = HEADER.format(
        title=title,
        script=script,
        ops=", ops" if has_sum else "",
        epochs=int(config.epochs),
        batch_size=int(config.batch_size),
        validation_split=float(config.validation_split),
        seed=int(config.seed),
    )
    adds = [f"model.add(layers.Input(shape={tuple(INPUT_SHAPE)}))"]
    adds += [f"model.add({layer_code(layer)})" for layer in spec]
    body = BODY.format(adds="\n".join(adds), optimizer=optimizer_code(config))
    return header + (SUM_POOLING if has_sum else "") + body


def save_script(text: str, path: str | os.PathLike) -> Path:
    """Write ``text`` to ``path`` atomically (a temp file in the same folder, then ``os.replace``); return the path.

    Raises OSError; an existing file at ``path`` is left intact when writing fails.
    """
    path = Path(path).expanduser()
    mode = path.stat().st_mode & 0o777 if path.exists() else 0o644
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path
