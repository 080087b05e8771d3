"""The shared model-document module: layout, checksum, exact round trips, and every reader's errors."""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from servicekit._persistence import Document, encode_array, write_document
from servicekit.errors import ModelFormatError

FORMAT = "servicekit.Example"

EXTREMES = np.array(
    [0.0, -0.0, 0.1, 1 / 3, -2.5e-308, 5e-324, 1.7976931348623157e308, -1e-300, 123456789.123]
)


def _doc(**fields: Any) -> Document:
    """A checked top-level document holding ``fields`` (through real JSON text)."""
    return Document(write_document(FORMAT, 1, fields), FORMAT, 1)


# ----------------------------------------------------------------------------- layout
def test_layout_is_flat_with_the_checksum_over_every_other_field() -> None:
    text = write_document(FORMAT, 3, {"b": [1, 2], "a": "é"})
    document = json.loads(text)
    assert list(document) == ["format", "version", "b", "a", "checksum"]
    rest = {k: v for k, v in document.items() if k != "checksum"}
    canonical = json.dumps(rest, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert document["checksum"] == hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    assert "é" in text  # UTF-8 text, not \\u escapes
    Document(text, FORMAT, 3).verify_checksum()


def test_writing_is_deterministic_and_refuses_non_finite_numbers() -> None:
    fields = {"x": 0.1, "nested": {"z": 1, "y": [2.5]}}
    assert write_document(FORMAT, 1, fields) == write_document(FORMAT, 1, dict(fields))
    with pytest.raises(ValueError, match="not JSON compliant"):
        write_document(FORMAT, 1, {"x": float("nan")})
    with pytest.raises(ValueError, match="non-finite"):
        encode_array(np.array([1.0, np.inf]))


def test_decimal_and_base64_round_trips_are_exact() -> None:
    rng = np.random.default_rng(3)
    values = np.concatenate(
        [EXTREMES, rng.standard_normal(200) * 10.0 ** rng.integers(-300, 300, 200)]
    )
    matrix = values[:198].reshape(2, 99)
    doc = _doc(decimal=matrix.tolist(), binary=encode_array(matrix))
    decimal = doc.numbers("decimal", shape=(2, 99))
    binary = doc.array("binary", shape=(2, 99))
    assert decimal.tobytes() == matrix.tobytes()
    assert binary.tobytes() == matrix.tobytes()
    assert np.signbit(doc.numbers("decimal", shape=(2, 99))[0, 1])  # -0.0 survives
    for array in (decimal, binary):
        assert not array.flags.writeable


def test_scalars_and_containers_read_back() -> None:
    doc = _doc(
        n=3,
        x=2,
        none=None,
        on=False,
        name="logistic",
        label=True,
        names=["a", "b"],
        blanks=["", "a", "a"],
        options={"k": 1},
        pair=[2, 5],
        empty_pair=None,
    )
    assert doc.integer("n", low=3) == 3
    assert doc.optional_integer("n") == 3
    assert doc.optional_integer("none") is None
    assert doc.number("x") == 2.0
    assert isinstance(doc.number("x"), float)
    assert np.isnan(doc.number("none", allow_null=True))
    assert doc.flag("on") is False
    assert doc.text("name", options=("logistic", "svm")) == "logistic"
    assert doc.label("label") is True
    assert doc.texts("names", length=2) == ("a", "b")
    assert doc.texts("blanks", unique=False, allow_empty=True) == ("", "a", "a")
    assert doc.mapping("options") == {"k": 1}
    assert doc.section("options").integer("k") == 1
    assert doc.optional_section("none") is None
    assert doc.optional_range("pair") == (2, 5)
    assert doc.optional_range("empty_pair") is None
    assert doc.is_null("none")
    assert not doc.is_null("n")


# ----------------------------------------------------------------------------- whole documents
@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("", "not a servicekit.Example model file: invalid or truncated JSON"),
        ("not json", "invalid or truncated JSON"),
        ('{"format": "servicekit.Example", "version": 1', "invalid or truncated JSON"),
        ("[" * 100_000, "invalid or truncated JSON"),
        ('{"format": "servicekit.Example", "version": 1, "x": NaN}', "non-finite number NaN"),
        ('{"format": "servicekit.Example", "version": 1, "x": -Infinity}', "non-finite"),
        ("[1, 2]", "document must be a JSON object, got list"),
        ("null", "document must be a JSON object, got null"),
        ('{"a": 1}', "field 'format' must be 'servicekit.Example', got None"),
        ('{"format": "sklearn", "version": 1}', "field 'format' .* got 'sklearn'"),
        ('{"format": "servicekit.Example", "version": 2}', "field 'version' must be 1"),
        ('{"format": "servicekit.Example", "version": true}', "field 'version' must be 1"),
        ('{"format": "servicekit.Example", "version": "1"}', "field 'version' must be 1"),
    ],
)
def test_foreign_truncated_or_non_json_text_is_rejected(text: str, match: str) -> None:
    with pytest.raises(ModelFormatError, match=match):
        Document(text, FORMAT, 1)


