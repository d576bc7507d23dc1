"""Model messages carry a code and params that a translation can format, and their English text is unchanged."""

from __future__ import annotations

import ast
import pickle
import string
from pathlib import Path

import pytest

from model.data import read_dataset
from model.errors import DataError, DigitTrainerError, SpecError
from model.messages import MESSAGES, Message, render, translate
from model.recipes import TrainConfig

ROOT = Path(__file__).resolve().parents[2]
RAISERS = {"DigitTrainerError", "DataError", "ModelFileError", "SpecError", "SampleStoreError", "Message"}


def placeholders(template: str) -> set[str]:
    return {field.split(".")[0].split("[")[0] for _, field, _, _ in string.Formatter().parse(template) if field}


def coded_calls(folder: str):
    """(file, line, first argument node, keyword names) of every message raise or Message(...) under ``folder``."""
    for path in sorted((ROOT / folder).glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in RAISERS and node.args:
                yield path.name, node.lineno, node.args[0], {k.arg for k in node.keywords}


def test_every_model_message_has_a_known_code_and_exactly_its_placeholders():
    calls = list(coded_calls("model")) + list(coded_calls("guiapp"))
    checked = 0
    for name, line, arg, keywords in calls:
        if name == "messages.py":
            continue
        assert not isinstance(arg, ast.JoinedStr), f"{name}:{line}: an f-string message cannot be translated"
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
            assert arg.value in MESSAGES, f"{name}:{line}: unknown message code {arg.value!r}"
            assert keywords == placeholders(MESSAGES[arg.value]), f"{name}:{line}: params of {arg.value}"
            checked += 1
    assert checked > 90  # the data, spec, file, sample, training and fine-tuning messages


def test_every_code_is_used():
    paths = [p for folder in ("model", "guiapp") for p in (ROOT / folder).glob("*.py") if p.name != "messages.py"]
    sources = "".join(p.read_text() for p in paths) + 'render("list.separator"'  # used by messages.py itself
    unused = [code for code in MESSAGES if f'"{code}"' not in sources]
    assert unused == []


def test_english_text_is_what_users_saw_before():
    exc = DataError("data.idx_size", path="/d/x", expected=784, shape=(1, 28, 28), actual=12)
    assert str(exc) == "IDX file '/d/x' should hold 784 bytes of data for shape (1, 28, 28) but holds 12."
    assert exc.code == "data.idx_size" and exc.params["actual"] == 12
    with pytest.raises(DigitTrainerError) as info:
        TrainConfig(epochs=0, batch_size=0).validate()
    assert str(info.value) == (
        "Invalid training settings: epochs 0 must be between 1 and 1000; batch size 0 must be between 1 and 1,000,000."
    )
    assert info.value.code == "settings.invalid" and [p.code for p in info.value.params["problems"]] == [
        "settings.epochs", "settings.batch_size"]


def test_a_raised_error_names_its_code_and_file(tmp_path):
    missing = tmp_path / "nope.npz"
    with pytest.raises(DataError) as info:
        read_dataset(missing)
    assert info.value.code == "data.missing" and info.value.params["path"] == str(missing)
    assert str(info.value).startswith(f"Dataset '{missing}' does not exist. Provide MNIST")
    assert info.value.params["how"].code == "data.how_to_provide"


def test_plain_text_still_works_and_codes_survive_pickling():
    plain = DigitTrainerError("the run broke")
    assert str(plain) == "the run broke" and plain.code == "" and plain.params == {}
    with pytest.raises(TypeError):
        DigitTrainerError("no.such.code", path="x")
    exc = SpecError("spec.kernel_too_big", where=Message("spec.where", index=2, kind="conv"), k=5, n=3, out=-1)
    back = pickle.loads(pickle.dumps(exc))
    assert type(back) is SpecError and back.code == exc.code and str(back) == str(exc)
    assert str(back) == "Layer 2 (conv): a 5×5 kernel does not fit a 3×3 input (output -1×-1)."


def test_translation_formats_nested_messages_and_lists():
    zh = {
        MESSAGES["spec.where"]: "第 {index} 层（{kind}）",
        MESSAGES["spec.kernel_too_big"]: "{where}：{k}×{k} 的卷积核放不进 {n}×{n} 的输入（输出 {out}×{out}）。",
        MESSAGES["settings.invalid"]: "训练设置无效：{problems}。",
        MESSAGES["settings.epochs"]: "轮数 {value} 必须在 1 到 1000 之间",
        MESSAGES["list.separator"]: "；",
    }
    def lookup(text):
        return zh.get(text, text)

    exc = SpecError("spec.kernel_too_big", where=Message("spec.where", index=2, kind="conv"), k=5, n=3, out=-1)
    assert translate(exc.message, lookup) == "第 2 层（conv）：5×5 的卷积核放不进 3×3 的输入（输出 -1×-1）。"
    problems = [Message("settings.epochs", value=0), Message("settings.epochs", value=2000)]
    assert render("settings.invalid", {"problems": problems}, lookup) == (
        "训练设置无效：轮数 0 必须在 1 到 1000 之间；轮数 2000 必须在 1 到 1000 之间。")
    # English texts that lost their code (sent through a str signal) are found again when they have no params
    assert translate("There is no model to save yet.", {MESSAGES["session.nothing_to_save"]: "还没有可保存的模型。"}.get) \
        == "还没有可保存的模型。"
    assert translate("some other text", lookup) == "some other text"


def test_a_broken_translation_falls_back_to_english():
    lookup = {MESSAGES["model_file.missing"]: "模型文件 '{pfad}' 不存在。"}.get
    text = render("model_file.missing", {"path": "/m.keras"}, lambda t: lookup(t) or t)
    assert text == "Model file '/m.keras' does not exist."


def test_the_cli_speaks_chinese_when_asked(tmp_path, capsys):
    from model.cli import main

    missing = tmp_path / "none.keras"
    assert main(["--lang", "zh_CN", "predict", "--model", str(missing), "x.png"]) == 2
    assert capsys.readouterr().err == f"error: 模型文件“{missing}”不存在。\n"
    assert main(["train", "--epochs", "0", "--lang", "zh_CN"]) == 2
    assert capsys.readouterr().err == "error: 训练设置无效：训练轮数 0 必须在 1 到 1000 之间。\n"
    assert main(["predict", "--model", str(missing), "x.png"]) == 2  # English by default
    assert capsys.readouterr().err == f"error: Model file '{missing}' does not exist.\n"
