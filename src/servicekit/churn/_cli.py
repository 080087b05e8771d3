"""``servicekit churn fit | score | summary | evaluate | drivers``: churn models from the command line.

Only :mod:`argparse` is imported here at import time; pandas and the model load
inside the handlers so ``servicekit --help`` stays fast. Every number printed comes
from a public function: :func:`fit_churn_model`, :func:`cross_validate`,
:meth:`ChurnModel.predict_proba`, :meth:`ChurnModel.risk_drivers`, :func:`evaluate`,
:func:`lift_table`.
"""

from __future__ import annotations

import argparse
from typing import Any

from servicekit._cli_support import (
    CommandError,
    UsageError,
    add_format_options,
    call,
    check_output,
    emit,
    notes,
    read_csv,
    read_text,
    split_names,
    write_output,
)
from servicekit._progress import on_terminal


def add_commands(subparsers: Any) -> None:
    churn = subparsers.add_parser(
        "churn", help="fit, score, evaluate and explain logistic churn models"
    )
    commands = churn.add_subparsers(dest="churn_command", metavar="ACTION", required=True)

    fit = commands.add_parser(
        "fit",
        help="fit a churn model on a CSV table and save it as JSON",
        description="Fit a logistic churn model on a customer CSV (one row per customer), "
        "report its cross-validated (held-out) quality, and save it.",
    )
    fit.add_argument("data", metavar="DATA.csv", help="training table")
    fit.add_argument("--target", required=True, help="outcome column, e.g. Churn")
    fit.add_argument("--positive", help="target value meaning churn, e.g. Yes (optional for 0/1)")
    fit.add_argument(
        "--exclude",
        action="append",
        metavar="COL[,COL]",
        help="non-predictor columns such as ids (repeatable or comma-separated)",
    )
    fit.add_argument(
        "--categorical",
        action="append",
        metavar="COL[,COL]",
        help="force these columns categorical (repeatable or comma-separated)",
    )
    fit.add_argument("--l2", type=float, default=0.0, help="ridge penalty (default 0)")
    fit.add_argument(
        "--missing", choices=("impute", "drop", "raise"), default="impute", help="blank handling"
    )
    fit.add_argument(
        "--folds",
        type=int,
        default=5,
        metavar="K",
        help="stratified K-fold cross-validation for held-out quality (default 5; 0 skips)",
    )
    fit.add_argument("-o", "--output", required=True, metavar="MODEL.json", help="model file")
    fit.set_defaults(handler=_fit, parser=fit)

    score = commands.add_parser(
        "score",
        help="score customers with a saved model",
        description="Each customer's churn probability (CSV to stdout without -o).",
    )
    score.add_argument("model", metavar="MODEL.json")
    score.add_argument("data", metavar="CUSTOMERS.csv")
    score.add_argument(
        "--id-column", metavar="COL", help="copy this column (e.g. customerID) to the output"
    )
    add_format_options(score, default="csv")
    score.set_defaults(handler=_score, parser=score)

    summary = commands.add_parser("summary", help="print a saved model's summary")
    summary.add_argument("model", metavar="MODEL.json")
    summary.set_defaults(handler=_summary, parser=summary)

    evaluate = commands.add_parser(
        "evaluate",
        help="ROC AUC, precision, recall and a lift table of a model on a labelled CSV",
        description="Evaluate a saved model on customers whose outcome is known "
        "(the model's target column must be in the file).",
    )
    evaluate.add_argument("model", metavar="MODEL.json")
    evaluate.add_argument("data", metavar="LABELLED.csv")
    evaluate.add_argument(
        "--threshold", type=float, default=0.5, help="predict churn at or above (default 0.5)"
    )
    evaluate.add_argument("--bins", type=int, default=10, help="lift-table bins (default 10)")
    add_format_options(evaluate)
    evaluate.set_defaults(handler=_evaluate, parser=evaluate)

    drivers = commands.add_parser(
        "drivers",
        help="each customer's top risk drivers under a saved model",
        description="For each customer, the columns that raise the churn risk most "
        "(log-odds contributions against the model's baseline customer).",
    )
    drivers.add_argument("model", metavar="MODEL.json")
    drivers.add_argument("data", metavar="CUSTOMERS.csv")
    drivers.add_argument("--top", type=int, default=3, help="drivers per customer (default 3)")
    drivers.add_argument(
        "--id-column", metavar="COL", help="label customers by this column (e.g. customerID)"
    )
    drivers.add_argument(
        "--customer",
        action="append",
        metavar="ID",
        help="only this customer (an --id-column value; repeatable)",
    )
    add_format_options(drivers)
    drivers.set_defaults(handler=_drivers, parser=drivers)


def _load(path: str) -> Any:
    from servicekit.churn import ChurnModel
    from servicekit.errors import ModelFormatError

    text = read_text(path, "MODEL.json")
    try:
        return ChurnModel.from_json(text)
    except ModelFormatError as exc:
        raise CommandError(f"MODEL.json {path}: {exc}") from None


def _label(column: Any, given: str | None) -> Any:
    """The target value whose text is ``given`` (so ``--positive 1`` matches integer 1)."""
    if given is None:
        return None
    for value in column.dropna().unique():
        if str(value) == given:
            return value.item() if hasattr(value, "item") else value
    return given


