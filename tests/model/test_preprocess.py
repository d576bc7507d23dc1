"""MNIST-style preprocessing (model.preprocess), checked on hand-computed cases. Pure numpy: no Qt, no TensorFlow."""

from __future__ import annotations

import numpy as np
import pytest

from model import preprocess
from model.preprocess import CENTRE, DEFAULT_PEN_WIDTH, naive_resize, photo_to_ink, to_mnist


def centre_of_mass(img: np.ndarray) -> tuple[float, float]:
    """(y, x) in continuous coordinates: pixel i spans [i, i + 1), so its centre is i + 0.5."""
    c = np.arange(img.shape[0]) + 0.5
    mass = img.sum()
    return float(img.sum(axis=1) @ c / mass), float(img.sum(axis=0) @ c / mass)


def square(size=280, top=0, left=0, side=60) -> np.ndarray:
    img = np.zeros((size, size), np.float32)
    img[top : top + side, left : left + side] = 1.0
    return img


def test_centre_convention_is_mnists_pixel_14():
    # MNIST's measured mean centre of mass is 14.49 / 14.51 (model.preprocess.CENTRE's docstring): the centre of
    # pixel 14, half a pixel from the field's geometric centre 14.0.
    assert CENTRE == 14.5
    assert abs(CENTRE - preprocess.FIELD / 2) <= 0.5


@pytest.mark.parametrize("top,left", [(0, 0), (10, 200), (220, 5), (150, 150)])
def test_off_centre_digit_is_centred(top, left):
    # A 60x60 square anywhere on the canvas becomes a 20x20 square whose centre of mass is at CENTRE on both axes.
    out = to_mnist(square(top=top, left=left))
    cy, cx = centre_of_mass(out)
    assert abs(cy - CENTRE) < 0.5 and abs(cx - CENTRE) < 0.5
    assert cy == pytest.approx(CENTRE, abs=1e-4) and cx == pytest.approx(CENTRE, abs=1e-4)  # sub-pixel exact
    # 20x20 square centred on 14.5 covers rows and columns 4.5 .. 24.5: 19 full pixels and a half at each end.
    np.testing.assert_allclose(out[5:24, 5:24], 1.0, atol=1e-5)
    np.testing.assert_allclose(out[4, 5:24], 0.5, atol=1e-5)
    np.testing.assert_allclose(out[5:24, 24], 0.5, atol=1e-5)
    assert out.sum() == pytest.approx(400.0, abs=1e-3)  # area kept: 20 * 20


def test_the_same_digit_anywhere_gives_the_same_input():
    a, b = to_mnist(square(top=3, left=17)), to_mnist(square(top=190, left=140))
    np.testing.assert_allclose(a, b, atol=1e-6)


def test_off_centre_lopsided_shape_is_centred_by_mass_not_by_box():
    # An L shape: its centre of mass is not its bounding box's centre; the mass is what lands on CENTRE.
    img = np.zeros((280, 280), np.float32)
    img[20:120, 30:50] = 1.0  # vertical bar, 100 x 20
    img[100:120, 30:90] = 1.0  # foot, 20 x 60
    out = to_mnist(img)
    # Ink area 2000 + 800 px, scaled by (20 / 100)^2: nothing is cut off at the field's edges.
    assert out.sum() == pytest.approx(2800 * 0.04, abs=1e-3)
    cy, cx = centre_of_mass(out)
    assert cy == pytest.approx(CENTRE, abs=1e-3) and cx == pytest.approx(CENTRE, abs=1e-3)
    # By hand: the L's centre of mass is at (61.4, 18.6) px from its box's corner, (12.29, 3.71) after scaling, so
    # the 20 x 12 box spans rows 2.21 .. 22.21 and columns 10.79 .. 22.79, not the box centred on 14.5.
    rows, cols = np.flatnonzero(out.sum(axis=1) > 1e-6), np.flatnonzero(out.sum(axis=0) > 1e-6)
    assert (rows[0], rows[-1], cols[0], cols[-1]) == (2, 22, 10, 22)
    assert out[2, 11] == pytest.approx(1 - 0.2143, abs=1e-3)  # row 2 is covered from 2.2143 to 3


