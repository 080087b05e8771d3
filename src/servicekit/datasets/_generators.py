"""Deterministic synthetic data: tickets, customers, calls and ratings.

Every generator draws from :func:`numpy.random.default_rng` seeded with
``random_state``, so the same arguments give the same frame on every machine with the
same NumPy major version. The processes behind each frame are simple and documented
(in the docstrings and in docs/datasets.md), so that what a model finds in them can be
checked against what was put in.
"""

from __future__ import annotations

import heapq
import math

import numpy as np
import pandas as pd

from servicekit._typing import BoolArray, FloatArray, IntArray
from servicekit._validation import Interval, validated

__all__ = [
    "CALLS_START",
    "CHURN_COEFFICIENTS",
    "TICKETS_START",
    "make_calls",
    "make_customers",
    "make_ratings",
    "make_tickets",
]

#: The first day of :func:`make_tickets` (a Monday).
TICKETS_START = pd.Timestamp("2024-03-04")
#: The first day of :func:`make_calls` (a Monday).
CALLS_START = pd.Timestamp("2024-03-04")

#: The true log-odds coefficients behind :func:`make_customers`' ``churned`` column,
#: named as :func:`servicekit.churn.fit_churn_model` names its coefficients.
CHURN_COEFFICIENTS: dict[str, float] = {
    "intercept": -1.0,
    "tenure_months": -0.035,
    "monthly_charges": 0.012,
    "support_calls": 0.30,
    "contract=one year": -0.90,
    "contract=two year": -1.60,
    "payment_method=card": 0.0,
    "payment_method=electronic check": 0.60,
}

_MAX_ROWS = 10_000_000
_SEED = Interval(kind="int", low=0)


def _ids(prefix: str, n: int) -> list[str]:
    width = max(4, len(str(n)))
    return [f"{prefix}{i:0{width}d}" for i in range(1, n + 1)]


# --------------------------------------------------------------------------- tickets
_TEAMS = ("billing", "technical", "accounts")
_CHANNELS = ("email", "chat", "phone")
_PRIORITIES = ("low", "normal", "high")
# Median seconds to first response per channel, and to resolution per team.
_RESPONSE_MEDIAN = {"email": 3 * 3600.0, "chat": 120.0, "phone": 40.0}
_RESOLUTION_MEDIAN = {"billing": 6 * 3600.0, "technical": 20 * 3600.0, "accounts": 10 * 3600.0}


