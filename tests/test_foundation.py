"""The package's ground: errors, lightweight import, command line, data helper."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import servicekit
from servicekit import errors
from servicekit._datasets import data_dir
from servicekit.cli import COMMANDS, main
from tests.support import real_data


def test_error_hierarchy() -> None:
    assert issubclass(errors.InvalidInputError, errors.ServicekitError)
    assert issubclass(errors.InvalidInputError, ValueError)
    assert issubclass(errors.InvalidInputError, TypeError)
    assert issubclass(errors.ModelFormatError, errors.ServicekitError)
    assert issubclass(errors.NotFittedError, errors.ServicekitError)
    assert issubclass(errors.ConvergenceError, errors.ServicekitError)
    for warning in (errors.ConvergenceWarning, errors.SeparationWarning, errors.SmallSampleWarning):
        assert issubclass(warning, errors.ServicekitWarning)
    assert issubclass(errors.ServicekitWarning, UserWarning)


def test_import_is_light_and_lazy() -> None:
    code = (
        "import sys, servicekit; "
        "heavy = [m for m in ('numpy', 'pandas', 'scipy', 'sklearn', 'nltk') if m in sys.modules]; "
        "print(heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
    assert "servicekit.metrics" in dir(servicekit) or "metrics" in dir(servicekit)
    with pytest.raises(AttributeError):
        _ = servicekit.nothing_here  # type: ignore[attr-defined]


def test_cli_version_help_and_demo(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"servicekit {servicekit.__version__}"
    assert main([]) == 2  # a usage error, with the usage line (argparse's convention)
    assert "usage: servicekit" in capsys.readouterr().err
    assert main(["--help"]) == 0
    assert "demo" in capsys.readouterr().out
    assert main(["demo"]) == 0
    assert "servicekit demo" in capsys.readouterr().out


def test_help_does_not_import_the_areas() -> None:
    code = (
        "import sys; from servicekit.cli import main; main(['--version']); "
        "heavy = [m for m in ('numpy', 'pandas', 'scipy', 'sklearn') if m in sys.modules]; "
        "print(heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]"


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_listed_command_has_its_full_parser(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([command, "--help"]) == 0
    out = capsys.readouterr().out
    assert f"usage: servicekit {command}" in out
    assert out.count("\n") > 3  # the area's own parser, not the one-line summary


def test_a_closed_pipe_is_not_a_traceback() -> None:
    code = "import sys; from servicekit.cli import main; sys.exit(main(['demo']))"
    proc = subprocess.Popen(
        [sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert proc.stdout is not None
    proc.stdout.close()  # like `| head -0`
    _, err = proc.communicate()
    assert b"Traceback" not in err
    assert proc.returncode == 0


def test_python_dash_m() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "servicekit", "--version"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == f"servicekit {servicekit.__version__}"


def test_data_dir_honours_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SERVICEKIT_DATA", str(tmp_path))
    assert data_dir() == tmp_path.resolve()
    monkeypatch.setenv("SERVICEKIT_DATA", str(tmp_path / "absent"))
    with pytest.raises(FileNotFoundError, match="SERVICEKIT_DATA"):
        data_dir()


def test_real_data_helper_fails_under_ci(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SERVICEKIT_DATA", str(tmp_path / "absent"))
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="required under CI=true"):
        real_data("telco")
    monkeypatch.setenv("CI", "false")
    with pytest.raises(pytest.skip.Exception, match="not available"):
        real_data("telco")


@pytest.mark.realdata
def test_real_data_folder_has_the_documented_sets() -> None:
    folder = real_data()
    for name in ("telco", "banking77", "technion_anonymous_bank", "helpdesk_italian_4tu"):
        assert (folder / name).is_dir()
