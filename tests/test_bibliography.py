"""Tests for bibliography: styles, exports and their round trips through real parsers."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import warnings
from dataclasses import replace
from importlib import resources
from pathlib import Path
from typing import Any

import bibtexparser
import citeproc
import pytest
import rispy
import yaml
from bibtexparser.middlewares import LatexDecodingMiddleware, SeparateCoAuthors, SplitNameParts
from citeproc import (
    Citation,
    CitationItem,
    CitationStylesBibliography,
    CitationStylesStyle,
    formatter,
)
from citeproc.source.json import CiteProcJSON

from boligsocial_cli.bibliography.csl import (
    LOCALES,
    REFERENCE_EXPORTERS,
    RIS_NEWLINE,
    CitationStyle,
    CslStyle,
    ExportOptions,
    bibtex_key,
    bibtex_langid,
    bibtex_name,
    builtin_style_xml,
    escape_bibtex,
    export_references,
    format_bibtex,
    format_citation,
    format_csl_json,
    format_markdown,
    format_ris,
    format_text,
    load_csl_style,
    parse_style,
    tidy_punctuation,
    to_csl_json,
    verification_label,
)
from boligsocial_cli.dataset.load import build_record
from boligsocial_cli.errors import UsageError
from boligsocial_cli.formats import BibliographyFormat
from boligsocial_cli.model import Lang, Name, Reference, VerificationStatus, record_fields

DA, EN = Lang.DA, Lang.EN
APA, HARVARD, CHICAGO, KORT = (
    CitationStyle.APA,
    CitationStyle.HARVARD,
    CitationStyle.CHICAGO,
    CitationStyle.KORT,
)

BOOKLET_FORM = re.compile(r" \((?:i hæftet|in the booklet): [^)]*\)")


def _load_references() -> tuple[tuple[Reference, ...], Reference]:
    text = (resources.files("boligsocial_cli") / "data" / "findings.yaml").read_text("utf-8")
    raw = yaml.safe_load(text)
    references = tuple(build_record(Reference, item) for item in raw["references"])
    return references, build_record(Reference, raw["meta"]["booklet"])


REFERENCES, BOOKLET = _load_references()
ALL = (*REFERENCES, BOOKLET)
BY_ID = {reference.id: reference for reference in ALL}


def ref(reference_id: str) -> Reference:
    """The dataset's reference with this id."""
    return BY_ID[reference_id]


# --- exact text per style, written from each style's rules ---------------------------
#
# christensen-2018b: a confirmed report with eight authors; the booklet's letter "b".
# massey-1994: a journal article in English; issue and pages, no volume in the data.
# andersen-aeroe-1999: unverified; family names and year only, so nothing else printed.
# christensen-geerdsen-2016: two authors with given names, the comma before "and".
# breau-2015: three authors known only by family name.
# cfbu-2019: an organisation as author; identification inferred.

VEJ_TIL = (
    "En vej til arbejdsmarkedet med de boligsociale indsatser – Evaluering af"
    " Landsbyggefondens boligsociale indsatser finansieret af 2011-14-midlerne"
)
VIVE = "VIVE – Det Nationale Forsknings- og Analysecenter for Velfærd"
KATALOG = (
    "Inspirations- og videnskatalog – Viden om boligsociale aktiviteter støttet af Landsbyggefonden"
)
MASSEY_TITLE = "Migration, segregation, and the geographic concentration of poverty"
MASSEY_HEADLINE = "Migration, Segregation, and the Geographic Concentration of Poverty"
"""Chicago 8.159 headline style: every word capitalised but articles, prepositions and
conjunctions ("the", "of", "and") that are not first or last."""
HAR = "Har områdebaserede indsatser en effekt på beboernes tilknytning til arbejdsmarkedet?"
KRAKS = "Kraks Fond Byforskning"
CFBU = "Center for Boligsocial Udvikling"

