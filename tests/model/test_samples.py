"""The sample store: add / list / delete / relabel, npz export and import, and surviving a killed process."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest

from model.samples import SampleStore, SampleStoreError, read_npz
from tests.conftest import REPO_ROOT


def image(seed: int) -> np.ndarray:
    return np.random.default_rng(seed).random((28, 28)).astype(np.float32)


@pytest.fixture
def store(tmp_path):
    s = SampleStore(tmp_path / "data" / "samples.sqlite")
    yield s
    s.close()


def test_add_list_get_roundtrip(store):
    strokes = [np.array([[10.0, 20.0], [30.5, 40.25]]), np.array([[5.0, 5.0]])]
    a = store.add(image(1), 7, strokes)
    b = store.add((image(2) * 255).astype(np.uint8), 3)
    assert len(store) == 2 and a < b
    first, second = store.list()
    assert (first.id, first.label, second.label) == (a, 7, 3)
    np.testing.assert_array_equal(first.image, image(1))
    assert np.abs(second.image - image(2)).max() <= 1 / 255
    assert [s.tolist() for s in first.strokes] == [s.tolist() for s in strokes]
    assert second.strokes == []
    assert first.created.endswith("+00:00")
    assert store.get(a).label == 7 and store.get(999) is None
    x, y, ids = store.arrays()
    assert x.shape == (2, 28, 28) and y.tolist() == [7, 3] and ids.tolist() == [a, b]
    assert store.counts().tolist() == [0, 0, 0, 1, 0, 0, 0, 1, 0, 0]


def test_delete_and_relabel(store):
    ids = [store.add(image(i), i % 10) for i in range(4)]
    assert store.delete(ids[1]) and not store.delete(ids[1])
    assert store.relabel(ids[2], 9) and not store.relabel(12345, 1)
    assert [(s.id, s.label) for s in store.list()] == [(ids[0], 0), (ids[2], 9), (ids[3], 3)]


def test_bad_input_is_refused_and_nothing_written(store):
    with pytest.raises(ValueError):
        store.add(np.zeros((27, 28)), 1)
    with pytest.raises(ValueError):
        store.add(np.zeros((28, 28)), 10)
    with pytest.raises(ValueError):
        store.add(np.full((28, 28), np.nan), 1)
    with pytest.raises(ValueError):
        store.relabel(1, -1)
    assert len(store) == 0


def test_wal_mode_and_persistence(tmp_path):
    path = tmp_path / "s.sqlite"
    with SampleStore(path) as s:
        s.add(image(0), 4)
        assert s._db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    with SampleStore(path) as again:
        assert [x.label for x in again.list()] == [4]


def test_export_import_roundtrip(store, tmp_path):
    store.add(image(1), 1, [np.array([[1.0, 2.0], [3.0, 4.0]])])
    store.add(image(2), 2)
    path = tmp_path / "mine.npz"
    assert store.export_npz(path) == 2
    with SampleStore(tmp_path / "other.sqlite") as other:
        assert other.import_npz(path) == 2
        got = other.list()
    assert [s.label for s in got] == [1, 2]
    np.testing.assert_array_equal(got[0].image, image(1))
    assert got[0].strokes[0].tolist() == [[1.0, 2.0], [3.0, 4.0]]
    assert got[0].created == store.list()[0].created


def test_import_plain_uint8_arrays(store, tmp_path):
    path = tmp_path / "plain.npz"
    np.savez(path, images=np.full((3, 28, 28, 1), 255, np.uint8), labels=np.array([0, 5, 9]))
    assert store.import_npz(path) == 3
    assert store.arrays()[0].max() == 1.0 and store.counts()[5] == 1


@pytest.mark.parametrize(
    "arrays, message",
    [
        ({"x": np.zeros((2, 28, 28))}, "lacks images and labels (it holds x)"),
        ({"images": np.zeros((2, 28, 27)), "labels": np.zeros(2)}, "expected (n, 28, 28)"),
        ({"images": np.zeros((2, 28, 28)), "labels": np.zeros(3)}, "2 images but labels of shape (3,)"),
        ({"images": np.zeros((1, 28, 28)), "labels": np.array([10])}, "labels must be whole numbers 0-9"),
        ({"images": np.zeros((1, 28, 28)), "labels": np.array([1.5])}, "labels must be whole numbers 0-9"),
        ({"images": np.full((1, 28, 28), 3.0), "labels": np.array([1])}, "within 0-1"),
        ({"images": np.full((1, 28, 28), np.nan), "labels": np.array([1])}, "within 0-1"),
        ({"images": np.zeros((1, 28, 28)), "labels": np.array([1]), "strokes": np.array(["[]", "[]"])}, "strokes"),
    ],
)
def test_bad_npz_files_give_clear_errors_and_import_nothing(store, tmp_path, arrays, message):
    path = tmp_path / "bad.npz"
    np.savez(path, **arrays)
    with pytest.raises(SampleStoreError) as err:
        store.import_npz(path)
    assert message in str(err.value) and "bad.npz" in str(err.value)
    assert len(store) == 0


def test_non_npz_and_pickled_files(store, tmp_path):
    text = tmp_path / "notes.npz"
    text.write_text("hello")
    with pytest.raises(SampleStoreError, match="not a .npz file"):
        read_npz(text)
    with pytest.raises(SampleStoreError, match="does not exist"):
        read_npz(tmp_path / "missing.npz")
    pickled = tmp_path / "pickled.npz"
    np.savez(pickled, images=np.zeros((1, 28, 28)), labels=np.array([{"a": 1}], dtype=object))
    with pytest.raises(SampleStoreError, match="cannot be read"):
        store.import_npz(pickled)


def test_unwritable_database_folder(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(SampleStoreError, match="cannot be opened"):
        SampleStore(blocker / "samples.sqlite")


WRITER = textwrap.dedent(
    """
    import sys
    import numpy as np
    from model.samples import SampleStore

    store = SampleStore(sys.argv[1])
    i = 0
    while True:
        img = np.random.default_rng(i).random((28, 28)).astype(np.float32)
        sid = store.add(img, i % 10, [np.array([[i, i + 1.0]])], created=f"sample-{i}")
        print(i, sid, flush=True)  # only after add() returned: the row is committed
        i += 1
    """
)


def test_database_survives_sigkill_during_inserts(tmp_path):
    """Kill a process in the middle of a stream of inserts: every row it reported committed is intact."""
    db = tmp_path / "samples.sqlite"
    proc = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(db)],
        cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    reported = []
    deadline = time.monotonic() + 60
    while len(reported) < 150 and time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        reported.append(tuple(int(v) for v in line.split()))
    proc.send_signal(signal.SIGKILL)
    rest, err = proc.communicate(timeout=30)
    reported += [tuple(int(v) for v in line.split()) for line in rest.splitlines() if line.strip()]
    assert proc.returncode == -signal.SIGKILL
    assert len(reported) >= 150, err
    assert (db.parent / "samples.sqlite-wal").exists()  # killed with the log not yet checkpointed

    raw = sqlite3.connect(db)
    assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    raw.close()
    with SampleStore(db) as store:
        rows = {s.id: s for s in store.list()}
    assert len(rows) in (len(reported), len(reported) + 1)  # at most the one being saved at the kill is extra
    for i, sid in reported:
        sample = rows[sid]
        assert sample.label == i % 10 and sample.created == f"sample-{i}"
        np.testing.assert_array_equal(sample.image, image(i))
        assert json.loads(json.dumps(sample.strokes[0].tolist())) == [[i, i + 1.0]]
