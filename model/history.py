"""The run history: every training run, from the app or the CLI, kept in one SQLite database (stdlib, no Qt).

A run is inserted as ``running`` when it starts and updated when it ends (``finished``, ``stopped``, ``failed``).
Its epochs and its per-batch points (the reports the GUI plots, about ten a second) are written at each epoch's
end, each write its own transaction in WAL mode: a process killed mid-run loses at most the batches of the epoch
in progress, and SQLite's journal keeps the file consistent. Each run row stores the pid of the process that
records it; whoever opens the database next marks ``running`` rows whose process is gone as ``interrupted``.

A :class:`RunHistory` opens its connection lazily, on the thread that first uses it, and must stay on that thread
(sqlite3 refuses use from another one).
"""

from __future__ import annotations

import csv
import datetime as _dt
import json
import os
import sqlite3
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from model.errors import DigitTrainerError

HISTORY_ENV = "DIGIT_TRAINER_HISTORY"
ORGANIZATION, APPLICATION = "DigitTrainer", "Digit Trainer"  # as guiapp/app.py sets them for QStandardPaths
RESULTS = ("running", "finished", "stopped", "failed", "interrupted")
_SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    started TEXT NOT NULL,
    origin TEXT NOT NULL,
    pid INTEGER NOT NULL,
    status TEXT NOT NULL,
    settings TEXT NOT NULL,
    spec TEXT NOT NULL,
    epochs_planned INTEGER NOT NULL,
    epochs_done INTEGER NOT NULL DEFAULT 0,
    val_accuracy REAL,
    test_accuracy REAL,
    test_loss REAL,
    seconds REAL,
    device TEXT NOT NULL DEFAULT '',
    model_path TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS epochs (
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    epoch INTEGER NOT NULL,
    loss REAL, accuracy REAL, val_loss REAL, val_accuracy REAL, seconds REAL,
    PRIMARY KEY (run_id, epoch)
);
CREATE TABLE IF NOT EXISTS batches (
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    x REAL NOT NULL, loss REAL, accuracy REAL
);
CREATE INDEX IF NOT EXISTS batches_run ON batches(run_id);
"""
CSV_COLUMNS = ("id", "started", "origin", "status", "recipe", "optimizer", "learning_rate", "batch_size",
               "limit_train", "epochs_planned", "epochs_done", "val_accuracy", "test_accuracy", "test_loss",
               "seconds", "device", "model_path")


def default_history_path() -> Path:
    """``$DIGIT_TRAINER_HISTORY`` if set, else ``history.sqlite`` in the user's data folder.

    The folder is the one Qt's ``QStandardPaths.AppDataLocation`` gives the app on Linux,
    ``($XDG_DATA_HOME or ~/.local/share)/<organization>/<application>``, computed without Qt so that the CLI
    records into the same database as the window.
    """
    if os.environ.get(HISTORY_ENV):
        return Path(os.environ[HISTORY_ENV])
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / ORGANIZATION / APPLICATION / "history.sqlite"


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if os.name != "posix":
        return False  # os.kill(pid, 0) would end the process on Windows; an unknown owner counts as gone
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@dataclass
class RunRecord:
    """One row of the history, as the Runs view shows it."""

    id: int
    started: str
    origin: str  # "app" or "cli"
    status: str  # one of RESULTS
    settings: dict
    spec: list
    epochs_planned: int
    epochs_done: int
    val_accuracy: float | None
    test_accuracy: float | None
    test_loss: float | None
    seconds: float | None
    device: str
    model_path: str


@dataclass
class RunCurves:
    """A run's curves: per-batch report points (x in epochs) and per-epoch figures."""

    batch_x: list = field(default_factory=list)
    batch_loss: list = field(default_factory=list)
    batch_accuracy: list = field(default_factory=list)
    epochs: list = field(default_factory=list)  # model.reports.EpochReport-like rows (epoch, loss, accuracy, ...)


def config_settings(config) -> dict:
    """The settings of a TrainConfig that the history keeps (and the CSV shows)."""
    return {"recipe": config.recipe, "optimizer": config.optimizer, "learning_rate": config.lr(),
            "batch_size": config.batch_size, "epochs": config.epochs, "validation_split": config.validation_split,
            "seed": config.seed, "limit_train": config.limit_train}


