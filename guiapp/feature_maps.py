"""Looking inside the network: every conv and pool layer's feature maps and dense layers as bars, in one column.

Each layer is a widget of :mod:`guiapp.layer_maps`; a clicked channel is shown enlarged beside the column
(:mod:`guiapp.channel_detail`). The layers are rebuilt only when the architecture (layer names and shapes) changes.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, QSize, Qt, Signal, Slot
from PySide6.QtWidgets import QHBoxLayout, QLabel, QScrollArea, QVBoxLayout, QWidget

from guiapp.channel_detail import ChannelDetail
from guiapp.layer_maps import ACTIVATION_CMAP, MosaicLayer, UnitBars
from guiapp.ranges import display_range
from model.inference import Activation


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
        self._layers: list[MosaicLayer | UnitBars] = []
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
        self._detail = ChannelDetail()
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
            if isinstance(layer, MosaicLayer):
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
        return {layer.name: layer.c for layer in self._layers if isinstance(layer, MosaicLayer)}

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

    def _mosaic_layer(self, name: str) -> MosaicLayer:
        for layer in self._layers:
            if isinstance(layer, MosaicLayer) and layer.name == name:
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
                layer = MosaicLayer(act.name, title, values.shape, ACTIVATION_CMAP, self._columns)
                layer.channelClicked.connect(self._on_layer_channel_clicked)
                layer.glw.setToolTip("Click a map to enlarge it")
            else:
                layer = UnitBars(act.name, title, values.size)
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
            if isinstance(layer, MosaicLayer):
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
