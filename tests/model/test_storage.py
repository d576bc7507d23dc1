"""Saving and loading .keras files: round trip with metadata, atomic writes, and clear errors for bad files."""

import json
import os
import zipfile

import numpy as np
import pytest

import model.storage as storage
from model.architecture import build_model, conv, dense, flatten, pool, seed_spec, spec_from_json, spec_to_json
from model.errors import ModelFileError
from model.storage import META_NAME, load_model, read_metadata, save_model

TINY = [conv(4), pool(2, "sum"), flatten(), dense(10, "softmax")]
META = {"recipe": "seed", "spec": spec_to_json(TINY), "test_accuracy": 0.9871, "epochs": 3}


@pytest.fixture(scope="module")
def tiny_model():
    import keras

    keras.utils.set_random_seed(1)
    return build_model(TINY)


@pytest.fixture
def saved(tmp_path, tiny_model):
    return save_model(tiny_model, tmp_path / "tiny.keras", META)


def _entries(folder):
    return sorted(p.name for p in folder.iterdir())


def test_round_trip_keeps_weights_and_metadata(saved, tiny_model):
    loaded, meta = load_model(saved)
    for a, b in zip(loaded.get_weights(), tiny_model.get_weights()):
        np.testing.assert_array_equal(a, b)
    for key, value in META.items():
        assert meta[key] == value
    assert "saved" in meta  # the date
    assert spec_from_json(meta["spec"]) == TINY
    assert read_metadata(saved) == meta
    x = np.random.default_rng(0).random((3, 28, 28, 1)).astype("float32")
    np.testing.assert_allclose(loaded.predict_on_batch(x), tiny_model.predict_on_batch(x), rtol=1e-6, atol=1e-7)


def test_save_returns_path_and_leaves_no_temp_file(saved):
    assert saved.is_file()
    assert _entries(saved.parent) == ["tiny.keras"]


def test_saved_file_follows_the_umask(saved):
    """mkstemp makes 0600 files; a model file should be as readable as any other file the user saves."""
    umask = os.umask(0)
    os.umask(umask)
    assert saved.stat().st_mode & 0o777 == 0o666 & ~umask


def test_overwrite_keeps_existing_permissions(tmp_path, tiny_model):
    path = tmp_path / "shared.keras"
    save_model(tiny_model, path)
    path.chmod(0o640)
    save_model(tiny_model, path, {"recipe": "robust"})
    assert path.stat().st_mode & 0o777 == 0o640
    assert read_metadata(path)["recipe"] == "robust"


def test_plain_keras_file_has_empty_metadata(tmp_path, tiny_model):
    path = tmp_path / "plain.keras"
    tiny_model.save(path)
    model, meta = load_model(path)
    assert meta == {}
    assert model.count_params() == tiny_model.count_params()


def test_numpy_values_in_metadata_are_saved(tmp_path, tiny_model):
    path = save_model(tiny_model, tmp_path / "np.keras", {"test_accuracy": np.float32(0.5), "epochs": np.int64(2)})
    meta = read_metadata(path)
    assert meta["test_accuracy"] == 0.5 and meta["epochs"] == 2


# Atomic save ------------------------------------------------------------------------------------------------------


def test_failure_halfway_keeps_the_old_file(saved, tiny_model, monkeypatch):
    before = saved.read_bytes()
    seen = []

    def broken_save(self, filepath, *args, **kwargs):
        seen.append(filepath)
        with open(filepath, "wb") as f:
            f.write(b"PK\x03\x04 half a model")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(type(tiny_model), "save", broken_save)
    with pytest.raises(ModelFileError) as err:
        save_model(tiny_model, saved, {"recipe": "new"})
    assert str(saved) in str(err.value) and "No space left" in str(err.value)
    assert saved.read_bytes() == before
    assert seen and str(seen[0]) != str(saved)  # it wrote somewhere else first
    assert _entries(saved.parent) == ["tiny.keras"]
    assert read_metadata(saved)["recipe"] == "seed"


