"""Validation against the typed model: every problem found at once, each with its place."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from boligsocial_cli.dataset.load import build_layer, validate_files
from boligsocial_cli.dataset.overlay import LayerError, merge
from boligsocial_cli.dataset.safe_yaml import read_yaml_text
from boligsocial_cli.errors import DatasetError

from .conftest import FIXTURES

MINI = (FIXTURES / "mini.yaml").read_text(encoding="utf-8")


def problems_in(text: str) -> list[str]:
    """The problems of a dataset text, as the CLI prints them."""
    try:
        merge([build_layer(read_yaml_text(text, "x.yaml"), "x.yaml", "x.yaml")])
    except LayerError as error:  # the file's own problems, and its links all the same
        return [str(problem) for problem in (*error.problems, *error.unresolved([]))]
    except DatasetError as error:
        return [str(problem) for problem in error.problems]
    return []


def line_of(text: str, needle: str) -> int:
    return text.splitlines().index(next(line for line in text.splitlines() if needle in line)) + 1


def test_the_mini_fixture_is_valid() -> None:
    """The small test dataset has no problems (so every other test changes one thing)."""
    assert problems_in(MINI) == []


@pytest.mark.usefixtures("english")
def test_every_problem_is_reported_at_once_with_line_and_record() -> None:
    """Unknown theme, dangling citation and bad evidence kind: all three, each located."""
    text = (
        MINI.replace("theme: tryghed\n", "theme: trygged\n")
        .replace("citations: [hansen-2019, oeberg-2018]", "citations: [hansen-2019, nobody-2020]")
        .replace("evidence: effekt", "evidence: anekdote")
    )
    problems = problems_in(text)
    assert len(problems) == 3
    assert (
        f"x.yaml:{line_of(text, 'theme: trygged')}: findings[2] (tryghed-forskning).theme: "
        "unknown theme 'trygged' (did you mean 'tryghed'?)" in problems
    )
    assert any(
        "findings[1] (boern-forandring).citations[1]: unknown reference 'nobody-2020'" in p
        for p in problems
    )
    assert any(
        "'anekdote' is not one of effekt, forandring, vurdering, forskning" in p for p in problems
    )


@pytest.mark.usefixtures("english")
def test_yaml_11_sexagesimal_number_is_caught() -> None:
    """An unquoted 2018:09 is read by YAML 1.1 as 121089; the schema says to quote it."""
    text = MINI.replace('issued: "2019-05"', 'issued: "2019-05"\n    number: 2018:09')
    [problem] = problems_in(text)
    assert "references[0] (hansen-2019).number: expected text, got the integer 121089" in problem
    assert "2018:09" in problem


@pytest.mark.usefixtures("english")
def test_yaml_11_no_is_caught() -> None:
    """An unquoted `no` is read as false; text fields say so and how to fix it."""
    text = MINI.replace('title: "En rapport om børn"', "title: no")
    [problem] = problems_in(text)
    assert "title: expected text, got the boolean false" in problem
    assert "quotes" in problem


@pytest.mark.usefixtures("english")
def test_page_must_be_a_whole_number_within_the_publication() -> None:
    """A page of 0, a page past meta.pages and a page as text are all refused."""
    text = MINI.replace("page: 2", "page: 7").replace(
        "page: 1\n    citations: [hansen-2019]\n", 'page: "1"\n    citations: [hansen-2019]\n', 1
    )
    problems = problems_in(text)
    assert any("tryghed-forskning).page: must be 1-2" in p for p in problems)
    assert any("boern-effekt).page: expected a whole number" in p for p in problems)
    assert any("must be at least 1" in p for p in problems_in(MINI.replace("page: 2", "page: 0")))


@pytest.mark.usefixtures("english")
def test_missing_and_unknown_fields() -> None:
    """A missing required field and a misspelt key are both reported, with a suggestion."""
    text = MINI.replace('    quote: "Tryghed varierer"\n', "").replace("qualifiers:", "qualifier:")
    problems = problems_in(text)
    assert any("tryghed-forskning).quote: missing (required)" in p for p in problems)
    assert any("qualifier: unknown field (did you mean 'qualifiers'?)" in p for p in problems)


@pytest.mark.usefixtures("english")
def test_empty_quote_and_bad_slug() -> None:
    """Quotes must not be empty; ids must be slugs."""
    text = MINI.replace('quote: "Børn får det bedre"', 'quote: "  "').replace(
        "id: boern-effekt", "id: Børn Effekt"
    )
    problems = problems_in(text)
    assert any(".quote: must not be empty" in p for p in problems)
    assert any("is not a slug" in p for p in problems)


@pytest.mark.usefixtures("english")
def test_a_language_is_a_bcp47_tag() -> None:
    """A work's language is a tag such as "da" or "en-US", not the language's name."""
    good = MINI.replace("    type: report\n", "    type: report\n    language: en-US\n", 1)
    assert problems_in(good) == []
    bad = MINI.replace("    type: report\n", "    language: Danish\n    type: report\n", 1)
    problems = problems_in(bad)
    assert len(problems) == 1
    assert problems[0].startswith("x.yaml:")
    assert problems[0].endswith(
        "references[0] (hansen-2019).language: 'Danish' is not a language tag"
        " (BCP 47, e.g. 'da', 'en' or 'en-US')"
    )


@pytest.mark.usefixtures("english")
def test_duplicate_ids_name_the_first_use() -> None:
    """A second record with the same id points back at the first."""
    text = MINI.replace("id: boern-forandring", "id: boern-effekt")
    [problem] = problems_in(text)
    assert "findings[1] (boern-effekt).id: duplicate id, first used at findings[0]" in problem


@pytest.mark.usefixtures("english")
def test_duplicate_mapping_keys_are_lost_data() -> None:
    """PyYAML keeps the last of two equal keys; we refuse the file, say where, and go on."""
    text = MINI.replace("    page: 2\n", "    page: 2\n    page: 1\n").replace(
        "evidence: effekt", "evidence: anekdote"
    )
    problems = problems_in(text)
    assert any(re.search(r"x.yaml:\d+:\d+: duplicate key 'page'", p) for p in problems)
    assert any("'anekdote' is not one of" in p for p in problems)


@pytest.mark.usefixtures("english")
def test_python_tags_are_never_executed() -> None:
    """A !!python/object tag is a YAML error, not code."""
    text = "meta: !!python/object/apply:os.system ['echo pwned']\n"
    with pytest.raises(DatasetError, match=r"x.yaml:1:\d+: invalid YAML"):
        read_yaml_text(text, "x.yaml")


@pytest.mark.usefixtures("english")
def test_billion_laughs_fails_fast() -> None:
    """Nested aliases that would expand to a billion nodes are refused."""
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    with pytest.raises(DatasetError, match="aliases expand"):
        read_yaml_text("\n".join(lines) + "\n", "x.yaml")


@pytest.mark.usefixtures("english")
def test_wrong_root_type() -> None:
    """A list at the top is not a dataset."""
    assert problems_in("- 1\n- 2\n") == [
        "x.yaml: expected a mapping of extends, meta, evidence_kinds, themes, findings, "
        "challenges, background, glossary, references, got a list"
    ]


def test_the_bundled_dataset_round_trips_through_yaml(tmp_path: Path) -> None:
    """Problems are found in the data, not in its formatting: a re-dumped copy is valid too."""
    data = yaml.safe_load(MINI)
    copy = tmp_path / "copy.yaml"
    copy.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert problems_in(copy.read_text(encoding="utf-8")) == []


@pytest.mark.usefixtures("english")
def test_a_file_with_problems_of_its_own_still_has_its_links_checked(tmp_path: Path) -> None:
    """A type error does not hide an unknown theme: `validate` reports both in one run."""
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        MINI.replace("evidence: effekt", "evidence: anekdote").replace(
            "theme: tryghed\n", "theme: trygged\n"
        ),
        encoding="utf-8",
    )
    with pytest.raises(DatasetError) as raised:
        validate_files([broken])
    messages = [problem.message for problem in raised.value.problems]
    assert any("'anekdote' is not one of" in message for message in messages)
    assert any("unknown theme 'trygged'" in message for message in messages)
