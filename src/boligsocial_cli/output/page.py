"""The whole dataset as one self-contained HTML page, with the evidence map to click.

The page needs no network: its style sheet and script are inlined, and the data goes in
as JSON in a `<script type="application/json">` with `<`, `>` and `&` escaped, which the
script reads and inserts as text (never as HTML). Everything written here from the data
goes through `html.escape`.
"""

from __future__ import annotations

import json
import sys
import unicodedata
from collections.abc import Iterable, Mapping
from functools import cache
from html import escape
from typing import Any

from boligsocial_cli.bibliography.csl import Style, format_bibtex, format_text_entries
from boligsocial_cli.model import Dataset, EvidenceKind, Finding, Lang, Localized, Reference
from boligsocial_cli.output.safe_text import escape_control_keeping_lines
from boligsocial_cli.query import STOPWORDS

from .evidence_map import EVIDENCE_COLOURS, evidence_map, is_own
from .map_html import asset, map_table
from .terminal import both_labels, label

_PAGE_LABELS = (
    "theme",
    "evidence",
    "page",
    "not_curated",
    "findings",
    "themes",
    "no_findings",
    "qualifiers",
    "classification_note",
    "target_group",
    "outcome",
    "activity",
    "magnitude",
    "map_title",
    "evidence_kinds",
    "page_skip",
    "page_search",
    "page_search_hint",
    "page_all_themes",
    "page_all_kinds",
    "page_reset",
    "page_shown",
    "page_more",
    "page_context",
    "page_bibliography",
    "page_copy",
    "page_copy_bibtex",
    "page_copied",
    "page_switch",
)
"""The labels the page's script shows, in both languages, so it can switch between them."""


def _both(value: Localized | None) -> dict[str, str] | None:
    return {"da": value.da, "en": value.en} if value else None


def _finding(finding: Finding) -> dict[str, Any]:
    return {
        "id": finding.id,
        "theme": finding.theme,
        "evidence": finding.evidence.value,
        "summary": _both(finding.summary),
        "quote": finding.quote,
        "page": finding.page,
        "citations": list(finding.citations),
        "target_group": _both(finding.target_group),
        "outcome": _both(finding.outcome),
        "activity": _both(finding.activity),
        "magnitude": _both(finding.magnitude),
        "qualifiers": list(finding.qualifiers),
        "classification_note": _both(finding.classification_note),
        "origin": finding.origin if is_own(finding.origin) else "",
    }


def _references(
    references: tuple[Reference, ...], style: Style, lang: Lang
) -> list[dict[str, Any]]:
    """Each work with its entry in `style` (in `lang`'s locale, as `cite` writes it) and its
    BibTeX, in the order of the style's reference list.

    One locale only: citeproc takes some 15 s to lay out 1,000 works, and the entries differ
    little between the two (u.å. / n.d., og / and)."""
    return [
        {
            "id": reference.id,
            "cited_as": reference.cited_as,
            "title": reference.title or "",
            "authors": [name.family or name.literal or "" for name in reference.author],
            "url": reference.URL or (f"https://doi.org/{reference.DOI}" if reference.DOI else ""),
            "text": entry,
            "bibtex": escape_control_keeping_lines(format_bibtex([reference], lang)),
            "origin": reference.origin if is_own(reference.origin) else "",
        }
        for reference, entry in format_text_entries(references, style, lang)
    ]


@cache
def fold_tables() -> dict[str, str]:
    """What the page's `fold` needs to fold exactly as `query.fold` does, from Python's own
    Unicode data: the characters that case-fold otherwise than they lower-case (ß, ς, ﬁ …),
    those with a combining class (dropped after NFKD), and those `str.split` splits on."""
    casefold: list[str] = []
    combining: list[str] = []
    spaces: list[str] = []
    for point in range(sys.maxunicode + 1):
        if 0xD800 <= point <= 0xDFFF:  # noqa: PLR2004 - surrogates are no characters
            continue
        char = chr(point)
        if unicodedata.combining(char):
            combining.append(char)
        if char.isspace():
            spaces.append(char)
        if char.lower() == char and char.casefold() != char:
            casefold.append(char)
    return {
        "casefold": json.dumps({char: char.casefold() for char in casefold}, ensure_ascii=True),
        "combining": _ranges(combining),
        "spaces": _ranges(spaces),
    }


def _ranges(chars: Iterable[str]) -> str:
    """Characters as the inside of a regular-expression class: \\u{…}-\\u{…} ranges."""
    points = sorted(ord(char) for char in chars)
    parts: list[str] = []
    start = previous = points[0]
    for point in [*points[1:], -1]:
        if point != previous + 1:
            first, last = f"\\u{{{start:x}}}", f"\\u{{{previous:x}}}"
            parts.append(first if start == previous else f"{first}-{last}")
            start = point
        previous = point
    return "".join(parts)


