"""Issue #9 items 4 and 15: model files by path, servicekit.load, and hostile file contents.

Every saved model type is tried: churn's LogisticModel and ChurnModel, classify's
QuestionClassifier and FaqIndex, recommend's Recommender and insights' Segmentation.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import servicekit
from servicekit.churn import ChurnModel, LogisticModel, fit_churn_model, fit_logistic
from servicekit.classify import FaqIndex, fit_question_classifier
from servicekit.cli import main
from servicekit.errors import InvalidInputError, ModelFormatError
from servicekit.insights import segment_customers
from tests.classify import small
from tests.recommend import small as recommend_small


def _logistic() -> LogisticModel:
    return fit_logistic([[1.0], [2.0], [3.0], [4.0], [5.0], [6.0]], [0, 1, 0, 1, 1, 1])


def _churn() -> ChurnModel:
    frame = pd.DataFrame(
        {
            "tenure": [1, 30, 2, 45, 5, 60, 3, 24],
            "plan": ["a", "b", "a", "b", "a", "b", "b", "a"],
            "churn": [1, 0, 1, 0, 0, 1, 1, 0],
        }
    )
    return fit_churn_model(frame, target="churn")


MODELS: dict[str, Callable[[], Any]] = {
    "LogisticModel": _logistic,
    "ChurnModel": _churn,
    "QuestionClassifier": small.classifier,
    "FaqIndex": small.faq,
    "Recommender": recommend_small.model,
    "Segmentation": lambda: segment_customers(
        pd.DataFrame({"spend": [1.0, 1.2, 0.9, 9.0, 9.5, 10.0]}), k=2, transform="none"
    ),
}


@pytest.fixture(scope="module", params=sorted(MODELS))
def model(request: pytest.FixtureRequest) -> Any:
    return MODELS[request.param]()


# ----------------------------------------------------------------- item 4: by path
def test_save_load_and_servicekit_load_round_trip(model: Any, tmp_path: Path) -> None:
    path = tmp_path / "model.json"
    model.save(path)
    assert path.read_text(encoding="utf-8") == model.to_json()
    assert type(model).load(path).to_json() == model.to_json()
    assert type(model).load(str(path)).to_json() == model.to_json()
    again = servicekit.load(path)
    assert type(again) is type(model)
    assert again.to_json() == model.to_json()
    assert not list(tmp_path.glob(".*partial"))  # no temporary file left behind


def test_load_of_another_kind_says_so(tmp_path: Path) -> None:
    path = tmp_path / "faq.json"
    small.faq().save(path)
    with pytest.raises(ModelFormatError, match="not this kind of model"):
        LogisticModel.load(path)


@pytest.mark.parametrize(
    ("given", "hint"),
    [
        (Path("model.json"), r"not a path: read a file with \.load\(path\)"),
        (b"{}", r"not bytes: decode them first"),
        ({"format": "servicekit.LogisticModel"}, r"not a parsed document: pass json\.dumps"),
    ],
)
def test_from_json_explains_paths_bytes_and_dicts(model: Any, given: Any, hint: str) -> None:
    with pytest.raises(InvalidInputError, match=r"'text' must be JSON text \(a str\), " + hint):
        type(model).from_json(given)


def test_from_json_given_a_file_name_says_so(model: Any) -> None:
    kind = type(model).__name__
    with pytest.raises(ModelFormatError, match=rf"looks like a file path.*{kind}\.load\(path\)"):
        type(model).from_json("models/churn.json")


def test_servicekit_load_refuses_what_is_not_a_model(tmp_path: Path) -> None:
    foreign = tmp_path / "foreign.json"
    foreign.write_text('{"format": "sklearn.Pipeline", "version": 1}', encoding="utf-8")
    with pytest.raises(ModelFormatError, match=r"'format' must be one of \[.*got 'sklearn"):
        servicekit.load(foreign)
    listed = tmp_path / "list.json"
    listed.write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(ModelFormatError, match="got None"):
        servicekit.load(listed)
    text = tmp_path / "text.json"
    text.write_text("not json", encoding="utf-8")
    with pytest.raises(ModelFormatError, match="invalid or truncated JSON"):
        servicekit.load(text)
    latin = tmp_path / "latin.json"
    latin.write_bytes(b'{"format": "caf\xe9"}')
    with pytest.raises(ModelFormatError, match="is not UTF-8 text"):
        servicekit.load(latin)
    with pytest.raises(FileNotFoundError):
        servicekit.load(tmp_path / "absent.json")
    with pytest.raises(InvalidInputError, match=r"servicekit\.load\(\): 'path'"):
        servicekit.load(3)  # type: ignore[arg-type]


def test_import_servicekit_stays_light_and_load_imports_only_the_area(tmp_path: Path) -> None:
    path = tmp_path / "model.json"
    _logistic().save(path)
    code = (
        "import sys, servicekit\n"
        "light = not any(m in sys.modules for m in ('numpy', 'pandas', 'servicekit.churn'))\n"
        f"model = servicekit.load({str(path)!r})\n"
        "print(light, type(model).__name__, 'servicekit.classify' in sys.modules)\n"
    )
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert result.stdout.split() == ["True", "LogisticModel", "False"]


# ----------------------------------------------------------------- item 15: hostile numbers/text
SENTINEL = "__HOSTILE__"


def _first_number_path(document: Any, path: tuple[Any, ...] = ()) -> tuple[Any, ...] | None:
    """The path of the first (depth-first) JSON number other than format fields."""
    if isinstance(document, dict):
        items: Any = ((k, v) for k, v in document.items() if k not in ("version", "checksum"))
    elif isinstance(document, list):
        items = enumerate(document)
    else:
        is_number = isinstance(document, (int, float)) and not isinstance(document, bool)
        return path if is_number else None
    for key, value in items:
        found = _first_number_path(value, (*path, key))
        if found is not None:
            return found
    return None


def _first_text_path(document: Any, path: tuple[Any, ...] = ()) -> tuple[Any, ...] | None:
    if isinstance(document, dict):
        items: Any = ((k, v) for k, v in document.items() if k not in ("format", "checksum"))
    elif isinstance(document, list):
        items = enumerate(document)
    else:
        return path if isinstance(document, str) and path else None
    for key, value in items:
        found = _first_text_path(value, (*path, key))
        if found is not None:
            return found
    return None


def _replace(text: str, path: tuple[Any, ...] | None, raw: str) -> str:
    assert path is not None
    document = json.loads(text)
    target = document
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = SENTINEL
    return json.dumps(document).replace(f'"{SENTINEL}"', raw)


NAMED_FIELDS = {  # the fields the review named, where the model has them
    "LogisticModel": [("coef", 0), ("l2",)],
    "ChurnModel": [("encoder", "fill_values", "tenure"), ("logistic", "coef", 0)],
}


@pytest.mark.parametrize(
    ("raw", "match"),
    [
        ("1e400", r"the number 1e400 beyond float64's range"),
        ("-" + "9" * 400, r"400-digit integer"),
        ("9" * 5000, r"5000-digit integer"),
    ],
)
def test_numbers_beyond_float64_are_model_format_errors(model: Any, raw: str, match: str) -> None:
    text = model.to_json()
    kind = type(model).__name__
    paths = [_first_number_path(json.loads(text)), *NAMED_FIELDS.get(kind, [])]
    for path in paths:
        with pytest.raises(ModelFormatError, match=match):
            type(model).from_json(_replace(text, path, raw))


def test_lone_surrogate_escapes_are_model_format_errors(model: Any, tmp_path: Path) -> None:
    text = model.to_json()
    hostile = _replace(text, _first_text_path(json.loads(text)), '"\\ud800"')
    with pytest.raises(ModelFormatError, match="lone surrogate"):
        type(model).from_json(hostile)
    path = tmp_path / "hostile.json"
    path.write_text(hostile, encoding="utf-8")
    with pytest.raises(ModelFormatError, match="lone surrogate"):
        servicekit.load(path)
    # A proper pair is one character: refused for other reasons (checksum, options) only.
    paired = _replace(text, _first_text_path(json.loads(text)), '"\\ud83d\\ude00"')
    with pytest.raises(ModelFormatError) as info:
        type(model).from_json(paired)
    assert "surrogate" not in str(info.value)


def test_text_with_a_lone_surrogate_is_refused_at_fit_time() -> None:
    texts = [*small.TEXTS[:-1], "bad \ud800 text"]
    with pytest.raises(InvalidInputError, match=r"'texts' must be valid Unicode text"):
        fit_question_classifier(texts, small.LABELS)
    labels = [*small.LABELS[:-1], "extra\ud800"]
    with pytest.raises(InvalidInputError, match=r"'labels' must be valid Unicode text"):
        fit_question_classifier(small.TEXTS, labels)
    with pytest.raises(InvalidInputError, match=r"'questions' must be valid Unicode text"):
        FaqIndex.build(["Where is my card \ud800?"], ["On its way."])
    # object dtype: pandas' Arrow-backed strings (pandas 3 with pyarrow, as the dask extra
    # installs) cannot hold a lone surrogate at all, so only object columns can carry one.
    text = pd.Series(["a", "b\ud800"] * 3, dtype=object)
    frame = pd.DataFrame({"t": [1, 2, 3, 4, 5, 6], "c": text, "y": [0, 1] * 3})
    with pytest.raises(InvalidInputError, match=r"column 'c' must hold valid Unicode text"):
        fit_churn_model(frame, target="y")


def test_cli_reports_a_hostile_model_file_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = _churn().to_json()
    path = tmp_path / "model.json"
    path.write_text(_replace(text, ("logistic", "coef", 0), "1e400"), encoding="utf-8")
    customers = tmp_path / "customers.csv"
    pd.DataFrame({"tenure": [3], "plan": ["a"]}).to_csv(customers, index=False)
    status = main(["churn", "score", str(path), str(customers)])
    stderr = capsys.readouterr().err
    assert status != 0
    assert "Traceback" not in stderr
    assert "1e400" in stderr
    assert len(stderr.strip().splitlines()) == 1
