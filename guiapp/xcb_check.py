"""Before Qt starts on a Linux desktop: are the system libraries of Qt's xcb platform plugin installed?

Without one of them (``libxcb-cursor0`` on a minimal Ubuntu 22.04 or Debian 12 is the usual one) Qt aborts with
"Could not load the Qt platform plugin "xcb"" and a core dump, which tells a learner nothing. :func:`missing_packages`
names the Debian/Ubuntu packages to install instead, and ``digit-trainer`` prints the ``apt-get`` line and leaves.

The list is what PySide6's ``plugins/platforms/libqxcb.so`` and ``lib/libQt6XcbQpa.so.6`` link against outside
the wheel (``ldd``), without the C/C++ runtime every desktop has.

The message is in the app's language (``--lang``, else the saved choice, else the system's), read straight from the
app's ``.qm`` with QtCore alone: there is no QApplication yet, and :mod:`guiapp.i18n` imports QtGui, which links
some of the very libraries that may be missing.
"""

from __future__ import annotations

import ctypes
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

# The same as guiapp.i18n's SETTINGS_SCOPE, SETTINGS_KEY and translation folder (tests/gui/test_xcb_check.py checks)
SETTINGS_SCOPE = ("DigitTrainer", "DigitTrainer")
SETTINGS_KEY = "ui/language"
TRANSLATIONS_DIR = Path(__file__).resolve().parent / "translations"


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:  # the name pyside6-lupdate looks for
    """Marks ``text`` for the translation (as Qt's does) without importing Qt."""
    return text


MESSAGE = QT_TRANSLATE_NOOP(
    "XcbCheck",
    "Digit Trainer cannot open its window: Qt's X11 (xcb) platform plugin needs system libraries that are "
    "not installed ({libraries}).\nOn Debian or Ubuntu, install them with:\n\n    {command}\n\n"
    "On other Linux distributions, install the packages that provide these files.",
)

# soname -> Debian/Ubuntu package that provides it
XCB_LIBRARIES = {
    "libxcb.so.1": "libxcb1",
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libX11.so.6": "libx11-6",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libGL.so.1": "libgl1",
    "libEGL.so.1": "libegl1",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libglib-2.0.so.0": "libglib2.0-0",
    "libdbus-1.so.3": "libdbus-1-3",
}


def will_use_xcb(qt_args: Sequence[str] = (), environ=None, platform: str | None = None) -> bool:
    """True when Qt is going to pick its xcb plugin: Linux, an X display, and no other platform asked for
    (``-platform``, ``QT_QPA_PLATFORM``) or likely (a Wayland session, where Qt may use its wayland plugin)."""
    environ = os.environ if environ is None else environ
    if not (platform or sys.platform).startswith("linux"):
        return False
    asked = environ.get("QT_QPA_PLATFORM", "")
    args = list(qt_args)
    for i, arg in enumerate(args[:-1]):
        if arg in ("-platform", "--platform"):
            asked = args[i + 1]
    if asked:
        return asked.split(":")[0].split(";")[0] == "xcb" and bool(environ.get("DISPLAY"))
    return bool(environ.get("DISPLAY")) and not environ.get("WAYLAND_DISPLAY")


def _loads(soname: str) -> bool:
    try:
        ctypes.CDLL(soname)
    except OSError:
        return False
    return True


def missing_packages(loads: Callable[[str], bool] | None = None) -> dict[str, str]:
    """{soname: package} of the xcb plugin's libraries that the dynamic loader cannot load (``loads`` says)."""
    loads = loads or _loads
    return {so: package for so, package in XCB_LIBRARIES.items() if not loads(so)}


def language_for_locale(name: str) -> str:
    """As :func:`guiapp.i18n.language_for_locale`: "zh_CN" for a Simplified Chinese locale, else "en"."""
    parts = name.replace("-", "_").split("_")
    if parts[0] != "zh" or "Hant" in parts[1:] or any(region in parts[1:] for region in ("TW", "HK", "MO")):
        return "en"
    return "zh_CN"


def message_language(language: str | None = None) -> str:
    """``language`` if given, else the one saved in View › Language, else the system's."""
    if language:
        return language
    from PySide6.QtCore import QLocale, QSettings

    saved = QSettings(*SETTINGS_SCOPE).value(SETTINGS_KEY, "", type=str)
    return saved if saved in ("en", "zh_CN") else language_for_locale(QLocale.system().name())


def translated(text: str, language: str) -> str:
    """``text`` (of the "XcbCheck" context) from the app's ``.qm`` for ``language``; English when there is none."""
    if language == "en":
        return text
    from PySide6.QtCore import QTranslator

    translator = QTranslator()
    if not translator.load(str(TRANSLATIONS_DIR / f"digit_trainer_{language}.qm")):
        return text
    return translator.translate("XcbCheck", text) or text


def explain(missing: dict[str, str], language: str | None = None) -> str:
    """What to tell the user: which libraries are missing and the one command that installs them, in ``language``
    (see :func:`message_language`)."""
    text = translated(MESSAGE, message_language(language))
    command = "sudo apt-get install -y " + " ".join(sorted(set(missing.values())))
    return text.format(libraries=", ".join(missing), command=command)
