"""The Runs view (``runHistory``): every recorded run in a table, with overlay ticks, open, delete and CSV export.

:class:`RunHistoryView` is a view: it emits intent (open a model, delete a run, export the table) and takes
setters. :class:`HistoryController` records the window's runs in the run history (model/history.py) from the
Controller's signals, on the GUI thread, where the view reads the same database; it fills the view and overlays
ticked runs' curves on the plots. The engine thread never touches the database, so one connection serves both.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QObject, QStandardPaths, Signal, Slot
from PySide6.QtWidgets import QFileDialog, QLabel, QMessageBox, QPushButton, QVBoxLayout, QWidget

from guiapp.flow_layout import FlowLayout
from guiapp.i18n import RetranslateMixin, message_for
from guiapp.runs_table import RunsTable
from model.errors import DigitTrainerError
from model.history import HISTORY_ENV, RunHistory


def default_app_history_path() -> Path:
    """``$DIGIT_TRAINER_HISTORY`` if set, else ``history.sqlite`` in the user's data folder (AppDataLocation)."""
    if os.environ.get(HISTORY_ENV):
        return Path(os.environ[HISTORY_ENV])
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    return Path(folder) / "history.sqlite"


class RunHistoryView(RetranslateMixin, QWidget):
    """The table (``runsTable``) and its buttons. Signals: ``openModelRequested(path)``, ``deleteRequested(id)``
    (after the user confirmed), ``exportRequested(path)``; ``table.tickedChanged(ids)`` for the overlays."""

    openModelRequested = Signal(str)
    deleteRequested = Signal(int)
    exportRequested = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("runHistory")
        self.table = RunsTable()
        self.table.setObjectName("runsTable")
        self.table.setAccessibleName("runsTable")
        self.open_button = QPushButton()
        self.open_button.setObjectName("runOpenModelButton")
        self.delete_button = QPushButton()
        self.delete_button.setObjectName("runDeleteButton")
        self.export_button = QPushButton()
        self.export_button.setObjectName("runExportButton")
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setVisible(False)
        buttons = FlowLayout()  # the buttons wrap in a narrow dock instead of widening it
        for button in (self.open_button, self.delete_button, self.export_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        self._status_text = None
        self.open_button.clicked.connect(self._on_open_button_clicked)
        self.delete_button.clicked.connect(self._on_delete_button_clicked)
        self.export_button.clicked.connect(self._on_export_button_clicked)
        self.table.itemSelectionChanged.connect(self._on_table_item_selection_changed)
        self._on_table_item_selection_changed()
        self.retranslate()

    def retranslate(self) -> None:
        self.open_button.setText(self.tr("Open model"))
        self.open_button.setToolTip(self.tr("Open the model file saved from the selected run"))
        self.delete_button.setText(self.tr("Delete run…"))
        self.export_button.setText(self.tr("Export CSV…"))
        if self._status_text is not None:
            self.status.setText(self._status_text())

    # The table's API, as the training panel uses it ---------------------------------------------------------------
    def add_run(self, run: int, cfg):
        self.table.add_run(run, cfg)

    def update_run(self, run: int, epochs_text: str, acc_text: str, val_text: str | None = None):
        self.table.update_run(run, epochs_text, acc_text, val_text)

    # Setters ----------------------------------------------------------------------------------------------------
    def show_error(self, text) -> None:
        """Show a problem under the table; ``text`` is a callable giving it in the current language (or None)."""
        self._status_text = text
        self.status.setVisible(text is not None)
        if text is not None:
            self.status.setText(text())

    # Intent -----------------------------------------------------------------------------------------------------
    def confirm_delete(self, history_id: int) -> bool:
        answer = QMessageBox.question(
            self, self.tr("Delete run"),
            self.tr("Delete run {run} and its curves from the run history? Its model file is kept.").format(
                run=history_id),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Cancel)
        return answer == QMessageBox.StandardButton.Yes

    def request_delete(self, history_id: int) -> None:
        if self.confirm_delete(history_id):
            self.deleteRequested.emit(history_id)

    @Slot()
    def _on_open_button_clicked(self):
        history_id = self.table.selected_id()
        if history_id is not None and self.table.model_path(history_id):
            self.openModelRequested.emit(self.table.model_path(history_id))

    @Slot()
    def _on_delete_button_clicked(self):
        history_id = self.table.selected_id()
        if history_id is not None:
            self.request_delete(history_id)

    @Slot()
    def _on_export_button_clicked(self):
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export runs as CSV"), "runs.csv",
                                              self.tr("CSV files (*.csv)"))
        if path:
            self.exportRequested.emit(path)

    @Slot()
    def _on_table_item_selection_changed(self):
        history_id = self.table.selected_id()
        self.delete_button.setEnabled(history_id is not None)
        self.open_button.setEnabled(history_id is not None and bool(self.table.model_path(history_id)))


