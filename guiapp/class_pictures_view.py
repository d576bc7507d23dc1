"""Class pictures: for each digit, the image the network scores highest for it, as ten tiles that fit the space.

The view shows :class:`model.class_pictures.Picture` values and asks for nothing itself: the Refresh button emits
``refreshRequested``; the window runs the search on the engine thread and feeds the pictures back (mid-search too),
with the progress. A filter's picture (a channel clicked in the feature maps) is shown beside the ten tiles.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from guiapp.i18n import RetranslateMixin
from guiapp.qimage import gray_qimage
from guiapp.theme import PaletteFollower, colours, scaled_font

DIGITS = 10
LAYOUTS = (5, 10)  # tiles per row: 2 rows of 5 when narrow, 1 row of 10 when wide
TILE_GAP = 6
WRONG_COLOUR = {False: "#c62828", True: "#ef9a9a"}  # a picture the network reads as another digit (light, dark)


def percent(p: float) -> str:
    """0.974 -> '97 %', 0.9987 -> '99.9 %' (a sure answer is not rounded up to a certain one), 1.0 -> '100 %'.

    A no-break space, so that a line never ends between the number and its sign.
    """
    p = float(p)
    if 0.995 <= p < 1.0:
        return f"{min(p * 100, 99.9):.1f}\u00a0%"
    return f"{p * 100:.0f}\u00a0%"


def picture_side(cols: int, width: int, height: int, line: int) -> int:
    """A picture's side in pixels when ten tiles, ``cols`` per row, share ``width`` x ``height`` pixels, each tile
    spending ``line`` pixels on its line of text."""
    rows = -(-DIGITS // cols)
    return int(min((width - (cols - 1) * TILE_GAP) / cols, (height - (rows - 1) * TILE_GAP) / rows - line))


def best_columns(width: int, height: int, line: int) -> int:
    """Tiles per row (from ``LAYOUTS``) that give the largest pictures in ``width`` x ``height`` pixels."""
    return max(LAYOUTS, key=lambda cols: picture_side(cols, width, height, line))


def fit_progress(bar: QProgressBar) -> None:
    """Make ``bar`` wide enough for its text at 100 % in the current font and language."""
    text = bar.format().replace("%p", "100").replace("%v", "1000")
    bar.setMinimumWidth(bar.fontMetrics().horizontalAdvance(text) + 3 * bar.fontMetrics().height())
    bar.setMaximumWidth(bar.minimumWidth() + 60)


def show_progress(bar: QProgressBar, fraction: float | None) -> None:
    """Show ``fraction`` in [0, 1] on ``bar`` (range 0-1000), or hide it for None."""
    if fraction is None:
        bar.hide()
        return
    if not np.isfinite(fraction):
        raise ValueError(f"progress must be a fraction in [0, 1], got {fraction!r}")
    bar.setValue(round(min(max(float(fraction), 0.0), 1.0) * 1000))
    bar.show()


class PictureTile(QWidget):
    """One picture with a line above it: a bold title (the digit) on the left, a text (``p = 97 %``) on the right,
    and the network's own digit in red when it reads the picture as another one. Painted, so the picture grows
    with the tile and the line shortens itself (``97 %``) when the tile is narrow."""

    def __init__(self, title: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.setMinimumSize(36, 36)
        self._title = title
        self._text = ""
        self._short = ""
        self._wrong = ""
        self._image: QImage | None = None

    def set_content(self, title: str, image: np.ndarray | None, text: str = "", short: str = "",
                    wrong: str = "") -> None:
        """Show ``image`` (28, 28) in [0, 1] or None (an empty frame), under ``title`` and ``text`` (``short`` when
        the tile is too narrow), with ``wrong`` (e.g. '→ 5') in red."""
        self._title, self._text, self._short, self._wrong = title, text, short or text, wrong
        self._image = None if image is None else gray_qimage(np.asarray(image, dtype=np.float32))
        self.update()

    def text(self) -> str:
        """The line's full text, as a user reads it when the tile is wide enough."""
        return " ".join(part for part in (self._title, self._text, self._wrong) if part)

    def has_image(self) -> bool:
        return self._image is not None

    def line_height(self) -> int:
        return self.fontMetrics().height() + 4

    def _title_font(self):
        font = self.font()
        font.setBold(True)
        return font

    def sizeHint(self) -> QSize:
        return QSize(90, 90 + self.line_height())

    def paintEvent(self, event) -> None:
        c = colours(self)
        painter = QPainter(self)
        line = self.line_height()
        side = max(0, min(self.width(), self.height() - line))
        x0 = (self.width() - side) // 2
        text_rect = QRect(x0, 0, side, line - 2)

        painter.setFont(self._title_font())
        painter.setPen(c.foreground)
        painter.drawText(text_rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, self._title)
        used = painter.fontMetrics().horizontalAdvance(self._title + " ")
        painter.setFont(self.font())
        metrics = painter.fontMetrics()
        wrong = f" {self._wrong}" if self._wrong else ""
        text = self._text
        if metrics.horizontalAdvance(text + wrong) > side - used:
            text = self._short
        if metrics.horizontalAdvance(text + wrong) > side - used:
            text = ""
        right = text_rect.adjusted(used, 0, 0, 0)
        if wrong:
            painter.setPen(QColor(WRONG_COLOUR[c.dark]))
            painter.drawText(right, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, wrong)
            right.setRight(right.right() - metrics.horizontalAdvance(wrong))
        painter.setPen(c.muted)
        painter.drawText(right, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, text)

        target = QRectF(x0, line, side, side)
        if self._image is None:
            painter.setPen(c.grid)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(target.adjusted(0.5, 0.5, -0.5, -0.5))
        else:
            # Visible pixels, as everywhere else in the app: the network sees 28 x 28, not a smoothed picture.
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, False)
            painter.drawImage(target, self._image)
            if c.dark:  # black pictures on a dark window need an edge
                painter.setPen(c.grid)
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawRect(target.adjusted(-0.5, -0.5, 0.5, 0.5))
        painter.end()