def _id_column(frame: Any, column: str | None, path: str) -> None:
    from servicekit._validation import did_you_mean, known_names

    if column is not None and column not in frame.columns:
        raise CommandError(
            f"--id-column must name a column of {path} ({known_names(frame.columns)}); "
            f"got {column!r}{did_you_mean(column, frame.columns)}"
        )


def _fit(args: argparse.Namespace) -> int:
    from servicekit.churn import cross_validate, fit_churn_model

    if args.folds == 1 or args.folds < 0:
        raise UsageError(f"--folds must be 0 (skip) or at least 2; got {args.folds}")
    check_output(args.output)
    frame = read_csv(args.data, "DATA.csv")
    positive = _label(frame[args.target], args.positive) if args.target in frame else args.positive
    options = {
        "positive": positive,
        "exclude": split_names(args.exclude) or [],
        "categorical": split_names(args.categorical),
        "l2": args.l2,
        "missing": args.missing,
    }
    names = {
        "frame": args.data,
        "target": "--target",
        "positive": "--positive",
        "exclude": "--exclude",
        "categorical": "--categorical",
        "l2": "--l2",
        "missing": "--missing",
        "folds": "--folds",
    }
    with notes():
        model = call(fit_churn_model, names, frame, target=args.target, **options)
        print(model)
        if args.folds:
            scores = call(
                cross_validate,
                names,
                frame,
                target=args.target,
                folds=args.folds,
                progress=on_terminal(),
                **options,
            )
            means, spreads = scores.mean(numeric_only=True), scores.std(numeric_only=True)
            print(
                f"held-out quality ({args.folds}-fold cross-validation, mean ± sd): "
                + ", ".join(
                    f"{label} {means[key]:.3f} ± {spreads[key]:.3f}"
                    for key, label in (
                        ("roc_auc", "ROC AUC"),
                        ("pr_auc", "PR AUC"),
                        ("accuracy", "accuracy"),
                        ("top_decile_lift", "top-decile lift"),
                    )
                )
            )
    write_output(args.output, model.to_json())
    print(f"saved to {args.output}")
    return 0


def _score(args: argparse.Namespace) -> int:
    check_output(args.output)
    model = _load(args.model)
    frame = read_csv(args.data, "CUSTOMERS.csv")
    _id_column(frame, args.id_column, args.data)
    with notes():
        scores = call(model.predict_proba, {"frame": args.data}, frame).to_frame()
    if args.id_column is not None:
        scores.index = frame[args.id_column]
    else:
        scores.index.name = "row"
    emit(scores, args)
    if args.output:
        print(f"scored {len(scores)} customers into {args.output}")
    return 0


def _summary(args: argparse.Namespace) -> int:
    print(_load(args.model))
    return 0


def _evaluate(args: argparse.Namespace) -> int:
    import pandas as pd

    from servicekit._validation import did_you_mean, known_names
    from servicekit.churn import evaluate, lift_table

    check_output(args.output)
    model = _load(args.model)
    frame = read_csv(args.data, "LABELLED.csv")
    if model.target not in frame.columns:
        raise CommandError(
            f"LABELLED.csv {args.data} must have the model's target column {model.target!r} "
            f"({known_names(frame.columns)}){did_you_mean(model.target, frame.columns)}"
        )
    outcome = frame[model.target].astype(object)
    known = {str(model.positive), str(model.negative)}
    strange = sorted({str(v) for v in outcome.dropna().unique()} - known)
    if outcome.isna().any() or strange:
        shown = strange[:5] if strange else ["(missing)"]
        raise CommandError(
            f"LABELLED.csv {args.data}: column {model.target!r} must hold "
            f"{model.positive!r} or {model.negative!r}, as in training; got {shown}"
        )
    churned = (outcome.map(str) == str(model.positive)).to_numpy()
    with notes():
        proba = call(model.predict_proba, {"frame": args.data}, frame).to_numpy()
    scored = ~pd.isna(proba)
    names = {"threshold": "--threshold", "bins": "--bins", "y_true": model.target}
    quality = call(evaluate, names, churned[scored], proba[scored], threshold=args.threshold)
    lift = call(lift_table, names, churned[scored], proba[scored], bins=args.bins)
    fmt = args.format or "table"
    if fmt == "table":
        print(quality)
        print()
    else:
        # Machine-readable: the lift table, with the overall figures as attributes of each row.
        for key, value in quality.to_dict().items():
            lift[key] = value
    emit(lift, args)
    return 0


def _drivers(args: argparse.Namespace) -> int:
    if args.top < 1:
        raise UsageError(f"--top must be at least 1; got {args.top}")
    check_output(args.output)
    if args.customer and not args.id_column:
        raise UsageError("--customer needs --id-column (the column holding customer ids)")
    model = _load(args.model)
    frame = read_csv(args.data, "CUSTOMERS.csv")
    _id_column(frame, args.id_column, args.data)
    if args.customer:
        ids = frame[args.id_column].astype(str)
        unknown = [c for c in args.customer if c not in set(ids)]
        if unknown:
            raise CommandError(f"--customer {unknown[0]!r} is not in column {args.id_column!r}")
        frame = frame[ids.isin(args.customer)]
    with notes():
        table = call(model.risk_drivers, {"frame": args.data, "top": "--top"}, frame, top=args.top)
    customers = frame[args.id_column] if args.id_column else frame.index.to_series()
    table.index = customers.loc[table.index].to_numpy()
    table.index.name = args.id_column or "row"
    emit(table, args)
    return 0
