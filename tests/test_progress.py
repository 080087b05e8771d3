"""Progress bars: on standard error when asked (progress=True), never in a pipe."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from servicekit._progress import on_terminal, progress_bar
from servicekit.churn import cross_validate
from servicekit.classify import fit_question_classifier
from servicekit.datasets import load_questions, make_customers
from servicekit.forecast import backtest, compare_methods
from servicekit.insights import discover_topics, segment_customers
from servicekit.optimize import schedule_shifts, shift_patterns


def _counts() -> pd.Series:
    index = pd.date_range("2024-01-01", periods=42 * 24, freq="h")
    return pd.Series(np.random.default_rng(0).poisson(5, len(index)), index=index)


CALLS = {
    "segment_customers": lambda progress: segment_customers(
        make_customers(300, random_state=0),
        features=["tenure_months", "monthly_charges"],
        k_range=range(2, 4),
        n_boot=2,
        progress=progress,
    ),
    "discover_topics": lambda progress: discover_topics(
        load_questions()["question"], topic_range=range(5, 7), progress=progress
    ),
    "cross_validate": lambda progress: cross_validate(
        make_customers(300, random_state=0).drop(columns="customer_id"),
        target="churned",
        folds=3,
        progress=progress,
    ),
    "fit_question_classifier": lambda progress: fit_question_classifier(
        load_questions()["question"], load_questions()["intent"], progress=progress
    ),
    "backtest": lambda progress: backtest(
        _counts(), horizon_days=1, step_days=7, progress=progress
    ),
    "schedule_shifts": lambda progress: schedule_shifts(
        np.array([2, 3, 4, 4, 3, 2, 2, 3, 4, 3, 2, 1]),
        shift_patterns(12, lengths=[6, 8]),
        time_limit=10,
        progress=progress,
    ),
    "compare_methods": lambda progress: compare_methods(
        _counts(), horizon_days=1, step_days=7, progress=progress
    ),
}


@pytest.mark.parametrize("name", sorted(CALLS))
def test_progress_true_writes_a_bar_to_stderr(
    name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    CALLS[name](True)
    captured = capsys.readouterr()
    assert name in captured.err
    assert "%|" in captured.err  # tqdm's "percent|bar|" form
    assert captured.out == ""


@pytest.mark.parametrize("name", sorted(CALLS))
def test_progress_is_off_by_default(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    CALLS[name](False)
    assert capsys.readouterr().err == ""


def test_the_helper_counts_steps(capsys: pytest.CaptureFixture[str]) -> None:
    with progress_bar(4, "counting", enabled=True, unit="fit") as bar:
        for _ in range(4):
            bar.update()
    err = capsys.readouterr().err
    assert "counting" in err
    assert "/4 [" in err  # the total, in tqdm's "n/total [elapsed" form
    assert err.endswith("\r")  # leave=False: the bar is wiped when the step ends


def test_the_clock_counts_seconds_while_a_call_blocks(capsys: pytest.CaptureFixture[str]) -> None:
    import time

    from servicekit._progress import progress_clock

    with progress_clock("waiting", enabled=True, limit=5, tick=0.05):
        time.sleep(0.6)
    err = capsys.readouterr().err
    assert "waiting" in err
    assert "/5 [" in err


def test_on_terminal_is_false_when_stderr_is_not_a_terminal(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert on_terminal() is False


def test_the_command_line_prints_no_bar_into_a_pipe(tmp_path: Path) -> None:
    customers = make_customers(300, random_state=0)
    data = tmp_path / "customers.csv"
    customers.to_csv(data, index=False)
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path)}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "servicekit",
            "segment",
            str(data),
            "--features",
            "tenure_months,monthly_charges",
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "segment_customers" not in done.stderr
    assert "\r" not in done.stderr
    assert "fit/s" not in done.stderr


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_the_command_line_shows_a_bar_on_a_terminal(tmp_path: Path) -> None:
    import pty

    customers = make_customers(300, random_state=0)
    data = tmp_path / "customers.csv"
    customers.to_csv(data, index=False)
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path)}
    main, follower = pty.openpty()
    try:
        child = subprocess.Popen(
            [sys.executable, "-m", "servicekit", "segment", str(data), "--k", "3"],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.PIPE,
            stderr=follower,
        )
        os.close(follower)  # the child holds the terminal now
        err = b""
        while True:
            try:
                chunk = os.read(main, 4096)
            except OSError:  # EIO: the child closed its end
                break
            if not chunk:
                break
            err += chunk
        out = child.stdout.read() if child.stdout else b""
        returncode = child.wait(timeout=120)
    finally:
        os.close(main)
    assert returncode == 0, err
    assert b"segment_customers" in err
    assert b"segment_customers" not in out
