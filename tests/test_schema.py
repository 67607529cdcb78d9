"""The JSON Schema for editors: generated from the model, and agreeing with `validate`."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from dataclasses import is_dataclass
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from typer.testing import CliRunner

from boligsocial_cli import model
from boligsocial_cli.cli import app
from boligsocial_cli.dataset.locations import bundled_dataset_path
from boligsocial_cli.dataset.safe_yaml import read_yaml_file, read_yaml_text
from boligsocial_cli.dataset.schema import DIALECT, dataset_schema
from boligsocial_cli.dataset.validate import check_file
from boligsocial_cli.model import record_fields

FIXTURES = Path(__file__).parent / "fixtures"
SCHEMA = dataset_schema()

VALID_FILES = [
    bundled_dataset_path(),
    Path(__file__).parents[1] / "data" / "findings.yaml",
    FIXTURES / "mini.yaml",
    FIXTURES / "overlay-adds.yaml",
    FIXTURES / "overlay-collides.yaml",  # valid on its own; the collision is across files
    FIXTURES / "overlay-replaces.yaml",
    FIXTURES / "overlay-extends.yaml",
]


def schema_errors(data: Any, schema: dict[str, Any] = SCHEMA) -> list[str]:
    """What the schema says is wrong with `data`, as messages (empty when it is accepted)."""
    validator = jsonschema.Draft202012Validator(schema)
    return [error.message for error in validator.iter_errors(data)]


def mini() -> Any:
    """A fresh copy of the small valid dataset, as YAML reads it."""
    return copy.deepcopy(read_yaml_file(FIXTURES / "mini.yaml").data)


def test_the_schema_is_a_valid_2020_12_schema() -> None:
    """The generated schema declares draft 2020-12 and passes that draft's meta-schema."""
    assert SCHEMA["$schema"] == DIALECT
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


@pytest.mark.parametrize("path", VALID_FILES, ids=lambda path: path.name)
def test_the_schema_accepts_valid_dataset_files(path: Path) -> None:
    """The bundled dataset, the test dataset and the overlays all pass the schema."""
    assert schema_errors(read_yaml_file(path).data) == []


def test_the_bundled_dataset_is_the_real_one() -> None:
    """The bundled data validated above has its themes and findings, not just a skeleton."""
    data = read_yaml_file(bundled_dataset_path()).data
    assert len(data["themes"]) >= 5
    assert len(data["findings"]) >= 20


def _set(path: tuple[Any, ...], value: Any) -> Callable[[Any], None]:
    def change(data: Any) -> None:
        for step in path[:-1]:
            data = data[step]
        data[path[-1]] = value

    return change


def _delete(path: tuple[Any, ...]) -> Callable[[Any], None]:
    def change(data: Any) -> None:
        for step in path[:-1]:
            data = data[step]
        del data[path[-1]]

    return change


BROKEN: dict[str, Callable[[Any], None]] = {
    "unknown top-level key": _set(("finding",), []),
    "unknown finding field": _set(("findings", 0, "sumary"), {"da": "x", "en": "x"}),
    "evidence kind not in the vocabulary": _set(("findings", 0, "evidence"), "effect"),
    "page below 1": _set(("findings", 0, "page"), 0),
    "page as text": _set(("findings", 0, "page"), "1"),
    "page as a boolean": _set(("findings", 0, "page"), True),
    "id not a slug": _set(("findings", 0, "id"), "Not A Slug"),
    "required quote missing": _delete(("findings", 0, "quote")),
    "localized text without en": _delete(("themes", 0, "name", "en")),
    "localized text with a third language": _set(("themes", 0, "name", "de"), "Kinder"),
    "blank text": _set(("findings", 0, "summary", "da"), "   "),
    "issued read as a number": _set(("references", 0, "issued"), 2019),
    "CSL key without its hyphen": _set(("references", 0, "container_title"), "Tidsskrift"),
    "name with an unknown part": _set(("references", 0, "author", 0, "middle"), "H."),
    "replaces as text": _set(("findings", 0, "replaces"), "yes"),
    "extends an unknown base": _set(("extends",), "national"),
    "citations as one string": _set(("findings", 0, "citations"), "hansen-2019"),
    "status not in the vocabulary": _set(("references", 1, "status"), "checked"),
    "meta without its booklet": _delete(("meta", "booklet")),
    "pages below 1": _set(("meta", "pages"), 0),
}


