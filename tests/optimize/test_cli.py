from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from servicekit.cli import main


def test_staff_one_interval(capsys: pytest.CaptureFixture[str]) -> None:
    status = main(
        ["staff", "--calls", "360", "--per-minutes", "30", "--aht", "240", "--within", "20"]
    )
    out = capsys.readouterr().out
    assert status == 0
    # One interval: a table with the measures as rows.
    values = dict(line.split() for line in out.strip().splitlines()[1:])
    assert values["agents"] == "54"


def test_staff_shrinkage_and_occupancy(capsys: pytest.CaptureFixture[str]) -> None:
    main(
        [
            "staff",
            "--calls",
            "100",
            "--aht",
            "180",
            "--max-occupancy",
            "0.85",
            "--shrinkage",
            "0.3",
            "--csv",
        ]
    )
    frame = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert list(frame[["agents", "scheduled"]].iloc[0]) == [14, 20]


def test_staff_forecast_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "forecast.csv"
    pd.DataFrame({"start": ["09:00", "09:30"], "calls": [100, 360], "aht": [180, 240]}).to_csv(
        path, index=False
    )
    assert main(["staff", "--forecast", str(path), "--csv"]) == 0
    frame = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert list(frame["start"]) == ["09:00", "09:30"]
    assert list(frame["agents"]) == [14, 54]


def test_staff_bad_values_one_line_naming_the_flag(tmp_path: Path) -> None:
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "PYTHONPATH": str(Path.cwd() / "src")}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "servicekit",
            "staff",
            "--calls",
            "100",
            "--aht",
            "180",
            "--shrinkage",
            "1.3",
        ],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode == 1  # a value the library refuses (2 is for usage errors)
    assert result.stderr.count("\n") == 1
    assert "--shrinkage" in result.stderr
    assert "got 1.3" in result.stderr
    assert "position" not in result.stderr


def test_staff_missing_column_and_aht(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "f.csv"
    pd.DataFrame({"volume": [10]}).to_csv(path, index=False)
    assert main(["staff", "--forecast", str(path), "--aht", "180"]) == 1
    assert "--forecast" in capsys.readouterr().err
    assert main(["staff", "--calls", "10"]) == 2
    assert "--aht" in capsys.readouterr().err
