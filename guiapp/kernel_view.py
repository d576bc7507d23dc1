"""The first conv layer's kernels: every filter's weights as a small image on one symmetric blue-white-red scale."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from guiapp.i18n import RetranslateMixin
from guiapp.layer_maps import MosaicLayer

KERNEL_CMAP = "CET-D1"  # blue - white - red: negative and positive weights at a glance
KERNEL_BACKGROUND = "#3a3a3a"  # the white of a zero weight must stand out from the gaps
KERNEL_PIXEL_PX = 14


class KernelView(RetranslateMixin, QWidget):
    """The first conv layer's kernels, one small image each, on a symmetric blue-white-red scale shared by all."""

    def __init__(self, parent: QWidget | None = None, columns: int | None = None):
        super().__init__(parent)
        self.setObjectName("kernelView")
        self.setAccessibleName("kernelView")
        self._columns = columns
        self._layer: MosaicLayer | None = None
        self._scale = 0.0  # the shared colour scale's bound m (the scale is -m .. m) of the kernels shown
        self._placeholder = QLabel()
        self._placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._placeholder.setWordWrap(True)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.addWidget(self._placeholder)
        self.retranslate()

    def retranslate(self) -> None:
        """The hint, and the title of the kernels shown, in the current language."""
        self._placeholder.setText(self.tr("No model loaded: no kernels to show."))
        if self._layer is None:
            return
        text = self.tr("First conv layer's kernels · {h}×{w} · {count} filters · scale ±{scale} (blue negative, "
                       "red positive)")
        layer = self._layer
        layer.title.setText(text.format(h=layer.h, w=layer.w, count=layer.c, scale=f"{self._scale:.3g}"))
        self._fit()  # the title's height may have changed

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
            self._layer = MosaicLayer(
                "kernels", "", shape, KERNEL_CMAP, self._columns, KERNEL_BACKGROUND, KERNEL_PIXEL_PX, expand=True
            )
            self._layout.insertWidget(0, self._layer, 1)
            self._placeholder.hide()
            self._fit()
        finite = np.abs(maps[np.isfinite(maps)])
        m = float(finite.max()) if finite.size and finite.max() > 0 else 1e-6
        self._scale = m
        self.retranslate()
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
