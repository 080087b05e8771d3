"""The charts: one function per result type, each returning a new matplotlib Figure."""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from servicekit._validation import Flag, Frame, InstanceOf, Interval, Text, fail, validated
from servicekit.classify import ClassificationReport
from servicekit.forecast import ArrivalForecast
from servicekit.insights import Segmentation
from servicekit.metrics import Proportion
from servicekit.optimize import ShiftSchedule, StaffingPlan
from servicekit.plot._core import day_ticks, new_figure

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = [
    "plot_calibration",
    "plot_confusion",
    "plot_cost_time",
    "plot_forecast",
    "plot_kpi_trend",
    "plot_lift",
    "plot_segments",
    "plot_staffing",
]

_BAND: dict[str, Any] = {"alpha": 0.25, "linewidth": 0}


def _period_label(value: Hashable) -> str:
    if isinstance(value, pd.Timestamp):
        return f"{value:%Y-%m-%d}" if value == value.normalize() else f"{value:%Y-%m-%d %H:%M}"
    if isinstance(value, tuple):
        return " / ".join(str(v) for v in value)
    return str(value)


# --------------------------------------------------------------------------- metrics
@validated(report=InstanceOf(pd.DataFrame, Mapping), kpi=Text(optional=True))
def plot_kpi_trend(
    report: pd.DataFrame | Mapping[Hashable, Proportion], kpi: str | None = None
) -> Figure:
    """A KPI per period with its confidence interval as a band.

    Parameters
    ----------
    report : DataFrame or mapping of period to Proportion
        A :func:`servicekit.metrics.kpi_report` grouped by period (``by=`` a column
        holding each ticket's week or month): one row per period, in the order plotted;
        or a mapping from period label to a :class:`~servicekit.metrics.Proportion`
        (``csat``, ``resolution_rate``, ``service_level``, ... of each period).
    kpi : str, optional
        The column to plot when ``report`` is a DataFrame (``"csat"``,
        ``"resolution_rate"``, ...): it and ``<kpi>_ci_low``, ``<kpi>_ci_high`` must be
        columns. For a mapping it only names the KPI on the axis and in the legend.

    Returns
    -------
    matplotlib.figure.Figure
        One axes: the KPI as a line with markers (x = period number, labelled with the
        period), its interval as a shaded band; NaN values (periods without data) are gaps.

    Raises
    ------
    InvalidInputError
        If ``kpi`` is missing for a DataFrame, or is not one of its KPI columns with an
        interval, if the report has no rows, or a mapping value is not a Proportion.

    Examples
    --------
    >>> from servicekit.metrics import Proportion
    >>> weeks = {"week 1": Proportion.from_counts(80, 100),
    ...          "week 2": Proportion.from_counts(90, 120)}
    >>> fig = plot_kpi_trend(weeks, "CSAT")
    >>> line = fig.axes[0].lines[0]
    >>> line.get_ydata().round(3).tolist()
    [0.8, 0.75]
    """
    name = kpi
    if isinstance(report, pd.DataFrame):
        if kpi is None:
            fail("plot_kpi_trend", "kpi", "must name the KPI column to plot for a DataFrame", kpi)
        bounds = [f"{kpi}_ci_low", f"{kpi}_ci_high"]
        if kpi not in report.columns or any(b not in report.columns for b in bounds):
            known = sorted(
                str(c)[: -len("_ci_low")] for c in report.columns if str(c).endswith("_ci_low")
            )
            fail("plot_kpi_trend", "kpi", f"must be a KPI column with an interval: {known}", kpi)
        if len(report) == 0:
            fail("plot_kpi_trend", "report", "must have at least one row (period)")
        labels = [_period_label(p) for p in report.index]
        value = report[kpi].to_numpy(dtype=np.float64)
        low = report[bounds[0]].to_numpy(dtype=np.float64)
        high = report[bounds[1]].to_numpy(dtype=np.float64)
        confidence = report.attrs.get("confidence")
    else:
        if len(report) == 0:
            fail("plot_kpi_trend", "report", "must hold at least one period")
        for period, item in report.items():
            if not isinstance(item, Proportion):
                fail(
                    "plot_kpi_trend",
                    "report",
                    "must map each period to a Proportion",
                    f"{type(item).__name__} for {period!r}",
                )
        labels = [_period_label(p) for p in report]
        value = np.array([float(p) for p in report.values()])
        low = np.array([p.ci_low for p in report.values()])
        high = np.array([p.ci_high for p in report.values()])
        confidence = next(iter(report.values())).confidence
    x = np.arange(len(labels), dtype=np.float64)
    figure, (ax,) = new_figure(width=max(6.0, 0.5 * len(labels) + 3))
    level = f"{100 * confidence:g}% interval" if confidence else "confidence interval"
    ax.fill_between(x, low, high, label=level, **_BAND)
    ax.plot(x, value, marker="o", label=name or "KPI")
    ax.set_xticks(x)
    ax.set_xticklabels(labels, rotation=30 if len(labels) > 6 else 0, ha="right")
    ax.set_ylabel(name or "KPI")
    ax.set_title(f"{name or 'KPI'} by period")
    ax.legend(loc="best")
    ax.grid(alpha=0.3)
    return figure


