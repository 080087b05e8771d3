"""What every ``servicekit`` subcommand shares: reading files, printing tables, the one error path.

An area's ``_cli.py`` uses these so that all commands behave alike:

- :func:`read_csv` / :func:`read_text`: a file the user named, or a one-line
  :class:`CommandError` naming the file and what is wrong with it (missing, a
  folder, empty, not UTF-8, not CSV, unreadable).
- :func:`check_output` (early, before any work) and :func:`write_output` for ``-o``.
- :func:`add_format_options` and :func:`emit`: ``--format table|csv|jsonl`` and
  ``-o FILE`` for anything tabular. CSV and JSON lines carry plain numbers (seconds
  for durations, at most 12 significant digits so no float noise); tables show
  durations for people (``16 h 23 m``).
- :func:`library_call`: run a library call and translate its
  :class:`~servicekit.errors.InvalidInputError` into the flags the user typed
  (``'by'`` becomes ``--by``, ``'tickets'`` becomes the file name).
- :func:`notes`: collect the library's warnings and print them as ``note:`` lines on
  standard error, so standard output stays parseable.
- :class:`UsageError` for a wrong combination of flags: exit status 2 with the
  subcommand's usage line, like argparse's own errors; :class:`CommandError` for data
  problems: exit status 1. :func:`servicekit.cli.main` prints both as one line.

Only the standard library is imported at import time; pandas loads inside the
functions that need it.
"""

from __future__ import annotations

import contextlib
import csv
import functools
import io
import json
import math
import os
import re
import sys
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    import argparse

    import pandas as pd

__all__ = [
    "FORMATS",
    "CommandError",
    "UsageError",
    "add_format_options",
    "call",
    "check_output",
    "emit",
    "human_duration",
    "library_call",
    "natural_key",
    "notes",
    "read_csv",
    "read_text",
    "render",
    "split_names",
    "write_output",
]

T = TypeVar("T")

#: Output formats of every tabular command.
FORMATS = ("table", "csv", "jsonl")


class CommandError(Exception):
    """A problem with the user's data or files: one line on stderr, exit status 1."""

    status = 1


class UsageError(CommandError):
    """A wrong combination of flags: the usage line, one line on stderr, exit status 2."""

    status = 2


# --------------------------------------------------------------------------- input files
def _check_input(path: str, what: str) -> Path:
    file = Path(path)
    if not file.exists():
        raise CommandError(f"{what} {path}: no such file")
    if file.is_dir():
        raise CommandError(f"{what} {path}: is a folder, not a file")
    if not os.access(file, os.R_OK):
        raise CommandError(f"{what} {path}: cannot be read (permission denied)")
    if file.stat().st_size == 0:
        raise CommandError(f"{what} {path}: is empty (0 bytes)")
    return file


def _not_utf8(path: str, what: str, exc: UnicodeDecodeError) -> CommandError:
    return CommandError(
        f"{what} {path}: is not UTF-8 text (byte 0x{exc.object[exc.start]:02x} at offset "
        f"{exc.start}); save it as UTF-8"
    )


def read_text(path: str, what: str) -> str:
    """The UTF-8 text of a file the user named (``what`` says which, e.g. ``"MODEL"``)."""
    file = _check_input(path, what)
    try:
        return file.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise _not_utf8(path, what, exc) from None
    except OSError as exc:
        raise CommandError(f"{what} {path}: cannot be read ({exc.strerror or exc})") from None


