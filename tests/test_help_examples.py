"""Every help page, in Danish and in English: its examples run on the bundled data and answer,
its command list shows each command's first sentence whole, and it speaks one language.

The help pages are read as a user reads them (`boligsocial … -h`); the examples are taken from
that text, not from the code, so an example that is shown is an example that is run.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from boligsocial_cli.cli import app

LANGUAGES = ("da", "en")
EXAMPLE_HEADINGS = {"da": ("Eksempel:", "Eksempler:"), "en": ("Example:", "Examples:")}
COMMANDS_HEADING = {"da": "Kommandoer:", "en": "Commands:"}


def _pages(command: object, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """The command path of every help page: the root, each command, each group's commands."""
    pages = [path]
    for name, subcommand in getattr(command, "commands", {}).items():
        pages.extend(_pages(subcommand, (*path, name)))
    return pages


PAGES = _pages(typer.main.get_command(app))
GROUPS = [page for page in PAGES if page in {(), ("export",)}]


def help_page(page: tuple[str, ...], lang: str) -> str:
    """What `boligsocial PAGE -h` prints in `lang` (Typer's runner lays help out at 80 columns)."""
    result = CliRunner().invoke(app, [*page, "-h"], env={"BOLIGSOCIAL_LANG": lang})
    assert result.exit_code == 0, result.output
    return result.stdout


def help_at_width(page: tuple[str, ...], lang: str, width: int) -> str:
    """What the installed `boligsocial PAGE -h` prints in `lang` with COLUMNS=`width`."""
    script = Path(sys.executable).with_name("boligsocial")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "boligsocial_cli"]
    done = subprocess.run(
        [*command, *page, "-h"],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "BOLIGSOCIAL_LANG": lang, "COLUMNS": str(width)},
    )
    return done.stdout


def examples(text: str, lang: str) -> list[str]:
    """The command lines under the help page's examples heading (its last section)."""
    lines = text.splitlines()
    starts = [i for i, line in enumerate(lines) if line in EXAMPLE_HEADINGS[lang]]
    if not starts:
        return []
    found = []
    for line in lines[starts[-1] + 1 :]:
        if not line.startswith("  "):
            break
        found.append(line.strip())
    return found


MCP_INITIALIZE = json.dumps(
    {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "initialize",
        "params": {
            "protocolVersion": "2025-06-18",
            "capabilities": {},
            "clientInfo": {"name": "test_help_examples", "version": "1"},
        },
    }
)
"""What an assistant says first to `boligsocial mcp`: the server's answer is its output."""

ANSWERED_ON_STDERR = {"validate"}
"""Commands whose answer is a verdict on stderr, not data on stdout or in a file."""


