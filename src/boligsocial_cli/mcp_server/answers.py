"""What the MCP tools answer: frozen records built by pure functions of the store's answers.

Nothing here imports the MCP SDK, so the answers can be tested, and reused, without it.
Each finding in an answer carries everything an assistant needs to cite it rightly: its
evidence kind and what that kind means, the verbatim quote and its page, the works it
cites written out, and whether it is the booklet's or the user's own data.

The records are frozen but have no slots: the SDK reads a returned class's attributes as
its fields' defaults, and slots would make those attributes descriptors.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from boligsocial_cli.bibliography.csl import (
    CitationStyle,
    ExportOptions,
    export_references,
    format_text,
)
from boligsocial_cli.dataset.locations import BUNDLED_LABEL
from boligsocial_cli.dataset.source_text import fold_source
from boligsocial_cli.formats import BibliographyFormat
from boligsocial_cli.model import (
    Dataset,
    EvidenceKind,
    Finding,
    Lang,
    Localized,
    Passage,
    Reference,
    Theme,
)
from boligsocial_cli.output.terminal import empty_answer, label, no_hits
from boligsocial_cli.store.store import FindingsAnswer, HitKind, Outline, SearchAnswer


class DataSource(StrEnum):
    """Whose data a record is: the booklet's (the bundled, curated dataset) or the user's."""

    BOOKLET = "booklet"
    OWN = "own"


def data_source(origin: str) -> DataSource:
    """The source of a record from the file labelled `origin` (`bundled` for the booklet)."""
    return DataSource.BOOKLET if origin in ("", BUNDLED_LABEL) else DataSource.OWN


@dataclass(frozen=True)
class CitedWork:
    """A work a statement cites: the booklet's in-text form and the reference written out."""

    id: str
    cited_as: str
    reference: str


@dataclass(frozen=True)
class FindingAnswer:
    """One finding with its evidence kind explained, its quote, page and cited works."""

    id: str
    theme: str
    theme_name: str
    evidence: EvidenceKind
    evidence_name: str
    evidence_meaning: str
    summary: str
    quote: str
    page: int
    citations: tuple[CitedWork, ...]
    citation_note: str | None
    """What the booklet says, or leaves unsaid, about the source (e.g. that it names none)."""
    target_group: str | None
    outcome: str | None
    activity: str | None
    magnitude: str | None
    qualifiers: tuple[str, ...]
    classification_note: str | None
    source: DataSource
    origin: str


@dataclass(frozen=True)
class FindingList:
    """Findings that answer a question, and a note when there are none."""

    count: int
    findings: tuple[FindingAnswer, ...]
    note: str | None = None


@dataclass(frozen=True)
class PassageAnswer:
    """A statement of the booklet's context for a theme, with its quote, page and works."""

    text: str
    quote: str
    page: int
    citations: tuple[CitedWork, ...]
    citation_note: str | None


@dataclass(frozen=True)
class KindFindings:
    """A theme's findings of one evidence kind (none is an answer too)."""

    evidence: EvidenceKind
    evidence_name: str
    evidence_meaning: str
    findings: tuple[FindingAnswer, ...]


@dataclass(frozen=True)
class ThemePage:
    """Everything about a theme: summary, context passages and its findings by evidence kind."""

    id: str
    name: str
    summary: str
    context: tuple[PassageAnswer, ...]
    findings_by_kind: tuple[KindFindings, ...]
    source: DataSource
    origin: str


@dataclass(frozen=True)
class KindMeaning:
    """An evidence kind, its name and what it means."""

    evidence: EvidenceKind
    name: str
    meaning: str


@dataclass(frozen=True)
class EvidenceMapRow:
    """One theme's number of findings of each evidence kind."""

    id: str
    name: str
    effekt: int
    forandring: int
    vurdering: int
    forskning: int
    total: int
    source: DataSource
    origin: str


@dataclass(frozen=True)
class EvidenceMap:
    """Themes by evidence kinds, and what each kind means."""

    kinds: tuple[KindMeaning, ...]
    themes: tuple[EvidenceMapRow, ...]


