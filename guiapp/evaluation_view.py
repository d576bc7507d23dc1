"""The evaluation view: test accuracy, per-class accuracy, a confusion matrix to click, and the images behind a cell.

It shows a :class:`model.evaluation.Evaluation` and asks for nothing itself: the Evaluate button emits
``evaluateRequested`` and a click on a gallery image emits ``imageActivated`` with the test-set index; the window
wires both to the engine and the canvas.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QSize, Qt, Signal, Slot
from PySide6.QtGui import QBrush, QColor, QIcon, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from guiapp.i18n import RetranslateMixin
from guiapp.qimage import gray_pixmap

GALLERY_LIMIT = 400  # images shown for one cell; the title says when there are more
THUMB = 56  # 28 x 28 shown twice as large
CELL_PX = 40
ROW_PX = 21
LEFT_PX = 230  # the accuracy column's width at least; wider when its button or check box needs more
INDEX_ROLE = Qt.ItemDataRole.UserRole


def thumbnail(img: np.ndarray, size: int = THUMB) -> QPixmap:
    """A (28, 28) image, uint8 or floats in [0, 1], as a pixmap ``size`` px square with visible pixels."""
    return gray_pixmap(np.asarray(img).reshape(28, 28), size)


def cell_colour(count: int, row_total: int, diagonal: bool, max_off: int) -> QColor:
    """Diagonal: blue, darker the larger the share of the row it holds. Off-diagonal: white to red (log scale)."""
    if diagonal:
        share = count / row_total if row_total else 0.0
        t = float(np.clip((share - 0.5) / 0.5, 0, 1))
        return QColor.fromRgbF(0.85 - 0.65 * t, 0.9 - 0.5 * t, 1.0 - 0.25 * t)
    if count == 0 or max_off == 0:
        return QColor(250, 250, 250)
    t = np.log1p(count) / np.log1p(max_off)
    return QColor.fromRgbF(1.0 - 0.2 * t, 0.93 * (1 - t) + 0.1 * t, 0.9 * (1 - t) + 0.1 * t)


class EvaluationView(RetranslateMixin, QWidget):
    """Accuracy, the 10x10 confusion matrix (``confusionMatrix``) and the gallery (``mistakesGallery``).

    Every text is rendered from the state (the evaluation, whether it is stale, the cell shown, the image last sent
    to the canvas), so a language switch re-renders it all without losing any of it.

    Signals
    -------
    evaluateRequested()
        The Evaluate button was clicked.
    imageActivated(int)
        A gallery image was clicked; the argument is its index in the test set.
    cellShown(int, int)
        The gallery now shows cell (true digit, predicted digit).
    """

    evaluateRequested = Signal()
    imageActivated = Signal(int)
    cellShown = Signal(int, int)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("evaluationView")
        self._evaluation = None
        self._images: np.ndarray | None = None
        self._labels: np.ndarray | None = None
        self._cell: tuple[int, int] | None = None
        self._stale = False
        self._no_mistakes = False
        self._cell_sizes = (0, 0)  # images in the cell shown, and how many of them the gallery holds
        self._noted: int | None = None  # the gallery image last drawn on the canvas

        self.summary = QLabel()
        self.summary.setObjectName("evaluationSummary")
        self.summary.setWordWrap(True)
        self.evaluate_button = QPushButton()
        self.evaluate_button.setObjectName("evaluateButton")
        self.auto_check = QCheckBox()
        self.auto_check.setObjectName("autoEvaluateCheck")
        self.auto_check.setChecked(True)
        self.progress = QProgressBar()
        self.progress.setObjectName("evaluationProgress")
        self.progress.setRange(0, 1000)
        self.progress.hide()

        self.matrix = QTableWidget(10, 10)
        self.matrix.setObjectName("confusionMatrix")
        self.matrix.setAccessibleName("confusionMatrix")
        self.matrix.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.matrix.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.matrix.setHorizontalHeaderLabels([str(d) for d in range(10)])
        self.matrix.setVerticalHeaderLabels([str(d) for d in range(10)])
        for header in (self.matrix.horizontalHeader(), self.matrix.verticalHeader()):
            header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
            header.setHighlightSections(False)
        self.matrix.horizontalHeader().setDefaultSectionSize(CELL_PX)
        self.matrix.verticalHeader().setDefaultSectionSize(ROW_PX)
        self.matrix.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.matrix.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # The chosen cell goes dark grey: the default highlight is blue, like the diagonal.
        self.matrix.setStyleSheet("QTableWidget { selection-background-color: #3a3a3a; selection-color: white; }")
        self._fill_empty()

        self.gallery_title = QLabel()
        self.gallery_title.setObjectName("galleryTitle")
        self.gallery_title.setWordWrap(True)
        self.gallery = QListWidget()
        self.gallery.setObjectName("mistakesGallery")
        self.gallery.setAccessibleName("mistakesGallery")
        self.gallery.setViewMode(QListView.ViewMode.IconMode)
        self.gallery.setIconSize(QSize(THUMB, THUMB))
        self.gallery.setGridSize(QSize(THUMB + 34, THUMB + 36))
        self.gallery.setResizeMode(QListView.ResizeMode.Adjust)
        self.gallery.setMovement(QListView.Movement.Static)
        self.gallery.setUniformItemSizes(True)
        self.gallery.setWordWrap(True)
        self.note = QLabel("")
        self.note.setObjectName("galleryNote")
        self.note.setWordWrap(True)

        self.legend = legend = QLabel()
        legend.setWordWrap(True)
        legend.setStyleSheet("color: palette(mid);")
        left = QVBoxLayout()
        left.addWidget(self.summary)
        left.addWidget(self.progress)
        left.addWidget(legend)
        left.addStretch(1)
        left.addWidget(self.auto_check)
        left.addWidget(self.evaluate_button)
        self.left_box = left_box = QWidget()
        left_box.setLayout(left)
        left.setContentsMargins(0, 0, 0, 0)
        right = QVBoxLayout()
        right.addWidget(self.gallery_title)
        right.addWidget(self.gallery, 1)
        right.addWidget(self.note)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(left_box)
        layout.addWidget(self.matrix, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(right, 1)

        self.evaluate_button.clicked.connect(self.evaluateRequested)
        self.matrix.cellClicked.connect(self._on_matrix_cell_clicked)
        self.gallery.itemClicked.connect(self._on_gallery_item_clicked)
        self.retranslate()

    def retranslate(self) -> None:
        """Set every text in the current language, re-rendering the ones that show the state."""
        self.evaluate_button.setText(self.tr("Evaluate"))
        self.evaluate_button.setToolTip(self.tr("Evaluate the current model on the 10,000 MNIST test images (Ctrl+E)"))
        self.auto_check.setText(self.tr("After each training run"))
        self.auto_check.setToolTip(self.tr("Evaluate on the whole test set as soon as a training run completes"))
        self.progress.setFormat(self.tr("Evaluating… %p%"))
        self.matrix.setToolTip(self.tr("Rows: the true digit (with its accuracy). Columns: what the model said. "
                                       "Click a cell to see its images."))
        self.gallery.setToolTip(self.tr("Click an image to draw it on the canvas and see its prediction and feature "
                                        "maps"))
        self.legend.setText(self.tr("Rows: the true digit and its accuracy. Columns: what the model said. Blue is "
                                    "right, red wrong (darker, more). Click a cell to see its images."))
        # The column is as wide as its widest unwrappable text needs (a long check box or button in some language).
        fixed = max(self.auto_check.sizeHint().width(), self.evaluate_button.sizeHint().width())
        self.left_box.setFixedWidth(max(LEFT_PX, fixed))
        self._render_summary()
        self._render_gallery_title()
        self._render_note()
        if self._evaluation is not None:
            conf = np.asarray(self._evaluation.confusion)
            for t in range(10):
                for p in range(10):
                    item = self.matrix.item(t, p)
                    if item is not None:
                        item.setToolTip(self._cell_tip(int(conf[t, p]), t, p))
            for r in range(self.gallery.count()):
                item = self.gallery.item(r)
                item.setToolTip(self._image_tip(int(item.data(INDEX_ROLE))))

    # ----------------------------------------------------------------------------------------------------- public
    def set_evaluation(self, evaluation, images: np.ndarray | None, labels: np.ndarray) -> None:
        """Show ``evaluation`` of the test set whose images (n, 28, 28) and labels (n,) it was computed on."""
        self._evaluation, self._images, self._labels = evaluation, images, np.asarray(labels)
        self._stale = False
        self._no_mistakes = False
        self._noted = None
        self.note.clear()
        conf = np.asarray(evaluation.confusion)
        self._render_summary()
        self.progress.hide()
        self.matrix.setVerticalHeaderLabels(
            [f"{d}  {evaluation.per_class_accuracy[d] * 100:.1f} %" for d in range(10)]
        )
        off = conf - np.diag(np.diag(conf))
        max_off = int(off.max())
        for t in range(10):
            for p in range(10):
                count = int(conf[t, p])
                item = QTableWidgetItem(str(count))
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                bg = cell_colour(count, int(conf[t].sum()), t == p, max_off)
                item.setBackground(QBrush(bg))
                item.setForeground(QBrush(QColor(255, 255, 255) if bg.lightnessF() < 0.5 else
                                          QColor(170, 170, 170) if count == 0 else QColor(20, 20, 20)))
                item.setToolTip(self._cell_tip(count, t, p))
                self.matrix.setItem(t, p, item)
        self._fit_matrix()
        if max_off > 0:
            t, p = np.unravel_index(int(off.argmax()), off.shape)
            self.show_cell(int(t), int(p))
        else:
            self._cell = None
            self._no_mistakes = True
            self.gallery.clear()
            self._render_gallery_title()

    def show_cell(self, true_digit: int, predicted_digit: int) -> None:
        """Fill the gallery with the test images of ``true_digit`` read as ``predicted_digit``.

        Mistakes come most confident first; a diagonal cell shows its least confident correct answers.
        """
        ev = self._evaluation
        if ev is None:
            return
        self._cell = (true_digit, predicted_digit)
        self.matrix.setCurrentCell(true_digit, predicted_digit)
        idx = ev.cell(true_digit, predicted_digit, self._labels)
        conf = np.asarray(ev.confidence)[idx]
        order = np.argsort(conf if true_digit == predicted_digit else -conf, kind="stable")
        shown = idx[order][:GALLERY_LIMIT]
        self._cell_sizes = (len(idx), len(shown))
        self._render_gallery_title()
        self.gallery.clear()
        for i in shown:
            i = int(i)
            item = QListWidgetItem(f"{true_digit}→{int(ev.predicted[i])}  {ev.confidence[i] * 100:.0f} %")
            if self._images is not None:
                item.setIcon(QIcon(thumbnail(self._images[i])))
            item.setData(INDEX_ROLE, i)
            item.setToolTip(self._image_tip(i))
            self.gallery.addItem(item)
        self.cellShown.emit(true_digit, predicted_digit)

    def gallery_indices(self) -> list[int]:
        """The test-set indices of the images in the gallery, in order."""
        return [int(self.gallery.item(r).data(INDEX_ROLE)) for r in range(self.gallery.count())]

    def matrix_counts(self) -> np.ndarray:
        """The confusion matrix as the table shows it, (10, 10) ints (zeros before any evaluation)."""
        out = np.zeros((10, 10), dtype=np.int64)
        for t in range(10):
            for p in range(10):
                item = self.matrix.item(t, p)
                out[t, p] = int(item.text()) if item is not None and item.text().isdigit() else 0
        return out

    def mark_stale(self) -> None:
        """The model changed: say that what is shown belongs to the previous one."""
        if self._evaluation is not None and not self._stale:
            self._stale = True
            self._render_summary()

    def current_cell(self) -> tuple[int, int] | None:
        return self._cell

    @Slot(float)
    def set_progress(self, fraction: float) -> None:
        self.progress.setVisible(fraction < 1.0)
        self.progress.setValue(int(round(fraction * 1000)))

    def auto_evaluate(self) -> bool:
        """Whether to evaluate after every completed training run."""
        return self.auto_check.isChecked()

    def set_busy(self, busy: bool) -> None:
        """Disable Evaluate while the engine is training or evaluating."""
        self.evaluate_button.setEnabled(not busy)

    # ----------------------------------------------------------------------------------------------- internals
    def _render_summary(self) -> None:
        ev = self._evaluation
        if ev is None:
            self.summary.setText(self.tr("Not evaluated yet: train a model or press Evaluate."))
            return
        text = self.tr("<b>Test accuracy {accuracy} %</b><br>loss {loss}<br>{mistakes} mistakes in {images} test "
                       "images").format(accuracy=f"{ev.accuracy * 100:.2f}", loss=f"{ev.loss:.4f}",
                                        mistakes=f"{len(ev.mistakes):,}",
                                        images=f"{int(np.asarray(ev.confusion).sum()):,}")
        if self._stale:
            text = self.tr("<i>The model has changed since this evaluation; press Evaluate.</i>") + "<br>" + text
        self.summary.setText(text)

    def _render_gallery_title(self) -> None:
        if self._no_mistakes:
            self.gallery_title.setText(self.tr("No mistakes at all."))
            return
        if self._cell is None or self._evaluation is None:
            self.gallery_title.setText(self.tr("Click a cell of the matrix to see its images."))
            return
        (t, p), (count, shown) = self._cell, self._cell_sizes
        if t == p:
            text = self.tr("<b>{count}</b> test images of a {true} read correctly, least confident first")
        else:
            text = self.tr("<b>{count}</b> test images of a {true} read as {predicted}, most confident first")
        text = text.format(count=count, true=t, predicted=p)
        if shown < count:
            text += self.tr(" (showing {shown})").format(shown=shown)
        self.gallery_title.setText(text)

    def _render_note(self) -> None:
        i, ev = self._noted, self._evaluation
        if i is None or ev is None or self._labels is None:
            return
        self.note.setText(self.tr("On the canvas: test image #{index}, a {true} (the evaluation read it as "
                                  "{predicted}). The canvas re-centres it, so the live answer may differ a little.")
                          .format(index=i, true=int(self._labels[i]), predicted=int(ev.predicted[i])))

    def _cell_tip(self, count: int, t: int, p: int) -> str:
        if t == p:
            return self.tr("{count} test images of a {true} read correctly").format(count=count, true=t)
        return self.tr("{count} test images of a {true} read as {predicted}").format(count=count, true=t, predicted=p)

    def _image_tip(self, i: int) -> str:
        ev = self._evaluation
        return self.tr("Test image #{index}: true {true}, predicted {predicted} with probability {probability}. "
                       "Click to draw it on the canvas.").format(
            index=i, true=int(self._labels[i]), predicted=int(ev.predicted[i]), probability=f"{ev.confidence[i]:.1%}")

    def _fill_empty(self) -> None:
        for t in range(10):
            for p in range(10):
                item = QTableWidgetItem("")
                item.setBackground(QBrush(QColor(245, 245, 245)))
                self.matrix.setItem(t, p, item)
        self._fit_matrix()

    def _fit_matrix(self) -> None:
        self.matrix.resizeColumnsToContents()
        for c in range(10):
            self.matrix.setColumnWidth(c, max(CELL_PX, self.matrix.columnWidth(c)))
        width = self.matrix.verticalHeader().sizeHint().width() + sum(self.matrix.columnWidth(c) for c in range(10))
        height = self.matrix.horizontalHeader().sizeHint().height() + sum(self.matrix.rowHeight(r) for r in range(10))
        self.matrix.setFixedSize(width + 2 * self.matrix.frameWidth(), height + 2 * self.matrix.frameWidth())

    @Slot(int, int)
    def _on_matrix_cell_clicked(self, row: int, column: int) -> None:
        self.show_cell(row, column)

    @Slot(QListWidgetItem)
    def _on_gallery_item_clicked(self, item: QListWidgetItem) -> None:
        i = int(item.data(INDEX_ROLE))
        self._noted = i
        self._render_note()
        self.imageActivated.emit(i)
