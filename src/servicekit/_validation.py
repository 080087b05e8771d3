"""The one place where servicekit checks and coerces its inputs.

Public functions declare, next to their signature, what each argument may be::

    @validated(
        scores=Array(kind="float", low=1),
        scale=Interval(kind="int", low=2),
        method=Options("wilson", "wald"),
    )
    def csat(scores, *, scale=5, method="wilson"): ...

At call time :func:`validated` binds the arguments, runs each declared
:class:`Constraint` (which both checks and coerces: lists, tuples, NumPy arrays and
pandas Series become NumPy arrays), and calls the function with the coerced values.
Every failure raises :class:`~servicekit.errors.InvalidInputError` whose message names
the function, the argument, what was allowed and what was given::

    csat(): 'scores' must be finite; got nan at position 3

The decorator also records each function and its constraints in :data:`REGISTRY`.
The test suite walks that registry and feeds every constraint the violating values
that :meth:`Constraint.invalid_values` generates, so bad-input coverage grows with
every new public function.

Checks that depend on state known only inside the function (``k`` no larger than the
number of fitted labels, say) call :func:`fail` so their messages look the same.
"""

from __future__ import annotations

import datetime as _dt
import difflib
import functools
import inspect
import math
import numbers
import warnings
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, NoReturn, ParamSpec, TypeVar

import numpy as np
import pandas as pd

from servicekit._timezones import warn_on_clock_changes
from servicekit._typing import BoolArray, DatetimeArray, FloatArray
from servicekit.errors import InvalidInputError

P = ParamSpec("P")
R = TypeVar("R")

__all__ = [
    "EARLIEST_INSTANT",
    "LATEST_INSTANT",
    "RANGE_TEXT",
    "REGISTRY",
    "Array",
    "Column",
    "Constraint",
    "Flag",
    "Frame",
    "InstanceOf",
    "Interval",
    "Labels",
    "NumberMapping",
    "Options",
    "Text",
    "Texts",
    "Times",
    "as_bool_array",
    "as_float_array",
    "checked_instants",
    "described",
    "did_you_mean",
    "fail",
    "first_time_of_day",
    "instants_from_series",
    "known_names",
    "refuse_times_of_day",
    "unknown_name",
    "validated",
]

#: Every function decorated with :func:`validated`, mapped to its declared constraints.
REGISTRY: dict[Callable[..., Any], dict[str, Constraint]] = {}

_NOT_GIVEN: Any = object()


# --------------------------------------------------------------------------- messages
def fail(
    function: str,
    argument: str,
    problem: str,
    got: object = _NOT_GIVEN,
    *,
    position: int | tuple[int, ...] | None = None,
) -> NoReturn:
    """Raise :class:`InvalidInputError` with servicekit's message format.

    Parameters
    ----------
    function : str
        Public name of the function (``"csat"``, ``"QuestionClassifier.top_k"``).
    argument : str
        Name of the offending argument.
    problem : str
        What the argument must be, e.g. ``"must be finite"``.
    got : object, optional
        The offending value, shown after ``"; got "`` as its ``repr``; wrap a free
        description in :func:`described` to show it verbatim.
    position : int or tuple of int, optional
        Where in an array the offending value sits; appended as ``"at position i"``.

    Examples
    --------
    >>> fail("csat", "scale", "must be an integer >= 2", 1)
    Traceback (most recent call last):
    ...
    servicekit.errors.InvalidInputError: csat(): 'scale' must be an integer >= 2; got 1
    >>> fail("csat", "scores", "must be ratings in 1..5", 7.0, position=2)
    Traceback (most recent call last):
    ...
    servicekit.errors.InvalidInputError: csat(): 'scores' must be ratings in 1..5; got 7.0 at position 2
    """
    message = f"'{argument}' {problem}"
    if got is not _NOT_GIVEN:
        message += f"; got {_show(got) if position is None else _show(_at(got, position))}"
    raise InvalidInputError(message, function=function, argument=argument)


def _show(value: object, limit: int = 60) -> str:
    """Short, unambiguous rendering of a bad value for an error message."""
    if isinstance(value, _Described):
        return value.text
    if isinstance(value, float) and math.isnan(value):
        return "nan"
    if isinstance(value, np.generic):
        value = value.item()
    text = repr(value)
    if isinstance(value, (np.ndarray, pd.Series, pd.DataFrame, list, tuple, dict, set)):
        text = f"{type(value).__name__} {text}"
    return text if len(text) <= limit else text[: limit - 3] + "..."


@dataclass(frozen=True)
class _Described:
    """A pre-rendered description of a bad value (e.g. ``"a 2-d array of shape (3, 2)"``)."""

    text: str


def described(text: str) -> Any:
    """Wrap a free description of a bad value so :func:`fail` shows it verbatim."""
    return _Described(text)


def _at(value: object, position: int | tuple[int, ...]) -> _Described:
    pos = position if isinstance(position, int) else position if len(position) > 1 else position[0]
    return _Described(f"{_show(value)} at position {pos}")


def _type_name(value: object) -> _Described:
    return _Described(f"{_show(value)} (type {type(value).__name__})")


# --------------------------------------------------------------------------- name lookups
def known_names(known: Iterable[Hashable], what: str = "columns", *, limit: int = 12) -> str:
    """``"N columns: a, b, …"``: how many names there are and the first ``limit`` of them.

    Examples
    --------
    >>> known_names(["a", "b", "c"], limit=2)
    '3 columns: a, b, …'
    >>> known_names(["Yes", "No"], "values")
    '2 values: Yes, No'
    """
    names = [str(name) for name in known]
    shown = ", ".join(names[:limit]) + (", …" if len(names) > limit else "")
    return f"{len(names)} {what}: {shown}"


def did_you_mean(name: object, known: Iterable[Hashable]) -> str:
    """``"; did you mean 'Churn'?"`` for the closest known name, or ``""``."""
    names = [str(k) for k in known]
    text = str(name)
    same_case = [k for k in names if k.casefold() == text.casefold()]
    close = same_case or difflib.get_close_matches(text, names, n=1, cutoff=0.6)
    if not close:
        close = [k for k in names if text.casefold() in k.casefold() and len(text) >= 3][:1]
    return f"; did you mean {close[0]!r}?" if close else ""


def unknown_name(name: object, known: Iterable[Hashable]) -> Any:
    """The bad value for :func:`fail` when a looked-up column or label is unknown.

    Shows ``name`` and, when one of ``known`` is close to it (same letters in another
    case, or a close spelling by :func:`difflib.get_close_matches`), suggests it.
    Pair it with :func:`known_names` in the problem text.

    Examples
    --------
    >>> fail("f", "target", f"must name a column ({known_names(['tenure', 'Churn'])})",
    ...      unknown_name("churn", ["tenure", "Churn"]))
    Traceback (most recent call last):
    ...
    servicekit.errors.InvalidInputError: f(): 'target' must name a column (2 columns: tenure, Churn); got 'churn'; did you mean 'Churn'?
    """
    return _Described(f"{_show(name)}{did_you_mean(name, known)}")


# --------------------------------------------------------------------------- constraints
@dataclass(frozen=True)
class _Context:
    function: str
    argument: str
    arguments: Mapping[str, Any]  # the call's arguments, already coerced where checked

    def fail(self, problem: str, got: object = _NOT_GIVEN) -> NoReturn:
        fail(self.function, self.argument, problem, got)


