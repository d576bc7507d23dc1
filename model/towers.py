"""Data-parallel steps across the CPU's cores, inside one TensorFlow graph ("towers").

Each batch is cut into ``k`` slices; the model runs on each slice as an independent branch of the same graph
(its own forward and backward pass), the slices' gradients are added, and the optimiser applies the sum once.
With TensorFlow's intra-op threads set to one (tf_backend.configure), the branches run side by side, one per
core, each kernel single-threaded. On the 2-core machine this project is measured on, a seed training step takes
about 7.0 ms this way against 8.0-8.5 ms for Keras' own step with two threads per kernel: small convolutions scale
poorly across threads, and the two threads of every op wait for each other (benchmarks/RESULTS.md).

The maths is the seed's: the loss of a batch is the mean of its samples' categorical cross-entropies, written as
the sum of each slice's summed losses divided by the batch size, so its gradient is the sum of the slices'
gradients. Same model, optimiser, batch size and number of updates; only the order of float additions differs
(the test checks the weights agree to float precision). A batch smaller than ``k`` runs as one slice.

Installed on the model instance as its ``train_step``, ``test_step`` and ``predict_step``, so Keras' ``fit``,
``evaluate`` and ``predict_on_batch`` (and their grouped ``steps_per_execution`` loops) run them unchanged. Those
hooks, and the loss tracker the steps feed, are Keras internals: model/keras_internals.py holds them, and the
engine installs slices only on a Keras version they were tested with.
"""

from __future__ import annotations

from model import keras_internals

_LOSS = "categorical_crossentropy"  # the only loss the engine compiles (model.training.compile_model)


def install(model, towers: int) -> bool:
    """Make ``model`` train, evaluate and predict in ``towers`` slices per batch; True if installed.

    Training and evaluation only for a model compiled with categorical cross-entropy and without regularisation
    losses (the engine's models); others keep Keras' own train and test steps and predict in slices. Idempotent;
    Keras rebuilds its step functions on their next use.
    """
    towers = int(towers)
    if getattr(model, "_digit_towers", 1) == towers:
        return towers > 1
    steps = {}
    if towers > 1:
        steps["predict_step"] = lambda self, data: _predict_step(self, towers, data)
        if getattr(model, "loss", None) == _LOSS and not model.losses:
            steps["train_step"] = lambda self, data: _train_step(self, towers, data)
            steps["test_step"] = lambda self, data: _test_step(self, towers, data)
    keras_internals.set_steps(model, **steps)  # Keras rebuilds its step functions with these on their next use
    model._digit_towers = towers
    return towers > 1


def installed(model) -> int:
    """How many slices ``model``'s steps cut a batch into (1: Keras' own steps)."""
    return getattr(model, "_digit_towers", 1)


def _slices(t, k: int, n):
    """``t`` cut along the batch into ``k`` slices of sizes differing by at most one."""
    bounds = [(n * i) // k for i in range(k + 1)]
    return [t[bounds[i] : bounds[i + 1]] for i in range(k)]


def _in_slices(fn, k: int, n, *tensors):
    """``fn`` called with each tensor as a list of ``k`` slices when the batch has at least ``k`` rows, else as a
    list of one (the kernels refuse empty slices)."""
    import tensorflow as tf

    return tf.cond(n >= k, lambda: fn(*(_slices(t, k, n) for t in tensors)), lambda: fn(*([t] for t in tensors)))


def _joined(parts):
    import tensorflow as tf

    return tf.concat(parts, 0) if len(parts) > 1 else parts[0]


def _unpack(data):
    return keras_internals.unpack_x_y_sample_weight(data)


def _plain(data):
    """``(x, y)`` when the step can run in slices (one input tensor, no sample weights), else None."""
    import tensorflow as tf

    x, y, sample_weight = _unpack(data)
    if sample_weight is not None or not isinstance(x, tf.Tensor) or (y is not None and not isinstance(y, tf.Tensor)):
        return None
    return x, y


def _summed_loss(y, y_pred):
    import keras
    import tensorflow as tf

    # The softmax output carries its logits, so this is Keras' own stable path, as in the compiled loss.
    return tf.reduce_sum(keras.losses.categorical_crossentropy(y, y_pred))


def _train_step(model, k: int, data):
    import tensorflow as tf

    plain = _plain(data)
    if plain is None:
        return type(model).train_step(model, data)
    x, y = plain
    n = tf.shape(x)[0]
    weights = model.trainable_weights

    def forward_backward(xs, ys):
        total, preds, grads = 0.0, [], None
        for xi, yi in zip(xs, ys):
            with tf.GradientTape() as tape:
                pi = model(xi, training=True)
                loss = _summed_loss(yi, pi) / tf.cast(n, pi.dtype)
                scaled = model.optimizer.scale_loss(loss)
            gi = tape.gradient(scaled, weights, unconnected_gradients=tf.UnconnectedGradients.ZERO)
            grads = gi if grads is None else [a + b for a, b in zip(grads, gi)]
            total += loss
            preds.append(pi)
        return total, _joined(preds), grads

    loss, y_pred, grads = _in_slices(forward_backward, k, n, x, y)
    keras_internals.track_loss(model, loss, n)
    model.optimizer.apply_gradients(zip(grads, weights))
    return model.compute_metrics(x, y, y_pred, sample_weight=None)


def _test_step(model, k: int, data):
    import tensorflow as tf

    plain = _plain(data)
    if plain is None or plain[1] is None:
        return type(model).test_step(model, data)
    x, y = plain
    n = tf.shape(x)[0]

    def forward(xs, ys):
        preds = [model(xi, training=False) for xi in xs]
        loss = tf.add_n([_summed_loss(yi, pi) for yi, pi in zip(ys, preds)]) / tf.cast(n, preds[0].dtype)
        return loss, _joined(preds)

    loss, y_pred = _in_slices(forward, k, n, x, y)
    keras_internals.track_loss(model, loss, n)
    return model.compute_metrics(x, y, y_pred, sample_weight=None)


def _predict_step(model, k: int, data):
    import tensorflow as tf

    x, _, _ = _unpack(data)
    if not isinstance(x, tf.Tensor):
        return type(model).predict_step(model, data)
    return _in_slices(lambda xs: _joined([model(xi, training=False) for xi in xs]), k, tf.shape(x)[0], x)