class HistoryController(QObject):
    """Records the window's runs and serves the Runs view; see the module docstring.

    ``open_model``: what opening a run's model calls (the window's ``open_model``).
    """

    def __init__(self, controller, plots, view: RunHistoryView, open_model=None, history: RunHistory | None = None,
                 parent=None):
        super().__init__(parent)
        self.controller, self.plots, self.view = controller, plots, view
        self.history = history or RunHistory(default_app_history_path())
        self._runs: dict[int, int] = {}  # this session's run number -> history id
        self._model_run: int | None = None  # the history id of the run whose model is in use
        self._overlaid: dict = {}  # history id -> model.history.RunCurves of the ticked runs
        try:
            for record in self.history.runs():
                view.table.add_record(record)
        except DigitTrainerError as exc:
            self._fail(exc)
        c = controller
        c.runStarted.connect(self._on_controller_run_started)
        c.batchEnded.connect(self._on_controller_batch_ended)
        c.epochEnded.connect(self._on_controller_epoch_ended)
        c.runFinished.connect(self._on_controller_run_finished)
        c.saved.connect(self._on_controller_saved)
        c.modelChanged.connect(self._on_controller_model_changed)
        view.table.tickedChanged.connect(self._on_table_ticked_changed)
        view.deleteRequested.connect(self._on_view_delete_requested)
        view.exportRequested.connect(self._on_view_export_requested)
        if open_model is not None:
            view.openModelRequested.connect(open_model)

    def _fail(self, exc: DigitTrainerError) -> None:
        self.view.show_error(lambda: message_for(exc))
        self.history = None  # nothing more is recorded this session; training goes on

    def _current(self) -> int | None:
        return self._runs.get(self.controller.run)

    def _refresh(self, history_id: int) -> None:
        record = self.history.run(history_id) if self.history else None
        if record is not None:
            self.view.table.update_record(record)

    def _do(self, work) -> None:
        if self.history is None:
            return
        try:
            work()
        except DigitTrainerError as exc:
            self._fail(exc)

    @Slot(int, object)
    def _on_controller_run_started(self, run: int, cfg):
        def start():
            self._runs[run] = self.history.start_run(cfg, "app")
            self.view.table.link(run, self._runs[run])
        self._do(start)

    @Slot(object)
    def _on_controller_batch_ended(self, report):
        if self._current() is not None:
            self._do(lambda: self.history.add_batch(self._current(), report))

    @Slot(object)
    def _on_controller_epoch_ended(self, report):
        if self._current() is not None:
            self._do(lambda: self.history.add_epoch(self._current(), report))

    @Slot(int, object)
    def _on_controller_run_finished(self, run: int, result):
        history_id = self._runs.get(run)
        if history_id is None:
            return
        self._do(lambda: self.history.finish_run(history_id, result))
        self._model_run = history_id if result is not None and result.epochs_done else None
        self._refresh(history_id)

    @Slot(object)
    def _on_controller_model_changed(self, info):
        if info is None or info.source != "trained":
            self._model_run = None

    @Slot(str)
    def _on_controller_saved(self, path: str):
        if self._model_run is not None:
            history_id = self._model_run
            self._do(lambda: self.history.set_model_path(history_id, path))
            self._refresh(history_id)

    @Slot(list)
    def _on_table_ticked_changed(self, ids: list):
        if self.history is None:
            return
        # A tick reads only the newly ticked run's curves; the ones already overlaid are kept (unticking forgets them).
        self._overlaid = {i: curves for i, curves in self._overlaid.items() if i in ids}
        try:
            for history_id in ids:
                if history_id not in self._overlaid:
                    self._overlaid[history_id] = self.history.curves(history_id)
        except DigitTrainerError as exc:
            self._fail(exc)
        self.plots.show_overlays({i: (str(i), curves) for i, curves in self._overlaid.items()})

    @Slot(int)
    def _on_view_delete_requested(self, history_id: int):
        self._do(lambda: self.history.delete(history_id))
        self.view.table.remove_record(history_id)
        self._on_table_ticked_changed(self.view.table.ticked())

    @Slot(str)
    def _on_view_export_requested(self, path: str):
        if self.history is None:
            return
        try:
            self.history.export_csv(path)
        except DigitTrainerError as exc:
            error = exc
            self.view.show_error(lambda: message_for(error))
        else:
            self.view.show_error(None)
