"""Safe YAML reading that remembers where every value stands and refuses what loses data."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from boligsocial_cli.errors import DatasetError, Problem
from boligsocial_cli.i18n import N_

from .yaml_numbers import DECIMAL, NonDecimalInt

try:
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]

_SPLIT_HINT = N_(": split it into several files and give each with --data")

MAX_FILE_BYTES = 10 * 1024 * 1024
"""Files larger than this (10 MiB, as docs/dataset-format.md says) are refused.

The limit is checked while reading too, so a pipe or a device such as /dev/zero
cannot make the reader wait or grow without end.
"""

_TAG_NAMES = {"timestamp": "date", "int": "whole number", "float": "number", "bool": "boolean"}
"""Plain names for the YAML tags whose constructors can fail on a value."""

_EXPANSION_FACTOR = 4
_EXPANSION_FLOOR = 10_000

_STR_TAG = "tag:yaml.org,2002:str"


def _is_text(node: yaml.Node) -> bool:
    """A text scalar, which the safe loader constructs as its value, whatever its context.

    Taking the value directly skips PyYAML's per-node bookkeeping, which was most of the
    time spent on large files (nine nodes in ten are text); every other node still goes
    through `construct_object`, with the same stack depth.
    """
    return node.tag == _STR_TAG and type(node) is yaml.ScalarNode


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
    """A parsed YAML file: its data, where each part of it stands, and its duplicate keys.

    A key written twice in one mapping keeps only its last value in `data`: that is lost
    data, so `duplicate_keys` are problems the file cannot be built with, reported together
    with everything else wrong in it.
    """

    data: Any
    positions: Positions
    duplicate_keys: tuple[Problem, ...] = ()


MAX_NESTING = 64
"""Objects built inside one another deeper than this are refused (a dataset nests ~6)."""


class _LocatingLoader(_BaseLoader):
    """A safe loader that records positions and duplicate mapping keys."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.positions = Positions()
        self.duplicate_keys: list[tuple[int, int, object]] = []
        self.plain_tags: dict[str, str] = {}
        self.depth = 0

    # The resolver is asked for the tag of every node. With no path resolvers (this loader
    # has none), a quoted scalar is text and a plain one's tag depends on its value alone,
    # so the answers below are PyYAML's own, remembered: a tenth of the time to parse.

    def resolve(self, kind: type[yaml.Node], value: Any, implicit: tuple[bool, bool]) -> Any:
        if kind is not yaml.ScalarNode or self.yaml_path_resolvers:
            return super().resolve(kind, value, implicit)  # type: ignore[no-untyped-call]
        if not implicit[0]:
            return _STR_TAG
        tag = self.plain_tags.get(value)
        if tag is None:
            tag = self.plain_tags[value] = super().resolve(kind, value, implicit)  # type: ignore[no-untyped-call]
        return tag

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        if self.yaml_path_resolvers:
            super().descend_resolver(current_node, current_index)

    def ascend_resolver(self) -> None:
        if self.yaml_path_resolvers:
            super().ascend_resolver()

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        """Construct as the safe loader does; a value its tag cannot hold is a located error.

        PyYAML's constructors let ValueError and friends escape for scalars such as
        `2019-02-30` (read as a date), `!!int abc` or `!!timestamp x`, and deeply nested
        keys exhaust the stack; all of them become a ConstructorError at the node. Objects
        built inside one another (keys are) deeper than MAX_NESTING are refused at the same
        node every time, before the stack runs out at a depth that depends on the caller.
        """
        self.depth += 1
        try:
            if self.depth > MAX_NESTING:
                message = f"nested more than {MAX_NESTING} levels deep"
                raise yaml.constructor.ConstructorError(None, None, message, node.start_mark)
            return super().construct_object(node, deep=deep)
        except yaml.YAMLError:
            raise
        except (ValueError, TypeError, AttributeError, OverflowError, RecursionError) as error:
            tag = str(node.tag).rsplit(":", 1)[-1]
            if isinstance(error, RecursionError):
                problem = "nested too deeply to read"
            elif isinstance(node, yaml.ScalarNode):
                problem = (
                    f"{node.value!r} is read as a {_TAG_NAMES.get(tag, tag)} but is not a valid "
                    "one; put it in quotes to keep it as text"
                )
            else:
                problem = f"cannot build this {_TAG_NAMES.get(tag, tag)}"
            raise yaml.constructor.ConstructorError(None, None, problem, node.start_mark) from None
        finally:
            self.depth -= 1

    def construct_located_mapping(self, node: yaml.MappingNode) -> Iterator[dict[Any, Any]]:
        data: dict[Any, Any] = {}
        yield data
        # Keys written in this mapping; keys brought in by a merge (`<<: *base`) may be
        # overridden here on purpose, so only a repeated own key is a duplicate.
        own_keys = {id(key_node) for key_node, _value in node.value}
        self.flatten_mapping(node)
        key_lines: dict[Any, int] = {}
        own_seen: set[Any] = set()
        for key_node, value_node in node.value:
            key = (  # text directly: see _is_text
                key_node.value if _is_text(key_node) else self.construct_object(key_node, deep=True)
            )
            try:
                hash(key)
            except TypeError:
                raise yaml.constructor.ConstructorError(
                    "while constructing a mapping",
                    node.start_mark,
                    "found an unhashable key",
                    key_node.start_mark,
                ) from None
            if id(key_node) in own_keys:
                if key in own_seen:
                    mark = key_node.start_mark
                    self.duplicate_keys.append((mark.line + 1, mark.column + 1, key))
                own_seen.add(key)
            key_lines[key] = key_node.start_mark.line + 1
            data[key] = (
                value_node.value if _is_text(value_node) else self.construct_object(value_node)
            )
        self.positions.of_container[id(data)] = node.start_mark.line + 1
        self.positions.of_members[id(data)] = key_lines

    def construct_located_sequence(self, node: yaml.SequenceNode) -> Iterator[list[Any]]:
        data: list[Any] = []
        yield data
        data.extend(
            item.value if _is_text(item) else self.construct_object(item) for item in node.value
        )
        self.positions.of_container[id(data)] = node.start_mark.line + 1
        self.positions.of_members[id(data)] = {
            index: item.start_mark.line + 1 for index, item in enumerate(node.value)
        }


