"""Laying dataset files over one another: pure tests of reading one file and of `merge`."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from boligsocial_cli.dataset.load import build_layer, load_dataset, read_layer, read_layers
from boligsocial_cli.dataset.locations import BUNDLED_LABEL, bundled_dataset_path
from boligsocial_cli.dataset.overlay import Layer, merge
from boligsocial_cli.dataset.safe_yaml import read_yaml_text
from boligsocial_cli.errors import DatasetError, Problem, UsageError
from boligsocial_cli.model import BaseDataset

FIXTURES = Path(__file__).parent / "fixtures"
MINI = FIXTURES / "mini.yaml"


def overlay(text: str, file: str = "overlay.yaml") -> Layer:
    """A layer from YAML text, shown as `file`."""
    return build_layer(read_yaml_text(text, file), file, file)


def problems_of(layers: list[Layer]) -> tuple[Problem, ...]:
    """The problems merging `layers` raises."""
    with pytest.raises(DatasetError) as caught:
        merge(layers)
    return caught.value.problems


FINDING = """
  - id: {id}
    theme: {theme}
    evidence: vurdering
    summary: {{da: Et fund., en: A finding.}}
    quote: "Et fund"
    page: 1
    citations: [{citations}]
"""


def finding(id_: str, theme: str = "boern", citations: str = "") -> str:
    """One finding record as YAML list item text."""
    return FINDING.format(id=id_, theme=theme, citations=citations)


def test_a_single_file_merges_to_itself() -> None:
    """One file alone is the whole dataset, its records labelled with where they came from."""
    dataset = merge([read_layer(MINI)])
    assert [finding.id for finding in dataset.findings] == [
        "boern-effekt",
        "boern-forandring",
        "tryghed-forskning",
    ]
    assert {finding.origin for finding in dataset.findings} == {str(MINI)}
    assert dataset.meta.dataset_version == "0.1"


def test_an_overlay_adds_themes_findings_and_references() -> None:
    """Later files append their records; they may use earlier themes and cite earlier works."""
    adds = FIXTURES / "overlay-adds.yaml"
    dataset = load_dataset([MINI, adds])
    assert [theme.id for theme in dataset.themes] == ["boern", "tryghed", "lokalt"]
    assert [finding.id for finding in dataset.findings][-2:] == [
        "lokalt-lektiecafe",
        "boern-lokalt",
    ]
    assert [reference.id for reference in dataset.references] == [
        "hansen-2019",
        "oeberg-2018",
        "kommune-2024",
    ]
    origins = {finding.id: finding.origin for finding in dataset.findings}
    assert origins["boern-effekt"] == str(MINI)
    assert origins["boern-lokalt"] == str(adds)
    assert dataset.themes[-1].origin == str(adds)
    assert dataset.references[-1].origin == str(adds)


@pytest.mark.usefixtures("english")
def test_an_id_reused_without_replaces_is_an_error_naming_both_places() -> None:
    """A collision names the later record's file, line and path, and the earlier file and line."""
    problems = problems_of([read_layer(MINI), read_layer(FIXTURES / "overlay-collides.yaml")])
    collides = str(FIXTURES / "overlay-collides.yaml")
    assert [str(problem) for problem in problems] == [
        f"{collides}:3: themes[0] (tryghed).id: theme 'tryghed' is already defined at "
        f"{MINI}:32; add 'replaces: true' to replace it, or choose another id",
        f"{collides}:8: findings[0] (boern-effekt).id: finding 'boern-effekt' is already "
        f"defined at {MINI}:37; add 'replaces: true' to replace it, or choose another id",
    ]


def test_replaces_true_puts_the_new_record_in_the_old_ones_place() -> None:
    """A replacement keeps the replaced record's position and carries its own file as origin."""
    replaces = FIXTURES / "overlay-replaces.yaml"
    dataset = load_dataset([MINI, replaces])
    assert [finding.id for finding in dataset.findings] == [
        "boern-effekt",
        "boern-forandring",
        "tryghed-forskning",
    ]
    replaced = dataset.findings[1]
    assert replaced.summary.en == "Corrected summary."
    assert replaced.origin == str(replaces)
    assert replaced.replaces is True
    reference = next(ref for ref in dataset.references if ref.id == "oeberg-2018")
    assert (reference.title, reference.origin) == ("En bekræftet artikel", str(replaces))


@pytest.mark.usefixtures("english")
def test_replaces_with_nothing_to_replace_is_an_error() -> None:
    """`replaces: true` on an id no earlier file has is reported at the id, a close id suggested."""
    text = "findings:" + finding("boern-efekt") + "    replaces: true\n"
    (problem,) = problems_of([read_layer(MINI), overlay(text)])
    assert (problem.line, problem.path) == (2, "findings[0] (boern-efekt).id")
    assert problem.message == (
        "'replaces: true', but no earlier file has a finding 'boern-efekt' "
        "(did you mean 'boern-effekt'?)"
    )


@pytest.mark.usefixtures("english")
def test_links_resolve_against_earlier_files_only() -> None:
    """A citation of a work that only a later file defines is unknown where it is written."""
    first = overlay("findings:" + finding("ny-et", citations="senere-2024"), "first.yaml")
    later = overlay(
        "references:\n  - {id: senere-2024, cited_as: 'Senere, 2024', status: unverified}\n",
        "later.yaml",
    )
    (problem,) = problems_of([read_layer(MINI), first, later])
    assert str(problem) == (
        "first.yaml:8: findings[0] (ny-et).citations[0]: unknown reference 'senere-2024'"
    )
    # the same files in the other order combine cleanly
    assert merge([read_layer(MINI), later, first]).findings[-1].citations == ("senere-2024",)


