"""The ``servicekit`` command line (also ``python -m servicekit``).

Each area that offers commands has a private ``servicekit.<area>._cli`` module with
``add_commands(subparsers)`` and an entry in :data:`COMMANDS`. Importing an area pulls
in NumPy, pandas and SciPy, so the parser imports only the area whose command is being
run; the others appear in ``--help`` from their one-line summary here. That keeps
``servicekit --help`` and ``servicekit --version`` instant.

Adding a command (see docs/cli.md, "Writing a subcommand"):

1. add ``"name": ("area", "one-line summary")`` to :data:`COMMANDS`;
2. in ``servicekit/<area>/_cli.py`` define ``add_commands(subparsers)``, which adds the
   parser(s) and sets ``handler=`` (a function ``args -> exit status``) and
   ``parser=`` (the subparser, for usage errors) as defaults;
3. in the handler use :mod:`servicekit._cli_support`: ``read_csv`` / ``read_text`` for
   input files, ``check_output`` before the work, ``add_format_options`` + ``emit``
   for tables, ``library_call({"argument": "--flag"})`` around library calls and
   ``notes()`` around code that may warn; raise ``UsageError`` for a bad combination
   of flags and ``CommandError`` for a data problem.

:func:`main` is the one error path: servicekit errors and file problems print one line
on standard error (exit status 1), usage errors the usage line and one line (exit
status 2), a closed standard output ends quietly (exit status 0), and ``--debug``
shows the traceback instead.

Examples
--------
>>> main(["--version"])
servicekit 0.1.0.dev0
0
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from servicekit._version import __version__

__all__ = ["build_parser", "main"]

#: Subcommand -> (area whose ``_cli`` module defines it, one-line summary for ``--help``).
COMMANDS: dict[str, tuple[str, str]] = {
    "kpi": ("metrics", "KPI report (times, resolution, CSAT, backlog) of a CSV of tickets"),
    "churn": ("churn", "fit, score and read logistic churn models"),
    "classify": ("classify", "train a question classifier, or classify questions"),
    "recommend": ("recommend", "top-k recommendations per user from a CSV of interactions"),
    "forecast": ("forecast", "forecast contacts per interval from a CSV of counts or arrivals"),
    "staff": ("optimize", "agents required per interval for a service-level target (Erlang C/A)"),
    "segment": ("insights", "k-means customer segments of a CSV table"),
    "topics": ("insights", "discover contact reasons in a CSV of messages"),
}


def _demo(args: argparse.Namespace) -> int:
    # The demo's code lives in servicekit._demo; importing it here keeps --help instant.
    from servicekit._demo import prepare_plots, run

    if args.plots is not None:
        prepare_plots(args.plots)  # matplotlib and the folder, before the work
    run(plots=args.plots)
    return 0


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The argument parser; the full parser only for the subcommand named in ``argv``.

    Parameters
    ----------
    argv : sequence of str, optional
        The arguments about to be parsed. The area owning their subcommand (if any) is
        imported and adds its full parser; other subcommands get a summary-only entry.

    Examples
    --------
    >>> parser = build_parser([])
    >>> parser.prog
    'servicekit'
    >>> sorted(parser.parse_args(["demo"]).__dict__)
    ['command', 'debug', 'handler', 'parser', 'plots', 'version']
    """
    wanted = next((arg for arg in argv or () if not arg.startswith("-")), None)
    parser = argparse.ArgumentParser(
        prog="servicekit",
        description=(
            "Customer-service models: KPIs, churn prediction, question classification,"
            " recommendation, staffing, forecasting and insights."
        ),
    )
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    parser.add_argument(
        "--debug", action="store_true", help="show Python tracebacks instead of one-line errors"
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    demo = commands.add_parser(
        "demo",
        help="every area end to end on built-in sample data (about 15 s, no network)",
        description=(
            "Run every area of servicekit on its built-in sample data (servicekit.datasets)"
            " and print a report: KPIs with intervals, churn model, recommendations,"
            " forecast and staffing, segments, contact reasons, question classification,"
            " FAQ answers and routing. Needs no network and no files."
        ),
    )
    demo.add_argument(
        "--plots",
        metavar="DIR",
        help=(
            "also write the report's charts as PNG files into DIR (created if missing);"
            " needs matplotlib: pip install 'servicekit[plot]'"
        ),
    )
    demo.set_defaults(handler=_demo, parser=demo)
    for command, (area, summary) in COMMANDS.items():
        if command == wanted:
            importlib.import_module(f"servicekit.{area}._cli").add_commands(commands)
        elif command not in commands.choices:  # an area's _cli may add several commands
            commands.add_parser(command, help=summary, add_help=False)
    return parser


def _usage_error(parser: argparse.ArgumentParser, message: str) -> int:
    parser.print_usage(sys.stderr)
    print(f"{parser.prog}: error: {_one_line(message)}", file=sys.stderr)
    return 2


def _one_line(message: object) -> str:
    return " ".join(str(message).split())


def _quiet_stdout() -> None:
    """After the reader of a pipe left: send what is left in stdout's buffer nowhere.

    Without this, Python flushes stdout once more at exit, fails again and prints
    ``Exception ignored ... BrokenPipeError`` with exit status 120 (when stdout is
    block-buffered, i.e. without ``PYTHONUNBUFFERED``).
    """
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, sys.stdout.fileno())
    except (AttributeError, OSError, ValueError):  # stdout replaced (tests, notebooks)
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - Python flushes stdout at exit
    finally:
        os.close(devnull)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the process exit status.

    Exit status 0 on success (and when the reader of standard output goes away, as
    in ``servicekit kpi big.csv | head``), 1 for a problem with the data or files
    (one line on standard error naming the file or flag), 2 for a usage error (the
    usage line and one line). ``--debug`` shows tracebacks instead.
    """
    arguments = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in arguments  # accepted anywhere on the line
    arguments = [arg for arg in arguments if arg != "--debug"]
    try:
        status = _run(arguments, debug)
        sys.stdout.flush()  # inside the try: a closed pipe must fail here, not at exit
    except BrokenPipeError:
        _quiet_stdout()
        return 0
    except KeyboardInterrupt:
        print("servicekit: interrupted", file=sys.stderr)
        return 130
    return status


def _run(arguments: list[str], debug: bool) -> int:
    from servicekit._cli_support import CommandError, UsageError

    parser = build_parser(arguments)
    try:
        args = parser.parse_args(arguments)
    except SystemExit as done:  # argparse: --help (0) or a usage error (2), already printed
        sys.stdout.flush()
        return done.code if isinstance(done.code, int) else 2
    if args.version:
        print(f"servicekit {__version__}")
        return 0
    handler = getattr(args, "handler", None)
    if handler is None:
        return _usage_error(parser, "a COMMAND is required (see servicekit --help)")
    command = getattr(args, "parser", parser)
    try:
        status: int = handler(args)
    except BrokenPipeError:
        raise
    except UsageError as exc:
        if debug:
            raise
        return _usage_error(command, str(exc))
    except Exception as exc:
        if debug:
            raise
        from servicekit.errors import ServicekitError

        if isinstance(exc, (CommandError, ServicekitError)):
            message = str(exc)
        elif isinstance(exc, OSError):  # a file problem the command did not foresee
            message = f"{exc.filename}: {exc.strerror}" if exc.filename else str(exc)
        elif isinstance(exc, UnicodeError):
            message = f"a file is not UTF-8 text ({exc})"
        else:
            raise
        print(f"{command.prog}: error: {_one_line(message)}", file=sys.stderr)
        return 1
    return status
