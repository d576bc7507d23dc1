"""The main window's docks and menus, made once at start-up (as Qt Designer's setupUi would), their default sizes
for the screen the window opens on, and their saved state.

Every dock and action gets the objectName that outside tests and saved layouts rely on. The default layout is
measured, not fixed: the window takes the screen's available area (maximised up to full HD, where a laptop or a
projector needs every pixel), the Draw dock gets what the canvas and the answer need, the Training dock what its
controls need, and the rest goes to the plots and the feature maps. A saved layout is put back only when it was
saved for a screen at least as large as this one.
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QEvent, QObject, QRect, QSize, Qt, QTimer, Slot
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QDockWidget, QLabel, QMenu, QScrollArea, QVBoxLayout, QWidget

from guiapp import theme
from guiapp import window_dialogs as dialogs
from guiapp.canvas import CANVAS_SIZE
from guiapp.i18n import LanguageMenu

LAYOUT_VERSION = 3  # saved dock states of older versions (before the adaptive default) are dropped
MAXIMISE_UP_TO = QSize(1920, 1200)  # on a screen up to this size the window opens maximised
LARGE_WINDOW = QSize(1800, 1100)  # on a larger screen it opens at this size, centred
TOP_SHARE = 0.5  # the plots and the Draw dock take at least this share of the height, the feature maps the rest
TRAINING_SHARE = 0.25  # the Training dock's share of the width, at least what its controls need
TALL_SCREEN = 860  # on a screen taller than this the canvas grows with the height ...
CANVAS_SHARE = 0.4  # ... up to this share of it


# Every dock's, menu's and action's text by objectName (context "MainWindow"), set again on a language switch.
DOCK_TITLES = {
    "trainingDock": QT_TRANSLATE_NOOP("MainWindow", "Training"),
    "drawDock": QT_TRANSLATE_NOOP("MainWindow", "Draw"),
    "featureDock": QT_TRANSLATE_NOOP("MainWindow", "Feature maps"),
    "modelDock": QT_TRANSLATE_NOOP("MainWindow", "Model"),
    "datasetDock": QT_TRANSLATE_NOOP("MainWindow", "Dataset"),
    "architectureDock": QT_TRANSLATE_NOOP("MainWindow", "Architecture"),
    "learnDock": QT_TRANSLATE_NOOP("MainWindow", "Learn: convolution"),
    "evaluationDock": QT_TRANSLATE_NOOP("MainWindow", "Evaluation"),
    "teachDock": QT_TRANSLATE_NOOP("MainWindow", "Teach"),
    "classPicturesDock": QT_TRANSLATE_NOOP("MainWindow", "Class pictures"),
    "embeddingDock": QT_TRANSLATE_NOOP("MainWindow", "Inner space"),
}
MENU_TITLES = {
    "fileMenu": QT_TRANSLATE_NOOP("MainWindow", "&File"),
    "trainMenu": QT_TRANSLATE_NOOP("MainWindow", "&Train"),
    "viewMenu": QT_TRANSLATE_NOOP("MainWindow", "&View"),
    "helpMenu": QT_TRANSLATE_NOOP("MainWindow", "&Help"),
}
ACTION_TEXTS = {
    "openDatasetAction": QT_TRANSLATE_NOOP("MainWindow", "Open &dataset…"),
    "openModelAction": QT_TRANSLATE_NOOP("MainWindow", "&Open model…"),
    "saveModelAction": QT_TRANSLATE_NOOP("MainWindow", "&Save model…"),
    "exportModelAction": QT_TRANSLATE_NOOP("MainWindow", "&Export model…"),
    "quitAction": QT_TRANSLATE_NOOP("MainWindow", "&Quit"),
    "trainAction": QT_TRANSLATE_NOOP("MainWindow", "&Train"),
    "pauseAction": QT_TRANSLATE_NOOP("MainWindow", "&Pause / Resume"),
    "stopAction": QT_TRANSLATE_NOOP("MainWindow", "&Stop"),
    "evaluateAction": QT_TRANSLATE_NOOP("MainWindow", "&Evaluate on the test set"),
    "presentationAction": QT_TRANSLATE_NOOP("MainWindow", "&Presentation"),
    "zoomInAction": QT_TRANSLATE_NOOP("MainWindow", "Zoom &in"),
    "zoomOutAction": QT_TRANSLATE_NOOP("MainWindow", "Zoom &out"),
    "zoomResetAction": QT_TRANSLATE_NOOP("MainWindow", "&Actual size"),
    "resetLayoutAction": QT_TRANSLATE_NOOP("MainWindow", "&Reset layout"),
    "aboutAction": QT_TRANSLATE_NOOP("MainWindow", "&About Digit Trainer"),
}


def _tr(text: str) -> str:
    return QCoreApplication.translate("MainWindow", text)


def retranslate(window) -> None:
    """Dock titles (their View menu entries follow), menu titles, action texts and tooltips in the current
    language."""
    for name, text in DOCK_TITLES.items():
        window.findChild(QDockWidget, name).setWindowTitle(_tr(text))
    for menu in window.menuBar().findChildren(QMenu):
        if menu.objectName() in MENU_TITLES:
            menu.setTitle(_tr(MENU_TITLES[menu.objectName()]))
    for action in window.findChildren(QAction):
        if action.objectName() in ACTION_TEXTS:
            action.setText(_tr(ACTION_TEXTS[action.objectName()]))
    window.presentation_action.setToolTip(
        QCoreApplication.translate("MainWindow", "Large type and a large canvas for a classroom projector (F5)")
    )
    window.kernels_label.setText(QCoreApplication.translate("MainWindow", "First conv layer's kernels"))


def _scrolled(widget: QWidget) -> QScrollArea:
    area = QScrollArea()
    area.setWidget(widget)
    area.setWidgetResizable(True)
    return area


def _screen_area(window) -> QRect:
    screen = window.screen() or QGuiApplication.primaryScreen()
    return screen.availableGeometry()


# Layout --------------------------------------------------------------------------------------------------
def _dock(window, name: str, widget: QWidget, area) -> QDockWidget:
    dock = QDockWidget(_tr(DOCK_TITLES[name]), window)
    dock.setObjectName(name)
    dock.setWidget(widget)
    window.addDockWidget(area, dock)
    return dock

def setup_docks(window) -> None:
    """Make the window's docks around its central plots, tabbed into the default layout (kept for Reset layout).

    Training (with Architecture) takes the left edge from top to bottom; Draw sits right of the plots; the feature
    maps (with Model, Dataset, Learn, Evaluation, Teach) run along the bottom under the plots and the Draw dock.
    """
    window.setCorner(Qt.Corner.TopLeftCorner, Qt.DockWidgetArea.LeftDockWidgetArea)
    window.setCorner(Qt.Corner.BottomLeftCorner, Qt.DockWidgetArea.LeftDockWidgetArea)
    window.setCorner(Qt.Corner.BottomRightCorner, Qt.DockWidgetArea.BottomDockWidgetArea)
    window.training_dock = _dock(window, "trainingDock", window.training_panel, Qt.LeftDockWidgetArea)
    draw_box = QWidget()
    draw_layout = QVBoxLayout(draw_box)
    draw_layout.setContentsMargins(0, 0, 0, 4)
    draw_layout.addWidget(window.draw_panel, 1)
    draw_layout.addWidget(window.improve.draw_tools)
    window.draw_box = draw_box
    window.draw_dock = _dock(window, "drawDock", _scrolled(draw_box), Qt.RightDockWidgetArea)
    window.feature_dock = _dock(window, "featureDock", window.feature_maps, Qt.BottomDockWidgetArea)
    model_box = QWidget()
    box = QVBoxLayout(model_box)
    box.addWidget(window.model_summary, 2)
    window.kernels_label = QLabel()
    box.addWidget(window.kernels_label)
    box.addWidget(window.kernel_view, 1)
    # Scrolled, like every tab of the bottom group: a tab's minimum height is the whole group's, and the kernels'
    # mosaic would otherwise push the feature maps' band up over the canvas when a model loads.
    window.model_dock = _dock(window, "modelDock", _scrolled(model_box), Qt.BottomDockWidgetArea)
    window.dataset_dock = _dock(window, "datasetDock", _scrolled(window.dataset_view), Qt.BottomDockWidgetArea)
    window.architecture_dock = _dock(window, "architectureDock", window.architecture_editor, Qt.LeftDockWidgetArea)
    window.learn_dock = _dock(window, "learnDock", _scrolled(window.playground), Qt.BottomDockWidgetArea)
    window.evaluation_dock = _dock(
        window, "evaluationDock", _scrolled(window.improve.evaluation_view), Qt.BottomDockWidgetArea
    )
    window.teach_dock = _dock(window, "teachDock", _scrolled(window.improve.teach_panel), Qt.BottomDockWidgetArea)
    window.tabifyDockWidget(window.training_dock, window.architecture_dock)
    window.tabifyDockWidget(window.feature_dock, window.model_dock)
    window.tabifyDockWidget(window.model_dock, window.dataset_dock)
    window.tabifyDockWidget(window.dataset_dock, window.learn_dock)
    window.tabifyDockWidget(window.learn_dock, window.evaluation_dock)
    window.class_pictures_dock = _dock(window, "classPicturesDock", _scrolled(window.insight.pictures_view),
                                       Qt.BottomDockWidgetArea)
    window.embedding_dock = _dock(window, "embeddingDock", window.insight.map_view, Qt.BottomDockWidgetArea)
    window.tabifyDockWidget(window.evaluation_dock, window.teach_dock)
    window.tabifyDockWidget(window.teach_dock, window.class_pictures_dock)
    window.tabifyDockWidget(window.class_pictures_dock, window.embedding_dock)
    window.training_dock.raise_()
    window.feature_dock.raise_()
    window._default_state = window.saveState(LAYOUT_VERSION)


def default_geometry(window) -> None:
    """Give the window the default size for its screen: all of a laptop, projector or full-HD screen (maximised),
    or a large centred window on a larger one."""
    area = _screen_area(window)
    if area.width() <= MAXIMISE_UP_TO.width() and area.height() <= MAXIMISE_UP_TO.height():
        # The normal geometry is the whole area too: without a window manager (a bare X server, a kiosk) nothing
        # maximises the window, and it is placed at the top left at the size it asks for.
        window.setGeometry(area)
        window.setWindowState(window.windowState() | Qt.WindowState.WindowMaximized)
    else:
        rect = QRect(0, 0, min(area.width(), LARGE_WINDOW.width()), min(area.height(), LARGE_WINDOW.height()))
        rect.moveCenter(area.center())
        window.setGeometry(rect)


def set_presenting(window, on: bool) -> None:
    """Presentation mode's layout: the views drop what a classroom does not need to read (settings form, hints)."""
    window.training_panel.set_compact(on)
    window.draw_panel.set_compact(on)


