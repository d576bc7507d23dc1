"""Predictor (probabilities + every shown layer's activations) and the test-set summary (confusion matrix)."""

import numpy as np
import pytest

from model.architecture import analyse, build_model, conv, dense, dropout, flatten, pool, seed_spec
from model.evaluation import evaluate, summarise
from model.inference import Predictor, as_batch

SEED_ACTIVATIONS = [
    ("conv2d_1", "Conv2D", (26, 26, 32)),
    ("max_pool_1", "MaxPooling2D", (13, 13, 32)),
    ("conv2d_2", "Conv2D", (11, 11, 64)),
    ("max_pool_2", "MaxPooling2D", (5, 5, 64)),
    ("conv2d_3", "Conv2D", (3, 3, 64)),
    ("dense_1", "Dense", (64,)),
    ("dense_2", "Dense", (10,)),
]


@pytest.fixture(scope="module")
def seed_predictor():
    import keras

    keras.utils.set_random_seed(0)
    return Predictor(build_model(seed_spec()))


def _images(n, seed=0):
    return np.random.default_rng(seed).random((n, 28, 28)).astype("float32")


@pytest.mark.parametrize("n", [1, 5])
def test_predict_probabilities_and_activations(seed_predictor, n):
    pred = seed_predictor.predict(_images(n))
    assert pred.probabilities.shape == (n, 10)
    assert np.all(pred.probabilities >= 0)
    np.testing.assert_allclose(pred.probabilities.sum(axis=1), 1.0, atol=1e-5)
    assert [(a.name, a.kind, a.values.shape) for a in pred.activations] == [
        (name, kind, (n, *shape)) for name, kind, shape in SEED_ACTIVATIONS
    ]
    assert pred.digits.shape == (n,) and pred.digits.tolist() == pred.probabilities.argmax(1).tolist()
    np.testing.assert_allclose(pred.activations[-1].values, pred.probabilities, rtol=1e-6, atol=1e-7)


def test_single_image_forms_agree(seed_predictor):
    img = _images(1)[0]
    a = seed_predictor.predict(img).probabilities
    b = seed_predictor.predict(img[None, :, :, None]).probabilities
    c = seed_predictor.predict((img * 255).round().astype(np.uint8)).probabilities
    np.testing.assert_allclose(a, b, rtol=1e-6)
    np.testing.assert_allclose(a, c, atol=1e-2)
    np.testing.assert_allclose(seed_predictor.probabilities(img), a, rtol=1e-5, atol=1e-6)


def test_batch_rows_match_single_predictions(seed_predictor):
    x = _images(5, seed=3)
    batch = seed_predictor.predict(x).probabilities
    for i in range(5):
        np.testing.assert_allclose(seed_predictor.predict(x[i]).probabilities[0], batch[i], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("shape", [(27, 28), (2, 28, 28, 3), (784,), (1, 1, 28, 28, 1)])
def test_bad_image_shapes(seed_predictor, shape):
    with pytest.raises(ValueError, match="28x28"):
        seed_predictor.predict(np.zeros(shape, np.float32))


def test_as_batch():
    out = as_batch(np.full((28, 28), 255, np.uint8))
    assert out.shape == (1, 28, 28, 1) and out.dtype == np.float32 and out.max() == 1.0


def test_activations_for_every_pool_kind_match_analyse():
    spec = [
        conv(4, padding="same"),
        pool(2, "avg"),
        conv(6, kernel=5, stride=2),
        pool(2, "sum"),
        flatten(),
        dropout(0.2),
        dense(12),
        dense(10, "softmax"),
    ]
    pred = Predictor(build_model(spec)).predict(_images(2))
    shown = [info for info in analyse(spec) if info.kind in ("conv", "pool", "dense")]
    assert [(a.name, a.values.shape[1:]) for a in pred.activations] == [(i.name, i.output_shape) for i in shown]
    kinds = ["Conv2D", "AveragePooling2D", "Conv2D", "SumPooling2D", "Dense", "Dense"]
    assert [a.kind for a in pred.activations] == kinds
    np.testing.assert_allclose(pred.probabilities.sum(axis=1), 1.0, atol=1e-5)


def test_predictor_sees_weight_changes():
    model = build_model([conv(2), flatten(), dense(10, "softmax")])
    predictor = Predictor(model)
    x = _images(1)
    before = predictor.predict(x).probabilities
    model.set_weights([w * 0 for w in model.get_weights()])
    after = predictor.predict(x).probabilities
    assert not np.allclose(before, after)
    np.testing.assert_allclose(after, 0.1, atol=1e-6)  # all-zero weights: a uniform guess


def test_predictor_on_a_loaded_model(tmp_path):
    from model.storage import load_model, save_model

    model = build_model([conv(3), pool(2, "sum"), flatten(), dense(10, "softmax")])
    loaded, _ = load_model(save_model(model, tmp_path / "m.keras"))
    x = _images(3)
    np.testing.assert_allclose(
        Predictor(loaded).predict(x).probabilities, Predictor(model).predict(x).probabilities, rtol=1e-5, atol=1e-6
    )


# summarise() and evaluate() ---------------------------------------------------------------------------------------


def _random_case(n=500, seed=0):
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 10, n)
    logits = rng.normal(size=(n, 10))
    logits[np.arange(n), labels] += rng.choice([0.0, 3.0], n)  # right about half the time
    probs = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    return probs, labels


