"""``servicekit segment`` and ``servicekit topics``: insights from the command line.

Only :mod:`argparse` and :mod:`servicekit._cli_support` are imported here at import
time; pandas and the models load inside the handlers so ``servicekit --help`` stays
fast. Every number printed comes from :func:`segment_customers` (its
:class:`Segmentation`) or :func:`discover_topics` (its :class:`Topics`).
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
    notes,
    read_csv,
    render,
    split_names,
    write_output,
)
from servicekit._progress import on_terminal


def add_commands(subparsers: Any) -> None:
    # Both commands live here; the CLI may already hold a summary entry for one of them.
    if "segment" not in subparsers.choices:
        _add_segment(subparsers)
    if "topics" not in subparsers.choices:
        _add_topics(subparsers)


def _add_segment(subparsers: Any) -> None:
    segment = subparsers.add_parser(
        "segment",
        help="k-means customer segments of a CSV table",
        description="Segment customers (one row per customer) by k-means on scaled numeric "
        "columns; prints the chosen k, its silhouette, the stability and each segment's "
        "profile (with --labels, each customer's segment goes to a CSV).",
    )
    segment.add_argument("data", metavar="CUSTOMERS.csv")
    segment.add_argument(
        "--k", type=int, default=None, help="number of segments (default: chosen by silhouette)"
    )
    segment.add_argument(
        "--features",
        action="append",
        metavar="COL[,COL]",
        help="numeric columns to use (repeatable or comma-separated; default: every numeric "
        "column)",
    )
    segment.add_argument("--id-column", metavar="COL", help="customer id column (not a feature)")
    segment.add_argument(
        "--labels", metavar="LABELS.csv", help="write each customer's segment to this CSV"
    )
    add_format_options(segment)
    segment.set_defaults(handler=_segment, parser=segment)


def _add_topics(subparsers: Any) -> None:
    topics = subparsers.add_parser(
        "topics",
        help="discover contact reasons in a CSV of messages",
        description="Discover topics in unlabelled messages; prints each topic's size, "
        "top terms and an example (with --labels, each message's topic goes to a CSV).",
    )
    topics.add_argument("data", metavar="MESSAGES.csv")
    topics.add_argument(
        "--text-column",
        default="text",
        metavar="COL",
        help="column holding the messages (default: text)",
    )
    topics.add_argument(
        "--n-topics",
        type=int,
        default=None,
        help="number of topics (default: chosen by silhouette)",
    )
    topics.add_argument("--method", choices=("kmeans", "nmf"), default="kmeans")
    topics.add_argument(
        "--labels",
        metavar="TOPICS.csv",
        help="write each message's topic and weight to this CSV",
    )
    add_format_options(topics)
    topics.set_defaults(handler=_topics, parser=topics)


def _column(frame: Any, column: str, flag: str, path: str) -> None:
    from servicekit._validation import did_you_mean, known_names

    if column not in frame.columns:
        raise CommandError(
            f"{flag} must name a column of {path} ({known_names(frame.columns)}); "
            f"got {column!r}{did_you_mean(column, frame.columns)}"
        )


def _table(frame: Any, args: argparse.Namespace, header: str) -> None:
    """``frame`` in the chosen format; tables get ``header`` (a summary line) on top."""
    fmt = args.format or "table"
    text = render(frame, fmt)
    if fmt == "table":
        text = header.rstrip("\n") + "\n" + text
    write_output(args.output, text)


def _segment(args: argparse.Namespace) -> int:
    from servicekit.insights import segment_customers

    if args.k is not None and args.k < 2:
        raise UsageError(f"--k must be at least 2; got {args.k}")
    check_output(args.output)
    check_output(args.labels, "--labels")
    frame = read_csv(args.data, "CUSTOMERS.csv")
    if args.id_column is not None:
        _column(frame, args.id_column, "--id-column", args.data)
        frame = frame.set_index(args.id_column)
    names = {"frame": args.data, "features": "--features", "k": "--k"}
    with notes():
        seg = call(
            segment_customers,
            names,
            frame,
            features=split_names(args.features),
            k=args.k,
            progress=on_terminal(),
        )
    scores = seg.scores["silhouette"]
    header = (
        f"{seg.k} segments of {len(seg.labels)} customers on {', '.join(seg.features)} "
        f"(log-transformed: {', '.join(seg.log_features) or 'none'}); "
        f"silhouette {scores.loc[seg.k]:.3f}; "
        f"stability (mean ARI over bootstrap refits) {seg.stability:.3f}"
    )
    if len(scores) > 1:
        header += "\nsilhouette by k: " + ", ".join(f"{k} {s:.3f}" for k, s in scores.items())
    _table(seg.profile(), args, header)
    if args.labels:
        write_output(
            args.labels,
            seg.labels.to_csv(index_label=str(seg.labels.index.name or "row")),
            "--labels",
        )
        print(f"wrote {len(seg.labels)} customers' segments to {args.labels}")
    return 0


def _topics(args: argparse.Namespace) -> int:
    from servicekit.insights import discover_topics

    if args.n_topics is not None and args.n_topics < 2:
        raise UsageError(f"--n-topics must be at least 2; got {args.n_topics}")
    check_output(args.output)
    check_output(args.labels, "--labels")
    frame = read_csv(args.data, "MESSAGES.csv")
    _column(frame, args.text_column, "--text-column", args.data)
    texts = frame[args.text_column].dropna().astype(str)
    texts = texts[texts.str.strip() != ""]
    names = {
        "texts": f"--text-column {args.text_column} of {args.data}",
        "n_topics": "--n-topics",
        "method": "--method",
    }
    with notes():
        topics = call(
            discover_topics,
            names,
            list(texts),
            n_topics=args.n_topics,
            method=args.method,
            progress=on_terminal(),
        )
    table = topics.to_frame()
    if (args.format or "table") == "table":  # one line per topic for people
        table["example"] = [_short(text) for text in table["example"]]
    header = f"{topics.n_topics} topics in {len(texts)} messages (method {topics.method!r})"
    _table(table, args, header)
    if args.labels:
        assigned = topics.assign(list(texts))
        assigned.index = texts.index
        write_output(args.labels, assigned.to_csv(index_label="row"), "--labels")
        print(f"wrote {len(assigned)} messages' topics to {args.labels}")
    return 0


def _short(text: object, width: int = 60) -> str:
    """A message on one table line, cut to ``width`` characters."""
    one = " ".join(str(text).split())
    return one if len(one) <= width else one[: width - 1] + "…"
