"""Digit Trainer's Qt app. All Qt code lives in this package; the engine (``model``) never imports Qt."""


def __getattr__(name):
    # MainWindow imports PySide6 and pyqtgraph: load them only when asked for.
    if name == "MainWindow":
        from guiapp.main_window import MainWindow

        return MainWindow
    raise AttributeError(name)


__all__ = ["MainWindow"]