def canvas_zoom(window) -> float:
    """How many times its 280 px the canvas is shown: more on a tall screen and with a larger interface zoom, but
    never so much that the canvas takes more than ``CANVAS_SHARE`` of the screen's height."""
    height = _screen_area(window).height()
    wanted = theme.zoom() * max(1.0, height / TALL_SCREEN)
    return max(1.0, min(wanted, CANVAS_SHARE * height / CANVAS_SIZE))


def fit_docks(window) -> None:
    """Share the window between the docks: what Draw and Training need, the rest to the plots and feature maps."""
    window.draw_panel.set_canvas_zoom(canvas_zoom(window))
    size = window.size()
    bar = window.menuBar().sizeHint().height() + window.statusBar().sizeHint().height()
    title = window.draw_dock.fontMetrics().height() + 8
    draw_area = window.draw_dock.widget()
    draw_frame = 2 * draw_area.frameWidth()
    # Room for a scroll bar too: a panel narrowed by one would stack its answer under the canvas, grow taller
    # and keep the scroll bar.
    scroll_bar = draw_area.style().pixelMetric(draw_area.style().PixelMetric.PM_ScrollBarExtent)
    draw_w = window.draw_panel.wide_width() + draw_frame + scroll_bar
    draw_h = window.draw_box.heightForWidth(draw_w - draw_frame) + draw_frame + title
    training_min = window.training_panel.minimumSizeHint().width()
    share = 0 if window.presentation.presenting else TRAINING_SHARE  # presenting: the controls, nothing more
    training_w = min(max(training_min, round(share * size.width())), max(training_min, 420))
    top_h = max(draw_h, round(TOP_SHARE * (size.height() - bar)))
    feature_h = max(size.height() - bar - top_h - 6, 120)
    window.resizeDocks([window.training_dock, window.draw_dock], [training_w, draw_w], Qt.Orientation.Horizontal)
    window.resizeDocks([window.draw_dock, window.feature_dock], [top_h, feature_h], Qt.Orientation.Vertical)


