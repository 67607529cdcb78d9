"""Safe YAML reading that remembers where every value stands and refuses what loses data."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from boligsocial_cli.errors import DatasetError, Problem
from boligsocial_cli.i18n import N_, _

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

_TAG_NAMES = {
    "timestamp": N_("date"),
    "int": N_("whole number"),
    "float": N_("number"),
    "bool": N_("boolean"),
}
"""Plain names for the YAML tags whose constructors can fail on a value."""

_EXPANSION_FACTOR = 4
_EXPANSION_FLOOR = 10_000

_STR_TAG = "tag:yaml.org,2002:str"
_MAP_TAG = "tag:yaml.org,2002:map"
_SEQ_TAG = "tag:yaml.org,2002:seq"


class _NotPlainError(Exception):
    """A document that is not plain enough to build directly (see _construct_plain)."""


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
                message = _("nested more than {levels} levels deep").format(levels=MAX_NESTING)
                raise yaml.constructor.ConstructorError(None, None, message, node.start_mark)
            return super().construct_object(node, deep=deep)
        except yaml.YAMLError:
            raise
        except (ValueError, TypeError, AttributeError, OverflowError, RecursionError) as error:
            tag = str(node.tag).rsplit(":", 1)[-1]
            kind = _(_TAG_NAMES[tag]) if tag in _TAG_NAMES else tag
            if isinstance(error, RecursionError):
                problem = _("nested too deeply to read")
            elif isinstance(node, yaml.ScalarNode):
                problem = _(
                    "{value!r} is read as a {kind} but is not a valid one; put it in quotes to "
                    "keep it as text"
                ).format(value=node.value, kind=kind)
            else:
                problem = _("cannot build this {kind}").format(kind=kind)
            raise yaml.constructor.ConstructorError(None, None, problem, node.start_mark) from None
        finally:
            self.depth -= 1

    def construct_document(self, node: yaml.Node) -> Any:
        """The document's data: built directly when it is plain (see `_construct_plain`),
        else as PyYAML builds it, through `construct_object`."""
        try:
            return self._construct_plain(node, 1, set())
        except _NotPlainError:
            self.positions = Positions()
            self.duplicate_keys = []
            return super().construct_document(node)

    def _construct_plain(self, node: yaml.Node, depth: int, seen: set[int]) -> Any:
        """The data of a plain node: mappings of text keys, sequences and scalars, each
        written once, nested less than MAX_NESTING deep; _NotPlainError for anything else.

        Every dataset file is such a document, and building it by this one recursion takes
        a third of the time PyYAML's generators take. Anchors and aliases, merge keys,
        other tags and keys, deep nesting, or a value its tag cannot hold leave it to the
        general path, which builds (or refuses) them as before.
        """
        if type(node) is yaml.ScalarNode:
            if node.tag == _STR_TAG:
                return node.value
            constructor = self.yaml_constructors.get(node.tag)
            if constructor is None:
                raise _NotPlainError
            try:
                return constructor(self, node)
            except (yaml.YAMLError, ValueError, TypeError, AttributeError, OverflowError):
                raise _NotPlainError from None
        if depth >= MAX_NESTING or id(node) in seen:
            raise _NotPlainError
        seen.add(id(node))
        line = node.start_mark.line + 1
        if type(node) is yaml.MappingNode and node.tag == _MAP_TAG:
            mapping: dict[Any, Any] = {}
            key_lines: dict[Any, int] = {}
            for key_node, value_node in node.value:
                if type(key_node) is not yaml.ScalarNode or key_node.tag != _STR_TAG:
                    raise _NotPlainError
                key = key_node.value
                mark = key_node.start_mark
                if key in mapping:
                    self.duplicate_keys.append((mark.line + 1, mark.column + 1, key))
                key_lines[key] = mark.line + 1
                mapping[key] = (
                    value_node.value
                    if type(value_node) is yaml.ScalarNode and value_node.tag == _STR_TAG
                    else self._construct_plain(value_node, depth + 1, seen)
                )
            self.positions.of_container[id(mapping)] = line
            self.positions.of_members[id(mapping)] = key_lines
            return mapping
        if type(node) is yaml.SequenceNode and node.tag == _SEQ_TAG:
            sequence = [
                item.value
                if type(item) is yaml.ScalarNode and item.tag == _STR_TAG
                else self._construct_plain(item, depth + 1, seen)
                for item in node.value
            ]
            self.positions.of_container[id(sequence)] = line
            self.positions.of_members[id(sequence)] = {
                index: item.start_mark.line + 1 for index, item in enumerate(node.value)
            }
            return sequence
        raise _NotPlainError

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
                    None,
                    None,
                    _("a key cannot be a list or a mapping: write the key as text"),
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


_READER_REASONS = {"control characters are not allowed": N_("control characters are not allowed")}
"""The reasons libyaml gives for a character it refuses, in words for the catalogue."""

_RESERVED_STARTS = {"@", "`"}
"""Characters YAML reserves, which cannot start a value that is not in quotes."""

_BRACKETS = {
    "while parsing a flow mapping": ("{", "}"),
    "while parsing a flow sequence": ("[", "]"),
}

Located = tuple[str, "yaml.Mark | None"]
"""A message and the place it is about."""


def syntax_problem(error: yaml.MarkedYAMLError, text: str) -> Located:
    """What a YAML parser's error means, in plain words, and where to show it.

    The common mistakes are named by their cause, at the place to fix: a tab used to indent
    (at the tab), a quote never closed (where it opens), a key without its colon (at the
    key), a line indented wrongly (at that line), a bracket not closed, a second document,
    a reserved character starting a value. Anything else is the parser's own words, at the
    place it stopped.
    """
    for named in (_character_mistake, _quote_mistake, _key_mistake, _indent_mistake):
        found = named(error, text)
        if found is not None:
            return found
    reason = " ".join(part for part in (error.context, error.problem) if part)
    return _("invalid YAML: {reason}").format(
        reason=reason
    ), error.problem_mark or error.context_mark


def _character_mistake(error: yaml.MarkedYAMLError, text: str) -> Located | None:
    """A tab where YAML wants spaces, or a reserved character starting a value."""
    problem, at = error.problem or "", error.problem_mark
    found = _character_at(text, at)
    if "tab character" in problem or (found == "\t" and "cannot start any token" in problem):
        return _("invalid YAML: a tab character: YAML indents with spaces, not tabs"), at
    if "cannot start any token" in problem and found in _RESERVED_STARTS:
        message = _("invalid YAML: a value cannot start with {character!r}: put it in quotes")
        return message.format(character=found), at
    return None


def _quote_mistake(error: yaml.MarkedYAMLError, text: str) -> Located | None:
    """A quote never closed: at the end of the file, or closed only by the next quote."""
    opened = error.context_mark
    if error.context == "while scanning a quoted scalar" and opened is not None:
        message = _("invalid YAML: the quote {quote} that starts here is never closed")
        return message.format(quote=_character_at(text, opened) or '"'), opened
    at = error.problem_mark
    runaway = _runaway_quote(text, at)
    if runaway is None or at is None:
        return None
    message = _(
        "invalid YAML: the quote {quote} that starts here is not closed on its line: the text "
        "runs on to line {line}"
    )
    return message.format(quote=_character_at(text, runaway), line=at.line + 1), runaway


def _key_mistake(error: yaml.MarkedYAMLError, text: str) -> Located | None:
    """A key without its colon, a ': ' in a value, a bracket not closed, a second document."""
    problem, context = error.problem or "", error.context or ""
    at, opened = error.problem_mark, error.context_mark
    if context == "while scanning a simple key" and "could not find expected ':'" in problem:
        key = _line_at(text, opened)[opened.column :].strip() if opened else ""
        message = _("invalid YAML: a ':' is missing after {key!r} (write {key}: and the value)")
        return message.format(key=key), opened
    run_on = _key_run_on(text, at) if problem.startswith("mapping values are not allowed") else None
    if run_on is not None:
        key = _line_at(text, run_on)[run_on.column :].strip()
        message = _("invalid YAML: a ':' is missing after {key!r} (write {key}: and the value)")
        return message.format(key=key), run_on
    value_before = at is not None and ": " in _line_at(text, at)[: at.column]
    if problem.startswith("mapping values are not allowed") and value_before:
        return _("invalid YAML: a ': ' inside a value: put the value in quotes"), at
    if context in _BRACKETS and opened is not None and "expected ','" in problem:
        message = _(
            "invalid YAML: the {opening!r} on line {line} is not closed with {closing!r}, or a "
            "',' is missing before this"
        )
        opening, closing = _BRACKETS[context]
        return message.format(opening=opening, closing=closing, line=opened.line + 1), at
    if context.startswith("expected a single document"):
        return _("invalid YAML: a second document ('---'): a dataset file holds one"), at
    return None


def _indent_mistake(error: yaml.MarkedYAMLError, text: str) -> Located | None:
    """A line indented more than the key before it, or to no level above it."""
    problem, context, at = error.problem or "", error.context or "", error.problem_mark
    in_block = context.startswith("while parsing a block") and (
        "did not find expected" in problem or "<block end>" in problem
    )
    if not (in_block or problem.startswith("mapping values are not allowed")):
        return None
    if problem.startswith("mapping values are not allowed") or _indented_more(text, at):
        message = _(
            "invalid YAML: this line is indented more than the key before it: keys of one "
            "mapping start in the same column"
        )
    else:
        message = _(
            "invalid YAML: this line's indentation matches no line above it: indent it as the "
            "keys or list items it belongs with"
        )
    return message, at


def _scalar_before(text: str, at: yaml.Mark | None) -> yaml.ScalarToken | None:
    """The text the parser read last before it stopped at `at`, if that is a scalar."""
    if at is None:
        return None
    before: yaml.Token | None = None
    try:
        for token in yaml.scan(text, Loader=_BaseLoader):
            if token.end_mark.index > at.index:
                break
            before = token
    except yaml.YAMLError:
        return None
    return before if isinstance(before, yaml.ScalarToken) else None


def _runaway_quote(text: str, at: yaml.Mark | None) -> yaml.Mark | None:
    """Where a quoted text starts that ran on over lines to end just where the parser
    stopped: a quote left open, closed only by the next quote in the file."""
    before = _scalar_before(text, at)
    if (
        before is not None
        and at is not None
        and before.style in ("'", '"')
        and before.start_mark.line < before.end_mark.line == at.line
    ):
        start: yaml.Mark = before.start_mark
        return start
    return None


def _key_run_on(text: str, at: yaml.Mark | None) -> yaml.Mark | None:
    """Where a key without its colon starts, when the parser read it on into the next line's
    key: `title x` above `foo: 1`, both keys of one mapping, reads as the key 'title x foo'."""
    lines = text.splitlines()
    if at is None or at.line >= len(lines):
        return None
    earlier = [n for n in range(at.line) if lines[n].strip() and lines[n].lstrip()[0] != "#"]
    if not earlier:
        return None
    row = earlier[-1]
    key_column = _indent(lines[row])
    if ":" in lines[row] or key_column != _indent(lines[at.line]):
        return None
    index = sum(len(line) + 1 for line in lines[:row]) + key_column
    return yaml.Mark(at.name, index, row, key_column, None, None)  # type: ignore[arg-type]


_INDENT = re.compile(r" *(?:- +)*")


def _indented_more(text: str, at: yaml.Mark | None) -> bool:
    """Whether the line of `at` is indented more than the first key of the last line of data
    before it."""
    lines = text.splitlines()
    if at is None or at.line >= len(lines):
        return False
    earlier = [line for line in lines[: at.line] if line.strip() and line.lstrip()[0] != "#"]
    return bool(earlier) and _indent(lines[at.line]) > _indent(earlier[-1])


def _indent(line: str) -> int:
    """Where a line's key starts: after the spaces, and a list item's '- '."""
    return len(_INDENT.match(line).group())  # type: ignore[union-attr]  # matches any line


def _line_at(text: str, mark: yaml.Mark | None) -> str:
    lines = text.splitlines()
    return lines[mark.line] if mark is not None and mark.line < len(lines) else ""


def _character_at(text: str, mark: yaml.Mark | None) -> str:
    line = _line_at(text, mark)
    return line[mark.column] if mark is not None and mark.column < len(line) else ""


def read_yaml_text(text: str, file: str) -> YamlDocument:
    """Parse `text` safely; raise DatasetError naming `file` and the place of any problem."""
    loader = _LocatingLoader(text)
    try:
        data = loader.get_single_data()
    except yaml.MarkedYAMLError as error:
        message, mark = syntax_problem(error, text)
        line, column = (mark.line + 1, mark.column + 1) if mark else (None, None)
        raise DatasetError([Problem(file, message, line=line, column=column)]) from None
    except yaml.reader.ReaderError as error:
        # libyaml reports a byte offset into the UTF-8 encoded text.
        before = text.encode("utf-8")[: error.position]
        line = before.count(b"\n") + 1
        column = len(before[before.rfind(b"\n") + 1 :].decode("utf-8", "replace")) + 1
        character = error.character if isinstance(error.character, int) else 0
        message = _("invalid YAML: character U+{code:04X} is not allowed ({reason})").format(
            code=character, reason=_(_READER_REASONS.get(str(error.reason), str(error.reason)))
        )
        raise DatasetError([Problem(file, message, line=line, column=column)]) from None
    except yaml.YAMLError as error:
        message = _("invalid YAML: {reason}").format(reason=error)
        raise DatasetError([Problem(file, message)]) from None
    finally:
        loader.dispose()
    duplicates = tuple(  # in the file's order, however the document was built
        Problem(
            file,
            _("duplicate key {key!r}: an earlier value would be lost").format(key=key),
            line,
            column,
        )
        for line, column, key in sorted(loader.duplicate_keys, key=lambda found: found[:2])
    )
    budget = _EXPANSION_FLOOR + _EXPANSION_FACTOR * len(text)
    # Without a '*' there is no alias, and each node is written out: no expansion to fear.
    if "*" in text and not _count_expanded_nodes(data, budget):
        raise DatasetError(
            [
                Problem(
                    file,
                    _(
                        "anchors and aliases expand to a structure far larger than the file "
                        "(a recursive alias or a 'billion laughs' file); refusing to read it"
                    ),
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
        raise DatasetError([Problem(file, _("file is empty"))])
    return read_yaml_text(text, file)