def read_csv(path: str, what: str, **options: Any) -> pd.DataFrame:
    """A CSV file the user named, as a DataFrame, or a one-line :class:`CommandError`.

    ``what`` names the argument in messages (``"FILE.csv"``, ``"--file"``);
    ``options`` go to :func:`pandas.read_csv`.
    """
    import pandas as pd

    file = _check_input(path, what)
    options.setdefault("low_memory", False)  # one dtype per column, no DtypeWarning
    try:
        frame: pd.DataFrame = pd.read_csv(file, encoding="utf-8", **options)
    except UnicodeDecodeError as exc:
        raise _not_utf8(path, what, exc) from None
    except pd.errors.EmptyDataError:
        raise CommandError(f"{what} {path}: has no columns (is it a CSV file?)") from None
    except (pd.errors.ParserError, ValueError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise CommandError(f"{what} {path}: is not a readable CSV file ({first})") from None
    except OSError as exc:
        raise CommandError(f"{what} {path}: cannot be read ({exc.strerror or exc})") from None
    if frame.shape[1] == 0 or len(frame) == 0:
        raise CommandError(f"{what} {path}: has a header but no rows")
    return frame


# --------------------------------------------------------------------------- output files
def check_output(path: str | None, flag: str = "-o") -> None:
    """Fail early, before any work, when ``path`` cannot be written."""
    if path is None or path == "-":
        return
    file = Path(path)
    if file.is_dir():
        raise CommandError(f"{flag} {path}: is a folder, not a file")
    parent = file.parent if str(file.parent) else Path(".")
    if not parent.is_dir():
        raise CommandError(f"{flag} {path}: folder {parent} does not exist")
    if not os.access(parent, os.W_OK) or (file.exists() and not os.access(file, os.W_OK)):
        raise CommandError(f"{flag} {path}: cannot be written (permission denied)")


def write_output(path: str | None, text: str, flag: str = "-o") -> None:
    """Write ``text`` to ``path`` (UTF-8), or to standard output when ``path`` is None or ``-``."""
    if path is None or path == "-":
        sys.stdout.write(text)
        return
    check_output(path, flag)
    try:
        Path(path).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise CommandError(f"{flag} {path}: cannot be written ({exc.strerror or exc})") from None


# --------------------------------------------------------------------------- flags
def split_names(values: Sequence[str] | None) -> list[str] | None:
    """Repeatable, comma-separated names (``--by team --by day`` or ``--by team,day``).

    One value per flag keeps options from swallowing the positional file name.
    """
    if not values:
        return None
    names = [name.strip() for value in values for name in value.split(",")]
    return [name for name in names if name] or None


def add_format_options(parser: argparse.ArgumentParser, *, default: str = "table") -> None:
    """``--format table|csv|jsonl``, ``--csv`` (short for ``--format csv``) and ``-o FILE``."""
    group = parser.add_argument_group("output")
    group.add_argument(
        "--format",
        choices=FORMATS,
        default=None,
        help=f"table (for people), csv or jsonl (for programs); default {default}",
    )
    group.add_argument(
        "--csv", dest="format", action="store_const", const="csv", help="same as --format csv"
    )
    group.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")
    parser.set_defaults(format_default=default)


# --------------------------------------------------------------------------- rendering
def human_duration(seconds: float) -> str:
    """Seconds for people: ``"45.2 s"``, ``"3 m 20 s"``, ``"16 h 23 m"``, ``"3 d 4 h"``.

    Examples
    --------
    >>> [human_duration(s) for s in (45.24, 200, 58980, 273600, float("nan"))]
    ['45.2 s', '3 m 20 s', '16 h 23 m', '3 d 4 h', '-']
    """
    if seconds is None or (isinstance(seconds, float) and math.isnan(seconds)):
        return "-"
    sign, value = ("-" if seconds < 0 else ""), abs(float(seconds))
    whole = round(value)
    if value < 60:
        return f"{sign}{value:.1f} s"
    if whole < 3600:
        return f"{sign}{whole // 60} m {whole % 60} s"
    if whole < 86400:
        return f"{sign}{whole // 3600} h {whole % 3600 // 60} m"
    return f"{sign}{whole // 86400} d {whole % 86400 // 3600} h"


def natural_key(value: object) -> tuple[Any, ...]:
    """Sort key putting ``"Value 9"`` before ``"Value 10"`` (numbers compared as numbers).

    Examples
    --------
    >>> sorted(["Value 10", "Value 9", "b", "Value 94"], key=natural_key)
    ['b', 'Value 9', 'Value 10', 'Value 94']
    """
    if isinstance(value, tuple):
        return tuple(natural_key(v) for v in value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return ((0, float(value), ""),) if not math.isnan(value) else ((2, 0.0, ""),)
    if value is None:
        return ((2, 0.0, ""),)
    parts = re.split(r"(\d+(?:\.\d+)?)", str(value))
    return tuple(
        (0, float(part), "") if i % 2 else (1, 0.0, part.casefold())
        for i, part in enumerate(parts)
        if part
    )


def _number(x: Any) -> Any:
    """A JSON/CSV-friendly scalar: at most 12 significant digits, None for NaN."""
    import numpy as np

    if isinstance(x, np.generic):
        x = x.item()
    if isinstance(x, float):
        if math.isnan(x) or math.isinf(x):
            return None
        rounded = float(f"{x:.12g}")
        return int(rounded) if rounded.is_integer() and abs(rounded) < 2**53 else rounded
    if hasattr(x, "isoformat"):
        return str(x)
    return x


def _records(frame: pd.DataFrame, index: bool) -> tuple[list[str], list[list[Any]]]:
    if index and frame.index.nlevels == 1 and frame.index.name is None:
        frame = frame.rename_axis("group")  # not pandas' "index"
    table = frame.reset_index() if index else frame
    header = [str(name) for name in table.columns]
    rows = [[_number(x) for x in row] for row in table.itertuples(index=False, name=None)]
    return header, rows


def _cell(x: Any, name: str, durations: bool) -> str:
    import numpy as np

    value = x.item() if isinstance(x, np.generic) else x
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    if durations and "seconds" in name:
        return human_duration(float(value))
    if isinstance(value, int):
        return str(value)
    return f"{value:.3f}"


def render(frame: pd.DataFrame, fmt: str, *, index: bool = True, transpose_up_to: int = 0) -> str:
    """``frame`` as text in ``fmt`` (``"table"``, ``"csv"`` or ``"jsonl"``).

    Columns whose name contains ``seconds`` are durations: seconds in CSV and JSON
    lines, ``16 h 23 m`` in tables. A table with at most ``transpose_up_to`` rows is
    shown with the rows as columns (easier to read for a few groups).
    """
    import pandas as pd

    if fmt == "csv":
        header, rows = _records(frame, index)
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(["" if v is None else v for v in row] for row in rows)
        return buffer.getvalue()
    if fmt == "jsonl":
        header, rows = _records(frame, index)
        return "".join(
            json.dumps(dict(zip(header, row, strict=True)), ensure_ascii=False) + "\n"
            for row in rows
        )
    shown = pd.DataFrame(index=frame.index)
    for name in frame.columns:
        if frame[name].dtype == object:  # mixed values (a customer's data): as they are
            shown[name] = ["-" if _number(x) is None else str(_number(x)) for x in frame[name]]
        elif frame[name].dtype.kind == "f" and "seconds" not in str(name) and _whole(frame[name]):
            shown[name] = ["-" if math.isnan(x) else str(int(x)) for x in frame[name]]
        else:
            shown[name] = [_cell(x, str(name), True) for x in frame[name]]
    if not index:
        shown.index = pd.RangeIndex(1, len(shown) + 1)
    if 0 < len(shown) <= transpose_up_to:
        shown = shown.T
    text = "\n".join(line.rstrip() for line in shown.to_string().splitlines())
    return text + "\n"


def _whole(column: pd.Series) -> bool:
    """A float column holding only whole numbers (counts stored as floats) and NaN."""
    import numpy as np

    values = column.to_numpy(dtype=np.float64)
    known = values[~np.isnan(values)]
    return (
        bool(known.size)
        and bool(np.all(known == np.round(known)))
        and bool(np.all(np.abs(known) < 2**53))
    )


def emit(
    frame: pd.DataFrame,
    args: argparse.Namespace,
    *,
    index: bool = True,
    transpose_up_to: int = 0,
    footer: str = "",
) -> None:
    """Print or write ``frame`` in the format and to the file the user chose.

    ``footer`` (a line of explanation) is shown under tables only.
    """
    fmt = str(getattr(args, "format", None) or getattr(args, "format_default", "table"))
    text = render(frame, fmt, index=index, transpose_up_to=transpose_up_to)
    if fmt == "table" and footer:
        text += footer.rstrip("\n") + "\n"
    write_output(getattr(args, "output", None), text)


# --------------------------------------------------------------------------- errors
@contextlib.contextmanager
def library_call(names: Mapping[str, str]) -> Iterator[None]:
    """Translate the library's input errors into the words the user typed.

    ``names`` maps argument names of the library call to what the user typed
    (``{"by": "--by", "tickets": "tickets.csv"}``). An
    :class:`~servicekit.errors.InvalidInputError` about a mapped argument becomes a
    :class:`CommandError` whose message names the flag instead of the Python argument.
    Other servicekit errors pass through (``main`` prints them as one line).
    """
    from servicekit.errors import InvalidInputError

    try:
        yield
    except InvalidInputError as exc:
        if exc.argument is None or exc.argument not in names:
            raise
        problem, got, value = exc.reason.partition("; got ")
        for argument, typed in names.items():  # the bad value itself stays verbatim
            problem = problem.replace(f"'{argument}'", typed)
            if typed.startswith("-"):  # advice in Python ("pass exclude=['id']") as a flag
                problem = re.sub(
                    rf"\b{re.escape(argument)}=\[([^\]]*)\]",
                    functools.partial(_as_flag, typed),
                    problem,
                )
                problem = re.sub(rf"\b{re.escape(argument)}=", f"{typed} ", problem)
        raise CommandError(problem + got + value) from None


def _as_flag(flag: str, match: re.Match[str]) -> str:
    """``exclude=['a', 'b']`` (as matched) -> ``--exclude a,b``."""
    return f"{flag} " + ",".join(part.strip().strip("'\"") for part in match[1].split(","))


def call(function: Callable[..., T], names: Mapping[str, str], *args: Any, **kwargs: Any) -> T:
    """``function(*args, **kwargs)`` inside :func:`library_call`."""
    with library_call(names):
        return function(*args, **kwargs)


@contextlib.contextmanager
def notes(
    describe: Callable[[warnings.WarningMessage], str | None] | None = None,
    *,
    skip: tuple[type[Warning], ...] = (),
) -> Iterator[list[str]]:
    """Collect servicekit's warnings raised inside; print each as ``note: ...`` on stderr at exit.

    ``describe`` may rewrite a warning for the terminal (return None to keep the
    library's text); warnings of the ``skip`` categories are dropped (when the command
    says the same in its own words). The yielded list may get extra notes appended by
    the command.
    """
    from servicekit.errors import ServicekitWarning

    extra: list[str] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ServicekitWarning)
        yield extra
    seen: set[str] = set()
    for warning in caught:
        if skip and issubclass(warning.category, skip):
            continue
        if not issubclass(warning.category, ServicekitWarning):
            warnings.showwarning(
                warning.message, warning.category, warning.filename, warning.lineno
            )
            continue
        text = (describe(warning) if describe else None) or str(warning.message)
        if text not in seen:
            seen.add(text)
            print(f"note: {text}", file=sys.stderr)
    for text in extra:
        print(f"note: {text}", file=sys.stderr)