class Constraint:
    """What one argument may be; checks, coerces and describes violations of itself.

    Subclasses implement :meth:`coerce` (return the coerced value or call
    ``ctx.fail``) and :meth:`invalid_values` (values that must be rejected, for the
    generated bad-input tests). ``optional=True`` lets ``None`` through unchanged.
    """

    optional: bool = False

    def check(self, value: Any, ctx: _Context) -> Any:
        """Return ``value`` coerced, or raise :class:`InvalidInputError`."""
        if value is None:
            if self.optional:
                return None
            ctx.fail(f"must be {self.describe()}", None)
        return self.coerce(value, ctx)

    def coerce(self, value: Any, ctx: _Context) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError

    def describe(self) -> str:  # pragma: no cover - abstract
        raise NotImplementedError

    def invalid_values(self, valid: Any) -> Iterator[tuple[str, Any]]:
        """Yield ``(label, value)`` pairs that violate this constraint.

        ``valid`` is a value that satisfies it (used to derive, e.g., a value one
        element too short).
        """
        if not self.optional:
            yield "None", None

    def extreme_values(self, valid: Any) -> Iterator[tuple[str, Any]]:
        """Yield ``(label, value)`` pairs that satisfy this constraint at its limits.

        Numbers near float64's maximum (1e308): the function must either give a
        correct, finite result or refuse them naming the argument, never overflow.
        """
        yield from ()

    def invalid_arguments(
        self, argument: str, arguments: Mapping[str, Any]
    ) -> Iterator[tuple[str, dict[str, Any]]]:
        """Yield ``(label, arguments)``: whole calls that violate this constraint.

        By default each of :meth:`invalid_values` in place of ``argument``; a
        constraint that depends on another argument (a column name on its table)
        also yields calls that change that other argument.
        """
        valid = arguments[argument]
        for label, bad in self.invalid_values(valid):
            yield label, {**arguments, argument: bad}


# ----- arrays of numbers ------------------------------------------------------------
ArrayKind = Literal["float", "int", "bool", "duration"]


@dataclass(frozen=True)
class Array(Constraint):
    """An array of numbers, booleans or durations.

    Parameters
    ----------
    kind : {"float", "int", "bool", "duration"}
        ``"float"`` coerces to float64; ``"int"`` requires whole numbers (returned as
        float64 for arithmetic, checked to be integral); ``"bool"`` accepts booleans or
        0/1 and returns a bool array; ``"duration"`` accepts seconds as numbers or
        timedelta values (``numpy.timedelta64``, ``datetime.timedelta``, pandas
        ``Timedelta``) and returns float seconds.
    ndim : int
        Required number of dimensions (1 or 2).
    min_len : int
        Minimum length along the first axis.
    allow_nan : bool
        Let NaN (and None, NaT) through as "missing"; infinities are always rejected.
    low, high : float, optional
        Bounds on every value; ``low_open``/``high_open`` make them strict.
    same_length_as : str, optional
        Name of another argument whose length this one must match.
    scalar_ok : bool
        Accept a scalar and broadcast it to the length of ``same_length_as``.
    """

    kind: ArrayKind = "float"
    ndim: int = 1
    min_len: int = 1
    allow_nan: bool = False
    low: float | None = None
    high: float | None = None
    low_open: bool = False
    high_open: bool = False
    same_length_as: str | None = None
    scalar_ok: bool = False
    optional: bool = False

    def describe(self) -> str:
        what = {
            "float": "numbers",
            "int": "whole numbers",
            "bool": "booleans (True/False or 1/0)",
            "duration": "durations (seconds or timedeltas)",
        }[self.kind]
        return f"a {self.ndim}-d array of {what}"

    # -- coercion
    def coerce(self, value: Any, ctx: _Context) -> Any:
        if isinstance(value, (str, bytes, dict, set, frozenset)) or (
            isinstance(value, pd.DataFrame) and self.ndim == 1
        ):
            ctx.fail(f"must be {self.describe()}", _type_name(value))
        if self.scalar_ok and np.ndim(value) == 0 and not isinstance(value, pd.DataFrame):
            arr = self._to_array(np.asarray([value], dtype=object), ctx)
            self._check_values(arr, ctx)
            if self.same_length_as is not None:
                other = ctx.arguments.get(self.same_length_as)
                if other is not None and hasattr(other, "__len__"):
                    arr = np.repeat(arr, len(other))
            return arr
        arr = self._to_array(value, ctx)
        if arr.ndim != self.ndim:
            ctx.fail(
                f"must be {self.describe()}",
                _Described(f"a {arr.ndim}-d array of shape {arr.shape}"),
            )
        if arr.shape[0] < self.min_len:
            ctx.fail(
                f"must have at least {self.min_len} element{'s' if self.min_len != 1 else ''}",
                _Described(f"{arr.shape[0]}"),
            )
        if self.same_length_as is not None:
            other = ctx.arguments.get(self.same_length_as)
            if other is not None and hasattr(other, "__len__") and len(other) != arr.shape[0]:
                ctx.fail(
                    f"must have the same length as '{self.same_length_as}' ({len(other)})",
                    _Described(f"length {arr.shape[0]}"),
                )
        self._check_values(arr, ctx)
        return arr

    def _to_array(self, value: Any, ctx: _Context) -> np.ndarray[Any, Any]:
        raw = value.to_numpy() if isinstance(value, (pd.Series, pd.Index, pd.DataFrame)) else value
        if self.kind in _NO_BOOLEANS and isinstance(raw, (list, tuple)):
            _refuse_listed_booleans(raw, ctx, self.describe())  # np.asarray would make 1 of True
        try:
            obj = np.asarray(raw)
        except ValueError:  # ragged nested lists
            ctx.fail(f"must be {self.describe()}", _Described("a ragged sequence"))
        if self.kind == "duration" and (
            obj.dtype.kind == "m" or (obj.dtype == object and _any_timedelta(obj))
        ):
            return _timedeltas_to_seconds(obj, ctx, self.allow_nan)
        if obj.dtype.kind == "b":
            if self.kind in _NO_BOOLEANS:
                _refuse_booleans(obj, ctx, self.describe())
            return obj if self.kind == "bool" else obj.astype(np.float64)
        if obj.dtype.kind in "iuf":
            out = _exact_floats(obj, ctx)
        else:
            if self.kind in _NO_BOOLEANS:
                _refuse_booleans(obj, ctx, self.describe())
            out = np.empty(obj.shape, dtype=np.float64)
            for index, item in np.ndenumerate(obj):
                out[index] = _one_number(item, index, ctx, self.describe(), self.allow_nan)
        if self.kind == "bool":
            return self._to_bool(out, ctx)
        return out

    def _to_bool(self, arr: FloatArray, ctx: _Context) -> np.ndarray[Any, Any]:
        nan = np.isnan(arr)
        bad = ~nan & (arr != 0) & (arr != 1)
        if bad.any() or (nan.any() and not self.allow_nan):
            position = np.argwhere(bad | (nan & ~self.allow_nan))[0]
            ctx.fail(f"must be {self.describe()}", _at(arr[tuple(position)], tuple(position)))
        return arr if self.allow_nan and nan.any() else arr.astype(bool)

    def _check_values(self, arr: np.ndarray[Any, Any], ctx: _Context) -> None:
        if arr.dtype == bool:
            return
        # Fast path for large, clean arrays (scoring matrices): a finite sum proves that
        # no element is NaN or inf in one pass without temporaries. A sum of huge finite
        # values may overflow to inf: then the elements are checked one by one, silently.
        if self.kind != "int" and self.low is None and self.high is None:
            with np.errstate(over="ignore"):
                total = float(arr.sum())
            if math.isfinite(total):
                return
        nan = np.isnan(arr)
        if not self.allow_nan and nan.any():
            ctx.fail("must be finite", _at(math.nan, _first(nan)))
        inf = np.isinf(arr)
        if inf.any():
            ctx.fail("must be finite", _at(arr[tuple(np.argwhere(inf)[0])], _first(inf)))
        valid = arr[~nan] if nan.any() else arr
        if self.kind == "int":
            frac = arr != np.round(arr)
            frac &= ~nan
            if frac.any():
                ctx.fail("must hold whole numbers", _at(arr[_first(frac)], _first(frac)))
        if self.low is not None and valid.size:
            below = (arr <= self.low) if self.low_open else (arr < self.low)
            if below.any():
                op = ">" if self.low_open else ">="
                ctx.fail(f"must be {op} {_num(self.low)}", _at(arr[_first(below)], _first(below)))
        if self.high is not None and valid.size:
            above = (arr >= self.high) if self.high_open else (arr > self.high)
            if above.any():
                op = "<" if self.high_open else "<="
                ctx.fail(f"must be {op} {_num(self.high)}", _at(arr[_first(above)], _first(above)))

    # -- generated bad inputs
    def invalid_values(self, valid: Any) -> Iterator[tuple[str, Any]]:
        yield from super().invalid_values(valid)
        yield "a string", "not an array"
        yield "a dict", {"a": 1}
        yield "non-numeric element", ["x"] * max(self.min_len, 1)
        good = np.asarray(valid.to_numpy() if isinstance(valid, pd.Series) else valid)
        if self.scalar_ok and good.ndim == 0:
            good = np.asarray([good])
        if good.ndim == self.ndim and good.shape[0] >= 1 and good.dtype.kind in "iufb":
            huge = good.astype(object).copy()
            huge.flat[-1] = 10**400
            yield "a huge integer", huge
            cell = good.astype(object).copy()
            cell.flat[-1] = [cell.flat[-1]]
            yield "a list-valued element", cell
            if self.kind != "duration":
                span = good.astype(object).copy()
                span.flat[-1] = np.timedelta64(5, "s")
                yield "a timedelta", span
            if self.kind in ("int", "duration"):
                flags = np.zeros(good.shape, dtype=bool)
                yield "booleans", flags
        if good.ndim == self.ndim and good.shape[0] >= 1:
            if self.kind in ("float", "int", "duration") and good.dtype.kind in "iuf":
                if not self.allow_nan:
                    with_nan = good.astype(float).copy()
                    with_nan.flat[-1] = np.nan
                    yield "NaN", with_nan
                with_inf = good.astype(float).copy()
                with_inf.flat[-1] = np.inf
                yield "inf", with_inf
                if self.kind == "int":
                    frac = good.astype(float).copy()
                    frac.flat[-1] = 0.5 + (self.low if self.low is not None else 0)
                    yield "non-integer", frac
                if self.low is not None:
                    below = good.astype(float).copy()
                    below.flat[-1] = self.low - 1 if not self.low_open else self.low
                    yield "below the lower bound", below
                if self.high is not None:
                    above = good.astype(float).copy()
                    above.flat[-1] = self.high + 1 if not self.high_open else self.high
                    yield "above the upper bound", above
            if self.kind == "bool":
                two = good.astype(float).copy()
                two.flat[-1] = 2.0
                yield "a non-boolean", two
            if self.ndim == 1:
                yield "2-d", np.stack([good, good], axis=1)
                if self.same_length_as is not None:
                    yield "one element too many", np.concatenate([good, good[-1:]])
            else:
                yield "1-d", good.reshape(-1)[:1] if good.size else good.reshape(-1)
        if self.min_len >= 1 and not (self.scalar_ok and self.same_length_as):
            yield "empty", np.empty((0,) * self.ndim)

    def extreme_values(self, valid: Any) -> Iterator[tuple[str, Any]]:
        good = np.asarray(valid.to_numpy() if isinstance(valid, pd.Series) else valid)
        if self.kind == "bool" or self.high is not None or good.dtype.kind not in "iuf":
            return
        yield "1e308 everywhere", np.full(good.shape if good.ndim else (1,), 1e308)


