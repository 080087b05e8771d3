"""``servicekit classify train|predict``: fit a question classifier from a CSV, then use it.

Imports only argparse at import time; the handlers load pandas and the model.
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
    read_csv,
    read_text,
    write_output,
)
from servicekit._progress import on_terminal


def add_commands(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    classify = subparsers.add_parser(
        "classify", help="train a question classifier from a CSV, or classify questions"
    )
    commands = classify.add_subparsers(dest="classify_command", metavar="ACTION", required=True)

    train = commands.add_parser("train", help="fit a classifier on a CSV and save it as JSON")
    train.add_argument("data", help="CSV file with a text column and a label column")
    train.add_argument("--text", default="text", help="text column (default: text)")
    train.add_argument("--label", default="category", help="label column (default: category)")
    train.add_argument(
        "-o", "--output", required=True, metavar="MODEL.json", help="where to write the model"
    )
    train.add_argument(
        "--model",
        default="logistic",
        choices=("logistic", "naive_bayes", "linear_svm"),
        help="model family (default: logistic)",
    )
    train.set_defaults(handler=_train, parser=train)

    predict = commands.add_parser("predict", help="classify questions with a saved model")
    predict.add_argument("model", help="model file written by 'servicekit classify train'")
    predict.add_argument("questions", nargs="*", help="questions to classify")
    predict.add_argument("--file", help="CSV file of questions instead of arguments")
    predict.add_argument("--text", default="text", help="question column of --file (default: text)")
    predict.add_argument("--threshold", type=float, help="escalate below this confidence (0-1)")
    predict.add_argument("--margin", type=float, help="escalate when the top two are this close")
    add_format_options(predict)
    predict.set_defaults(handler=_predict, parser=predict)


def _read_column(path: str, column: str, option: str, what: str) -> list[str]:
    from servicekit._validation import did_you_mean, known_names

    frame = read_csv(path, what, dtype=str, keep_default_na=False)
    if column not in frame.columns:
        raise CommandError(
            f"{option} must name a column of {path} ({known_names(frame.columns)}); "
            f"got {column!r}{did_you_mean(column, frame.columns)}"
        )
    values: list[str] = frame[column].tolist()
    return values


def _load(path: str) -> Any:
    from servicekit.classify import QuestionClassifier
    from servicekit.errors import ModelFormatError

    text = read_text(path, "MODEL.json")
    try:
        return QuestionClassifier.from_json(text)
    except ModelFormatError as exc:
        raise CommandError(f"MODEL.json {path}: {exc}") from None


def _train(args: argparse.Namespace) -> int:
    from servicekit.classify import fit_question_classifier

    check_output(args.output)
    texts = _read_column(args.data, args.text, "--text", "DATA.csv")
    labels = _read_column(args.data, args.label, "--label", "DATA.csv")
    names = {"texts": f"--text column of {args.data}", "labels": f"--label column of {args.data}"}
    classifier = call(
        fit_question_classifier, names, texts, labels, model=args.model, progress=on_terminal()
    )
    write_output(args.output, classifier.to_json())
    print(
        f"trained {classifier.model} on {len(texts)} questions, {len(classifier.labels)} labels, "
        f"{classifier.n_features} features; saved to {args.output}"
    )
    return 0


def _one_line(text: str) -> str:
    """A question on one table line: line breaks and tabs shown as visible marks."""
    return text.replace("\r\n", " ⏎ ").replace("\n", " ⏎ ").replace("\r", " ⏎ ").replace("\t", " ")


def _predict(args: argparse.Namespace) -> int:
    import pandas as pd

    if bool(args.questions) == bool(args.file):
        raise UsageError("give questions as arguments or --file, not both and not neither")
    check_output(args.output)
    questions = args.questions or _read_column(args.file, args.text, "--text", "--file")
    classifier = _load(args.model)
    names = {"threshold": "--threshold", "margin": "--margin", "texts": "questions"}
    predictions = call(
        classifier.classify, names, questions, threshold=args.threshold, margin=args.margin
    )
    fmt = args.format or "table"
    if fmt != "table":
        table = pd.DataFrame(
            {
                "label": [p.label for p in predictions],
                "confidence": [p.confidence for p in predictions],
                "escalate": [p.escalate for p in predictions],
                "reason": [p.reason or "" for p in predictions],
                "question": questions,
            }
        )
        emit(table, args, index=False)
        return 0
    width = max(len(p.label) for p in predictions)
    lines = [f"{'label':<{width}}  confidence  {'escalate':<19}  question"]
    for question, p in zip(questions, predictions, strict=True):
        flag = f"yes: {p.reason}" if p.escalate else "no"
        lines.append(f"{p.label:<{width}}  {p.confidence:10.3f}  {flag:<19}  {_one_line(question)}")
    write_output(args.output, "\n".join(lines) + "\n")
    return 0
