"""Listings as plain data, and one exporter per machine-readable format."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from boligsocial_cli.formats import OutputFormat
from boligsocial_cli.model import (
    Challenge,
    EvidenceKind,
    Finding,
    GlossaryEntry,
    Lang,
    Localized,
    Theme,
)
from boligsocial_cli.query import FindingCounts
from boligsocial_cli.store.store import SearchHit

from .safe_text import escape_control, escape_json_controls, escape_markdown, has_control

Row = dict[str, Any]

FINDING_COLUMNS = (
    "id",
    "theme",
    "evidence",
    "summary",
    "quote",
    "page",
    "citations",
    "citation_note",
    "target_group",
    "outcome",
    "activity",
    "magnitude",
    "qualifiers",
    "classification_note",
    "origin",
)
THEME_COLUMNS = ("id", "name", "findings", "effects", "summary", "origin")
EVIDENCE_MAP_COLUMNS = ("id", "name", *(kind.value for kind in EvidenceKind), "total", "origin")
CHALLENGE_COLUMNS = ("id", "text", "quote", "page")
GLOSSARY_COLUMNS = ("term", "term_en", "definition", "not_in_booklet")
SEARCH_COLUMNS = (
    "rank",
    "kind",
    "id",
    "part",
    "page",
    "evidence",
    "theme",
    "snippet",
    "marks",
    "origin",
)
"""The fields of each listing's records, in order: CSV and Markdown headers even when empty."""


def _text(value: Localized | None, lang: Lang) -> str | None:
    return value.in_lang(lang) if value else None


def finding_row(finding: Finding, lang: Lang) -> Row:
    """A finding as a flat record under the dataset's field names, texts in `lang`."""
    return {
        "id": finding.id,
        "theme": finding.theme,
        "evidence": finding.evidence.value,
        "summary": finding.summary.in_lang(lang),
        "quote": finding.quote,
        "page": finding.page,
        "citations": list(finding.citations),
        "citation_note": _text(finding.citation_note, lang),
        "target_group": _text(finding.target_group, lang),
        "outcome": _text(finding.outcome, lang),
        "activity": _text(finding.activity, lang),
        "magnitude": _text(finding.magnitude, lang),
        "qualifiers": list(finding.qualifiers),
        "classification_note": _text(finding.classification_note, lang),
        "origin": finding.origin,
    }


def theme_row(theme: Theme, counts: FindingCounts, lang: Lang) -> Row:
    """A theme with its number of findings and of effect measurements."""
    return {
        "id": theme.id,
        "name": theme.name.in_lang(lang),
        "findings": sum(counts.get((theme.id, kind), 0) for kind in EvidenceKind),
        "effects": counts.get((theme.id, EvidenceKind.EFFEKT), 0),
        "summary": theme.summary.in_lang(lang),
        "origin": theme.origin,
    }


def evidence_map_rows(themes: Sequence[Theme], counts: FindingCounts, lang: Lang) -> list[Row]:
    """Themes by evidence kinds: one row per theme with a count per kind, and a total."""
    rows = []
    for theme in themes:
        row: Row = {"id": theme.id, "name": theme.name.in_lang(lang)}
        for kind in EvidenceKind:
            row[kind.value] = counts.get((theme.id, kind), 0)
        row["total"] = sum(counts.get((theme.id, kind), 0) for kind in EvidenceKind)
        row["origin"] = theme.origin
        rows.append(row)
    return rows


def challenge_row(challenge: Challenge, lang: Lang) -> Row:
    """A challenge with its quote and page."""
    return {
        "id": challenge.id,
        "text": challenge.text.in_lang(lang),
        "quote": challenge.quote,
        "page": challenge.page,
    }


def glossary_row(entry: GlossaryEntry, lang: Lang) -> Row:
    """A glossary entry with its definition in `lang`."""
    return {
        "term": entry.term,
        "term_en": entry.term_en,
        "definition": entry.definition.in_lang(lang),
        "not_in_booklet": _text(entry.not_in_booklet, lang),
    }


def search_row(rank: int, hit: SearchHit) -> Row:
    """A search hit as a flat record: what and where it is, and its snippet with the marks."""
    return {
        "rank": rank,
        "kind": hit.kind.value,
        "id": hit.record_id,
        "part": hit.part,
        "page": hit.page,
        "evidence": hit.evidence.value if hit.evidence else None,
        "theme": hit.theme,
        "snippet": hit.snippet.text,
        "marks": [list(mark) for mark in hit.snippet.marks],
        "origin": hit.origin,
    }


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return escape_control("; ".join(str(item) for item in value))
    return escape_control(str(value))


def export_json(rows: Sequence[Row], columns: Sequence[str]) -> str:  # noqa: ARG001 - a registry signature
    """A JSON array, UTF-8 letters kept, keys in record order; no raw control characters."""
    import json  # noqa: PLC0415 - only this format needs it

    return escape_json_controls(json.dumps(list(rows), ensure_ascii=False, indent=2)) + "\n"


