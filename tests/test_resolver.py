"""The one resolver: every name a user types, matched the same forgiving way."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from boligsocial_cli.bibliography.csl import CitationStyle, parse_style
from boligsocial_cli.cli import app
from boligsocial_cli.dataset.load import load_dataset
from boligsocial_cli.dataset.locations import bundled_dataset_path
from boligsocial_cli.errors import UsageError
from boligsocial_cli.formats import BibliographyFormat, OutputFormat
from boligsocial_cli.model import Dataset, EvidenceKind, Lang, Localized, Theme
from boligsocial_cli.resolver import (
    find_glossary_entries,
    resolve_bibliography_format,
    resolve_evidence,
    resolve_lang,
    resolve_output_format,
    resolve_reference,
    resolve_theme,
    stem,
    suggest,
    theme_choices,
    words,
)


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    return load_dataset(bundled_dataset_path())


@pytest.mark.parametrize(
    ("typed", "theme_id"),
    [
        ("beskaeftigelse", "uddannelse-beskaeftigelse"),
        ("beskæftigelse", "uddannelse-beskaeftigelse"),
        ("Beskæftigelsen", "uddannelse-beskaeftigelse"),
        ("trivsel", "tryghed-trivsel"),
        ("employment", "uddannelse-beskaeftigelse"),
        ("forældre", "forebyggelse"),
        ("foraeldre", "forebyggelse"),
        ("parenting", "forebyggelse"),
        ("crime", "kriminalitet"),
        ("krim", "kriminalitet"),
        ("well-being", "tryghed-trivsel"),
        ("organisation", "organisering"),
    ],
)
def test_a_theme_by_any_word_of_its_name(dataset: Dataset, typed: str, theme_id: str) -> None:
    """A whole word of a Danish or English name, its start or an inflected form finds the theme."""
    assert resolve_theme(dataset.themes, typed).id == theme_id


def test_an_exact_id_wins_over_a_name() -> None:
    """A theme whose id is typed wins over another theme that has the typed text as its name."""
    themes = (
        Theme("omraader", Localized("Tryghed", "Safety"), Localized("", "")),
        Theme("tryghed", Localized("Boligområder", "Areas"), Localized("", "")),
    )
    assert resolve_theme(themes, "tryghed").id == "tryghed"
    assert resolve_theme(themes, "Safety").id == "omraader"


def test_a_whole_name_wins_over_a_word_of_another() -> None:
    """`Crime` names the theme called so, not one whose name merely contains the word."""
    themes = (
        Theme("a", Localized("Kriminalitet og tryghed", "Crime and safety"), Localized("", "")),
        Theme("b", Localized("Kriminalitet", "Crime"), Localized("", "")),
    )
    assert resolve_theme(themes, "crime").id == "b"


@pytest.mark.usefixtures("english")
def test_a_word_many_themes_share_is_ambiguous_and_names_them(dataset: Dataset) -> None:
    """A word in several names is refused, naming every theme it fits, never one at random."""
    with pytest.raises(UsageError, match="ambiguous: it matches segregering, forebyggelse,"):
        resolve_theme(dataset.themes, "og")


@pytest.mark.usefixtures("english")
@pytest.mark.parametrize(
    ("typed", "suggested"),
    [("parentng", "forebyggelse"), ("beskæftigelsse", "uddannelse-beskaeftigelse")],
)
def test_a_misspelt_theme_suggests_the_theme_it_misspells(
    dataset: Dataset, typed: str, suggested: str
) -> None:
    """A typo of a word of a theme's name is refused with that theme as the suggestion."""
    with pytest.raises(UsageError, match=f"Did you mean '{suggested}'"):
        resolve_theme(dataset.themes, typed)


def test_every_one_letter_typo_of_a_name_word_leads_to_its_theme(dataset: Dataset) -> None:
    """Dropping any letter of any long word of a theme's names either still finds that theme or
    suggests it: the suggestion comes from the names the resolver matches, so it is never
    another theme's."""
    choices = theme_choices(dataset.themes)
    wrong = []
    for theme in dataset.themes:
        for word in {w for name in (theme.name.da, theme.name.en) for w in words(name)}:
            if len(word) < 6:
                continue
            for index in range(len(word)):
                typo = word[:index] + word[index + 1 :]
                found: Theme | None
                try:
                    found = resolve_theme(dataset.themes, typo)
                except UsageError:
                    closest = suggest(typo, choices)
                    found = closest.value if closest else None
                if found is not theme:
                    wrong.append((typo, theme.id, found.id if found else None))
    assert wrong == []


