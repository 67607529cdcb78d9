"""Every command through Typer's CliRunner: happy paths, formats, errors and exit codes."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys

import pytest
import typer
import yaml
from markdown_it import MarkdownIt

from boligsocial_cli import __version__
from boligsocial_cli.cli import app
from boligsocial_cli.errors import ExitCode
from boligsocial_cli.formats import OutputFormat

from .conftest import BOOKLET_TEXT, FIXTURES, TERMINAL, Invoke, complete

COMMANDS = sorted(typer.main.get_command(app).commands)  # type: ignore[attr-defined]
LISTINGS = ["themes", "findings", "overview", "challenges", "glossary"]


def test_version(invoke: Invoke) -> None:
    """--version prints the package version and exits 0."""
    result = invoke("--version")
    assert result.exit_code == 0
    assert result.stdout.strip() == f"boligsocial {__version__}"


def test_themes_counts_findings_and_effects(invoke: Invoke) -> None:
    """`themes --format json` gives each theme's number of findings and of effects."""
    result = invoke("themes", "--format", "json")
    assert result.exit_code == 0
    rows = {row["id"]: row for row in json.loads(result.stdout)}
    assert rows["uddannelse-beskaeftigelse"]["effects"] == 3
    assert rows["kriminalitet"]["effects"] == 0
    assert sum(row["findings"] for row in rows.values()) == 24


def test_findings_table_shows_ids_badges_and_citations(invoke: Invoke) -> None:
    """The default table lists each finding's id, evidence kind and short citation."""
    result = invoke("findings", "--theme", "uddannelse")
    assert result.exit_code == 0
    assert "fritidsjob-tre-gange-chance" in result.stdout
    assert "Effekt" in result.stdout
    assert "Christensen m.fl., 2018b" in result.stdout


def test_findings_long_shows_quote_and_page(invoke: Invoke) -> None:
    """--long adds the verbatim quote and its page under each finding."""
    result = invoke("findings", "--effects-only", "--long")
    assert "tre gange" in result.stdout
    assert "side 3" in result.stdout


def test_findings_json_has_the_dataset_field_names(invoke: Invoke) -> None:
    """JSON records carry id, theme, evidence, summary, quote, page and citations, UTF-8."""
    result = invoke("findings", "--effects-only", "--format", "json")
    records = json.loads(result.stdout)
    assert len(records) == 3
    assert {"id", "theme", "evidence", "summary", "quote", "page", "citations"} <= set(records[0])
    assert all(record["evidence"] == "effekt" for record in records)
    assert "æ" in result.stdout or "ø" in result.stdout  # not \u-escaped


def test_crime_has_no_effect_measurements_and_says_what_it_has(invoke: Invoke) -> None:
    """An empty answer exits 0, says so on stderr and names what dropping a filter gives."""
    result = invoke("findings", "--theme", "kriminalitet", "--effects-only")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert "Ingen fund" in result.stderr
    assert "Uden --effects-only ville 3 fund passe" in result.stderr


def test_empty_json_is_an_empty_list(invoke: Invoke) -> None:
    """A machine-readable empty answer is still valid data."""
    result = invoke("findings", "-t", "krim", "--effects-only", "-f", "json")
    assert json.loads(result.stdout) == []


REPORT_LISTINGS = ("findings", "challenges", "glossary")
"""Listings whose Markdown is paragraphs (or a list) to put in a report, not a table."""


@pytest.mark.parametrize("output", [f for f in OutputFormat if f is not OutputFormat.TABLE])
@pytest.mark.parametrize("command", LISTINGS)
def test_every_listing_in_every_format_parses(invoke: Invoke, command: str, output: str) -> None:
    """Every listing command writes parseable JSON, YAML, CSV (both kinds) and Markdown."""
    result = invoke(command, "--format", output)
    assert result.exit_code == 0, result.stderr
    text = result.stdout
    if output == "json":
        assert isinstance(json.loads(text), list)
    elif output == "yaml":
        assert isinstance(yaml.safe_load(text), list)
    elif output in ("csv", "csv-raw"):
        rows = list(csv.DictReader(io.StringIO(text)))
        assert rows
        assert "id" in rows[0] or "term" in rows[0]
    elif command in REPORT_LISTINGS:  # paragraphs for a report, read by a CommonMark parser
        tokens = MarkdownIt("commonmark").parse(text)
        assert not any(token.type == "table_open" for token in tokens)
        assert any(token.type in {"paragraph_open", "bullet_list_open"} for token in tokens)
    else:
        lines = text.splitlines()
        assert lines[1].startswith("| ---")
        assert all(line.startswith("|") and line.endswith("|") for line in lines)


def test_english_switches_labels_and_content_not_quotes(invoke: Invoke) -> None:
    """--lang en gives English summaries and labels; the quote stays Danish."""
    result = invoke("show", "maends-ledighed", "--lang", "en", env=TERMINAL)
    assert "men's unemployment" in result.stdout
    assert "Quote" in result.stdout
    assert "Endelig viser effektmålinger" in result.stdout


def test_language_from_environment(invoke: Invoke) -> None:
    """BOLIGSOCIAL_LANG=en works like --lang en."""
    result = invoke("themes", "-f", "json", env={"BOLIGSOCIAL_LANG": "en"})
    names = {row["id"]: row["name"] for row in json.loads(result.stdout)}
    assert names["kriminalitet"] == "Crime"


def test_show_gives_everything_about_a_finding(invoke: Invoke) -> None:
    """show: summary, quote with page, evidence explanation, qualifiers, full references."""
    result = invoke("show", "netvaerksmoedre", env={"COLUMNS": "200"})
    assert result.exit_code == 0
    out = result.stdout
    assert "netvaerksmoedre-uddannelse" in out
    assert "(Christensen, u.å., s. 3)" in out  # the quote's citation
    assert "effektmåling" in out.lower()
    assert "en tendens" in out
    assert "(2018b). En vej til" in out  # the reference written out in full


