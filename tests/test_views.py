"""Every view's document form: plain text in files and pipes, Markdown, JSON; quotes cited.

Markdown is read back by markdown-it-py (a CommonMark parser); CSV for Excel by the csv
module with Excel's Danish dialect; the expected citations are reasoned from the styles.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from boligsocial_cli.dataset.load import load_dataset
from boligsocial_cli.dataset.locations import bundled_dataset_path
from boligsocial_cli.model import Dataset

from .conftest import Invoke

BOX_DRAWING = re.compile(r"[\u2500-\u257f]")


@pytest.fixture(scope="module")
def bundled() -> Dataset:
    return load_dataset(bundled_dataset_path())


VIEWS = (
    ("findings",),
    ("findings", "--long", "--lang", "en"),
    ("show", "fritidsjob-tre-gange-chance"),
    ("show", "maends-ledighed", "--lang", "en"),
    ("about",),
    ("about", "--lang", "en"),
    ("challenges",),
    ("glossary",),
    ("glossary", "--lang", "en"),
)


@pytest.mark.parametrize("view", VIEWS, ids=" ".join)
def test_text_in_a_file_or_pipe_is_plain(invoke: Invoke, view: tuple[str, ...]) -> None:
    """No box drawing, no trailing spaces, no line broken inside a paragraph (narrow COLUMNS
    would wrap a terminal view; a file keeps each paragraph on one line)."""
    result = invoke(*view, env={"COLUMNS": "40"})
    assert result.exit_code == 0, result.output
    assert not BOX_DRAWING.search(result.stdout)
    assert all(line == line.rstrip() for line in result.stdout.splitlines())
    assert max(len(line) for line in result.stdout.splitlines()) > 40


def test_plain_show_keeps_each_text_whole(invoke: Invoke, bundled: Dataset) -> None:
    """The summary is a line of its own; the quote, verbatim, is one line with its citation."""
    finding = next(f for f in bundled.findings if f.id == "fritidsjob-tre-gange-chance")
    lines = invoke("show", finding.id).stdout.splitlines()
    assert finding.summary.da in lines
    assert f"  “{finding.quote}” (Christensen, u.å., s. {finding.page})" in lines


def test_plain_about_keeps_each_passage_whole(invoke: Invoke, bundled: Dataset) -> None:
    """Each background passage is one line (its citation forms after it, if any)."""
    lines = invoke("about").stdout.splitlines()
    for section in bundled.background:
        assert section.title.da in lines
        for passage in section.passages:
            assert any(line.startswith(passage.text.da) for line in lines)


def test_show_as_markdown_for_a_document(invoke: Invoke, bundled: Dataset) -> None:
    """A heading with the id, the quote as a block quote with its citation, the references
    under their own heading, as a CommonMark parser reads it."""
    finding = next(f for f in bundled.findings if f.id == "maends-ledighed")
    tokens = MarkdownIt("commonmark").parse(invoke("show", finding.id, "-f", "markdown").stdout)
    headings = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open"]
    assert headings == [finding.id, "Referencer"]
    start = next(i for i, t in enumerate(tokens) if t.type == "blockquote_open")
    assert tokens[start + 2].content == f"“{finding.quote}” (Christensen, u.å., s. 3)"


def test_show_as_json(invoke: Invoke, bundled: Dataset) -> None:
    """The finding's own fields, its theme's name, its quote's citation, its references."""
    finding = next(f for f in bundled.findings if f.id == "maends-ledighed")
    record = json.loads(invoke("show", finding.id, "-f", "json", "--lang", "en").stdout)
    assert record["summary"] == finding.summary.en
    assert record["quote"] == finding.quote
    assert record["theme_name"] == "Education and employment"
    assert record["quote_citation"] == "(Christensen, n.d., p. 3)"
    assert [entry.split(" (")[0] for entry in record["references"]] == [
        "Christensen, G.",
        "Christensen, G., & Geerdsen, L. P.",
    ]


def test_about_as_json_holds_every_passage(invoke: Invoke, bundled: Dataset) -> None:
    """Every background passage with its verbatim quote and page."""
    record = json.loads(invoke("about", "-f", "json").stdout)
    quotes = [p["quote"] for section in record["background"] for p in section["passages"]]
    assert quotes == [p.quote for section in bundled.background for p in section.passages]
    assert [kind["kind"] for kind in record["evidence_kinds"]] == [
        "effekt",
        "forandring",
        "vurdering",
        "forskning",
    ]


