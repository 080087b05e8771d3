"""The one error and warning hierarchy of servicekit.

Every error servicekit raises on purpose derives from :class:`ServicekitError`, so
``except ServicekitError`` catches them all. :class:`InvalidInputError` also derives
from :class:`ValueError` and :class:`TypeError`, so code written against NumPy or
scikit-learn conventions (``except ValueError``) keeps working.

Hard problems are errors; soft statistical caveats (non-convergence, separation,
tiny samples) are warnings deriving from :class:`ServicekitWarning`, which callers
can silence or escalate as one group::

    import warnings
    from servicekit.errors import ServicekitWarning
    warnings.simplefilter("error", ServicekitWarning)

Examples
--------
>>> from servicekit.errors import InvalidInputError, ServicekitError
>>> issubclass(InvalidInputError, ValueError), issubclass(InvalidInputError, TypeError)
(True, True)
>>> err = InvalidInputError("'scores' must be finite; got nan at position 3",
...                         function="csat", argument="scores")
>>> str(err)
"csat(): 'scores' must be finite; got nan at position 3"
>>> err.argument
'scores'
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "AliasedColumnsWarning",
    "CollinearityWarning",
    "ConvergenceError",
    "ConvergenceWarning",
    "InvalidInputError",
    "ModelFormatError",
    "NotFittedError",
    "OptionalDependencyError",
    "SeparationWarning",
    "ServicekitError",
    "ServicekitWarning",
    "SmallSampleWarning",
    "TimeZoneWarning",
    "UnseenCategoryWarning",
]


class ServicekitError(Exception):
    """Base class of every error servicekit raises on purpose."""


class InvalidInputError(ServicekitError, ValueError, TypeError):
    """An argument has the wrong type, shape, length or value.

    Parameters
    ----------
    message : str
        What was wrong, naming the argument, what was allowed and what was given.
    function : str, optional
        Name of the public function that rejected the input; prefixed to the message
        as ``"name(): "``.
    argument : str, optional
        Name of the offending argument, kept as :attr:`argument` for programs.
    """

    def __init__(self, message: str, *, function: str | None = None, argument: str | None = None):
        self.function = function
        self.argument = argument
        self.reason = message
        super().__init__(f"{function}(): {message}" if function else message)

    def __reduce__(self) -> tuple[Any, ...]:
        # Keep function and argument through pickling: Dask sends errors raised on its
        # workers back to the client pickled.
        return (_invalid_input, (self.reason, self.function, self.argument))


def _invalid_input(message: str, function: str | None, argument: str | None) -> InvalidInputError:
    return InvalidInputError(message, function=function, argument=argument)


class NotFittedError(ServicekitError, AttributeError):
    """A model was used before it was fitted."""


class ConvergenceError(ServicekitError, RuntimeError):
    """An iterative solver failed in a way that leaves no usable result."""


class ModelFormatError(ServicekitError, ValueError):
    """A saved model is corrupt, altered, from an unknown format version, or not servicekit's."""


class OptionalDependencyError(ServicekitError, ImportError):
    """A feature needs a package from an optional extra that is not installed.

    The message names the package and the extra to install (``pip install
    "servicekit[test]"``).
    """


class ServicekitWarning(UserWarning):
    """Base class of servicekit's warnings: statistical caveats, never silent wrong numbers."""


class CollinearityWarning(ServicekitWarning):
    """Predictors are (almost) linear combinations of each other; their separate effects are not identified."""


class ConvergenceWarning(ServicekitWarning):
    """An iterative fit stopped before meeting its tolerance; the result is the last iterate."""


class SeparationWarning(ServicekitWarning):
    """A classifier's classes are (quasi-)completely separated; maximum-likelihood estimates diverge."""


class AliasedColumnsWarning(ServicekitWarning):
    """Columns that are linear combinations of others were dropped from a fit (not estimable)."""


class SmallSampleWarning(ServicekitWarning):
    """A statistic was computed on fewer observations than recommended; read its interval with care."""


class UnseenCategoryWarning(ServicekitWarning):
    """Scoring data holds a category the model never saw; it was scored as the reference level.

    Examples
    --------
    >>> import warnings
    >>> with warnings.catch_warnings():  # make unseen levels an error instead
    ...     warnings.simplefilter("error", UnseenCategoryWarning)
    """


class TimeZoneWarning(ServicekitWarning):
    """Time-zone-aware instants met a calendar of local hours on a day the clocks change.

    Aware instants are converted to UTC, but a :class:`~servicekit.metrics.BusinessCalendar`
    reads wall-clock hours: on a daylight-saving day the opening hours shift by the change.
    Pass local wall-clock times instead (``s.dt.tz_convert(zone).dt.tz_localize(None)``).
    """
