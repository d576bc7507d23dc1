"""The run history: a run's row, curves, result and model file; interrupted runs; deletion; CSV export; SIGKILL."""

from __future__ import annotations

import csv
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from model.history import RunHistory, default_history_path
from model.recipes import recipe
from model.reports import BatchReport, EpochReport, TrainResult

ROOT = Path(__file__).resolve().parents[2]


def _batch(epoch, batch, loss):
    return BatchReport(epoch, 2, batch, 4, loss, 1 - loss, loss, 1 - loss, 100.0, 1.0, 0.1)


def _record_run(history, status_result=None):
    cfg = recipe("seed", epochs=2, limit_train=600)
    run = history.start_run(cfg, "cli")
    for epoch in (1, 2):
        for batch in (1, 2, 3, 4):
            history.add_batch(run, _batch(epoch, batch, 1.0 / (epoch * batch)))
        history.add_epoch(run, EpochReport(epoch, 2, 0.5 / epoch, 0.8 + epoch / 100, 0.4, 0.9, 1.5))
    history.finish_run(run, status_result or TrainResult(2, [], 0.1, 0.97, seconds=3.0, device="CPU"))
    return run


def test_default_path_follows_the_env_var_then_xdg(monkeypatch, tmp_path):
    monkeypatch.setenv("DIGIT_TRAINER_HISTORY", str(tmp_path / "h.sqlite"))
    assert default_history_path() == tmp_path / "h.sqlite"
    monkeypatch.delenv("DIGIT_TRAINER_HISTORY")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert default_history_path() == tmp_path / "DigitTrainer" / "Digit Trainer" / "history.sqlite"


def test_a_run_is_recorded_with_settings_curves_and_result(tmp_path):
    history = RunHistory(tmp_path / "h.sqlite")
    run = _record_run(history)
    history.set_model_path(run, "/tmp/m.keras")
    history.close()
    again = RunHistory(tmp_path / "h.sqlite")
    (record,) = again.runs()
    assert (record.status, record.origin, record.epochs_done, record.epochs_planned) == ("finished", "cli", 2, 2)
    assert record.settings["limit_train"] == 600 and record.settings["recipe"] == "seed"
    assert record.spec and record.test_accuracy == pytest.approx(0.97) and record.val_accuracy == pytest.approx(0.9)
    assert (record.device, record.seconds, record.model_path) == ("CPU", 3.0, "/tmp/m.keras")
    curves = again.curves(run)
    assert len(curves.batch_x) == 8 and curves.batch_x[-1] == pytest.approx(2.0)
    assert [e[0] for e in curves.epochs] == [1, 2]


def test_stopped_and_failed_runs_say_so(tmp_path):
    history = RunHistory(tmp_path / "h.sqlite")
    stopped = _record_run(history, TrainResult(1, [], None, None, stopped=True))
    failed = history.start_run(recipe("seed"), "app")
    history.finish_run(failed, None)
    assert {r.id: r.status for r in history.runs()} == {stopped: "stopped", failed: "failed"}


def test_a_running_row_of_a_process_that_is_gone_becomes_interrupted(tmp_path):
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    path = tmp_path / "h.sqlite"
    history = RunHistory(path)
    mine = history.start_run(recipe("seed"), "app")
    theirs = history.start_run(recipe("seed"), "cli")
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE runs SET pid = ? WHERE id = ?", (gone.pid, theirs))
    assert RunHistory(path).run(theirs).status == "interrupted"
    assert RunHistory(path).run(mine).status == "running"  # this process is alive


def test_delete_and_csv_export(tmp_path):
    history = RunHistory(tmp_path / "h.sqlite")
    first, second = _record_run(history), _record_run(history)
    history.delete(first)
    assert [r.id for r in history.runs()] == [second]
    assert history.curves(first).batch_x == []
    out = history.export_csv(tmp_path / "runs.csv")
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [(r["id"], r["status"], r["test_accuracy"]) for r in rows] == [(str(second), "finished", "0.97")]
    assert not list(tmp_path.glob("*.part"))


def test_export_to_a_missing_folder_says_so(tmp_path):
    from model.errors import DigitTrainerError

    history = RunHistory(tmp_path / "h.sqlite")
    with pytest.raises(DigitTrainerError) as info:
        history.export_csv(tmp_path / "nope" / "runs.csv")
    assert info.value.code == "history.export_failed"


_KILLED_RUN = textwrap.dedent("""
    import sys
    from model.history import RunHistory
    from model.recipes import recipe
    from model.session import ModelSession
    session = ModelSession(sys.argv[1], history=RunHistory(sys.argv[2]))
    session.train(recipe("seed", epochs=200, limit_train=512, limit_test=200, validation_split=0, batch_size=64))
""")


def test_sigkill_during_a_run_leaves_a_readable_database_with_the_run_interrupted(tmp_path, mnist_path):
    path = tmp_path / "h.sqlite"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "CUDA_VISIBLE_DEVICES": "-1"}
    proc = subprocess.Popen([sys.executable, "-c", _KILLED_RUN, str(mnist_path), str(path)], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline and proc.poll() is None:
            if path.exists():
                with sqlite3.connect(path, timeout=10) as conn:
                    row = conn.execute("SELECT epochs_done FROM runs").fetchone()
                if row and row[0] >= 1:
                    break
            time.sleep(0.5)
        assert proc.poll() is None, proc.stderr.read().decode()[-2000:]
        proc.send_signal(signal.SIGKILL)
        proc.wait(60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(60)
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    (record,) = RunHistory(path).runs()
    assert record.status == "interrupted" and record.epochs_done >= 1
    assert RunHistory(path).curves(record.id).epochs
