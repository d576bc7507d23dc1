"""On a Linux desktop without the xcb plugin's system libraries, digit-trainer says what to install and exits 1."""

import subprocess
import sys
from pathlib import Path

import pytest

from guiapp import xcb_check
from guiapp.app import main


@pytest.mark.parametrize(
    "env, args, platform, expected",
    [
        ({"DISPLAY": ":0"}, [], "linux", True),
        ({"DISPLAY": ":0", "QT_QPA_PLATFORM": "xcb"}, [], "linux", True),
        ({"DISPLAY": ":0", "QT_QPA_PLATFORM": "offscreen"}, [], "linux", False),
        ({"DISPLAY": ":0", "QT_QPA_PLATFORM": "wayland;xcb"}, [], "linux", False),
        ({"DISPLAY": ":0"}, ["-platform", "offscreen"], "linux", False),
        ({"QT_QPA_PLATFORM": "offscreen"}, ["-platform", "xcb"], "linux", False),  # no display: Qt says so itself
        ({"DISPLAY": ":0", "WAYLAND_DISPLAY": "wayland-0"}, [], "linux", False),
        ({}, [], "linux", False),
        ({"DISPLAY": ":0"}, [], "darwin", False),
        ({"DISPLAY": ":0"}, [], "win32", False),
    ],
)
def test_only_an_x11_start_on_linux_is_checked(env, args, platform, expected):
    assert xcb_check.will_use_xcb(args, env, platform) is expected


def test_missing_libraries_name_their_packages():
    missing = xcb_check.missing_packages(lambda so: so not in ("libxcb-cursor.so.0", "libxkbcommon-x11.so.0"))
    assert missing == {"libxcb-cursor.so.0": "libxcb-cursor0", "libxkbcommon-x11.so.0": "libxkbcommon-x11-0"}
    assert "sudo apt-get install -y libxcb-cursor0 libxkbcommon-x11-0" in xcb_check.explain(missing)
    assert xcb_check.missing_packages(lambda so: True) == {}


def test_app_prints_the_apt_line_and_exits_1_before_qt_starts(monkeypatch, capsys):
    monkeypatch.setattr(xcb_check.sys, "platform", "linux")
    monkeypatch.setenv("DISPLAY", ":99")
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setattr(xcb_check, "_loads", lambda so: so != "libxcb-cursor.so.0")
    assert main([]) == 1
    err = capsys.readouterr().err
    assert "\n    sudo apt-get install -y libxcb-cursor0\n" in err and "libxcb-cursor.so.0" in err


def test_the_installed_command_exits_cleanly_without_a_traceback():
    code = (
        "import sys; from guiapp import xcb_check; xcb_check._loads = lambda so: so != 'libxcb-cursor.so.0'; "
        "from guiapp.app import main; sys.exit(main([]))"
    )
    env = {"PATH": "/usr/bin:/bin", "DISPLAY": ":99", "HOME": "/tmp"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120,
                         check=False, cwd=Path(__file__).resolve().parents[2])
    assert out.returncode == 1
    assert "sudo apt-get install -y libxcb-cursor0" in out.stderr and "Traceback" not in out.stderr


def test_the_message_follows_the_app_language_without_qt_gui(tmp_path, monkeypatch):
    from guiapp import i18n

    # the copies kept so that the check need not import guiapp.i18n (and with it QtGui) agree with the originals
    assert (xcb_check.SETTINGS_SCOPE, xcb_check.SETTINGS_KEY) == (i18n.SETTINGS_SCOPE, i18n.SETTINGS_KEY)
    assert xcb_check.TRANSLATIONS_DIR == i18n.TRANSLATIONS_DIR
    for name in ("zh_CN", "zh-Hans-CN", "zh_SG", "zh_TW", "zh_Hant_HK", "en_US", "de_DE", "C"):
        assert xcb_check.language_for_locale(name) == i18n.language_for_locale(name), name
    missing = {"libxcb-cursor.so.0": "libxcb-cursor0"}
    assert xcb_check.explain(missing, "en").startswith("Digit Trainer cannot open its window")
    lrelease = xcb_check.Path(sys.executable).parent / "pyside6-lrelease"
    if not lrelease.exists():
        pytest.skip("pyside6-lrelease is missing")
    source = xcb_check.MESSAGE.replace("&", "&amp;").replace("<", "&lt;").replace("'", "&apos;")
    (tmp_path / "zh.ts").write_text(
        '<?xml version="1.0" encoding="utf-8"?><!DOCTYPE TS><TS version="2.1" language="zh_CN"><context>'
        f"<name>XcbCheck</name><message><source>{source}</source>"
        "<translation>缺少系统库（{libraries}）：\n\n    {command}</translation></message></context></TS>",
        encoding="utf-8")
    subprocess.run([str(lrelease), "-silent", str(tmp_path / "zh.ts"), "-qm",
                    str(tmp_path / "digit_trainer_zh_CN.qm")], check=True)
    monkeypatch.setattr(xcb_check, "TRANSLATIONS_DIR", tmp_path)
    assert xcb_check.explain(missing, "zh_CN") == ("缺少系统库（libxcb-cursor.so.0）：\n\n"
                                                   "    sudo apt-get install -y libxcb-cursor0")
    monkeypatch.setattr(xcb_check, "TRANSLATIONS_DIR", tmp_path / "none")
    assert xcb_check.explain(missing, "zh_CN").startswith("Digit Trainer cannot")  # no .qm: English
