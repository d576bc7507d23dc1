"""The inner-space map: the right layer, the drawing's point on it, stable points between epochs, and t-SNE's stages."""

from __future__ import annotations

import numpy as np
import pytest

from model import embedding
from model.architecture import build_model, conv, dense, dropout, flatten, pool, seed_spec
from model.errors import DigitTrainerError
from model.inference import Predictor


@pytest.fixture(scope="module")
def seed_net():
    import keras

    keras.utils.set_random_seed(0)
    return build_model(seed_spec())


@pytest.fixture(scope="module")
def images():
    """300 images with some structure (strokes of random length), so the features are not all alike."""
    rng = np.random.default_rng(0)
    out = np.zeros((300, 28, 28), np.float32)
    for img in out:
        for _ in range(3):
            r, c, n = rng.integers(4, 20), rng.integers(4, 20), rng.integers(3, 9)
            if rng.random() < 0.5:
                img[r : r + n, c : c + 2] = 1.0
            else:
                img[r : r + 2, c : c + n] = 1.0
    return out


def collected(model, images, chunk=250):
    collector = embedding.FeatureCollector(model, images, chunk=chunk)
    while not collector.advance():
        pass
    return collector


def pca_of(model, images, previous=None):
    c = collected(model, images)
    probs = c.probabilities
    labels = np.arange(len(images)) % 10
    return embedding.pca_embedding(c.features, labels, probs.argmax(1), probs.max(1), np.arange(len(images)),
                                   c.layer, previous=previous)


def test_feature_layer_is_the_input_of_the_final_dense_layer(seed_net):
    assert embedding.feature_layer(seed_net) == "dense_1"  # the seed's Dense(64)
    with_dropout = build_model([conv(8), pool(2), flatten(), dense(32), dropout(0.5), dense(10, "softmax")])
    assert embedding.feature_layer(with_dropout) == "dense_1"  # the layer before the dropout
    flat = build_model([conv(8), pool(2), flatten(), dropout(0.2), dense(10, "softmax")])
    assert embedding.feature_layer(flat) == "flatten_1"


def test_a_network_whose_output_is_not_a_dense_layer_has_no_map():
    import keras

    inputs = keras.Input((28, 28, 1))
    x = keras.layers.Conv2D(10, 28, name="conv")(inputs)
    x = keras.layers.Activation("softmax")(keras.layers.Flatten()(x))
    model = keras.Model(inputs, x)
    blank = np.zeros((3, 28, 28))
    for call in (lambda: embedding.feature_layer(model), lambda: embedding.FeatureCollector(model, blank)):
        with pytest.raises(DigitTrainerError) as info:
            call()
        assert info.value.code == "embedding.no_features"


@pytest.mark.parametrize("spec", [None, [conv(8), pool(2), flatten(), dense(10, "softmax")]], ids=["seed", "flatten"])
def test_prediction_features_are_the_feature_layers_output(spec, images):
    import keras

    model = build_model(spec)
    layer = embedding.feature_layer(model)
    predictor = Predictor(model)
    prediction = predictor.predict(images[:5])
    probe = keras.Model(model.inputs, model.get_layer(layer).output)
    reference = np.asarray(probe.predict_on_batch(images[:5, ..., None]))
    np.testing.assert_allclose(prediction.features, reference.reshape(5, -1), rtol=1e-5, atol=1e-6)
    # The activations the feature-maps view shows are the same as without the extra output.
    assert [a.name for a in prediction.activations] == [
        layer.name for layer in model.layers if type(layer).__name__ in ("Conv2D", "MaxPooling2D", "Dense")]
    np.testing.assert_allclose(prediction.probabilities, model.predict_on_batch(images[:5, ..., None]), atol=1e-6)


