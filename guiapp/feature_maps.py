"""Looking inside the network: every conv and pool layer's feature maps, dense layers as bars, and the kernels.

Each map layer is one ImageItem holding all its channels tiled into a mosaic, so an update is one numpy copy and
one ``setImage`` per layer. The layout is rebuilt only when the architecture (layer names and shapes) changes.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QSize, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from model.inference import Activation

COLUMNS = 16  # tiles per mosaic row until the view knows its width
GAP = 1  # pixels of background between tiles
MAX_TILE_PX = 48  # a tile is never drawn larger than this on screen ...
MAX_PIXEL_PX = 8  # ... nor one activation larger than this, so that small late layers do not fill the screen
BAR_WIDTH = 12
BAR_RESERVE = 56  # the colour bar with its axis labels
ACTIVATION_CMAP = "viridis"
KERNEL_CMAP = "CET-D1"  # blue - white - red: negative and positive weights at a glance
KERNEL_BACKGROUND = "#3a3a3a"  # the white of a zero weight must stand out from the gaps
KERNEL_PIXEL_PX = 14
DETAIL_PX = 220


def grid_shape(channels: int, fit: int) -> tuple[int, int]:
    """(rows, columns) for ``channels`` tiles when at most ``fit`` fit side by side, with the rows as full as can be."""
    rows = math.ceil(channels / max(1, min(fit, channels)))
    return rows, math.ceil(channels / rows)


def value_range(values: np.ndarray) -> tuple[float, float]:
    """(min, max) of the finite values, widened if flat; (0, 1) if there are none (a diverged network gives NaN)."""
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return 0.0, 1.0
    lo, hi = float(finite.min()), float(finite.max())
    return (lo, hi) if hi > lo else (lo, lo + 1e-6)


_NICE_STEPS = (1.0, 1.5, 2.0, 3.0, 5.0, 7.0, 10.0)


def _nice_up(x: float) -> float:
    """The smallest of 1, 1.5, 2, 3, 5, 7 times a power of ten that is >= x (x > 0)."""
    power = 10.0 ** np.floor(np.log10(x))
    return next(step * power for step in _NICE_STEPS if step * power >= x * (1 - 1e-9))


def display_range(values: np.ndarray) -> tuple[float, float]:
    """A colour scale or axis range covering ``values``, widened to round numbers (1, 1.5, 2, 3, 5, 7 x 10^k).

    Successive drawings then mostly share one range, so pyqtgraph keeps its cached axis instead of laying out the
    colour bars' and bar plots' ticks again on every answer (3-4 ms of the 5 ms an update took). The top of the
    scale stays within 1.5x of the largest value.
    """
    lo, hi = value_range(values)
    top = _nice_up(hi) if hi > 0 else 0.0
    bottom = -_nice_up(-lo) if lo < 0 else 0.0
    if top == bottom:  # all zero
        top = 1.0
    return bottom, top


def _title_label(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    font = label.font()
    font.setBold(True)
    label.setFont(font)
    return label


class _MosaicLayer(QWidget):
    """A title, all channels of one (h, w, c) array as a tiled image with a shared colour scale, and a colour bar.

    With ``columns`` None the number of tiles per row follows the space available: :meth:`fit_width` for a
    scrolled column of layers (the height follows), :meth:`fit_box` for a view of its own (``expand`` True).
    """

    channelClicked = Signal(str, int)

    def __init__(self, name: str, title: str, shape: tuple[int, int, int], cmap: str, columns: int | None = None,
                 background=None, max_pixel_px: float = MAX_PIXEL_PX, expand: bool = False):
        super().__init__()
        self.name = name
        self.h, self.w, self.c = shape
        self._columns = columns
        self._max_pixel_px = max_pixel_px
        self._last: tuple[np.ndarray, tuple[float, float]] | None = None
        self.title = _title_label(title)

        self.glw = pg.GraphicsLayoutWidget()
        self.glw.setBackground(background)
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
        """Lay the tiles out for ``width`` pixels: as many per row as fit at their preferred size, then scale to fill.

        A tile's preferred size is ``MAX_TILE_PX``, or ``max_pixel_px`` per activation for small maps.
        """
        avail = max(width - BAR_RESERVE, 40)
        side = max(self.h, self.w)
        scale = min(MAX_TILE_PX / side, self._max_pixel_px)
        if self._columns is None:
            self._use_grid(*grid_shape(self.c, int((avail + GAP * scale) // ((self.w + GAP) * scale))))
        mh, mw = self.mosaic.shape
        scale = min(avail / mw, scale)
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


class _VectorLayer(QWidget):
    """A title and a bar per unit of a dense layer."""

    def __init__(self, name: str, title: str, units: int):
        super().__init__()
        self.name = name
        self.units = units
        self._y_range = None
        self.title = _title_label(title)
        self.plot = pg.PlotWidget()
        self.plot.setBackground(None)
        self.plot.setFixedHeight(110)
        item = self.plot.getPlotItem()
        item.setMouseEnabled(x=False, y=False)
        item.setMenuEnabled(False)
        item.hideButtons()
        item.setXRange(-0.6, units - 0.4, padding=0)
        if units <= 20:
            item.getAxis("bottom").setTicks([[(i, str(i)) for i in range(units)]])
        self.bars = pg.BarGraphItem(x=np.arange(units), height=np.zeros(units), width=0.8, brush="#3d8ee6",
                                    pen=pg.mkPen(None))
        item.addItem(self.bars)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 4)
        layout.setSpacing(2)
        layout.addWidget(self.title)
        layout.addWidget(self.plot)

    def set_values(self, values: np.ndarray) -> None:
        self.bars.setOpts(height=np.nan_to_num(values, nan=0.0, posinf=0.0, neginf=0.0))
        lo, hi = display_range(values)
        if (lo, hi) != self._y_range:
            self._y_range = (lo, hi)
            self.plot.getPlotItem().setYRange(lo, hi, padding=0.05)


class _ChannelDetail(QFrame):
    """One channel enlarged, on its own colour scale, with its value range."""

    closed = Signal()

    def __init__(self):
        super().__init__()
        self.setObjectName("channelDetail")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setFixedWidth(DETAIL_PX + BAR_WIDTH + 70)
        self.title = _title_label()
        close = QToolButton()
        close.setText("✕")
        close.setToolTip("Close the enlarged view")
        close.clicked.connect(self.closed)
        self.range = QLabel()
        self.range.setWordWrap(True)
        self.glw = pg.GraphicsLayoutWidget()
        self.glw.setBackground(None)
        self.glw.setFixedHeight(DETAIL_PX)
        vb = self.glw.addViewBox(row=0, col=0)
        vb.setAspectLocked(True)
        vb.invertY(True)
        vb.setMouseEnabled(x=False, y=False)
        vb.setMenuEnabled(False)
        self.vb = vb
        self.image = pg.ImageItem(axisOrder="row-major")
        vb.addItem(self.image)
        self.bar = pg.ColorBarItem(values=(0, 1), colorMap=pg.colormap.get(ACTIVATION_CMAP), interactive=False,
                                   width=BAR_WIDTH, colorMapMenu=False)
        self.bar.setImageItem(self.image)
        self.glw.addItem(self.bar, row=0, col=1)
        head = QHBoxLayout()
        head.addWidget(self.title, 1)
        head.addWidget(close, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.addLayout(head)
        layout.addWidget(self.glw)
        layout.addWidget(self.range)
        layout.addStretch(1)

    def show_channel(self, title: str, img: np.ndarray) -> None:
        self.title.setText(title)
        self.range.setText(f"min {float(img.min()):.3g} · max {float(img.max()):.3g} · mean {float(img.mean()):.3g}")
        self.image.setImage(img, autoLevels=False)
        self.bar.setLevels(value_range(img))
        self.vb.setRange(xRange=(0, img.shape[1]), yRange=(0, img.shape[0]), padding=0)


class FeatureMapView(QWidget):
    """Every conv and pool layer's activations (all channels, one colour scale per layer) and dense layers as bars.

    Signals
    -------
    channelSelected(str, int)
        A channel map was clicked (layer name, channel); it is shown enlarged beside the grid until closed.
    """

    channelSelected = Signal(str, int)

    def __init__(self, parent: QWidget | None = None, columns: int | None = None):
        super().__init__(parent)
        self.setObjectName("featureMaps")
        self.setAccessibleName("featureMaps")
        self._columns = columns
        self._signature: tuple | None = None
        self._layers: list[_MosaicLayer | _VectorLayer] = []
        self._maps: dict[str, np.ndarray] = {}
        self._selected: tuple[str, int] | None = None

        self._placeholder = QLabel("Draw a digit to see what every layer of the network computes from it.")
        self._placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._placeholder.setWordWrap(True)
        self._content = QWidget()
        self._column = QVBoxLayout(self._content)
        self._column.addWidget(self._placeholder)
        self._column.addStretch(1)
        self._scroll = QScrollArea()
        self._scroll.setWidgetResizable(True)
        self._scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # the layout follows the width, so a scroll bar that came and went with the height could make it oscillate
        self._scroll.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self._scroll.setWidget(self._content)
        self._scroll.viewport().installEventFilter(self)
        self._detail = _ChannelDetail()
        self._detail.hide()
        self._detail.closed.connect(self._on_detail_closed)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._scroll, 1)
        layout.addWidget(self._detail, 0, Qt.AlignmentFlag.AlignTop)

    def sizeHint(self) -> QSize:
        return QSize(860, 420)

    # ----------------------------------------------------------------------------------------------------- public
    def set_activations(self, activations: list[Activation]) -> None:
        """Show one image's activations (values with a batch dimension of 1; the first item of a batch is shown)."""
        arrays = [np.asarray(a.values, dtype=np.float32)[0] for a in activations]
        signature = tuple((a.name, a.kind, v.shape) for a, v in zip(activations, arrays))
        if signature != self._signature:
            self._rebuild(activations, arrays)
            self._signature = signature
        elif self._placeholder.isVisible():
            for layer in self._layers:
                layer.show()
            self._placeholder.hide()
        self._maps.clear()
        for layer, values in zip(self._layers, arrays):
            if isinstance(layer, _MosaicLayer):
                layer.set_maps(values, display_range(values))
                self._maps[layer.name] = values
            else:
                layer.set_values(values.ravel())
        if self._selected is not None:
            self._show_detail()

    def blank(self) -> None:
        """Hide the maps and show the hint (the drawing was cleared), keeping the layers built.

        Building the layers for a network costs a few hundred milliseconds; the next drawing reuses them.
        """
        for layer in self._layers:
            layer.hide()
        self._selected = None
        self._detail.hide()
        self._placeholder.show()

    def clear(self) -> None:
        """Remove every layer and show a hint instead."""
        self._remove_layers()
        self._signature = None
        self._maps.clear()
        self._selected = None
        self._detail.hide()
        self._placeholder.show()

    def layer_titles(self) -> list[str]:
        """Titles of the layers shown, in order, e.g. 'conv2d · Conv2D · 26×26×32'."""
        return [layer.title.text() for layer in self._layers]

    def channel_counts(self) -> dict[str, int]:
        """Channels shown per conv/pool layer."""
        return {layer.name: layer.c for layer in self._layers if isinstance(layer, _MosaicLayer)}

    def mosaic(self, name: str) -> np.ndarray:
        """The tiled image of layer ``name`` as shown (NaN in the gaps)."""
        return self._mosaic_layer(name).image.image

    def select_channel(self, name: str, channel: int) -> None:
        """Enlarge channel ``channel`` of layer ``name`` (as a click on it does)."""
        if name not in self._maps or not 0 <= channel < self._maps[name].shape[-1]:
            raise ValueError(f"no channel {channel} in a layer named {name!r}")
        self._selected = (name, channel)
        self._show_detail()
        self.channelSelected.emit(name, channel)

    def selected_channel(self) -> tuple[str, int] | None:
        return self._selected

    def levels(self, name: str) -> tuple[float, float]:
        """The colour scale shared by all channels of layer ``name``."""
        return tuple(self._mosaic_layer(name).bar.levels())

    def _mosaic_layer(self, name: str) -> _MosaicLayer:
        for layer in self._layers:
            if isinstance(layer, _MosaicLayer) and layer.name == name:
                return layer
        raise KeyError(f"no conv or pool layer named {name!r} is shown")

    # ----------------------------------------------------------------------------------------------- internals
    def _rebuild(self, activations: list[Activation], arrays: list[np.ndarray]) -> None:
        self._remove_layers()
        self._placeholder.setVisible(not activations)
        for act, values in zip(activations, arrays):
            dims = "×".join(str(n) for n in values.shape)
            title = f"{act.name} · {act.kind} · {dims}"
            if values.ndim == 3:
                layer = _MosaicLayer(act.name, title, values.shape, ACTIVATION_CMAP, self._columns)
                layer.channelClicked.connect(self._on_layer_channel_clicked)
                layer.glw.setToolTip("Click a map to enlarge it")
            else:
                layer = _VectorLayer(act.name, title, values.size)
            self._column.insertWidget(self._column.count() - 1, layer)
            self._layers.append(layer)
        if self._selected is not None and self._selected[0] not in {a.name for a in activations}:
            self._on_detail_closed()
        self._fit_layers()

    def _remove_layers(self) -> None:
        for layer in self._layers:
            self._column.removeWidget(layer)
            layer.setParent(None)
            layer.deleteLater()
        self._layers.clear()

    def _fit_layers(self) -> None:
        margins = self._column.contentsMargins()
        width = self._scroll.viewport().width() - margins.left() - margins.right()
        for layer in self._layers:
            if isinstance(layer, _MosaicLayer):
                layer.fit_width(width)

    def _show_detail(self) -> None:
        name, channel = self._selected
        maps = self._maps.get(name)
        if maps is None or channel >= maps.shape[-1]:
            self._on_detail_closed()
            return
        h, w, c = maps.shape
        self._detail.show_channel(f"{name} · channel {channel} of {c} · {h}×{w}", maps[..., channel])
        self._detail.show()

    @Slot(str, int)
    def _on_layer_channel_clicked(self, name: str, channel: int) -> None:
        self.select_channel(name, channel)

    @Slot()
    def _on_detail_closed(self) -> None:
        self._selected = None
        self._detail.hide()

    def eventFilter(self, watched, event) -> bool:
        if watched is self._scroll.viewport() and event.type() == QEvent.Type.Resize:
            self._fit_layers()
        return super().eventFilter(watched, event)


