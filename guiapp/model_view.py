"""The model summary as a table, like the seed's ``model.summary()``."""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLabel, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget


class ModelSummary(QWidget):
    """Layer, type, output shape and parameters of the current model, with the total (``modelSummary``)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.table = QTableWidget(0, 4)
        self.table.setObjectName("modelSummary")
        self.table.setAccessibleName("modelSummary")
        self.table.setHorizontalHeaderLabels(["Layer", "Type", "Output shape", "Params"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.source_label = QLabel("No model loaded yet")
        self.source_label.setWordWrap(True)
        self.total_label = QLabel("")
        layout = QVBoxLayout(self)
        layout.addWidget(self.source_label)
        layout.addWidget(self.table)
        layout.addWidget(self.total_label)

    def show_model(self, info):
        rows = info.summary
        self.table.setRowCount(len(rows))
        for r, (name, kind, shape, params) in enumerate(rows):
            shape_text = "(None, " + ", ".join(str(d) for d in shape) + ")"
            for c, text in enumerate((name, kind, shape_text, f"{params:,}")):
                self.table.setItem(r, c, QTableWidgetItem(text))
        self.total_label.setText(f"Total params: {info.total_params:,}")
        meta = info.metadata or {}
        source = {"bundled": "Bundled model", "trained": "Trained in this session", "untrained": "Training…"}.get(
            info.source, info.source
        )
        parts = [source]
        if meta.get("recipe"):
            parts.append(f"recipe {meta['recipe']}")
        if meta.get("test_accuracy") is not None:
            parts.append(f"test accuracy {meta['test_accuracy'] * 100:.2f} %")
        if meta.get("epochs"):
            parts.append(f"{meta['epochs']} epochs")
        self.source_label.setText(" · ".join(parts))
