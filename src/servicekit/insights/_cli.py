"""``servicekit segment`` and ``servicekit topics``: insights from the command line.

Only :mod:`argparse` is imported here at import time; pandas and the models load
inside the handlers so ``servicekit --help`` stays fast. Handlers stay thin: bad
input raises servicekit errors, which the CLI prints as one line.
"""

from __future__ import annotations

import argparse
from typing import Any


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
        "columns; prints the chosen k, the silhouette per k, stability and the profile.",
    )
    segment.add_argument("data", metavar="CUSTOMERS.csv")
    segment.add_argument(
        "--k", type=int, default=None, help="number of segments (default: chosen by silhouette)"
    )
    segment.add_argument(
        "--features",
        nargs="*",
        default=None,
        metavar="COLUMN",
        help="numeric columns to use (default: every numeric column)",
    )
    segment.add_argument("--id-column", metavar="COLUMN", help="exclude this id column")
    segment.add_argument(
        "-o", "--output", metavar="LABELS.csv", help="write each row's segment to this CSV"
    )
    segment.set_defaults(handler=_segment)


def _add_topics(subparsers: Any) -> None:
    topics = subparsers.add_parser(
        "topics",
        help="discover contact reasons in a CSV of messages",
        description="Discover topics in unlabelled messages; prints each topic's size, "
        "top terms and an example.",
    )
    topics.add_argument("data", metavar="MESSAGES.csv")
    topics.add_argument(
        "--text-column",
        default="text",
        metavar="COLUMN",
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
        "-o",
        "--output",
        metavar="TOPICS.csv",
        help="write each message's topic and weight to this CSV",
    )
    topics.set_defaults(handler=_topics)


def _read_csv(path: str, command: str, argument: str) -> Any:
    import pandas as pd

    from servicekit._validation import fail

    try:
        return pd.read_csv(path)
    except FileNotFoundError:
        raise
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError, OSError) as exc:
        fail(command, argument, "must be a readable CSV file", f"{path}: {exc}")


def _segment(args: argparse.Namespace) -> int:
    import pandas as pd

    from servicekit._validation import fail
    from servicekit.insights import segment_customers

    frame = _read_csv(args.data, "servicekit segment", "CUSTOMERS")
    if args.id_column is not None:
        if args.id_column not in frame:
            fail("servicekit segment", "--id-column", "must name a column", args.id_column)
        frame = frame.set_index(args.id_column)
    if args.k is not None and args.k < 2:
        fail("servicekit segment", "--k", "must be an integer >= 2", args.k)
    seg = segment_customers(frame, features=args.features, k=args.k)
    print(
        f"{seg.k} segments of {len(seg.labels)} customers on {list(seg.features)} "
        f"(log-transformed: {list(seg.log_features) or 'none'}); "
        f"stability (mean ARI over bootstrap refits) {seg.stability:.3f}"
    )
    print(seg.scores.round(4).to_string())
    with pd.option_context("display.width", 120, "display.max_columns", 40):
        print(seg.profile().round(3).to_string())
    if args.output:
        seg.labels.to_csv(args.output)
        print(f"segments written to {args.output}")
    return 0


def _topics(args: argparse.Namespace) -> int:
    import pandas as pd

    from servicekit._validation import fail
    from servicekit.insights import discover_topics

    frame = _read_csv(args.data, "servicekit topics", "MESSAGES")
    if args.text_column not in frame:
        fail(
            "servicekit topics",
            "--text-column",
            f"must name a column of {args.data}",
            args.text_column,
        )
    texts = frame[args.text_column].dropna().astype(str)
    texts = texts[texts.str.strip() != ""]
    if args.n_topics is not None and args.n_topics < 2:
        fail("servicekit topics", "--n-topics", "must be an integer >= 2", args.n_topics)
    topics = discover_topics(list(texts), n_topics=args.n_topics, method=args.method)
    print(f"{topics.n_topics} topics in {len(texts)} messages (method {topics.method!r})")
    with pd.option_context("display.width", 160, "display.max_colwidth", 60):
        print(topics.to_frame().round(3).to_string())
    if args.output:
        assigned = topics.assign(list(texts))
        assigned.index = texts.index
        assigned.to_csv(args.output, index_label="row")
        print(f"topics written to {args.output}")
    return 0
