"""The architecture explorer shows what Keras builds, marks impossible networks, and edits the layer list."""

import random
import subprocess
import sys

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLabel, QPushButton, QSpinBox, QWidget

from guiapp.architecture_editor import ArchitectureEditor
from model.architecture import (
    analyse,
    conv,
    dense,
    dropout,
    flatten,
    layer_names,
    pool,
    seed_spec,
    spec_to_json,
)
from model.errors import SpecError
from model.recipes import robust_spec

OUTPUT = dense(10, "softmax")


@pytest.fixture
def editor(qtbot):
    w = ArchitectureEditor()
    qtbot.addWidget(w)
    w.resize(520, 800)
    w.show()
    return w


def _click(qtbot, button):
    assert button.isVisible() and button.isEnabled()
    qtbot.mouseClick(button, Qt.LeftButton)


def _random_valid_specs(count: int, seed: int = 1234) -> list:
    """Random networks made only of what the editor offers, kept when analyse accepts them."""
    rng = random.Random(seed)
    specs = []
    while len(specs) < count:
        spec = []
        for _ in range(rng.randint(0, 4)):
            spec.append(
                conv(
                    rng.choice([1, 3, 8]),
                    kernel=rng.choice([3, 5]),
                    stride=rng.choice([1, 2]),
                    padding=rng.choice(["valid", "same"]),
                    activation=rng.choice(["relu", "tanh", "elu"]),
                )
            )
            if rng.random() < 0.6:
                spec.append(pool(rng.choice([2, 3]), rng.choice(["max", "avg", "sum"])))
            if rng.random() < 0.2:
                spec.append(dropout(0.25))
        spec.append(flatten())
        for _ in range(rng.randint(0, 2)):
            spec.append(dense(rng.choice([4, 16]), rng.choice(["relu", "sigmoid"])))
            if rng.random() < 0.3:
                spec.append(dropout(0.5))
        spec.append(OUTPUT)
        try:
            analyse(spec)
        except SpecError:
            continue
        specs.append(spec)
    return specs


RANDOM_SPECS = _random_valid_specs(24)


def test_random_specs_cover_every_option():
    layers = [layer for spec in RANDOM_SPECS for layer in spec]
    assert {(l.padding, l.stride, l.kernel) for l in layers if l.kind == "conv"} >= {
        (p, s, k) for p in ("valid", "same") for s in (1, 2) for k in (3, 5)
    }
    assert {(l.pool, l.pool_size) for l in layers if l.kind == "pool"} == {
        (p, s) for p in ("max", "avg", "sum") for s in (2, 3)
    }


@pytest.mark.parametrize("index", range(len(RANDOM_SPECS)))
def test_shown_shapes_and_params_equal_keras(editor, index):
    from model.architecture import build_model

    spec = RANDOM_SPECS[index]
    editor.set_spec(spec)
    assert editor.spec() == spec and editor.is_valid() and editor.error() == ""
    model = build_model(spec)
    layers = [layer for layer in model.layers if type(layer).__name__ != "InputLayer"]
    rows = editor.rows()
    assert len(rows) == len(layers)
    for row, layer, info in zip(rows, layers, analyse(spec)):
        assert row.name == layer.name
        assert row.output_shape == tuple(layer.output.shape[1:]), row
        assert row.params == layer.count_params(), row
        assert (row.formula, row.param_formula) == (info.formula, info.param_formula)
    assert f"{model.count_params():,}" in editor.total_label.text()
    assert editor.marked_layers() == []


def test_seed_rows_show_the_formulas_with_numbers(editor):
    rows = editor.rows()
    assert [r.name for r in rows] == layer_names(seed_spec())
    assert rows[0].output_shape == (26, 26, 32) and rows[0].params == 320
    assert rows[0].formula == "valid: out = ⌊(n−k)/s⌋ + 1 = ⌊(28−3)/1⌋ + 1 = 26"
    assert rows[0].param_formula == "k·k·c_in·filters + filters = 3·3·1·32 + 32 = 320"
    assert rows[1].formula == "max pool: out = ⌊n/p⌋ = ⌊26/2⌋ = 13"
    assert rows[-1].param_formula == "in·units + units = 64·10 + 10 = 650"
    assert editor.total_label.text() == "Total parameters: 93,322"
    assert editor.objectName() == editor.accessibleName() == "architectureEditor"


