"""Our words against the booklet's: every summary, context text, background passage, challenge
and glossary entry says what the booklet says, with its hedges, open lists, negations and
citations where they stand. The referee is the booklet's own text (data/booklet.txt), and for
English, a dictionary of British English (Debian's `wbritish`).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

from boligsocial_cli.dataset.load import load_dataset
from boligsocial_cli.dataset.locations import bundled_dataset_path
from boligsocial_cli.dataset.source_text import SourceText
from boligsocial_cli.model import Dataset, EvidenceKind, GlossaryEntry, Localized

from .conftest import BOOKLET_TEXT, Invoke

ENGLISH_WORDS = Path("/usr/share/dict/british-english")
"""Debian's `wbritish` word list; .ci/run installs it."""


@cache
def booklet() -> SourceText:
    return SourceText.from_text(BOOKLET_TEXT.read_text(encoding="utf-8"))


@cache
def dataset() -> Dataset:
    return load_dataset(bundled_dataset_path())


@dataclass(frozen=True)
class Quoted:
    """A record that puts a text of ours beside a verbatim quote."""

    where: str
    quote: str
    text: Localized
    citations: tuple[str, ...] | None = None
    """None for challenges, which have no citations field."""
    citation_note: Localized | None = None
    classification_note: Localized | None = None


@cache
def quoted() -> tuple[Quoted, ...]:
    data = dataset()
    records = [
        Quoted(
            f"finding {f.id}",
            f.quote,
            f.summary,
            f.citations,
            f.citation_note,
            f.classification_note,
        )
        for f in data.findings
    ]
    for theme in data.themes:
        records += [
            Quoted(
                f"theme {theme.id}[{i}]",
                p.quote,
                p.text,
                p.citations,
                p.citation_note,
                p.classification_note,
            )
            for i, p in enumerate(theme.context)
        ]
    for section in data.background:
        records += [
            Quoted(f"background {section.id}[{i}]", p.quote, p.text, p.citations, p.citation_note)
            for i, p in enumerate(section.passages)
        ]
    records += [Quoted(f"challenge {c.id}", c.quote, c.text) for c in data.challenges]
    return tuple(records)


def ids(records: tuple[Quoted, ...]) -> list[str]:
    return [record.where for record in records]


def has(pattern: str, text: str) -> bool:
    return re.search(pattern, text, re.IGNORECASE) is not None


# --- hedges -------------------------------------------------------------------------------------

HEDGES = {
    r"\bkan\b": r"\b(can|may|could|able)\b",
    r"\bformentlig\b": r"\bprobably\b",
    r"\ben tendens\b": r"\btendency\b",
    r"\btypisk\b": r"\btypically\b",
    r"\bgenerel": r"\bgeneral",
    r"\bgiver indikationer\b": r"\bindications?\b",
    r"\bpeger\b": r"\bpoint",
    r"\bligeledes\b": r"\b(likewise|also)\b",
    r"\bhovedsageligt\b": r"\bmainly\b",
    r"\bprimært\b": r"\bprimarily\b",
    r"\bkun\b": r"\bonly\b",
    r"\bi mindre omfang\b": r"\bsmall extent\b",
}
"""The booklet's hedges and limits, and how the English says each."""


@pytest.mark.parametrize("record", quoted(), ids=ids(quoted()))
def test_every_hedge_in_a_quote_is_kept_in_our_text(record: Quoted) -> None:
    """A hedge or limit the booklet puts on a claim ('kan', 'formentlig', 'en tendens', 'kun', …)
    is in the Danish text beside its quote, and its English counterpart in the English text."""
    lost = [
        (hedge, english)
        for hedge, english in HEDGES.items()
        if has(hedge, record.quote)
        and not (has(hedge, record.text.da) and has(english, record.text.en))
    ]
    assert lost == []


# --- open lists ---------------------------------------------------------------------------------

OPEN_LIST_DA = r"\bfx\b|\beksempelvis\b|\bsom:|\bmv\.|\bblandt andet\b"
KEPT_OPEN_DA = r"\bfx\b|\beksempelvis\b|\bblandt andet\b|\bmv\."
KEPT_OPEN_EN = r"\be\.g\.|\bsuch as\b|\bfor example\b|\bincluding\b|\betc\."