def test_checksum_catches_any_altered_value_and_a_missing_checksum() -> None:
    text = write_document(FORMAT, 1, {"x": 0.25, "names": ["a", "b"]})
    for altered in (
        text.replace("0.25", "0.26"),
        text.replace('"b"', '"c"'),
        text.replace('"checksum": "', '"checksum": "0'),
    ):
        with pytest.raises(ModelFormatError, match="field 'checksum' does not match"):
            Document(altered, FORMAT, 1).verify_checksum()
    without = {k: v for k, v in json.loads(text).items() if k != "checksum"}
    with pytest.raises(ModelFormatError, match="field 'checksum' is missing"):
        Document(json.dumps(without), FORMAT, 1).verify_checksum()


def test_truncation_anywhere_is_rejected() -> None:
    text = write_document(FORMAT, 1, {"w": encode_array(np.arange(50.0)), "x": [1.5] * 20})
    for cut in range(1, len(text), 37):
        with pytest.raises(ModelFormatError):
            Document(text[:cut], FORMAT, 1).verify_checksum()


def test_expect_keys_names_the_missing_or_foreign_field() -> None:
    doc = _doc(a=1, b=2)
    doc.expect_keys({"format", "version", "checksum", "a", "b"})
    with pytest.raises(ModelFormatError, match="field 'c' is missing"):
        doc.expect_keys({"format", "version", "checksum", "a", "b", "c"})
    with pytest.raises(ModelFormatError, match="field 'b' is not part of this format"):
        doc.expect_keys({"format", "version", "checksum", "a"})


def test_nested_documents_and_sections_prefix_the_path() -> None:
    inner = {"format": "servicekit.Inner", "version": 1, "coef": [1.0]}
    doc = _doc(inner=inner, options={"deep": {"n": -1}}, bad=[1])
    nested = doc.nested("inner", "servicekit.Inner", 1)
    assert nested.numbers("coef", shape=(1,)).tolist() == [1.0]
    with pytest.raises(ModelFormatError, match=r"servicekit.Inner model file: field 'inner.coef'"):
        nested.numbers("coef", shape=(2,))
    with pytest.raises(ModelFormatError, match=r"field 'inner.version' must be 2"):
        doc.nested("inner", "servicekit.Inner", 2)
    with pytest.raises(ModelFormatError, match=r"field 'inner.format'"):
        doc.nested("inner", "servicekit.Other", 1)
    with pytest.raises(ModelFormatError, match=r"field 'options.deep.n' must be >= 0, got -1"):
        doc.section("options").section("deep").integer("n")
    with pytest.raises(ModelFormatError, match=r"field 'bad' must be an object, got list"):
        doc.section("bad")
    with pytest.raises(ModelFormatError, match=r"field 'features' must be an object, got str"):
        Document.section_of("x", FORMAT, "features")


