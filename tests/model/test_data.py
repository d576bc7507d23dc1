"""Finding, reading, validating and preparing MNIST: every bad input gives a DataError naming the file and fault."""

import gzip
import os
import struct
from pathlib import Path

import numpy as np
import pytest

import model.data as data_mod
from model.data import ENV_VAR, IDX_FILES, RawMnist, load_mnist, prepare, read_dataset, read_idx, validate
from model.errors import DataError


def write_idx(path: Path, array: np.ndarray, *, gz: bool = False, magic: bytes | None = None) -> Path:
    array = np.ascontiguousarray(array, dtype=np.uint8)
    header = (magic or bytes([0, 0, 0x08, array.ndim])) + struct.pack(">" + "I" * array.ndim, *array.shape)
    payload = header + array.tobytes()
    if gz:
        path = path.with_name(path.name + ".gz")
        path.write_bytes(gzip.compress(payload))
    else:
        path.write_bytes(payload)
    return path


def write_idx_folder(folder: Path, raw, *, gz: bool = False) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for key, stem in IDX_FILES.items():
        write_idx(folder / stem, getattr(raw, key), gz=gz)
    return folder


def raises_data_error(path, *fragments):
    """Read ``path``; assert DataError whose message names the file and contains every fragment."""
    with pytest.raises(DataError) as err:
        read_dataset(path)
    message = str(err.value)
    assert str(path) in message or Path(path).name in message, message
    for fragment in fragments:
        assert fragment.lower() in message.lower(), message
    return message


# A good file ------------------------------------------------------------------------------------------------------


def test_small_npz_loads(make_npz):
    path = make_npz()
    raw = read_dataset(path)
    assert raw.x_train.shape == (40, 28, 28) and raw.y_test.shape == (20,)
    assert raw.source == str(path)
    assert raw.class_counts().tolist() == [4] * 10


def test_compressed_npz_and_float_pixels_load(make_npz):
    x = np.random.default_rng(0).random((40, 28, 28)).astype("float32") * 255
    raw = read_dataset(make_npz(compressed=True, x_train=x))
    assert raw.x_train.dtype == np.float32


# Bad .npz files ---------------------------------------------------------------------------------------------------


