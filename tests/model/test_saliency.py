"""Saliency maps: shape, normalisation, near zero where the input is blank, and the way back onto the canvas."""

from __future__ import annotations

import numpy as np
import pytest

from model import pendigits, saliency
from model.preprocess import to_mnist


@pytest.fixture(scope="module")
def trained(raw_mnist):
    """A seed-recipe model trained briefly on 3,000 MNIST images (about 95 % accurate)."""
    from model.data import prepare
    from model.recipes import recipe
    from model.training import Trainer

    cfg = recipe("seed", epochs=1, batch_size=32, limit_train=3000, limit_test=0, validation_split=0.0)
    model, _ = Trainer(cfg).run(prepare(raw_mnist, validation_split=0.0, limit_train=3000, limit_test=0))
    return model


def test_shape_range_and_predicted_digit(trained, raw_mnist):
    x = raw_mnist.x_test[0] / 255.0
    s = saliency.saliency(trained, x)
    assert s.values.shape == (28, 28) and s.values.dtype == np.float32
    assert s.values.min() >= 0 and s.values.max() == pytest.approx(1.0)
    probs = np.asarray(trained.predict_on_batch(x.reshape(1, 28, 28, 1)))[0]
    assert s.digit == int(probs.argmax()) and s.probability == pytest.approx(probs.max(), abs=1e-5)
    other = saliency.saliency(trained, x, digit=(s.digit + 1) % 10)
    assert other.digit == (s.digit + 1) % 10 and not np.allclose(other.values, s.values)


def far_from_ink(img: np.ndarray, distance: int = 3) -> np.ndarray:
    """Pixels with no ink within ``distance`` pixels (a square neighbourhood)."""
    ink = np.pad(img > 0, distance)
    near = np.zeros_like(img, dtype=bool)
    for dy in range(2 * distance + 1):
        for dx in range(2 * distance + 1):
            near |= ink[dy : dy + 28, dx : dx + 28]
    return ~near


def test_blank_region_gets_near_zero_saliency(trained, raw_mnist):
    """The blank surroundings of MNIST digits (a third or more of every image) hardly matter; the strokes do."""
    for img in raw_mnist.x_test[:20] / 255.0:
        blank = far_from_ink(img)
        assert blank.mean() > 0.3
        values = saliency.saliency(trained, img).values
        assert values[blank].mean() < 0.05
        assert values[img > 0.5].mean() > 4 * values[blank].mean()


def test_far_from_ink_is_near_zero(trained):
    """A stroke in one corner: the opposite corner, far from any ink, gets almost nothing."""
    img = np.zeros((28, 28), np.float32)
    img[4:14, 6:8] = 1.0
    img[4:6, 6:14] = 1.0
    values = saliency.saliency(trained, img).values
    assert values[20:, 20:].mean() < 0.03 and values[20:, 20:].max() < 0.25
    assert values[4:14, 4:16].max() == pytest.approx(1.0)


def test_to_canvas_carries_pen_digits_back_onto_their_ink():
    """Real drawings through to_mnist and back: the input carried back lies on the strokes, not beside them."""
    path = pendigits.find_file()
    if path is None:
        pytest.skip("pendigits file not found")
    for d in pendigits.parse(path)[:30:3]:
        canvas = pendigits.render(pendigits.fit_to_canvas(d.strokes))
        back = saliency.to_canvas(to_mnist(canvas), canvas)
        ink = canvas > 0.5
        assert back[ink].mean() > 0.7 and back[ink].mean() > 10 * back[~ink].mean()  # 25 px off fails both


def test_to_canvas_lines_up_with_the_drawing():
    canvas = np.zeros((280, 280), np.float32)
    canvas[60:200, 100:130] = 1.0  # a thick vertical bar, a "1"
    x = to_mnist(canvas)
    back = saliency.to_canvas(x, canvas)  # the input itself carried back: ink where the canvas had ink
    assert back.shape == canvas.shape
    assert np.median(back[canvas > 0]) > 0.9
    assert back[:, 150:].max() == 0 and back[:50].max() < 0.05  # blank in the input, blank on the canvas
    assert back[:25].max() == 0 and back[:, 220:].max() == 0  # outside the 28x28 field altogether
    assert not saliency.to_canvas(np.ones((28, 28)), np.zeros((280, 280))).any()


def test_heat_rgba_is_transparent_where_zero():
    rgba = saliency.heat_rgba(np.array([[0.0, 0.5, 1.0]]))
    assert rgba.shape == (1, 3, 4) and rgba.dtype == np.uint8
    assert rgba[0, 0, 3] == 0 and 0 < rgba[0, 1, 3] < rgba[0, 2, 3]
