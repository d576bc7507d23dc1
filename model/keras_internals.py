"""Every use of Keras' and TensorFlow's private internals, allowed only on the Keras versions they were tested with.

The engine's speed-ups lean on names Keras and TensorFlow do not promise to keep: the data-slicing steps
(model/towers.py) replace a model's ``train_step``/``test_step``/``predict_step`` and feed its private loss tracker;
the grouped calls swap ``model.train_function`` between fit()'s calls; reusing a compiled model zeroes its
optimiser's state around the private learning-rate variable; and each run forgets the custom gradients TensorFlow
registers in its private gradient registry. All of them are here, and ``supported()`` says whether the installed
Keras is one they were tested on (SUPPORTED_KERAS). On any other Keras the engine takes Keras' public path:
``compile(steps_per_execution=...)`` and plain ``fit``, with none of the above; it logs one line saying so.
"""

from __future__ import annotations

import contextlib
import logging
import types

# Keras versions these internals were tested with: [lowest, highest) as (major, minor). Tested: 3.15.1 (with
# TensorFlow 2.21). Widen only after running tests/model on the new version.
SUPPORTED_KERAS = ((3, 15), (3, 16))

log = logging.getLogger("digit_trainer")
_supported: bool | None = None


def installed_version() -> tuple[int, ...]:
    """The installed Keras version as numbers, e.g. (3, 15, 1); trailing text such as ``.dev0`` is dropped."""
    import keras

    parts = []
    for part in keras.__version__.split("."):
        digits = "".join(c for c in part if c.isdigit()) if part[:1].isdigit() else ""
        if not digits:
            break
        parts.append(int(digits))
    return tuple(parts)


def in_range(version: tuple[int, ...]) -> bool:
    low, high = SUPPORTED_KERAS
    return low <= tuple(version[:2]) < high


def supported() -> bool:
    """True when the installed Keras is in SUPPORTED_KERAS; the first call that finds it is not logs one line."""
    global _supported
    if _supported is None:
        version = installed_version()
        _supported = in_range(version)
        if not _supported:
            low, high = SUPPORTED_KERAS
            log.warning(
                "Keras %s is outside the tested range >=%d.%d,<%d.%d: training uses Keras' public path "
                "(compile with steps_per_execution, plain fit; no slices, no reuse of compiled models)",
                ".".join(map(str, version)), *low, *high,
            )
    return _supported


# Model steps (model/towers.py) -------------------------------------------------------------------------------------


def unpack_x_y_sample_weight(data):
    """Keras' own split of a step's ``data`` into ``(x, y, sample_weight)``."""
    from keras.src.trainers.data_adapters import data_adapter_utils

    return data_adapter_utils.unpack_x_y_sample_weight(data)


def track_loss(model, loss, count):
    """Add a step's mean ``loss`` over ``count`` samples to the loss ``fit`` and ``evaluate`` report."""
    model._loss_tracker.update_state(loss, sample_weight=count)


def set_steps(model, train_step=None, test_step=None, predict_step=None):
    """Give ``model`` (this instance only) these step functions ``f(model, data)``; None keeps Keras' own.

    Keras traces its train, test and predict functions from the steps on their next use.
    """
    for name, step in (("train_step", train_step), ("test_step", test_step), ("predict_step", predict_step)):
        model.__dict__.pop(name, None)
        if step is not None:
            setattr(model, name, types.MethodType(step, model))
    forget_step_functions(model)


def forget_step_functions(model):
    """Make Keras trace ``model``'s train, test and predict functions again on their next use."""
    model.train_function = model.test_function = model.predict_function = None


# Grouped calls (the engine's steps_per_execution) ------------------------------------------------------------------


def train_functions(model, group: int):
    """``(single, grouped)`` train functions for ``fit`` to call, or None when ``group`` is 1.

    ``single`` runs one batch; ``grouped`` runs up to ``group`` batches inside one TensorFlow while-loop (Keras' own
    ``steps_per_execution`` code), so fit()'s per-call Python work is paid once per group. The model is compiled
    with ``steps_per_execution=1``: fit() calls the train function once per batch of the epoch, and when a grouped
    call has used the epoch's last batch the next call finds no data and ends the epoch (Keras' StopIteration
    path). Either way every batch is trained once, in the same order, with the same updates. The reporter picks
    the function before each call (use_train_function): grouped, or single while prompt answers are wanted.
    """
    if group <= 1:
        return None
    cached = getattr(model, "_digit_train_functions", None)
    if cached is not None and cached[0] == group and model.train_function in cached[1:]:
        return cached[1:]  # the model was not compiled since (reuse_compiled): its traced functions still hold
    model.make_train_function(force=True)
    single = model.train_function
    model.steps_per_execution = group
    model.make_train_function(force=True)
    multi = model.train_function
    model.steps_per_execution = 1
    model.train_function = single

    def grouped(iterator):
        model.steps_per_execution = group  # read by Keras' while-loop when it is traced (the first call)
        try:
            return multi(iterator)
        finally:
            model.steps_per_execution = 1

    model._digit_train_functions = (group, single, grouped)
    return single, grouped


def use_train_function(model, function):
    """Make ``function`` (one of train_functions') the one fit() calls next."""
    model.train_function = function


# Reusing a compiled model ------------------------------------------------------------------------------------------


def reset_optimizer(optimizer, learning_rate: float):
    """Zero ``optimizer``'s state (step count, moving averages: exactly a new optimiser's) and set its learning rate."""
    import keras

    for variable in optimizer.variables:
        if variable is not optimizer._learning_rate:
            variable.assign(keras.ops.zeros(variable.shape, dtype=variable.dtype))
    optimizer.learning_rate = learning_rate


# TensorFlow's gradient registry ------------------------------------------------------------------------------------


@contextlib.contextmanager
def forgetting_custom_gradients():
    """Unregister, when the block ends, the ``tf.custom_gradient`` functions TensorFlow registered inside it.

    Every trace of Keras' train step goes through the optimiser's all-reduce of the gradients, a custom gradient that
    TensorFlow registers under a new name in its process-wide gradient registry and never removes. The entry holds
    the whole traced graph alive: 1.5-3.5 MB per training run, 300 MB in benchmarks/long_run.py's first 10 minutes.
    The gradients are built while tracing, so once ``fit`` has returned nothing looks the entries up again (a
    retrace registers new ones). Off the tested Keras, or on a TensorFlow without this registry, the leak stays.
    """
    registry = None
    if supported():
        from tensorflow.python.framework import ops

        registry = getattr(getattr(ops, "_gradient_registry", None), "_registry", None)
    before = set(registry) if isinstance(registry, dict) else None
    try:
        yield
    finally:
        if before is not None:
            for name in set(registry) - before:
                if name.startswith("CustomGradient-"):
                    registry.pop(name, None)
