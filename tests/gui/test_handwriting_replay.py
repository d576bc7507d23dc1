"""Real handwriting through the whole path a user takes: pen strokes replayed as mouse drags on the canvas."""

import numpy as np
import pytest
from PySide6.QtWidgets import QLabel

from model import pendigits
from tests.gui.replay import classify_digits

MIN_HELD_OUT_DIGITS = 1000
MIN_ACCURACY = 0.99
MAX_FALSE_FLAGS = 0.02  # share of correctly read digits the app flags unsure / not a digit


@pytest.fixture(scope="module")
def held_out_digits():
    path = pendigits.find_file()
    if path is None:
        pytest.skip("pendigits-orig-tra.txt not found: set DIGIT_TRAINER_PENDIGITS or put it in ../shared/data/")
    digits = [d for d in pendigits.parse(path) if d.writer in pendigits.HELD_OUT_WRITERS]
    rng = np.random.default_rng(0)
    order = rng.permutation(len(digits))[: max(MIN_HELD_OUT_DIGITS, 1100)]
    return [digits[i] for i in sorted(order)]


def test_held_out_writers_replayed_on_canvas(bundled_window, held_out_digits):
    results = classify_digits(bundled_window, held_out_digits)
    assert len(results) >= MIN_HELD_OUT_DIGITS
    truth = np.array([r[0] for r in results])
    pred = np.array([-1 if r[1] is None else r[1] for r in results])
    per_class = {d: float(np.mean(pred[truth == d] == d)) for d in range(10)}
    accuracy = float(np.mean(pred == truth))
    flagged = np.array(["unsure" in r[2] for r in results])
    right = pred == truth
    false_flags, caught = float(flagged[right].mean()), float(flagged[~right].mean()) if (~right).any() else 1.0
    print(f"held-out writers 25-30, {len(results)} digits replayed: accuracy {accuracy:.4f}; per class {per_class}; "
          f"flagged: {false_flags:.4f} of the correct answers, {caught:.3f} of the {int((~right).sum())} misreads")
    assert accuracy >= MIN_ACCURACY, per_class
    assert false_flags <= MAX_FALSE_FLAGS


def test_prediction_label_contract(bundled_window, held_out_digits):
    label = bundled_window.findChild(QLabel, "predictionLabel")
    assert not any(ch.isdigit() for ch in label.text())
    (truth, pred, text), = classify_digits(bundled_window, held_out_digits[:1])
    assert text[0] in "0123456789"
    bundled_window.draw_panel.canvas.clear()
    assert not any(ch.isdigit() for ch in label.text())
