"""Non-digits drawn as pen strokes: dots, dashes, blobs, crosses, stars, spirals, zig-zags, scribbles, fills, letters.

Each shape is a list of strokes ((k, 2) float x, y arrays on a 280 px canvas, y pointing down), like a
:class:`model.pendigits.PenDigit`'s, so the same generator feeds training (rendered with
:func:`model.pendigits.render` and :func:`model.preprocess.to_mnist`, the canvas' own path) and the GUI test, which
replays the strokes as mouse drags on the real canvas. Seeds below :data:`TEST_SEED` are for training; the tests use
seeds from :data:`TEST_SEED` on, which no training ever draws from.

Shapes a person would read as a digit are kept out: no single vertical bar (a 1), no plain circle or ring (a 0),
no three-segment zig-zag (a 2 or a Z), no letters that look like digits (O, I, S, Z, B, G, q, g, b).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from model.errors import DigitTrainerError

SIZE = 280.0
KINDS = ("dot", "dash", "blob", "cross", "star", "spiral", "zigzag", "scribble", "fill", "letter")
TEST_SEED = 1_000_000
"""Seeds from here on are reserved for tests; :func:`training_set` refuses them."""

# Letters as polylines in a unit box (x right, y down). None of them reads as a digit.
LETTERS = {
    "A": [[(0, 1), (0.5, 0), (1, 1)], [(0.22, 0.6), (0.78, 0.6)]],
    "E": [[(1, 0), (0, 0), (0, 1), (1, 1)], [(0, 0.5), (0.75, 0.5)]],
    "F": [[(1, 0), (0, 0), (0, 1)], [(0, 0.48), (0.7, 0.48)]],
    "H": [[(0, 0), (0, 1)], [(1, 0), (1, 1)], [(0, 0.5), (1, 0.5)]],
    "K": [[(0, 0), (0, 1)], [(1, 0), (0.05, 0.55), (1, 1)]],
    "M": [[(0, 1), (0, 0), (0.5, 0.65), (1, 0), (1, 1)]],
    "N": [[(0, 1), (0, 0), (1, 1), (1, 0)]],
    "W": [[(0, 0), (0.25, 1), (0.5, 0.35), (0.75, 1), (1, 0)]],
    "X": [[(0, 0), (1, 1)], [(1, 0), (0, 1)]],
    "Y": [[(0, 0), (0.5, 0.5), (1, 0)], [(0.5, 0.5), (0.5, 1)]],
    "T": [[(0, 0), (1, 0)], [(0.5, 0), (0.5, 1)]],
    "#": [[(0.33, 0), (0.23, 1)], [(0.77, 0), (0.67, 1)], [(0, 0.33), (1, 0.33)], [(0, 0.67), (1, 0.67)]],
}


@dataclass
class NonDigit:
    kind: str
    seed: int
    strokes: list[np.ndarray]  # each (k, 2) float x, y on a 280 px canvas


def _densify(pts: np.ndarray, step: float = 6.0) -> np.ndarray:
    """Points every ``step`` px along a polyline, as a pen's samples would be."""
    pts = np.asarray(pts, dtype=np.float64)
    if len(pts) < 2:
        return pts
    out = [pts[:1]]
    for a, b in zip(pts[:-1], pts[1:]):
        n = max(1, int(np.ceil(np.linalg.norm(b - a) / step)))
        t = (np.arange(1, n + 1) / n)[:, None]
        out.append(a + t * (b - a))
    return np.concatenate(out)


def _wobble(pts: np.ndarray, rng, amount: float) -> np.ndarray:
    """A hand's tremor: smooth random offsets of about ``amount`` px."""
    if len(pts) < 5 or amount <= 0:
        return pts
    noise = rng.normal(0, amount, pts.shape)
    kernel = np.ones(5) / 5
    noise = np.stack([np.convolve(noise[:, i], kernel, mode="same") for i in range(2)], axis=1)
    return pts + noise * np.sqrt(5)