# --------------------------------------------------------------------------- churn
@validated(
    table=Frame(columns=("cumulative_fraction", "cumulative_capture", "lift", "cumulative_lift"))
)
def plot_lift(table: pd.DataFrame) -> Figure:
    """Cumulative gains and lift per bin of a churn model, from its lift table.

    Parameters
    ----------
    table : DataFrame
        The result of :func:`servicekit.churn.lift_table` (deciles with ``bins=10``).

    Returns
    -------
    matplotlib.figure.Figure
        Two axes. Left, the gains curve: share of churners reached (``cumulative_capture``)
        against share of customers contacted, riskiest first, from (0, 0); the diagonal
        is random contact. Right, the lift of each bin as bars and the cumulative lift as
        a line; 1 is random contact.

    Examples
    --------
    >>> from servicekit.churn import lift_table
    >>> table = lift_table([1, 1, 0, 1, 0, 0, 1, 0, 0, 0],
    ...                    [0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1, 0.05], bins=5)
    >>> fig = plot_lift(table)
    >>> gains, lift = fig.axes
    >>> gains.lines[0].get_ydata().tolist()
    [0.0, 0.5, 0.75, 0.75, 1.0, 1.0]
    >>> [float(bar.get_height()) for bar in lift.patches]
    [2.5, 1.25, 0.0, 1.25, 0.0]
    """
    fraction = np.concatenate([[0.0], table["cumulative_fraction"].to_numpy(dtype=np.float64)])
    capture = np.concatenate([[0.0], table["cumulative_capture"].to_numpy(dtype=np.float64)])
    figure, (gains, lift) = new_figure(2, width=10.0)
    gains.plot(fraction, capture, marker="o", label="model")
    gains.plot([0.0, 1.0], [0.0, 1.0], linestyle="--", color="grey", label="random")
    gains.set_xlim(0.0, 1.0)
    gains.set_ylim(0.0, 1.02)
    gains.set_xlabel("share of customers contacted (riskiest first)")
    gains.set_ylabel("share of churners reached")
    gains.set_title("Cumulative gains")
    gains.legend(loc="lower right")
    gains.grid(alpha=0.3)
    bins = np.arange(1, len(table) + 1)
    lift.bar(bins, table["lift"].to_numpy(dtype=np.float64), label="lift of the bin")
    lift.plot(
        bins,
        table["cumulative_lift"].to_numpy(dtype=np.float64),
        marker="o",
        color="C1",
        label="cumulative lift",
    )
    lift.axhline(1.0, linestyle="--", color="grey")
    lift.set_xticks(bins)
    lift.set_xlabel("bin (1 = highest churn probability)")
    lift.set_ylabel("lift (churn rate / overall churn rate)")
    lift.set_title("Lift by bin")
    lift.legend(loc="upper right")
    return figure


