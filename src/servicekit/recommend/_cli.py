"""``servicekit recommend``: top-k recommendations per user from a CSV of interactions.

Imports only argparse at import time; the handler loads pandas and the models.
"""

from __future__ import annotations

import argparse


def add_commands(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    recommend = subparsers.add_parser(
        "recommend", help="top-k recommendations per user from a CSV of interactions"
    )
    recommend.add_argument("data", help="CSV file with one row per (user, item) interaction")
    recommend.add_argument("--user", required=True, help="user id column")
    recommend.add_argument("--item", required=True, help="item id column")
    recommend.add_argument("--rating", help="rating column (>= 0); default: implicit 0/1")
    recommend.add_argument("-k", type=int, default=10, help="items per user (default: 10)")
    recommend.add_argument(
        "--method",
        default="ease",
        choices=("ease", "item_knn", "popular"),
        help="model (default: ease)",
    )
    recommend.add_argument("-o", "--output", help="write the table to this CSV instead of stdout")
    recommend.set_defaults(handler=_recommend)


def _recommend(args: argparse.Namespace) -> int:
    import pandas as pd

    from servicekit.errors import InvalidInputError
    from servicekit.recommend import Interactions, fit_recommender

    frame = pd.read_csv(args.data)
    for option, column in (("--user", args.user), ("--item", args.item), ("--rating", args.rating)):
        if column is not None and column not in frame.columns:
            raise InvalidInputError(
                f"'{option}' must name a column of {args.data} (one of {list(frame.columns)[:12]}); "
                f"got {column!r}",
                argument=option,
            )
    if args.k < 1:
        raise InvalidInputError(f"'-k' must be an integer >= 1; got {args.k}", argument="-k")
    data = Interactions.from_frame(frame, user=args.user, item=args.item, rating=args.rating)
    model = fit_recommender(data, method=args.method)
    table = model.recommend(list(data.user_ids), k=args.k)
    table = table.rename(columns={"user": args.user, "item": args.item})
    if args.output:
        table.to_csv(args.output, index=False)
        print(f"wrote {len(table)} recommendations for {data.n_users} users to {args.output}")
    else:
        print(table.to_string(index=False))
    return 0
