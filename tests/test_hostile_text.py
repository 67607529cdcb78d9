"""Hostile text: markup and control sequences in data or arguments are shown, never obeyed.

tests/fixtures/hostile.yaml is a valid dataset whose every free text carries Rich
markup (`[bold]`, `[/x]`, `[link=...]`), an emoji code (`:warning:`) and terminal
control sequences (CSI and OSC 8 after ESC, a C1 CSI, a carriage return, BEL).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner, Result

from boligsocial_cli.cli import app

HOSTILE = str(Path(__file__).parent / "fixtures" / "hostile.yaml")
MINI = str(Path(__file__).parent / "fixtures" / "mini.yaml")

RAW_CONTROLS = ("\x1b", "\x9b", "\r", "\x07", "\u202e")
"""Characters that must never reach the terminal from data or arguments."""

INJECTED = ("\x1b[31m", "\x1b]", "\x1b[2J", "\x1b[5m", "\x9b", "\r", "\x07")
"""Sequences the fixture carries; Rich's own styling never produces any of them."""

COMMANDS = (
    ("findings",),
    ("findings", "--long"),
    ("themes",),
    ("show", "boern-effekt"),
    ("overview",),
    ("challenges",),
    ("glossary",),
    ("glossary", "helhedsplan"),
    ("about",),
    ("theme", "boern"),
)


def invoke(args: Sequence[str], **env: str) -> Result:
    environment: dict[str, str | None] = {"BOLIGSOCIAL_DATA": None, "NO_COLOR": None, **env}
    return CliRunner().invoke(app, list(args), env=environment)


def assert_ok(result: Result) -> None:
    assert result.exit_code == 0, result.output
    assert result.exception is None, repr(result.exception)


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
@pytest.mark.parametrize("lang", ["da", "en"])
@pytest.mark.parametrize("columns", ["200", "60"])
def test_no_control_character_from_data_reaches_the_terminal(
    command: tuple[str, ...], lang: str, columns: str
) -> None:
    """Every view of the hostile dataset, wide (tables) and narrow (stacked entries), in both
    languages, prints no ESC, C1 CSI, carriage return or BEL."""
    result = invoke(["--data", HOSTILE, *command, "--lang", lang], COLUMNS=columns)
    assert_ok(result)
    for control in RAW_CONTROLS:
        assert control not in result.output


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_no_injected_sequence_even_in_colour(command: tuple[str, ...]) -> None:
    """With colour forced on, Rich adds its own styling, but none of the data's sequences."""
    result = invoke(["--data", HOSTILE, *command], COLUMNS="200", FORCE_COLOR="1", TERM="xterm")
    assert_ok(result)
    assert "\x1b[" in result.output, "colour is on, so Rich styled something"
    for sequence in INJECTED:
        assert sequence not in result.output


@pytest.mark.parametrize(
    ("command", "shown"),
    [
        (("findings",), ("[bold]Fed[/bold]", "[link=http://evil]link[/link]", "\\x1b[31mRØD")),
        (("findings", "--long"), ("[italic]Citat[/italic]", "\\x1b]8;;http://evil", "\\x9b31m")),
        (("themes",), ("[bold]Børn[/bold]", ":warning:", "\\u202eOm")),
        (("show", "boern-effekt"), ("[red]Effekt[/red]", "[/]udfald", "\\x1b[1mtre")),
        (("overview",), ("[bold]Børn[/bold]", "[red]Effekt[/red]", "[/]Forandring")),
        (("challenges",), ("[bold]Udfordring[/bold]", "\\u202eCR")),
        (("glossary",), ("[bold]helhedsplan[/bold]", "[link=http://evil]Definition[/link]")),
        (("about",), ("[bold]Titel[/bold]", "\\x1b]0;owned\\x07", "[bold]Evil[/bold]")),
    ],
    ids=[
        "findings",
        "findings --long",
        "themes",
        "show",
        "overview",
        "challenges",
        "glossary",
        "about",
    ],
)
def test_markup_is_shown_as_typed_and_controls_escaped(
    command: tuple[str, ...], shown: tuple[str, ...]
) -> None:
    """Markup in data is printed literally, and control characters as visible escapes."""
    result = invoke(["--data", HOSTILE, *command], COLUMNS="200")
    assert_ok(result)
    for text in shown:
        assert text in result.stdout


def test_markup_in_data_is_literal_in_the_stacked_view() -> None:
    """The narrow (stacked) findings view shows the same literal text as the table."""
    result = invoke(["--data", HOSTILE, "findings", "--long"], COLUMNS="60")
    assert_ok(result)
    assert "[bold]Fed[/bold]" in result.stdout
    assert "[/x]" in result.stdout


