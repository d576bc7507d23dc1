"""Fault matrix, model files: a bad file is refused by name while the current model keeps answering, and a failed or
killed save leaves the old file intact and loadable. The storage functions' own cases are in tests/model/test_storage.py.
"""

import errno
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import zipfile

import numpy as np
import pytest
from faults import assert_dialog_shows, assert_told, classify

pytestmark = pytest.mark.usefixtures("mnist_path")


def _missing(tmp_path, files):
    return tmp_path / "never_saved.keras", ("does not exist",)


def _truncated(tmp_path, files):
    path = tmp_path / "truncated.keras"
    data = files["seed"].read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path, ("not a .keras file", "truncated or corrupt")


def _corrupt(tmp_path, files):
    path = tmp_path / "corrupt.keras"
    shutil.copy(files["seed"], path)
    with zipfile.ZipFile(path) as zf:
        entry = max(zf.infolist(), key=lambda i: i.compress_size)  # the weights
    data = bytearray(path.read_bytes())
    middle = entry.header_offset + 30 + len(entry.filename) + entry.compress_size // 2
    data[middle : middle + 64] = bytes(64)
    path.write_bytes(bytes(data))
    return path, ("corrupt", entry.filename)


def _random_bytes(tmp_path, files):
    path = tmp_path / "noise.keras"
    path.write_bytes(np.random.default_rng(0).bytes(5000))
    return path, ("not a .keras file",)


def _empty(tmp_path, files):
    path = tmp_path / "empty.keras"
    path.write_bytes(b"")
    return path, ("empty (0 bytes)",)


def _other_input_shape(tmp_path, files):
    return files["cifar_shaped"], ("inputs of shape (32, 32, 3)", "(28, 28, 1)")


def _other_class_count(tmp_path, files):
    return files["five_classes"], ("outputs of shape (5,)", "10 classes")


CASES = {
    "missing": _missing,
    "truncated": _truncated,
    "corrupt_entry": _corrupt,
    "random_bytes": _random_bytes,
    "empty": _empty,
    "other_input_shape": _other_input_shape,
    "other_class_count": _other_class_count,
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_model_file_is_refused_and_the_current_model_keeps_answering(make_window, qtbot, model_files, tmp_path, case):
    path, fragments = CASES[case](tmp_path, model_files)
    window = make_window()
    source = window.model_summary.source_label.text()
    before = classify(window, qtbot)
    with qtbot.waitSignal(window.errorShown, timeout=30_000):
        window.open_model(path)
    message = assert_told(window, path.name, *fragments)
    assert_dialog_shows(window, message)
    qtbot.waitUntil(lambda: window.phase == "idle", timeout=10_000)
    np.testing.assert_array_equal(classify(window, qtbot), before)  # the same weights answer the same drawing
    assert window.model_summary.source_label.text() == source


@pytest.fixture
def old_file(tmp_path, model_files):
    """A saved model where the user saves again; its bytes, to prove it intact afterwards."""
    path = tmp_path / "digits.keras"
    shutil.copy(model_files["other_seed"], path)
    return path, path.read_bytes()


def _assert_intact_and_loadable(window, qtbot, path, data):
    assert path.read_bytes() == data
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]  # no half-written temp file left over
    # The error is shown as the failed job ends; the engine takes the next job once it reports idle.
    qtbot.waitUntil(lambda: not window.controller.busy, timeout=30_000)
    with qtbot.waitSignal(window.modelShown, timeout=30_000) as shown:
        window.open_model(path)
    assert shown.args[0].source == str(path)


def test_save_into_read_only_folder_keeps_the_old_file(make_window, qtbot, old_file, monkeypatch):
    # Tests run as root, who may write into a chmod 555 folder, so the folder's refusal is simulated where the
    # save first writes into it (the temp file beside the target).
    path, data = old_file

    def refuse(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    window = make_window()
    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    with qtbot.waitSignal(window.errorShown, timeout=30_000):
        window.save_model(path)
    message = assert_told(window, path.name, "cannot save", "permission denied")
    assert_dialog_shows(window, message)
    monkeypatch.undo()
    _assert_intact_and_loadable(window, qtbot, path, data)


def test_save_onto_full_disk_keeps_the_old_file(make_window, qtbot, old_file, monkeypatch):
    # A full disk is simulated: every write into a zip (Keras' own and the metadata) fails with ENOSPC.
    path, data = old_file

    def disk_full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    window = make_window()
    monkeypatch.setattr(zipfile.ZipFile, "writestr", disk_full)
    with qtbot.waitSignal(window.errorShown, timeout=30_000):
        window.save_model(path)
    message = assert_told(window, path.name, "no space left on device", "previous file", "unchanged")
    assert_dialog_shows(window, message)
    monkeypatch.undo()
    _assert_intact_and_loadable(window, qtbot, path, data)


_SAVE_THEN_HANG = r"""
import sys, time, zipfile
import keras
from model.architecture import build_model, seed_spec
from model.storage import save_model

real_writestr = zipfile.ZipFile.writestr

def writestr(self, name, *args, **kwargs):
    real_writestr(self, name, *args, **kwargs)
    if name == "digit_trainer.json":  # Keras' part is written, the metadata too; the file is not in place yet
        print("HALFWAY", flush=True)
        time.sleep(120)

zipfile.ZipFile.writestr = writestr
save_model(build_model(seed_spec()), sys.argv[1], {"recipe": "seed"})
"""


def test_save_killed_halfway_keeps_the_old_file(make_window, qtbot, old_file):
    path, data = old_file
    child = subprocess.Popen(
        [sys.executable, "-c", _SAVE_THEN_HANG, str(path)], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    try:
        assert child.stdout.readline().strip() == "HALFWAY"
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.kill()
        child.wait(30)
    assert child.returncode == -signal.SIGKILL
    leftovers = [p for p in path.parent.iterdir() if p != path]
    assert [p.name.endswith(".tmp.keras") for p in leftovers] == [True]  # the killed save's temp file, never renamed
    for p in leftovers:
        p.unlink()
    window = make_window()
    _assert_intact_and_loadable(window, qtbot, path, data)