@validated(
    n=Interval(kind="int", low=1, high=_MAX_ROWS),
    days=Interval(kind="int", low=1, high=3660),
    random_state=_SEED,
)
def make_tickets(n: int = 2000, *, days: int = 28, random_state: int = 0) -> pd.DataFrame:
    """Support tickets with times, team, channel and satisfaction ratings.

    Tickets are created over ``days`` days from :data:`TICKETS_START` (a Monday),
    weekends at 40% of a weekday's volume, between 07:00 and 21:00 (busier late
    morning). The first response follows after a log-normal delay whose median depends
    on the channel (email 3 h, chat 2 min, phone 40 s; high priority halves it), the
    resolution after another log-normal delay whose median depends on the team
    (billing 6 h, accounts 10 h, technical 20 h; escalated tickets take twice as long,
    high priority 0.6 times). Whatever would happen after the end of the window has
    not happened yet: that ticket has no first response or no resolution (the
    backlog). About 45% of resolved tickets are rated; slower, escalated and reopened
    tickets are rated lower.

    Parameters
    ----------
    n : int, default 2000
        Number of tickets (1 to 10,000,000).
    days : int, default 28
        Length of the window in days.
    random_state : int, default 0
        Seed (>= 0); the same seed gives the same tickets.

    Returns
    -------
    DataFrame
        One row per ticket, in order of creation, with columns ``ticket_id`` (str,
        ``"T0001"``...), ``created``, ``first_response``, ``resolved`` (datetime64,
        ``NaT`` when it has not happened yet), ``team`` (billing, technical,
        accounts), ``channel`` (email, chat, phone), ``priority`` (low, normal,
        high), ``escalated``, ``reopened`` (bool), ``contacts`` (int64: customer
        contacts about the issue, 1 = resolved at first contact), ``csat`` (float64:
        rating 1..5, NaN when not rated) and ``nps`` (float64: 0..10 answer to "would
        you recommend us", NaN when not asked).

    Raises
    ------
    InvalidInputError
        If an argument is out of range or of the wrong type.

    Examples
    --------
    >>> from servicekit.datasets import make_tickets
    >>> tickets = make_tickets(500, random_state=1)
    >>> tickets.shape
    (500, 12)
    >>> tickets[["ticket_id", "team", "channel"]].head(3)
      ticket_id       team channel
    0     T0001    billing   email
    1     T0002  technical    chat
    2     T0003  technical   email
    >>> bool((tickets["resolved"].dropna() >= tickets["created"].min()).all())
    True
    """
    rng = np.random.default_rng(random_state)
    start = TICKETS_START
    day_weight = np.array(
        [1.0 if (start + pd.Timedelta(days=d)).weekday() < 5 else 0.4 for d in range(days)]
    )
    day = rng.choice(days, size=n, p=day_weight / day_weight.sum())
    seconds_in_day = 7 * 3600 + rng.beta(2.0, 2.5, size=n) * 14 * 3600
    created_ns = (
        start.value
        + day.astype(np.int64) * 86_400 * 10**9
        + (seconds_in_day * 1e9).astype(np.int64)
    )
    created_ns = np.sort(created_ns)  # the other attributes are drawn independently
    end_ns = (start + pd.Timedelta(days=days)).value

    team = rng.choice(np.array(_TEAMS, dtype=object), size=n, p=[0.35, 0.45, 0.20])
    channel = rng.choice(np.array(_CHANNELS, dtype=object), size=n, p=[0.45, 0.35, 0.20])
    priority = rng.choice(np.array(_PRIORITIES, dtype=object), size=n, p=[0.30, 0.55, 0.15])
    high = priority == "high"
    escalated = rng.random(n) < np.where(team == "technical", 0.15, 0.06)

    response_median = np.array([_RESPONSE_MEDIAN[c] for c in channel]) * np.where(high, 0.5, 1.0)
    response = response_median * np.exp(0.8 * rng.standard_normal(n))
    resolution_median = (
        np.array([_RESOLUTION_MEDIAN[t] for t in team])
        * np.where(escalated, 2.0, 1.0)
        * np.where(high, 0.6, 1.0)
    )
    resolution = resolution_median * np.exp(1.0 * rng.standard_normal(n))
    first_ns = created_ns + (response * 1e9).astype(np.int64)
    resolved_ns = first_ns + (resolution * 1e9).astype(np.int64)
    responded = first_ns < end_ns
    is_resolved = responded & (resolved_ns < end_ns)

    reopened = is_resolved & (rng.random(n) < 0.06)
    contacts = 1 + rng.poisson(np.where(escalated, 1.0, 0.25)) + reopened.astype(np.int64)
    hours = resolution / 3600.0
    latent = (
        5.0
        - 0.35 * np.log1p(hours)
        - 0.9 * reopened
        - 0.5 * escalated
        + 0.8 * rng.standard_normal(n)
    )
    rating = np.clip(np.rint(latent), 1, 5)
    rated = is_resolved & (rng.random(n) < 0.45)
    csat = np.where(rated, rating, np.nan)
    recommend = np.clip(np.rint(2.2 * rating - 0.6 + 1.3 * rng.standard_normal(n)), 0, 10)
    nps = np.where(rated & (rng.random(n) < 0.6), recommend, np.nan)

    def instants(ns: IntArray, known: BoolArray) -> pd.Series:
        values: pd.Series = pd.Series(pd.to_datetime(ns).floor("s"))
        kept: pd.Series = values.where(known)
        return kept

    frame: pd.DataFrame = pd.DataFrame(
        {
            "ticket_id": _ids("T", n),
            "created": pd.to_datetime(created_ns).floor("s"),
            "first_response": instants(first_ns, responded),
            "resolved": instants(resolved_ns, is_resolved),
            "team": team,
            "channel": channel,
            "priority": priority,
            "escalated": escalated,
            "reopened": reopened,
            "contacts": contacts.astype(np.int64),
            "csat": csat,
            "nps": nps,
        }
    )
    return frame


