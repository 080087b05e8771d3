"""Versioned, checksummed JSON documents for fitted churn models (no pickle).

A document is a JSON object ``{"format": ..., "version": ..., ..., "checksum": ...}``.
Numbers are written with :func:`repr` (``json`` does so), which round-trips every
finite float64 exactly; NaN and infinities are never written. The checksum is the
SHA-256 of the canonical JSON of every other field, so a truncated, hand-altered or
foreign document is rejected with :class:`~servicekit.errors.ModelFormatError`
instead of silently scoring with different numbers.

Readers check structure first (each field's type, shape and finiteness, with a
message naming the field) and the checksum last, so the error says what is wrong
whenever it can.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping
from typing import Any, NoReturn

import numpy as np

from servicekit._typing import FloatArray
from servicekit.errors import ModelFormatError

__all__ = ["Document", "write_document"]


def _canonical(fields: Mapping[str, Any]) -> str:
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), allow_nan=False)


def _checksum(fields: Mapping[str, Any]) -> str:
    body = {k: v for k, v in fields.items() if k != "checksum"}
    return hashlib.sha256(_canonical(body).encode("utf-8")).hexdigest()


def write_document(format_name: str, version: int, fields: Mapping[str, Any]) -> str:
    """Serialise ``fields`` as a versioned, checksummed JSON document (indented)."""
    document: dict[str, Any] = {"format": format_name, "version": version, **fields}
    document["checksum"] = _checksum(document)
    return json.dumps(document, indent=1, allow_nan=False)


def _reject_constant(name: str) -> NoReturn:
    raise ModelFormatError(f"the document holds the non-finite number {name}")


class Document:
    """A parsed document with typed, path-aware accessors that raise ModelFormatError.

    Parameters
    ----------
    text : str
        The JSON text.
    format_name : str
        Expected ``"format"`` field, e.g. ``"servicekit.LogisticModel"``.
    version : int
        The only version this reader understands.
    fields : dict, optional
        Use an already-parsed object (a nested document) instead of ``text``.
    where : str
        Prefix for messages (the path of a nested document).
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
            try:
                fields = json.loads(text or "", parse_constant=_reject_constant)
            except ModelFormatError:
                raise
            except (ValueError, RecursionError) as exc:
                raise ModelFormatError(
                    f"not a {format_name} document: invalid or truncated JSON ({exc})"
                ) from None
        if not isinstance(fields, dict):
            self.fail("", f"must be a JSON object, got {type(fields).__name__}")
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

    # ----------------------------------------------------------------- messages
    def fail(self, key: str, problem: str) -> NoReturn:
        """Raise :class:`ModelFormatError` naming the field."""
        path = ".".join(p for p in (self.where, key) if p)
        subject = f"field {path!r}" if path else "document"
        raise ModelFormatError(f"{self.format_name}: {subject} {problem}")

    def _get(self, key: str) -> Any:
        if key not in self.fields:
            self.fail(key, "is missing")
        return self.fields[key]

    def expect_keys(self, keys: set[str]) -> None:
        """Fail on missing or unexpected fields (a foreign or altered document)."""
        present = set(self.fields)
        missing = sorted(keys - present)
        extra = sorted(present - keys)
        if missing:
            self.fail(missing[0], "is missing")
        if extra:
            self.fail(extra[0], "is not part of this format")

    # ----------------------------------------------------------------- scalars
    def number(self, key: str, *, allow_null: bool = False) -> float:
        """A finite real number (``null`` becomes NaN when ``allow_null``)."""
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
        """An integer >= ``low``."""
        value = self._get(key)
        if type(value) is not int:
            self.fail(key, f"must be an integer, got {_kind(value)}")
        if value < low:
            self.fail(key, f"must be >= {low}, got {value}")
        return value

    def flag(self, key: str) -> bool:
        """A JSON boolean."""
        value = self._get(key)
        if not isinstance(value, bool):
            self.fail(key, f"must be true or false, got {_kind(value)}")
        return value

    def text(self, key: str, *, options: tuple[str, ...] = ()) -> str:
        """A non-empty string (one of ``options`` when given)."""
        value = self._get(key)
        if not isinstance(value, str) or not value:
            self.fail(key, f"must be a non-empty string, got {_kind(value)}")
        if options and value not in options:
            self.fail(key, f"must be one of {list(options)}, got {value!r}")
        return value

    def label(self, key: str) -> str | int | bool:
        """A class label: a string, an integer or a boolean."""
        value = self._get(key)
        if not isinstance(value, (str, int, bool)):
            self.fail(key, f"must be a string, integer or boolean label, got {_kind(value)}")
        return value

    # ----------------------------------------------------------------- containers
    def texts(self, key: str, *, length: int | None = None, unique: bool = True) -> tuple[str, ...]:
        """A list of non-empty strings (of ``length`` items when given)."""
        value = self._get(key)
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            self.fail(key, "must be a list of non-empty strings")
        if length is not None and len(value) != length:
            self.fail(key, f"must hold {length} names, got {len(value)}")
        if unique and len(set(value)) != len(value):
            self.fail(key, "must not repeat a name")
        return tuple(value)

    def numbers(self, key: str, *, shape: tuple[int, ...], low: float | None = None) -> FloatArray:
        """A (nested) list of finite numbers of exactly ``shape``, as a read-only array."""
        value = self._get(key)
        _check_nested(value, shape, lambda problem: self.fail(key, problem))
        array = np.asarray(value, dtype=np.float64).reshape(shape)
        if low is not None and (array < low).any():
            self.fail(key, f"must hold numbers >= {low}")
        array.setflags(write=False)
        return array

    def mapping(self, key: str) -> dict[str, Any]:
        """A JSON object."""
        value = self._get(key)
        if not isinstance(value, dict):
            self.fail(key, f"must be an object, got {_kind(value)}")
        return value

    def nested(self, key: str, format_name: str, version: int) -> Document:
        """A nested document (validated like a top-level one, without its own checksum)."""
        value = self.mapping(key)
        return Document(None, format_name, version, fields=value, where=_join(self.where, key))

    def verify_checksum(self) -> None:
        """Fail unless the ``checksum`` field matches the rest of the document."""
        value = self._get("checksum")
        if not isinstance(value, str) or value != _checksum(self.fields):
            self.fail("checksum", "does not match the content: the document was altered")


def _join(*parts: str) -> str:
    return ".".join(p for p in parts if p)


def _kind(value: Any) -> str:
    return "null" if value is None else type(value).__name__


def _check_nested(value: Any, shape: tuple[int, ...], fail: Any) -> None:
    if not shape:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            fail(f"must hold only numbers, got {_kind(value)}")
        return
    if not isinstance(value, list):
        fail(f"must be a list, got {_kind(value)}")
    if len(value) != shape[0]:
        fail(f"must hold {shape[0]} item(s), got {len(value)}")
    for item in value:
        _check_nested(item, shape[1:], fail)
