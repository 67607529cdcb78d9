"""Safe YAML reading that remembers where every value stands and refuses what loses data."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import DatasetError, Problem

try:
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]

MAX_FILE_BYTES = 256 * 1024 * 1024
"""Files larger than this are refused before they are read."""

_EXPANSION_FACTOR = 4
_EXPANSION_FLOOR = 10_000

_STR_TAG = "tag:yaml.org,2002:str"


@dataclass(slots=True)
class Positions:
    """Line numbers (1-based) of mappings and sequences, and of their keys and items."""

    of_container: dict[int, int] = field(default_factory=dict)
    of_members: dict[int, dict[Any, int]] = field(default_factory=dict)

    def line_of(self, container: object, member: object = None) -> int | None:
        """Line of `container[member]`, or of the container itself when member is None."""
        if member is not None:
            members = self.of_members.get(id(container), {})
            if member in members:
                return members[member]
        return self.of_container.get(id(container))


@dataclass(frozen=True, slots=True)
class YamlDocument:
    """A parsed YAML file: its data and where each part of it stands."""

    data: Any
    positions: Positions


class _LocatingLoader(_BaseLoader):
    """A safe loader that records positions and duplicate mapping keys."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.positions = Positions()
        self.duplicate_keys: list[tuple[int, int, object]] = []

    def construct_member(self, node: yaml.Node, deep: bool = False) -> Any:
        """A key, value or item: text directly (nine nodes in ten), else as the loader would.

        A text scalar is constructed as its value whatever its context, so this skips
        only PyYAML's bookkeeping, which made up most of the time spent on large files.
        """
        if node.tag == _STR_TAG and type(node) is yaml.ScalarNode:
            return node.value
        return self.construct_object(node, deep=deep)

    def construct_located_mapping(self, node: yaml.MappingNode) -> Iterator[dict[Any, Any]]:
        data: dict[Any, Any] = {}
        yield data
        self.flatten_mapping(node)
        key_lines: dict[Any, int] = {}
        for key_node, value_node in node.value:
            key = self.construct_member(key_node, deep=True)
            try:
                hash(key)
            except TypeError:
                raise yaml.constructor.ConstructorError(
                    "while constructing a mapping",
                    node.start_mark,
                    "found an unhashable key",
                    key_node.start_mark,
                ) from None
            if key in key_lines:
                mark = key_node.start_mark
                self.duplicate_keys.append((mark.line + 1, mark.column + 1, key))
            key_lines[key] = key_node.start_mark.line + 1
            data[key] = self.construct_member(value_node)
        self.positions.of_container[id(data)] = node.start_mark.line + 1
        self.positions.of_members[id(data)] = key_lines

    def construct_located_sequence(self, node: yaml.SequenceNode) -> Iterator[list[Any]]:
        data: list[Any] = []
        yield data
        data.extend(self.construct_member(item) for item in node.value)
        self.positions.of_container[id(data)] = node.start_mark.line + 1
        self.positions.of_members[id(data)] = {
            index: item.start_mark.line + 1 for index, item in enumerate(node.value)
        }


_LocatingLoader.add_constructor("tag:yaml.org,2002:map", _LocatingLoader.construct_located_mapping)
_LocatingLoader.add_constructor("tag:yaml.org,2002:seq", _LocatingLoader.construct_located_sequence)


def _count_expanded_nodes(data: object, budget: int) -> bool:
    """Walk `data` as a consumer would (aliases expanded); False if it exceeds `budget` nodes."""
    stack = [data]
    seen = 0
    while stack:
        seen += 1
        if seen > budget:
            return False
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return True


def read_yaml_text(text: str, file: str) -> YamlDocument:
    """Parse `text` safely; raise DatasetError naming `file` and the place of any problem."""
    loader = _LocatingLoader(text)
    try:
        data = loader.get_single_data()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        message = " ".join(part for part in (error.context, error.problem) if part)
        raise DatasetError(
            [
                Problem(
                    file,
                    f"invalid YAML: {message}",
                    line=mark.line + 1 if mark else None,
                    column=mark.column + 1 if mark else None,
                )
            ]
        ) from None
    except yaml.YAMLError as error:
        raise DatasetError([Problem(file, f"invalid YAML: {error}")]) from None
    finally:
        loader.dispose()
    problems = [
        Problem(file, f"duplicate key {key!r}: an earlier value would be lost", line, column)
        for line, column, key in loader.duplicate_keys
    ]
    if problems:
        raise DatasetError(problems)
    budget = _EXPANSION_FLOOR + _EXPANSION_FACTOR * len(text)
    if not _count_expanded_nodes(data, budget):
        raise DatasetError(
            [
                Problem(
                    file,
                    "anchors and aliases expand to a structure far larger than the file "
                    "(a recursive alias or a 'billion laughs' file); refusing to read it",
                )
            ]
        )
    return YamlDocument(data, loader.positions)


def read_yaml_file(path: Path) -> YamlDocument:
    """Read and parse a YAML file, turning every way it can fail into a DatasetError."""
    file = str(path)
    try:
        size = path.stat().st_size
        if path.is_dir():
            raise DatasetError([Problem(file, "is a directory, not a dataset file")])
        if size > MAX_FILE_BYTES:
            limit = MAX_FILE_BYTES // (1024 * 1024)
            raise DatasetError(
                [Problem(file, f"file is too large ({size:,} bytes; the limit is {limit} MiB)")]
            )
        raw = path.read_bytes()
    except FileNotFoundError:
        raise DatasetError([Problem(file, "no such file")]) from None
    except PermissionError:
        raise DatasetError([Problem(file, "permission denied")]) from None
    except OSError as error:
        raise DatasetError([Problem(file, f"cannot read: {error.strerror or error}")]) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise DatasetError(
            [Problem(file, f"not UTF-8 (byte 0x{raw[error.start]:02x})", line=line)]
        ) from None
    if not text.strip():
        raise DatasetError([Problem(file, "file is empty")])
    return read_yaml_text(text.removeprefix("\ufeff"), file)
