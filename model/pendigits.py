"""Real pen strokes: the UCI pendigits (UNIPEN) file, and an anti-aliased stroke renderer.

They give the app real handwriting that did not come from MNIST: the robust recipe trains on some writers, and the
tests replay other writers' strokes on the canvas.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from model.errors import DataError

DEFAULT_PATH = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "pendigits-orig-tra.txt"
ENV_VAR = "DIGIT_TRAINER_PENDIGITS"
HELD_OUT_WRITERS = tuple(range(25, 31))


@dataclass
class PenDigit:
    label: int
    writer: int
    index: int
    strokes: list[np.ndarray]  # each (k, 2) float x, y in tablet units with y pointing down (screen convention)


def find_file() -> Path | None:
    for p in (os.environ.get(ENV_VAR), DEFAULT_PATH, Path("../shared/data/pendigits-orig-tra.txt")):
        if p and Path(p).is_file():
            return Path(p)
    return None


_SEGMENT = re.compile(r'^\.SEGMENT\s+DIGIT\s+\S+\s+\S+\s+"(\d)"')


def parse(path: str | os.PathLike) -> list[PenDigit]:
    """Parse a pendigits-orig file. The tablet's y axis points up, so y is flipped here."""
    path = Path(path)
    try:
        lines = path.read_text().splitlines()
    except OSError as exc:
        raise DataError("pendigits.unreadable", path=str(path), error=str(exc)) from exc
    digits: list[PenDigit] = []
    current: PenDigit | None = None
    stroke: list[tuple[float, float]] | None = None
    for line in lines:
        m = _SEGMENT.match(line)
        if m:
            current = PenDigit(int(m.group(1)), 0, 0, [])
            digits.append(current)
            continue
        if current is None:
            continue
        if line.startswith(".COMMENT"):
            parts = line.split()
            if len(parts) >= 4:
                current.writer, current.index = int(parts[2]), int(parts[3])
        elif line.startswith(".PEN_DOWN"):
            stroke = []
        elif line.startswith(".PEN_UP"):
            if stroke:
                current.strokes.append(np.array(stroke, dtype=np.float64))
            stroke = None
        elif stroke is not None and line.strip():
            x, y = line.split()[:2]
            stroke.append((float(x), -float(y)))
    if not digits:
        raise DataError("pendigits.empty", path=str(path))
    return digits


def fit_to_canvas(strokes: list[np.ndarray], size: float = 280, height_fraction: float = 0.65, rng=None):
    """Scale and centre strokes as a person would draw on a ``size`` canvas: about 65 % of its height.

    ``rng`` (a numpy Generator) adds small random variation in size and position, as a person's would vary.
    """
    pts = np.concatenate(strokes)
    lo, hi = pts.min(axis=0), pts.max(axis=0)
    extent = hi - lo
    frac = height_fraction
    jitter = np.zeros(2)
    if rng is not None:
        frac *= rng.uniform(0.85, 1.15)
        jitter = rng.uniform(-0.08, 0.08, 2) * size
    scale = frac * size / max(extent[1], extent[0] * 0.8, 1e-6)
    centre = (lo + hi) / 2
    return [(s - centre) * scale + size / 2 + jitter for s in strokes]