EXPECTED_TEXT: dict[tuple[CitationStyle, Lang, str], str] = {
    # APA 7: every author (up to 20) inverted with initials, "&" before the last;
    # (year + letter); title; publisher. No place. The APA CSL style repeats a
    # publisher that is also the author. The full stop after a person's name is the
    # last initial's ("Christensen, G. (2013)", APA 9.8), and the comma before "&" in
    # "Christensen, G., & Geerdsen, L. P." closes the inverted first name: a name
    # known only by its family name has neither ("Andersen & Ærø (1999)."); three or
    # more keep APA's serial comma (6.3). A group author keeps its full stop (9.11).
    # An issue without its volume stays, in APA's parentheses: "Review, (3), 425–445".
    (APA, DA, "christensen-2018b"): (
        "Christensen, G., Jakobsen, V., Enemark, M. H., Widding, J. G., Stabell, C. L.,"
        f" Søgaard, C. D., Nielsen, H., & Aner, L. G. (2018b). {VEJ_TIL}. {VIVE}."
    ),
    (APA, DA, "massey-1994"): (
        f"Massey, D. S., Gross, A. B., & Shibuya, K. (1994). {MASSEY_TITLE}."
        " American Sociological Review, (3), 425–445."
    ),
    (APA, DA, "andersen-aeroe-1999"): "Andersen & Ærø (1999). [ikke verificeret]",
    (APA, DA, "breau-2015"): "Breau, Frederiksen, & Riemenschneider (2015). [ikke verificeret]",
    (APA, DA, "christensen-geerdsen-2016"): (
        f"Christensen, G., & Geerdsen, L. P. (2016). {HAR} {KRAKS}."
    ),
    (APA, DA, "cfbu-2019"): f"{CFBU}. (2019). {KATALOG}. {CFBU}. [identifikation usikker]",
    (APA, EN, "christensen-2018b"): (
        "Christensen, G., Jakobsen, V., Enemark, M. H., Widding, J. G., Stabell, C. L.,"
        f" Søgaard, C. D., Nielsen, H., & Aner, L. G. (2018b). {VEJ_TIL}. {VIVE}."
    ),
    (APA, EN, "massey-1994"): (
        f"Massey, D. S., Gross, A. B., & Shibuya, K. (1994). {MASSEY_TITLE}."
        " American Sociological Review, (3), 425–445."
    ),
    (APA, EN, "andersen-aeroe-1999"): "Andersen & Ærø (1999). [not verified]",
    (APA, EN, "breau-2015"): "Breau, Frederiksen, & Riemenschneider (2015). [not verified]",
    (APA, EN, "cfbu-2019"): f"{CFBU}. (2019). {KATALOG}. {CFBU}. [identification uncertain]",
    # Harvard (Cite Them Right): four or more authors -> first + et al. ("m.fl." in
    # Danish); initials without spaces; "og"/"and"; (year) without a period; article
    # title in quotes; "(issue)" after the missing volume; "s."/"pp." before pages;
    # place: publisher.
    (HARVARD, DA, "christensen-2018b"): (
        f"Christensen, G. m.fl. (2018b) {VEJ_TIL}. København: {VIVE}."
    ),
    (HARVARD, DA, "massey-1994"): (
        f"Massey, D.S., Gross, A.B. og Shibuya, K. (1994) “{MASSEY_TITLE}”,"
        " American Sociological Review, (3), s. 425–445."
    ),
    (HARVARD, DA, "andersen-aeroe-1999"): "Andersen og Ærø (1999). [ikke verificeret]",
    (HARVARD, DA, "cfbu-2019"): (
        f"{CFBU} (2019) {KATALOG}. Hvidovre: {CFBU}. [identifikation usikker]"
    ),
    (HARVARD, EN, "christensen-2018b"): (
        f"Christensen, G. et al. (2018b) {VEJ_TIL}. København: {VIVE}."
    ),
    # en-US puts the comma inside the closing quote.
    (HARVARD, EN, "massey-1994"): (
        f"Massey, D.S., Gross, A.B. and Shibuya, K. (1994) “{MASSEY_TITLE},”"
        " American Sociological Review, (3), pp. 425–445."
    ),
    (HARVARD, EN, "andersen-aeroe-1999"): "Andersen and Ærø (1999). [not verified]",
    (HARVARD, EN, "cfbu-2019"): (
        f"{CFBU} (2019) {KATALOG}. Hvidovre: {CFBU}. [identification uncertain]"
    ),
    # Chicago 18 author-date: first author inverted, the others not, full given
    # names; seven or more authors -> first three + et al.; a comma before the last
    # "and" and before "et al." in English; year without parentheses; article title in
    # quotes, in headline case if the work is English; a journal with an issue and no
    # volume: "Review, no. 3: 425–45" (14.171; abbreviated page range); no place.
    # A full stop ends the author element, after any name (15.9: "Andersen. 2002.").
    # Danish puts no comma before "og" or "m.fl." (Retskrivningsregler § 59: no comma
    # before "og" in a list): "Gross og Kumiko Shibuya", "Enemark m.fl.".
    # The two-name comma closes the inverted first name: none after a family name alone.
    (CHICAGO, DA, "christensen-2018b"): (
        f"Christensen, Gunvor, Vibeke Jakobsen, Morten Holm Enemark m.fl. 2018b. {VEJ_TIL}. {VIVE}."
    ),
    (CHICAGO, DA, "massey-1994"): (
        "Massey, Douglas S., Andrew B. Gross og Kumiko Shibuya. 1994."
        f" “{MASSEY_HEADLINE}”. American Sociological Review, nr. 3: 425–45."
    ),
    (CHICAGO, DA, "andersen-aeroe-1999"): "Andersen og Ærø. 1999. [ikke verificeret]",
    (CHICAGO, DA, "breau-2015"): "Breau, Frederiksen og Riemenschneider. 2015. [ikke verificeret]",
    (CHICAGO, DA, "christensen-geerdsen-2016"): (
        f"Christensen, Gunvor og Lars Pico Geerdsen. 2016. {HAR} {KRAKS}."
    ),
    (CHICAGO, DA, "cfbu-2019"): f"{CFBU}. 2019. {KATALOG}. {CFBU}. [identifikation usikker]",
    (CHICAGO, EN, "christensen-2018b"): (
        "Christensen, Gunvor, Vibeke Jakobsen, Morten Holm Enemark, et al. 2018b."
        f" {VEJ_TIL}. {VIVE}."
    ),
    # en-US puts the period inside the closing quote.
    (CHICAGO, EN, "massey-1994"): (
        "Massey, Douglas S., Andrew B. Gross, and Kumiko Shibuya. 1994."
        f" “{MASSEY_HEADLINE}.” American Sociological Review, no. 3: 425–45."
    ),
    (CHICAGO, EN, "andersen-aeroe-1999"): "Andersen and Ærø. 1999. [not verified]",
    (CHICAGO, EN, "breau-2015"): "Breau, Frederiksen, and Riemenschneider. 2015. [not verified]",
    (CHICAGO, EN, "christensen-geerdsen-2016"): (
        f"Christensen, Gunvor, and Lars Pico Geerdsen. 2016. {HAR} {KRAKS}."
    ),
    (CHICAGO, EN, "cfbu-2019"): f"{CFBU}. 2019. {KATALOG}. {CFBU}. [identification uncertain]",
    # kort: the booklet's form (its cited_as), "et al." in English.
    (KORT, DA, "christensen-2018b"): "Christensen m.fl., 2018b",
    (KORT, DA, "massey-1994"): "Massey, Gross & Shibuya, 1994",
    (KORT, DA, "andersen-aeroe-1999"): "Andersen & Ærø, 1999 [ikke verificeret]",
    (KORT, DA, "cfbu-2019"): f"{CFBU}, 2019 [identifikation usikker]",
    (KORT, EN, "christensen-2018b"): "Christensen et al., 2018b",
    (KORT, EN, "massey-1994"): "Massey, Gross & Shibuya, 1994",
    (KORT, EN, "andersen-aeroe-1999"): "Andersen & Ærø, 1999 [not verified]",
    (KORT, EN, "cfbu-2019"): f"{CFBU}, 2019 [identification uncertain]",
}


@pytest.mark.parametrize(("style", "lang", "reference_id"), sorted(EXPECTED_TEXT))
def test_text_entry_matches_the_style(style: CitationStyle, lang: Lang, reference_id: str) -> None:
    """Each built-in style renders a reference exactly as its rules and the data give."""
    expected = EXPECTED_TEXT[style, lang, reference_id]
    assert format_text([ref(reference_id)], style, lang) == expected + "\n"