# --------------------------------------------------------------------------- customers
@validated(n=Interval(kind="int", low=10, high=_MAX_ROWS), random_state=_SEED)
def make_customers(n: int = 5000, *, random_state: int = 0) -> pd.DataFrame:
    """Customers of a subscription service, and whether each churned, from a known model.

    ``churned`` is drawn from a logistic model whose true coefficients are
    :data:`CHURN_COEFFICIENTS` (also in ``frame.attrs["true_coefficients"]``), named as
    :func:`servicekit.churn.fit_churn_model` names its coefficients: a fit of
    ``fit_churn_model(frame, target="churned", exclude=["customer_id"])`` estimates
    them without bias, within its standard errors. The coefficients are relative to
    ``contract="month-to-month"`` and ``payment_method="bank transfer"``, the most
    frequent levels (55% and 42% of customers), which ``fit_churn_model`` takes as
    reference levels (on a few hundred customers another level may be the most
    frequent by chance). Paying by card has a true coefficient of exactly 0.

    Parameters
    ----------
    n : int, default 5000
        Number of customers (10 to 10,000,000).
    random_state : int, default 0
        Seed (>= 0); the same seed gives the same customers.

    Returns
    -------
    DataFrame
        One row per customer with columns ``customer_id`` (str, ``"C0001"``...),
        ``tenure_months`` (int64, 1..72), ``monthly_charges`` (float64, 20.00..120.00
        per month, cents), ``support_calls`` (int64: calls in the last 90 days),
        ``contract`` (month-to-month, one year, two year), ``payment_method`` (bank
        transfer, card, electronic check) and ``churned`` (bool). ``attrs`` holds
        ``"true_coefficients"`` (a dict, a copy of :data:`CHURN_COEFFICIENTS`) and
        ``"target"`` (``"churned"``).

    Raises
    ------
    InvalidInputError
        If an argument is out of range or of the wrong type.

    Examples
    --------
    >>> from servicekit.datasets import make_customers
    >>> customers = make_customers(1000, random_state=2)
    >>> list(customers.columns)
    ['customer_id', 'tenure_months', 'monthly_charges', 'support_calls', 'contract', 'payment_method', 'churned']
    >>> customers.attrs["true_coefficients"]["support_calls"]
    0.3
    >>> bool(0.1 < customers["churned"].mean() < 0.4)
    True
    """
    rng = np.random.default_rng(random_state)
    tenure = rng.integers(1, 73, size=n)
    charges = np.round(rng.uniform(20.0, 120.0, size=n), 2)
    calls = rng.poisson(1.5, size=n)
    contract = rng.choice(
        np.array(["month-to-month", "one year", "two year"], dtype=object),
        size=n,
        p=[0.55, 0.25, 0.20],
    )
    payment = rng.choice(
        np.array(["bank transfer", "card", "electronic check"], dtype=object),
        size=n,
        p=[0.42, 0.30, 0.28],
    )
    b = CHURN_COEFFICIENTS
    eta = (
        b["intercept"]
        + b["tenure_months"] * tenure
        + b["monthly_charges"] * charges
        + b["support_calls"] * calls
        + b["contract=one year"] * (contract == "one year")
        + b["contract=two year"] * (contract == "two year")
        + b["payment_method=card"] * (payment == "card")
        + b["payment_method=electronic check"] * (payment == "electronic check")
    )
    churned = rng.random(n) < 1.0 / (1.0 + np.exp(-eta))
    frame: pd.DataFrame = pd.DataFrame(
        {
            "customer_id": _ids("C", n),
            "tenure_months": tenure.astype(np.int64),
            "monthly_charges": charges,
            "support_calls": calls.astype(np.int64),
            "contract": contract,
            "payment_method": payment,
            "churned": churned,
        }
    )
    frame.attrs["true_coefficients"] = dict(CHURN_COEFFICIENTS)
    frame.attrs["target"] = "churned"
    return frame


