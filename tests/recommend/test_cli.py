from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from servicekit.cli import main
from tests.support import real_data

RATINGS = ("uci_restaurant_consumer", "rating_final.csv")


@pytest.mark.realdata
def test_recommend_writes_top_k_with_original_ids(tmp_path: Path) -> None:
    out = tmp_path / "top.csv"
    command = ["recommend", str(real_data(*RATINGS)), "--user", "userID", "--item", "placeID"]
    assert main([*command, "--rating", "rating", "-k", "5", "--csv", "-o", str(out)]) == 0
    table = pd.read_csv(out)
    assert list(table.columns) == ["userID", "rank", "placeID", "score"]
    assert table["userID"].nunique() == 138
    assert table.groupby("userID").size().max() == 5
    ratings = pd.read_csv(real_data(*RATINGS))
    seen = set(zip(ratings.userID, ratings.placeID, strict=True))
    assert not any((u, i) in seen for u, i in zip(table.userID, table.placeID, strict=True))


@pytest.mark.realdata
def test_stdout_with_item_knn(capsys: pytest.CaptureFixture[str]) -> None:
    command = ["recommend", str(real_data(*RATINGS)), "--user", "userID", "--item", "placeID"]
    assert main([*command, "-k", "1", "--method", "item_knn"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["userID", "rank", "placeID", "score"]
    assert len(lines) == 139


def test_bad_column_is_one_line_on_stderr(tmp_path: Path) -> None:
    data = tmp_path / "r.csv"
    pd.DataFrame({"u": [1, 2], "i": [3, 3], "r": [1, -1]}).to_csv(data, index=False)
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path)}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "servicekit",
            "recommend",
            str(data),
            "--user",
            "u",
            "--item",
            "nope",
        ],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        cwd=tmp_path,
    )
    assert result.returncode == 1  # a data problem (exit status 2 is for usage errors)
    assert result.stderr.count("\n") == 1, result.stderr
    assert "--item must name a column of" in result.stderr


@pytest.mark.parametrize(
    ("extra", "flag", "status"),
    [
        (["--rating", "r"], "--rating must name a column of finite ratings >= 0", 1),
        (["-k", "0"], "-k must be at least 1; got 0", 2),
    ],
)
def test_bad_values_are_errors_naming_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: list[str], flag: str, status: int
) -> None:
    data = tmp_path / "r.csv"
    pd.DataFrame({"u": [1, 2], "i": [3, 3], "r": [1, -1]}).to_csv(data, index=False)
    assert main(["recommend", str(data), "--user", "u", "--item", "i", *extra]) == status
    err = capsys.readouterr().err
    if status == 1:
        assert err.count("\n") == 1
    else:  # a usage error: the usage line, then one line
        assert err.startswith("usage: servicekit recommend")
    assert flag in err.splitlines()[-1]
