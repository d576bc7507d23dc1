"""Exports of the bundled model answer like Keras in their own runtimes; bad paths and formats leave nothing behind."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from model import cli, export
from model.errors import DigitTrainerError

BUNDLED = export.Path(__file__).resolve().parents[2] / "resources" / "bundled_robust.keras"


@pytest.fixture(scope="module")
def bundled():
    from model.storage import load_model

    model, _ = load_model(BUNDLED)
    return model


@pytest.fixture(scope="module")
def exports(bundled, raw_mnist, tmp_path_factory):
    """The bundled model exported once in each file format: {format: ExportReport}."""
    folder = tmp_path_factory.mktemp("exports")
    outs = {"onnx": "digits.onnx", "tflite": "digits.tflite", "tflite-int8": "digits-int8.tflite"}
    reports = {fmt: export.export_model(bundled, folder / name, fmt, raw_mnist) for fmt, name in outs.items()}
    assert sorted(p.name for p in folder.iterdir()) == sorted(outs.values())  # no temp folder left beside them
    return reports


def keras_answers(model, x):
    return model.predict(x, batch_size=500, verbose=0).argmax(axis=1)


@pytest.mark.parametrize("fmt", ["onnx", "tflite"])
def test_float_exports_agree_with_keras_on_the_whole_test_set(exports, fmt):
    report = exports[fmt]
    assert report.images == 10_000
    assert report.agreement >= 0.999
    assert abs(report.accuracy - report.keras_accuracy) <= 0.001
    assert report.size_bytes == export.Path(report.path).stat().st_size > 100_000


def test_int8_export_is_quantised_and_keeps_keras_accuracy(exports):
    report = exports["tflite-int8"]
    assert abs(report.accuracy - report.keras_accuracy) <= 0.003
    assert report.size_bytes < exports["tflite"].size_bytes / 2  # int8 weights: a quarter of float32's bytes
    from ai_edge_litert.interpreter import Interpreter

    tensors = Interpreter(model_path=report.path).get_tensor_details()
    assert any(t["dtype"] == np.int8 for t in tensors)


def test_the_onnx_file_runs_in_onnxruntime_like_keras(exports, bundled, raw_mnist):
    import onnxruntime

    from model.data import to_float_images

    x = to_float_images(raw_mnist.x_test[:1000])
    session = onnxruntime.InferenceSession(exports["onnx"].path, providers=["CPUExecutionProvider"])
    probs = session.run(None, {session.get_inputs()[0].name: x})[0]
    assert probs.shape == (1000, 10)
    assert np.mean(probs.argmax(axis=1) == keras_answers(bundled, x)) >= 0.999


def test_saved_model_replaces_an_earlier_export_only_once_checked(bundled, raw_mnist, tmp_path):
    out = tmp_path / "digits_saved_model"
    out.mkdir()
    (out / "old.txt").write_text("an earlier export")
    report = export.export_model(bundled, out, "saved_model", raw_mnist)
    assert report.agreement == 1.0 and report.size_bytes > 100_000
    assert (out / "saved_model.pb").is_file() and not (out / "old.txt").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["digits_saved_model"]


def test_a_failed_check_leaves_the_old_file_and_nothing_else(bundled, raw_mnist, tmp_path, monkeypatch):
    out = tmp_path / "digits.tflite"
    out.write_bytes(b"the earlier export")
    monkeypatch.setitem(export.MIN_AGREEMENT, "tflite", 1.01)
    with pytest.raises(DigitTrainerError) as info:
        export.export_model(bundled, out, "tflite", raw_mnist)
    assert info.value.code == "export.check_failed" and str(out) in str(info.value)
    assert out.read_bytes() == b"the earlier export"
    assert [p.name for p in tmp_path.iterdir()] == ["digits.tflite"]


def run_cli(capsys, *args):
    status = cli.main(["export", *map(str, args)])
    return status, capsys.readouterr().err


@pytest.mark.parametrize(
    "case, expected",
    [
        ("format", "Unknown export format 'keras2'; choose one of saved_model, onnx, tflite, tflite-int8."),
        ("missing model", "Model file '{tmp}/nope.keras' does not exist."),
        ("missing folder", "Cannot export to '{tmp}/no/such/digits.onnx': the folder '{tmp}/no/such' does not exist."),
        ("unwritable folder", "Cannot export to '/proc/digits.onnx': the folder '/proc' is not writable"),
        ("folder for a file", "Cannot export to '{tmp}/taken': it is a folder, and the onnx format writes a single"),
    ],
)
def test_a_bad_path_or_format_exits_2_naming_it_and_writes_nothing(case, expected, mnist_path, tmp_path, capsys):
    (tmp_path / "taken").mkdir()
    model, fmt, out = BUNDLED, "onnx", tmp_path / "digits.onnx"
    if case == "format":
        fmt = "keras2"
    elif case == "missing model":
        model = tmp_path / "nope.keras"
    elif case == "missing folder":
        out = tmp_path / "no" / "such" / "digits.onnx"
    elif case == "unwritable folder":
        out = export.Path("/proc/digits.onnx")
    else:
        out = tmp_path / "taken"
    status, err = run_cli(capsys, "--model", model, "--format", fmt, "--out", out, "--data", mnist_path)
    assert status == 2
    assert err.startswith("error: " + expected.format(tmp=tmp_path))
    assert [p.name for p in tmp_path.iterdir()] == ["taken"] and not any((tmp_path / "taken").iterdir())


def test_without_the_extra_the_error_says_what_to_install(monkeypatch, tmp_path, capsys):
    real = export.importlib.util.find_spec
    monkeypatch.setattr(export.importlib.util, "find_spec", lambda name: None if name == "tf2onnx" else real(name))
    assert export.missing_packages("onnx") == ["tf2onnx"] and export.missing_packages("saved_model") == []
    status, err = run_cli(capsys, "--model", BUNDLED, "--format", "onnx", "--out", tmp_path / "d.onnx")
    assert status == 2
    assert err == (
        "error: Exporting as onnx needs the Python package(s) tf2onnx, which are not installed. Install them with: "
        "pip install 'digit-trainer[export]'\n"
    )
    assert list(tmp_path.iterdir()) == []


def test_the_command_reports_size_agreement_and_accuracy(mnist_path, tmp_path):
    out = tmp_path / "digits.tflite"
    run = subprocess.run(
        [sys.executable, "-m", "model.cli", "export", "--model", str(BUNDLED), "--format", "tflite", "--out", str(out),
         "--data", str(mnist_path)],
        check=False, capture_output=True, text=True, timeout=300,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    lines = run.stdout.splitlines()
    assert lines[0] == f"exported {BUNDLED} as tflite to {out}: {out.stat().st_size:,} bytes"
    assert lines[1].startswith("agreement=") and float(lines[1].split()[0].split("=")[1]) >= 0.999
    assert lines[2].startswith("keras_test_accuracy=0.99") and lines[3].startswith("export_test_accuracy=0.99")
    assert [p.name for p in tmp_path.iterdir()] == ["digits.tflite"]
