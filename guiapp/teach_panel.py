"""Teach mode: label drawings as samples, browse them, and fine-tune the model on them.

:class:`LabelBar` sits under the canvas (a digit button stores the drawing with that label; so do the keys 0-9 on
the canvas). :class:`TeachPanel` lists the stored samples with delete / relabel / export / import, and runs and
reports fine-tuning. Both only emit intent; the window's controller owns the sample database and the engine.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import numpy as np
from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QSize, Qt, Signal, Slot
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
from guiapp.i18n import RetranslateMixin
from model.finetune import MIN_SAMPLES, FineTuneSettings

ID_ROLE = Qt.ItemDataRole.UserRole  # the sample's id; + 1 its label; + 2 when it was taught (ISO text)
_S = FineTuneSettings()
_MONTHS = (
    QT_TRANSLATE_NOOP("TeachPanel", "Jan"), QT_TRANSLATE_NOOP("TeachPanel", "Feb"),
    QT_TRANSLATE_NOOP("TeachPanel", "Mar"), QT_TRANSLATE_NOOP("TeachPanel", "Apr"),
    QT_TRANSLATE_NOOP("TeachPanel", "May"), QT_TRANSLATE_NOOP("TeachPanel", "Jun"),
    QT_TRANSLATE_NOOP("TeachPanel", "Jul"), QT_TRANSLATE_NOOP("TeachPanel", "Aug"),
    QT_TRANSLATE_NOOP("TeachPanel", "Sep"), QT_TRANSLATE_NOOP("TeachPanel", "Oct"),
    QT_TRANSLATE_NOOP("TeachPanel", "Nov"), QT_TRANSLATE_NOOP("TeachPanel", "Dec"),
)


def _tr(text: str) -> str:
    return QCoreApplication.translate("TeachPanel", text)


def fine_tune_tip() -> str:
    """How fine-tuning works, with the settings' numbers, in the current language (the Fine-tune button's tooltip)."""
    return QCoreApplication.translate(
        "TeachPanel",
        "Continue training a copy of the current model on your samples, mixed with MNIST.\n\n"
        "• {mnist_per_user} MNIST images for each of yours shown (a third of every batch is yours): a few hundred "
        "drawings of one person would otherwise pull the network towards that style alone and it would start "
        "misreading everybody else's.\n"
        "• Each of your samples shown {user_repeats} times an epoch, randomly rotated, shifted and thickened, so "
        "it learns your style rather than your exact pixels.\n"
        "• A low learning rate (Adam, {learning_rate}, a tenth of training's) for {epochs} epochs: the model "
        "is already good and only needs nudging; a high rate would undo what 60,000 images taught it.\n"
        "• {holdout} of your samples (at least one per digit that has two) are held back and never trained "
        "on: the accuracy on them says whether it learned your handwriting or only memorised the samples.\n\n"
        "The current model is kept: 'Revert to previous model' brings it back, and nothing is saved to disk "
        "unless you save."
    ).format(mnist_per_user=_S.mnist_per_user, user_repeats=_S.user_repeats, learning_rate=f"{_S.learning_rate:g}",
             epochs=_S.epochs, holdout=f"{_S.holdout:.0%}")


def _short_date(iso: str) -> str:
    """'2024-05-01T10:30:00+00:00' -> '1 May 12:30' (中文: '5月1日 12:30') in local time (the text as it is if it
    is no date)."""
    try:
        when = dt.datetime.fromisoformat(iso).astimezone()
    except ValueError:
        return iso[:12]
    text = QCoreApplication.translate("TeachPanel", "{day} {month} {time}")
    return text.format(day=when.day, month=_tr(_MONTHS[when.month - 1]), time=f"{when:%H:%M}")


class LabelBar(RetranslateMixin, QWidget):
    """"This drawing is a: 0 1 … 9" buttons; ``labelRequested(int)`` when one is clicked."""

    labelRequested = Signal(int)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("teachBar")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self.caption = QLabel()
        layout.addWidget(self.caption)
        self.buttons = []
        for digit in range(10):
            button = QPushButton(str(digit))
            button.setObjectName(f"teachDigit{digit}")
            button.setFixedWidth(button.fontMetrics().horizontalAdvance("0") + 14)
            button.setProperty("digit", digit)
            button.clicked.connect(self._on_button_clicked)
            layout.addWidget(button)
            self.buttons.append(button)
        layout.addStretch(1)
        self.retranslate()

    def retranslate(self) -> None:
        self.caption.setText(self.tr("Teach:"))
        self.caption.setToolTip(self.tr("Store the drawing as a sample with this label (or press 0-9 on the canvas)"))
        for digit, button in enumerate(self.buttons):
            tip = self.tr("Store this drawing as a {digit} (key {digit} on the canvas)")
            button.setToolTip(tip.format(digit=digit))

    @Slot()
    def _on_button_clicked(self) -> None:
        self.labelRequested.emit(int(self.sender().property("digit")))


class TeachPanel(RetranslateMixin, QWidget):
    """The sample browser and fine-tuning controls.

    Its texts follow a language switch: the samples' captions and the counts are re-rendered from what they show,
    and a status given as a function (see :meth:`show_status`) is asked again. (The results table holds numbers.)

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
        self.samples.setResizeMode(QListView.ResizeMode.Adjust)
        self.samples.setMovement(QListView.Movement.Static)
        self.samples.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.samples.setWordWrap(True)
        self.delete_button = QPushButton()
        self.delete_button.setObjectName("deleteSampleButton")
        self.relabel_combo = QComboBox()
        self.relabel_combo.setObjectName("relabelCombo")
        self.relabel_combo.addItems([str(d) for d in range(10)])
        self.relabel_button = QPushButton()
        self.relabel_button.setObjectName("relabelButton")
        self.export_button = QPushButton()
        self.export_button.setObjectName("exportSamplesButton")
        self.import_button = QPushButton()
        self.import_button.setObjectName("importSamplesButton")

        self.fine_tune_button = QPushButton()
        self.fine_tune_button.setObjectName("fineTuneButton")
        self.revert_button = QPushButton()
        self.revert_button.setObjectName("revertModelButton")
        self.revert_button.setEnabled(False)
        self.fine_tune_progress = QProgressBar()
        self.fine_tune_progress.setObjectName("fineTuneProgress")
        self.fine_tune_progress.setRange(0, 1000)
        self.fine_tune_progress.setFormat("%p%")
        self._status: str | Callable[[], str] | None = None  # None: the hint shown before any fine-tuning
        self.fine_tune_status = QLabel()
        self.fine_tune_status.setObjectName("fineTuneStatus")
        self.fine_tune_status.setWordWrap(True)
        self.fine_tune_status.setMinimumHeight(2 * self.fine_tune_status.fontMetrics().lineSpacing() + 4)
        self.results = QTableWidget(2, 3)
        self.results.setObjectName("fineTuneResults")
        self.results.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.results.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.results.horizontalHeader().setMinimumSectionSize(self.fontMetrics().horizontalAdvance("+100.00 pt") + 8)
        self.results.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.results.verticalHeader().setDefaultSectionSize(22)
        self.results.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

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
        self.tune_box = tune_box = QGroupBox()
        tune_box.setLayout(tune)
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
        self.retranslate()

    def retranslate(self) -> None:
        """Set every text in the current language, re-rendering the counts, captions, status and results."""
        self.delete_button.setText(self.tr("Delete"))
        self.relabel_button.setText(self.tr("Relabel as"))
        self.export_button.setText(self.tr("Export…"))
        self.export_button.setToolTip(self.tr("Save every sample to a .npz file (images, labels, strokes, dates)"))
        self.import_button.setText(self.tr("Import…"))
        self.import_button.setToolTip(self.tr("Add the samples of a .npz file exported by Digit Trainer"))
        self.fine_tune_button.setText(self.tr("Fine-tune on my samples"))
        self.fine_tune_button.setToolTip(fine_tune_tip())
        self.revert_button.setText(self.tr("Revert to previous model"))
        self.revert_button.setToolTip(self.tr("Go back to the model from before the last fine-tuning"))
        self.tune_box.setTitle(self.tr("Fine-tune"))
        self.results.setHorizontalHeaderLabels([self.tr("Before"), self.tr("After"), self.tr("Change")])
        self.results.setVerticalHeaderLabels([self.tr("MNIST test"), self.tr("Your samples")])
        self.results.setToolTip(self.tr("Accuracy of the model before and after fine-tuning, side by side"))
        self.results.setFixedHeight(
            self.results.horizontalHeader().sizeHint().height() + 2 * 22 + 2 * self.results.frameWidth()
        )
        # The box is 420 px wide unless its two buttons need more in this language (the status label wraps).
        buttons = self.fine_tune_button.sizeHint().width() + self.revert_button.sizeHint().width()
        self.tune_box.setFixedWidth(max(420, buttons + 40))
        for r in range(self.samples.count()):
            self._caption(self.samples.item(r))
        self._fit_grid()
        self._update_counts()
        self._render_status()

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

    def show_status(self, text: str | Callable[[], str]) -> None:
        """Show ``text`` under the fine-tuning buttons: a string, or a function that returns it in the current
        language (asked again when the language changes)."""
        self._status = text
        self._render_status()

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
    def _item(self, sample) -> QListWidgetItem:
        item = QListWidgetItem(QIcon(thumbnail(sample.image, 42)), "")
        item.setData(ID_ROLE, int(sample.id))
        item.setData(ID_ROLE + 1, int(sample.label))
        item.setData(ID_ROLE + 2, str(sample.created))
        item.setTextAlignment(Qt.AlignmentFlag.AlignHCenter)
        self._caption(item)
        return item

    def _caption(self, item: QListWidgetItem) -> None:
        """The item's caption (label and date) and tooltip in the current language."""
        created = item.data(ID_ROLE + 2)
        item.setText(f"{item.data(ID_ROLE + 1)}\n{_short_date(created)}")
        item.setToolTip(self.tr("Sample {id}: a {label}, taught {created}").format(
            id=item.data(ID_ROLE), label=item.data(ID_ROLE + 1), created=created))

    def _fit_grid(self) -> None:
        """Grid cells wide enough for the widest date caption in the current language."""
        metrics = self.fontMetrics()
        widest = max(metrics.horizontalAdvance(_short_date(f"2024-{m:02d}-28T00:00:00")) for m in range(1, 13))
        self.samples.setGridSize(QSize(widest + 14, 54 + 2 * metrics.lineSpacing()))

    def _render_status(self) -> None:
        status = self._status
        if status is None:
            text = self.tr("Label at least {count} drawings, then fine-tune. Hover the button for how.").format(
                count=MIN_SAMPLES)
        else:
            text = status() if callable(status) else status
        self.fine_tune_status.setText(text)

    def _selected_ids(self) -> list[int]:
        return [int(item.data(ID_ROLE)) for item in self.samples.selectedItems()]

    def _update_counts(self) -> None:
        counts = np.bincount(self.labels(), minlength=10) if self.samples.count() else np.zeros(10, int)
        per_digit = "  ".join(f"{d}: {n}" for d, n in enumerate(counts))
        self.counts_label.setText(self.tr("<b>{count} samples</b> · {per_digit}").format(
            count=self.samples.count(), per_digit=per_digit))
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
