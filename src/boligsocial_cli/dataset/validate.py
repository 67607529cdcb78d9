"""Check a parsed dataset file against the typed model; collect every problem with its place."""

from __future__ import annotations

import datetime
import re
import types
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, is_dataclass
from enum import Enum
from functools import cache
from typing import TYPE_CHECKING, Any, Literal, TypeGuard, Union, get_args, get_origin

from boligsocial_cli.errors import Problem, did_you_mean
from boligsocial_cli.i18n import N_, _
from boligsocial_cli.model import DatasetFile, EvidenceKind, RecordField, record_fields

from .yaml_numbers import NonDecimalInt

if TYPE_CHECKING:  # a YAML document is only ever passed in: validating imports no YAML
    from .safe_yaml import YamlDocument


@cache
def _optional_inner(hint: Any) -> Any | None:
    """For `X | None` return X; otherwise None."""
    if get_origin(hint) in (Union, types.UnionType):
        inner = [arg for arg in get_args(hint) if arg is not type(None)]
        if len(inner) == 1:
            return inner[0]
    return None


def describe_value(value: object) -> str:  # noqa: PLR0911 - one return per kind of value
    """Say what a YAML value was read as, with a hint for the YAML 1.1 surprise that made it
    so: a base-60 or octal number only when it was written as one."""
    if isinstance(value, bool):
        return _(
            "the boolean {value} (YAML reads unquoted yes/no/on/off/true/false as booleans: "
            "put the value in quotes)"
        ).format(value=str(value).lower())
    if isinstance(value, NonDecimalInt):
        return _(
            "the integer {value} ({written!r} is {form} in YAML 1.1: put the value in quotes to "
            "keep it as text)"
        ).format(value=int(value), written=value.written, form=_(value.form))
    if isinstance(value, int):
        return _("the integer {value} (put the value in quotes to keep it as text)").format(
            value=value
        )
    if isinstance(value, float):
        return _("the number {value} (put the value in quotes to keep it as text)").format(
            value=value
        )
    if isinstance(value, datetime.date):
        return _("the date {value} (put the value in quotes to keep it as text)").format(
            value=value.isoformat()
        )
    if value is None:
        return _("nothing (an empty value)")
    if isinstance(value, str):
        return _("the text {value!r}").format(value=value)
    if isinstance(value, list):
        return _("a list")
    if isinstance(value, dict):
        return _("a mapping")
    return _("a {type}").format(type=type(value).__name__)


def _expected(hint: Any) -> str:  # noqa: PLR0911 - one return per kind of hint
    """Name the kind of value a type hint asks for, for messages."""
    if hint is str:
        return _("text")
    if hint is int:
        return _("a whole number")
    if hint is bool:
        return _("true or false")
    if isinstance(hint, type) and issubclass(hint, Enum):
        return _("one of {values}").format(values=", ".join(member.value for member in hint))
    if get_origin(hint) is tuple:
        return _("a list")
    if isinstance(hint, type) and is_dataclass(hint):
        keys = [item.key for item in record_fields(hint) if item.required]
        if keys:
            return _("a mapping with {keys}").format(keys=", ".join(keys))
        keys = [item.key for item in record_fields(hint)]
        return _("a mapping of {keys}").format(keys=", ".join(keys))
    return str(hint)  # pragma: no cover - every hint in the model is covered above


PATTERN_MEANINGS = (
    N_("a slug (lower-case letters, digits and single hyphens, e.g. 'fritidsjob-effekt')"),
    N_("a language tag (BCP 47, e.g. 'da', 'en' or 'en-US')"),
)
"""What the model's patterns (`pattern_means`) say, marked here for the catalogue: the model
cannot import it (tests/test_messages.py checks the two agree)."""


def _got(expected: str, value: object) -> str:
    """'expected X, got Y': what a field asks for, and what the value was read as."""
    return _("expected {expected}, got {value}").format(
        expected=expected, value=describe_value(value)
    )


LINE_BREAK = re.compile("[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]")
"""Every character that ends a line (those str.splitlines splits at), not only LF."""

