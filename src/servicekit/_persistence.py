r"""Versioned, checksummed JSON documents for every saved servicekit model (no pickle).

Layout
------
A saved model is one JSON object whose fields sit at the top level::

    {
     "format": "servicekit.LogisticModel",
     "version": 1,
     "<field>": ...,
     ...
     "checksum": "<hex SHA-256>"
    }

``format`` names the kind of model and ``version`` the layout of its fields; a reader
accepts exactly one of each. A model embedding another one stores it either as a
*nested document* (an object with its own ``format`` and ``version`` but no checksum,
read with :meth:`Document.nested`) or as a plain *section* (an object of fields, read
with :meth:`Document.section`).

Numbers are stored in one of two exact ways:

* decimal JSON numbers (:meth:`Document.numbers`), which :mod:`json` writes with
  :func:`repr` and so round-trip every finite float64 exactly; for small arrays a
  person may want to read (coefficients, covariances);
* ``{"shape": [...], "float64": "<base64>"}`` (:func:`encode_array`,
  :meth:`Document.array`): the little-endian IEEE-754 bytes, base64-encoded. Also
  exact, about three times smaller and faster to parse than decimal text, for large
  arrays (text-classifier weights); ``numpy.frombuffer(base64.b64decode(s), "<f8")``
  reads it anywhere.
* ``{"shape": [...], "dtype": "float32" | "float64", "packed": "<base64>"}``
  (:func:`encode_packed_array`, :func:`decode_packed_array`): the same bytes grouped
  by position within each value (all first bytes, then all second bytes, ...) and
  deflated with zlib before base64; for the largest weight matrices. Exact for
  values representable in the stored dtype (the writer refuses others).

NaN and infinities are never written (the writer refuses them) and never read:
neither are numbers beyond float64's range (``1e400`` or a 400-digit integer) or
strings that are not valid Unicode (a ``"\ud800"`` escape of a lone surrogate);
each is a :class:`~servicekit.errors.ModelFormatError`. Where a format allows a
missing number (the NaN coefficient of an aliased column) it is written as ``null``
and read with ``allow_null=True``.

Checksum
--------
``checksum`` is the SHA-256 of the canonical JSON (sorted keys, no whitespace, UTF-8)
of every other top-level field, format and version included. A truncated,
hand-altered or foreign document is therefore rejected with
:class:`~servicekit.errors.ModelFormatError` instead of silently predicting with
different numbers. Readers check structure first (each field's type, shape and
range, with a message naming the field's path) and the checksum last, so the error
says what is wrong whenever it can.

Files
-----
Every saved model type has ``save(path)`` / ``load(path)`` (UTF-8 files holding
exactly the text of ``to_json``), thin wrappers over :func:`write_file` and
:func:`read_file`. :func:`load_file` (public as :func:`servicekit.load`) reads any of
them and returns the right type from the ``format`` field, through :data:`FORMATS`,
a registry of format name to ``"module:Class"`` imported only when such a file is
loaded. ``from_json`` takes only the text: a path, bytes or a dict is an
:class:`~servicekit.errors.InvalidInputError` saying what to call instead, and text
that looks like a file name a :class:`~servicekit.errors.ModelFormatError` saying so.

Why no pickle
-------------
Unpickling runs arbitrary code chosen by whoever wrote the file, and ties the file
to the exact classes and library versions that wrote it. A JSON document is inert
data: loading one can only produce a model or a :class:`ModelFormatError`, and it
stays readable by any language and by later servicekit versions.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import importlib
import json
import math
import os
import re
import zlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

import numpy as np

from servicekit._typing import FloatArray
from servicekit._validation import Constraint, InstanceOf, _Context, _Described, validated
from servicekit.errors import ModelFormatError

__all__ = [
    "FORMATS",
    "PATH",
    "Document",
    "JsonText",
    "decode_packed_array",
    "encode_array",
    "encode_packed_array",
    "load_file",
    "load_json",
    "load_model",
    "read_file",
    "write_document",
    "write_file",
]

#: Every saved model type: format name -> ``"module:Class"`` whose ``from_json`` reads
#: it. Imported lazily (by :func:`load_file`), so ``import servicekit`` stays light.
#: A new saved type adds its line here.
FORMATS: dict[str, str] = {
    "servicekit.ChurnModel": "servicekit.churn.model:ChurnModel",
    "servicekit.FaqIndex": "servicekit.classify.faq:FaqIndex",
    "servicekit.LogisticModel": "servicekit.churn.logistic:LogisticModel",
    "servicekit.QuestionClassifier": "servicekit.classify.model:QuestionClassifier",
    "servicekit.Recommender": "servicekit.recommend.model:Recommender",
    "servicekit.Segmentation": "servicekit.insights.segments:Segmentation",
}

#: The declared type of a ``path`` argument of ``save``/``load``.
PATH = InstanceOf(str, os.PathLike)


def _canonical(fields: Mapping[str, Any]) -> str:
    return json.dumps(
        fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )


def _checksum(fields: Mapping[str, Any]) -> str:
    body = {k: v for k, v in fields.items() if k != "checksum"}
    return hashlib.sha256(_canonical(body).encode("utf-8")).hexdigest()


def write_document(format_name: str, version: int, fields: Mapping[str, Any]) -> str:
    """Serialise ``fields`` as a versioned, checksummed JSON document.

    Parameters
    ----------
    format_name : str
        The kind of model, e.g. ``"servicekit.LogisticModel"``.
    version : int
        The layout version of ``fields``.
    fields : mapping
        JSON-ready fields (no ``format``, ``version`` or ``checksum`` key); float
        arrays either as lists of finite numbers or encoded with :func:`encode_array`.

    Returns
    -------
    str
        Indented JSON text: ``format``, ``version``, the fields, then ``checksum``.

    Raises
    ------
    ValueError
        If a field holds NaN or an infinity, or is not JSON-serialisable.

    Examples
    --------
    >>> text = write_document("servicekit.Example", 1, {"weight": 0.1})
    >>> Document(text, "servicekit.Example", 1).number("weight")
    0.1
    """
    document: dict[str, Any] = {"format": format_name, "version": version, **fields}
    document["checksum"] = _checksum(document)
    return json.dumps(document, indent=1, ensure_ascii=False, allow_nan=False)


def encode_array(values: FloatArray) -> dict[str, Any]:
    """A finite float array as ``{"shape": [...], "float64": "<base64>"}`` (exact).

    Parameters
    ----------
    values : array_like of float
        Any shape; converted to little-endian float64.

    Returns
    -------
    dict
        JSON-ready; read back with :meth:`Document.array`.

    Raises
    ------
    ValueError
        If ``values`` holds NaN or an infinity (never written to a document).

    Examples
    --------
    >>> encode_array(np.array([1.0, 0.5]))
    {'shape': [2], 'float64': 'AAAAAAAA8D8AAAAAAADgPw=='}
    """
    data = np.ascontiguousarray(values, dtype="<f8")
    if not np.isfinite(data).all():
        raise ValueError("cannot write non-finite numbers to a model document")
    return {"shape": list(data.shape), "float64": base64.b64encode(data.tobytes()).decode("ascii")}


def _reject_constant(name: str) -> NoReturn:
    raise ModelFormatError(f"the model file holds the non-finite number {name}")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ModelFormatError(
            f"the model file holds the number {text[:40]} beyond float64's range"
        )
    return value


#: Decimal digits of the largest integer a model file may hold: anything longer is
#: beyond float64's range (about 1.8e308) and could not be read as a number.
_MAX_INTEGER_DIGITS = 308


def _bounded_int(text: str) -> int:
    if len(text.lstrip("-")) > _MAX_INTEGER_DIGITS:
        raise ModelFormatError(
            f"the model file holds a {len(text.lstrip('-'))}-digit integer ({text[:20]}...), "
            "beyond float64's range"
        )
    return int(text)


#: A JSON escape of a UTF-16 surrogate (the half of a pair, or a lone one).
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def _looks_like_path(text: str) -> bool:
    stripped = text.strip()
    return (
        0 < len(stripped) < 4096
        and stripped[0] not in '{["0123456789-'
        and "\n" not in stripped
        and ("/" in stripped or "\\" in stripped or stripped.lower().endswith(".json"))
    )


def _parse(text: str, format_name: str) -> Any:
    """``json.loads`` that only yields finite numbers and valid Unicode strings."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ModelFormatError(
            f"not a {format_name} model file: the text is not valid Unicode "
            f"({exc.reason} at position {exc.start})"
        ) from None
    try:
        fields = json.loads(
            text,
            parse_constant=_reject_constant,
            parse_float=_finite_float,
            parse_int=_bounded_int,
        )
    except ModelFormatError as exc:
        raise ModelFormatError(f"not a {format_name} model file: {exc}") from None
    except (ValueError, RecursionError) as exc:
        if _looks_like_path(text):
            kind = format_name.rsplit(".", 1)[-1]
            raise ModelFormatError(
                f"not a {format_name} model file: got {text.strip()[:200]!r}, which looks like "
                f"a file path, not JSON text; read a file with {kind}.load(path) or "
                "servicekit.load(path)"
            ) from None
        raise ModelFormatError(
            f"not a {format_name} model file: invalid or truncated JSON ({exc})"
        ) from None
    if _SURROGATE_ESCAPE.search(text):  # pairs decode to one character; lone halves do not
        try:
            _canonical(fields).encode("utf-8")
        except UnicodeEncodeError:
            raise ModelFormatError(
                f"not a {format_name} model file: a string holds the escape of a lone "
                "surrogate (\\ud800-\\udfff), which is not valid Unicode text"
            ) from None
    return fields


