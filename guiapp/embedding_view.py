"""The inner space: 2,000 test images as points placed by the network's penultimate layer, coloured by digit.

The view shows a :class:`model.embedding.Embedding` and asks for nothing itself: the method combo emits
``methodRequested`` ("pca" or "tsne") and the Recompute button ``recomputeRequested``; the window computes the
projection elsewhere and feeds it back, with the drawing's own point (``set_drawing_point``). All 2,000 points are
one ScatterPlotItem (one ``setData``), so a new epoch's map costs a few milliseconds of GUI time, and a user's zoom
is kept between epochs.
"""

from __future__ import annotations

import html

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QSize, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from guiapp.class_pictures_view import WRONG_COLOUR, fit_progress, percent, show_progress
from guiapp.i18n import RetranslateMixin
from guiapp.qimage import gray_pixmap
from guiapp.theme import PaletteFollower, colours, scaled_font, style_plot, zoom

METHODS = ("pca", "tsne")
# Ten digits, ten colours (matplotlib's tab10 order): deeper tones on a light background, brighter ones on a dark one.
DIGIT_COLOURS_LIGHT = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
                       "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf")
DIGIT_COLOURS_DARK = ("#5aa9e6", "#ffa040", "#5fd35f", "#ff6b6b", "#b794f6",
                      "#c49c94", "#f7a8d8", "#c7c7c7", "#e0e048", "#4fdcec")
POINT_PX = 5
DRAWING_PX = 24
SELECTED_PX = 13
MAX_STRETCH = 3.0  # how much wider (or taller) one map unit may be drawn than the other
DETAIL_SCALE = 3  # the clicked image is shown at 84 x 84 (times the interface zoom)


def digit_colour(digit: int, dark: bool) -> str:
    """The colour of ``digit`` (0-9), readable on a dark or a light background."""
    return (DIGIT_COLOURS_DARK if dark else DIGIT_COLOURS_LIGHT)[int(digit) % 10]


class _MapPlot(pg.PlotWidget):
    def sizeHint(self) -> QSize:
        return QSize(360, 220)  # pyqtgraph asks for 600x480, which would squeeze the docks around


class _Resizing(QWidget):
    """A plain container that says when its size changed."""

    resized = Signal()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.resized.emit()


