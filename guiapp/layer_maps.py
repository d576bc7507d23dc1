"""One layer's activations as a widget: conv/pool channels tiled into one image with a colour bar, dense units as bars.

A mosaic is one ImageItem holding all the channels, so an update is one numpy copy and one ``setImage``. Making
one costs 10-25 ms (the plot's scene, view box and colour bar), so a widget can be given another layer of its kind
(:meth:`MosaicLayer.reshape`, :meth:`UnitBars.reshape`) instead of being made anew. Both follow the palette.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import QFrame, QLabel, QSizePolicy, QVBoxLayout, QWidget

from guiapp.ranges import display_range
from guiapp.theme import PaletteFollower, colours, style_plot

ACTIVATION_CMAP = "viridis"
COLUMNS = 16  # tiles per mosaic row until the view knows its width
GAP = 1  # pixels of background between tiles
MAX_TILE_PX = 48  # a tile is never drawn larger than this on screen ...
MAX_PIXEL_PX = 8  # ... nor one activation larger than this, so that small late layers do not fill the screen
MAX_FILL = 2.0  # to fill the width, tiles may grow to this many times their preferred size (and shrink to fit)
BAR_WIDTH = 12
BAR_RESERVE = 56  # the colour bar with its axis labels


def grid_shape(channels: int, fit: int) -> tuple[int, int]:
    """(rows, columns) for ``channels`` tiles when at most ``fit`` fit side by side, with the rows as full as can be."""
    rows = math.ceil(channels / max(1, min(fit, channels)))
    return rows, math.ceil(channels / rows)


def fill_grid(channels: int, h: int, w: int, avail: float, preferred: float) -> tuple[int, int]:
    """(rows, columns) whose tiles, stretched to fill ``avail`` pixels of width, come closest to ``preferred``
    pixels per activation (nearest in ratio, so 0.8x and 1.25x count alike)."""
    best, best_score = (1, channels), math.inf
    for cols in range(1, channels + 1):
        rows = math.ceil(channels / cols)
        if math.ceil(channels / rows) != cols:  # the same rows with fewer columns is the fuller grid
            continue
        score = abs(math.log(avail / (cols * (w + GAP) - GAP) / preferred))
        if score < best_score:
            best, best_score = (rows, cols), score
    return best


def style_image_plot(glw: pg.GraphicsLayoutWidget, bar: pg.ColorBarItem, background=None) -> None:
    """Paint an image plot and its colour bar in ``glw``'s palette: its background (unless ``background`` is given,
    e.g. a fixed colour for kernels) and the bar's axis and numbers."""
    c = colours(glw)
    glw.setBackground(c.background if background is None else background)
    bar.axis.setPen(pg.mkPen(c.muted))
    bar.axis.setTextPen(pg.mkPen(c.foreground))


def title_label(text: str = "") -> QLabel:
    """A bold, word-wrapped label: the title above a layer or a channel."""
    label = QLabel(text)
    label.setWordWrap(True)
    font = label.font()
    font.setBold(True)
    label.setFont(font)
    return label


