"""The convolution playground's words and grids: lesson texts, the output-size formula, number grids and parsing.

Texts are in the app's language (context ``ConvPlayground``): the lessons' titles and explanations are written in
:mod:`model.playground` and marked here for translation (``CASE_TEXTS``); the output-size formula is written here
from the case's numbers, the same text as :meth:`model.playground.Case.formula` in English.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QAbstractItemView, QTableWidget

from model.architecture import conv_out, pool_out
from model.playground import Case

CELL = 32
LIMIT = 1_000_000
WINDOW = QColor(255, 196, 90)
WINDOW_PAD = QColor(225, 170, 80)
PADDING = QColor(205, 205, 205)
PAD_TEXT = QColor(110, 110, 110)

# The lessons' titles and explanations as model/playground.py writes them, marked for translation (a test checks
# that every case's title and lesson is here).
CASE_TEXTS = (
    QT_TRANSLATE_NOOP("ConvPlayground", "Convolution, valid padding"),
    QT_TRANSLATE_NOOP("ConvPlayground", "A 3×3 kernel fits a 5×5 input in 3×3 places: the map shrinks."),
    QT_TRANSLATE_NOOP("ConvPlayground", "Convolution, same padding"),
    QT_TRANSLATE_NOOP("ConvPlayground", "A border of zeros lets the 3×3 kernel visit every pixel: 5×5 stays 5×5."),
    QT_TRANSLATE_NOOP("ConvPlayground", "Convolution, stride 2 (same padding)"),
    QT_TRANSLATE_NOOP(
        "ConvPlayground",
        "Jumping two pixels a step halves the map, rounding up: 5×5 becomes 3×3 (valid padding would give 2×2).",
    ),
    QT_TRANSLATE_NOOP("ConvPlayground", "Max pooling 2×2"),
    QT_TRANSLATE_NOOP("ConvPlayground", "Each 2×2 block keeps its largest value: 4×4 becomes 2×2."),
    QT_TRANSLATE_NOOP("ConvPlayground", "Average pooling 2×2"),
    QT_TRANSLATE_NOOP("ConvPlayground", "Each 2×2 block becomes its mean: 4×4 becomes 2×2."),
    QT_TRANSLATE_NOOP("ConvPlayground", "Sum pooling 2×2"),
    QT_TRANSLATE_NOOP("ConvPlayground", "Each 2×2 block becomes its sum: 4×4 becomes 2×2."),
)


def translated(text: str) -> str:
    return QCoreApplication.translate("ConvPlayground", text)


def formula_text(c: Case) -> str:
    """The output-size formula with ``c``'s numbers in the current language (in English, ``c.formula()``)."""
    n = len(c.x)
    if not c.is_conv:
        templates = {
            "max": QT_TRANSLATE_NOOP("ConvPlayground", "max pool: out = ⌊n/p⌋ = ⌊{n}/{p}⌋ = {out}"),
            "avg": QT_TRANSLATE_NOOP("ConvPlayground", "avg pool: out = ⌊n/p⌋ = ⌊{n}/{p}⌋ = {out}"),
            "sum": QT_TRANSLATE_NOOP("ConvPlayground", "sum pool: out = ⌊n/p⌋ = ⌊{n}/{p}⌋ = {out}"),
        }
        return translated(templates[c.pool]).format(n=n, p=c.pool_size, out=pool_out(n, c.pool_size))
    k, s = len(c.kernel), c.stride
    out = conv_out(n, k, s, c.padding)
    if c.padding == "valid":
        text = QCoreApplication.translate("ConvPlayground", "valid: out = ⌊(n−k)/s⌋ + 1 = ⌊({n}−{k})/{s}⌋ + 1 = {out}")
        return text.format(n=n, k=k, s=s, out=out)
    before, after = c.padding_amounts()
    return QCoreApplication.translate(
        "ConvPlayground",
        "same: out = ⌈n/s⌉ = ⌈{n}/{s}⌉ = {out}; zeros added = max((out−1)·s + k − n, 0) = "
        "max(({out}−1)·{s} + {k} − {n}, 0) = {total}: {before} top/left, {after} bottom/right"
    ).format(n=n, k=k, s=s, out=out, total=before + after, before=before, after=after)


def named(widget, name: str):
    widget.setObjectName(name)
    widget.setAccessibleName(name)
    return widget


def make_grid(name: str) -> QTableWidget:
    table = named(QTableWidget(), name)
    table.horizontalHeader().hide()
    table.verticalHeader().hide()
    table.horizontalHeader().setDefaultSectionSize(CELL)
    table.verticalHeader().setDefaultSectionSize(CELL)
    table.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
    table.setVerticalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
    table.setSelectionMode(QAbstractItemView.NoSelection)
    return table


def fit_grid(table: QTableWidget, texts: list[str] | None = None):
    """Size a square grid so that every value (its items' or ``texts``) shows in full."""
    n = table.rowCount()
    if texts is None:
        texts = [table.item(r, c).text() for r in range(n) for c in range(n) if table.item(r, c)]
    widest = max((table.fontMetrics().horizontalAdvance(t) for t in texts), default=0)
    width = max(CELL, widest + 12)
    table.horizontalHeader().setDefaultSectionSize(width)
    frame = 2 * table.frameWidth()
    table.setFixedSize(n * width + frame, n * CELL + frame)


def parse_number(text: str) -> float:
    """A number typed by a person ('2', '-1.5', '−3', '0,5'); ValueError with a message for anything else."""
    cleaned = text.strip().replace("−", "-").replace(",", ".")
    try:
        value = float(cleaned)
    except ValueError:
        problem = QCoreApplication.translate("ConvPlayground", "“{text}” is not a number")
        raise ValueError(problem.format(text=text)) from None
    if not math.isfinite(value) or abs(value) > LIMIT:
        problem = QCoreApplication.translate(
            "ConvPlayground", "“{text}” is out of range: use numbers between −{limit} and {limit}")
        raise ValueError(problem.format(text=text, limit=f"{LIMIT:,}"))
    return value