class Document:
    """A parsed document with typed, path-aware accessors that raise ModelFormatError.

    Every accessor checks one field and returns it typed; on any problem it raises
    :class:`~servicekit.errors.ModelFormatError` whose message names the format and
    the field's path (``"servicekit.ChurnModel model file: field 'logistic.coef'
    must hold 3 item(s), got 2"``).

    Parameters
    ----------
    text : str or None
        The JSON text (``None`` when ``fields`` is given).
    format_name : str
        Expected ``"format"`` field, e.g. ``"servicekit.LogisticModel"``.
    version : int
        The only version this reader understands.
    fields : dict, optional
        Use an already-parsed object (a nested document) instead of ``text``.
    where : str
        Path prefix for messages (the path of a nested document).

    Raises
    ------
    ModelFormatError
        If the text is not JSON, not an object, or has another format or version.

    Examples
    --------
    >>> doc = Document('{"format": "servicekit.Example", "version": 1, "n": 3}',
    ...                "servicekit.Example", 1)
    >>> doc.integer("n")
    3
    >>> doc.text("n")
    Traceback (most recent call last):
    ...
    servicekit.errors.ModelFormatError: servicekit.Example model file: field 'n' must be a non-empty string, got int
    """

    def __init__(
        self,
        text: str | None,
        format_name: str,
        version: int,
        *,
        fields: Any = None,
        where: str = "",
    ) -> None:
        self.format_name = format_name
        self.where = where
        if fields is None:
            fields = _parse(text or "", format_name)
        if not isinstance(fields, dict):
            self.fail("", f"must be a JSON object, got {_kind(fields)}")
        self.fields: dict[str, Any] = fields
        found = fields.get("format")
        if found != format_name:
            self.fail("format", f"must be {format_name!r}, got {found!r} (not this kind of model)")
        found_version = fields.get("version")
        if type(found_version) is not int or found_version != version:
            self.fail(
                "version",
                f"must be {version} (the version this servicekit reads), got {found_version!r}",
            )

    @classmethod
    def section_of(cls, fields: Any, format_name: str, where: str) -> Document:
        """A plain object of fields inside a document (no format or version of its own).

        Parameters
        ----------
        fields : object
            The parsed JSON value; anything but an object raises ModelFormatError.
        format_name : str
            The format of the enclosing document, for messages.
        where : str
            The section's path, for messages.

        Returns
        -------
        Document
            With the same accessors; :meth:`verify_checksum` is not meaningful.

        Examples
        --------
        >>> Document.section_of({"on": True}, "servicekit.Example", "options").flag("on")
        True
        """
        section = cls.__new__(cls)
        section.format_name = format_name
        section.where = where
        if not isinstance(fields, dict):
            section.fail("", f"must be an object, got {_kind(fields)}")
        section.fields = fields
        return section

    # ----------------------------------------------------------------- messages
    def fail(self, key: str, problem: str) -> NoReturn:
        """Raise :class:`ModelFormatError` naming the field.

        Parameters
        ----------
        key : str
            The field, relative to this document (``""`` for the document itself).
        problem : str
            What is wrong, completing the sentence "field 'x' ...".

        Examples
        --------
        >>> Document.section_of({}, "servicekit.Example", "options").fail("n", "is odd")
        Traceback (most recent call last):
        ...
        servicekit.errors.ModelFormatError: servicekit.Example model file: field 'options.n' is odd
        """
        path = _join(self.where, key)
        subject = f"field {path!r}" if path else "document"
        raise ModelFormatError(f"{self.format_name} model file: {subject} {problem}")

    def _get(self, key: str) -> Any:
        if key not in self.fields:
            self.fail(key, "is missing")
        return self.fields[key]

    def expect_keys(self, keys: set[str]) -> None:
        """Fail on missing or unexpected fields (a foreign or altered document).

        Parameters
        ----------
        keys : set of str
            Exactly the fields this format has.

        Examples
        --------
        >>> Document.section_of({"a": 1, "b": 2}, "servicekit.Example", "").expect_keys({"a"})
        Traceback (most recent call last):
        ...
        servicekit.errors.ModelFormatError: servicekit.Example model file: field 'b' is not part of this format
        """
        present = set(self.fields)
        missing = sorted(keys - present)
        extra = sorted(present - keys)
        if missing:
            self.fail(missing[0], "is missing")
        if extra:
            self.fail(extra[0], "is not part of this format")

    def is_null(self, key: str) -> bool:
        """Whether the field is present and ``null`` (missing fields fail).

        Examples
        --------
        >>> Document.section_of({"a": None}, "servicekit.Example", "").is_null("a")
        True
        """
        return self._get(key) is None

    # ----------------------------------------------------------------- scalars
    def number(self, key: str, *, allow_null: bool = False) -> float:
        """A finite real number (``null`` becomes NaN when ``allow_null``).

        Examples
        --------
        >>> Document.section_of({"x": 2}, "servicekit.Example", "").number("x")
        2.0
        """
        value = self._get(key)
        if value is None and allow_null:
            return math.nan
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.fail(key, f"must be a number, got {_kind(value)}")
        number = float(value)
        if not math.isfinite(number):  # pragma: no cover - parse_constant rejects these
            self.fail(key, "must be finite")
        return number

    def integer(self, key: str, *, low: int = 0) -> int:
        """An integer >= ``low`` (booleans are not integers here).

        Examples
        --------
        >>> Document.section_of({"n": 0}, "servicekit.Example", "").integer("n", low=1)
        Traceback (most recent call last):
        ...
        servicekit.errors.ModelFormatError: servicekit.Example model file: field 'n' must be >= 1, got 0
        """
        value = self._get(key)
        if type(value) is not int:
            self.fail(key, f"must be an integer, got {_kind(value)}")
        if value < low:
            self.fail(key, f"must be >= {low}, got {value}")
        return value

    def optional_integer(self, key: str, *, low: int = 0) -> int | None:
        """An integer >= ``low``, or ``None`` for ``null``.

        Examples
        --------
        >>> Document.section_of({"n": None}, "servicekit.Example", "").optional_integer("n")
        """
        return None if self.is_null(key) else self.integer(key, low=low)

    def optional_range(self, key: str, *, low: int = 1) -> tuple[int, int] | None:
        """An integer range ``[first, last]`` with ``low <= first <= last``, or ``None``.

        Examples
        --------
        >>> Document.section_of({"r": [1, 2]}, "servicekit.Example", "").optional_range("r")
        (1, 2)
        """
        value = self._get(key)
        if value is None:
            return None
        if (
            not isinstance(value, list)
            or len(value) != 2
            or not all(type(v) is int for v in value)
            or not low <= value[0] <= value[1]
        ):
            self.fail(key, f"must be null or [first, last] with {low} <= first <= last")
        return (value[0], value[1])

    def flag(self, key: str) -> bool:
        """A JSON boolean.

        Examples
        --------
        >>> Document.section_of({"on": "yes"}, "servicekit.Example", "").flag("on")
        Traceback (most recent call last):
        ...
        servicekit.errors.ModelFormatError: servicekit.Example model file: field 'on' must be true or false, got str
        """
        value = self._get(key)
        if not isinstance(value, bool):
            self.fail(key, f"must be true or false, got {_kind(value)}")
        return value

    def text(self, key: str, *, options: tuple[str, ...] = ()) -> str:
        """A non-empty string (one of ``options`` when given).

        Examples
        --------
        >>> Document.section_of({"m": "svm"}, "servicekit.Example", "").text("m", options=("nb",))
        Traceback (most recent call last):
        ...
        servicekit.errors.ModelFormatError: servicekit.Example model file: field 'm' must be one of ['nb'], got 'svm'
        """
        value = self._get(key)
        if not isinstance(value, str) or not value:
            self.fail(key, f"must be a non-empty string, got {_kind(value)}")
        if options and value not in options:
            self.fail(key, f"must be one of {list(options)}, got {value!r}")
        return value

    def label(self, key: str) -> str | int | bool:
        """A class label: a string, an integer or a boolean.

        Examples
        --------
        >>> Document.section_of({"y": 1}, "servicekit.Example", "").label("y")
        1
        """
        value = self._get(key)
        if not isinstance(value, (str, int, bool)):
            self.fail(key, f"must be a string, integer or boolean label, got {_kind(value)}")
        return value

    # ----------------------------------------------------------------- containers
    def texts(
        self,
        key: str,
        *,
        length: int | None = None,
        unique: bool = True,
        allow_empty: bool = False,
    ) -> tuple[str, ...]:
        """A list of strings (of ``length`` items when given).

        Parameters
        ----------
        key : str
            The field.
        length : int, optional
            The exact number of items required.
        unique : bool
            Reject repeated items.
        allow_empty : bool
            Accept empty strings as items.

        Examples
        --------
        >>> Document.section_of({"t": ["a", "a"]}, "servicekit.Example", "").texts("t")
        Traceback (most recent call last):
        ...
        servicekit.errors.ModelFormatError: servicekit.Example model file: field 't' must not repeat an item
        """
        value = self._get(key)
        if not isinstance(value, list) or not all(
            isinstance(v, str) and (v or allow_empty) for v in value
        ):
            kind = "strings" if allow_empty else "non-empty strings"
            self.fail(key, f"must be a list of {kind}")
        if length is not None and len(value) != length:
            self.fail(key, f"must hold {length} item(s), got {len(value)}")
        if unique and len(set(value)) != len(value):
            self.fail(key, "must not repeat an item")
        return tuple(value)

    def numbers(
        self,
        key: str,
        *,
        shape: tuple[int, ...],
        low: float | None = None,
        allow_null: bool = False,
    ) -> FloatArray:
        """A (nested) list of finite numbers of exactly ``shape``, as a read-only array.

        With ``allow_null``, ``null`` items are accepted and read as NaN.

        Examples
        --------
        >>> doc = Document.section_of({"c": [[1, 2]]}, "servicekit.Example", "")
        >>> doc.numbers("c", shape=(1, 2))
        array([[1., 2.]])
        >>> doc.numbers("c", shape=(2, 2))
        Traceback (most recent call last):
        ...
        servicekit.errors.ModelFormatError: servicekit.Example model file: field 'c' must hold 2 item(s), got 1
        """
        value = self._get(key)
        _check_nested(value, shape, lambda problem: self.fail(key, problem), allow_null)
        array = np.array(value, dtype=np.float64).reshape(shape)  # None -> NaN
        if low is not None and (array < low).any():
            self.fail(key, f"must hold numbers >= {low}")
        array.setflags(write=False)
        return array

    def array(self, key: str, *, shape: tuple[int, ...], low: float | None = None) -> FloatArray:
        """A base64 float64 array written by :func:`encode_array`, of exactly ``shape``.

        The result is finite and read-only.

        Examples
        --------
        >>> doc = Document.section_of({"w": encode_array(np.ones(2))}, "servicekit.Example", "")
        >>> doc.array("w", shape=(2,))
        array([1., 1.])
        >>> doc.array("w", shape=(3,))
        Traceback (most recent call last):
        ...
        servicekit.errors.ModelFormatError: servicekit.Example model file: field 'w' has shape [2], expected [3]
        """
        value = self._get(key)
        if not isinstance(value, dict) or not isinstance(value.get("float64"), str):
            self.fail(key, "must be an encoded float64 array {shape, float64}")
        if set(value) != {"shape", "float64"}:
            self.fail(key, "must hold only 'shape' and 'float64'")
        if value["shape"] != list(shape):
            self.fail(key, f"has shape {value['shape']!r}, expected {list(shape)}")
        try:
            raw = base64.b64decode(value["float64"], validate=True)
        except (binascii.Error, ValueError):
            self.fail(key, "is not valid base64")
        if len(raw) != 8 * math.prod(shape):
            self.fail(key, f"holds {len(raw)} bytes, not the {8 * math.prod(shape)} of its shape")
        array = np.frombuffer(raw, dtype="<f8").astype(np.float64).reshape(shape)
        if not np.isfinite(array).all():
            self.fail(key, "holds non-finite numbers")
        if low is not None and (array < low).any():
            self.fail(key, f"must hold numbers >= {low}")
        array.setflags(write=False)
        return array

    def mapping(self, key: str) -> dict[str, Any]:
        """A JSON object, as a plain dict.

        Examples
        --------
        >>> Document.section_of({"o": []}, "servicekit.Example", "").mapping("o")
        Traceback (most recent call last):
        ...
        servicekit.errors.ModelFormatError: servicekit.Example model file: field 'o' must be an object, got list
        """
        value = self._get(key)
        if not isinstance(value, dict):
            self.fail(key, f"must be an object, got {_kind(value)}")
        return value

    def section(self, key: str) -> Document:
        """A JSON object of fields, with the same accessors (paths prefixed by ``key``).

        Examples
        --------
        >>> doc = Document.section_of({"o": {"n": "1"}}, "servicekit.Example", "")
        >>> doc.section("o").integer("n")
        Traceback (most recent call last):
        ...
        servicekit.errors.ModelFormatError: servicekit.Example model file: field 'o.n' must be an integer, got str
        """
        return Document.section_of(self.mapping(key), self.format_name, _join(self.where, key))

    def optional_section(self, key: str) -> Document | None:
        """Like :meth:`section`, or ``None`` when the field is ``null``.

        Examples
        --------
        >>> Document.section_of({"o": None}, "servicekit.Example", "").optional_section("o")
        """
        return None if self.is_null(key) else self.section(key)

    def nested(self, key: str, format_name: str, version: int) -> Document:
        """A nested document (validated like a top-level one, without its own checksum).

        Examples
        --------
        >>> inner = {"format": "servicekit.Inner", "version": 2}
        >>> outer = Document.section_of({"inner": inner}, "servicekit.Example", "")
        >>> outer.nested("inner", "servicekit.Inner", 1)
        Traceback (most recent call last):
        ...
        servicekit.errors.ModelFormatError: servicekit.Inner model file: field 'inner.version' must be 1 (the version this servicekit reads), got 2
        """
        value = self.mapping(key)
        return Document(None, format_name, version, fields=value, where=_join(self.where, key))

    def verify_checksum(self) -> None:
        """Fail unless the ``checksum`` field matches the rest of the document.

        Examples
        --------
        >>> text = write_document("servicekit.Example", 1, {"n": 1})
        >>> Document(text.replace('"n": 1', '"n": 2'), "servicekit.Example", 1).verify_checksum()
        Traceback (most recent call last):
        ...
        servicekit.errors.ModelFormatError: servicekit.Example model file: field 'checksum' does not match the content: the document was altered
        """
        value = self._get("checksum")
        if not isinstance(value, str) or value != _checksum(self.fields):
            self.fail("checksum", "does not match the content: the document was altered")