def test_impossible_network_marks_the_layer_and_blocks_training(editor, qtbot):
    from guiapp.training_panel import TrainingPanel

    panel = TrainingPanel()
    qtbot.addWidget(panel)
    panel.set_job("")
    editor.validityChanged.connect(panel.set_blocked)
    bad = [conv(8, 5), conv(8, 5), conv(8, 5), conv(8, 5), pool(2), pool(2), pool(2), pool(2), flatten(), OUTPUT]
    with qtbot.waitSignal(editor.validityChanged, timeout=1000) as blocker:
        editor.set_spec(bad)
    reason = blocker.args[0]
    assert reason.startswith("Layer 8 (pool)") and "does not fit a 1×1 input" in reason
    assert not editor.is_valid() and editor.error() == reason
    assert editor.marked_layers() == [7]
    row = editor.row_widget(7)
    assert row.warning_icon.isVisible() and "background" in row.styleSheet()
    assert row.formula_label.text() == reason
    assert not editor.row_widget(6).warning_icon.isVisible()
    rows = editor.rows()
    assert rows[6].output_shape == (1, 1, 8)  # the layers before the break still show their shapes
    assert rows[7].output_shape is None and rows[9].output_shape is None
    error_label = editor.findChild(QLabel, "architectureError")
    assert error_label.isVisible() and error_label.text() == reason
    assert "–" in editor.total_label.text()
    assert not panel.train_button.isEnabled() and panel.train_button.toolTip() == reason

    with qtbot.waitSignal(editor.validityChanged, timeout=1000, check_params_cb=lambda r: r == ""):
        _click(qtbot, row.remove_button)
    assert editor.marked_layers() == [] and not error_label.isVisible()
    assert panel.train_button.isEnabled()


def test_adding_pools_until_the_map_vanishes_through_the_ui(editor, qtbot):
    add_pool = editor.findChild(QPushButton, "addPoolButton")
    _click(qtbot, add_pool)  # 3×3 -> 1×1, still fine
    assert editor.is_valid()
    assert [layer.kind for layer in editor.spec()][5] == "pool"  # inserted just before Flatten
    with qtbot.waitSignal(editor.validityChanged, timeout=1000) as blocker:
        _click(qtbot, add_pool)
    assert blocker.args[0].startswith("Layer 7 (pool)")
    assert editor.marked_layers() == [6]


def test_reset_restores_the_seed_exactly(editor, qtbot):
    editor.set_spec(robust_spec())
    _click(qtbot, editor.findChild(QPushButton, "addConvButton"))
    assert editor.spec() != seed_spec()
    reset = editor.findChild(QPushButton, "resetSeedButton")
    with qtbot.waitSignal(editor.specChanged, timeout=1000) as blocker:
        _click(qtbot, reset)
    assert editor.spec() == seed_spec() and blocker.args[0] == seed_spec()
    assert editor.total_label.text() == "Total parameters: 93,322"


def test_editing_a_control_updates_spec_shapes_and_params(editor, qtbot):
    editor.row_widget(6).findChild(QSpinBox, "units").setValue(32)
    assert editor.spec()[6] == dense(32) and editor.rows()[7].params == 32 * 10 + 10
    row = editor.row_widget(0)
    with qtbot.waitSignal(editor.specChanged, timeout=1000) as blocker:
        row.findChild(QComboBox, "kernel").setCurrentIndex(1)  # 5×5
    assert blocker.args[0][0] == conv(32, kernel=5)
    assert editor.rows()[0].output_shape == (24, 24, 32) and editor.rows()[0].params == 5 * 5 * 32 + 32
    row.findChild(QComboBox, "padding").setCurrentText("same")
    row.findChild(QComboBox, "stride").setCurrentIndex(1)
    row.findChild(QSpinBox, "filters").setValue(16)
    assert editor.spec()[0] == conv(16, kernel=5, stride=2, padding="same")
    assert editor.rows()[0].output_shape == (14, 14, 16)
    assert editor.rows()[0].formula == "same: padding (k−1)/2 = (5−1)/2; out = ⌈n/s⌉ = ⌈28/2⌉ = 14"
    editor.row_widget(1).findChild(QComboBox, "pool").setCurrentText("sum")
    assert editor.spec()[1] == pool(2, "sum") and editor.rows()[1].name == "sum_pool_1"
    assert editor.error().startswith("Layer 5 (conv)")  # 14 → 7 → 5 → 2: the last 3×3 kernel no longer fits


def test_add_remove_and_reorder(editor, qtbot):
    _click(qtbot, editor.findChild(QPushButton, "addDropoutButton"))
    assert editor.spec()[-2] == dropout(0.25) and editor.spec()[-1] == OUTPUT
    _click(qtbot, editor.findChild(QPushButton, "addDenseButton"))
    assert editor.spec()[-2] == dense(64)
    _click(qtbot, editor.findChild(QPushButton, "addConvButton"))
    kinds = [layer.kind for layer in editor.spec()]
    assert kinds == ["conv", "pool", "conv", "pool", "conv", "conv", "flatten", "dense", "dropout", "dense", "dense"]
    _click(qtbot, editor.row_widget(5).up_button)  # new conv above conv2d_3
    _click(qtbot, editor.row_widget(4).up_button)  # and above max_pool_2
    assert [layer.kind for layer in editor.spec()][2:6] == ["conv", "conv", "pool", "conv"]
    _click(qtbot, editor.row_widget(3).down_button)
    assert [layer.kind for layer in editor.spec()][2:6] == ["conv", "pool", "conv", "conv"]
    assert editor.is_valid()
    for index in (8, 7, 4):
        _click(qtbot, editor.row_widget(index).remove_button)
    assert editor.spec() == seed_spec()
    first, last_body, output = editor.row_widget(0), editor.row_widget(6), editor.row_widget(7)
    assert not first.up_button.isEnabled() and not last_body.down_button.isEnabled()
    assert not output.up_button.isVisible() and not output.remove_button.isVisible()
    assert output.findChildren(QComboBox) == [] and output.findChildren(QSpinBox) == []


