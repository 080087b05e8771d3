"""The ``servicekit`` command line (also ``python -m servicekit``).

Each area that offers commands has a private ``servicekit.<area>._cli`` module with
``add_commands(subparsers)`` and an entry in :data:`COMMANDS`. Importing an area pulls
in NumPy, pandas and SciPy, so the parser imports only the area whose command is being
run; the others appear in ``--help`` from their one-line summary here. That keeps
``servicekit --help`` and ``servicekit --version`` instant.

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
    "segment": ("insights", "k-means customer segments of a CSV table"),
    "topics": ("insights", "discover contact reasons in a CSV of messages"),
}

DEMO_PLAN = """\
servicekit demo: a tour of the library in one command (to come with the newcomer-path issue).

It will show, on small generated data and in a few seconds:
  - metrics:   CSAT and NPS with confidence intervals, service level under its three
               definitions, and a KPI report per group;
  - churn:     a logistic churn model's summary table, risk drivers and campaign profit;
  - classify:  a question classifier answering, escalating and routing questions;
  - optimize:  Erlang C staffing for a service-level target;
  - recommend: top-k recommendations from weighted features.
Until then, see README.md and docs/ for what is available now."""


def _demo(args: argparse.Namespace) -> int:
    print(DEMO_PLAN)
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
    ['command', 'handler', 'version']
    """
    wanted = next((arg for arg in argv or () if not arg.startswith("-")), None)
    parser = argparse.ArgumentParser(
        prog="servicekit",
        description="Customer-service models: KPIs, churn, recommendation, staffing, classification.",
    )
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    demo = commands.add_parser("demo", help="a short tour of what servicekit does")
    demo.set_defaults(handler=_demo)
    for command, (area, summary) in COMMANDS.items():
        if command == wanted:
            importlib.import_module(f"servicekit.{area}._cli").add_commands(commands)
        elif command not in commands.choices:  # an area's _cli may add several commands
            commands.add_parser(command, help=summary, add_help=False)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the process exit status.

    Errors servicekit raises on purpose (bad input, a corrupt model file) are printed
    as one line on standard error with exit status 2, not as a traceback.
    """
    from servicekit.errors import ServicekitError

    arguments = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(arguments)
    args = parser.parse_args(arguments)
    if args.version:
        print(f"servicekit {__version__}")
        return 0
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return 0
    try:
        status: int = handler(args)
    except (ServicekitError, FileNotFoundError) as exc:
        print(f"servicekit: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # e.g. `servicekit kpi big.csv | head`: the reader left
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - Python flushes stdout at exit
        return 0
    return status
