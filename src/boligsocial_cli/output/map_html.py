"""The evidence map as an accessible HTML table, alone or in the offline page.

Every text from the data goes through `html.escape`; the bubbles are sized in CSS from
the map's radii, so the table needs no script and no picture.
"""

from __future__ import annotations

from html import escape
from importlib import resources

from boligsocial_cli.model import Lang

from .evidence_map import EVIDENCE_COLOURS, EvidenceMap, is_own
from .terminal import label

BUBBLE_REM = 3.0
"""The largest bubble's diameter, in rem."""


def asset(name: str) -> str:
    """A style sheet or script shipped in `output/assets`."""
    return (resources.files("boligsocial_cli.output") / "assets" / name).read_text("utf-8")


def _own_mark(origin: str, lang: Lang) -> str:
    if not is_own(origin):
        return ""
    return f' <span class="own">[{escape(label("not_curated", lang))}: {escape(origin)}]</span>'


def map_table(evidence: EvidenceMap, *, interactive: bool) -> str:
    """The map as an accessible table: a bubble and a count per cell, gaps as empty cells.

    Interactive cells are buttons carrying `data-theme` and `data-kind` for the page's script.
    """
    lang = evidence.lang
    head = "".join(
        f'<th scope="col"><span class="swatch" style="background:{EVIDENCE_COLOURS[kind]}">'
        f"</span> {escape(name)}</th>"
        for kind, name in evidence.kinds
    )
    names = dict(evidence.kinds)
    body = []
    for row in evidence.rows:
        cells = []
        for cell in row.cells:
            if cell.is_gap:
                cells.append('<td class="gap"><span class="count">0</span></td>')
                continue
            size = f"{BUBBLE_REM * evidence.radius(cell.count):.3f}rem"
            own = f" ({cell.own} {escape(label('not_curated', lang))})" if cell.own else ""
            bubble = (
                f'<span class="bubble{" with-own" if cell.own else ""}" '
                f'style="width:{size};height:{size};background:{EVIDENCE_COLOURS[cell.kind]}">'
                f'</span><span class="count">{cell.count}{own}</span>'
            )
            if interactive:
                spoken = f"{row.name}, {names[cell.kind]}: {cell.count} {label('findings', lang)}"
                bubble = (
                    f'<button type="button" class="cell" data-theme="{escape(cell.theme)}" '
                    f'data-kind="{cell.kind.value}" aria-label="{escape(spoken)}">{bubble}'
                    "</button>"
                )
            cells.append(f"<td>{bubble}</td>")
        name = f"{escape(row.name)}{_own_mark(row.origin, lang)}"
        body.append(f'<tr><th scope="row">{name}</th>{"".join(cells)}</tr>')
    notes = [label("map_area", lang), label("map_gap", lang)]
    if evidence.has_own_data:
        notes.append(label("map_own", lang))
    if interactive:
        notes.append(label("map_hint", lang))
    return (
        f'<table class="evidence-map" lang="{lang.value}">'
        f"<caption>{escape(label('map_title', lang))}</caption>"
        f'<thead><tr><th scope="col">{escape(label("theme", lang))}</th>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>"
        f'<p class="map-notes" lang="{lang.value}">{escape(" ".join(notes))}</p>'
    )


def map_document(evidence: EvidenceMap) -> str:
    """The map as a standalone HTML document (`overview --format html`)."""
    lang = evidence.lang
    title = label("map_title", lang)
    return (
        f'<!DOCTYPE html>\n<html lang="{lang.value}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n<style>\n{asset('page.css')}</style>\n</head>\n"
        f"<body>\n<main>\n<h1>{escape(title)}</h1>\n"
        f"<p>{escape(label('map_source', lang))}: {escape(evidence.source)}</p>\n"
        f"{map_table(evidence, interactive=False)}\n</main>\n</body>\n</html>\n"
    )
