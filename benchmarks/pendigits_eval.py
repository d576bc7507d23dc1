"""Accuracy of a model on real pen strokes of chosen writers, drawn as a user would draw them on the canvas.

Each digit's strokes are scaled and centred to about 65 % of a 280 px canvas (:func:`model.pendigits.fit_to_canvas`),
rendered with anti-aliased strokes at the canvas' default pen width (:func:`model.pendigits.render`,
:data:`model.preprocess.DEFAULT_PEN_WIDTH`), then preprocessed MNIST-style (:func:`model.preprocess.to_mnist`).
With ``--naive`` the same canvases are also resized straight to 28x28 (:func:`model.preprocess.naive_resize`), for
comparison. Everything is numpy: no Qt.

The robust recipe trains on writers 1-24 only; writers 25-30 (the default) are never trained on.

Usage: ``python benchmarks/pendigits_eval.py --model resources/bundled_robust.keras [--writers 25-30] [--naive]``

:func:`evaluate` returns the figures, for tests and other scripts.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass, field

import numpy as np

from model import pendigits
from model.preprocess import DEFAULT_PEN_WIDTH, naive_resize, to_mnist


@dataclass
class Figures:
    """Accuracy of one preprocessing: overall, per class (0-9) and the per-class digit counts."""

    accuracy: float
    per_class: list[float]
    counts: list[int]
    confusion: np.ndarray = field(repr=False)


@dataclass
class PenEvaluation:
    writers: tuple[int, ...]
    digits: int
    width: float
    mnist_style: Figures
    naive: Figures | None = None
    seconds: float = 0.0


def parse_writers(text: str) -> tuple[int, ...]:
    """'25-30' or '1,3,5-7' -> a tuple of writer numbers."""
    out: list[int] = []
    for part in text.split(","):
        part = part.strip()
        if "-" in part:
            a, b = part.split("-")
            out.extend(range(int(a), int(b) + 1))
        elif part:
            out.append(int(part))
    return tuple(out)


def figures(predicted: np.ndarray, labels: np.ndarray) -> Figures:
    confusion = np.zeros((10, 10), dtype=np.int64)
    np.add.at(confusion, (labels, predicted), 1)
    counts = confusion.sum(axis=1)
    per_class = [float(confusion[d, d] / counts[d]) if counts[d] else float("nan") for d in range(10)]
    return Figures(float(np.mean(predicted == labels)), per_class, [int(c) for c in counts], confusion)


def canvases(digits, width: float | None = None):
    """Yield each digit drawn on the 280 px canvas as a user would: fitted to ~65 % of its height."""
    for d in digits:
        yield pendigits.render(pendigits.fit_to_canvas(d.strokes), width=width)


def evaluate(
    model,
    writers=pendigits.HELD_OUT_WRITERS,
    naive: bool = False,
    width: float | None = None,
    limit: int | None = None,
    path=None,
) -> PenEvaluation:
    """Render the ``writers``' digits and classify them with ``model`` (a Keras model or a .keras path).

    ``limit`` keeps the first N of those digits (in file order, which interleaves the classes).
    """
    t0 = time.perf_counter()
    if not hasattr(model, "predict_on_batch"):
        from model.storage import load_model

        model, _ = load_model(model)
    path = path or pendigits.find_file()
    if path is None:
        raise FileNotFoundError(f"pendigits file not found: set {pendigits.ENV_VAR} or put it in ../shared/data")
    width = DEFAULT_PEN_WIDTH if width is None else float(width)
    digits = [d for d in pendigits.parse(path) if d.writer in set(writers)]
    if limit is not None:
        digits = digits[:limit]
    mnist_style, resized, labels = [], [], []
    for d, canvas in zip(digits, canvases(digits, width)):
        x = to_mnist(canvas)
        if x is None:  # a digit with no ink would be a blank canvas; count it as wrong
            x = np.zeros((28, 28), np.float32)
        mnist_style.append(x)
        if naive:
            resized.append(naive_resize(canvas))
        labels.append(d.label)
    labels = np.array(labels, dtype=np.int64)

    def predict(images):
        x = np.stack(images).astype("float32")[..., None]
        return np.concatenate(
            [np.asarray(model.predict_on_batch(x[i : i + 500])).argmax(axis=1) for i in range(0, len(x), 500)]
        )

    result = PenEvaluation(tuple(writers), len(labels), width, figures(predict(mnist_style), labels))
    if naive:
        result.naive = figures(predict(resized), labels)
    result.seconds = time.perf_counter() - t0
    return result


def report(ev: PenEvaluation) -> str:
    w = ev.writers
    span = f"{min(w)}-{max(w)}" if w == tuple(range(min(w), max(w) + 1)) else ",".join(map(str, w))
    lines = [f"writers {span}: {ev.digits} digits, pen width {ev.width:g} px on a 280 px canvas"]
    cols = [("MNIST-style", ev.mnist_style)] + ([("naive resize", ev.naive)] if ev.naive else [])
    lines.append(f"{'digit':>5} {'count':>6} " + " ".join(f"{name:>13}" for name, _ in cols))
    for d in range(10):
        lines.append(
            f"{d:>5} {ev.mnist_style.counts[d]:>6} " + " ".join(f"{f.per_class[d]:>13.4f}" for _, f in cols)
        )
    lines.append(f"{'all':>5} {ev.digits:>6} " + " ".join(f"{f.accuracy:>13.4f}" for _, f in cols))
    lines.append(f"time {ev.seconds:.1f}s")
    return "\n".join(lines)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--model", required=True, help="a .keras model file")
    p.add_argument("--writers", default="25-30", help="writer numbers, e.g. 25-30 (default) or 1,2,5-7")
    p.add_argument("--naive", action="store_true", help="also report a straight resize of the canvas to 28x28")
    p.add_argument("--width", type=float, help=f"pen width in px (default {DEFAULT_PEN_WIDTH:g})")
    p.add_argument("--limit", type=int, help="use the first N digits only")
    args = p.parse_args(argv)
    ev = evaluate(args.model, parse_writers(args.writers), naive=args.naive, width=args.width, limit=args.limit)
    print(report(ev))
    return 0


if __name__ == "__main__":
    sys.exit(main())
