"""Records as plain data that `marshal` can store, and back: the format of the cache.

A record graph is stored as one table per record type, one column per field: text,
numbers and tuples of text as they are, enum members as their values, records as
their row numbers (-1 for None). Each table names its columns and their kinds, so
restoring needs no type hints: it makes every row first, then fills each column
with one loop that runs in C (`map` over the field's slot descriptor). 100,000
findings come back twice as fast as from a pickle, and loading runs no code from
the file: `marshal` knows only plain values, and types are looked up in `model`,
by name.

The slot descriptor sets a field as the frozen dataclass's own `__init__` does
(`object.__setattr__`). A record type with its own `__new__` or a `__post_init__`
is refused, as restoring would skip them.
"""

from __future__ import annotations

import types
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import fields, is_dataclass
from enum import Enum
from typing import Any, Union, get_args, get_origin, get_type_hints

from . import model

FORMAT = 2
"""Changes whenever the layout changes; part of every cache key."""

_PLAIN, _ENUM, _RECORD, _OPTIONAL_RECORD, _RECORDS = range(5)
_PLAIN_TYPES = (str, int, float, bool, type(None))
_PAIR = 2
"""`X | None` and `tuple[X, ...]` have two type arguments."""

Column = tuple[str, int, str]
"""A field's name, its kind (_PLAIN, _ENUM, ...) and its enum or record type's name."""

_NO_ROWS: list[Any] = [None]
"""The rows of a record type that occurs nowhere: only row -1, None."""


class SnapshotError(ValueError):
    """A record type cannot be stored, or stored data does not describe records."""


def _is_record(value: Any) -> bool:
    return isinstance(value, type) and is_dataclass(value)


def _is_plain(hint: Any) -> bool:
    if hint in _PLAIN_TYPES:
        return True
    args = get_args(hint)
    if get_origin(hint) in (Union, types.UnionType):
        return all(_is_plain(arg) for arg in args)
    return (
        get_origin(hint) is tuple
        and len(args) == _PAIR
        and args[1] is Ellipsis
        and _is_plain(args[0])
    )


def _column(name: str, hint: Any) -> Column:
    if _is_plain(hint):
        return (name, _PLAIN, "")
    if isinstance(hint, type) and issubclass(hint, Enum):
        return (name, _ENUM, hint.__qualname__)
    if _is_record(hint):
        return (name, _RECORD, hint.__qualname__)
    args = get_args(hint)
    if get_origin(hint) in (Union, types.UnionType) and len(args) == _PAIR and type(None) in args:
        inner = next(arg for arg in args if arg is not type(None))
        if _is_record(inner):
            return (name, _OPTIONAL_RECORD, inner.__qualname__)
    if (
        get_origin(hint) is tuple
        and len(args) == _PAIR
        and args[1] is Ellipsis
        and _is_record(args[0])
    ):
        return (name, _RECORDS, args[0].__qualname__)
    raise SnapshotError(f"cannot store a field of type {hint!r} ({name})")


_CHECKED: dict[type, tuple[str, ...]] = {}


def _field_names(record_type: type) -> tuple[str, ...]:
    """The record type's fields, once it is known to be a model type restoring can fill."""
    names = _CHECKED.get(record_type)
    if names is None:
        name = record_type.__qualname__
        if getattr(model, name, None) is not record_type or not _is_record(record_type):
            raise SnapshotError(f"{record_type!r} is not a record type of the model")
        if record_type.__new__ is not object.__new__ or hasattr(record_type, "__post_init__"):
            raise SnapshotError(f"{name} has its own __new__ or __post_init__")
        names = tuple(item.name for item in fields(record_type))
        if not all(isinstance(vars(record_type).get(n), types.MemberDescriptorType) for n in names):
            raise SnapshotError(f"{name} does not keep its fields in slots")
        _CHECKED[record_type] = names
    return names


_COLUMNS: dict[type, tuple[Column, ...]] = {}


def _columns(record_type: type) -> tuple[Column, ...]:
    """The columns of a record type, in field order; SnapshotError if it cannot be stored."""
    columns = _COLUMNS.get(record_type)
    if columns is None:
        hints = get_type_hints(record_type)
        columns = tuple(_column(name, hints[name]) for name in _field_names(record_type))
        _COLUMNS[record_type] = columns
    return columns


def schema() -> tuple[tuple[str, tuple[tuple[str, str], ...]], ...]:
    """Every record type of the model with its fields' names and declared types.

    Part of the cache key, so that an entry written by a differently shaped model (an
    edited source tree with an unchanged version number) is never read.
    """
    return tuple(
        (name, tuple((item.name, str(item.type)) for item in fields(value)))
        for name, value in vars(model).items()
        if _is_record(value) and value.__module__ == model.__name__
    )


