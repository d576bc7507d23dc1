"""The whole window in Chinese: started in zh_CN no text with two or more English words is left (allow-list in
ui_texts.py), switching back restores every English text, and a switch during training loses nothing."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtWidgets import QLabel

from faults import SEVEN
from guiapp import i18n
from model.recipes import recipe
from replay import drag
from ui_texts import english_words, leftovers, window_texts


@pytest.fixture
def chinese(qapp):
    assert i18n.set_language(qapp, i18n.CHINESE, save=False)
    yield
    i18n.set_language(qapp, i18n.ENGLISH, save=False)


def _draw_and_wait(window, qtbot):
    with qtbot.waitSignal(window.predictionShown, timeout=20_000):
        drag(window.draw_panel.canvas, SEVEN)
    qtbot.waitUntil(lambda: window.controller.shown_generation() == window.controller.generation(), timeout=20_000)
    qtbot.waitUntil(lambda: not window.feature_maps.building(), timeout=20_000)  # every layer's title is there


def _switch(qapp, qtbot, window, language):
    """Switch the language and wait until the window has re-rendered its texts (LanguageChange is posted)."""
    i18n.set_language(qapp, language, save=False)
    title = {"en": "Digit Trainer", "zh_CN": "Digit Trainer 手写数字训练器"}[language]
    qtbot.waitUntil(lambda: window.windowTitle() == title, timeout=5000)
    qtbot.wait(50)  # the palette followers re-style on the next turn of the event loop


def test_the_english_words_check_can_fail():
    assert english_words("Draw a digit") == ["Draw", "digit"]
    assert english_words("<b>第 2/5 轮</b> · conv2d_1 · Conv2D · 3×3 · Ctrl+T") == []
    assert len(english_words("&Reset layout")) == 2 and english_words("Digit Trainer 手写数字训练器") == []
    assert leftovers([("label x", "写一个数字"), ("label y", "Not trained yet")]) == [
        "label y: 'Not trained yet' (Not, trained, yet)"]


def test_the_window_started_in_chinese_has_no_english_left_and_switches_back(qapp, chinese, make_window, qtbot):
    window = make_window()
    _draw_and_wait(window, qtbot)
    zh = window_texts(window)
    if __import__("os").environ.get("DUMP_TEXTS"):
        Path(__import__("os").environ["DUMP_TEXTS"]).write_text("\n".join(f"{w}\t{t!r}" for w, t in zh))
    assert len(zh) > 150, f"only {len(zh)} texts found"
    assert leftovers(zh) == [], "\n".join(leftovers(zh))
    assert any("卷积" in text for _, text in zh) and any(w.startswith("menu") and "语言" in t for w, t in zh)
    dock_tabs = [text for where, text in zh if where.startswith("tab ")]
    assert {"特征图", "模型", "数据集", "评估", "网络结构"} <= set(dock_tabs)

    _switch(qapp, qtbot, window, i18n.ENGLISH)
    english = dict(window_texts(window))
    assert english["window title"] == "Digit Trainer"
    assert english["label predictionLabel"][:1].isdigit()  # the answer shown again in English
    assert "Language" in [text for where, text in window_texts(window) if where.startswith("menu")]
    _switch(qapp, qtbot, window, i18n.CHINESE)
    assert window_texts(window) == zh  # the same texts again, in the same places
    _switch(qapp, qtbot, window, i18n.ENGLISH)
    assert dict(window_texts(window)) == english
    assert "Train" in english.values() and "Feature maps" in english.values()


def test_switching_the_language_during_training_keeps_the_run_plots_and_drawing(qapp, make_window, qtbot):
    window = make_window()
    _draw_and_wait(window, qtbot)
    drawn = window.draw_panel.canvas.image().copy()
    with qtbot.waitSignal(window.trainingFinished, timeout=300_000) as finished:
        assert window.train(recipe("seed", epochs=2, batch_size=32, limit_train=6000, limit_test=500))
        qtbot.waitUntil(lambda: window.plots.point_counts()["batch"] >= 3, timeout=60_000)
        run = window.controller.run
        before = window.plots.point_counts()["batch"]
        try:
            _switch(qapp, qtbot, window, i18n.CHINESE)
            assert window.training_panel.train_button.text() == "训练" and window.controller.job == "training"
            assert window.training_panel.progress.format().startswith("第 ")  # "第 1/2 轮 · 批次 …"
            _switch(qapp, qtbot, window, i18n.ENGLISH)
        finally:
            i18n.set_language(qapp, i18n.ENGLISH, save=False)
        assert window.controller.run == run and window.plots.point_counts()["batch"] >= before
    result = finished.args[0]
    assert result is not None and result.epochs_done == 2 and result.test_accuracy is not None
    counts = window.plots.point_counts()
    assert counts["batch"] > before and counts["epoch"] == 2 and window.plots.run_count() == 1
    assert np.array_equal(window.draw_panel.canvas.image(), drawn) and drawn.any()  # the drawing is untouched
    info = window.controller.model_info
    assert info.source == "trained"
    qtbot.waitUntil(lambda: window.findChild(QLabel, "predictionLabel").text()[:1].isdigit(), timeout=20_000)
    assert window.training_panel.runs_table.item(0, 3).text().endswith("%")
    assert window.training_panel.test_accuracy_label.text().startswith("Test accuracy: ")