#: Array kinds for which True/False is a mistake, not 1/0: ratings, counts, durations.
_NO_BOOLEANS = frozenset({"int", "duration"})


def _refuse_booleans(obj: np.ndarray[Any, Any], ctx: _Context, what: str) -> None:
    """Fail at the first boolean of ``obj``: booleans are not ratings, counts or seconds."""
    if obj.dtype.kind == "b":
        flags = np.ones(obj.shape, dtype=bool)
    else:
        flags = np.zeros(obj.shape, dtype=bool)
        for index, item in np.ndenumerate(obj):
            flags[index] = isinstance(item, (bool, np.bool_))
    if flags.any():
        at = _first(flags)
        ctx.fail(f"must be {what}, not booleans", _at(obj[at], at))


def _refuse_listed_booleans(raw: Sequence[Any], ctx: _Context, what: str) -> None:
    for i, item in enumerate(raw):
        inner = item if isinstance(item, (list, tuple)) else (item,)
        for j, element in enumerate(inner):
            if isinstance(element, (bool, np.bool_)):
                at: int | tuple[int, int] = i if inner is not item else (i, j)
                ctx.fail(f"must be {what}, not booleans", _at(element, at))


def _exact_floats(obj: np.ndarray[Any, Any], ctx: _Context) -> FloatArray:
    """Numbers as float64; integers too large for float64 (1e309 and up) fail by name."""
    if obj.dtype.kind == "f" and obj.dtype.itemsize > 8:
        with np.errstate(over="ignore"):
            out = obj.astype(np.float64)
        huge = np.isinf(out) & ~np.isinf(obj)
        if huge.any():
            ctx.fail("must be numbers within float64 range", _at(obj[_first(huge)], _first(huge)))
        return out
    return obj.astype(np.float64, copy=False)


def _first(mask: np.ndarray[Any, Any]) -> Any:
    where = np.argwhere(mask)[0]
    return int(where[0]) if where.size == 1 else tuple(int(i) for i in where)


def _num(x: float) -> str:
    # Whole numbers as integers, except huge ones (1e300 rather than its 301 digits).
    return str(int(x)) if float(x).is_integer() and abs(x) < 1e16 else repr(float(x))


def _one_number(item: Any, index: tuple[int, ...], ctx: _Context, what: str, nan_ok: bool) -> float:
    if item is None or item is pd.NaT or item is pd.NA:
        if nan_ok:
            return math.nan
        ctx.fail("must be finite", _at(item, index))
    if isinstance(item, (bool, np.bool_)):
        return float(item)
    if isinstance(item, (_dt.timedelta, np.timedelta64)):
        ctx.fail(f"must be {what}, not timedeltas", _at(item, index))
    if isinstance(item, numbers.Real):
        try:
            return float(item)
        except OverflowError:  # a Python int beyond float64: 10**400
            ctx.fail(f"must be {what} within float64 range", _at(_big(item), index))
    ctx.fail(f"must be {what}", _at(item, index))


def _big(value: object) -> _Described:
    """A huge integer's repr would fill the message: show its digit count instead."""
    text = repr(value)
    return _Described(text if len(text) <= 30 else f"an integer of {len(text)} digits")


