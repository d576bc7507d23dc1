"""ModelSession without Qt: loading, the dataset, training (with reuse of the last run's model), failed and stopped
runs, fine-tuning and revert, saving, and the answers about drawings.

TensorFlow work is slow here: the session trains on a small real-MNIST file (3,000 training and 1,000 test images),
one epoch of 540 images, and one trained session is shared by the tests that only read it or put it back as it was.
"""

from __future__ import annotations

import numpy as np
import pytest

from model import training
from model.architecture import build_model, seed_spec, spec_to_json
from model.control import TrainControl
from model.errors import DigitTrainerError
from model.evaluation import Evaluation
from model.finetune import FineTuneSettings
from model.inference import Prediction
from model.recipes import recipe
from model.reports import TrainCallbacks, TrainResult
from model.session import ModelInfo, ModelSession, SessionEvents
from model.storage import load_model, save_model

SEED_PARAMS = 93_322
SEED_META = {"recipe": "seed", "spec": spec_to_json(seed_spec()), "test_accuracy": 0.25, "epochs": 2}


def small_config(**overrides):
    return recipe("seed", **{"epochs": 1, "batch_size": 32, "limit_train": 600, "limit_test": 500, **overrides})


class Events:
    """Records every event with the model in use when it came."""

    def __init__(self):
        self.log = []
        self.session = None

    def hooks(self) -> SessionEvents:
        return SessionEvents(self._model, self._dataset, self._previous)

    def _model(self, info):
        self.log.append(("model", info, self.session.model))

    def _dataset(self, raw):
        self.log.append(("dataset", raw, None))

    def _previous(self, flag):
        self.log.append(("previous", flag, None))

    def of(self, kind: str) -> list:
        return [value for k, value, _ in self.log if k == kind]

    def models_in_use(self) -> list:
        return [model for k, _, model in self.log if k == "model"]

    def clear(self):
        self.log.clear()


def new_session(data_path) -> tuple[ModelSession, Events]:
    events = Events()
    session = ModelSession(str(data_path), events.hooks())
    events.session = session
    return session, events


def weights(model) -> list[np.ndarray]:
    return [np.array(w, copy=True) for w in model.get_weights()]


def assert_same_weights(model, expected):
    actual = model.get_weights()
    assert len(actual) == len(expected)
    for a, b in zip(actual, expected):
        np.testing.assert_array_equal(a, b)


def assert_same_info(actual: list, expected: list):
    assert len(actual) == len(expected)
    for a, b in zip(actual, expected):
        assert (a.source, a.summary, a.total_params, a.metadata, a.spec, a.unsaved) == (
            b.source,
            b.summary,
            b.total_params,
            b.metadata,
            b.spec,
            b.unsaved,
        )
        np.testing.assert_array_equal(a.kernels, b.kernels)


def fail_on_first_batch(exc: BaseException) -> TrainCallbacks:
    """Callbacks whose first batch report raises ``exc``: a run that fails after the model has changed."""

    def on_batch(_report):
        raise exc

    return TrainCallbacks(on_batch=on_batch)


# Fixtures ---------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def small_npz(raw_mnist, tmp_path_factory):
    """Real MNIST, cut down: 3,000 training and 1,000 test images (evaluation and fine-tuning measure the test set)."""
    path = tmp_path_factory.mktemp("session_data") / "mnist_small.npz"
    np.savez(
        path,
        x_train=raw_mnist.x_train[:3000],
        y_train=raw_mnist.y_train[:3000],
        x_test=raw_mnist.x_test[:1000],
        y_test=raw_mnist.y_test[:1000],
    )
    return path


@pytest.fixture(scope="module")
def seed_file(tmp_path_factory):
    """An (untrained) seed network saved with metadata, and its weights."""
    import keras

    keras.utils.set_random_seed(5)
    model = build_model(seed_spec())
    path = save_model(model, tmp_path_factory.mktemp("session_models") / "seed.keras", SEED_META)
    return path, weights(model)


