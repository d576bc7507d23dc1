"""The Runs view's table (``runsTable``): one row per run, this session's and past sessions', sortable, tickable.

Each row is kept as what it shows (the run's settings, its epochs, its state or accuracy, its history figures), so
that a language switch fills it again in the new language. A row with a run-history id can be ticked (its curves
are overlaid on the plots) and selected (to open its model or delete it).
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem

from guiapp.i18n import RetranslateMixin

# "Val. acc." is the newest epoch's validation accuracy, "Test acc." the run's result.
RUN_COLUMNS = (
    "#", QT_TRANSLATE_NOOP("RunsTable", "Settings"), QT_TRANSLATE_NOOP("RunsTable", "Epochs"),
    QT_TRANSLATE_NOOP("RunsTable", "Test acc."), QT_TRANSLATE_NOOP("RunsTable", "Val. acc."),
    QT_TRANSLATE_NOOP("RunsTable", "Duration"), QT_TRANSLATE_NOOP("RunsTable", "Device"),
    QT_TRANSLATE_NOOP("RunsTable", "Started"), QT_TRANSLATE_NOOP("RunsTable", "Model file"),
)
# What the "Test acc." column says of a run without a test accuracy.
RUN_STATES = {
    "running": QT_TRANSLATE_NOOP("RunsTable", "running…"),
    "failed": QT_TRANSLATE_NOOP("RunsTable", "failed"),
    "stopped": QT_TRANSLATE_NOOP("RunsTable", "stopped"),
    "interrupted": QT_TRANSLATE_NOOP("RunsTable", "interrupted"),
}
SORT_ROLE = Qt.UserRole + 1
# Shown from the header's context menu: at the dock's default width the first five columns fit without scrolling.
EXTRA_COLUMNS = range(5, len(RUN_COLUMNS))


def _tr(text: str) -> str:
    return QCoreApplication.translate("RunsTable", text)


class _Item(QTableWidgetItem):
    """Sorts by the value kept in SORT_ROLE (numbers as numbers), not by the text shown."""

    def __lt__(self, other):
        a, b = self.data(SORT_ROLE), other.data(SORT_ROLE)
        if isinstance(a, (int, float)) and isinstance(b, (int, float)):
            return a < b
        return str(a if a is not None else "") < str(b if b is not None else "")


class RunsTable(RetranslateMixin, QTableWidget):
    """One row per run; "Test acc." says "running…", "failed", "stopped" or "interrupted" until a test accuracy is
    known. ``tickedChanged(list)`` gives the run-history ids of the ticked rows."""

    tickedChanged = Signal(list)

    def __init__(self, parent=None):
        super().__init__(0, len(RUN_COLUMNS), parent)
        self._rows: list[dict] = []  # each row's state, with its "#" item (rows move when sorted)
        self._filling = False
        self.verticalHeader().setVisible(False)
        self.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.setSelectionMode(QAbstractItemView.SingleSelection)
        self.setWordWrap(True)
        self.setTextElideMode(Qt.ElideNone)
        # Every column fits its contents, so nothing is ever cut: a dock too narrow scrolls the table sideways.
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeToContents)
        header.setSectionsClickable(True)
        # Sorted on a click, without Qt's sort arrow: it widens every column and pushed the table into a sideways
        # scroll at the dock's default width.
        self._sorted: tuple[int, Qt.SortOrder] | None = None
        header.sectionClicked.connect(self._on_header_section_clicked)
        header.setContextMenuPolicy(Qt.ActionsContextMenu)
        self._column_actions = []
        for column in EXTRA_COLUMNS:
            action = QAction(self)
            action.setCheckable(True)
            action.toggled.connect(lambda shown, c=column: self.setColumnHidden(c, not shown))
            header.addAction(action)
            self._column_actions.append((column, action))
            self.setColumnHidden(column, True)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
        self.setMinimumHeight(110)
        self.itemChanged.connect(self._on_item_changed)
        self.retranslate()

    def retranslate(self) -> None:
        self.setHorizontalHeaderLabels([_tr(text) for text in RUN_COLUMNS])
        for column, action in self._column_actions:
            action.setText(_tr(RUN_COLUMNS[column]))
        for state in self._rows:
            self._show(state)

    # Rows --------------------------------------------------------------------------------------------------------
    def _new_row(self, state: dict) -> dict:
        row = self.rowCount()
        self.insertRow(row)
        for col in range(len(RUN_COLUMNS)):
            item = _Item()
            item.setTextAlignment(Qt.AlignLeft | Qt.AlignVCenter)
            self.setItem(row, col, item)
        state["item"] = self.item(row, 0)
        self._rows.append(state)
        self._set_id(state, state.get("id"))
        self._show(state)
        return state

    def _set_id(self, state: dict, history_id: int | None) -> None:
        state["id"] = history_id
        item = state["item"]
        self._filling = True
        if history_id is None:
            item.setFlags(item.flags() & ~Qt.ItemIsUserCheckable)
        else:
            item.setFlags(item.flags() | Qt.ItemIsUserCheckable)
            item.setCheckState(Qt.Unchecked)
        self._filling = False

    def add_run(self, run: int, cfg):
        """A new row for this session's run ``run`` with ``cfg``'s settings; its test accuracy says it is running."""
        settings = {"recipe": cfg.recipe, "optimizer": cfg.optimizer, "learning_rate": cfg.lr(),
                    "batch_size": cfg.batch_size, "limit_train": cfg.limit_train}
        self._new_row({"run": run, "label": str(run), "settings": settings, "epochs": f"0/{cfg.epochs}",
                       "acc": "running", "val": "–", "duration": None, "device": "", "started": "", "model": ""})
        self.scrollToBottom()

    def add_record(self, record, label: str | None = None):
        """A row for a run of the history (a model.history.RunRecord), e.g. from a past session."""
        self._new_row({"run": None, "id": record.id, "label": label or f"h{record.id}", "epochs": "",
                       "acc": record.status, "val": "–"})
        self.update_record(record)

    def link(self, run: int, history_id: int) -> None:
        """This session's run ``run`` is ``history_id`` in the run history (it can be ticked and opened)."""
        state = self._find(run=run)
        if state is not None:
            self._set_id(state, history_id)

    def update_record(self, record) -> None:
        """Show what the history knows of ``record``'s run."""
        state = self._find(id=record.id)
        if state is None:
            return
        acc = f"{record.test_accuracy * 100:.2f} %" if record.test_accuracy is not None else record.status
        state.update(settings=record.settings, epochs=f"{record.epochs_done}/{record.epochs_planned}", acc=acc,
                     val="–" if record.val_accuracy is None else f"{record.val_accuracy * 100:.2f} %",
                     duration=record.seconds, device=record.device, started=record.started.replace("T", " "),
                     model=record.model_path)
        self._show(state)

    def update_run(self, run: int, epochs_text: str, acc_text: str, val_text: str | None = None):
        """Show ``run``'s epochs and test accuracy: a percentage, or "running", "failed" or "stopped"."""
        state = self._find(run=run)
        if state is None:
            return
        state["epochs"], state["acc"] = epochs_text, acc_text
        if val_text is not None:
            state["val"] = val_text
        self._show(state)

    def remove_record(self, history_id: int) -> None:
        state = self._find(id=history_id)
        if state is not None:
            self._rows.remove(state)
            self.removeRow(state["item"].row())

    def _find(self, **key) -> dict | None:
        (name, value), = key.items()
        return next((s for s in self._rows if s.get(name) == value and value is not None), None)

    def _show(self, state: dict) -> None:
        """Fill a row from what is known of its run, in the current language."""
        s = state.get("settings") or {}
        lines = [
            self.tr("{recipe}, {optimizer}").format(recipe=s.get("recipe", "?"), optimizer=s.get("optimizer", "?")),
            self.tr("lr={lr}").format(lr=f"{s.get('learning_rate', 0):g}"),
            self.tr("batch {batch}").format(batch=s.get("batch_size", "?")),
        ]
        if s.get("limit_train"):
            lines.append(self.tr("{n} images").format(n=f"{s['limit_train']:,}"))
        acc = state["acc"]
        seconds = state.get("duration")
        duration = "" if seconds is None else self.tr("{seconds} s").format(seconds=f"{seconds:.0f}")
        texts = [state["label"], "\n".join(lines), state["epochs"], _tr(RUN_STATES[acc]) if acc in RUN_STATES
                 else acc, state["val"], duration, state.get("device", ""), state.get("started", ""),
                 state.get("model", "")]
        keys = [state.get("id") or 0, texts[1], texts[2], _number(acc), _number(state["val"]), seconds or 0.0,
                texts[6], texts[7], texts[8]]
        row = state["item"].row()
        sorting, self._filling = self._filling, True
        for col, (text, key) in enumerate(zip(texts, keys)):
            item = self.item(row, col)
            item.setText(text)
            item.setData(SORT_ROLE, key)
            item.setToolTip(self.tr(", ").join(lines))
        self._filling = sorting

    # What is ticked and selected ---------------------------------------------------------------------------------
    def ticked(self) -> list[int]:
        """The run-history ids of the ticked rows, in row order."""
        return [s["id"] for s in sorted(self._rows, key=lambda s: s["item"].row())
                if s["id"] is not None and s["item"].checkState() == Qt.Checked]

    def set_ticked(self, history_id: int, ticked: bool) -> None:
        state = self._find(id=history_id)
        if state is not None:
            state["item"].setCheckState(Qt.Checked if ticked else Qt.Unchecked)

    def selected_id(self) -> int | None:
        rows = {index.row() for index in self.selectedIndexes()}
        return next((s["id"] for s in self._rows if s["item"].row() in rows), None)

    def model_path(self, history_id: int) -> str:
        state = self._find(id=history_id)
        return "" if state is None else state.get("model", "")

    def _on_item_changed(self, item):
        if not self._filling and item.column() == 0:
            self.tickedChanged.emit(self.ticked())

    def sort_by(self, column: int, order: Qt.SortOrder) -> None:
        self._sorted = (column, order)
        self.sortItems(column, order)

    def _on_header_section_clicked(self, column: int):
        ascending = self._sorted != (column, Qt.AscendingOrder)
        self.sort_by(column, Qt.AscendingOrder if ascending else Qt.DescendingOrder)


def _number(text: str):
    """A percentage's value for sorting (-1 for a state such as "running")."""
    try:
        return float(text.rstrip(" %"))
    except (AttributeError, ValueError):
        return -1.0