class RunHistory:
    """The database at ``path`` (default: :func:`default_history_path`); see the module docstring."""

    def __init__(self, path: str | os.PathLike | None = None):
        self.path = Path(path) if path else default_history_path()
        self._conn: sqlite3.Connection | None = None
        self._pending: dict[int, list] = {}  # run id -> batch points not yet written

    # The connection --------------------------------------------------------------------------------------------
    def _db(self) -> sqlite3.Connection:
        if self._conn is None:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                conn = sqlite3.connect(self.path, timeout=10)
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute("PRAGMA synchronous=NORMAL")
                conn.execute("PRAGMA foreign_keys=ON")
                with conn:
                    conn.executescript(_SCHEMA)
            except (OSError, sqlite3.Error) as exc:
                raise DigitTrainerError("history.open_failed", path=str(self.path), error=str(exc)) from exc
            self._conn = conn
            self.mark_interrupted()
        return self._conn

    def _write(self, sql: str, params=()) -> sqlite3.Cursor:
        conn = self._db()
        try:
            with conn:
                return conn.execute(sql, params)
        except sqlite3.Error as exc:
            raise DigitTrainerError("history.write_failed", path=str(self.path), error=str(exc)) from exc

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def mark_interrupted(self) -> int:
        """Mark ``running`` rows whose process is gone as ``interrupted``; return how many."""
        rows = self._db().execute("SELECT id, pid FROM runs WHERE status = 'running'").fetchall()
        gone = [(run,) for run, pid in rows if not _alive(pid)]
        if gone:
            conn = self._db()
            with conn:
                conn.executemany("UPDATE runs SET status = 'interrupted' WHERE id = ?", gone)
        return len(gone)

    # Recording a run -------------------------------------------------------------------------------------------
    def start_run(self, config, origin: str = "app") -> int:
        """Insert a ``running`` row for ``config`` (a TrainConfig); return its id."""
        from model.architecture import spec_to_json

        cur = self._write(
            "INSERT INTO runs (started, origin, pid, status, settings, spec, epochs_planned) "
            "VALUES (?, ?, ?, 'running', ?, ?, ?)",
            (_now(), origin, os.getpid(), json.dumps(config_settings(config)),
             json.dumps(spec_to_json(list(config.spec))), int(config.epochs)),
        )
        self._pending[cur.lastrowid] = []
        return cur.lastrowid

    def add_batch(self, run: int, report) -> None:
        """Keep a model.reports.BatchReport's point; written with the epoch it belongs to."""
        x = report.epoch - 1 + report.batch / report.batches
        self._pending.setdefault(run, []).append((run, x, float(report.loss), float(report.accuracy)))

    def _flush_batches(self, conn, run: int) -> None:
        points = self._pending.get(run)
        if points:
            conn.executemany("INSERT INTO batches (run_id, x, loss, accuracy) VALUES (?, ?, ?, ?)", points)
            self._pending[run] = []

    def add_epoch(self, run: int, report) -> None:
        """Write a model.reports.EpochReport and the batch points before it, in one transaction."""
        conn = self._db()
        try:
            with conn:
                self._flush_batches(conn, run)
                conn.execute(
                    "INSERT OR REPLACE INTO epochs VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (run, report.epoch, report.loss, report.accuracy, report.val_loss, report.val_accuracy,
                     report.seconds),
                )
                conn.execute("UPDATE runs SET epochs_done = ?, val_accuracy = COALESCE(?, val_accuracy) "
                             "WHERE id = ?", (report.epoch, report.val_accuracy, run))
        except sqlite3.Error as exc:
            raise DigitTrainerError("history.write_failed", path=str(self.path), error=str(exc)) from exc

    def finish_run(self, run: int, result=None, status: str | None = None) -> None:
        """End ``run`` with a model.reports.TrainResult (None: it failed); ``status`` overrides the result's."""
        if status is None:
            status = "failed" if result is None else "stopped" if result.stopped else "finished"
        conn = self._db()
        try:
            with conn:
                self._flush_batches(conn, run)
                if result is None:
                    conn.execute("UPDATE runs SET status = ? WHERE id = ?", (status, run))
                else:
                    conn.execute(
                        "UPDATE runs SET status = ?, epochs_done = ?, test_accuracy = ?, test_loss = ?, "
                        "seconds = ?, device = ? WHERE id = ?",
                        (status, result.epochs_done, result.test_accuracy, result.test_loss, result.seconds,
                         result.device or "", run),
                    )
        except sqlite3.Error as exc:
            raise DigitTrainerError("history.write_failed", path=str(self.path), error=str(exc)) from exc
        self._pending.pop(run, None)

    def set_model_path(self, run: int, path: str) -> None:
        self._write("UPDATE runs SET model_path = ? WHERE id = ?", (str(path), run))

    def delete(self, run: int) -> None:
        self._write("DELETE FROM runs WHERE id = ?", (run,))

    # Reading ---------------------------------------------------------------------------------------------------
    def runs(self) -> list[RunRecord]:
        """Every run, oldest first."""
        rows = self._db().execute(
            "SELECT id, started, origin, status, settings, spec, epochs_planned, epochs_done, val_accuracy, "
            "test_accuracy, test_loss, seconds, device, model_path FROM runs ORDER BY id").fetchall()
        return [RunRecord(r[0], r[1], r[2], r[3], json.loads(r[4]), json.loads(r[5]), *r[6:]) for r in rows]

    def run(self, run: int) -> RunRecord | None:
        return next((r for r in self.runs() if r.id == run), None)

    def curves(self, run: int) -> RunCurves:
        db = self._db()
        curves = RunCurves()
        for x, loss, acc in db.execute("SELECT x, loss, accuracy FROM batches WHERE run_id = ? ORDER BY rowid",
                                       (run,)):
            curves.batch_x.append(x)
            curves.batch_loss.append(loss)
            curves.batch_accuracy.append(acc)
        curves.epochs = db.execute("SELECT epoch, loss, accuracy, val_loss, val_accuracy FROM epochs "
                                   "WHERE run_id = ? ORDER BY epoch", (run,)).fetchall()
        return curves

    def export_csv(self, path: str | os.PathLike) -> Path:
        """Write every run as a CSV row; the file appears whole or not at all (written aside, then moved)."""
        path = Path(path)
        tmp = None
        try:
            fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".part", dir=path.parent)
            with os.fdopen(fd, "w", newline="", encoding="utf-8") as f:
                writer = csv.writer(f)
                writer.writerow(CSV_COLUMNS)
                for r in self.runs():
                    s = r.settings
                    writer.writerow([r.id, r.started, r.origin, r.status, s.get("recipe"), s.get("optimizer"),
                                     s.get("learning_rate"), s.get("batch_size"), s.get("limit_train") or "",
                                     r.epochs_planned, r.epochs_done, _blank(r.val_accuracy),
                                     _blank(r.test_accuracy), _blank(r.test_loss), _blank(r.seconds), r.device,
                                     r.model_path])
            os.replace(tmp, path)
        except OSError as exc:
            if tmp and os.path.exists(tmp):
                os.unlink(tmp)
            raise DigitTrainerError("history.export_failed", path=str(path), error=str(exc)) from exc
        return path


def _blank(value):
    return "" if value is None else value


class RunRecorder:
    """Wraps a run's model.reports.TrainCallbacks so that ``history`` records the run as it goes."""

    def __init__(self, history: RunHistory, config, callbacks, origin: str):
        from model.reports import TrainCallbacks

        self.history = history
        self.run = history.start_run(config, origin)

        def on_batch(report):
            history.add_batch(self.run, report)
            if callbacks.on_batch:
                callbacks.on_batch(report)

        def on_epoch(report):
            history.add_epoch(self.run, report)
            if callbacks.on_epoch:
                callbacks.on_epoch(report)

        self.callbacks = TrainCallbacks(on_batch, on_epoch, callbacks.on_phase, callbacks.between_batches)
