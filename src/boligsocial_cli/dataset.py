"""Find, read, validate and build the dataset into typed records."""

from __future__ import annotations

import gc
import os
import types
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import is_dataclass
from enum import Enum
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, Union, get_args, get_origin

from .errors import DatasetError, Problem
from .model import Dataset, record_fields

if TYPE_CHECKING:
    from .safe_yaml import YamlDocument

# The YAML reader and the validator are imported where a file is parsed, so that a
# lookup served from the cache (see cache.py) imports neither of them, nor PyYAML.

DATA_ENV = "BOLIGSOCIAL_DATA"
BUNDLED_LABEL = "bundled"

RecordT = TypeVar("RecordT")


def bundled_dataset_path() -> Path:
    """The dataset that ships inside the package."""
    beside = Path(__file__).with_name("data") / "findings.yaml"
    if beside.is_file():  # an unpacked package, as pip installs it: no importlib.resources
        return beside
    from importlib import resources  # noqa: PLC0415 - a zipped package, say

    return Path(str(resources.files("boligsocial_cli") / "data" / "findings.yaml"))


def dataset_paths(
    explicit: Sequence[Path] = (), env: Mapping[str, str] = os.environ
) -> tuple[Path, ...]:
    """The files to read: those given, else BOLIGSOCIAL_DATA's, else the bundled one."""
    if explicit:
        return tuple(explicit)
    from_env = [part for part in env.get(DATA_ENV, "").split(os.pathsep) if part.strip()]
    if from_env:
        return tuple(Path(part) for part in from_env)
    return (bundled_dataset_path(),)


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a large, acyclic structure is built.

    Otherwise every few thousand new objects trigger a collection that walks all the
    objects made so far: reading a 10,000-finding file took four times as long.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


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


def build_dataset(document: YamlDocument, file: str, origin: str) -> Dataset:
    """Validate a parsed file and build it; raise DatasetError with every problem found."""
    from .validate import check_document  # noqa: PLC0415 - see the imports above

    problems = check_document(document, file)
    if problems:
        raise DatasetError(problems)
    return build_record(Dataset, document.data, origin)


def load_dataset(path: Path, origin: str | None = None) -> Dataset:
    """Read, validate and build one dataset file."""
    from .safe_yaml import read_yaml_file  # noqa: PLC0415 - see the imports above

    label = (
        origin
        if origin is not None
        else (BUNDLED_LABEL if path == bundled_dataset_path() else str(path))
    )
    with gc_paused():
        return build_dataset(read_yaml_file(path), str(path), label)


def validate_files(paths: Sequence[Path], against: Path | None = None) -> tuple[list[Problem], str]:
    """Every problem in `paths` (and, with `against`, quotes missing from that source text).

    Returns the problems and a one-line summary of what was checked.
    """
    from .safe_yaml import read_yaml_file  # noqa: PLC0415 - see the imports above
    from .source_text import SourceText  # noqa: PLC0415
    from .validate import check_document, check_quotes_against  # noqa: PLC0415

    problems: list[Problem] = []
    source: SourceText | None = None
    if against is not None:
        try:
            source = SourceText.from_text(against.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as error:
            problems.append(Problem(str(against), f"cannot read the source text: {error}"))
    checked_findings = 0
    for path in paths:
        try:
            with gc_paused():
                document = read_yaml_file(path)
        except DatasetError as error:
            problems.extend(error.problems)
            continue
        with gc_paused():
            found = check_document(document, str(path))
        problems.extend(found)
        if source is not None:
            problems.extend(check_quotes_against(document, str(path), source.page_of))
        if not found and isinstance(document.data, dict):
            checked_findings += len(document.data.get("findings") or ())
    files = ", ".join(str(path) for path in paths)
    quotes = " and every quote found in the source text" if source else ""
    return problems, f"OK: {files}: {checked_findings} findings valid{quotes}."
