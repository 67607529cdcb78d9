"""Text folded as people type it, and filters over findings: pure functions on records."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from .errors import UsageError
from .i18n import _
from .model import Dataset, EvidenceKind, Finding, Localized, Reference, Theme

_A_DIGRAPHS = re.compile(r"a[ae]")
"""aa and ae, which fold to a. With oe, to o, they are the pairs `aa|ae|oe` replaces; as
no pair of a's shares a letter with an oe, each kind can be replaced on its own, by a
fixed text: a function called for each of millions of pairs took most of a fold's time."""


def fold(text: str) -> str:
    """Fold case, accents and Danish letters so that ae/a/æ, oe/o/ø and aa/a/å all match.

    Written for speed, as a search folds every finding's text: str.replace, and for the
    accents only the few distinct characters that are combining marks, not a loop over all.
    """
    text = text.casefold().replace("æ", "ae").replace("ø", "oe").replace("å", "aa")
    text = unicodedata.normalize("NFKD", text)
    if not text.isascii():
        for mark in [ch for ch in set(text) if unicodedata.combining(ch)]:
            text = text.replace(mark, "")
    text = _A_DIGRAPHS.sub("a", text).replace("oe", "o")
    return " ".join(text.split())  # str.split() and re's \s are the same whitespace


def _localized(value: Localized | None) -> tuple[str, ...]:
    return (value.da, value.en) if value else ()


FindingCounts = Mapping[tuple[str, EvidenceKind], int]
"""How many findings each theme has of each evidence kind (a pair with none may be absent)."""


def count_findings(findings: Iterable[Finding]) -> FindingCounts:
    """The number of findings per theme and evidence kind."""
    return Counter((finding.theme, finding.evidence) for finding in findings)


@dataclass(frozen=True, slots=True)
class FindingFilter:
    """A set of filters that combine (AND); empty fields do not filter."""

    themes: tuple[str, ...] = ()
    evidence: tuple[EvidenceKind, ...] = ()
    effects_only: bool = False
    search: str | None = None
    cites: tuple[str, ...] = ()
    target_group: str | None = None
    outcome: str | None = None
    activity: str | None = None

    def active(self) -> tuple[tuple[str, Callable[[Finding], bool]], ...]:
        """The filters in use, each as (the option that set it, its predicate)."""
        return tuple(self._predicates())

    def _predicates(self) -> Iterable[tuple[str, Callable[[Finding], bool]]]:
        if self.themes:
            themes = frozenset(self.themes)
            yield "--theme", lambda finding: finding.theme in themes
        if self.evidence:
            yield "--evidence", lambda finding: finding.evidence in self.evidence
        if self.effects_only:
            yield "--effects-only", lambda finding: finding.evidence is EvidenceKind.EFFEKT
        if self.cites:
            yield "--cites", lambda finding: any(ref in finding.citations for ref in self.cites)
        for option, value, attribute in (
            ("--target-group", self.target_group, "target_group"),
            ("--outcome", self.outcome, "outcome"),
            ("--activity", self.activity, "activity"),
        ):
            if value:
                yield option, _field_contains(attribute, fold(value))


def _field_contains(attribute: str, wanted: str) -> Callable[[Finding], bool]:
    def predicate(finding: Finding) -> bool:
        return any(wanted in fold(text) for text in _localized(getattr(finding, attribute)))

    return predicate


def _own_text(finding: Finding) -> str:
    """A finding's own texts a search looks in: id, quote, summaries and the rest."""
    parts: list[str] = [finding.id, finding.quote, *_localized(finding.summary)]
    parts.extend(finding.qualifiers)
    for value in (finding.target_group, finding.outcome, finding.activity, finding.magnitude):
        parts.extend(_localized(value))
    return " ".join(parts)


def _theme_text(theme: Theme) -> str:
    return " ".join((theme.id, theme.name.da, theme.name.en))


def _reference_text(reference: Reference) -> str:
    authors = (name.family or name.literal or "" for name in reference.author)
    return " ".join((reference.id, reference.cited_as, reference.title or "", *authors))


def filter_findings(dataset: Dataset, criteria: FindingFilter) -> tuple[Finding, ...]:
    """The findings that pass every filter, in dataset order."""
    predicates = [predicate for _, predicate in criteria.active()]
    if criteria.search:
        predicates.append(_search_predicate(dataset, criteria.search))
    if not predicates:
        return dataset.findings
    if len(predicates) == 1:  # the common case, and a hot loop over large datasets
        return tuple(filter(predicates[0], dataset.findings))
    return tuple(
        finding for finding in dataset.findings if all(test(finding) for test in predicates)
    )


def search_terms(text: str) -> tuple[str, ...]:
    """The words of a search as an index holds them: each cut to its Danish stem, then folded.

    A stem is the start of its word, so `helhedsplaner` and `helhedsplan` both look for
    `helhedsplan`, and a word matches wherever its stem occurs, inside compounds too.
    Little words that say nothing of the subject ("hvad", "er", "the") are left out,
    unless nothing else is asked.
    """
    from Stemmer import Stemmer  # noqa: PLC0415 - only a search needs the stemmer

    words = [word.strip(_PUNCTUATION) for word in text.casefold().split()]
    words = [word for word in words if word]
    meaningful = [word for word in words if word not in STOPWORDS] or words
    stems = Stemmer("danish").stemWords(meaningful)
    return tuple(dict.fromkeys(folded for stem in stems if (folded := fold(stem))))


