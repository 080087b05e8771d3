"""servicekit.forecast: contact-volume forecasts per interval with honest uncertainty.

:func:`arrival_counts` turns raw arrival instants into counts per interval;
:func:`forecast_arrivals` forecasts the next days per interval with a predictive
distribution (:class:`ArrivalForecast`: mean, quantiles, intervals, intraday
:meth:`~ArrivalForecast.update`); :func:`backtest` and :func:`compare_methods`
evaluate methods with rolling origins; :func:`staff_for_forecast` turns a forecast
into agents per interval that meet a service level over its predictive distribution
(with :mod:`servicekit.optimize`).
"""

from __future__ import annotations

from servicekit.forecast.backtest import backtest, compare_methods
from servicekit.forecast.counts import arrival_counts
from servicekit.forecast.distribution import ArrivalForecast
from servicekit.forecast.model import forecast_arrivals
from servicekit.forecast.staffing import ForecastStaffing, staff_for_forecast

__all__ = [
    "ArrivalForecast",
    "ForecastStaffing",
    "arrival_counts",
    "backtest",
    "compare_methods",
    "forecast_arrivals",
    "staff_for_forecast",
]
