"""Teach mode: label drawings as samples, browse them, and fine-tune the model on them.

:class:`LabelBar` sits under the canvas (a digit button stores the drawing with that label; so do the keys 0-9 on
the canvas). :class:`TeachPanel` lists the stored samples with delete / relabel / export / import, and runs and
reports fine-tuning. Both only emit intent; the window's controller owns the sample database and the engine.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
from PySide6.QtCore import QSize, Qt, Signal, Slot
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGroupBox,
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

from guiapp.evaluation_view import thumbnail
from model.finetune import FineTuneSettings

ID_ROLE = Qt.ItemDataRole.UserRole
_S = FineTuneSettings()
FINE_TUNE_TIP = (
    "Continue training a copy of the current model on your samples, mixed with MNIST.\n\n"
    f"• {_S.mnist_per_user} MNIST images for each of yours shown (a third of every batch is yours): a few hundred "
    "drawings of one person would otherwise pull the network towards that style alone and it would start "
    "misreading everybody else's.\n"
    f"• Each of your samples shown {_S.user_repeats} times an epoch, randomly rotated, shifted and thickened, so "
    "it learns your style rather than your exact pixels.\n"
    f"• A low learning rate (Adam, {_S.learning_rate:g}, a tenth of training's) for {_S.epochs} epochs: the model "
    "is already good and only needs nudging; a high rate would undo what 60,000 images taught it.\n"
    f"• {_S.holdout:.0%} of your samples (at least one per digit that has two) are held back and never trained "
    "on: the accuracy on them says whether it learned your handwriting or only memorised the samples.\n\n"
    "The current model is kept: 'Revert to previous model' brings it back, and nothing is saved to disk "
    "unless you save."
)


def _short_date(iso: str) -> str:
    """'2024-05-01T10:30:00+00:00' -> '1 May 12:30' in local time (the text as it is if it is no date)."""
    try:
        when = dt.datetime.fromisoformat(iso).astimezone()
    except ValueError:
        return iso[:12]
    return f"{when.day} {when:%b %H:%M}"


class LabelBar(QWidget):
    """"This drawing is a: 0 1 … 9" buttons; ``labelRequested(int)`` when one is clicked."""

    labelRequested = Signal(int)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("teachBar")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        caption = QLabel("Teach:")
        caption.setToolTip("Store the drawing as a sample with this label (or press 0-9 on the canvas)")
        layout.addWidget(caption)
        self.buttons = []
        for digit in range(10):
            button = QPushButton(str(digit))
            button.setObjectName(f"teachDigit{digit}")
            button.setFixedWidth(button.fontMetrics().horizontalAdvance("0") + 14)
            button.setToolTip(f"Store this drawing as a {digit} (key {digit} on the canvas)")
            button.setProperty("digit", digit)
            button.clicked.connect(self._on_button_clicked)
            layout.addWidget(button)
            self.buttons.append(button)
        layout.addStretch(1)

    @Slot()
    def _on_button_clicked(self) -> None:
        self.labelRequested.emit(int(self.sender().property("digit")))


class TeachPanel(QWidget):
    """The sample browser and fine-tuning controls.

    Signals
    -------
    deleteRequested(list)
        Ids of the selected samples to delete.
    relabelRequested(list, int)
        Ids of the selected samples and their new label.
    exportRequested(), importRequested()
        The Export / Import buttons (the window asks for the file).
    fineTuneRequested()
        Fine-tune the current model on the samples.
    revertRequested()
        Bring back the model from before the last fine-tuning.
    """

    deleteRequested = Signal(list)
    relabelRequested = Signal(list, int)
    exportRequested = Signal()
    importRequested = Signal()
    fineTuneRequested = Signal()
    revertRequested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("teachPanel")
        self.counts_label = QLabel()
        self.counts_label.setObjectName("sampleCounts")
        self.counts_label.setWordWrap(True)
        self.samples = QListWidget()
        self.samples.setObjectName("samplesList")
        self.samples.setViewMode(QListView.ViewMode.IconMode)
        self.samples.setIconSize(QSize(42, 42))
        metrics = self.fontMetrics()
        self.samples.setGridSize(QSize(metrics.horizontalAdvance("28 Nov 00:00") + 14, 54 + 2 * metrics.lineSpacing()))
        self.samples.setResizeMode(QListView.ResizeMode.Adjust)
        self.samples.setMovement(QListView.Movement.Static)
        self.samples.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.samples.setWordWrap(True)
        self.delete_button = QPushButton("Delete")
        self.delete_button.setObjectName("deleteSampleButton")
        self.relabel_combo = QComboBox()
        self.relabel_combo.setObjectName("relabelCombo")
        self.relabel_combo.addItems([str(d) for d in range(10)])
        self.relabel_button = QPushButton("Relabel as")
        self.relabel_button.setObjectName("relabelButton")
        self.export_button = QPushButton("Export…")
        self.export_button.setObjectName("exportSamplesButton")
        self.export_button.setToolTip("Save every sample to a .npz file (images, labels, strokes, dates)")
        self.import_button = QPushButton("Import…")
        self.import_button.setObjectName("importSamplesButton")
        self.import_button.setToolTip("Add the samples of a .npz file exported by Digit Trainer")

        self.fine_tune_button = QPushButton("Fine-tune on my samples")
        self.fine_tune_button.setObjectName("fineTuneButton")
        self.fine_tune_button.setToolTip(FINE_TUNE_TIP)
        self.revert_button = QPushButton("Revert to previous model")
        self.revert_button.setObjectName("revertModelButton")
        self.revert_button.setToolTip("Go back to the model from before the last fine-tuning")
        self.revert_button.setEnabled(False)
        self.fine_tune_progress = QProgressBar()
        self.fine_tune_progress.setObjectName("fineTuneProgress")
        self.fine_tune_progress.setRange(0, 1000)
        self.fine_tune_progress.setFormat("%p%")
        self.fine_tune_status = QLabel("Label at least 10 drawings, then fine-tune. Hover the button for how.")
        self.fine_tune_status.setObjectName("fineTuneStatus")
        self.fine_tune_status.setWordWrap(True)
        self.fine_tune_status.setMinimumHeight(2 * self.fine_tune_status.fontMetrics().lineSpacing() + 4)
        self.results = QTableWidget(2, 3)
        self.results.setObjectName("fineTuneResults")
        self.results.setHorizontalHeaderLabels(["Before", "After", "Change"])
        self.results.setVerticalHeaderLabels(["MNIST test", "Your samples"])
        self.results.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.results.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.results.horizontalHeader().setMinimumSectionSize(self.fontMetrics().horizontalAdvance("+100.00 pt") + 8)
        self.results.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.results.verticalHeader().setDefaultSectionSize(22)
        self.results.setFixedHeight(
            self.results.horizontalHeader().sizeHint().height() + 2 * 22 + 2 * self.results.frameWidth()
        )
        self.results.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.results.setToolTip("Accuracy of the model before and after fine-tuning, side by side")

        edit = QHBoxLayout()
        edit.addWidget(self.delete_button)
        edit.addWidget(self.relabel_button)
        edit.addWidget(self.relabel_combo)
        edit.addStretch(1)
        edit.addWidget(self.import_button)
        edit.addWidget(self.export_button)
        browser = QVBoxLayout()
        browser.addWidget(self.counts_label)
        browser.addWidget(self.samples, 1)
        browser.addLayout(edit)
        buttons = QHBoxLayout()
        buttons.addWidget(self.fine_tune_button)
        buttons.addWidget(self.revert_button)
        tune = QVBoxLayout()
        tune.addLayout(buttons)
        tune.addWidget(self.fine_tune_progress)
        tune.addWidget(self.fine_tune_status)
        tune.addWidget(self.results)
        tune.addStretch(1)
        tune_box = QGroupBox("Fine-tune")
        tune_box.setLayout(tune)
        tune_box.setFixedWidth(420)
        layout = QHBoxLayout(self)
        layout.addLayout(browser, 1)
        layout.addWidget(tune_box)

        self.delete_button.clicked.connect(self._on_delete_button_clicked)
        self.relabel_button.clicked.connect(self._on_relabel_button_clicked)
        self.export_button.clicked.connect(self.exportRequested)
        self.import_button.clicked.connect(self.importRequested)
        self.fine_tune_button.clicked.connect(self.fineTuneRequested)
        self.revert_button.clicked.connect(self.revertRequested)
        self.samples.itemSelectionChanged.connect(self._on_samples_selection_changed)
        self.set_samples([])

    # ----------------------------------------------------------------------------------------------------- public
    def set_samples(self, samples: list) -> None:
        """Show ``samples`` (:class:`model.samples.Sample`, oldest first) in the browser."""
        self.samples.clear()
        for sample in samples:
            self.samples.addItem(self._item(sample))
        self.samples.scrollToBottom()
        self._update_counts()

    def add_sample(self, sample) -> None:
        item = self._item(sample)
        self.samples.addItem(item)
        self.samples.scrollToItem(item)
        self._update_counts()

    def sample_ids(self) -> list[int]:
        return [int(self.samples.item(r).data(ID_ROLE)) for r in range(self.samples.count())]

    def labels(self) -> list[int]:
        return [int(self.samples.item(r).data(ID_ROLE + 1)) for r in range(self.samples.count())]

    def select_ids(self, ids) -> None:
        wanted = set(int(i) for i in ids)
        self.samples.clearSelection()
        for r in range(self.samples.count()):
            item = self.samples.item(r)
            item.setSelected(int(item.data(ID_ROLE)) in wanted)

    def set_fine_tune_running(self, running: bool, can_revert: bool | None = None) -> None:
        self.fine_tune_button.setEnabled(not running)
        if running:
            self.revert_button.setEnabled(False)
            self.fine_tune_progress.setValue(0)
        elif can_revert is not None:
            self.revert_button.setEnabled(can_revert)

    def set_revert_available(self, available: bool) -> None:
        self.revert_button.setEnabled(available)

    def show_status(self, text: str) -> None:
        self.fine_tune_status.setText(text)

    @Slot(float)
    def set_progress(self, fraction: float) -> None:
        self.fine_tune_progress.setValue(int(round(fraction * 1000)))

    def show_result(self, result) -> None:
        """Fill the before / after table from a :class:`model.finetune.FineTuneResult`."""
        rows = [(result.mnist_before, result.mnist_after), (result.user_before, result.user_after)]
        for r, (before, after) in enumerate(rows):
            texts = ["–", "–", "–"] if before is None else [
                f"{before * 100:.2f} %", f"{after * 100:.2f} %", f"{(after - before) * 100:+.2f} pt"]
            for c, text in enumerate(texts):
                item = QTableWidgetItem(text)
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                self.results.setItem(r, c, item)
        self.fine_tune_progress.setValue(1000)

    def result_texts(self) -> list[list[str]]:
        return [[(self.results.item(r, c).text() if self.results.item(r, c) else "") for c in range(3)]
                for r in range(2)]

    # ----------------------------------------------------------------------------------------------- internals
    @staticmethod
    def _item(sample) -> QListWidgetItem:
        item = QListWidgetItem(QIcon(thumbnail(sample.image, 42)), f"{sample.label}\n{_short_date(sample.created)}")
        item.setData(ID_ROLE, int(sample.id))
        item.setData(ID_ROLE + 1, int(sample.label))
        item.setToolTip(f"Sample {sample.id}: a {sample.label}, taught {sample.created}")
        item.setTextAlignment(Qt.AlignmentFlag.AlignHCenter)
        return item

    def _selected_ids(self) -> list[int]:
        return [int(item.data(ID_ROLE)) for item in self.samples.selectedItems()]

    def _update_counts(self) -> None:
        counts = np.bincount(self.labels(), minlength=10) if self.samples.count() else np.zeros(10, int)
        per_digit = "  ".join(f"{d}: {n}" for d, n in enumerate(counts))
        self.counts_label.setText(f"<b>{self.samples.count()} samples</b> · {per_digit}")
        self._on_samples_selection_changed()

    @Slot()
    def _on_samples_selection_changed(self) -> None:
        selected = bool(self.samples.selectedItems())
        self.delete_button.setEnabled(selected)
        self.relabel_button.setEnabled(selected)

    @Slot()
    def _on_delete_button_clicked(self) -> None:
        ids = self._selected_ids()
        if ids:
            self.deleteRequested.emit(ids)

    @Slot()
    def _on_relabel_button_clicked(self) -> None:
        ids = self._selected_ids()
        if ids:
            self.relabelRequested.emit(ids, self.relabel_combo.currentIndex())
