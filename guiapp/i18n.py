"""The app's language: which one at start, switching live between English and 中文, and translating model messages.

At start, ``install(app)`` picks the saved choice (QSettings ``ui/language``), else the system's language (zh_CN,
zh_SG or zh_Hans → Chinese; anything else → English), and installs the app's ``.qm`` plus Qt's own
``qtbase_zh_CN.qm`` (standard dialogs and buttons). ``set_language(app, "zh_CN" | "en")`` swaps the translators at
any time and saves the choice; Qt then sends ``QEvent.LanguageChange`` to every widget. ``LanguageMenu`` is the
View › Language menu that does this.

How a widget follows a switch (the pattern every view uses)::

    class TrainingPanel(RetranslateMixin, QWidget):      # the mixin first
        def __init__(self):
            super().__init__()
            self.train_button = QPushButton()
            ...
            self.retranslate()                           # the same method sets the texts the first time

        def retranslate(self):                           # every user-visible text, and nothing else
            self.train_button.setText(self.tr("Train"))
            self.status.setText(self.tr("Epoch {epoch} of {epochs}").format(epoch=e, epochs=n))

``self.tr`` takes the class name as the context, as ``pyside6-lupdate`` does, so call it in the class that defines
the text (a subclass would look under its own name). Outside a QObject use ``QCoreApplication.translate("Context",
"text")``; for tables of texts translated later use ``QT_TRANSLATE_NOOP("Context", "text")`` and translate when
shown. Never build a sentence from pieces (Chinese orders words differently): one string with ``{name}``
placeholders, formatted after translation. Objects that are not widgets (item models, plots' axis labels held by a
controller) connect to ``notifier().languageChanged`` instead.

Messages from ``model/`` (errors, the reason a run stopped) carry a code and params (``model/messages.py``):
``message_for(exc_or_message)`` shows them in the current language. The engine's ``jobFailed`` signal carries a
``Failure`` whose ``title()`` and ``text()`` use it.

Regenerate the translation after changing texts (one command; then fill the new ``unfinished`` entries of
``guiapp/translations/digit_trainer_zh_CN.ts`` with Qt Linguist or an editor, and run it again to compile the
``.qm``)::

    python tools/update_translations.py          # pyside6-lupdate → .ts, pyside6-lrelease → .qm
    python tools/update_translations.py --check  # what tests/gui/test_i18n.py checks: no drift, 0 unfinished
"""

from __future__ import annotations

import shutil
import subprocess
from functools import lru_cache
from pathlib import Path

from PySide6.QtCore import (
    QCoreApplication,
    QEvent,
    QLibraryInfo,
    QLocale,
    QObject,
    QSettings,
    QTranslator,
    Signal,
)
from PySide6.QtGui import QAction, QActionGroup, QFontDatabase, QGuiApplication
from PySide6.QtWidgets import QMenu

from model.messages import MESSAGES, render, translate

ENGLISH, CHINESE = "en", "zh_CN"
LANGUAGES = {ENGLISH: "English", CHINESE: "中文"}  # each language's name in itself, as language menus show them
SETTINGS_KEY = "ui/language"
SETTINGS_SCOPE = ("DigitTrainer", "DigitTrainer")  # organisation, application: the window's QSettings file
TRANSLATIONS_DIR = Path(__file__).resolve().parent / "translations"
CJK_FONT_PACKAGE = "fonts-noto-cjk"


def qm_path(language: str) -> Path:
    """The app's compiled translation for ``language``."""
    return TRANSLATIONS_DIR / f"digit_trainer_{language}.qm"


def ts_path(language: str) -> Path:
    """The app's translation source for ``language`` (what translators edit)."""
    return TRANSLATIONS_DIR / f"digit_trainer_{language}.ts"


def language_for_locale(name: str) -> str:
    """The app language for a locale name such as ``zh_CN``, ``zh-Hans-CN`` or ``de_DE``: Simplified Chinese or English."""
    parts = name.replace("-", "_").split("_")
    if parts[0] != "zh":
        return ENGLISH
    rest = parts[1:]
    if "Hant" in rest or any(region in rest for region in ("TW", "HK", "MO")):
        return ENGLISH  # traditional characters: the translation is in simplified ones
    return CHINESE


def startup_language(settings: QSettings | None = None) -> str:
    """The saved choice, else the system's language."""
    saved = (settings or QSettings(*SETTINGS_SCOPE)).value(SETTINGS_KEY, "", type=str)
    if saved in LANGUAGES:
        return saved
    return language_for_locale(QLocale.system().name())


class LanguageNotifier(QObject):
    """Tells objects that are not widgets (which get ``QEvent.LanguageChange``) that the language changed."""

    languageChanged = Signal(str)


