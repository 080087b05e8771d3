"""The forecasting methods: the two baselines and the profile model.

Each module offers a ``fit_*`` function taking a validated history and the future
index and returning a :class:`~servicekit.forecast.methods.common.Fit`: the mean per
future interval and the parameters of its predictive distribution.
"""

from __future__ import annotations

__all__: list[str] = []