def test_aspect_ratio_is_kept_for_a_tall_thin_bar():
    # A 200 x 20 bar (1:10) scales by 20/200 = 0.1 to 20 x 2 px; its centre of mass goes to (14.5, 14.5), so it
    # covers rows 4.5 .. 24.5 and columns 13.5 .. 15.5.
    img = np.zeros((280, 280), np.float32)
    img[40:240, 200:220] = 1.0
    out = to_mnist(img)
    np.testing.assert_allclose(out[5:24, 14], 1.0, atol=1e-5)
    np.testing.assert_allclose(out[5:24, 13], 0.5, atol=1e-5)
    np.testing.assert_allclose(out[5:24, 15], 0.5, atol=1e-5)
    np.testing.assert_allclose(out[[4, 24], 14], 0.5, atol=1e-5)
    assert out[:4].max() == 0 and out[25:].max() == 0 and out[:, :13].max() == 0 and out[:, 16:].max() == 0
    height = out.sum() / out.sum(axis=1).max()  # mass / mass of a full row
    width = out.sum() / out.sum(axis=0).max()
    assert height == pytest.approx(20.0, abs=1e-3)
    assert width == pytest.approx(2.0, abs=1e-3)


def test_a_wide_shape_is_20_px_wide():
    img = np.zeros((100, 300), np.float32)
    img[40:60, 0:300] = 1.0  # 300 x 20 scales by 20/300 to 20 x 1.33, centred on 14.5: columns 4.5 .. 24.5
    out = to_mnist(img)
    cols = out.sum(axis=0)
    np.testing.assert_allclose(cols[5:24], 20 / 15, atol=1e-5)  # a full column holds 1.33 px of ink
    np.testing.assert_allclose(cols[[4, 24]], 10 / 15, atol=1e-5)
    assert cols[:4].max() == 0 and cols[25:].max() == 0
    assert out.sum() == pytest.approx(300 * 20 * (20 / 300) ** 2, abs=1e-3)


def test_geometry_maps_the_ink_box_where_to_mnist_puts_it():
    # The L shape again: the geometry says where its 100 x 60 px ink box lands in the field, and to_mnist's ink is
    # exactly there (first and last inked rows and columns, and the fraction of the edge pixels covered).
    img = np.zeros((280, 280), np.float32)
    img[20:120, 30:50] = 1.0
    img[100:120, 30:90] = 1.0
    g = preprocess.mnist_geometry(preprocess.clean_image(img))
    assert (g.top, g.bottom, g.left, g.right) == (20, 120, 30, 90) and g.scale == pytest.approx(0.2)
    y0, y1 = g.offset_y, g.offset_y + (g.bottom - g.top) * g.scale
    x0, x1 = g.offset_x, g.offset_x + (g.right - g.left) * g.scale
    assert (y0, y1, x0, x1) == pytest.approx((2.2143, 22.2143, 10.7857, 22.7857), abs=1e-4)  # by hand, as above
    out = to_mnist(img)
    rows, cols = np.flatnonzero(out.sum(axis=1) > 1e-6), np.flatnonzero(out.sum(axis=0) > 1e-6)
    assert (rows[0], rows[-1] + 1, cols[0], cols[-1] + 1) == (int(y0), int(np.ceil(y1)), int(x0), int(np.ceil(x1)))
    assert out[rows[0], cols[0]] == pytest.approx((np.ceil(y0) - y0) * (np.ceil(x0) - x0), abs=1e-5)
    assert out[rows[0], cols[0] + 1] == pytest.approx(np.ceil(y0) - y0, abs=1e-5)
    assert preprocess.mnist_geometry(np.zeros((50, 50))) is None


@pytest.mark.parametrize("img", [np.zeros((280, 280)), np.full((50, 80), 0.05), np.zeros((1, 1))])
def test_empty_input_returns_none(img):
    assert to_mnist(img) is None