def test_flatten_cannot_be_lost_and_misplaced_layers_are_explained(editor, qtbot):
    flatten_row = editor.row_widget(5)
    assert not flatten_row.remove_button.isEnabled()
    assert not editor.findChild(QPushButton, "addFlattenButton").isVisible()
    _click(qtbot, flatten_row.down_button)  # dense_1 now comes before Flatten
    assert editor.error().startswith("Layer 6 (dense)") and "Flatten" in editor.error()
    assert editor.marked_layers() == [5]
    _click(qtbot, editor.row_widget(5).down_button)
    assert editor.is_valid() and editor.spec() == seed_spec()

    editor.set_spec([conv(4), OUTPUT])  # e.g. a hand-written spec without Flatten
    assert editor.error().startswith("Layer 2 (dense)")
    add_flatten = editor.findChild(QPushButton, "addFlattenButton")
    _click(qtbot, add_flatten)
    assert editor.spec() == [conv(4), flatten(), OUTPUT] and editor.is_valid()
    assert not add_flatten.isVisible()


def test_set_spec_accepts_saved_json_and_adds_the_output_layer(editor):
    editor.set_spec(spec_to_json(robust_spec()))
    assert editor.spec() == robust_spec() and editor.is_valid()
    editor.set_spec([conv(4), flatten()])
    assert editor.spec() == [conv(4), flatten(), OUTPUT]
    editor.set_spec([conv(4, kernel=7, stride=3), flatten(), OUTPUT])  # values the menus do not offer still show
    assert editor.spec()[0] == conv(4, kernel=7, stride=3)
    assert editor.row_widget(0).findChild(QComboBox, "kernel").currentData() == 7
    editor.set_spec([conv(4.0), flatten()])  # e.g. numbers read back from hand-edited JSON
    assert editor.row_widget(0).findChild(QSpinBox, "filters").value() == 4 and editor.is_valid()
    editor.set_spec([conv(4), pool(2, "min"), flatten()])
    assert editor.error().startswith("Layer 2 (pool)") and editor.marked_layers() == [1]
    editor.set_spec([conv("many"), flatten()])
    assert editor.error().startswith("Layer 1 (conv): filters") and editor.marked_layers() == [0]
    with pytest.raises(SpecError):
        editor.set_spec([{"kind": "conv", "colour": "red"}])


def test_gui_modules_do_not_import_tensorflow():
    code = (
        "import sys\n"
        "import guiapp.architecture_editor, guiapp.playground\n"
        "print(sorted(m for m in ('tensorflow', 'keras') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], check=False, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "[]"


def test_show_as_keras_code_opens_the_script_and_copy_and_save_work(editor, qtbot, tmp_path, monkeypatch):
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QFileDialog

    from model.recipes import recipe

    editor.row_widget(1).findChild(QComboBox, "pool").setCurrentText("avg")
    editor.set_settings_provider(lambda: recipe("seed", optimizer="adam", learning_rate=0.0005, batch_size=128))
    _click(qtbot, editor.findChild(QPushButton, "showKerasCodeButton"))
    dialog = editor.findChild(QWidget, "kerasCodeDialog")
    assert dialog is not None and dialog.isVisible()
    text = dialog.code()
    assert "model = models.Sequential()" in text
    assert "model.add(layers.AveragePooling2D((2, 2)))" in text  # the edit, not the seed's max pooling
    assert text.count("model.add(layers.Conv2D(") == 3
    assert "keras.optimizers.Adam(learning_rate=0.0005)" in text and "BATCH_SIZE = 128" in text

    QGuiApplication.clipboard().clear()
    _click(qtbot, dialog.findChild(QPushButton, "copyKerasCodeButton"))
    assert QGuiApplication.clipboard().text() == text

    target = tmp_path / "my_cnn.py"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), "")))
    _click(qtbot, dialog.findChild(QPushButton, "saveKerasCodeButton"))
    assert target.read_text() == text
    assert str(target) in dialog.findChild(QLabel, "kerasCodeStatus").text()


def test_keras_code_needs_a_network_that_can_be_built(editor):
    editor.row_widget(0).findChild(QComboBox, "kernel").setCurrentIndex(1)
    editor.row_widget(0).findChild(QComboBox, "stride").setCurrentIndex(1)
    assert not editor.is_valid()
    assert not editor.findChild(QPushButton, "showKerasCodeButton").isEnabled()