STOPWORDS = frozenset(
    # Snowball's Danish stop words, and the English words a question is built of.
    """ad af alle alt anden at blev blive bliver da de dem den denne der deres det dette dig
    din disse dog du efter eller en end er et for fra ham han hans har havde have hende
    hendes her hos hun hvad hvis hvor i ikke ind jeg jer jo kunne man mange med meget men
    mig min mine mit mod ned noget nogle nu når og også om op os over på selv sig sin sine
    sit skal skulle som sådan thi til ud under var vi vil ville vor være været hvem hvordan
    hvorfor hvilke hvilken
    a about an and are as at be by do does for from how in is it of on or that the this to
    what which who why with""".split()  # noqa: SIM905 - a list of words reads best as text
)
"""Words a search leaves out: they occur everywhere and say nothing of the subject."""


_PUNCTUATION = ".,;:!?\"'()[]{}«»“”„–—-…"


def searchable_finding_text(
    finding: Finding | None, theme: Theme | None, cited: Iterable[Reference]
) -> str:
    """What a search for findings looks in, folded: a finding's own texts, and its theme's
    and cited works' names (any may be left out, to index them apart)."""
    parts = [fold(_own_text(finding)) if finding else ""]
    parts.append(searchable_theme_text(theme) if theme else "")
    parts.extend(map(searchable_reference_text, cited))
    return join_folded(parts)


def searchable_theme_text(theme: Theme) -> str:
    """What a search for findings looks in of their theme: its id and names, folded."""
    return fold(_theme_text(theme))


def searchable_reference_text(reference: Reference) -> str:
    """What a search for findings looks in of a work they cite: id, names, title, folded."""
    return fold(_reference_text(reference))


def join_folded(parts: Iterable[str]) -> str:
    """Folded texts as one, without folding again: the same as `fold` of the texts joined
    by spaces, since folding never looks across a space (it maps characters, pairs
    letters, and makes each run of spaces one)."""
    return " ".join(part for part in parts if part)


def _search_predicate(dataset: Dataset, text: str) -> Callable[[Finding], bool]:
    """Whether every search term is in a finding's texts, or its theme's or cited works' names."""
    terms = search_terms(text)
    if not terms:
        raise UsageError(_("--search needs at least one word to look for."))
    themes = {theme.id: theme for theme in dataset.themes}
    references = {reference.id: reference for reference in dataset.references}

    def predicate(finding: Finding) -> bool:
        cited = (references[c] for c in finding.citations if c in references)
        haystack = searchable_finding_text(finding, themes.get(finding.theme), cited)
        return all(term in haystack for term in terms)

    return predicate


@dataclass(frozen=True, slots=True)
class Relaxation:
    """What a query would match without its narrowest filter: the option, and the ids."""

    dropped: str
    ids: tuple[str, ...]


def relax_empty_query(dataset: Dataset, criteria: FindingFilter) -> Relaxation | None:
    """For a query that matched nothing: the one filter whose removal brings back the most.

    None when there is a single filter, or when dropping any one of them still finds nothing.
    Ties drop the later filter: the theme is the subject, the others narrow it.
    """
    named = list(criteria.active())
    if criteria.search:
        named.append(("--search", _search_predicate(dataset, criteria.search)))
    if len(named) < 2:  # noqa: PLR2004 - dropping the only filter is no suggestion
        return None
    best: Relaxation | None = None
    for option, _predicate in named:
        rest = [predicate for other, predicate in named if other != option]
        remaining = tuple(
            finding.id for finding in dataset.findings if all(test(finding) for test in rest)
        )
        if remaining and (best is None or len(remaining) >= len(best.ids)):
            best = Relaxation(option, remaining)
    return best


@dataclass(frozen=True, slots=True)
class ReferenceSelection:
    """What to cite; empty means the whole reference list."""

    keys: tuple[str, ...] = ()
    findings: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()
    effects_only: bool = False
    booklet: bool = False

    def is_everything(self) -> bool:
        """Whether nothing narrows the selection."""
        return not (self.keys or self.findings or self.themes or self.effects_only or self.booklet)


def reference_order(reference: Reference) -> tuple[str, str, str]:
    """Author names, then year and letter: the order of an author-year reference list."""
    names = " ".join(fold(name.family or name.literal or "") for name in reference.author)
    return names, reference.issued or "", reference.year_suffix or ""


def select_references(dataset: Dataset, selection: ReferenceSelection) -> tuple[Reference, ...]:
    """The works to cite: named keys, a finding's works, the works behind themes or effects.

    Keys and finding ids must already be resolved. Theme and effect filters combine (AND);
    a theme on its own also brings the works its context passages cite.
    """
    if selection.is_everything():
        return tuple(sorted(dataset.references, key=reference_order))
    wanted: list[str] = list(selection.keys)
    by_id = {finding.id: finding for finding in dataset.findings}
    for finding_id in selection.findings:
        wanted.extend(by_id[finding_id].citations)
    if selection.themes or selection.effects_only:
        criteria = FindingFilter(themes=selection.themes, effects_only=selection.effects_only)
        for finding in filter_findings(dataset, criteria):
            wanted.extend(finding.citations)
        if not selection.effects_only:
            for theme in dataset.themes:
                if theme.id in selection.themes:
                    wanted.extend(c for passage in theme.context for c in passage.citations)
    chosen = set(wanted)
    cited = tuple(
        sorted(
            (reference for reference in dataset.references if reference.id in chosen),
            key=reference_order,
        )
    )
    return (dataset.meta.booklet, *cited) if selection.booklet else cited