@pytest.mark.parametrize(
    ("typed", "kind"),
    [
        ("effect", EvidenceKind.EFFEKT),
        ("eff", EvidenceKind.EFFEKT),
        ("EFFEKT", EvidenceKind.EFFEKT),
        ("Effects", EvidenceKind.EFFEKT),
        ("change", EvidenceKind.FORANDRING),
        ("forandringer", EvidenceKind.FORANDRING),
        ("assessment", EvidenceKind.VURDERING),
        ("Vurdering", EvidenceKind.VURDERING),
        ("research", EvidenceKind.FORSKNING),
        ("forsk", EvidenceKind.FORSKNING),
    ],
)
def test_an_evidence_kind_by_danish_or_english_name_or_prefix(
    dataset: Dataset, typed: str, kind: EvidenceKind
) -> None:
    """--evidence takes the dataset's Danish and English names, their start, any case."""
    assert resolve_evidence(dataset.evidence_kinds, typed) is kind


@pytest.mark.parametrize(
    ("typed", "style"),
    [
        ("APA", CitationStyle.APA),
        ("Harvard", CitationStyle.HARVARD),
        ("chic", CitationStyle.CHICAGO),
        ("chicago-author-date", CitationStyle.CHICAGO),
        ("KORT", CitationStyle.KORT),
    ],
)
def test_a_style_in_any_case_or_by_prefix(typed: str, style: CitationStyle) -> None:
    """--style names a built-in style in any case, by a prefix or by its file's name."""
    assert parse_style(typed) is style


@pytest.mark.usefixtures("english")
def test_a_misspelt_style_is_refused_with_a_suggestion() -> None:
    """An unknown style name that is no file gets the closest built-in style."""
    with pytest.raises(UsageError, match=r"Unknown citation style 'harvad'.*'harvard'"):
        parse_style("harvad")


@pytest.mark.parametrize(
    ("typed", "lang"),
    [
        ("dk", Lang.DA),
        ("DA", Lang.DA),
        ("dansk", Lang.DA),
        ("Danish", Lang.DA),
        ("da_DK.UTF-8", Lang.DA),
        ("english", Lang.EN),
        ("engelsk", Lang.EN),
        ("en-GB", Lang.EN),
        ("en_US", Lang.EN),
    ],
)
def test_a_language_by_code_name_or_alias(typed: str, lang: Lang) -> None:
    """--lang takes the codes, their Danish and English names, dk, and locale forms."""
    assert resolve_lang(typed) is lang


def test_formats_in_any_case_or_by_prefix() -> None:
    """--format takes any case, a prefix and the usual short names."""
    assert resolve_output_format("JSON") is OutputFormat.JSON
    assert resolve_output_format("md") is OutputFormat.MARKDOWN
    assert resolve_output_format("yml") is OutputFormat.YAML
    assert resolve_bibliography_format("bib") is BibliographyFormat.BIBTEX
    assert resolve_bibliography_format("CSL") is BibliographyFormat.CSL_JSON


def test_a_work_by_its_first_author_before_a_later_one(dataset: Dataset) -> None:
    """`glad` is Glad 2018, where Glad is first author, not Madsen, Kuipers & Glad 2017;
    a later author still finds a work when no work has that first author."""
    madsen = next(r for r in dataset.references if r.id == "madsen-2017")
    assert [name.family for name in madsen.author].index("Glad") == 2
    assert resolve_reference(dataset.references, "glad").id == "glad-2018"
    assert resolve_reference(dataset.references, "Glad 2018").id == "glad-2018"
    assert resolve_reference(dataset.references, "Kuipers").id == "madsen-2017"


def test_an_author_and_year_of_several_works_is_ambiguous(dataset: Dataset) -> None:
    """`Christensen 2018` fits 2018a, 2018b and 2018c (one issued "2018-12"): all are named."""
    with pytest.raises(UsageError, match="christensen-2018a, christensen-2018b, christensen-2018c"):
        resolve_reference(dataset.references, "Christensen 2018")


@pytest.mark.parametrize(
    ("typed", "term"),
    [
        ("helhedsplaner", "boligsocial helhedsplan"),
        ("helhedsplanen", "boligsocial helhedsplan"),
        ("forandringer", "forandring"),
        ("effekter", "effekt (effektmåling)"),
        ("bydelsmødrene", "netværksmødre (bydelsmødre)"),
        ("mentorindsatser", "mentorindsats"),
        ("pocket-money", "lommepengeprojekt"),
    ],
)
def test_a_glossary_term_by_an_inflected_form(dataset: Dataset, typed: str, term: str) -> None:
    """Plural, definite and other inflected forms find the term (Danish Snowball stems)."""
    assert term in [entry.term for entry in find_glossary_entries(dataset.glossary, typed)]