def test_truncated_npz(make_npz):
    path = make_npz()
    blob = path.read_bytes()
    path.write_bytes(blob[: len(blob) // 2])
    raises_data_error(path, "truncated or corrupt")


def test_corrupt_entry_in_compressed_npz(make_npz):
    path = make_npz(compressed=True)
    blob = bytearray(path.read_bytes())
    blob[200:260] = bytes(60)
    path.write_bytes(bytes(blob))
    raises_data_error(path, "corrupt")


def test_random_bytes_npz(tmp_path):
    path = tmp_path / "noise.npz"
    path.write_bytes(np.random.default_rng(0).bytes(5000))
    message = raises_data_error(path, "not a readable .npz")
    assert "pickle" not in message  # numpy's advice to unpickle a stranger's file must not reach the user


def test_text_file_as_npz(tmp_path):
    path = tmp_path / "notes.npz"
    path.write_text("x_train, y_train, x_test, y_test\n")
    raises_data_error(path, "not a readable .npz")


def test_plain_npy_instead_of_npz(tmp_path):
    path = tmp_path / "images.npy"
    np.save(path, np.zeros((3, 28, 28), np.uint8))
    raises_data_error(path, "single .npy array", "x_train")


def test_empty_file(tmp_path):
    path = tmp_path / "mnist.npz"
    path.touch()
    raises_data_error(path, "empty")


@pytest.mark.parametrize("drop", [("y_test",), ("x_train", "y_train")])
def test_missing_keys(make_npz, drop):
    message = raises_data_error(make_npz(drop=drop), "lacks the key", *drop)
    assert "x_train, y_train, x_test, y_test" in message


def test_wrong_key_names(make_npz):
    arrays = {"images": np.zeros((2, 28, 28), np.uint8), "labels": np.zeros(2, np.uint8)}
    path = make_npz(drop=("x_train", "y_train", "x_test", "y_test"), **arrays)
    raises_data_error(path, "lacks the key", "images", "labels")


@pytest.mark.parametrize(
    "key, array, fragment",
    [
        ("x_train", np.zeros((40, 28, 27), np.uint8), "x_train has shape (40, 28, 27)"),
        ("x_test", np.zeros((20, 784), np.uint8), "x_test has shape (20, 784)"),
        ("y_train", np.zeros((40, 10), np.uint8), "y_train has shape (40, 10)"),
        ("y_test", np.zeros(19, np.uint8), "19 labels"),
        ("x_train", np.zeros((0, 28, 28), np.uint8), "no images"),
    ],
)
def test_wrong_shapes(make_npz, key, array, fragment):
    overrides = {key: array}
    if key == "x_train" and len(array) == 0:
        overrides["y_train"] = np.zeros(0, np.uint8)
    raises_data_error(make_npz(**overrides), fragment)


@pytest.mark.parametrize(
    "key, labels, fragment",
    [
        ("y_train", np.r_[np.arange(39) % 10, 10], "outside 0-9"),
        ("y_test", np.r_[np.arange(19) % 10, -1].astype(np.int64), "outside 0-9"),
        ("y_train", np.full(40, 2.5), "integer labels"),
        ("y_test", np.r_[np.zeros(19), np.nan], "integer labels"),
        ("y_train", np.array(["3"] * 40), "integer labels"),
    ],
)
def test_bad_labels(make_npz, key, labels, fragment):
    message = raises_data_error(make_npz(**{key: labels}), key, fragment)
    if "outside" in fragment:
        assert "example 10;" in message or "example -1;" in message


def test_float_labels_with_whole_values_are_accepted(make_npz):
    raw = read_dataset(make_npz(y_train=(np.arange(40) % 10).astype("float32")))
    assert prepare(raw, validation_split=0).y_train.argmax(1).tolist() == (np.arange(40) % 10).tolist()


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_nan_pixels(make_npz, bad):
    x = np.zeros((40, 28, 28), np.float32)
    x[3, 4, 5] = bad
    raises_data_error(make_npz(x_train=x), "x_train", "NaN or infinite")


@pytest.mark.parametrize("x", [np.full((40, 28, 28), 300.0, np.float32), np.full((40, 28, 28), -1, np.int16)])
def test_pixels_out_of_range(make_npz, x):
    raises_data_error(make_npz(x_train=x), "x_train", "outside 0-255")


def test_path_that_does_not_exist(tmp_path):
    path = tmp_path / "nowhere" / "mnist.npz"
    message = raises_data_error(path, "does not exist")
    assert ENV_VAR in message  # and it says how to provide data


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads files whatever their mode")
def test_unreadable_file_real_permissions(make_npz):
    path = make_npz()
    path.chmod(0)
    try:
        raises_data_error(path, "permission denied")
    finally:
        path.chmod(0o644)


def test_unreadable_npz_simulated(make_npz, monkeypatch):
    """As root a mode-000 file is still readable, so make the open itself fail as it would for a normal user."""
    path = make_npz()

    def denied(*args, **kwargs):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(data_mod, "open", denied, raising=False)
    monkeypatch.setattr(data_mod.np, "load", denied)
    raises_data_error(path, "permission denied")


def test_unreadable_idx_file_simulated(tmp_path, monkeypatch):
    path = write_idx(tmp_path / "train-labels-idx1-ubyte", np.zeros(5, np.uint8))

    def denied(*args, **kwargs):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(data_mod, "open", denied, raising=False)
    with pytest.raises(DataError, match="permission denied") as err:
        read_idx(path)
    assert str(path) in str(err.value)


# IDX folders ------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def mnist_slice(raw_mnist):
    r = raw_mnist
    return RawMnist(r.x_train[:300], r.y_train[:300], r.x_test[:100], r.y_test[:100], source="slice")


@pytest.mark.parametrize("gz", [False, True], ids=["plain", "gzipped"])
def test_idx_folder_loads_the_same_arrays(tmp_path, mnist_slice, gz):
    folder = write_idx_folder(tmp_path / "idx", mnist_slice, gz=gz)
    raw = read_dataset(folder)
    for key in ("x_train", "y_train", "x_test", "y_test"):
        np.testing.assert_array_equal(getattr(raw, key), getattr(mnist_slice, key))
        assert getattr(raw, key).dtype == np.uint8
    assert raw.source == str(folder)


def test_idx_folder_with_dotted_names(tmp_path, mnist_slice):
    """LeCun's files are often renamed train-images.idx3-ubyte; those are found too."""
    folder = tmp_path / "dotted"
    folder.mkdir()
    for key, stem in IDX_FILES.items():
        write_idx(folder / stem.replace("-idx", ".idx"), getattr(mnist_slice, key))
    np.testing.assert_array_equal(read_dataset(folder).x_test, mnist_slice.x_test)


def test_folder_without_idx_files(tmp_path):
    folder = tmp_path / "empty_folder"
    folder.mkdir()
    (folder / "readme.txt").write_text("nothing here")
    raises_data_error(folder, "train-images-idx3-ubyte", "needs all four")


def test_folder_missing_one_idx_file(tmp_path):
    folder = write_idx_folder(tmp_path / "idx", RawMnist(**_small_arrays(), source="x"))
    (folder / "t10k-labels-idx1-ubyte").unlink()
    raises_data_error(folder, "t10k-labels-idx1-ubyte")


def _small_arrays():
    rng = np.random.default_rng(0)
    return {
        "x_train": rng.integers(0, 256, (12, 28, 28), dtype=np.uint8),
        "y_train": np.arange(12, dtype=np.uint8) % 10,
        "x_test": rng.integers(0, 256, (6, 28, 28), dtype=np.uint8),
        "y_test": np.arange(6, dtype=np.uint8) % 10,
    }


@pytest.mark.parametrize(
    "magic", [b"\x00\x00\x08\x02", b"\x00\x00\x0d\x03", b"\x1f\x8b\x08\x00", b"PK\x03\x04"], ids=lambda m: m.hex()
)
def test_idx_wrong_magic_number(tmp_path, magic):
    folder = write_idx_folder(tmp_path / "idx", RawMnist(**_small_arrays(), source="x"))
    bad = folder / "train-images-idx3-ubyte"
    bad.write_bytes(magic + bad.read_bytes()[4:])
    with pytest.raises(DataError) as err:
        read_dataset(folder)
    message = str(err.value)
    assert str(bad) in message and "magic number" in message and magic.hex() in message


def test_idx_images_and_labels_swapped(tmp_path):
    arrays = _small_arrays()
    folder = write_idx_folder(tmp_path / "idx", RawMnist(**arrays, source="x"))
    a, b = folder / "train-images-idx3-ubyte", folder / "train-labels-idx1-ubyte"
    blob_a, blob_b = a.read_bytes(), b.read_bytes()
    a.write_bytes(blob_b)
    b.write_bytes(blob_a)
    raises_data_error(folder, "x_train has shape")


def test_idx_truncated(tmp_path):
    path = write_idx(tmp_path / "train-images-idx3-ubyte", np.zeros((5, 28, 28), np.uint8))
    path.write_bytes(path.read_bytes()[:-10])
    with pytest.raises(DataError, match="should hold 3920 bytes") as err:
        read_idx(path)
    assert str(path) in str(err.value)
    path.write_bytes(b"\x00\x00")
    with pytest.raises(DataError, match="too short"):
        read_idx(path)


@pytest.mark.parametrize("damage", ["truncate", "scramble", "bad deflate code"])
def test_idx_corrupt_gzip(tmp_path, damage):
    n = 50 if damage == "bad deflate code" else 2000
    labels = np.zeros(n, np.uint8) if n == 50 else np.arange(n) % 10
    path = write_idx(tmp_path / "train-labels-idx1-ubyte", labels, gz=True)
    blob = bytearray(path.read_bytes())
    if damage == "truncate":
        blob = blob[: len(blob) // 2]
    elif damage == "scramble":
        blob[15:40] = b"\xff" * 25
    else:  # makes zlib itself fail (zlib.error, which is not an OSError)
        blob[20:30] = b"\xff" * 10
    path.write_bytes(bytes(blob))
    with pytest.raises(DataError) as err:
        read_idx(path)
    assert str(path) in str(err.value)


# The load order ---------------------------------------------------------------------------------------------------


@pytest.fixture
def no_sources(tmp_path, monkeypatch):
    """No env var, an empty home (so no Keras cache), and a Keras download that fails as it does offline."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.delenv(ENV_VAR, raising=False)
    monkeypatch.setenv("HOME", str(home))
    calls = []

    def offline(*args, **kwargs):
        calls.append(1)
        raise OSError("URL fetch failure on https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz")

    import keras

    monkeypatch.setattr(keras.datasets.mnist, "load_data", offline)
    return home, calls


def _place_in_keras_cache(home: Path, make_npz) -> Path:
    return make_npz("mnist.npz", folder=home / ".keras" / "datasets", seed=3)


def test_explicit_path_beats_env_and_cache(no_sources, make_npz, monkeypatch):
    home, calls = no_sources
    _place_in_keras_cache(home, make_npz)
    env_file = make_npz("env.npz", seed=1)
    explicit = make_npz("explicit.npz", seed=2)
    monkeypatch.setenv(ENV_VAR, str(env_file))
    assert load_mnist(explicit).source == str(explicit)
    assert calls == []


def test_env_beats_cache(no_sources, make_npz, monkeypatch):
    home, calls = no_sources
    _place_in_keras_cache(home, make_npz)
    env_file = make_npz("env.npz", seed=1)
    monkeypatch.setenv(ENV_VAR, str(env_file))
    assert load_mnist().source == str(env_file)


def test_env_pointing_at_an_idx_folder(no_sources, tmp_path, monkeypatch):
    folder = write_idx_folder(tmp_path / "idx", RawMnist(**_small_arrays(), source="x"), gz=True)
    monkeypatch.setenv(ENV_VAR, str(folder))
    assert load_mnist().source == str(folder)


def test_bad_env_path_is_an_error_not_a_fallback(no_sources, make_npz, tmp_path, monkeypatch):
    home, calls = no_sources
    _place_in_keras_cache(home, make_npz)
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "typo.npz"))
    with pytest.raises(DataError, match="typo.npz"):
        load_mnist()
    assert calls == []


def test_keras_cache_used_when_nothing_else_is_given(no_sources, make_npz):
    home, calls = no_sources
    cached = _place_in_keras_cache(home, make_npz)
    raw = load_mnist()
    assert Path(raw.source) == cached
    assert calls == []


def test_empty_env_var_is_ignored(no_sources, make_npz, monkeypatch):
    home, _ = no_sources
    cached = _place_in_keras_cache(home, make_npz)
    monkeypatch.setenv(ENV_VAR, "")
    assert Path(load_mnist().source) == cached


def test_offline_download_failure_says_how_to_provide_data(no_sources):
    home, calls = no_sources
    with pytest.raises(DataError) as err:
        load_mnist()
    message = str(err.value)
    assert calls == [1]
    assert "could not be downloaded" in message and "URL fetch failure" in message
    assert ENV_VAR in message and "--data" in message and "mnist.npz" in message


def test_download_off(no_sources):
    home, calls = no_sources
    with pytest.raises(DataError, match=ENV_VAR):
        load_mnist(allow_download=False)
    assert calls == []


def test_download_result_is_validated(no_sources, monkeypatch):
    import keras

    arrays = _small_arrays()
    arrays["y_train"] = arrays["y_train"] + 5  # labels up to 14
    monkeypatch.setattr(
        keras.datasets.mnist,
        "load_data",
        lambda: ((arrays["x_train"], arrays["y_train"]), (arrays["x_test"], arrays["y_test"])),
    )
    with pytest.raises(DataError, match="outside 0-9"):
        load_mnist()


# prepare() --------------------------------------------------------------------------------------------------------


def test_prepare_shapes_dtypes_range_and_one_hot(raw_mnist):
    data = prepare(raw_mnist, validation_split=0.1, limit_train=3000, limit_test=500)
    assert data.x_train.shape == (2700, 28, 28, 1) and data.x_val.shape == (300, 28, 28, 1)
    assert data.x_test.shape == (500, 28, 28, 1)
    for x in (data.x_train, data.x_val, data.x_test):
        assert x.dtype == np.float32 and x.min() >= 0.0 and x.max() <= 1.0
    assert data.x_train.max() == 1.0
    for y in (data.y_train, data.y_val, data.y_test):
        assert y.dtype == np.float32 and y.shape[1] == 10
        assert set(np.unique(y)) == {0.0, 1.0} and np.all(y.sum(axis=1) == 1)
    np.testing.assert_array_equal(data.y_test.argmax(1), raw_mnist.y_test[:500])
    np.testing.assert_array_equal(data.x_test[..., 0], raw_mnist.x_test[:500] / np.float32(255))


def test_prepare_without_validation_keeps_every_training_image(raw_mnist):
    data = prepare(raw_mnist, validation_split=0, limit_test=10)
    assert data.x_val is None and data.y_val is None
    assert len(data.x_train) == len(raw_mnist.x_train) == 60_000
    np.testing.assert_array_equal(data.y_train.argmax(1), raw_mnist.y_train)  # in the original order


def _indexed_raw(n=1000):
    """Images that carry their own index in two pixels, so a prepared image can be traced back."""
    x = np.zeros((n, 28, 28), np.uint8)
    x[:, 0, 0] = np.arange(n) % 256
    x[:, 0, 1] = np.arange(n) // 256
    y = (np.arange(n) * 7) % 10
    return RawMnist(x, y, x[:10], y[:10], source="indexed")


def _indices(x):
    return (np.rint(x[:, 0, 0, 0] * 255) + 256 * np.rint(x[:, 0, 1, 0] * 255)).astype(int)


@pytest.mark.parametrize("split, n_val", [(0.1, 100), (0.25, 250), (0.001, 1)])
def test_validation_split_is_disjoint_and_complete(split, n_val):
    raw = _indexed_raw(1000)
    data = prepare(raw, validation_split=split, seed=5)
    train, val = _indices(data.x_train), _indices(data.x_val)
    assert len(val) == n_val and len(train) == 1000 - n_val
    assert not set(train) & set(val)
    assert sorted(np.r_[train, val]) == list(range(1000))
    np.testing.assert_array_equal(data.y_val.argmax(1), raw.y_train[val])  # labels travel with their images
    np.testing.assert_array_equal(data.y_train.argmax(1), raw.y_train[train])
    again = prepare(raw, validation_split=split, seed=5)
    np.testing.assert_array_equal(_indices(again.x_val), val)  # seeded: the same split every time
    other = prepare(raw, validation_split=split, seed=6)
    assert n_val == 1 or set(_indices(other.x_val)) != set(val)


def test_validation_split_of_real_mnist_is_ten_percent(raw_mnist):
    data = prepare(raw_mnist, validation_split=0.1, limit_train=5000, limit_test=10)
    assert len(data.x_val) == 500 and len(data.x_train) == 4500
    counts = np.bincount(data.y_val.argmax(1), minlength=10)
    assert counts.min() > 20  # a random subset, so every digit is represented


@pytest.mark.parametrize("split", [-0.1, 1.0, 1.5])
def test_bad_validation_split(split):
    with pytest.raises(DataError, match="Validation split"):
        prepare(_indexed_raw(100), validation_split=split)


@pytest.mark.parametrize("limit", [0, -5])
def test_bad_limit_train(limit):
    with pytest.raises(DataError):
        prepare(_indexed_raw(100), validation_split=0, limit_train=limit)


def test_validate_accepts_real_mnist(raw_mnist):
    validate(raw_mnist)
    assert raw_mnist.class_counts().sum() == 60_000
