"""The seed's training step with and without data-parallel slices ("towers", model/towers.py), processes alternated.

TensorFlow's thread settings hold for a whole process, so each measurement is a fresh child process: the engine's
``tf_backend.configure()`` with ``DIGIT_TRAINER_TOWERS`` = 1 (Keras' own step, TensorFlow's default threads) or k
(k slices, single-threaded kernels). The child compiles the seed network as the Trainer does and times Keras'
train function running ``--steps`` batches per call (so no per-call Python work is counted), on one of two inputs:
the Trainer's tf.data pipeline over all of MNIST (``--input mnist``, the default) or one fixed batch
(``--input fixed``: the step alone). Prints every child's median ms per step, then per cycle the ratio to towers=1,
and their median.

Usage: ``DIGIT_TRAINER_DATA=../shared/data/mnist.npz python benchmarks/towers.py [--cycles 3] [--towers 1,2,4]``
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def child(args) -> int:
    sys.path.insert(0, str(REPO))
    import time

    from model import tf_backend, towers

    tf_backend.configure()
    import tensorflow as tf

    from model.architecture import build_model, seed_spec
    from model.data import load_mnist, prepare
    from model.recipes import recipe
    from model.training import compile_model

    data = prepare(load_mnist(args.data), validation_split=0, limit_test=10)
    if args.input == "fixed":
        ds = tf.data.Dataset.from_tensors((tf.constant(data.x_train[:64]), tf.constant(data.y_train[:64]))).repeat()
    else:
        ds = tf_backend.train_dataset(data.x_train, data.y_train, 64, 0).repeat()
    model = build_model(seed_spec())
    compile_model(model, recipe("seed"))
    towers.install(model, tf_backend.towers())
    model.steps_per_execution = args.steps
    model.make_train_function(force=True)
    iterator = iter(ds)
    model.train_function(iterator)  # trace and compile
    per_step = []
    for _ in range(args.repeats):
        t0 = time.perf_counter()
        logs = model.train_function(iterator)
        float(logs["loss"])
        per_step.append((time.perf_counter() - t0) / args.steps * 1000)
    print(json.dumps({"towers": tf_backend.towers(), "ms_per_step": per_step}))
    return 0


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data", default=os.environ.get("DIGIT_TRAINER_DATA"))
    p.add_argument("--cycles", type=int, default=3)
    p.add_argument("--towers", type=lambda t: [int(k) for k in t.split(",")], default=[1, 2, 4])
    p.add_argument("--input", choices=("mnist", "fixed"), default="mnist")
    p.add_argument("--steps", type=int, default=50, help="batches per call into TensorFlow")
    p.add_argument("--repeats", type=int, default=15, help="calls timed per child")
    p.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.child:
        return child(args)
    if not args.data:
        p.error("no MNIST: pass --data or set DIGIT_TRAINER_DATA")
    medians: dict[int, list[float]] = {k: [] for k in args.towers}
    for cycle in range(args.cycles):
        for k in args.towers:
            cmd = [sys.executable, __file__, "--child", "--data", args.data, "--input", args.input,
                   "--steps", str(args.steps), "--repeats", str(args.repeats)]  # fmt: skip
            env = {**os.environ, "DIGIT_TRAINER_TOWERS": str(k), "TF_CPP_MIN_LOG_LEVEL": "2"}
            out = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True).stdout
            result = json.loads(out.strip().splitlines()[-1])
            median = statistics.median(result["ms_per_step"])
            medians[k].append(median)
            print(f"cycle {cycle + 1}: towers={k} (got {result['towers']}) median {median:.2f} ms/step "
                  f"(min {min(result['ms_per_step']):.2f}, max {max(result['ms_per_step']):.2f})", flush=True)
    base = args.towers[0]
    print()
    for k in args.towers:
        ratios = [m / b for m, b in zip(medians[k], medians[base])]
        print(f"towers={k}: median {statistics.median(medians[k]):.2f} ms/step; per-cycle ratio to towers={base} "
              f"{' '.join(f'{r:.3f}' for r in ratios)}, median {statistics.median(ratios):.3f}")
    print(json.dumps({"input": args.input, "ms_per_step_medians": medians}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