@validated(table=Frame(columns=("mean_predicted", "observed_rate", "ci_low", "ci_high", "n")))
def plot_calibration(table: pd.DataFrame) -> Figure:
    """Observed churn rate against mean predicted probability, with intervals.

    Parameters
    ----------
    table : DataFrame
        The result of :func:`servicekit.churn.calibration_table`.

    Returns
    -------
    matplotlib.figure.Figure
        One axes: one point per bin (x = ``mean_predicted``, y = ``observed_rate``) with
        its Wilson interval as an error bar; the diagonal is perfect calibration. The
        title gives the expected calibration error when the table holds it.

    Examples
    --------
    >>> from servicekit.churn import calibration_table
    >>> table = calibration_table([0, 0, 1, 0, 1, 0, 1, 1],
    ...                           [0.1, 0.2, 0.2, 0.3, 0.6, 0.7, 0.8, 0.9], bins=2)
    >>> fig = plot_calibration(table)
    >>> points = fig.axes[0].lines[0]
    >>> points.get_xdata().round(3).tolist(), points.get_ydata().round(3).tolist()
    ([0.2, 0.75], [0.25, 0.75])
    """
    predicted = table["mean_predicted"].to_numpy(dtype=np.float64)
    observed = table["observed_rate"].to_numpy(dtype=np.float64)
    below = observed - table["ci_low"].to_numpy(dtype=np.float64)
    above = table["ci_high"].to_numpy(dtype=np.float64) - observed
    figure, (ax,) = new_figure(width=6.0, height=5.5)
    ax.errorbar(
        predicted,
        observed,
        yerr=np.vstack([below, above]),
        marker="o",
        linestyle="-",
        capsize=3,
        label="observed (with interval)",
    )
    ax.plot([0.0, 1.0], [0.0, 1.0], linestyle="--", color="grey", label="perfect calibration")
    ax.set_xlim(0.0, 1.0)
    ax.set_ylim(0.0, 1.0)
    ax.set_xlabel("mean predicted churn probability")
    ax.set_ylabel("observed churn rate")
    ece = table.attrs.get("expected_calibration_error")
    title = "Calibration"
    if isinstance(ece, float) and not math.isnan(ece):
        title += f" (expected calibration error {ece:.3f})"
    ax.set_title(title)
    ax.legend(loc="upper left")
    ax.grid(alpha=0.3)
    return figure