@pytest.fixture(scope="module")
def user_samples(raw_mnist):
    """30 labelled 28x28 drawings, standing in for the user's: MNIST test images the small dataset does not hold."""
    x = raw_mnist.x_test[-30:].astype(np.float32) / 255
    return x, raw_mnist.y_test[-30:].astype(np.int64)


@pytest.fixture(scope="module")
def trained(small_npz):
    """One session after one small run, and what was seen during it. Tests that change the session put it back."""
    session, events = new_session(small_npz)
    during = []

    def between():
        if not during:
            during.append((session.source, session.model, session.unsaved))

    config = small_config()
    result = session.train(config, TrainCallbacks(between_batches=between))
    return {
        "session": session,
        "events": events,
        "log": list(events.log),
        "config": config,
        "result": result,
        "model": session.model,
        "info": session.info(),
        "unsaved": session.unsaved,
        "during": during,
    }


@pytest.fixture
def loaded(small_npz, seed_file):
    """A fresh session using the seed file's model, events cleared."""
    session, events = new_session(small_npz)
    session.load(str(seed_file[0]))
    events.clear()
    return session, events


# Loading ----------------------------------------------------------------------------------------------------------


def test_load_uses_the_files_model_and_describes_it(small_npz, seed_file):
    path, saved_weights = seed_file
    session, events = new_session(small_npz)
    assert session.model is None and session.info() is None

    info = session.load(str(path))
    assert_same_weights(session.model, saved_weights)
    assert isinstance(info, ModelInfo)
    assert info.source == str(path) == session.source
    assert info.total_params == SEED_PARAMS
    assert len(info.summary) == len(session.model.layers)
    assert sum(row[3] for row in info.summary) == SEED_PARAMS
    kinds = [row[1] for row in info.summary if row[1] != "InputLayer"]
    assert kinds == ["Conv2D", "MaxPooling2D", "Conv2D", "MaxPooling2D", "Conv2D", "Flatten", "Dense", "Dense"]
    assert info.summary[-1][2] == (10,)
    for key, value in SEED_META.items():
        assert info.metadata[key] == value
    assert session.metadata == info.metadata
    assert info.spec == SEED_META["spec"]
    assert info.kernels.shape == (3, 3, 1, 32)
    np.testing.assert_array_equal(info.kernels, saved_weights[0])
    assert info.unsaved is False and session.unsaved is False
    assert not session.has_previous

    assert_same_info(events.of("model"), [info])
    assert events.models_in_use() == [session.model]


@pytest.mark.parametrize("problem", ["missing", "garbage", "unexpected error"])
def test_a_bad_file_raises_naming_it_and_keeps_the_model_in_use(loaded, tmp_path, monkeypatch, problem):
    session, events = loaded
    before, before_info = session.model, session.info()
    path = tmp_path / "bad.keras"
    if problem == "garbage":
        path.write_bytes(np.random.default_rng(0).bytes(5000))
    elif problem == "unexpected error":
        import model.storage

        path.write_bytes(b"x")

        def explode(_path):
            raise ValueError("something Keras did not expect")

        monkeypatch.setattr(model.storage, "load_model", explode)

    with pytest.raises(DigitTrainerError) as err:
        session.load(str(path))
    assert str(path) in str(err.value)
    assert session.model is before
    assert session.source == before_info.source and session.metadata == before_info.metadata
    assert events.log == []


def test_load_bundled(small_npz):
    session, events = new_session(small_npz)
    info = session.load_bundled()
    assert info.source == "bundled" == session.source
    assert session.model is not None and not session.unsaved
    assert info.total_params == session.model.count_params() > 0
    assert info.kernels is not None and info.kernels.shape[2] == 1
    assert_same_info(events.of("model"), [info])


# The dataset ------------------------------------------------------------------------------------------------------


