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

:mod:`servicekit.datasets` holds built-in sample data for all of them (generated in
code, or written for the project); ``servicekit demo`` runs every area on it.
:mod:`servicekit.plot` draws their results as matplotlib Figures; it needs the optional
``plot`` extra (``pip install 'servicekit[plot]'``), so it is not in ``__all__``:
``from servicekit import *`` works without matplotlib.

Examples
--------
>>> import servicekit
>>> servicekit.__version__
'0.1.0.dev0'
>>> servicekit.metrics.__name__
'servicekit.metrics'

Every saved model has ``save(path)``; :func:`servicekit.load` reads any of them back.
"""

from __future__ import annotations

import importlib
import os
from typing import TYPE_CHECKING, Any

from servicekit._version import __version__

if TYPE_CHECKING:
    from servicekit import (
        churn,
        classify,
        datasets,
        errors,
        forecast,
        insights,
        metrics,
        optimize,
        recommend,
    )
    from servicekit import plot as plot  # lazy too, but not in __all__: an optional extra

__all__ = [
    "__version__",
    "churn",
    "classify",
    "datasets",
    "errors",
    "forecast",
    "insights",
    "load",
    "metrics",
    "optimize",
    "recommend",
]

_SUBMODULES = frozenset(
    {
        "churn",
        "classify",
        "datasets",
        "errors",
        "forecast",
        "insights",
        "metrics",
        "optimize",
        "plot",
        "recommend",
    }
)


def load(path: str | os.PathLike[str]) -> Any:
    """Read any servicekit model file and return the model of the type it holds.

    The file's ``format`` field picks the type (``servicekit.LogisticModel``,
    ``servicekit.ChurnModel``, ``servicekit.QuestionClassifier``,
    ``servicekit.FaqIndex``), whose ``from_json`` then validates every field; the
    type's module is imported only now, so ``import servicekit`` stays light.

    Parameters
    ----------
    path : str or path-like
        A file written by a model's ``save(path)`` (or holding its ``to_json()`` text).

    Returns
    -------
    object
        The model.

    Raises
    ------
    ModelFormatError
        If the file is not UTF-8 JSON, names no servicekit format, or is invalid for
        its format (truncated, altered, another version).
    FileNotFoundError
        If there is no such file.
    InvalidInputError
        If ``path`` is not a str or path-like object.

    Examples
    --------
    >>> import tempfile
    >>> import servicekit
    >>> from servicekit.churn import fit_logistic
    >>> path = tempfile.mkdtemp() + "/model.json"
    >>> fit_logistic([[0.0], [1.0], [2.0], [3.0]], [0, 1, 0, 1]).save(path)
    >>> servicekit.load(path)
    LogisticModel(n_features=1, n_obs=4, log_likelihood=-2.3475, converged=True, l2=0)
    """
    from servicekit._persistence import load_model

    return load_model(path)


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:
        return importlib.import_module(f"servicekit.{name}")
    raise AttributeError(f"module 'servicekit' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | _SUBMODULES)