def load_json(text: str, format_name: str) -> Any:
    """Parse a model file's JSON text before its version is known (the checks of :class:`Document`).

    A reader that understands several versions of a format parses once with this,
    looks at ``version``, then reads the fields with
    ``Document(None, format_name, version, fields=...)``.

    Raises
    ------
    ModelFormatError
        If the text is not valid JSON, looks like a file path, or holds NaN,
        infinities, numbers beyond float64 or strings that are not valid Unicode.

    Examples
    --------
    >>> load_json('{"version": 2}', "servicekit.Example")["version"]
    2
    """
    return _parse(text, format_name)


def encode_packed_array(values: FloatArray, *, dtype: str = "float64") -> dict[str, Any]:
    """A finite array as ``{"shape", "dtype", "packed"}``: byte-shuffled, zlib, base64.

    For large weight matrices: the bytes of each value are grouped by position
    (all first bytes, then all second bytes, ...), which puts the similar exponent
    bytes together, then deflated. Exact for values representable in ``dtype``
    (``"float32"`` or ``"float64"``); read back with :func:`decode_packed_array`.

    Raises
    ------
    ValueError
        If ``values`` holds NaN or an infinity, or is not exactly representable in
        ``dtype`` (storage must never change a number).

    Examples
    --------
    >>> packed = encode_packed_array(np.array([0.5, 1.0, 1.5]), dtype="float32")
    >>> packed["shape"], packed["dtype"]
    ([3], 'float32')
    """
    data = np.ascontiguousarray(values, dtype="<f8")
    if not np.isfinite(data).all():
        raise ValueError("cannot write non-finite numbers to a model document")
    stored = data.astype("<f4" if dtype == "float32" else "<f8")
    if not np.array_equal(stored.astype("<f8"), data):
        raise ValueError(f"the array is not exactly representable as {dtype}")
    width = stored.dtype.itemsize
    shuffled = stored.view(np.uint8).reshape(-1, width).T.tobytes()
    return {
        "shape": list(data.shape),
        "dtype": dtype,
        "packed": base64.b64encode(zlib.compress(shuffled, 6)).decode("ascii"),
    }