@pytest.mark.parametrize(
    ("style", "lang", "citation"),
    [
        ("apa", "da", "(Christensen, u.å., s. 3)"),  # APA's no-date term in da-DK, and "s."
        ("apa", "en", "(Christensen, n.d., p. 3)"),
        ("chicago", "en", "(Christensen, n.d., 3)"),  # Chicago: a bare page after a comma
    ],
)
def test_cite_quote_is_ready_to_paste(
    invoke: Invoke, bundled: Dataset, style: str, lang: str, citation: str
) -> None:
    """The quote verbatim in quotation marks, then its citation: one line."""
    finding = next(f for f in bundled.findings if f.id == "maends-ledighed")
    result = invoke("cite", "--finding", "maends", "--quote", "--style", style, "--lang", lang)
    assert result.exit_code == 0, result.output
    assert result.stdout == f"“{finding.quote}” {citation}\n"


def test_cite_quote_needs_a_finding(invoke: Invoke) -> None:
    """--quote without --finding is a usage error that says what is missing."""
    result = invoke("cite", "--quote")
    assert result.exit_code == 2
    assert "--finding" in result.stderr


def test_findings_markdown_is_for_a_report(invoke: Invoke, bundled: Dataset) -> None:
    """Themes as headings, each finding a paragraph starting with its evidence kind's Danish
    name: no table, no English column names."""
    text = invoke("findings", "--theme", "kriminalitet", "-f", "markdown").stdout
    tokens = MarkdownIt("commonmark").parse(text)
    assert not any(token.type == "table_open" for token in tokens)
    paragraphs = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "paragraph_open"]
    in_theme = [f for f in bundled.findings if f.theme == "kriminalitet"]
    assert len(paragraphs) == len(in_theme)
    for paragraph, finding in zip(paragraphs, in_theme, strict=True):
        assert paragraph.startswith("**Forandring:** ")
        assert finding.summary.da in paragraph


def test_csv_for_excel_in_a_danish_locale(invoke: Invoke, bundled: Dataset) -> None:
    """A byte order mark, then ';'-separated fields that Excel's dialect reads back whole."""
    result = invoke("findings", "-f", "csv", "--excel")
    assert result.stdout.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(result.stdout[1:]), delimiter=";"))
    assert [row["summary"] for row in rows] == [f.summary.da for f in bundled.findings]


def test_excel_is_only_for_csv(invoke: Invoke) -> None:
    """--excel with another format is a usage error."""
    result = invoke("themes", "--excel")
    assert result.exit_code == 2
    assert "--format csv" in result.stderr


HOSTILE_OVERLAY = """\
extends: bundled
findings:
  - id: fjendtlig
    theme: kriminalitet
    evidence: vurdering
    summary: {da: "<b>fed</b> *em* [link](http://evil) \\e[31mRØD", en: "x"}
    quote: "`kode` <script>x</script> \\e]0;titel\\a"
    page: 2
    citations: []
"""


@pytest.mark.parametrize("output", ["text", "markdown"])
def test_data_is_literal_in_every_document_form(
    invoke: Invoke, tmp_path: Path, output: str
) -> None:
    """Markup in the data is text, not markup, and its control characters are shown as \\x1b:
    in plain text as typed, in Markdown as a CommonMark parser reads it."""
    overlay = tmp_path / "egne.yaml"
    overlay.write_text(HOSTILE_OVERLAY, encoding="utf-8")
    result = invoke("--data", str(overlay), "show", "fjendtlig", "-f", output)
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.stdout
    assert "\a" not in result.stdout
    text = result.stdout
    if output == "markdown":
        tokens = MarkdownIt("commonmark").parse(text)
        inline = [child for token in tokens for child in token.children or ()]
        assert not [child for child in inline if child.type in {"html_inline", "link_open"}]
        text = "".join(child.content for child in inline if child.type in {"text", "code_inline"})
    assert "<b>fed</b> *em* [link](http://evil) \\x1b[31mRØD" in text
    assert "<script>x</script> \\x1b]0;titel\\x07" in text