def _children(record: object) -> Iterator[object]:
    for name, kind, _ in _columns(type(record)):
        value = getattr(record, name)
        if kind == _RECORD or (kind == _OPTIONAL_RECORD and value is not None):
            yield value
        elif kind == _RECORDS:
            yield from value


def _cells(kind: int, values: Iterable[Any], row_of: dict[int, int]) -> tuple[Any, ...]:
    if kind == _PLAIN:
        return tuple(values)
    if kind == _ENUM:
        return tuple(value.value for value in values)
    if kind == _RECORDS:
        return tuple(tuple(row_of[id(item)] for item in value) for value in values)
    return tuple(-1 if value is None else row_of[id(value)] for value in values)


def dump_records(root: object) -> tuple[Any, ...]:
    """`root` and every record it holds, as plain data for `marshal`; see the module doc."""
    rows: dict[type, list[object]] = {}
    row_of: dict[int, int] = {}
    pending = [root]
    while pending:
        record = pending.pop()
        if id(record) in row_of:
            continue
        table = rows.setdefault(type(record), [])
        row_of[id(record)] = len(table)
        table.append(record)
        pending.extend(_children(record))
    tables = []
    for record_type, table in rows.items():
        columns = _columns(record_type)
        cells = tuple(
            _cells(kind, (getattr(record, name) for record in table), row_of)
            for name, kind, _ in columns
        )
        tables.append((record_type.__qualname__, len(table), columns, cells))
    return (FORMAT, tuple(tables))


def _model_type(name: object, kind: int) -> type:
    """The model's record type (or, for an _ENUM column, enum) of this name."""
    found = getattr(model, name, None) if isinstance(name, str) else None
    wanted = (
        isinstance(found, type) and issubclass(found, Enum) if kind == _ENUM else _is_record(found)
    )
    if not wanted or getattr(found, "__module__", None) != model.__name__:
        raise SnapshotError(f"{name!r} is not a type of the model")
    return found  # type: ignore[return-value] # checked just above


def load_records(data: Any) -> object:
    """The root record of data made by `dump_records`; SnapshotError if it is not such data."""
    try:
        version, tables = data
    except (TypeError, ValueError):
        raise SnapshotError("not a snapshot of records") from None
    if version != FORMAT:
        raise SnapshotError(f"snapshot format {version!r}, not {FORMAT}")
    try:
        typed = [(_model_type(name, _RECORD), *rest) for name, *rest in tables]
        rows: dict[type, list[Any]] = {
            record_type: [*map(object.__new__, [record_type] * count), None]
            for record_type, count, _, _ in typed
        }
        for record_type, count, columns, cells in typed:
            _fill(record_type, count, columns, cells, rows)
        return rows[typed[0][0]][0]
    except SnapshotError:
        raise
    except (TypeError, ValueError, KeyError, IndexError, AttributeError) as error:
        raise SnapshotError(f"not a snapshot of records: {error!r}") from None


def _fill(
    record_type: type,
    count: int,
    columns: tuple[Column, ...],
    cells: tuple[tuple[Any, ...], ...],
    rows: dict[type, list[Any]],
) -> None:
    """Set every field of the type's `count` new records from its column of `cells`."""
    if tuple(name for name, _, _ in columns) != _field_names(record_type):
        raise SnapshotError(f"the columns are not the fields of {record_type.__qualname__}")
    table = rows[record_type]
    for (name, kind, target), values in zip(columns, cells, strict=True):
        if len(values) != count:
            raise SnapshotError(f"column {name} has {len(values)} rows, not {count}")
        restored: Iterable[Any] = values
        if kind == _ENUM:
            enum: type[Enum] = _model_type(target, _ENUM)
            members = {member.value: member for member in enum}
            restored = map(members.__getitem__, values)
        elif kind in (_RECORD, _OPTIONAL_RECORD):
            if kind == _RECORD and -1 in values:
                raise SnapshotError(f"column {name} lacks a record")
            restored = map(rows.get(_model_type(target, kind), _NO_ROWS).__getitem__, values)
        elif kind == _RECORDS:
            row = rows.get(_model_type(target, kind), _NO_ROWS).__getitem__
            restored = [tuple(map(row, items)) for items in values]
        elif kind != _PLAIN:
            raise SnapshotError(f"column {name} is of no known kind ({kind!r})")
        deque(map(vars(record_type)[name].__set__, table, restored), maxlen=0)