def test_output_is_float32_28x28_in_unit_range():
    rng = np.random.default_rng(0)
    img = rng.uniform(-1.0, 3.0, (123, 77))  # out-of-range values are clipped first
    img[5, 5] = np.nan
    out = to_mnist(img)
    assert out.dtype == np.float32 and out.shape == (28, 28)
    assert np.isfinite(out).all() and out.min() >= 0.0 and out.max() <= 1.0
    rendered = to_mnist(square(side=7))
    assert rendered.dtype == np.float32 and rendered.shape == (28, 28) and rendered.max() <= 1.0


def test_rejects_colour_images():
    with pytest.raises(ValueError):
        to_mnist(np.zeros((10, 10, 3)))


def test_photo_of_dark_ink_on_light_paper_becomes_white_on_black():
    rng = np.random.default_rng(1)
    paper = np.clip(0.82 + rng.normal(0, 0.03, (120, 100)), 0, 1)  # light, textured paper
    ink = np.zeros((120, 100), bool)
    ink[20:100, 45:55] = True  # a '1' in dark ink
    photo = np.where(ink, 0.12 + rng.normal(0, 0.02, ink.shape), paper)
    out = photo_to_ink(photo)
    assert out.shape == photo.shape
    assert out[~ink].max() == 0.0  # clean background: no paper texture left
    assert out[ink].min() > 0.8 and np.median(out[ink]) > 0.95  # the ink is bright
    # 0-255 input gives the same result, and the preprocessed digit is a centred bar.
    np.testing.assert_allclose(photo_to_ink(photo * 255), out, atol=1e-9)
    x = to_mnist(out)
    cy, cx = centre_of_mass(x)
    assert abs(cy - CENTRE) < 0.01 and abs(cx - CENTRE) < 0.01


def test_white_ink_on_black_stays_and_blank_photo_is_empty():
    img = np.zeros((50, 50))
    img[10:40, 20:30] = 0.9
    out = photo_to_ink(img)
    assert out[10:40, 20:30].min() == 1.0 and out.sum() == 300
    assert not photo_to_ink(np.full((50, 50), 0.7)).any()


def test_naive_resize_keeps_mean_intensity():
    img = square(top=0, left=0, side=140)  # a quarter of the canvas
    out = naive_resize(img)
    assert out.shape == (28, 28) and out.dtype == np.float32
    assert out[:14, :14].min() == 1.0 and out[14:, :].max() == 0.0
    assert out.mean() == pytest.approx(img.mean(), abs=1e-6)


def test_default_pen_width_is_set():
    assert 15 <= DEFAULT_PEN_WIDTH <= 40


@pytest.mark.parametrize("scale,offset", [(0.1, 4.25), (0.6, 1.3), (1.0, 0.0), (2.5, -0.7), (7.0, 3.1)])
def test_area_resample_equals_the_resampling_matrix(scale, offset):
    a = np.random.default_rng(2).uniform(0, 1, (9, 4))
    expected = preprocess.resample_matrix(9, scale, offset, 28) @ a
    np.testing.assert_allclose(preprocess.area_resample(a, scale, offset, 28, axis=0), expected, atol=1e-12)
    np.testing.assert_allclose(preprocess.area_resample(a.T, scale, offset, 28, axis=1), expected.T, atol=1e-12)


def test_area_resample_by_hand():
    # Input pixels of ink 1, 2, 3 scaled by 0.5 from offset 0.25: they span [0.25, 0.75), [0.75, 1.25), [1.25, 1.75).
    # Output pixel 0 gets 1 * 0.5 + 2 * 0.25 = 1.0; pixel 1 gets 2 * 0.25 + 3 * 0.5 = 2.0; pixel 2 gets nothing.
    out = preprocess.area_resample(np.array([1.0, 2.0, 3.0]), 0.5, 0.25, 3)
    np.testing.assert_allclose(out, [1.0, 2.0, 0.0], atol=1e-12)
