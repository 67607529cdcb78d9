"""Option values converted without Pydantic: the same results as Typer's own conversion."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from boligsocial_cli.cli import coercion
from boligsocial_cli.cli import commands as cli

FIXTURE = Path(__file__).parent / "fixtures" / "mini.yaml"

COMMANDS = [
    ["findings", "--theme", "boern"],
    ["findings", "-t", "BØRN", "-e", "FORANDRING", "-e", "effekt", "--lang", "EN"],
    ["findings", "--evidence", "forandrin"],
    ["findings", "--evidence", "assessment", "--lang", "english", "-f", "MD"],
    ["cite", "--format", "bib", "--lang", "xx"],
    ["findings", "--search", "tryghed", "--format", "csv", "--long"],
    ["findings", "--cites", "Hansen 2019", "--target-group", "x"],
    ["themes", "--format", "jsonx"],
    ["themes", "-f", "JSON", "-l", "en"],
    ["show", "boern-eff"],
    ["overview", "--lang", "dk"],
    ["glossary", "ingen-saadan"],
    ["validate", str(FIXTURE), "--against", "no-such-source.txt"],
    ["--data", "no-such-file.yaml", "themes"],
    ["--version"],
]


@pytest.fixture(autouse=True)
def private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every run reads the small fixture and keeps its cache in the test's directory."""
    monkeypatch.setenv("BOLIGSOCIAL_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("BOLIGSOCIAL_DATA", str(FIXTURE))
    monkeypatch.delenv("BOLIGSOCIAL_LANG", raising=False)


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_results_are_those_of_typers_own_conversion(
    args: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Output, messages and exit code are the same with the direct converter and without."""
    direct = CliRunner().invoke(cli.app, args)
    monkeypatch.setattr(coercion, "ENABLED", False)
    regular = CliRunner().invoke(cli.app, args)
    assert (direct.exit_code, direct.stdout, direct.stderr) == (
        regular.exit_code,
        regular.stdout,
        regular.stderr,
    )


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["themes"],
        ["findings", "--theme", "boern", "-e", "effekt", "-f", "json"],
        ["theme", "boern", "-f", "md", "-l", "english"],
        ["overview"],
        ["overview", "-f", "CSV"],
        ["show", "boern-effekt", "--style", "harvard"],
        ["cite", "--format", "bibtex"],
        ["search", "effekt", "--limit", "3"],
        ["glossary"],
        ["challenges", "-f", "markdown"],
        ["about", "--lang", "en"],
    ],
    ids=" ".join,
)
def test_commands_do_not_import_pydantic(args: list[str], tmp_path: Path) -> None:
    """Help and lookups import neither Pydantic nor importlib.metadata (Typer's converter)."""
    code = (
        "import sys\n"
        f"sys.argv = ['boligsocial', *{args!r}]\n"
        "from boligsocial_cli.cli import main\n"
        "try:\n    main()\nexcept SystemExit as exit:\n    assert not exit.code, exit.code\n"
        "print(sorted({'pydantic', 'importlib.metadata'} & set(sys.modules)), file=sys.stderr)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={
            **os.environ,
            "BOLIGSOCIAL_CACHE_DIR": str(tmp_path / "cache"),
            "BOLIGSOCIAL_DATA": str(FIXTURE),
        },
    )
    assert result.stderr.splitlines()[-1] == "[]"


@pytest.mark.usefixtures("english")
@pytest.mark.parametrize("enabled", [True, False], ids=["direct", "typer"])
def test_a_misspelt_choice_gets_the_resolvers_message(
    enabled: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With either converter, an unknown --format is the resolver's error, in words."""
    monkeypatch.setattr(coercion, "ENABLED", enabled)
    result = CliRunner().invoke(cli.app, ["themes", "--format", "jsno"])
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: Unknown format 'jsno'. Did you mean 'json'?")
    assert "Value error" not in result.stderr
