"""Every text the window shows, gathered for the translation tests: widgets, menus, docks, tabs, tables, tooltips
and plots. Test support, not part of the app."""

from __future__ import annotations

import html
import re

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QComboBox,
    QDockWidget,
    QGroupBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QMenu,
    QProgressBar,
    QSpinBox,
    QDoubleSpinBox,
    QTabBar,
    QTableView,
    QWidget,
)

# Words that stay English in the Chinese interface, and why:
ALLOWED_WORDS = {
    # names: the dataset and the libraries (and the app's own name, PRODUCT, taken out as a whole)
    "mnist", "keras", "tensorflow", "numpy", "qt",
    # Keras layer classes as Keras prints them
    "conv2d", "maxpooling2d", "averagepooling2d", "sumpooling2d", "dense", "flatten", "dropout", "inputlayer",
    # optimisers, recipes, activations and padding modes: values the user picks, spelled as Keras and the tutorial
    "rmsprop", "adam", "sgd", "seed", "robust", "relu", "softmax", "sigmoid", "tanh", "linear", "valid", "same",
    # units and symbols of formulas
    "px", "bits", "ms", "out", "max", "c_in", "none",
    # file types in file-dialog filters
    "npz", "keras",
    # file paths (PATH) are data and left out too
    # keyboard keys and shortcuts
    "ctrl", "shift", "esc", "delete", "backspace", "space", "alt",
    # devices as TensorFlow names them
    "cpu", "gpu", "threads",
    # the names of methods, kept as the literature and the Chinese tutorials write them (Grad-CAM, PCA, t-SNE)
    "grad", "cam", "pca", "sne",
}
PRODUCT = "Digit Trainer"  # the app's name, kept in the Chinese title and About box like the tutorial's names
LAYER_NAME = re.compile(r"\b[a-z]+(?:_[a-z]+)*_\d+\b")  # conv2d_1, max_pool_2, dense_1: as Keras prints them
PATH = re.compile(r"(?:[A-Za-z]:)?[/\\][^\s·,;，。：）)]+")  # file paths (the dataset's, a model file's): data
WORD = re.compile(r"[A-Za-z][A-Za-z_'’]*[A-Za-z]|[A-Za-z]")
TAG = re.compile(r"<[^>]+>")


def plain(text: str) -> str:
    """``text`` without rich-text tags, entities and mnemonic ampersands."""
    text = html.unescape(TAG.sub(" ", text or ""))
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")


def english_words(text: str) -> list[str]:
    """The English words of ``text`` that are not on the allow-list (layer names, numbers and symbols are not words)."""
    text = LAYER_NAME.sub(" ", PATH.sub(" ", plain(text).replace(PRODUCT, " ")))
    text = re.sub(r"\b\w*\d\w*\b", " ", text)  # 28×28, 3x3, F5, conv2d
    return [w for w in WORD.findall(text) if len(w) > 1 and w.lower() not in ALLOWED_WORDS]


def _menu_texts(menu: QMenu, path: str, out: list) -> None:
    out.append((f"menu {path}", menu.title()))
    for action in menu.actions():
        if action.isSeparator():
            continue
        where = f"{path} › {plain(action.text())}"
        if action.menu() is not None:
            _menu_texts(action.menu(), where, out)
            continue
        out.append((f"action {where}", action.text()))
        if action.toolTip() != plain(action.text()).strip():  # Qt's default tooltip is the text itself
            out.append((f"action tooltip {where}", action.toolTip()))


def _name(widget: QWidget) -> str:
    return widget.objectName() or type(widget).__name__