class KernelView(QWidget):
    """The first conv layer's kernels, one small image each, on a symmetric blue-white-red scale shared by all."""

    def __init__(self, parent: QWidget | None = None, columns: int | None = None):
        super().__init__(parent)
        self.setObjectName("kernelView")
        self.setAccessibleName("kernelView")
        self._columns = columns
        self._layer: _MosaicLayer | None = None
        self._placeholder = QLabel("No model loaded: no kernels to show.")
        self._placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.addWidget(self._placeholder)

    def set_kernels(self, kernels: np.ndarray | None) -> None:
        """Show ``kernels`` (k, k, in_channels, n); for several input channels the first one's weights. None clears."""
        if kernels is None:
            self._drop_layer()
            self._placeholder.show()
            return
        k = np.asarray(kernels, dtype=np.float32)
        if k.ndim != 4:
            raise ValueError(f"expected conv kernels (k, k, in_channels, n), got an array of shape {k.shape}")
        maps = k[:, :, 0, :]
        shape = maps.shape
        if self._layer is None or (self._layer.h, self._layer.w, self._layer.c) != shape:
            self._drop_layer()
            self._layer = _MosaicLayer(
                "kernels", "", shape, KERNEL_CMAP, self._columns, KERNEL_BACKGROUND, KERNEL_PIXEL_PX, expand=True
            )
            self._layout.insertWidget(0, self._layer, 1)
            self._placeholder.hide()
            self._fit()
        finite = np.abs(maps[np.isfinite(maps)])
        m = float(finite.max()) if finite.size and finite.max() > 0 else 1e-6
        self._layer.title.setText(
            f"First conv layer's kernels · {shape[0]}×{shape[1]} · {shape[2]} filters · "
            f"scale ±{m:.3g} (blue negative, red positive)"
        )
        self._layer.set_maps(maps, (-m, m))

    def kernel_count(self) -> int:
        return 0 if self._layer is None else self._layer.c

    def levels(self) -> tuple[float, float] | None:
        """The shared colour scale (-m, m), or None when no kernels are shown."""
        return None if self._layer is None else tuple(self._layer.bar.levels())

    def _drop_layer(self) -> None:
        if self._layer is not None:
            self._layout.removeWidget(self._layer)
            self._layer.setParent(None)
            self._layer.deleteLater()
            self._layer = None

    def _fit(self) -> None:
        if self._layer is not None:
            self._layer.fit_box(self.width(), self.height() - self._layer.title.sizeHint().height() - 8)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit()