def test_dataset_is_loaded_once_per_path(small_npz, make_npz):
    session, events = new_session(small_npz)
    assert session.dataset_source is None
    first = session.dataset()
    assert session.dataset() is first
    assert events.of("dataset") == [first]
    assert len(first.x_train) == 3000 and len(first.x_test) == 1000
    assert session.dataset_source == str(small_npz)

    other = make_npz("other.npz")
    second = session.dataset(str(other))
    assert second is not first and len(second.x_train) == 40
    assert events.of("dataset") == [first, second]
    assert session.dataset_source == str(other)


# Training ---------------------------------------------------------------------------------------------------------


def test_train_uses_the_new_model_from_the_start_and_keeps_it(trained):
    session, result = trained["session"], trained["result"]
    assert isinstance(result, TrainResult)
    assert result.epochs_done == 1 and not result.stopped
    assert 0.2 < result.test_accuracy <= 1.0  # better than chance after 540 images

    model = trained["model"]
    assert trained["during"] == [("untrained", model, False)]  # the model being trained was in use while it learned
    info = trained["info"]
    assert info.source == "trained" and info.unsaved and trained["unsaved"]
    assert info.total_params == SEED_PARAMS

    expected = training.run_metadata(trained["config"], result, str(session.data_path))
    for key in ("recipe", "spec", "epochs", "batch_size", "optimizer", "seed", "test_accuracy", "data"):
        assert info.metadata[key] == expected[key], key
    assert info.metadata["recipe"] == "seed" and info.metadata["epochs"] == 1
    assert info.spec == spec_to_json(seed_spec())

    changes = [(value, in_use) for kind, value, in_use in trained["log"] if kind == "model"]
    assert len(changes) >= 2
    assert changes[0][0].source == "untrained" and changes[0][1] is model
    assert changes[-1][0].source == "trained" and changes[-1][1] is model
    assert changes[-1][0].metadata["test_accuracy"] == result.test_accuracy


def test_save_writes_a_loadable_file_and_clears_unsaved(trained, tmp_path):
    session = trained["session"]
    assert session.unsaved  # trained here, never saved (the other tests put back what they change)
    path = tmp_path / "trained.keras"
    session.save(str(path))
    assert not session.unsaved and not session.info().unsaved
    loaded, meta = load_model(path)
    assert_same_weights(loaded, session.model.get_weights())
    assert meta["recipe"] == "seed" and meta["test_accuracy"] == session.metadata["test_accuracy"]

    other, _ = new_session(path.parent)
    other.load(str(path))
    assert not other.unsaved and other.info().total_params == SEED_PARAMS


def test_save_without_a_model_is_an_error(small_npz, tmp_path):
    session, _ = new_session(small_npz)
    with pytest.raises(DigitTrainerError):
        session.save(str(tmp_path / "none.keras"))
    assert not (tmp_path / "none.keras").exists()


def test_a_second_run_of_the_same_network_reuses_the_model_and_trains_the_same(trained):
    session, events = trained["session"], trained["events"]
    first_model = session.model
    assert first_model is trained["model"]
    events.clear()

    result = session.train(trained["config"])
    assert session.model is first_model
    assert result.test_accuracy == pytest.approx(trained["result"].test_accuracy, abs=1e-9)
    assert session.source == "trained" and session.unsaved
    sources = [info.source for info in events.of("model")]
    assert sources[0] == "untrained" and sources[-1] == "trained"
    assert all(in_use is first_model for in_use in events.models_in_use())


def test_stop_before_training_returns_a_stopped_result_and_keeps_the_model(loaded, seed_file):
    session, events = loaded
    before = session.model
    control = TrainControl()
    control.stop()
    result = session.train(small_config(), control=control)
    assert isinstance(result, TrainResult)
    assert result.stopped and result.epochs_done == 0 and result.test_accuracy is None
    assert session.model is before and session.source == str(seed_file[0])
    assert_same_weights(session.model, seed_file[1])
    assert events.of("model") == []