@pytest.mark.parametrize("style", list(CitationStyle))
@pytest.mark.parametrize("lang", list(Lang))
def test_year_letters_are_the_booklets(style: CitationStyle, lang: Lang) -> None:
    """Christensen m.fl. 2018a, b and c keep the booklet's letters in every style."""
    text = BOOKLET_FORM.sub("", format_text(REFERENCES, style, lang))
    for letter in "abc":
        assert text.count(f"2018{letter}") == 1


@pytest.mark.parametrize("style", list(CitationStyle))
@pytest.mark.parametrize("lang", list(Lang))
def test_every_reference_has_one_entry_with_its_label(style: CitationStyle, lang: Lang) -> None:
    """A reference list has one line per reference; each status has its label, confirmed none."""
    lines = format_text(ALL, style, lang).splitlines()
    assert len(lines) == len(ALL)
    labels = {status: verification_label(status, lang) for status in VerificationStatus}
    any_label = tuple(f" {label}" for label in labels.values() if label)
    for status, label in labels.items():
        expected = sum(1 for reference in ALL if reference.status is status)
        suffixes = (f" {label}",) if label else any_label
        labelled = sum(line.endswith(suffixes) for line in lines)
        assert (labelled if label else len(lines) - labelled) == expected


@pytest.mark.parametrize("style", list(CitationStyle))
@pytest.mark.parametrize("lang", list(Lang))
def test_unverified_entries_print_only_names_and_year(style: CitationStyle, lang: Lang) -> None:
    """An unverified reference gets no title or other guessed word: names, year, label only."""
    connectives = {"og", "and", "m", "fl", "et", "al"}
    for reference in REFERENCES:
        if reference.status is not VerificationStatus.UNVERIFIED:
            continue
        assert reference.title is None
        label = verification_label(reference.status, lang) or ""
        entry = BOOKLET_FORM.sub("", format_text([reference], style, lang))
        entry = entry.removesuffix(f" {label}\n")
        words = set(re.findall(r"[^\W\d_]+", entry))
        names = {
            part
            for name in reference.author
            for value in (name.family, name.non_dropping_particle)
            if value
            for part in re.findall(r"[^\W\d_]+", value)
        }
        assert words <= names | connectives, entry
        assert (reference.issued or "") in entry


def test_labels_per_status_and_language() -> None:
    """Each status but confirmed has a bracketed label in Danish and English."""
    assert verification_label(VerificationStatus.CONFIRMED, DA) is None
    assert verification_label(VerificationStatus.UNVERIFIED, DA) == "[ikke verificeret]"
    assert verification_label(VerificationStatus.UNVERIFIED, EN) == "[not verified]"
    assert verification_label(VerificationStatus.INFERRED, DA) == "[identifikation usikker]"
    assert verification_label(VerificationStatus.INFERRED, EN) == "[identification uncertain]"
    assert verification_label(VerificationStatus.PARTIAL, DA) == "[delvist verificeret]"
    assert verification_label(VerificationStatus.PARTIAL, EN) == "[partly verified]"


def test_kort_sorts_by_the_names_shown_then_year() -> None:
    """kort lists single authors before pairs before "m.fl.", then by year and letter."""
    christensen = [
        line for line in format_text(REFERENCES, KORT, DA).splitlines() if "Christensen" in line
    ]
    assert christensen == [
        "Christensen, 2013",
        "Christensen, 2018a (i hæftet: Christensen m.fl., 2018a) [delvist verificeret]",
        "Christensen & Geerdsen, 2016",
        "Christensen m.fl., 2018b",
        "Christensen m.fl., 2018c",
        "Christensen m.fl., 2019",
        "Christensen, Christensen, Mehlsen, Enemark & Jakobsen, 2019"
        " (i hæftet: Christensen & Christensen, 2019) [identifikation usikker]",
    ]


def test_kort_adds_the_booklets_form_only_where_it_differs() -> None:
    """Where the data cannot reproduce the booklet's short form, kort shows both; else one."""
    lines = format_text(REFERENCES, KORT, EN).splitlines()
    differing = [line for line in lines if "(in the booklet: " in line]
    assert len(differing) == len(KORT_DIFFERS_FROM_BOOKLET)
    assert (
        "Christensen, 2018a (in the booklet: Christensen m.fl., 2018a) [partly verified]" in lines
    )
    assert "Christensen et al., 2018b" in lines


KORT_DIFFERS_FROM_BOOKLET = {
    # The booklet's misspelling; the data has the author's name.
    "andersson-2010": "Andersson, Bråmå & Holmqvist, 2010",
    "nielsen-2016": "Nielsen, Lunar & Ahrenkiel, 2016",
    # The booklet's "m.fl." co-authors are not verified, so not in the data.
    "christensen-2018a": "Christensen, 2018a",
    # The identified report has five authors; the booklet names two.
    "christensen-christensen-2019": "Christensen, Christensen, Mehlsen, Enemark & Jakobsen, 2019",
}


@pytest.mark.parametrize("reference", REFERENCES, ids=lambda reference: reference.id)
def test_kort_reproduces_the_booklets_citation(reference: Reference) -> None:
    """kort gives the booklet's own in-text form, except where the verified data differ."""
    expected = KORT_DIFFERS_FROM_BOOKLET.get(reference.id, reference.cited_as)
    assert format_citation([reference], KORT, DA) == f"({expected})"


def test_in_text_citations_per_style() -> None:
    """format_citation gives the style's parenthetical in-text form."""
    reference = [ref("christensen-2018b")]
    assert format_citation(reference, APA, DA) == "(Christensen et al., 2018b)"
    assert format_citation(reference, HARVARD, DA) == "(Christensen m.fl., 2018b)"
    assert format_citation(reference, CHICAGO, DA) == "(Christensen m.fl. 2018b)"
    assert format_citation(reference, HARVARD, EN) == "(Christensen et al., 2018b)"
    both = [ref("andersen-aeroe-1999"), ref("sbi-2018-09")]
    assert format_citation(both, KORT, DA) == "(Andersen & Ærø, 1999; SBi 2018:09)"
    assert format_citation([], KORT, DA) == ""