def _place(strokes, rng, centre, size, rotation_deg=15.0, aspect=(0.7, 1.3)):
    """Unit-box strokes -> canvas: random rotation, aspect and size, centred on ``centre``."""
    a = np.radians(rng.uniform(-rotation_deg, rotation_deg))
    rot = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])
    k = rng.uniform(*aspect)
    scale = np.array([size * k, size / k]) if rng.random() < 0.5 else np.array([size, size])
    out = []
    for s in strokes:
        p = (np.asarray(s, dtype=np.float64) - 0.5) * scale
        out.append(p @ rot.T + centre)
    return out


def shape(kind: str, rng) -> list[np.ndarray]:
    """One random non-digit of ``kind`` as strokes on a 280 px canvas."""
    c = SIZE / 2 + rng.uniform(-40, 40, 2)
    if kind == "dot":
        r = rng.uniform(0, 4)
        strokes = [c + rng.uniform(-r, r, (int(rng.integers(1, 5)), 2))]
    elif kind == "dash":  # short and nearly horizontal: a steep dash would be a 1
        length = rng.uniform(15, 90)
        a = np.radians(rng.uniform(-20, 20))
        d = np.array([np.cos(a), np.sin(a)]) * length / 2
        strokes = [_densify(np.array([c - d, c + d]))]
    elif kind == "blob":  # a filled patch, scrubbed back and forth
        rx, ry = rng.uniform(12, 70), rng.uniform(12, 70)
        t = np.linspace(-1, 1, int(rng.integers(6, 14)))
        rows = []
        for i, y in enumerate(t):
            half = rx * np.sqrt(max(1 - y * y, 0.05))
            xs = (-half, half) if i % 2 == 0 else (half, -half)
            rows += [(c[0] + xs[0], c[1] + y * ry), (c[0] + xs[1], c[1] + y * ry)]
        strokes = [_wobble(_densify(np.array(rows), 4), rng, 1.5)]
    elif kind == "cross":  # an x, a + or a hash sign
        r = rng.uniform(35, 110)
        style = rng.integers(3)
        if style == 0:
            unit = LETTERS["X"]
        elif style == 1:
            unit = [[(0.5, 0), (0.5, 1)], [(0, 0.5), (1, 0.5)]]
        else:
            unit = LETTERS["#"]
        strokes = [_wobble(_densify(s), rng, 1.0) for s in _place(unit, rng, c, 2 * r, rotation_deg=20)]
    elif kind == "star":  # an asterisk of 3-6 lines, or a five-pointed star drawn in one go
        r = rng.uniform(40, 110)
        if rng.random() < 0.5:
            n = int(rng.integers(3, 7))
            angles = np.pi * (np.arange(n) / n) + rng.uniform(0, np.pi) + rng.normal(0, 0.08, n)
            strokes = [
                _densify(np.array([c - r * np.array([np.cos(a), np.sin(a)]), c + r * np.array([np.cos(a), np.sin(a)])]))
                for a in angles
            ]
        else:
            a0 = rng.uniform(0, 2 * np.pi)
            a = a0 + np.arange(6) * 4 * np.pi / 5
            strokes = [_densify(c + r * np.stack([np.cos(a), np.sin(a)], axis=1))]
        strokes = [_wobble(s, rng, 1.0) for s in strokes]
    elif kind == "spiral":  # at least two and a half turns: one turn would be a 0 or a 6
        turns = rng.uniform(2.5, 4.5)
        r = rng.uniform(50, 115)
        t = np.linspace(0, 2 * np.pi * turns, int(40 * turns))
        rad = r * (0.08 + 0.92 * t / t[-1])
        sign = rng.choice([-1, 1])
        pts = c + np.stack([np.cos(t), sign * np.sin(t)], axis=1) * rad[:, None] * np.array([1, rng.uniform(0.75, 1.25)])
        strokes = [_wobble(pts, rng, 1.0)]
    elif kind == "zigzag":  # four or more strokes across: three would be a Z, a 2
        n = int(rng.integers(4, 10))
        w, h = rng.uniform(100, 230), rng.uniform(30, 110)
        xs = np.linspace(-w / 2, w / 2, n + 1)
        ys = np.where(np.arange(n + 1) % 2 == 0, -h / 2, h / 2) * rng.choice([-1, 1])
        pts = np.stack([xs, ys], axis=1) + rng.normal(0, 4, (n + 1, 2))
        strokes = [_densify(_place([pts / 1.0], rng, np.zeros(2), 1.0, rotation_deg=15, aspect=(1, 1))[0] + c)]
    elif kind == "scribble":  # a random walk over much of the canvas, sometimes in a few strokes
        strokes = []
        for _ in range(int(rng.integers(1, 4))):
            steps = rng.normal(0, rng.uniform(25, 55), (int(rng.integers(8, 25)), 2))
            pts = np.clip(np.cumsum(steps, axis=0) + c + rng.uniform(-50, 50, 2), 15, SIZE - 15)
            strokes.append(_wobble(_densify(pts), rng, 1.5))
    elif kind == "fill":  # most of the canvas scrubbed over
        m = rng.uniform(5, 40)
        rows = int(rng.integers(8, 16))
        ys = np.linspace(m, SIZE - m, rows)
        pts = []
        for i, y in enumerate(ys):
            xs = (m, SIZE - m) if i % 2 == 0 else (SIZE - m, m)
            pts += [(xs[0], y), (xs[1], y + rng.normal(0, 4))]
        strokes = [_wobble(_densify(np.array(pts), 8), rng, 2.0)]
    elif kind == "letter":
        name = list(LETTERS)[int(rng.integers(len(LETTERS)))]
        unit = LETTERS[name]
        strokes = [_wobble(_densify(s), rng, 1.2) for s in _place(unit, rng, c, rng.uniform(110, 190), rotation_deg=10)]
    else:
        raise DigitTrainerError("nondigits.unknown_kind", kind=kind, kinds=", ".join(KINDS))
    return [np.clip(np.asarray(s, dtype=np.float64), 2, SIZE - 2) for s in strokes]