@dataclass(frozen=True)
class Bibliography:
    """Works cited in a style and format, with their ids in the order written."""

    style: CitationStyle
    format: BibliographyFormat
    text: str
    references: tuple[str, ...]
    note: str | None = None


@dataclass(frozen=True)
class SearchHitAnswer:
    """One thing a search found: what and where it is, a snippet, and a finding in full."""

    rank: int
    kind: HitKind
    id: str
    part: int
    page: int | None
    evidence: EvidenceKind | None
    theme: str | None
    snippet: str
    marks: tuple[tuple[int, int], ...]
    source: DataSource
    origin: str
    finding: FindingAnswer | None
    """For a finding: everything to cite it, as the other tools give it."""


@dataclass(frozen=True)
class SearchResult:
    """The best hits of a search, best first; how many there are; the closest words if none."""

    terms: tuple[str, ...]
    total: int
    hits: tuple[SearchHitAnswer, ...]
    suggestions: tuple[str, ...]
    corrected: bool
    """Whether the hits are for the closest words of the index, nothing matching as typed."""
    note: str | None = None


@dataclass(frozen=True)
class BookletPage:
    """One page of the booklet's text, hyphenation re-joined and whitespace folded."""

    page: int
    text: str


@lru_cache(maxsize=4096)
def written_out(reference: Reference, lang: Lang) -> str:
    """The reference in APA, as `cite` writes it, with its verification label if any."""
    return format_text((reference,), CitationStyle.APA, lang).rstrip("\n")


class _Explainer:
    """Turns records into answers, with the datasets' names and meanings looked up once."""

    def __init__(self, lang: Lang, *datasets: Dataset) -> None:
        self.lang = lang
        self.themes = {theme.id: theme for data in datasets for theme in data.themes}
        self.references = {ref.id: ref for data in datasets for ref in data.references}
        self.kinds = {info.kind: info for data in datasets for info in data.evidence_kinds}

    def text(self, value: Localized | None) -> str | None:
        return value.in_lang(self.lang) if value else None

    def kind_name(self, kind: EvidenceKind) -> str:
        info = self.kinds.get(kind)
        return info.name.in_lang(self.lang) if info else kind.value

    def kind_meaning(self, kind: EvidenceKind) -> str:
        info = self.kinds.get(kind)
        return info.explanation.in_lang(self.lang) if info else ""

    def cited(self, citations: Sequence[str]) -> tuple[CitedWork, ...]:
        works = []
        for citation in citations:
            reference = self.references.get(citation)
            if reference is not None:
                works.append(
                    CitedWork(citation, reference.cited_as, written_out(reference, self.lang))
                )
        return tuple(works)

    def finding(self, finding: Finding) -> FindingAnswer:
        theme = self.themes.get(finding.theme)
        return FindingAnswer(
            id=finding.id,
            theme=finding.theme,
            theme_name=theme.name.in_lang(self.lang) if theme else finding.theme,
            evidence=finding.evidence,
            evidence_name=self.kind_name(finding.evidence),
            evidence_meaning=self.kind_meaning(finding.evidence),
            summary=finding.summary.in_lang(self.lang),
            quote=finding.quote,
            page=finding.page,
            citations=self.cited(finding.citations),
            citation_note=self.text(finding.citation_note),
            target_group=self.text(finding.target_group),
            outcome=self.text(finding.outcome),
            activity=self.text(finding.activity),
            magnitude=self.text(finding.magnitude),
            qualifiers=finding.qualifiers,
            classification_note=self.text(finding.classification_note),
            source=data_source(finding.origin),
            origin=finding.origin,
        )

    def passage(self, passage: Passage) -> PassageAnswer:
        return PassageAnswer(
            text=passage.text.in_lang(self.lang),
            quote=passage.quote,
            page=passage.page,
            citations=self.cited(passage.citations),
            citation_note=self.text(passage.citation_note),
        )


def finding_list(found: FindingsAnswer, lang: Lang) -> FindingList:
    """The findings the store found; when none, a note on what dropping a filter would find."""
    explain = _Explainer(lang, found.dataset)
    findings = tuple(map(explain.finding, found.dataset.findings))
    note = None if findings else empty_answer(found.relaxed, lang)
    return FindingList(len(findings), findings, note)