def _action(window, menu, slot, shortcut, name: str) -> QAction:
    action = QAction(_tr(ACTION_TEXTS[name]), window)
    if shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
    action.setObjectName(name)
    action.triggered.connect(slot)
    menu.addAction(action)
    return action

def _menu(window, name: str) -> QMenu:
    menu = window.menuBar().addMenu(_tr(MENU_TITLES[name]))
    menu.setObjectName(name)
    return menu


def setup_menus(window) -> None:
    """Make the menu bar; the actions that follow the busy state are kept on the window (``train_action`` ...)."""
    file_menu = _menu(window, "fileMenu")
    window.open_dataset_action = _action(
        window, file_menu, lambda: dialogs.open_dataset(window), "Ctrl+Shift+O", "openDatasetAction"
    )
    window.open_model_action = _action(
        window, file_menu, lambda: dialogs.open_model(window), QKeySequence.Open, "openModelAction"
    )
    window.save_model_action = _action(
        window, file_menu, lambda: dialogs.save_model(window), QKeySequence.Save, "saveModelAction"
    )
    window.export_model_action = _action(
        window, file_menu, window.export_flow.ask, "Ctrl+Shift+E", "exportModelAction"
    )
    file_menu.addSeparator()
    _action(window, file_menu, window.close, QKeySequence.Quit, "quitAction")
    train_menu = _menu(window, "trainMenu")
    window.train_action = _action(window, train_menu, window.training_panel.request_train, "Ctrl+T", "trainAction")
    window.pause_action = _action(window, train_menu, window._on_pause_action_triggered, "Ctrl+P", "pauseAction")
    window.stop_action = _action(window, train_menu, window._on_stop_requested, Qt.Key_Escape, "stopAction")
    train_menu.addSeparator()
    window.evaluate_action = _action(window, train_menu, window._on_evaluate_triggered, "Ctrl+E", "evaluateAction")
    view_menu = _menu(window, "viewMenu")
    for dock in (
        window.training_dock,
        window.architecture_dock,
        window.draw_dock,
        window.feature_dock,
        window.model_dock,
        window.dataset_dock,
        window.learn_dock,
        window.evaluation_dock,
        window.teach_dock,
        window.class_pictures_dock,
        window.embedding_dock,
    ):
        view_menu.addAction(dock.toggleViewAction())
    view_menu.addSeparator()
    zoom = window.presentation
    window.presentation_action = _action(window, view_menu, zoom.set_presenting, "F5", "presentationAction")
    window.presentation_action.setCheckable(True)
    window.presentation_action.setChecked(zoom.presenting)
    zoom.presentingChanged.connect(window.presentation_action.setChecked)
    zoom.presentingChanged.connect(lambda on: set_presenting(window, on))
    set_presenting(window, zoom.presenting)
    zoom_in = _action(window, view_menu, zoom.zoom_in, QKeySequence.ZoomIn, "zoomInAction")
    # Ctrl+= is Ctrl++ without Shift on most keyboards; both zoom in.
    zoom_in.setShortcuts([QKeySequence("Ctrl+="), QKeySequence.ZoomIn])
    _action(window, view_menu, zoom.zoom_out, QKeySequence.ZoomOut, "zoomOutAction")
    _action(window, view_menu, zoom.reset_zoom, "Ctrl+0", "zoomResetAction")
    view_menu.addSeparator()
    window.language_menu = LanguageMenu(view_menu)
    window.language_menu.setObjectName("languageMenu")
    view_menu.addMenu(window.language_menu)
    view_menu.addSeparator()
    _action(window, view_menu, lambda: window.layout_keeper.reset(), None, "resetLayoutAction")
    help_menu = _menu(window, "helpMenu")
    _action(window, help_menu, lambda: dialogs.about(window), None, "aboutAction")