def decode_packed_array(doc: Document, key: str, *, shape: tuple[int, ...]) -> FloatArray:
    """Read an array written by :func:`encode_packed_array` (float64, read-only).

    Raises
    ------
    ModelFormatError
        If the field is not such an array, has another shape, or its data is
        corrupt, of the wrong length or not finite.

    Examples
    --------
    >>> doc = Document.section_of({"w": encode_packed_array(np.ones(2), dtype="float32")},
    ...                           "servicekit.Example", "")
    >>> decode_packed_array(doc, "w", shape=(2,))
    array([1., 1.])
    """
    value = doc.mapping(key)
    if set(value) != {"shape", "dtype", "packed"} or not isinstance(value["packed"], str):
        doc.fail(key, "must be a packed array {shape, dtype, packed}")
    if value["dtype"] not in ("float32", "float64"):
        doc.fail(key, f"has dtype {value['dtype']!r}, expected 'float32' or 'float64'")
    if value["shape"] != list(shape):
        doc.fail(key, f"has shape {value['shape']!r}, expected {list(shape)}")
    width = 4 if value["dtype"] == "float32" else 8
    try:
        raw = zlib.decompress(base64.b64decode(value["packed"], validate=True))
    except (binascii.Error, ValueError, zlib.error):
        doc.fail(key, "is not valid packed data (base64 of zlib)")
    count = math.prod(shape)
    if len(raw) != width * count:
        doc.fail(key, f"holds {len(raw)} bytes, not the {width * count} of its shape")
    unshuffled = np.frombuffer(raw, dtype=np.uint8).reshape(width, count).T
    array = (
        np.ascontiguousarray(unshuffled).view("<f4" if width == 4 else "<f8").astype(np.float64)
    ).reshape(shape)
    if not np.isfinite(array).all():
        doc.fail(key, "holds non-finite numbers")
    array.setflags(write=False)
    return array