def test_confusion_matrix_and_cells():
    probs, labels = _random_case()
    ev = summarise(probs, labels)
    predicted = probs.argmax(1)
    assert ev.confusion.shape == (10, 10) and ev.confusion.sum() == len(labels)
    for t in range(10):
        assert ev.confusion[t].sum() == np.sum(labels == t)
        for p in range(10):
            expected = [i for i in range(len(labels)) if labels[i] == t and predicted[i] == p]
            assert ev.cell(t, p, labels).tolist() == expected
            assert ev.confusion[t, p] == len(expected)
    all_cells = np.concatenate([ev.cell(t, p, labels) for t in range(10) for p in range(10)])
    assert sorted(all_cells.tolist()) == list(range(len(labels)))
    assert ev.accuracy == pytest.approx(np.mean(predicted == labels))
    assert 0.3 < ev.accuracy < 0.9  # neither all right nor all wrong
    assert ev.mistakes.tolist() == np.flatnonzero(predicted != labels).tolist()
    np.testing.assert_allclose(ev.per_class_accuracy, np.diag(ev.confusion) / ev.confusion.sum(axis=1))
    np.testing.assert_allclose(ev.confidence, probs.max(axis=1))
    assert ev.loss == pytest.approx(-np.mean(np.log(probs[np.arange(len(labels)), labels])))


def test_cell_accepts_a_plain_list_of_labels():
    probs, labels = _random_case(100, seed=1)
    ev = summarise(probs, labels)
    t, p = int(labels[0]), int(probs[0].argmax())
    assert ev.cell(t, p, labels.tolist()).tolist() == ev.cell(t, p, labels).tolist()
    assert 0 in ev.cell(t, p, list(labels)).tolist()


def test_missing_digit_has_zero_accuracy_not_nan():
    probs = np.eye(10)[[1, 2, 3]]
    ev = summarise(probs, np.array([1, 2, 4]))
    assert ev.per_class_accuracy[0] == 0 and not np.isnan(ev.per_class_accuracy).any()
    assert ev.cell(4, 3, np.array([1, 2, 4])).tolist() == [2]


def test_evaluate_in_batches_with_progress_and_stop():
    model = build_model([conv(2), flatten(), dense(10, "softmax")])
    x = _images(25)
    labels = np.arange(25) % 10
    progress = []
    ev = evaluate(model, x, labels, batch_size=10, progress=progress.append)
    assert progress == [0.4, 0.8, 1.0]
    assert ev.confusion.sum() == 25
    np.testing.assert_allclose(
        ev.predicted, np.asarray(model.predict_on_batch(x[..., None])).argmax(1)
    )
    assert evaluate(model, x, labels, batch_size=10, should_stop=lambda: True) is None


def test_probabilities_come_from_the_model_output_not_the_last_dense_layer():
    """A plain Keras file may end Dense(10) -> Activation('softmax'): the Dense layer gives logits."""
    import keras

    inputs = keras.Input((28, 28, 1))
    x = keras.layers.Conv2D(3, 3, name="c")(inputs)
    x = keras.layers.Flatten()(x)
    logits = keras.layers.Dense(10, name="logits")(x)
    model = keras.Model(inputs, keras.layers.Activation("softmax")(logits))
    pred = Predictor(model).predict(_images(4) * 50)
    np.testing.assert_allclose(pred.probabilities.sum(axis=1), 1.0, atol=1e-5)
    np.testing.assert_allclose(pred.probabilities, model.predict_on_batch(_images(4)[..., None] * 50), rtol=1e-5)
    assert [a.name for a in pred.activations] == ["c", "logits"]


def test_seed_predictor_has_no_duplicate_output(seed_predictor):
    assert len(seed_predictor._probe.outputs) == len(SEED_ACTIVATIONS)