# Failed runs ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("error", [RuntimeError("the run broke"), DigitTrainerError("the run broke")])
def test_a_failed_run_puts_back_the_model_from_before(loaded, seed_file, monkeypatch, error):
    session, events = loaded
    before, before_info = session.model, session.info()

    def run_then_fail(self, data, model=None):
        events.log.append(("run started", (session.source, model), session.model))
        raise error

    monkeypatch.setattr(training.Trainer, "run", run_then_fail)
    with pytest.raises(type(error), match="the run broke"):
        session.train(small_config())

    events.log[:] = [entry for entry in events.log if entry[0] != "dataset"]  # train() loads it first
    assert [kind for kind, _, _ in events.log][:2] == ["model", "run started"]
    (source, trained_model), in_use = events.log[1][1:]
    assert source == "untrained" and in_use is trained_model is not before  # the new model was in use
    assert session.model is before
    assert_same_weights(session.model, seed_file[1])
    assert session.source == before_info.source and session.metadata == before_info.metadata
    assert not session.unsaved
    last = events.of("model")[-1]
    assert last.source == before_info.source and events.models_in_use()[-1] is before
    assert session.predict(np.zeros((28, 28), np.float32)) is not None


def test_a_failed_first_run_leaves_no_model(small_npz, monkeypatch):
    """With no model before it, a failed run must not leave its half-trained model in use."""
    session, events = new_session(small_npz)

    def fail(self, data, model=None):
        raise RuntimeError("the run broke")

    monkeypatch.setattr(training.Trainer, "run", fail)
    with pytest.raises(RuntimeError):
        session.train(small_config())
    assert session.model is None
    assert session.info() is None and session.predict(np.zeros((28, 28), np.float32)) is None
    assert events.of("model")[-1] is None  # the GUI hears that no model is left


def test_a_failed_second_run_gives_the_reused_model_its_weights_back(trained):
    """The second run re-initialises the last run's model object in place; a failure must restore what it held.

    (Each failing run here has its own seed: the same network, so the model is reused, but other initial weights, so
    that weights left as one failed run made them can never pass for restored ones in another test.)"""
    session, events = trained["session"], trained["events"]
    before = session.model
    before_meta, before_unsaved, before_source = session.metadata, session.unsaved, session.source
    held = weights(before)
    image = session.dataset().x_test[:3]
    answer = session.probabilities(image)
    events.clear()

    with pytest.raises(RuntimeError, match="broke mid-run"):
        session.train(small_config(seed=7), fail_on_first_batch(RuntimeError("broke mid-run")))

    assert session.model is before
    assert_same_weights(before, held)
    np.testing.assert_allclose(session.probabilities(image), answer, rtol=0, atol=1e-6)
    assert session.metadata == before_meta and session.unsaved == before_unsaved and session.source == before_source
    changes = events.of("model")
    assert changes[0].source == "untrained"
    assert changes[-1].source == before_source and changes[-1].metadata == before_meta
    np.testing.assert_array_equal(changes[-1].kernels, held[0])  # announced with its own weights, not the run's


# Fine-tuning ------------------------------------------------------------------------------------------------------

FINE_TUNE = FineTuneSettings(epochs=1, user_repeats=2)


def test_fine_tune_uses_a_new_model_and_revert_gives_back_the_previous(trained, user_samples):
    session, events = trained["session"], trained["events"]
    before, held, before_source = session.model, weights(session.model), session.source
    events.clear()

    result = session.fine_tune(*user_samples, settings=FINE_TUNE)
    assert result is not None and result.epochs == 1
    assert session.model is not before and session.model is not None
    assert session.source == "fine-tuned" and session.unsaved and session.info().unsaved
    assert session.metadata["fine_tuned"]["user_samples_trained"] == result.n_train
    assert session.metadata["test_accuracy"] == result.mnist_after
    assert session.has_previous
    assert events.of("previous")[-1] is True
    assert events.of("model")[-1].source == "fine-tuned"
    assert events.models_in_use()[-1] is session.model
    assert_same_weights(before, held)  # fine-tuning trained a copy

    info = session.revert()
    assert session.model is before and info.source == before_source == session.source
    assert not session.has_previous and events.of("previous")[-1] is False
    assert events.models_in_use()[-1] is before
    assert_same_weights(before, held)
    assert session.revert() is None and session.model is before


