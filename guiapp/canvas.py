"""The drawing canvas: white anti-aliased ink on black, undo, clear, image-file drops and a heat-map overlay."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PySide6.QtCore import QEvent, QPointF, QRect, QRectF, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QBrush, QColor, QImage, QKeySequence, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from guiapp.qimage import gray_qimage
from model import preprocess
from model.errors import DigitTrainerError
from model.images import load_image_file

DEFAULT_PEN_WIDTH = float(getattr(preprocess, "DEFAULT_PEN_WIDTH", 18.0))
CANVAS_SIZE = 280
MIN_PEN_WIDTH, MAX_PEN_WIDTH = 1.0, 100.0
CHANGE_INTERVAL_MS = 50  # at most one drawingChanged per interval while a stroke is being drawn
_COORD_LIMIT = 1e5  # points are clamped to this; no pointer is that far away, and it keeps QPainter's maths finite


@dataclass
class _Stroke:
    width: float
    points: list[tuple[float, float]] = field(default_factory=list)


def _mid(a: tuple[float, float], b: tuple[float, float]) -> QPointF:
    return QPointF((a[0] + b[0]) / 2, (a[1] + b[1]) / 2)


def _stroke_path(points: list[tuple[float, float]]) -> QPainterPath:
    """A smooth path through ``points``: quadratic pieces between the midpoints, each point a control point.

    The pieces are exactly those the canvas paints one by one during a drag, so a re-render looks the same.
    """
    path = QPainterPath(QPointF(*points[0]))
    if len(points) > 1:
        path.lineTo(_mid(points[0], points[1]))
        for i in range(1, len(points) - 1):
            path.quadTo(QPointF(*points[i]), _mid(points[i], points[i + 1]))
        path.lineTo(QPointF(*points[-1]))
    return path


class DrawCanvas(QWidget):
    """A square canvas to draw a digit on with the mouse or a tablet pen, white ink on black.

    The drawing lives in a Grayscale8 image of the canvas' logical size (280 x 280 by default), the input
    :meth:`image` hands to preprocessing. On a high-DPI screen a second copy at device resolution is kept for
    display only, so the ink looks sharp without changing what the model sees. During a drag only the new piece of
    the stroke is painted; all strokes are re-rendered only on undo.

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
        self._strokes: list[_Stroke] = []
        self._current: _Stroke | None = None
        self._base: QImage | None = None  # a loaded image the strokes are drawn over
        self._overlay: QImage | None = None
        self._tail_rect = QRect()

        self._ink = QImage(size, size, QImage.Format.Format_Grayscale8)
        self._ink.fill(0)
        self._display: QImage | None = None  # device-resolution copy, only when devicePixelRatio != 1
        self._dpr = 1.0

        self._change_pending = False
        self._change_timer = QTimer(self)
        self._change_timer.setSingleShot(True)
        self._change_timer.setInterval(CHANGE_INTERVAL_MS)
        self._change_timer.timeout.connect(self._on_change_timer_timeout)

    # ----------------------------------------------------------------------------------------------------- public
    def image(self) -> np.ndarray:
        """The drawing as float32 (h, w) in [0, 1], white ink = 1, at the canvas' logical size."""
        img = self._ink
        buf = np.frombuffer(img.constBits(), dtype=np.uint8, count=img.sizeInBytes())
        rows = buf.reshape(img.height(), img.bytesPerLine())[:, : img.width()]
        return rows.astype(np.float32) / 255.0

    def is_empty(self) -> bool:
        """True when no ink is visible (a stroke drawn wholly outside the canvas leaves none)."""
        img = self._ink
        return not np.frombuffer(img.constBits(), dtype=np.uint8, count=img.sizeInBytes()).any()

    def is_drawing(self) -> bool:
        """True while a stroke is being drawn (button or pen down)."""
        return self._current is not None

    def strokes(self) -> list[np.ndarray]:
        """The strokes drawn since the last clear or load, oldest first, each a float (k, 2) array of x, y."""
        done = self._strokes + ([self._current] if self._current is not None else [])
        return [np.array(s.points, dtype=np.float64).reshape(-1, 2) for s in done]

    def pen_width(self) -> float:
        return self._pen_width

    def set_pen_width(self, px: float) -> None:
        """Pen diameter in logical pixels for the next strokes; existing strokes keep theirs."""
        self._pen_width = float(np.clip(px, MIN_PEN_WIDTH, MAX_PEN_WIDTH))

    @Slot()
    def clear(self) -> None:
        """Remove every stroke, the loaded image and the overlay, then emit ``cleared``."""
        self._current = None
        self._change_timer.stop()
        self._change_pending = False
        self._strokes.clear()
        self._base = None
        self._overlay = None
        self._rerender()
        self.cleared.emit()

    @Slot()
    def undo(self) -> None:
        """Remove the last stroke (or, when none is left, the loaded image) and emit ``drawingChanged``."""
        if self._current is not None:
            self._finish_stroke()
        if self._strokes:
            self._strokes.pop()
        elif self._base is not None:
            self._base = None
        else:
            return
        self._overlay = None
        self._rerender()
        self._emit_change_now()

    def load_array(self, img: np.ndarray) -> None:
        """Show a white-on-black float image (h, w) in [0, 1] scaled to fit, replacing the drawing.

        A 28x28 MNIST image is enlarged smoothly; strokes drawn afterwards go on top of it.
        """
        a = np.asarray(img, dtype=np.float64)
        if a.ndim == 3 and a.shape[-1] == 1:
            a = a[..., 0]
        if a.ndim != 2 or min(a.shape) < 1:
            raise ValueError(f"expected a 2-D greyscale image, got an array of shape {a.shape}")
        src = gray_qimage(a)
        scaled = src.scaled(
            self._size, self._size, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
        )
        base = QImage(self._size, self._size, QImage.Format.Format_Grayscale8)
        base.fill(0)
        p = QPainter(base)
        p.drawImage((self._size - scaled.width()) // 2, (self._size - scaled.height()) // 2, scaled)
        p.end()
        self._current = None
        self._strokes.clear()
        self._base = base
        self._overlay = None
        self._rerender()
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

    # ------------------------------------------------------------------------------------------------ rendering
    def _targets(self) -> list[QImage]:
        return [self._ink] if self._display is None else [self._ink, self._display]

    def _paint(self, draw) -> None:
        for target in self._targets():
            p = QPainter(target)
            p.setRenderHint(QPainter.RenderHint.Antialiasing)
            draw(p)
            p.end()

    @staticmethod
    def _pen(width: float) -> QPen:
        cap, join = Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin
        return QPen(QColor(255, 255, 255), width, Qt.PenStyle.SolidLine, cap, join)

    def _paint_dot(self, painter: QPainter, point: tuple[float, float], width: float) -> None:
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QBrush(QColor(255, 255, 255)))
        painter.drawEllipse(QPointF(*point), width / 2, width / 2)

    def _paint_stroke(self, painter: QPainter, stroke: _Stroke) -> None:
        self._paint_dot(painter, stroke.points[0], stroke.width)
        if len(stroke.points) > 1:
            painter.setPen(self._pen(stroke.width))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawPath(_stroke_path(stroke.points))

    def _rerender(self) -> None:
        def draw(p: QPainter) -> None:
            p.setCompositionMode(QPainter.CompositionMode.CompositionMode_Source)
            p.fillRect(QRectF(0, 0, self._size, self._size), QColor(0, 0, 0))
            p.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceOver)
            if self._base is not None:
                p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
                p.drawImage(QRectF(0, 0, self._size, self._size), self._base)
            for stroke in self._strokes:
                self._paint_stroke(p, stroke)

        self._paint(draw)
        self.update()

    def _ensure_display(self) -> None:
        dpr = self.devicePixelRatioF()
        if dpr == self._dpr:
            return
        self._dpr = dpr
        if dpr == 1.0:
            self._display = None
        else:
            n = int(np.ceil(self._size * dpr))
            self._display = QImage(n, n, QImage.Format.Format_Grayscale8)
            self._display.setDevicePixelRatio(dpr)
        self._rerender()

    def _margin_rect(self, path_or_rect: QPainterPath | QRectF, width: float) -> QRect:
        r = path_or_rect.boundingRect() if isinstance(path_or_rect, QPainterPath) else path_or_rect
        m = width / 2 + 2
        return r.adjusted(-m, -m, m, m).toAlignedRect()

    # ----------------------------------------------------------------------------------------------- strokes
    def _clamped(self, pos: QPointF) -> tuple[float, float]:
        x, y = pos.x(), pos.y()
        x = 0.0 if x != x else min(max(x, -_COORD_LIMIT), _COORD_LIMIT)
        y = 0.0 if y != y else min(max(y, -_COORD_LIMIT), _COORD_LIMIT)
        return x, y

    def _begin_stroke(self, pos: QPointF) -> None:
        if self._current is not None:
            self._finish_stroke()
        point = self._clamped(pos)
        self._current = _Stroke(self._pen_width, [point])
        self._overlay = None
        self._paint(lambda p: self._paint_dot(p, point, self._pen_width))
        self.update(self._margin_rect(QRectF(point[0], point[1], 0, 0), self._pen_width))
        self.strokeStarted.emit()
        self._notify_change()

    def _extend_stroke(self, pos: QPointF) -> None:
        stroke = self._current
        point = self._clamped(pos)
        if point == stroke.points[-1]:
            return
        pts = stroke.points
        pts.append(point)
        if len(pts) == 2:
            piece = QPainterPath(QPointF(*pts[0]))
            piece.lineTo(_mid(pts[0], pts[1]))
        else:
            piece = QPainterPath(_mid(pts[-3], pts[-2]))
            piece.quadTo(QPointF(*pts[-2]), _mid(pts[-2], pts[-1]))
        pen = self._pen(stroke.width)

        def draw(p: QPainter) -> None:
            p.setPen(pen)
            p.drawPath(piece)

        self._paint(draw)
        tail = QPainterPath(_mid(pts[-2], pts[-1]))
        tail.lineTo(QPointF(*pts[-1]))
        new_tail = self._margin_rect(tail, stroke.width)
        self.update(self._margin_rect(piece, stroke.width).united(self._tail_rect).united(new_tail))
        self._tail_rect = new_tail
        self._notify_change()

    def _finish_stroke(self) -> None:
        stroke, self._current = self._current, None
        pts = stroke.points
        if len(pts) > 1:
            tail = QPainterPath(_mid(pts[-2], pts[-1]))
            tail.lineTo(QPointF(*pts[-1]))
            pen = self._pen(stroke.width)

            def draw(p: QPainter) -> None:
                p.setPen(pen)
                p.drawPath(tail)

            self._paint(draw)
            self.update(self._margin_rect(tail, stroke.width).united(self._tail_rect))
        self._tail_rect = QRect()
        self._strokes.append(stroke)
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
        if self._change_pending and self._current is not None:
            self._change_pending = False
            self.drawingChanged.emit()
            self._change_timer.start()

    # ------------------------------------------------------------------------------------------------- events
    def paintEvent(self, event) -> None:
        self._ensure_display()
        p = QPainter(self)
        src = self._display if self._display is not None else self._ink
        p.drawImage(QRectF(0, 0, self._size, self._size), src)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        cur = self._current
        if cur is not None and len(cur.points) > 1:
            # the last half-segment is painted for good only when the next point (or the release) arrives
            p.setPen(self._pen(cur.width))
            p.drawLine(_mid(cur.points[-2], cur.points[-1]), QPointF(*cur.points[-1]))
        if self._overlay is not None:
            p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
            p.drawImage(QRectF(0, 0, self._size, self._size), self._overlay)
        if cur is None and not self._strokes and self._base is None:
            p.setPen(QColor(110, 110, 110))
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "Draw a digit here\nor drop an image file")
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
        if self._current is None:
            return super().mouseMoveEvent(event)
        if event.buttons() & Qt.MouseButton.LeftButton:
            self._extend_stroke(event.position())
        else:  # the release went missing (e.g. it happened over another window)
            self._finish_stroke()
        event.accept()

    def mouseReleaseEvent(self, event) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self._current is not None:
            self._extend_stroke(event.position())
            self._finish_stroke()
            event.accept()
        else:
            super().mouseReleaseEvent(event)

    def tabletEvent(self, event) -> None:
        kind = event.type()
        if kind == QEvent.Type.TabletPress and event.button() == Qt.MouseButton.LeftButton:
            self._begin_stroke(event.position())
        elif kind == QEvent.Type.TabletMove and self._current is not None:
            self._extend_stroke(event.position())
        elif kind == QEvent.Type.TabletRelease and self._current is not None:
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
