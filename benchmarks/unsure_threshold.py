"""Measure where to flag a prediction as unsure: on real digits the model never saw, and on non-digits.

Three sets, all drawn the way the canvas draws (model.pendigits.render at the default pen width, then
model.preprocess.to_mnist):
- pen digits of writers 25-30 (never trained on), split into those the model reads right and those it misreads;
- non-digits: random scribbles, crosses, hash signs, stars and letters-like zig-zags made from random strokes.

For each threshold on the top probability and on the entropy it prints the share of each set that would be flagged.
A good threshold flags few correct digits and many misreads and non-digits.

Usage: ``python benchmarks/unsure_threshold.py [--model resources/bundled_robust.keras] [--scribbles 600]``
"""

from __future__ import annotations

import argparse

import numpy as np

from model import pendigits
from model.preprocess import entropy, to_mnist


def scribbles(n: int, seed: int = 0) -> list[list[np.ndarray]]:
    """Random non-digit drawings on a 280 px canvas, as stroke lists."""
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n):
        kind = i % 5
        c = rng.uniform(100, 180, 2)
        r = rng.uniform(50, 100)
        if kind == 0:  # random walk
            pts = np.cumsum(rng.normal(0, 25, (rng.integers(6, 14), 2)), axis=0) + c
            strokes = [pts]
        elif kind == 1:  # a cross
            strokes = [np.array([c - r, c + r]), np.array([[c[0] - r, c[1] + r], [c[0] + r, c[1] - r]])]
        elif kind == 2:  # a hash sign
            strokes = [
                np.array([[c[0] - r, c[1] - r / 3], [c[0] + r, c[1] - r / 3]]),
                np.array([[c[0] - r, c[1] + r / 3], [c[0] + r, c[1] + r / 3]]),
                np.array([[c[0] - r / 3, c[1] - r], [c[0] - r / 3, c[1] + r]]),
                np.array([[c[0] + r / 3, c[1] - r], [c[0] + r / 3, c[1] + r]]),
            ]
        elif kind == 3:  # a star of lines
            angles = rng.uniform(0, np.pi, rng.integers(3, 6))
            strokes = [np.array([c - r * np.array([np.cos(a), np.sin(a)]), c + r * np.array([np.cos(a), np.sin(a)])]) for a in angles]
        else:  # a zig-zag like 'W' or 'M', or a spiral
            if rng.random() < 0.5:
                xs = np.linspace(c[0] - r, c[0] + r, 5)
                ys = c[1] + np.array([-1, 1, -1, 1, -1]) * r * rng.choice([-1, 1])
                strokes = [np.stack([xs, ys], axis=1)]
            else:
                t = np.linspace(0, 4 * np.pi, 60)
                strokes = [c + np.stack([np.cos(t), np.sin(t)], axis=1) * (r * t / t[-1])[:, None]]
        out.append([np.clip(s, 5, 275) for s in strokes])
    return out


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
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="resources/bundled_robust.keras")
    parser.add_argument("--scribbles", type=int, default=600)
    args = parser.parse_args(argv)

    path = pendigits.find_file()
    if path is None:
        raise SystemExit("pendigits-orig-tra.txt not found (set DIGIT_TRAINER_PENDIGITS)")
    digits = [d for d in pendigits.parse(path) if d.writer in pendigits.HELD_OUT_WRITERS]
    x_d = np.stack([to_mnist(pendigits.render(pendigits.fit_to_canvas(d.strokes))) for d in digits])
    y_d = np.array([d.label for d in digits])
    x_s = np.stack([x for x in (to_mnist(pendigits.render(s)) for s in scribbles(args.scribbles)) if x is not None])
    p_d, p_s = probabilities(args.model, x_d), probabilities(args.model, x_s)
    right = p_d.argmax(1) == y_d
    sets = {"correct digits": p_d[right], "misread digits": p_d[~right], "non-digits": p_s}
    print(f"model {args.model}: {len(digits)} held-out pen digits ({right.mean():.2%} right), {len(x_s)} non-digits")
    print("\nflagged share when top probability < t")
    print(f"{'t':>6} " + " ".join(f"{k:>16}" for k in sets))
    for t in (0.5, 0.6, 0.7, 0.8, 0.9, 0.95):
        print(f"{t:6.2f} " + " ".join(f"{np.mean(p.max(1) < t):16.1%}" for p in sets.values()))
    print("\nflagged share when entropy > h bits")
    print(f"{'h':>6} " + " ".join(f"{k:>16}" for k in sets))
    for h in (0.5, 0.8, 1.0, 1.5, 2.0):
        print(f"{h:6.2f} " + " ".join(f"{np.mean([entropy(r) > h for r in p]):16.1%}" for p in sets.values()))


if __name__ == "__main__":
    main()
