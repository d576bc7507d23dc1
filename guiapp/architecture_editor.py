"""The architecture explorer: edit the network to train and see every layer's shape, parameters and formulas live.

Shapes and parameter counts come from :func:`model.architecture.analyse` (pure Python, no TensorFlow), so the panel
answers as fast as the user types. An impossible network marks the layer that breaks it and says why.
"""

from __future__ import annotations

import re
from functools import partial

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import QLabel, QPushButton, QScrollArea, QSizePolicy, QVBoxLayout, QWidget

from guiapp.flow_layout import FlowLayout
from guiapp.i18n import RetranslateMixin, message_for
from guiapp.keras_code_dialog import KerasCodeDialog
from guiapp.layer_row import LayerRow, ShownRow, shape_text
from model.architecture import (
    INPUT_SHAPE,
    NUM_CLASSES,
    LayerSpec,
    analyse,
    conv,
    dense,
    dropout,
    flatten,
    layer_names,
    pool,
    seed_spec,
    spec_from_json,
)
from model.errors import SpecError
from model.keras_code import keras_code
from model.recipes import recipe

OUTPUT_LAYER = dense(NUM_CLASSES, "softmax")
NEW_LAYER = {"conv": conv(32), "pool": pool(2), "dense": dense(64), "dropout": dropout(0.25), "flatten": flatten()}
TITLES = {"conv": "Conv", "pool": "Pool", "flatten": "Flatten", "dense": "Dense", "dropout": "Dropout"}  # objectNames
ADD_TEXTS = {  # the add buttons' texts
    "conv": QT_TRANSLATE_NOOP("ArchitectureEditor", "+ Conv"),
    "pool": QT_TRANSLATE_NOOP("ArchitectureEditor", "+ Pool"),
    "dense": QT_TRANSLATE_NOOP("ArchitectureEditor", "+ Dense"),
    "dropout": QT_TRANSLATE_NOOP("ArchitectureEditor", "+ Dropout"),
    "flatten": QT_TRANSLATE_NOOP("ArchitectureEditor", "+ Flatten"),
}
ADD_TIPS = {
    "conv": QT_TRANSLATE_NOOP("ArchitectureEditor", "Insert before Flatten"),
    "pool": QT_TRANSLATE_NOOP("ArchitectureEditor", "Insert before Flatten"),
    "flatten": QT_TRANSLATE_NOOP("ArchitectureEditor", "Insert after the convolutions"),
    "dense": QT_TRANSLATE_NOOP("ArchitectureEditor", "Insert before the output layer"),
    "dropout": QT_TRANSLATE_NOOP("ArchitectureEditor", "Insert before the output layer"),
}


def _tr(text: str) -> str:
    return QCoreApplication.translate("ArchitectureEditor", text)


def _named(widget, name: str):
    widget.setObjectName(name)
    widget.setAccessibleName(name)
    return widget


