"""One channel of a layer enlarged, on its own colour scale, with its value range and, for a convolution, the
picture its filter responds to most: the feature maps' close-up."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QToolButton, QVBoxLayout

from guiapp.i18n import RetranslateMixin
from guiapp.layer_maps import ACTIVATION_CMAP, BAR_WIDTH, style_image_plot, title_label
from guiapp.qimage import gray_pixmap
from guiapp.ranges import value_range
from guiapp.theme import PaletteFollower

DETAIL_PX = 220
PICTURE_PX = 56  # the filter's picture, beside its caption


class ChannelDetail(RetranslateMixin, QFrame):
    """One channel enlarged (``channelDetail``), with min, max and mean below it and a button that closes it.

    Signals
    -------
    closed()
        The close button was clicked.
    """

    closed = Signal()

    def __init__(self):
        super().__init__()
        self.setObjectName("channelDetail")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setFixedWidth(DETAIL_PX + BAR_WIDTH + 70)
        self.title = title_label()
        self._stats: tuple[float, float, float] | None = None  # min, max, mean of the channel shown
        self.close_button = close = QToolButton()
        close.setText("✕")
        close.clicked.connect(self.closed)
        self.range = QLabel()
        self.range.setWordWrap(True)
        self.picture = QLabel()  # the filter's picture (model.class_pictures), once computed
        self.picture.setObjectName("filterPictureInDetail")
        self.picture.setFixedSize(PICTURE_PX, PICTURE_PX)
        self.picture_caption = QLabel()
        self.picture_caption.setWordWrap(True)
        self._picture_state = None  # None: no row; "computing"; "shown"; "shut" (the search never opened it)
        self.glw = pg.GraphicsLayoutWidget()
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
        row = QHBoxLayout()  # the filter's picture first: what the channel looks for, then where it found it
        row.addWidget(self.picture, 0, Qt.AlignmentFlag.AlignTop)
        row.addWidget(self.picture_caption, 1)
        layout.addLayout(row)
        layout.addWidget(self.glw)
        layout.addWidget(self.range)
        layout.addStretch(1)
        self.set_picture(None)
        PaletteFollower(self, lambda: style_image_plot(self.glw, self.bar))
        self.retranslate()

    def retranslate(self) -> None:
        """The close button's tooltip and the value range in the current language (the title is the view's)."""
        self.close_button.setToolTip(self.tr("Close the enlarged view"))
        if self._picture_state == "computing":
            self.picture_caption.setText(self.tr("Finding the picture this filter responds to most…"))
        elif self._picture_state == "shut":
            self.picture_caption.setText(self.tr(
                "No picture: this filter stayed shut (0) for every input the search tried from a grey start"))
        elif self._picture_state == "shown":
            self.picture_caption.setText(self.tr(
                "What this filter responds to most: an input changed step by step to raise this channel"))
        if self._stats is None:
            self.range.clear()
            return
        low, high, mean = self._stats
        self.range.setText(self.tr("min {low:.3g} · max {high:.3g} · mean {mean:.3g}").format(low=low, high=high,
                                                                                               mean=mean))

    def set_picture(self, image: np.ndarray | None, computing: bool = False, shut: bool = False) -> None:
        """Show the filter's picture (28x28 in [0, 1]); None with ``computing`` says it is on its way, with ``shut``
        that the search found none (the channel never opened), else hides the row."""
        state = "computing" if computing else ("shut" if shut else None)
        self._picture_state = "shown" if image is not None else state
        if image is not None:
            self.picture.setPixmap(gray_pixmap(image, PICTURE_PX))
        else:
            self.picture.clear()
        self.picture.setVisible(image is not None)
        self.picture_caption.setVisible(self._picture_state is not None)
        # The channel's image gives up the picture's height, so the close-up keeps its size.
        self.glw.setFixedHeight(DETAIL_PX - (PICTURE_PX if image is not None else 0))
        self.retranslate()

    def picture_shown(self) -> bool:
        return self._picture_state == "shown"

    def show_channel(self, title: str, img: np.ndarray) -> None:
        """Show ``img`` (h, w) under ``title``, its colour scale spanning its own finite values."""
        self.title.setText(title)
        self._stats = (float(img.min()), float(img.max()), float(img.mean()))
        self.retranslate()
        self.image.setImage(img, autoLevels=False)
        self.bar.setLevels(value_range(img))
        self.vb.setRange(xRange=(0, img.shape[1]), yRange=(0, img.shape[0]), padding=0)
