"""model.export_child: the app's exports run in a child process and report (or fail) as an in-process export does."""

from __future__ import annotations

import pytest

from model.errors import DigitTrainerError
from model.export_child import export_in_child
from resources import bundled_model_path


def test_an_export_in_a_child_process_is_written_checked_and_reported(tmp_path, mnist_path):
    out = tmp_path / "digits.tflite"
    report = export_in_child(str(bundled_model_path()), str(out), "tflite", str(mnist_path))
    assert out.is_file() and report.path == str(out) and report.size_bytes == out.stat().st_size
    assert report.images == 10_000 and report.agreement >= 0.999


def test_a_bad_model_file_fails_with_its_message_code_and_writes_nothing(tmp_path, mnist_path):
    bad = tmp_path / "broken.keras"
    bad.write_bytes(b"not a zip")
    out = tmp_path / "out.tflite"
    with pytest.raises(DigitTrainerError) as caught:
        export_in_child(str(bad), str(out), "tflite", str(mnist_path))
    assert caught.value.code and "broken.keras" in str(caught.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken.keras"]