class _TileGrid(QWidget):
    """Ten tiles, in two rows of five or one row of ten, whichever makes them larger.

    ``laidOut(side)`` tells the side of a picture after each resize.
    """

    laidOut = Signal(int)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.tiles = [PictureTile(str(d), self) for d in range(DIGITS)]
        self.columns = 0
        self.side = 0  # a picture's side in pixels in the current layout
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setSpacing(TILE_GAP)
        self._arrange(5)

    def _arrange(self, cols: int) -> None:
        if cols == self.columns:
            return
        self.columns = cols
        for tile in self.tiles:
            self._grid.removeWidget(tile)
        for d, tile in enumerate(self.tiles):
            self._grid.addWidget(tile, d // cols, d % cols)
        for i in range(10):
            self._grid.setColumnStretch(i, 1 if i < cols else 0)
            self._grid.setRowStretch(i, 1 if i < -(-DIGITS // cols) else 0)

    def relayout(self) -> None:
        """Choose the rows again for the current size and font (a zoom changes the height of the text lines)."""
        line = self.tiles[0].line_height()
        self._arrange(best_columns(self.width(), self.height(), line))
        self.side = picture_side(self.columns, self.width(), self.height(), line)
        self.laidOut.emit(self.side)

    def resizeEvent(self, event) -> None:
        self.relayout()
        super().resizeEvent(event)

    def sizeHint(self) -> QSize:
        return QSize(5 * 90, 2 * 110)

    def minimumSizeHint(self) -> QSize:
        return QSize(5 * 40, 2 * 50)


class ClassPicturesView(RetranslateMixin, QWidget):
    """The ten class pictures (``classPicturesView``), a Refresh button, a progress bar and a filter's picture.

    Signals
    -------
    refreshRequested()
        The Refresh button was clicked: compute the pictures again for the current network.

    Setters: :meth:`set_pictures`, :meth:`set_progress`, :meth:`set_filter_picture`, :meth:`set_message`,
    :meth:`set_refresh_enabled`. Every text is rendered from the state, so a language switch keeps it all.
    """

    refreshRequested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("classPicturesView")
        self._pictures: list = []
        self._filter = None  # (Picture, title) shown beside the tiles, or None
        self._filter_closed = False
        self._message: str | None = None

        self.explanation = QLabel()
        self.explanation.setObjectName("classPicturesExplanation")
        self.explanation.setWordWrap(True)
        self.explanation.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.progress = QProgressBar()
        self.progress.setObjectName("classPicturesProgress")
        self.progress.setRange(0, 1000)
        self.progress.hide()
        self.refresh_button = QPushButton()
        self.refresh_button.setObjectName("classPicturesRefreshButton")
        self.refresh_button.clicked.connect(self.refreshRequested)

        self.message = QLabel()
        self.message.setObjectName("classPicturesMessage")
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.hide()

        self.grid = _TileGrid()
        self.grid.laidOut.connect(self._on_grid_laid_out)

        self.filter_title = QLabel()
        self.filter_title.setObjectName("filterPictureTitle")
        self.filter_title.setWordWrap(True)
        self.filter_title.setTextFormat(Qt.TextFormat.PlainText)
        self.filter_close = QToolButton()
        self.filter_close.setObjectName("filterPictureClose")
        self.filter_close.setText("×")
        self.filter_close.setAutoRaise(True)
        self.filter_close.clicked.connect(self._on_filter_close_clicked)
        self.filter_tile = PictureTile()
        self.filter_tile.setObjectName("filterPicture")
        title_row = QHBoxLayout()
        title_row.setContentsMargins(0, 0, 0, 0)
        title_row.addWidget(self.filter_title, 1)
        title_row.addWidget(self.filter_close, 0, Qt.AlignmentFlag.AlignTop)
        self.filter_panel = QWidget()
        self.filter_panel.setObjectName("filterPicturePanel")
        panel = QVBoxLayout(self.filter_panel)
        panel.setContentsMargins(8, 0, 0, 0)
        panel.setSpacing(2)
        panel.addLayout(title_row)
        panel.addWidget(self.filter_tile)
        panel.addStretch(1)
        self.filter_panel.hide()

        header = QHBoxLayout()
        header.setContentsMargins(0, 0, 0, 0)
        header.addWidget(self.explanation, 1)
        header.addWidget(self.progress)
        header.addWidget(self.refresh_button, 0, Qt.AlignmentFlag.AlignTop)
        self.body = QWidget()
        body = QHBoxLayout(self.body)
        body.setContentsMargins(0, 0, 0, 0)
        body.addWidget(self.grid, 1)
        body.addWidget(self.filter_panel)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 6)
        layout.setSpacing(4)
        layout.addLayout(header)
        layout.addWidget(self.message, 1)
        layout.addWidget(self.body, 1)
        self._empty_tiles()
        PaletteFollower(self, self._apply_theme)
        self.retranslate()

    def sizeHint(self) -> QSize:
        return QSize(720, 260)

    def _on_grid_laid_out(self, side: int) -> None:
        # The filter's picture is as large as a class picture: it sits beside them, not above them.
        line = self.filter_tile.line_height()
        self.filter_tile.setFixedHeight(max(40, side) + line)

    # ----------------------------------------------------------------------------------------------------- texts
    def retranslate(self) -> None:
        """Set every text in the current language, re-rendering the tiles and the filter's picture."""
        self.explanation.setText(self.tr(
            "What the network would most like to see for each digit: each picture was changed step by step to "
            "raise that digit's score (p: how sure the network is that it shows that digit)."))
        self.refresh_button.setText(self.tr("Refresh"))
        self.refresh_button.setToolTip(self.tr("Compute the ten pictures again for the network as it is now"))
        self.progress.setFormat(self.tr("Computing… %p%"))
        fit_progress(self.progress)
        self.filter_close.setToolTip(self.tr("Hide this filter's picture"))
        self._render_tiles()
        self._render_filter()

    def _apply_theme(self) -> None:
        c = colours(self)
        self.explanation.setStyleSheet(f"color: {c.muted.name()};")
        self.message.setFont(scaled_font(self, 1.2))
        self.filter_panel.setFixedWidth(max(120, self.fontMetrics().horizontalAdvance("M") * 12))
        fit_progress(self.progress)
        self.grid.relayout()
        for tile in [*self.grid.tiles, self.filter_tile]:
            tile.update()

    # ----------------------------------------------------------------------------------------------------- public
    def set_pictures(self, pictures: list) -> None:
        """Show the class pictures (``Picture`` with ``target.digit`` set), possibly from the middle of a search.

        A digit without a picture keeps an empty frame. A picture of a filter or of a digit outside 0-9 raises a
        ValueError naming it.
        """
        for picture in pictures:
            digit = picture.target.digit
            if digit is None or not 0 <= int(digit) < DIGITS:
                raise ValueError(f"a class picture needs a digit 0-9, got target {picture.target!r}")
        self._pictures = list(pictures)
        self._render_tiles()

    def set_progress(self, fraction: float | None) -> None:
        """The search's progress in [0, 1]; None when nothing is being computed (the bar is hidden)."""
        show_progress(self.progress, fraction)

    def set_filter_picture(self, picture, title: str) -> None:
        """Show the picture of a filter clicked in the feature maps, under ``title``; None hides it."""
        self._filter = None if picture is None else (picture, title)
        self._filter_closed = False
        self._render_filter()

    def set_message(self, text: str | None) -> None:
        """Show ``text`` (why there are no pictures: no model yet, a network they do not apply to) in place of the
        tiles; None shows the tiles again."""
        self._message = text or None
        self.message.setText(text or "")
        self.message.setVisible(self._message is not None)
        self.body.setVisible(self._message is None)

    def set_refresh_enabled(self, enabled: bool) -> None:
        self.refresh_button.setEnabled(bool(enabled))

    # ------------------------------------------------------------------------------------- accessors for tests
    def tile_count(self) -> int:
        return len(self.grid.tiles)

    def tile_texts(self) -> list[str]:
        """Each tile's line of text, digit first ('3 p = 97 %', '8 p = 41 % → 3')."""
        return [tile.text() for tile in self.grid.tiles]

    def message_text(self) -> str | None:
        return self._message

    def columns(self) -> int:
        """Tiles per row in the current layout (5 or 10)."""
        return self.grid.columns

    # ----------------------------------------------------------------------------------------------- internals
    def _empty_tiles(self) -> None:
        for d, tile in enumerate(self.grid.tiles):
            tile.set_content(str(d), None)

    def _render_tiles(self) -> None:
        self._empty_tiles()
        for picture in self._pictures:
            d = int(picture.target.digit)
            p = picture.probability
            text = short = ""
            if p is not None:
                text = self.tr("p = {percent}").format(percent=percent(p))
                short = percent(p)
            wrong = "" if int(picture.predicted) == d else self.tr("→ {digit}").format(digit=int(picture.predicted))
            tile = self.grid.tiles[d]
            tile.set_content(str(d), picture.image, text, short, wrong)
            if wrong:
                tile.setToolTip(self.tr("The picture the network scores highest for {digit} so far; it reads it as "
                                        "{predicted}, with p({digit}) = {percent}.").format(
                    digit=d, predicted=int(picture.predicted), percent=percent(p or 0.0)))
            else:
                tile.setToolTip(self.tr("The picture the network scores highest for {digit}: it reads it as {digit} "
                                        "with p = {percent}.").format(digit=d, percent=percent(p or 0.0)))
        for tile in self.grid.tiles:
            if not tile.has_image():
                tile.setToolTip(self.tr("Not computed yet: press Refresh."))

    def _render_filter(self) -> None:
        self.filter_panel.setVisible(self._filter is not None and not self._filter_closed)
        if self._filter is None:
            return
        picture, title = self._filter
        self.filter_title.setText(title)
        text = self.tr("activation {score}").format(score=f"{picture.score:.2f}")
        self.filter_tile.set_content("", picture.image, text, f"{picture.score:.2f}")
        self.filter_tile.setToolTip(self.tr("The input that makes this filter respond most strongly (its mean "
                                            "activation over the map is {score}).").format(
            score=f"{picture.score:.2f}"))

    def _on_filter_close_clicked(self) -> None:
        self._filter_closed = True
        self._render_filter()