# --------------------------------------------------------------------------- optimize
@validated(
    plan=InstanceOf(StaffingPlan),
    schedule=InstanceOf(ShiftSchedule, optional=True),
    times=InstanceOf(pd.DatetimeIndex, optional=True),
)
def plot_staffing(
    plan: StaffingPlan,
    schedule: ShiftSchedule | None = None,
    *,
    times: pd.DatetimeIndex | None = None,
) -> Figure:
    """Agents required per interval against the agents a shift schedule provides.

    Parameters
    ----------
    plan : StaffingPlan
        The result of :func:`servicekit.optimize.agents_required` for the intervals of
        a day: ``agents`` (answering) and ``scheduled`` (with shrinkage) per interval.
    schedule : ShiftSchedule, optional
        The result of :func:`servicekit.optimize.schedule_shifts` for the same
        intervals; its ``coverage`` is drawn against the requirement.
    times : DatetimeIndex, optional
        Start of each interval, for the axis labels (interval numbers without it).

    Returns
    -------
    matplotlib.figure.Figure
        One axes with steps centred on each interval (x = interval number): agents
        required, agents to schedule, and the schedule's coverage as lines (in that
        order), the overstaffing (coverage above the requirement) as shaded bars.

    Raises
    ------
    InvalidInputError
        If ``schedule`` or ``times`` does not have one entry per interval of ``plan``.

    Examples
    --------
    >>> from servicekit.optimize import agents_required
    >>> plan = agents_required([0.05, 0.1, 0.08], 180, shrinkage=0.25)
    >>> fig = plot_staffing(plan)
    >>> [line.get_ydata().tolist() for line in fig.axes[0].lines]
    [[12, 22, 18], [16, 30, 24]]
    """
    agents = np.asarray(plan.agents)
    n = agents.size
    if schedule is not None and np.asarray(schedule.coverage).size != n:
        fail(
            "plot_staffing",
            "schedule",
            f"must cover the plan's {n} intervals",
            f"coverage of {np.asarray(schedule.coverage).size}",
        )
    if times is not None and len(times) != n:
        fail("plot_staffing", "times", f"must have one entry per interval ({n})", f"{len(times)}")
    x = np.arange(n)
    figure, (ax,) = new_figure(width=max(8.0, 0.25 * n + 2))
    ax.step(x, agents, where="mid", label="agents required (answering)")
    ax.step(x, np.asarray(plan.scheduled), where="mid", label="agents to schedule (shrinkage)")
    if schedule is not None:
        coverage = np.asarray(schedule.coverage)
        required = np.asarray(schedule.requirements)
        ax.bar(
            x,
            coverage - required,
            bottom=required,
            width=1.0,
            color="C2",
            label="overstaffing",
            **_BAND,
        )
        ax.step(x, coverage, where="mid", color="C2", label="scheduled by the shifts")
    if times is not None:
        every = max(1, n // 12)
        ax.set_xticks(x[::every])
        ax.set_xticklabels([f"{t:%H:%M}" for t in times[::every]], rotation=30, ha="right")
        ax.set_xlabel(f"interval start ({times[0]:%a %Y-%m-%d})")
    else:
        ax.set_xlabel("interval")
    ax.set_ylabel("agents")
    ax.set_ylim(bottom=0)
    ax.set_title("Staffing requirement and scheduled coverage")
    ax.legend(loc="best")
    ax.grid(alpha=0.3)
    return figure


@validated(curve=Frame(columns=("deadline", "total_cost", "status")))
def plot_cost_time(curve: pd.DataFrame) -> Figure:
    """A process's least total cost against its deadline: the time-cost curve.

    Parameters
    ----------
    curve : DataFrame
        The result of :func:`servicekit.optimize.cost_time_curve`.

    Returns
    -------
    matplotlib.figure.Figure
        One axes: total cost at each feasible deadline (line with markers, x =
        ``deadline`` in hours); deadlines too short to meet are marked on the x axis
        with a red cross and listed in the legend.

    Examples
    --------
    >>> from servicekit.optimize import Stage, cost_time_curve
    >>> stages = [Stage("triage", 20, 2, 1, 50), Stage("fix", 30, 12, 6, 60)]
    >>> fig = plot_cost_time(cost_time_curve(stages, deadlines=[6, 8, 10, 14]))
    >>> feasible, infeasible = fig.axes[0].lines
    >>> feasible.get_xdata().tolist(), feasible.get_ydata().tolist()
    ([8.0, 10.0, 14.0], [580.0, 520.0, 400.0])
    >>> infeasible.get_xdata().tolist()
    [6.0]
    """
    ordered = curve.sort_values("deadline")
    deadline = ordered["deadline"].to_numpy(dtype=np.float64)
    cost = ordered["total_cost"].to_numpy(dtype=np.float64)
    ok = (ordered["status"] != "infeasible").to_numpy() & ~np.isnan(cost)
    figure, (ax,) = new_figure()
    ax.plot(deadline[ok], cost[ok], marker="o", label="least total cost")
    ax.plot(
        deadline[~ok],
        np.zeros(int((~ok).sum())),
        linestyle="none",
        marker="x",
        color="red",
        clip_on=False,
        label="deadline cannot be met",
    )
    ax.set_xlabel("deadline (hours, end to end)")
    ax.set_ylabel("total cost")
    ax.set_ylim(bottom=0)
    ax.set_title("Cost-time curve of the process")
    ax.legend(loc="best")
    ax.grid(alpha=0.3)
    return figure


# --------------------------------------------------------------------------- classify
@validated(report=InstanceOf(ClassificationReport), normalize=Flag())
def plot_confusion(report: ClassificationReport, *, normalize: bool = False) -> Figure:
    """The confusion matrix of a question classifier, counts written in the cells.

    Parameters
    ----------
    report : ClassificationReport
        The result of :func:`servicekit.classify.evaluate_classifier`.
    normalize : bool, default False
        Show each true label's row as shares (its recall on the diagonal) instead of
        counts.

    Returns
    -------
    matplotlib.figure.Figure
        One axes with the matrix as an image (rows: true labels, columns: predicted
        labels, in the report's order) and a colour bar.

    Examples
    --------
    >>> from servicekit.classify import evaluate_classifier, fit_question_classifier
    >>> clf = fit_question_classifier(["lost card", "stolen card", "reset PIN", "new PIN"],
    ...                               ["card", "card", "pin", "pin"])
    >>> report = evaluate_classifier(clf, ["card stolen", "PIN new", "lost PIN"],
    ...                              ["card", "pin", "pin"])
    >>> fig = plot_confusion(report)
    >>> fig.axes[0].images[0].get_array().tolist()
    [[1, 0], [0, 2]]
    """
    counts = report.confusion.to_numpy()
    labels = [str(label) for label in report.confusion.index]
    predicted = [str(label) for label in report.confusion.columns]
    if normalize:
        totals = counts.sum(axis=1, keepdims=True)
        shown = np.divide(
            counts, totals, out=np.zeros(counts.shape, dtype=np.float64), where=totals > 0
        )
    else:
        shown = counts
    side = max(5.0, 0.45 * len(labels) + 3)
    figure, (ax,) = new_figure(width=side + 1.5, height=side)
    image = ax.imshow(shown, cmap="Blues", vmin=0)
    figure.colorbar(image, ax=ax, label="share of the true label" if normalize else "questions")
    ax.set_xticks(np.arange(len(predicted)))
    ax.set_xticklabels(predicted, rotation=45, ha="right")
    ax.set_yticks(np.arange(len(labels)))
    ax.set_yticklabels(labels)
    ax.set_xlabel("predicted label")
    ax.set_ylabel("true label")
    top = float(np.max(shown)) if shown.size else 0.0
    for (i, j), value in np.ndenumerate(shown):
        if value:
            text = f"{value:.2f}" if normalize else str(int(value))
            colour = "white" if value > top / 2 else "black"
            ax.text(j, i, text, ha="center", va="center", color=colour, fontsize=8)
    ax.set_title(f"Confusion matrix ({report.n} questions, accuracy {report.accuracy:.1%})")
    return figure


# --------------------------------------------------------------------------- forecast
@validated(
    forecast=InstanceOf(ArrivalForecast),
    actuals=InstanceOf(pd.Series, optional=True),
    level=Interval(low=0, high=1, low_open=True, high_open=True, optional=True),
)
def plot_forecast(
    forecast: ArrivalForecast,
    actuals: pd.Series | None = None,
    *,
    level: float | None = None,
) -> Figure:
    """A contact-volume forecast with its prediction interval, against actual counts.

    Parameters
    ----------
    forecast : ArrivalForecast
        The result of :func:`servicekit.forecast.forecast_arrivals`.
    actuals : Series, optional
        Observed counts on a DatetimeIndex (from
        :func:`servicekit.forecast.arrival_counts`): the intervals forecast, held out,
        or the history just before them, or both.
    level : float, optional
        Probability of the interval band, in (0, 1); the forecast's ``level`` by default.

    Returns
    -------
    matplotlib.figure.Figure
        One axes. The x axis is the position of each interval in the sorted union of the
        forecast's and the actuals' intervals (closed hours take no room), labelled with
        the first interval of each day. The band is the central interval, the line the
        forecast mean, the points the actual counts.

    Raises
    ------
    InvalidInputError
        If ``actuals`` is not indexed by time or holds no number.

    Examples
    --------
    >>> import pandas as pd
    >>> from servicekit.forecast import ArrivalForecast
    >>> index = pd.date_range("2024-04-15 09:00", periods=3, freq="h")
    >>> forecast = ArrivalForecast(pd.Series([100.0, 120.0, 90.0], index=index), "profile",
    ...                            0.9, pd.Series(0.0, index=index), float("inf"), 0.0)
    >>> fig = plot_forecast(forecast, pd.Series([95, 130, 88], index=index))
    >>> mean, actual = fig.axes[0].lines
    >>> mean.get_ydata().tolist(), actual.get_ydata().tolist()
    ([100.0, 120.0, 90.0], [95.0, 130.0, 88.0])
    """
    band = forecast.interval(level)
    chosen = forecast.level if level is None else level
    index = pd.DatetimeIndex(forecast.mean.index)
    if actuals is not None:
        if not isinstance(actuals.index, pd.DatetimeIndex):
            fail(
                "plot_forecast",
                "actuals",
                "must be indexed by time (a DatetimeIndex, as from arrival_counts)",
                f"a {type(actuals.index).__name__}",
            )
        if not pd.api.types.is_numeric_dtype(actuals.dtype) or actuals.dtype == bool:
            fail("plot_forecast", "actuals", "must hold counts (numbers)", f"dtype {actuals.dtype}")
        if (actuals.index.tz is None) != (index.tz is None):
            fail(
                "plot_forecast",
                "actuals",
                "must be time-zone aware exactly when the forecast is",
                f"tz {actuals.index.tz}, forecast tz {index.tz}",
            )
        index = index.union(actuals.index)
    position = pd.Series(np.arange(len(index), dtype=np.float64), index=index)
    x = position.loc[forecast.mean.index].to_numpy()
    figure, (ax,) = new_figure(width=max(8.0, min(16.0, 0.04 * len(index) + 6)))
    ax.fill_between(
        x,
        band["lower"].to_numpy(dtype=np.float64),
        band["upper"].to_numpy(dtype=np.float64),
        label=f"{100 * chosen:g}% prediction interval",
        **_BAND,
    )
    ax.plot(x, forecast.mean.to_numpy(dtype=np.float64), label=f"forecast ({forecast.method})")
    if actuals is not None:
        ax.plot(
            position.loc[actuals.index].to_numpy(),
            actuals.to_numpy(dtype=np.float64),
            linestyle="none",
            marker=".",
            color="black",
            label="actual",
        )
    day_ticks(ax, index, position.to_numpy())
    ax.set_ylabel("contacts per interval")
    ax.set_ylim(bottom=0)
    ax.set_title("Contact volume forecast")
    ax.legend(loc="upper right")
    ax.grid(alpha=0.3)
    return figure


# --------------------------------------------------------------------------- insights
@validated(segmentation=InstanceOf(Segmentation))
def plot_segments(segmentation: Segmentation) -> Figure:
    """Segment profiles: each feature's mean per segment, one panel per feature.

    Parameters
    ----------
    segmentation : Segmentation
        The result of :func:`servicekit.insights.segment_customers`.

    Returns
    -------
    matplotlib.figure.Figure
        One axes per feature (in original units), one bar per segment at the segment's
        mean (``Segmentation.profile()``'s ``<feature>_mean``); the segments' sizes and
        shares are in the tick labels.

    Examples
    --------
    >>> import pandas as pd
    >>> from servicekit.insights import segment_customers
    >>> frame = pd.DataFrame({"visits": [1, 2, 1, 30, 32, 31],
    ...                       "spend": [10, 12, 11, 300, 310, 305]})
    >>> fig = plot_segments(segment_customers(frame, k=2, transform="none", n_boot=0))
    >>> len(fig.axes), [round(float(bar.get_height()), 2) for bar in fig.axes[0].patches]
    (2, [31.0, 1.33])
    """
    profile = segmentation.profile()
    features = list(segmentation.features)
    names = [
        f"{segment}\n{int(row['size']):,} ({row['share']:.0%})"
        for segment, row in profile.iterrows()
    ]
    columns = min(len(features), 3)
    rows = math.ceil(len(features) / columns)
    figure, _ = new_figure(0, width=4.0 * columns + 1, height=3.6 * rows + 0.5)
    x = np.arange(len(names))
    for k, feature in enumerate(features):
        ax = figure.add_subplot(rows, columns, k + 1)
        ax.bar(
            x,
            profile[f"{feature}_mean"].to_numpy(dtype=np.float64),
            color=[f"C{i % 10}" for i in range(len(names))],
        )
        ax.set_xticks(x)
        ax.set_xticklabels(names, fontsize=8)
        ax.set_title(f"{feature} (mean)")
        ax.grid(axis="y", alpha=0.3)
    figure.suptitle(f"Customer segments (k={segmentation.k}): size (share) under each segment")
    return figure
