"""Recency, frequency and monetary value (RFM) of customers, and their quantile scores.

RFM is the direct-marketing summary of a purchase history (Hughes 1994): how long ago a
customer last bought (recency), how often (frequency) and how much (monetary value).
Fader, Hardie & Lee (2005) show these three numbers are sufficient statistics of the
standard buy-till-you-die models, which is why they make good segmentation features.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from servicekit._validation import (
    Column,
    Frame,
    Interval,
    Options,
    described,
    fail,
    validated,
)

__all__ = ["RFM_SEGMENTS", "rfm_scores", "rfm_table"]

#: The segment map of :func:`rfm_scores`: (pattern of R score, pattern of F score) on
#: the 1..5 grid -> segment name. The first matching row wins.
RFM_SEGMENTS: tuple[tuple[str, str, str], ...] = (
    ("5", "45", "champions"),
    ("34", "45", "loyal customers"),
    ("12", "5", "cannot lose them"),
    ("12", "34", "at risk"),
    ("12", "12", "hibernating"),
    ("45", "23", "potential loyalists"),
    ("5", "1", "new customers"),
    ("4", "1", "promising"),
    ("3", "3", "need attention"),
    ("3", "12", "about to sleep"),
)


def _segment_lookup() -> dict[tuple[int, int], str]:
    table: dict[tuple[int, int], str] = {}
    for r in range(1, 6):
        for f in range(1, 6):
            for r_pattern, f_pattern, name in RFM_SEGMENTS:
                if str(r) in r_pattern and str(f) in f_pattern:
                    table[(r, f)] = name
                    break
    return table


_SEGMENT_OF = _segment_lookup()


@validated(
    transactions=Frame(),
    customer=Column(frame="transactions"),
    time=Column(frame="transactions"),
    amount=Column(frame="transactions"),
    negative=Options("raise", "net", "drop"),
)
def rfm_table(
    transactions: pd.DataFrame,
    *,
    customer: str,
    time: str,
    amount: str,
    as_of: Any = None,
    negative: str = "raise",
) -> pd.DataFrame:
    """One row per customer with recency, frequency and monetary value.

    Parameters
    ----------
    transactions : DataFrame
        One row per purchase.
    customer, time, amount : str
        Columns holding the customer id, the purchase instant (datetimes, ISO-8601
        strings, or ``YYYYMMDD`` integers) and the amount (a number).
    as_of : date-like, optional
        The instant recency is measured to. Defaults to midnight at the start of the
        day after the last transaction (so the most recent buyers have recency 1),
        recorded in ``attrs["as_of"]``. It may not precede any purchase.
    negative : {"raise", "net", "drop"}, default "raise"
        Negative amounts are refunds or returns. ``"raise"`` rejects them;
        ``"net"`` subtracts them from ``monetary`` but does not count them as
        purchases (frequency, recency and ``first_purchase`` use purchases with an
        amount >= 0 only); ``"drop"`` ignores those rows.

    Returns
    -------
    DataFrame
        Indexed by customer id (sorted), columns ``recency_days`` (whole days from the
        last purchase to ``as_of``, rounded down), ``frequency`` (number of
        purchases), ``monetary`` (total amount), ``monetary_mean`` (``monetary /
        frequency``) and ``first_purchase``. ``attrs`` holds ``as_of``.

    Raises
    ------
    InvalidInputError
        For missing or unparseable times or amounts, negative amounts with
        ``negative="raise"``, missing customer ids, or an ``as_of`` before a purchase.

    References
    ----------
    Hughes, A. M. (1994). *Strategic Database Marketing*. Probus.
    Fader, P. S., Hardie, B. G. S., & Lee, K. L. (2005). RFM and CLV: using iso-value
    curves for customer base analysis. *Journal of Marketing Research*, 42(4), 415-430.

    Examples
    --------
    >>> sales = pd.DataFrame({
    ...     "customer": ["a", "a", "b", "c", "c", "c"],
    ...     "date": ["2024-01-02", "2024-03-01", "2024-02-10",
    ...              "2024-01-05", "2024-02-01", "2024-03-10"],
    ...     "amount": [20.0, 35.0, 12.5, 8.0, 9.0, 30.0],
    ... })
    >>> table = rfm_table(sales, customer="customer", time="date", amount="amount")
    >>> table[["recency_days", "frequency", "monetary", "monetary_mean"]]
              recency_days  frequency  monetary  monetary_mean
    customer
    a                   10          2      55.0      27.500000
    b                   30          1      12.5      12.500000
    c                    1          3      47.0      15.666667
    >>> table.attrs["as_of"]
    Timestamp('2024-03-11 00:00:00')
    """
    ids = transactions[customer]
    if ids.isna().any():
        fail("rfm_table", "customer", "must not hold missing ids", described("a missing id"))
    when = _instants(transactions[time])
    money = _amounts(transactions[amount])
    refunds = money < 0
    if refunds.any() and negative == "raise":
        position = int(np.argmax(refunds))
        fail(
            "rfm_table",
            "amount",
            "must be >= 0 (pass negative='net' or 'drop' for refunds)",
            float(money[position]),
            position=position,
        )
    frame = pd.DataFrame({"customer": ids.to_numpy(), "time": when, "amount": money})
    purchases = frame[~refunds] if refunds.any() else frame
    if purchases.empty:
        fail("rfm_table", "amount", "must hold at least one purchase with an amount >= 0")
    last_instant = purchases["time"].max()
    if as_of is None:
        stamp = last_instant.normalize() + pd.Timedelta(days=1)
    else:
        try:
            stamp = pd.Timestamp(as_of)
        except (ValueError, TypeError):
            fail("rfm_table", "as_of", "must be a date or datetime", as_of)
        if stamp is pd.NaT:
            fail("rfm_table", "as_of", "must be a date or datetime", as_of)
        if stamp.tzinfo is not None:
            stamp = stamp.tz_convert("UTC").tz_localize(None)
        if stamp < last_instant:
            fail(
                "rfm_table", "as_of", f"must not precede the last purchase ({last_instant})", as_of
            )
    # One pass over the groups (factorised once) for all four aggregates.
    table = purchases.groupby("customer", sort=True).agg(
        last=("time", "max"),
        frequency=("time", "size"),
        first_purchase=("time", "min"),
        monetary=("amount", "sum"),
    )
    table["frequency"] = table["frequency"].astype(np.int64)
    if negative == "net" and refunds.any():
        monetary = frame.groupby("customer", sort=True)["amount"].sum()
        table["monetary"] = monetary.reindex(table.index)
    table["recency_days"] = ((stamp - table["last"]) // pd.Timedelta(days=1)).astype(np.int64)
    table["monetary_mean"] = table["monetary"] / table["frequency"]
    out = table[["recency_days", "frequency", "monetary", "monetary_mean", "first_purchase"]]
    out.index.name = customer
    out.attrs["as_of"] = stamp
    result_: pd.DataFrame = out
    return result_


def _instants(column: pd.Series) -> pd.Series:
    if column.isna().any():
        position = int(np.argmax(column.isna().to_numpy()))
        fail("rfm_table", "time", "must not hold missing instants", math.nan, position=position)
    if column.dtype.kind == "M":
        parsed = column
    else:
        try:
            if column.dtype.kind in "iu":  # YYYYMMDD integers
                parsed = pd.to_datetime(column.astype(str), format="%Y%m%d")
            else:
                parsed = pd.to_datetime(column, format="ISO8601")
        except (ValueError, TypeError, OverflowError):
            fail(
                "rfm_table",
                "time",
                "must hold dates (datetimes, ISO-8601 or YYYYMMDD)",
                described(f"values such as {column.iloc[0]!r}"),
            )
    if getattr(parsed.dt, "tz", None) is not None:
        parsed = parsed.dt.tz_convert("UTC").dt.tz_localize(None)
    result: pd.Series = parsed.astype("datetime64[ns]")
    return result


def _amounts(column: pd.Series) -> np.ndarray[Any, np.dtype[np.float64]]:
    if column.dtype.kind not in "iufb":
        fail("rfm_table", "amount", "must hold numbers", described(f"dtype {column.dtype}"))
    values = column.to_numpy(dtype=np.float64)
    finite = np.isfinite(values)
    if not finite.all():
        position = int(np.argmin(finite))
        fail("rfm_table", "amount", "must be finite", float(values[position]), position=position)
    return values


def _quantile_scores(values: pd.Series, bins: int) -> pd.Series:
    """1..bins by mid-rank percentile: tied values share the bin of their middle position."""
    ranks = values.rank(method="average").to_numpy()
    scores = np.floor((ranks - 0.5) / len(values) * bins).astype(np.int64) + 1
    return pd.Series(np.clip(scores, 1, bins), index=values.index)


@validated(
    rfm=Frame(columns=("recency_days", "frequency", "monetary")),
    bins=Interval(kind="int", low=2, high=9),
)
def rfm_scores(rfm: pd.DataFrame, *, bins: int = 5) -> pd.DataFrame:
    """R, F and M scores 1..``bins`` by quantile, the RFM code and a named segment.

    Each score ranks customers: the most recent buyers, the most frequent and the
    biggest spenders get ``bins``. A customer's score is
    ``floor(bins * (rank - 0.5) / n) + 1``, with ``rank`` the mid-rank (the average
    of the positions tied values occupy): untied data fall into ``bins`` equal-sized
    groups, and **tied values always share one score**, the one of their middle
    position. Frequency is heavily tied (most customers buy once), so its scores are
    uneven: if 60 % of customers bought once they all get score 2 of 5 (their middle
    position is the 30th percentile) and some scores may be unused.

    The segment is read from the R and F scores, put on a 1..5 grid as
    ``ceil(score * 5 / bins)``, through :data:`RFM_SEGMENTS`:

    ==========================  ======  ======
    segment                     R       F
    ==========================  ======  ======
    champions                   5       4-5
    loyal customers             3-4     4-5
    cannot lose them            1-2     5
    at risk                     1-2     3-4
    hibernating                 1-2     1-2
    potential loyalists         4-5     2-3
    new customers               5       1
    promising                   4       1
    need attention              3       3
    about to sleep              3       1-2
    ==========================  ======  ======

    Parameters
    ----------
    rfm : DataFrame
        A table with ``recency_days``, ``frequency`` and ``monetary`` (as
        :func:`rfm_table` returns).
    bins : int, default 5
        Number of score levels, 2 to 9 (so the code stays one digit per score).

    Returns
    -------
    DataFrame
        Indexed like ``rfm``: ``r_score``, ``f_score``, ``m_score`` (integers),
        ``rfm_code`` (e.g. ``"545"``) and ``segment``.

    Raises
    ------
    InvalidInputError
        If a required column holds non-numeric or missing values.

    References
    ----------
    Hughes, A. M. (1994). *Strategic Database Marketing*. Probus.

    Examples
    --------
    >>> rfm = pd.DataFrame({"recency_days": [3, 40, 200, 7, 90],
    ...                     "frequency": [9, 1, 1, 4, 2],
    ...                     "monetary": [400.0, 20.0, 15.0, 150.0, 60.0]},
    ...                    index=["a", "b", "c", "d", "e"])
    >>> rfm_scores(rfm)
       r_score  f_score  m_score rfm_code          segment
    a        5        5        5      555        champions
    b        3        2        2      322   about to sleep
    c        1        2        1      121      hibernating
    d        4        4        4      444  loyal customers
    e        2        3        3      233          at risk
    """
    columns = {}
    for name in ("recency_days", "frequency", "monetary"):
        column = rfm[name]
        if column.dtype.kind not in "iuf":
            fail(
                "rfm_scores",
                "rfm",
                f"must hold numbers in column {name!r}",
                described(f"dtype {column.dtype}"),
            )
        if column.isna().any():
            fail(
                "rfm_scores",
                "rfm",
                f"must not hold missing values in column {name!r}",
                described("NaN"),
            )
        columns[name] = column.astype(np.float64)
    out = pd.DataFrame(index=rfm.index)
    out["r_score"] = _quantile_scores(-columns["recency_days"], bins)
    out["f_score"] = _quantile_scores(columns["frequency"], bins)
    out["m_score"] = _quantile_scores(columns["monetary"], bins)
    out["rfm_code"] = (
        out["r_score"].astype(str) + out["f_score"].astype(str) + out["m_score"].astype(str)
    )
    grid_r = np.ceil(out["r_score"].to_numpy() * 5 / bins).astype(int)
    grid_f = np.ceil(out["f_score"].to_numpy() * 5 / bins).astype(int)
    out["segment"] = [_SEGMENT_OF[(r, f)] for r, f in zip(grid_r, grid_f, strict=True)]
    result_: pd.DataFrame = out
    return result_
