"""``servicekit recommend``: top-k recommendations per user from a CSV of interactions.

Imports only argparse and :mod:`servicekit._cli_support` at import time; the handler
loads pandas and the models. Every number printed comes from
:meth:`Interactions.from_frame`, :func:`fit_recommender` and :meth:`Recommender.recommend`.
"""

from __future__ import annotations

import argparse

from servicekit._cli_support import (
    UsageError,
    add_format_options,
    call,
    check_output,
    emit,
    notes,
    read_csv,
)


def add_commands(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    recommend = subparsers.add_parser(
        "recommend",
        help="top-k recommendations per user from a CSV of interactions",
        description="The k best unseen items for every user of a CSV of (user, item[, rating]) "
        "rows, one row per recommendation.",
    )
    recommend.add_argument("data", metavar="DATA.csv", help="one row per (user, item) interaction")
    recommend.add_argument("--user", required=True, metavar="COL", help="user id column")
    recommend.add_argument("--item", required=True, metavar="COL", help="item id column")
    recommend.add_argument(
        "--rating", metavar="COL", help="rating column (>= 0); default: implicit 0/1"
    )
    recommend.add_argument("-k", type=int, default=10, help="items per user (default: 10)")
    recommend.add_argument(
        "--method",
        default="ease",
        choices=("ease", "item_knn", "popular"),
        help="model (default: ease)",
    )
    add_format_options(recommend)
    recommend.set_defaults(handler=_recommend, parser=recommend)


def _recommend(args: argparse.Namespace) -> int:
    from servicekit.recommend import Interactions, fit_recommender

    if args.k < 1:
        raise UsageError(f"-k must be at least 1; got {args.k}")
    check_output(args.output)
    frame = read_csv(args.data, "DATA.csv")
    names = {
        "frame": args.data,
        "user": "--user",
        "item": "--item",
        "rating": "--rating",
        "interactions": args.data,
        "method": "--method",
        "k": "-k",
    }
    with notes():
        data = call(
            Interactions.from_frame,
            names,
            frame,
            user=args.user,
            item=args.item,
            rating=args.rating,
        )
        model = call(fit_recommender, names, data, method=args.method)
        table = call(model.recommend, names, list(data.user_ids), k=args.k)
    table = table.rename(columns={"user": args.user, "item": args.item})
    emit(table, args, index=False)
    if args.output:
        print(f"wrote {len(table)} recommendations for {data.n_users} users to {args.output}")
    return 0