def _any_timedelta(obj: np.ndarray[Any, Any]) -> bool:
    return any(isinstance(v, (_dt.timedelta, np.timedelta64)) for v in obj.ravel()[:50])


def _timedeltas_to_seconds(obj: np.ndarray[Any, Any], ctx: _Context, nan_ok: bool) -> FloatArray:
    try:
        td = pd.to_timedelta(obj.ravel())
    except (ValueError, TypeError):
        ctx.fail("must be durations (seconds or timedeltas)", _Described("a mix of types"))
    seconds: FloatArray = np.asarray(td.total_seconds(), dtype=np.float64).reshape(obj.shape)
    if not nan_ok and np.isnan(seconds).any():
        ctx.fail("must be finite", _at(pd.NaT, _first(np.isnan(seconds))))
    return seconds


# ----- instants ----------------------------------------------------------------------
@dataclass(frozen=True)
class Times(Constraint):
    """A 1-d array of instants; returns ``datetime64[ns]`` (timezone-aware input becomes UTC).

    Accepts datetime64 arrays, pandas Series/Index of Timestamps, ``datetime`` objects
    and ISO-8601 strings. Plain numbers are rejected: their unit would be a guess.
    ``allow_nat`` lets missing instants (NaT, None, NaN) through. ``wall_clock_with``
    names an argument (a calendar) which, when given, reads the instants as local
    wall-clock time: aware instants on a clock-change day then warn
    (:class:`~servicekit.errors.TimeZoneWarning`).
    """

    allow_nat: bool = False
    min_len: int = 1
    same_length_as: str | None = None
    optional: bool = False
    wall_clock_with: str | None = None

    def describe(self) -> str:
        return "a 1-d array of instants (datetime64, Timestamps or ISO-8601 strings)"

    def coerce(self, value: Any, ctx: _Context) -> DatetimeArray:
        if self.wall_clock_with is not None and ctx.arguments.get(self.wall_clock_with) is not None:
            warn_on_clock_changes(value, ctx.function, ctx.argument)
        if isinstance(value, (str, bytes, dict, set, pd.DataFrame)) or np.ndim(value) != 1:
            ctx.fail(f"must be {self.describe()}", _type_name(value))
        raw = value.to_numpy() if isinstance(value, (pd.Series, pd.Index)) else np.asarray(value)
        if raw.dtype.kind in "iufb":
            ctx.fail(f"must be {self.describe()}", _Described(f"numbers of dtype {raw.dtype}"))
        if raw.dtype.kind == "M":

            def blame_at(at: int) -> NoReturn:
                ctx.fail(RANGE_TEXT, _Described(f"{raw[at]} at position {at}"))

            out = checked_instants(raw, blame_at)
        else:
            refuse_times_of_day(raw, ctx.function, ctx.argument)
            out = _parse_instants(raw, ctx, self.describe())
        if out.shape[0] < self.min_len:
            ctx.fail(f"must have at least {self.min_len} element(s)", _Described(f"{out.shape[0]}"))
        if self.same_length_as is not None:
            other = ctx.arguments.get(self.same_length_as)
            if other is not None and hasattr(other, "__len__") and len(other) != out.shape[0]:
                ctx.fail(
                    f"must have the same length as '{self.same_length_as}' ({len(other)})",
                    _Described(f"length {out.shape[0]}"),
                )
        nat = np.isnat(out)
        if not self.allow_nat and nat.any():
            ctx.fail("must not hold missing instants (NaT)", _at(pd.NaT, _first(nat)))
        return out

    def invalid_values(self, valid: Any) -> Iterator[tuple[str, Any]]:
        yield from super().invalid_values(valid)
        yield "a string", "2024-01-01"
        yield "numbers", [1.0, 2.0]
        yield "unparseable string", ["not a date"]
        yield "empty", np.array([], dtype="datetime64[ns]")
        good = np.asarray(self.coerce(valid, _Context("f", "a", {})))
        text = [str(pd.Timestamp(t)) if not np.isnat(t) else None for t in good]
        yield "mixed date formats", ["12/01/2024 09:00"] * (len(text) - 1) + ["13/01/2024 10:00"]
        yield "an out-of-range instant", [*text[:-1], "2300-01-01"]
        yield "a 9999-12-31 sentinel", [*text[:-1], "9999-12-31"]
        far = good.astype("datetime64[us]")
        far[-1] = np.datetime64("3024-05-02", "us")
        yield "an out-of-range datetime64[us]", far
        if not self.allow_nat:
            yield "NaT", np.concatenate([good[:-1], np.array(["NaT"], dtype="datetime64[ns]")])
        if self.same_length_as is not None:
            yield "one element too many", np.concatenate([good, good[-1:]])


#: A clock time without a date: "9:05", "0:10:10", "23:59:59.5", "9:05 pm".
TIME_OF_DAY_PATTERN = r"\s*\d{1,2}:\d{2}(?::\d{2}(?:\.\d*)?)?\s*(?:[AaPp][Mm])?\s*"


def first_time_of_day(values: Any) -> int:
    """Position of the first string that is a time of day without a date, or -1."""
    series = pd.Series(np.asarray(values, dtype=object).ravel())
    is_text = series.map(type).isin((str, np.str_)).to_numpy()
    if not is_text.any():
        return -1
    bare = series[is_text].astype(str).str.fullmatch(TIME_OF_DAY_PATTERN).to_numpy(dtype=bool)
    return int(np.flatnonzero(is_text)[np.argmax(bare)]) if bare.any() else -1


def refuse_times_of_day(values: Any, function: str, argument: str) -> None:
    """Fail when ``values`` holds a clock time without a date: it is not an instant.

    Parsers would silently date ``"0:10:10"`` on today's date; an elapsed time
    computed from it would be right only by luck (and wrong across midnight).

    Examples
    --------
    >>> refuse_times_of_day(["2024-03-01 09:00", "0:10:10"], "f", "created")
    Traceback (most recent call last):
    ...
    servicekit.errors.InvalidInputError: f(): 'created' must hold instants with a date, not only a time of day (combine a date column with time columns by servicekit.metrics.combine_date_time); got '0:10:10' at position 1
    """
    at = first_time_of_day(values)
    if at >= 0:
        fail(
            function,
            argument,
            "must hold instants with a date, not only a time of day (combine a date column "
            "with time columns by servicekit.metrics.combine_date_time)",
            np.asarray(values, dtype=object).ravel()[at],
            position=at,
        )


_INSTANT_KINDS = frozenset({"string", "datetime", "datetime64", "date", "empty"})

#: Instants servicekit can hold: datetime64[ns] spans 1677-09-21 to 2262-04-11; whole
#: days inside that span are accepted, anything else is an error naming the value.
EARLIEST_INSTANT = np.datetime64("1677-09-22T00:00:00")
LATEST_INSTANT = np.datetime64("2262-04-10T23:59:59")
RANGE_TEXT = (
    "must hold instants between 1677-09-22 and 2262-04-10 (the range of nanosecond "
    "timestamps); a far-future 'still open' sentinel such as 9999-12-31 must be a "
    "missing value (NaT/None) instead"
)


