"""The terminal views at 60, 80 and 120 columns: the evidence map stays a grid where one can
hold, `themes` is a table at 80, and nothing is cut inside a word.

The counts are refereed by `overview --format json` and the names by the dataset file; the
views are read as a person reads them, line by line.
"""

from __future__ import annotations

import json

import pytest

from boligsocial_cli.dataset.load import load_dataset
from boligsocial_cli.dataset.locations import bundled_dataset_path
from boligsocial_cli.model import EvidenceKind, Lang

from .conftest import TERMINAL, Invoke

DATASET = load_dataset(bundled_dataset_path())
KIND_NAMES = {
    lang: {info.kind: info.name.in_lang(lang) for info in DATASET.evidence_kinds} for lang in Lang
}


def _view(invoke: Invoke, width: int, *args: str) -> list[str]:
    result = invoke(*args, env={"COLUMNS": str(width), **TERMINAL})
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert all(len(line) <= width for line in lines)
    return lines


def map_rows(invoke: Invoke, lang: Lang) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = json.loads(
        invoke("overview", "--format", "json", "--lang", lang.value).stdout
    )
    return rows


def grid_line(lines: list[str], row: dict[str, object]) -> list[str] | None:
    """The cells after the theme's name on the line its name starts, if they are the
    theme's counts in the kinds' order and its total (a dot for none)."""
    expected = ["·" if row[kind.value] == 0 else str(row[kind.value]) for kind in EvidenceKind]
    expected.append(str(row["total"]))
    first_word = str(row["name"]).split()[0]
    for line in lines:
        cells = line.split()
        if cells[:1] == [first_word] and cells[-len(expected) :] == expected:
            return expected
    return None


@pytest.mark.parametrize("width", [80, 120])
@pytest.mark.parametrize("lang", list(Lang))
def test_the_evidence_map_is_a_grid_at_80_columns_and_wider(
    invoke: Invoke, lang: Lang, width: int
) -> None:
    """Each theme is one row of the grid: its name, then a cell per evidence kind in the
    kinds' order and its total, as `overview --format json` counts them."""
    lines = _view(invoke, width, "overview", "--lang", lang.value)
    rows = map_rows(invoke, lang)
    assert rows
    missing = [row["id"] for row in rows if grid_line(lines, row) is None]
    assert missing == []


@pytest.mark.parametrize("lang", list(Lang))
def test_the_narrow_map_names_each_kind_in_full(invoke: Invoke, lang: Lang) -> None:
    """At 80 columns the full names do not fit as headings; the legend beneath gives every
    kind's full name from the dataset, and what a dot means."""
    text = "\n".join(_view(invoke, 80, "overview", "--lang", lang.value))
    for name in KIND_NAMES[lang].values():
        assert name in text.replace("\n", " ")
    assert ("· = intet fund" if lang is Lang.DA else "· = no finding") in text


@pytest.mark.parametrize("lang", list(Lang))
def test_the_map_at_60_columns_keeps_every_count(invoke: Invoke, lang: Lang) -> None:
    """At 60 columns, grid or list, every theme's name is there whole and every count too."""
    lines = _view(invoke, 60, "overview", "--lang", lang.value)
    text = " ".join(" ".join(lines).split())
    for row in map_rows(invoke, lang):
        for word in str(row["name"]).split():
            assert word in text.split()
        if grid_line(lines, row) is None:  # the stacked form: "Kind n" for each kind found
            for kind in EvidenceKind:
                if row[kind.value]:
                    assert f"{KIND_NAMES[lang][kind]} {row[kind.value]}" in text


@pytest.mark.parametrize("lang", list(Lang))
def test_themes_is_a_table_at_80_columns(invoke: Invoke, lang: Lang) -> None:
    """Each theme's counts of findings and effects stand on the line its name starts, with
    the start of its summary; the id is on the line below the name."""
    lines = _view(invoke, 80, "themes", "--lang", lang.value)
    rows = json.loads(invoke("themes", "--format", "json", "--lang", lang.value).stdout)
    for row in rows:
        first_word = row["name"].split()[0]
        starts = [i for i, line in enumerate(lines) if line.startswith(first_word)]
        assert starts, row["name"]
        cells = lines[starts[0]].split()
        counts = [str(row["findings"]), str(row["effects"])]
        index = next(i for i in range(len(cells) - 1) if cells[i : i + 2] == counts)
        assert cells[index + 2] == row["summary"].split()[0]
        assert any(line.split()[:1] == [row["id"]] for line in lines[starts[0] + 1 :])


@pytest.mark.parametrize("lang", list(Lang))
def test_themes_at_60_columns_is_a_list(invoke: Invoke, lang: Lang) -> None:
    """Where a table would leave the summaries too little room, each theme is an entry:
    its id and name, then its counts, then its summary."""
    lines = _view(invoke, 60, "themes", "--lang", lang.value)
    findings = "fund" if lang is Lang.DA else "findings"
    rows = json.loads(invoke("themes", "--format", "json", "--lang", lang.value).stdout)
    for row in rows:
        heading = lines.index(f"{row['id']}  {row['name']}")
        assert lines[heading + 1].startswith(f"{findings}: {row['findings']} ")


def works(text: str) -> list[str]:
    """The works of a wrapped reference list: paragraphs, their lines joined by a space."""
    return [" ".join(block.split()) for block in text.strip("\n").split("\n\n")]


@pytest.mark.parametrize("width", [60, 80])
@pytest.mark.parametrize("args", [("--effects-only",), ("--style", "harvard", "--lang", "en")])
def test_cite_wraps_at_word_boundaries_with_a_hanging_indent(
    invoke: Invoke, args: tuple[str, ...], width: int
) -> None:
    """On a terminal each work is a paragraph: its first line flush left, the rest indented
    four spaces, a blank line after it, no line breaking a word. Its words are those of the
    one line the same work takes in a file or a pipe, in order."""
    piped = invoke("cite", *args).stdout.splitlines()
    shown = invoke("cite", *args, env={"COLUMNS": str(width), **TERMINAL}).stdout
    assert works(shown) == [" ".join(line.split()) for line in piped]
    for block in shown.strip("\n").split("\n\n"):
        first, *rest = block.split("\n")
        assert not first.startswith(" ")
        assert all(line.startswith("    ") and line[4] != " " for line in rest)
        assert all(len(line) <= width or " " not in line.strip() for line in block.split("\n"))
    assert any(len(block.split("\n")) > 1 for block in shown.split("\n\n"))  # some did wrap


def test_cite_keeps_a_long_url_whole(invoke: Invoke) -> None:
    """A URL longer than the line is never broken: it stands whole on a line of its own."""
    piped = invoke("cite").stdout
    urls = [word for word in piped.split() if word.startswith("http")]
    assert urls
    width = min(len(url) for url in urls) - 1
    shown = invoke("cite", env={"COLUMNS": str(max(width, 20)), **TERMINAL}).stdout
    shown_words = shown.split()
    assert all(url in shown_words for url in urls)


def test_cite_to_a_file_keeps_a_work_a_line(invoke: Invoke) -> None:
    """Written to a file or a pipe, at any COLUMNS, a work is one line and no line is blank:
    what tools and the README's examples read."""
    lines = invoke("cite", "--effects-only", env={"COLUMNS": "40"}).stdout.splitlines()
    assert len(lines) == 3
    assert all(line and not line.startswith(" ") and len(line) > 40 for line in lines)