def test_the_booklet_without_a_year() -> None:
    """The booklet itself has no year: the locale's "no date" term stands in."""
    assert format_text([BOOKLET], APA, DA) == (
        "Christensen, G. (u.å.). Boligsociale indsatser – kort fortalt. [delvist verificeret]\n"
    )
    assert format_text([BOOKLET], CHICAGO, EN) == (
        "Christensen, Gunvor. n.d. Boligsociale indsatser – kort fortalt. [partly verified]\n"
    )


def test_titles_keep_their_recorded_case() -> None:
    """Chicago's English title case is applied to English works only, not to Danish ones
    nor to a work whose language is not recorded."""
    danish = format_text([ref("christensen-2013")], CHICAGO, EN)
    assert "Indsatser i udsatte boligområder. Hvad virker, hvorfor og hvordan? Kraks" in danish
    unknown = replace(ref("christensen-2013"), language=None, title="Hvad virker i dag")
    assert "Hvad virker i dag." in format_text([unknown], CHICAGO, EN)
    english = format_text([ref("andersson-2010")], CHICAGO, EN)
    assert "“Counteracting Segregation: Swedish Policies and Experiences.”" in english


def test_tidy_punctuation() -> None:
    """Punctuation citeproc-py leaves at seams is fixed; ellipses and Danish quotes stay."""
    assert tidy_punctuation("“Title”. Next", EN) == "“Title.” Next"
    assert tidy_punctuation("“Title”, Next", EN) == "“Title,” Next"
    assert tidy_punctuation("“Title”. Next", DA) == "“Title”. Next"
    assert tidy_punctuation("hvordan?. Kraks", DA) == "hvordan? Kraks"
    assert tidy_punctuation("*hvordan?*. Kraks", DA) == "*hvordan?* Kraks"
    assert tidy_punctuation("“Hvorfor?”. X", EN) == "“Hvorfor?” X"
    assert tidy_punctuation("Vent... X", DA) == "Vent... X"


def test_duplicates_and_empty_input() -> None:
    """A reference given twice is listed once; no references give empty output."""
    twice = [ref("massey-1994"), ref("massey-1994")]
    assert format_text(twice, APA, EN).count("Massey") == 1
    assert format_bibtex(twice, EN).count("@article") == 1
    for fmt in BibliographyFormat:
        output = export_references([], fmt, ExportOptions())
        assert output == ("[]\n" if fmt is BibliographyFormat.CSL_JSON else "")


# --- Markdown -------------------------------------------------------------------------


def test_markdown_entry() -> None:
    """Markdown: a bullet per entry, the style's italics, URLs as autolinks, labels escaped."""
    assert format_markdown([ref("massey-1994")], APA, DA) == (
        f"- Massey, D. S., Gross, A. B., & Shibuya, K. (1994). {MASSEY_TITLE}."
        " *American Sociological Review*, (3), 425–445.\n"
    )
    assert format_markdown([ref("andersson-2010")], APA, EN) == (
        "- Andersson, Bråmå, & Holmqvist (2010). Counteracting segregation: Swedish policies"
        " and experiences. *Housing Studies*, 237–256."
        " <https://doi.org/10.1080/02673030903561859> \\[partly verified\\]\n"
    )


def test_markdown_escapes_data() -> None:
    """Characters Markdown would read as markup are escaped; a URL is left intact."""
    reference = Reference(
        id="odd",
        cited_as="Odd, 2001",
        status=VerificationStatus.CONFIRMED,
        type="report",
        author=(Name(family="O_dd", given="A*"),),
        issued="2001",
        title="a_b *c* [d] <e>",
        publisher="P|Q",
        URL="https://example.org/a_b",
    )
    line = format_markdown([reference], APA, EN)
    assert "O\\_dd" in line
    assert "*a\\_b \\*c\\* \\[d\\] \\<e\\>*" in line
    assert "P\\|Q" in line
    assert "<https://example.org/a_b>" in line


def test_markdown_does_not_start_a_nested_list() -> None:
    """An entry that starts with "2." is escaped so it stays one bullet."""
    reference = Reference(
        id="war",
        cited_as="2. verdenskrig, 1999",
        status=VerificationStatus.CONFIRMED,
        type="book",
        issued="1999",
        title="2. verdenskrig",
    )
    assert format_markdown([reference], KORT, DA) == "- 2\\. verdenskrig, 1999\n"


# --- CSL-JSON -------------------------------------------------------------------------


def test_csl_json_item() -> None:
    """to_csl_json: id, date parts, year-suffix, particle and the status as a note."""
    item = to_csl_json(ref("christensen-2018c"))
    assert item["id"] == "christensen-2018c"
    assert item["type"] == "report"
    assert item["issued"] == {"date-parts": [[2018, 12]]}
    assert item["year-suffix"] == "c"
    assert item["author"][0] == {"family": "Christensen", "given": "Gunvor"}
    holck = to_csl_json(ref("sonne-frederiksen-2017"))["author"][-1]
    assert holck == {"family": "Holck", "non-dropping-particle": "von"}
    unverified = to_csl_json(ref("andersen-aeroe-1999"), DA)
    assert unverified["type"] == "document"
    assert unverified["note"].startswith("Referencen er ikke verificeret")
    assert "title" not in unverified
    assert "note" not in to_csl_json(ref("christensen-2018b"))
    assert to_csl_json(replace(ref("andersen-2005"), issued="vinter 2005"))["issued"] == {
        "literal": "vinter 2005"
    }


def test_csl_json_carries_every_csl_field() -> None:
    """Every CSL text field of Reference reaches CSL-JSON under its CSL name."""
    skipped = {"cited_as", "note"}
    values: dict[str, Any] = {
        field.name: f"value of {field.key}"
        for field in record_fields(Reference)
        if field.hint == (str | None) and field.name not in skipped
    }
    values.pop("issued")
    reference = replace(ref("christensen-2013"), **values)
    item = to_csl_json(reference)
    for field in record_fields(Reference):
        if field.name in values:
            assert item[field.key] == values[field.name], field.key