def _parse_instants(raw: np.ndarray[Any, Any], ctx: _Context, what: str) -> DatetimeArray:
    """Vectorised parse of strings/datetimes to naive-UTC datetime64[ns]; loops only to blame."""
    if pd.api.types.infer_dtype(raw, skipna=True) in _INSTANT_KINDS:
        series = pd.Series(raw, dtype=object)

        def blame(problem: str, value: object, position: int) -> NoReturn:
            ctx.fail(problem, _at(value, position))

        return instants_from_series(series, blame, f"must be {what}")
    out = np.empty(raw.shape, dtype="datetime64[ns]")
    for i, item in enumerate(raw):
        out[i] = _one_instant(item, i, ctx, what)
    return out


def instants_from_series(
    values: pd.Series, blame: Callable[[str, object, int], NoReturn], unparseable: str
) -> DatetimeArray:
    """Strings or datetimes as naive-UTC ``datetime64[ns]``, one date format for all.

    ISO-8601 text (any mix of its variants) is parsed strictly. Any other text is
    parsed with the one format pandas infers from the first value (``"%m/%d/%Y"``
    for ``"12/01/2024"``); a value in another format is refused, never re-guessed
    element by element: ``"13/01/2024"`` after ``"12/01/2024"`` would otherwise turn
    a day-first column into a mix of days and months. Instants outside
    :data:`EARLIEST_INSTANT`..:data:`LATEST_INSTANT` are refused too, instead of
    wrapping around. Missing values (None, NaN, NaT) become NaT. ``blame(problem,
    value, position)`` raises for the first offending value (with ``unparseable``
    as the problem for a value that is no instant in any format).
    """
    present = values.notna().to_numpy()
    parsed: pd.Series | None = None
    try:
        parsed = pd.to_datetime(values, utc=True, format="ISO8601")
    except (ValueError, TypeError, OverflowError):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                parsed = pd.to_datetime(values, utc=True, errors="coerce")
            except (ValueError, TypeError, OverflowError):
                parsed = None
        guessed = any("infer format" in str(w.message) for w in caught)
        failed = present if parsed is None else present & parsed.isna().to_numpy()
        if guessed or failed.any():
            at = int(np.argmax(failed)) if failed.any() else int(np.argmax(present))
            value = values.iloc[at]
            if _out_of_range(value):
                blame(RANGE_TEXT, value, at)
            if not _parses_alone(value):
                blame(unparseable, value, at)
            first = int(np.argmax(present))
            blame(
                "must hold instants in one date format (the first value's, "
                f"{values.iloc[first]!r}); parse mixed or day-first text yourself, e.g. "
                "pandas.to_datetime(..., format='%d/%m/%Y %H:%M')",
                value,
                at,
            )
    assert parsed is not None
    native = parsed.dt.tz_localize(None).to_numpy()
    return checked_instants(native, lambda at: blame(RANGE_TEXT, values.iloc[at], at))


def checked_instants(
    native: np.ndarray[Any, Any], blame_at: Callable[[int], NoReturn]
) -> DatetimeArray:
    """``datetime64`` of any unit as ``datetime64[ns]``, refusing instants it cannot hold.

    NumPy's unit conversion wraps around silently (2300-01-01 in microseconds becomes
    a date in 1715 in nanoseconds); this checks the range first and calls
    ``blame_at(position)`` for the first instant outside it.
    """
    if native.dtype != np.dtype("datetime64[ns]"):
        outside = (native < EARLIEST_INSTANT) | (native > LATEST_INSTANT)  # NaT compares False
        if outside.any():
            blame_at(int(np.argmax(outside)))
    out: DatetimeArray = native.astype("datetime64[ns]")
    return out


def _parses_alone(value: object) -> bool:
    """Whether pandas reads the value as an instant on its own (in some format)."""
    try:
        pd.Timestamp(value)  # type: ignore[arg-type]
    except (ValueError, TypeError, OverflowError):
        return False
    return True


def _out_of_range(value: object) -> bool:
    """Whether a value parses as an instant outside the nanosecond range."""
    try:
        stamp = pd.Timestamp(value)  # type: ignore[arg-type]
    except (ValueError, TypeError, OverflowError):
        return _looks_far(value)
    if stamp is pd.NaT:
        return False
    native = stamp.to_datetime64()
    return bool(native < EARLIEST_INSTANT or native > LATEST_INSTANT)


def _looks_far(value: object) -> bool:
    """A leading year beyond pandas' reach (``"99999-01-01"``) on text that fails to parse."""
    text = str(value).strip()
    digits = len(text) - len(text.lstrip("0123456789"))
    return digits >= 4 and not 1677 <= int(text[:digits]) <= 2262


def _one_instant(item: Any, index: int, ctx: _Context, what: str) -> np.datetime64:
    if item is None or item is pd.NaT or (isinstance(item, float) and math.isnan(item)):
        return np.datetime64("NaT", "ns")
    if isinstance(item, (str, _dt.datetime, _dt.date, np.datetime64, pd.Timestamp)):
        try:
            stamp = pd.Timestamp(str(item) if isinstance(item, str) else item)
        except (ValueError, TypeError, OverflowError):
            if _looks_far(item):
                ctx.fail(RANGE_TEXT, _at(item, index))
            ctx.fail(f"must be {what}", _at(item, index))
        if stamp is pd.NaT:
            return np.datetime64("NaT", "ns")
        if stamp.tzinfo is not None:
            stamp = stamp.tz_convert("UTC").tz_localize(None)
        native = np.asarray([stamp.to_datetime64()])

        def blame_at(_: int) -> NoReturn:
            ctx.fail(RANGE_TEXT, _at(item, index))

        instant: np.datetime64 = checked_instants(native, blame_at)[0]
        return instant
    ctx.fail(f"must be {what}", _at(item, index))


# ----- scalars -------------------------------------------------------------------------
@dataclass(frozen=True)
class Interval(Constraint):
    """A real or integer scalar in a (half-)open or closed interval.

    ``kind="duration"`` also accepts timedeltas and returns seconds as a float.
    Booleans are never numbers here: ``True`` for ``confidence`` is a mistake.
    """

    kind: Literal["real", "int", "duration"] = "real"
    low: float | None = None
    high: float | None = None
    low_open: bool = False
    high_open: bool = False
    optional: bool = False

    def describe(self) -> str:
        noun = {"real": "a real number", "int": "an integer", "duration": "a duration in seconds"}
        text = noun[self.kind]
        if self.low is not None and self.high is not None:
            lb, hb = ("(" if self.low_open else "["), (")" if self.high_open else "]")
            text += f" in {lb}{_num(self.low)}, {_num(self.high)}{hb}"
        elif self.low is not None:
            text += f" {'>' if self.low_open else '>='} {_num(self.low)}"
        elif self.high is not None:
            text += f" {'<' if self.high_open else '<='} {_num(self.high)}"
        return text + (" or None" if self.optional else "")

    def coerce(self, value: Any, ctx: _Context) -> float | int:
        if self.kind == "duration" and isinstance(value, (_dt.timedelta, np.timedelta64)):
            number: float | int = _timedelta_seconds(value, ctx, self.describe())
        elif isinstance(value, (bool, np.bool_, np.timedelta64)) or not isinstance(
            value, numbers.Real
        ):
            ctx.fail(f"must be {self.describe()}", _type_name(value))
        else:
            number = _scalar_number(value, ctx, self.describe(), whole=self.kind == "int")
        if isinstance(number, float) and not math.isfinite(number):
            ctx.fail(f"must be {self.describe()}", number)
        if self.kind == "int":
            if isinstance(number, float) and not number.is_integer():
                ctx.fail(f"must be {self.describe()}", number)
            number = int(number)
        if self.low is not None and (number <= self.low if self.low_open else number < self.low):
            ctx.fail(f"must be {self.describe()}", number)
        if self.high is not None and (
            number >= self.high if self.high_open else number > self.high
        ):
            ctx.fail(f"must be {self.describe()}", number)
        return float(number) if self.kind == "duration" else number

    def invalid_values(self, valid: Any) -> Iterator[tuple[str, Any]]:
        yield from super().invalid_values(valid)
        yield "a string", "1"
        yield "a bool", True
        yield "a huge integer", 10**400
        if self.kind != "duration":
            yield "a timedelta", np.timedelta64(5, "s")
        yield "NaN", math.nan
        yield "inf", math.inf
        if self.kind == "int":
            yield "non-integer", (self.low if self.low is not None else 0) + 0.5
        if self.low is not None:
            yield "below the lower bound", self.low if self.low_open else self.low - 1
        if self.high is not None:
            yield "above the upper bound", self.high if self.high_open else self.high + 1

    def extreme_values(self, valid: Any) -> Iterator[tuple[str, Any]]:
        if self.high is None and self.kind != "int":
            yield "1e308", 1e308