# ----------------------------------------------------------------------------- each reader names the field
FIELD_ERRORS: list[tuple[Any, Callable[[Document], object], str]] = [
    (1, lambda d: d.mapping("absent"), r"field 'absent' is missing"),
    (1, lambda d: d.is_null("absent"), r"field 'absent' is missing"),
    ("1.5", lambda d: d.number("v"), r"field 'v' must be a number, got str"),
    (True, lambda d: d.number("v"), r"field 'v' must be a number, got bool"),
    (None, lambda d: d.number("v"), r"field 'v' must be a number, got null"),
    (1.0, lambda d: d.integer("v"), r"field 'v' must be an integer, got float"),
    (True, lambda d: d.integer("v"), r"field 'v' must be an integer, got bool"),
    (0, lambda d: d.integer("v", low=1), r"field 'v' must be >= 1, got 0"),
    (0, lambda d: d.optional_integer("v", low=1), r"field 'v' must be >= 1, got 0"),
    ("3", lambda d: d.optional_integer("v"), r"field 'v' must be an integer, got str"),
    (1, lambda d: d.flag("v"), r"field 'v' must be true or false, got int"),
    ("", lambda d: d.text("v"), r"field 'v' must be a non-empty string, got str"),
    (None, lambda d: d.text("v"), r"field 'v' must be a non-empty string, got null"),
    ("rf", lambda d: d.text("v", options=("nb",)), r"field 'v' must be one of \['nb'\], got 'rf'"),
    (1.5, lambda d: d.label("v"), r"field 'v' must be a string, integer or boolean label"),
    ([1], lambda d: d.label("v"), r"field 'v' must be a string, integer or boolean label"),
    ("ab", lambda d: d.texts("v"), r"field 'v' must be a list of non-empty strings"),
    (["a", ""], lambda d: d.texts("v"), r"field 'v' must be a list of non-empty strings"),
    (["a", 1], lambda d: d.texts("v", allow_empty=True), r"field 'v' must be a list of strings"),
    (["a"], lambda d: d.texts("v", length=2), r"field 'v' must hold 2 item\(s\), got 1"),
    (["a", "a"], lambda d: d.texts("v"), r"field 'v' must not repeat an item"),
    ([1, 2], lambda d: d.numbers("v", shape=(3,)), r"field 'v' must hold 3 item\(s\), got 2"),
    (1.0, lambda d: d.numbers("v", shape=(1,)), r"field 'v' must be a list, got float"),
    ([[1], 2], lambda d: d.numbers("v", shape=(2, 1)), r"field 'v' must be a list, got int"),
    (
        [1, True],
        lambda d: d.numbers("v", shape=(2,)),
        r"field 'v' must hold only numbers, got bool",
    ),
    ([1, "2"], lambda d: d.numbers("v", shape=(2,)), r"field 'v' must hold only numbers, got str"),
    ([1, -1], lambda d: d.numbers("v", shape=(2,), low=0.0), r"field 'v' must hold numbers >= 0"),
    ([], lambda d: d.mapping("v"), r"field 'v' must be an object, got list"),
    (1, lambda d: d.optional_section("v"), r"field 'v' must be an object, got int"),
    ([1], lambda d: d.optional_range("v"), r"field 'v' must be null or \[first, last\]"),
    ([2, 1], lambda d: d.optional_range("v"), r"field 'v' must be null or \[first, last\]"),
    ([0, 1], lambda d: d.optional_range("v"), r"field 'v' must be null or \[first, last\] with 1"),
    ([1, 2.0], lambda d: d.optional_range("v"), r"field 'v' must be null or \[first, last\]"),
    ([True, 2], lambda d: d.optional_range("v"), r"field 'v' must be null or \[first, last\]"),
    ("1,2", lambda d: d.optional_range("v"), r"field 'v' must be null or \[first, last\]"),
    ([1.0], lambda d: d.array("v", shape=(1,)), r"field 'v' must be an encoded float64 array"),
    ({"shape": [1]}, lambda d: d.array("v", shape=(1,)), r"field 'v' must be an encoded float64"),
]


@pytest.mark.parametrize(("value", "read", "match"), FIELD_ERRORS)
def test_each_reader_names_the_field(
    value: Any, read: Callable[[Document], object], match: str
) -> None:
    with pytest.raises(ModelFormatError, match=r"^servicekit\.Example model file: " + match):
        read(_doc(v=value))


def _encoded(values: Any, **changes: Any) -> dict[str, Any]:
    encoded = encode_array(np.asarray(values, dtype=float))
    encoded.update(changes)
    return encoded


@pytest.mark.parametrize(
    ("encoded", "match"),
    [
        (_encoded([1.0, 2.0], extra=1), r"must hold only 'shape' and 'float64'"),
        (_encoded([1.0, 2.0]), r"has shape \[2\], expected \[3\]"),
        (_encoded([1.0, 2.0, 3.0], shape=[1, 3]), r"has shape \[1, 3\], expected \[3\]"),
        (_encoded([1.0, 2.0, 3.0], float64="!!!"), r"is not valid base64"),
        (_encoded([1.0, 2.0, 3.0], float64="AAAA AAA="), r"is not valid base64"),
        (_encoded([1.0, 2.0, 3.0], float64="AAAAAAAA+H8="), r"holds 8 bytes, not the 24"),
        (_encoded([1.0, 2.0, 3.0], float64=encode_array(np.ones(2))["float64"]), r"holds 16 bytes"),
        (_encoded([1.0, 0.5, 3.0]), r"must hold numbers >= 1"),
    ],
)
def test_base64_arrays_check_shape_encoding_size_and_finiteness(
    encoded: dict[str, Any], match: str
) -> None:
    with pytest.raises(ModelFormatError, match=r"field 'w' " + match):
        _doc(w=encoded).array("w", shape=(3,), low=1.0)


def test_base64_array_of_nan_bytes_is_rejected() -> None:
    nan_bytes = np.array([1.0, np.nan, 2.0], dtype="<f8").tobytes()
    encoded = {"shape": [3], "float64": base64.b64encode(nan_bytes).decode("ascii")}
    with pytest.raises(ModelFormatError, match=r"field 'w' holds non-finite numbers"):
        _doc(w=encoded).array("w", shape=(3,))
