"""The model summary as a table, like the seed's ``model.summary()``."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLabel, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget

from guiapp.i18n import RetranslateMixin

HEADERS = (QT_TRANSLATE_NOOP("ModelSummary", "Layer"), QT_TRANSLATE_NOOP("ModelSummary", "Type"),
           QT_TRANSLATE_NOOP("ModelSummary", "Output shape"), QT_TRANSLATE_NOOP("ModelSummary", "Params"))
SOURCES = {  # where the model in use came from; another source (a file's path) is shown as it is
    "bundled": QT_TRANSLATE_NOOP("ModelSummary", "Bundled model"),
    "trained": QT_TRANSLATE_NOOP("ModelSummary", "Trained in this session"),
    "untrained": QT_TRANSLATE_NOOP("ModelSummary", "Training…"),
    "fine-tuned": QT_TRANSLATE_NOOP("ModelSummary", "Fine-tuned on your samples"),
}


class ModelSummary(RetranslateMixin, QWidget):
    """Layer, type, output shape and parameters of the current model, with the total (``modelSummary``)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._info = None
        self.table = QTableWidget(0, 4)
        self.table.setObjectName("modelSummary")
        self.table.setAccessibleName("modelSummary")
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.source_label = QLabel()
        self.source_label.setWordWrap(True)
        self.total_label = QLabel("")
        layout = QVBoxLayout(self)
        layout.addWidget(self.source_label)
        layout.addWidget(self.table)
        layout.addWidget(self.total_label)
        self.retranslate()

    def retranslate(self) -> None:
        """Headers, total and the model's source in the current language."""
        self.table.setHorizontalHeaderLabels([QCoreApplication.translate("ModelSummary", h) for h in HEADERS])
        if self._info is None:
            self.source_label.setText(self.tr("No model loaded yet"))
        else:
            self._show_texts(self._info)

    def show_model(self, info):
        self._info = info
        rows = info.summary
        self.table.setRowCount(len(rows))
        for r, (name, kind, shape, params) in enumerate(rows):
            shape_text = "(None, " + ", ".join(str(d) for d in shape) + ")"
            for c, text in enumerate((name, kind, shape_text, f"{params:,}")):
                self.table.setItem(r, c, QTableWidgetItem(text))
        self._show_texts(info)

    def _show_texts(self, info) -> None:
        self.total_label.setText(self.tr("Total params: {count}").format(count=f"{info.total_params:,}"))
        meta = info.metadata or {}
        source = info.source
        parts = [QCoreApplication.translate("ModelSummary", SOURCES[source]) if source in SOURCES else source]
        if meta.get("recipe"):
            parts.append(self.tr("recipe {recipe}").format(recipe=meta["recipe"]))
        if meta.get("test_accuracy") is not None:
            parts.append(self.tr("test accuracy {accuracy} %").format(accuracy=f"{meta['test_accuracy'] * 100:.2f}"))
        if meta.get("epochs"):
            parts.append(self.tr("{epochs} epochs").format(epochs=meta["epochs"]))
        self.source_label.setText(" · ".join(parts))