def test_csl_json_round_trip_through_citeproc() -> None:
    """citeproc-py loads every exported item, without warnings, and renders them all."""
    items = json.loads(format_csl_json(ALL, EN))
    assert [item["id"] for item in items] == [reference.id for reference in ALL]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        source = CiteProcJSON(items)
    assert sorted(source) == sorted(reference.id for reference in ALL)
    for item, reference in zip(items, ALL, strict=True):
        assert item.get("language") == reference.language
        if reference.language:
            assert source[reference.id].language == reference.language
    style = CitationStylesStyle(str(_style_path(APA)), locale=LOCALES[EN], validate=False)
    bibliography = CitationStylesBibliography(style, source, formatter.plain)
    bibliography.register(Citation([CitationItem(reference.id) for reference in ALL]))
    assert len(bibliography.bibliography()) == len(ALL)


# --- BibTeX ---------------------------------------------------------------------------


def test_bibtex_entries() -> None:
    """BibTeX entries: biblatex types and fields, UTF-8 letters, status as a note."""
    assert format_bibtex([ref("christensen-2018b"), ref("sonne-frederiksen-2017")], EN) == (
        "@report{christensen-2018b,\n"
        "  author = {Christensen, Gunvor and Jakobsen, Vibeke and Enemark, Morten Holm and"
        " Widding, Joanna Gulløv and Stabell, Cecilie Lykke and Søgaard, Christopher Dehn and"
        " Nielsen, Hanne and Aner, Louise Glerup},\n"
        f"  title = {{{VEJ_TIL}}},\n"
        "  date = {2018},\n"
        f"  institution = {{{VIVE}}},\n"
        "  location = {København},\n"
        "  isbn = {978-87-7119-526-2},\n"
        "  langid = {danish},\n"
        "}\n"
        "\n"
        "@misc{sonne-frederiksen-2017,\n"
        "  author = {Sonne-Frederiksen and Lunar and Nielsen and von Holck},\n"
        "  date = {2017},\n"
        "  note = {Reference not verified: the details given here could not be checked"
        " against the work itself.},\n"
        "}\n"
    )
    cfbu = format_bibtex([ref("cfbu-2019")], DA)
    assert "  author = {{Center for Boligsocial Udvikling}},\n" in cfbu
    assert "  note = {Identifikation usikker:" in cfbu


def test_bibtex_escaping_and_names() -> None:
    """LaTeX specials are escaped, Danish letters are not; names parse as BibTeX reads them."""
    assert escape_bibtex("R&D 100% $5 #1 a_b æøå") == r"R\&D 100\% \$5 \#1 a\_b æøå"
    assert escape_bibtex("{x} ~ ^ \\") == (
        r"\textbraceleft{}x\textbraceright{} \textasciitilde{} \textasciicircum{} \textbackslash{}"
    )
    assert bibtex_name(Name(family="Holck", given="Anna", non_dropping_particle="von")) == (
        "von Holck, Anna"
    )
    assert bibtex_name(Name(literal="Smith & Co")) == r"{Smith \& Co}"
    assert bibtex_name(Name(family="Sonne Frederiksen")) == "{Sonne Frederiksen}"
    assert bibtex_name(Name(family="Ærø", given="Tina")) == "Ærø, Tina"
    assert bibtex_name(Name(family="Holm", given="Anna and Bo")) == "Holm, {Anna and Bo}"
    assert bibtex_name(Name(family="others")) == "{others}"


def test_bibtex_keys_are_valid_and_unique() -> None:
    """Keys keep valid characters, replace the rest, and get a number when taken."""
    used: set[str] = set()
    assert bibtex_key("christensen-2018b", used) == "christensen-2018b"
    assert bibtex_key("christensen-2018b", used) == "christensen-2018b-2"
    assert bibtex_key("a b,c{d}", used) == "a-b-c-d"
    assert bibtex_key("%%%", used) == "ref"


def _parse_bibtex(text: str, *middleware: Any) -> Any:
    # bibtexparser re-exports parse_string without listing it in __all__
    parse = bibtexparser.parse_string  # type: ignore[attr-defined]
    library = parse(text, append_middleware=list(middleware))
    assert library.failed_blocks == []
    return library


BIBLATEX_LANGUAGES = {"da": "danish", "en": "english"}
"""biblatex's names (its `langid`, babel's language names) for the data's languages."""


def test_bibtex_round_trip_through_bibtexparser() -> None:
    """bibtexparser reads every entry back with the data's fields and names intact."""
    text = format_bibtex(ALL, EN)
    library = _parse_bibtex(text, SeparateCoAuthors(), SplitNameParts())
    assert [entry.key for entry in library.entries] == [reference.id for reference in ALL]
    for entry, reference in zip(library.entries, ALL, strict=True):
        fields = {field.key: field.value for field in entry.fields}
        assert fields.get("title") == reference.title
        assert fields.get("date") == reference.issued
        assert fields.get("isbn") == reference.ISBN
        assert fields.get("doi") == reference.DOI
        assert fields.get("pages") == (reference.page and reference.page.replace("-", "--"))
        publisher_field = {"report": "institution", "article": "publisher"}.get(
            entry.entry_type, "howpublished"
        )
        assert fields.get(publisher_field) == reference.publisher
        assert fields.get("annotation") == (reference.note and reference.note.en)
        assert fields.get("langid") == BIBLATEX_LANGUAGES.get(reference.language or "")
        assert ("note" in fields) == (reference.status is not VerificationStatus.CONFIRMED)
        names = fields.get("author", [])
        assert len(names) == len(reference.author)
        for parsed, name in zip(names, reference.author, strict=True):
            if name.literal:
                assert parsed.last == [f"{{{name.literal}}}"]
            elif name.given is None and name.non_dropping_particle:
                # "von Holck": BibTeX and biber read "von" as the von part (the
                # "First von Last" form, First empty); bibtexparser's SplitNameParts
                # reads a lone lowercase word as the first name. Either way the
                # particle stays before the family name.
                assert parsed.first + parsed.von == [name.non_dropping_particle]
                assert " ".join(parsed.last) == name.family
            else:
                assert " ".join(parsed.last) == name.family
                assert " ".join(parsed.first) == (name.given or "")
                assert " ".join(parsed.von) == (name.non_dropping_particle or "")
    assert "Søgaard" in text
    assert "Ærø" in text


