"""Find, read, validate and build the dataset into typed records.

Each file is read and checked on its own (`read_layer`, a function of that one file), then
the files are laid over one another (`overlay.merge`).
"""

from __future__ import annotations

import types
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, is_dataclass
from enum import Enum
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, Union, get_args, get_origin

from boligsocial_cli.errors import DatasetError, Problem
from boligsocial_cli.i18n import N_, _
from boligsocial_cli.model import BaseDataset, Dataset, DatasetFile, record_fields

from . import locations
from .locations import origin_label
from .overlay import OVERLAY_SECTIONS, Layer, LayerError, merge
from .validate import (
    check_file,
    check_quotes_against,
    collect_links,
    record_places,
    section_places,
)

if TYPE_CHECKING:
    from .safe_yaml import YamlDocument
    from .source_text import SourceText

# The YAML reader is imported where a file is parsed, so that a lookup served from the
# store imports neither it nor PyYAML.

RecordT = TypeVar("RecordT")


_AS_IS, _OPTIONAL, _TUPLE, _ENUM, _RECORD = range(5)


@cache
def _kind_of(hint: Any) -> tuple[int, Any]:
    """How a value of `hint` is built, and the hint inside it (worked out once per hint)."""
    if get_origin(hint) in (Union, types.UnionType):
        return _OPTIONAL, next(arg for arg in get_args(hint) if arg is not type(None))
    if get_origin(hint) is tuple:
        return _TUPLE, get_args(hint)[0]
    if isinstance(hint, type) and issubclass(hint, Enum):
        return _ENUM, hint
    if isinstance(hint, type) and is_dataclass(hint):
        return _RECORD, hint
    return _AS_IS, hint


def _build_value(hint: Any, value: Any, origin: str) -> Any:
    kind, inner = _kind_of(hint)
    if kind == _AS_IS:
        return value
    if kind == _OPTIONAL:
        return None if value is None else _build_value(inner, value, origin)
    if kind == _TUPLE:
        return tuple(_build_value(inner, item, origin) for item in value or ())
    if kind == _ENUM:
        return inner(value)
    return build_record(inner, value, origin)


def build_record(record_type: type[RecordT], raw: Mapping[str, Any], origin: str = "") -> RecordT:
    """Build a record from a validated mapping; `origin` labels where it came from."""
    values = {
        item.name: _build_value(item.hint, raw[item.key], origin)
        for item in record_fields(record_type)  # type: ignore[arg-type] # a dataclass type
        if raw.get(item.key) is not None
    }
    if "origin" in getattr(record_type, "__dataclass_fields__", {}):
        values["origin"] = origin
    return record_type(**values)


def build_layer(document: YamlDocument, file: str, origin: str) -> Layer:
    """Check a parsed file on its own and build it; raise DatasetError with every problem."""
    problems = [*document.duplicate_keys, *check_file(document, file)]
    if problems:
        places = {section: record_places(document, file, section) for section in OVERLAY_SECTIONS}
        raw = document.data if isinstance(document.data, dict) else {}
        raise LayerError(
            problems,
            links=collect_links(document, file),
            defines={section: frozenset(places[section]) for section in OVERLAY_SECTIONS},
            extends_bundled=raw.get("extends") == BaseDataset.BUNDLED.value,
        )
    return Layer(
        file=file,
        origin=origin,
        content=build_record(DatasetFile, document.data, origin),
        places={section: record_places(document, file, section) for section in OVERLAY_SECTIONS},
        sections=section_places(document, file),
        links=collect_links(document, file),
    )


def read_layer(path: Path) -> Layer:
    """Read, check and build one dataset file on its own: a function of that file alone."""
    from .safe_yaml import read_yaml_file  # noqa: PLC0415 - see the imports above

    return build_layer(read_yaml_file(path), str(path), origin_label(path))


LayerReader = Callable[[Path], Layer]
"""Reads one file into a Layer: `read_layer`, or a wrapper around it (a cache, say)."""


def _with_base(layers: list[Layer], read: LayerReader) -> list[Layer]:
    """Put the bundled dataset first when the first file says `extends: bundled`."""
    if layers and layers[0].content.extends is BaseDataset.BUNDLED and not layers[0].is_bundled:
        return [read(locations.bundled_dataset_path()), *layers]
    return layers


def _layers_beneath(error: LayerError, before: list[Layer], read: LayerReader) -> list[Layer]:
    """The files a failing file is laid over: those before it (with the bundled one the first
    extends), or the bundled one it extends itself."""
    try:
        if before:
            return _with_base(before, read)
        return [read(locations.bundled_dataset_path())] if error.extends_bundled else []
    except DatasetError:
        return before