# --------------------------------------------------------------------------- calls
_OPEN_SECONDS = 8 * 3600  # 08:00
_CLOSE_SECONDS = 20 * 3600  # 20:00
_WEEKDAY_FACTOR = (1.25, 1.05, 1.0, 0.95, 0.85)


def _intraday_density(seconds: FloatArray) -> FloatArray:
    """Unnormalised arrival intensity over the open day: a late-morning and an afternoon peak."""
    hours = seconds / 3600.0
    return (
        0.25
        + np.exp(-0.5 * ((hours - 10.5) / 1.3) ** 2)
        + 0.75 * np.exp(-0.5 * ((hours - 14.5) / 1.6) ** 2)
    )


@validated(
    days=Interval(kind="int", low=1, high=2600),
    calls_per_day=Interval(low=1, high=100_000),
    handle_time=Interval(low=10, high=3600),
    random_state=_SEED,
)
def make_calls(
    days: int = 30,
    *,
    calls_per_day: float = 600.0,
    handle_time: float = 240.0,
    random_state: int = 0,
) -> pd.DataFrame:
    """A contact centre's call log: arrivals, waits, abandonment and handle times.

    The centre is open Monday to Friday, 08:00 to 20:00, from :data:`CALLS_START` (a
    Monday) for ``days`` weekdays. A day's volume is ``calls_per_day`` times a weekday
    factor (Monday 1.25 down to Friday 0.85) times ``exp(r_d)``, where the deviation
    ``r_d = 0.5 r_(d-1) + e_d`` (``e_d`` normal, sd 0.08) carries over from day to
    day; within the day calls arrive as a Poisson process peaking at 10:30 and 14:30.
    Handle times are log-normal with mean ``handle_time`` seconds; callers' patience
    is exponential with mean 180 s. Waits come from simulating the queue, first come
    first served, with the agents of each half hour set by the square-root staffing
    rule ``offered load + sqrt(offered load)`` on the day's expected volume: a caller
    waits until an agent is free, or hangs up when the wait would exceed their
    patience (an abandoned call's ``wait_seconds`` is the time waited before hanging
    up).

    Parameters
    ----------
    days : int, default 30
        Number of weekdays (six weeks by default).
    calls_per_day : float, default 600
        Mean calls on an average weekday.
    handle_time : float, default 240
        Mean handle time in seconds (10 to 3600).
    random_state : int, default 0
        Seed (>= 0); the same seed gives the same calls.

    Returns
    -------
    DataFrame
        One row per call in order of arrival with columns ``call_id`` (str,
        ``"K000001"``...), ``arrived`` (datetime64), ``answered`` (bool),
        ``wait_seconds`` (float64: until answered or abandoned) and
        ``handle_seconds`` (float64, NaN for abandoned calls). ``attrs["agents"]``
        holds the simulated agents per half hour (a Series indexed by interval start).

    Raises
    ------
    InvalidInputError
        If an argument is out of range or of the wrong type.

    Examples
    --------
    >>> from servicekit.datasets import make_calls
    >>> calls = make_calls(days=5, random_state=3)
    >>> list(calls.columns)
    ['call_id', 'arrived', 'answered', 'wait_seconds', 'handle_seconds']
    >>> bool(calls["arrived"].dt.day_of_week.max() <= 4)
    True
    >>> bool(calls["arrived"].dt.hour.between(8, 19).all())
    True
    >>> bool(0.8 < calls["answered"].mean() <= 1.0)
    True
    """
    rng = np.random.default_rng(random_state)
    open_days = pd.bdate_range(CALLS_START, periods=days)
    grid = np.arange(_OPEN_SECONDS, _CLOSE_SECONDS + 1, 60.0)
    density = _intraday_density(grid)
    cumulative = np.concatenate([[0.0], np.cumsum((density[1:] + density[:-1]) / 2)])
    cumulative /= cumulative[-1]
    half_hours = np.arange(_OPEN_SECONDS, _CLOSE_SECONDS, 1800.0)
    share = np.interp(half_hours + 1800.0, grid, cumulative) - np.interp(
        half_hours, grid, cumulative
    )

    deviation = 0.0
    arrived_parts: list[FloatArray] = []
    agent_index: list[pd.Timestamp] = []
    agent_counts: list[int] = []
    for day in open_days:
        deviation = 0.5 * deviation + 0.08 * rng.standard_normal()
        expected = calls_per_day * _WEEKDAY_FACTOR[day.weekday()]
        count = rng.poisson(expected * math.exp(deviation))
        seconds = np.sort(np.interp(rng.random(count), cumulative, grid))
        arrived_parts.append(day.value / 1e9 + seconds)
        load = expected * share * handle_time / 1800.0
        agents = np.maximum(1, np.ceil(load + np.sqrt(load))).astype(int)
        agent_index.extend(day + pd.to_timedelta(half_hours, unit="s"))
        agent_counts.extend(int(a) for a in agents)

    arrived = np.concatenate(arrived_parts) if arrived_parts else np.empty(0)
    n = arrived.size
    sigma = 0.5
    handle = handle_time * np.exp(sigma * rng.standard_normal(n) - sigma**2 / 2)
    patience = rng.exponential(180.0, size=n)
    starts = np.array([t.value / 1e9 for t in agent_index])
    wait, answered = _simulate_queue(arrived, handle, patience, starts, np.array(agent_counts))
    frame: pd.DataFrame = pd.DataFrame(
        {
            "call_id": _ids("K", n) if n else [],
            "arrived": pd.to_datetime(np.round(arrived * 1e3).astype(np.int64), unit="ms").astype(
                "datetime64[ns]"
            ),
            "answered": answered,
            "wait_seconds": np.round(wait, 1),
            "handle_seconds": np.where(answered, np.round(handle, 1), np.nan),
        }
    )
    frame.attrs["agents"] = pd.Series(
        agent_counts, index=pd.DatetimeIndex(agent_index), name="agents", dtype=np.int64
    )
    return frame


