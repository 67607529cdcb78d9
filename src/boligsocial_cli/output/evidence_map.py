"""The evidence and gap map as data: themes by evidence kinds, a count and a bubble per cell.

Every picture of the map (the SVG and PNG, the HTML table) is drawn from this one record,
so they all show the same counts, colours and marks.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from boligsocial_cli.dataset.locations import BUNDLED_LABEL
from boligsocial_cli.model import Dataset, EvidenceKind, Lang

EVIDENCE_COLOURS: Mapping[EvidenceKind, str] = MappingProxyType(
    {
        EvidenceKind.EFFEKT: "#009E73",  # Okabe–Ito bluish green
        EvidenceKind.FORANDRING: "#E69F00",  # orange
        EvidenceKind.VURDERING: "#56B4E9",  # sky blue
        EvidenceKind.FORSKNING: "#CC79A7",  # reddish purple
    }
)
"""One colour per evidence kind from the Okabe–Ito palette, which readers with any common
colour-vision deficiency can tell apart; black text on each has a contrast of at least 4.5:1.
The kinds are also named in every picture, so the map reads in greyscale too."""

TEXT_COLOUR = "#000000"


def is_own(origin: str) -> bool:
    """Whether a record comes from the user's own files rather than the bundled data."""
    return origin not in ("", BUNDLED_LABEL)


@dataclass(frozen=True, slots=True)
class MapCell:
    """One theme's findings of one evidence kind: `own` of them from the user's files."""

    theme: str
    kind: EvidenceKind
    count: int
    own: int

    @property
    def is_gap(self) -> bool:
        """No finding of this kind for this theme."""
        return self.count == 0


@dataclass(frozen=True, slots=True)
class MapRow:
    """A theme's row of the map; `origin` names its file when it is the user's own."""

    theme: str
    name: str
    origin: str
    cells: tuple[MapCell, ...]


@dataclass(frozen=True, slots=True)
class EvidenceMap:
    """Themes by evidence kinds in one language, with the names to show and the source."""

    lang: Lang
    source: str
    kinds: tuple[tuple[EvidenceKind, str], ...]
    rows: tuple[MapRow, ...]

    @property
    def largest(self) -> int:
        """The largest count of any cell (0 for an empty map)."""
        return max((cell.count for row in self.rows for cell in row.cells), default=0)

    @property
    def has_own_data(self) -> bool:
        """Whether any theme or finding on the map is from the user's own files."""
        return any(is_own(row.origin) or any(c.own for c in row.cells) for row in self.rows)

    def radius(self, count: int) -> float:
        """A bubble's radius as a fraction of the largest's, so that its area is ∝ `count`."""
        return math.sqrt(count / self.largest) if self.largest else 0.0


def evidence_map(dataset: Dataset, lang: Lang) -> EvidenceMap:
    """The map of `dataset`'s findings, in theme order and the evidence kinds' order."""
    counts = Counter((finding.theme, finding.evidence) for finding in dataset.findings)
    own = Counter((f.theme, f.evidence) for f in dataset.findings if is_own(f.origin))
    names = {info.kind: info.name.in_lang(lang) for info in dataset.evidence_kinds}
    rows = tuple(
        MapRow(
            theme=theme.id,
            name=theme.name.in_lang(lang),
            origin=theme.origin,
            cells=tuple(
                MapCell(theme.id, kind, counts[theme.id, kind], own[theme.id, kind])
                for kind in EvidenceKind
            ),
        )
        for theme in dataset.themes
    )
    kinds = tuple((kind, names.get(kind, kind.value)) for kind in EvidenceKind)
    booklet = dataset.meta.booklet
    return EvidenceMap(lang, booklet.title or booklet.cited_as, kinds, rows)
