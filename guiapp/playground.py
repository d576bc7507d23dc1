"""The convolution playground: step a kernel or a pooling window over a small grid, one output cell at a time.

All arithmetic comes from :mod:`model.playground` (numpy, checked against Keras). The view shows the input (with its
zero padding), the kernel and the output, highlights the current window and output cell, and writes out the
multiply-add for that cell.

Its narration is in the app's language (texts and grids in :mod:`guiapp.playground_parts`). A language switch
re-renders every text from the state (lesson, step, edits, Play) without changing it.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from guiapp.i18n import RetranslateMixin
from guiapp.playground_parts import (
    PAD_TEXT,
    PADDING,
    WINDOW,
    WINDOW_PAD,
    fit_grid,
    formula_text,
    make_grid,
    named,
    parse_number,
    translated,
)
from model.playground import CASES, Case, Step, fmt

STEP_MS = 600


class ConvPlayground(RetranslateMixin, QWidget):
    """Pick a lesson (valid, same, stride 2, max/avg/sum pooling) and step its window with Next / Previous / Play.

    Keyboard: Right or Space steps forward, Left steps back. Emits ``stepChanged(int)`` with the 0-based step.
    """

    stepChanged = Signal(int)

    def __init__(self, parent=None):
        super().__init__(parent)
        named(self, "convPlayground")
        self.setFocusPolicy(Qt.StrongFocus)
        self._case: Case = CASES[0]
        self._x = np.zeros((1, 1))
        self._k = None
        self._steps: list[Step] = []
        self._output = np.zeros((1, 1))
        self._index = 0
        self._filling = False
        self._message = None  # what the last edit went wrong with: (problem text, table, row, column, old value)

        self.case_combo = named(QComboBox(), "playgroundCaseCombo")
        for c in CASES:
            self.case_combo.addItem(translated(c.title), c.key)
        self.lesson_label = QLabel()
        self.lesson_label.setWordWrap(True)
        self.formula_label = named(QLabel(), "playgroundFormula")
        self.formula_label.setWordWrap(True)
        self.formula_label.setTextInteractionFlags(Qt.TextSelectableByMouse)

        self.input_table = make_grid("playgroundInput")
        self.kernel_table = make_grid("playgroundKernel")
        self.pool_label = QLabel()
        self.pool_label.setAlignment(Qt.AlignCenter)
        self.output_table = make_grid("playgroundOutput")
        self.output_table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.output_table.setFocusPolicy(Qt.NoFocus)
        self.input_title, self.kernel_title, self.output_title = QLabel(), QLabel(), QLabel()
        self.operator_label = QLabel("⊛")
        grids = QGridLayout()
        grids.addWidget(self.input_title, 0, 0)
        grids.addWidget(self.kernel_title, 0, 2)
        grids.addWidget(self.output_title, 0, 4)
        grids.addWidget(self.input_table, 1, 0, Qt.AlignTop)
        grids.addWidget(self.operator_label, 1, 1, Qt.AlignCenter)
        grids.addWidget(self.kernel_table, 1, 2, Qt.AlignTop)
        grids.addWidget(self.pool_label, 1, 2, Qt.AlignTop)
        grids.addWidget(QLabel("="), 1, 3, Qt.AlignCenter)
        grids.addWidget(self.output_table, 1, 4, Qt.AlignTop)
        grids.setColumnStretch(5, 1)

        self.step_label = named(QLabel(), "playgroundStepText")
        self.step_label.setWordWrap(True)
        self.step_label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        font = self.step_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.1)
        self.step_label.setFont(font)
        self.message_label = named(QLabel(), "playgroundMessage")
        self.message_label.setWordWrap(True)
        self.message_label.setStyleSheet("color: #c62828;")
        self.message_label.hide()

        self.prev_button = self._button("playgroundPrevButton")
        self.next_button = self._button("playgroundNextButton")
        self.play_button = self._button("playgroundPlayButton")
        self.play_button.setCheckable(True)
        self.reset_button = self._button("playgroundResetButton")
        self.restore_button = self._button("playgroundRestoreButton")
        buttons = QHBoxLayout()
        for b in (self.prev_button, self.next_button, self.play_button, self.reset_button, self.restore_button):
            buttons.addWidget(b)
        buttons.addStretch(1)

        self.timer = QTimer(self)
        self.timer.setInterval(STEP_MS)

        layout = QVBoxLayout(self)
        layout.addWidget(self.case_combo)
        layout.addWidget(self.lesson_label)
        layout.addWidget(self.formula_label)
        layout.addLayout(grids)
        layout.addWidget(self.step_label)
        layout.addWidget(self.message_label)
        layout.addLayout(buttons)
        layout.addStretch(1)

        self.case_combo.currentIndexChanged.connect(self._on_case_combo_changed)
        self.input_table.itemChanged.connect(self._on_input_item_changed)
        self.kernel_table.itemChanged.connect(self._on_kernel_item_changed)
        self.prev_button.clicked.connect(self.previous_step)
        self.next_button.clicked.connect(self.next_step)
        self.play_button.toggled.connect(self._on_play_toggled)
        self.reset_button.clicked.connect(self.reset)
        self.restore_button.clicked.connect(self._on_restore_clicked)
        self.timer.timeout.connect(self._on_timer_timeout)
        self.retranslate()
        self.set_case(CASES[0].key)

    def retranslate(self):
        """Every text in the current language, re-rendered from the state: the lesson, the step, the edits and
        Play stay as they are."""
        self.prev_button.setText(self.tr("◀ Previous"))
        self.prev_button.setToolTip(self.tr("Step back one output cell (Left)"))
        self.next_button.setText(self.tr("Next ▶"))
        self.next_button.setToolTip(self.tr("Step to the next cell (Right, Space)"))
        self.play_button.setToolTip(self.tr("Step automatically"))
        self.reset_button.setText(self.tr("Reset"))
        self.reset_button.setToolTip(self.tr("Back to the first output cell"))
        self.restore_button.setText(self.tr("Original numbers"))
        self.restore_button.setToolTip(self.tr("Undo your edits"))
        self._set_play_text()
        for i, c in enumerate(CASES):
            self.case_combo.setItemText(i, translated(c.title))
        if self._steps:  # not before the first lesson is loaded
            self._write_titles()
            self._filling = True  # a new tooltip emits itemChanged too
            for table in (self.input_table, self.kernel_table):
                for r in range(table.rowCount()):
                    for col in range(table.columnCount()):
                        item = table.item(r, col)
                        if item is not None:
                            item.setToolTip(self._cell_tip(bool(item.flags() & Qt.ItemIsEditable)))
            self._filling = False
            self._write_step()
            self._render_message()

    def _button(self, name: str) -> QPushButton:
        button = named(QPushButton(), name)
        button.setFocusPolicy(Qt.NoFocus)  # keeps Space and the arrows for stepping
        return button

    def _set_play_text(self):
        self.play_button.setText(self.tr("Pause") if self.play_button.isChecked() else self.tr("Play"))

    # Public API ----------------------------------------------------------------------------------------------
    def set_case(self, key: str):
        """Show the lesson ``key`` (valid, same, stride2, max, avg, sum) with its own numbers, at the first step."""
        index = self.case_combo.findData(key)
        if index < 0:
            raise KeyError(f"No playground case {key!r}.")
        if index == self.case_combo.currentIndex():
            self._load(CASES[index])
        else:
            self.case_combo.setCurrentIndex(index)  # loads it through _on_case_combo_changed

    def case(self) -> Case:
        return self._case

    def input_values(self) -> np.ndarray:
        return self._x.copy()

    def kernel_values(self) -> np.ndarray | None:
        return None if self._k is None else self._k.copy()

    def output_values(self) -> np.ndarray:
        """The whole output, including cells not stepped to yet."""
        return self._output.copy()

    def current_step(self) -> int:
        return self._index

    def step_count(self) -> int:
        return len(self._steps)

    def step(self) -> Step:
        return self._steps[self._index]

    @Slot()
    def next_step(self):
        self._go(self._index + 1)

    @Slot()
    def previous_step(self):
        self._go(self._index - 1)

    @Slot()
    def reset(self):
        self.play_button.setChecked(False)
        self._go(0, force=True)

    # Slots ---------------------------------------------------------------------------------------------------
    @Slot(int)
    def _on_case_combo_changed(self, index: int):
        if 0 <= index < len(CASES) and CASES[index] is not self._case:
            self._load(CASES[index])

    @Slot()
    def _on_restore_clicked(self):
        self._load(self._case)

    @Slot(bool)
    def _on_play_toggled(self, playing: bool):
        self._set_play_text()
        if playing:
            if self._index >= len(self._steps) - 1:
                self._go(0)
            self.timer.start()
        else:
            self.timer.stop()

    @Slot()
    def _on_timer_timeout(self):
        self.next_step()
        if self._index >= len(self._steps) - 1:
            self.play_button.setChecked(False)

    @Slot(QTableWidgetItem)
    def _on_input_item_changed(self, item: QTableWidgetItem):
        before, _ = self._case.padding_amounts()
        self._edit(item, self._x, item.row() - before, item.column() - before)

    @Slot(QTableWidgetItem)
    def _on_kernel_item_changed(self, item: QTableWidgetItem):
        self._edit(item, self._k, item.row(), item.column())

    def keyPressEvent(self, event):
        if event.key() in (Qt.Key_Right, Qt.Key_Space):
            self.next_step()
        elif event.key() == Qt.Key_Left:
            self.previous_step()
        else:
            super().keyPressEvent(event)

    # Internals -----------------------------------------------------------------------------------------------
    def _load(self, c: Case):
        self.play_button.setChecked(False)
        self._case = c
        self._x = np.array(c.x, dtype=float)
        self._k = np.array(c.kernel, dtype=float) if c.is_conv else None
        n = len(c.x)
        before, after = c.padding_amounts()
        self.kernel_table.setVisible(c.is_conv)
        self.pool_label.setVisible(not c.is_conv)
        self.operator_label.setText("⊛" if c.is_conv else "→")
        self._filling = True
        size = n + before + after
        self.input_table.setRowCount(size)
        self.input_table.setColumnCount(size)
        for r in range(size):
            for col in range(size):
                inside = before <= r < before + n and before <= col < before + n
                self.input_table.setItem(r, col, self._cell(self._x[r - before, col - before] if inside else 0, inside))
        fit_grid(self.input_table)
        if c.is_conv:
            self.kernel_table.setRowCount(len(c.kernel))
            self.kernel_table.setColumnCount(len(c.kernel))
            for r, col in np.ndindex(self._k.shape):
                self.kernel_table.setItem(r, col, self._cell(self._k[r, col], True))
            fit_grid(self.kernel_table)
        self._filling = False
        self._message = None
        self._render_message()
        self._recompute()
        self.output_table.setRowCount(self._output.shape[0])
        self.output_table.setColumnCount(self._output.shape[0])
        self._write_titles()
        self._go(0, force=True)

    def _write_titles(self):
        """The lesson, the formula and the grids' titles of the case shown, in the current language."""
        c = self._case
        n, k, p = len(c.x), len(c.kernel or ()), c.pool_size
        before, after = c.padding_amounts()
        self.lesson_label.setText(translated(c.lesson))
        self.formula_label.setText(self.tr("Output size: {formula}").format(formula=formula_text(c)))
        if before + after:
            self.input_title.setText(
                self.tr("Input {n}×{n} + {padding} zero padding").format(n=n, padding=before + after))
        else:
            self.input_title.setText(self.tr("Input {n}×{n}").format(n=n))
        if c.is_conv and c.stride > 1:
            self.kernel_title.setText(self.tr("Kernel {k}×{k}, stride {stride}").format(k=k, stride=c.stride))
        elif c.is_conv:
            self.kernel_title.setText(self.tr("Kernel {k}×{k}").format(k=k))
        else:
            self.kernel_title.setText(self.tr("Window"))
            pools = {"max": self.tr("{p}×{p}\nmax pool\nstride {p}"), "avg": self.tr("{p}×{p}\navg pool\nstride {p}"),
                     "sum": self.tr("{p}×{p}\nsum pool\nstride {p}")}
            self.pool_label.setText(pools[c.pool].format(p=p))
        m = self._output.shape[0]
        self.output_title.setText(self.tr("Output {n}×{n}").format(n=m))

    def _cell_tip(self, editable: bool) -> str:
        if editable:
            return self.tr("Type a number to change this value")
        return self.tr("Zero padding ('same'): not part of the input")

    def _cell(self, value: float, editable: bool) -> QTableWidgetItem:
        item = QTableWidgetItem(fmt(value))
        item.setTextAlignment(Qt.AlignCenter)
        if not editable:
            item.setFlags(Qt.ItemIsEnabled)
            item.setForeground(QBrush(PAD_TEXT))
        item.setToolTip(self._cell_tip(editable))
        return item

    def _edit(self, item: QTableWidgetItem, target: np.ndarray | None, r: int, col: int):
        if self._filling or target is None or not item.flags() & Qt.ItemIsEditable:
            return
        old = target[r, col]
        text = item.text()
        try:
            target[r, col] = parse_number(text)
        except ValueError:
            self._message = (text, target is self._x, r, col, old)
        else:
            self._message = None
            self._recompute()
        self._render_message()
        self._filling = True
        item.setText(fmt(target[r, col]))
        self._filling = False
        fit_grid(item.tableWidget())
        self._go(self._index, force=True)

    def _render_message(self):
        """What the last edit went wrong with, in the current language (hidden when it went well)."""
        if self._message is None:
            self.message_label.setText("")
            self.message_label.hide()
            return
        text, is_input, r, col, old = self._message
        try:
            parse_number(text)
            problem = ""
        except ValueError as exc:
            problem = str(exc)
        if is_input:
            template = self.tr("{problem}; input row {row}, column {column} keeps {value}.")
        else:
            template = self.tr("{problem}; kernel row {row}, column {column} keeps {value}.")
        self.message_label.setText(template.format(problem=problem, row=r + 1, column=col + 1, value=fmt(old)))
        self.message_label.setVisible(True)

    def _recompute(self):
        self._output, self._steps = self._case.run(self._x, self._k)

    def _write_step(self):
        """The current cell's multiply-add (or pooling), numbered, in the current language."""
        step = self._steps[self._index]
        self.step_label.setText(self.tr("Step {step} of {steps}: out[{row}, {column}] = {arithmetic}").format(
            step=self._index + 1, steps=len(self._steps), row=step.out_row, column=step.out_col, arithmetic=step.text))

    def _go(self, index: int, force: bool = False):
        index = max(0, min(index, len(self._steps) - 1))
        if index == self._index and not force:
            return
        self._index = index
        self._paint()
        self.stepChanged.emit(index)

    def _paint(self):
        self._filling = True  # colouring items emits itemChanged too
        step = self._steps[self._index]
        before, _ = self._case.padding_amounts()
        n = self._x.shape[0]
        window = {(r + before, c + before) for r, c in step.cells()}
        for r in range(self.input_table.rowCount()):
            for col in range(self.input_table.columnCount()):
                inside = before <= r < before + n and before <= col < before + n
                if (r, col) in window:
                    color = WINDOW if inside else WINDOW_PAD
                else:
                    color = None if inside else PADDING
                self.input_table.item(r, col).setBackground(QBrush(color) if color else QBrush())
        for r, col in np.ndindex(self._output.shape):
            done = r * self._output.shape[1] + col <= self._index
            item = QTableWidgetItem(fmt(self._output[r, col]) if done else "")
            item.setTextAlignment(Qt.AlignCenter)
            if (r, col) == (step.out_row, step.out_col):
                item.setBackground(QBrush(WINDOW))
            self.output_table.setItem(r, col, item)
        fit_grid(self.output_table, [fmt(v) for v in self._output.ravel()])  # all values, so the width never jumps
        self._filling = False
        self._write_step()
        self.prev_button.setEnabled(self._index > 0)
        self.next_button.setEnabled(self._index < len(self._steps) - 1)
