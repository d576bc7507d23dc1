"""The engine's insight work in slices (model/insight_work.py), without Qt: what is started, refreshed, finished."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from model.insight_work import CLASSES, FILTER, InsightBox, InsightEvents, InsightWork


class FakeSearch:
    """A PictureSearch stand-in: ``steps`` steps, counted."""

    def __init__(self, targets, steps=10):
        self.targets = list(targets)
        self.steps = steps
        self.done_steps = 0

    def advance(self, steps=1):
        self.done_steps = min(self.steps, self.done_steps + steps)
        return self.done

    @property
    def done(self):
        return self.done_steps >= self.steps

    @property
    def fraction(self):
        return self.done_steps / self.steps

    def pictures(self):
        return [SimpleNamespace(target=t, step=self.done_steps) for t in self.targets]


class FakeSession:
    def __init__(self, model=None, raw=None):
        self.model = model
        self._raw = raw
        self.searches = []

    @property
    def dataset_source(self):
        return None if self._raw is None else "test"

    def dataset(self):
        return self._raw

    def picture_search(self, targets, seed=0):
        if self.model is None:
            return None
        search = FakeSearch(targets)
        self.searches.append(search)
        return search


@pytest.fixture(scope="module")
def tiny_model():
    import keras

    keras.utils.set_random_seed(0)
    inputs = keras.Input((28, 28, 1))
    x = keras.layers.Conv2D(4, 3, activation="relu")(inputs)
    x = keras.layers.MaxPooling2D(4)(x)
    x = keras.layers.Flatten()(x)
    x = keras.layers.Dense(8, activation="relu")(x)
    return keras.Model(inputs, keras.layers.Dense(10, activation="softmax")(x))


@pytest.fixture
def raw():
    rng = np.random.default_rng(0)
    return SimpleNamespace(x_test=rng.integers(0, 255, (3000, 28, 28), dtype=np.uint8),
                           y_test=np.repeat(np.arange(10), 300).astype(np.uint8))


def _work(session):
    got = {"pictures": [], "maps": [], "unavailable": [], "progress": []}
    events = InsightEvents(
        pictures=lambda kind, pictures, fraction: got["pictures"].append((kind, fraction, pictures)),
        map_progress=got["progress"].append,
        map_done=got["maps"].append,
        unavailable=lambda kind, message: got["unavailable"].append((kind, message.code)),
    )
    box = InsightBox()
    return InsightWork(session, box, events), box, got


def _run(work, slices=1000):
    for _ in range(slices):
        if not work.advance(0.0):  # a zero budget: exactly one step per slice
            return
    raise AssertionError("the work did not end")


def test_pictures_are_shown_mid_way_and_at_the_end(tiny_model):
    from model.class_pictures import PictureTarget

    work, box, got = _work(FakeSession(tiny_model))
    box.post_pictures(CLASSES, [PictureTarget.of_digit(d) for d in range(10)])
    assert work.pending()
    work.advance(0.0)
    assert got["pictures"] == []  # one step of ten: not yet a fifth
    _run(work)
    fractions = [f for kind, f, _ in got["pictures"]]
    assert fractions[-1] == 1.0 and len(fractions) == 5  # every fifth, the last one final
    assert not work.pending()


def test_a_zero_budget_still_makes_one_step_per_slice(tiny_model):
    from model.class_pictures import PictureTarget

    session = FakeSession(tiny_model)
    work, box, _ = _work(session)
    box.post_pictures(CLASSES, [PictureTarget.of_digit(1)])
    work.advance(0.0)
    work.advance(0.0)
    assert session.searches[0].done_steps == 2


def test_a_clicked_filter_goes_before_the_class_pictures(tiny_model):
    from model.class_pictures import PictureTarget

    session = FakeSession(tiny_model)
    work, box, got = _work(session)
    box.post_pictures(CLASSES, [PictureTarget.of_digit(d) for d in range(10)])
    box.post_pictures(FILTER, [PictureTarget.of_filter("conv2d", 1)])
    _run(work)
    kinds = [kind for kind, f, _ in got["pictures"] if f == 1.0]
    assert kinds == [FILTER, CLASSES]


def test_an_epoch_end_during_a_refresh_finishes_it_and_computes_once_more(tiny_model, raw):
    session = FakeSession(tiny_model, raw)
    work, box, got = _work(session)
    box.set_live(classes=True, map_=True)
    work.refresh_live()  # an epoch ended
    work.advance(0.0)
    work.refresh_live()  # the next one ended before the work was done
    work.refresh_live()  # and another: still only one more
    _run(work)
    finals = [f for kind, f, _ in got["pictures"] if f == 1.0]
    assert len(finals) == 2 and len(session.searches) == 2
    assert len(got["maps"]) == 2


def test_off_screen_views_are_not_refreshed(tiny_model, raw):
    session = FakeSession(tiny_model, raw)
    work, box, got = _work(session)
    box.set_live(classes=False, map_=False)
    work.refresh_live()
    work.model_changed()
    assert not work.pending() and session.searches == []


def test_another_model_drops_the_old_work_and_keeps_the_clicked_filter(tiny_model):
    from model.class_pictures import PictureTarget

    session = FakeSession(tiny_model)
    work, box, got = _work(session)
    box.post_pictures(FILTER, [PictureTarget.of_filter("conv2d", 3)])
    work.advance(0.0)
    old = session.searches[0]
    work.model_changed()
    _run(work)
    assert old.done_steps == 1  # never advanced again
    assert session.searches[-1] is not old and session.searches[-1].targets == old.targets
    assert got["pictures"][-1][0] == FILTER


def test_the_map_is_the_pca_of_the_penultimate_layer_aligned_to_the_last_one(tiny_model, raw):
    from model.embedding import feature_layer, sample_indices

    session = FakeSession(tiny_model, raw)
    work, box, got = _work(session)
    box.post_map()
    _run(work)
    (first,) = got["maps"]
    assert first.layer == feature_layer(tiny_model)
    np.testing.assert_array_equal(first.indices, sample_indices(raw.y_test))
    np.testing.assert_array_equal(first.labels, raw.y_test[first.indices])
    assert got["progress"][-1] == 1.0 and len(got["progress"]) > 10  # many small steps, each reported
    box.post_map()
    _run(work)
    second = got["maps"][-1]
    np.testing.assert_allclose(second.points, first.points, atol=1e-3)  # same weights: the same map, not flipped


def test_what_cannot_be_computed_is_said(raw):
    from model.class_pictures import PictureTarget

    work, box, got = _work(FakeSession(model=None, raw=None))
    box.post_pictures(CLASSES, [PictureTarget.of_digit(0)])
    box.post_map()
    _run(work)
    assert got["unavailable"] == [(CLASSES, "insight.no_model"), ("map", "insight.no_dataset")]
    work, box, got = _work(FakeSession(model=None, raw=raw))
    box.post_map()
    _run(work)
    assert got["unavailable"] == [("map", "insight.no_model")]