def generate(n: int, seed: int) -> list[NonDigit]:
    """``n`` non-digits, the kinds in turn (so each kind gets n/10), reproducible from ``seed``."""
    if n < 0:
        raise DigitTrainerError("nondigits.bad_count", count=n)
    rng = np.random.default_rng(seed)
    return [NonDigit(KINDS[i % len(KINDS)], seed, shape(KINDS[i % len(KINDS)], rng)) for i in range(n)]


def test_set(n: int = 300) -> list[NonDigit]:
    """The tests' non-digits: seed :data:`TEST_SEED`, never trained on."""
    return generate(n, TEST_SEED)


def counts(shapes: list[NonDigit]) -> dict[str, int]:
    """How many shapes of each kind."""
    return {k: sum(s.kind == k for s in shapes) for k in KINDS}


def to_images(shapes: list[NonDigit], seed: int = 0, width: float | None = None, vary_width: bool = False):
    """Render shapes as the canvas would and preprocess them like drawings: (n, 28, 28) float32 in [0, 1].

    ``vary_width`` draws each with a random pen between 0.75x and 1.5x ``width`` (default: the canvas' pen).
    """
    from model import pendigits
    from model.preprocess import DEFAULT_PEN_WIDTH, to_mnist

    width = DEFAULT_PEN_WIDTH if width is None else float(width)
    rng = np.random.default_rng(seed)
    out = []
    for s in shapes:
        w = width * rng.uniform(0.75, 1.5) if vary_width else width
        img = to_mnist(pendigits.render(s.strokes, width=w))
        out.append(np.zeros((28, 28), np.float32) if img is None else img)
    return np.stack(out) if out else np.zeros((0, 28, 28), np.float32)


def training_set(n: int, seed: int = 0) -> np.ndarray:
    """``n`` non-digit training images (uint8, (n, 28, 28)) from seed ``seed`` (below :data:`TEST_SEED`)."""
    if not 0 <= seed < TEST_SEED:
        raise DigitTrainerError("nondigits.test_seed", seed=seed, limit=TEST_SEED)
    imgs = to_images(generate(n, seed), seed=seed, vary_width=True)
    return np.round(imgs * 255).astype(np.uint8)
