"""Does fine-tuning on a user's own handwriting help, without hurting MNIST? Measured on writers never trained on.

Five pendigits writers among 25-30 (the bundled model never saw them) stand in for users. From each, 40 digits
(four of every digit) are drawn as the canvas draws them (:func:`model.pendigits.fit_to_canvas`, :func:`render`,
then :func:`model.preprocess.to_mnist`): 200 "taught" samples. :func:`model.finetune.fine_tune` trains a copy of the
model on them mixed with MNIST, exactly as the app's Teach panel does. Accuracy is then measured on the OTHER digits
of the same writers (never shown to the model) and on the full MNIST test set, before and after.

Pass: the writers' accuracy improves and MNIST test accuracy drops by at most 0.2 points.

Usage: ``python benchmarks/finetune_pendigits.py [--model resources/bundled_robust.keras] [--writers 25,26,27,28,29]
[--per-digit 4] [--seeds 0]``  (DIGIT_TRAINER_DATA names MNIST). Exit status 1 when a run fails the criteria.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from model import pendigits  # noqa: E402
from model.finetune import FineTuneSettings, fine_tune  # noqa: E402
from model.inference import as_batch  # noqa: E402
from model.preprocess import to_mnist  # noqa: E402

MAX_MNIST_DROP = 0.002


def draw(digits) -> np.ndarray:
    """The 28x28 inputs the app would make from these pen digits drawn on its 280 px canvas."""
    return np.stack([to_mnist(pendigits.render(pendigits.fit_to_canvas(d.strokes))) for d in digits])


def pick_taught(digits, per_digit: int, seed: int) -> tuple[list, list]:
    """Per writer, ``per_digit`` random digits of each class are taught; the rest are for measuring."""
    rng = np.random.default_rng(seed)
    taught = set()
    for writer in sorted({d.writer for d in digits}):
        for label in range(10):
            idx = [i for i, d in enumerate(digits) if d.writer == writer and d.label == label]
            taught.update(rng.choice(idx, min(per_digit, len(idx)), replace=False).tolist())
    return [d for i, d in enumerate(digits) if i in taught], [d for i, d in enumerate(digits) if i not in taught]


def accuracy(model, x, y) -> float:
    return float(np.mean(np.asarray(model.predict_on_batch(as_batch(x))).argmax(axis=1) == y))


def main(argv=None) -> int:
    from model.data import load_mnist
    from model.storage import load_model

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=str(ROOT / "resources" / "bundled_robust.keras"))
    parser.add_argument("--writers", default="25,26,27,28,29")
    parser.add_argument("--per-digit", type=int, default=4, help="taught digits of each class per writer")
    parser.add_argument("--seeds", default="0", help="comma-separated seeds; each is a separate run")
    parser.add_argument("--data", help="MNIST (default: $DIGIT_TRAINER_DATA)")
    args = parser.parse_args(argv)
    writers = [int(w) for w in args.writers.split(",")]
    if not set(writers) <= set(pendigits.HELD_OUT_WRITERS):
        parser.error(f"writers must be among the held-out writers {pendigits.HELD_OUT_WRITERS}")

    raw = load_mnist(args.data)
    path = pendigits.find_file()
    if path is None:
        print("pendigits-orig-tra.txt not found", file=sys.stderr)
        return 2
    digits = [d for d in pendigits.parse(path) if d.writer in writers]
    settings = FineTuneSettings()
    print(f"model={args.model}")
    print(f"writers={writers} settings={settings}")
    failed = False
    gains, drops = [], []
    for seed in (int(s) for s in args.seeds.split(",")):
        model, meta = load_model(args.model)
        spec = None
        if meta.get("spec"):
            from model.architecture import spec_from_json

            spec = spec_from_json(meta["spec"])
        taught, others = pick_taught(digits, args.per_digit, seed)
        tx, ty = draw(taught), np.array([d.label for d in taught])
        ox, oy = draw(others), np.array([d.label for d in others])
        writers_before = accuracy(model, ox, oy)
        t0 = time.perf_counter()
        new, result = fine_tune(model, tx, ty, raw, FineTuneSettings(seed=seed), spec=spec)
        seconds = time.perf_counter() - t0
        writers_after = accuracy(new, ox, oy)
        drop = result.mnist_before - result.mnist_after
        ok = writers_after > writers_before and drop <= MAX_MNIST_DROP
        gains.append(writers_after - writers_before)
        drops.append(drop)
        failed |= not ok
        print(
            f"seed={seed} taught={len(taught)} (trained {result.n_train}, held out {result.n_holdout}) "
            f"other_digits={len(others)} time={seconds:.0f}s\n"
            f"  writers' other digits: {writers_before:.2%} -> {writers_after:.2%} "
            f"({(writers_after - writers_before) * 100:+.2f} points)\n"
            f"  MNIST test:            {result.mnist_before:.2%} -> {result.mnist_after:.2%} "
            f"({-drop * 100:+.2f} points; allowed -{MAX_MNIST_DROP * 100:.1f})\n"
            f"  held-out taught:       {result.user_before:.2%} -> {result.user_after:.2%}\n"
            f"  {'PASS' if ok else 'FAIL'}",
            flush=True,
        )
    if len(gains) > 1:
        print(
            f"mean over {len(gains)} runs: writers' other digits {np.mean(gains) * 100:+.2f} points "
            f"(min {min(gains) * 100:+.2f}), MNIST test {-np.mean(drops) * 100:+.2f} points "
            f"(worst {-max(drops) * 100:+.2f})"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
