"""The command line as users meet it: exit codes, one-line errors, closed pipes, bad files.

The bad-file matrix is generated: every subcommand x every file argument x every kind
of bad file (missing, a folder, empty, not UTF-8, not CSV/JSON, unwritable output).
All cases run in-process through ``main([...])`` (fast); a representative subset runs
as real subprocesses with a minimal environment (no PYTHONUNBUFFERED), as users run it.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

from servicekit.cli import COMMANDS, build_parser, main
from tests.classify import small
from tests.forecast.small import simulated


def _env(tmp: Path) -> dict[str, str]:
    """A minimal, explicit environment: what a user's shell gives, nothing from the runner."""
    return {"PATH": os.environ["PATH"], "HOME": str(tmp), "LANG": "C.UTF-8"}


def _servicekit(*args: str, tmp: Path, **options: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "servicekit", *args],
        capture_output=True,
        text=True,
        env=_env(tmp),
        cwd=tmp,
        timeout=120,
        check=False,
        **options,  # type: ignore[call-overload]
    )


# --------------------------------------------------------------------------- good files
@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Small valid inputs for every subcommand, and the bad files of the matrix."""
    root = tmp_path_factory.mktemp("cli")
    tickets = root / "tickets.csv"
    pd.DataFrame(
        {
            "team": ["a", "a", "b", "b"],
            "created": ["2024-01-02 09:00", "2024-01-02 10:00", "2024-01-02 11:00", "2024-01-03"],
            "first_response": ["2024-01-02 09:10", "2024-01-02 10:30", "2024-01-02 11:20", None],
            "resolved": ["2024-01-02 12:00", None, "2024-01-02 15:00", None],
        }
    ).to_csv(tickets, index=False)
    calls = root / "calls.csv"
    pd.DataFrame(
        {
            "date": ["2010-08-01"] * 4,
            "vru_entry": ["9:00:00", "9:01:00", "9:02:00", "23:59:00"],
            "q_start": ["9:00:10", "0:00:00", "9:02:05", "23:59:20"],
            "q_exit": ["9:00:40", "0:00:00", "9:03:05", "0:00:10"],
            "ser_start": ["9:00:40", "9:01:10", "0:00:00", "0:00:10"],
            "ser_exit": ["9:03:40", "9:02:10", "0:00:00", "0:02:10"],
            "outcome": ["AGENT", "AGENT", "HANG", "AGENT"],
            "server": ["ANN", "BOB", "NO_SERVER", "ANN"],
        }
    ).to_csv(calls, index=False)
    customers = root / "customers.csv"
    pd.DataFrame(
        {
            "id": [f"c{i}" for i in range(12)],
            "tenure": [1, 30, 2, 45, 5, 60, 3, 24, 8, 50, 12, 36],
            "contract": ["month", "year"] * 6,
            "churn": ["Yes", "No", "Yes", "No", "No", "No", "Yes", "No", "Yes", "No", "Yes", "No"],
        }
    ).to_csv(customers, index=False)
    questions = root / "questions.csv"
    with questions.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(("text", "category"))
        writer.writerows(zip(small.TEXTS, small.LABELS, strict=True))
    ratings = root / "ratings.csv"
    pd.DataFrame(
        {"u": ["a", "a", "b", "b", "c", "c"], "i": [1, 2, 2, 3, 1, 3], "r": [5, 3, 4, 2, 1, 4]}
    ).to_csv(ratings, index=False)
    volumes = root / "volumes.csv"
    pd.DataFrame({"start": ["09:00", "09:30"], "calls": [100, 360]}).to_csv(volumes, index=False)
    history = simulated(weeks=3, step="1h")
    counts = root / "counts.csv"
    pd.DataFrame({"start": history.index.strftime("%Y-%m-%d %H:%M"), "calls": history}).to_csv(
        counts, index=False
    )
    churn_model, classify_model = root / "churn.json", root / "classify.json"
    assert (
        main(
            [
                "churn",
                "fit",
                str(customers),
                "--target",
                "churn",
                "--positive",
                "Yes",
                "--exclude",
                "id",
                "--folds",
                "0",
                "-o",
                str(churn_model),
            ]
        )
        == 0
    )
    assert main(["classify", "train", str(questions), "-o", str(classify_model)]) == 0
    folder = root / "folder"
    folder.mkdir()
    empty = root / "empty.csv"
    empty.write_bytes(b"")
    latin1 = root / "latin1.csv"
    latin1.write_bytes("team,created\nS\xe3o Paulo,2024-01-02\n".encode("latin-1"))
    ragged = root / "ragged.csv"
    ragged.write_text('a,b\n1,2,3,4,5\n"x', encoding="utf-8")
    return {
        "tickets": tickets,
        "calls": calls,
        "customers": customers,
        "questions": questions,
        "ratings": ratings,
        "volumes": volumes,
        "counts": counts,
        "churn_model": churn_model,
        "classify_model": classify_model,
        "missing": root / "missing.csv",
        "folder": folder,
        "empty": empty,
        "not_utf8": latin1,
        "not_csv": ragged,
        "out": root / "out.csv",
        "out_in_missing_folder": root / "no" / "such" / "folder" / "out.csv",
    }


# Every subcommand with the file arguments it reads ({name}) and writes ({out}).
TEMPLATES: dict[str, list[str]] = {
    "kpi": ["kpi", "{tickets}", "-o", "{out}"],
    "kpi --calls": ["kpi", "--calls", "{calls}", "-o", "{out}"],
    "kpi --events": [
        "kpi",
        "--events",
        "{tickets}",
        "--case",
        "team",
        "--activity",
        "team",
        "--timestamp",
        "created",
        "--response-activity",
        "a",
        "--resolve-activity",
        "b",
        "-o",
        "{out}",
    ],
    "churn fit": [
        "churn",
        "fit",
        "{customers}",
        "--target",
        "churn",
        "--positive",
        "Yes",
        "--exclude",
        "id",
        "--folds",
        "0",
        "-o",
        "{out}",
    ],
    "churn score": ["churn", "score", "{churn_model}", "{customers}", "-o", "{out}"],
    "churn summary": ["churn", "summary", "{churn_model}"],
    "churn evaluate": ["churn", "evaluate", "{churn_model}", "{customers}", "-o", "{out}"],
    "churn drivers": ["churn", "drivers", "{churn_model}", "{customers}", "-o", "{out}"],
    "classify train": ["classify", "train", "{questions}", "-o", "{out}"],
    "classify predict": [
        "classify",
        "predict",
        "{classify_model}",
        "--file",
        "{questions}",
        "-o",
        "{out}",
    ],
    "recommend": ["recommend", "{ratings}", "--user", "u", "--item", "i", "-k", "2", "-o", "{out}"],
    "staff": ["staff", "--forecast", "{volumes}", "--aht", "180", "-o", "{out}"],
    "forecast": [
        "forecast",
        "{counts}",
        "--time-column",
        "start",
        "--count-column",
        "calls",
        "--horizon-days",
        "1",
        "-o",
        "{out}",
    ],
    "segment": ["segment", "{customers}", "--id-column", "id", "--k", "2", "-o", "{out}"],
    "segment --labels": ["segment", "{customers}", "--k", "2", "--labels", "{out}"],
    "topics": ["topics", "{questions}", "--n-topics", "3", "-o", "{out}"],
    "topics --labels": ["topics", "{questions}", "--n-topics", "3", "--labels", "{out}"],
}
#: Flags whose value is an output file (left out, with their value, for the closed-pipe runs).
OUTPUT_FLAGS = ("-o", "--labels")
BAD_INPUTS = ("missing", "folder", "empty", "not_utf8", "not_csv")
BAD_OUTPUTS = ("folder", "out_in_missing_folder")


@dataclass(frozen=True)
class BadCase:
    command: str
    slot: str  # the placeholder replaced by a bad file
    bad: str  # which bad file

    @property
    def id(self) -> str:
        return f"{self.command}-{self.slot}-{self.bad}"

    def argv(self, files: dict[str, Path]) -> list[str]:
        out = files["root_out"] if "root_out" in files else files["out"]
        values = {name: str(path) for name, path in files.items()}
        values["out"] = str(out)
        values[self.slot] = str(files[self.bad])
        return [part.format(**values) for part in TEMPLATES[self.command]]


def _cases() -> Iterator[BadCase]:
    for command, template in TEMPLATES.items():
        slots = [part[1:-1] for part in template if part.startswith("{")]
        for slot in slots:
            for bad in BAD_OUTPUTS if slot == "out" else BAD_INPUTS:
                yield BadCase(command, slot, bad)


CASES = list(_cases())
# Real subprocesses for a representative subset: one bad kind per command family.
SUBPROCESS = {
    "kpi --calls-calls-not_utf8",
    "churn score-churn_model-empty",
    "classify predict-out-out_in_missing_folder",
    "staff-volumes-not_utf8",
}


def test_every_subcommand_is_in_the_matrix() -> None:
    parser = build_parser(["churn"])
    assert set(COMMANDS) == {
        "kpi",
        "churn",
        "classify",
        "recommend",
        "staff",
        "forecast",
        "segment",
        "topics",
    }
    churn_actions = {
        name
        for action in parser._subparsers._group_actions  # type: ignore[union-attr]
        for name in action.choices
    }
    assert "churn" in churn_actions
    listed = {command.split()[0] for command in TEMPLATES}
    assert listed == set(COMMANDS)
    for area, actions in {
        "churn": ("fit", "score", "summary", "evaluate", "drivers"),
        "classify": ("train", "predict"),
    }.items():
        assert {c.split()[1] for c in TEMPLATES if c.startswith(area)} == set(actions)


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_bad_files_are_one_line_errors(
    case: BadCase, files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    status = main(case.argv(files))
    _out, err = capsys.readouterr()
    assert status == 1, err
    assert err.count("\n") == 1, err
    assert err.startswith("servicekit "), err
    assert ": error: " in err
    assert str(files[case.bad]) in err, err
    assert "Traceback" not in err
    if case.slot == "out":
        assert not Path(files[case.bad]).is_file()


@pytest.mark.parametrize("case", [c for c in CASES if c.id in SUBPROCESS], ids=sorted(SUBPROCESS))
def test_bad_files_in_a_real_process(case: BadCase, files: dict[str, Path], tmp_path: Path) -> None:
    done = _servicekit(*case.argv(files), tmp=tmp_path)
    assert done.returncode == 1, done.stderr
    assert done.stderr.count("\n") == 1, done.stderr
    assert str(files[case.bad]) in done.stderr
    assert "Traceback" not in done.stderr


def test_the_matrix_covers_every_kind() -> None:
    assert {case.id for case in CASES} >= SUBPROCESS
    assert len(CASES) >= 50


@pytest.mark.parametrize("command", list(TEMPLATES), ids=list(TEMPLATES))
def test_every_command_works_on_good_files(
    command: str, files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    if command == "kpi --events":
        pytest.skip("the tickets file is no event log; --events is tested in tests/metrics")
    values = {name: str(path) for name, path in files.items()}
    values["out"] = str(tmp_path / "out.txt")
    assert main([part.format(**values) for part in TEMPLATES[command]]) == 0


# --------------------------------------------------------------------------- usage errors
def test_no_arguments_is_a_usage_error(tmp_path: Path) -> None:
    done = _servicekit(tmp=tmp_path)
    assert done.returncode == 2
    assert done.stderr.startswith("usage: servicekit")
    assert "a COMMAND is required" in done.stderr
    assert done.stdout == ""


@pytest.mark.parametrize(
    "argv",
    [
        ["nope"],
        ["kpi"],
        ["churn"],
        ["churn", "fit", "x.csv"],
        ["classify", "predict", "m.json"],
        ["kpi", "x.csv", "--format", "xml"],
        ["kpi", "x.csv", "--events", "--calls"],
        ["churn", "drivers", "m.json", "c.csv", "--top", "0"],
    ],
)
def test_usage_errors_exit_2_with_the_usage_line(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: servicekit")
    assert "error:" in err.splitlines()[-1]
    assert "Traceback" not in err


def test_debug_shows_the_traceback(files: dict[str, Path]) -> None:
    with pytest.raises(Exception, match="no such file"):
        main(["--debug", "kpi", str(files["missing"])])


def test_library_errors_name_the_flag_not_the_python_argument(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["kpi", str(files["tickets"]), "--created", "Created"]) == 1
    err = capsys.readouterr().err
    assert "--created must name a column of" in err
    assert "did you mean 'created'?" in err
    assert "kpi_report()" not in err
    assert main(["kpi", str(files["tickets"]), "--satisfaction", "team"]) == 1
    assert "--satisfaction must name a column of ratings 1..5" in capsys.readouterr().err


# --------------------------------------------------------------------------- closed pipes
class _ClosedPipe(io.StringIO):
    def write(self, text: str) -> int:
        raise BrokenPipeError(32, "Broken pipe")

    def flush(self) -> None:
        raise BrokenPipeError(32, "Broken pipe")


@pytest.mark.parametrize("command", [*TEMPLATES, "--help", "kpi --help", "demo"])
def test_every_command_ends_quietly_on_a_closed_pipe(
    command: str,
    files: dict[str, Path],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    if command in TEMPLATES:
        values = {name: str(path) for name, path in files.items()}
        argv = [part.format(**values) for part in TEMPLATES[command] if part not in OUTPUT_FLAGS]
        argv = [a for a in argv if a != values["out"]]
        if command == "kpi --events":
            return  # the tickets file is no event log
    else:
        argv = command.split()
    monkeypatch.setattr(sys, "stdout", _ClosedPipe())
    assert main(argv) == 0
    assert "Traceback" not in capsys.readouterr().err


@pytest.mark.parametrize(
    "argv",
    [["--help"], ["demo"], ["kpi", "{tickets}", "--min-n", "1"]],
    ids=["help", "demo", "kpi"],
)
def test_closed_pipe_in_a_real_process_without_pythonunbuffered(
    argv: list[str], files: dict[str, Path], tmp_path: Path
) -> None:
    # The reader is gone before servicekit starts: every write fails with EPIPE.
    args = [a.format(tickets=files["tickets"], m=files["churn_model"]) for a in argv]
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "servicekit", *args],
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            env=_env(tmp_path),
            timeout=120,
            check=False,
        )
    finally:
        os.close(write_end)
    assert "PYTHONUNBUFFERED" not in _env(tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""


# --------------------------------------------------------------------------- formats
def test_formats_carry_the_same_numbers(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    base = ["kpi", "--calls", str(files["calls"]), "--min-n", "1"]
    assert main([*base, "--format", "csv"]) == 0
    from_csv = pd.read_csv(io.StringIO(capsys.readouterr().out), index_col=0)
    assert main([*base, "--format", "jsonl"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(rows) == 1 == len(from_csv)
    assert rows[0]["group"] == "all"
    for name, value in rows[0].items():
        if name != "group":
            assert from_csv.iloc[0][name] == pytest.approx(value), name
    # Four offered calls (one answered at once, one crossing midnight), one abandon:
    assert rows[0]["offered"] == 4
    assert rows[0]["asa_seconds"] == pytest.approx((30 + 0 + 50) / 3)
    assert rows[0]["abandoned"] == 1
    assert main(base) == 0
    table = capsys.readouterr().out
    assert "26.7 s" in table  # ASA for people


def test_classify_predict_keeps_one_line_per_question(
    files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    questions = tmp_path / "q.csv"
    pd.DataFrame({"text": ["where is my card?\nit is late", "charged, twice"]}).to_csv(
        questions, index=False
    )
    model = str(files["classify_model"])
    capsys.readouterr()
    assert main(["classify", "predict", model, "--file", str(questions)]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 3
    assert main(["classify", "predict", model, "--file", str(questions), "--csv"]) == 0
    back = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert back["question"].tolist() == ["where is my card?\nit is late", "charged, twice"]
    assert main(["classify", "predict", model, "--file", str(questions), "--format", "jsonl"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [json.loads(line)["label"] for line in lines] == back["label"].tolist()


def test_churn_evaluate_and_drivers_come_from_the_library(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    from servicekit.churn import ChurnModel, evaluate, lift_table

    model = ChurnModel.from_json(files["churn_model"].read_text(encoding="utf-8"))
    frame = pd.read_csv(files["customers"])
    proba = model.predict_proba(frame)
    churned = frame["churn"] == "Yes"
    capsys.readouterr()
    assert main(["churn", "evaluate", str(files["churn_model"]), str(files["customers"])]) == 0
    out = capsys.readouterr().out
    assert str(evaluate(churned, proba)) in out
    command = ["churn", "evaluate", str(files["churn_model"]), str(files["customers"])]
    assert main([*command, "--bins", "4", "--csv"]) == 0
    printed = pd.read_csv(io.StringIO(capsys.readouterr().out), index_col=0)
    expected = lift_table(churned, proba, bins=4)
    pd.testing.assert_series_equal(printed["lift"], expected["lift"], rtol=1e-9)
    assert printed["roc_auc"].iloc[0] == pytest.approx(evaluate(churned, proba).roc_auc)
    command = ["churn", "drivers", str(files["churn_model"]), str(files["customers"])]
    assert main([*command, "--top", "2", "--id-column", "id", "--csv"]) == 0
    printed = pd.read_csv(io.StringIO(capsys.readouterr().out))
    expected_drivers = model.risk_drivers(frame, top=2)
    # Customers with fewer than --top positive contributions get fewer rows.
    assert printed["id"].tolist() == frame["id"].loc[expected_drivers.index].tolist()
    assert printed["feature"].tolist() == expected_drivers["feature"].tolist()
    assert printed["contribution"].to_numpy() == pytest.approx(
        expected_drivers["contribution"].to_numpy(), rel=1e-9
    )


def test_python_advice_is_rewritten_as_flags(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "ids.csv"
    pd.DataFrame({"id": [f"c{i}" for i in range(60)], "x": range(60), "y": [0, 1] * 30}).to_csv(
        data, index=False
    )
    out = str(tmp_path / "m.json")
    assert main(["churn", "fit", str(data), "--target", "y", "--folds", "0", "-o", out]) == 1
    err = capsys.readouterr().err
    assert "column 'id' looks like an identifier" in err
    assert err.rstrip().endswith("pass --exclude id")
    assert "exclude=" not in err
