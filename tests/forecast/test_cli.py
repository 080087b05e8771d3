"""``servicekit forecast`` on CSVs of counts and of raw arrivals."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from servicekit.cli import main
from tests.forecast.small import simulated


@pytest.fixture
def counts_csv(tmp_path: Path) -> Path:
    path = tmp_path / "calls.csv"
    history = simulated(weeks=3)
    pd.DataFrame(
        {"DateTime": history.index.strftime("%Y-%m-%dT%H:%M:%SZ"), "Calls": history.to_numpy()}
    ).to_csv(path, index=False)
    return path


def test_counts_to_forecast_csv(
    counts_csv: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "forecast.csv"
    status = main(
        [
            "forecast",
            str(counts_csv),
            "--time-column",
            "DateTime",
            "--count-column",
            "Calls",
            "--horizon-days",
            "2",
            "-o",
            str(out),
        ]
    )
    assert status == 0
    assert "wrote 40 intervals" in capsys.readouterr().out
    frame = pd.read_csv(out)
    assert list(frame.columns) == ["interval_start", "mean", "lower", "upper"]
    assert frame["interval_start"].iloc[0] == "2024-01-22 08:00:00"
    assert (frame["lower"] <= frame["mean"]).all()
    assert (frame["mean"] <= frame["upper"]).all()


def test_raw_arrivals_are_counted_first(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    history = simulated(weeks=3, step="1h")
    arrivals = history.index.repeat(history.to_numpy())
    path = tmp_path / "arrivals.csv"
    pd.DataFrame({"arrived": arrivals + pd.Timedelta("10min")}).to_csv(path, index=False)
    status = main(
        [
            "forecast",
            str(path),
            "--time-column",
            "arrived",
            "--freq",
            "1h",
            "--horizon-days",
            "1",
            "--method",
            "historical_average",
        ]
    )
    assert status == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "interval_start,mean,lower,upper"
    assert len(lines) == 1 + 24  # without opening hours the whole day is forecast


def test_errors_are_one_line_naming_the_flag(counts_csv: Path, tmp_path: Path) -> None:
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path)}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "servicekit",
            "forecast",
            str(counts_csv),
            "--time-column",
            "DateTime",
            "--count-column",
            "Callz",
        ],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode == 1  # a data problem (2 is for usage errors)
    assert result.stderr.count("\n") == 1
    assert "--count-column" in result.stderr
    assert "Traceback" not in result.stderr


def test_bad_times_and_short_history(
    counts_csv: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        main(["forecast", str(counts_csv), "--time-column", "Calls", "--count-column", "Calls"])
        == 1
    )
    assert "--time-column" in capsys.readouterr().err
    short = tmp_path / "short.csv"
    pd.read_csv(counts_csv).head(30).to_csv(short, index=False)
    assert (
        main(["forecast", str(short), "--time-column", "DateTime", "--count-column", "Calls"]) == 1
    )
    assert "too short" in capsys.readouterr().err
