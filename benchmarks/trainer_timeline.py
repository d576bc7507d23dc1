"""Two looks at the Trainer in one process: batch rates second by second, and a new model against a reused one.

``rates``: trains the seed recipe on all of MNIST (no validation) and prints each epoch's time and the batches per
second in every ~1 s window ("epoch:rate"), from the Trainer's batch reports. This is what showed the host's two
speeds and, with ``--autotune``, the stall tf.data's autotuner caused at an epoch's start (the engine turns the
autotuner off; the flag turns it back on for this run).

``rerun``: 1-epoch runs of the seed network on a 6,000-image slice (validation and test included), alternating a
brand-new model with the previous run's model re-initialised (what the engine does for a rerun of the same
network, model.training.reuse_compiled). Prints the time to the first batch report and to the run's end; the
first run (which also warms TensorFlow up) is left out of the medians.

Usage: ``DIGIT_TRAINER_DATA=../shared/data/mnist.npz python benchmarks/trainer_timeline.py rates [--epochs 5]
[--autotune]`` or ``... rerun [--runs 8]``. ``DIGIT_TRAINER_TOWERS=1`` runs either with TensorFlow's own threads.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def rates(args, data):
    from model import tf_backend
    from model.recipes import recipe
    from model.reports import TrainCallbacks
    from model.training import Trainer

    if args.autotune:
        import tensorflow as tf

        plain = tf_backend.train_dataset

        def with_autotuner(*a, **k):
            options = tf.data.Options()
            options.autotune.enabled = True
            return plain(*a, **k).with_options(options)

        tf_backend.train_dataset = with_autotuner
    points, epochs = [], []
    callbacks = TrainCallbacks(on_batch=lambda r: points.append((time.perf_counter(), r.epoch, r.batch, r.batches)),
                               on_epoch=lambda r: epochs.append(r.seconds))  # fmt: skip
    Trainer(recipe("seed", epochs=args.epochs, validation_split=0), callbacks).run(data)
    print("epoch seconds:", " ".join(f"{s:.2f}" for s in epochs))
    windows, last = [], points[0]
    for point in points[1:]:
        if point[0] - last[0] >= 1.0:
            batches = (point[1] - last[1]) * point[3] + point[2] - last[2]
            windows.append(f"{point[1]}:{batches / (point[0] - last[0]):.0f}")
            last = point
    print("batches per second, epoch:rate per ~1 s window:", " ".join(windows))


def rerun(args, data):
    import keras

    from model.architecture import build_model, seed_spec
    from model.recipes import recipe
    from model.reports import TrainCallbacks
    from model.training import Trainer

    cfg = recipe("seed", epochs=1)
    timings = {"new model": [], "rerun (reused model)": []}
    previous = None
    for i in range(args.runs):
        kind = "new model" if i % 2 == 0 else "rerun (reused model)"
        keras.utils.set_random_seed(cfg.seed)
        model = build_model(seed_spec())
        if kind != "new model":
            previous.set_weights(model.get_weights())  # the seed network has no random-generator state to copy
            model = previous
        first = []
        t0 = time.perf_counter()
        callbacks = TrainCallbacks(on_batch=lambda r: first.append(time.perf_counter()) if not first else None)
        previous, _ = Trainer(cfg, callbacks).run(data, model)
        total = time.perf_counter() - t0
        print(f"run {i + 1}: {kind:20s} first batch after {first[0] - t0:.2f} s, run {total:.2f} s", flush=True)
        if i:
            timings[kind].append((first[0] - t0, total))
    for kind, values in timings.items():
        print(f"{kind:20s} median first batch {statistics.median(v[0] for v in values):.2f} s, "
              f"whole run {statistics.median(v[1] for v in values):.2f} s (n={len(values)})")  # fmt: skip


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("mode", choices=("rates", "rerun"))
    p.add_argument("--data", default=os.environ.get("DIGIT_TRAINER_DATA"))
    p.add_argument("--epochs", type=int, default=5)
    p.add_argument("--autotune", action="store_true", help="rates: tf.data's autotuner on, as before a21821e")
    p.add_argument("--runs", type=int, default=9)
    args = p.parse_args(argv)
    if not args.data:
        p.error("no MNIST: pass --data or set DIGIT_TRAINER_DATA")

    from model import tf_backend
    from model.data import load_mnist, prepare

    tf_backend.configure()
    raw = load_mnist(args.data)
    if args.mode == "rates":
        rates(args, prepare(raw, validation_split=0, limit_test=500))
    else:
        rerun(args, prepare(raw, validation_split=0.1, limit_train=6000, limit_test=1000))
    return 0


if __name__ == "__main__":
    sys.exit(main())