def read_layers(paths: Sequence[Path], read: LayerReader = read_layer) -> tuple[Layer, ...]:
    """Read each file on its own, collecting every file's problems; bases put first."""
    layers: list[Layer] = []
    problems: list[Problem] = []
    for path in paths:
        try:
            layers.append(read(path))
        except LayerError as error:
            problems.extend(error.problems)
            problems.extend(error.unresolved(_layers_beneath(error, layers, read)))
        except DatasetError as error:
            problems.extend(error.problems)
    if problems:
        raise DatasetError(problems)
    return tuple(_with_base(layers, read))


def load_dataset(paths: Path | Sequence[Path], read: LayerReader = read_layer) -> Dataset:
    """Read dataset files and lay each over the ones before it (see `overlay.merge`)."""
    return merge(read_layers((paths,) if isinstance(paths, Path) else paths, read))


@dataclass(frozen=True, slots=True)
class ValidationReport:
    """What a clean `validate` checked: the files, their findings, and the source text."""

    files: tuple[str, ...]
    """The files as their records are labelled: `bundled`, or the path."""
    findings_per_file: tuple[int, ...]
    source_text: Path | None = None
    pages_checked: bool = False
    warnings: tuple[Problem, ...] = ()
    """What is valid but misleads: a theme name that is another theme's id, say."""


_SHADOW_FIELDS = {"theme": ("themes", "name"), "reference": ("references", "cited_as")}
_SHADOW_KINDS = {"theme": N_("theme"), "reference": N_("reference")}


def shadow_warnings(dataset: Dataset, layers: Sequence[Layer]) -> tuple[Problem, ...]:
    """A warning, at its place, for each name that typed does not lead to its own record."""
    from boligsocial_cli.resolver import shadowed_names  # noqa: PLC0415 - validate only

    places = {
        (section, record_id): place
        for layer in layers
        for section, by_id in layer.places.items()
        for record_id, place in by_id.items()
    }
    warnings: list[Problem] = []
    for shadow in shadowed_names(dataset):
        section, key = _SHADOW_FIELDS[shadow.kind]
        template = (
            _(
                "the name {name!r} is also the id of {kind} {other!r}, and an id always wins: "
                "typed, it means {other!r}, not this {kind}"
            )
            if shadow.of_id
            else _(
                "the name {name!r} is also a name of {kind} {other!r}: typed, it matches both "
                "and is ambiguous"
            )
        )
        kind = _(_SHADOW_KINDS[shadow.kind])
        message = template.format(name=shadow.name, kind=kind, other=shadow.other)
        place = places.get((section, shadow.record))
        if place is not None:
            warnings.append(place.problem(message, key))
    return tuple(warnings)


def read_source_text(path: Path) -> SourceText:
    """Read a source text to check quotes against: a regular file (or a pipe given as
    /dev/stdin) of UTF-8 text without NUL, at most MAX_FILE_BYTES."""
    from .input_files import UnreadableFileError, decode_text, read_input_file  # noqa: PLC0415
    from .safe_yaml import MAX_FILE_BYTES  # noqa: PLC0415 - see the imports above
    from .source_text import SourceText  # noqa: PLC0415

    try:
        raw = read_input_file(path, N_("source text"), MAX_FILE_BYTES)
        return SourceText.from_text(decode_text(raw, allow_nul=False))
    except UnreadableFileError as error:
        message = _("cannot read the source text: {reason}").format(reason=error.reason)
        raise DatasetError([Problem(str(path), message, line=error.line)]) from None


def _quote_problems(paths: Sequence[Path], source: SourceText) -> list[Problem]:
    """Quotes of `paths` that the source text does not hold (files that fail to parse skipped:
    reading them reports that)."""
    from .safe_yaml import read_yaml_file  # noqa: PLC0415 - see the imports above

    problems: list[Problem] = []
    for path in paths:
        try:
            document = read_yaml_file(path)
        except DatasetError:
            continue
        has_pages = len(source.page_starts) > 1
        problems.extend(
            check_quotes_against(document, str(path), source.page_of, has_pages=has_pages)
        )
    return problems


def validate_files(paths: Sequence[Path], against: Path | None = None) -> ValidationReport:
    """Check `paths`, each on its own and then together, and their quotes against a source text.

    Raises DatasetError with every problem found, ordered by file and line.
    """
    from .workers import reading_ahead  # noqa: PLC0415 - it reads with this module

    source = read_source_text(against) if against is not None else None
    problems = _quote_problems(paths, source) if source is not None else []
    try:
        with reading_ahead(paths) as read:
            layers = read_layers(paths, read)
        dataset = merge(layers)
    except DatasetError as error:
        problems.extend(error.problems)
    if problems:
        order = {str(path): index for index, path in enumerate(paths)}
        problems.sort(key=lambda problem: (order.get(problem.file, -1), problem.line or 0))
        raise DatasetError(problems)
    per_file = Counter(finding.origin for finding in dataset.findings)
    return ValidationReport(
        files=tuple(layer.origin for layer in layers),
        findings_per_file=tuple(per_file[layer.origin] for layer in layers),
        source_text=against,
        pages_checked=source is not None and len(source.page_starts) > 1,
        warnings=shadow_warnings(dataset, layers),
    )
