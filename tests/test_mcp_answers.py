"""The MCP answers as pure functions of a dataset, without the SDK or a server."""

from __future__ import annotations

import pytest
import yaml

from boligsocial_cli.bibliography.csl import CitationStyle
from boligsocial_cli.dataset.load import load_dataset
from boligsocial_cli.dataset.locations import bundled_booklet_path, bundled_dataset_path
from boligsocial_cli.formats import BibliographyFormat
from boligsocial_cli.mcp_server.answers import (
    DataSource,
    bibliography,
    booklet_pages,
    data_source,
    finding_answer,
    theme_page,
)
from boligsocial_cli.model import Dataset, EvidenceKind, Lang
from boligsocial_cli.query import FindingFilter, ReferenceSelection
from boligsocial_cli.store.location import open_store
from boligsocial_cli.store.store import Store

from .conftest import BOOKLET_TEXT, REPO


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    return load_dataset(bundled_dataset_path())


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    cache = {"BOLIGSOCIAL_CACHE_DIR": str(tmp_path_factory.mktemp("cache"))}
    return open_store([bundled_dataset_path()], env=cache)


def test_records_of_the_bundled_file_are_the_booklets_and_others_own() -> None:
    """`bundled` (and a record with no origin) is the booklet; a file path is own data."""
    assert data_source("bundled") is DataSource.BOOKLET
    assert data_source("") is DataSource.BOOKLET
    assert data_source("/home/me/egne-fund.yaml") is DataSource.OWN


def test_the_booklet_is_its_pages_with_words_rejoined(dataset: Dataset) -> None:
    """The packaged text is the repository's; it splits into the dataset's number of pages,
    and a word hyphenated across lines on page 1 is whole again."""
    text = bundled_booklet_path().read_text(encoding="utf-8")
    assert text == BOOKLET_TEXT.read_text(encoding="utf-8")
    pages = booklet_pages(text)
    assert [page.page for page in pages] == list(range(1, (dataset.meta.pages or 0) + 1))
    assert "indsat-\nser" in text.split("\f")[0]
    assert pages[0].text.startswith("Boligsociale indsatser – kort fortalt Af Gunvor Christensen")
    assert "\n" not in pages[0].text


def test_a_theme_page_lists_every_kind_even_without_findings(store: Store) -> None:
    """Kriminalitet has only changes: effekt, vurdering and forskning are there, empty, so an
    assistant reads that the booklet reports no effect measurement for it."""
    outline = store.outline()
    theme = next(theme for theme in outline.dataset.themes if theme.id == "kriminalitet")
    found = store.findings(FindingFilter(themes=(theme.id,)))
    page = theme_page(outline, theme, found, Lang.DA)
    counts = {group.evidence: len(group.findings) for group in page.findings_by_kind}
    assert counts == {
        EvidenceKind.EFFEKT: 0,
        EvidenceKind.FORANDRING: 3,
        EvidenceKind.VURDERING: 0,
        EvidenceKind.FORSKNING: 0,
    }


def test_a_finding_keeps_its_qualifiers_verbatim(store: Store) -> None:
    """The network mothers' effect is "en tendens": the hedge is in the answer, as written."""
    data = yaml.safe_load((REPO / "data" / "findings.yaml").read_text(encoding="utf-8"))
    written = next(f for f in data["findings"] if f["id"] == "netvaerksmoedre-uddannelse")
    answer = finding_answer(store.finding("netvaerksmoedre"), Lang.EN)
    assert answer.qualifiers == tuple(written["qualifiers"])
    assert any("tendens" in qualifier for qualifier in answer.qualifiers)
    assert answer.quote == written["quote"]
    assert answer.summary == written["summary"]["en"]


@pytest.mark.parametrize(
    ("lang", "note"), [(Lang.DA, "Ingen værker at henvise til."), (Lang.EN, "No works to cite.")]
)
def test_nothing_to_cite_is_an_empty_text_with_a_note(store: Store, lang: Lang, note: str) -> None:
    """Kriminalitet has no effect measurement, so no works behind its effects: a note says so."""
    selection = ReferenceSelection(themes=("kriminalitet",), effects_only=True)
    references = store.references(selection)
    answer = bibliography(references, CitationStyle.APA, BibliographyFormat.TEXT, lang)
    assert (answer.text, answer.references, answer.note) == ("", (), note)
