"""Which pen width on the 280 px canvas gives MNIST's stroke thickness after MNIST-style preprocessing?

Renders pen digits of the *training* writers (1-24 by default; the held-out writers 25-30 are never used to choose
anything) at several pen widths, runs :func:`model.preprocess.to_mnist` and compares two thickness figures with the
MNIST test images:

- ink mass: the sum of the 28x28 pixel values (0-1), i.e. the number of fully inked pixels;
- pixels > 0.5: how many pixels are more than half inked;
- stroke width 2A/P: twice the ink area over the outline's length (the summed gradient magnitude of the image). For a
  stroke of width w and length L, A = wL and P = 2L, so this estimates the width in 28x28 pixels independently of how
  long the strokes are (pen digits and MNIST digits need not have the same stroke length).

All grow with stroke thickness (the digit's size is fixed by the 20 px box). Digits differ in stroke length, so the
figures are averaged per class first and then over the ten classes, which removes any difference in class mix.
The width at which each figure equals MNIST's is found by linear interpolation.

Usage: ``python benchmarks/pen_width.py [--data ../shared/data/mnist.npz] [--writers 1-24] [--every 3]
[--widths 10,12,...]``
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np

from model import pendigits
from model.preprocess import to_mnist

DEFAULT_WIDTHS = (18, 20, 22, 24, 26, 28, 30, 32)


def parse_writers(text: str) -> tuple[int, ...]:
    out: list[int] = []
    for part in text.split(","):
        if "-" in part:
            a, b = part.split("-")
            out.extend(range(int(a), int(b) + 1))
        else:
            out.append(int(part))
    return tuple(out)


def outline_length(images: np.ndarray) -> np.ndarray:
    """Summed gradient magnitude of each (n, 28, 28) image: the length of the ink's outline in pixels."""
    padded = np.pad(images, ((0, 0), (1, 1), (1, 1)))
    gy = (padded[:, 2:, 1:-1] - padded[:, :-2, 1:-1]) / 2
    gx = (padded[:, 1:-1, 2:] - padded[:, 1:-1, :-2]) / 2
    return np.sqrt(gx**2 + gy**2).sum(axis=(1, 2))


def thickness(images: np.ndarray, labels: np.ndarray) -> tuple[float, float, float]:
    """(ink mass, pixels > 0.5, stroke width 2A/P) of float images in [0, 1], averaged per class then over classes."""
    flat = images.reshape(len(images), -1)
    mass = flat.sum(axis=1)
    half = (flat > 0.5).sum(axis=1)
    width = 2 * mass / outline_length(images)
    figures = np.stack([mass, half, width], axis=1)
    per_class = [figures[labels == d].mean(axis=0) for d in range(10) if np.any(labels == d)]
    m, h, w = np.mean(per_class, axis=0)
    return float(m), float(h), float(w)


def crossing(widths, values, target) -> float | None:
    """The width where ``values`` (increasing with width) reaches ``target``, by linear interpolation."""
    for (w0, v0), (w1, v1) in zip(zip(widths, values), zip(widths[1:], values[1:])):
        if v0 <= target <= v1:
            return w0 + (target - v0) * (w1 - w0) / (v1 - v0)
    return None


def measure(mnist_path: str, writers=tuple(range(1, 25)), every: int = 3, widths=DEFAULT_WIDTHS) -> dict:
    with np.load(mnist_path) as f:
        x_test, y_test = f["x_test"].astype(np.float64) / 255, f["y_test"]
    target_mass, target_half, target_width = thickness(x_test, y_test)
    path = pendigits.find_file()
    if path is None:
        raise SystemExit("pendigits file not found (set DIGIT_TRAINER_PENDIGITS)")
    digits = [d for d in pendigits.parse(path) if d.writer in writers][::every]
    if set(writers) & set(pendigits.HELD_OUT_WRITERS):
        print("warning: measuring on held-out writers; choose the width on training writers only", file=sys.stderr)
    labels = np.array([d.label for d in digits])
    placed = [pendigits.fit_to_canvas(d.strokes) for d in digits]
    rows = []
    for w in widths:
        imgs = np.stack([to_mnist(pendigits.render(s, width=w)) for s in placed])
        rows.append((w, *thickness(imgs, labels)))
    ws = [r[0] for r in rows]
    return {
        "digits": len(digits),
        "mnist_mass": target_mass,
        "mnist_half": target_half,
        "mnist_width": target_width,
        "rows": rows,
        "width_mass": crossing(ws, [r[1] for r in rows], target_mass),
        "width_half": crossing(ws, [r[2] for r in rows], target_half),
        "width_2ap": crossing(ws, [r[3] for r in rows], target_width),
    }


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data", default="../shared/data/mnist.npz")
    p.add_argument("--writers", default="1-24")
    p.add_argument("--every", type=int, default=3, help="use every N-th digit of the chosen writers")
    p.add_argument("--widths", default=",".join(str(w) for w in DEFAULT_WIDTHS))
    args = p.parse_args(argv)
    t0 = time.perf_counter()
    r = measure(args.data, parse_writers(args.writers), args.every, [float(w) for w in args.widths.split(",")])
    print(
        f"MNIST test (class-averaged): ink mass {r['mnist_mass']:.1f}, pixels > 0.5 {r['mnist_half']:.1f}, "
        f"stroke width 2A/P {r['mnist_width']:.2f} px"
    )
    print(f"pen digits: {r['digits']} of writers {args.writers}, 65 % of a 280 px canvas, to_mnist")
    print(f"{'pen px':>8} {'ink mass':>9} {'px > 0.5':>9} {'2A/P px':>8}")
    for w, m, h, sw in r["rows"]:
        print(f"{w:8.1f} {m:9.1f} {h:9.1f} {sw:8.2f}")
    fmt = lambda v: "not in range" if v is None else f"{v:.1f} px"  # noqa: E731
    print(
        f"pen width matching MNIST's ink mass: {fmt(r['width_mass'])}; pixels > 0.5: {fmt(r['width_half'])}; "
        f"stroke width 2A/P: {fmt(r['width_2ap'])}"
    )
    print(f"time {time.perf_counter() - t0:.0f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
