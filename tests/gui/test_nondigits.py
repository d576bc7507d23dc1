"""Non-digits drawn on the real canvas: the app must not give a confident digit for a dot, a scribble or a letter.

The shapes come from model/nondigits.py with the tests' seed (never trained on), replayed as mouse drags on the
bundled window's drawCanvas; the answer is read off the prediction panel.
"""

import numpy as np
from PySide6.QtWidgets import QLabel

from model import nondigits
from tests.gui.replay import _wait_for, replay

SHAPES = 200  # 20 of each kind
MIN_FLAGGED = 0.90


def classify_shapes(window, shapes, timeout_ms: int = 20_000):
    """Replay each shape on the canvas; (kind, verdict, label text) for each, once the newest answer is shown."""
    canvas = window.draw_panel.canvas
    panel = window.draw_panel.prediction_panel
    label = window.findChild(QLabel, "predictionLabel")
    scale = canvas.width() / nondigits.SIZE
    out = []
    for s in shapes:
        canvas.clear()
        replay(canvas, [np.asarray(st) * scale for st in s.strokes])
        while window.controller.shown_generation() < window.controller.generation():
            if not _wait_for(window.predictionShown, timeout_ms):
                raise TimeoutError(f"no prediction within {timeout_ms} ms for a {s.kind}")
        out.append((s.kind, panel.verdict(), label.text()))
    canvas.clear()
    return out


def test_non_digits_are_flagged_on_the_canvas(bundled_window):
    from guiapp.prediction import SURE

    shapes = nondigits.test_set(SHAPES)
    results = classify_shapes(bundled_window, shapes)
    assert len(results) == SHAPES
    flagged = np.array([v != SURE for _, v, _ in results])
    # the label says so too, the digit first
    assert all(("unsure" in t) == f and t[0].isdigit() for (_, _, t), f in zip(results, flagged))
    kinds = np.array([k for k, _, _ in results])
    per_kind = {k: float(np.mean(flagged[kinds == k])) for k in nondigits.KINDS}
    print(f"non-digits replayed: {len(results)}, flagged {flagged.mean():.3f}; per kind {per_kind}")
    assert flagged.mean() >= MIN_FLAGGED, per_kind
