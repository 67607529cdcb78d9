"""Listing rows and their exporters: stable fields, headers even when empty, every format."""

from __future__ import annotations

import csv
import io

import pytest

from boligsocial_cli.dataset.load import load_dataset
from boligsocial_cli.dataset.locations import bundled_dataset_path
from boligsocial_cli.formats import OutputFormat
from boligsocial_cli.model import EvidenceKind, Lang
from boligsocial_cli.output.listings import (
    CHALLENGE_COLUMNS,
    EVIDENCE_MAP_COLUMNS,
    FINDING_COLUMNS,
    GLOSSARY_COLUMNS,
    LISTING_EXPORTERS,
    THEME_COLUMNS,
    challenge_row,
    evidence_map_rows,
    finding_row,
    glossary_row,
    theme_row,
)
from boligsocial_cli.query import count_findings

DATASET = load_dataset(bundled_dataset_path())
COUNTS = count_findings(DATASET.findings)


def test_theme_and_evidence_map_rows_count_each_themes_findings() -> None:
    """A theme's row counts its findings and effects; the map counts each kind and the total."""
    maps = {row["id"]: row for row in evidence_map_rows(DATASET.themes, COUNTS, Lang.DA)}
    for theme in DATASET.themes:
        own = [finding for finding in DATASET.findings if finding.theme == theme.id]
        row = theme_row(theme, COUNTS, Lang.DA)
        effects = [finding for finding in own if finding.evidence is EvidenceKind.EFFEKT]
        assert (row["findings"], row["effects"]) == (len(own), len(effects))
        for kind in EvidenceKind:
            assert maps[theme.id][kind.value] == sum(1 for f in own if f.evidence is kind)
        assert maps[theme.id]["total"] == len(own)
    assert sum(row["effects"] for row in (theme_row(t, COUNTS, Lang.DA) for t in DATASET.themes))


def test_every_row_has_exactly_its_listings_fields_in_order() -> None:
    """Each row builder gives the fields its column constant names, in that order."""
    assert tuple(finding_row(DATASET.findings[0], Lang.DA)) == FINDING_COLUMNS
    assert tuple(theme_row(DATASET.themes[0], COUNTS, Lang.DA)) == THEME_COLUMNS
    assert tuple(evidence_map_rows(DATASET.themes, COUNTS, Lang.DA)[0]) == EVIDENCE_MAP_COLUMNS
    assert tuple(challenge_row(DATASET.challenges[0], Lang.DA)) == CHALLENGE_COLUMNS
    assert tuple(glossary_row(DATASET.glossary[0], Lang.DA)) == GLOSSARY_COLUMNS


def test_every_format_but_table_has_an_exporter() -> None:
    """The registry covers every data format; `table` is Rich's."""
    assert set(LISTING_EXPORTERS) == set(OutputFormat) - {OutputFormat.TABLE}


def test_empty_csv_and_markdown_keep_their_header() -> None:
    """A script reading an empty answer still finds the field names."""
    empty_csv = LISTING_EXPORTERS[OutputFormat.CSV]([], THEME_COLUMNS)
    assert list(csv.reader(io.StringIO(empty_csv))) == [list(THEME_COLUMNS)]
    empty_markdown = LISTING_EXPORTERS[OutputFormat.MARKDOWN]([], ("id", "name"))
    assert empty_markdown == "| id | name |\n| --- | --- |\n"
    assert LISTING_EXPORTERS[OutputFormat.JSON]([], THEME_COLUMNS) == "[]\n"


@pytest.mark.parametrize("output", [OutputFormat.CSV, OutputFormat.MARKDOWN])
def test_cells_cannot_break_the_table(output: OutputFormat) -> None:
    """A pipe, a line break or a comma inside a value stays inside its cell."""
    rows = [{"id": "a|b", "name": "line\nbreak, with comma"}]
    text = LISTING_EXPORTERS[output](rows, ("id", "name"))
    if output is OutputFormat.CSV:
        assert list(csv.DictReader(io.StringIO(text))) == [
            {"id": "a|b", "name": "line\nbreak, with comma"}
        ]
    else:
        assert text.splitlines()[2] == "| a\\|b | line break, with comma |"
