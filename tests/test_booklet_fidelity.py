"""The bundled dataset against the booklet's own text: quotes, pages, citations, evidence."""

from __future__ import annotations

import re
from functools import cache

from boligsocial_cli.dataset.load import load_dataset, validate_files
from boligsocial_cli.dataset.locations import bundled_dataset_path
from boligsocial_cli.dataset.source_text import SourceText, fold_source
from boligsocial_cli.model import Dataset, EvidenceKind

from .conftest import BOOKLET_TEXT

PAGE_OPENINGS = (
    "dækker over, at der blandt",
    "plads, på beboernes motivation",
    "Undersøgelse af det strategiske arbejde",
)


@cache
def booklet() -> SourceText:
    return SourceText.from_text(BOOKLET_TEXT.read_text(encoding="utf-8"))


@cache
def dataset() -> Dataset:
    return load_dataset(bundled_dataset_path())


def quoted_records() -> list[tuple[str, str, int]]:
    data = dataset()
    records = [(f"finding {f.id}", f.quote, f.page) for f in data.findings]
    records += [(f"challenge {c.id}", c.quote, c.page) for c in data.challenges]
    for theme in data.themes:
        records += [(f"theme {theme.id}", p.quote, p.page) for p in theme.context]
    for section in data.background:
        records += [(f"background {section.id}", p.quote, p.page) for p in section.passages]
    return records


def test_every_quote_is_verbatim_and_on_its_page() -> None:
    """Each quote occurs in the booklet (line breaks re-joined) and starts on the page given."""
    wrong = [
        (where, page, booklet().page_of(quote))
        for where, quote, page in quoted_records()
        if booklet().page_of(quote) != page
    ]
    assert wrong == []


def test_the_vendored_booklet_text_marks_the_same_pages() -> None:
    """data/booklet.txt has form feeds exactly where the booklet's pages 2, 3 and 4 begin."""
    pages = BOOKLET_TEXT.read_text(encoding="utf-8").split("\f")
    assert len(pages) == 4
    assert [
        page.startswith(opening) for page, opening in zip(pages[1:], PAGE_OPENINGS, strict=True)
    ] == [True] * 3


def cited_works_in_booklet() -> set[str]:
    """Every author-year citation in the booklet's parentheses, one per work."""
    text = fold_source(BOOKLET_TEXT.read_text(encoding="utf-8"))
    works: set[str] = set(re.findall(r"SBi \d{4}:\d{2}", text))
    for group in re.findall(r"\(([^()]*\d{4}[^()]*)\)", text):
        for segment in group.split(";"):
            for names, years in re.findall(
                r"([^,;\d][^;\d]*?),\s*((?:\d{4}[a-z]?(?:,\s*)?)+)", segment
            ):
                for year in re.findall(r"\d{4}[a-z]?", years):
                    works.add(f"{names.strip()}, {year}")
    return works


def test_every_work_the_booklet_cites_is_present_exactly_once() -> None:
    """The references are exactly the works cited in the booklet's text, each once."""
    cited_as = [reference.cited_as for reference in dataset().references]
    assert len(cited_as) == len(set(cited_as))
    assert set(cited_as) == cited_works_in_booklet()


def test_every_reference_is_cited_by_some_record() -> None:
    """No reference is dead weight: a finding or passage cites each one."""
    data = dataset()
    cited = {c for finding in data.findings for c in finding.citations}
    for theme in data.themes:
        cited |= {c for passage in theme.context for c in passage.citations}
    for section in data.background:
        cited |= {c for passage in section.passages for c in passage.citations}
    assert {reference.id for reference in data.references} == cited


def test_effects_are_exactly_the_booklets_effect_measurements() -> None:
    """A finding is an `effekt` if and only if its quote reports an effect measurement."""
    for finding in dataset().findings:
        measured = "Effektmåling" in finding.quote or "effektmåling" in finding.quote
        assert (finding.evidence is EvidenceKind.EFFEKT) == measured, finding.id


def test_qualifiers_are_the_booklets_own_words() -> None:
    """Every qualifier of a finding occurs verbatim in that finding's quote."""
    for finding in dataset().findings:
        for qualifier in finding.qualifiers:
            assert qualifier in finding.quote, (finding.id, qualifier)


def test_unverified_works_carry_no_guessed_details() -> None:
    """A work nobody could verify keeps only authors and year: no title, publisher or type."""
    for reference in dataset().references:
        if reference.status.value == "unverified":
            assert (reference.title, reference.publisher, reference.type) == (None, None, None)
            assert reference.author
            assert reference.issued


def test_the_bundled_dataset_validates_against_the_booklet() -> None:
    """`validate --against` finds no problem in the bundled data and the booklet's text."""
    report = validate_files([bundled_dataset_path()], BOOKLET_TEXT)
    assert report.files == ("bundled",)
    assert report.findings_per_file == (24,)
    assert report.pages_checked


def test_the_booklet_has_nine_challenges() -> None:
    """The nine problems listed under 'Hvorfor har vi boligsociale indsatser?' are all there."""
    assert len(dataset().challenges) == 9
