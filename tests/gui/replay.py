"""Replaying pen strokes as real mouse drags on the drawing canvas: test and benchmark support, not part of the app.

Events go through ``QApplication.sendEvent`` as ``QMouseEvent``s that carry the pressed button, exactly what a
person's drag delivers (``QTest.mouseMove`` carries no button state).
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication, QWidget


def _send(widget: QWidget, kind, x: float, y: float, button, buttons):
    pos = QPointF(float(x), float(y))
    event = QMouseEvent(kind, pos, widget.mapToGlobal(pos), button, buttons, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, event)


def drag(widget: QWidget, points: np.ndarray):
    """Press at the first point, move through the rest with the left button held, release at the last."""
    pts = np.asarray(points, dtype=float)
    left, none = Qt.MouseButton.LeftButton, Qt.MouseButton.NoButton
    _send(widget, QEvent.Type.MouseButtonPress, *pts[0], left, left)
    for x, y in pts[1:]:
        _send(widget, QEvent.Type.MouseMove, x, y, none, left)
    _send(widget, QEvent.Type.MouseButtonRelease, *pts[-1], left, none)


def replay(widget: QWidget, strokes: list[np.ndarray]):
    """Draw every stroke of a digit (already in the widget's coordinates) as separate drags."""
    for stroke in strokes:
        drag(widget, stroke)


def _wait_for(signal, timeout_ms: int) -> bool:
    """Run an event loop until ``signal`` fires or ``timeout_ms`` passes (no processEvents spinning)."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    fired = []
    timer = QTimer()
    timer.setSingleShot(True)
    timer.timeout.connect(loop.quit)

    def on_signal(*_):
        fired.append(True)
        loop.quit()

    signal.connect(on_signal)
    timer.start(timeout_ms)
    loop.exec()
    timer.stop()
    signal.disconnect(on_signal)
    return bool(fired)


def classify_digits(window, digits, height_fraction: float = 0.65, timeout_ms: int = 20_000):
    """Replay each pen digit on the window's canvas and read the predicted digit off ``predictionLabel``.

    Returns a list of (true label, predicted digit or None, label text). Waits for the answer to the drawing's
    newest classify request, so intermediate answers (after the first stroke of a '4') do not count.
    """
    from PySide6.QtWidgets import QLabel

    from model.pendigits import fit_to_canvas

    panel = window.draw_panel
    canvas = panel.canvas
    label = window.findChild(QLabel, "predictionLabel")
    out = []
    for d in digits:
        canvas.clear()
        replay(canvas, fit_to_canvas(d.strokes, size=canvas.width(), height_fraction=height_fraction))
        while window.controller.shown_generation() < window.controller.generation():
            if not _wait_for(window.predictionShown, timeout_ms):
                raise TimeoutError(f"no prediction within {timeout_ms} ms for a '{d.label}' of writer {d.writer}")
        text = label.text()
        out.append((d.label, int(text[0]) if text[:1].isdigit() else None, text))
    canvas.clear()
    return out