def _join(*parts: str) -> str:
    return ".".join(p for p in parts if p)


def _kind(value: Any) -> str:
    return "null" if value is None else type(value).__name__


def _check_nested(
    value: Any,
    shape: tuple[int, ...],
    fail: Callable[[str], NoReturn],
    allow_null: bool = False,
) -> None:
    if not shape:
        if value is None and allow_null:
            return
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            fail(f"must hold only numbers, got {_kind(value)}")
        return
    if not isinstance(value, list):
        fail(f"must be a list, got {_kind(value)}")
    if len(value) != shape[0]:
        fail(f"must hold {shape[0]} item(s), got {len(value)}")
    for item in value:
        _check_nested(item, shape[1:], fail, allow_null)


# --------------------------------------------------------------------------- files
@dataclass(frozen=True)
class JsonText(Constraint):
    """The ``text`` argument of ``from_json``: a ``str``, with a hint for a path, bytes or dict.

    Examples
    --------
    >>> from servicekit._validation import validated
    >>> @validated(text=JsonText())
    ... def from_json(text):
    ...     return text
    >>> from_json(b"{}")
    Traceback (most recent call last):
    ...
    servicekit.errors.InvalidInputError: from_json(): 'text' must be JSON text (a str), not bytes: decode them first (data.decode('utf-8')), or read a file with .load(path); got bytes
    """

    optional: bool = False

    def describe(self) -> str:
        return "JSON text (a str)"

    def coerce(self, value: Any, ctx: _Context) -> Any:
        if isinstance(value, str):
            return value
        if isinstance(value, os.PathLike):
            hint = "a path: read a file with .load(path) or servicekit.load(path)"
        elif isinstance(value, (bytes, bytearray, memoryview)):
            hint = (
                "bytes: decode them first (data.decode('utf-8')), or read a file with .load(path)"
            )
        elif isinstance(value, dict):
            hint = "a parsed document: pass json.dumps(document)"
        else:
            hint = "another object"
        ctx.fail(f"must be {self.describe()}, not {hint}", _Described(type(value).__name__))

    def invalid_values(self, valid: Any) -> Iterator[tuple[str, Any]]:
        yield from super().invalid_values(valid)
        yield "bytes", str(valid).encode("utf-8")
        yield "a dict", {"format": "servicekit"}
        yield "a path", Path("model.json")
        yield "a number", 3