def finding_answer(found: FindingsAnswer, lang: Lang) -> FindingAnswer:
    """The one finding the store found for an id."""
    return _Explainer(lang, found.dataset).finding(found.dataset.findings[0])


def theme_page(outline: Outline, theme: Theme, found: FindingsAnswer, lang: Lang) -> ThemePage:
    """A theme's page: summary, context passages, and its findings (`found`) under each kind."""
    explain = _Explainer(lang, outline.dataset, found.dataset)
    by_kind = tuple(
        KindFindings(
            evidence=kind,
            evidence_name=explain.kind_name(kind),
            evidence_meaning=explain.kind_meaning(kind),
            findings=tuple(
                explain.finding(f)
                for f in found.dataset.findings
                if f.theme == theme.id and f.evidence is kind
            ),
        )
        for kind in EvidenceKind
    )
    return ThemePage(
        id=theme.id,
        name=theme.name.in_lang(lang),
        summary=theme.summary.in_lang(lang),
        context=tuple(map(explain.passage, theme.context)),
        findings_by_kind=by_kind,
        source=data_source(theme.origin),
        origin=theme.origin,
    )


def evidence_map(outline: Outline, lang: Lang) -> EvidenceMap:
    """The evidence map: for each theme, how many findings of each kind; the kinds explained."""
    explain = _Explainer(lang, outline.dataset)

    def row(theme: Theme) -> EvidenceMapRow:
        per_kind: Mapping[EvidenceKind, int] = {
            kind: outline.counts.get((theme.id, kind), 0) for kind in EvidenceKind
        }
        return EvidenceMapRow(
            id=theme.id,
            name=theme.name.in_lang(lang),
            effekt=per_kind[EvidenceKind.EFFEKT],
            forandring=per_kind[EvidenceKind.FORANDRING],
            vurdering=per_kind[EvidenceKind.VURDERING],
            forskning=per_kind[EvidenceKind.FORSKNING],
            total=sum(per_kind.values()),
            source=data_source(theme.origin),
            origin=theme.origin,
        )

    kinds = tuple(
        KindMeaning(kind, explain.kind_name(kind), explain.kind_meaning(kind))
        for kind in EvidenceKind
    )
    return EvidenceMap(kinds, tuple(map(row, outline.dataset.themes)))


def search_result(
    answer: SearchAnswer, findings: Mapping[str, FindingsAnswer], lang: Lang
) -> SearchResult:
    """The store's search hits; each finding hit with the finding in full, from `findings`."""

    def finding(record_id: str) -> FindingAnswer | None:
        found = findings.get(record_id)
        return finding_answer(found, lang) if found else None

    hits = tuple(
        SearchHitAnswer(
            rank=rank,
            kind=hit.kind,
            id=hit.record_id,
            part=hit.part,
            page=hit.page,
            evidence=hit.evidence,
            theme=hit.theme,
            snippet=hit.snippet.text,
            marks=hit.snippet.marks,
            source=data_source(hit.origin),
            origin=hit.origin,
            finding=finding(hit.record_id) if hit.kind is HitKind.FINDING else None,
        )
        for rank, hit in enumerate(answer.hits, start=1)
    )
    note = no_hits(answer, lang) if answer.corrected or not hits else None
    return SearchResult(
        answer.terms, answer.total, hits, answer.suggestions, answer.corrected, note
    )


def bibliography(
    references: Sequence[Reference], style: CitationStyle, fmt: BibliographyFormat, lang: Lang
) -> Bibliography:
    """The works in a built-in citation style and a format, as `cite` writes them."""
    if not references:
        return Bibliography(style, fmt, "", (), label("nothing_to_cite", lang))
    text = export_references(references, fmt, ExportOptions(style=style, lang=lang))
    return Bibliography(style, fmt, text, tuple(reference.id for reference in references))


def booklet_pages(text: str) -> tuple[BookletPage, ...]:
    """The booklet's pages from its extracted text, in which a form feed starts each page."""
    return tuple(
        BookletPage(number, fold_source(page))
        for number, page in enumerate(text.split("\f"), start=1)
    )