@pytest.mark.parametrize("record", quoted(), ids=ids(quoted()))
def test_a_list_the_booklet_leaves_open_stays_open(record: Quoted) -> None:
    """Where the booklet gives examples ('fx', 'eksempelvis', 'dimensioner som:', 'mv.'), our
    text says they are examples, in both languages, and does not present them as the whole."""
    if has(OPEN_LIST_DA, record.quote):
        assert has(KEPT_OPEN_DA, record.text.da)
        assert has(KEPT_OPEN_EN, record.text.en)


# --- studies: plural stays plural ---------------------------------------------------------------

SINGULAR_STUDY_DA = r"\b(undersøgelsen|en undersøgelse|studiet|et studie|effektmålingen)\b"
SINGULAR_STUDY_EN = r"\b(a|the|this|that|same) (study|evaluation|effect measurement)\b"
SINGULAR_IN_QUOTE = r"\bundersøgelse\b"
PLURAL_STUDIES_DA = r"\b(undersøgelser(ne)?|effektmålinger|studier|effektstudier)\b"
PLURAL_STUDIES_EN = r"\b(studies|measurements)\b"


@pytest.mark.parametrize("record", quoted(), ids=ids(quoted()))
def test_studies_are_as_many_as_the_booklet_says(record: Quoted) -> None:
    """Our text speaks of one study only where the booklet does, and of studies where it does."""
    if not has(SINGULAR_IN_QUOTE, record.quote):
        assert not has(SINGULAR_STUDY_DA, record.text.da)
        assert not has(SINGULAR_STUDY_EN, record.text.en)
    if has(PLURAL_STUDIES_DA, record.quote):
        assert has(PLURAL_STUDIES_DA, record.text.da)
        assert has(PLURAL_STUDIES_EN, record.text.en)


# --- negations and alternatives -----------------------------------------------------------------

NEGATIONS = ("ikke", "uden", "ingen", "intet", "aldrig")


@pytest.mark.parametrize("record", quoted(), ids=ids(quoted()))
def test_no_negation_is_dropped_or_added(record: Quoted) -> None:
    """The Danish text negates exactly what the quote negates: 'og ikke i regi af
    Landsbyggefonden' is not dropped, 'helt uden for' does not become 'ingen tilknytning'."""

    def negations(text: str) -> set[str]:
        return {word for word in NEGATIONS if has(rf"\b{word}\b", text)}

    assert negations(record.text.da) == negations(record.quote)


@pytest.mark.parametrize("record", quoted(), ids=ids(quoted()))
def test_no_alternative_is_added(record: Quoted) -> None:
    """'eller' in our text only where the booklet offers an alternative: 'samt' stays 'and'."""
    if has(r"\beller\b", record.text.da):
        assert has(r"\beller\b", record.quote)


KEPT_PHRASES = (
    ("background hvad[3]", "ikke i regi af Landsbyggefonden"),
    ("background hvorfor[0]", "helt uden for arbejdsmarkedet"),
    ("theme kriminalitet[0]", "arbejder med den tidlige forebyggelse"),
    ("finding ledere-tiltro-til-indsatserne", "det tværgående samarbejde"),
    ("finding mentorindsatser-tidlig-indsats", "peger ligeledes på"),
    ("finding netvaerksmoedre-uddannelse", "kan bidrage til"),
)


@pytest.mark.parametrize(("where", "phrase"), KEPT_PHRASES)
def test_phrases_an_outside_reading_found_lost_are_the_booklets_and_kept(
    where: str, phrase: str
) -> None:
    """Each phrase a review found missing is in the record's quote and now in its Danish text."""
    (record,) = (record for record in quoted() if record.where == where)
    assert phrase in record.quote
    assert phrase in record.text.da


def test_the_glossary_keeps_the_hedge_of_the_finding_it_retells() -> None:
    """The network mothers entry retells an effect the booklet hedges: 'en tendens' and
    'kan bidrage til' stay, as in the booklet's sentence."""
    (entry,) = (e for e in dataset().glossary if e.term.startswith("netværksmødre"))
    for hedge in ("en tendens", "kan bidrage til"):
        assert hedge in booklet().folded
        assert hedge in entry.definition.da


# --- citations where they stand -----------------------------------------------------------------