def test_bibtex_special_characters_decode_back() -> None:
    """A value with & % $ # _ reads back as the same text through LaTeX decoding."""
    title = "R&D: 100% for $5 #1 a_b – æøå"
    reference = replace(ref("christensen-2013"), title=title, publisher="Hansen & Co")
    library = _parse_bibtex(format_bibtex([reference], DA), LatexDecodingMiddleware())
    fields = library.entries[0].fields_dict
    assert fields["title"].value == title
    assert fields["institution"].value == "Hansen & Co"


# --- RIS ------------------------------------------------------------------------------


def test_ris_record() -> None:
    """RIS: TY first, ER last, two spaces before the dash, CR LF line ends."""
    assert format_ris([ref("massey-1994")], EN) == (
        "TY  - JOUR\r\n"
        "ID  - massey-1994\r\n"
        "AU  - Massey, Douglas S.\r\n"
        "AU  - Gross, Andrew B.\r\n"
        "AU  - Shibuya, Kumiko\r\n"
        "PY  - 1994\r\n"
        f"TI  - {MASSEY_TITLE}\r\n"
        "T2  - American Sociological Review\r\n"
        "IS  - 3\r\n"
        "SP  - 425\r\n"
        "EP  - 445\r\n"
        "LA  - en\r\n"
        "N1  - Given names as initials in the source (D. S., A. B., K.). Volume not verified.\r\n"
        "ER  - \r\n"
    )


def test_ris_round_trip_through_rispy() -> None:
    """rispy reads every record back with the data's fields."""
    entries = rispy.loads(format_ris(ALL, DA))
    assert [entry["id"] for entry in entries] == [reference.id for reference in ALL]
    for entry, reference in zip(entries, ALL, strict=True):
        assert entry["type_of_reference"] == {
            "report": "RPRT",
            "article-journal": "JOUR",
            "pamphlet": "PAMP",
        }.get(reference.type or "", "GEN")
        assert entry.get("title") == reference.title
        assert entry.get("secondary_title") == reference.container_title
        assert entry.get("tertiary_title") == reference.collection_title
        assert entry.get("publisher") == reference.publisher
        assert entry.get("place_published") == reference.publisher_place
        assert entry.get("doi") == reference.DOI
        assert entry.get("language") == reference.language
        assert entry.get("year") == (reference.issued and reference.issued[:4])
        assert entry.get("authors", []) == [
            ", ".join(
                part
                for part in (
                    " ".join(p for p in (name.non_dropping_particle, name.family) if p),
                    name.given,
                )
                if part
            )
            or name.literal
            for name in reference.author
        ]
        notes = entry.get("notes", [])
        assert (reference.note.da in notes) if reference.note else True
        if reference.status is VerificationStatus.UNVERIFIED:
            assert notes[0].startswith("Referencen er ikke verificeret")
    sbi = entries[[reference.id for reference in ALL].index("sbi-2018-09")]
    assert sbi["issn"] == "2018:09"
    christensen = entries[[reference.id for reference in ALL].index("christensen-2018c")]
    assert christensen["date"] == "2018/12//"


# --- the registry ---------------------------------------------------------------------


def test_every_format_has_an_exporter() -> None:
    """The registry has one exporter per BibliographyFormat, each returning text."""
    assert set(REFERENCE_EXPORTERS) == set(BibliographyFormat)
    for fmt in BibliographyFormat:
        output = export_references(REFERENCES[:3], fmt, ExportOptions(style=KORT, lang=EN))
        assert isinstance(output, str)
        assert output


def test_exporters_follow_the_options() -> None:
    """Text and Markdown use the style and language given; data formats the language."""
    options = ExportOptions(style=KORT, lang=EN)
    reference = [ref("christensen-2018b")]
    assert export_references(reference, BibliographyFormat.TEXT, options) == (
        "Christensen et al., 2018b\n"
    )
    assert export_references(reference, BibliographyFormat.MARKDOWN, options) == (
        "- Christensen et al., 2018b\n"
    )
    unverified = [ref("andersen-2005")]
    assert "Reference not verified" in export_references(
        unverified, BibliographyFormat.RIS, options
    )


# --- styles ---------------------------------------------------------------------------


def _style_path(style: CitationStyle) -> Path:
    return Path(str(resources.files("boligsocial_cli.bibliography") / "styles" / style.file_name))


@pytest.mark.parametrize("style", list(CitationStyle))
def test_builtin_styles_ship_valid_and_licensed(style: CitationStyle) -> None:
    """Each built-in CSL file is in the package, passes the CSL schema and carries its licence."""
    data = builtin_style_xml(style)
    assert b'<rights license="http://creativecommons.org/licenses/by-sa/3.0/">' in data
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        CitationStylesStyle(str(_style_path(style)), locale=LOCALES[DA], validate=True)


def test_locales_ship_with_citeproc() -> None:
    """citeproc-py has the da-DK and en-US locales the languages are rendered in."""
    for locale in LOCALES.values():
        assert (Path(citeproc.LOCALES_PATH) / f"locales-{locale}.xml").is_file()


MINIMAL_CSL = """<?xml version="1.0" encoding="utf-8"?>
<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0">
  <info>
    <title>Minimal test style</title>
    <id>urn:x-test:minimal</id>
    <updated>2024-01-01T00:00:00+00:00</updated>
  </info>
  <citation>
    <layout prefix="[" suffix="]">
      <names variable="author"><name form="short"/></names>
    </layout>
  </citation>
  <bibliography>
    <layout>
      <group delimiter=" ">
        <names variable="author"><name form="short" and="text"/></names>
        <group>
          <date variable="issued"><date-part name="year"/></date>
          <text variable="year-suffix"/>
        </group>
      </group>
    </layout>
  </bibliography>
</style>
"""


def test_custom_csl_file_is_used(tmp_path: Path) -> None:
    """A valid CSL file given by path formats the list, with labels and year letters."""
    path = tmp_path / "minimal.csl"
    path.write_text(MINIMAL_CSL, encoding="utf-8")
    style = load_csl_style(path)
    assert isinstance(style, CslStyle)
    assert style.schema_warnings == ()
    assert parse_style(str(path)) == style
    references = [ref("andersen-aeroe-1999"), ref("christensen-2018a")]
    assert format_text(references, style, DA) == (
        "Andersen og Ærø 1999 [ikke verificeret]\nChristensen 2018a [delvist verificeret]\n"
    )
    assert format_citation([ref("massey-1994")], style, EN) == "[Massey, Gross, Shibuya]"


