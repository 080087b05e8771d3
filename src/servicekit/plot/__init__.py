"""Charts of servicekit's results, as matplotlib Figures (the optional ``plot`` extra).

Each function takes a result the library already gives (a lift table, a
:class:`~servicekit.optimize.StaffingPlan`, an
:class:`~servicekit.forecast.ArrivalForecast`, ...) and returns a new
:class:`matplotlib.figure.Figure`, made without ``pyplot``: no window opens, no GUI
backend or global state is involved, and ``fig.savefig("chart.png")`` writes a file.
Show one in a notebook by leaving ``fig`` as the cell's last expression.

Importing this module without matplotlib raises
:class:`~servicekit.errors.OptionalDependencyError` (an ``ImportError``) naming the
extra: ``pip install 'servicekit[plot]'``. Nothing else in servicekit imports
matplotlib.

Examples
--------
>>> from servicekit.churn import lift_table
>>> from servicekit.plot import plot_lift
>>> fig = plot_lift(lift_table([1, 0, 1, 0, 0, 1], [0.9, 0.8, 0.7, 0.3, 0.2, 0.1], bins=3))
>>> type(fig).__name__, len(fig.axes)
('Figure', 2)
"""

from __future__ import annotations

from servicekit.plot._core import require_matplotlib

require_matplotlib()

from servicekit.plot._charts import (  # noqa: E402  (after the check for the extra)
    plot_calibration,
    plot_confusion,
    plot_cost_time,
    plot_forecast,
    plot_kpi_trend,
    plot_lift,
    plot_segments,
    plot_staffing,
)

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
