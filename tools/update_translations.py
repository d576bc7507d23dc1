"""Regenerate the app's translations in one command: pyside6-lupdate into the .ts, pyside6-lrelease into the .qm.

    python tools/update_translations.py           # update guiapp/translations/*.ts from the code, compile the .qm
    python tools/update_translations.py --check   # change nothing; exit 1 on drift, unfinished entries or a stale .qm
    python tools/update_translations.py --fill zh.json   # {"Context": {"source": "译文"}}: fill, then update

The sources are every ``guiapp/*.py`` (``self.tr``, ``QCoreApplication.translate``, ``QT_TRANSLATE_NOOP``) and
``model/messages.py`` (the model's messages, marked the same way without Qt). Locations are left out of the .ts so
that moving a line does not change it; texts no longer in the code are dropped (``-no-obsolete``).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TRANSLATIONS = ROOT / "guiapp" / "translations"
LANGUAGES = ("zh_CN",)


def sources() -> list[Path]:
    return sorted((ROOT / "guiapp").glob("*.py")) + [ROOT / "model" / "messages.py"]


def tool(name: str) -> str | None:
    """``pyside6-<name>`` next to this Python (a venv's bin) or on PATH; None when PySide6's tools are missing."""
    here = Path(sys.executable).parent / f"pyside6-{name}"
    return str(here) if here.exists() else shutil.which(f"pyside6-{name}")


def lupdate(ts: Path) -> None:
    """Merge the texts of the code into ``ts`` (created if missing): new ones unfinished, vanished ones dropped."""
    exe = tool("lupdate")
    if exe is None:
        raise FileNotFoundError("pyside6-lupdate is missing: install PySide6")
    subprocess.run([exe, "-silent", "-locations", "none", "-no-obsolete", *map(str, sources()), "-ts", str(ts)],
                   check=True, cwd=ROOT)


def lrelease(ts: Path, qm: Path) -> None:
    exe = tool("lrelease")
    if exe is None:
        raise FileNotFoundError("pyside6-lrelease is missing: install PySide6")
    subprocess.run([exe, "-silent", str(ts), "-qm", str(qm)], check=True)


def entries(ts: Path) -> dict[tuple[str, str], tuple[str, str]]:
    """(context, source) -> (translation, type) of every message in ``ts`` (type "" for a finished one)."""
    out = {}
    for context in ET.parse(ts).getroot().iter("context"):
        name = context.findtext("name")
        for message in context.iter("message"):
            translation = message.find("translation")
            out[(name, message.findtext("source"))] = (translation.text or "", translation.get("type", ""))
    return out


def fill(ts: Path, translations: dict[str, dict[str, str]]) -> int:
    """Set the translations of ``ts`` given as {context: {source: text}} (finished); return how many were set."""
    tree = ET.parse(ts)
    done = 0
    for context in tree.getroot().iter("context"):
        wanted = translations.get(context.findtext("name"), {})
        for message in context.iter("message"):
            text = wanted.get(message.findtext("source"))
            if text:
                translation = message.find("translation")
                translation.text = text
                translation.attrib.pop("type", None)
                done += 1
    tree.write(ts, encoding="utf-8", xml_declaration=True)
    return done


def problems(language: str) -> list[str]:
    """What is wrong with ``language``'s committed .ts and .qm against the code (empty when all is well)."""
    ts, qm = TRANSLATIONS / f"digit_trainer_{language}.ts", TRANSLATIONS / f"digit_trainer_{language}.qm"
    if not ts.exists():
        return [f"{ts.name} is missing"]
    committed = entries(ts)
    found = []
    with tempfile.TemporaryDirectory() as tmp:
        fresh_ts = Path(tmp) / ts.name
        shutil.copy(ts, fresh_ts)
        lupdate(fresh_ts)
        fresh = entries(fresh_ts)
        found += [f"new in the code, not in {ts.name}: [{c}] {s!r}" for c, s in sorted(fresh.keys() - committed.keys())]
        found += [f"in {ts.name}, gone from the code: [{c}] {s!r}" for c, s in sorted(committed.keys() - fresh.keys())]
        found += [f"unfinished in {ts.name}: [{c}] {s!r}" for (c, s), (text, kind) in sorted(committed.items())
                  if kind or not text]
        fresh_qm = Path(tmp) / qm.name
        lrelease(ts, fresh_qm)
        if not qm.exists() or qm.read_bytes() != fresh_qm.read_bytes():
            found.append(f"{qm.name} is not compiled from the current {ts.name}")
    return found


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="change nothing; report drift and unfinished entries")
    parser.add_argument("--fill", metavar="JSON", help='translations to set first: {"Context": {"source": "text"}}')
    args = parser.parse_args(argv)
    status = 0
    for language in LANGUAGES:
        if args.check:
            found = problems(language)
            print("\n".join(found) or f"{language}: up to date, 0 unfinished")
            status |= bool(found)
            continue
        ts = TRANSLATIONS / f"digit_trainer_{language}.ts"
        lupdate(ts)
        if args.fill:
            print(f"{fill(ts, json.loads(Path(args.fill).read_text(encoding='utf-8')))} translations set")
            lupdate(ts)  # back to lupdate's own layout
        lrelease(ts, ts.with_suffix(".qm"))
        unfinished = [key for key, (text, kind) in entries(ts).items() if kind or not text]
        print(f"{ts.relative_to(ROOT)}: {len(entries(ts))} texts, {len(unfinished)} unfinished")
    return status


if __name__ == "__main__":
    sys.exit(main())
