"""Frozen, typed records for the dataset, and the closed vocabularies it uses."""

from __future__ import annotations

from dataclasses import MISSING, dataclass, field, fields
from enum import StrEnum
from functools import cache
from typing import Any, get_type_hints

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
LANGUAGE_PATTERN = r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$"
"""A BCP 47 language tag as CSL-JSON writes it: "da", "en", "en-US"."""


_SLUG = {
    "pattern": SLUG_PATTERN,
    "pattern_means": "a slug (lower-case letters, digits and single hyphens,"
    " e.g. 'fritidsjob-effekt')",
}
_LANGUAGE = {
    "pattern": LANGUAGE_PATTERN,
    "pattern_means": "a language tag (BCP 47, e.g. 'da', 'en' or 'en-US')",
}
_PAGE = {"min": 1}
_INTERNAL = {"internal": True}
_RUNNING_TEXT = {"lines": "many"}
"""A text that may run over several lines (explanations, definitions, passages, notes).

Every other text is one line: it may hold no line break of any kind, so that what it
prints cannot pass for lines, or a record, of its own."""


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


class BaseDataset(StrEnum):
    """A dataset an overlay file can name as the one it is laid over (`extends:`)."""

    BUNDLED = "bundled"


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

    text: Localized = field(metadata=_RUNNING_TEXT)
    quote: str
    page: int = field(metadata=_PAGE)
    citations: tuple[str, ...] = ()
    citation_note: Localized | None = None
    """Where the booklet puts the citations when not right after the quoted words."""
    classification_note: Localized | None = None
    """Why a cited statement is context and not a finding."""


@dataclass(frozen=True, slots=True)
class EvidenceKindInfo:
    """What an evidence kind means, to show to users."""

    kind: EvidenceKind
    name: Localized
    explanation: Localized = field(metadata=_RUNNING_TEXT)


@dataclass(frozen=True, slots=True)
class Theme:
    """A subject area of the booklet."""

    id: str = field(metadata=_SLUG)
    name: Localized
    summary: Localized
    context: tuple[Passage, ...] = ()
    replaces: bool = False
    origin: str = field(default="", metadata=_INTERNAL, compare=False)


@dataclass(frozen=True, slots=True)
class Finding:
    """One claim of the booklet about what interventions do, or the knowledge behind them."""

    id: str = field(metadata=_SLUG)
    theme: str
    evidence: EvidenceKind
    summary: Localized
    quote: str
    page: int = field(metadata=_PAGE)
    citations: tuple[str, ...]
    citation_note: Localized | None = None
    """Where the booklet puts the citations when not right after the quoted words."""
    target_group: Localized | None = None
    outcome: Localized | None = None
    activity: Localized | None = None
    magnitude: Localized | None = None
    qualifiers: tuple[str, ...] = ()
    classification_note: Localized | None = field(default=None, metadata=_RUNNING_TEXT)
    """Why the evidence kind was chosen, where the booklet leaves room for judgement."""
    replaces: bool = False
    origin: str = field(default="", metadata=_INTERNAL, compare=False)


@dataclass(frozen=True, slots=True)
class Challenge:
    """One of the problems that boligsociale indsatser exist to address."""

    id: str = field(metadata=_SLUG)
    text: Localized
    quote: str
    page: int = field(metadata=_PAGE)


@dataclass(frozen=True, slots=True)
class BackgroundSection:
    """A part of the booklet's background: what, why, funding, how."""

    id: str = field(metadata=_SLUG)
    title: Localized
    passages: tuple[Passage, ...]


@dataclass(frozen=True, slots=True)
class GlossaryEntry:
    """A term a newcomer meets, explained."""

    term: str
    definition: Localized = field(metadata=_RUNNING_TEXT)
    """What the booklet says about the term."""
    term_en: str | None = None
    not_in_booklet: Localized | None = field(default=None, metadata=_RUNNING_TEXT)
    """An explanation the dataset adds that the booklet does not give, shown marked as such."""


@dataclass(frozen=True, slots=True)
class Name:
    """A CSL name: a person (family, given, particle) or an organisation (literal)."""

    family: str | None = None
    given: str | None = None
    non_dropping_particle: str | None = field(
        default=None, metadata={"key": "non-dropping-particle"}
    )
    literal: str | None = None