def test_show_unknown_id_suggests(invoke: Invoke) -> None:
    """An unknown id exits 2 with the closest match."""
    result = invoke("show", "maends-ledihed")
    assert result.exit_code == ExitCode.BAD_USAGE
    assert "maends-ledighed" in result.stderr


def test_overview_is_a_grid_of_counts(invoke: Invoke) -> None:
    """overview counts findings per theme and evidence kind; totals add up."""
    rows = json.loads(invoke("overview", "-f", "json").stdout)
    for row in rows:
        assert row["total"] == sum(
            row[kind] for kind in ("effekt", "forandring", "vurdering", "forskning")
        )
    assert sum(row["effekt"] for row in rows) == 3


def test_challenges_lists_nine(invoke: Invoke) -> None:
    """challenges lists the booklet's nine problems."""
    assert len(json.loads(invoke("challenges", "-f", "json").stdout)) == 9


def test_glossary_term_lookup(invoke: Invoke) -> None:
    """glossary TERM shows matching terms; an unknown term exits 2 and lists the terms."""
    result = invoke("glossary", "helhedsplan", "-f", "json")
    assert any("helhedsplan" in row["term"] for row in json.loads(result.stdout))
    missing = invoke("glossary", "xyzzy")
    assert missing.exit_code == ExitCode.BAD_USAGE
    assert "Landsbyggefonden" in missing.stderr


def test_about_covers_what_why_funding_and_evidence(invoke: Invoke) -> None:
    """about shows the background sections and how to read the evidence kinds."""
    out = invoke("about").stdout
    assert "Landsbyggefonden" in out
    assert "segregering" in out
    assert "Forandring" in out
    assert "Effekt" in out


@pytest.mark.usefixtures("english")
def test_unknown_theme_exits_2_with_choices(invoke: Invoke) -> None:
    """An unknown theme is bad usage: exit 2, a suggestion and the valid choices, no traceback."""
    result = invoke("findings", "--theme", "krimnalitet")
    assert result.exit_code == ExitCode.BAD_USAGE
    assert "kriminalitet" in result.stderr
    assert "Valid choices" in result.stderr
    assert "Traceback" not in result.output


def test_bad_option_value_exits_2(invoke: Invoke) -> None:
    """A value outside a closed vocabulary is rejected by the parser with exit 2."""
    assert invoke("findings", "--evidence", "anekdote").exit_code == ExitCode.BAD_USAGE
    assert invoke("themes", "--format", "pdf").exit_code == ExitCode.BAD_USAGE


@pytest.mark.usefixtures("english")
def test_validate_against_the_booklet(invoke: Invoke) -> None:
    """validate --against checks every quote against the source text; exit 0 when clean."""
    result = invoke("validate", "--against", str(BOOKLET_TEXT))
    assert result.exit_code == 0
    assert "24 findings valid" in result.stderr


@pytest.mark.usefixtures("english")
def test_validate_reports_quotes_missing_from_the_source(invoke: Invoke, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A quote that is not in the source text is a located problem, exit 1."""
    source = tmp_path / "source.txt"
    source.write_text("Børn får det bedre\fTryghed varierer", encoding="utf-8")
    result = invoke("validate", str(FIXTURES / "mini.yaml"), "--against", str(source))
    assert result.exit_code == ExitCode.BAD_DATA
    assert "mini.yaml:" in result.stderr
    assert "findings[1] (boern-forandring).quote: quote does not occur" in result.stderr


def test_installed_entry_point_runs() -> None:
    """The installed `boligsocial` script (or `python -m boligsocial_cli`) answers a lookup."""
    script = shutil.which("boligsocial")
    command = [script] if script else [sys.executable, "-m", "boligsocial_cli"]
    done = subprocess.run(
        [*command, "findings", "--effects-only", "--format", "json"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert len(json.loads(done.stdout)) == 3


def test_shell_completion_offers_theme_names_and_finding_ids() -> None:
    """Completion completes --theme values, finding ids and reference ids from the dataset."""
    assert complete("boligsocial findings --theme kr") == ["kriminalitet"]
    assert complete("boligsocial show maen") == ["maends-ledighed"]
    assert complete("boligsocial cite christensen-2018") == [
        "christensen-2018a",
        "christensen-2018b",
        "christensen-2018c",
    ]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_option_has_help(command: str) -> None:
    """Every option and argument of every command explains itself."""
    click_command = typer.main.get_command(app).commands[command]  # type: ignore[attr-defined]
    undocumented = [
        param.name
        for param in click_command.params
        if not getattr(param, "help", None) and param.name != "help"
    ]
    assert undocumented == []


@pytest.mark.parametrize("width", [40, 60, 80, 100, 120, 140, 160])
@pytest.mark.parametrize(
    "args", [*([c] for c in LISTINGS), ["about"], ["findings", "--long"], ["glossary", "-l", "en"]]
)
def test_every_width_gets_whole_words(invoke: Invoke, args: list[str], width: int) -> None:
    """At any width every line fits and no word or id is cut short with an ellipsis."""
    result = invoke(*args, env={"COLUMNS": str(width), **TERMINAL})
    assert result.exit_code == 0
    assert all(len(line) <= width for line in result.stdout.splitlines())
    assert "…" not in result.stdout


def test_glossary_in_english_shows_the_english_term(invoke: Invoke) -> None:
    """--lang en lists the English term beside the Danish one."""
    out = invoke("glossary", "helhedsplan", "--lang", "en", env={"COLUMNS": "200"}).stdout
    assert "comprehensive social plan" in out
    assert "boligsocial helhedsplan" in out
