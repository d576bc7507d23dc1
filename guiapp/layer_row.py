"""One row of the architecture explorer: a layer's settings, its output shape, parameters and formulas."""

from __future__ import annotations

from dataclasses import replace
from typing import NamedTuple

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QComboBox, QDoubleSpinBox, QFrame, QHBoxLayout, QLabel, QSpinBox, QStyle, QToolButton
from PySide6.QtWidgets import QVBoxLayout, QWidget

from guiapp.flow_layout import FlowLayout
from guiapp.i18n import RetranslateMixin, message_for
from model.architecture import ACTIVATIONS, LayerSpec

INVALID_STYLE = "QFrame#layerRow { background: rgba(220, 40, 40, 60); border: 1px solid #c62828; border-radius: 3px; }"
VALID_STYLE = "QFrame#layerRow { border: 0px; border-bottom: 1px solid rgba(128, 128, 128, 90); }"
POOL_NAMES = {"max": QT_TRANSLATE_NOOP("LayerRow", "max"), "avg": QT_TRANSLATE_NOOP("LayerRow", "avg"),
              "sum": QT_TRANSLATE_NOOP("LayerRow", "sum")}


class ShownRow(NamedTuple):
    """What the editor displays for one layer (``None``/'' where the network breaks before it)."""

    name: str
    output_shape: tuple | None
    params: int | None
    formula: str
    param_formula: str


def shape_text(shape: tuple) -> str:
    return " × ".join(str(d) for d in shape)


def _combo(items, current) -> QComboBox:
    """A combo of (text, value) items showing ``current``, added when it is not one of them (e.g. a loaded 7×7)."""
    combo = QComboBox()
    for text, value in items:
        combo.addItem(text, value)
    if combo.findData(current) < 0:
        combo.addItem(str(current), current)
    combo.setCurrentIndex(combo.findData(current))
    return combo


def _spin(value, low: int, high: int) -> QSpinBox:
    """A spin box showing ``value``; a value it cannot show (text, 2.5) leaves it at ``low`` and analyse reports it."""
    spin = QSpinBox()
    whole = isinstance(value, (int, float)) and not isinstance(value, bool) and float(value).is_integer()
    whole = whole and abs(value) < 2**31
    spin.setRange(low, max(high, int(value)) if whole else high)
    if whole:
        spin.setValue(int(value))
    return spin


def _suffix(spin: QSpinBox, suffix: str) -> None:
    spin.setSuffix(suffix)
    spin.setMaximumWidth(spin.fontMetrics().horizontalAdvance(f"4096{suffix}") + 40)


def _tr(text: str) -> str:
    return QCoreApplication.translate("LayerRow", text)


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


