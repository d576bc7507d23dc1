"""Real pen strokes (model.pendigits): parsing, rendering, and the bundled robust model on unseen writers.

No Qt: digits are rendered with numpy. Tests that need the pendigits file skip when it is not found
(model.pendigits.find_file(): $DIGIT_TRAINER_PENDIGITS or ../shared/data relative to the repo).
"""

from __future__ import annotations

import importlib.util
import sys
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from model import pendigits
from model.preprocess import DEFAULT_PEN_WIDTH

REPO_ROOT = Path(__file__).resolve().parents[2]
BUNDLED = REPO_ROOT / "resources" / "bundled_robust.keras"
NO_FILE = (
    f"pendigits-orig-tra.txt not found: set {pendigits.ENV_VAR} or put it in ../shared/data "
    "(see ../shared/data/README.md)"
)


@pytest.fixture(scope="module")
def digits():
    path = pendigits.find_file()
    if path is None:
        pytest.skip(NO_FILE)
    return pendigits.parse(path)


def test_parse_counts(digits):
    assert len(digits) == 7494
    writers = Counter(d.writer for d in digits)
    assert set(writers) == set(range(1, 31))
    assert all(200 <= n <= 260 for n in writers.values())  # about 250 digits each
    assert set(d.label for d in digits) == set(range(10))
    assert all(d.strokes and all(s.ndim == 2 and s.shape[1] == 2 for s in d.strokes) for d in digits)


def test_first_digit_is_parsed_with_y_flipped(digits):
    # The file starts: .SEGMENT DIGIT 0 ? "8" / .COMMENT 8 12 224 / .PEN_DOWN / 267 333 / 267 336 ...
    first = digits[0]
    assert (first.label, first.writer, first.index) == (8, 12, 224)
    np.testing.assert_array_equal(first.strokes[0][:2], [[267, -333], [267, -336]])


def test_y_points_down_so_a_seven_starts_at_its_top(digits):
    # A '7' starts with its top bar: after the flip that first point has a smaller y than most of the digit.
    # (92 % of the 778 sevens do; some writers start with a lead-in stroke. Without the flip it would be 8 %.)
    sevens = [d for d in digits if d.label == 7]
    starts_high = [d.strokes[0][0, 1] < np.median(np.concatenate(d.strokes)[:, 1]) for d in sevens]
    assert np.mean(starts_high) > 0.85
    # And the rendered 7 has its bar in the upper part of the image: more ink in the top rows than the bottom.
    img = pendigits.render(pendigits.fit_to_canvas(sevens[0].strokes))
    rows = np.flatnonzero(img.any(axis=1))
    top, bottom = img[rows[0] : rows[0] + 30].sum(), img[rows[-1] - 29 : rows[-1] + 1].sum()
    assert top > 2 * bottom


def test_fit_to_canvas_makes_a_digit_65_percent_of_the_canvas_height(digits):
    one = next(d for d in digits if d.label == 1)
    pts = np.concatenate(pendigits.fit_to_canvas(one.strokes))
    assert np.ptp(pts[:, 1]) == pytest.approx(0.65 * 280, rel=1e-6)
    assert (pts.min(axis=0) + pts.max(axis=0)) / 2 == pytest.approx([140, 140])


def test_render_gives_ink_where_the_strokes_are():
    # A horizontal stroke at y = 100 from x = 50 to 200, pen 10 px: pixel centres (y + 0.5) within 4.5 px of the
    # line are fully inked, so rows 95 .. 104 are ink and rows 94 and 105 (5.5 px away) are not.
    img = pendigits.render([np.array([[50.0, 100.0], [200.0, 100.0]])], width=10)
    assert img.dtype == np.float32 and img.shape == (280, 280)
    np.testing.assert_array_equal(img[95:105, 125], 1.0)
    assert img[94, 125] == 0 and img[105, 125] == 0
    # Round caps reach 5 px past the end points: the centre (45.5, 100.5) of pixel (100, 45) is sqrt(4.5^2 + 0.5^2)
    # = 4.528 px from the end point (50, 100), so its cover is 5.5 - 4.528 = 0.972; pixel (100, 44) is 5.52 px away.
    assert img[100, 45] == pytest.approx(0.9723, abs=1e-4) and img[100, 204] == pytest.approx(0.9723, abs=1e-4)
    assert img[100, 44] == 0 and img[100, 205] == 0
    assert img[:90].max() == 0 and img[110:].max() == 0
    # A single point is a dot of the pen's diameter.
    dot = pendigits.render([np.array([[140.0, 140.0]])], width=20)
    assert dot[140, 140] == 1.0 and dot[140, 131] == 1.0 and dot[140, 150] == 0.0
    assert dot.sum() == pytest.approx(np.pi * 10**2, rel=0.02)


def test_render_defaults_to_the_canvas_pen_width():
    stroke = [np.array([[60.0, 60.0], [220.0, 200.0]])]
    np.testing.assert_array_equal(pendigits.render(stroke), pendigits.render(stroke, width=DEFAULT_PEN_WIDTH))
    assert not np.array_equal(pendigits.render(stroke), pendigits.render(stroke, width=18))


def test_rendered_set_is_mnist_style_uint8(digits):
    x, y = pendigits.rendered_set(digits[:20])
    assert x.shape == (20, 28, 28) and x.dtype == np.uint8 and y.tolist() == [d.label for d in digits[:20]]
    x2, y2 = pendigits.rendered_set(digits[:5], variants=3, seed=1)
    assert len(x2) == 15 and y2.tolist() == [d.label for d in digits[:5] for _ in range(3)]


def test_robust_recipe_never_trains_on_the_held_out_writers():
    from model.recipes import recipe

    cfg = recipe("robust")
    assert cfg.pen_digits_writers and not set(cfg.pen_digits_writers) & set(pendigits.HELD_OUT_WRITERS)
    assert set(pendigits.HELD_OUT_WRITERS) == set(range(25, 31))


def _load_benchmark():
    spec = importlib.util.spec_from_file_location("pendigits_eval", REPO_ROOT / "benchmarks" / "pendigits_eval.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up while being defined
    spec.loader.exec_module(module)
    return module


def test_bundled_model_reads_held_out_writers(digits):
    # Writers 25-30 were never trained on. Every one of their digits (about 1,500), drawn as on the canvas.
    assert BUNDLED.is_file(), f"{BUNDLED} is missing: see resources/BUNDLED_MODEL.md for the command that makes it"
    ev = _load_benchmark().evaluate(BUNDLED, writers=pendigits.HELD_OUT_WRITERS)
    assert ev.digits >= 1000
    assert ev.mnist_style.accuracy >= 0.985, ev.mnist_style.per_class