class LayoutKeeper(QObject):
    """Keeps the default layout fitted: once the window is shown at its size, after a zoom, and on Reset layout.

    ``default`` says the window opened with the default layout (no saved one): it is measured again once shown,
    when the docks' share of the window is final.
    """

    def __init__(self, window, default: bool):
        super().__init__(window)
        self._window = window
        self._pending_show = default
        window.installEventFilter(self)
        window.presentation.zoomChanged.connect(self._on_zoom_changed)

    @Slot()
    def reset(self) -> None:
        """View › Reset layout: the default docks, sized for this window."""
        self._window.restoreState(self._window._default_state, LAYOUT_VERSION)
        fit_docks(self._window)

    @Slot(float)
    def _on_zoom_changed(self, _factor: float) -> None:
        # The views follow the new font first (on the next turn of the event loop); then the docks are shared out
        # again for their new sizes.
        QTimer.singleShot(0, self, self._fit)

    def _fit(self) -> None:
        fit_docks(self._window)

    def eventFilter(self, watched, event) -> bool:
        if watched is self._window and event.type() == QEvent.Type.Show and self._pending_show:
            self._pending_show = False
            QTimer.singleShot(0, self, self._fit)
        return False


def _fits_screen(window, saved_size) -> bool:
    """True when a layout saved at ``saved_size`` (the window's normal size then) fits the current screen."""
    if not isinstance(saved_size, QSize) or not saved_size.isValid():
        return False
    area = _screen_area(window)
    return saved_size.width() <= area.width() and saved_size.height() <= area.height()


def restore(window) -> bool:
    """Put back the window's saved geometry, docks and training settings (QSettings); defaults where none are saved.

    A saved window larger than the current screen (saved on a larger monitor, or before a change of resolution)
    is not restored: the window gets the default layout for this screen. Returns True when the saved layout was
    used, False for the default.
    """
    settings = window.settings
    geometry = settings.value("window/geometry")
    state = settings.value("window/state")
    saved = (
        geometry is not None
        and state is not None
        and _fits_screen(window, settings.value("window/size"))
        and window.restoreGeometry(geometry)
        and window.restoreState(state, LAYOUT_VERSION)
    )
    if not saved:
        window.restoreState(window._default_state, LAYOUT_VERSION)
        default_geometry(window)
        fit_docks(window)
    values = settings.value("training/values")
    if isinstance(values, dict):
        window.training_panel.restore_values(values)
    return bool(saved)


def save(window) -> None:
    settings = window.settings
    settings.setValue("window/geometry", window.saveGeometry())
    settings.setValue("window/size", window.normalGeometry().size())
    settings.setValue("window/state", window.saveState(LAYOUT_VERSION))
    settings.setValue("training/values", window.training_panel.settings_values())
    settings.sync()