@pytest.mark.usefixtures("english")
@pytest.mark.parametrize(
    ("args", "shown"),
    [
        (("findings", "--theme", "[bold]x[/bold]"), "Unknown theme '[bold]x[/bold]'"),
        (("findings", "--theme", "[/x]"), "Unknown theme '[/x]'"),
        (("findings", "--theme", "\x1b[31mred"), "Unknown theme '\\x1b[31mred'"),
        (("findings", "--theme", ":warning:"), "Unknown theme ':warning:'"),
        (("findings", "--cites", "[link=http://evil]y[/link]"), "'[link=http://evil]y[/link]'"),
        (("show", "\x1b]8;;http://evil\x1b\\x"), "Unknown finding '\\x1b]8;;http://evil"),
    ],
)
def test_hostile_argument_is_shown_literally_in_the_error(
    args: tuple[str, ...], shown: str
) -> None:
    """An argument's markup, emoji code or control sequence appears inert in the message."""
    result = invoke(["--data", MINI, *args])
    assert result.exit_code == 2, result.output
    assert shown in result.stderr
    assert "\x1b" not in result.output
    assert "⚠" not in result.output


@pytest.mark.usefixtures("english")
def test_hostile_file_name_is_escaped_in_the_error() -> None:
    """A --data path with ESC and an emoji code is named inertly: no clear-screen, no emoji."""
    result = invoke(["--data", "\x1b[2J:warning:[bold]x", "findings"])
    assert result.exit_code == 1
    assert result.stderr == "Error: \\x1b[2J:warning:[bold]x: no such file\n"


def test_hostile_glossary_terms_are_escaped_in_the_error() -> None:
    """An error that lists dataset texts (glossary terms) escapes them too."""
    result = invoke(["--data", HOSTILE, "glossary", "zzz"])
    assert result.exit_code == 2
    assert "[bold]helhedsplan[/bold] \\x1b[31m" in result.stderr
    assert "\x1b" not in result.output


def test_hostile_search_matches_nothing_quietly() -> None:
    """A search for markup and control characters is just text to look for."""
    result = invoke(["--data", MINI, "findings", "--search", "[bold]\x1b[31m"])
    assert_ok(result)
    assert "\x1b" not in result.output


@pytest.mark.parametrize("output", ["json", "yaml", "csv", "markdown"])
def test_exports_carry_no_raw_control_characters(output: str) -> None:
    """Data formats keep markup as text, and no control character reaches the output raw:
    CSV and Markdown show them escaped, JSON and YAML encode them."""
    result = invoke(["--data", HOSTILE, "findings", "--format", output])
    assert_ok(result)
    unescaped = result.stdout.replace("\\[", "[").replace("\\]", "]")
    assert "[bold]Fed[/bold]" in unescaped  # Markdown may escape it, so it renders as typed
    for control in RAW_CONTROLS:
        assert control not in result.stdout


@pytest.mark.parametrize("output", ["json", "yaml"])
def test_json_and_yaml_exports_keep_control_characters_losslessly(output: str) -> None:
    """Encoded, not dropped: parsing the export gives back the dataset's exact text."""
    result = invoke(["--data", HOSTILE, "findings", "--format", output, "--lang", "en"])
    rows = json.loads(result.stdout) if output == "json" else yaml.safe_load(result.stdout)
    assert rows[0]["summary"] == (
        "[bold]Bold[/bold] [/x] [link=http://evil]link[/link] \x1b[31mRED\x1b[0m \u202eCR"
    )
    assert rows[0]["quote"].endswith("\x9b31m")


@pytest.mark.parametrize("output", ["text", "markdown", "bibtex", "ris", "csl-json"])
def test_cite_output_carries_no_raw_control_characters(output: str) -> None:
    """The bibliography in every format shows the dataset's control characters escaped
    (encoded in CSL-JSON); RIS keeps its CRLF line ends."""
    result = invoke(["--data", HOSTILE, "cite", "--format", output])
    assert_ok(result)
    assert "Evil" in result.stdout
    for control in ("\x1b", "\x9b", "\x07"):
        assert control not in result.stdout
    if output == "ris":
        assert "\r\nER  - " in result.stdout_bytes.decode("utf-8")


def test_cite_booklet_title_cannot_set_the_window_title() -> None:
    """An OSC 0 sequence (set window title) in the booklet's title is shown, not obeyed."""
    result = invoke(["--data", HOSTILE, "cite", "--booklet"])
    assert_ok(result)
    assert "\\x1b]0;owned\\x07" in result.stdout


def test_init_names_a_hostile_path_inertly(tmp_path: Path) -> None:
    """`init` with ESC and markup in the file name writes the file and names it escaped."""
    path = tmp_path / "mine\x1b[31m[bold].yaml"
    result = invoke(["init", str(path)])
    assert_ok(result)
    assert path.exists()
    assert "mine\\x1b[31m[bold].yaml" in result.stderr
    assert "\x1b" not in result.output
