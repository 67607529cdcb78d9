"""An evidence brief: what is known about the chosen findings, how it is known, what to cite.

`build_brief` is a pure function of the dataset and the findings chosen; the formats in
this package only lay its texts out. Every text is the data's: the findings' summaries
verbatim (after a lead-in naming their evidence kind, unless they say it themselves),
the themes' context from the booklet, quotes verbatim, citations rendered by the style.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from types import MappingProxyType

from boligsocial_cli.bibliography.csl import (
    Cite,
    CiteItem,
    Style,
    StyledRun,
    format_citations,
    format_entries,
)
from boligsocial_cli.dataset.locations import BUNDLED_LABEL
from boligsocial_cli.model import (
    Dataset,
    EvidenceKind,
    Finding,
    Lang,
    Localized,
    Reference,
    Theme,
)
from boligsocial_cli.output.terminal import label
from boligsocial_cli.query import fold


@dataclass(frozen=True, slots=True)
class Cited:
    """A text's in-text citation as the style renders it, and what it cites."""

    text: str
    cite: Cite


@dataclass(frozen=True, slots=True)
class BriefQuote:
    """A finding's verbatim quote, cited to its source at the page it starts on."""

    text: str
    citation: Cited


@dataclass(frozen=True, slots=True)
class BriefFinding:
    """A finding as a paragraph: lead-in (or ""), the summary verbatim, its citation."""

    id: str
    evidence: EvidenceKind
    lead_in: str
    summary: str
    citation: Cited
    citation_note: str
    """Where the booklet puts the citation, when not right after the words ("" if it does)."""
    quote: BriefQuote | None
    own: bool


@dataclass(frozen=True, slots=True)
class BriefSection:
    """A theme: its name, its context in the booklet's words, and its findings."""

    title: str
    context: str
    context_citation: Cited
    context_note: str
    findings: tuple[BriefFinding, ...]
    own: bool


@dataclass(frozen=True, slots=True)
class BriefEntry:
    """One entry of the reference list, as the style sets it."""

    id: str
    runs: tuple[StyledRun, ...]

    @property
    def text(self) -> str:
        """The entry as plain text."""
        return "".join(run.text for run in self.runs)


@dataclass(frozen=True, slots=True)
class Brief:
    """A finished evidence brief, ready to be laid out in a document format."""

    lang: Lang
    style: Style
    title: str
    made: str
    reading_title: str
    reading: tuple[tuple[str, str], ...]
    """Each evidence kind the brief uses: its name and how to read it."""
    sections: tuple[BriefSection, ...]
    references_title: str
    references: tuple[BriefEntry, ...]
    cited: tuple[Reference, ...]
    """The works the reference list holds, the booklet first: for CSL processors."""
    own_data: str
    """The line saying which parts are the user's own data; "" if none are."""
    own_mark: str


_MONTHS: Mapping[Lang, tuple[str, ...]] = MappingProxyType(
    {
        Lang.DA: (
            "januar",
            "februar",
            "marts",
            "april",
            "maj",
            "juni",
            "juli",
            "august",
            "september",
            "oktober",
            "november",
            "december",
        ),
        Lang.EN: (
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ),
    }
)


def format_date(day: dt.date, lang: Lang) -> str:
    """A date as it is written in running text: "1. december 2026", "1 December 2026"."""
    month = _MONTHS[lang][day.month - 1]
    return f"{day.day}. {month} {day.year}" if lang is Lang.DA else f"{day.day} {month} {day.year}"


_SAYS_HOW_KNOWN: Mapping[EvidenceKind, tuple[str, ...]] = MappingProxyType(
    {
        EvidenceKind.EFFEKT: ("effektmal", "effect measurement"),
        EvidenceKind.VURDERING: ("vurder", "judge", "assess"),
        EvidenceKind.FORSKNING: ("forskning", "research"),
        EvidenceKind.FORANDRING: (),
    }
)
"""Words (folded) by which a summary itself says how it is known; a change never does,
as no summary says that it was not tested."""


def lead_in(finding: Finding, lang: Lang) -> str:
    """The words naming how a finding is known, or "" when its summary already says so."""
    summary = fold(finding.summary.in_lang(lang))
    if any(word in summary for word in _SAYS_HOW_KNOWN[finding.evidence]):
        return ""
    return label(f"lead_in_{finding.evidence.value}", lang)


def _note(note: Localized | None, lang: Lang) -> str:
    return note.in_lang(lang) if note else ""


def is_own(origin: str) -> bool:
    """Whether a record comes from the user's files rather than the bundled data."""
    return origin not in ("", BUNDLED_LABEL)


def quote_source(finding: Finding, dataset: Dataset) -> Reference:
    """The work a finding's quote and page are from: the booklet, or for the user's own
    finding, the first work it cites (as the starter file asks)."""
    if is_own(finding.origin) and finding.citations:
        for reference in dataset.references:
            if reference.id == finding.citations[0]:
                return reference
    return dataset.meta.booklet