def test_glossary_text_inside_a_term_still_finds_it(dataset: Dataset) -> None:
    """`bolig` finds every term that contains it, not only those that begin with it."""
    found = {entry.term for entry in find_glossary_entries(dataset.glossary, "bolig")}
    assert {"almen bolig", "udsat boligområde", "boligaftale"} <= found


def test_stems_meet_across_inflections() -> None:
    """The Danish stemmer, the referee for inflected forms, folds these pairs together."""
    for inflected, base in [("helhedsplaner", "helhedsplan"), ("utrygheden", "utryghed")]:
        assert stem(inflected) == stem(base)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["findings", "--theme", "trivsel", "-f", "csv"], "tryghed-trivsel"),
        (["findings", "--evidence", "effect", "-f", "csv"], "maends-ledighed"),
        (["themes", "--lang", "dk", "-f", "csv"], "Tryghed og trivsel"),
        (["themes", "--lang", "english", "-f", "csv"], "Safety and well-being"),
        (["cite", "glad", "--style", "APA"], "Glad, Kjeldsen, Larsen"),
        (["glossary", "helhedsplaner"], "boligsocial helhedsplan"),
    ],
    ids=" ".join,
)
def test_the_commands_use_the_resolver(args: list[str], expected: str) -> None:
    """Each option that names something goes through the resolver on the command line."""
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.stderr
    assert expected in result.stdout


@pytest.mark.usefixtures("english")
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["findings", "--evidence", "proof"], "Error: Unknown evidence kind 'proof'."),
        (["themes", "--lang", "fr"], "Error: Unknown language 'fr'. Valid choices: da, en."),
        (["cite", "--style", "harvad"], "Error: Unknown citation style 'harvad'. Did you mean"),
        (["findings", "--theme", "parentng"], "Did you mean 'forebyggelse'?"),
    ],
    ids=" ".join,
)
def test_refusals_are_in_words_without_library_jargon(args: list[str], message: str) -> None:
    """A name that matches nothing exits 2 with the resolver's message, not a validator's."""
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Value error" not in result.stderr
    assert "Usage:" not in result.stderr


def _imports_stemmer(args: list[str], cache: Path) -> bool:
    code = (
        "import sys\n"
        f"sys.argv = ['boligsocial', *{args!r}]\n"
        "from boligsocial_cli.cli import main\n"
        "try:\n    main()\nexcept SystemExit as exit:\n    assert not exit.code, exit.code\n"
        "print('Stemmer' in sys.modules, file=sys.stderr)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "BOLIGSOCIAL_CACHE_DIR": str(cache)},
    )
    return result.stderr.splitlines()[-1] == "True"


def test_only_a_lookup_that_needs_stems_imports_the_stemmer(tmp_path: Path) -> None:
    """A theme by id, name or prefix is found without the stemmer; an inflected form loads it."""
    assert not _imports_stemmer(["findings", "--theme", "krim", "-f", "csv"], tmp_path)
    assert not _imports_stemmer(["themes", "--lang", "english"], tmp_path)
    assert _imports_stemmer(["glossary", "helhedsplaner"], tmp_path)


def test_shadowed_names_are_what_matching_each_name_finds() -> None:
    """shadowed_names looks names up instead of matching each against every record: it
    finds what running `matches` on every name finds, over names that collide on purpose."""
    from dataclasses import replace  # noqa: PLC0415

    from boligsocial_cli.resolver import (  # noqa: PLC0415
        matches,
        reference_choices,
        shadowed_names,
    )

    bundled = load_dataset(bundled_dataset_path())
    works = list(bundled.references)
    works.append(replace(works[0], id="kopi-af-foerste", cited_as=works[1].cited_as))
    works.append(replace(works[2], id="navn-som-id", cited_as=works[3].id))
    dataset = replace(bundled, references=tuple(works))
    choices = reference_choices(dataset.references)
    order = {choice.id: index for index, choice in enumerate(choices)}
    expected = {
        (choice.id, name, other)
        for choice in choices
        for name in choice.names
        for other in (match.id for match in matches(name, choices))
        if other != choice.id and (other == name or order[other] < order[choice.id])
    }
    found = {(s.record, s.name, s.other) for s in shadowed_names(dataset) if s.kind == "reference"}
    assert found
    assert {(r, n, o) for r, n, o in found if o != n} <= expected
    assert {(r, n, o) for r, n, o in expected if o != n} <= found
