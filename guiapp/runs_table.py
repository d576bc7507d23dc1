"""The training panel's table of runs: settings, epochs, test and validation accuracy, one row per run.

Each row is kept as what it shows (the run's settings, its epochs, its state or accuracy), so that a language switch
fills it again in the new language.
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem

from guiapp.i18n import RetranslateMixin

# The runs table's columns; "Val. acc." is the newest epoch's validation accuracy, "Test acc." the run's result.
RUN_COLUMNS = (
    "#", QT_TRANSLATE_NOOP("RunsTable", "Settings"), QT_TRANSLATE_NOOP("RunsTable", "Epochs"),
    QT_TRANSLATE_NOOP("RunsTable", "Test acc."), QT_TRANSLATE_NOOP("RunsTable", "Val. acc."),
)
# What the "Test acc." column says of a run without a test accuracy.
RUN_STATES = {
    "running": QT_TRANSLATE_NOOP("RunsTable", "running…"),
    "failed": QT_TRANSLATE_NOOP("RunsTable", "failed"),
    "stopped": QT_TRANSLATE_NOOP("RunsTable", "stopped"),
}


def _tr(text: str) -> str:
    return QCoreApplication.translate("RunsTable", text)


class RunsTable(RetranslateMixin, QTableWidget):
    """One row per run (``runsTable``); the "Test acc." column says "running…", "failed" or "stopped" until the
    run's test accuracy is known."""

    def __init__(self, parent=None):
        super().__init__(0, len(RUN_COLUMNS), parent)
        self._runs: dict[int, dict] = {}
        self.verticalHeader().setVisible(False)
        self.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.setWordWrap(True)
        self.setTextElideMode(Qt.ElideNone)
        # Every column fits its contents (the settings on short lines), so nothing is ever cut: a dock too
        # narrow for them scrolls the table sideways. (No stretched last column: with resize-to-contents it kept
        # a width it once had and pushed the table into a sideways scroll.)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
        self.setMinimumHeight(110)
        self.retranslate()

    def retranslate(self) -> None:
        self.setHorizontalHeaderLabels([_tr(text) for text in RUN_COLUMNS])
        for run in self._runs:
            self._show_run(run)

    def add_run(self, run: int, cfg):
        """A new row for run ``run`` with ``cfg``'s settings; its test accuracy says it is running."""
        row = self.rowCount()
        self.insertRow(row)
        self._runs[run] = {"row": row, "cfg": cfg, "epochs": f"0/{cfg.epochs}", "acc": "running", "val": "–"}
        for col in range(len(RUN_COLUMNS)):
            item = QTableWidgetItem()
            item.setTextAlignment(Qt.AlignLeft | Qt.AlignVCenter)
            self.setItem(row, col, item)
        self._show_run(run)
        self.scrollToBottom()

    def _show_run(self, run: int) -> None:
        """Fill run ``run``'s row from what is known of it, in the current language."""
        state = self._runs[run]
        cfg = state["cfg"]
        lines = [
            self.tr("{recipe}, {optimizer}").format(recipe=cfg.recipe, optimizer=cfg.optimizer),
            self.tr("lr={lr}").format(lr=f"{cfg.lr():g}"),
            self.tr("batch {batch}").format(batch=cfg.batch_size),
        ]
        if cfg.limit_train:
            lines.append(self.tr("{n} images").format(n=f"{cfg.limit_train:,}"))
        acc = state["acc"]
        texts = [str(run), "\n".join(lines), state["epochs"], _tr(RUN_STATES[acc]) if acc in RUN_STATES else acc,
                 state["val"]]
        for col, text in enumerate(texts):
            item = self.item(state["row"], col)
            item.setText(text)
            item.setToolTip(self.tr(", ").join(lines))

    def update_run(self, run: int, epochs_text: str, acc_text: str, val_text: str | None = None):
        """Show ``run``'s epochs and test accuracy: a percentage, or "running", "failed" or "stopped"."""
        if run not in self._runs:
            return
        state = self._runs[run]
        state["epochs"], state["acc"] = epochs_text, acc_text
        if val_text is not None:
            state["val"] = val_text
        self._show_run(run)
