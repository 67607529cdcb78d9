"""A theme's page: everything the data says of one theme, gathered by a pure function."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .model import Dataset, EvidenceKind, Finding, Reference, Theme


@dataclass(frozen=True, slots=True)
class EvidenceGroup:
    """A theme's findings of one evidence kind, in dataset order."""

    kind: EvidenceKind
    findings: tuple[Finding, ...]


@dataclass(frozen=True, slots=True)
class ThemePage:
    """A theme's summary and context, its findings by evidence kind, and the works behind them
    (those `cite --theme` lists: the works its findings and its context cite)."""

    theme: Theme
    groups: tuple[EvidenceGroup, ...]
    references: tuple[Reference, ...]

    def cited(self, citations: Sequence[str]) -> str:
        """The booklet's citation forms of these works, joined by '; '."""
        forms = {reference.id: reference.cited_as for reference in self.references}
        return "; ".join(forms.get(citation, citation) for citation in citations)


def theme_page(dataset: Dataset, theme: Theme, references: Sequence[Reference]) -> ThemePage:
    """The page of `theme` from the dataset's findings of it and the works behind the theme:
    evidence kinds in the booklet's order, only those it has."""
    own = [finding for finding in dataset.findings if finding.theme == theme.id]
    groups = tuple(
        EvidenceGroup(kind, kept)
        for kind in EvidenceKind
        if (kept := tuple(finding for finding in own if finding.evidence is kind))
    )
    return ThemePage(theme, groups, tuple(references))
