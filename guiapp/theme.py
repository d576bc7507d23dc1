"""Colours and fonts that follow the window's palette and the application font, for pyqtgraph plots and painted views.

Qt widgets follow the palette by themselves; pyqtgraph draws with its own configured colours (black background,
grey axes) unless told otherwise. :func:`style_plot` paints a plot in the palette's colours and the application's
font, and :class:`PaletteFollower` calls a view back when the palette or the font changes (a dark desktop theme
switched on, View › Zoom), so a view only has to say how it applies them::

    PaletteFollower(self, self._apply_theme)   # once, in __init__; also calls _apply_theme() at once

The interface zoom (View › Zoom in / out, presentation mode) is the application font scaled: :func:`set_zoom`
changes it app-wide (every widget that does not fix its own size follows) and :func:`zoom` tells views that size
things in pixels (a preview, a canvas) by how much to grow them.

Public helpers: :func:`colours`, :func:`is_dark`, :func:`run_colour`, :func:`style_plot`, :func:`scaled_font`,
:func:`zoom`, :func:`set_zoom`, :class:`PaletteFollower`.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication, QWidget

# One colour per run (and per plotted series): bright tones read on a dark background, deeper ones on a light one.
RUN_COLOURS_DARK = ("#4fc3f7", "#ffb74d", "#81c784", "#e57373", "#ba68c8")
RUN_COLOURS_LIGHT = ("#0277bd", "#e65100", "#2e7d32", "#c62828", "#6a1b9a")

_WATCHED = (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange, QEvent.Type.StyleChange,
            QEvent.Type.FontChange, QEvent.Type.ApplicationFontChange)


@dataclass(frozen=True)
class Colours:
    """The colours a plot or a painted view uses, taken from a palette."""

    background: QColor  # where data is drawn: the palette's Base (white or near-black)
    foreground: QColor  # axes, tick labels, titles: the palette's Text
    muted: QColor  # captions, secondary text: between the two
    grid: QColor  # grid lines and frames
    accent: QColor  # the palette's Highlight
    dark: bool


def _palette(source: QWidget | QPalette | None) -> QPalette:
    if isinstance(source, QPalette):
        return source
    if isinstance(source, QWidget):
        return source.palette()
    return QApplication.palette()


def is_dark(source: QWidget | QPalette | None = None) -> bool:
    """True when the palette's window colour is dark (a dark desktop theme)."""
    return _palette(source).color(QPalette.ColorRole.Window).lightnessF() < 0.5


def _mix(a: QColor, b: QColor, t: float) -> QColor:
    return QColor.fromRgbF(*(a.getRgbF()[i] * (1 - t) + b.getRgbF()[i] * t for i in range(3)))


def colours(source: QWidget | QPalette | None = None) -> Colours:
    """The colours of ``source``'s palette (a widget, a palette, or the application's when None)."""
    pal = _palette(source)
    background = pal.color(QPalette.ColorRole.Base)
    foreground = pal.color(QPalette.ColorRole.Text)
    return Colours(
        background=background,
        foreground=foreground,
        muted=_mix(foreground, background, 0.4),
        grid=_mix(foreground, background, 0.75),
        accent=pal.color(QPalette.ColorRole.Highlight),
        dark=is_dark(pal),
    )


def run_colour(index: int, dark: bool) -> str:
    """The colour of series ``index`` (0-based), readable on a dark or a light background."""
    palette = RUN_COLOURS_DARK if dark else RUN_COLOURS_LIGHT
    return palette[index % len(palette)]


_zoom = {"factor": 1.0, "base": None}


def zoom() -> float:
    """The interface zoom: 1.0 is the desktop's own font size."""
    return _zoom["factor"]


def set_zoom(factor: float) -> None:
    """Scale the application font to ``factor`` times the desktop's; widgets and plots follow (ApplicationFontChange)."""
    app = QApplication.instance()
    if _zoom["base"] is None:
        _zoom["base"] = QFont(app.font())
    font = QFont(_zoom["base"])
    if font.pointSizeF() > 0:
        font.setPointSizeF(font.pointSizeF() * factor)
    else:
        font.setPixelSize(max(1, round(font.pixelSize() * factor)))
    _zoom["factor"] = factor
    app.setFont(font)


def scaled_font(widget: QWidget, factor: float, bold: bool = False) -> QFont:
    """The application font (which View › Zoom scales) enlarged ``factor`` times, for a headline."""
    font = QFont(QApplication.font(widget))
    font.setPointSizeF(font.pointSizeF() * factor)
    font.setBold(bold)
    return font


def style_plot(plot: pg.PlotWidget, title: str | None = None, labels: dict | None = None,
               background: bool = True) -> Colours:
    """Paint ``plot`` in its palette's colours and the application font: background, axes, ticks, title, labels.

    ``title`` and ``labels`` ({"left": "loss", ...}) are (re)set in the palette's text colour; ``background``
    False leaves the plot transparent over its parent. Returns the colours used, for the plot's own items.
    """
    c = colours(plot)
    font = QApplication.font(plot)
    point = font.pointSizeF()
    plot.setBackground(c.background if background else None)
    item = plot.getPlotItem()
    for side in ("left", "bottom", "right", "top"):
        axis = item.getAxis(side)
        axis.setPen(pg.mkPen(c.muted))
        axis.setTextPen(pg.mkPen(c.foreground))
        axis.setStyle(tickFont=font)
        axis.label.setFont(font)
    for side, text in (labels or {}).items():
        item.setLabel(side, text, color=c.foreground.name(), **{"font-size": f"{point:.1f}pt"})
    if title is not None:
        item.setTitle(title, color=c.foreground.name(), size=f"{point * 1.1:.1f}pt")
    return c


class PaletteFollower(QObject):
    """Calls ``apply()`` now and whenever ``widget``'s palette, style or font changes (theme switch, zoom)."""

    def __init__(self, widget: QWidget, apply):
        super().__init__(widget)
        self._apply = apply
        self._pending = False
        widget.installEventFilter(self)
        apply()

    def eventFilter(self, watched, event) -> bool:
        if event.type() in _WATCHED and not self._pending:
            # One palette switch sends several events; apply once, after they have all arrived.
            self._pending = True
            QTimer.singleShot(0, self, self._run)
        return False

    def _run(self) -> None:
        self._pending = False
        self._apply()
