"""A JSON Schema for dataset files, generated from the typed model (the same walk `validate` does).

The schema is JSON Schema 2020-12 but uses only keywords that draft-07 tools (such as the YAML
language server) read the same way. It checks what a schema can: shape, types, required
fields, vocabularies, slugs, minimum pages. Unique ids, links between records and the
combination of files are left to `boligsocial validate`.
"""

from __future__ import annotations

import inspect
import json
import types
from dataclasses import is_dataclass
from enum import Enum
from typing import Any, Union, get_args, get_origin

from boligsocial_cli.model import DatasetFile, record_fields

DIALECT = "https://json-schema.org/draft/2020-12/schema"
NOT_BLANK = r"\S"
"""Text must hold something besides white space, as `validate` requires."""


def dataset_schema() -> dict[str, Any]:
    """The JSON Schema of one dataset file (a whole dataset or an overlay)."""
    definitions: dict[str, Any] = {}
    root = _record_schema(DatasetFile, definitions)
    return {
        "$schema": DIALECT,
        "title": "boligsocial dataset file",
        **root,
        "$defs": dict(sorted(definitions.items())),
    }


def dataset_schema_json() -> str:
    """The schema as JSON text, keys in model order, letters kept."""
    return json.dumps(dataset_schema(), indent=2, ensure_ascii=False) + "\n"


def _description(record_type: type) -> str:
    return (inspect.getdoc(record_type) or "").split("\n\n")[0].replace("\n", " ")


def _record_schema(record_type: type, definitions: dict[str, Any]) -> dict[str, Any]:
    """A record as an object: its keys, the required ones, and nothing else."""
    properties: dict[str, Any] = {}
    required: list[str] = []
    for item in record_fields(record_type):
        constraints: dict[str, Any] = {}
        if item.pattern:
            constraints["pattern"] = item.pattern
        if item.minimum is not None:
            constraints["minimum"] = item.minimum
        properties[item.key] = _value_schema(item.hint, definitions, constraints)
        if item.required:
            required.append(item.key)
    schema: dict[str, Any] = {
        "type": "object",
        "description": _description(record_type),
        "properties": properties,
    }
    if required:
        schema["required"] = required
    schema["additionalProperties"] = False
    return schema


def _value_schema(
    hint: Any, definitions: dict[str, Any], constraints: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The schema of one field's value, for each kind of type hint the model uses.

    `constraints` (a slug pattern, a minimum) go on the text or number itself, not on `null`.
    """
    if get_origin(hint) in (Union, types.UnionType):
        (inner,) = (arg for arg in get_args(hint) if arg is not type(None))
        return {"anyOf": [_value_schema(inner, definitions, constraints), {"type": "null"}]}
    if get_origin(hint) is tuple:
        (item_hint, _) = get_args(hint)
        return {"type": "array", "items": _value_schema(item_hint, definitions)}
    if isinstance(hint, type) and issubclass(hint, Enum):
        return {"type": "string", "enum": [member.value for member in hint]}
    if isinstance(hint, type) and is_dataclass(hint):
        name = hint.__name__
        if name not in definitions:
            definitions[name] = {}  # claimed first, so a record that nests itself ends
            definitions[name] = _record_schema(hint, definitions)
        return {"$ref": f"#/$defs/{name}"}
    simple: dict[Any, dict[str, Any]] = {
        str: {"type": "string", "pattern": NOT_BLANK},
        int: {"type": "integer"},
        bool: {"type": "boolean"},
    }
    if hint in simple:
        return {**simple[hint], **(constraints or {})}
    raise TypeError(f"no JSON Schema for {hint!r}")  # pragma: no cover - every model hint is above
