"""Training throughput against the number of batches per call into TensorFlow, in one process, runs alternated.

Trains the seed network on all of MNIST (batch 64, RMSprop, no validation) a few epochs at a time: the seed's way
(``fit`` on numpy arrays, one batch per call) and the app's Trainer with ``steps_per_execution`` 1, 4, 8 and 16, in
turn, ``--cycles`` times. Epoch 1 (tracing) is left out. Prints each run's epoch times, then the medians and their
ratios to the seed's way. This is what chose TrainConfig.steps_per_execution = 8 (benchmarks/RESULTS.md).

The engine's ``tf_backend.configure`` sets TensorFlow's threads for the whole process (single-threaded kernels for
its data-parallel slices, model/towers.py), so here the seed's way runs with those threads too, which slows it;
run with ``DIGIT_TRAINER_TOWERS=1`` to compare the groups under TensorFlow's default threads, and see
``benchmarks/towers.py`` for the slices against them (separate processes).

Usage: ``DIGIT_TRAINER_DATA=../shared/data/mnist.npz python benchmarks/steps_per_execution.py [--cycles 2]
[--epochs 3] [--groups 1,4,8,16]``
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data", default=os.environ.get("DIGIT_TRAINER_DATA"))
    p.add_argument("--cycles", type=int, default=2)
    p.add_argument("--epochs", type=int, default=3)
    p.add_argument("--groups", type=lambda t: [int(g) for g in t.split(",")], default=[1, 4, 8, 16])
    args = p.parse_args(argv)

    import keras

    from model import tf_backend
    from model.architecture import build_model, seed_spec
    from model.data import load_mnist, prepare
    from model.recipes import recipe
    from model.reports import TrainCallbacks
    from model.training import Trainer
    from seed_reference import _EpochTimer as EpochTimer  # the seed script's own epoch timer (this folder)

    tf_backend.configure(False)
    data = prepare(load_mnist(args.data), validation_split=0, limit_test=500)

    def seed_way():
        keras.utils.set_random_seed(0)
        model = build_model(seed_spec())
        model.compile(optimizer="rmsprop", loss="categorical_crossentropy", metrics=["accuracy"])
        timer = EpochTimer()
        model.fit(data.x_train, data.y_train, epochs=args.epochs, batch_size=64, verbose=0, callbacks=[timer])
        return timer.times[1:]

    def trainer(group):
        times = []
        cfg = recipe("seed", epochs=args.epochs, validation_split=0, steps_per_execution=group)
        Trainer(cfg, TrainCallbacks(on_epoch=lambda r: times.append(r.seconds))).run(data)
        return times[1:]

    kinds = [("seed way (fit on numpy)", seed_way)] + [
        (f"Trainer, {g} per call", (lambda g=g: trainer(g))) for g in args.groups
    ]
    epochs: dict[str, list[float]] = {}
    for cycle in range(args.cycles):
        for name, run in kinds:
            times = run()
            epochs.setdefault(name, []).extend(times)
            print(f"cycle {cycle + 1}: {name:24s} epochs 2+: {' '.join(f'{t:.2f}' for t in times)} s", flush=True)
    seed_median = statistics.median(epochs[kinds[0][0]])
    print()
    for name, times in epochs.items():
        median = statistics.median(times)
        print(f"{name:24s} median {median:6.2f} s  ({min(times):.2f}-{max(times):.2f}, n={len(times)})  "
              f"ratio to the seed way {median / seed_median:.3f}")
    print(json.dumps({"epoch_seconds": epochs}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
