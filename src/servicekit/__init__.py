"""servicekit: typed, validated customer-service models.

Seven areas, each a subpackage imported on first use (``import servicekit`` stays
light: no NumPy, no pandas, no network, no file writes):

- :mod:`servicekit.metrics` — customer-service KPIs with confidence intervals;
- :mod:`servicekit.churn` — logistic churn prediction with inference;
- :mod:`servicekit.recommend` — weighted-feature recommendation;
- :mod:`servicekit.optimize` — process cost and contact-centre staffing;
- :mod:`servicekit.classify` — question classification, escalation and routing;
- :mod:`servicekit.forecast` — contact-volume forecasts;
- :mod:`servicekit.insights` — segments, contact reasons, satisfaction drivers.

Examples
--------
>>> import servicekit
>>> servicekit.__version__
'0.1.0.dev0'
>>> servicekit.metrics.__name__
'servicekit.metrics'
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from servicekit._version import __version__

if TYPE_CHECKING:
    from servicekit import (
        churn,
        classify,
        errors,
        forecast,
        insights,
        metrics,
        optimize,
        recommend,
    )

__all__ = [
    "__version__",
    "churn",
    "classify",
    "errors",
    "forecast",
    "insights",
    "metrics",
    "optimize",
    "recommend",
]

_SUBMODULES = frozenset(
    {"churn", "classify", "errors", "forecast", "insights", "metrics", "optimize", "recommend"}
)


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:
        return importlib.import_module(f"servicekit.{name}")
    raise AttributeError(f"module 'servicekit' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | _SUBMODULES)
