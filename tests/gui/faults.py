"""Helpers for the fault matrix (test_faults_*.py): what the user was told, what the model answers, and holding the
engine in a phase as a slow machine would."""

from __future__ import annotations

import re
import subprocess
import sys
import threading

import numpy as np
from PySide6.QtWidgets import QMessageBox

from tests.gui.replay import drag

# A "7" in canvas coordinates: a bar and a diagonal, drawn as one stroke.
SEVEN = np.array([(70, 60), (140, 60), (210, 60), (180, 130), (150, 200), (130, 240)], dtype=float)

_MODEL_FILES = r"""
import sys
from pathlib import Path

import keras

from model.architecture import build_model, seed_spec, spec_to_json
from model.storage import save_model

out = Path(sys.argv[1])
keras.utils.set_random_seed(3)
save_model(build_model(seed_spec()), out / "seed.keras", {"recipe": "seed", "spec": spec_to_json(seed_spec())})
keras.utils.set_random_seed(4)
save_model(build_model(seed_spec()), out / "other_seed.keras", {"recipe": "seed"})
rgb = keras.Sequential([keras.Input((32, 32, 3)), keras.layers.Flatten(), keras.layers.Dense(10, activation="softmax")])
rgb.save(out / "cifar_shaped.keras")
five = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Flatten(), keras.layers.Dense(5, activation="softmax")])
five.save(out / "five_classes.keras")
"""


def make_model_files(folder) -> dict:
    """Valid .keras files, made in a child process so no TensorFlow call runs on the test's GUI thread."""
    subprocess.run([sys.executable, "-c", _MODEL_FILES, str(folder)], check=True, capture_output=True, timeout=300)
    return {p.stem: p for p in folder.glob("*.keras")}


def assert_told(window, *fragments: str) -> str:
    """The last problem the window reported holds every fragment (case-insensitive) in plain words, not a traceback."""
    message = window.last_error
    assert message, "the user was told nothing"
    for fragment in fragments:
        assert fragment.lower() in message.lower(), f"{fragment!r} is not in the message {message!r}"
    assert "traceback" not in message.lower(), message
    assert not re.search(r'File ".*", line \d+', message), message
    return message


def assert_dialog_shows(window, message: str):
    """A non-modal error dialog with exactly ``message`` is open."""
    texts = [box.text() for box in window.findChildren(QMessageBox, "errorDialog") if box.isVisible()]
    assert message in texts, f"no open error dialog says {message!r} (open: {texts})"


def classify(window, qtbot, points=SEVEN, timeout: int = 30_000) -> np.ndarray:
    """Draw ``points`` on a cleared canvas with real mouse events; return the probabilities the window then shows."""
    panel = window.draw_panel
    shown = []

    def on_shown(prediction):
        shown.append(np.asarray(prediction.probabilities))

    window.predictionShown.connect(on_shown)
    try:
        panel.canvas.clear()
        drag(panel.canvas, points)
        c = window.controller
        qtbot.waitUntil(lambda: bool(shown) and c.shown_generation() == c.generation(), timeout=timeout)
    finally:
        window.predictionShown.disconnect(on_shown)
    return shown[-1]


class EngineGate:
    """Hold the engine's thread where ``signal`` is emitted (when ``when(*args)`` is true), once, until released.

    A plain callable connected to an engine signal runs on the engine's thread, so blocking in it holds the engine in
    that phase while the test acts on the GUI thread: "Stop while validating" lands while validating on any machine.
    """

    _open: list["EngineGate"] = []

    def __init__(self, signal, when=lambda *args: True, hold_s: float = 60.0):
        self.entered = threading.Event()
        self._released = threading.Event()
        self._when = when
        self._hold_s = hold_s
        signal.connect(self._on_signal)
        EngineGate._open.append(self)

    def _on_signal(self, *args):
        if not self.entered.is_set() and self._when(*args):
            self.entered.set()
            self._released.wait(self._hold_s)

    def release(self):
        self._released.set()

    @classmethod
    def release_all(cls):
        for gate in cls._open:
            gate.release()
        cls._open.clear()


def phase_is(name: str):
    return lambda phase: phase == name