def test_the_collector_works_in_chunks_and_agrees_with_the_predictor(seed_net, images):
    collector = embedding.FeatureCollector(seed_net, (images * 255).astype(np.uint8), chunk=128)
    fractions = []
    while not collector.advance():
        fractions.append(collector.fraction)
    assert fractions == [128 / 300, 256 / 300] and collector.fraction == 1.0 and collector.done
    assert collector.features.shape == (300, 64) and collector.probabilities.shape == (300, 10)
    prediction = Predictor(seed_net).predict(np.round(images * 255) / 255)
    np.testing.assert_allclose(collector.features, prediction.features, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(collector.probabilities, prediction.probabilities, atol=1e-5)


def test_the_drawings_point_is_the_pca_projection_of_its_features(seed_net, images):
    emb = pca_of(seed_net, images)
    drawing = images[7] * 0.5 + images[11] * 0.5
    prediction = Predictor(seed_net).predict(drawing)
    point = emb.project(prediction.features)
    # PCA by hand: the two leading eigenvectors of the features' covariance (their signs are arbitrary).
    f = emb.features.astype(np.float64)
    centre = f.mean(axis=0)
    values, vectors = np.linalg.eigh(np.cov(f - centre, rowvar=False))
    basis = vectors[:, ::-1][:, :2]
    by_hand_points = (f - centre) @ basis
    signs = np.sign((by_hand_points * emb.points).sum(axis=0))
    np.testing.assert_allclose(emb.points, by_hand_points * signs, atol=1e-3 * np.abs(by_hand_points).max())
    by_hand = (prediction.features.astype(np.float64) - centre) @ basis * signs
    np.testing.assert_allclose(point, by_hand, atol=1e-3 * np.abs(by_hand_points).max())
    np.testing.assert_allclose(emb.project(emb.features), emb.points, atol=1e-4)
    assert emb.explained == pytest.approx(values[::-1][:2].sum() / values.sum(), rel=1e-6)
    assert emb.method == "pca" and emb.layer == "dense_1" and emb.points.shape == (300, 2)


def test_a_new_projection_is_aligned_to_the_previous_points(seed_net, images):
    emb = pca_of(seed_net, images)
    angle = 2.1
    turn = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]]) @ np.diag([1.0, -1.0])
    moved = emb.points @ (3.5 * turn) + np.array([40.0, -7.0])  # rotated, reflected, scaled and shifted
    previous = embedding.Embedding("pca", moved.astype(np.float32), emb.labels, emb.predicted, emb.confidence,
                                   emb.indices, emb.layer, emb.features, emb.explained)
    aligned = pca_of(seed_net, images, previous=previous)
    spread = np.abs(moved - moved.mean(0)).max()
    assert np.abs(aligned.points - moved).max() < 1e-4 * spread
    np.testing.assert_allclose(aligned.project(aligned.features), aligned.points, atol=1e-4 * spread)
    # Other images (e.g. another dataset): nothing to align to, the plain projection.
    other = embedding.Embedding("pca", moved, emb.labels, emb.predicted, emb.confidence, emb.indices + 1,
                                emb.layer, emb.features, emb.explained)
    np.testing.assert_allclose(pca_of(seed_net, images, previous=other).points, emb.points, atol=1e-5)


def test_after_training_the_aligned_map_moves_less_than_the_raw_one(images):
    """One epoch of change: aligning keeps the points nearer to where they were than a fresh projection does."""
    import keras

    keras.utils.set_random_seed(0)
    model = build_model(seed_spec())
    before = pca_of(model, images)
    model.compile("sgd", "sparse_categorical_crossentropy")
    model.fit(images[..., None], np.arange(300) % 10, epochs=1, batch_size=32, verbose=0)
    raw = pca_of(model, images)
    aligned = pca_of(model, images, previous=before)
    assert np.linalg.norm(aligned.points - before.points) < np.linalg.norm(raw.points - before.points)


def test_sample_indices_are_fixed_and_balanced():
    labels = np.random.default_rng(3).choice(10, size=10_000, p=np.r_[[0.05] * 2, [0.1125] * 8])
    idx = embedding.sample_indices(labels, 2000)
    assert len(idx) == 2000 == len(np.unique(idx)) and (np.diff(idx) > 0).all()
    assert list(np.bincount(labels[idx], minlength=10)) == [200] * 10
    np.testing.assert_array_equal(idx, embedding.sample_indices(labels, 2000))
    assert not np.array_equal(idx, embedding.sample_indices(labels, 2000, seed=1))
    scarce = np.r_[np.zeros(50, int), np.ones(1000, int), np.full(1000, 2)]  # class 0 cannot give its share
    got = np.bincount(scarce[embedding.sample_indices(scarce, 300)])
    assert got[0] == 50 and got.sum() == 300 and abs(got[1] - got[2]) <= 1
    assert len(embedding.sample_indices(labels[:100], 2000)) == 100


def test_tsne_reports_progress_can_stop_and_places_new_points(seed_net, images):
    c = collected(seed_net, images)
    probs = c.probabilities
    args = (c.features, np.arange(300) % 10, probs.argmax(1), probs.max(1), np.arange(300), c.layer)
    progress = []
    emb = embedding.tsne_embedding(*args, progress=progress.append)
    assert progress[-1] == 1.0 and progress == sorted(progress) and len(progress) == embedding.TSNE_STAGES
    assert emb.method == "tsne" and emb.explained is None and emb.points.shape == (300, 2)
    assert np.isfinite(emb.points).all() and emb.points.std() > 0
    np.testing.assert_allclose(emb.project(c.features[:20]), emb.points[:20], atol=1e-3 * emb.points.std())
    between = emb.project((c.features[:20] + c.features[20:40]) / 2)
    assert np.isfinite(between).all()
    stages = []
    assert embedding.tsne_embedding(*args, progress=stages.append, should_stop=lambda: len(stages) >= 1) is None
    assert stages == [1 / embedding.TSNE_STAGES]
    with pytest.raises(DigitTrainerError) as info:
        embedding.tsne_embedding(c.features[:2], *[a[:2] for a in args[1:5]], c.layer)
    assert info.value.code == "embedding.too_few"


def test_the_session_answers_none_without_a_model_and_uses_its_model(seed_net, images):
    from model.class_pictures import PictureTarget
    from model.session import ModelSession, _Current

    session = ModelSession()
    assert session.picture_search([PictureTarget.of_digit(1)]) is None
    assert session.grad_cam(images[0]) is None and session.feature_collector(images) is None
    session._use(_Current(seed_net, None, {}, "test"))
    assert session.picture_search([PictureTarget.of_digit(1)], steps=3).steps == 3
    assert session.grad_cam(images[0], digit=4).digit == 4
    assert session.feature_collector(images[:10]).advance()
