"""`boligsocial init`: a commented starter file that validates and never overwrites."""

from __future__ import annotations

import re
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from boligsocial_cli.cli import app
from boligsocial_cli.dataset.locations import DATA_ENV
from boligsocial_cli.dataset.safe_yaml import read_yaml_text
from boligsocial_cli.dataset.schema import dataset_schema
from boligsocial_cli.dataset.starter import SCHEMA_FILE, starter_text

runner = CliRunner(env={DATA_ENV: None, "COLUMNS": "200"})


@pytest.mark.usefixtures("english")
def test_init_then_validate_passes(tmp_path: Path) -> None:
    """The file `init` writes validates, laid over the bundled data, with its one finding."""
    target = tmp_path / "egne.yaml"
    written = runner.invoke(app, ["init", str(target)])
    assert written.exit_code == 0, written.stderr
    assert target.read_text(encoding="utf-8") == starter_text()
    checked = runner.invoke(app, ["validate", str(target)])
    assert checked.exit_code == 0, checked.stderr
    assert checked.stderr.startswith(f"OK: bundled + {target}: ")
    assert checked.stderr.rstrip().endswith(f", 1 from {target}).")


def test_the_starter_has_one_theme_finding_and_reference_of_its_own(tmp_path: Path) -> None:
    """The starter holds one example of each record, and commands read it as own data."""
    data = read_yaml_text(starter_text(), "starter.yaml").data
    assert [len(data[key]) for key in ("themes", "findings", "references")] == [1, 1, 1]
    target = tmp_path / "egne.yaml"
    runner.invoke(app, ["init", str(target)])
    shown = runner.invoke(app, ["--data", str(target), "show", data["findings"][0]["id"]])
    assert shown.exit_code == 0, shown.stderr
    assert f"[egne data: {target}]" in shown.stdout


@pytest.mark.usefixtures("english")
def test_init_never_overwrites_a_file(tmp_path: Path) -> None:
    """An existing file is left as it was; the command exits 2 and says why."""
    target = tmp_path / "egne.yaml"
    target.write_text("mine\n", encoding="utf-8")
    result = runner.invoke(app, ["init", str(target)])
    assert result.exit_code == 2
    assert result.stderr.strip() == f"Error: {target} already exists; init never overwrites a file."
    assert target.read_text(encoding="utf-8") == "mine\n"


@pytest.mark.usefixtures("english")
def test_init_into_a_missing_directory_is_a_usage_error(tmp_path: Path) -> None:
    """A path that cannot be written gives a message and exit 2, not a traceback."""
    target = tmp_path / "no-such-dir" / "egne.yaml"
    result = runner.invoke(app, ["init", str(target)])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: Cannot write {target}: ")
    assert "Traceback" not in result.stderr


def test_init_says_what_to_do_next(tmp_path: Path) -> None:
    """After writing, init names the schema, validate and --data steps, on stderr."""
    target = tmp_path / "egne.yaml"
    result = runner.invoke(app, ["init", str(target)])
    assert result.stdout == ""
    assert f"boligsocial schema > {tmp_path / SCHEMA_FILE}" in result.stderr
    assert f"boligsocial validate {target}" in result.stderr
    assert f"boligsocial --data {target} findings" in result.stderr


def test_the_starter_points_editors_at_the_schema_file_beside_it() -> None:
    """The first line tells yaml-language-server to use the schema `schema` writes."""
    assert starter_text().splitlines()[0] == f"# yaml-language-server: $schema={SCHEMA_FILE}"


def test_the_starter_passes_the_schema() -> None:
    """What the editor checks against, the starter satisfies."""
    data = read_yaml_text(starter_text(), "starter.yaml").data
    assert list(jsonschema.Draft202012Validator(dataset_schema()).iter_errors(data)) == []


def test_every_field_of_the_starter_is_explained() -> None:
    """Each key the starter uses has a comment on its line or on the line just above it."""
    lines = starter_text().splitlines()
    key = re.compile(r"^\s*(?:- )?([a-z_]+):")
    unexplained = [
        f"{index + 1}: {line.strip()}"
        for index, line in enumerate(lines)
        if (found := key.match(line))
        and found.group(1) not in ("da", "en")
        and "#" not in line
        and not lines[index - 1].lstrip().startswith("#")
    ]
    assert unexplained == []
