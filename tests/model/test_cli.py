"""digit-trainer-cli end to end, in subprocesses, as a user runs it."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import numpy as np
import pytest

ACCURACY_LINE = re.compile(r"^test_accuracy=0\.\d{4}$|^test_accuracy=1\.0000$")


def cli(*args, env_data=None, cwd=None, timeout=300):
    env = {k: v for k, v in os.environ.items() if k != "DIGIT_TRAINER_DATA"}
    env["HOME"] = env.get("HOME", "/root")
    if env_data is not None:
        env["DIGIT_TRAINER_DATA"] = str(env_data)
    return subprocess.run(
        [sys.executable, "-m", "model.cli", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        cwd=cwd,
    )


def lines(text):
    return [line for line in text.splitlines() if line.strip()]


@pytest.fixture(scope="module")
def trained(mnist_path, tmp_path_factory):
    out = tmp_path_factory.mktemp("cli") / "X.keras"
    run = cli(
        "train", "--epochs", 1, "--limit-train", 2000, "--validation-split", 0.1, "--out", out, "--data", mnist_path
    )
    return run, out


def test_train_prints_one_line_per_epoch_and_the_test_accuracy(trained):
    run, out = trained
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr
    out_lines = lines(run.stdout)
    epoch_lines = [line for line in out_lines if line.startswith("epoch ")]
    assert len(epoch_lines) == 1
    pattern = r"^epoch 1/1 loss=\d+\.\d{4} accuracy=0\.\d{4} val_loss=\d+\.\d{4} val_accuracy=0\.\d{4} time="
    assert re.match(pattern, epoch_lines[0]), epoch_lines[0]
    assert out_lines[0].startswith("recipe=seed device=") and out_lines[0].endswith("train=1800")
    assert ACCURACY_LINE.match(out_lines[-1]), out_lines[-1]
    assert float(out_lines[-1].split("=")[1]) > 0.5
    assert f"saved {out}" in out_lines


def test_train_saves_a_model_with_metadata(trained):
    from model.architecture import seed_spec, spec_from_json
    from model.storage import load_model

    run, out = trained
    model, meta = load_model(out)
    assert model.count_params() == 93_322
    assert meta["recipe"] == "seed" and meta["epochs"] == 1 and meta["validation_split"] == 0.1
    assert spec_from_json(meta["spec"]) == seed_spec()
    assert f"test_accuracy={meta['test_accuracy']:.4f}" == lines(run.stdout)[-1]


def test_evaluate_ends_with_the_test_accuracy(trained, mnist_path):
    _, out = trained
    run = cli("evaluate", "--model", out, env_data=mnist_path)
    assert run.returncode == 0, run.stderr
    out_lines = lines(run.stdout)
    assert ACCURACY_LINE.match(out_lines[-1]), out_lines[-1]
    assert sum(line.startswith("digit ") for line in out_lines) == 10
    assert "images=10000" in out_lines[0]


def _draw_png(path, digit_one=True):
    from PIL import Image, ImageDraw

    im = Image.new("RGB", (200, 200), "white")
    if digit_one:
        ImageDraw.Draw(im).line([(100, 30), (100, 170)], fill="black", width=16)
    im.save(path)
    return path


def test_predict_prints_a_digit_and_its_probability(trained, tmp_path):
    _, out = trained
    one = _draw_png(tmp_path / "one.png")
    blank = _draw_png(tmp_path / "blank.png", digit_one=False)
    run = cli("predict", "--model", out, one, blank)
    assert run.returncode == 0, run.stderr
    out_lines = lines(run.stdout)
    assert re.match(rf"^{re.escape(str(one))}: \d p=[01]\.\d{{4}}$", out_lines[0]), out_lines
    assert out_lines[1] == f"{blank}: no digit (blank image)"


def test_predict_reports_unreadable_images_and_goes_on(trained, tmp_path):
    _, out = trained
    missing = tmp_path / "missing.png"
    garbage = tmp_path / "garbage.png"
    garbage.write_bytes(b"not an image at all")
    one = _draw_png(tmp_path / "one.png")
    run = cli("predict", "--model", out, missing, garbage, one)
    assert run.returncode == 1
    assert "Traceback" not in run.stderr
    assert f"{missing}: error:" in run.stderr and f"{garbage}: error:" in run.stderr
    assert re.match(r".*one\.png: \d p=", lines(run.stdout)[-1])


@pytest.mark.parametrize("command", ["train", "evaluate"])
def test_bad_data_path_is_a_clear_error(trained, tmp_path, command):
    _, out = trained
    bad = tmp_path / "no_such_mnist.npz"
    if command == "train":
        args = ["train", "--epochs", 1, "--data", bad]
    else:
        args = ["evaluate", "--model", out, "--data", bad]
    run = cli(*args)
    assert run.returncode == 2
    assert "Traceback" not in run.stderr
    last = lines(run.stderr)[-1]
    assert last.startswith("error: ") and str(bad) in last and "does not exist" in last
    assert "test_accuracy" not in run.stdout


def test_corrupt_data_file_is_a_clear_error(tmp_path):
    bad = tmp_path / "mnist.npz"
    bad.write_bytes(np.random.default_rng(0).bytes(1000))
    run = cli("train", "--epochs", 1, env_data=bad)
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert str(bad) in run.stderr


def test_bad_model_file_is_a_clear_error(tmp_path, mnist_path):
    bad = tmp_path / "broken.keras"
    bad.write_bytes(b"PK\x03\x04 truncated")
    for args in (["evaluate", "--model", bad, "--data", mnist_path], ["predict", "--model", bad, "x.png"]):
        run = cli(*args)
        assert run.returncode == 2 and "Traceback" not in run.stderr
        last = lines(run.stderr)[-1]  # TensorFlow may log its start-up before it
        assert last.startswith("error: ") and str(bad) in last


@pytest.mark.parametrize(
    "args, fragment",
    [
        (["--epochs", 0], "epochs"),
        (["--validation-split", 1.5], "validation split"),
        (["--learning-rate", -1], "learning rate"),
        (["--out", "model.h5"], ".keras"),
        (["--out", "/no/such/folder/m.keras"], "does not exist"),
        (["--limit-train", -3], "limit"),
    ],
)
def test_bad_settings_fail_before_training(mnist_path, args, fragment):
    run = cli("train", "--data", mnist_path, "--epochs", 1, "--limit-train", 300, *args)  # short, should it train
    assert run.returncode == 2, run.stdout + run.stderr
    assert "Traceback" not in run.stderr and fragment in run.stderr
    assert "epoch" not in run.stdout.replace("epochs", "")  # nothing was trained


def test_usage_errors_exit_2():
    run = cli("train", "--recipe", "nonsense")
    assert run.returncode == 2 and "invalid choice" in run.stderr
