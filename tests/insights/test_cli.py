from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from servicekit.cli import main
from servicekit.insights.topics import EXAMPLE_MESSAGES


@pytest.fixture
def customers(tmp_path: Path) -> Path:
    path = tmp_path / "customers.csv"
    pd.DataFrame(
        {
            "id": [f"c{i}" for i in range(9)],
            "visits": [1, 2, 1, 30, 32, 31, 12, 11, 13],
            "spend": [10, 12, 11, 300, 310, 305, 90, 95, 100],
        }
    ).to_csv(path, index=False)
    return path


def test_segment_prints_profile_and_writes_labels(
    customers: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "labels.csv"
    command = ["segment", str(customers), "--k", "3", "--id-column", "id", "--labels", str(out)]
    assert main(command) == 0
    printed = capsys.readouterr().out
    assert "3 segments of 9 customers" in printed
    assert "visits_mean" in printed
    labels = pd.read_csv(out)
    assert list(labels.columns) == ["id", "segment"]
    assert labels["segment"].nunique() == 3


def test_topics_prints_topics(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "messages.csv"
    pd.DataFrame({"body": list(EXAMPLE_MESSAGES)}).to_csv(path, index=False)
    out = tmp_path / "topics.csv"
    command = ["topics", str(path), "--text-column", "body", "--n-topics", "2"]
    status = main([*command, "--labels", str(out)])
    assert status == 0
    assert "2 topics in 7 messages" in capsys.readouterr().out
    assert pd.read_csv(out)["topic"].tolist() == [0, 0, 0, 0, 1, 1, 1]


def test_errors_are_one_line_naming_the_flag(customers: Path, tmp_path: Path) -> None:
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path)}
    # Exit status 1 for data problems, 2 (with the usage line) for usage errors.
    for args, flag, status in [
        (["topics", str(customers), "--text-column", "nope"], "--text-column", 1),
        (["segment", str(customers), "--k", "1"], "--k", 2),
        (["segment", str(tmp_path / "missing.csv")], "missing.csv", 1),
    ]:
        done = subprocess.run(
            [sys.executable, "-m", "servicekit", *args],
            capture_output=True,
            text=True,
            env=env,
            cwd=tmp_path,
            check=False,
        )
        assert done.returncode == status
        assert flag in done.stderr.splitlines()[-1]
        assert "Traceback" not in done.stderr
        if status == 1:
            assert len(done.stderr.strip().splitlines()) == 1
        else:
            assert done.stderr.startswith("usage: servicekit segment")
