from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from servicekit.cli import main
from servicekit.metrics import kpi_report, tickets_from_events
from tests.support import real_data


@pytest.fixture
def tickets_csv(tmp_path: Path) -> Path:
    path = tmp_path / "tickets.csv"
    pd.DataFrame(
        {
            "team": ["a", "a", "b", "b"],
            "opened": [
                "2024-01-02 09:00",
                "2024-01-02 10:00",
                "2024-01-02 11:00",
                "2024-01-03 09:00",
            ],
            "first_response": ["2024-01-02 09:10", "2024-01-02 10:30", "2024-01-02 11:20", None],
            "resolved": ["2024-01-02 12:00", None, "2024-01-02 15:00", None],
            "rating": [5, 3, None, 4],
        }
    ).to_csv(path, index=False)
    return path


def test_kpi_table(tickets_csv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status = main(
        ["kpi", str(tickets_csv), "--by", "team", "--created", "opened", "--satisfaction", "rating"]
    )
    out, err = capsys.readouterr()
    assert status == 0
    assert "response_seconds_median" in out
    assert "csat_ci_low" in out
    assert "backlog = tickets open at 2024-01-03 09:00:00" in out
    assert "20 m 0 s" in out  # durations for people in tables
    assert "note: 2 of 2 group(s) have fewer than --min-n 30 tickets" in err
    assert "a (2), b (2)" in err


def test_kpi_csv_equals_the_library(tickets_csv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["kpi", str(tickets_csv), "--by", "team", "--created", "opened", "--csv"]) == 0
    out, err = capsys.readouterr()
    printed = pd.read_csv(io.StringIO(out), index_col=0)
    assert "note: 2 of 2 group(s)" in err  # the small-sample note is not lost in CSV mode
    expected = kpi_report(pd.read_csv(tickets_csv), by="team", created="opened", min_n=1)
    pd.testing.assert_frame_equal(printed, expected, check_dtype=False, check_index_type=False)


def test_by_takes_several_columns_once_or_repeated(
    tickets_csv: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    common = ["kpi", str(tickets_csv), "--created", "opened", "--csv"]
    assert main([*common, "--by", "team,rating"]) == 0
    together = capsys.readouterr().out
    assert main([*common, "--by", "team", "--by", "rating"]) == 0
    assert capsys.readouterr().out == together
    assert together.startswith("team,rating,n,")
    # --by takes one value per flag, so it never swallows the file name.
    assert main(["kpi", "--by", "team", "--created", "opened", "--csv", str(tickets_csv)]) == 0
    assert capsys.readouterr().out.startswith("team,n,")


def test_bad_column_is_a_one_line_error(
    tickets_csv: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["kpi", str(tickets_csv), "--by", "teams"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "--by must name a column of" in err
    assert "(5 columns: team, opened, first_response, resolved, rating); got 'teams'" in err
    assert err.rstrip().endswith("did you mean 'team'?")


def test_unreadable_and_missing_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    assert main(["kpi", str(empty)]) == 1
    assert "is empty (0 bytes)" in capsys.readouterr().err
    assert main(["kpi", str(tmp_path / "absent.csv")]) == 1
    assert "no such file" in capsys.readouterr().err


def test_events_mode_needs_its_columns(
    tickets_csv: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["kpi", str(tickets_csv), "--events", "--case", "team"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: servicekit kpi")
    assert "--events needs --activity, --timestamp" in err


def test_help_lists_kpi() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "servicekit", "kpi", "--help"],
        capture_output=True,
        text=True,
        check=True,
        env={"PATH": os.environ["PATH"], "HOME": str(Path.home())},
    ).stdout
    assert "--first-response" in out
    assert "--resolve-activity" in out


@pytest.mark.realdata
def test_events_mode_on_the_italian_log(capsys: pytest.CaptureFixture[str]) -> None:
    path = real_data("helpdesk_italian_4tu", "finale.csv")
    args = ["kpi", str(path), "--events", "--case", "Case ID", "--activity", "Activity"]
    args += ["--timestamp", "Complete Timestamp", "--response-activity", "Take in charge ticket"]
    args += ["--resolve-activity", "Resolve ticket", "--resolve-activity", "Closed"]
    assert main([*args, "--by", "seriousness_2", "--csv"]) == 0
    printed = pd.read_csv(io.StringIO(capsys.readouterr().out), index_col=0)
    tickets = tickets_from_events(
        pd.read_csv(path),
        case="Case ID",
        activity="Activity",
        timestamp="Complete Timestamp",
        response_activities="Take in charge ticket",
        resolve_activities=["Resolve ticket", "Closed"],
        attributes="seriousness_2",
    )
    expected = kpi_report(tickets, by="seriousness_2", min_n=1)
    pd.testing.assert_frame_equal(printed, expected, check_dtype=False, check_index_type=False)
    assert printed["n"].sum() == 4_580


# --------------------------------------------------------------------------- --calls
@pytest.mark.realdata
def test_calls_mode_matches_the_q_time_reference_on_the_technion_log(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """kpi --calls, built from clock times, equals the KPIs of the log's own q_time column.

    The first 6,000 rows hold the first days of August, with calls that cross midnight
    in the queue (23:59:29 -> 0:00:57). Reference preparation as in
    tests/metrics/test_service_level.py: PHANTOM dropped, offered = answered or queued,
    wait = q_time.
    """
    from servicekit.metrics import abandonment_rate, average_speed_of_answer, service_level

    raw = pd.read_csv(
        real_data("technion_anonymous_bank", "anonymous_bank_1999_08_calls.csv"),
        dtype=str,
        nrows=6000,
    )
    part = tmp_path / "calls.csv"
    raw.to_csv(part, index=False)
    command = ["kpi", "--calls", str(part), "--by", "date", "--answer-within", "30"]
    assert main([*command, "--format", "csv", "--min-n", "1"]) == 0
    printed = pd.read_csv(io.StringIO(capsys.readouterr().out), index_col=0)
    calls = raw[raw["outcome"] != "PHANTOM"]
    answered = calls["outcome"] == "AGENT"
    offered = calls[answered | (calls["q_start"] != "0:00:00")]
    assert (offered["q_exit"] < offered["q_start"]).any()  # crossing midnight is covered
    for day, group in offered.groupby("date"):
        wait = group["q_time"].astype(float)
        took = group["outcome"] == "AGENT"
        row = printed.loc[day]
        assert row["offered"] == len(group)
        for method in ("ignore_abandoned", "abandoned_negative", "abandoned_positive"):
            level = service_level(wait, took, answer_within=30, method=method, min_n=1)
            assert row[f"service_level_{method}"] == pytest.approx(level.value, rel=1e-9)
        assert row["asa_seconds"] == pytest.approx(average_speed_of_answer(wait, took), rel=1e-9)
        rate = abandonment_rate(wait, took, min_n=1)
        assert row["abandonment_rate"] == pytest.approx(rate.value, rel=1e-9)
        served = group.loc[took, "ser_time"].astype(float)
        assert row["handle_seconds_mean"] == pytest.approx(served.mean(), rel=1e-9)


def test_calls_mode_names_a_misspelt_column(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    calls = tmp_path / "calls.csv"
    pd.DataFrame({"date": ["2024-01-01"], "vru_entry": ["9:00"], "Q_start": ["9:00"]}).to_csv(
        calls, index=False
    )
    assert main(["kpi", "--calls", str(calls)]) == 1
    err = capsys.readouterr().err
    assert "--q-start must name a column of" in err
    assert "(3 columns: date, vru_entry, Q_start); got 'q_start'; did you mean 'Q_start'?" in err


def test_calendar_scale_and_min_n_reach_the_library(
    tickets_csv: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from servicekit.metrics import BusinessCalendar

    command = ["kpi", str(tickets_csv), "--created", "opened", "--by", "team", "--csv"]
    command += ["--calendar", "09:00-17:00", "--weekdays", "mon,tue,wed,thu,fri,sat"]
    command += ["--satisfaction", "rating", "--scale", "10", "--satisfied-min", "4"]
    assert main([*command, "--min-n", "2"]) == 0
    out, err = capsys.readouterr()
    expected = kpi_report(
        pd.read_csv(tickets_csv),
        by="team",
        created="opened",
        satisfaction="rating",
        scale=10,
        satisfied_min=4,
        calendar=BusinessCalendar(weekdays=(0, 1, 2, 3, 4, 5)),
        min_n=2,
    )
    printed = pd.read_csv(io.StringIO(out), index_col=0)
    pd.testing.assert_frame_equal(printed, expected, check_dtype=False, check_index_type=False)
    assert err == ""  # both groups reach --min-n 2
    assert main(["kpi", str(tickets_csv), "--holiday", "2024-01-01"]) == 2
    assert "--weekdays and --holiday need --calendar" in capsys.readouterr().err
    assert main(["kpi", str(tickets_csv), "--calendar", "9 to 5"]) == 2
    assert main(["kpi", str(tickets_csv), "--calendar", "09:00-17:00", "--weekdays", "xyz"]) == 2
