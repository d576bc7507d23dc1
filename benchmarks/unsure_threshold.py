"""Measure where to flag a prediction as unsure: on real digits the model never saw, and on non-digits.

Three sets, all drawn the way the canvas draws (model.pendigits.render at the default pen width, then
model.preprocess.to_mnist):
- pen digits of the chosen writers (default 25-30, never trained on), split into those the model reads right and
  those it misreads;
- non-digits from model/nondigits.py (dots, dashes, blobs, crosses, stars, spirals, zig-zags, scribbles, fills,
  letters) of a seed that no training uses and that is not the GUI test's.

For each threshold on the top probability and on the entropy it prints the share of each set that would be flagged,
then the share flagged by the app's combined rule (top probability, entropy, and the ink limit of
guiapp.prediction.NOT_DIGIT_INK). A good threshold flags few correct digits and many misreads and non-digits.

Usage: ``python benchmarks/unsure_threshold.py [--model resources/bundled_robust.keras] [--writers 25-30]``
"""

from __future__ import annotations

import argparse

import numpy as np

from model import pendigits
from model.preprocess import entropy, to_mnist


def probabilities(model_path: str, images: np.ndarray) -> np.ndarray:
    from model.storage import load_model

    model, _ = load_model(model_path)
    return probabilities_of(model, images)


def probabilities_of(model, images: np.ndarray) -> np.ndarray:
    from model.inference import Predictor

    return np.concatenate([Predictor(model).probabilities(images[i : i + 500]) for i in range(0, len(images), 500)])


def table(sets: dict[str, np.ndarray]) -> None:
    """The share of each set of probability rows flagged at several top-probability and entropy thresholds."""
    print("\nflagged share when top probability < t")
    print(f"{'t':>6} " + " ".join(f"{k:>16}" for k in sets))
    for t in (0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.98):
        print(f"{t:6.2f} " + " ".join(f"{np.mean(p.max(1) < t):16.1%}" for p in sets.values()))
    print("\nflagged share when entropy > h bits")
    print(f"{'h':>6} " + " ".join(f"{k:>16}" for k in sets))
    for h in (0.3, 0.5, 0.8, 1.0, 1.5, 2.0):
        print(f"{h:6.2f} " + " ".join(f"{np.mean([entropy(r) > h for r in p]):16.1%}" for p in sets.values()))


def main(argv=None):
    from model import nondigits

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="resources/bundled_robust.keras")
    parser.add_argument("--writers", default="25-30", help="pen writers whose digits are measured (never trained on)")
    parser.add_argument("--shapes", type=int, default=1000, help="generated non-digits (model/nondigits.py)")
    parser.add_argument("--seed", type=int, default=500_000, help="their seed: not a training seed, not the tests'")
    parser.add_argument("--ink", type=float, default=250.0, help="the ink rule's limit (guiapp NOT_DIGIT_INK)")
    args = parser.parse_args(argv)

    from pendigits_eval import parse_writers

    path = pendigits.find_file()
    if path is None:
        raise SystemExit("pendigits-orig-tra.txt not found (set DIGIT_TRAINER_PENDIGITS)")
    writers = parse_writers(args.writers)
    digits = [d for d in pendigits.parse(path) if d.writer in writers]
    x_d = np.stack([to_mnist(pendigits.render(pendigits.fit_to_canvas(d.strokes))) for d in digits])
    y_d = np.array([d.label for d in digits])
    shapes = nondigits.generate(args.shapes, args.seed)
    x_s = nondigits.to_images(shapes)
    p_d, p_s = probabilities(args.model, x_d), probabilities(args.model, x_s)
    right = p_d.argmax(1) == y_d
    print(f"model {args.model}: {len(digits)} pen digits of writers {args.writers} ({right.mean():.2%} right), "
          f"{len(x_s)} non-digits (seed {args.seed})")
    table({"correct digits": p_d[right], "misread digits": p_d[~right], "non-digits": p_s})
    ink_d, ink_s = x_d.sum(axis=(1, 2)) > args.ink, x_s.sum(axis=(1, 2)) > args.ink
    print(f"\nink rule (> {args.ink:g}): correct digits {ink_d[right].mean():.1%}, misread {ink_d[~right].mean():.1%}, "
          f"non-digits {ink_s.mean():.1%}")
    kinds = np.array([s.kind for s in shapes])
    for t, h in ((0.9, 1.0), (0.95, 1.0), (0.8, 1.0)):
        def flag(p, ink):
            return (p.max(1) < t) | np.array([entropy(r) > h for r in p]) | ink
        fd, fs = flag(p_d, ink_d), flag(p_s, ink_s)
        print(f"top < {t} or entropy > {h} bits or ink: correct digits {fd[right].mean():.2%}, misread "
              f"{fd[~right].mean():.1%} ({fd[~right].sum()} of {(~right).sum()}), non-digits {fs.mean():.1%}; per kind "
              + " ".join(f"{k}:{fs[kinds == k].mean():.2f}" for k in nondigits.KINDS))


if __name__ == "__main__":
    main()
