"""One row of the architecture explorer: a layer's settings, its output shape, parameters and formulas."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import NamedTuple

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QComboBox, QDoubleSpinBox, QFrame, QHBoxLayout, QLabel, QSpinBox, QStyle, QToolButton
from PySide6.QtWidgets import QVBoxLayout, QWidget

from guiapp.flow_layout import FlowLayout
from model.architecture import ACTIVATIONS, LayerSpec

INVALID_STYLE = "QFrame#layerRow { background: rgba(220, 40, 40, 60); border: 1px solid #c62828; border-radius: 3px; }"
VALID_STYLE = "QFrame#layerRow { border: 0px; border-bottom: 1px solid rgba(128, 128, 128, 90); }"


class ShownRow(NamedTuple):
    """What the editor displays for one layer (``None``/'' where the network breaks before it)."""

    name: str
    output_shape: tuple | None
    params: int | None
    formula: str
    param_formula: str


def shape_text(shape: tuple) -> str:
    return " × ".join(str(d) for d in shape)


def _combo(items, current, tip: str) -> QComboBox:
    """A combo of (text, value) items showing ``current``, added when it is not one of them (e.g. a loaded 7×7)."""
    combo = QComboBox()
    for text, value in items:
        combo.addItem(text, value)
    if combo.findData(current) < 0:
        combo.addItem(str(current), current)
    combo.setCurrentIndex(combo.findData(current))
    combo.setToolTip(tip)
    return combo


def _spin(value, low: int, high: int, suffix: str, tip: str) -> QSpinBox:
    """A spin box showing ``value``; a value it cannot show (text, 2.5) leaves it at ``low`` and analyse reports it."""
    spin = QSpinBox()
    whole = isinstance(value, (int, float)) and not isinstance(value, bool) and float(value).is_integer()
    whole = whole and abs(value) < 2**31
    spin.setRange(low, max(high, int(value)) if whole else high)
    if whole:
        spin.setValue(int(value))
    spin.setSuffix(suffix)
    spin.setMaximumWidth(spin.fontMetrics().horizontalAdvance(f"4096{suffix}") + 40)
    spin.setToolTip(tip)
    return spin


def _small(label: QLabel) -> QLabel:
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * 0.9)
    label.setFont(font)
    palette = label.palette()
    palette.setColor(QPalette.WindowText, palette.color(QPalette.PlaceholderText))
    label.setPalette(palette)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextSelectableByMouse)
    return label


class LayerRow(QFrame):
    """One layer: its settings, move/remove buttons, and below them its output shape, parameters and formulas."""

    edited = Signal(object)  # the row's new LayerSpec
    moveRequested = Signal(int)  # -1 up, +1 down
    removeRequested = Signal()

    def __init__(self, layer: LayerSpec, locked: bool = False, parent=None):
        super().__init__(parent)
        self.setObjectName("layerRow")
        self.layer = layer
        self.locked = locked
        self.setProperty("invalid", False)
        self.index_label = QLabel()
        self.index_label.setMinimumWidth(18)
        self.warning_icon = QLabel()
        self.warning_icon.setPixmap(self.style().standardIcon(QStyle.SP_MessageBoxWarning).pixmap(16, 16))
        self.warning_icon.hide()
        self.name_label = QLabel()
        font = self.name_label.font()
        font.setBold(True)
        self.name_label.setFont(font)
        self.name_label.setMinimumWidth(self.name_label.fontMetrics().horizontalAdvance("max_pool_10 "))
        self.result_label = QLabel()
        self.result_label.setFont(font)
        self.result_label.setWordWrap(True)
        self.formula_label = _small(QLabel())
        self.param_formula_label = _small(QLabel())

        top = QHBoxLayout()
        top.setSpacing(4)
        for w in (self.index_label, self.warning_icon, self.name_label):
            top.addWidget(w)
        top.addWidget(self.result_label, 1)
        self.up_button = self._tool(QStyle.SP_ArrowUp, "Move this layer up", lambda: self.moveRequested.emit(-1))
        self.down_button = self._tool(QStyle.SP_ArrowDown, "Move this layer down", lambda: self.moveRequested.emit(1))
        self.remove_button = self._tool(QStyle.SP_DialogDiscardButton, "Remove this layer", self.removeRequested.emit)
        for b in (self.up_button, self.down_button, self.remove_button):
            top.addWidget(b)
            b.setVisible(not locked)
        # The settings wrap onto a second line in a narrow dock rather than pushing the row wider than the dock.
        controls = FlowLayout()
        controls.setContentsMargins(22, 0, 0, 0)
        for control in self._controls(layer):
            controls.addWidget(control)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 3, 4, 3)
        layout.setSpacing(1)
        layout.addLayout(top)
        if locked:
            note = _small(QLabel(f"{layer.units} units · {layer.activation} · locked: one unit per digit"))
            note.setContentsMargins(22, 0, 0, 0)
            layout.addWidget(note)
        elif controls.count():
            layout.addLayout(controls)
        for label in (self.formula_label, self.param_formula_label):
            label.setContentsMargins(22, 0, 0, 0)
            layout.addWidget(label)
        self.setStyleSheet(VALID_STYLE)

    def _tool(self, icon, tip: str, slot) -> QToolButton:
        button = QToolButton()
        button.setIcon(self.style().standardIcon(icon))
        button.setToolTip(tip)
        button.setAccessibleName(tip)
        button.setAutoRaise(True)
        button.clicked.connect(slot)
        return button

    def _controls(self, layer: LayerSpec) -> list[QWidget]:
        if self.locked:
            return []
        acts = [(a, a) for a in ACTIVATIONS]
        if layer.kind == "conv":
            return [
                self._bind(_spin(layer.filters, 1, 1024, " filters", "Number of filters (output channels)"), "filters"),
                self._bind(_combo([("3×3", 3), ("5×5", 5)], layer.kernel, "Kernel size"), "kernel"),
                self._bind(_combo([(p, p) for p in ("valid", "same")], layer.padding, "Padding"), "padding"),
                self._bind(_combo([("stride 1", 1), ("stride 2", 2)], layer.stride, "Stride"), "stride"),
                self._bind(_combo(acts, layer.activation, "Activation"), "activation"),
            ]
        if layer.kind == "pool":
            return [
                self._bind(_combo([(k, k) for k in ("max", "avg", "sum")], layer.pool, "Pooling kind"), "pool"),
                self._bind(_combo([("2×2", 2), ("3×3", 3)], layer.pool_size, "Pool size"), "pool_size"),
            ]
        if layer.kind == "dense":
            return [
                self._bind(_spin(layer.units, 1, 4096, " units", "Number of units"), "units"),
                self._bind(_combo(acts, layer.activation, "Activation"), "activation"),
            ]
        if layer.kind == "dropout":
            spin = QDoubleSpinBox()
            spin.setRange(0.0, 0.9)
            spin.setSingleStep(0.05)
            spin.setPrefix("rate ")
            spin.setToolTip("Fraction of values dropped while training")
            if isinstance(layer.rate, (int, float)):
                spin.setValue(layer.rate)
            return [self._bind(spin, "rate")]
        return []

    def _bind(self, widget, attr: str):
        widget.setObjectName(attr)
        widget.setAccessibleName(attr)
        if isinstance(widget, QComboBox):
            widget.currentIndexChanged.connect(lambda _i: self._on_control_changed(attr, widget.currentData()))
        else:
            widget.valueChanged.connect(lambda value: self._on_control_changed(attr, value))
        return widget

    def _on_control_changed(self, attr: str, value):
        if attr == "rate":
            value = round(value, 4)
        self.layer = replace(self.layer, **{attr: value})
        self.edited.emit(self.layer)

    def show_state(self, number: int, name: str, info, error: str, can_up: bool, can_down: bool, can_remove: bool):
        """Show the analysis of this layer: ``info`` (a LayerInfo) or None, and ``error`` if this layer breaks."""
        self.index_label.setText(str(number))
        self.name_label.setText(name)
        self.up_button.setEnabled(can_up)
        self.down_button.setEnabled(can_down)
        self.remove_button.setEnabled(can_remove)
        if can_remove or self.locked:
            self.remove_button.setToolTip("Remove this layer")
        else:
            self.remove_button.setToolTip("Dense layers need this Flatten: it cannot be removed")
        self.setProperty("invalid", bool(error))
        self.warning_icon.setVisible(bool(error))
        self.setStyleSheet(INVALID_STYLE if error else VALID_STYLE)
        if error:
            self.result_label.setText("cannot be built")
            self.formula_label.setText(error)
            self.param_formula_label.setText("")
        elif info is None:
            self.result_label.setText("–")
            self.formula_label.setText("")
            self.param_formula_label.setText("")
        else:
            self.result_label.setText(f"→ {shape_text(info.output_shape)} · {info.params:,} params")
            self.formula_label.setText(info.formula)
            self.param_formula_label.setText("params: " + info.param_formula)
        self.param_formula_label.setVisible(bool(info and info.params and not error))

    def shown(self) -> ShownRow:
        """Read back what the row displays."""
        match = re.fullmatch(r"→ (.+) · ([\d,]+) params", self.result_label.text())
        if not match:
            return ShownRow(self.name_label.text(), None, None, self.formula_label.text(), "")
        shape = tuple(int(d) for d in match.group(1).split(" × "))
        params = int(match.group(2).replace(",", ""))
        param_formula = self.param_formula_label.text().removeprefix("params: ")
        return ShownRow(self.name_label.text(), shape, params, self.formula_label.text(), param_formula)
