"""Unit tests of the validation module, on toy functions using every constraint type."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import numpy as np
import pandas as pd
import pytest

from servicekit._validation import (
    Array,
    Column,
    Constraint,
    Flag,
    Frame,
    InstanceOf,
    Interval,
    Labels,
    NumberMapping,
    Options,
    Text,
    Texts,
    Times,
    validated,
)
from servicekit.errors import InvalidInputError


@validated(
    x=Array(low=0, high=10),
    y=Array(kind="int", same_length_as="x", allow_nan=True),
    flags=Array(kind="bool", same_length_as="x"),
    waits=Array(kind="duration", scalar_ok=True, same_length_as="x"),
    matrix=Array(ndim=2, optional=True),
)
def arrays(x: Any, y: Any, flags: Any, waits: Any = 0, matrix: Any = None) -> tuple[Any, ...]:
    return x, y, flags, waits, matrix


@validated(
    level=Interval(low=0, high=1, low_open=True, high_open=True),
    count=Interval(kind="int", low=1, high=100),
    within=Interval(kind="duration", low=0),
    method=Options("a", "b"),
    verbose=Flag(),
    obj=InstanceOf(dict, optional=True),
)
def scalars(
    level: float = 0.5,
    count: int = 3,
    within: Any = 20,
    method: str = "a",
    verbose: bool = False,
    obj: Any = None,
) -> tuple[Any, ...]:
    return level, count, within, method, verbose, obj


@validated(
    created=Times(),
    resolved=Times(allow_nat=True, same_length_as="created"),
)
def instants(created: Any, resolved: Any) -> tuple[Any, Any]:
    return created, resolved


@validated(
    texts=Texts(),
    labels=Labels(min_classes=2, same_length_as="texts"),
    query=Texts(single_ok=True),
    name=Text(),
)
def texts_and_labels(
    texts: Any, labels: Any, query: Any = "hello", name: str = "tier"
) -> tuple[Any, Any, Any]:
    return texts, labels, query


@validated(
    table=Frame(columns=("a",)),
    by=Column("table", many=True, optional=True),
    parts=NumberMapping(low=0, high=100),
)
def tables(table: Any, by: Any = None, parts: Any = None) -> Any:
    return table, by, parts


TOYS: list[tuple[Any, dict[str, Any]]] = [
    (arrays, {"x": [1.0, 2.0, 3.0], "y": [1, 2, 3], "flags": [True, False, True]}),
    (scalars, {}),
    (instants, {"created": ["2024-01-01", "2024-01-02"], "resolved": ["2024-01-03", None]}),
    (texts_and_labels, {"texts": ["hi there", "bye now", "ok"], "labels": ["a", "b", "a"]}),
    (tables, {"table": pd.DataFrame({"a": [1, 2], "b": [3, 4]}), "parts": {"csat": 80.0}}),
]


def _cases() -> list[Any]:
    out = []
    for func, valid in TOYS:
        constraints: dict[str, Constraint] = func.__servicekit_constraints__
        for name, constraint in constraints.items():
            import inspect

            default = inspect.signature(func).parameters[name].default
            good = valid.get(name, default)
            if good is None and name == "matrix":
                good = [[1.0, 2.0]]
            for label, bad in constraint.invalid_values(good):
                out.append(
                    pytest.param(func, valid, name, bad, id=f"{func.__name__}-{name}-{label}")
                )
    return out


@pytest.mark.parametrize(("func", "valid"), TOYS, ids=[f.__name__ for f, _ in TOYS])
def test_toy_valid_calls(func: Any, valid: dict[str, Any]) -> None:
    func(**valid)


@pytest.mark.parametrize(("func", "valid", "name", "bad"), _cases())
def test_every_generated_bad_value_is_rejected(
    func: Any, valid: dict[str, Any], name: str, bad: Any
) -> None:
    with pytest.raises(InvalidInputError) as info:
        func(**{**valid, name: bad})
    assert f"'{name}'" in str(info.value)
    assert str(info.value).startswith(f"{func.__name__}(): ")


def test_arrays_are_coerced() -> None:
    x, y, flags, waits, matrix = arrays(
        pd.Series([1, 2]),
        (1, None),
        np.array([1, 0]),
        [np.timedelta64(3, "s"), dt.timedelta(minutes=1)],
    )
    assert x.dtype == np.float64
    assert math.isnan(y[1])
    assert flags.dtype == bool
    assert flags.tolist() == [True, False]
    assert waits.tolist() == [3.0, 60.0]
    assert matrix is None
    _, _, _, broadcast, _ = arrays([1.0, 2.0, 3.0], [1, 2, 3], [1, 1, 0], waits=pd.Timedelta("2s"))
    assert broadcast.tolist() == [2.0, 2.0, 2.0]


def test_messages_name_function_argument_and_position() -> None:
    with pytest.raises(
        InvalidInputError, match=r"^arrays\(\): 'x' must be finite; got nan at position 2$"
    ):
        arrays([1.0, 2.0, float("nan")], [1, 2, 3], [1, 1, 1])
    with pytest.raises(InvalidInputError, match=r"'x' must be <= 10; got 11.0 at position 0"):
        arrays([11.0], [1], [1])
    with pytest.raises(
        InvalidInputError, match=r"'y' must have the same length as 'x' \(2\); got length 1"
    ):
        arrays([1.0, 2.0], [1], [1, 1])
    with pytest.raises(
        InvalidInputError, match=r"'flags' must be a 1-d array of booleans.*got 2.0 at position 1"
    ):
        arrays([1.0, 2.0], [1, 1], [1, 2])
    with pytest.raises(
        InvalidInputError, match=r"'x' must be a 1-d array of numbers; got 'x' at position 0"
    ):
        arrays(["x"], [1], [1])
    with pytest.raises(InvalidInputError, match=r"'matrix' must be a 2-d array"):
        arrays([1.0], [1], [1], matrix=[1.0])
    with pytest.raises(
        InvalidInputError, match=r"'x' must be a 1-d array of numbers; got a ragged"
    ):
        arrays([[1.0], [1.0, 2.0]], [1], [1])


def test_scalar_messages() -> None:
    with pytest.raises(
        InvalidInputError, match=r"'level' must be a real number in \(0, 1\); got 1"
    ):
        scalars(level=1)
    with pytest.raises(
        InvalidInputError, match=r"'count' must be an integer in \[1, 100\]; got 2.5"
    ):
        scalars(count=2.5)
    assert scalars(count=np.int64(4), within=dt.timedelta(seconds=30))[1:3] == (4, 30.0)
    with pytest.raises(InvalidInputError, match=r"'method' must be one of 'a', 'b'; got 'c'"):
        scalars(method="c")
    with pytest.raises(InvalidInputError, match=r"'verbose' must be True or False"):
        scalars(verbose=1)
    with pytest.raises(InvalidInputError, match="unexpected keyword"):
        scalars(nope=1)  # type: ignore[call-arg]


def test_times_accept_many_forms() -> None:
    stamps = pd.Series(pd.to_datetime(["2024-01-01 10:00", "2024-01-02 11:00"]))
    created, resolved = instants(stamps, np.array(["2024-01-03", "NaT"], dtype="datetime64[s]"))
    assert created.dtype == np.dtype("datetime64[ns]")
    assert np.isnat(resolved[1])
    log_style = instants(["2012/10/09 14:50:17.000", "2012-10-09"], [None, None])[0]
    assert str(log_style[0]) == "2012-10-09T14:50:17.000000000"
    aware = instants(["2024-01-01T12:00:00+01:00"], [dt.datetime(2024, 1, 1)])[0]
    assert str(aware[0]) == "2024-01-01T11:00:00.000000000"
    with pytest.raises(
        InvalidInputError, match=r"'created' must be .*instants.*got 'soon' at position 1"
    ):
        instants(["2024-01-01", "soon"], ["2024-01-01", None])


def test_texts_and_labels() -> None:
    texts, labels, query = texts_and_labels(pd.Series(["a b", "c"]), np.array([1, 2]), "one query")
    assert texts == ["a b", "c"]
    assert labels.tolist() == [1, 2]
    assert query == ["one query"]
    with pytest.raises(InvalidInputError, match="must hold labels of one type"):
        texts_and_labels(["a", "b"], ["x", 1])
    with pytest.raises(
        InvalidInputError, match=r"'labels' must hold strings, integers or booleans; got 1.5"
    ):
        texts_and_labels(["a", "b"], ["x", 1.5])


def test_tables_and_columns() -> None:
    frame = pd.DataFrame({"a": [1], "b": [2]})
    assert tables(frame, by=["a", "b"], parts={"x": 1})[1] == ["a", "b"]
    assert tables(frame, by="a", parts={"x": 1})[1] == "a"
    with pytest.raises(InvalidInputError, match=r"'by' must name a column of 'table'"):
        tables(frame, by=["a", "zzz"], parts={"x": 1})
    with pytest.raises(
        InvalidInputError, match=r"'parts' must map 'x' to a number in \[0, 100\]; got 101.0"
    ):
        tables(frame, parts={"x": 101})


def test_decorator_rejects_unknown_parameter_names() -> None:
    with pytest.raises(TypeError, match="no parameter"):

        @validated(nope=Flag())
        def f(x: int) -> int:
            return x


def test_unknown_columns_say_how_many_there_are_and_suggest_a_close_match() -> None:
    from servicekit._validation import Column, Frame, validated

    @validated(frame=Frame(), target=Column("frame"))
    def pick(frame: pd.DataFrame, target: str) -> str:
        return target

    frame = pd.DataFrame({f"col{i}": [1] for i in range(13)} | {"Churn": [0]})
    with pytest.raises(InvalidInputError) as caught:
        pick(frame, "churn")
    message = str(caught.value)
    assert "(14 columns: col0, col1," in message
    assert "col11, …); got 'churn'; did you mean 'Churn'?" in message
    with pytest.raises(InvalidInputError) as caught:
        pick(frame, "zzz")
    assert str(caught.value).endswith("got 'zzz'")
    with pytest.raises(InvalidInputError, match=r"did you mean 'col1'\?"):
        validated(frame=Frame(columns=("col1x",)))(lambda frame: frame)(frame)
