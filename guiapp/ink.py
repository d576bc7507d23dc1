"""The drawing as data: strokes of points with their pen widths, undo, a loaded picture under them, and the ink.

The ink is a Grayscale8 QImage of the canvas' logical size (280 x 280 by default), white on black: what
:meth:`Drawing.image` hands to preprocessing. A second copy at device resolution can be kept for display only, so
the ink looks sharp on a high-DPI screen without changing what the model sees. A new piece of a stroke is painted
onto the ink as it comes; everything is re-rendered only on undo, clear, a load or a change of screen.
No widget lives here: the methods that paint return the region of the ink they changed, for the widget to repaint.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from PySide6.QtCore import QPointF, QRect, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QImage, QPainter, QPainterPath, QPen

from guiapp.qimage import gray_qimage

COORD_LIMIT = 1e5  # points are clamped to this; no pointer is that far away, and it keeps QPainter's maths finite


@dataclass
class Stroke:
    width: float
    points: list[tuple[float, float]] = field(default_factory=list)


def _mid(a: tuple[float, float], b: tuple[float, float]) -> QPointF:
    return QPointF((a[0] + b[0]) / 2, (a[1] + b[1]) / 2)


def stroke_path(points: list[tuple[float, float]]) -> QPainterPath:
    """A smooth path through ``points``: quadratic pieces between the midpoints, each point a control point.

    The pieces are exactly those :meth:`Drawing.extend` paints one by one during a drag, so a re-render looks the same.
    """
    path = QPainterPath(QPointF(*points[0]))
    if len(points) > 1:
        path.lineTo(_mid(points[0], points[1]))
        for i in range(1, len(points) - 1):
            path.quadTo(QPointF(*points[i]), _mid(points[i], points[i + 1]))
        path.lineTo(QPointF(*points[-1]))
    return path


def ink_pen(width: float) -> QPen:
    """White, round-capped and round-joined: the pen every stroke is drawn with."""
    cap, join = Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin
    return QPen(QColor(255, 255, 255), width, Qt.PenStyle.SolidLine, cap, join)


def _margin_rect(path_or_rect: QPainterPath | QRectF, width: float) -> QRect:
    """The pixels a pen of ``width`` can touch when it draws ``path_or_rect``."""
    r = path_or_rect.boundingRect() if isinstance(path_or_rect, QPainterPath) else path_or_rect
    m = width / 2 + 2
    return r.adjusted(-m, -m, m, m).toAlignedRect()


def _clamped(pos: QPointF) -> tuple[float, float]:
    x, y = pos.x(), pos.y()
    x = 0.0 if math.isnan(x) else min(max(x, -COORD_LIMIT), COORD_LIMIT)
    y = 0.0 if math.isnan(y) else min(max(y, -COORD_LIMIT), COORD_LIMIT)
    return x, y


class Drawing:
    """Strokes on an optional loaded picture, rendered into white-on-black ink of ``size`` x ``size`` pixels."""

    def __init__(self, size: int):
        self.size = size
        self._strokes: list[Stroke] = []
        self._current: Stroke | None = None
        self._base: QImage | None = None  # a loaded picture the strokes are drawn over
        self._ink = QImage(size, size, QImage.Format.Format_Grayscale8)
        self._ink.fill(0)
        self._display: QImage | None = None  # device-resolution copy, only when the device pixel ratio is not 1
        self._dpr = 1.0

    # -------------------------------------------------------------------------------------------------- reading
    def image(self) -> np.ndarray:
        """The ink as float32 (size, size) in [0, 1], white ink = 1."""
        img = self._ink
        buf = np.frombuffer(img.constBits(), dtype=np.uint8, count=img.sizeInBytes())
        rows = buf.reshape(img.height(), img.bytesPerLine())[:, : img.width()]
        return rows.astype(np.float32) / 255.0

    def is_empty(self) -> bool:
        """True when no ink is visible (a stroke drawn wholly outside the canvas leaves none)."""
        img = self._ink
        return not np.frombuffer(img.constBits(), dtype=np.uint8, count=img.sizeInBytes()).any()

    def is_blank(self) -> bool:
        """True when nothing has been drawn or loaded since the last clear (ink or not)."""
        return self._current is None and not self._strokes and self._base is None

    def is_drawing(self) -> bool:
        """True while a stroke is open (begun and not finished)."""
        return self._current is not None

    def strokes(self) -> list[np.ndarray]:
        """The strokes, oldest first and the open one last, each a float (k, 2) array of x, y."""
        done = self._strokes + ([self._current] if self._current is not None else [])
        return [np.array(s.points, dtype=np.float64).reshape(-1, 2) for s in done]

    def display_image(self) -> QImage:
        """The ink at device resolution, for the screen."""
        return self._display if self._display is not None else self._ink

    def live_tail(self) -> tuple[QPointF, QPointF, float] | None:
        """The open stroke's last half-segment (from, to, width), not yet on the ink: it is painted for good only
        when the next point (or the end of the stroke) says how it curves."""
        cur = self._current
        if cur is None or len(cur.points) < 2:
            return None
        return _mid(cur.points[-2], cur.points[-1]), QPointF(*cur.points[-1]), cur.width

    def live_tail_rect(self) -> QRect:
        tail = self.live_tail()
        if tail is None:
            return QRect()
        return _margin_rect(QRectF(tail[0], tail[1]).normalized(), tail[2])

    # ------------------------------------------------------------------------------------------------- changing
    def begin(self, pos: QPointF, width: float) -> QRect:
        """Open a stroke at ``pos`` with a dot of ``width`` (finishing any open one); returns the region inked."""
        if self._current is not None:
            self.finish()
        point = _clamped(pos)
        self._current = Stroke(width, [point])
        self._paint(lambda p: self._paint_dot(p, point, width))
        return _margin_rect(QRectF(point[0], point[1], 0, 0), width)

    def extend(self, pos: QPointF) -> QRect | None:
        """Add a point to the open stroke and ink the piece it settles; None when it repeats the last point."""
        stroke = self._current
        point = _clamped(pos)
        if point == stroke.points[-1]:
            return None
        pts = stroke.points
        pts.append(point)
        if len(pts) == 2:
            piece = QPainterPath(QPointF(*pts[0]))
            piece.lineTo(_mid(pts[0], pts[1]))
        else:
            piece = QPainterPath(_mid(pts[-3], pts[-2]))
            piece.quadTo(QPointF(*pts[-2]), _mid(pts[-2], pts[-1]))
        self._paint_path(piece, stroke.width)
        return _margin_rect(piece, stroke.width)

    def finish(self) -> QRect:
        """Close the open stroke, inking its last half-segment; returns the region inked (empty for a dot)."""
        stroke, self._current = self._current, None
        self._strokes.append(stroke)
        pts = stroke.points
        if len(pts) < 2:
            return QRect()
        tail = QPainterPath(_mid(pts[-2], pts[-1]))
        tail.lineTo(QPointF(*pts[-1]))
        self._paint_path(tail, stroke.width)
        return _margin_rect(tail, stroke.width)

    def undo(self) -> bool:
        """Remove the last stroke, or when none is left the loaded picture; False when there was nothing to remove."""
        if self._current is not None:
            self.finish()
        if self._strokes:
            self._strokes.pop()
        elif self._base is not None:
            self._base = None
        else:
            return False
        self._rerender()
        return True

    def clear(self) -> None:
        """Remove every stroke and the loaded picture."""
        self._current = None
        self._strokes.clear()
        self._base = None
        self._rerender()

    def load(self, img: np.ndarray) -> None:
        """Replace the drawing with a white-on-black float image (h, w) in [0, 1], scaled smoothly to fit."""
        a = np.asarray(img, dtype=np.float64)
        if a.ndim == 3 and a.shape[-1] == 1:
            a = a[..., 0]
        if a.ndim != 2 or min(a.shape) < 1:
            raise ValueError(f"expected a 2-D greyscale image, got an array of shape {a.shape}")
        scaled = gray_qimage(a).scaled(
            self.size, self.size, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
        )
        base = QImage(self.size, self.size, QImage.Format.Format_Grayscale8)
        base.fill(0)
        p = QPainter(base)
        p.drawImage((self.size - scaled.width()) // 2, (self.size - scaled.height()) // 2, scaled)
        p.end()
        self._current = None
        self._strokes.clear()
        self._base = base
        self._rerender()

    def set_device_pixel_ratio(self, dpr: float) -> bool:
        """Keep the display copy at ``dpr`` times the logical size; True when that changed (all is re-rendered)."""
        if dpr == self._dpr:
            return False
        self._dpr = dpr
        if dpr == 1.0:
            self._display = None
        else:
            n = int(np.ceil(self.size * dpr))
            self._display = QImage(n, n, QImage.Format.Format_Grayscale8)
            self._display.setDevicePixelRatio(dpr)
        self._rerender()
        return True

    # ------------------------------------------------------------------------------------------------ rendering
    def _paint(self, draw) -> None:
        for target in [self._ink] if self._display is None else [self._ink, self._display]:
            p = QPainter(target)
            p.setRenderHint(QPainter.RenderHint.Antialiasing)
            draw(p)
            p.end()

    def _paint_path(self, path: QPainterPath, width: float) -> None:
        pen = ink_pen(width)

        def draw(p: QPainter) -> None:
            p.setPen(pen)
            p.drawPath(path)

        self._paint(draw)

    @staticmethod
    def _paint_dot(painter: QPainter, point: tuple[float, float], width: float) -> None:
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QBrush(QColor(255, 255, 255)))
        painter.drawEllipse(QPointF(*point), width / 2, width / 2)

    def _paint_stroke(self, painter: QPainter, stroke: Stroke) -> None:
        self._paint_dot(painter, stroke.points[0], stroke.width)
        if len(stroke.points) > 1:
            painter.setPen(ink_pen(stroke.width))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawPath(stroke_path(stroke.points))

    def _rerender(self) -> None:
        def draw(p: QPainter) -> None:
            p.setCompositionMode(QPainter.CompositionMode.CompositionMode_Source)
            p.fillRect(QRectF(0, 0, self.size, self.size), QColor(0, 0, 0))
            p.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceOver)
            if self._base is not None:
                p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
                p.drawImage(QRectF(0, 0, self.size, self.size), self._base)
            for stroke in self._strokes:
                self._paint_stroke(p, stroke)

        self._paint(draw)