#: Integer scalars (counts, sizes, seeds) must fit in int64, as NumPy needs them to.
_INT64_MAX = int(np.iinfo(np.int64).max)


def _scalar_number(value: Any, ctx: _Context, what: str, *, whole: bool = False) -> float | int:
    """A real scalar as ``float``, an integral one as ``int``; both within machine range.

    ``whole=True`` (counts, sizes) requires the int64 range; otherwise an integer must
    fit in float64, as arithmetic on it will.
    """
    if isinstance(value, numbers.Integral):
        number = int(value)
        if whole and abs(number) > _INT64_MAX:
            ctx.fail(f"must be {what} within the int64 range", _big(number))
        if not whole:
            try:
                float(number)
            except OverflowError:
                ctx.fail(f"must be {what} within float64 range", _big(number))
        return number
    try:
        return float(value)
    except OverflowError:  # a Fraction or Decimal beyond float64
        ctx.fail(f"must be {what} within float64 range", _big(value))


def _timedelta_seconds(value: Any, ctx: _Context, what: str) -> float:
    try:
        return float(pd.Timedelta(value).total_seconds())
    except (OverflowError, ValueError):  # beyond pandas' nanosecond range (~292 years)
        ctx.fail(f"must be {what} within about 292 years", _type_name(value))


@dataclass(frozen=True, init=False)
class Options(Constraint):
    """One of a fixed set of values (usually strings naming a method)."""

    values: tuple[Hashable, ...]
    optional: bool = False

    def __init__(self, *values: Hashable, optional: bool = False):
        object.__setattr__(self, "values", values)
        object.__setattr__(self, "optional", optional)

    def describe(self) -> str:
        return "one of " + ", ".join(repr(v) for v in self.values)

    def coerce(self, value: Any, ctx: _Context) -> Any:
        try:
            known = value in self.values
        except TypeError:  # unhashable
            known = False
        if not known or isinstance(value, bool) != any(isinstance(v, bool) for v in self.values):
            ctx.fail(f"must be {self.describe()}", value)
        return value

    def invalid_values(self, valid: Any) -> Iterator[tuple[str, Any]]:
        yield from super().invalid_values(valid)
        yield "an unknown option", "no-such-option"
        yield "a list", list(self.values[:1])


@dataclass(frozen=True)
class Flag(Constraint):
    """A boolean (``True``/``False`` or NumPy's ``bool_``); 0/1 and strings are rejected."""

    optional: bool = False

    def describe(self) -> str:
        return "True or False"

    def coerce(self, value: Any, ctx: _Context) -> bool:
        if not isinstance(value, (bool, np.bool_)):
            ctx.fail(f"must be {self.describe()}", _type_name(value))
        return bool(value)

    def invalid_values(self, valid: Any) -> Iterator[tuple[str, Any]]:
        yield from super().invalid_values(valid)
        yield "a string", "yes"
        yield "an int", 1


@dataclass(frozen=True, init=False)
class InstanceOf(Constraint):
    """An instance of one of the given types (no coercion)."""

    types: tuple[type, ...]
    optional: bool = False

    def __init__(self, *types: type, optional: bool = False):
        object.__setattr__(self, "types", types)
        object.__setattr__(self, "optional", optional)

    def describe(self) -> str:
        return "an instance of " + " or ".join(t.__name__ for t in self.types)

    def coerce(self, value: Any, ctx: _Context) -> Any:
        if not isinstance(value, self.types) or (
            isinstance(value, bool) and bool not in self.types
        ):
            ctx.fail(f"must be {self.describe()}", _type_name(value))
        return value

    def invalid_values(self, valid: Any) -> Iterator[tuple[str, Any]]:
        yield from super().invalid_values(valid)
        yield "an object of another type", object()


# ----- texts and labels ----------------------------------------------------------------
@dataclass(frozen=True)
class Texts(Constraint):
    """A sequence of non-empty strings; returns ``list[str]``.

    ``single_ok=True`` also accepts one string and wraps it in a list. Blank strings
    (only whitespace) are rejected unless ``allow_blank=True``.
    """

    min_len: int = 1
    allow_blank: bool = False
    single_ok: bool = False
    same_length_as: str | None = None
    optional: bool = False

    def describe(self) -> str:
        return "a sequence of non-empty strings" + (" or one string" if self.single_ok else "")

    def coerce(self, value: Any, ctx: _Context) -> list[str]:
        if isinstance(value, str):
            if not self.single_ok:
                ctx.fail(f"must be {self.describe()}", _type_name(value))
            value = [value]
        if isinstance(value, (pd.Series, pd.Index, np.ndarray)):
            if np.ndim(value) != 1:
                ctx.fail(
                    f"must be {self.describe()}", _Described(f"an array of shape {np.shape(value)}")
                )
            value = list(value)
        if not isinstance(value, Sequence) or isinstance(value, bytes):
            ctx.fail(f"must be {self.describe()}", _type_name(value))
        out = list(value)
        for i, item in enumerate(out):
            if not isinstance(item, str):
                ctx.fail("must hold only strings", _at(item, i))
            if not self.allow_blank and not item.strip():
                ctx.fail("must not hold empty strings", _at(item, i))
        if len(out) < self.min_len:
            ctx.fail(f"must have at least {self.min_len} element(s)", _Described(str(len(out))))
        _check_same_length(self.same_length_as, len(out), ctx)
        _check_unicode(out, ctx)
        return out

    def invalid_values(self, valid: Any) -> Iterator[tuple[str, Any]]:
        yield from super().invalid_values(valid)
        yield "a number", 3
        yield "a non-string element", ["fine", 3]
        yield "a NaN element", ["fine", math.nan]
        yield "an empty string", ["fine", ""]
        yield "a lone surrogate", ["fine", "bad \ud800"]
        yield "empty", []
        if self.same_length_as is not None:
            good = [valid] if isinstance(valid, str) else list(valid)
            yield "one element too many", [*good, good[-1]]