@pytest.mark.usefixtures("english")
def test_parse_style_names_and_unknowns() -> None:
    """Built-in names parse to the enum; anything else that is not a .csl file is refused."""
    assert parse_style("harvard") is HARVARD
    with pytest.raises(UsageError, match="Unknown citation style 'mla'"):
        parse_style("mla")


@pytest.mark.usefixtures("english")
def test_missing_csl_file(tmp_path: Path) -> None:
    """A CSL path that does not exist is a UsageError naming it."""
    missing = tmp_path / "nope.csl"
    with pytest.raises(UsageError, match=r"CSL style .*nope\.csl: no such file"):
        load_csl_style(missing)
    with pytest.raises(UsageError, match="no such file"):
        parse_style(str(missing))
    with pytest.raises(UsageError, match="is a directory"):
        load_csl_style(tmp_path)


@pytest.mark.usefixtures("english")
@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("<style><citation>", "malformed XML"),
        ("", "malformed XML"),
        ("<html xmlns='http://www.w3.org/1999/xhtml'/>", r"root element is <html>"),
        (
            MINIMAL_CSL.replace("<citation>", "<citation-x>").replace(
                "</citation>", "</citation-x>"
            ),
            "no <citation> element",
        ),
        (
            MINIMAL_CSL.split("<bibliography>", maxsplit=1)[0] + "</style>",
            "has no <bibliography>",
        ),
        (
            MINIMAL_CSL.split("<citation>", maxsplit=1)[0].replace(
                "</info>",
                '<link href="http://www.zotero.org/styles/apa" rel="independent-parent"/></info>',
            )
            + "</style>",
            "dependent CSL style.*http://www.zotero.org/styles/apa",
        ),
        (
            MINIMAL_CSL.replace('<text variable="year-suffix"/>', '<text macro="nowhere"/>'),
            "citeproc-py cannot",
        ),
    ],
)
def test_malformed_csl_file(tmp_path: Path, content: str, message: str) -> None:
    """A file that is not a usable CSL style is a UsageError saying why, never a traceback."""
    path = tmp_path / "bad.csl"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(UsageError, match=message):
        load_csl_style(path)