class LayerRow(RetranslateMixin, QFrame):
    """One layer: its settings, move/remove buttons, and below them its output shape, parameters and formulas."""

    edited = Signal(object)  # the row's new LayerSpec
    moveRequested = Signal(int)  # -1 up, +1 down
    removeRequested = Signal()

    def __init__(self, layer: LayerSpec, locked: bool = False, parent=None):
        super().__init__(parent)
        self.setObjectName("layerRow")
        self.layer = layer
        self.locked = locked
        self._texts = []  # callables setting the controls' texts in the current language
        self._state = None  # show_state's arguments, shown again after a language switch
        self._shown = ShownRow("", None, None, "", "")
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
        self.up_button = self._tool(QStyle.SP_ArrowUp, lambda: self.moveRequested.emit(-1))
        self.down_button = self._tool(QStyle.SP_ArrowDown, lambda: self.moveRequested.emit(1))
        self.remove_button = self._tool(QStyle.SP_DialogDiscardButton, self.removeRequested.emit)
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
            self._note = note = _small(QLabel())
            note.setContentsMargins(22, 0, 0, 0)
            layout.addWidget(note)
            self._texts.append(lambda: note.setText(
                self.tr("{units} units · {activation} · locked: one unit per digit").format(
                    units=layer.units, activation=layer.activation)))
        elif controls.count():
            layout.addLayout(controls)
        for label in (self.formula_label, self.param_formula_label):
            label.setContentsMargins(22, 0, 0, 0)
            layout.addWidget(label)
        self.setStyleSheet(VALID_STYLE)
        self.retranslate()

    def retranslate(self) -> None:
        """Tooltips, suffixes, items and the analysis shown, in the current language."""
        for button, tip in ((self.up_button, self.tr("Move this layer up")),
                            (self.down_button, self.tr("Move this layer down"))):
            button.setToolTip(tip)
            button.setAccessibleName(tip)
        self.remove_button.setAccessibleName(self.tr("Remove this layer"))
        for set_texts in self._texts:
            set_texts()
        if self._state is not None:
            self.show_state(*self._state)

    def _tool(self, icon, slot) -> QToolButton:
        button = QToolButton()
        button.setIcon(self.style().standardIcon(icon))
        button.setAutoRaise(True)
        button.clicked.connect(slot)
        return button

    def _texted(self, widget, set_texts):
        """``widget``, whose texts ``set_texts(widget)`` sets now and after every language switch."""
        self._texts.append(lambda: set_texts(widget))
        return widget

    def _controls(self, layer: LayerSpec) -> list[QWidget]:
        if self.locked:
            return []
        acts = [(a, a) for a in ACTIVATIONS]
        tip = QWidget.setToolTip
        if layer.kind == "conv":
            return [
                self._bind(self._texted(_spin(layer.filters, 1, 1024), lambda w: (
                    _suffix(w, self.tr(" filters")), tip(w, self.tr("Number of filters (output channels)")))),
                    "filters"),
                self._bind(self._texted(_combo([("3×3", 3), ("5×5", 5)], layer.kernel),
                                        lambda w: tip(w, self.tr("Kernel size"))), "kernel"),
                self._bind(self._texted(_combo([(p, p) for p in ("valid", "same")], layer.padding),
                                        lambda w: tip(w, self.tr("Padding"))), "padding"),
                self._bind(self._texted(_combo([("1", 1), ("2", 2)], layer.stride), self._stride_texts), "stride"),
                self._bind(self._texted(_combo(acts, layer.activation), lambda w: tip(w, self.tr("Activation"))),
                           "activation"),
            ]
        if layer.kind == "pool":
            return [
                self._bind(self._texted(_combo([(k, k) for k in POOL_NAMES], layer.pool), self._pool_texts), "pool"),
                self._bind(self._texted(_combo([("2×2", 2), ("3×3", 3)], layer.pool_size),
                                        lambda w: tip(w, self.tr("Pool size"))), "pool_size"),
            ]
        if layer.kind == "dense":
            return [
                self._bind(self._texted(_spin(layer.units, 1, 4096), lambda w: (
                    _suffix(w, self.tr(" units")), tip(w, self.tr("Number of units")))), "units"),
                self._bind(self._texted(_combo(acts, layer.activation), lambda w: tip(w, self.tr("Activation"))),
                           "activation"),
            ]
        if layer.kind == "dropout":
            spin = QDoubleSpinBox()
            spin.setRange(0.0, 0.9)
            spin.setSingleStep(0.05)
            if isinstance(layer.rate, (int, float)):
                spin.setValue(layer.rate)
            return [self._bind(self._texted(spin, lambda w: (
                w.setPrefix(self.tr("rate ")), tip(w, self.tr("Fraction of values dropped while training")))), "rate")]
        return []

    def _stride_texts(self, combo: QComboBox) -> None:
        combo.setToolTip(self.tr("Stride"))
        for i in range(combo.count()):
            combo.setItemText(i, self.tr("stride {n}").format(n=combo.itemData(i)))

    def _pool_texts(self, combo: QComboBox) -> None:
        combo.setToolTip(self.tr("Pooling kind"))
        for i in range(combo.count()):
            kind = combo.itemData(i)
            combo.setItemText(i, _tr(POOL_NAMES[kind]) if kind in POOL_NAMES else str(kind))

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

    def show_state(self, number: int, name: str, info, error, can_up: bool, can_down: bool, can_remove: bool):
        """Show the analysis of this layer: ``info`` (a LayerInfo) or None, and ``error`` (a model message) if this
        layer breaks."""
        self._state = (number, name, info, error, can_up, can_down, can_remove)
        self.index_label.setText(str(number))
        self.name_label.setText(name)
        self.up_button.setEnabled(can_up)
        self.down_button.setEnabled(can_down)
        self.remove_button.setEnabled(can_remove)
        if can_remove or self.locked:
            self.remove_button.setToolTip(self.tr("Remove this layer"))
        else:
            self.remove_button.setToolTip(self.tr("Dense layers need this Flatten: it cannot be removed"))
        self.setProperty("invalid", bool(error))
        self.warning_icon.setVisible(bool(error))
        self.setStyleSheet(INVALID_STYLE if error else VALID_STYLE)
        if error:
            self.result_label.setText(self.tr("cannot be built"))
            self.formula_label.setText(message_for(error))
            self.param_formula_label.setText("")
            self._shown = ShownRow(name, None, None, self.formula_label.text(), "")
        elif info is None:
            self.result_label.setText("–")
            self.formula_label.setText("")
            self.param_formula_label.setText("")
            self._shown = ShownRow(name, None, None, "", "")
        else:
            formula, param_formula = self._formulas(info)
            self.result_label.setText(self.tr("→ {shape} · {params} params").format(
                shape=shape_text(info.output_shape), params=f"{info.params:,}"))
            self.formula_label.setText(formula)
            self.param_formula_label.setText(self.tr("params: {formula}").format(formula=param_formula))
            self._shown = ShownRow(name, tuple(info.output_shape), info.params, formula, param_formula)
        self.param_formula_label.setVisible(bool(info and info.params and not error))

    def _formulas(self, info) -> tuple[str, str]:
        """The layer's shape and parameter formulas in the current language: the words translated, the symbols and
        numbers as :func:`model.architecture.analyse` writes them (the same text in English)."""
        layer = self.layer
        formula, param_formula = message_for(info.formula), message_for(info.param_formula)
        try:
            n, out, params = info.input_shape[0], info.output_shape[0], info.params
            if info.kind == "conv":
                k, s, filters, cin = int(layer.kernel), int(layer.stride), int(layer.filters), info.input_shape[2]
                if layer.padding == "same":
                    formula = self.tr("same: padding (k−1)/2 = ({k}−1)/2; out = ⌈n/s⌉ = ⌈{n}/{s}⌉ = {out}")
                else:
                    formula = self.tr("valid: out = ⌊(n−k)/s⌋ + 1 = ⌊({n}−{k})/{s}⌋ + 1 = {out}")
                formula = formula.format(k=k, n=n, s=s, out=out)
                param_formula = self.tr(
                    "k·k·c_in·filters + filters = {k}·{k}·{cin}·{filters} + {filters} = {params}"
                ).format(k=k, cin=cin, filters=filters, params=params)
            elif info.kind == "pool" and layer.pool in POOL_NAMES:
                formula = {
                    "max": self.tr("max pool: out = ⌊n/p⌋ = ⌊{n}/{p}⌋ = {out}"),
                    "avg": self.tr("avg pool: out = ⌊n/p⌋ = ⌊{n}/{p}⌋ = {out}"),
                    "sum": self.tr("sum pool: out = ⌊n/p⌋ = ⌊{n}/{p}⌋ = {out}"),
                }[layer.pool].format(n=n, p=int(layer.pool_size), out=out)
            elif info.kind == "dense":
                units = int(layer.units)
                formula = self.tr("units = {units}").format(units=units)
                param_formula = self.tr("in·units + units = {n}·{units} + {units} = {params}").format(
                    n=n, units=units, params=params)
        except (TypeError, ValueError, IndexError):
            pass  # the model's own English formula
        return formula, param_formula

    def shown(self) -> ShownRow:
        """Read back what the row displays."""
        return self._shown
