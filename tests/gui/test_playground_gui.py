"""The convolution playground steps its window cell by cell and writes out each cell's arithmetic."""

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLabel, QPushButton, QTableWidget

from guiapp.playground import WINDOW, ConvPlayground
from model.playground import CASES, case, conv2d, fmt


@pytest.fixture
def playground(qtbot):
    w = ConvPlayground()
    qtbot.addWidget(w)
    w.show()
    return w


def _texts(table: QTableWidget) -> list[list[str]]:
    return [[table.item(r, c).text() for c in range(table.columnCount())] for r in range(table.rowCount())]


def _highlighted(table: QTableWidget) -> set:
    return {
        (r, c)
        for r in range(table.rowCount())
        for c in range(table.columnCount())
        if table.item(r, c).background().color().rgb() == WINDOW.rgb()
    }


def _button(w, name) -> QPushButton:
    return w.findChild(QPushButton, name)


def test_object_names_and_first_step(playground):
    assert playground.objectName() == playground.accessibleName() == "convPlayground"
    for name in ("playgroundInput", "playgroundKernel", "playgroundOutput"):
        assert playground.findChild(QTableWidget, name) is not None
    assert playground.findChild(QComboBox, "playgroundCaseCombo").count() == len(CASES) == 6
    step_text = playground.findChild(QLabel, "playgroundStepText").text()
    assert step_text == "Step 1 of 9: out[0, 0] = 3·0 + 3·1 + 2·2 + 0·2 + 0·2 + 1·0 + 3·0 + 1·1 + 2·2 = 12"
    formula = playground.findChild(QLabel, "playgroundFormula").text()
    assert formula == "Output size: valid: out = ⌊(n−k)/s⌋ + 1 = ⌊(5−3)/1⌋ + 1 = 3"
    assert _texts(playground.output_table)[0] == ["12", "", ""]
    assert _highlighted(playground.input_table) == {(r, c) for r in range(3) for c in range(3)}
    assert not _button(playground, "playgroundPrevButton").isEnabled()


def test_next_moves_the_window_and_fills_the_output(playground, qtbot):
    qtbot.mouseClick(_button(playground, "playgroundNextButton"), Qt.LeftButton)
    assert playground.current_step() == 1
    assert _highlighted(playground.input_table) == {(r, c) for r in range(3) for c in range(1, 4)}
    assert _highlighted(playground.output_table) == {(0, 1)}
    assert playground.step_label.text() == (
        "Step 2 of 9: out[0, 1] = 3·0 + 2·1 + 1·2 + 0·2 + 1·2 + 3·0 + 1·0 + 2·1 + 2·2 = 12"
    )
    next_button = _button(playground, "playgroundNextButton")
    for _ in range(7):
        qtbot.mouseClick(next_button, Qt.LeftButton)
    assert playground.current_step() == 8 and not next_button.isEnabled()
    qtbot.keyClick(playground, Qt.Key_Right)  # past the end: stays on the last cell
    assert playground.current_step() == 8
    assert _texts(playground.output_table) == [["12", "12", "17"], ["10", "17", "19"], ["9", "6", "14"]]
    qtbot.mouseClick(_button(playground, "playgroundPrevButton"), Qt.LeftButton)
    assert playground.current_step() == 7 and _texts(playground.output_table)[2] == ["9", "6", ""]


def test_keyboard_steps(playground, qtbot):
    qtbot.keyClick(playground, Qt.Key_Right)
    qtbot.keyClick(playground, Qt.Key_Space)
    assert playground.current_step() == 2
    qtbot.keyClick(playground, Qt.Key_Left)
    assert playground.current_step() == 1


@pytest.mark.parametrize("c", CASES, ids=lambda c: c.key)
def test_every_case_steps_through_its_output(playground, qtbot, c):
    with qtbot.waitSignal(playground.stepChanged, timeout=1000):
        playground.set_case(c.key)
    out, steps = c.run()
    before, after = c.padding_amounts()
    assert playground.input_table.rowCount() == len(c.x) + before + after
    assert playground.kernel_table.isVisible() == c.is_conv
    assert playground.formula_label.text() == "Output size: " + c.formula()
    for i, step in enumerate(steps):
        assert playground.current_step() == i
        assert playground.step_label.text() == (
            f"Step {i + 1} of {len(steps)}: out[{step.out_row}, {step.out_col}] = {step.text}"
        )
        window = {(r + before, col + before) for r, col in step.cells()}
        n = len(c.x)
        inside = {(r, col) for r, col in window if before <= r < before + n and before <= col < before + n}
        assert _highlighted(playground.input_table) == inside
        assert _highlighted(playground.output_table) == {(step.out_row, step.out_col)}
        playground.next_step()
    assert _texts(playground.output_table) == [[fmt(v) for v in row] for row in out]


