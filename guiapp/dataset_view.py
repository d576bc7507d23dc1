"""The training set at a glance: the seed's 3x3 grid of images with labels, scrollable, and the class counts."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QScrollBar, QVBoxLayout, QWidget

from guiapp.i18n import RetranslateMixin
from guiapp.qimage import gray_pixmap
from guiapp.theme import PaletteFollower, run_colour, style_plot

PER_PAGE = 9


class DatasetView(RetranslateMixin, QWidget):
    """Shows nine training images at a time; the scroll bar pages through all of them."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("datasetView")
        self._raw = None
        self.info = QLabel()
        self.info.setWordWrap(True)
        grid = QGridLayout()
        self.cells: list[tuple[QLabel, QLabel]] = []
        for i in range(PER_PAGE):
            img, label = QLabel(), QLabel()
            img.setFixedSize(64, 64)
            img.setAlignment(Qt.AlignCenter)
            img.setStyleSheet("background: black;")
            label.setAlignment(Qt.AlignCenter)
            box = QVBoxLayout()
            box.addWidget(img, alignment=Qt.AlignCenter)
            box.addWidget(label)
            grid.addLayout(box, i // 3, i % 3)
            self.cells.append((img, label))
        self.scroll = QScrollBar(Qt.Vertical)
        self.scroll.setObjectName("datasetScroll")
        self.scroll.setEnabled(False)
        self.scroll.valueChanged.connect(self._on_scroll_value_changed)
        row = QHBoxLayout()
        row.addLayout(grid)
        row.addWidget(self.scroll)
        self.counts_plot = pg.PlotWidget()
        self.counts_plot.setObjectName("classCounts")
        self.counts_plot.setMinimumHeight(120)
        self.counts_plot.getAxis("bottom").setTicks([[(i, str(i)) for i in range(10)]])
        self._bars = pg.BarGraphItem(x=np.arange(10), height=np.zeros(10), width=0.7)
        self.counts_plot.addItem(self._bars)
        self.counts_plot.setMouseEnabled(x=False, y=False)
        layout = QVBoxLayout(self)
        layout.addWidget(self.info)
        layout.addLayout(row)
        layout.addWidget(self.counts_plot)
        PaletteFollower(self, self._apply_theme)
        self.retranslate()

    def retranslate(self) -> None:
        """The dataset's description and the counts plot's title in the current language."""
        self._apply_theme()
        self._show_info()

    def _show_info(self) -> None:
        raw = self._raw
        if raw is None:
            self.info.setText(self.tr("No dataset loaded. Use File › Open dataset… or press Train to load MNIST."))
            return
        counts = ", ".join(f"{d}: {c:,}" for d, c in enumerate(raw.class_counts()))
        self.info.setText(self.tr("{source}\n{train} training and {test} test images. Class counts: {counts}").format(
            source=raw.source, train=f"{len(raw.x_train):,}", test=f"{len(raw.x_test):,}", counts=counts))

    def _apply_theme(self) -> None:
        c = style_plot(self.counts_plot, self.tr("Training images per class"))
        self._bars.setOpts(brush=run_colour(0, c.dark), pen=pg.mkPen(None))

    def set_dataset(self, raw):
        self._raw = raw
        n = len(raw.x_train)
        self._show_info()
        self._bars.setOpts(height=raw.class_counts())
        self.scroll.setEnabled(True)
        self.scroll.setRange(0, (n - 1) // PER_PAGE)
        self.scroll.setPageStep(10)
        self.scroll.setValue(0)
        self._show_page(0)

    @Slot(int)
    def _on_scroll_value_changed(self, page: int):
        self._show_page(page)

    def _show_page(self, page: int):
        if self._raw is None:
            return
        start = page * PER_PAGE
        for i, (img, label) in enumerate(self.cells):
            idx = start + i
            if idx < len(self._raw.x_train):
                img.setPixmap(gray_pixmap(self._raw.x_train[idx], 64))
                label.setText(f"#{idx}: {int(self._raw.y_train[idx])}")
            else:
                img.clear()
                label.setText("")