@pytest.mark.parametrize("name", list(BROKEN))
def test_the_schema_rejects_what_validate_rejects(name: str) -> None:
    """Each broken variant of a valid file fails both the schema and `validate`'s own check."""
    data = mini()
    BROKEN[name](data)
    assert schema_errors(data), f"the schema accepts: {name}"
    text = json.dumps(data, ensure_ascii=False)  # JSON is YAML: check it as a file
    assert check_file(read_yaml_text(text, "broken.yaml"), "broken.yaml"), name


def test_the_schema_rejects_a_file_that_is_not_a_mapping() -> None:
    """A list at the top is not a dataset file."""
    assert schema_errors([{"id": "x"}])


def test_the_schema_accepts_hyphenated_csl_keys() -> None:
    """CSL-JSON's own keys (container-title, non-dropping-particle) are the ones accepted."""
    data = mini()
    data["references"][0]["container-title"] = "Tidsskrift"
    data["references"][0]["author"][0]["non-dropping-particle"] = "van"
    assert schema_errors(data) == []


def test_the_schema_accepts_an_overlay_with_replaces() -> None:
    """An overlay file needs no meta; `replaces: true` and `extends: bundled` are allowed."""
    data = {"extends": "bundled", "findings": [mini()["findings"][0]]}
    data["findings"][0]["replaces"] = True
    assert schema_errors(data) == []


def _record_types() -> dict[str, type]:
    return {
        name: value
        for name, value in vars(model).items()
        if isinstance(value, type) and is_dataclass(value)
    }


def test_every_record_of_the_file_has_its_fields_and_only_those() -> None:
    """Each definition lists exactly the model's file keys, the required ones, and no others."""
    definitions = SCHEMA["$defs"]
    assert definitions, "the schema has record definitions"
    types = _record_types()
    for name, definition in definitions.items():
        fields = record_fields(types[name])
        assert list(definition["properties"]) == [item.key for item in fields], name
        assert definition.get("required", []) == [item.key for item in fields if item.required]
        assert definition["additionalProperties"] is False
    assert list(SCHEMA["properties"]) == [item.key for item in record_fields(model.DatasetFile)]
    assert "origin" not in json.dumps(SCHEMA)


def test_the_schema_uses_the_models_slug_pattern_and_vocabularies() -> None:
    """Slugs, evidence kinds and statuses come from the model, not from a copy."""
    finding = SCHEMA["$defs"]["Finding"]["properties"]
    assert finding["id"]["pattern"] == model.SLUG_PATTERN
    assert finding["evidence"]["enum"] == [kind.value for kind in model.EvidenceKind]
    assert finding["page"] == {"type": "integer", "minimum": 1}
    status = SCHEMA["$defs"]["Reference"]["properties"]["status"]
    assert status["enum"] == [status.value for status in model.VerificationStatus]


def test_draft_07_tools_read_the_schema_the_same_way() -> None:
    """Editors whose YAML server speaks draft-07 accept and reject the same files."""
    older = {key: value for key, value in SCHEMA.items() if key != "$schema"}
    validator = jsonschema.Draft7Validator(older)
    assert list(validator.iter_errors(mini())) == []
    broken = mini()
    broken["findings"][0]["evidence"] = "effect"
    assert list(validator.iter_errors(broken))


def test_the_schema_command_prints_the_schema_as_json() -> None:
    """`boligsocial schema` writes the schema to stdout, ready to redirect into a file."""
    result = CliRunner().invoke(app, ["schema"])
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == SCHEMA
    assert result.stdout.endswith("}\n")
    assert result.stderr == ""