class MosaicLayer(QWidget):
    """A title, all channels of one (h, w, c) array as a tiled image with a shared colour scale, and a colour bar.

    With ``columns`` None the number of tiles per row follows the space available: :meth:`fit_width` for a
    scrolled column of layers (the height follows), :meth:`fit_box` for a view of its own (``expand`` True).

    Signals
    -------
    channelClicked(str, int)
        A tile was clicked: (layer name, channel).
    """

    channelClicked = Signal(str, int)

    def __init__(self, name: str, title: str, shape: tuple[int, int, int], cmap: str, columns: int | None = None,
                 background=None, max_pixel_px: float = MAX_PIXEL_PX, expand: bool = False):
        super().__init__()
        self.name = name
        self.h, self.w, self.c = shape
        self._columns = columns
        self._max_pixel_px = max_pixel_px
        self._background = background
        self._last: tuple[np.ndarray, tuple[float, float]] | None = None
        self.title = title_label(title)

        self.glw = pg.GraphicsLayoutWidget()
        self.glw.setFrameShape(QFrame.Shape.NoFrame)
        self.glw.ci.setContentsMargins(0, 0, 0, 0)
        self.vb = self.glw.addViewBox(row=0, col=0)
        self.vb.setAspectLocked(True)
        self.vb.invertY(True)
        self.vb.setMouseEnabled(x=False, y=False)
        self.vb.setMenuEnabled(False)
        self.image = pg.ImageItem(axisOrder="row-major")
        self.vb.addItem(self.image)
        self.bar = pg.ColorBarItem(values=(0, 1), colorMap=pg.colormap.get(cmap), interactive=False, width=BAR_WIDTH,
                                   colorMapMenu=False)
        self.bar.setImageItem(self.image)
        self.glw.addItem(self.bar, row=0, col=1)
        self.glw.scene().sigMouseClicked.connect(self._on_scene_mouse_clicked)
        self._set_grid(*grid_shape(self.c, columns or COLUMNS))

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 4)
        layout.setSpacing(2)
        layout.addWidget(self.title)
        if expand:
            layout.addWidget(self.glw, 1)
        else:
            layout.addWidget(self.glw, 0, Qt.AlignmentFlag.AlignLeft)
            self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        PaletteFollower(self, self._apply_theme)

    def _apply_theme(self) -> None:
        style_image_plot(self.glw, self.bar, self._background)

    def reshape(self, name: str, title: str, shape: tuple[int, int, int]) -> None:
        """Show another layer of shape (h, w, c) from now on: far cheaper than a new widget."""
        self.name = name
        self.title.setText(title)
        if tuple(shape) != (self.h, self.w, self.c):
            self.h, self.w, self.c = shape
            self._last = None
            self._set_grid(*grid_shape(self.c, self._columns or COLUMNS))

    def _use_grid(self, rows: int, cols: int) -> None:
        if (rows, cols) != (self.rows, self.cols):
            self._set_grid(rows, cols)
            if self._last is not None:
                self.set_maps(*self._last)

    def _set_grid(self, rows: int, cols: int) -> None:
        self.rows, self.cols = rows, cols
        self._buffer = np.full((rows * (self.h + GAP), cols * (self.w + GAP)), np.nan, np.float32)
        self.mosaic = self._buffer[: rows * (self.h + GAP) - GAP, : cols * (self.w + GAP) - GAP]
        self._tiles = np.full((rows * cols, self.h, self.w), np.nan, np.float32)
        self.image.setImage(self.mosaic, autoLevels=False, levels=self.bar.levels())
        self.vb.setRange(xRange=(0, self.mosaic.shape[1]), yRange=(0, self.mosaic.shape[0]), padding=0)

    def set_maps(self, maps: np.ndarray, levels: tuple[float, float]) -> None:
        """Show ``maps`` (h, w, c) with one colour scale ``levels`` for all channels."""
        self._last = (maps, levels)
        self._tiles[: self.c] = np.moveaxis(maps, -1, 0)
        grid = self._buffer.reshape(self.rows, self.h + GAP, self.cols, self.w + GAP)
        grid[:, : self.h, :, : self.w] = self._tiles.reshape(self.rows, self.cols, self.h, self.w).transpose(0, 2, 1, 3)
        self.image.setImage(self.mosaic, autoLevels=False)
        if tuple(levels) != tuple(self.bar.levels()):  # setLevels lays the colour bar's axis out again, even unchanged
            self.bar.setLevels(levels)

    def fit_width(self, width: int) -> None:
        """Lay the tiles out to fill ``width`` pixels (with the colour bar), as near their preferred size as can be.

        A tile's preferred size is ``MAX_TILE_PX``, or ``max_pixel_px`` per activation for small maps; a layer with
        few channels stops growing at ``MAX_FILL`` times that, leaving the rest of the width empty.
        """
        avail = max(width - BAR_RESERVE, 40)
        preferred = min(MAX_TILE_PX / max(self.h, self.w), self._max_pixel_px)
        if self._columns is None:
            self._use_grid(*fill_grid(self.c, self.h, self.w, avail, preferred))
        mh, mw = self.mosaic.shape
        scale = min(avail / mw, preferred * MAX_FILL)
        self.glw.setFixedSize(round(mw * scale) + BAR_RESERVE, max(round(mh * scale), 64))

    def fit_box(self, width: int, height: int) -> None:
        """Choose the number of columns that gives the largest tiles in a ``width`` x ``height`` plot."""
        if self._columns is not None:
            return
        avail_w, avail_h = max(width - BAR_RESERVE, 20), max(height, 20)

        def tile_scale(cols: int) -> float:
            rows = math.ceil(self.c / cols)
            return min(avail_w / (cols * (self.w + GAP) - GAP), avail_h / (rows * (self.h + GAP) - GAP))

        cols = max(range(1, self.c + 1), key=tile_scale)
        self._use_grid(*grid_shape(self.c, cols))

    @Slot(object)
    def _on_scene_mouse_clicked(self, event) -> None:
        pos = self.vb.mapSceneToView(event.scenePos())
        x, y = pos.x(), pos.y()
        if not (0 <= x < self.mosaic.shape[1] and 0 <= y < self.mosaic.shape[0]):
            return
        col, dx = divmod(int(x), self.w + GAP)
        row, dy = divmod(int(y), self.h + GAP)
        channel = row * self.cols + col
        if dx < self.w and dy < self.h and channel < self.c:
            self.channelClicked.emit(self.name, channel)


class UnitBars(QWidget):
    """A title and a bar per unit of a dense layer, on a round-number axis that changes only when it must."""

    def __init__(self, name: str, title: str, units: int):
        super().__init__()
        self.title = title_label(title)
        self.plot = pg.PlotWidget()
        self.plot.setFixedHeight(110)
        item = self.plot.getPlotItem()
        item.setMouseEnabled(x=False, y=False)
        item.setMenuEnabled(False)
        item.hideButtons()
        self.bars = pg.BarGraphItem(x=np.arange(1), height=np.zeros(1), width=0.8, brush="#3d8ee6",
                                    pen=pg.mkPen(None))
        item.addItem(self.bars)
        self.units = 0
        self.reshape(name, title, units)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 4)
        layout.setSpacing(2)
        layout.addWidget(self.title)
        layout.addWidget(self.plot)
        PaletteFollower(self, self._apply_theme)

    def _apply_theme(self) -> None:
        style_plot(self.plot)

    def reshape(self, name: str, title: str, units: int) -> None:
        """Show another dense layer of ``units`` units from now on."""
        self.name = name
        self.title.setText(title)
        self._y_range = None
        if units == self.units:
            return
        self.units = units
        item = self.plot.getPlotItem()
        item.setXRange(-0.6, units - 0.4, padding=0)
        item.getAxis("bottom").setTicks([[(i, str(i)) for i in range(units)]] if units <= 20 else None)
        self.bars.setOpts(x=np.arange(units), height=np.zeros(units))

    def set_values(self, values: np.ndarray) -> None:
        self.bars.setOpts(height=np.nan_to_num(values, nan=0.0, posinf=0.0, neginf=0.0))
        lo, hi = display_range(values)
        if (lo, hi) != self._y_range:
            self._y_range = (lo, hi)
            self.plot.getPlotItem().setYRange(lo, hi, padding=0.05)
