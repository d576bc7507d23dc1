"""The main window's docks and menus, made once at start-up (as Qt Designer's setupUi would), and their saved state.

Every dock and action gets the objectName that outside tests and saved layouts rely on.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDockWidget, QLabel, QScrollArea, QVBoxLayout, QWidget


def _scrolled(widget: QWidget) -> QScrollArea:
    area = QScrollArea()
    area.setWidget(widget)
    area.setWidgetResizable(True)
    return area


# Layout --------------------------------------------------------------------------------------------------
def _dock(window, title: str, name: str, widget: QWidget, area) -> QDockWidget:
    dock = QDockWidget(title, window)
    dock.setObjectName(name)
    dock.setWidget(widget)
    window.addDockWidget(area, dock)
    return dock

def setup_docks(window) -> None:
    """Make the window's docks around its central plots, tabbed into the default layout (kept for Reset layout)."""
    window.training_panel.setMinimumWidth(330)
    training_area = _scrolled(window.training_panel)
    training_area.setMinimumWidth(350)
    training_area.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
    window.training_dock = _dock(window, "Training", "trainingDock", training_area, Qt.LeftDockWidgetArea)
    draw_box = QWidget()
    draw_layout = QVBoxLayout(draw_box)
    draw_layout.setContentsMargins(0, 0, 0, 0)
    draw_layout.addWidget(window.draw_panel, 1)
    draw_layout.addWidget(window.improve.draw_tools)
    window.draw_dock = _dock(window, "Draw", "drawDock", _scrolled(draw_box), Qt.RightDockWidgetArea)
    window.feature_dock = _dock(window, 
        "Feature maps", "featureDock", _scrolled(window.feature_maps), Qt.BottomDockWidgetArea
    )
    model_box = QWidget()
    box = QVBoxLayout(model_box)
    box.addWidget(window.model_summary, 2)
    box.addWidget(QLabel("First conv layer's kernels"))
    box.addWidget(window.kernel_view, 1)
    window.model_dock = _dock(window, "Model", "modelDock", model_box, Qt.BottomDockWidgetArea)
    window.dataset_dock = _dock(window, "Dataset", "datasetDock", _scrolled(window.dataset_view), Qt.BottomDockWidgetArea)
    window.architecture_dock = _dock(window, 
        "Architecture", "architectureDock", window.architecture_editor, Qt.LeftDockWidgetArea
    )
    window.learn_dock = _dock(window, "Learn: convolution", "learnDock", _scrolled(window.playground), Qt.BottomDockWidgetArea)
    window.evaluation_dock = _dock(window, 
        "Evaluation", "evaluationDock", _scrolled(window.improve.evaluation_view), Qt.BottomDockWidgetArea
    )
    window.teach_dock = _dock(window, "Teach", "teachDock", _scrolled(window.improve.teach_panel), Qt.BottomDockWidgetArea)
    window.tabifyDockWidget(window.training_dock, window.architecture_dock)
    window.tabifyDockWidget(window.feature_dock, window.model_dock)
    window.tabifyDockWidget(window.model_dock, window.dataset_dock)
    window.tabifyDockWidget(window.dataset_dock, window.learn_dock)
    window.tabifyDockWidget(window.learn_dock, window.evaluation_dock)
    window.tabifyDockWidget(window.evaluation_dock, window.teach_dock)
    window.training_dock.raise_()
    window.feature_dock.raise_()
    window.resizeDocks([window.feature_dock], [320], Qt.Vertical)
    window.resizeDocks([window.training_dock, window.draw_dock], [370, 700], Qt.Horizontal)
    window._default_state = window.saveState()

def _action(window, menu, text: str, slot, shortcut=None, name: str = "") -> QAction:
    action = QAction(text, window)
    if shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
    if name:
        action.setObjectName(name)
    action.triggered.connect(slot)
    menu.addAction(action)
    return action

def setup_menus(window) -> None:
    """Make the menu bar; the actions that follow the busy state are kept on the window (``train_action`` ...)."""
    bar = window.menuBar()
    file_menu = bar.addMenu("&File")
    window.open_dataset_action = _action(window, 
        file_menu, "Open &dataset…", window._on_open_dataset_triggered, "Ctrl+Shift+O", "openDatasetAction"
    )
    window.open_model_action = _action(window, 
        file_menu, "&Open model…", window._on_open_model_triggered, QKeySequence.Open, "openModelAction"
    )
    window.save_model_action = _action(window, 
        file_menu, "&Save model…", window._on_save_model_triggered, QKeySequence.Save, "saveModelAction"
    )
    file_menu.addSeparator()
    _action(window, file_menu, "&Quit", window.close, QKeySequence.Quit, "quitAction")
    train_menu = bar.addMenu("&Train")
    window.train_action = _action(window, train_menu, "&Train", window.training_panel.request_train, "Ctrl+T", "trainAction")
    window.pause_action = _action(window, train_menu, "&Pause / Resume", window._on_pause_action_triggered, "Ctrl+P", "pauseAction")
    window.stop_action = _action(window, train_menu, "&Stop", window._on_stop_requested, Qt.Key_Escape, "stopAction")
    train_menu.addSeparator()
    window.evaluate_action = _action(window, 
        train_menu, "&Evaluate on the test set", window._on_evaluate_triggered, "Ctrl+E", "evaluateAction"
    )
    view_menu = bar.addMenu("&View")
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
    ):
        view_menu.addAction(dock.toggleViewAction())
    view_menu.addSeparator()
    _action(window, view_menu, "&Reset layout", window._on_reset_layout_triggered, None, "resetLayoutAction")
    help_menu = bar.addMenu("&Help")
    _action(window, help_menu, "&About Digit Trainer", window._on_about_triggered, None, "aboutAction")



def restore(window) -> None:
    """Put back the window's saved geometry, docks and training settings (QSettings); defaults where none are saved."""
    settings = window.settings
    geometry = settings.value("window/geometry")
    if geometry is not None:
        window.restoreGeometry(geometry)
    else:
        window.resize(1400, 900)
    state = settings.value("window/state")
    if state is not None:
        window.restoreState(state)
    values = settings.value("training/values")
    if isinstance(values, dict):
        window.training_panel.restore_values(values)


def save(window) -> None:
    settings = window.settings
    settings.setValue("window/geometry", window.saveGeometry())
    settings.setValue("window/state", window.saveState())
    settings.setValue("training/values", window.training_panel.settings_values())
    settings.sync()
