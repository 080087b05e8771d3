"""servicekit.plot: the drawn data (lines, bands, bars, images) equal the results plotted.

Figures are rendered headless (Agg canvas, no pyplot); the checks read what was drawn,
never pixels. The results come from servicekit.datasets, as a user would make them.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("matplotlib")

from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure

from servicekit import plot
from servicekit.errors import InvalidInputError


def _rendered(figure: Figure) -> Figure:
    """Draw the figure with its Agg canvas: errors in layout or text surface here."""
    assert isinstance(figure, Figure)
    figure.canvas.draw()
    return figure


def _band(ax: Any) -> np.ndarray:
    """Vertices of the first filled band (a fill_between PolyCollection) of ``ax``."""
    bands = [c for c in ax.collections if isinstance(c, PolyCollection)]
    assert bands, "no band drawn"
    return np.asarray(bands[0].get_paths()[0].vertices)


def _heights(ax: Any) -> list[float]:
    return [float(bar.get_height()) for bar in ax.patches]


# --------------------------------------------------------------------------- metrics
@pytest.fixture(scope="module")
def weekly() -> pd.DataFrame:
    from servicekit.datasets import make_tickets
    from servicekit.metrics import kpi_report

    tickets = make_tickets(2000, days=28, random_state=0)
    week = tickets["created"].dt.to_period("W").dt.start_time
    return kpi_report(tickets.assign(week=week), by="week", satisfaction="csat")


def test_kpi_trend_draws_the_kpi_and_its_interval(weekly: pd.DataFrame) -> None:
    ax = _rendered(plot.plot_kpi_trend(weekly, "csat")).axes[0]
    line = ax.lines[0]
    np.testing.assert_allclose(line.get_xdata(), np.arange(len(weekly)))
    np.testing.assert_allclose(line.get_ydata(), weekly["csat"])
    vertices = _band(ax)
    assert vertices[:, 1].min() == pytest.approx(weekly["csat_ci_low"].min())
    assert vertices[:, 1].max() == pytest.approx(weekly["csat_ci_high"].max())
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert labels == [f"{w:%Y-%m-%d}" for w in weekly.index]


def test_kpi_trend_takes_proportions_per_period() -> None:
    from servicekit.datasets import make_calls
    from servicekit.metrics import service_level

    calls = make_calls(10, random_state=0)
    days = calls["arrived"].dt.normalize()
    levels = {
        day: service_level(part["wait_seconds"], part["answered"], answer_within=20)
        for day, part in calls.groupby(days)
    }
    ax = _rendered(plot.plot_kpi_trend(levels, "service level")).axes[0]
    np.testing.assert_allclose(ax.lines[0].get_ydata(), [float(p) for p in levels.values()])
    vertices = _band(ax)
    assert vertices[:, 1].min() == pytest.approx(min(p.ci_low for p in levels.values()))
    assert ax.get_ylabel() == "service level"
    assert "95% interval" in [t.get_text() for t in ax.get_legend().get_texts()]


@pytest.mark.parametrize(
    ("kwargs", "argument"),
    [
        ({"kpi": None}, "kpi"),
        ({"kpi": "backlog"}, "kpi"),  # a column without an interval
        ({"kpi": "csta"}, "kpi"),
    ],
)
def test_kpi_trend_names_the_bad_argument(
    weekly: pd.DataFrame, kwargs: dict[str, Any], argument: str
) -> None:
    with pytest.raises(InvalidInputError, match=f"'{argument}'") as info:
        plot.plot_kpi_trend(weekly, **kwargs)
    assert info.value.argument == argument
    assert "csat" in str(info.value) or kwargs["kpi"] is None


def test_kpi_trend_refuses_a_mapping_of_non_proportions() -> None:
    with pytest.raises(InvalidInputError, match="Proportion"):
        plot.plot_kpi_trend({"week 1": 0.8})
    with pytest.raises(InvalidInputError, match="'report'"):
        plot.plot_kpi_trend([0.8, 0.9])  # type: ignore[arg-type]


# --------------------------------------------------------------------------- churn
@pytest.fixture(scope="module")
def churn_scores() -> tuple[pd.Series, np.ndarray]:
    from servicekit.churn import fit_churn_model
    from servicekit.datasets import make_customers

    customers = make_customers(3000, random_state=0)
    train, test = customers.iloc[:2000], customers.iloc[2000:]
    model = fit_churn_model(train, target="churned", exclude=["customer_id"])
    return test["churned"], np.asarray(model.predict_proba(test))


def test_lift_draws_the_gains_curve_and_the_lift_bars(
    churn_scores: tuple[pd.Series, np.ndarray],
) -> None:
    from servicekit.churn import lift_table

    table = lift_table(*churn_scores, bins=10)
    gains, lift = _rendered(plot.plot_lift(table)).axes
    curve = gains.lines[0]
    np.testing.assert_allclose(curve.get_xdata(), [0.0, *table["cumulative_fraction"]])
    np.testing.assert_allclose(curve.get_ydata(), [0.0, *table["cumulative_capture"]])
    assert curve.get_ydata()[-1] == pytest.approx(1.0)
    np.testing.assert_allclose(gains.lines[1].get_ydata(), [0.0, 1.0])  # random contact
    np.testing.assert_allclose(_heights(lift), table["lift"])
    np.testing.assert_allclose(lift.lines[0].get_ydata(), table["cumulative_lift"])
    assert table["lift"].iloc[0] > 1.5  # the model ranks: the riskiest decile has lift


def test_calibration_draws_points_with_their_intervals(
    churn_scores: tuple[pd.Series, np.ndarray],
) -> None:
    from servicekit.churn import calibration_table

    table = calibration_table(*churn_scores, bins=8)
    ax = _rendered(plot.plot_calibration(table)).axes[0]
    points = ax.lines[0]
    np.testing.assert_allclose(points.get_xdata(), table["mean_predicted"])
    np.testing.assert_allclose(points.get_ydata(), table["observed_rate"])
    bars = ax.collections[0].get_segments()  # the error bars, one segment per bin
    np.testing.assert_allclose([s[:, 1].min() for s in bars], table["ci_low"])
    np.testing.assert_allclose([s[:, 1].max() for s in bars], table["ci_high"])
    assert "expected calibration error" in ax.get_title()


def test_churn_charts_refuse_another_table(churn_scores: tuple[pd.Series, np.ndarray]) -> None:
    from servicekit.churn import lift_table

    with pytest.raises(InvalidInputError, match=r"'table'.*mean_predicted"):
        plot.plot_calibration(lift_table(*churn_scores))


# --------------------------------------------------------------------------- optimize
@pytest.fixture(scope="module")
def monday() -> tuple[Any, Any, pd.DatetimeIndex]:
    from servicekit.optimize import agents_required, schedule_shifts, shift_patterns

    times = pd.date_range("2024-04-15 08:00", periods=24, freq="30min")
    hours = np.arange(24) / 2
    calls = 20 + 25 * np.exp(-(((hours - 4) / 3) ** 2))  # a late-morning peak
    need = agents_required(calls / 1800, 240, shrinkage=0.3)
    patterns = shift_patterns(24, lengths=[12, 16], break_length=1, break_after=4)
    schedule = schedule_shifts(np.asarray(need.scheduled), patterns, time_limit=20)
    return need, schedule, times


def test_staffing_draws_requirement_schedule_and_overstaffing(
    monday: tuple[Any, Any, pd.DatetimeIndex],
) -> None:
    need, schedule, times = monday
    ax = _rendered(plot.plot_staffing(need, schedule, times=times)).axes[0]
    required, scheduled, coverage = ax.lines
    np.testing.assert_array_equal(required.get_ydata(), need.agents)
    np.testing.assert_array_equal(scheduled.get_ydata(), need.scheduled)
    np.testing.assert_array_equal(coverage.get_ydata(), schedule.coverage)
    np.testing.assert_array_equal(coverage.get_xdata(), np.arange(24))
    assert np.all(np.asarray(schedule.coverage) >= np.asarray(need.scheduled))
    np.testing.assert_array_equal(_heights(ax), schedule.overstaffing)
    assert [bar.get_y() for bar in ax.patches] == list(schedule.requirements)
    assert ax.get_xticklabels()[0].get_text() == "08:00"


def test_staffing_without_a_schedule_and_bad_lengths(
    monday: tuple[Any, Any, pd.DatetimeIndex],
) -> None:
    from servicekit.optimize import agents_required

    need, schedule, times = monday
    assert len(_rendered(plot.plot_staffing(need)).axes[0].lines) == 2
    shorter = agents_required([0.01, 0.02], 240)
    with pytest.raises(InvalidInputError, match="'schedule' must cover the plan's 2 intervals"):
        plot.plot_staffing(shorter, schedule)
    with pytest.raises(InvalidInputError, match="'times'"):
        plot.plot_staffing(need, times=times[:3])
    with pytest.raises(InvalidInputError, match="'plan'"):
        plot.plot_staffing(schedule)  # type: ignore[arg-type]


def test_cost_time_draws_the_feasible_curve_and_marks_the_rest() -> None:
    from servicekit.optimize import Stage, cost_time_curve

    stages = [
        Stage("triage", 20, 2, 1, 50),
        Stage("diagnose", 40, 6, 3, 90),
        Stage("fix", 30, 12, 6, 60),
    ]
    curve = cost_time_curve(stages, deadlines=[8, 10, 12, 14, 16, 18, 20])
    ax = _rendered(plot.plot_cost_time(curve)).axes[0]
    feasible, infeasible = ax.lines
    ok = curve["status"] == "optimal"
    np.testing.assert_allclose(feasible.get_xdata(), curve.loc[ok, "deadline"])
    np.testing.assert_allclose(feasible.get_ydata(), curve.loc[ok, "total_cost"])
    np.testing.assert_allclose(infeasible.get_xdata(), curve.loc[~ok, "deadline"])
    assert list(infeasible.get_xdata()) == [8.0]  # triage + diagnose + fix take >= 10 h
    assert np.all(np.diff(feasible.get_ydata()) <= 0)  # more time never costs more


# --------------------------------------------------------------------------- classify
@pytest.fixture(scope="module")
def classification() -> Any:
    from servicekit.classify import evaluate_classifier, fit_question_classifier
    from servicekit.datasets import load_questions

    questions = load_questions()
    train = questions[questions["split"] == "train"]
    test = questions[questions["split"] == "test"]
    classifier = fit_question_classifier(train["question"], train["intent"])
    return evaluate_classifier(classifier, test["question"], test["intent"])


def test_confusion_image_is_the_confusion_matrix(classification: Any) -> None:
    ax = _rendered(plot.plot_confusion(classification)).axes[0]
    np.testing.assert_array_equal(ax.images[0].get_array(), classification.confusion.to_numpy())
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == list(classification.confusion.index)
    written = sum(int(t.get_text()) for t in ax.texts)
    assert written == classification.n  # every question counted once, in some cell


def test_confusion_normalized_rows_are_recalls(classification: Any) -> None:
    ax = _rendered(plot.plot_confusion(classification, normalize=True)).axes[0]
    shares = np.asarray(ax.images[0].get_array())
    np.testing.assert_allclose(shares.sum(axis=1), 1.0)
    np.testing.assert_allclose(np.diag(shares), classification.per_label["recall"])
    with pytest.raises(InvalidInputError, match="'normalize'"):
        plot.plot_confusion(classification, normalize="yes")  # type: ignore[arg-type]


# --------------------------------------------------------------------------- forecast
@pytest.fixture(scope="module")
def held_out() -> tuple[Any, pd.Series]:
    from servicekit.datasets import CALLS_START, make_calls
    from servicekit.forecast import arrival_counts, forecast_arrivals
    from servicekit.metrics import BusinessCalendar

    calls = make_calls(30, random_state=0)
    end = calls["arrived"].max().normalize() + pd.Timedelta(days=1)
    counts = arrival_counts(
        calls["arrived"],
        freq="30min",
        open_hours=BusinessCalendar(opens="08:00", closes="20:00"),
        start=CALLS_START,
        end=end,
    )
    cut = counts.index[-1].normalize() - pd.Timedelta(days=4)  # the last 5 weekdays
    history, actual = counts[counts.index < cut], counts[counts.index >= cut]
    forecast = forecast_arrivals(history, horizon_days=5, level=0.9)
    assert forecast.mean.index.equals(actual.index)
    return forecast, actual


def test_forecast_draws_mean_band_and_actuals_on_one_axis(held_out: tuple[Any, pd.Series]) -> None:
    forecast, actual = held_out
    ax = _rendered(plot.plot_forecast(forecast, actual)).axes[0]
    mean, points = ax.lines
    np.testing.assert_allclose(mean.get_ydata(), forecast.mean)
    np.testing.assert_allclose(points.get_ydata(), actual)
    np.testing.assert_array_equal(mean.get_xdata(), points.get_xdata())  # same intervals
    band = forecast.interval(0.9)
    vertices = _band(ax)
    assert vertices[:, 1].min() == pytest.approx(band["lower"].min())
    assert vertices[:, 1].max() == pytest.approx(band["upper"].max())
    assert ax.get_xticklabels()[0].get_text() == f"{actual.index[0]:%a %d %b}"
    inside = ((actual >= band["lower"]) & (actual <= band["upper"])).mean()
    assert inside > 0.75  # a 90% interval covers most held-out counts


def test_forecast_after_history_and_another_level(held_out: tuple[Any, pd.Series]) -> None:
    forecast, actual = held_out
    earlier = actual.set_axis(actual.index - pd.Timedelta(days=7))
    ax = _rendered(plot.plot_forecast(forecast, earlier, level=0.5)).axes[0]
    mean, points = ax.lines
    n = len(actual)
    np.testing.assert_array_equal(points.get_xdata(), np.arange(n))
    np.testing.assert_array_equal(mean.get_xdata(), np.arange(n, 2 * n))
    assert _band(ax)[:, 1].max() == pytest.approx(forecast.interval(0.5)["upper"].max())
    with pytest.raises(InvalidInputError, match="'actuals' must be indexed by time"):
        plot.plot_forecast(forecast, actual.reset_index(drop=True))
    with pytest.raises(InvalidInputError, match="'level'"):
        plot.plot_forecast(forecast, level=1.5)


# --------------------------------------------------------------------------- insights
def test_segments_bars_are_the_profile_means() -> None:
    from servicekit.datasets import make_customers
    from servicekit.insights import segment_customers

    customers = make_customers(1500, random_state=1)
    features = ["tenure_months", "monthly_charges", "support_calls"]
    segments = segment_customers(customers, features=features, k=4, n_boot=0, random_state=0)
    figure = _rendered(plot.plot_segments(segments))
    assert len(figure.axes) == 3
    profile = segments.profile()
    for ax, feature in zip(figure.axes, features, strict=True):
        np.testing.assert_allclose(_heights(ax), profile[f"{feature}_mean"])
        assert feature in ax.get_title()
    sizes = [t.get_text().splitlines()[1] for t in figure.axes[0].get_xticklabels()]
    assert sizes[0].startswith(f"{int(profile['size'].iloc[0]):,} (")


# --------------------------------------------------------------------------- files, imports
def test_a_figure_saves_as_png_without_pyplot(tmp_path: Path) -> None:
    from servicekit.churn import lift_table

    figure = plot.plot_lift(lift_table([1, 0, 1, 0, 0, 1], [0.9, 0.8, 0.7, 0.3, 0.2, 0.1], 3))
    figure.savefig(tmp_path / "lift.png")
    assert (tmp_path / "lift.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def _python(code: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        env={"PATH": os.environ["PATH"], "HOME": str(tmp_path)},
        cwd=tmp_path,
        timeout=120,
        check=False,
    )


def test_no_area_imports_matplotlib_or_pyplot(tmp_path: Path) -> None:
    done = _python(
        """
        import sys
        import servicekit
        from servicekit import churn, classify, datasets, forecast, insights, metrics
        from servicekit import optimize, recommend, cli, _demo
        assert "matplotlib" not in sys.modules, "an area imported matplotlib"
        import servicekit.plot
        servicekit.plot.plot_cost_time(
            optimize.cost_time_curve([optimize.Stage("a", 1, 2, 1, 2)], deadlines=[1, 2])
        ).savefig("chart.png")
        assert "matplotlib.pyplot" not in sys.modules, "servicekit.plot used pyplot"
        print("ok")
        """,
        tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == "ok\n"


def test_without_matplotlib_the_error_names_the_extra(tmp_path: Path) -> None:
    done = _python(
        """
        import sys
        sys.modules["matplotlib"] = None  # as if not installed
        import servicekit
        from servicekit.errors import OptionalDependencyError
        for attempt in (lambda: __import__("servicekit.plot"), lambda: servicekit.plot):
            try:
                attempt()
            except OptionalDependencyError as exc:
                assert isinstance(exc, ImportError)
                print(exc)
            else:
                raise AssertionError("servicekit.plot imported without matplotlib")
        from servicekit import *  # the extra is not in servicekit.__all__
        """,
        tmp_path,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == 2
    assert all("pip install 'servicekit[plot]'" in line for line in lines)