def test_importing_the_module_does_not_import_citeproc() -> None:
    """Importing bibliography leaves citeproc and lxml unimported, for a fast start."""
    code = (
        "import sys, boligsocial_cli.bibliography.csl; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in {'citeproc', 'lxml'}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_an_issue_without_its_volume_is_kept() -> None:
    """Massey 1994's volume is unverified, its issue is not: every style and export keeps it."""
    massey = [ref("massey-1994")]
    for style in (APA, HARVARD):
        assert "American Sociological Review, (3)," in format_text(massey, style, EN)
    assert "American Sociological Review, no. 3: 425–45." in format_text(massey, CHICAGO, EN)
    assert "IS  - 3" in format_ris(massey, EN)
    assert "  number = {3},\n" in format_bibtex(massey, EN)  # biblatex: an article's issue


def test_works_carry_their_language_where_the_publisher_settles_it() -> None:
    """Danish reports of Danish publishers are "da", the two journal articles "en", and
    works known only by author and year have no language."""
    for reference in ALL:
        if reference.title is None:
            assert reference.language is None, reference.id
        elif reference.type == "article-journal":
            assert reference.language == "en", reference.id
        else:
            assert reference.language == "da", reference.id


def test_bibtex_langid_for_language_tags() -> None:
    """A BCP 47 tag maps to biblatex's language by its region first, then its language."""
    assert bibtex_langid("da") == "danish"
    assert bibtex_langid("en-US") == "american"
    assert bibtex_langid("en-AU") == "english"
    assert bibtex_langid("xx") is None
    assert bibtex_langid(None) is None


# --- Danish name lists, in any style --------------------------------------------------

_USER_STYLE = """<?xml version="1.0" encoding="utf-8"?>
<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0">
  <info><title>t</title><id>t</id><updated>2024-01-01T00:00:00+00:00</updated></info>
  <citation><layout><names variable="author"><name form="short"/></names></layout></citation>
  <bibliography and="{and_}" delimiter-precedes-last="always" et-al-min="3"
      et-al-use-first="2" delimiter-precedes-et-al="always">
    <layout><names variable="author"><name/></names></layout>
  </bibliography>
</style>
"""


@pytest.mark.parametrize(
    ("and_", "lang", "expected"),
    [
        # The word "og": Danish puts no comma before it, nor before "m.fl.".
        ("text", DA, ["Ann Alfa og Bo Beta", "Ann Alfa, Bo Beta m.fl."]),
        # English keeps the style's serial comma and its comma before "et al.".
        ("text", EN, ["Ann Alfa, and Bo Beta", "Ann Alfa, Bo Beta, et al."]),
        # "&" is not the word "og": the style's comma stays; "m.fl." loses its comma.
        ("symbol", DA, ["Ann Alfa, & Bo Beta", "Ann Alfa, Bo Beta m.fl."]),
    ],
)
def test_danish_name_lists_in_a_users_style(
    tmp_path: Path, and_: str, lang: Lang, expected: list[str]
) -> None:
    """Options a name list inherits from <bibliography> get Danish punctuation in da-DK."""
    path = tmp_path / "user.csl"
    path.write_text(_USER_STYLE.replace("{and_}", and_), encoding="utf-8")
    people = [Name(family="Alfa", given="Ann"), Name(family="Beta", given="Bo")]
    two = replace(_PERSON_WORK, id="two", author=tuple(people))
    three = replace(_PERSON_WORK, id="three", author=(*people, Name(family="Gamma", given="Cy")))
    lines = format_text([two, three], load_csl_style(path), lang).splitlines()
    assert lines == expected


_PERSON_WORK = Reference(
    id="work", cited_as="Work", status=VerificationStatus.CONFIRMED, issued="2020"
)


# --- an independent referee: pandoc's citeproc ----------------------------------------


def _pandoc() -> str:
    import pypandoc  # noqa: PLC0415 - a test dependency, needed by these tests only

    return str(pypandoc.get_pandoc_path())


def _pandoc_reference_list(csl_json: str, tmp_path: Path) -> str:
    """pandoc --citeproc's reference list of every item, in its default Chicago style."""
    bibliography = tmp_path / "references.json"
    bibliography.write_text(csl_json, encoding="utf-8")
    document = '---\nnocite: "[@*]"\n---\n'
    result = subprocess.run(
        [_pandoc(), "--citeproc", f"--bibliography={bibliography}", "-t", "plain", "--wrap=none"],
        input=document,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


ENGLISH_HEADLINE_TITLES = {
    # Chicago 8.159 headline style, written out by hand: capitalise the first and last
    # words and every word but articles, prepositions and coordinating conjunctions.
    "massey-1994": "Migration, Segregation, and the Geographic Concentration of Poverty",
    "andersson-2010": "Counteracting Segregation: Swedish Policies and Experiences",
}


def test_pandoc_prints_every_title_in_its_case(tmp_path: Path) -> None:
    """pandoc --citeproc reads our CSL-JSON's `language`: Danish titles stay as the data
    holds them ("Indsatser i udsatte boligområder", not "Indsatser i Udsatte
    Boligområder"); English titles get Chicago's headline case."""
    output = _pandoc_reference_list(format_csl_json(ALL, DA), tmp_path)
    titles = {reference.id: reference.title for reference in ALL if reference.title}
    assert len(titles) == len(ALL) - 11  # the unverified works have no title
    for reference_id, title in titles.items():
        assert ENGLISH_HEADLINE_TITLES.get(reference_id, title) in output, reference_id


def test_pandoc_without_the_language_title_cases_danish(tmp_path: Path) -> None:
    """The referee can fail: without `language`, pandoc title-cases a Danish title."""
    items = json.loads(format_csl_json([ref("christensen-2013")], DA))
    del items[0]["language"]
    output = _pandoc_reference_list(json.dumps(items, ensure_ascii=False), tmp_path)
    assert "Indsatser i Udsatte Boligområder. Hvad Virker, Hvorfor Og Hvordan?" in output


@pytest.mark.parametrize("lang", list(Lang))
def test_an_entrys_notes_are_in_one_language(lang: Lang) -> None:
    """The booklet's status note and its data note are both in the language asked for,
    in BibTeX (note, annotation), RIS (N1) and CSL-JSON (note): never Danish beside English."""
    danish = lang is DA
    status = "Delvist verificeret" if danish else "Partly verified"
    data_note = (
        "Forfatteren er chefanalytiker."
        if danish
        else 'The author is a chief analyst (the booklet gives her title as "Chefanalytiker").'
    )
    bibtex = format_bibtex([BOOKLET], lang)
    assert f"  note = {{{status}:" in bibtex
    assert f"  annotation = {{{data_note}" in bibtex
    ris = format_ris([BOOKLET], lang).split(RIS_NEWLINE)
    assert [line[6:].split(":")[0].split(".")[0] for line in ris if line.startswith("N1")] == [
        status,
        data_note.removesuffix("."),
    ]
    (item,) = json.loads(format_csl_json([BOOKLET], lang))
    assert item["note"].startswith(f"{status}:")
    assert item["note"].split("\n")[1].startswith(data_note)


def test_danish_m_fl_is_not_italic_but_latin_et_al_is() -> None:
    """Cite Them Right sets the Latin "et al." in italics; the Danish "m.fl." is Danish,
    and Danish sets only foreign words in italics."""
    works = [ref("christensen-2018b")]
    assert format_markdown(works, HARVARD, DA).startswith("- Christensen, G. m.fl. (2018b) *")
    assert format_markdown(works, HARVARD, EN).startswith("- Christensen, G. *et al.* (2018b) *")


def test_a_style_that_keeps_latin_et_al_in_danish_keeps_its_italics(tmp_path: Path) -> None:
    """A style whose own Danish terms say "et al." keeps the italics it gives it."""
    style = (
        _USER_STYLE.replace("{and_}", "text")
        .replace("<name/>", '<name/><et-al font-style="italic"/>')
        .replace(
            "<citation>",
            '<locale xml:lang="da"><terms><term name="et-al">et al.</term></terms></locale>'
            "<citation>",
        )
    )
    path = tmp_path / "latin.csl"
    path.write_text(style, encoding="utf-8")
    people = (Name(family="Alfa"), Name(family="Beta"), Name(family="Gamma"))
    three = replace(_PERSON_WORK, author=people)
    assert format_markdown([three], load_csl_style(path), DA) == "- Alfa, Beta *et al.*\n"
    roman = path.with_name("roman.csl")
    roman.write_text(style.replace("et al.</term>", "m.fl.</term>"), encoding="utf-8")
    assert format_markdown([three], load_csl_style(roman), DA) == "- Alfa, Beta m.fl.\n"


@pytest.mark.parametrize("style", [APA, HARVARD, CHICAGO])
@pytest.mark.parametrize("lang", list(Lang))
def test_a_first_edition_is_not_named(style: CitationStyle, lang: Lang) -> None:
    """APA, Chicago (14.114) and Cite Them Right name an edition only if it is not the
    first: SBi 2018:09's "1" is in the exports, not in the reference list."""
    sbi = [ref("sbi-2018-09")]
    entry = format_text(sbi, style, lang)
    assert "udg." not in entry
    assert "ed." not in entry
    assert "  edition = {1},\n" in format_bibtex(sbi, lang)
    second = format_text([replace(ref("sbi-2018-09"), edition="2")], style, lang)
    assert ("2. udg." if lang is DA else "2nd ed.") in second


def test_the_booklet_title_is_italic_in_every_style() -> None:
    """The booklet is a work published on its own: its title is in italics, in Harvard too."""
    for style in (APA, HARVARD, CHICAGO):
        for lang in Lang:
            assert "*Boligsociale indsatser – kort fortalt*" in format_markdown(
                [BOOKLET], style, lang
            )


def test_family_names_alone_with_the_same_name_twice() -> None:
    """Two authors of one family name, given names unknown: "Hansen & Hansen (2020).", the
    full stop looked for after the second name, not the first."""
    hansens = replace(_PERSON_WORK, author=(Name(family="Hansen"), Name(family="Hansen")))
    assert format_text([hansens], APA, DA) == "Hansen & Hansen (2020).\n"
    assert format_text([hansens], CHICAGO, EN) == "Hansen and Hansen. 2020.\n"
