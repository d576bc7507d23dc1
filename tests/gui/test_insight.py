"""What has it learned? Class pictures, filter pictures, Grad-CAM and the inner-space map in the window (issue #15).

Each is computed on the engine's thread in slices and reaches the views through the controller; these tests drive
the window as a user does (raise a dock, tick a box, pick a digit, click a filter, train) and check what is shown.
"""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtWidgets import QCheckBox, QComboBox, QWidget

pytestmark = pytest.mark.usefixtures("mnist_path")

_TIMEOUT = 120_000


def _wait_idle(window, qtbot, timeout=_TIMEOUT):
    qtbot.waitUntil(lambda: not window.controller.busy and window.phase == "idle", timeout=timeout)


def _draw(window, qtbot, image):
    """Put ``image`` (28x28 floats) on the canvas as a drawing and wait for its answer."""
    with qtbot.waitSignal(window.predictionShown, timeout=_TIMEOUT):
        window.draw_panel.canvas.load_array(image)
    qtbot.waitUntil(lambda: window.controller.current_drawing() is not None, timeout=_TIMEOUT)


@pytest.fixture
def test_images(mnist_path):
    with np.load(mnist_path) as data:
        return data["x_test"][:20].astype(np.float32) / 255, data["y_test"][:20]


def test_grad_cam_explains_the_answer_then_any_digit_picked(make_window, qtbot, test_images):
    window = make_window()
    images, labels = test_images
    toggle = window.findChild(QCheckBox, "gradCamToggle")
    combo = window.findChild(QComboBox, "gradCamClassCombo")
    saliency = window.findChild(QCheckBox, "saliencyToggle")
    assert toggle is not None and combo is not None and not combo.isEnabled()
    _draw(window, qtbot, images[0])
    with qtbot.waitSignal(window.gradCamShown, timeout=_TIMEOUT) as shown:
        toggle.setChecked(True)
    cam = shown.args[0]
    assert cam.digit == cam.predicted  # "its answer" by default
    assert cam.values.shape == (28, 28) and cam.values.max() > 0
    assert window.draw_panel.canvas.has_overlay()
    assert cam.layer in window.draw_panel.note()  # a line for a learner says what the colours show
    assert combo.isEnabled()
    other = (cam.predicted + 3) % 10
    with qtbot.waitSignal(window.gradCamShown, timeout=_TIMEOUT,
                          check_params_cb=lambda result: result.digit == other):
        combo.setCurrentIndex(combo.findData(other))  # "why not 3?"
    # A new drawing is explained for the picked digit too.
    with qtbot.waitSignal(window.gradCamShown, timeout=_TIMEOUT,
                          check_params_cb=lambda result: result.digit == other):
        window.draw_panel.canvas.load_array(images[1])
    # One map at a time: saliency takes the canvas over.
    saliency.setChecked(True)
    assert not toggle.isChecked()
    toggle.setChecked(True)
    assert not saliency.isChecked()
    toggle.setChecked(False)
    assert not window.draw_panel.canvas.has_overlay() and window.draw_panel.note() == ""


def test_grad_cam_shows_a_mistake_from_the_gallery(make_window, qtbot):
    window = make_window()
    toggle = window.findChild(QCheckBox, "gradCamToggle")
    toggle.setChecked(True)
    with qtbot.waitSignal(window.evaluationShown, timeout=_TIMEOUT):
        assert window.evaluate()
    _wait_idle(window, qtbot)
    view = window.improve.evaluation_view
    mistakes = view.gallery_indices()
    assert mistakes, "the seed model makes mistakes on the test set"
    with qtbot.waitSignal(window.gradCamShown, timeout=_TIMEOUT) as shown:
        view.imageActivated.emit(mistakes[0])
    assert shown.args[0].values.max() > 0


def test_grad_cam_says_plainly_when_the_network_has_no_convolution(make_window, qtbot, tmp_path, test_images):
    import keras

    from model.storage import save_model

    path = tmp_path / "dense_only.keras"
    inputs = keras.Input((28, 28, 1))
    x = keras.layers.Flatten()(inputs)
    x = keras.layers.Dense(16, activation="relu")(x)
    save_model(keras.Model(inputs, keras.layers.Dense(10, activation="softmax")(x)), str(path), {})
    window = make_window(model_path=path)
    toggle = window.findChild(QCheckBox, "gradCamToggle")
    _draw(window, qtbot, test_images[0][0])
    toggle.setChecked(True)
    qtbot.waitUntil(lambda: not toggle.isChecked(), timeout=_TIMEOUT)
    assert "convolution" in toggle.toolTip()
    assert "convolution" in window.status.text()
    assert not window.draw_panel.canvas.has_overlay()


def test_class_pictures_are_computed_when_shown_and_each_reads_as_its_digit(make_window, qtbot):
    window = make_window(model_path=None)  # the bundled model
    view = window.findChild(QWidget, "classPicturesView")
    assert view is not None
    with qtbot.waitSignal(window.picturesShown, timeout=_TIMEOUT) as shown:
        window.class_pictures_dock.raise_()
    pictures = shown.args[0]
    assert [p.target.digit for p in pictures] == list(range(10))
    assert view.tile_count() == 10
    assert all(p.image.shape == (28, 28) for p in pictures)
    assert sum(p.predicted == p.target.digit for p in pictures) >= 9, [p.probability for p in pictures]
    # Refresh computes them again.
    with qtbot.waitSignal(window.picturesShown, timeout=_TIMEOUT):
        view.refreshRequested.emit()


