"""``servicekit classify train|predict``: fit a question classifier from a CSV, then use it.

Imports only argparse at import time; the handlers load pandas and the model.
"""

from __future__ import annotations

import argparse


def add_commands(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    classify = subparsers.add_parser(
        "classify", help="train a question classifier from a CSV, or classify questions"
    )
    commands = classify.add_subparsers(dest="classify_command", metavar="ACTION", required=True)

    train = commands.add_parser("train", help="fit a classifier on a CSV and save it as JSON")
    train.add_argument("data", help="CSV file with a text column and a label column")
    train.add_argument("--text", default="text", help="text column (default: text)")
    train.add_argument("--label", default="category", help="label column (default: category)")
    train.add_argument("-o", "--output", required=True, help="where to write the model (JSON)")
    train.add_argument(
        "--model",
        default="logistic",
        choices=("logistic", "naive_bayes", "linear_svm"),
        help="model family (default: logistic)",
    )
    train.set_defaults(handler=_train)

    predict = commands.add_parser("predict", help="classify questions with a saved model")
    predict.add_argument("model", help="model file written by 'servicekit classify train'")
    predict.add_argument("questions", nargs="*", help="questions to classify")
    predict.add_argument("--file", help="CSV file of questions instead of arguments")
    predict.add_argument("--text", default="text", help="question column of --file (default: text)")
    predict.add_argument("--threshold", type=float, help="escalate below this confidence (0-1)")
    predict.add_argument("--margin", type=float, help="escalate when the top two are this close")
    predict.set_defaults(handler=_predict)


def _read_column(path: str, column: str, option: str) -> list[str]:
    import pandas as pd

    from servicekit.errors import InvalidInputError

    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    if column not in frame.columns:
        raise InvalidInputError(
            f"'{option}' must name a column of {path} (one of {list(frame.columns)[:12]}); "
            f"got {column!r}",
            argument=option,
        )
    return frame[column].tolist()


def _train(args: argparse.Namespace) -> int:
    from pathlib import Path

    from servicekit.classify import fit_question_classifier

    texts = _read_column(args.data, args.text, "--text")
    labels = _read_column(args.data, args.label, "--label")
    classifier = fit_question_classifier(texts, labels, model=args.model)
    Path(args.output).write_text(classifier.to_json(), encoding="utf-8")
    print(
        f"trained {classifier.model} on {len(texts)} questions, {len(classifier.labels)} labels, "
        f"{classifier.n_features} features; saved to {args.output}"
    )
    return 0


def _predict(args: argparse.Namespace) -> int:
    from pathlib import Path

    from servicekit.classify import QuestionClassifier
    from servicekit.errors import InvalidInputError

    if bool(args.questions) == bool(args.file):
        raise InvalidInputError(
            "give questions as arguments or --file, not both and not neither",
            argument="questions",
        )
    questions = args.questions or _read_column(args.file, args.text, "--text")
    classifier = QuestionClassifier.from_json(Path(args.model).read_text(encoding="utf-8"))
    predictions = classifier.classify(questions, threshold=args.threshold, margin=args.margin)
    width = max(len(p.label) for p in predictions)
    print(f"{'label':<{width}}  confidence  {'escalate':<19}  question")
    for question, p in zip(questions, predictions, strict=True):
        flag = f"yes: {p.reason}" if p.escalate else "no"
        print(f"{p.label:<{width}}  {p.confidence:10.3f}  {flag:<19}  {question}")
    return 0
