"""examples/ use only public API and say what to pass when run without data."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from tests.support import real_data

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
SCRIPTS = sorted(p for p in EXAMPLES.glob("*.py") if p.name != "example_data.py")


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_examples_import_no_private_servicekit_names(script: Path) -> None:
    for node in ast.walk(ast.parse(script.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            modules = [f"{node.module}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        else:
            continue
        for module in modules:
            if module.startswith("servicekit"):
                assert not any(part.startswith("_") for part in module.split(".")), module


def test_an_example_outside_the_repository_says_what_to_pass(tmp_path: Path) -> None:
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path)}
    script = EXAMPLES / "metrics_technion.py"
    done = subprocess.run(
        [sys.executable, str(script)], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "SERVICEKIT_DATA" in done.stderr
    assert "first argument" in done.stderr


def test_a_data_folder_without_the_data_set_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.syspath_prepend(str(EXAMPLES))
    monkeypatch.setattr(sys, "argv", ["metrics_technion.py", str(tmp_path)])
    from example_data import data_file

    with pytest.raises(SystemExit) as info:
        data_file("technion_anonymous_bank", "calls.csv")
    assert "technion_anonymous_bank" in str(info.value.code)
    assert "does not exist" in str(info.value.code)


@pytest.mark.slow
def test_the_quickstart_runs_on_built_in_data_outside_the_repository(tmp_path: Path) -> None:
    # No data folder, no repository on the path: only the installed servicekit.
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, str(EXAMPLES / "quickstart.py")],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    for area in ("metrics", "churn", "classify", "recommend", "forecast", "optimize", "insights"):
        assert f"== {area}" in done.stdout or f"+ {area}" in done.stdout, area
    assert "Traceback" not in done.stderr


REAL_DATA_SCRIPTS = [s for s in SCRIPTS if s.name != "quickstart.py"]


@pytest.fixture(scope="module")
def example_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Every real-data example run once, two at a time (one per core), as a user runs it.

    A subprocess with a minimal environment, from another folder, the data folder given
    through SERVICEKIT_DATA. The examples are independent processes, so running them side
    by side halves the wall time of this check without changing what each one does.
    """
    folder = real_data()

    def run(script: Path) -> Any:
        home = tmp_path_factory.mktemp(script.stem)
        env = {"PATH": os.environ["PATH"], "HOME": str(home), "SERVICEKIT_DATA": str(folder)}
        return subprocess.run(
            [sys.executable, str(script)],
            cwd=home,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )

    # The long ones first (100, 36, 31 and 15 s when measured), so the lanes finish together.
    slow = ("insights_topics.py", "classify_banking77.py", "insights_segments.py", "churn_telco.py")
    order = sorted(REAL_DATA_SCRIPTS, key=lambda p: slow.index(p.name) if p.name in slow else 9)
    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(zip([p.name for p in order], pool.map(run, order), strict=True))


@pytest.mark.realdata
@pytest.mark.slow
@pytest.mark.parametrize("script", REAL_DATA_SCRIPTS, ids=lambda p: p.name)
def test_every_example_runs_on_the_real_data(script: Path, example_runs: dict[str, Any]) -> None:
    # So the examples never rot.
    done = example_runs[script.name]
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Traceback" not in done.stderr
    assert done.stdout.strip(), f"{script.name} printed nothing"
