"""Fault matrix, datasets: a bad dataset is refused with a message naming the file and the fault, and nothing is lost.

Every case goes both ways a user can give the app a dataset: File › Open dataset (``window.open_dataset``), and
Train with it as the app's dataset (``--data`` / ``DIGIT_TRAINER_DATA``). The readers' own edge cases are in
tests/model/test_data.py; these tests check what the user sees in the app.
"""

import builtins
import errno
import struct
from pathlib import Path

import numpy as np
import pytest
from faults import assert_dialog_shows, assert_told, classify

from model.recipes import recipe

pytestmark = pytest.mark.usefixtures("mnist_path")


def _truncated(tmp_path, make_npz):
    path = make_npz("truncated.npz")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path, ("truncated or corrupt",)


def _wrong_keys(tmp_path, make_npz):
    path = tmp_path / "wrong_keys.npz"
    np.savez(path, images=np.zeros((4, 28, 28), np.uint8), labels=np.zeros(4, np.uint8))
    return path, ("lacks the key", "x_train")


def _wrong_shapes(tmp_path, make_npz):
    return make_npz("wrong_shapes.npz", x_train=np.zeros((40, 32, 32), np.uint8)), ("x_train has shape (40, 32, 32)",)


def _labels_out_of_range(tmp_path, make_npz):
    labels = np.arange(40) % 12
    return make_npz("labels_0_to_11.npz", y_train=labels), ("labels outside 0-9", "10")


def _nan_pixels(tmp_path, make_npz):
    x = np.zeros((20, 28, 28), np.float32)
    x[3, 4, 5] = np.nan
    return make_npz("nan_pixels.npz", x_test=x), ("x_test", "NaN")


def _empty_file(tmp_path, make_npz):
    path = tmp_path / "empty.npz"
    path.write_bytes(b"")
    return path, ("empty (0 bytes)",)


def _folder_without_idx(tmp_path, make_npz):
    folder = tmp_path / "no_idx_here"
    folder.mkdir()
    (folder / "notes.txt").write_text("not MNIST")
    return folder, ("has no train-images-idx3-ubyte",)


def _idx_wrong_magic(tmp_path, make_npz):
    folder = tmp_path / "idx_wrong_magic"
    folder.mkdir()
    for name, shape in [
        ("train-images-idx3-ubyte", (4, 28, 28)),
        ("train-labels-idx1-ubyte", (4,)),
        ("t10k-images-idx3-ubyte", (2, 28, 28)),
        ("t10k-labels-idx1-ubyte", (2,)),
    ]:
        header = struct.pack(">HBB", 0, 0x08, len(shape)) + struct.pack(">" + "I" * len(shape), *shape)
        (folder / name).write_bytes(header + bytes(int(np.prod(shape))))
    images = folder / "train-images-idx3-ubyte"
    images.write_bytes(b"\x00\x00\x0d\x03" + images.read_bytes()[4:])  # 0x0d: not the unsigned-byte type code
    return folder, ("train-images-idx3-ubyte", "wrong magic number 0x00000d03")


def _missing_path(tmp_path, make_npz):
    return tmp_path / "nowhere" / "mnist.npz", ("does not exist",)


def _unreadable(tmp_path, make_npz):
    # Tests run as root, whom chmod 000 does not stop, so the denial is simulated: see the ``deny_reading`` fixture.
    return make_npz("locked.npz"), ("permission denied",)


CASES = {
    "truncated_npz": _truncated,
    "wrong_keys": _wrong_keys,
    "wrong_shapes": _wrong_shapes,
    "labels_outside_0_9": _labels_out_of_range,
    "nan_pixels": _nan_pixels,
    "empty_file": _empty_file,
    "folder_without_idx_files": _folder_without_idx,
    "idx_wrong_magic_number": _idx_wrong_magic,
    "path_does_not_exist": _missing_path,
    "no_read_permission": _unreadable,
}


@pytest.fixture(params=list(CASES))
def bad_dataset(request, tmp_path, make_npz, monkeypatch):
    """(path, fragments the message must hold) for each case; for no_read_permission, reading the file raises
    PermissionError (EACCES) as it would for a user without read permission."""
    path, fragments = CASES[request.param](tmp_path, make_npz)
    if request.param == "no_read_permission":
        real_open = builtins.open

        def deny_reading(file, *args, **kwargs):
            if isinstance(file, (str, Path)) and Path(file) == path:
                raise PermissionError(errno.EACCES, "Permission denied", str(file))
            return real_open(file, *args, **kwargs)

        monkeypatch.setattr(builtins, "open", deny_reading)
    return path, fragments


def test_open_dataset_refuses_bad_file_and_keeps_the_loaded_one(make_window, qtbot, make_npz, bad_dataset):
    path, fragments = bad_dataset
    good = make_npz("good.npz")
    window = make_window()
    with qtbot.waitSignal(window.datasetShown, timeout=30_000):
        window.open_dataset(good)
    info = window.dataset_view.info.text()
    with qtbot.waitSignal(window.errorShown, timeout=30_000):
        window.open_dataset(path)
    message = assert_told(window, path.name, *fragments)
    assert_dialog_shows(window, message)
    qtbot.waitUntil(lambda: window.phase == "idle", timeout=10_000)
    assert window.dataset_view.info.text() == info  # the good dataset is still the one shown ...
    assert window.controller.engine.session.dataset_source == str(good)  # ... and the one the engine trains on
    assert window.settings.value("data/path") == str(good)  # ... and the one the next start opens


def test_train_with_bad_dataset_reports_it_and_keeps_the_model(make_window, qtbot, bad_dataset):
    path, fragments = bad_dataset
    window = make_window(data_path=path)
    before = classify(window, qtbot)
    with qtbot.waitSignal(window.trainingFinished, timeout=60_000) as finished:
        window.train(recipe("seed", epochs=1, limit_train=40))
    assert finished.args[0] is None
    message = assert_told(window, path.name, *fragments)
    assert_dialog_shows(window, message)
    assert window.training_panel.train_button.isEnabled()
    assert window.training_panel.runs_table.item(0, 3).text() == "failed"
    np.testing.assert_array_equal(classify(window, qtbot), before)  # the same model still answers


def test_train_after_a_failed_open_uses_the_dataset_that_loaded(make_window, qtbot, make_npz, tmp_path):
    good = make_npz("good.npz")
    window = make_window()
    with qtbot.waitSignal(window.datasetShown, timeout=30_000):
        window.open_dataset(good)
    with qtbot.waitSignal(window.errorShown, timeout=30_000):
        window.open_dataset(tmp_path / "missing.npz")
    with qtbot.waitSignal(window.trainingFinished, timeout=120_000) as finished:
        window.train(recipe("seed", epochs=1, batch_size=16, validation_split=0.25))
    result = finished.args[0]
    assert result is not None and result.test_accuracy is not None
    assert result.extra["batches"] == 2  # the 40 - 10 images of good.npz, in batches of 16
