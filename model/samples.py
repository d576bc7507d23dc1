"""The user's own labelled drawings, kept in a local SQLite database (stdlib ``sqlite3``, no Qt).

Each sample holds the 28x28 model input (float32), the raw canvas strokes (JSON), the label and when it was made.
The database runs in WAL mode and every write is its own transaction, committed before the call returns: a process
killed in the middle of a save loses at most that one sample, and the file stays consistent (SQLite's journal
rolls an unfinished transaction back the next time the file is opened).
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import sqlite3
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from model.errors import DigitTrainerError
from model.messages import Message

SCHEMA_VERSION = 1
_SCHEMA = """
CREATE TABLE IF NOT EXISTS samples (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    label INTEGER NOT NULL CHECK (label BETWEEN 0 AND 9),
    image BLOB NOT NULL CHECK (length(image) = 3136),
    strokes TEXT NOT NULL DEFAULT '[]',
    created TEXT NOT NULL
)
"""
NPZ_KEYS = ("images", "labels")  # required; "strokes" and "created" are optional


class SampleStoreError(DigitTrainerError):
    """The sample database or an import/export file cannot be used; the message says which file and why."""


@dataclass
class Sample:
    id: int
    label: int
    image: np.ndarray  # float32 (28, 28) in [0, 1]
    strokes: list[np.ndarray]  # each float (k, 2) canvas x, y
    created: str  # ISO 8601, UTC


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")


def _check_image(image) -> np.ndarray:
    a = np.asarray(image)
    a = a.astype(np.float32) / 255 if a.dtype == np.uint8 else a.astype(np.float32)
    if a.ndim == 3 and a.shape[2] == 1:
        a = a[..., 0]
    if a.shape != (28, 28):
        raise ValueError(f"a sample image must be 28x28, not {a.shape}")
    if not np.isfinite(a).all():
        raise ValueError("a sample image must not contain NaN or infinite values")
    return np.clip(a, 0.0, 1.0)


def _check_label(label) -> int:
    value = int(label)
    if value != label or not 0 <= value <= 9:
        raise ValueError(f"a label must be a digit 0-9, not {label!r}")
    return value


def _strokes_json(strokes) -> str:
    return json.dumps([np.round(np.asarray(s, dtype=np.float64).reshape(-1, 2), 2).tolist() for s in strokes or []])


def _strokes_from_json(text: str) -> list[np.ndarray]:
    try:
        return [np.asarray(s, dtype=np.float64).reshape(-1, 2) for s in json.loads(text or "[]")]
    except (ValueError, TypeError):
        return []  # damaged strokes must not hide the image and label, which are what training uses


class SampleStore:
    """Add, list, delete, relabel, export and import labelled drawings in the SQLite file at ``path``.

    The folder is created if needed. Use from one thread (sqlite3's default); the GUI thread owns the store and
    hands the engine plain arrays from :meth:`arrays`.
    """

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path).expanduser()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, isolation_level=None, timeout=10)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            self._db.execute(_SCHEMA)
            self._db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
        except (sqlite3.Error, OSError) as exc:
            raise SampleStoreError("samples.open_failed", path=str(self.path), error=str(exc)) from exc

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> "SampleStore":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _write(self, sql: str, params=()) -> sqlite3.Cursor:
        try:
            with self._db:  # one transaction: committed on return, rolled back on error
                return self._db.execute(sql, params)
        except sqlite3.Error as exc:
            raise SampleStoreError("samples.write_failed", path=str(self.path), error=str(exc)) from exc

    # ----------------------------------------------------------------------------------------------- writing
    def add(self, image: np.ndarray, label: int, strokes=None, created: str | None = None) -> int:
        """Store one sample in its own committed transaction; return its id."""
        img, lab = _check_image(image), _check_label(label)
        cur = self._write(
            "INSERT INTO samples (label, image, strokes, created) VALUES (?, ?, ?, ?)",
            (lab, img.tobytes(), _strokes_json(strokes), created or _now()),
        )
        return int(cur.lastrowid)

    def delete(self, sample_id: int) -> bool:
        """Delete a sample; False if there was none with that id."""
        return self._write("DELETE FROM samples WHERE id = ?", (int(sample_id),)).rowcount == 1

    def relabel(self, sample_id: int, label: int) -> bool:
        """Give a sample a new label; False if there was none with that id."""
        cur = self._write("UPDATE samples SET label = ? WHERE id = ?", (_check_label(label), int(sample_id)))
        return cur.rowcount == 1

    # ----------------------------------------------------------------------------------------------- reading
    def __len__(self) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM samples").fetchone()[0])

    def list(self) -> list[Sample]:
        """Every sample, oldest first."""
        rows = self._db.execute("SELECT id, label, image, strokes, created FROM samples ORDER BY id").fetchall()
        return [self._sample(row) for row in rows]

    def get(self, sample_id: int) -> Sample | None:
        row = self._db.execute(
            "SELECT id, label, image, strokes, created FROM samples WHERE id = ?", (int(sample_id),)
        ).fetchone()
        return None if row is None else self._sample(row)

    @staticmethod
    def _sample(row) -> Sample:
        sid, label, blob, strokes, created = row
        image = np.frombuffer(blob, dtype=np.float32).reshape(28, 28).copy()
        return Sample(int(sid), int(label), image, _strokes_from_json(strokes), str(created))

    def arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(images float32 (n, 28, 28), labels uint8 (n,), ids int64 (n,)), oldest first."""
        rows = self._db.execute("SELECT id, label, image FROM samples ORDER BY id").fetchall()
        if not rows:
            return np.zeros((0, 28, 28), np.float32), np.zeros(0, np.uint8), np.zeros(0, np.int64)
        images = np.stack([np.frombuffer(r[2], dtype=np.float32).reshape(28, 28) for r in rows])
        return images, np.array([r[1] for r in rows], np.uint8), np.array([r[0] for r in rows], np.int64)

    def counts(self) -> np.ndarray:
        """How many samples each digit has, (10,)."""
        out = np.zeros(10, dtype=np.int64)
        for label, n in self._db.execute("SELECT label, COUNT(*) FROM samples GROUP BY label"):
            out[int(label)] = int(n)
        return out

    # ------------------------------------------------------------------------------------------ import/export
    def export_npz(self, path: str | os.PathLike) -> int:
        """Write every sample to a compressed ``.npz`` (images, labels, strokes as JSON, created); return the count."""
        path = Path(path).expanduser()
        samples = self.list()
        arrays = {
            "images": np.stack([s.image for s in samples]) if samples else np.zeros((0, 28, 28), np.float32),
            "labels": np.array([s.label for s in samples], dtype=np.uint8),
            "strokes": np.array([_strokes_json(s.strokes) for s in samples], dtype=np.str_),
            "created": np.array([s.created for s in samples], dtype=np.str_),
        }
        tmp = path.with_name(f".{path.name}.tmp")
        try:
            with open(tmp, "wb") as f:  # a file object, so numpy does not append ".npz" to the name
                np.savez_compressed(f, **arrays)
            os.replace(tmp, path)
        except OSError as exc:
            raise SampleStoreError("samples.export_failed", path=str(path), error=str(exc.strerror or exc)) from exc
        finally:
            if tmp.exists():
                tmp.unlink()
        return len(samples)

    def import_npz(self, path: str | os.PathLike) -> int:
        """Add every sample of an exported ``.npz`` in one transaction (all or nothing); return how many."""
        images, labels, strokes, created = read_npz(path)
        try:
            with self._db:
                self._db.executemany(
                    "INSERT INTO samples (label, image, strokes, created) VALUES (?, ?, ?, ?)",
                    [
                        (int(lab), img.tobytes(), st, cr)
                        for img, lab, st, cr in zip(images, labels, strokes, created)
                    ],
                )
        except sqlite3.Error as exc:
            raise SampleStoreError("samples.write_failed", path=str(self.path), error=str(exc)) from exc
        return len(images)


def read_npz(path: str | os.PathLike) -> tuple[np.ndarray, np.ndarray, list[str], list[str]]:
    """Read and check a samples ``.npz``: (images float32 (n, 28, 28), labels, strokes JSON, created).

    Raises SampleStoreError naming the file and the fault: missing, not an npz, missing keys, wrong shapes,
    labels outside 0-9, values that are not finite.
    """
    path = Path(path).expanduser()
    if not path.is_file():
        raise SampleStoreError("samples.missing", path=str(path))
    if not zipfile.is_zipfile(path):
        raise SampleStoreError("samples.not_npz", path=str(path))
    try:
        with np.load(path, allow_pickle=False) as data:
            missing = [k for k in NPZ_KEYS if k not in data.files]
            if missing:
                found = ", ".join(data.files) or Message("word.nothing")
                raise SampleStoreError("samples.missing_keys", path=str(path), missing=" and ".join(missing),
                                       found=found)
            images, labels = data["images"], data["labels"]
            n = len(labels)
            strokes = [str(s) for s in data["strokes"]] if "strokes" in data.files else ["[]"] * n
            created = [str(c) for c in data["created"]] if "created" in data.files else [_now()] * n
    except SampleStoreError:
        raise
    except (ValueError, OSError, EOFError, zipfile.BadZipFile) as exc:  # ValueError: pickled objects, bad headers
        raise SampleStoreError("samples.unreadable", path=str(path), error=str(exc)) from exc
    if images.ndim == 4 and images.shape[-1] == 1:
        images = images[..., 0]
    if images.ndim != 3 or images.shape[1:] != (28, 28):
        raise SampleStoreError("samples.image_shape", path=str(path), shape=images.shape)
    if labels.ndim != 1 or len(labels) != len(images):
        raise SampleStoreError("samples.label_count", path=str(path), images=len(images), shape=labels.shape)
    if len(strokes) != n or len(created) != n:
        raise SampleStoreError("samples.extras_mismatch", path=str(path), count=n)
    numeric = np.issubdtype(labels.dtype, np.number) and not np.issubdtype(labels.dtype, np.complexfloating)
    if not numeric or not np.all((labels >= 0) & (labels <= 9) & (labels == np.round(labels))):
        raise SampleStoreError("samples.labels", path=str(path))
    if images.dtype == np.uint8:
        images = images.astype(np.float32) / 255
    elif not np.issubdtype(images.dtype, np.number):
        raise SampleStoreError("samples.not_numbers", path=str(path), dtype=str(images.dtype))
    images = images.astype(np.float32)
    if not np.isfinite(images).all() or images.min(initial=0) < 0 or images.max(initial=0) > 1:
        raise SampleStoreError("samples.values", path=str(path))
    return images, labels.astype(np.int64), strokes, created
