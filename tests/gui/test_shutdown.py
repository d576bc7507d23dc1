"""Closing the app at every phase, and SIGTERM, in a real ``guiapp.app`` process (tests/gui/app_driver.py runs it).

The requirement is a wall-clock one: the process is gone within 2 s of the close request (process start-up is not
counted), exit code 0, no Python thread left running and no "QThread: Destroyed while thread is still running".
"""

import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

pytestmark = pytest.mark.usefixtures("mnist_path")

DRIVER = Path(__file__).with_name("app_driver.py")
EXIT_WITHIN_S = 2.0
STARTUP_TIMEOUT_S = 180  # TensorFlow's import and a first training batch on a busy 2-core machine


def _start(phase, tmp_path, mnist_path, model_path):
    """The driver's process, a queue of its stdout lines and a list of its stderr lines (both read by threads, so a
    silent child cannot hang the test and a chatty one cannot fill its pipe)."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(tmp_path / "config")}
    args = [sys.executable, str(DRIVER), phase, "--data", str(mnist_path), "--model", str(model_path)]
    child = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines, errors = queue.Queue(), []
    child.readers = [
        threading.Thread(target=lambda: [lines.put(line) for line in child.stdout] + [lines.put("")], daemon=True),
        threading.Thread(target=lambda: errors.extend(child.stderr), daemon=True),
    ]
    for reader in child.readers:
        reader.start()
    child.errors = errors
    return child, lines


def _line_starting(child, lines, prefix) -> str:
    """The first line from the driver starting with ``prefix`` (fail if none comes in time)."""
    seen = []
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while (left := deadline - time.monotonic()) > 0:
        try:
            line = lines.get(timeout=left)
        except queue.Empty:
            break
        if not line:
            break
        seen.append(line)
        if line.startswith(prefix):
            return line
    child.kill()
    child.wait()
    pytest.fail(f"the app never printed {prefix}: {seen} / {''.join(child.errors)[-2000:]}")


def _finish(child, lines):
    """Wait for the exit; return (the time it happened, the rest of stdout, stderr)."""
    try:
        child.wait(timeout=60)
        hung = False
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()
        hung = True
    ended = time.time()
    for reader in child.readers:
        reader.join(10)
    out = []
    while (line := lines.get(timeout=10)) != "":
        out.append(line)
    if hung:
        pytest.fail(f"the app did not exit within a minute: {''.join(out)} / {''.join(child.errors)[-3000:]}")
    return ended, "".join(out), "".join(child.errors)


def _assert_clean(code, err):
    assert code == 0, err[-3000:]
    assert "QThread: Destroyed while thread is still running" not in err
    assert "Traceback" not in err, err[-3000:]


@pytest.mark.parametrize("phase", ["loading", "idle", "training", "validating", "testing", "evaluating", "paused"])
def test_closing_at_every_phase_exits_within_two_seconds(tmp_path, mnist_path, model_files, phase):
    child, lines = _start(phase, tmp_path, mnist_path, model_files["seed"])
    asked = float(_line_starting(child, lines, "CLOSE").split()[1])
    ended, out, err = _finish(child, lines)
    _assert_clean(child.returncode, err)
    assert ended - asked < EXIT_WITHIN_S, f"exit took {ended - asked:.2f} s after the close request"
    threads = next(line.split()[1] for line in out.splitlines() if line.startswith("THREADS"))
    # While TensorFlow imports, its thread cannot be interrupted: the process leaves without it (os._exit).
    assert threads == ("EngineThread" if phase == "loading" else "-")
    settings = QSettings(str(tmp_path / "config" / "DigitTrainer" / "DigitTrainer.conf"), QSettings.IniFormat)
    assert settings.value("window/geometry") is not None  # saved on the way out, at every phase


@pytest.mark.parametrize("phase", ["sigterm", "sigterm-training"])
def test_sigterm_saves_settings_and_exits_cleanly(tmp_path, mnist_path, model_files, phase):
    child, lines = _start(phase, tmp_path, mnist_path, model_files["seed"])
    _line_starting(child, lines, "READY")
    conf = tmp_path / "config" / "DigitTrainer" / "DigitTrainer.conf"
    assert not conf.exists()  # nothing written yet: what is there afterwards, SIGTERM wrote
    sent = time.time()
    child.send_signal(signal.SIGTERM)
    ended, out, err = _finish(child, lines)
    _assert_clean(child.returncode, err)
    assert ended - sent < EXIT_WITHIN_S, f"exit took {ended - sent:.2f} s after SIGTERM"
    assert "THREADS -" in out
    values = QSettings(str(conf), QSettings.IniFormat).value("training/values")
    assert int(values["epochs"]) == 7
