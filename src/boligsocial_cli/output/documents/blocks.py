"""Blocks of a document (headings, paragraphs, quotes, entries) made of styled runs.

The brief and the views' document forms are laid out as blocks; each format (plain text,
CommonMark, pandoc Markdown, HTML, Word) renders blocks, escaping the data's text its way.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from boligsocial_cli.bibliography.csl import StyledRun

from .brief import Cited

Run = StyledRun | Cited
"""Text in one typeface, or an in-text citation (which pandoc writes as `[@key]`)."""


class BlockKind(StrEnum):
    """What a block is, which decides its style in every format."""

    TITLE = "title"
    HEADING = "heading"
    PARAGRAPH = "paragraph"
    QUOTE = "quote"
    REFERENCE = "reference"
    ITEM = "item"
    NOTE = "note"


@dataclass(frozen=True, slots=True)
class Block:
    """One block of the document: its kind and its runs."""

    kind: BlockKind
    runs: tuple[Run, ...]

    @property
    def text(self) -> str:
        """The block as plain text, citations as the style renders them."""
        return "".join(run.text for run in self.runs)


def plain(text: str) -> StyledRun:
    """Text in the body's typeface."""
    return StyledRun(text)


def bold(text: str) -> StyledRun:
    """Text in bold, as a label before a value."""
    return StyledRun(text, bold=True)