def _view_texts(view: QAbstractItemView, name: str, out: list) -> None:
    model = view.model()
    if model is None:
        return
    for orientation, count in ((Qt.Orientation.Horizontal, model.columnCount()), (Qt.Orientation.Vertical,
                                                                                   model.rowCount())):
        header = view.horizontalHeader() if orientation == Qt.Orientation.Horizontal else view.verticalHeader()
        if header.isHidden():
            continue
        for section in range(count):
            text = model.headerData(section, orientation, Qt.ItemDataRole.DisplayRole)
            if text is not None:
                out.append((f"header {name}[{section}]", str(text)))
    for row in range(model.rowCount()):
        for column in range(model.columnCount()):
            index = model.index(row, column)
            for role, what in ((Qt.ItemDataRole.DisplayRole, "cell"), (Qt.ItemDataRole.ToolTipRole, "cell tooltip")):
                value = index.data(role)
                if isinstance(value, str):
                    out.append((f"{what} {name}[{row},{column}]", value))


def _plot_texts(plot: pg.PlotWidget, name: str, out: list) -> None:
    item = plot.getPlotItem()
    if item.titleLabel.isVisible():
        out.append((f"plot title {name}", item.titleLabel.text))
    for side in ("left", "bottom", "right", "top"):
        axis = item.getAxis(side)
        if axis.isVisible() and axis.label.isVisible():
            out.append((f"axis {name}.{side}", axis.labelText))


def window_texts(window) -> list[tuple[str, str]]:
    """(where, text) for every text of ``window``: its title, the menu bar's menus and actions (recursively), dock
    titles, tab bars, and every widget's text, title, placeholder, items, suffixes, headers, cells and tooltip, and
    the plots' titles and axis labels. pyqtgraph's own context menus (not reachable from the menu bar) are left out.
    """
    out = [("window title", window.windowTitle())]
    for action in window.menuBar().actions():
        if action.menu() is not None:
            _menu_texts(action.menu(), plain(action.text()), out)
    for widget in window.findChildren(QWidget):
        if isinstance(widget, QMenu):
            continue
        name = _name(widget)
        if widget.toolTip():
            out.append((f"tooltip {name}", widget.toolTip()))
        if isinstance(widget, QDockWidget):
            out.append((f"dock {name}", widget.windowTitle()))
        elif isinstance(widget, QLabel):
            out.append((f"label {name}", widget.text()))
        elif isinstance(widget, QAbstractButton):
            out.append((f"button {name}", widget.text()))
        elif isinstance(widget, QGroupBox):
            out.append((f"group {name}", widget.title()))
        elif isinstance(widget, QLineEdit):
            out.append((f"placeholder {name}", widget.placeholderText()))
        elif isinstance(widget, QComboBox):
            out += [(f"item {name}[{i}]", widget.itemText(i)) for i in range(widget.count())]
        elif isinstance(widget, QTabBar):
            out += [(f"tab {name}[{i}]", widget.tabText(i)) for i in range(widget.count())]
            out += [(f"tab tooltip {name}[{i}]", widget.tabToolTip(i)) for i in range(widget.count())]
        elif isinstance(widget, QProgressBar):
            out.append((f"progress {name}", widget.format()))
        elif isinstance(widget, (QSpinBox, QDoubleSpinBox)):
            out += [(f"spin {name}", widget.prefix()), (f"spin {name}", widget.suffix()),
                    (f"spin {name}", widget.specialValueText())]
        elif isinstance(widget, QAbstractItemView):
            if isinstance(widget, QTableView):
                _view_texts(widget, name, out)
            if isinstance(widget, QListWidget):
                for i in range(widget.count()):
                    out += [(f"list {name}[{i}]", widget.item(i).text()),
                            (f"list tooltip {name}[{i}]", widget.item(i).toolTip())]
        elif isinstance(widget, pg.PlotWidget):
            _plot_texts(widget, name, out)
        if widget.accessibleDescription():
            out.append((f"description {name}", widget.accessibleDescription()))
    return [(where, text) for where, text in out if text]


def leftovers(texts: list[tuple[str, str]]) -> list[str]:
    """The texts with two or more English words that are not on the allow-list."""
    return [f"{where}: {text!r} ({', '.join(words)})" for where, text in texts
            if len(words := english_words(text)) >= 2]
