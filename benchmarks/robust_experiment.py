"""Train a variant of the robust recipe on some pendigits writers and measure it on others, never on writers 25-30.

Prints MNIST test accuracy, pen-digit accuracy (per class) on the validation writers, and the probabilities'
top-value and entropy shares on correct digits, misread digits and generated non-digits of an untrained seed, so
unsure thresholds can be chosen without touching the held-out writers.

Usage: ``python benchmarks/robust_experiment.py --train-writers 1-18 --val-writers 19-24 [--non-digits 5000]
[--variants 3] [--epochs 15] [--out /tmp/x.keras]``
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np


def main(argv=None):
    from pendigits_eval import parse_writers

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default="../shared/data/mnist.npz")
    ap.add_argument("--train-writers", default="1-18")
    ap.add_argument("--val-writers", default="19-24")
    ap.add_argument("--non-digits", type=int, default=5000)
    ap.add_argument("--variants", type=int, default=3)
    ap.add_argument("--epochs", type=int, default=15)
    ap.add_argument("--wide", action="store_true", help="conv 32/64/128 and Dense(128) instead of 32/64/64 and 64")
    ap.add_argument("--out")
    args = ap.parse_args(argv)

    from model import nondigits, pendigits
    from model.recipes import recipe
    from model.reports import TrainCallbacks
    from model.session import ModelSession

    train_w, val_w = parse_writers(args.train_writers), parse_writers(args.val_writers)
    if set(train_w + val_w) & set(pendigits.HELD_OUT_WRITERS):
        raise SystemExit("writers 25-30 are the held-out check: neither train nor validate on them")
    spec = None
    if args.wide:
        from model.architecture import conv, dense, dropout, flatten, pool

        spec = [conv(32, padding="same"), pool(2), conv(64), pool(2), conv(128), pool(2), flatten(), dropout(0.3),
                dense(128), dropout(0.2), dense(10, "softmax")]
    cfg = recipe("robust", pen_digits_writers=train_w, non_digits=args.non_digits, pen_digit_variants=args.variants,
                 epochs=args.epochs, spec=spec)
    session = ModelSession(args.data, log=lambda t: print(t, file=sys.stderr, flush=True))
    data = session.prepare(cfg)
    t0 = time.time()
    result = session.train(cfg, TrainCallbacks(on_epoch=lambda *a, **k: print("epoch", a, k, flush=True)), data=data)
    print(f"trained {result.epochs_done} epochs in {time.time() - t0:.0f} s; MNIST test {result.test_accuracy:.4f}")
    if args.out:
        session.save(args.out)
    report(session.model, val_w)


def report(model, writers):
    from unsure_threshold import probabilities_of
    from model import nondigits, pendigits
    from model.preprocess import to_mnist

    digits = [d for d in pendigits.parse(pendigits.find_file()) if d.writer in writers]
    x = np.stack([to_mnist(pendigits.render(pendigits.fit_to_canvas(d.strokes))) for d in digits])
    y = np.array([d.label for d in digits])
    shapes = nondigits.generate(1000, 500_000)  # a seed no training uses, and not the tests' either
    xs = nondigits.to_images(shapes)
    p, q = probabilities_of(model, x), probabilities_of(model, xs)
    right = p.argmax(1) == y
    print(f"pen writers {writers[0]}-{writers[-1]}: {right.mean():.4f} of {len(y)}; per class "
          + " ".join(f"{d}:{np.mean(right[y == d]):.3f}" for d in range(10)))
    from unsure_threshold import table

    table({"correct digits": p[right], "misread digits": p[~right], "non-digits": q})
    kinds = np.array([s.kind for s in shapes])
    for t in (0.5, 0.7, 0.9):
        print(f"non-digits flagged at top < {t}: " + " ".join(f"{k}:{np.mean(q[kinds == k].max(1) < t):.2f}"
                                                           for k in nondigits.KINDS))


if __name__ == "__main__":
    main()
