from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from servicekit.churn import ChurnModel
from servicekit.cli import main
from tests.support import real_data

TELCO = ("telco", "WA_Fn-UseC_-Telco-Customer-Churn.csv")


@pytest.fixture(scope="module")
def fitted(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    data = real_data(*TELCO)
    model = tmp_path_factory.mktemp("cli") / "model.json"
    command = ["churn", "fit", str(data), "--target", "Churn", "--positive", "Yes"]
    status = main([*command, "--exclude", "customerID", "--folds", "0", "-o", str(model)])
    assert status == 0
    return data, model


@pytest.mark.realdata
def test_fit_writes_a_loadable_model(
    fitted: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    _, model_path = fitted
    model = ChurnModel.from_json(model_path.read_text(encoding="utf-8"))
    assert model.positive == "Yes"
    assert model.missing_counts == {"TotalCharges": 11}


@pytest.mark.realdata
def test_score_to_file_and_stdout(
    fitted: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data, model_path = fitted
    out = tmp_path / "scores.csv"
    assert (
        main(
            [
                "churn",
                "score",
                str(model_path),
                str(data),
                "-o",
                str(out),
                "--id-column",
                "customerID",
            ]
        )
        == 0
    )
    scores = pd.read_csv(out)
    assert list(scores.columns) == ["customerID", "churn_probability"]
    assert len(scores) == 7043
    assert scores["churn_probability"].between(0, 1).all()
    expected = ChurnModel.from_json(model_path.read_text(encoding="utf-8")).predict_proba(
        pd.read_csv(data)
    )
    pd.testing.assert_series_equal(
        scores["churn_probability"], expected, check_names=False, rtol=1e-12
    )
    capsys.readouterr()
    small = tmp_path / "three.csv"
    pd.read_csv(data).head(3).to_csv(small, index=False)
    assert main(["churn", "score", str(model_path), str(small)]) == 0
    printed = capsys.readouterr().out.splitlines()
    assert printed[0] == "row,churn_probability"
    assert len(printed) == 4


@pytest.mark.realdata
def test_summary_prints_the_model(
    fitted: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    _, model_path = fitted
    capsys.readouterr()
    assert main(["churn", "summary", str(model_path)]) == 0
    out = capsys.readouterr().out
    assert "P(Churn == 'Yes')" in out
    assert "pseudo-R²" in out
    assert "Contract=Two year" in out


def test_errors_are_one_line_with_status_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "model.json"
    broken.write_text(
        json.dumps({"format": "servicekit.ChurnModel", "version": 9}), encoding="utf-8"
    )
    data = tmp_path / "data.csv"
    pd.DataFrame({"x": [1, 2, 3, 4], "y": [0, 1, 0, 1]}).to_csv(data, index=False)
    assert main(["churn", "summary", str(broken)]) == 1
    assert "'version' must be 1" in capsys.readouterr().err
    assert main(["churn", "score", str(tmp_path / "missing.json"), str(data)]) == 1
    assert main(["churn", "summary", str(tmp_path)]) == 1  # a folder, not a file
    assert "is a folder, not a file" in capsys.readouterr().err
    out = tmp_path / "m.json"
    assert main(["churn", "fit", str(data), "--target", "Y", "-o", str(out)]) == 1
    assert "--target must name a column" in capsys.readouterr().err
    assert not out.exists()
    # --positive matches numeric labels by their text.
    assert (
        main(
            [
                "churn",
                "fit",
                str(data),
                "--target",
                "y",
                "--positive",
                "1",
                "--folds",
                "2",
                "-o",
                str(out),
            ]
        )
        == 0
    )
    assert ChurnModel.from_json(out.read_text(encoding="utf-8")).positive == 1
