"""The engine never imports Qt, and importing it is cheap: TensorFlow loads only when a model is built or trained."""

import json
import subprocess
import sys

import pytest

# Submodules that must import without Keras (model.layers defines Keras layers, so it needs Keras by nature).
LIGHT_MODULES = [
    "model",
    "model.errors",
    "model.data",
    "model.architecture",
    "model.preprocess",
    "model.recipes",
    "model.evaluation",
    "model.inference",
    "model.images",
    "model.storage",
    "model.training",
    "model.cli",
    "model.pendigits",
    "model.tf_backend",
]

HEAVY = ("tensorflow", "keras", "PySide6")


def _imported_after(modules: list[str]) -> dict:
    code = (
        "import importlib, json, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        f"print(json.dumps({{m: m in sys.modules for m in {list(HEAVY)!r}}}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_import_model_loads_neither_qt_nor_tensorflow():
    loaded = _imported_after(["model"])
    assert not loaded["PySide6"]
    assert not loaded["tensorflow"]
    assert not loaded["keras"]


def test_core_modules_do_not_import_qt():
    loaded = _imported_after(["model", "model.data", "model.architecture", "model.preprocess", "model.recipes"])
    assert not loaded["PySide6"]


@pytest.mark.parametrize("name", LIGHT_MODULES)
def test_light_module_imports_without_keras_or_qt(name):
    loaded = _imported_after([name])
    assert loaded == {"tensorflow": False, "keras": False, "PySide6": False}, f"importing {name} loaded {loaded}"


def test_whole_engine_never_imports_qt():
    """Every model submodule, Keras ones included, imported together: still no PySide6."""
    code = (
        "import importlib, pkgutil, sys, model\n"
        "names = [m.name for m in pkgutil.iter_modules(model.__path__)]\n"
        "for n in names:\n"
        "    importlib.import_module('model.' + n)\n"
        "assert 'model.layers' in sys.modules and 'keras' in sys.modules\n"
        "print('PySide6' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=180)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "False"
