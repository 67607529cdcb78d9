"""Theme pages: each theme's summary, context, findings by kind and works, true to the data
and to the booklet's text; Markdown read back by pandoc, JSON by the json module."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from dataclasses import replace
from functools import cache
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner, Result

from boligsocial_cli.cli import app
from boligsocial_cli.dataset.load import load_dataset
from boligsocial_cli.dataset.locations import bundled_dataset_path
from boligsocial_cli.dataset.source_text import SourceText
from boligsocial_cli.formats import PageFormat
from boligsocial_cli.model import Dataset, EvidenceKind, Lang, Reference
from boligsocial_cli.output.terminal import theme_page_view
from boligsocial_cli.output.theme_pages import PAGE_EXPORTERS
from boligsocial_cli.query import ReferenceSelection, select_references
from boligsocial_cli.theme_page import theme_page

from .conftest import BOOKLET_TEXT, FIXTURES

DATASET = load_dataset(bundled_dataset_path())
THEME_IDS = [theme.id for theme in DATASET.themes]
PANDOC = shutil.which("pandoc")
SHOWN_QUOTE = re.compile(r"“(.+?)” \((?:side|page) (\d+)\)")


def works(dataset: Dataset, theme_id: str) -> tuple[Reference, ...]:
    return select_references(dataset, ReferenceSelection(themes=(theme_id,)))


def run(*args: str) -> Result:
    result = CliRunner().invoke(app, list(args), env={"COLUMNS": "250", "NO_COLOR": "1"})
    assert result.exit_code == 0, result.output
    return result


def flat(text: str) -> str:
    """Terminal text without box borders, every run of whitespace one space."""
    return " ".join(re.sub(r"[│╭╮╰╯─]", " ", text).split())


@cache
def booklet() -> SourceText:
    return SourceText.from_text(BOOKLET_TEXT.read_text(encoding="utf-8"))


def pandoc_plain(markdown: str) -> str:
    """What a reader of the Markdown sees: pandoc's plain-text rendering, unwrapped."""
    assert PANDOC, "pandoc is installed by .ci/run"
    return subprocess.run(
        [PANDOC, "-f", "commonmark", "-t", "plain", "--wrap=none"],
        input=markdown,
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def test_a_page_holds_exactly_its_themes_findings_grouped_by_kind() -> None:
    """Every theme's page has each of its findings once, under its own evidence kind, kinds in
    the booklet's order, and no other theme's finding."""
    for theme in DATASET.themes:
        page = theme_page(DATASET, theme, works(DATASET, theme.id))
        own = [finding for finding in DATASET.findings if finding.theme == theme.id]
        assert [f for group in page.groups for f in group.findings] == sorted(
            own, key=lambda f: list(EvidenceKind).index(f.evidence)
        )
        assert all(f.evidence is group.kind for group in page.groups for f in group.findings)
        assert all(group.findings for group in page.groups)


@pytest.mark.parametrize("theme_id", THEME_IDS)
def test_every_work_cite_lists_for_a_theme_is_on_its_page(theme_id: str) -> None:
    """`cite --theme X` and the page of X name the same works, and each of cite's entries
    appears, as rendered, in the page's reference list."""
    cited = json.loads(run("cite", "--theme", theme_id, "--format", "csl-json").stdout or "[]")
    page = json.loads(run("theme", theme_id, "--format", "json").stdout)
    assert [work["id"] for work in page["references"]] == [work["id"] for work in cited]
    text = flat(run("theme", theme_id).stdout)
    for entry in run("cite", "--theme", theme_id).stdout.splitlines():
        assert flat(entry) in text


def test_every_cited_claim_can_be_reached() -> None:
    """Each claim the data backs with a citation is shown with its quote and its works: a
    finding by `show`, a theme's context on the theme's page."""
    forms = {reference.id: reference.cited_as for reference in DATASET.references}
    for finding in DATASET.findings:
        if finding.citations:
            assert flat(finding.quote) in flat(run("show", finding.id).stdout)
    passages = 0
    for theme in DATASET.themes:
        page = flat(run("theme", theme.id).stdout)
        for passage in theme.context:
            if passage.citations:
                passages += 1
                assert flat(passage.quote) in page
                assert flat("; ".join(forms[c] for c in passage.citations)) in page
    assert passages >= 5


@pytest.mark.parametrize("theme_id", THEME_IDS)
def test_the_markdown_page_shows_the_booklets_words_on_their_pages(theme_id: str) -> None:
    """Read by pandoc, the Markdown page shows every context and finding quote of the theme,
    and each quote shown occurs in the booklet's text on the page it is shown with."""
    theme = next(theme for theme in DATASET.themes if theme.id == theme_id)
    plain = pandoc_plain(run("theme", theme_id, "--format", "markdown").stdout)
    shown = SHOWN_QUOTE.findall(plain)
    expected = [passage.quote for passage in theme.context]
    expected += [
        f.quote
        for group in theme_page(DATASET, theme, works(DATASET, theme.id)).groups
        for f in group.findings
    ]
    assert [quote for quote, _ in shown] == [" ".join(quote.split()) for quote in expected]
    assert [booklet().page_of(quote) for quote, _ in shown] == [int(page) for _, page in shown]
    assert plain.startswith(f"{theme.name.da} ({theme.id})")


def test_the_markdown_page_is_in_the_chosen_language() -> None:
    """Headings and texts follow --lang; quotes stay Danish."""
    plain = pandoc_plain(run("theme", "krim", "--format", "md", "--lang", "en").stdout)
    theme = next(theme for theme in DATASET.themes if theme.id == "kriminalitet")
    assert plain.startswith("Crime (kriminalitet)")
    for heading in ("Theme context", "Findings", "Change", "References"):
        assert f"\n{heading}\n" in plain
    assert " ".join(theme.context[0].text.en.split()) in plain
    assert theme.context[0].quote in plain


def test_the_json_page_is_the_data() -> None:
    """The JSON page parses to the theme's own texts, passages and findings."""
    page = json.loads(run("theme", "forebyggelse", "--format", "json", "--lang", "en").stdout)
    theme = next(theme for theme in DATASET.themes if theme.id == "forebyggelse")
    assert (page["id"], page["name"], page["summary"]) == (
        theme.id,
        theme.name.en,
        theme.summary.en,
    )
    assert [(p["text"], p["quote"], p["page"], tuple(p["citations"])) for p in page["context"]] == [
        (p.text.en, p.quote, p.page, p.citations) for p in theme.context
    ]
    findings = [row for group in page["findings"] for row in group["findings"]]
    assert [row["id"] for row in findings] == [
        f.id for f in DATASET.findings if f.theme == "forebyggelse"
    ]
    assert {group["evidence"] for group in page["findings"]} == {"forandring"}


def test_the_theme_is_named_as_everywhere_else() -> None:
    """`theme` resolves its argument with the one resolver: a word of a name is enough."""
    assert run("theme", "trivsel").stdout.startswith("Tryghed og trivsel  tryghed-trivsel")
    assert run("theme", "employment", "--lang", "en").stdout.startswith("Education and employment")
    result = CliRunner().invoke(app, ["theme", "parentng", "--lang", "en"])
    assert result.exit_code == 2
    assert "Did you mean 'forebyggelse'?" in result.stderr


@pytest.mark.parametrize(
    ("lang", "said"),
    [(Lang.DA, "Ingen fund i dette tema."), (Lang.EN, "No findings in this theme.")],
)
def test_a_theme_without_findings_says_so(lang: Lang, said: str) -> None:
    """A page of a theme with no findings says there are none, in the page's language."""
    empty = replace(DATASET, findings=())
    page = theme_page(empty, empty.themes[0], ())
    assert page.groups == ()
    assert said in PAGE_EXPORTERS[PageFormat.MARKDOWN](page, empty, lang, "")
    console = Console(width=100, record=True)
    console.print(theme_page_view(page, empty, lang))
    assert said in console.export_text()


HOSTILE = str(FIXTURES / "hostile.yaml")


@pytest.mark.parametrize("lang", ["da", "en"])
def test_hostile_text_is_literal_in_the_markdown_page(lang: str) -> None:
    """Markup, entities and controls in the data are text in the Markdown page: pandoc shows
    them as typed (controls as visible escapes) and makes no link or emphasis of them."""
    result = CliRunner().invoke(app, ["--data", HOSTILE, "theme", "boern", "-f", "md", "-l", lang])
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.stdout
    assert "\x9b" not in result.stdout
    plain = pandoc_plain(result.stdout)
    data = load_dataset(Path(HOSTILE))
    theme = data.themes[0]
    name = theme.name.da if lang == "da" else theme.name.en
    assert plain.startswith(name.replace("\x1b", "\\x1b"))
    html = subprocess.run(
        [PANDOC or "pandoc", "-f", "commonmark", "-t", "html"],
        input=result.stdout,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "<a " not in html
    assert "<strong>[" not in html
    assert "[link=http://evil]" in html


def test_hostile_text_is_literal_in_the_terminal_page() -> None:
    """The terminal page prints the data's markup as typed and its controls escaped."""
    result = CliRunner().invoke(app, ["--data", HOSTILE, "theme", "boern"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "[bold]Børn[/bold]" in result.stdout
    assert "\\x1b[31mRØD" in result.stdout
    assert "\x1b" not in result.stdout