def _json_for_script(data: Mapping[str, Any]) -> str:
    """JSON that cannot end its `<script>` element or open another: <, > and & as \\u escapes."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


def page_data(dataset: Dataset, style: Style, lang: Lang) -> dict[str, Any]:
    """Everything the page shows, as its script reads it."""
    return {
        "lang": lang.value,
        "title": dataset.meta.booklet.title or dataset.meta.booklet.cited_as,
        "description": _both(dataset.meta.description),
        "labels": {key: _both(text) for key, text in both_labels(_PAGE_LABELS).items()},
        "kinds": [
            {
                "kind": info.kind.value,
                "name": _both(info.name),
                "explanation": _both(info.explanation),
                "colour": EVIDENCE_COLOURS[info.kind],
            }
            for info in sorted(
                dataset.evidence_kinds, key=lambda i: list(EvidenceKind).index(i.kind)
            )
        ],
        "themes": [
            {
                "id": theme.id,
                "name": _both(theme.name),
                "summary": _both(theme.summary),
                "context": [
                    {
                        "text": _both(passage.text),
                        "quote": passage.quote,
                        "page": passage.page,
                        "citations": list(passage.citations),
                    }
                    for passage in theme.context
                ],
                "origin": theme.origin if is_own(theme.origin) else "",
            }
            for theme in dataset.themes
        ],
        "findings": [_finding(finding) for finding in dataset.findings],
        "references": _references(dataset.references, style, lang),
        "fold": fold_tables(),
        "stopwords": sorted(STOPWORDS),
    }


def page_document(dataset: Dataset, style: Style, lang: Lang) -> str:
    """The whole dataset as one HTML file that works from file:// with no network request."""
    title = dataset.meta.booklet.title or dataset.meta.booklet.cited_as
    data = _json_for_script(page_data(dataset, style, lang))
    maps = "".join(
        f'<div class="map" data-lang="{each.value}"{"" if each is lang else " hidden"}>'
        f"{map_table(evidence_map(dataset, each), interactive=True)}</div>"
        for each in Lang
    )
    return (
        f'<!DOCTYPE html>\n<html lang="{lang.value}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n<style>\n{asset('page.css')}</style>\n</head>\n"
        f'<body>\n<a class="skip" href="#findings" data-label="page_skip">'
        f"{escape(label('page_skip', lang))}</a>\n"
        f'<header>\n<h1>{escape(title)}</h1>\n<p id="description"></p>\n'
        '<button type="button" id="switch-lang"></button>\n</header>\n'
        f'<main>\n<section id="map" aria-labelledby="map-heading">\n'
        f'<h2 id="map-heading" data-label="map_title">{escape(label("map_title", lang))}</h2>\n'
        f'{maps}\n<h3 data-label="evidence_kinds"></h3>\n<dl id="kind-list"></dl>\n</section>\n'
        '<section id="findings" aria-labelledby="findings-heading" tabindex="-1">\n'
        '<h2 id="findings-heading" data-label="findings"></h2>\n'
        '<form id="filters" role="search">\n'
        '<label for="search" data-label="page_search"></label>\n'
        '<input id="search" type="search" autocomplete="off" aria-describedby="search-hint">\n'
        '<small id="search-hint" data-label="page_search_hint"></small>\n'
        '<label for="theme-filter" data-label="theme"></label>\n'
        '<select id="theme-filter"></select>\n'
        '<label for="kind-filter" data-label="evidence"></label>\n'
        '<select id="kind-filter"></select>\n'
        '<button type="reset" id="reset" data-label="page_reset"></button>\n'
        '</form>\n<p id="shown" role="status" aria-live="polite"></p>\n'
        '<div id="finding-list"></div>\n<button type="button" id="more" hidden></button>\n'
        "</section>\n"
        '<section id="themes" aria-labelledby="themes-heading">\n'
        '<h2 id="themes-heading" data-label="themes"></h2>\n<div id="theme-list"></div>\n'
        "</section>\n"
        '<section id="bibliography" aria-labelledby="bibliography-heading">\n'
        '<h2 id="bibliography-heading" data-label="page_bibliography"></h2>\n'
        '<ol id="reference-list"></ol>\n<p id="copied" role="status" aria-live="polite"></p>\n'
        "</section>\n</main>\n"
        f'<script type="application/json" id="data">{data}</script>\n'
        f"<script>\n{asset('page.js')}</script>\n</body>\n</html>\n"
    )