def test_clicking_a_convolution_filter_shows_its_picture(make_window, qtbot, test_images):
    window = make_window()
    _draw(window, qtbot, test_images[0][0])
    qtbot.waitUntil(lambda: not window.feature_maps.building(), timeout=_TIMEOUT)
    conv = next(row[0] for row in window.controller.model_info.summary if row[1] == "Conv2D")
    with qtbot.waitSignal(window.insight.filterShown, timeout=_TIMEOUT) as shown:
        window.feature_maps.select_channel(conv, 2)
    picture = shown.args[0]
    assert (picture.target.layer, picture.target.channel) == (conv, 2)
    assert picture.image.shape == (28, 28)
    # Shown where it was clicked: in the feature maps' close-up, beside the channel.
    qtbot.waitUntil(lambda: window.feature_maps.findChild(QWidget, "channelDetail").picture_shown(), timeout=10_000)
    # A channel the search could not open gets no black square but a plain line saying so.
    detail = window.feature_maps.findChild(QWidget, "channelDetail")
    window.feature_maps.set_filter_picture(conv, 2, None)
    assert not detail.picture_shown() and detail.picture_caption.isVisible()
    assert "shut" in detail.picture_caption.text()
    # A pooling layer has no filter: nothing is asked, and the close-up says nothing about a picture.
    pool = next(row[0] for row in window.controller.model_info.summary if row[1] == "MaxPooling2D")
    window.feature_maps.select_channel(pool, 0)
    assert not window.feature_maps.findChild(QWidget, "channelDetail").picture_caption.isVisible()


def test_the_map_places_the_drawing_at_the_projection_of_its_penultimate_activations(make_window, qtbot,
                                                                                        test_images):
    window = make_window()
    with qtbot.waitSignal(window.mapShown, timeout=_TIMEOUT) as shown:
        window.embedding_dock.raise_()
    embedding = shown.args[0]
    view = window.insight.map_view
    assert view.point_count() == 2000 and embedding.points.shape == (2000, 2)
    assert np.bincount(embedding.labels, minlength=10).min() >= 150  # every digit is on the map
    with qtbot.waitSignal(window.predictionShown, timeout=_TIMEOUT) as answer:
        window.draw_panel.canvas.load_array(test_images[0][0])
    features = answer.args[0].features
    assert features is not None and features.shape[-1] == embedding.features.shape[-1]
    expected = embedding.project(features.reshape(1, -1))[0]
    qtbot.waitUntil(lambda: view.drawing_point() is not None, timeout=_TIMEOUT)
    np.testing.assert_allclose(view.drawing_point(), expected, rtol=1e-5, atol=1e-5)
    window.draw_panel.canvas.clear()
    qtbot.waitUntil(lambda: view.drawing_point() is None, timeout=10_000)


def test_the_map_without_a_dataset_says_how_to_get_one(make_window, qtbot, monkeypatch):
    monkeypatch.delenv("DIGIT_TRAINER_DATA", raising=False)
    window = make_window(data_path="")
    window.embedding_dock.raise_()
    qtbot.waitUntil(lambda: "dataset" in window.insight.map_view.message.text(), timeout=_TIMEOUT)


def test_live_views_follow_the_training_epoch_by_epoch(make_window, qtbot, train_small):
    window = make_window()
    maps, pictures = [], []
    window.mapShown.connect(maps.append)
    window.picturesShown.connect(pictures.append)
    with qtbot.waitSignal(window.mapShown, timeout=_TIMEOUT):
        window.embedding_dock.raise_()
    maps.clear()
    with qtbot.waitSignal(window.trainingFinished, timeout=300_000):
        # One batch per call into TensorFlow, as while a drawing is answered: a slice of the map between each two.
        train_small(window, qtbot, epochs=2, limit=3000, steps_per_execution=1)
    during = len(maps)
    assert during >= 1, "the map did not change while the network trained"
    _wait_idle(window, qtbot)
    qtbot.waitUntil(lambda: len(maps) > during, timeout=_TIMEOUT)  # and once more for the trained model
    # Aligned to each other: the same points do not jump between two maps of nearly the same weights.
    a, b = maps[-2].points, maps[-1].points
    spread = np.ptp(a, axis=0).mean()
    assert np.median(np.linalg.norm(a - b, axis=1)) < 0.5 * spread
    assert pictures == []  # the class pictures view is not on screen: not computed


def test_t_sne_on_demand_with_progress(make_window, qtbot):
    window = make_window()
    view = window.insight.map_view
    with qtbot.waitSignal(window.mapShown, timeout=_TIMEOUT):
        window.embedding_dock.raise_()
    combo = view.findChild(QComboBox, "embeddingMethodCombo")
    with qtbot.waitSignal(window.mapShown, timeout=300_000,
                          check_params_cb=lambda e: e.method == "tsne") as shown:
        combo.setCurrentIndex(combo.findData("tsne"))
    assert np.isfinite(shown.args[0].points).all()
