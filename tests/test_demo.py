"""``servicekit demo``: every area on the built-in data, as a newcomer runs it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from servicekit._demo import SECTIONS


@pytest.fixture(scope="module")
def demo(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[subprocess.CompletedProcess[str], float, Path]:
    home = tmp_path_factory.mktemp("home")
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "servicekit", "demo"],
        capture_output=True,
        text=True,
        env={"PATH": os.environ["PATH"], "HOME": str(home)},  # nothing from the runner
        cwd=home,
        timeout=300,
        check=False,
    )
    return done, time.perf_counter() - started, home


def _figure(out: str, pattern: str) -> float:
    match = re.search(pattern, out, re.MULTILINE)
    assert match, pattern
    return float(match.group(1).replace(",", ""))


def test_demo_exits_0_quietly_and_prints_every_section(
    demo: tuple[subprocess.CompletedProcess[str], float, Path],
) -> None:
    done, _, _ = demo
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""  # no warnings, no notes: the demo's data are known
    for heading in SECTIONS:
        assert f"\n{heading}\n{'=' * len(heading)}\n" in done.stdout, heading
    assert done.stdout.startswith("servicekit demo:")


def test_demo_touches_no_files(
    demo: tuple[subprocess.CompletedProcess[str], float, Path],
) -> None:
    # Its speed (under 30 s on 2 cores) is measured by benchmarks/bench_demo.py, not here.
    _, _, home = demo
    assert list(home.iterdir()) == []  # nothing written to HOME or the working folder


def test_demo_figures_are_sane(
    demo: tuple[subprocess.CompletedProcess[str], float, Path],
) -> None:
    out = demo[0].stdout
    auc = _figure(out, r"^  ROC AUC\s+([\d.]+)$")
    assert 0.65 < auc < 0.8
    assert 60 < _figure(out, r"CSAT \(rated 4 or 5 of 5\): ([\d.]+)%") < 90
    assert 0 < _figure(out, r"NPS: \+?(-?[\d.]+) points") < 50
    assert 0.8 < _figure(out, r"^  intercept\s+\S+\s+\S+.*\s(-[\d.]+)$") * -1 < 1.2  # true -1
    assert 50 < _figure(out, r"^  accuracy\s+([\d.]+)%$") <= 100
    assert 80 < _figure(out, r"service level, 20 s \(ignore_abandoned\)\s+([\d.]+)%") < 100
    assert _figure(out, r"^  Mon 2024-04-15\s+([\d,]+)\s") > 300
    assert "matched: 'How do I get my money back?'" in out
    assert re.search(r"^  5  \S+\s+[\d.]+%\s+human\s+low_confidence\s+eli", out, re.MULTILINE)


def test_demo_output_is_plain_readable_text(
    demo: tuple[subprocess.CompletedProcess[str], float, Path],
) -> None:
    out = demo[0].stdout
    assert out.isascii()
    assert not re.search(r"\d\.\d{6,}", out), "unrounded float"
    assert "rows x" not in out  # no pandas truncation
    assert not re.search(r"^\s*\.\.\.\s", out, re.MULTILINE)
    assert max(len(line) for line in out.splitlines()) < 200


def test_demo_needs_no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """In-process, with every socket connection refused: the report is still complete."""
    import io
    import socket

    from servicekit._demo import run

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the demo tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    out = io.StringIO()
    figures = run(out)
    assert all(heading in out.getvalue() for heading in SECTIONS)
    assert 0.65 < figures["roc_auc"] < 0.8


# --------------------------------------------------------------------------- --plots DIR
def _servicekit(
    args: list[str], home: Path, *, prelude: str = ""
) -> subprocess.CompletedProcess[str]:
    """``servicekit ARGS`` in a fresh process with a minimal environment (PATH and HOME)."""
    code = f"import sys\n{prelude}\nfrom servicekit.cli import main\nsys.exit(main({args!r}))"
    return subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={"PATH": os.environ["PATH"], "HOME": str(home)},
        cwd=home,
        timeout=300,
        check=False,
    )


def test_demo_plots_writes_one_png_per_listed_chart(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    from servicekit._demo import CHARTS

    folder = tmp_path / "out" / "charts"  # created, parents too
    done = _servicekit(["demo", "--plots", str(folder)], tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert f"\n{CHARTS}\n{'=' * len(CHARTS)}\n" in done.stdout
    listed = re.findall(r"^  (\S+\.png)  ", done.stdout, re.MULTILINE)
    assert len(listed) == 7, done.stdout
    assert sorted(p.name for p in folder.iterdir()) == sorted(listed)
    for name in listed:
        assert (folder / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", name
        assert (folder / name).stat().st_size > 10_000  # something was drawn
    for heading in SECTIONS:  # the report itself is unchanged
        assert f"\n{heading}\n" in done.stdout


@pytest.mark.parametrize("where", ["a file", "under a file"])
def test_demo_plots_refuses_a_bad_folder_in_one_line(tmp_path: Path, where: str) -> None:
    pytest.importorskip("matplotlib")
    file = tmp_path / "taken.png"
    file.write_text("not a folder")
    target = file if where == "a file" else file / "charts"
    done = _servicekit(["demo", "--plots", str(target)], tmp_path)
    assert done.returncode == 1
    assert done.stdout == ""  # refused before the demo's work
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith(f"servicekit demo: error: --plots {target}: ")


def test_demo_plots_without_matplotlib_names_the_extra(tmp_path: Path) -> None:
    done = _servicekit(
        ["demo", "--plots", "charts"],
        tmp_path,
        prelude="sys.modules['matplotlib'] = None  # as if not installed",
    )
    assert done.returncode == 1
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert "pip install 'servicekit[plot]'" in lines[0]
    assert not (tmp_path / "charts").exists()
