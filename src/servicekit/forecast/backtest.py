"""Rolling-origin evaluation: :func:`backtest` one method, :func:`compare_methods` several."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from servicekit._progress import Bar, progress_bar
from servicekit._typing import FloatArray, TimesLike
from servicekit._validation import Flag, Interval, Options, Times, described, fail, validated
from servicekit.forecast._grid import CountSeries, day_numbers
from servicekit.forecast.model import METHODS, forecast_arrivals

__all__ = ["backtest", "compare_methods"]

_METRICS = ["n_intervals", "rmse", "mae", "wape", "mase", "pinball", "coverage"]
_FIRST_ORIGIN_DAYS = 28


def _origins(
    history: pd.Series, origins: Any, horizon_days: int, step_days: int, function: str
) -> list[int]:
    """Origin days (days since the epoch) that have history before and a whole horizon after."""
    days = np.unique(day_numbers(pd.DatetimeIndex(history.index)))
    if origins is None:
        usable = days[(days >= days[0] + _FIRST_ORIGIN_DAYS)]
        usable = usable[: max(len(usable) - horizon_days + 1, 0)]
        chosen = [int(d) for d in usable[::step_days]]
        if not chosen:
            fail(
                function,
                "history",
                f"is too short for a backtest: the first origin leaves {_FIRST_ORIGIN_DAYS} days of "
                f"history and {horizon_days} day(s) after it",
                described(f"{len(days)} days"),
            )
        return chosen
    out = []
    for i, stamp in enumerate(np.asarray(origins).astype("datetime64[D]").astype(np.int64)):
        position = int(np.searchsorted(days, stamp))
        if position == 0 or position + horizon_days > len(days):
            fail(
                function,
                "origins",
                f"must be days with history before them and {horizon_days} day(s) of history from them on",
                described(f"{np.datetime64(int(stamp), 'D')} at position {i}"),
            )
        out.append(int(stamp))
    return out


def _pinball(actual: FloatArray, bound: FloatArray, q: float) -> FloatArray:
    diff = actual - bound
    out: FloatArray = np.maximum(q * diff, (q - 1) * diff)
    return out


def _scale(train: pd.Series) -> float:
    """In-sample MAE of the weekly seasonal naive (MASE's denominator)."""
    earlier = train.reindex(pd.DatetimeIndex(train.index) - pd.Timedelta(days=7)).to_numpy()
    have = ~np.isnan(earlier)
    if not have.any():
        return float("nan")
    return float(np.mean(np.abs(train.to_numpy()[have] - earlier[have])))


def _run(
    history: pd.Series,
    origin_days: list[int],
    horizon_days: int,
    lead_days: int | None,
    level: float,
    method: str,
    options: Mapping[str, Any],
    bar: Bar,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per-origin metrics and the pooled errors."""
    days = day_numbers(pd.DatetimeIndex(history.index))
    unique = np.unique(days)
    rows, pooled = [], []
    quantiles = ((1 - level) / 2, 0.5, (1 + level) / 2)
    for origin in origin_days:
        position = int(np.searchsorted(unique, origin))
        window_days = unique[position : position + horizon_days]
        if lead_days is not None:
            window_days = window_days[lead_days - 1 : lead_days]
        train = history[days < origin]
        test = history[np.isin(days, window_days)]
        forecast = forecast_arrivals(
            train,
            method=method,
            index=pd.DatetimeIndex(test.index),
            level=level,
            **options,
        )
        actual = test.to_numpy()
        mean = forecast.mean.to_numpy()
        low, median, high = (forecast.quantile(q).to_numpy() for q in quantiles)
        pinball = np.mean(
            [_pinball(actual, b, q) for b, q in zip((low, median, high), quantiles, strict=False)],
            axis=0,
        )
        errors = pd.DataFrame(
            {
                "error": actual - mean,
                "actual": actual,
                "scaled": np.abs(actual - mean) / _scale(train),
                "pinball": pinball,
                "covered": (actual >= low) & (actual <= high),
            }
        )
        pooled.append(errors)
        rows.append(_summary(errors, pd.Timestamp(np.datetime64(origin, "D"))))
        bar.update()
    table = pd.DataFrame(rows).set_index("origin")
    return table, pd.concat(pooled, ignore_index=True)


def _summary(errors: pd.DataFrame, origin: object) -> dict[str, Any]:
    e = errors["error"].to_numpy()
    total = float(errors["actual"].sum())
    return {
        "origin": origin,
        "n_intervals": len(e),
        "rmse": float(np.sqrt(np.mean(e**2))),
        "mae": float(np.mean(np.abs(e))),
        "wape": float(np.sum(np.abs(e)) / total) if total > 0 else float("nan"),
        "mase": float(errors["scaled"].mean()),
        "pinball": float(errors["pinball"].mean()),
        "coverage": float(errors["covered"].mean()),
    }


_COMMON = {
    "history": CountSeries(),
    "horizon_days": Interval(kind="int", low=1),
    "origins": Times(optional=True),
    "step_days": Interval(kind="int", low=1),
    "lead_days": Interval(kind="int", low=1, optional=True),
    "level": Interval(low=0, high=1, low_open=True, high_open=True),
    "progress": Flag(),
}


@validated(method=Options(*METHODS), **_COMMON)
def backtest(
    history: pd.Series,
    *,
    method: str = "profile",
    horizon_days: int = 5,
    origins: TimesLike | None = None,
    step_days: int = 5,
    lead_days: int | None = None,
    level: float = 0.9,
    progress: bool = False,
    **options: Any,
) -> pd.DataFrame:
    """Rolling-origin evaluation of a forecasting method on a history of counts.

    At each origin (a day of the history) the method is refitted on the intervals
    before that day only and forecasts the intervals of the next ``horizon_days``
    days the history has from the origin on; the forecasts are scored against them.

    Parameters
    ----------
    history : pandas.Series
        Counts per interval, as for :func:`forecast_arrivals`.
    method : {"profile", "historical_average", "seasonal_naive"}
        The method to evaluate.
    horizon_days : int, default 5
        Days forecast from each origin.
    origins : array-like of instants, optional
        The origin days. By default every ``step_days``-th day of the history, from
        the first day that leaves 28 days of history before it, as long as
        ``horizon_days`` days follow.
    step_days : int, default 5
        Days between default origins (1 for daily origins).
    lead_days : int, optional
        Score only the ``lead_days``-th day ahead (e.g. ``lead_days=5`` with
        ``horizon_days=5``: five days ahead); all ``horizon_days`` days by default.
    level : float, default 0.9
        Level of the scored prediction interval.
    progress : bool, default False
        Show a progress bar of the origins on standard error.
    **options
        Passed to :func:`forecast_arrivals` (``weeks``, ``shrink``).

    Returns
    -------
    pandas.DataFrame
        One row per origin and a last row ``"overall"`` pooling every scored
        interval: ``n_intervals``, ``rmse``, ``mae``, ``wape`` (sum of absolute
        errors over the sum of counts), ``mase`` (absolute error over the origin's
        in-sample MAE of the weekly seasonal naive), ``pinball`` (mean pinball loss
        of the ``(1 - level) / 2``, 0.5 and ``(1 + level) / 2`` quantiles) and
        ``coverage`` (share of counts inside the ``level`` interval).

    References
    ----------
    Hyndman, R. J. & Koehler, A. B. (2006). Another look at measures of forecast
    accuracy. International Journal of Forecasting 22(4), 679-688 (MASE).
    Tashman, L. J. (2000). Out-of-sample tests of forecasting accuracy.
    International Journal of Forecasting 16(4), 437-450 (rolling origins).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> index = pd.date_range("2024-01-01", periods=42 * 24, freq="h")
    >>> counts = pd.Series(np.random.default_rng(0).poisson(5, len(index)), index=index)
    >>> table = backtest(counts, method="historical_average", horizon_days=1, step_days=7)
    >>> table.index.tolist()[-1], table.columns.tolist()[:3]
    ('overall', ['method', 'n_intervals', 'rmse'])
    """
    origin_days = _origins(history, origins, horizon_days, step_days, "backtest")
    with progress_bar(len(origin_days), "backtest", enabled=progress, unit="origin") as bar:
        table, pooled = _run(
            history, origin_days, horizon_days, lead_days, level, method, options, bar
        )
    overall = _summary(pooled, "overall")
    table = pd.concat([table, pd.DataFrame([overall]).set_index("origin")])
    table.insert(0, "method", method)
    result: pd.DataFrame = table
    return result


def _method_specs(methods: Any) -> dict[str, dict[str, Any]]:
    if isinstance(methods, str) or not isinstance(methods, (Sequence, Mapping)) or not methods:
        fail(
            "compare_methods",
            "methods",
            "must be a non-empty sequence of method names or a mapping of labels to options",
            methods,
        )
    specs: dict[str, dict[str, Any]] = {}
    if isinstance(methods, Mapping):
        for label, spec in methods.items():
            if (
                not isinstance(label, str)
                or not isinstance(spec, Mapping)
                or spec.get("method") not in METHODS
            ):
                fail(
                    "compare_methods",
                    "methods",
                    f"must map labels to options with a 'method' in {list(METHODS)}",
                    described(f"{label!r}: {spec!r}"),
                )
            specs[label] = dict(spec)
    else:
        for name in methods:
            if name not in METHODS:
                fail(
                    "compare_methods",
                    "methods",
                    f"must hold method names from {list(METHODS)}",
                    name,
                )
            specs[str(name)] = {"method": name}
    return specs


@validated(**_COMMON)
def compare_methods(
    history: pd.Series,
    *,
    methods: Sequence[str] | Mapping[str, Mapping[str, Any]] = METHODS,
    horizon_days: int = 5,
    origins: TimesLike | None = None,
    step_days: int = 5,
    lead_days: int | None = None,
    level: float = 0.9,
    progress: bool = False,
) -> pd.DataFrame:
    """Backtest several methods on the same origins and put their overall scores side by side.

    Parameters
    ----------
    history : pandas.Series
        Counts per interval, as for :func:`forecast_arrivals`.
    methods : sequence of str or mapping, default all three methods
        Method names, or labels mapped to options of :func:`forecast_arrivals`
        including ``"method"``, e.g.
        ``{"average, 4 weeks": {"method": "historical_average", "weeks": 4}}``.
    horizon_days, origins, step_days, lead_days, level, progress
        As for :func:`backtest` (the bar counts every method's origins).

    Returns
    -------
    pandas.DataFrame
        One row per method (indexed by label) with the overall ``n_intervals``,
        ``rmse``, ``mae``, ``wape``, ``mase``, ``pinball`` and ``coverage`` of
        :func:`backtest`, and ``rmse_ratio``: RMSE over the smallest RMSE of the
        other methods (below 1: the method beats all others).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> index = pd.date_range("2024-01-01", periods=42 * 24, freq="h")
    >>> counts = pd.Series(np.random.default_rng(0).poisson(5, len(index)), index=index)
    >>> table = compare_methods(counts, horizon_days=1, step_days=7)
    >>> table.index.tolist()
    ['seasonal_naive', 'historical_average', 'profile']
    """
    specs = _method_specs(methods)
    origin_days = _origins(history, origins, horizon_days, step_days, "compare_methods")
    rows = []
    steps = len(specs) * len(origin_days)
    with progress_bar(steps, "compare_methods", enabled=progress, unit="fit") as bar:
        for label, spec in specs.items():
            bar.set_postfix_str(label)
            options = {k: v for k, v in spec.items() if k != "method"}
            _, pooled = _run(
                history, origin_days, horizon_days, lead_days, level, spec["method"], options, bar
            )
            rows.append(_summary(pooled, label))
    table = pd.DataFrame(rows).set_index("origin")
    table.index.name = "method"
    rmse = table["rmse"].to_numpy()
    if len(rmse) > 1:
        others = [np.min(np.delete(rmse, i)) for i in range(len(rmse))]
        table["rmse_ratio"] = rmse / np.asarray(others)
    else:
        table["rmse_ratio"] = 1.0
    result: pd.DataFrame = table
    return result