@dataclass(frozen=True)
class Text(Constraint):
    """One non-empty string (a name, a query); blank strings are rejected."""

    optional: bool = False

    def describe(self) -> str:
        return "a non-empty string"

    def coerce(self, value: Any, ctx: _Context) -> str:
        if not isinstance(value, str):
            ctx.fail(f"must be {self.describe()}", _type_name(value))
        if not value.strip():
            ctx.fail(f"must be {self.describe()}", value)
        _check_unicode([value], ctx)
        return value

    def invalid_values(self, valid: Any) -> Iterator[tuple[str, Any]]:
        yield from super().invalid_values(valid)
        yield "a number", 3
        yield "a list", [valid]
        yield "an empty string", ""
        yield "a blank string", "   "
        yield "a lone surrogate", "bad \ud800"


@dataclass(frozen=True)
class Labels(Constraint):
    """Class labels: a 1-d sequence of strings, integers or booleans without missing values.

    Returns a NumPy array of the labels (strings stay strings, booleans stay booleans).
    All labels must be of one kind: ``True`` and ``1`` are never mixed. ``min_classes``
    requires that many distinct labels (a classifier needs at least two).
    """

    min_classes: int = 1
    same_length_as: str | None = None
    optional: bool = False

    def describe(self) -> str:
        return "a 1-d sequence of labels (strings, integers or booleans)"

    def coerce(self, value: Any, ctx: _Context) -> np.ndarray[Any, Any]:
        if isinstance(value, (str, bytes, dict, set, pd.DataFrame)) or np.ndim(value) != 1:
            ctx.fail(f"must be {self.describe()}", _type_name(value))
        items = list(value.to_numpy() if isinstance(value, (pd.Series, pd.Index)) else value)
        for i, item in enumerate(items):
            if item is None or item is pd.NA or (isinstance(item, float) and math.isnan(item)):
                ctx.fail("must not hold missing labels", _at(item, i))
            if isinstance(item, (float, np.floating)) or not isinstance(
                item, (str, numbers.Integral, np.integer, np.bool_)
            ):
                ctx.fail("must hold strings, integers or booleans", _at(item, i))
        if not items:
            ctx.fail("must have at least 1 element", _Described("0"))
        _check_same_length(self.same_length_as, len(items), ctx)
        kinds = {
            "str"
            if isinstance(item, str)
            else "bool"
            if isinstance(item, (bool, np.bool_))
            else "int"
            for item in items
        }
        if len(kinds) > 1:
            ctx.fail(
                "must hold labels of one type (all strings, all integers or all booleans)",
                _type_name(value),
            )
        arr = np.asarray(items)
        if arr.dtype.kind not in "biuUS":  # pragma: no cover - defensive
            ctx.fail(
                "must hold labels of one type (all strings, all integers or all booleans)",
                _type_name(value),
            )
        _check_unicode(items, ctx)
        distinct = len(np.unique(arr))
        if distinct < self.min_classes:
            ctx.fail(
                f"must hold at least {self.min_classes} distinct labels", _Described(str(distinct))
            )
        return arr

    def invalid_values(self, valid: Any) -> Iterator[tuple[str, Any]]:
        yield from super().invalid_values(valid)
        yield "a string", "label"
        yield "empty", []
        good = list(valid)
        yield "a missing label", [*good[:-1], None]
        yield "a NaN label", [*good[:-1], math.nan]
        yield "a lone surrogate", [*(str(g) for g in good[:-1]), "bad \ud800"]
        if self.min_classes >= 2:
            yield "a single class", [good[0]] * len(good)
        if self.same_length_as is not None:
            yield "one element too many", [*good, good[-1]]


def _check_unicode(items: Sequence[Any], ctx: _Context) -> None:
    r"""Refuse strings holding a lone surrogate (``"\ud800"``): they are not Unicode text.

    Such strings cannot be written as UTF-8, so a model trained on them could not be
    saved; they are refused where they enter instead.
    """
    try:
        "".join(item for item in items if isinstance(item, str)).encode("utf-8")
    except UnicodeEncodeError:
        for i, item in enumerate(items):
            if isinstance(item, str):
                try:
                    item.encode("utf-8")
                except UnicodeEncodeError:
                    ctx.fail("must be valid Unicode text (a lone surrogate is not)", _at(item, i))


def _check_same_length(other_name: str | None, length: int, ctx: _Context) -> None:
    if other_name is None:
        return
    other = ctx.arguments.get(other_name)
    if other is not None and hasattr(other, "__len__") and len(other) != length:
        ctx.fail(
            f"must have the same length as '{other_name}' ({len(other)})",
            _Described(f"length {length}"),
        )


# ----- tables --------------------------------------------------------------------------
@dataclass(frozen=True)
class Frame(Constraint):
    """A pandas DataFrame with at least ``min_rows`` rows and the ``columns`` listed."""

    columns: tuple[str, ...] = ()
    min_rows: int = 1
    optional: bool = False

    def describe(self) -> str:
        return "a pandas DataFrame"

    def coerce(self, value: Any, ctx: _Context) -> pd.DataFrame:
        if not isinstance(value, pd.DataFrame):
            ctx.fail(f"must be {self.describe()}", _type_name(value))
        missing = [c for c in self.columns if c not in value.columns]
        if missing:
            ctx.fail(
                f"must have the column(s) {missing}",
                _Described(
                    f"{known_names(value.columns)}{did_you_mean(missing[0], value.columns)}"
                ),
            )
        if len(value) < self.min_rows:
            ctx.fail(f"must have at least {self.min_rows} row(s)", _Described(str(len(value))))
        _check_unique_labels(value, ctx)
        return value

    def invalid_values(self, valid: Any) -> Iterator[tuple[str, Any]]:
        yield from super().invalid_values(valid)
        yield "a list", [[1, 2]]
        if valid.shape[1] >= 1:
            yield "a duplicated column label", pd.concat([valid, valid.iloc[:, :1]], axis=1)
        if self.min_rows >= 1:
            yield "no rows", valid.iloc[:0]
        if self.columns:
            yield "a missing column", valid.drop(columns=[self.columns[0]])


def _check_unique_labels(table: pd.DataFrame, ctx: _Context) -> None:
    """A label naming two columns makes every lookup by it ambiguous: refuse it."""
    if not table.columns.is_unique:
        repeated = table.columns[table.columns.duplicated()][0]
        ctx.fail("must not have duplicated column labels", _Described(f"{repeated!r} twice"))


@dataclass(frozen=True)
class Column(Constraint):
    """The name of a column of the DataFrame passed as argument ``frame``.

    ``many=True`` also accepts a list of names (returned as a list);
    ``allow_empty=True`` lets an empty list or tuple through (e.g. ``exclude=()``);
    ``plain=True`` refuses a column holding lists, dicts or arrays (keys, ids, instants),
    naming the row. A label that names several columns is always refused.
    """

    frame: str
    many: bool = False
    allow_empty: bool = False
    optional: bool = False
    plain: bool = False

    def describe(self) -> str:
        return f"a column name of '{self.frame}'" + (" or a list of them" if self.many else "")

    def coerce(self, value: Any, ctx: _Context) -> Any:
        names = list(value) if self.many and isinstance(value, (list, tuple)) else [value]
        if self.many and not names and not self.allow_empty:
            ctx.fail(f"must be {self.describe()}", value)
        table = ctx.arguments.get(self.frame)
        for name in names:
            if not isinstance(name, Hashable) or isinstance(name, (list, tuple)):
                ctx.fail(f"must be {self.describe()}", _type_name(name))
            if isinstance(table, pd.DataFrame) and name not in table.columns:
                ctx.fail(
                    f"must name a column of '{self.frame}' ({known_names(table.columns)})",
                    unknown_name(name, table.columns),
                )
            if isinstance(table, pd.DataFrame):
                _check_plain_cells(table, name, self.frame, ctx, lists_ok=not self.plain)
        return names if self.many and isinstance(value, (list, tuple)) else value

    def invalid_arguments(
        self, argument: str, arguments: Mapping[str, Any]
    ) -> Iterator[tuple[str, dict[str, Any]]]:
        yield from super().invalid_arguments(argument, arguments)
        table, value = arguments.get(self.frame), arguments.get(argument)
        if not self.plain or not isinstance(table, pd.DataFrame) or value is None or not len(table):
            return
        name = value[0] if isinstance(value, list) else value
        if name not in table.columns:
            return
        with_list = table.copy()
        cells = with_list[name].astype(object).to_numpy(copy=True)
        cells[-1] = [cells[-1]]
        with_list[name] = pd.Series(cells, index=with_list.index, dtype=object)
        yield "a list-valued cell", {**arguments, self.frame: with_list}

    def invalid_values(self, valid: Any) -> Iterator[tuple[str, Any]]:
        yield from super().invalid_values(valid)
        yield "an unknown column", "no-such-column"
        yield "an unhashable value", {"a": 1}