class ArchitectureEditor(RetranslateMixin, QWidget):
    """Edits the layer list to train; the Dense(10, softmax) output layer is always last and locked.

    Emits ``specChanged(list[LayerSpec])`` after every change and ``validityChanged(reason)`` when validity changes:
    '' for a network that can be built, else the reason, which names the layer ("Layer 5 (conv): …"): a model
    message, a str whose English text :func:`guiapp.i18n.message_for` shows in the current language.
    """

    specChanged = Signal(object)
    validityChanged = Signal(object)

    def __init__(self, parent=None):
        super().__init__(parent)
        _named(self, "architectureEditor")
        self._body: list[LayerSpec] = seed_spec()[:-1]
        self._rows: list[LayerRow] = []
        self._error = ""  # a model message (see validityChanged)
        self._total = 0
        self._settings_provider = None
        self.code_dialog: KerasCodeDialog | None = None

        self.add_buttons = {}
        adds = FlowLayout()
        for kind in ("conv", "pool", "dense", "dropout", "flatten"):
            button = _named(QPushButton(), f"add{TITLES[kind]}Button")
            button.clicked.connect(partial(self._on_add_clicked, kind))
            adds.addWidget(button)
            self.add_buttons[kind] = button
        self.reset_button = _named(QPushButton(), "resetSeedButton")
        self.reset_button.clicked.connect(self._on_reset_clicked)
        self.code_button = _named(QPushButton(), "showKerasCodeButton")
        self.code_button.clicked.connect(self._on_code_clicked)

        self.input_label = QLabel()
        self.input_label.setWordWrap(True)
        self._rows_box = QVBoxLayout()
        self._rows_box.setSpacing(0)
        rows_widget = QWidget()
        outer = QVBoxLayout(rows_widget)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addLayout(self._rows_box)
        outer.addStretch(1)
        self.scroll = QScrollArea()
        self.scroll.setWidget(rows_widget)
        self.scroll.setWidgetResizable(True)
        # Rows wrap their settings to the width they get: never a sideways scroll bar that hides the right edge.
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.total_label = _named(QLabel(), "architectureTotal")
        font = self.total_label.font()
        font.setBold(True)
        self.total_label.setFont(font)
        self.total_label.setWordWrap(True)
        self.error_label = _named(QLabel(), "architectureError")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #c62828;")
        self.error_label.setSizePolicy(QSizePolicy.Preferred, QSizePolicy.Minimum)

        layout = QVBoxLayout(self)
        layout.addLayout(adds)
        layout.addWidget(self.input_label)
        layout.addWidget(self.scroll, 1)
        layout.addWidget(self.total_label)
        buttons = FlowLayout()  # the two buttons wrap in a narrow dock (or a longer language)
        buttons.addWidget(self.code_button)
        buttons.addWidget(self.reset_button)
        layout.addLayout(buttons)
        layout.addWidget(self.error_label)
        self._rebuild()
        self.retranslate()

    def retranslate(self) -> None:
        """Buttons, the input's shape, the total and the error in the current language (rows translate their own)."""
        for kind, button in self.add_buttons.items():
            button.setText(_tr(ADD_TEXTS[kind]))
            button.setMaximumWidth(button.fontMetrics().horizontalAdvance(button.text()) + 24)
            button.setToolTip(_tr(ADD_TIPS[kind]))
        self.reset_button.setText(self.tr("Reset to seed model"))
        self.reset_button.setToolTip(self.tr("The tutorial's network: 93,322 parameters"))
        self.code_button.setText(self.tr("Show as Keras code"))
        self.code_button.setToolTip(self.tr(
            "This network and the training settings as a runnable Python script in the Keras tutorial's style"))
        self.input_label.setText(self.tr("Input image: {shape} (height × width × channels)").format(
            shape=shape_text(INPUT_SHAPE)))
        self._show_totals()

    def _show_totals(self) -> None:
        if self._error:
            self.total_label.setText(self.tr("Total parameters: – (cannot be built)"))
        else:
            self.total_label.setText(self.tr("Total parameters: {count}").format(count=f"{self._total:,}"))
        self.error_label.setText(message_for(self._error))
        self.error_label.setVisible(bool(self._error))

    # Public API ----------------------------------------------------------------------------------------------
    def spec(self) -> list[LayerSpec]:
        """The network as currently edited, output layer included (valid or not: see :meth:`is_valid`)."""
        return [*self._body, OUTPUT_LAYER]

    def set_spec(self, spec) -> None:
        """Show ``spec``: a list of LayerSpec or its ``spec_to_json`` form (as saved in a model's metadata).

        A last layer that is the Dense(10, softmax) output becomes the locked output row; otherwise every layer is
        kept editable and the output row is added after them. Raises SpecError for JSON that is not a layer list.
        """
        spec = list(spec)
        if spec and isinstance(spec[0], dict):
            spec = spec_from_json(spec)
        if spec and spec[-1] == OUTPUT_LAYER:
            spec = spec[:-1]
        self._body = spec
        self._changed(rebuild=True)

    def set_settings_provider(self, provider) -> None:
        """``provider()`` returns the TrainConfig whose optimiser, rate, batch size and epochs the Keras code uses.

        Without one, the code uses the seed recipe's settings.
        """
        self._settings_provider = provider

    def is_valid(self) -> bool:
        return not self._error

    def error(self) -> str:
        """Why the network cannot be built ('' if it can)."""
        return self._error

    def rows(self) -> list[ShownRow]:
        """What every row displays, top to bottom, output layer last."""
        return [row.shown() for row in self._rows]

    def marked_layers(self) -> list[int]:
        """0-based indices of the layers marked as breaking the network."""
        return [i for i, row in enumerate(self._rows) if row.property("invalid")]

    def row_widget(self, index: int) -> LayerRow:
        return self._rows[index]

    # Slots ---------------------------------------------------------------------------------------------------
    @Slot()
    def _on_reset_clicked(self):
        self.set_spec(seed_spec())

    @Slot()
    def _on_code_clicked(self):
        config = self._settings_provider() if self._settings_provider else recipe("seed")
        text = keras_code(self.spec(), config)
        if self.code_dialog is None:
            self.code_dialog = KerasCodeDialog(text, self)
        else:
            self.code_dialog.set_code(text)
        self.code_dialog.show()
        self.code_dialog.raise_()
        self.code_dialog.activateWindow()

    def _on_add_clicked(self, kind: str):
        flat = [i for i, layer in enumerate(self._body) if layer.kind == "flatten"]
        at = flat[0] if kind in ("conv", "pool") and flat else len(self._body)
        if kind == "flatten":
            at = next((i for i, layer in enumerate(self._body) if layer.kind in ("dense", "dropout")), len(self._body))
        self._body.insert(at, NEW_LAYER[kind])
        self._changed(rebuild=True)
        self._reveal(at)

    def _on_row_edited(self, row: LayerRow, layer: LayerSpec):
        self._body[self._rows.index(row)] = layer
        self._changed()

    def _on_row_move_requested(self, row: LayerRow, step: int):
        i = self._rows.index(row)
        j = i + step
        if 0 <= j < len(self._body):
            self._body[i], self._body[j] = self._body[j], self._body[i]
            self._changed(rebuild=True)

    def _on_row_remove_requested(self, row: LayerRow):
        del self._body[self._rows.index(row)]
        self._changed(rebuild=True)

    # Internals -----------------------------------------------------------------------------------------------
    def _changed(self, rebuild: bool = False):
        if rebuild:
            self._rebuild()
        else:
            self._refresh()
        self.specChanged.emit(self.spec())

    def _rebuild(self):
        for row in self._rows:
            self._rows_box.removeWidget(row)
            row.hide()
            row.deleteLater()
        self._rows = []
        for i, layer in enumerate(self.spec()):
            row = LayerRow(layer, locked=i == len(self._body))
            row.edited.connect(partial(self._on_row_edited, row))
            row.moveRequested.connect(partial(self._on_row_move_requested, row))
            row.removeRequested.connect(partial(self._on_row_remove_requested, row))
            self._rows_box.addWidget(row)
            row.show()  # now, not when the layout's queued show arrives, so the row is complete on return
            self._rows.append(row)
        self._refresh()

    def _refresh(self):
        spec = self.spec()
        try:
            infos, error, bad = analyse(spec), "", -1
        except SpecError as exc:
            error = exc.message
            match = re.match(r"Layer (\d+)", str(error))
            bad = int(match.group(1)) - 1 if match else -1
            infos = self._infos_before(spec, bad)
        flattens = sum(layer.kind == "flatten" for layer in self._body)
        for i, (row, name) in enumerate(zip(self._rows, layer_names(spec))):
            info = infos[i] if i < len(infos) else None
            needed = row.layer.kind == "flatten" and flattens == 1
            row.show_state(
                i + 1, name, info, error if i == bad else "", i > 0, i < len(self._body) - 1, not needed
            )
        self.add_buttons["flatten"].setVisible(flattens == 0)
        self.code_button.setEnabled(not error)
        changed = error != self._error
        self._error = error
        self._total = 0 if error else sum(info.params for info in infos)
        self._show_totals()
        if changed:
            if bad >= 0:
                self._reveal(bad)
            self.validityChanged.emit(error)

    def _reveal(self, index: int):
        """Scroll row ``index`` into view once the layout has placed it."""

        def reveal():
            if index < len(self._rows):
                self.scroll.ensureWidgetVisible(self._rows[index])

        QTimer.singleShot(0, self, reveal)

    @staticmethod
    def _infos_before(spec: list[LayerSpec], bad: int) -> list:
        """The analysis of the layers before the one that breaks, which are fine: shown so the user sees why."""
        if bad < 1:
            return []
        try:
            return analyse([*spec[:bad], flatten(), OUTPUT_LAYER])[:bad]
        except SpecError:
            return []
