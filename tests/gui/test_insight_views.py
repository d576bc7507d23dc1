"""The class-pictures and embedding views on their own: what each setter shows, what each control emits.

The model's Picture and Embedding are faked with dataclasses holding the documented fields only, so these tests do
not need TensorFlow or the model helper's modules.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QPointF, Qt
from PySide6.QtWidgets import QComboBox, QLabel, QProgressBar, QPushButton, QWidget

from guiapp.class_pictures_view import ClassPicturesView, percent
from guiapp.embedding_view import DIGIT_COLOURS_DARK, DIGIT_COLOURS_LIGHT, EmbeddingView, digit_colour
from guiapp.theme import colours


@dataclass(frozen=True)
class FakeTarget:
    digit: int | None = None
    layer: str | None = None
    channel: int | None = None


@dataclass
class FakePicture:
    target: FakeTarget
    image: np.ndarray
    probability: float | None
    predicted: int
    score: float


@dataclass
class FakeEmbedding:
    method: str
    points: np.ndarray
    labels: np.ndarray
    predicted: np.ndarray
    confidence: np.ndarray
    indices: np.ndarray
    layer: str
    explained: float | None


def pictures(probabilities=None, predicted=None) -> list[FakePicture]:
    rng = np.random.default_rng(1)
    probabilities = probabilities or [0.90 + d / 100 for d in range(10)]
    predicted = predicted or list(range(10))
    return [FakePicture(FakeTarget(d), rng.random((28, 28), dtype=np.float32), probabilities[d], predicted[d],
                        probabilities[d]) for d in range(10)]


def embedding(n=2000, shift=0.0, seed=0, method="pca") -> tuple[FakeEmbedding, np.ndarray]:
    rng = np.random.default_rng(seed)
    labels = np.arange(n) % 10
    angle = labels * 2 * np.pi / 10
    points = np.stack([np.cos(angle), np.sin(angle)], 1) * 5 + rng.normal(0, 0.8, (n, 2)) + shift
    predicted = labels.copy()
    predicted[::7] = (labels[::7] + 3) % 10
    emb = FakeEmbedding(method, points.astype(np.float32), labels, predicted, rng.uniform(0.5, 1.0, n),
                        np.arange(n) * 3 + 1, "dense", 0.42 if method == "pca" else None)
    images = (rng.random((n, 28, 28)) * 255).astype(np.uint8)
    return emb, images


@pytest.fixture
def pictures_view(qtbot):
    view = ClassPicturesView()
    qtbot.addWidget(view)
    view.resize(900, 260)
    view.show()
    qtbot.waitExposed(view)
    return view


@pytest.fixture
def map_view(qtbot):
    view = EmbeddingView()
    qtbot.addWidget(view)
    view.resize(900, 280)
    view.show()
    qtbot.waitExposed(view)
    return view


# ------------------------------------------------------------------------------------------------ class pictures
def test_pictures_contract_names(pictures_view):
    v = pictures_view
    assert v.objectName() == "classPicturesView"
    assert isinstance(v.findChild(QPushButton, "classPicturesRefreshButton"), QPushButton)
    assert isinstance(v.findChild(QProgressBar, "classPicturesProgress"), QProgressBar)


def test_ten_tiles_show_their_probabilities_and_a_wrong_digit(pictures_view):
    v = pictures_view
    assert v.tile_count() == 10
    assert v.tile_texts() == [str(d) for d in range(10)]  # nothing computed yet: the digits alone
    probabilities = [0.97, 0.5, 0.904, 0.99996, 0.1, 0.2, 0.3, 0.4, 0.6, 1.0]
    predicted = [0, 7, 2, 3, 9, 5, 6, 7, 8, 9]
    v.set_pictures(pictures(probabilities, predicted))
    texts = v.tile_texts()
    assert texts[0] == "0 p = 97\u00a0%"
    assert texts[1] == "1 p = 50\u00a0% → 7"
    assert texts[2] == "2 p = 90\u00a0%"
    assert texts[3] == "3 p = 99.9\u00a0%"  # sure, not certain: never rounded up to 100 %
    assert texts[4] == "4 p = 10\u00a0% → 9"
    assert texts[9] == "9 p = 100\u00a0%"
    assert [t.has_image() for t in v.grid.tiles] == [True] * 10
    assert "7" in v.grid.tiles[1].toolTip()


def test_a_partial_set_of_pictures_keeps_empty_frames(pictures_view):
    v = pictures_view
    v.set_pictures(pictures()[:3])
    assert [t.has_image() for t in v.grid.tiles] == [True] * 3 + [False] * 7
    with pytest.raises(ValueError, match="layer='conv2d'"):
        v.set_pictures([FakePicture(FakeTarget(None, "conv2d", 1), np.zeros((28, 28)), None, 1, 0.5)])


def test_progress_bar_is_visible_only_while_computing(pictures_view):
    v = pictures_view
    bar = v.findChild(QProgressBar, "classPicturesProgress")
    assert not bar.isVisible()
    v.set_progress(0.25)
    assert bar.isVisible() and bar.value() == 250
    v.set_progress(1.0)
    assert bar.isVisible() and bar.value() == 1000
    v.set_progress(None)
    assert not bar.isVisible()


def test_message_replaces_the_tiles_and_clears(pictures_view):
    v = pictures_view
    v.set_pictures(pictures())
    v.set_message("No model yet")
    label = v.findChild(QLabel, "classPicturesMessage")
    assert label.isVisible() and label.text() == "No model yet"
    assert not v.grid.isVisible()
    v.set_message(None)
    assert not label.isVisible() and v.grid.isVisible()
    pic = FakePicture(FakeTarget(None, "conv2d", 5), np.ones((28, 28)), None, 1, 0.83)
    v.set_filter_picture(pic, "conv2d, filter 5")
    v.set_message("This network has no convolution")
    assert not v.filter_panel.isVisible()
    v.set_message(None)
    assert v.filter_panel.isVisible()
    assert v.tile_texts()[0].startswith("0 p = 90")


def test_filter_picture_shows_and_hides(pictures_view, qtbot):
    v = pictures_view
    assert not v.filter_panel.isVisible()
    pic = FakePicture(FakeTarget(None, "conv2d", 5), np.ones((28, 28)), None, 1, 0.83)
    v.set_filter_picture(pic, "conv2d, filter 5")
    assert v.filter_panel.isVisible()
    assert v.filter_title.text() == "conv2d, filter 5"
    assert "0.83" in v.filter_tile.text() and v.filter_tile.has_image()
    qtbot.mouseClick(v.filter_close, Qt.MouseButton.LeftButton)
    assert not v.filter_panel.isVisible()
    v.set_filter_picture(pic, "conv2d, filter 6")
    assert v.filter_panel.isVisible()
    v.set_filter_picture(None, "")
    assert not v.filter_panel.isVisible()


def test_refresh_emits_and_can_be_disabled(pictures_view, qtbot):
    v = pictures_view
    with qtbot.waitSignal(v.refreshRequested, timeout=1000):
        qtbot.mouseClick(v.refresh_button, Qt.MouseButton.LeftButton)
    v.set_refresh_enabled(False)
    assert not v.refresh_button.isEnabled()


def test_tiles_take_one_row_when_wide_and_two_when_narrow(pictures_view, qtbot):
    v = pictures_view
    v.resize(1800, 250)
    qtbot.waitUntil(lambda: v.columns() == 10, timeout=2000)
    v.resize(560, 300)
    qtbot.waitUntil(lambda: v.columns() == 5, timeout=2000)


def test_pictures_retranslate_keeps_the_state(pictures_view):
    v = pictures_view
    v.set_pictures(pictures())
    v.set_filter_picture(FakePicture(FakeTarget(None, "c", 0), np.ones((28, 28)), None, 1, 0.5), "c, filter 0")
    before = (v.tile_texts(), v.explanation.text(), v.refresh_button.text(), v.filter_tile.text())
    QCoreApplication.sendEvent(v, QEvent(QEvent.Type.LanguageChange))
    assert (v.tile_texts(), v.explanation.text(), v.refresh_button.text(), v.filter_tile.text()) == before
    assert before[1] and before[2]


# ---------------------------------------------------------------------------------------------------- the map
def test_map_contract_names(map_view):
    v = map_view
    import pyqtgraph as pg

    assert v.objectName() == "embeddingView"
    assert isinstance(v.findChild(pg.PlotWidget, "embeddingMap"), pg.PlotWidget)
    assert isinstance(v.findChild(QComboBox, "embeddingMethodCombo"), QComboBox)
    assert isinstance(v.findChild(QPushButton, "embeddingRecomputeButton"), QPushButton)
    assert isinstance(v.findChild(QWidget, "embeddingPointDetail"), QWidget)


def test_map_draws_2000_points_in_ten_colours_by_true_digit(map_view):
    v = map_view
    emb, images = embedding()
    v.set_embedding(emb, images)
    assert v.point_count() == 2000
    shown = v.point_colours()
    dark = colours(v).dark
    assert len(set(shown)) == 10
    assert shown == [digit_colour(d, dark) for d in emb.labels]
    np.testing.assert_allclose(np.column_stack(v.points.getData()), emb.points, rtol=1e-6)


def test_digit_colours_are_distinct_in_both_palettes():
    for palette in (DIGIT_COLOURS_LIGHT, DIGIT_COLOURS_DARK):
        assert len(set(palette)) == 10


def test_drawing_point_is_placed_where_set_and_hidden_with_none(map_view):
    v = map_view
    v.set_embedding(*embedding())
    assert v.drawing_point() is None and v.drawing_mark_position() is None
    v.set_drawing_point((1.5, -2.25))
    assert v.drawing_point() == (1.5, -2.25)
    assert v.drawing_mark_position() == pytest.approx((1.5, -2.25))
    assert v.drawing_mark.zValue() > v.points.zValue()
    v.set_drawing_point(None)
    assert v.drawing_point() is None and v.drawing_mark_position() is None
    with pytest.raises(ValueError, match="nan"):
        v.set_drawing_point((float("nan"), 0.0))


def test_click_point_shows_its_image_and_digits(map_view):
    v = map_view
    emb, images = embedding()
    v.set_embedding(emb, images)
    detail = v.findChild(QWidget, "embeddingPointDetail")
    assert v.selected_index() is None
    v.click_point(7)  # label 7, predicted (7 + 3) % 10 = 0: index 7 is a multiple of 7
    assert v.selected_index() == 7
    text = v.detail_text.text()
    assert "True digit: 7" in text and "Network: 0" in text
    assert f"({percent(emb.confidence[7])})" in text and str(emb.indices[7]) in text
    pixmap = v.detail_image.pixmap()
    shown = pixmap.toImage().convertToFormat(pixmap.toImage().Format.Format_Grayscale8)
    scale = pixmap.width() // 28
    assert shown.pixelColor(scale * 10 + 1, scale * 20 + 1).red() == images[7][20, 10]
    assert detail.isVisible()
    v.click_point(3)
    assert "True digit: 3" in v.detail_text.text() and "Network: 3" in v.detail_text.text()
    with pytest.raises(IndexError):
        v.click_point(2000)


def test_a_real_mouse_click_on_a_point_selects_it(map_view, qtbot):
    v = map_view
    emb, images = embedding(n=20)
    v.set_embedding(emb, images)
    qtbot.waitUntil(lambda: shows(v, emb.points), timeout=2000)
    target = 13
    scene = v.vb.mapViewToScene(QPointF(*map(float, emb.points[target])))
    pos = v.plot.mapFromScene(scene)
    qtbot.mouseClick(v.plot.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    qtbot.waitUntil(lambda: v.selected_index() is not None, timeout=2000)
    nearest = int(np.argmin(np.linalg.norm(emb.points - emb.points[target], axis=1)))
    assert v.selected_index() == nearest == target


def test_hover_text_names_the_digit(map_view):
    v = map_view
    emb, images = embedding()
    v.set_embedding(emb, images)
    assert v.hover_text(4) == "A 4"
    assert v.hover_text(14) == "A 4, read as 7"  # 14 is a multiple of 7: predicted (4 + 3) % 10


def test_method_combo_emits_but_set_method_does_not(map_view, qtbot):
    v = map_view
    assert v.method() == "pca"
    with qtbot.waitSignal(v.methodRequested, timeout=1000) as blocker:
        v.method_combo.setCurrentIndex(1)
    assert blocker.args == ["tsne"]
    with qtbot.assertNotEmitted(v.methodRequested):
        v.set_method("pca")
    assert v.method() == "pca"
    with pytest.raises(ValueError, match="umap"):
        v.set_method("umap")
    with qtbot.waitSignal(v.recomputeRequested, timeout=1000):
        qtbot.mouseClick(v.recompute_button, Qt.MouseButton.LeftButton)


def test_map_progress_message_and_stale(map_view):
    v = map_view
    v.set_embedding(*embedding())
    assert not v.progress.isVisible()
    v.set_progress(0.5)
    assert v.progress.isVisible() and v.progress.value() == 500
    v.set_progress(None)
    assert not v.progress.isVisible()
    v.set_message("Open a dataset to see the map")
    assert v.message.isVisible() and v.message.text() == "Open a dataset to see the map"
    assert not v.plot.isVisible()
    v.set_message(None)
    assert not v.message.isVisible() and v.plot.isVisible()
    v.set_stale("t-SNE from epoch 2")
    assert "t-SNE from epoch 2" in v.status.text()
    v.set_stale(None)
    assert "epoch 2" not in v.status.text()


def test_bad_embedding_is_refused_with_its_shape(map_view):
    v = map_view
    emb, images = embedding(n=50)
    with pytest.raises(ValueError, match="49 images"):
        v.set_embedding(emb, images[:49])
    emb.points = emb.points[:, :1]
    with pytest.raises(ValueError, match=r"\(50, 1\)"):
        v.set_embedding(emb, images)


def shows(view, points) -> bool:
    """True when the map's view holds every point (the auto-range has caught up with them)."""
    (x0, x1), (y0, y1) = view.vb.viewRange()
    return bool(x0 <= points[:, 0].min() and points[:, 0].max() <= x1 and y0 <= points[:, 1].min()
                and points[:, 1].max() <= y1)