def render(strokes: list[np.ndarray], size: int = 280, width: float | None = None) -> np.ndarray:
    """Anti-aliased white strokes on black, (size, size) float32 in [0, 1], with round caps and joins.

    Each pixel's ink is its coverage by a pen of diameter ``width`` (default
    :data:`model.preprocess.DEFAULT_PEN_WIDTH`) swept along the polyline, computed from the distance to the nearest
    segment. Each segment only touches the pixels within its own bounding box plus the pen's radius.
    """
    from model.preprocess import DEFAULT_PEN_WIDTH

    width = DEFAULT_PEN_WIDTH if width is None else float(width)
    img = np.zeros((size, size), dtype=np.float32)
    r = width / 2
    for s in strokes:
        s = np.asarray(s, dtype=np.float64)
        if len(s) == 1:
            s = np.vstack([s, s])
        for (ax, ay), (bx, by) in zip(s[:-1], s[1:]):
            x0 = max(int(np.floor(min(ax, bx) - r - 1)), 0)
            y0 = max(int(np.floor(min(ay, by) - r - 1)), 0)
            x1 = min(int(np.ceil(max(ax, bx) + r + 1)), size)
            y1 = min(int(np.ceil(max(ay, by) + r + 1)), size)
            if x1 <= x0 or y1 <= y0:
                continue
            px = np.arange(x0, x1) + 0.5 - ax  # pixel centres relative to the segment's start
            py = (np.arange(y0, y1) + 0.5 - ay)[:, None]
            dx, dy = bx - ax, by - ay
            ll = dx * dx + dy * dy
            if ll > 0:
                t = np.clip((px * dx + py * dy) / ll, 0, 1)
                d2 = (px - t * dx) ** 2 + (py - t * dy) ** 2
            else:
                d2 = px**2 + py**2
            cover = np.clip(r + 0.5 - np.sqrt(d2), 0, 1).astype(np.float32)
            np.maximum(img[y0:y1, x0:x1], cover, out=img[y0:y1, x0:x1])
    return img


SLANT = 0.25  # largest shear added to a rendering (x moves by up to a quarter of the height)
ASPECT = 0.15  # largest relative change of a rendering's width against its height
TREMOR = 0.012  # a hand's smooth wobble, as a share of the digit's height


def restyle(strokes: list[np.ndarray], rng) -> list[np.ndarray]:
    """The same digit as another hand might draw it: slanted, narrower or wider, with a little tremor.

    Used for training renderings only (``rendered_set`` with ``variants > 1``); replays use the strokes as written.
    """
    pts = np.concatenate(strokes)
    height = max(float(np.ptp(pts[:, 1])), 1e-6)
    centre = (pts.min(axis=0) + pts.max(axis=0)) / 2
    shear = rng.uniform(-SLANT, SLANT)
    stretch = 1 + rng.uniform(-ASPECT, ASPECT)
    out = []
    for s in strokes:
        p = np.asarray(s, dtype=np.float64) - centre
        p = np.stack([(p[:, 0] - shear * p[:, 1]) * stretch, p[:, 1]], axis=1)
        if len(p) >= 5:  # a short stroke (a dot) keeps its points
            noise = rng.normal(0, TREMOR * height, p.shape)
            kernel = np.ones(5) / 5
            p = p + np.stack([np.convolve(noise[:, i], kernel, mode="same") for i in range(2)], axis=1) * np.sqrt(5)
        out.append(p + centre)
    return out


def rendered_set(digits: list[PenDigit], seed: int = 0, width: float | None = None, variants: int = 1):
    """Render digits MNIST-style: (n, 28, 28) uint8 images and their labels, ``variants`` random draws each.

    ``width`` defaults to :data:`model.preprocess.DEFAULT_PEN_WIDTH`. With ``variants > 1`` the first draw of each
    digit is as written (random size, place and pen only); the others are also restyled (:func:`restyle`: slant,
    width, tremor). Every draw varies the pen width (0.75-1.3x), the digit's size and its position on the canvas at
    random, as people's drawings vary.
    """
    from model.preprocess import DEFAULT_PEN_WIDTH, to_mnist

    width = DEFAULT_PEN_WIDTH if width is None else float(width)
    rng = np.random.default_rng(seed)
    xs, ys = [], []
    for d in digits:
        for v in range(variants):
            w = width * rng.uniform(0.75, 1.3) if variants > 1 else width
            strokes = restyle(d.strokes, rng) if variants > 1 and v > 0 else d.strokes
            img = to_mnist(render(fit_to_canvas(strokes, rng=rng if variants > 1 else None), width=w))
            if img is None:
                continue
            xs.append(np.round(img * 255).astype(np.uint8))
            ys.append(d.label)
    return np.stack(xs), np.array(ys, dtype=np.uint8)