def test_a_failed_run_after_fine_tuning_keeps_the_model_to_revert_to(trained, user_samples):
    """The failed run reuses (and re-initialises) the last run's model, which is the one revert goes back to."""
    session, events = trained["session"], trained["events"]
    trained_model, held = session.model, weights(session.model)
    session.fine_tune(*user_samples, settings=FINE_TUNE)
    tuned, tuned_weights = session.model, weights(session.model)
    events.clear()

    with pytest.raises(DigitTrainerError, match="broke mid-run"):
        session.train(small_config(seed=8), fail_on_first_batch(DigitTrainerError("broke mid-run")))

    assert session.model is tuned and session.source == "fine-tuned" and session.unsaved
    assert_same_weights(tuned, tuned_weights)
    assert session.has_previous and events.of("previous")[-1] is True
    assert events.models_in_use()[-1] is tuned

    session.revert()
    assert session.model is trained_model and not session.has_previous
    assert_same_weights(trained_model, held)


def test_fine_tuning_with_too_few_samples_changes_nothing(loaded, user_samples):
    session, events = loaded
    before, info = session.model, session.info()
    x, y = user_samples
    with pytest.raises(DigitTrainerError, match="at least"):
        session.fine_tune(x[:5], y[:5], settings=FINE_TUNE)
    assert session.model is before and session.source == info.source and not session.has_previous
    assert events.log == [] or [kind for kind, _, _ in events.log] == ["dataset"]


def test_a_stopped_fine_tuning_changes_nothing(loaded, user_samples):
    session, events = loaded
    before = session.model
    control = TrainControl()
    control.stop()
    assert session.fine_tune(*user_samples, settings=FINE_TUNE, control=control) is None
    assert session.model is before and not session.has_previous and not session.unsaved
    assert events.of("model") == [] and events.of("previous") == []


def test_fine_tune_without_a_model_is_an_error(small_npz, user_samples):
    session, _ = new_session(small_npz)
    with pytest.raises(DigitTrainerError):
        session.fine_tune(*user_samples, settings=FINE_TUNE)
    assert session.model is None and not session.has_previous


# Answers about drawings -------------------------------------------------------------------------------------------


def test_without_a_model_predict_is_none_and_probabilities_and_evaluate_raise(small_npz):
    session, _ = new_session(small_npz)
    image = np.zeros((28, 28), np.float32)
    assert session.predict(image) is None
    assert session.saliency(image) is None
    with pytest.raises(DigitTrainerError):
        session.probabilities(image)
    with pytest.raises(DigitTrainerError):
        session.evaluate()


def test_predict_and_probabilities_with_a_model(loaded, raw_mnist):
    session, _ = loaded
    image = raw_mnist.x_test[0].astype(np.float32) / 255
    prediction = session.predict(image)
    assert isinstance(prediction, Prediction)
    assert prediction.probabilities.shape == (1, 10)
    np.testing.assert_allclose(prediction.probabilities.sum(), 1.0, atol=1e-5)
    assert prediction.activations
    probs = session.probabilities(raw_mnist.x_test[:4])
    assert probs.shape == (4, 10)
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, atol=1e-5)
    np.testing.assert_allclose(probs[0], prediction.probabilities[0], atol=1e-5)


def test_evaluate_measures_the_test_set_and_can_be_stopped(loaded):
    session, _ = loaded
    seen = []
    evaluation = session.evaluate(progress=seen.append)
    assert isinstance(evaluation, Evaluation)
    raw = session.dataset()
    assert len(evaluation.predicted) == len(raw.x_test) == 1000
    assert evaluation.confusion.sum() == 1000 and 0.0 <= evaluation.accuracy <= 1.0
    expected = session.probabilities(raw.x_test).argmax(axis=1)
    np.testing.assert_array_equal(evaluation.predicted, expected)
    assert seen and seen[-1] == 1.0
    assert session.evaluate(should_stop=lambda: True) is None