@pytest.mark.usefixtures("english")
def test_an_unknown_theme_in_an_overlay_is_located_with_a_suggestion() -> None:
    """A finding's theme must be defined in its file or an earlier one; a near miss is named."""
    (problem,) = problems_of([read_layer(MINI), overlay("findings:" + finding("ny", "tryhed"))])
    assert str(problem) == (
        "overlay.yaml:3: findings[0] (ny).theme: unknown theme 'tryhed' (did you mean 'tryghed'?)"
    )


@pytest.mark.usefixtures("english")
def test_the_first_file_must_be_a_whole_dataset() -> None:
    """A first file without meta and evidence kinds is refused, saying how to lay it over."""
    (problem,) = problems_of([read_layer(FIXTURES / "overlay-adds.yaml")])
    assert problem.message.startswith("no meta and evidence_kinds: the first file is the base")
    assert "'extends: bundled'" in problem.message
    assert "--data base.yaml --data this.yaml" in problem.message


@pytest.mark.usefixtures("english")
def test_overlays_hold_only_themes_findings_and_references() -> None:
    """Sections that describe the whole dataset may only come from the first file."""
    text = "glossary:\n  - {term: lektiecafé, definition: {da: Hjælp., en: Help.}}\n"
    (problem,) = problems_of([read_layer(MINI), overlay(text)])
    assert (problem.line, problem.path) == (1, "glossary")
    assert problem.message.startswith(f"only the base dataset (the first file, here {MINI})")


@pytest.mark.usefixtures("english")
def test_a_file_read_twice_is_an_error_not_a_flood_of_collisions() -> None:
    """Naming the same file twice gives one problem, not one per record."""
    assert [problem.message for problem in problems_of([read_layer(MINI), read_layer(MINI)])] == [
        "this file is read twice; name it once"
    ]


@pytest.mark.usefixtures("english")
def test_extends_bundled_needs_the_bundled_dataset_as_base() -> None:
    """`extends: bundled` over another base, or with nothing beneath, is located at the key."""
    extends = overlay("extends: bundled\n" + "findings:" + finding("ny"))
    assert [str(problem) for problem in problems_of([read_layer(MINI), extends])] == [
        f"overlay.yaml:1: extends: 'extends: bundled', but the base dataset here is {MINI}; "
        "remove this line to lay the file over that one"
    ]
    assert [str(problem) for problem in problems_of([extends])] == [
        "overlay.yaml:1: extends: this file is laid over the bundled dataset, which must be "
        "read before it"
    ]


def test_extends_bundled_puts_the_bundled_dataset_first() -> None:
    """Reading a file that extends the bundled data reads the bundled data first."""
    layers = read_layers([FIXTURES / "overlay-extends.yaml"])
    assert [layer.origin for layer in layers] == [
        BUNDLED_LABEL,
        str(FIXTURES / "overlay-extends.yaml"),
    ]
    assert layers[1].content.extends is BaseDataset.BUNDLED
    dataset = merge(layers)
    assert dataset.findings[-1].origin == str(FIXTURES / "overlay-extends.yaml")
    assert dataset.meta == merge(read_layers([bundled_dataset_path()])).meta


@pytest.mark.usefixtures("english")
def test_every_files_problems_are_collected_before_merging(tmp_path: Path) -> None:
    """Reading several broken files reports each file's problems, not only the first's."""
    broken = tmp_path / "broken.yaml"
    broken.write_text("findings:" + finding("Not-A-Slug"), encoding="utf-8")
    missing = tmp_path / "missing.yaml"
    with pytest.raises(DatasetError) as caught:
        read_layers([missing, MINI, broken])
    assert [str(problem) for problem in caught.value.problems] == [
        f"{missing}: no such file",
        f"{broken}:2: findings[0] (Not-A-Slug).id: 'Not-A-Slug' is not a slug (lower-case "
        "letters, digits and single hyphens, e.g. 'fritidsjob-effekt')",
    ]


def test_reading_goes_through_the_reader_given() -> None:
    """Every file, the bundled base too, is read by the reader passed in (a cache, say)."""
    read: list[Path] = []

    def reader(path: Path) -> Layer:
        read.append(path)
        return read_layer(path)

    load_dataset([FIXTURES / "overlay-extends.yaml"], read=reader)
    assert read == [FIXTURES / "overlay-extends.yaml", bundled_dataset_path()]


def test_records_keep_replaces_out_of_the_way_when_false() -> None:
    """Records without `replaces` read as not replacing anything."""
    dataset = merge([read_layer(MINI)])
    assert not any(finding.replaces for finding in dataset.findings)


def test_a_layer_survives_pickling_so_it_can_be_cached() -> None:
    """The per-file result is plain data: a cache can store it and give it back unchanged."""
    layer = read_layer(FIXTURES / "overlay-adds.yaml")
    assert pickle.loads(pickle.dumps(layer)) == layer  # noqa: S301 - our own data


def test_merge_of_nothing_is_a_usage_error() -> None:
    """With no file at all there is nothing to read: a usage error, not a crash."""
    with pytest.raises(UsageError):
        merge([])


def test_a_failing_overlay_on_an_extending_stack_sees_the_bundled_themes(tmp_path: Path) -> None:
    """A bad second file over `extends: bundled` is checked against the bundled data too:
    its own problem is reported, not every bundled theme it uses as unknown."""
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        "findings:\n  - id: uden-citat\n    theme: kriminalitet\n    evidence: effekt\n",
        encoding="utf-8",
    )
    with pytest.raises(DatasetError) as raised:
        load_dataset([FIXTURES / "overlay-extends.yaml", broken])
    paths = [problem.path for problem in raised.value.problems]
    assert paths
    assert not any(path.endswith(".theme") for path in paths)