_LINE_BREAK_NAMES = {
    "\n": "LF",
    "\r": "CR",
    "\v": "VT",
    "\f": "FF",
    "\x1c": "FS",
    "\x1d": "GS",
    "\x1e": "RS",
    "\x85": "NEL",
    "\u2028": "LINE SEPARATOR",
    "\u2029": "PARAGRAPH SEPARATOR",
}


def _line_break_message(line_break: str) -> str:
    character = f"U+{ord(line_break):04X} {_LINE_BREAK_NAMES[line_break]}"
    if line_break == "\n":
        message = _(
            "must be one line, but holds a line break ({character}); a block scalar ('>' or "
            "'|') ends in one: write '>-', or write the text on one line"
        )
    else:
        message = _(
            "must be one line, but holds a line break ({character}); write the text on one line"
        )
    return message.format(character=character)


@dataclass(slots=True)
class _Checker:
    """Walks raw data beside the model's type hints, collecting located problems."""

    file: str
    document: YamlDocument
    problems: list[Problem]

    def report(self, container: object, member: object, path: str, message: str) -> None:
        line = self.document.positions.line_of(container, member)
        self.problems.append(Problem(self.file, message, line=line, path=path))

    def check_value(  # noqa: PLR0912 - one branch per kind of type hint
        self, hint: Any, value: Any, where: tuple[object, object, str], *, one_line: bool = True
    ) -> None:
        container, member, path = where
        inner = _optional_inner(hint)
        if inner is not None:
            if value is not None:
                self.check_value(inner, value, where, one_line=one_line)
            return
        if hint is str:
            if not isinstance(value, str):
                self.report(container, member, path, _got(_("text"), value))
            elif not value.strip():
                self.report(container, member, path, _("must not be empty"))
            elif one_line and (line_break := LINE_BREAK.search(value)):
                self.report(container, member, path, _line_break_message(line_break.group()))
        elif hint is bool:
            if not isinstance(value, bool):
                self.report(container, member, path, _got(_("true or false"), value))
        elif hint is int:
            if not isinstance(value, int) or isinstance(value, bool):
                self.report(container, member, path, _got(_("a whole number"), value))
            elif isinstance(value, NonDecimalInt):
                message = _(
                    "{written!r} is {form} in YAML 1.1, read as {value}: write the number in "
                    "plain decimal digits (such as {value})"
                ).format(written=value.written, form=_(value.form), value=int(value))
                self.report(container, member, path, message)
        elif isinstance(hint, type) and issubclass(hint, Enum):
            allowed = [member_.value for member_ in hint]
            if value not in allowed:
                shown = value if isinstance(value, str) else describe_value(value)
                message = _("{value!r} is not one of {allowed}")
                self.report(
                    container, member, path, message.format(value=shown, allowed=", ".join(allowed))
                )
        elif get_origin(hint) is tuple:
            if not isinstance(value, list):
                self.report(container, member, path, _got(_("a list"), value))
                return
            item_hint = get_args(hint)[0]
            for index, item in enumerate(value):
                item_path = f"{path}[{index}]"
                if isinstance(item, dict):
                    item_path = _label(item_path, item)
                self.check_value(item_hint, item, (value, index, item_path), one_line=one_line)
        elif isinstance(hint, type) and is_dataclass(hint):
            self.check_record(hint, value, where, one_line=one_line)

    def check_record(
        self,
        record_type: type,
        value: Any,
        where: tuple[object, object, str],
        *,
        one_line: bool = True,
    ) -> None:
        container, member, path = where
        if not isinstance(value, dict):
            self.report(container, member, path, _got(_expected(record_type), value))
            return
        known = _fields_by_key(record_type)
        for key in value:
            if key not in known:
                hint = did_you_mean(str(key), known)
                self.report(
                    value,
                    key,
                    _join(path, str(key)),
                    _("unknown field{hint}; known fields: {fields}").format(
                        hint=hint, fields=", ".join(known)
                    ),
                )
        for item in known.values():
            field_path = _join(path, item.key)
            if item.key not in value or (value[item.key] is None and item.required):
                if item.required:
                    self.report(value, None, field_path, _("missing (required)"))
                continue
            field_value = value[item.key]
            self.check_value(
                item.hint,
                field_value,
                (value, item.key, field_path),
                one_line=one_line and item.one_line,
            )
            if (
                item.pattern
                and isinstance(field_value, str)
                and field_value.strip()
                and not re.fullmatch(item.pattern, field_value)
            ):
                self.report(
                    value,
                    item.key,
                    field_path,
                    _("{value!r} is not {meaning}").format(
                        value=field_value, meaning=_(str(item.pattern_means))
                    ),
                )
            if item.minimum is not None and _plain_int(field_value) and field_value < item.minimum:
                self.report(
                    value,
                    item.key,
                    field_path,
                    _("must be at least {minimum}, not {value}").format(
                        minimum=item.minimum, value=field_value
                    ),
                )


