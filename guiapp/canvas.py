"""The drawing canvas widget: pointer and tablet input, keys, painting, image-file drops and a heat-map overlay.

What is drawn (strokes, undo, the ink the model reads) is a :class:`guiapp.ink.Drawing`; this widget turns events
into its calls, repaints what they changed, and says so with signals.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import QEvent, QPointF, QRect, QRectF, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QColor, QImage, QKeySequence, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from guiapp.ink import Drawing, ink_pen
from model import preprocess
from model.errors import DigitTrainerError
from model.images import load_image_file

DEFAULT_PEN_WIDTH = float(getattr(preprocess, "DEFAULT_PEN_WIDTH", 18.0))
CANVAS_SIZE = 280
MIN_PEN_WIDTH, MAX_PEN_WIDTH = 1.0, 100.0
CHANGE_INTERVAL_MS = 50  # at most one drawingChanged per interval while a stroke is being drawn


class DrawCanvas(QWidget):
    """A square canvas to draw a digit on with the mouse or a tablet pen, white ink on black.

    The drawing (strokes, undo, the ink :meth:`image` hands to preprocessing) is a :class:`guiapp.ink.Drawing` of
    the canvas' logical size; during a drag only the region of the new piece of a stroke is repainted.

    Left-drag draws, a click draws a dot, right-click / Delete / Backspace clears, Ctrl+Z undoes the last stroke.
    An image file (PNG, JPG ...) dropped on the canvas is loaded as a drawing; dark ink on light paper is inverted.

    Signals
    -------
    strokeFinished()
        A stroke ended (mouse or pen released).
    strokeStarted()
        The pen went down: a stroke begins (an answer will be wanted soon).
    drawingChanged()
        The drawing changed: during a drag at most every ``CHANGE_INTERVAL_MS``, and at once after undo or a load.
    cleared()
        The canvas was cleared.
    errorOccurred(str)
        A dropped file could not be used; the message names the file and says why.
    """

    strokeStarted = Signal()
    strokeFinished = Signal()
    drawingChanged = Signal()
    cleared = Signal()
    errorOccurred = Signal(str)

    def __init__(self, parent: QWidget | None = None, size: int = CANVAS_SIZE):
        super().__init__(parent)
        self.setObjectName("drawCanvas")
        self.setAccessibleName("drawCanvas")
        self.setAccessibleDescription("Drawing area: draw a digit with the left mouse button; right-click clears.")
        self.setFixedSize(size, size)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAcceptDrops(True)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setToolTip("Draw a digit · right-click, Delete or Backspace clears · Ctrl+Z undoes · drop an image file")

        self._size = size
        self._pen_width = DEFAULT_PEN_WIDTH
        self._drawing = Drawing(size)
        self._overlay: QImage | None = None
        self._tail_rect = QRect()  # where the open stroke's live tail was painted, to be repainted when it moves

        self._change_pending = False
        self._change_timer = QTimer(self)
        self._change_timer.setSingleShot(True)
        self._change_timer.setInterval(CHANGE_INTERVAL_MS)
        self._change_timer.timeout.connect(self._on_change_timer_timeout)

    # ----------------------------------------------------------------------------------------------------- public
    def image(self) -> np.ndarray:
        """The drawing as float32 (h, w) in [0, 1], white ink = 1, at the canvas' logical size."""
        return self._drawing.image()

    def is_empty(self) -> bool:
        """True when no ink is visible (a stroke drawn wholly outside the canvas leaves none)."""
        return self._drawing.is_empty()

    def is_drawing(self) -> bool:
        """True while a stroke is being drawn (button or pen down)."""
        return self._drawing.is_drawing()

    def strokes(self) -> list[np.ndarray]:
        """The strokes drawn since the last clear or load, oldest first, each a float (k, 2) array of x, y."""
        return self._drawing.strokes()

    def pen_width(self) -> float:
        return self._pen_width

    def set_pen_width(self, px: float) -> None:
        """Pen diameter in logical pixels for the next strokes; existing strokes keep theirs."""
        self._pen_width = float(np.clip(px, MIN_PEN_WIDTH, MAX_PEN_WIDTH))

    @Slot()
    def clear(self) -> None:
        """Remove every stroke, the loaded image and the overlay, then emit ``cleared``."""
        self._change_timer.stop()
        self._change_pending = False
        self._tail_rect = QRect()
        self._drawing.clear()
        self._overlay = None
        self.update()
        self.cleared.emit()

    @Slot()
    def undo(self) -> None:
        """Remove the last stroke (or, when none is left, the loaded image) and emit ``drawingChanged``."""
        if self._drawing.is_drawing():
            self._finish_stroke()
        if not self._drawing.undo():
            return
        self._overlay = None
        self.update()
        self._emit_change_now()

    def load_array(self, img: np.ndarray) -> None:
        """Show a white-on-black float image (h, w) in [0, 1] scaled to fit, replacing the drawing.

        A 28x28 MNIST image is enlarged smoothly; strokes drawn afterwards go on top of it.
        """
        self._drawing.load(img)
        self._tail_rect = QRect()
        self._overlay = None
        self.update()
        self._emit_change_now()

    def load_file(self, path: str | Path) -> bool:
        """Load an image file as the drawing; on failure emit ``errorOccurred`` with a message naming the file."""
        p = Path(path)
        if p.is_dir():
            self.errorOccurred.emit(f"'{p}' is a folder, not an image file.")
            return False
        try:
            ink = load_image_file(p)
        except DigitTrainerError as exc:
            self.errorOccurred.emit(str(exc))
            return False
        except Exception as exc:  # noqa: BLE001 - a dropped file must never take the app down
            self.errorOccurred.emit(f"'{p}' could not be loaded: {exc}")
            return False
        if not np.any(ink > preprocess.INK_THRESHOLD):
            self.errorOccurred.emit(f"'{p}' shows no ink: the picture looks blank.")
            return False
        self.load_array(ink)
        return True

    def set_overlay(self, rgba: np.ndarray | None) -> None:
        """Draw an RGBA image (h, w, 4), uint8 or floats in [0, 1], stretched over the canvas; None removes it.

        The overlay belongs to the drawing it was computed for, so any change to the drawing removes it.
        """
        if rgba is None:
            self._overlay = None
        else:
            a = np.asarray(rgba)
            if a.ndim != 3 or a.shape[2] != 4 or min(a.shape[:2]) < 1:
                raise ValueError(f"expected an RGBA image (h, w, 4), got an array of shape {a.shape}")
            if a.dtype != np.uint8:
                a = np.round(np.clip(np.nan_to_num(a.astype(np.float64)), 0, 1) * 255).astype(np.uint8)
            a = np.ascontiguousarray(a)
            h, w = a.shape[:2]
            self._overlay = QImage(a.data, w, h, 4 * w, QImage.Format.Format_RGBA8888).copy()
        self.update()

    def has_overlay(self) -> bool:
        return self._overlay is not None

    # ----------------------------------------------------------------------------------------------- strokes
    def _begin_stroke(self, pos: QPointF) -> None:
        if self._drawing.is_drawing():
            self._finish_stroke()
        # The hint and an overlay cover the whole canvas: repainting only the new dot would leave them showing.
        covered = self._drawing.is_blank() or self._overlay is not None
        self._overlay = None
        inked = self._drawing.begin(pos, self._pen_width)
        if covered:
            self.update()
        else:
            self.update(inked)
        self.strokeStarted.emit()
        self._notify_change()

    def _extend_stroke(self, pos: QPointF) -> None:
        inked = self._drawing.extend(pos)
        if inked is None:
            return
        new_tail = self._drawing.live_tail_rect()
        self.update(inked.united(self._tail_rect).united(new_tail))
        self._tail_rect = new_tail
        self._notify_change()

    def _finish_stroke(self) -> None:
        self.update(self._drawing.finish().united(self._tail_rect))
        self._tail_rect = QRect()
        self._change_timer.stop()
        self._change_pending = False
        self.strokeFinished.emit()

    # ------------------------------------------------------------------------------------------ change signal
    def _notify_change(self) -> None:
        if self._change_timer.isActive():
            self._change_pending = True
        else:
            self.drawingChanged.emit()
            self._change_timer.start()

    def _emit_change_now(self) -> None:
        self._change_timer.stop()
        self._change_pending = False
        self.drawingChanged.emit()

    @Slot()
    def _on_change_timer_timeout(self) -> None:
        if self._change_pending and self._drawing.is_drawing():
            self._change_pending = False
            self.drawingChanged.emit()
            self._change_timer.start()

    # ------------------------------------------------------------------------------------------------- events
    def paintEvent(self, event) -> None:
        self._drawing.set_device_pixel_ratio(self.devicePixelRatioF())
        p = QPainter(self)
        p.drawImage(QRectF(0, 0, self._size, self._size), self._drawing.display_image())
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        tail = self._drawing.live_tail()
        if tail is not None:
            start, end, width = tail
            p.setPen(ink_pen(width))
            p.drawLine(start, end)
        if self._overlay is not None:
            p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
            p.drawImage(QRectF(0, 0, self._size, self._size), self._overlay)
        if self._drawing.is_blank():
            p.setPen(QColor(110, 110, 110))
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.tr("Draw a digit here\nor drop an image file"))
        p.setPen(QPen(QColor(90, 90, 90), 1))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawRect(QRectF(0.5, 0.5, self._size - 1, self._size - 1))
        p.end()

    def mousePressEvent(self, event) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._begin_stroke(event.position())
            event.accept()
        elif event.button() == Qt.MouseButton.RightButton:
            self.clear()
            event.accept()
        else:
            super().mousePressEvent(event)

    def mouseMoveEvent(self, event) -> None:
        if not self._drawing.is_drawing():
            return super().mouseMoveEvent(event)
        if event.buttons() & Qt.MouseButton.LeftButton:
            self._extend_stroke(event.position())
        else:  # the release went missing (e.g. it happened over another window)
            self._finish_stroke()
        event.accept()

    def mouseReleaseEvent(self, event) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self._drawing.is_drawing():
            self._extend_stroke(event.position())
            self._finish_stroke()
            event.accept()
        else:
            super().mouseReleaseEvent(event)

    def tabletEvent(self, event) -> None:
        kind = event.type()
        if kind == QEvent.Type.TabletPress and event.button() == Qt.MouseButton.LeftButton:
            self._begin_stroke(event.position())
        elif kind == QEvent.Type.TabletMove and self._drawing.is_drawing():
            self._extend_stroke(event.position())
        elif kind == QEvent.Type.TabletRelease and self._drawing.is_drawing():
            self._extend_stroke(event.position())
            self._finish_stroke()
        event.accept()  # no synthesised mouse events on top of the pen's own

    def keyPressEvent(self, event) -> None:
        if event.matches(QKeySequence.StandardKey.Undo):
            self.undo()
        elif event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.clear()
        else:
            super().keyPressEvent(event)

    def dragEnterEvent(self, event) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dragMoveEvent(self, event) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        urls = event.mimeData().urls()
        if not urls:
            return
        event.acceptProposedAction()
        url = urls[0]
        if not url.isLocalFile():
            self.errorOccurred.emit(f"'{url.toString()}' is not a local file; save it to disk first, then drop it.")
            return
        self.load_file(url.toLocalFile())