def run_example(example: str, lang: str) -> None:
    """Run one example as a shell would in the working folder (`> FILE` redirects stdout), and
    check it exits 0 and answers: data on stdout, a new file, or (validate) its verdict."""
    folder = Path.cwd()
    words = shlex.split(example)
    assert words[0] == "boligsocial", example
    args, target = words[1:], None
    if ">" in args:
        args, target = args[: args.index(">")], args[args.index(">") + 1]
    before = set(folder.iterdir())
    result = CliRunner().invoke(
        app,
        args,
        env={"BOLIGSOCIAL_LANG": lang, "COLUMNS": "80"},
        input=MCP_INITIALIZE + "\n" if "mcp" in args else None,
    )
    assert result.exit_code == 0, f"{example}: exit {result.exit_code}\n{result.output}"
    if target is not None:
        (folder / target).write_text(result.stdout, encoding="utf-8")
    written = [path for path in set(folder.iterdir()) - before if path.stat().st_size > 0]
    assert all(path.is_file() for path in written), written
    answered = result.stdout.strip() or written
    if ANSWERED_ON_STDERR & set(args):
        answered = answered or result.stderr.strip()
    assert answered, f"{example} answers nothing: {result.stderr.strip()!r}"


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty working folder (the store's cache is kept elsewhere, under tmp_path)."""
    folder = tmp_path / "work"
    folder.mkdir()
    monkeypatch.chdir(folder)
    return folder


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("page", PAGES, ids=lambda page: " ".join(page) or "boligsocial")
def test_every_example_in_the_help_runs_and_answers(
    page: tuple[str, ...], lang: str, workdir: Path
) -> None:
    """Each help page ends with examples; run in order in an empty folder (so an example may
    use the file an earlier one writes), each exits 0 with an answer."""
    shown = examples(help_page(page, lang), lang)
    assert shown, f"boligsocial {' '.join(page)} -h shows no example"
    assert list(workdir.iterdir()) == []
    for example in shown:
        run_example(example, lang)


def test_the_examples_are_found_and_the_same_in_both_languages() -> None:
    """The extractor finds every page's examples (a referee that finds none proves nothing),
    and a command's examples do not depend on the language of its help."""
    shown = {page: examples(help_page(page, "da"), "da") for page in PAGES}
    assert len(PAGES) >= 19
    assert sum(len(lines) for lines in shown.values()) >= 40
    assert all(lines[0].startswith("boligsocial") for lines in shown.values())
    too_wide = [line for lines in shown.values() for line in lines if len(line) > 58]
    assert too_wide == [], "an example is to fit a 60-column terminal, indented by 2"
    assert shown == {page: examples(help_page(page, "en"), "en") for page in PAGES}


@pytest.mark.usefixtures("workdir")
def test_an_example_that_finds_nothing_fails() -> None:
    """The check itself: an example whose answer is 'no findings' (stderr only) does not pass,
    nor one that exits non-zero (`fritidsjob` is the prefix of two findings)."""
    with pytest.raises(AssertionError, match="answers nothing"):
        run_example("boligsocial findings --theme kriminalitet --effects-only", "da")
    with pytest.raises(AssertionError, match="exit 2"):
        run_example("boligsocial show fritidsjob", "da")
    run_example("boligsocial findings --theme kriminalitet", "da")


def _first_sentence(page: tuple[str, ...], lang: str) -> str:
    """The first sentence of a command's help, from its own help page (after the usage)."""
    text = help_page(page, lang)
    paragraph = text.split("\n\n")[1]
    words = " ".join(paragraph.split())
    match = re.match(r"(.+?[.?!])(\s|$)", words)
    assert match, words
    return match.group(1)


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("width", [60, 80])
@pytest.mark.parametrize("group", GROUPS, ids=lambda page: " ".join(page) or "boligsocial")
def test_the_command_list_shows_each_first_sentence_whole(
    group: tuple[str, ...], width: int, lang: str
) -> None:
    """At 60 and 80 columns every command's first sentence is in the list, wrapped but whole,
    and no line is cut or wider than the terminal."""
    text = help_at_width(group, lang, width)
    listing = text.split(COMMANDS_HEADING[lang], 1)[1].split("\n\n", 1)[0]
    assert all(len(line) <= width for line in text.splitlines())
    assert "..." not in listing
    assert "…" not in listing
    flowing = " ".join(listing.split())
    names = [page[-1] for page in PAGES if len(page) == len(group) + 1 and page[:-1] == group]
    for name in names:
        sentence = _first_sentence((*group, name), lang)
        assert f"{name} {sentence}" in flowing.replace("- ", "-"), (name, sentence)


ENGLISH_WORDS = {"the", "and", "with", "show", "example", "examples", "only", "this", "of", "or"}
DANISH_WORDS = {"og", "med", "eller", "ikke", "vis", "eksempel", "eksempler", "kun", "til", "hvis"}


def _prose(text: str, lang: str) -> list[str]:
    """The words of a help page that are the page's own: without its usage line, examples,
    option names, command names in the list, and quoted values."""
    lines = text.splitlines()[1:]  # the usage line names the command
    kept = []
    in_list = False
    for line in lines:
        if line in EXAMPLE_HEADINGS[lang]:
            break  # the examples are command lines
        if line == COMMANDS_HEADING[lang]:
            in_list = True
            continue
        if in_list and re.match(r"  \S", line):
            line = line.split(maxsplit=1)[1] if len(line.split()) > 1 else ""  # noqa: PLW2901
        kept.append(line)
    prose = re.sub(r"'[^']*'", " ", "\n".join(kept))
    return [word for word in re.findall(r"[\w-]+", prose.lower()) if not word.startswith("-")]


@pytest.mark.parametrize("page", PAGES, ids=lambda page: " ".join(page) or "boligsocial")
def test_danish_help_has_no_english_and_english_help_no_danish(page: tuple[str, ...]) -> None:
    """Danish help reads as Danish (apart from option names, format names and examples), and
    English help as English (apart from names such as boligsociale indsatser)."""
    english_in_danish = ENGLISH_WORDS & set(_prose(help_page(page, "da"), "da"))
    danish_in_english = DANISH_WORDS & set(_prose(help_page(page, "en"), "en"))
    assert english_in_danish == set()
    assert danish_in_english == set()


def test_the_language_check_finds_a_foreign_word() -> None:
    """The check itself: English words left in a Danish page are found."""
    page = "Brug: boligsocial x\n\n  Vis the list with this.\n\nEksempler:\n  boligsocial the\n"
    assert {"the", "with", "this"} <= set(_prose(page, "da"))
    assert "boligsocial" not in _prose(page, "da")


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("page", PAGES, ids=lambda page: " ".join(page) or "boligsocial")
def test_metavars_are_words_not_python_types(page: tuple[str, ...], lang: str) -> None:
    """No Python type shows through (`ID <str>`, `KEY <list[str]>`, `<int>`)."""
    text = help_page(page, lang)
    assert not re.search(r"<(str|int|list|Path|bool|float)\b", text), text


COMMAND_PAGES = [page for page in PAGES if page not in GROUPS]


@pytest.mark.parametrize("page", COMMAND_PAGES, ids=" ".join)
def test_lang_is_accepted_after_every_command(page: tuple[str, ...]) -> None:
    """`--lang` may follow any command, as the root's help says: its help is then English."""
    result = CliRunner().invoke(app, [*page, "--lang", "en", "-h"], prog_name="boligsocial")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"Usage: boligsocial {' '.join(page)} ")