def export_yaml(rows: Sequence[Row], columns: Sequence[str]) -> str:  # noqa: ARG001 - a registry signature
    """A YAML list, UTF-8 letters kept, keys in record order; every string reads back exactly.

    A string with a control, line-separator or format character (U+0085, U+202E, …) is
    written double-quoted with those characters escaped: PyYAML would write some of them
    raw, and a reader turns a raw U+0085 into a line break (or a space).
    """
    import yaml  # noqa: PLC0415 - only this format needs it

    class ExactDumper(yaml.SafeDumper):
        def write_double_quoted(self, text: str, split: bool = True) -> None:
            if not has_control(text):
                super().write_double_quoted(text, split)
                return
            self.allow_unicode = False  # so that the emitter escapes every such character
            try:
                super().write_double_quoted(text, split)
            finally:
                self.allow_unicode = True

    def represent_text(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
        style = '"' if has_control(text) else None
        return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)

    ExactDumper.add_representer(str, represent_text)
    dumped: str = yaml.dump(
        list(rows), Dumper=ExactDumper, allow_unicode=True, sort_keys=False, width=1000
    )
    return dumped


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""How a cell that a spreadsheet (Excel, LibreOffice) runs as a formula starts."""


def neutralise_formula(cell: str) -> str:
    """A text cell that would start a formula, preceded by ' so that spreadsheets show it
    as text (OWASP's advice for CSV injection); any other cell as it is."""
    return f"'{cell}" if cell.startswith(FORMULA_START) else cell


def _csv(
    rows: Sequence[Row],
    columns: Sequence[str],
    *,
    formulas: bool,
    delimiter: str = ",",
    line_end: str = "\n",
) -> str:
    import csv  # noqa: PLC0415 - only this format needs it
    import io  # noqa: PLC0415

    def cell(value: Any) -> str:
        text = _cell(value)
        return text if formulas or not isinstance(value, str | list) else neutralise_formula(text)

    buffer = io.StringIO()
    writer = csv.DictWriter(
        buffer, fieldnames=list(columns), delimiter=delimiter, lineterminator=line_end
    )
    writer.writeheader()
    writer.writerows({key: cell(value) for key, value in row.items()} for row in rows)
    return buffer.getvalue()


EXCEL_CSV_DELIMITER = ";"
"""The list separator of Danish (and most continental) locales, which Excel splits CSV on."""


def export_csv_for_excel(rows: Sequence[Row], columns: Sequence[str]) -> str:
    """CSV as Excel opens it in a Danish locale: a byte order mark (so it reads UTF-8, not
    Windows-1252) and ';' between fields (as a decimal comma leaves ',' to numbers); formula
    cells neutralised as in `export_csv`."""
    text = _csv(rows, columns, formulas=False, delimiter=EXCEL_CSV_DELIMITER, line_end="\r\n")
    return "\ufeff" + text


def export_csv(rows: Sequence[Row], columns: Sequence[str]) -> str:
    """CSV with a header row (also when there are no rows); lists joined with '; '.

    A text cell that starts with = + - @, a tab or CR is written with a ' before it, so that
    a spreadsheet opening the file shows it rather than running it (see `export_csv_raw`).
    """
    return _csv(rows, columns, formulas=False)


def export_csv_raw(rows: Sequence[Row], columns: Sequence[str]) -> str:
    """`export_csv` with every cell as it is, formula or not: for programs, not spreadsheets."""
    return _csv(rows, columns, formulas=True)


def export_markdown(rows: Sequence[Row], columns: Sequence[str]) -> str:
    """A GitHub-flavoured Markdown table (a header also when there are no rows); every cell
    escaped by `escape_markdown`, so no text from data is read as markup, HTML or a link."""

    def cell(value: Any) -> str:
        return escape_markdown(_cell(value)).replace("\n", " ")

    lines = [
        "| " + " | ".join(columns) + " |",
        "| " + " | ".join("---" for _ in columns) + " |",
        *("| " + " | ".join(cell(row[column]) for column in columns) + " |" for row in rows),
    ]
    return "\n".join(lines) + "\n"


ListingExporter = Callable[[Sequence[Row], Sequence[str]], str]
"""Writes a listing's rows, whose fields are `columns`, as text."""

LISTING_EXPORTERS: Mapping[OutputFormat, ListingExporter] = {
    OutputFormat.JSON: export_json,
    OutputFormat.YAML: export_yaml,
    OutputFormat.CSV: export_csv,
    OutputFormat.CSV_RAW: export_csv_raw,
    OutputFormat.MARKDOWN: export_markdown,
}
"""Every format but `table`, which Rich renders."""
