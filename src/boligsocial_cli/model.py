"""Frozen, typed records for the dataset, and the closed vocabularies it uses."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Lang(StrEnum):
    """Languages the dataset's texts and the CLI's labels come in."""

    DA = "da"
    EN = "en"


class EvidenceKind(StrEnum):
    """How a finding is known, in the booklet's own distinction."""

    EFFEKT = "effekt"
    FORANDRING = "forandring"
    VURDERING = "vurdering"
    FORSKNING = "forskning"


class VerificationStatus(StrEnum):
    """How far a reference's bibliographic details have been verified."""

    CONFIRMED = "confirmed"
    INFERRED = "inferred"
    PARTIAL = "partial"
    UNVERIFIED = "unverified"


@dataclass(frozen=True, slots=True)
class Localized:
    """A text in Danish and English."""

    da: str
    en: str

    def in_lang(self, lang: Lang) -> str:
        """Return the text in `lang`."""
        return self.da if lang is Lang.DA else self.en


@dataclass(frozen=True, slots=True)
class Passage:
    """A statement of the booklet with its verbatim quote, page and citations."""

    text: Localized
    quote: str
    page: int
    citations: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class EvidenceKindInfo:
    """What an evidence kind means, to show to users."""

    kind: EvidenceKind
    name: Localized
    explanation: Localized


@dataclass(frozen=True, slots=True)
class Theme:
    """A subject area of the booklet."""

    id: str
    name: Localized
    summary: Localized
    context: tuple[Passage, ...] = ()
    origin: str = ""


@dataclass(frozen=True, slots=True)
class Finding:
    """One claim of the booklet about what interventions do, or the knowledge behind them."""

    id: str
    theme: str
    evidence: EvidenceKind
    summary: Localized
    quote: str
    page: int
    citations: tuple[str, ...] = ()
    target_group: Localized | None = None
    outcome: Localized | None = None
    activity: Localized | None = None
    magnitude: Localized | None = None
    qualifiers: tuple[str, ...] = ()
    origin: str = ""


@dataclass(frozen=True, slots=True)
class Challenge:
    """One of the problems that boligsociale indsatser exist to address."""

    id: str
    text: Localized
    quote: str
    page: int


@dataclass(frozen=True, slots=True)
class BackgroundSection:
    """A part of the booklet's background: what, why, funding, how."""

    id: str
    title: Localized
    passages: tuple[Passage, ...]


@dataclass(frozen=True, slots=True)
class GlossaryEntry:
    """A term a newcomer meets, explained."""

    term: str
    definition: Localized
    term_en: str | None = None


@dataclass(frozen=True, slots=True)
class Name:
    """A CSL name: a person (family, given, particle) or an organisation (literal)."""

    family: str | None = None
    given: str | None = None
    non_dropping_particle: str | None = None
    literal: str | None = None


@dataclass(frozen=True, slots=True)
class Reference:
    """A cited work: the booklet's citation form plus only verified CSL fields."""

    id: str
    cited_as: str
    status: VerificationStatus
    type: str | None = None
    author: tuple[Name, ...] = ()
    issued: str | None = None
    year_suffix: str | None = None
    title: str | None = None
    container_title: str | None = None
    collection_title: str | None = None
    number: str | None = None
    volume: str | None = None
    issue: str | None = None
    page: str | None = None
    edition: str | None = None
    genre: str | None = None
    publisher: str | None = None
    publisher_place: str | None = None
    number_of_pages: str | None = None
    DOI: str | None = None  # noqa: N815 - CSL variable name
    ISBN: str | None = None  # noqa: N815 - CSL variable name
    URL: str | None = None  # noqa: N815 - CSL variable name
    note: str | None = None
    sources: tuple[str, ...] = ()
    origin: str = ""


@dataclass(frozen=True, slots=True)
class Meta:
    """The dataset's own description: the publication it holds and its version."""

    dataset_version: str
    description: Localized
    booklet: Reference


@dataclass(frozen=True, slots=True)
class Dataset:
    """The whole, validated dataset."""

    meta: Meta
    evidence_kinds: tuple[EvidenceKindInfo, ...]
    themes: tuple[Theme, ...]
    findings: tuple[Finding, ...]
    challenges: tuple[Challenge, ...]
    background: tuple[BackgroundSection, ...]
    glossary: tuple[GlossaryEntry, ...]
    references: tuple[Reference, ...]
