"""The drawing canvas widget: pointer and tablet input, keys, painting, image-file drops and a heat-map overlay.

What is drawn (strokes, undo, the ink the model reads) is a :class:`guiapp.ink.Drawing`; this widget turns events
into its calls, repaints what they changed, and says so with signals.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import (
    QCoreApplication,
    QEvent,
    QObject,
    QPointF,
    QRect,
    QRectF,
    Qt,
    QThreadPool,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtGui import QColor, QImage, QKeySequence, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from guiapp.i18n import RetranslateMixin, message_for
from guiapp.ink import Drawing, ink_pen
from model import preprocess
from model.errors import DigitTrainerError
from model.images import load_image_file

DEFAULT_PEN_WIDTH = float(getattr(preprocess, "DEFAULT_PEN_WIDTH", 18.0))
CANVAS_SIZE = 280
MIN_PEN_WIDTH, MAX_PEN_WIDTH = 1.0, 100.0
CHANGE_INTERVAL_MS = 50  # at most one drawingChanged per interval while a stroke is being drawn
# A dropped picture is read with no side over this: more than the canvas shows (280 px, twice that on a high-DPI
# screen), and small enough that reading a 40-megapixel photo costs MBs, not a GB, and loading it on the GUI thread
# a few ms (1,000 px took 50 ms).
DECODE_MAX_SIDE = 640


class _Decoded(QObject):
    """Carries a dropped file's result from the pool's thread to the canvas (a queued signal)."""

    finished = Signal(int, object, str)  # drop number, ink (or None), error message ("" when it loaded)


class DrawCanvas(RetranslateMixin, QWidget):
    """A square canvas to draw a digit on with the mouse or a tablet pen, white ink on black.

    The drawing (strokes, undo, the ink :meth:`image` hands to preprocessing) is a :class:`guiapp.ink.Drawing` of
    the canvas' logical size; during a drag only the region of the new piece of a stroke is repainted.

    Left-drag draws, a click draws a dot, right-click / Delete / Backspace clears, Ctrl+Z undoes the last stroke.
    An image file (PNG, JPG ...) dropped on the canvas is loaded as a drawing; dark ink on light paper is inverted.
    It is read on a worker thread, reduced to at most ``DECODE_MAX_SIDE`` px a side, so the window never waits for
    it; the newest drop wins, and drawing, clearing or undoing before it arrives cancels it.

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
        self.setFixedSize(size, size)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAcceptDrops(True)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setCursor(Qt.CursorShape.CrossCursor)

        self._size = size
        self._zoom = 1.0  # shown this many times its logical size (set_zoom); the drawing keeps its size
        self._pen_width = DEFAULT_PEN_WIDTH
        self._drawing = Drawing(size)
        self._overlay: QImage | None = None
        self._tail_rect = QRect()  # where the open stroke's live tail was painted, to be repainted when it moves

        self._change_pending = False
        self._change_timer = QTimer(self)
        self._change_timer.setSingleShot(True)
        self._change_timer.setInterval(CHANGE_INTERVAL_MS)
        self._change_timer.timeout.connect(self._on_change_timer_timeout)

        self._drops = 0  # drops so far; a result is used only if no drop or change came after its own
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._decoded = _Decoded(self)
        self._decoded.finished.connect(self._on_decoded_finished)
        self.retranslate()

    def retranslate(self) -> None:
        """The tooltip, the description for screen readers and the hint on a blank canvas in the current language."""
        self.setAccessibleDescription(self.tr("Drawing area: draw a digit with the left mouse button; right-click "
                                              "clears."))
        self.setToolTip(self.tr("Draw a digit · right-click, Delete or Backspace clears · Ctrl+Z undoes · drop an "
                                "image file"))
        self.update()  # the hint is painted

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
        self._drops += 1
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
        self._drops += 1
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
        self._drops += 1
        self._drawing.load(img)
        self._tail_rect = QRect()
        self._overlay = None
        self.update()
        self._emit_change_now()

    def load_file(self, path: str | Path) -> bool:
        """Load an image file as the drawing, here and now; on failure emit ``errorOccurred`` naming the file.

        A drop calls :meth:`request_file`, which reads the file off the GUI thread.
        """
        ink, error = _read_ink(Path(path))
        return self._use_file(ink, error)

    def request_file(self, path: str | Path) -> None:
        """Read an image file on a worker thread and load it when it arrives (``drawingChanged``), or emit
        ``errorOccurred``; a later request, a stroke, undo or clear before then cancels it."""
        self._drops += 1
        drop, p, decoded = self._drops, Path(path), self._decoded
        self._pool.start(lambda: decoded.finished.emit(drop, *_read_ink(p)))

    @Slot(int, object, str)
    def _on_decoded_finished(self, drop: int, ink, error: str) -> None:
        if drop == self._drops:
            self._use_file(ink, error)

    def _use_file(self, ink: np.ndarray | None, error: str) -> bool:
        if error:
            self.errorOccurred.emit(error)
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

    def set_zoom(self, zoom: float) -> None:
        """Show the canvas ``zoom`` times its logical size (presentation mode, large screens). The drawing keeps its
        logical size and coordinates, so strokes, pen widths and what the model reads do not change."""
        self._zoom = max(zoom, 0.1)
        self.setFixedSize(round(self._size * self._zoom), round(self._size * self._zoom))
        self.update()

    def _logical(self, pos: QPointF) -> QPointF:
        return pos / self._zoom if self._zoom != 1 else pos

    def _shown(self, rect: QRect) -> QRect:
        """A logical rectangle where it is on the zoomed widget."""
        if self._zoom == 1:
            return rect
        z = self._zoom
        shown = QRectF(rect.x() * z, rect.y() * z, rect.width() * z, rect.height() * z)
        return shown.toAlignedRect().adjusted(-1, -1, 1, 1)

    # ----------------------------------------------------------------------------------------------- strokes
    def _begin_stroke(self, pos: QPointF) -> None:
        self._drops += 1
        if self._drawing.is_drawing():
            self._finish_stroke()
        # The hint and an overlay cover the whole canvas: repainting only the new dot would leave them showing.
        covered = self._drawing.is_blank() or self._overlay is not None
        self._overlay = None
        inked = self._drawing.begin(self._logical(pos), self._pen_width)
        if covered:
            self.update()
        else:
            self.update(self._shown(inked))
        self.strokeStarted.emit()
        self._notify_change()

    def _extend_stroke(self, pos: QPointF) -> None:
        inked = self._drawing.extend(self._logical(pos))
        if inked is None:
            return
        new_tail = self._drawing.live_tail_rect()
        self.update(self._shown(inked.united(self._tail_rect).united(new_tail)))
        self._tail_rect = new_tail
        self._notify_change()

    def _finish_stroke(self) -> None:
        self.update(self._shown(self._drawing.finish().united(self._tail_rect)))
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
        self._drawing.set_device_pixel_ratio(self.devicePixelRatioF() * self._zoom)
        p = QPainter(self)
        p.scale(self._zoom, self._zoom)
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
            hint = self.tr("Draw a digit here\nor drop an image file")
            flags = int(Qt.AlignmentFlag.AlignCenter) | int(Qt.TextFlag.TextWordWrap)  # a longer hint wraps
            p.drawText(QRectF(8, 0, self._size - 16, self._size), flags, hint)
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
            text = self.tr("'{url}' is not a local file; save it to disk first, then drop it.")
            self.errorOccurred.emit(text.format(url=url.toString()))
            return
        self.request_file(url.toLocalFile())


def _read_ink(p: Path) -> tuple[np.ndarray | None, str]:
    """(ink, "") for a usable image file, else (None, a message naming the file): safe on any thread."""
    if p.is_dir():
        return None, QCoreApplication.translate("DrawCanvas", "'{path}' is a folder, not an image file.").format(path=p)
    try:
        ink = load_image_file(p, max_side=DECODE_MAX_SIDE)
    except DigitTrainerError as exc:
        return None, message_for(exc)
    except Exception as exc:  # noqa: BLE001 - a dropped file must never take the app down
        text = QCoreApplication.translate("DrawCanvas", "'{path}' could not be loaded: {error}")
        return None, text.format(path=p, error=exc)
    if not np.any(ink > preprocess.INK_THRESHOLD):
        return None, QCoreApplication.translate("DrawCanvas", "'{path}' shows no ink: the picture looks blank.").format(
            path=p)
    return ink, ""
