"""Text extracted from a PDF, folded so that verbatim quotes can be found in it."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_PAGE_BREAK = "\x00"
_HYPHEN_AT_LINE_END = re.compile(r"(\w)-[ \t]*\n\s*(\x00?)\s*(?=\w)")
_PAGE_NUMBER_LINE = re.compile(r"^[ \t]*\d{1,4}[ \t]*$", re.MULTILINE)
_WHITESPACE = re.compile(r"\s+")


def _drop_extraction_artefacts(text: str) -> str:
    """Remove private-use glyphs (PDF bullets) and lone page-number lines."""
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Co")
    return _PAGE_NUMBER_LINE.sub("", text)


def fold_source(text: str) -> str:
    """Re-join words hyphenated across lines and collapse all whitespace to one space."""
    text = _drop_extraction_artefacts(text)
    text = _HYPHEN_AT_LINE_END.sub(r"\1\2", text)
    return _WHITESPACE.sub(" ", text).strip()


@dataclass(frozen=True, slots=True)
class SourceText:
    """A folded source text and the offsets at which its pages start."""

    folded: str
    page_starts: tuple[int, ...]

    @classmethod
    def from_text(cls, text: str) -> SourceText:
        """Fold `text`; a form feed (as pdftotext writes between pages) starts a new page."""
        text = text.replace("\f", "\n" + _PAGE_BREAK)  # a page ends a line
        marked = fold_source(text)
        folded: list[str] = []
        starts = [0]
        for number, piece in enumerate(marked.split(_PAGE_BREAK)):
            doubled = number and folded and folded[-1].endswith(" ") and piece.startswith(" ")
            kept = piece[1:] if doubled else piece
            starts.append(starts[-1] + len(kept))
            folded.append(kept)
        return cls("".join(folded).strip(), tuple(starts[:-1]))

    def page_of(self, quote: str) -> int | None:
        """Return the 1-based page on which `quote` starts, or None if it does not occur."""
        start = self.folded.find(quote)
        if start < 0:
            return None
        return sum(1 for page_start in self.page_starts if page_start <= start)