def test_set_embedding_twice_keeps_a_users_zoom_but_follows_otherwise(map_view, qtbot):
    v = map_view
    emb, images = embedding()
    v.set_embedding(emb, images)
    qtbot.waitUntil(lambda: shows(v, emb.points), timeout=2000)
    moved, images = embedding(shift=100.0, seed=1)
    v.set_embedding(moved, images)  # not zoomed: the view follows the moved points
    qtbot.waitUntil(lambda: shows(v, moved.points) and v.vb.viewRange()[0][0] > 50, timeout=2000)
    # The user zooms in (the wheel and a drag end in setRange, which switches auto-range off, as here).
    v.vb.setRange(xRange=(99.0, 101.0), yRange=(99.0, 101.0), padding=0)
    zoomed = v.vb.viewRange()
    back, images = embedding(shift=0.0, seed=2)
    v.set_embedding(back, images)
    v.vb.updateAutoRange()  # what the next paint would do
    assert v.vb.viewRange() == zoomed
    assert not shows(v, back.points)
    tsne, images = embedding(shift=0.0, seed=3, method="tsne")
    v.set_embedding(tsne, images)  # another kind of map: the zoom into the PCA one would show none of it
    qtbot.waitUntil(lambda: shows(v, tsne.points), timeout=2000)