def write_file(path: str | os.PathLike[str], text: str) -> None:
    r"""Write a document's text to ``path`` as UTF-8 (replacing the file only when complete).

    The text goes to a temporary file beside ``path`` that is then renamed over it,
    so an interrupted save never leaves a truncated model file behind.

    Examples
    --------
    >>> import tempfile
    >>> folder = tempfile.mkdtemp()
    >>> write_file(folder + "/m.json", write_document("servicekit.Example", 1, {"n": 1}))
    >>> read_file(folder + "/m.json")[:30]
    '{\n "format": "servicekit.Examp'
    """
    target = Path(path)
    partial = target.with_name(f".{target.name}.partial")
    try:
        partial.write_text(text, encoding="utf-8")
        os.replace(partial, target)
    finally:
        if partial.exists():
            partial.unlink()


def read_file(path: str | os.PathLike[str]) -> str:
    r"""The text of a model file (UTF-8).

    Raises
    ------
    FileNotFoundError, IsADirectoryError, PermissionError
        As :func:`open` does (the message names the path).
    ModelFormatError
        If the file is not UTF-8 text.

    Examples
    --------
    >>> import tempfile
    >>> path = tempfile.mkdtemp() + "/m.json"
    >>> _ = open(path, "wb").write(b"\xff")
    >>> read_file(path)
    Traceback (most recent call last):
    ...
    servicekit.errors.ModelFormatError: not a servicekit model file: ... is not UTF-8 text (...)
    """
    data = Path(path).read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ModelFormatError(
            f"not a servicekit model file: {os.fspath(path)!r} is not UTF-8 text ({exc.reason} "
            f"at byte {exc.start})"
        ) from None