def _simulate_queue(
    arrived: FloatArray,
    handle: FloatArray,
    patience: FloatArray,
    starts: FloatArray,
    agents: IntArray,
) -> tuple[FloatArray, BoolArray]:
    """First come first served with abandonment; agents change at each half hour.

    ``free`` is a heap of the instants at which the agents on duty become free. At a
    half-hour start agents join (free at once) or leave (those free soonest leave
    first; calls in progress are finished). A caller is answered by the earliest free
    agent if that wait is within their patience, otherwise abandons after waiting
    their patience. Exact for the FIFO queue: abandoning callers take no agent time.
    """
    n = arrived.size
    wait = np.zeros(n)
    answered = np.ones(n, dtype=bool)
    free: list[float] = []
    on_duty = 0
    block = 0
    for i in range(n):
        t = float(arrived[i])
        while block < starts.size and starts[block] <= t:
            target = int(agents[block])
            if block and starts[block] - starts[block - 1] > 1800.0:  # a new day
                free, on_duty = [], 0
            while on_duty < target:
                heapq.heappush(free, float(starts[block]))
                on_duty += 1
            while on_duty > target:
                heapq.heappop(free)
                on_duty -= 1
            block += 1
        earliest = free[0]
        delay = max(0.0, earliest - t)
        if delay > patience[i]:
            wait[i] = patience[i]
            answered[i] = False
            continue
        wait[i] = delay
        heapq.heapreplace(free, t + delay + float(handle[i]))
    return wait, answered