def test_padding_cells_are_zero_and_locked(playground):
    playground.set_case("same")
    table = playground.input_table
    assert table.rowCount() == 7
    assert [table.item(0, c).text() for c in range(7)] == ["0"] * 7
    assert not table.item(0, 3).flags() & Qt.ItemIsEditable
    assert table.item(1, 1).flags() & Qt.ItemIsEditable and table.item(1, 1).text() == "3"
    assert "1 top/left, 1 bottom/right" in playground.formula_label.text()
    playground.set_case("stride2")
    assert "⌈5/2⌉ = 3" in playground.formula_label.text()
    assert playground.output_table.rowCount() == 3


def test_pooling_step_text(playground):
    playground.set_case("max")
    assert playground.step_label.text() == "Step 1 of 4: out[0, 0] = max(1, 1, 5, 6) = 6"
    playground.set_case("avg")
    assert playground.step_label.text().endswith("(1 + 1 + 5 + 6) / 4 = 3.25")
    playground.set_case("sum")
    playground.next_step()
    assert playground.step_label.text() == "Step 2 of 4: out[0, 1] = 2 + 4 + 7 + 8 = 21"


def test_editing_cells_recomputes_and_bad_text_is_rejected(playground):
    message = playground.findChild(QLabel, "playgroundMessage")
    playground.input_table.item(0, 0).setText("−2")
    x = np.array(case("valid").x, dtype=float)
    x[0, 0] = -2
    assert playground.input_values()[0, 0] == -2
    np.testing.assert_array_equal(playground.output_values(), conv2d(x, case("valid").kernel)[0])
    assert playground.step_label.text().startswith("Step 1 of 9: out[0, 0] = (−2)·0 + 3·1")
    assert not message.isVisible()

    playground.kernel_table.item(0, 1).setText("0,5")
    assert playground.kernel_values()[0, 1] == 0.5 and playground.kernel_table.item(0, 1).text() == "0.5"

    playground.input_table.item(1, 1).setText("abc")
    assert message.isVisible()
    assert message.text() == "“abc” is not a number; input row 2, column 2 keeps 0."
    assert playground.input_table.item(1, 1).text() == "0" and playground.input_values()[1, 1] == 0
    playground.kernel_table.item(2, 2).setText("1e400")
    assert "out of range" in message.text() and playground.kernel_values()[2, 2] == 2
    playground.input_table.item(1, 1).setText("4")
    assert not message.isVisible()

    playground.findChild(QPushButton, "playgroundRestoreButton").click()
    np.testing.assert_array_equal(playground.input_values(), np.array(case("valid").x, dtype=float))


def test_play_runs_to_the_end_and_reset_goes_back(playground, qtbot):
    playground.set_case("max")
    playground.timer.setInterval(10)
    play = _button(playground, "playgroundPlayButton")
    qtbot.mouseClick(play, Qt.LeftButton)
    assert play.isChecked() and play.text() == "Pause"
    qtbot.waitUntil(lambda: playground.current_step() == 3 and not play.isChecked(), timeout=5000)
    assert not playground.timer.isActive() and play.text() == "Play"
    qtbot.mouseClick(_button(playground, "playgroundResetButton"), Qt.LeftButton)
    assert playground.current_step() == 0
    assert _texts(playground.output_table) == [["6", ""], ["", ""]]


def test_every_lesson_text_is_marked_for_translation():
    from guiapp.playground_parts import CASE_TEXTS

    assert {t for c in CASES for t in (c.title, c.lesson)} == set(CASE_TEXTS)


def test_switching_to_chinese_keeps_the_lesson_step_and_edit(playground, qtbot, qapp):
    from guiapp import i18n

    playground.set_case("same")
    playground.next_step()
    playground.next_step()
    playground.input_table.item(1, 1).setText("abc")
    english = (playground.step_label.text(), playground.formula_label.text(), playground.message_label.text())
    assert english[2] == "“abc” is not a number; input row 1, column 1 keeps 3."
    try:
        assert i18n.set_language(qapp, i18n.CHINESE, save=False)
        qtbot.waitUntil(lambda: playground.next_button.text() == "下一步 ▶", timeout=5_000)
        assert playground.case().key == "same" and playground.current_step() == 2
        assert playground.step_label.text().startswith("第 3 步，共 25 步：out[0, 2] = ")
        assert playground.formula_label.text().startswith("输出尺寸：same 填充：out = ⌈n/s⌉")
        assert playground.case_combo.currentText() == "卷积，same 填充"
        assert playground.message_label.text() == "“abc”不是数字；输入第 1 行第 1 列保持 3。"
        assert playground.play_button.text() == "播放"
        playground.set_case("max")
        assert playground.pool_label.text() == "2×2\n最大池化\n步长 2"
    finally:
        i18n.set_language(qapp, i18n.ENGLISH, save=False)
    qtbot.waitUntil(lambda: playground.next_button.text() == "Next ▶", timeout=5_000)
    assert playground.pool_label.text() == "2×2\nmax pool\nstride 2"
    playground.set_case("same")
    assert playground.formula_label.text() == english[1]
