"""`boligsocial cite`: selection, styles, formats and errors through the CLI."""

from __future__ import annotations

import json
import re

import bibtexparser
import pytest
import rispy

from boligsocial_cli.errors import ExitCode

from .conftest import Invoke


def test_cite_without_arguments_lists_every_work_alphabetically(invoke: Invoke) -> None:
    """The default is the booklet's whole reference list, APA, sorted, one entry a line."""
    result = invoke("cite")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert len(lines) == 24
    first_authors = [re.split(r"[,.]| [(&]", line)[0] for line in lines]
    assert first_authors == sorted(first_authors, key=str.casefold)
    assert sum("[ikke verificeret]" in line for line in lines) == 11


@pytest.mark.parametrize(
    ("keys", "expected"),
    [
        (["Christensen 2018b"], ["christensen-2018b"]),
        (["SBi 2018:09", "massey-1994"], ["massey-1994", "sbi-2018-09"]),
    ],
)
def test_cite_selected_keys(invoke: Invoke, keys: list[str], expected: list[str]) -> None:
    """Works can be named by id or by the loose forms people type."""
    records = json.loads(invoke("cite", *keys, "--format", "csl-json").stdout)
    assert sorted(record["id"] for record in records) == expected


def test_cite_a_finding_gives_its_works(invoke: Invoke) -> None:
    """--finding gives exactly the works that finding cites."""
    records = json.loads(invoke("cite", "--finding", "maends-ledighed", "-f", "csl-json").stdout)
    assert {record["id"] for record in records} == {"christensen-geerdsen-2016", "christensen-2013"}


def test_cite_effects_only_gives_the_works_behind_effects(invoke: Invoke) -> None:
    """--effects-only gives the works behind the three effect measurements."""
    records = json.loads(invoke("cite", "--effects-only", "-f", "csl-json").stdout)
    assert {record["id"] for record in records} == {
        "christensen-2018b",
        "christensen-geerdsen-2016",
        "christensen-2013",
    }


def test_cite_theme_includes_its_context(invoke: Invoke) -> None:
    """--theme gives the works behind the theme's findings and its context passages."""
    records = json.loads(invoke("cite", "--theme", "krim", "-f", "csl-json").stdout)
    ids = {record["id"] for record in records}
    assert {"christensen-2019", "glad-2018", "sonne-frederiksen-2017"} <= ids


def test_cite_booklet(invoke: Invoke) -> None:
    """--booklet cites the booklet itself, without invented year or publisher."""
    text = invoke("cite", "--booklet").stdout
    assert "Boligsociale indsatser – kort fortalt" in text
    assert "VIVE" not in text


def test_kort_style_is_the_booklets_in_text_form(invoke: Invoke) -> None:
    """--style kort gives the booklet's short forms, year letters as the booklet assigns them."""
    lines = invoke("cite", "--effects-only", "--style", "kort").stdout.splitlines()
    assert lines == [
        "Christensen, 2013",
        "Christensen & Geerdsen, 2016",
        "Christensen m.fl., 2018b",
    ]


def test_bibtex_output_parses_completely(invoke: Invoke) -> None:
    """`cite --format bibtex` is a complete BibTeX file: every work an entry, keys unique."""
    library = bibtexparser.parse_string(  # type: ignore[attr-defined] # not in its __all__
        invoke("cite", "--format", "bibtex").stdout
    )
    assert library.failed_blocks == []
    keys = [entry.key for entry in library.entries]
    assert len(keys) == 24
    assert len(set(keys)) == 24


def test_ris_output_parses_completely(invoke: Invoke) -> None:
    """`cite --format ris` reads back as one RIS record per work."""
    assert len(rispy.loads(invoke("cite", "--format", "ris").stdout)) == 24


def test_empty_selection_says_so(invoke: Invoke) -> None:
    """Crime has no effect findings, so there is nothing to cite: said on stderr, exit 0."""
    result = invoke("cite", "--theme", "kriminalitet", "--effects-only")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert "Ingen værker" in result.stderr


def test_unknown_style_and_key_are_usage_errors(invoke: Invoke) -> None:
    """A missing CSL file or an unknown work exits 2 with a message, nothing on stdout."""
    missing = invoke("cite", "--style", "nowhere.csl")
    assert missing.exit_code == ExitCode.BAD_USAGE
    assert "nowhere.csl" in missing.stderr
    unknown = invoke("cite", "Hansen 1999")
    assert unknown.exit_code == ExitCode.BAD_USAGE
    assert unknown.stdout == ""


@pytest.mark.parametrize("output", ["csl-json", "bibtex", "ris"])
def test_data_formats_list_works_in_reference_list_order(invoke: Invoke, output: str) -> None:
    """BibTeX, RIS and CSL-JSON list the works by author names and year, as the text does."""
    records = json.loads(invoke("cite", "-f", "csl-json").stdout)
    families = [
        " ".join(name.get("family", name.get("literal", "")) for name in record["author"])
        for record in records
    ]
    assert families == sorted(families, key=str.casefold)
    first = invoke("cite", "-f", output).stdout
    assert first.index("andersen-2002") < first.index("andersson-2010") < first.index("sbi-2018-09")
