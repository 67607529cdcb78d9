"""Matching as people type, and the filters over findings."""

from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from boligsocial_cli.dataset.load import load_dataset
from boligsocial_cli.dataset.locations import bundled_dataset_path
from boligsocial_cli.errors import UsageError
from boligsocial_cli.model import Dataset, EvidenceKind
from boligsocial_cli.query import (
    FindingFilter,
    count_findings,
    filter_findings,
    fold,
    join_folded,
    relax_empty_query,
)
from boligsocial_cli.resolver import resolve_finding, resolve_reference, resolve_theme


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    return load_dataset(bundled_dataset_path())


@pytest.mark.parametrize(
    ("typed", "written"),
    [
        ("boligomraade", "boligområde"),
        ("boligomrade", "boligområde"),
        ("FORAELDRE", "forældre"),
        ("foraldre", "Forældre"),
        ("Aero", "Ærø"),
        ("soegaard", "Søgaard"),
        ("resume", "resumé"),
    ],
)
def test_fold_matches_danish_letters_however_typed(typed: str, written: str) -> None:
    """æ/ø/å typed as ae/oe/aa or a/o, any case, accents dropped: all fold alike."""
    assert fold(typed) == fold(written)


@pytest.mark.parametrize(
    ("typed", "theme_id"),
    [
        ("kriminalitet", "kriminalitet"),
        ("krim", "kriminalitet"),
        ("Crime", "kriminalitet"),
        ("Tryghed og trivsel", "tryghed-trivsel"),
        ("uddannelse og beskaeftigelse", "uddannelse-beskaeftigelse"),
        ("forebyggelse og foraeldrekompetencer", "forebyggelse"),
    ],
)
def test_resolve_theme_by_id_name_or_prefix(dataset: Dataset, typed: str, theme_id: str) -> None:
    """Themes resolve by id, Danish or English name, any spelling of æøå, or unique prefix."""
    assert resolve_theme(dataset.themes, typed).id == theme_id


@pytest.mark.usefixtures("english")
def test_unknown_theme_suggests_the_closest(dataset: Dataset) -> None:
    """A misspelt theme fails with a suggestion and the valid choices."""
    with pytest.raises(UsageError, match=r"kriminalitet'\?.*Valid choices: .*tryghed-trivsel"):
        resolve_theme(dataset.themes, "krimnalitet")


@pytest.mark.usefixtures("english")
def test_ambiguous_prefix_is_refused(dataset: Dataset) -> None:
    """A prefix that fits several findings names them rather than guessing."""
    with pytest.raises(UsageError, match="ambiguous"):
        resolve_finding(dataset.findings, "tryghed")


@pytest.mark.parametrize(
    ("typed", "reference_id"),
    [
        ("Christensen 2018b", "christensen-2018b"),
        ("Christensen m.fl., 2018b", "christensen-2018b"),
        ("SBi 2018:09", "sbi-2018-09"),
        ("sbi-2018-09", "sbi-2018-09"),
        ("Andersen & Aero, 1999", "andersen-aeroe-1999"),
        ("Christensen & Geerdsen 2016", "christensen-geerdsen-2016"),
        ("Andersson 2010", "andersson-2010"),
        ("Holmquist", "andersson-2010"),
        ("Ahrenkiel", "nielsen-2016"),
    ],
)
def test_resolve_reference_from_loose_forms(
    dataset: Dataset, typed: str, reference_id: str
) -> None:
    """References resolve from ids and the citation forms people type."""
    assert resolve_reference(dataset.references, typed).id == reference_id


def test_effects_only_gives_the_three_effect_measurements(dataset: Dataset) -> None:
    """--effects-only keeps only findings whose evidence is an effect measurement."""
    found = filter_findings(dataset, FindingFilter(effects_only=True))
    assert {f.id for f in found} == {
        "fritidsjob-tre-gange-chance",
        "netvaerksmoedre-uddannelse",
        "maends-ledighed",
    }


def test_filters_combine(dataset: Dataset) -> None:
    """Theme and evidence filters combine with AND."""
    found = filter_findings(
        dataset, FindingFilter(themes=("tryghed-trivsel",), evidence=(EvidenceKind.FORANDRING,))
    )
    assert found
    assert all(
        f.theme == "tryghed-trivsel" and f.evidence is EvidenceKind.FORANDRING for f in found
    )


def test_search_covers_quotes_and_citations_accent_insensitively(dataset: Dataset) -> None:
    """Search finds words in quotes (any æøå spelling) and in the cited works' names."""
    by_quote = filter_findings(dataset, FindingFilter(search="netvaerksmodre"))
    assert [f.id for f in by_quote] == ["netvaerksmoedre-uddannelse"]
    by_author = filter_findings(dataset, FindingFilter(search="Geerdsen"))
    assert [f.id for f in by_author] == ["maends-ledighed"]


