from __future__ import annotations

import csv
from pathlib import Path

import pytest

from servicekit.classify import QuestionClassifier
from servicekit.cli import main
from tests.classify import small


def _write_csv(path: Path, rows: list[tuple[str, ...]], header: tuple[str, ...]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


@pytest.fixture
def trained(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    data = tmp_path / "train.csv"
    _write_csv(data, list(zip(small.TEXTS, small.LABELS, strict=True)), ("question", "intent"))
    model = tmp_path / "model.json"
    status = main(
        [
            "classify",
            "train",
            str(data),
            "--text",
            "question",
            "--label",
            "intent",
            "-o",
            str(model),
        ]
    )
    assert status == 0
    assert "trained logistic on 18 questions, 3 labels" in capsys.readouterr().out
    return model


def test_train_writes_a_loadable_model(trained: Path) -> None:
    clf = QuestionClassifier.from_json(trained.read_text(encoding="utf-8"))
    assert clf.predict(small.HELD_OUT) == small.HELD_OUT_LABELS


def test_predict_prints_label_confidence_and_escalation(
    trained: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status = main(
        ["classify", "predict", str(trained), "How do I reset my card PIN?", "--threshold", "0.99"]
    )
    assert status == 0
    header, line = capsys.readouterr().out.strip().splitlines()
    assert header.split()[:3] == ["label", "confidence", "escalate"]
    assert line.startswith("change_pin")
    assert "yes: low confidence" in line
    assert line.endswith("How do I reset my card PIN?")


def test_predict_from_a_file(
    trained: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    questions = tmp_path / "questions.csv"
    _write_csv(questions, [(q,) for q in small.HELD_OUT], ("text",))
    assert main(["classify", "predict", str(trained), "--file", str(questions)]) == 0
    lines = capsys.readouterr().out.strip().splitlines()[1:]
    assert [line.split()[0] for line in lines] == small.HELD_OUT_LABELS
    assert all(line.split()[2] == "no" for line in lines)


def test_errors_are_one_line(
    trained: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["classify", "predict", str(trained)]) == 2
    assert "questions as arguments or --file" in capsys.readouterr().err
    assert main(["classify", "predict", str(trained), "q", "--threshold", "2"]) == 1
    assert "--threshold must be" in capsys.readouterr().err
    broken = tmp_path / "broken.json"
    broken.write_text(trained.read_text(encoding="utf-8")[:-10], encoding="utf-8")
    assert main(["classify", "predict", str(broken), "a question"]) == 1
    assert "servicekit classify predict: error: MODEL.json" in capsys.readouterr().err
    data = tmp_path / "train.csv"
    _write_csv(data, [("a", "b")], ("text", "category"))
    out = str(tmp_path / "x.json")
    assert main(["classify", "train", str(data), "--label", "Category", "-o", out]) == 1
    err = capsys.readouterr().err
    assert "--label must name a column" in err
    assert "did you mean 'category'?" in err
    assert main(["classify", "predict", str(tmp_path / "missing.json"), "q"]) == 1
