"""The non-digit shape generator (model/nondigits.py): reproducible, every kind, no digit-like shapes, seeds kept apart."""

import numpy as np
import pytest

from model import nondigits
from model.errors import DigitTrainerError
from model.preprocess import ink_bbox


def test_generate_is_reproducible_and_counts_every_kind():
    a, b = nondigits.generate(50, 3), nondigits.generate(50, 3)
    assert [s.kind for s in a] == [s.kind for s in b]
    assert all(np.array_equal(x, y) for s, t in zip(a, b) for x, y in zip(s.strokes, t.strokes))
    assert nondigits.counts(a) == {k: 5 for k in nondigits.KINDS}
    other = nondigits.generate(50, 4)
    assert not all(np.array_equal(s.strokes[0], t.strokes[0]) for s, t in zip(a, other))


def test_strokes_stay_on_the_canvas_and_render_to_ink():
    shapes = nondigits.generate(100, 0)
    for s in shapes:
        assert s.strokes and all(st.ndim == 2 and st.shape[1] == 2 and len(st) >= 1 for st in s.strokes)
        pts = np.concatenate(s.strokes)
        assert np.isfinite(pts).all() and pts.min() >= 0 and pts.max() <= nondigits.SIZE
    x = nondigits.to_images(shapes)
    assert x.shape == (100, 28, 28) and x.dtype == np.float32
    assert (x.reshape(100, -1).max(axis=1) > 0.5).all()


def test_dashes_lie_flat_and_spirals_turn_more_than_twice():
    # A steep dash would be a 1 and a single loop a 0: the generator must not make digits.
    shapes = nondigits.generate(400, 11)
    for s in shapes:
        pts = np.concatenate(s.strokes)
        if s.kind == "dash":
            w, h = np.ptp(pts, axis=0)
            assert h <= w * np.tan(np.radians(20)) + 1e-6
        elif s.kind == "spiral":
            c = pts.mean(axis=0)
            angle = np.unwrap(np.arctan2(pts[:, 1] - c[1], pts[:, 0] - c[0]))
            assert abs(angle[-1] - angle[0]) > 2 * 2 * np.pi
        elif s.kind == "zigzag":
            assert len(s.strokes) == 1


def test_training_set_refuses_the_tests_seeds():
    with pytest.raises(DigitTrainerError) as err:
        nondigits.training_set(10, seed=nondigits.TEST_SEED)
    assert err.value.code == "nondigits.test_seed"
    x = nondigits.training_set(20, seed=0)
    assert x.shape == (20, 28, 28) and x.dtype == np.uint8
    assert len(nondigits.test_set(30)) == 30 and nondigits.test_set(30)[0].seed == nondigits.TEST_SEED


def test_bad_requests_name_the_value():
    with pytest.raises(DigitTrainerError) as err:
        nondigits.shape("circle", np.random.default_rng(0))
    assert err.value.code == "nondigits.unknown_kind" and "circle" in str(err.value)
    with pytest.raises(DigitTrainerError) as err:
        nondigits.generate(-1, 0)
    assert "-1" in str(err.value)


def test_dots_and_fills_preprocess_to_heavy_ink():
    shapes = [s for s in nondigits.generate(60, 5) if s.kind in ("dot", "fill")]
    x = nondigits.to_images(shapes)
    assert (x.sum(axis=(1, 2)) > 220).all()
    for img in x:
        top, bottom, left, right = ink_bbox(img)
        assert bottom - top >= 18 or right - left >= 18  # to_mnist scales the ink to 20 px, whatever its size


def test_robust_run_data_trains_non_digits_toward_equal_probabilities():
    from model.data import RawMnist
    from model.recipes import recipe
    from model.training import run_data

    rng = np.random.default_rng(0)
    raw = RawMnist(rng.integers(0, 255, (100, 28, 28), dtype=np.uint8), np.arange(100) % 10,
                   rng.integers(0, 255, (20, 28, 28), dtype=np.uint8), np.arange(20) % 10, source="test")
    cfg = recipe("robust", pen_digits_writers=(1,), non_digits=30, validation_split=0.1)
    data = run_data(raw, cfg)
    uniform = np.all(np.isclose(data.y_train, 0.1), axis=1)
    assert uniform.sum() == 30 and np.allclose(data.y_train.sum(axis=1), 1.0)
    assert data.x_train.shape[1:] == (28, 28, 1) and data.x_train.max() <= 1.0