def _plain_int(value: object) -> TypeGuard[int]:
    """A whole number written in decimal digits (a boolean is not; nor YAML 1.1's octal 010)."""
    return isinstance(value, int) and not isinstance(value, bool | NonDecimalInt)


@cache
def _fields_by_key(record_type: type) -> dict[str, RecordField]:
    return {item.key: item for item in record_fields(record_type)}


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _label(path: str, record: dict[str, Any]) -> str:
    """`findings[3]` becomes `findings[3] (id)` when the record has a usable id."""
    record_id = record.get("id")
    return f"{path} ({record_id})" if isinstance(record_id, str) and record_id else path


def _records(document: YamlDocument, section: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """The well-formed records of a top-level list, with their labelled paths."""
    root = document.data
    items = root.get(section) if isinstance(root, dict) else None
    if isinstance(items, list):
        for index, record in enumerate(items):
            if isinstance(record, dict):
                yield _label(f"{section}[{index}]", record), record


def _passages(document: YamlDocument) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every passage in themes' context and background sections, with its path."""
    for section, key in (("themes", "context"), ("background", "passages")):
        for path, record in _records(document, section):
            passages = record.get(key)
            if isinstance(passages, list):
                for index, passage in enumerate(passages):
                    if isinstance(passage, dict):
                        yield f"{path}.{key}[{index}]", passage


def _check_unique_ids(checker: _Checker, section: str) -> None:
    """Report ids used twice in `section`."""
    seen: dict[str, str] = {}
    for path, record in _records(checker.document, section):
        record_id = record.get("id")
        if not isinstance(record_id, str):
            continue
        if record_id in seen:
            message = _("duplicate id, first used at {first}").format(first=seen[record_id])
            checker.report(record, "id", f"{path}.id", message)
        else:
            seen[record_id] = path


def _check_pages(checker: _Checker, pages: object) -> None:
    """With meta.pages given, every page must lie within the publication."""
    if not _plain_int(pages):
        return
    document = checker.document
    located = [*_records(document, "findings"), *_passages(document)]
    for path, record in [*located, *_records(document, "challenges")]:
        page = record.get("page")
        if _plain_int(page) and page > pages:
            message = _("must be 1-{pages} (the publication has {pages} pages), not {page}")
            message = message.format(pages=pages, page=page)
            checker.report(record, "page", f"{path}.page", message)


def _check_evidence_kinds(checker: _Checker, explained: object) -> None:
    """Each evidence kind is explained exactly once."""
    if not isinstance(explained, list):
        return
    kinds = [record.get("kind") for record in explained if isinstance(record, dict)]
    for kind in EvidenceKind:
        if kinds.count(kind.value) > 1:
            message = _("{kind!r} explained twice").format(kind=kind.value)
            checker.report(explained, None, "evidence_kinds", message)
        elif kind.value not in kinds:
            message = _("no explanation of {kind!r}").format(kind=kind.value)
            checker.report(explained, None, "evidence_kinds", message)


def _check_within_file(checker: _Checker) -> None:
    """Unique ids, pages within the publication, each evidence kind explained once."""
    for section in ("themes", "findings", "challenges", "background", "references"):
        _check_unique_ids(checker, section)
    root = checker.document.data
    meta = root.get("meta")
    _check_pages(checker, meta.get("pages") if isinstance(meta, dict) else None)
    _check_evidence_kinds(checker, root.get("evidence_kinds"))


_LINK_NOUNS = {"theme": N_("theme"), "reference": N_("reference")}


def _unknown(what: str, value: str, choices: Iterable[str]) -> str:
    message = _("unknown {what} {value!r}{hint}")
    return message.format(what=_(_LINK_NOUNS[what]), value=value, hint=did_you_mean(value, choices))


def check_quotes_against(
    document: YamlDocument, file: str, page_of: Callable[[str], int | None], *, has_pages: bool
) -> list[Problem]:
    """Every quote must occur in a source text, on its page if the source marks pages.

    `page_of(quote)` gives the page on which a quote starts, or None if it does not occur.
    """
    checker = _Checker(file, document, [])
    quoted = [
        *_records(document, "findings"),
        *_records(document, "challenges"),
        *_passages(document),
    ]
    for path, record in quoted:
        quote, page = record.get("quote"), record.get("page")
        if not isinstance(quote, str) or not quote.strip():
            continue
        found = page_of(quote)
        if found is None:
            message = _("quote does not occur in the source text")
            checker.report(record, "quote", f"{path}.quote", message)
        elif isinstance(page, int) and found != page and has_pages:
            message = _("the quote starts on page {found}, not {page}").format(
                found=found, page=page
            )
            checker.report(record, "page", f"{path}.page", message)
    return checker.problems


def check_file(document: YamlDocument, file: str) -> list[Problem]:
    """Every problem one file has on its own: shape, types, vocabularies, in-file ids and pages.

    Themes and citations are left to `check_links`, once the files before it are known.
    """
    checker = _Checker(file, document, [])
    checker.check_record(DatasetFile, document.data, (None, None, ""))
    if isinstance(document.data, dict):
        _check_within_file(checker)
    return checker.problems


@dataclass(frozen=True, slots=True)
class Place:
    """Where something is written: file, line and path inside the file."""

    file: str
    line: int | None
    path: str

    def problem(self, message: str, member: str = "") -> Problem:
        """A problem at this place (or at one of its members, e.g. `id`)."""
        path = _join(self.path, member) if member else self.path
        return Problem(self.file, message, line=self.line, path=path)

    def __str__(self) -> str:
        return f"{self.file}:{self.line}" if self.line is not None else self.file


@dataclass(frozen=True, slots=True)
class Link:
    """A theme or citation one record names, to resolve once every file before it is read."""

    place: Place
    kind: Literal["theme", "reference"]
    target: str


def collect_links(document: YamlDocument, file: str) -> tuple[Link, ...]:
    """Every finding's theme and every citation in a file, each with its place."""
    positions = document.positions
    links: list[Link] = []
    for path, finding in _records(document, "findings"):
        theme = finding.get("theme")
        if isinstance(theme, str):
            place = Place(file, positions.line_of(finding, "theme"), f"{path}.theme")
            links.append(Link(place, "theme", theme))
    for path, record in [*_records(document, "findings"), *_passages(document)]:
        citations = record.get("citations")
        if not isinstance(citations, list):
            continue
        for index, citation in enumerate(citations):
            if isinstance(citation, str):
                line = positions.line_of(citations, index)
                place = Place(file, line, f"{path}.citations[{index}]")
                links.append(Link(place, "reference", citation))
    return tuple(links)


def check_links(
    links: Iterable[Link], themes: Iterable[str], references: Iterable[str]
) -> list[Problem]:
    """A problem for every link naming a theme or reference that is not among those given."""
    known = {"theme": set(themes), "reference": set(references)}
    return [
        link.place.problem(_unknown(link.kind, link.target, known[link.kind]))
        for link in links
        if link.target not in known[link.kind]
    ]


def record_places(document: YamlDocument, file: str, section: str) -> dict[str, Place]:
    """Where each record of a section is written, by id (the line of its `id`)."""
    places: dict[str, Place] = {}
    for path, record in _records(document, section):
        record_id = record.get("id")
        if isinstance(record_id, str) and record_id not in places:
            line = document.positions.line_of(record, "id")
            places[record_id] = Place(file, line, path)
    return places


def section_places(document: YamlDocument, file: str) -> dict[str, Place]:
    """Where each top-level key of a file is written."""
    root = document.data
    if not isinstance(root, dict):
        return {}
    return {str(key): Place(file, document.positions.line_of(root, key), str(key)) for key in root}