def text_after(quote: str) -> str:
    """The booklet's text that follows a quote, from its end."""
    folded = booklet().folded
    start = folded.find(quote)
    assert start >= 0
    return folded[start + len(quote) :]


def cited_right_after(quote: str) -> bool:
    """Whether the booklet's parenthesised citation follows the quoted words directly."""
    return text_after(quote).lstrip(" .").startswith("(")


def next_citation(quote: str) -> str:
    """The first parenthesis with a year after the quote: the citation the data takes."""
    match = re.search(r"\(([^()]*\d{4}[^()]*)\)", text_after(quote))
    assert match is not None
    return match[1]


RECORDS_WITH_CITATIONS = tuple(r for r in quoted() if r.citations is not None)


@pytest.mark.parametrize("record", RECORDS_WITH_CITATIONS, ids=ids(RECORDS_WITH_CITATIONS))
def test_a_citation_from_a_neighbouring_sentence_is_said_to_be_borrowed(record: Quoted) -> None:
    """A record's citations follow its quoted words in the booklet, or its `citation_note` says
    where they stand; an uncited record is uncited in the booklet too."""
    if record.citations:
        assert cited_right_after(record.quote) == (record.citation_note is None)
    else:
        assert not cited_right_after(record.quote)


@pytest.mark.parametrize("record", RECORDS_WITH_CITATIONS, ids=ids(RECORDS_WITH_CITATIONS))
def test_the_citations_taken_are_the_next_ones_the_booklet_gives(record: Quoted) -> None:
    """Each cited work's first author and year (with its letter) are in the first citation the
    booklet gives after the quote."""
    if not record.citations:
        return
    references = {reference.id: reference for reference in dataset().references}
    given = next_citation(record.quote)
    for citation in record.citations:
        cited_as = references[citation].cited_as
        first_name = re.split(r"[ ,&]", cited_as)[0]
        year = re.findall(r"\d{4}(?::\d{2}|[a-z])?", cited_as)[-1]
        assert first_name in given, (citation, given)
        assert year in given, (citation, given)


def notes() -> list[tuple[str, Localized]]:
    return [
        (f"{record.where} {kind} note", note)
        for record in quoted()
        for kind, note in (
            ("citation", record.citation_note),
            ("class", record.classification_note),
        )
        if note
    ]


@pytest.mark.parametrize(("where", "note"), notes(), ids=[where for where, _ in notes()])
def test_what_a_note_quotes_is_the_booklets(where: str, note: Localized) -> None:
    """Words a note puts in double quotes, in either language, are the booklet's own (a
    borrowed citation's sentence, a hedge the classification rests on)."""
    for words in re.findall(r'"([^"]+)"', f"{note.da} {note.en}"):
        assert words in booklet().folded, (where, words)


# --- evidence kinds -----------------------------------------------------------------------------

KNOWLEDGE_BASE = (
    r"\bindsatse(n|rne)\b|\bde boligsociale indsatser\b|\beffektstudier\b|undersøgelser, der siger"
)


def test_research_findings_are_not_about_the_interventions_or_their_evaluations() -> None:
    """`forskning` is, by the dataset's definition, knowledge that is not an evaluation of the
    interventions: no such finding's quote speaks of the interventions or the studies of them."""
    about_interventions = [
        finding.id
        for finding in dataset().findings
        if finding.evidence is EvidenceKind.FORSKNING and has(KNOWLEDGE_BASE, finding.quote)
    ]
    assert about_interventions == []


def test_assessments_are_exactly_the_booklets_assessments() -> None:
    """A finding is a `vurdering` if and only if its quote reports someone's assessment,
    confidence or support ('vurderer', 'tiltro', 'opbakning')."""
    for finding in dataset().findings:
        assessed = has(r"vurder|tiltro|opbakning", finding.quote)
        assert (finding.evidence is EvidenceKind.VURDERING) == assessed, finding.id


def test_the_booklets_overview_of_its_knowledge_base_is_context() -> None:
    """The author's sentences on the state of the evidence (how much is known, that most studies
    concern changes, that effect studies are few) are context of the knowledge-base theme."""
    overview = (
        "Vi ved efterhånden temmelig meget",
        "Der er flest undersøgelser",
        "få effektstudier",
    )
    (theme,) = (theme for theme in dataset().themes if theme.id == "vidensgrundlag")
    for words in overview:
        assert not [f.id for f in dataset().findings if words in f.quote]
        assert [p for p in theme.context if words in p.quote]


