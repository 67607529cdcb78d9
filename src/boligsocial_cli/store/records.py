"""Records to JSON and back, checked on the way back as strictly as a dataset file is.

The store keeps each record as JSON text. What it reads back may have been damaged or
crafted, so `decode` accepts only what the record's type hints allow (a text where text
is asked, a whole number where a page is, one of an Enum's values) and raises
`RecordError` otherwise; the store then rebuilds itself from the dataset files.
"""

from __future__ import annotations

import json
import types
from collections.abc import Callable
from dataclasses import MISSING, fields, is_dataclass
from enum import Enum
from functools import cache
from typing import Any, TypeVar, Union, get_args, get_origin, get_type_hints

RecordT = TypeVar("RecordT")


class RecordError(ValueError):
    """A stored record that its type does not allow."""


def encode(record: object) -> str:
    """A record as compact JSON: its fields by name, those at their default left out."""
    return json.dumps(_plain(record), ensure_ascii=False, separators=(",", ":"))


@cache
def _fields_of(kind: type) -> tuple[tuple[str, Any], ...] | None:
    """A record type's fields with their defaults (MISSING for none); None for other types."""
    if not is_dataclass(kind):
        return None
    return tuple((item.name, item.default) for item in fields(kind))


def _plain(value: Any) -> Any:
    shape = _fields_of(type(value))  # type: ignore[arg-type] # a type is hashable
    if shape is not None:
        plain = {}
        for name, default in shape:
            item = getattr(value, name)
            if default is MISSING or item != default:
                plain[name] = _plain(item)
        return plain
    if isinstance(value, tuple):
        return [_plain(item) for item in value]
    if isinstance(value, Enum):
        return value.value
    return value


def decode(record_type: type[RecordT], text: str) -> RecordT:
    """The record `text` holds, or RecordError if it is not a valid `record_type`."""
    try:
        raw = json.loads(text)
    except (ValueError, RecursionError) as error:
        raise RecordError(f"not JSON: {error}") from None
    decoder: Decoder = _decoder(record_type)  # type: ignore[arg-type] # a type is hashable
    return decoder(raw)  # type: ignore[no-any-return]


Decoder = Callable[[Any], Any]


@cache
def _decoder(hint: Any) -> Decoder:  # noqa: PLR0911 - one return per kind of hint
    """A function that checks a JSON value against `hint` and builds it (made once per hint)."""
    if get_origin(hint) in (Union, types.UnionType):
        inner = _decoder(next(arg for arg in get_args(hint) if arg is not type(None)))
        return lambda value: None if value is None else inner(value)
    if get_origin(hint) is tuple:
        item = _decoder(get_args(hint)[0])

        def sequence(value: Any) -> tuple[Any, ...]:
            _expect(isinstance(value, list), value, "a list")
            return tuple(map(item, value))

        return sequence
    if isinstance(hint, type) and issubclass(hint, Enum):
        return lambda value: _member(hint, value)
    if isinstance(hint, type) and is_dataclass(hint):
        return _record_decoder(hint)
    if hint is bool:
        return lambda value: _expect(type(value) is bool, value, "true or false")
    if hint is int:
        return lambda value: _expect(type(value) is int, value, "a whole number")
    if hint is str:
        return _text
    raise TypeError(f"no decoder for {hint!r}")  # pragma: no cover - the model has no other


def _record_decoder(record_type: type) -> Decoder:
    hints = get_type_hints(record_type)
    parts = {item.name: _decoder(hints[item.name]) for item in fields(record_type)}
    required = frozenset(
        item.name
        for item in fields(record_type)
        if item.default is MISSING and item.default_factory is MISSING
    )

    def record(value: Any) -> Any:
        if not isinstance(value, dict):
            raise RecordError(f"{_shown(value)} is not a {record_type.__name__}")
        try:
            built = {key: parts[key](item) for key, item in value.items()}
        except KeyError:  # a field the type does not have: no decoder raises KeyError
            unknown = value.keys() - parts.keys()
            raise RecordError(f"{record_type.__name__}: unknown {unknown}") from None
        if not required.issubset(built):
            raise RecordError(f"{record_type.__name__}: missing {required - built.keys()}")
        return record_type(**built)

    return record


def _member(enum: type[Enum], value: Any) -> Enum:
    try:
        return enum(value)
    except ValueError:
        raise RecordError(f"{value!r} is not a {enum.__name__}") from None


def _text(value: Any) -> str:
    if isinstance(value, str):  # checked here, not by _expect: most of what is read is text
        return value
    raise RecordError(f"{_shown(value)} is not text")


def _expect(ok: bool, value: Any, what: str) -> Any:
    if not ok:
        raise RecordError(f"{_shown(value)} is not {what}")
    return value


def _shown(value: Any) -> str:
    return repr(value)[:40]
