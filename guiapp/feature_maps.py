"""Looking inside the network: every conv and pool layer's feature maps and dense layers as bars, in one column.

Each layer is a widget of :mod:`guiapp.layer_maps`; a clicked channel is shown enlarged beside the column
(:mod:`guiapp.channel_detail`). When the architecture changes (a new network: layer names and shapes), the layer
widgets already made are given the new layers of their kind, and only the missing ones are made, one per turn of
the event loop: making one costs 10-25 ms, and all of a network's at once froze the window for a few hundred ms
when Train was pressed with a drawing on the canvas.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QT_TRANSLATE_NOOP, QEvent, QSize, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QScrollArea, QStyle, QVBoxLayout, QWidget

from guiapp.channel_detail import ChannelDetail
from guiapp.i18n import RetranslateMixin
from guiapp.layer_maps import ACTIVATION_CMAP, MosaicLayer, UnitBars
from guiapp.ranges import display_range
from model.inference import Activation

# The Keras class of each layer kind shown, as the title names it: Keras' own name, which the translation may gloss
# (e.g. 卷积层 Conv2D). Kinds not listed are shown as Keras names them.
KIND_NAMES = {
    "Conv2D": QT_TRANSLATE_NOOP("FeatureMapView", "Conv2D"),
    "MaxPooling2D": QT_TRANSLATE_NOOP("FeatureMapView", "MaxPooling2D"),
    "AveragePooling2D": QT_TRANSLATE_NOOP("FeatureMapView", "AveragePooling2D"),
    "SumPooling2D": QT_TRANSLATE_NOOP("FeatureMapView", "SumPooling2D"),
    "Dense": QT_TRANSLATE_NOOP("FeatureMapView", "Dense"),
}


class FeatureMapView(RetranslateMixin, QWidget):
    """Every conv and pool layer's activations (all channels, one colour scale per layer) and dense layers as bars.

    Signals
    -------
    channelSelected(str, int)
        A channel map was clicked (layer name, channel); it is shown enlarged beside the grid until closed.
    layersBuilt()
        The last missing layer widget of a new architecture was made (see :meth:`building`).
    """

    channelSelected = Signal(str, int)
    layersBuilt = Signal()

    def __init__(self, parent: QWidget | None = None, columns: int | None = None):
        super().__init__(parent)
        self.setObjectName("featureMaps")
        self.setAccessibleName("featureMaps")
        self._columns = columns
        self._signature: tuple | None = None
        self._titles: list[str] = []
        self._layers: list[MosaicLayer | UnitBars | None] = []  # one per layer shown; None until it is made
        self._arrays: list[np.ndarray] = []  # the values last shown, for a layer made later
        self._maps: dict[str, np.ndarray] = {}
        self._kinds: dict[str, str] = {}  # layer name -> Keras class name
        self._selected: tuple[str, int] | None = None
        self._blanked = False
        self._build_timer = QTimer(self)
        self._build_timer.setSingleShot(True)
        self._build_timer.setInterval(0)
        self._build_timer.timeout.connect(self._on_build_timer_timeout)

        self._placeholder = QLabel()
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
        self._detail.closed.connect(self._on_detail_closed)
        # Scrolled, so that the close-up never makes the dock taller than the band the layout gives it.
        self._detail_area = QScrollArea()
        self._detail_area.setObjectName("channelDetailArea")
        self._detail_area.setWidgetResizable(True)
        self._detail_area.setFrameShape(QFrame.Shape.NoFrame)
        self._detail_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._detail_area.setWidget(self._detail)
        bar = self._detail_area.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
        self._detail_area.setFixedWidth(self._detail.width() + bar)
        self._detail_area.hide()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._scroll, 1)
        layout.addWidget(self._detail_area, 0)
        self.retranslate()

    def retranslate(self) -> None:
        """Every text again in the current language, from what is shown: the hint, the layers' titles and tooltips,
        and the enlarged channel's title."""
        self._placeholder.setText(self.tr("Draw a digit to see what every layer of the network computes from it."))
        if self._signature is None:
            return
        self._titles = [self._title(name, kind, shape) for name, kind, shape in self._signature]
        for layer, title in zip(self._layers, self._titles):
            if layer is not None:
                layer.title.setText(title)
                if isinstance(layer, MosaicLayer):
                    layer.glw.setToolTip(self._mosaic_tip())
        if self._selected is not None and self._selected[0] in self._maps:
            self._detail.title.setText(self._detail_title())

    def _title(self, name: str, kind: str, shape: tuple[int, ...]) -> str:
        """A layer's title: its name (as Keras prints it), its kind and its output shape."""
        shown_kind = self.tr(KIND_NAMES[kind]) if kind in KIND_NAMES else kind
        text = self.tr("{name} · {kind} · {shape}")
        return text.format(name=name, kind=shown_kind, shape="×".join(str(n) for n in shape))

    def _mosaic_tip(self) -> str:
        return self.tr("Click a map to enlarge it")

    def sizeHint(self) -> QSize:
        return QSize(860, 420)

    # ----------------------------------------------------------------------------------------------------- public
    def set_activations(self, activations: list[Activation]) -> None:
        """Show one image's activations (values with a batch dimension of 1; the first item of a batch is shown).

        Layers whose widgets are still to be made show these values when they are made.
        """
        arrays = [np.asarray(a.values, dtype=np.float32)[0] for a in activations]
        signature = tuple((a.name, a.kind, v.shape) for a, v in zip(activations, arrays))
        if signature != self._signature:
            self._relayout(activations, arrays)
            self._signature = signature
        self._arrays = arrays
        if self._blanked:
            self._blanked = False
            for layer in self._built():
                layer.show()
        self._placeholder.setVisible(not self._layers)
        self._maps = {layer_name: values for (layer_name, _kind, _shape), values in zip(signature, arrays)
                      if values.ndim == 3}
        self._kinds = {layer_name: kind for layer_name, kind, _shape in signature}
        for layer, values in zip(self._layers, arrays):
            if layer is not None:
                self._show_values(layer, values)
        if self._selected is not None:
            self._show_detail()

    def blank(self) -> None:
        """Hide the maps and show the hint (the drawing was cleared), keeping the layers built for the next drawing."""
        self._blanked = True
        for layer in self._built():
            layer.hide()
        self._selected = None
        self._detail_area.hide()
        self._placeholder.show()

    def clear(self) -> None:
        """Remove every layer and show a hint instead."""
        self._build_timer.stop()
        self._drop(self._built())
        self._layers, self._titles, self._arrays = [], [], []
        self._signature = None
        self._maps.clear()
        self._selected = None
        self._detail_area.hide()
        self._placeholder.show()

    def building(self) -> bool:
        """True while some layers of the current architecture are still to be made (``layersBuilt`` follows)."""
        return any(layer is None for layer in self._layers)

    def layer_titles(self) -> list[str]:
        """Titles of the layers shown (or being made), in order, e.g. 'conv2d · Conv2D · 26×26×32'."""
        return list(self._titles)

    def channel_counts(self) -> dict[str, int]:
        """Channels shown (or being made) per conv/pool layer."""
        return {name: shape[-1] for name, _kind, shape in self._signature or () if len(shape) == 3}

    def mosaic(self, name: str) -> np.ndarray:
        """The tiled image of layer ``name`` as shown (NaN in the gaps)."""
        return self._mosaic_layer(name).image.image

    def select_channel(self, name: str, channel: int) -> None:
        """Enlarge channel ``channel`` of layer ``name`` (as a click on it does)."""
        if name not in self._maps or not 0 <= channel < self._maps[name].shape[-1]:
            raise ValueError(f"no channel {channel} in a layer named {name!r}")
        if self._selected != (name, channel):
            self._detail.set_picture(None, computing=self._kinds.get(name) == "Conv2D")
        self._selected = (name, channel)
        self._show_detail()
        self.channelSelected.emit(name, channel)

    def set_filter_picture(self, name: str, channel: int, image: np.ndarray | None) -> None:
        """The picture filter ``channel`` of layer ``name`` responds to most: shown in the close-up if it is that
        channel's. None: the search found none (the channel stayed shut), which the close-up says."""
        if self._selected == (name, channel):
            self._detail.set_picture(image, shut=image is None)

    def selected_channel(self) -> tuple[str, int] | None:
        return self._selected

    def levels(self, name: str) -> tuple[float, float]:
        """The colour scale shared by all channels of layer ``name``."""
        return tuple(self._mosaic_layer(name).bar.levels())

    def _mosaic_layer(self, name: str) -> MosaicLayer:
        for layer in self._built():
            if isinstance(layer, MosaicLayer) and layer.name == name:
                return layer
        raise KeyError(f"no conv or pool layer named {name!r} is shown (yet: see building())")

    # ----------------------------------------------------------------------------------------------- internals
    def _built(self) -> list[MosaicLayer | UnitBars]:
        return [layer for layer in self._layers if layer is not None]

    def _relayout(self, activations: list[Activation], arrays: list[np.ndarray]) -> None:
        """Give the widgets already made the new layers of their kind, in order; queue the rest to be made."""
        spare = {MosaicLayer: [], UnitBars: []}
        for layer in self._built():
            self._column.removeWidget(layer)
            spare[type(layer)].append(layer)
        self._layers, self._titles = [], []
        for act, values in zip(activations, arrays):
            title = self._title(act.name, act.kind, values.shape)
            kind = MosaicLayer if values.ndim == 3 else UnitBars
            layer = spare[kind].pop(0) if spare[kind] else None
            if layer is not None:
                layer.reshape(act.name, title, values.shape if kind is MosaicLayer else values.size)
                self._column.insertWidget(self._column.count() - 1, layer)
            self._layers.append(layer)
            self._titles.append(title)
        self._drop(spare[MosaicLayer] + spare[UnitBars])
        if self._selected is not None and self._selected[0] not in {a.name for a in activations}:
            self._on_detail_closed()
        self._fit_layers()
        if self.building():
            self._build_timer.start()

    @Slot()
    def _on_build_timer_timeout(self) -> None:
        i = self._layers.index(None)
        name, _kind, shape = self._signature[i]
        if len(shape) == 3:
            layer = MosaicLayer(name, self._titles[i], shape, ACTIVATION_CMAP, self._columns)
            layer.channelClicked.connect(self._on_layer_channel_clicked)
            layer.glw.setToolTip(self._mosaic_tip())
        else:
            layer = UnitBars(name, self._titles[i], int(np.prod(shape)))
        self._column.insertWidget(1 + sum(x is not None for x in self._layers[:i]), layer)
        layer.setVisible(not self._blanked)
        self._layers[i] = layer
        self._fit(layer)
        if i < len(self._arrays):
            self._show_values(layer, self._arrays[i])
        if self.building():
            self._build_timer.start()
        else:
            self.layersBuilt.emit()

    def _drop(self, layers: list[QWidget]) -> None:
        for layer in layers:
            self._column.removeWidget(layer)
            layer.hide()
            layer.setParent(None)
            layer.deleteLater()

    @staticmethod
    def _show_values(layer: MosaicLayer | UnitBars, values: np.ndarray) -> None:
        if isinstance(layer, MosaicLayer):
            layer.set_maps(values, display_range(values))
        else:
            layer.set_values(values.ravel())

    def _fit(self, layer: MosaicLayer | UnitBars) -> None:
        if isinstance(layer, MosaicLayer):
            margins = self._column.contentsMargins()
            layer.fit_width(self._scroll.viewport().width() - margins.left() - margins.right())

    def _fit_layers(self) -> None:
        for layer in self._built():
            self._fit(layer)

    def _show_detail(self) -> None:
        name, channel = self._selected
        maps = self._maps.get(name)
        if maps is None or channel >= maps.shape[-1]:
            self._on_detail_closed()
            return
        self._detail.show_channel(self._detail_title(), maps[..., channel])
        self._detail_area.show()

    def _detail_title(self) -> str:
        name, channel = self._selected
        h, w, c = self._maps[name].shape
        title = self.tr("{name} · channel {channel} of {count} · {h}×{w}")
        return title.format(name=name, channel=channel, count=c, h=h, w=w)

    @Slot(str, int)
    def _on_layer_channel_clicked(self, name: str, channel: int) -> None:
        self.select_channel(name, channel)

    @Slot()
    def _on_detail_closed(self) -> None:
        self._selected = None
        self._detail_area.hide()

    def eventFilter(self, watched, event) -> bool:
        if watched is self._scroll.viewport() and event.type() == QEvent.Type.Resize:
            self._fit_layers()
        return super().eventFilter(watched, event)