class EmbeddingView(RetranslateMixin, QWidget):
    """The map (``embeddingMap``), a key of the ten digit colours, the method combo and a clicked point's detail.

    Signals
    -------
    methodRequested(str)
        The user chose "pca" or "tsne" in the combo (``set_method`` does not emit it).
    recomputeRequested()
        The Recompute button was clicked (t-SNE again after training moved on, say).

    Setters: :meth:`set_embedding`, :meth:`set_drawing_point`, :meth:`set_progress`, :meth:`set_message`,
    :meth:`set_stale`, :meth:`set_method`.
    """

    methodRequested = Signal(str)
    recomputeRequested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("embeddingView")
        self._embedding = None
        self._images: np.ndarray | None = None
        self._drawing: tuple[float, float] | None = None
        self._selected: int | None = None
        self._message: str | None = None
        self._stale: str | None = None
        self._hovered: int | None = None
        self._ratio: float | None = None  # the aspect the map is locked to (x pixels per unit / y pixels per unit)

        self.explanation = QLabel()
        self.explanation.setObjectName("embeddingExplanation")
        self.explanation.setWordWrap(True)
        self.explanation.setTextFormat(Qt.TextFormat.PlainText)
        self.explanation.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.method_combo = QComboBox()
        self.method_combo.setObjectName("embeddingMethodCombo")
        for method in METHODS:
            self.method_combo.addItem("", method)
        self.method_combo.currentIndexChanged.connect(self._on_method_combo_changed)
        self.recompute_button = QPushButton()
        self.recompute_button.setObjectName("embeddingRecomputeButton")
        self.recompute_button.clicked.connect(self.recomputeRequested)
        self.progress = QProgressBar()
        self.progress.setObjectName("embeddingProgress")
        self.progress.setRange(0, 1000)
        self.progress.hide()
        self.key = QLabel()
        self.key.setObjectName("embeddingKey")
        self.key.setTextFormat(Qt.TextFormat.RichText)
        self.status = QLabel()
        self.status.setObjectName("embeddingStatus")
        self.status.setWordWrap(True)
        self.status.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.message = QLabel()
        self.message.setObjectName("embeddingMessage")
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.hide()

        self.plot = _MapPlot()
        self.plot.setObjectName("embeddingMap")
        self.plot.setAccessibleName("embeddingMap")
        self.plot.setMinimumSize(160, 120)
        item = self.plot.getPlotItem()
        item.setMenuEnabled(False)
        for side in ("left", "bottom"):
            item.hideAxis(side)  # the axes of a projection carry no unit a learner could read
        self.vb = item.getViewBox()
        self.vb.sigResized.connect(self._fit_aspect)
        self.vb.setMenuEnabled(False)
        self.points = pg.ScatterPlotItem(size=POINT_PX, pen=None, hoverable=True, tip=None, hoverSize=POINT_PX * 2)
        self.points.sigClicked.connect(self._on_points_clicked)
        self.points.sigHovered.connect(self._on_points_hovered)
        item.addItem(self.points)
        # The marks are left out of the auto-range: a drawing far off would otherwise rescale the map as it moves.
        self.selected_mark = pg.ScatterPlotItem(size=SELECTED_PX, brush=None)
        self.selected_mark.setZValue(10)
        self.vb.addItem(self.selected_mark, ignoreBounds=True)
        self.drawing_mark = pg.ScatterPlotItem(symbol="star", size=DRAWING_PX)
        self.drawing_mark.setZValue(20)
        self.vb.addItem(self.drawing_mark, ignoreBounds=True)

        self.detail = QFrame()
        self.detail.setObjectName("embeddingPointDetail")
        self.detail.setFrameShape(QFrame.Shape.StyledPanel)
        self.detail_image = QLabel()
        self.detail_image.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.detail_image.setStyleSheet("QLabel { background: black; }")
        self.detail_text = QLabel()
        self.detail_text.setObjectName("embeddingPointText")
        self.detail_text.setWordWrap(True)
        self.detail_text.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        detail = QVBoxLayout(self.detail)
        detail.setContentsMargins(6, 6, 6, 6)
        detail.addWidget(self.detail_image, 0, Qt.AlignmentFlag.AlignHCenter)
        detail.addWidget(self.detail_text, 1)

        header = QHBoxLayout()
        header.setContentsMargins(0, 0, 0, 0)
        header.addWidget(self.explanation, 1)
        header.addWidget(self.progress, 0, Qt.AlignmentFlag.AlignTop)
        header.addWidget(self.method_combo, 0, Qt.AlignmentFlag.AlignTop)
        header.addWidget(self.recompute_button, 0, Qt.AlignmentFlag.AlignTop)
        self.key_row = QWidget()
        keys = QHBoxLayout(self.key_row)
        keys.setContentsMargins(0, 0, 0, 0)
        keys.addWidget(self.key)
        keys.addWidget(self.status, 1)
        self.content = _Resizing()
        self.content.resized.connect(self._on_content_resized)
        body = QHBoxLayout(self.content)
        body.setContentsMargins(0, 0, 0, 0)
        body.addWidget(self.plot, 1)
        body.addWidget(self.detail)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 6)
        layout.setSpacing(3)
        layout.addLayout(header)
        layout.addWidget(self.key_row)
        layout.addWidget(self.message, 1)
        layout.addWidget(self.content, 1)
        PaletteFollower(self, self._apply_theme)
        self.retranslate()

    def sizeHint(self) -> QSize:
        return QSize(640, 280)

    # ----------------------------------------------------------------------------------------------------- texts
    def retranslate(self) -> None:
        """Set every text in the current language, re-rendering those that show the state."""
        self.method_combo.setItemText(0, self.tr("PCA (fast, every epoch)"))
        self.method_combo.setItemText(1, self.tr("t-SNE (slow, on demand)"))
        self.method_combo.setToolTip(self.tr("PCA keeps the two directions along which the points differ most. "
                                             "t-SNE keeps neighbours together; it takes a while."))
        self.recompute_button.setText(self.tr("Recompute"))
        self.recompute_button.setToolTip(self.tr("Compute the map again for the network as it is now"))
        self.progress.setFormat(self.tr("Computing… %p%"))
        fit_progress(self.progress)
        self._hovered = None  # the next hover writes its tooltip in the new language
        self.vb.setToolTip("")
        self._render_explanation()
        self._render_key()
        self._render_status()
        self._render_detail()

    def _render_explanation(self) -> None:
        e = self._embedding
        if e is None:
            text = self.tr("Each dot is a test image, placed by the numbers the network computes just before its "
                           "answer: digits it tells apart end up in separate clusters.")
        else:
            text = self.tr("Each dot is one of {count} test images, placed by the numbers the network computes just "
                           "before its answer (layer “{layer}”): digits it tells apart end up in separate "
                           "clusters.").format(count=f"{len(e.points):,}", layer=e.layer)
        self.explanation.setText(text)

    def _render_key(self) -> None:
        c = colours(self)
        parts = [f'<span style="color:{digit_colour(d, c.dark)}; white-space:nowrap">●</span>{d}' for d in range(10)]
        star = self.tr("your drawing")
        parts.append(f'<span style="white-space:nowrap">★ {star}</span>')
        self.key.setText("&nbsp;".join(parts))
        self.key.setToolTip(self.tr("Colours: the true digit of each test image"))

    def _render_status(self) -> None:
        parts = []
        e = self._embedding
        if e is not None and e.method == "pca" and e.explained is not None:
            parts.append(self.tr("These two directions hold {percent} of the spread.").format(
                percent=percent(e.explained)))
        elif e is not None and e.method == "tsne":
            parts.append(self.tr("t-SNE keeps neighbours together; distances between clusters mean little."))
        if self._stale:
            parts.append(f"<i>{html.escape(self._stale)}</i>")
        c = colours(self)
        self.status.setText(f'<span style="color:{c.muted.name()}">' + " ".join(parts) + "</span>")

    def _render_detail(self) -> None:
        i = self._selected
        e = self._embedding
        side = self._detail_side()
        self.detail_image.setFixedSize(side, side)
        self.detail_text.setFixedWidth(max(round(28 * DETAIL_SCALE * max(1.0, zoom())),
                                           self.fontMetrics().horizontalAdvance("M") * 9))
        if i is None or e is None:
            self.detail_image.clear()
            self.detail_text.setText(self.tr("Click a dot to see its image."))
            return
        if self._images is not None:
            self.detail_image.setPixmap(gray_pixmap(np.asarray(self._images[i]).reshape(28, 28), side))
        label, predicted = int(e.labels[i]), int(e.predicted[i])
        answer = self.tr("Network: {predicted} ({percent})").format(predicted=predicted,
                                                                    percent=percent(e.confidence[i]))
        if label != predicted:
            answer = f'<b style="color:{WRONG_COLOUR[colours(self).dark]}">{answer}</b>'
        true = self.tr("True digit: {label}").format(label=label)
        index = self.tr("test image {index}").format(index=int(e.indices[i]))
        self.detail_text.setText(f"{true}<br>{answer}<br><small>{index}</small>")

    def _detail_side(self) -> int:
        """The clicked image's side: 3 px per pixel (times the zoom), less when the dock is too low for it and the
        four lines of text under it, never under 2 px per pixel."""
        lines = 4 * self.fontMetrics().lineSpacing() + 24
        room = self.content.height() - lines if self.content.height() > 0 else 10_000
        return int(np.clip(room, 28 * 2, round(28 * DETAIL_SCALE * max(1.0, zoom()))))

    @Slot()
    def _on_content_resized(self) -> None:
        if self._detail_side() != self.detail_image.width():
            self._render_detail()

    def _apply_theme(self) -> None:
        c = style_plot(self.plot)
        self.message.setFont(scaled_font(self, 1.2))
        fit_progress(self.progress)
        self.explanation.setStyleSheet(f"color: {c.muted.name()};")
        self._render_key()
        self._render_status()
        self._render_detail()
        self._paint_points()
        self.selected_mark.setPen(pg.mkPen(c.foreground, width=2))
        self.drawing_mark.setSize(round(DRAWING_PX * max(1.0, zoom())))
        self.drawing_mark.setBrush(pg.mkBrush(c.foreground))
        self.drawing_mark.setPen(pg.mkPen(c.background, width=2))

    def _point_style(self) -> dict:
        """setData's keywords that colour the points by true digit: one brush per digit, shared by its points."""
        c = colours(self)
        brushes = np.empty(10, dtype=object)
        brushes[:] = [pg.mkBrush(digit_colour(d, c.dark)) for d in range(10)]
        labels = np.asarray(self._embedding.labels, dtype=np.int64) % 10
        return {"brush": brushes[labels], "hoverPen": pg.mkPen(c.foreground, width=1.5)}

    def _paint_points(self) -> None:
        if self._embedding is not None:
            self.points.setBrush(self._point_style()["brush"])

    # ----------------------------------------------------------------------------------------------------- public
    def set_embedding(self, embedding, images: np.ndarray) -> None:
        """Show ``embedding`` (n points) and keep ``images`` (n, 28, 28), aligned with its points, for a click.

        The view follows the points (auto-range) until the user pans or zooms; from then on a new embedding of the
        same method and size keeps the user's view (the "A" button in the corner follows the points again). A point
        still selected keeps its selection (the same test image, moved).
        """
        points = np.asarray(embedding.points, dtype=np.float64)
        n = len(points)
        if points.ndim != 2 or points.shape[1] != 2:
            raise ValueError(f"embedding points must be (n, 2), got shape {points.shape}")
        for name in ("labels", "predicted", "confidence", "indices"):
            if len(getattr(embedding, name)) != n:
                raise ValueError(f"embedding.{name} has {len(getattr(embedding, name))} values for {n} points")
        if images is not None and len(images) != n:
            raise ValueError(f"{len(images)} images given for {n} points")
        if embedding.method not in METHODS:
            raise ValueError(f"embedding method {embedding.method!r} is not one of {', '.join(METHODS)}")
        previous = self._embedding
        if previous is None or previous.method != embedding.method or len(previous.points) != n:
            # Another kind of map (PCA <-> t-SNE) or other images: a zoom into the old one would show nothing.
            self.vb.enableAutoRange()
        self._embedding, self._images = embedding, images
        if self._selected is not None and self._selected >= n:
            self._selected = None
        self.points.setData(pos=points, data=np.arange(n), **self._point_style())
        self._fit_aspect()
        self._place_selected()
        self._render_explanation()
        self._render_status()
        self._render_detail()

    def set_drawing_point(self, xy: tuple[float, float] | None) -> None:
        """Mark the drawing at ``xy`` (map coordinates) above every point; None hides the mark."""
        if xy is None:
            self._drawing = None
            self.drawing_mark.setData([], [])
            return
        x, y = float(xy[0]), float(xy[1])
        if not (np.isfinite(x) and np.isfinite(y)):
            raise ValueError(f"the drawing's point must be finite, got {xy!r}")
        self._drawing = (x, y)
        self.drawing_mark.setData([x], [y])

    def set_progress(self, fraction: float | None) -> None:
        """The computation's progress in [0, 1]; None when nothing is being computed (the bar is hidden)."""
        show_progress(self.progress, fraction)

    def set_message(self, text: str | None) -> None:
        """Show ``text`` (why there is no map: no dataset, no model) in place of the map; None shows the map."""
        self._message = text or None
        self.message.setText(text or "")
        self.message.setVisible(self._message is not None)
        self.content.setVisible(self._message is None)
        self.key_row.setVisible(self._message is None)

    def set_stale(self, text: str | None) -> None:
        """Say what the map shown is behind by (e.g. 't-SNE from epoch 2'); None when it is current."""
        self._stale = text or None
        self._render_status()

    def set_method(self, method: str) -> None:
        """Show ``method`` ("pca" or "tsne") in the combo without emitting ``methodRequested``."""
        if method not in METHODS:
            raise ValueError(f"embedding method {method!r} is not one of {', '.join(METHODS)}")
        self.method_combo.blockSignals(True)
        self.method_combo.setCurrentIndex(METHODS.index(method))
        self.method_combo.blockSignals(False)

    def method(self) -> str:
        return self.method_combo.currentData()

    # ------------------------------------------------------------------------------------- accessors for tests
    def point_count(self) -> int:
        return len(self.points.getData()[0])

    def point_colours(self) -> list[str]:
        """Each point's fill colour (#rrggbb), in point order."""
        return [spot.brush().color().name() for spot in self.points.points()]

    def drawing_point(self) -> tuple[float, float] | None:
        return self._drawing

    def drawing_mark_position(self) -> tuple[float, float] | None:
        """Where the star is drawn on the map (None when hidden)."""
        x, y = self.drawing_mark.getData()
        return (float(x[0]), float(y[0])) if len(x) else None

    def selected_index(self) -> int | None:
        """The point clicked (its position in the embedding), or None."""
        return self._selected

    def click_point(self, i: int) -> None:
        """Do what a click on point ``i`` does: mark it and show its image, true digit and the model's answer."""
        if self._embedding is None or not 0 <= int(i) < len(self._embedding.points):
            raise IndexError(f"no point {i} on the map")
        self._selected = int(i)
        self._place_selected()
        self._render_detail()

    def hover_text(self, i: int) -> str:
        """The tooltip of point ``i``: its digit (and the model's, when it differs)."""
        e = self._embedding
        label, predicted = int(e.labels[i]), int(e.predicted[i])
        if label == predicted:
            return self.tr("A {label}").format(label=label)
        return self.tr("A {label}, read as {predicted}").format(label=label, predicted=predicted)

    # ----------------------------------------------------------------------------------------------- internals
    def _fit_aspect(self) -> None:
        """Lock the map's aspect near the widget's shape, stretched at most ``MAX_STRETCH`` times.

        Equal scales would use a third of a wide, low dock; scales free to differ would draw a 6:1 dock's clusters
        as smears. Only while the view follows the points: a user's zoom keeps its own aspect.
        """
        e = self._embedding
        rect = self.vb.rect()
        if e is None or rect.width() <= 0 or rect.height() <= 0 or not all(self.vb.autoRangeEnabled()):
            return
        span = np.ptp(np.asarray(e.points, dtype=np.float64), axis=0)
        if not np.all(np.isfinite(span)) or np.any(span <= 0):
            return
        fill = (rect.width() / span[0]) / (rect.height() / span[1])  # x pixels per unit / y pixels per unit
        ratio = float(np.clip(fill, 1 / MAX_STRETCH, MAX_STRETCH))
        if self._ratio is None or abs(np.log(ratio / self._ratio)) > 0.02:
            self._ratio = ratio
            self.vb.setAspectLocked(True, ratio=ratio)

    def _place_selected(self) -> None:
        if self._selected is None or self._embedding is None:
            self.selected_mark.setData([], [])
            return
        x, y = self._embedding.points[self._selected]
        self.selected_mark.setData([float(x)], [float(y)])

    def _on_method_combo_changed(self, index: int) -> None:
        self.methodRequested.emit(METHODS[index])

    @Slot(object, object, object)
    def _on_points_clicked(self, _item, points, _event) -> None:
        if len(points):
            self.click_point(int(points[0].data()))  # pyqtgraph lists the topmost first

    @Slot(object, object, object)
    def _on_points_hovered(self, _item, points, _event) -> None:
        i = int(points[0].data()) if len(points) else None
        if i != self._hovered:
            self._hovered = i
            self.vb.setToolTip("" if i is None else self.hover_text(i))
