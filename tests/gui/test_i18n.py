"""The app's language: start-up choice, live switching, model messages in Chinese, and a .ts in step with the code."""

from __future__ import annotations

import string

import pytest
from PySide6.QtCore import QCoreApplication, QSettings
from PySide6.QtWidgets import QLabel, QWidget

from guiapp import i18n
from guiapp.engine import Failure
from guiapp.jobs import phase_text
from model.data import read_dataset
from model.errors import DataError
from model.messages import MESSAGES, Message
from tools import update_translations


@pytest.fixture
def english_afterwards(qapp):
    yield
    i18n.set_language(qapp, i18n.ENGLISH, save=False)


class Greeting(i18n.RetranslateMixin, QWidget):
    def __init__(self):
        super().__init__()
        self.label = QLabel(self)
        self.retranslate()

    def retranslate(self):
        self.label.setText(QCoreApplication.translate("Phases", "Ready"))


@pytest.mark.parametrize(("locale", "language"), [
    ("zh_CN", "zh_CN"), ("zh-Hans-CN", "zh_CN"), ("zh_SG", "zh_CN"), ("zh", "zh_CN"),
    ("zh_TW", "en"), ("zh_Hant_HK", "en"), ("en_US", "en"), ("de_DE", "en"), ("C", "en"),
])
def test_the_system_locale_picks_the_language(locale, language):
    assert i18n.language_for_locale(locale) == language


def test_a_saved_choice_wins_over_the_system(qapp, english_afterwards):
    settings = QSettings(*i18n.SETTINGS_SCOPE)
    settings.setValue(i18n.SETTINGS_KEY, "zh_CN")
    assert i18n.startup_language() == "zh_CN"
    assert i18n.install(qapp) == "zh_CN" and i18n.current_language() == "zh_CN"
    settings.setValue(i18n.SETTINGS_KEY, "klingon")  # a damaged setting falls back to the system's language
    assert i18n.startup_language() == i18n.language_for_locale(i18n.QLocale.system().name())


def test_switching_retranslates_widgets_and_qt_dialog_texts(qapp, qtbot, english_afterwards):
    widget = Greeting()
    qtbot.addWidget(widget)
    assert widget.label.text() == "Ready"
    assert i18n.set_language(qapp, "zh_CN") is True
    qtbot.waitUntil(lambda: widget.label.text() == "就绪", timeout=2000)
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "取消"  # Qt's own qtbase_zh_CN.qm
    assert QSettings(*i18n.SETTINGS_SCOPE).value(i18n.SETTINGS_KEY) == "zh_CN"  # remembered
    i18n.set_language(qapp, "en")
    qtbot.waitUntil(lambda: widget.label.text() == "Ready", timeout=2000)
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "Cancel"
    with pytest.raises(ValueError):
        i18n.set_language(qapp, "fr")


def test_model_messages_phases_and_failures_follow_the_language(qapp, tmp_path, english_afterwards):
    missing = tmp_path / "mnist.npz"
    with pytest.raises(DataError) as info:
        read_dataset(missing)
    failure = Failure("Training", Message("job.failed", what="Training", error="RuntimeError: boom"))
    assert i18n.message_for(info.value) == str(info.value)
    assert failure.title() == "Training" and failure.text() == "Training failed: RuntimeError: boom"
    i18n.set_language(qapp, "zh_CN", save=False)
    assert i18n.message_for(info.value).startswith(f"数据集“{missing}”不存在。请用以下任一方式提供 MNIST")
    assert i18n.message_for("model_file.missing", {"path": "/m.keras"}) == "模型文件“/m.keras”不存在。"
    assert failure.title() == "训练" and failure.text() == "训练失败：RuntimeError: boom"
    assert phase_text("idle") == "就绪" and phase_text("paused") == "已暂停"
    assert phase_text(str(Message("finetune.measuring_before"))) == "正在测量微调前的模型…"  # lost its code on the way
    assert phase_text("some new phase") == "some new phase"
    assert i18n.message_for(ValueError("from a library")) == "from a library"


def test_the_language_menu_switches_and_names_the_font_to_install(qapp, qtbot, monkeypatch, english_afterwards):
    monkeypatch.setattr(i18n, "cjk_font_available", lambda: False)
    menu = i18n.LanguageMenu()
    qtbot.addWidget(menu)
    chinese = menu.actions_by_language["zh_CN"]
    assert menu.actions_by_language["en"].isChecked() and menu.title() == "Language"
    assert "needs a Chinese font" in chinese.text() and "fonts-noto-cjk" in chinese.toolTip()
    chinese.trigger()
    assert i18n.current_language() == "zh_CN" and chinese.isChecked()
    qtbot.waitUntil(lambda: menu.title() == "语言", timeout=2000)
    assert "fonts-noto-cjk" in chinese.toolTip() and "中文" in chinese.toolTip()
    monkeypatch.setattr(i18n, "cjk_font_available", lambda: True)
    menu.actions_by_language["en"].trigger()
    qtbot.waitUntil(lambda: menu.title() == "Language", timeout=2000)
    assert chinese.text() == "中文" and not chinese.isChecked()


def test_cjk_font_detection_answers_without_failing(qapp):
    assert isinstance(i18n.cjk_font_available(), bool)
    assert "fonts-noto-cjk" in i18n.cjk_font_note()


def test_translations_keep_every_placeholder():
    for (context, source), (text, _kind) in update_translations.entries(i18n.ts_path("zh_CN")).items():
        if text:
            fields = {f for _, f, spec, _ in string.Formatter().parse(source) if f is not None}
            assert {f for _, f, _, _ in string.Formatter().parse(text) if f is not None} == fields, (context, source)


def test_every_model_message_is_translated():
    entries = update_translations.entries(i18n.ts_path("zh_CN"))
    untranslated = [t for t in MESSAGES.values() if not entries.get(("Messages", t), ("", ""))[0]]
    assert untranslated == []


@pytest.mark.skipif(update_translations.tool("lupdate") is None or update_translations.tool("lrelease") is None,
                    reason="pyside6-lupdate / pyside6-lrelease are missing (they ship with PySide6)")
def test_the_ts_matches_the_code_and_is_finished():
    """No text in the code missing from the .ts or left there, 0 unfinished, and the .qm compiled from it.

    Fix with ``python tools/update_translations.py`` (then translate the new entries and run it again).
    """
    assert update_translations.problems("zh_CN") == []