@dataclass(frozen=True, slots=True)
class Reference:
    """A cited work: the booklet's citation form plus only verified CSL fields."""

    id: str = field(metadata=_SLUG)
    cited_as: str
    status: VerificationStatus
    type: str | None = None
    language: str | None = field(default=None, metadata=_LANGUAGE)
    """The language the work is written in, as a BCP 47 tag; None if not known."""
    author: tuple[Name, ...] = ()
    issued: str | None = None
    year_suffix: str | None = field(default=None, metadata={"key": "year-suffix"})
    title: str | None = None
    container_title: str | None = field(default=None, metadata={"key": "container-title"})
    collection_title: str | None = field(default=None, metadata={"key": "collection-title"})
    number: str | None = None
    volume: str | None = None
    issue: str | None = None
    page: str | None = None
    edition: str | None = None
    genre: str | None = None
    publisher: str | None = None
    publisher_place: str | None = field(default=None, metadata={"key": "publisher-place"})
    number_of_pages: str | None = field(default=None, metadata={"key": "number-of-pages"})
    DOI: str | None = None
    ISBN: str | None = None
    URL: str | None = None
    note: Localized | None = field(default=None, metadata=_RUNNING_TEXT)
    """What a careful bibliographer should know, in Danish and English like every text."""
    sources: tuple[str, ...] = ()
    replaces: bool = False
    origin: str = field(default="", metadata=_INTERNAL, compare=False)


@dataclass(frozen=True, slots=True)
class Meta:
    """The dataset's own description: the publication it holds and its version."""

    dataset_version: str
    description: Localized = field(metadata=_RUNNING_TEXT)
    booklet: Reference
    pages: int | None = field(default=None, metadata={"min": 1})


@dataclass(frozen=True, slots=True)
class Dataset:
    """The whole, validated dataset."""

    meta: Meta
    evidence_kinds: tuple[EvidenceKindInfo, ...]
    themes: tuple[Theme, ...]
    findings: tuple[Finding, ...]
    references: tuple[Reference, ...]
    challenges: tuple[Challenge, ...] = ()
    background: tuple[BackgroundSection, ...] = ()
    glossary: tuple[GlossaryEntry, ...] = ()


@dataclass(frozen=True, slots=True)
class DatasetFile:
    """One dataset file as written: a whole dataset, or an overlay laid over earlier files.

    Every section is optional here; that the first file has `meta` and `evidence_kinds`,
    and that overlays hold only themes, findings and references, is checked when files
    are combined.
    """

    extends: BaseDataset | None = None
    meta: Meta | None = None
    evidence_kinds: tuple[EvidenceKindInfo, ...] = ()
    themes: tuple[Theme, ...] = ()
    findings: tuple[Finding, ...] = ()
    challenges: tuple[Challenge, ...] = ()
    background: tuple[BackgroundSection, ...] = ()
    glossary: tuple[GlossaryEntry, ...] = ()
    references: tuple[Reference, ...] = ()


@dataclass(frozen=True, slots=True)
class RecordField:
    """One field of a record as it is written in a dataset file."""

    key: str
    name: str
    hint: Any
    required: bool
    pattern: str | None
    pattern_means: str | None
    """What a value matching `pattern` is, for messages: "a slug (...)"."""
    minimum: int | None
    one_line: bool
    """Whether its texts must be one line (all but running texts: see _RUNNING_TEXT)."""


@cache
def record_fields(record_type: type) -> tuple[RecordField, ...]:
    """The fields of a record type under their dataset-file keys, internal fields left out."""
    hints = get_type_hints(record_type)
    return tuple(
        RecordField(
            key=item.metadata.get("key", item.name),
            name=item.name,
            hint=hints[item.name],
            required=item.default is MISSING and item.default_factory is MISSING,
            pattern=item.metadata.get("pattern"),
            pattern_means=item.metadata.get("pattern_means"),
            minimum=item.metadata.get("min"),
            one_line=item.metadata.get("lines") != "many",
        )
        for item in fields(record_type)
        if not item.metadata.get("internal")
    )
