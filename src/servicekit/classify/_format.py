"""Reading and writing servicekit's JSON model files, with strict validation on load.

A model file is one JSON object::

    {"format": "servicekit.QuestionClassifier", "version": 1,
     "checksum": "<sha256 of the body>", "body": {...}}

Float arrays inside the body are ``{"shape": [...], "float64": "<base64>"}``: the
little-endian IEEE-754 bytes, base64-encoded. That is exact (a round trip gives the
very same numbers, so predictions are identical) and about three times smaller and
faster to parse than decimal lists; ``numpy.frombuffer(base64.b64decode(s), "<f8")``
reads it anywhere. The checksum covers the canonical JSON of the body, so a truncated,
hand-altered or foreign file raises :class:`~servicekit.errors.ModelFormatError`
instead of predicting something silently different. Nothing is ever unpickled.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from servicekit._typing import FloatArray
from servicekit.errors import ModelFormatError

__all__ = [
    "dump",
    "encode_array",
    "load",
    "read_array",
    "read_bool",
    "read_int",
    "read_key",
    "read_mapping",
    "read_optional_range",
    "read_str",
    "read_strings",
]


def _canonical(body: dict[str, Any]) -> str:
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def dump(format_name: str, version: int, body: dict[str, Any]) -> str:
    """Serialise ``body`` under ``format_name``/``version`` with its checksum."""
    text = _canonical(body)
    checksum = hashlib.sha256(text.encode("utf-8")).hexdigest()
    head = json.dumps({"format": format_name, "version": version, "checksum": checksum})
    return head[:-1] + ', "body": ' + text + "}"


def load(text: str, format_name: str, version: int) -> dict[str, Any]:
    """Parse and verify a file written by :func:`dump`; return its body."""
    try:
        document = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as exc:
        raise ModelFormatError(f"not a {format_name} file: invalid JSON ({exc})") from None
    if not isinstance(document, dict) or document.get("format") != format_name:
        found = document.get("format") if isinstance(document, dict) else type(document).__name__
        raise ModelFormatError(f"not a {format_name} file (format {found!r})")
    if document.get("version") != version:
        raise ModelFormatError(
            f"{format_name} format version {document.get('version')!r} is not supported "
            f"(this servicekit reads version {version})"
        )
    body = document.get("body")
    if not isinstance(body, dict):
        raise ModelFormatError(f"{format_name} file has no body object")
    checksum = hashlib.sha256(_canonical(body).encode("utf-8")).hexdigest()
    if document.get("checksum") != checksum:
        raise ModelFormatError(
            f"{format_name} file fails its checksum: it was altered or truncated after saving"
        )
    return body


def encode_array(values: FloatArray) -> dict[str, Any]:
    """A float array as ``{"shape": [...], "float64": base64}`` (exact)."""
    data = np.ascontiguousarray(values, dtype="<f8")
    return {"shape": list(data.shape), "float64": base64.b64encode(data.tobytes()).decode("ascii")}


def read_key(mapping: dict[str, Any], key: str, where: str) -> Any:
    """``mapping[key]``, or :class:`ModelFormatError` naming what is missing."""
    if key not in mapping:
        raise ModelFormatError(f"model file: {where} lacks {key!r}")
    return mapping[key]


def read_mapping(mapping: dict[str, Any], key: str, where: str) -> dict[str, Any]:
    """A JSON object under ``key``."""
    value = read_key(mapping, key, where)
    if not isinstance(value, dict):
        raise ModelFormatError(f"model file: {where}.{key} must be an object")
    return value


def read_str(mapping: dict[str, Any], key: str, where: str, options: Sequence[str] = ()) -> str:
    """A string under ``key`` (one of ``options`` when given)."""
    value = read_key(mapping, key, where)
    if not isinstance(value, str) or (options and value not in options):
        allowed = f" (one of {list(options)})" if options else ""
        raise ModelFormatError(
            f"model file: {where}.{key} must be a string{allowed}; got {value!r}"
        )
    return value


def read_bool(mapping: dict[str, Any], key: str, where: str) -> bool:
    """A boolean under ``key``."""
    value = read_key(mapping, key, where)
    if not isinstance(value, bool):
        raise ModelFormatError(f"model file: {where}.{key} must be true or false; got {value!r}")
    return value


def read_int(
    mapping: dict[str, Any], key: str, where: str, *, low: int = 0, optional: bool = False
) -> int | None:
    """An integer ``>= low`` under ``key`` (``None`` allowed when ``optional``)."""
    value = read_key(mapping, key, where)
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise ModelFormatError(
            f"model file: {where}.{key} must be an integer >= {low}; got {value!r}"
        )
    return value


def read_optional_range(mapping: dict[str, Any], key: str, where: str) -> tuple[int, int] | None:
    """An n-gram range ``[low, high]`` with ``1 <= low <= high``, or ``None``."""
    value = read_key(mapping, key, where)
    if value is None:
        return None
    if (
        not isinstance(value, list)
        or len(value) != 2
        or not all(isinstance(v, int) and not isinstance(v, bool) for v in value)
        or not 1 <= value[0] <= value[1]
    ):
        raise ModelFormatError(
            f"model file: {where}.{key} must be [low, high] with 1 <= low <= high"
        )
    return (value[0], value[1])


def read_strings(mapping: dict[str, Any], key: str, where: str, *, unique: bool) -> list[str]:
    """A list of strings under ``key`` (distinct when ``unique``)."""
    value = read_key(mapping, key, where)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ModelFormatError(f"model file: {where}.{key} must be a list of strings")
    if unique and len(set(value)) != len(value):
        raise ModelFormatError(f"model file: {where}.{key} holds duplicates")
    return value


def read_array(mapping: dict[str, Any], key: str, where: str, shape: tuple[int, ...]) -> FloatArray:
    """A finite float array of exactly ``shape`` (read-only)."""
    value = read_key(mapping, key, where)
    if not isinstance(value, dict) or not isinstance(value.get("float64"), str):
        raise ModelFormatError(f"model file: {where}.{key} must be an encoded float64 array")
    if value.get("shape") != list(shape):
        raise ModelFormatError(
            f"model file: {where}.{key} has shape {value.get('shape')!r}, expected {list(shape)}"
        )
    try:
        raw = base64.b64decode(value["float64"], validate=True)
    except (binascii.Error, ValueError):
        raise ModelFormatError(f"model file: {where}.{key} is not valid base64") from None
    if len(raw) != 8 * math.prod(shape):
        raise ModelFormatError(
            f"model file: {where}.{key} holds {len(raw)} bytes, not {list(shape)}"
        )
    array = np.frombuffer(raw, dtype="<f8").astype(np.float64).reshape(shape)
    if not np.isfinite(array).all():
        raise ModelFormatError(f"model file: {where}.{key} holds non-finite numbers")
    array.setflags(write=False)
    return array