def _check_plain_cells(
    table: pd.DataFrame, name: Hashable, frame: str, ctx: _Context, *, lists_ok: bool
) -> None:
    """Fail for a label naming several columns, or a column holding lists, dicts or arrays."""
    column: Any = table[name]
    if isinstance(column, pd.DataFrame):
        ctx.fail(
            f"must name one column of '{frame}', but the label is duplicated there",
            _Described(f"{name!r} ({column.shape[1]} columns)"),
        )
    if (
        lists_ok
        or column.dtype != object
        or pd.api.types.infer_dtype(column, skipna=True)
        not in (
            "mixed",
            "mixed-integer",
            "unknown-array",
        )
    ):
        return  # strings, numbers, datetimes, categories: plain values
    bad = column.map(lambda v: isinstance(v, (list, dict, set, tuple, np.ndarray))).to_numpy(
        dtype=bool
    )
    if bad.any():
        at = int(np.argmax(bad))
        ctx.fail(
            f"must name a column of plain values (no lists, dicts or arrays) in '{frame}'",
            _Described(f"{column.iloc[at]!r} in column {name!r} at row {at}"),
        )


@dataclass(frozen=True)
class NumberMapping(Constraint):
    """A non-empty mapping of string names to real numbers within [``low``, ``high``].

    Returns a ``dict[str, float]``; messages name the offending key.
    """

    low: float | None = None
    high: float | None = None
    optional: bool = False

    def describe(self) -> str:
        return "a non-empty mapping of names to numbers" + (
            f" in [{_num(self.low)}, {_num(self.high)}]"
            if self.low is not None and self.high is not None
            else ""
        )

    def coerce(self, value: Any, ctx: _Context) -> dict[str, float]:
        if not isinstance(value, Mapping) or not value:
            ctx.fail(f"must be {self.describe()}", _type_name(value))
        out: dict[str, float] = {}
        for key, number in value.items():
            if not isinstance(key, str):
                ctx.fail("must have string keys", _type_name(key))
            if isinstance(number, (bool, np.bool_, np.timedelta64)) or not isinstance(
                number, numbers.Real
            ):
                ctx.fail(f"must map {key!r} to a number", _type_name(number))
            x = float(_scalar_number(number, ctx, f"a number for {key!r}"))
            if not math.isfinite(x):
                ctx.fail(f"must map {key!r} to a finite number", x)
            if (self.low is not None and x < self.low) or (self.high is not None and x > self.high):
                ctx.fail(f"must map {key!r} to a number {self._bounds()}", x)
            out[key] = x
        return out

    def _bounds(self) -> str:
        # Only the bounds that exist: a mapping bounded below only must not read "in [0, 0]".
        if self.low is not None and self.high is not None:
            return f"in [{_num(self.low)}, {_num(self.high)}]"
        return f">= {_num(self.low)}" if self.low is not None else f"<= {_num(self.high or 0)}"

    def invalid_values(self, valid: Any) -> Iterator[tuple[str, Any]]:
        yield from super().invalid_values(valid)
        yield "a list", [1.0]
        yield "empty", {}
        key = next(iter(valid))
        yield "a NaN value", {**valid, key: math.nan}
        yield "a string value", {**valid, key: "high"}
        yield "a huge integer value", {**valid, key: 10**400}
        yield "a timedelta value", {**valid, key: np.timedelta64(5, "s")}
        if self.low is not None:
            yield "below the lower bound", {**valid, key: self.low - 1}
        if self.high is not None:
            yield "above the upper bound", {**valid, key: self.high + 1}

    def extreme_values(self, valid: Any) -> Iterator[tuple[str, Any]]:
        if self.high is None:
            yield "1e308 everywhere", dict.fromkeys(valid, 1e308)


# --------------------------------------------------------------------------- decorator
def validated(**constraints: Constraint) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Declare constraints on a function's arguments and enforce them at each call.

    Arguments are checked in signature order, so ``same_length_as`` may refer to any
    earlier argument. The function receives the coerced values. For methods the
    public name is ``ClassName.method``.

    Parameters
    ----------
    **constraints : Constraint
        One per argument name; every name must be a parameter of the function.

    Examples
    --------
    >>> @validated(x=Array(low=0), confidence=Interval(low=0, high=1, low_open=True, high_open=True))
    ... def mean_positive(x, *, confidence=0.95):
    ...     return float(x.mean())
    >>> mean_positive([1, 2, 3])
    2.0
    >>> mean_positive([1, float("nan")])
    Traceback (most recent call last):
    ...
    servicekit.errors.InvalidInputError: mean_positive(): 'x' must be finite; got nan at position 1
    >>> mean_positive([1], confidence=1.5)
    Traceback (most recent call last):
    ...
    servicekit.errors.InvalidInputError: mean_positive(): 'confidence' must be a real number in (0, 1); got 1.5
    """

    def decorate(func: Callable[P, R]) -> Callable[P, R]:
        signature = inspect.signature(func)
        unknown = set(constraints) - set(signature.parameters)
        if unknown:
            raise TypeError(f"@validated on {func.__qualname__}: no parameter(s) {sorted(unknown)}")
        order = [name for name in signature.parameters if name in constraints]
        public_name = func.__qualname__.replace(".<locals>", "")

        @functools.wraps(func)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            try:
                bound = signature.bind(*args, **kwargs)
            except TypeError as exc:
                raise InvalidInputError(str(exc), function=public_name) from None
            bound.apply_defaults()
            arguments = bound.arguments
            for name in order:
                ctx = _Context(public_name, name, arguments)
                arguments[name] = constraints[name].check(arguments[name], ctx)
            return func(*bound.args, **bound.kwargs)

        REGISTRY[wrapper] = dict(constraints)
        wrapper.__servicekit_constraints__ = dict(constraints)  # type: ignore[attr-defined]
        return wrapper

    return decorate


# --------------------------------------------------------------------------- helpers
def as_float_array(x: Any) -> FloatArray:
    """View already-validated input as a float64 array (a no-op for coerced arrays)."""
    return np.asarray(x, dtype=np.float64)


def as_bool_array(x: Any) -> BoolArray:
    """View already-validated input as a bool array (a no-op for coerced arrays)."""
    return np.asarray(x, dtype=np.bool_)