def test_cited_theme_context_says_why_it_is_not_a_finding() -> None:
    """A theme's context passage that the booklet backs with a citation carries a
    classification note saying why it is context rather than a finding."""
    unexplained = [
        f"{theme.id}[{index}]"
        for theme in dataset().themes
        for index, passage in enumerate(theme.context)
        if passage.citations and passage.classification_note is None
    ]
    assert unexplained == []


# --- the glossary -------------------------------------------------------------------------------

OUR_FRAMING_WORDS = frozenset(("hæftets", "ifølge", "gengiver", "henviser", "dels"))
"""Words our definitions use to frame what the booklet says."""


def booklet_words() -> set[str]:
    return set(re.findall(r"\w+", booklet().folded.lower()))


def is_the_booklets_word(word: str, words: set[str]) -> bool:
    """`word` or a form of it occurs in the booklet: the same word, one that shares all but its
    last three letters (an inflection: 'dimensioner'/'dimensionerne'), or a compound holding it
    ('aftale' in 'boligaftale')."""
    stem = word[: max(4, len(word) - 3)]
    return any(known.startswith(stem) or word in known for known in words)


@pytest.mark.parametrize("entry", dataset().glossary, ids=[e.term for e in dataset().glossary])
def test_a_glossary_definition_uses_only_the_booklets_words(entry: GlossaryEntry) -> None:
    """Every word of a Danish definition is the booklet's (or an inflection of it); what the
    booklet does not say ('lovbestemte', 'tjener lommepenge') belongs in `not_in_booklet`."""
    words = booklet_words()
    definition = entry.definition.da
    foreign = [
        word
        for word in re.findall(r"\w+", definition.lower())
        if not word.isdigit()
        and word not in OUR_FRAMING_WORDS
        and not is_the_booklets_word(word, words)
    ]
    assert foreign == []


def test_every_evidence_kind_is_in_the_glossary() -> None:
    """Each evidence kind can be looked up by its Danish name."""
    terms = " ".join(entry.term for entry in dataset().glossary)
    assert all(kind.value in terms for kind in EvidenceKind)


def test_glossary_marks_what_is_not_from_the_booklet(invoke: Invoke) -> None:
    """`glossary` shows an added explanation after the booklet's text, marked as not from it, in
    the language asked for; an entry wholly from the booklet carries no mark."""
    wide = {"COLUMNS": "200"}
    danish = invoke("glossary", "lommepengeprojekt", env=wide).stdout
    assert "Ikke fra hæftet: Aktivitet, hvor unge tjener lommepenge" in danish
    assert danish.index("Effektmålinger har fundet") < danish.index("Ikke fra hæftet")
    english = invoke("glossary", "lommepengeprojekt", "--lang", "en", env=wide).stdout
    assert "Not from the booklet: Activity in which young people earn pocket money" in english
    assert "Ikke fra hæftet" not in invoke("glossary", "medborgerskab", env=wide).stdout


def test_show_says_where_a_borrowed_citation_stands(invoke: Invoke) -> None:
    """`show` prints a finding's citation note under its own heading, in Danish and English."""
    wide = {"COLUMNS": "200"}
    danish = invoke("show", "beboere-tryggere-mindre-haervaerk", env=wide).stdout
    assert "Om henvisningen" in danish
    assert "Henvisningen står sidst i afsnittet" in danish
    english = invoke("show", "beboere-tryggere-mindre-haervaerk", "--lang", "en", env=wide).stdout
    assert "About the citation" in english
    assert "The citation stands at the end of the paragraph" in english


def test_about_says_where_a_background_passages_citation_stands(invoke: Invoke) -> None:
    """`about` follows a background passage's citation with its citation note, so a work
    cited for the paragraph's last sentence is not read as the source of the first."""
    danish = invoke("about", env={"COLUMNS": "400"}).stdout
    assert "(Center for Boligsocial Udvikling, 2019) Henvisningen står sidst i afsnittet" in danish
    english = invoke("about", "--lang", "en", env={"COLUMNS": "400"}).stdout
    assert "2019) The citation stands at the end of the paragraph" in english


