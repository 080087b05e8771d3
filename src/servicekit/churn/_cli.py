"""``servicekit churn fit | score | summary``: the churn model from the command line.

Only :mod:`argparse` is imported here at import time; pandas and the model load
inside the handlers so ``servicekit --help`` stays fast.
"""

from __future__ import annotations

import argparse
from typing import Any


def add_commands(subparsers: Any) -> None:
    churn = subparsers.add_parser("churn", help="fit, score and read logistic churn models")
    commands = churn.add_subparsers(dest="churn_command", metavar="ACTION", required=True)

    fit = commands.add_parser(
        "fit",
        help="fit a churn model on a CSV table and save it as JSON",
        description="Fit a logistic churn model on a customer CSV (one row per customer).",
    )
    fit.add_argument("data", metavar="DATA.csv", help="training table")
    fit.add_argument("--target", required=True, help="outcome column, e.g. Churn")
    fit.add_argument("--positive", help="target value meaning churn, e.g. Yes (optional for 0/1)")
    fit.add_argument("--exclude", nargs="*", default=[], metavar="COLUMN", help="non-predictors")
    fit.add_argument(
        "--categorical", nargs="*", default=None, metavar="COLUMN", help="force categorical"
    )
    fit.add_argument("--l2", type=float, default=0.0, help="ridge penalty (default 0)")
    fit.add_argument(
        "--missing", choices=("impute", "drop", "raise"), default="impute", help="blank handling"
    )
    fit.add_argument("-o", "--output", required=True, metavar="MODEL.json", help="model file")
    fit.set_defaults(handler=_fit)

    score = commands.add_parser(
        "score",
        help="score customers with a saved model",
        description="Write each customer's churn probability as CSV (to stdout without -o).",
    )
    score.add_argument("model", metavar="MODEL.json")
    score.add_argument("data", metavar="CUSTOMERS.csv")
    score.add_argument("-o", "--output", metavar="SCORES.csv", help="output CSV (default stdout)")
    score.add_argument(
        "--id-column", metavar="COLUMN", help="copy this column (e.g. customerID) to the output"
    )
    score.set_defaults(handler=_score)

    summary = commands.add_parser("summary", help="print a saved model's summary")
    summary.add_argument("model", metavar="MODEL.json")
    summary.set_defaults(handler=_summary)


def _read_csv(path: str, argument: str) -> Any:
    import pandas as pd

    from servicekit._validation import fail

    try:
        return pd.read_csv(path)
    except FileNotFoundError:
        raise
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError, OSError) as exc:
        fail("servicekit churn", argument, "must be a readable CSV file", f"{path}: {exc}")


def _load(path: str) -> Any:
    from pathlib import Path

    from servicekit._validation import fail
    from servicekit.churn.model import ChurnModel

    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise
    except (OSError, UnicodeDecodeError) as exc:
        fail("servicekit churn", "MODEL", "must be a readable model file", f"{path}: {exc}")
    return ChurnModel.from_json(text)


def _label(column: Any, given: str | None) -> Any:
    """The target value whose text is ``given`` (so ``--positive 1`` matches integer 1)."""
    if given is None:
        return None
    for value in column.dropna().unique():
        if str(value) == given:
            return value.item() if hasattr(value, "item") else value
    return given


def _fit(args: argparse.Namespace) -> int:
    from pathlib import Path

    from servicekit.churn.model import fit_churn_model

    frame = _read_csv(args.data, "DATA")
    positive = _label(frame[args.target], args.positive) if args.target in frame else args.positive
    model = fit_churn_model(
        frame,
        target=args.target,
        positive=positive,
        exclude=args.exclude,
        categorical=args.categorical,
        l2=args.l2,
        missing=args.missing,
    )
    Path(args.output).write_text(model.to_json(), encoding="utf-8")
    print(model)
    print(f"saved to {args.output}")
    return 0


def _score(args: argparse.Namespace) -> int:
    import sys

    from servicekit._validation import fail

    model = _load(args.model)
    frame = _read_csv(args.data, "CUSTOMERS")
    scores = model.predict_proba(frame).to_frame()
    if args.id_column is not None:
        if args.id_column not in frame:
            fail("servicekit churn score", "--id-column", "must name a column", args.id_column)
        scores.insert(0, args.id_column, frame[args.id_column])
        scores.to_csv(args.output or sys.stdout, index=False)
    else:
        scores.to_csv(args.output or sys.stdout, index_label="row")
    if args.output:
        print(f"scored {len(scores)} customers into {args.output}")
    return 0


def _summary(args: argparse.Namespace) -> int:
    print(_load(args.model))
    return 0
