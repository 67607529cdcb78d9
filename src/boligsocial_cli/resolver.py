"""One resolver for every name a user types: themes, findings, works, evidence kinds,
languages, formats, citation styles and glossary terms.

A vocabulary is a sequence of `Choice`s. `matches` tries tests from strict to loose: the
exact id, a whole name, the start of a name, whole words of a name, the start of its words,
their Danish stems (so `helhedsplaner` meets `helhedsplan`), then the names a choice is
known by less (a work's later authors). The first test that matches anything decides, so
an exact id always wins over a name, and a first author over a third. `resolve` wants one
choice: several are ambiguous, none is unknown, with a suggestion drawn from the same
names and words the tests look at.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from typing import Any, Generic, TypeVar

from .errors import UsageError, listed
from .formats import BibliographyFormat, DocumentFormat, OutputFormat, OverviewFormat, PageFormat
from .i18n import N_, _
from .model import (
    Dataset,
    EvidenceKind,
    EvidenceKindInfo,
    Finding,
    GlossaryEntry,
    Lang,
    Reference,
    Theme,
)
from .query import fold

T = TypeVar("T")
E = TypeVar("E", bound=StrEnum)


@dataclass(frozen=True, slots=True)
class Choice(Generic[T]):
    """Something a user can name: its value, the id messages show, and what it is called.

    `names` match whole or by their start; the words of `keywords` match one by one;
    `later_keywords` only when nothing else matches (a work's later authors).
    """

    value: T
    id: str
    names: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    later_keywords: tuple[str, ...] = ()


_MESSAGES = {
    "unknown": N_("Unknown {what} {typed!r}.{hint} Valid choices: {choices}."),
    "hint": N_(" Did you mean {suggestion!r}?"),
    "ambiguous": N_("{typed!r} is ambiguous: it matches {matches}."),
}
"""Every message the resolver gives, in one place; translated when an error is made."""

_STOPWORDS = frozenset({"og", "and", "m", "fl", "mfl", "et", "al"})
_WORD = re.compile(r"[a-z0-9]+")


@cache
def words(text: str) -> tuple[str, ...]:
    """The folded words of a text: letters and digits, æøå folded as `fold` does."""
    return tuple(_WORD.findall(fold(text)))


@cache
def _folded(text: str) -> str:
    """`fold`, once per text: the tests compare each name many times."""
    return fold(text)


def _typed_words(typed: str) -> tuple[str, ...]:
    """The words typed, without 'og', 'm.fl.' and the like unless they are all there is."""
    found = words(typed)
    kept = tuple(word for word in found if word not in _STOPWORDS)
    return kept or found


@cache
def loose(text: str) -> str:
    """A name folded to letters and digits only, without 'og', 'm.fl.', 'et al.' and '&'."""
    return "".join(word for word in words(text) if word not in _STOPWORDS)


@cache
def stem(word: str) -> str:
    """The Danish Snowball stem of a folded word (`helhedsplaner` -> `helhedsplan`)."""
    return str(_danish_stemmer().stemWord(word))


@cache
def _danish_stemmer() -> Any:
    from Stemmer import Stemmer  # noqa: PLC0415 - only a lookup that gets this far needs it

    return Stemmer("danish")


Test = Callable[[Choice[Any]], bool]


def _all_words_in(
    typed: Sequence[str], texts: Iterable[str], same: Callable[[str, str], bool]
) -> bool:
    """Whether one of `texts` has, for every typed word, a word that is `same` as it."""
    return any(
        all(any(same(word, theirs) for theirs in words(text)) for word in typed) for text in texts
    )


def _tests(typed: str, *, contained: bool) -> list[Test]:
    """The tests in order of strictness, for what was typed."""
    wanted = fold(typed)
    tight = loose(typed)
    typed_words = _typed_words(typed)

    def keyword_texts(choice: Choice[Any]) -> tuple[str, ...]:
        return (choice.id, *choice.keywords)

    tests: list[Test] = [
        lambda choice: _folded(choice.id) == wanted,
        lambda choice: any(loose(name) == tight for name in (choice.id, *choice.names)),
        lambda choice: any(_folded(name).startswith(wanted) for name in (choice.id, *choice.names)),
    ]
    if typed_words:
        tests += [
            lambda choice: _all_words_in(typed_words, keyword_texts(choice), str.__eq__),
            lambda choice: _all_words_in(typed_words, keyword_texts(choice), _begins),
            lambda choice: _all_words_in(typed_words, keyword_texts(choice), _same_stem),
            lambda choice: _all_words_in(typed_words, choice.later_keywords, str.__eq__),
            lambda choice: _all_words_in(typed_words, choice.later_keywords, _begins),
        ]
    if contained:
        tests.append(
            lambda choice: any(wanted in _folded(name) for name in (choice.id, *choice.names))
        )
    return tests


def _begins(typed: str, word: str) -> bool:
    return word.startswith(typed)


STEM_SLACK = 2
"""How many letters two stems may differ by at their end and still meet: Snowball stems
`mentorindsats` as itself and `mentorindsatser` as `mentorindsats`, but `mentorindsats`
as `mentorindsat`."""

MIN_SLACK_STEM = 4
"""Shorter stems must be equal: `og` is no stem of `ogs`."""


def _same_stem(typed: str, word: str) -> bool:
    """Whether the two words' stems are equal, or one (of four letters or more) is the other
    plus at most two letters."""
    short, long = sorted((stem(typed), stem(word)), key=len)
    if short == long:
        return True
    slack = len(long) - len(short)
    return len(short) >= MIN_SLACK_STEM and long.startswith(short) and slack <= STEM_SLACK


def matches(typed: str, choices: Sequence[Choice[T]]) -> tuple[Choice[T], ...]:
    """The choices that the strictest test matching anything matches, in their order."""
    if not fold(typed):
        return ()
    for test in _tests(typed, contained=False):
        found = tuple(choice for choice in choices if test(choice))
        if found:
            return found
    return ()


def filter_choices(typed: str, choices: Sequence[Choice[T]]) -> tuple[Choice[T], ...]:
    """The choices any test matches, or whose names contain the text: a filter's answer."""
    if not fold(typed):
        return ()
    tests = _tests(typed, contained=True)
    return tuple(choice for choice in choices if any(test(choice) for test in tests))


SUGGESTION_CUTOFF = 0.75
"""How alike (difflib's ratio) a name must be to what was typed to be suggested."""


def suggest(typed: str, choices: Sequence[Choice[T]]) -> Choice[T] | None:
    """The choice whose id, name or name's word is closest to what was typed, if any is close."""
    known: dict[str, Choice[T]] = {}
    for choice in choices:
        for text in (choice.id, *choice.names):
            known.setdefault(fold(text), choice)
        for text in (*choice.keywords, *choice.later_keywords):
            for word in words(text):
                known.setdefault(word, choice)
    import difflib  # noqa: PLC0415 - only a mistake needs it

    close = difflib.get_close_matches(fold(typed), list(known), n=1, cutoff=SUGGESTION_CUTOFF)
    return known[close[0]] if close else None


def unknown(what: str, typed: str, choices: Sequence[Choice[T]]) -> UsageError:
    """The error for a name that matches nothing: the closest choice, and every choice.

    `what` is the name of the vocabulary, marked `N_` (`N_("theme")`), said in the
    interface's language."""
    suggestion = suggest(typed, choices)
    hint = _(_MESSAGES["hint"]).format(suggestion=suggestion.id) if suggestion else ""
    shown = listed([choice.id for choice in choices])
    message = _(_MESSAGES["unknown"]).format(what=_(what), typed=typed, hint=hint, choices=shown)
    return UsageError(message)


def resolve(what: str, typed: str, choices: Sequence[Choice[T]]) -> T:
    """The one choice `typed` names; else an error: ambiguous (naming them), or unknown."""
    found = matches(typed, choices)
    if len(found) == 1:
        return found[0].value
    if found:
        ids = ", ".join(choice.id for choice in found)
        raise UsageError(_(_MESSAGES["ambiguous"]).format(typed=typed, matches=ids))
    raise unknown(what, typed, choices)


# --- the vocabularies -------------------------------------------------------------------


def theme_choices(themes: Sequence[Theme]) -> tuple[Choice[Theme], ...]:
    """Themes by id, Danish or English name, and any word of them."""
    return tuple(
        Choice(theme, theme.id, (theme.name.da, theme.name.en), (theme.name.da, theme.name.en))
        for theme in themes
    )


def resolve_theme(themes: Sequence[Theme], typed: str) -> Theme:
    """A theme by id, name, a word of its name (`trivsel`, `employment`), or a prefix."""
    return resolve(N_("theme"), typed, theme_choices(themes))


def resolve_finding(findings: Sequence[Finding], typed: str) -> Finding:
    """A finding by id, a unique prefix, or the words of its id (`ledighed`)."""
    return resolve(N_("finding"), typed, tuple(Choice(f, f.id) for f in findings))


def resolve_finding_id(ids: Sequence[str], typed: str) -> str:
    """The finding id `typed` names, matched as `resolve_finding` matches findings."""
    return resolve(N_("finding"), typed, tuple(Choice(id_, id_) for id_ in ids))


def _family(reference: Reference) -> tuple[str, ...]:
    return tuple(name.family or name.literal or "" for name in reference.author)


def reference_choices(references: Sequence[Reference]) -> tuple[Choice[Reference], ...]:
    """Works by id or citation form; by first author and year before any later author."""
    choices = []
    for reference in references:
        authors = _family(reference) or (reference.cited_as.split(",")[0],)
        year = (reference.issued or "")[:4] + (reference.year_suffix or "")  # "2018-12": 2018
        choices.append(
            Choice(
                reference,
                reference.id,
                (reference.cited_as,),
                (f"{authors[0]} {year}",),
                (reference.cited_as, *authors),
            )
        )
    return tuple(choices)


def resolve_reference(references: Sequence[Reference], typed: str) -> Reference:
    """A work by id or a form people type: "Christensen 2018b", "SBi 2018:09", "glad"."""
    return resolve(N_("reference"), typed, reference_choices(references))


@dataclass(frozen=True, slots=True)
class Shadow:
    """A name by which a record cannot be reached, because an id or another name is the same."""

    kind: str
    """'theme' or 'reference'."""
    record: str
    """The id of the record whose name it is."""
    name: str
    other: str
    """The id of the record whose id or name it equals."""
    of_id: bool
    """Whether it equals the other's id (which wins), or its name (then it is ambiguous)."""


def shadowed_names(dataset: Dataset) -> tuple[Shadow, ...]:
    """Theme names and citation forms that, typed, do not lead to their own record alone.

    Each is matched as `resolve` matches it: another record's id wins over it, or another
    record's name matches it too (ambiguous; told of the later of the two only).
    """
    vocabularies: tuple[tuple[str, Sequence[Choice[Any]]], ...] = (
        ("theme", theme_choices(dataset.themes)),
        ("reference", reference_choices(dataset.references)),
    )
    shadows: list[Shadow] = []
    for kind, choices in vocabularies:
        order = {choice.id: index for index, choice in enumerate(choices)}
        # A record's own name always meets the second of `matches`' tests (the whole name),
        # so only its first two tests can decide: they are looked up here, not run against
        # every record for every name (which took minutes over 10,000 works).
        by_id: dict[str, list[str]] = {}
        by_name: dict[str, list[str]] = {}
        for choice in choices:
            by_id.setdefault(_folded(choice.id), []).append(choice.id)
            for key in dict.fromkeys(loose(name) for name in (choice.id, *choice.names)):
                by_name.setdefault(key, []).append(choice.id)
        for choice in choices:
            for name in dict.fromkeys(choice.names):
                if not fold(name):
                    continue
                found = by_id.get(_folded(name)) or by_name.get(loose(name), [])
                for other in found:
                    of_id = loose(other) == loose(name)
                    if other != choice.id and (of_id or order[other] < order[choice.id]):
                        shadows.append(Shadow(kind, choice.id, name, other, of_id=of_id))
    return tuple(shadows)


def evidence_choices(infos: Sequence[EvidenceKindInfo]) -> tuple[Choice[EvidenceKind], ...]:
    """Evidence kinds by their value and their Danish and English names."""
    names = {info.kind: (info.name.da, info.name.en) for info in infos}
    return tuple(
        Choice(kind, kind.value, names.get(kind, ()), names.get(kind, ())) for kind in EvidenceKind
    )


def resolve_evidence(infos: Sequence[EvidenceKindInfo], typed: str) -> EvidenceKind:
    """An evidence kind by Danish or English name or prefix: `effect`, `eff`, `vurdering`."""
    return resolve(N_("evidence kind"), typed, evidence_choices(infos))


def enum_choices(enum: type[E], names: Mapping[E, tuple[str, ...]]) -> tuple[Choice[E], ...]:
    """A closed vocabulary's members by value and the other names given for them."""
    return tuple(
        Choice(member, member.value, names.get(member, ()), names.get(member, ()))
        for member in enum
    )


_LANGUAGE_NAMES = {Lang.DA: ("dansk", "danish", "dk"), Lang.EN: ("english", "engelsk")}
_REGION = re.compile(r"[-_.].*")


def resolve_lang(typed: str) -> Lang:
    """A language by code, name or alias: `da`, `dk`, `dansk`, `English`, `en-GB`, `en_US.UTF-8`."""
    return resolve(N_("language"), _REGION.sub("", typed), enum_choices(Lang, _LANGUAGE_NAMES))


def resolve_output_format(typed: str) -> OutputFormat:
    """A listing's output format, any case or prefix (`md`, `yml` too)."""
    names = {OutputFormat.MARKDOWN: ("md",), OutputFormat.YAML: ("yml",)}
    return resolve(N_("format"), typed, enum_choices(OutputFormat, names))


def resolve_overview_format(typed: str) -> OverviewFormat:
    """`overview`'s format, any case or prefix (`md`, `yml` too)."""
    names = {OverviewFormat.MARKDOWN: ("md",), OverviewFormat.YAML: ("yml",)}
    return resolve(N_("format"), typed, enum_choices(OverviewFormat, names))


def resolve_bibliography_format(typed: str) -> BibliographyFormat:
    """A bibliography's format, any case or prefix (`bib`, `md`, `csljson` too)."""
    names = {BibliographyFormat.MARKDOWN: ("md",), BibliographyFormat.BIBTEX: ("bib",)}
    return resolve(N_("format"), typed, enum_choices(BibliographyFormat, names))


def resolve_page_format(typed: str) -> PageFormat:
    """A page's format, any case or prefix (`md` too)."""
    return resolve(N_("format"), typed, enum_choices(PageFormat, {PageFormat.MARKDOWN: ("md",)}))


def resolve_document_format(typed: str) -> DocumentFormat:
    """A brief's document format, any case or prefix (`md`, `word` too)."""
    names = {DocumentFormat.MARKDOWN: ("md",), DocumentFormat.DOCX: ("word",)}
    return resolve(N_("format"), typed, enum_choices(DocumentFormat, names))


def _glossary_choices(entries: Sequence[GlossaryEntry]) -> tuple[Choice[GlossaryEntry], ...]:
    choices = []
    for entry in entries:
        terms = (entry.term, entry.term_en) if entry.term_en else (entry.term,)
        choices.append(Choice(entry, entry.term, terms, terms))
    return tuple(choices)


def find_glossary_entries(
    entries: Sequence[GlossaryEntry], typed: str
) -> tuple[GlossaryEntry, ...]:
    """The entries a text finds: by Danish or English term, a word of it, an inflected form
    (`helhedsplaner`, `forandringer`), or text the term contains; an error if none."""
    choices = _glossary_choices(entries)
    found = filter_choices(typed, choices)
    if not found:
        raise unknown(N_("glossary term"), typed, choices)
    return tuple(choice.value for choice in found)