def test_interrupt_halfway_keeps_the_old_file(saved, tiny_model, monkeypatch):
    before = saved.read_bytes()

    def interrupted(self, filepath, *args, **kwargs):
        with open(filepath, "wb") as f:
            f.write(b"partial")
        raise KeyboardInterrupt

    monkeypatch.setattr(type(tiny_model), "save", interrupted)
    with pytest.raises(KeyboardInterrupt):
        save_model(tiny_model, saved)
    assert saved.read_bytes() == before
    assert _entries(saved.parent) == ["tiny.keras"]


def test_failing_rename_keeps_the_old_file(saved, tiny_model, monkeypatch):
    before = saved.read_bytes()

    def no_replace(src, dst):
        raise PermissionError(13, "Permission denied", str(dst))

    monkeypatch.setattr(storage.os, "replace", no_replace)
    with pytest.raises(ModelFileError, match="Permission denied"):
        save_model(tiny_model, saved)
    assert saved.read_bytes() == before
    assert _entries(saved.parent) == ["tiny.keras"]


@pytest.fixture
def read_only_folder(tmp_path, monkeypatch):
    """(folder, lock): after lock() nobody may create files in folder. Root may anyway, so for root lock() makes
    creating the temp file fail the way it fails for a normal user."""
    folder = tmp_path / "ro"
    folder.mkdir()

    def lock():
        if os.geteuid() != 0:
            folder.chmod(0o555)
            return
        real = storage.tempfile.mkstemp

        def mkstemp(*args, dir=None, **kwargs):
            if dir is not None and os.path.samefile(dir, folder):
                raise PermissionError(13, "Permission denied", str(folder))
            return real(*args, dir=dir, **kwargs)

        monkeypatch.setattr(storage.tempfile, "mkstemp", mkstemp)

    yield folder, lock
    folder.chmod(0o755)


def test_read_only_folder(read_only_folder, tiny_model):
    folder, lock = read_only_folder
    path = save_model(tiny_model, folder / "model.keras", {"recipe": "old"})
    before = path.read_bytes()
    lock()
    with pytest.raises(ModelFileError) as err:
        save_model(tiny_model, path, {"recipe": "new"})
    assert str(path) in str(err.value) and "writable" in str(err.value)
    assert path.read_bytes() == before
    assert _entries(folder) == ["model.keras"]


@pytest.mark.parametrize("name", ["model.h5", "model", "model.keras.bak"])
def test_save_needs_a_keras_suffix(tmp_path, tiny_model, name):
    with pytest.raises(ModelFileError, match=r"\.keras"):
        save_model(tiny_model, tmp_path / name)
    assert _entries(tmp_path) == []


def test_save_into_missing_folder(tmp_path, tiny_model):
    with pytest.raises(ModelFileError, match="does not exist"):
        save_model(tiny_model, tmp_path / "no" / "such" / "m.keras")


# Bad files --------------------------------------------------------------------------------------------------------


def _load_fails(path, *fragments):
    with pytest.raises(ModelFileError) as err:
        load_model(path)
    message = str(err.value)
    assert str(path) in message, message
    for fragment in fragments:
        assert fragment in message, message
    with pytest.raises(ModelFileError):
        read_metadata(path)
    return message


def _metadata_only_fails(path):
    with pytest.raises(ModelFileError) as err:
        read_metadata(path)
    assert str(path) in str(err.value)


def test_missing_file(tmp_path):
    _load_fails(tmp_path / "gone.keras", "does not exist")


def test_folder_instead_of_file(tmp_path):
    folder = tmp_path / "dir.keras"
    folder.mkdir()
    _load_fails(folder, "folder")


def test_empty_file(tmp_path):
    path = tmp_path / "empty.keras"
    path.touch()
    _load_fails(path, "empty")