_state = {"language": ENGLISH, "translators": []}


@lru_cache(maxsize=1)
def notifier() -> LanguageNotifier:
    return LanguageNotifier()


def current_language() -> str:
    return _state["language"]


def install(app: QCoreApplication, language: str | None = None) -> str:
    """Install the start-up language (``language``, else :func:`startup_language`); return it. Call before the
    window is built, so widgets are created in it."""
    chosen = language if language in LANGUAGES else startup_language()
    set_language(app, chosen, save=False)
    return chosen


def set_language(app: QCoreApplication, language: str, save: bool = True) -> bool:
    """Switch the app to ``language`` ("en" or "zh_CN") now; every widget gets ``QEvent.LanguageChange``.

    Returns False when the app's translation could not be loaded (the texts then stay English). ``save`` remembers
    the choice for the next start.
    """
    if language not in LANGUAGES:
        raise ValueError(f"language {language!r} is not one of {', '.join(LANGUAGES)}")
    for translator in _state["translators"]:
        app.removeTranslator(translator)
    _state["translators"] = []
    loaded = True
    if language != ENGLISH:
        ours, qt_own = QTranslator(app), QTranslator(app)
        loaded = ours.load(str(qm_path(language)))
        if loaded:
            qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
            for translator in (ours, qt_own) if qt_own.load(f"qtbase_{language}", qt_dir) else (ours,):
                app.installTranslator(translator)
                _state["translators"].append(translator)
    _state["language"] = language if loaded else ENGLISH
    if save:
        QSettings(*SETTINGS_SCOPE).setValue(SETTINGS_KEY, language)
    notifier().languageChanged.emit(_state["language"])
    return loaded


class RetranslateMixin:
    """Calls ``self.retranslate()`` when the language changes. Put it before the Qt class: ``(RetranslateMixin,
    QWidget)``; the constructor calls ``retranslate()`` itself once its widgets exist."""

    def retranslate(self) -> None:
        raise NotImplementedError

    def changeEvent(self, event) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)


def _lookup(text: str) -> str:
    return QCoreApplication.translate("Messages", text)


def message_for(message, params: dict | None = None) -> str:
    """A model message in the current language.

    ``message`` is a DigitTrainerError, a :class:`model.messages.Message`, a message code (with ``params``) or
    English text. ``params`` given with an error or Message replace some of its own (e.g. a translated title).
    Text that is none of these (an exception from a library) comes back as it is.
    """
    if isinstance(message, BaseException):
        message = getattr(message, "message", None) or str(message)
    if type(message) is str and message in MESSAGES:
        return render(message, params or {}, _lookup)
    return translate(message, _lookup, **(params or {}))


def cjk_font_available() -> bool:
    """Whether a font that can show Simplified Chinese is installed (asked of Qt once a GUI app exists, else of
    fontconfig)."""
    if QGuiApplication.instance() is not None:
        return bool(QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese))
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return False
    try:
        out = subprocess.run([fc_list, ":lang=zh", "family"], capture_output=True, text=True, timeout=10,
                             check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return False
    return bool(out.strip())


def cjk_font_note() -> str:
    """What to tell a user whose system has no Chinese font."""
    return QCoreApplication.translate(
        "Language", "A Chinese font is needed to show 中文 (Linux: install {package})."
    ).format(package=CJK_FONT_PACKAGE)


class LanguageMenu(RetranslateMixin, QMenu):
    """View › Language: English and 中文, the current one checked; choosing one switches at once and is remembered.

    Without a Chinese font the 中文 entry still works, and says that a font is needed.
    """

    def __init__(self, parent=None):
        super().__init__(parent)
        self.group = QActionGroup(self)
        self.actions_by_language: dict[str, QAction] = {}
        for language, name in LANGUAGES.items():
            action = QAction(name, self, checkable=True)
            action.triggered.connect(lambda _checked=False, lang=language: self._on_action_triggered(lang))
            self.group.addAction(action)
            self.addAction(action)
            self.actions_by_language[language] = action
        self.setToolTipsVisible(True)
        notifier().languageChanged.connect(self._on_language_changed)
        self._on_language_changed(current_language())
        self.retranslate()

    def retranslate(self) -> None:
        self.setTitle(self.tr("Language"))
        chinese = self.actions_by_language[CHINESE]
        if cjk_font_available():
            chinese.setText(LANGUAGES[CHINESE])
            chinese.setToolTip("")
        else:
            chinese.setText(self.tr("中文 (needs a Chinese font)"))
            chinese.setToolTip(cjk_font_note())

    def _on_action_triggered(self, language: str) -> None:
        set_language(QCoreApplication.instance(), language)

    def _on_language_changed(self, language: str) -> None:
        self.actions_by_language[language].setChecked(True)
