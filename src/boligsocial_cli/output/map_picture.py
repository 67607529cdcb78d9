"""The evidence map drawn as a picture, SVG or PNG, with matplotlib (the `map` extra).

Imported only by `overview --format svg|png`: matplotlib takes half a second to import.
Every bubble is a group with the id `bubble-THEME-KIND`, its count `count-THEME-KIND`,
every gap `gap-THEME-KIND` and every theme's name `theme-THEME`, so that the SVG can be
read back; texts stay texts in the SVG (no paths)
and are never read as mathtext, so a `$` in a name is a dollar sign; control characters
from the data are shown escaped (XML has no place for them).
"""

from __future__ import annotations

import io
import textwrap

import matplotlib as mpl
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Circle, Rectangle

from boligsocial_cli.formats import PictureFormat

from .evidence_map import EVIDENCE_COLOURS, TEXT_COLOUR, EvidenceMap, MapCell, is_own
from .safe_text import escape_control
from .terminal import label

CELL = 0.9
"""A cell's width and height, in inches."""
NAME_WIDTH = 26
"""Theme names wrap at this many characters."""
NAMES, BELOW, ABOVE = 2.9, 1.2, 1.1
"""Inches left of the grid (theme names), below it (legend) and above it (title, kinds)."""
GAP_COLOUR = "#595959"
GRID_COLOUR = "#BBBBBB"


def _cell_label(cell: MapCell, own_word: str) -> str:
    if cell.own:
        return f"{cell.count}\n({cell.own} {own_word})"
    return str(cell.count)


def render_map(evidence: EvidenceMap, fmt: PictureFormat) -> bytes:
    """The map as an SVG (UTF-8) or PNG file's bytes, the same on every run."""
    lang = evidence.lang
    own_word = label("not_curated", lang)
    columns, rows = len(evidence.kinds), len(evidence.rows)
    names = [
        textwrap.fill(
            escape_control(row.name) + (f" [{own_word}]" if is_own(row.origin) else ""), NAME_WIDTH
        )
        for row in evidence.rows
    ]
    with mpl.rc_context(
        {
            "svg.fonttype": "none",  # text as text: selectable, searchable, read by screen readers
            "svg.hashsalt": "boligsocial",  # the same ids on every run
            "text.parse_math": False,  # '$x$' in data is shown as typed
            "font.family": "DejaVu Sans",  # ships with matplotlib: a PNG has its letters anywhere
        }
    ):
        grid_width, grid_height = CELL * columns, CELL * max(rows, 1)
        width, height = NAMES + grid_width + 0.4, BELOW + grid_height + ABOVE
        figure = Figure(figsize=(width, height))
        axes = figure.add_axes(
            (NAMES / width, BELOW / height, grid_width / width, grid_height / height)
        )
        axes.set_xlim(-0.5, columns - 0.5)
        axes.set_ylim(max(rows, 1) - 0.5, -0.5)
        axes.set_axis_off()
        for index, (kind, name) in enumerate(evidence.kinds):
            axes.text(
                index,
                -0.62,
                escape_control(name),
                ha="center",
                va="bottom",
                fontsize=10,
                weight="bold",
            )
            axes.add_patch(
                Rectangle((index - 0.35, -0.6), 0.7, 0.06, color=EVIDENCE_COLOURS[kind], lw=0)
            )
        for y, (row, name) in enumerate(zip(evidence.rows, names, strict=True)):
            theme = axes.text(
                -0.6,
                y,
                name,
                ha="right",
                va="center",
                fontsize=9,
                style="italic" if is_own(row.origin) else "normal",
            )
            theme.set_gid(f"theme-{row.theme}")
            for x, cell in enumerate(row.cells):
                frame = Rectangle((x - 0.5, y - 0.5), 1, 1, fill=False, ec=GRID_COLOUR, lw=0.6)
                axes.add_patch(frame)
                if cell.is_gap:
                    gap = axes.text(x, y, "0", ha="center", va="center", color=GAP_COLOUR)
                    gap.set_gid(f"gap-{cell.theme}-{cell.kind.value}")
                    continue
                bubble = Circle(
                    (x, y),
                    0.45 * evidence.radius(cell.count),
                    facecolor=EVIDENCE_COLOURS[cell.kind],
                    edgecolor=TEXT_COLOUR,
                    linewidth=1.6 if cell.own else 0.6,
                    linestyle="--" if cell.own else "-",
                )
                bubble.set_gid(f"bubble-{cell.theme}-{cell.kind.value}")
                axes.add_patch(bubble)
                count = axes.text(
                    x,
                    y,
                    _cell_label(cell, own_word),
                    ha="center",
                    va="center",
                    fontsize=9 if cell.own else 11,
                    color=TEXT_COLOUR,
                )
                count.set_gid(f"count-{cell.theme}-{cell.kind.value}")
        figure.suptitle(label("map_title", lang), fontsize=13, weight="bold", x=0.02, ha="left")
        figure.text(
            0.02,
            1 - 0.55 / height,
            f"{label('map_source', lang)}: {escape_control(evidence.source)}",
            fontsize=9,
            ha="left",
        )
        handles = [
            Line2D(
                [],
                [],
                ls="",
                marker="o",
                ms=11,
                mfc=EVIDENCE_COLOURS[kind],
                mec=TEXT_COLOUR,
                label=name,
            )
            for kind, name in evidence.kinds
        ]
        notes = [label("map_area", lang), label("map_gap", lang)]
        if evidence.has_own_data:
            notes.append(label("map_own", lang))
        figure.legend(
            handles=handles,
            loc="lower left",
            bbox_to_anchor=(0.02, 0.06),
            ncols=len(handles),
            frameon=False,
            fontsize=9,
        )
        figure.text(0.02, 0.02, "\n".join(notes), fontsize=8, ha="left", va="bottom")
        buffer = io.BytesIO()
        if fmt is PictureFormat.SVG:
            figure.savefig(buffer, format="svg", metadata={"Date": None})
        else:
            figure.savefig(buffer, format="png", dpi=150, metadata={"Software": None})
    return buffer.getvalue()