def with_works(dataset: Dataset, works: Sequence[Reference]) -> Dataset:
    """The dataset with `works` among its references too (each id once, the dataset's first)."""
    known = {reference.id for reference in dataset.references}
    extra = tuple(work for work in works if work.id not in known)
    return replace(dataset, references=(*dataset.references, *extra)) if extra else dataset


def _works_or_page(citations: Sequence[str], booklet: Reference, page: int) -> Cite:
    """Cite the works; a statement that cites none is cited to the booklet at its page."""
    if citations:
        return Cite(tuple(CiteItem(key) for key in citations))
    return Cite((CiteItem(booklet.id, page),))


@dataclass(frozen=True, slots=True)
class _Planned:
    theme: Theme
    findings: tuple[Finding, ...]


def _plan(dataset: Dataset, findings: Sequence[Finding]) -> tuple[_Planned, ...]:
    """The chosen findings grouped by theme, in the dataset's order of themes."""
    planned = []
    for theme in dataset.themes:
        own = tuple(finding for finding in findings if finding.theme == theme.id)
        if own:
            planned.append(_Planned(theme, own))
    return tuple(planned)


def build_brief(
    dataset: Dataset,
    findings: Sequence[Finding],
    *,
    style: Style,
    lang: Lang,
    quotes: bool,
    today: dt.date,
) -> Brief:
    """The brief on `findings` (filtered by the caller), per theme, with its reference list."""
    booklet = dataset.meta.booklet
    known = {reference.id: reference for reference in dataset.references}
    known[booklet.id] = booklet
    plan = _plan(dataset, findings)

    cites: list[Cite] = [Cite((CiteItem(booklet.id),))]
    for part in plan:
        context = part.theme.context[0] if part.theme.context else None
        if context is not None:
            cites.append(_works_or_page(context.citations, booklet, context.page))
        else:
            cites.append(Cite(()))
        for finding in part.findings:
            cites.append(_works_or_page(finding.citations, booklet, finding.page))
            source = quote_source(finding, dataset).id
            cites.append(Cite((CiteItem(source, finding.page),)) if quotes else Cite(()))
    keys = {item.key for cite in cites for item in cite.items}
    cited = (booklet, *(known[key] for key in sorted(keys - {booklet.id}) if key in known))
    rendered = iter(
        Cited(text, cite)
        for text, cite in zip(format_citations(cited, cites, style, lang), cites, strict=True)
    )

    booklet_citation = next(rendered)
    sections = []
    for part in plan:
        context = part.theme.context[0] if part.theme.context else None
        context_text = context.text.in_lang(lang) if context else part.theme.summary.in_lang(lang)
        context_citation = next(rendered)
        entries = []
        for finding in part.findings:
            citation = next(rendered)
            quote_citation = next(rendered)
            entries.append(
                BriefFinding(
                    id=finding.id,
                    evidence=finding.evidence,
                    lead_in=lead_in(finding, lang),
                    summary=finding.summary.in_lang(lang),
                    citation=citation,
                    citation_note=_note(finding.citation_note, lang),
                    quote=BriefQuote(finding.quote, quote_citation) if quotes else None,
                    own=is_own(finding.origin),
                )
            )
        sections.append(
            BriefSection(
                title=part.theme.name.in_lang(lang),
                context=context_text,
                context_citation=context_citation,
                context_note=_note(context.citation_note if context else None, lang),
                findings=tuple(entries),
                own=is_own(part.theme.origin),
            )
        )

    used_kinds = {finding.evidence for finding in findings}
    reading = tuple(
        (info.name.in_lang(lang), info.explanation.in_lang(lang))
        for info in dataset.evidence_kinds
        if info.kind in used_kinds
    )
    origins = [finding.origin for finding in findings]
    origins += [part.theme.origin for part in plan]
    origins += [reference.origin for reference in cited]
    own_files = sorted({origin for origin in origins if is_own(origin)})
    own_data = label("brief_own_data", lang).format(files=", ".join(own_files)) if own_files else ""
    return Brief(
        lang=lang,
        style=style,
        title=label("brief_title", lang),
        made=label("brief_made", lang).format(
            date=format_date(today, lang),
            booklet=booklet.title or booklet.cited_as,
            citation=booklet_citation.text,
        ),
        reading_title=label("evidence_kinds", lang),
        reading=reading,
        sections=tuple(sections),
        references_title=label("references", lang),
        references=tuple(
            BriefEntry(reference.id, runs) for reference, runs in format_entries(cited, style, lang)
        ),
        cited=cited,
        own_data=own_data,
        own_mark=f"[{label('not_curated', lang)}]",
    )