def test_a_theme_page_says_where_borrowed_citations_stand(invoke: Invoke) -> None:
    """A theme's page follows a borrowed citation with its note, for context and findings,
    in the terminal, in Markdown, and in JSON (with why the context is not a finding)."""
    terminal = invoke("theme", "forebyggelse", env={"COLUMNS": "400"}).stdout
    assert (
        "(Christensen m.fl., 2018c; Breau, Frederiksen & Riemenschneider, 2015) Sætningen"
        in terminal
    )
    markdown = invoke("theme", "organisering", "--format", "markdown").stdout
    assert "(SBi 2018:09) *Sætningen har ingen henvisning selv" in markdown
    page = json.loads(invoke("theme", "forebyggelse", "--format", "json", "--lang", "en").stdout)
    (staff,) = (c for c in page["context"] if c["quote"].startswith("De boligsociale medarbejdere"))
    assert staff["citation_note"].startswith("The sentence cites nothing itself")
    assert staff["classification_note"].startswith("Describes what the staff do")


# --- English that reads as English --------------------------------------------------------------

OUR_ENGLISH_NAMES = frozenset(
    (
        # names of organisations and places the booklet gives
        "landsbyggefonden",
        "vive",
        "sbi",
        "rambøll",
        "cfbu",
        # Danish terms the English gives in brackets, and the booklet's quoted words
        "boligsocial",
        "boligsociale",
        "indsats",
        "indsatser",
        "helhedsplan",
        "virkninger",
        "regulativ",
        # English words and abbreviations the word list lacks
        "isbn",
        "dataset",
        "holistically",
        "overarching",
        "reoffending",
        "stigmatisation",
        "socio",
        "olds",
    )
)


def english_texts() -> list[tuple[str, str]]:
    data = dataset()
    texts = [("meta.description", data.meta.description.en)]
    if data.meta.booklet.note:
        texts.append(("meta.booklet.note", data.meta.booklet.note.en))
    texts += [(f"{r.where} text", r.text.en) for r in quoted()]
    texts += [(where, note.en) for where, note in notes()]
    texts += [(f"finding {f.id}", f.summary.en) for f in data.findings]
    for finding in data.findings:
        for field in (finding.target_group, finding.outcome, finding.activity, finding.magnitude):
            if field:
                texts.append((f"finding {finding.id} field", field.en))
    texts += [(f"theme {t.id}", f"{t.name.en} {t.summary.en}") for t in data.themes]
    texts += [(f"background {b.id}", b.title.en) for b in data.background]
    for entry in data.glossary:
        texts.append((f"glossary {entry.term}", f"{entry.term_en} {entry.definition.en}"))
        if entry.not_in_booklet:
            texts.append((f"glossary {entry.term}", entry.not_in_booklet.en))
    texts += [
        (f"evidence {i.kind}", f"{i.name.en} {i.explanation.en}") for i in data.evidence_kinds
    ]
    return texts


def test_the_english_is_english() -> None:
    """Every word of the English texts is in a British English word list, apart from names, the
    Danish terms they gloss, the booklet's words they quote and the ids of findings they name:
    no Danish left untranslated ('Chefanalytiker'), no calque ('housing-social') but as a
    quoted literal rendering."""
    assert ENGLISH_WORDS.exists(), "install Debian's wbritish (see .ci/run)"
    known = {
        line.strip().lower() for line in ENGLISH_WORDS.read_text(encoding="utf-8").splitlines()
    }
    finding_ids = re.compile("|".join(re.escape(f.id) for f in dataset().findings))
    unknown = set()
    for where, text in english_texts():
        unquoted = finding_ids.sub("", re.sub(r'"[^"]*"', "", text))
        for word in re.findall(r"[^\W\d_]+(?:'s)?", unquoted):
            bare = word.lower().removesuffix("'s")
            if bare not in known and bare not in OUR_ENGLISH_NAMES:
                unknown.add((where, word))
    assert sorted(unknown) == []
    calques = [
        where
        for where, text in english_texts()
        if "housing-social" in re.sub(r'"[^"]*"', "", text).lower()
    ]
    assert calques == []