#: ``"format": "..."`` as the first field, as :func:`write_document` writes it.
_FORMAT_FIELD = re.compile(r'\A\s*\{\s*"format"\s*:\s*"([^"\\]{1,200})"')


def load_file(path: str | os.PathLike[str]) -> Any:
    """Read any servicekit model file and return the model, by its ``format`` field.

    Parameters
    ----------
    path : str or path-like
        A file written by a model's ``save(path)`` (or holding its ``to_json()`` text).

    Returns
    -------
    object
        A ``LogisticModel``, ``ChurnModel``, ``QuestionClassifier`` or ``FaqIndex``
        (see :data:`FORMATS`), validated like its ``from_json`` does.

    Raises
    ------
    ModelFormatError
        If the file is not JSON, names no known servicekit format, or is invalid for
        its format.
    FileNotFoundError
        If there is no such file.

    Examples
    --------
    >>> import tempfile
    >>> from servicekit.churn import fit_logistic
    >>> path = tempfile.mkdtemp() + "/model.json"
    >>> fit_logistic([[0.0], [1.0], [2.0], [3.0]], [0, 1, 0, 1]).save(path)
    >>> type(load_file(path)).__name__
    'LogisticModel'
    """
    text = read_file(path)
    match = _FORMAT_FIELD.match(text)
    if match:
        found: Any = match.group(1)
    else:
        parsed = _parse(text, "servicekit")
        found = parsed.get("format") if isinstance(parsed, dict) else None
    if found not in FORMATS:
        known = sorted(FORMATS)
        raise ModelFormatError(
            f"not a servicekit model file: field 'format' must be one of {known}, got {found!r}"
        )
    module_name, class_name = FORMATS[found].split(":")
    model_type = getattr(importlib.import_module(module_name), class_name)
    return model_type.from_json(text)


def _load_model(path: str | os.PathLike[str]) -> Any:
    return load_file(path)


_load_model.__qualname__ = "servicekit.load"  # the name its error messages give
#: :func:`load_file` with its ``path`` declared: the body of :func:`servicekit.load`.
load_model = validated(path=PATH)(_load_model)
