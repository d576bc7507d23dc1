"""A stand-in for the Controller's run signals, for driving the run history without an engine (tests, benchmarks)."""

from PySide6.QtCore import QObject, Signal


class StandInController(QObject):
    """The signals guiapp.history_view.HistoryController listens to, emitted by hand; ``run`` is the run number."""

    runStarted = Signal(int, object)
    runFinished = Signal(int, object)
    batchEnded = Signal(object)
    epochEnded = Signal(object)
    saved = Signal(str)
    modelChanged = Signal(object)
    run = 0
