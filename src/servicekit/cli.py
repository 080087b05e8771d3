"""The ``servicekit`` command line (also ``python -m servicekit``).

Each area that offers commands has a private ``servicekit.<area>._cli`` module with
``add_commands(subparsers)``; this module discovers them, so areas add commands
without editing this file. Those modules import only :mod:`argparse` at import time
and load the heavy machinery inside their handlers, so ``servicekit --help`` is fast.

Examples
--------
>>> main(["--version"])
servicekit 0.1.0.dev0
0
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import sys
from collections.abc import Sequence

from servicekit._version import __version__

__all__ = ["build_parser", "main"]

AREAS = ("metrics", "churn", "recommend", "optimize", "classify")

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


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every area's subcommands.

    Examples
    --------
    >>> parser = build_parser()
    >>> parser.prog
    'servicekit'
    """
    parser = argparse.ArgumentParser(
        prog="servicekit",
        description="Customer-service models: KPIs, churn, recommendation, staffing, classification.",
    )
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    demo = commands.add_parser("demo", help="a short tour of what servicekit does")
    demo.set_defaults(handler=_demo)
    for area in AREAS:
        name = f"servicekit.{area}._cli"
        if importlib.util.find_spec(name) is not None:
            importlib.import_module(name).add_commands(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the process exit status.

    Errors servicekit raises on purpose (bad input, a corrupt model file) are printed
    as one line on standard error with exit status 2, not as a traceback.
    """
    from servicekit.errors import ServicekitError

    parser = build_parser()
    args = parser.parse_args(argv)
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
    return status
