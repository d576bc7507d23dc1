"""Interface zoom and presentation mode: View › Zoom in / out / Actual size and View › Presentation, remembered.

The zoom scales the application font (:func:`guiapp.theme.set_zoom`); widgets, plots and the sized-in-pixels views
(prediction preview, canvas) follow it. Presentation mode is a zoom of its own for a classroom projector, with large
type and a large canvas, kept apart from the desk zoom: F5 switches between the two, and Ctrl+= / Ctrl+- change
whichever is in use. Both are saved in QSettings and put back at the next start.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal, Slot

from guiapp import theme

ZOOMS = (0.8, 0.9, 1.0, 1.1, 1.25, 1.5, 1.75, 2.0, 2.5, 3.0)
PRESENTATION_ZOOM = 1.5  # large enough to read from the back of a classroom, small enough for 1,280 x 720


def _nearest(value) -> float:
    try:
        value = float(value)
    except (TypeError, ValueError):
        return 1.0
    return min(ZOOMS, key=lambda z: abs(z - value))


class Presentation(QObject):
    """Owns the zoom levels and the presentation switch; ``zoomChanged(factor)`` after the font has changed.

    Parameters
    ----------
    settings
        The window's QSettings: ``view/zoom``, ``view/presentationZoom``, ``view/presentation``.
    """

    zoomChanged = Signal(float)
    presentingChanged = Signal(bool)

    def __init__(self, settings, parent=None):
        super().__init__(parent)
        self._settings = settings
        self._desk_zoom = _nearest(settings.value("view/zoom", 1.0))
        self._show_zoom = _nearest(settings.value("view/presentationZoom", PRESENTATION_ZOOM))
        self._presenting = str(settings.value("view/presentation", "false")).lower() == "true"

    # Public API ----------------------------------------------------------------------------------------------
    @property
    def presenting(self) -> bool:
        return self._presenting

    @property
    def factor(self) -> float:
        """The zoom in use now: the presentation's while presenting, else the desk's."""
        return self._show_zoom if self._presenting else self._desk_zoom

    def apply(self) -> None:
        """Set the application font for the zoom in use (at start-up, before the window is laid out)."""
        theme.set_zoom(self.factor)

    @Slot(bool)
    def set_presenting(self, on: bool) -> None:
        if on == self._presenting:
            return
        self._presenting = on
        self._settings.setValue("view/presentation", on)
        self._changed()
        self.presentingChanged.emit(on)

    @Slot()
    def zoom_in(self) -> None:
        self._step(+1)

    @Slot()
    def zoom_out(self) -> None:
        self._step(-1)

    @Slot()
    def reset_zoom(self) -> None:
        """Ctrl+0: the desktop's own size at the desk, the standard presentation size while presenting."""
        self._set_factor(PRESENTATION_ZOOM if self._presenting else 1.0)

    # Internals -----------------------------------------------------------------------------------------------
    def _step(self, step: int) -> None:
        index = ZOOMS.index(self.factor) + step
        if 0 <= index < len(ZOOMS):
            self._set_factor(ZOOMS[index])

    def _set_factor(self, factor: float) -> None:
        if factor == self.factor:
            return
        if self._presenting:
            self._show_zoom = factor
            self._settings.setValue("view/presentationZoom", factor)
        else:
            self._desk_zoom = factor
            self._settings.setValue("view/zoom", factor)
        self._changed()

    def _changed(self) -> None:
        self.apply()
        self.zoomChanged.emit(self.factor)