def test_search_looks_in_every_text_a_finding_is_known_by(dataset: Dataset) -> None:
    """Each of a finding's texts, its theme's names and its works' names and titles find it;
    words from different ones combine."""
    themes = {theme.id: theme for theme in dataset.themes}
    references = {reference.id: reference for reference in dataset.references}
    for finding in dataset.findings:
        theme = themes[finding.theme]
        texts = [finding.quote, finding.summary.en, theme.name.en]
        for work in (references[citation] for citation in finding.citations[:1]):
            texts += [work.cited_as, work.title or "", *(name.family or "" for name in work.author)]
        texts += [text.en for text in (finding.target_group, finding.outcome) if text]
        words = [max(text.split(), key=len) for text in texts if text.split()]
        for word in words:
            found = filter_findings(dataset, FindingFilter(search=word.upper()))
            assert finding in found, (finding.id, word)
        both = filter_findings(dataset, FindingFilter(search=f"{words[0]} {words[-1]}"))
        assert finding in both


def _fold_char_by_char(text: str) -> str:
    """What `fold` means, written plainly: a reference to test the fast one against."""
    text = text.casefold()
    text = "".join({"æ": "ae", "ø": "oe", "å": "aa"}.get(ch, ch) for ch in text)
    kept = (ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
    text = re.sub(
        "aa|ae|oe", lambda match: {"aa": "a", "ae": "a", "oe": "o"}[match[0]], "".join(kept)
    )
    return re.sub(r"\s+", " ", text).strip()


@given(
    st.text(
        alphabet=st.one_of(
            st.characters(),
            st.sampled_from("æøåÆØÅaeo éüẞﬁ\u0301\u0308\u2028\u00a0\t\n"),
        )
    )
)
def test_fold_is_the_plain_definition(text: str) -> None:
    """The fast fold gives exactly what folding character by character gives."""
    assert fold(text) == _fold_char_by_char(text)


@given(st.lists(st.text(alphabet=st.one_of(st.characters(), st.sampled_from("æøåaeo ́\u00a0\t\n")))))
def test_folded_texts_joined_are_the_texts_joined_and_folded(texts: list[str]) -> None:
    """Folding each text and joining them is folding them joined: no fold looks across a
    space."""
    assert join_folded(map(fold, texts)) == fold(" ".join(texts))


def test_an_empty_query_is_relaxed_by_its_narrowest_filter(dataset: Dataset) -> None:
    """Crime has no effect measurements; dropping --effects-only shows what crime has."""
    criteria = FindingFilter(themes=("kriminalitet",), effects_only=True)
    assert filter_findings(dataset, criteria) == ()
    relaxed = relax_empty_query(dataset, criteria)
    assert relaxed is not None
    assert relaxed.dropped == "--effects-only"
    assert relaxed.ids == tuple(f.id for f in dataset.findings if f.theme == "kriminalitet")


def test_no_relaxation_when_dropping_any_filter_still_finds_nothing(dataset: Dataset) -> None:
    """A hint that would say '0 findings' is no hint: none is given."""
    criteria = FindingFilter(themes=("kriminalitet",), effects_only=True, search="zzzz")
    assert relax_empty_query(dataset, criteria) is None


def test_relaxation_drops_the_filter_that_brings_back_most(dataset: Dataset) -> None:
    """Of several filters, the one whose removal finds the most is named."""
    criteria = FindingFilter(themes=("kriminalitet",), effects_only=True, search="fritidsjob")
    relaxed = relax_empty_query(dataset, criteria)
    assert relaxed is not None
    assert relaxed.dropped == "--theme"
    assert relaxed.ids == ("fritidsjob-tre-gange-chance",)


@pytest.mark.usefixtures("english")
def test_a_blank_reference_is_unknown_not_ambiguous(dataset: Dataset) -> None:
    """An empty --cites value names no work: it is refused as unknown."""
    with pytest.raises(UsageError, match="Unknown reference"):
        resolve_reference(dataset.references, " ")


def test_counts_are_per_theme_and_evidence_kind(dataset: Dataset) -> None:
    """The counts add up to the findings, each pair counted as often as it occurs."""
    counts = count_findings(dataset.findings)
    assert sum(counts.values()) == len(dataset.findings)
    first = dataset.findings[0]
    same = [f for f in dataset.findings if (f.theme, f.evidence) == (first.theme, first.evidence)]
    assert counts[first.theme, first.evidence] == len(same)


@pytest.mark.parametrize(
    "criteria",
    [FindingFilter(), FindingFilter(themes=("kriminalitet",)), FindingFilter(search="zzzz")],
)
def test_a_query_of_one_filter_is_not_relaxed(dataset: Dataset, criteria: FindingFilter) -> None:
    """With one filter there is none to suggest dropping, whatever it matches."""
    assert relax_empty_query(dataset, criteria) is None