# --------------------------------------------------------------------------- ratings
_CATEGORIES = ("phones", "plans", "accessories", "streaming", "security", "home")


@validated(
    n_users=Interval(kind="int", low=2, high=1_000_000),
    n_items=Interval(kind="int", low=len(_CATEGORIES), high=100_000),
    ratings_per_user=Interval(kind="int", low=1, high=1000),
    random_state=_SEED,
)
def make_ratings(
    n_users: int = 400,
    n_items: int = 120,
    *,
    ratings_per_user: int = 15,
    random_state: int = 0,
) -> pd.DataFrame:
    """User-item ratings 1..5 from users who each prefer some product categories.

    Items belong to one of six categories (phones, plans, accessories, streaming,
    security, home). Each user has a taste for each category (normal, sd 1) and each
    item a quality (normal, sd 0.5). A user rates on average ``ratings_per_user``
    items (Poisson, at least 1, at most ``n_items``), picked with probability
    proportional to ``exp(taste + quality)``; the rating is
    ``3 + taste + quality + noise`` (noise sd 0.7) rounded and clipped to 1..5. So a
    user's ratings say which categories they like, and items of those categories
    they have not rated are good recommendations.

    Parameters
    ----------
    n_users : int, default 400
        Number of users.
    n_items : int, default 120
        Number of items (at least 6: one per category).
    ratings_per_user : int, default 15
        Mean number of items a user rates.
    random_state : int, default 0
        Seed (>= 0); the same seed gives the same ratings.

    Returns
    -------
    DataFrame
        One row per rating, by user (items in catalogue order), with columns ``user`` (str,
        ``"U0001"``...), ``item`` (str, ``"phones-01"``...), ``category`` (str, the
        item's category) and ``rating`` (int64, 1..5). Item features for content
        recommenders: ``pd.get_dummies(frame.drop_duplicates("item").set_index("item")["category"])``.

    Raises
    ------
    InvalidInputError
        If an argument is out of range or of the wrong type.

    Examples
    --------
    >>> from servicekit.datasets import make_ratings
    >>> ratings = make_ratings(50, 30, random_state=4)
    >>> list(ratings.columns)
    ['user', 'item', 'category', 'rating']
    >>> bool(ratings["rating"].between(1, 5).all()), ratings["user"].nunique()
    (True, 50)
    """
    rng = np.random.default_rng(random_state)
    k = len(_CATEGORIES)
    category_of = np.arange(n_items) % k
    per_category = np.zeros(k, dtype=int)
    items: list[str] = []
    for c in category_of:
        per_category[c] += 1
        items.append(f"{_CATEGORIES[c]}-{per_category[c]:02d}")
    quality = 0.5 * rng.standard_normal(n_items)
    taste = rng.standard_normal((n_users, k))
    users = _ids("U", n_users)
    rows_user: list[IntArray] = []
    rows_item: list[IntArray] = []
    rows_rating: list[IntArray] = []
    for u in range(n_users):
        affinity = taste[u, category_of] + quality
        count = int(min(n_items, max(1, rng.poisson(ratings_per_user))))
        weights = np.exp(affinity - affinity.max())
        chosen = np.sort(rng.choice(n_items, size=count, replace=False, p=weights / weights.sum()))
        noise = 0.7 * rng.standard_normal(count)
        rating = np.clip(np.rint(3.0 + affinity[chosen] + noise), 1, 5).astype(np.int64)
        rows_user.append(np.full(count, u))
        rows_item.append(chosen)
        rows_rating.append(rating)
    user_pos = np.concatenate(rows_user)
    item_pos = np.concatenate(rows_item)
    item_names = np.array(items, dtype=object)
    category_names = np.array(_CATEGORIES, dtype=object)
    frame: pd.DataFrame = pd.DataFrame(
        {
            "user": np.array(users, dtype=object)[user_pos],
            "item": item_names[item_pos],
            "category": category_names[category_of[item_pos]],
            "rating": np.concatenate(rows_rating),
        }
    )
    return frame
