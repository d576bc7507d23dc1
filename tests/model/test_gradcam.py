"""Grad-CAM: the pixels it ranks highest are the ones the answer depends on, on the right layer, for any network."""

from __future__ import annotations

import numpy as np
import pytest

from model import gradcam, network_parts
from model.architecture import build_model, conv, dense, flatten, pool, seed_spec
from model.errors import DigitTrainerError

MASKED = round(0.2 * 784)  # the 20 % of the pixels


@pytest.fixture(scope="module")
def bundled():
    from model.storage import load_model
    from resources import bundled_model_path

    path = bundled_model_path()
    if path is None:
        pytest.skip("no bundled model in this install")
    return load_model(path)[0]


def test_masking_what_grad_cam_ranks_highest_hurts_more_than_masking_at_random(bundled, raw_mnist):
    images = raw_mnist.x_test[:100].astype(np.float32) / 255.0
    rng = np.random.default_rng(0)
    wins = 0
    for image in images:
        cam = gradcam.grad_cam(bundled, image)
        flat = image.ravel()
        top = flat.copy()
        top[np.argsort(-cam.values.ravel(), kind="stable")[:MASKED]] = 0.0
        random = flat.copy()
        random[rng.choice(784, MASKED, replace=False)] = 0.0
        batch = np.stack([flat, top, random]).reshape(3, 28, 28, 1)
        p = np.asarray(bundled.predict_on_batch(batch))[:, cam.predicted]
        assert p[0] == pytest.approx(cam.probability, abs=1e-4)
        wins += bool(p[0] - p[1] > p[0] - p[2])
    print(f"Grad-CAM masking: the top 20 % lowered p more than a random 20 % for {wins} of 100 images")
    assert wins >= 80


def test_the_map_of_a_drawing(bundled, raw_mnist):
    image = raw_mnist.x_test[0] / 255.0
    cam = gradcam.grad_cam(bundled, image)
    probs = np.asarray(bundled.predict_on_batch(image.reshape(1, 28, 28, 1).astype(np.float32)))[0]
    assert cam.layer == "conv2d_3" and cam.coarse.shape == (4, 4)
    assert cam.digit == cam.predicted == int(probs.argmax()) == raw_mnist.y_test[0]
    assert cam.probability == pytest.approx(probs[cam.digit], abs=1e-5)
    assert cam.values.shape == (28, 28) and cam.values.dtype == np.float32
    assert cam.values.min() >= 0 and cam.values.max() == pytest.approx(1.0, abs=1e-6)
    assert cam.coarse.min() >= 0 and cam.coarse.max() == pytest.approx(1.0)
    other = gradcam.grad_cam(bundled, image, digit=3)  # "why not 3?"
    assert other.digit == 3 and other.predicted == cam.predicted
    assert other.probability == pytest.approx(probs[3], abs=1e-5)
    assert not np.allclose(other.coarse, cam.coarse)
    as_stored = gradcam.grad_cam(bundled, raw_mnist.x_test[0])  # uint8, as the mistakes gallery holds it
    np.testing.assert_allclose(as_stored.values, cam.values, atol=1e-5)


def test_the_class_score_is_the_logit_behind_the_softmax(bundled, raw_mnist):
    """The score differentiated is the final Dense layer's pre-activation: its softmax is the model's output."""
    import keras
    from keras import ops

    head, to_logits = network_parts.logit_head(bundled)
    x = raw_mnist.x_test[:8, ..., None].astype(np.float32) / 255.0
    logits = np.asarray(to_logits(keras.Model(bundled.inputs, head).predict_on_batch(x)))
    np.testing.assert_allclose(np.asarray(ops.softmax(logits)), bundled.predict_on_batch(x), atol=1e-5)


def test_cam_layer_is_the_last_convolution_with_maps_larger_than_one_pixel():
    assert gradcam.cam_layer(build_model(seed_spec())) == "conv2d_3"  # 3x3 maps
    # 28 -> 26 -> 13 -> 11 -> 5 -> 1: the last convolution's 1x1 map has no "where"
    one_by_one = build_model([conv(8), pool(2), conv(16), pool(2), conv(16, kernel=5), flatten(),
                              dense(10, "softmax")])
    assert gradcam.cam_layer(one_by_one) == "conv2d_2"
    cam = gradcam.grad_cam(one_by_one, np.random.default_rng(0).random((28, 28)))
    assert cam.layer == "conv2d_2" and cam.coarse.shape == (11, 11)


def test_a_network_without_convolution_says_so():
    model = build_model([flatten(), dense(32), dense(10, "softmax")])
    assert gradcam.cam_layer(model) is None
    with pytest.raises(DigitTrainerError) as info:
        gradcam.grad_cam(model, np.zeros((28, 28)))
    assert info.value.code == "gradcam.no_convolution" and "convolution" in str(info.value)


@pytest.mark.parametrize("digit", [10, -1, 2.5, True])
def test_a_digit_out_of_range_is_refused(digit):
    with pytest.raises(DigitTrainerError) as info:
        gradcam.grad_cam(build_model(seed_spec()), np.zeros((28, 28)), digit=digit)
    assert info.value.code == "gradcam.bad_digit" and str(digit) in str(info.value)


def test_a_blank_map_stays_all_zero_and_upsampling_keeps_levels():
    model = build_model(seed_spec())
    for variable in model.get_layer("conv2d_3").weights:  # every map of the layer is 0: nothing to point at
        variable.assign(np.zeros(variable.shape, np.float32))
    cam = gradcam.grad_cam(model, np.random.default_rng(1).random((28, 28)))
    assert not cam.values.any() and not cam.coarse.any()
    np.testing.assert_allclose(gradcam.upsample(np.full((3, 3), 0.7)), 0.7)
    ramp = gradcam.upsample(np.array([[0.0, 0.5, 1.0]] * 3))
    assert ramp[:, 0].max() == 0.0 and ramp[:, -1].min() == 1.0 and (np.diff(ramp, axis=1) >= 0).all()


def test_a_sequential_model_loaded_from_a_file_gets_gradients_in_all_three_views(tmp_path):
    """A loaded Sequential model's layers were called several times while loading; the views use one graph."""
    import keras

    from model import class_pictures, embedding
    from model.inference import Predictor

    keras.utils.set_random_seed(0)
    layers = keras.layers
    model = keras.Sequential([keras.Input((28, 28, 1)), layers.Conv2D(8, 3, activation="relu"), layers.MaxPooling2D(),
                              layers.Conv2D(8, 3, activation="tanh"), layers.Flatten(), layers.Dense(16),
                              layers.Dropout(0.2), layers.Dense(10), layers.Softmax()])
    model.save(tmp_path / "seq.keras")
    loaded = keras.saving.load_model(tmp_path / "seq.keras")
    image = np.random.default_rng(0).random((28, 28)).astype(np.float32)
    cam = gradcam.grad_cam(loaded, image)
    assert cam.layer == loaded.layers[2].name and cam.coarse.shape == (11, 11) and cam.values.any()
    search = class_pictures.PictureSearch(loaded, [class_pictures.PictureTarget.of_digit(4)], steps=8)
    start = search.pictures()[0].image
    search.advance(8)
    assert np.abs(search.pictures()[0].image - start).max() > 0.05  # the gradient reached the image
    assert embedding.feature_layer(loaded) == loaded.layers[4].name  # the Dense(16), before the dropout
    reference = keras.Model(loaded.inputs, loaded.layers[4].output).predict_on_batch(image[None, ..., None])
    np.testing.assert_allclose(Predictor(loaded).predict(image).features, reference, rtol=1e-5, atol=1e-6)