def test_truncated_file(saved):
    blob = saved.read_bytes()
    saved.write_bytes(blob[: len(blob) * 2 // 3])
    _load_fails(saved)


def test_random_bytes(tmp_path):
    path = tmp_path / "noise.keras"
    path.write_bytes(np.random.default_rng(0).bytes(20_000))
    _load_fails(path, "not a .keras file")


def test_zip_with_a_broken_entry(saved):
    """Damage the weights inside the zip: the archive still opens, the entry fails its CRC."""
    with zipfile.ZipFile(saved) as zf:
        info = zf.getinfo("model.weights.h5")
    blob = bytearray(saved.read_bytes())
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    middle = start + info.compress_size // 2
    blob[middle : middle + 64] = bytes(64)
    saved.write_bytes(bytes(blob))
    message = _load_fails_model_only(saved)
    assert "model.weights.h5" in message


def _load_fails_model_only(path):
    with pytest.raises(ModelFileError) as err:
        load_model(path)
    assert str(path) in str(err.value)
    return str(err.value)


def test_broken_compressed_metadata_entry(tmp_path, tiny_model):
    """A metadata entry whose deflate stream is damaged (zlib.error, not BadZipFile) is still a ModelFileError."""
    plain = tmp_path / "plain.keras"
    tiny_model.save(plain)
    path = tmp_path / "badmeta.keras"
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(path, "w") as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item.filename))
        dst.writestr(META_NAME, json.dumps({"recipe": "seed", "pad": "x" * 5000, "n": list(range(2000))}),
                     compress_type=zipfile.ZIP_DEFLATED)
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo(META_NAME)
    blob = bytearray(path.read_bytes())
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    blob[start + 5 : start + 25] = b"\xff" * 20
    path.write_bytes(bytes(blob))
    _load_fails(path)


def test_metadata_that_is_not_json(tmp_path, tiny_model):
    path = tmp_path / "badjson.keras"
    tiny_model.save(path)
    with zipfile.ZipFile(path, "a") as zf:
        zf.writestr(META_NAME, b"\xff\xfe not json")
    _load_fails(path)


def test_zip_that_is_not_a_model(tmp_path):
    path = tmp_path / "archive.keras"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("readme.txt", "hello")
    _load_fails_model_only(path)


@pytest.mark.parametrize(
    "spec, input_shape, fragment",
    [
        ([conv(4), flatten(), dense(10, "softmax")], (32, 32, 1), "(32, 32, 1)"),
        ([conv(4), flatten(), dense(10, "softmax")], (28, 28, 3), "(28, 28, 3)"),
    ],
)
def test_model_with_another_input_shape(tmp_path, spec, input_shape, fragment):
    model = build_model(spec, input_shape=input_shape)
    path = save_model(model, tmp_path / "other.keras")
    message = _load_fails_model_only(path)
    assert fragment in message and "(28, 28, 1)" in message


def test_model_with_another_class_count(tmp_path):
    import keras

    inputs = keras.Input((28, 28, 1))
    x = keras.layers.Flatten()(inputs)
    model = keras.Model(inputs, keras.layers.Dense(5, activation="softmax")(x))
    path = save_model(model, tmp_path / "five.keras")
    message = _load_fails_model_only(path)
    assert "(5,)" in message and "10 classes" in message


def test_seed_model_round_trip(tmp_path):
    model = build_model(seed_spec())
    loaded, meta = load_model(save_model(model, tmp_path / "seed.keras", {"spec": spec_to_json(seed_spec())}))
    assert loaded.count_params() == 93_322
    assert spec_from_json(meta["spec"]) == seed_spec()


def test_metadata_that_is_not_an_object(tmp_path, tiny_model):
    path = tmp_path / "listmeta.keras"
    tiny_model.save(path)
    with zipfile.ZipFile(path, "a") as zf:
        zf.writestr(META_NAME, "[1, 2, 3]")
    _load_fails(path, "metadata")