def _construct_int(loader: _LocatingLoader, node: yaml.ScalarNode) -> int:
    """A whole number; one not written in plain decimal digits keeps its written form."""
    value: int = loader.construct_yaml_int(node)
    return value if DECIMAL.fullmatch(node.value) else NonDecimalInt(value, node.value)


_LocatingLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)
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
    except yaml.reader.ReaderError as error:
        # libyaml reports a byte offset into the UTF-8 encoded text.
        before = text.encode("utf-8")[: error.position]
        line = before.count(b"\n") + 1
        column = len(before[before.rfind(b"\n") + 1 :].decode("utf-8", "replace")) + 1
        character = error.character if isinstance(error.character, int) else 0
        message = f"invalid YAML: character U+{character:04X} is not allowed ({error.reason})"
        raise DatasetError([Problem(file, message, line=line, column=column)]) from None
    except yaml.YAMLError as error:
        raise DatasetError([Problem(file, f"invalid YAML: {error}")]) from None
    finally:
        loader.dispose()
    duplicates = tuple(
        Problem(file, f"duplicate key {key!r}: an earlier value would be lost", line, column)
        for line, column, key in loader.duplicate_keys
    )
    budget = _EXPANSION_FLOOR + _EXPANSION_FACTOR * len(text)
    # Without a '*' there is no alias, and each node is written out: no expansion to fear.
    if "*" in text and not _count_expanded_nodes(data, budget):
        raise DatasetError(
            [
                Problem(
                    file,
                    "anchors and aliases expand to a structure far larger than the file "
                    "(a recursive alias or a 'billion laughs' file); refusing to read it",
                )
            ]
        )
    return YamlDocument(data, loader.positions, duplicates)


def read_yaml_file(path: Path) -> YamlDocument:
    """Read and parse a YAML file, turning every way it can fail into a DatasetError."""
    from .input_files import UnreadableFileError, decode_text, read_input_file  # noqa: PLC0415

    file = str(path)
    try:
        text = decode_text(read_input_file(path, N_("dataset file"), MAX_FILE_BYTES, _SPLIT_HINT))
    except UnreadableFileError as error:
        raise DatasetError([Problem(file, error.reason, line=error.line)]) from None
    if not text.strip():
        raise DatasetError([Problem(file, "file is empty")])
    return read_yaml_text(text, file)
