"""Find, read, validate and build the dataset into typed records."""

from __future__ import annotations

import os
import types
from collections.abc import Mapping, Sequence
from dataclasses import is_dataclass
from enum import Enum
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar, Union, get_args, get_origin

from .errors import DatasetError, Problem
from .model import Dataset, record_fields
from .safe_yaml import MAX_FILE_BYTES, YamlDocument, read_yaml_file
from .source_text import SourceText
from .validate import check_document, check_quotes_against

DATA_ENV = "BOLIGSOCIAL_DATA"
BUNDLED_LABEL = "bundled"

RecordT = TypeVar("RecordT")


def bundled_dataset_path() -> Path:
    """The dataset that ships inside the package."""
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


def _build_value(hint: Any, value: Any, origin: str) -> Any:
    if get_origin(hint) in (Union, types.UnionType):
        inner = next(arg for arg in get_args(hint) if arg is not type(None))
        return None if value is None else _build_value(inner, value, origin)
    if get_origin(hint) is tuple:
        (item_hint, _) = get_args(hint)
        return tuple(_build_value(item_hint, item, origin) for item in value or ())
    if isinstance(hint, type) and issubclass(hint, Enum):
        return hint(value)
    if isinstance(hint, type) and is_dataclass(hint):
        return build_record(hint, value, origin)
    return value


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
    problems = check_document(document, file)
    if problems:
        raise DatasetError(problems)
    return build_record(Dataset, document.data, origin)


def load_dataset(path: Path, origin: str | None = None) -> Dataset:
    """Read, validate and build one dataset file."""
    label = (
        origin
        if origin is not None
        else (BUNDLED_LABEL if path == bundled_dataset_path() else str(path))
    )
    return build_dataset(read_yaml_file(path), str(path), label)


def validate_files(paths: Sequence[Path], against: Path | None = None) -> tuple[list[Problem], str]:
    """Every problem in `paths` (and, with `against`, quotes missing from that source text).

    Returns the problems and a one-line summary of what was checked.
    """
    problems: list[Problem] = []
    source: SourceText | None = None
    if against is not None:
        try:
            with against.open("rb") as stream:  # bounded: /dev/zero or a pipe must not hang
                raw = stream.read(MAX_FILE_BYTES + 1)
            if len(raw) > MAX_FILE_BYTES:
                limit = MAX_FILE_BYTES // (1024 * 1024)
                message = f"the source text is too large (the limit is {limit} MiB)"
                problems.append(Problem(str(against), message))
            else:
                source = SourceText.from_text(raw.decode("utf-8"))
        except (OSError, UnicodeDecodeError) as error:
            problems.append(Problem(str(against), f"cannot read the source text: {error}"))
    checked_findings = 0
    for path in paths:
        try:
            document = read_yaml_file(path)
        except DatasetError as error:
            problems.extend(error.problems)
            continue
        found = check_document(document, str(path))
        problems.extend(found)
        if source is not None:
            problems.extend(
                check_quotes_against(
                    document, str(path), source.page_of, has_pages=len(source.page_starts) > 1
                )
            )
        if not found and isinstance(document.data, dict):
            checked_findings += len(document.data.get("findings") or ())
    files = ", ".join(str(path) for path in paths)
    quotes = ""
    if source is not None:
        where = " on its page" if len(source.page_starts) > 1 else ""
        quotes = f"; every quote found{where} in {against}"
    return problems, f"OK: {files}: {checked_findings} findings valid{quotes}."