def test_selection_and_drawing_survive_a_new_embedding(map_view):
    v = map_view
    v.set_embedding(*embedding())
    v.click_point(12)
    v.set_drawing_point((0.5, 0.5))
    emb, images = embedding(shift=3.0, seed=4)
    v.set_embedding(emb, images)
    assert v.selected_index() == 12
    x, y = v.selected_mark.getData()
    assert (float(x[0]), float(y[0])) == pytest.approx(tuple(map(float, emb.points[12])))
    assert v.drawing_mark_position() == pytest.approx((0.5, 0.5))


def test_map_retranslate_keeps_the_state(map_view):
    v = map_view
    v.set_embedding(*embedding())
    v.click_point(7)
    v.set_stale("from epoch 3")
    v.set_method("tsne")
    before = (v.detail_text.text(), v.status.text(), v.explanation.text(), v.method_combo.currentText())
    QCoreApplication.sendEvent(v, QEvent(QEvent.Type.LanguageChange))
    assert (v.detail_text.text(), v.status.text(), v.explanation.text(), v.method_combo.currentText()) == before
    assert "2,000" in before[2] and "dense" in before[2]


def test_hovering_a_point_puts_its_digit_in_the_tooltip(map_view, qtbot):
    v = map_view
    emb, images = embedding(n=20)
    v.set_embedding(emb, images)
    qtbot.waitUntil(lambda: shows(v, emb.points), timeout=2000)
    target = 14  # a 4 the network reads as 7
    scene = v.vb.mapViewToScene(QPointF(*map(float, emb.points[target])))
    qtbot.mouseMove(v.plot.viewport(), v.plot.mapFromScene(scene))
    qtbot.waitUntil(lambda: v.vb.toolTip() == v.hover_text(target) == "A 4, read as 7", timeout=2000)


def test_a_wide_low_map_is_stretched_but_at_most_max_stretch(map_view, qtbot):
    from guiapp.embedding_view import MAX_STRETCH

    v = map_view
    v.resize(1800, 250)  # the round fake map would fill this only stretched about 8 times
    emb, images = embedding()
    v.set_embedding(emb, images)

    def stretch() -> float:
        (x0, x1), (y0, y1) = v.vb.viewRange()
        return (v.vb.width() / (x1 - x0)) / (v.vb.height() / (y1 - y0))

    qtbot.waitUntil(lambda: shows(v, emb.points) and stretch() == pytest.approx(MAX_STRETCH, rel=0.03),
                    timeout=2000)
