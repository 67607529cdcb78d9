"""Snippets: the part of a text around what a search found, with the matches marked.

The index matches folded text (`query.fold`); a snippet shows the original text, so the
folding is repeated here with, for each folded character, the original one it came from.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from boligsocial_cli.model import Finding
from boligsocial_cli.query import fold

_DIGRAPHS = re.compile(r"aa|ae|oe")
_DANISH = {"æ": "ae", "ø": "oe", "å": "aa"}


def fold_with_offsets(text: str) -> tuple[str, tuple[int, ...]]:
    """`fold(text)`, and for each of its characters the index in `text` it comes from."""
    chars: list[str] = []
    origins: list[int] = []
    for index, char in enumerate(text):
        piece = char.casefold()
        piece = "".join(_DANISH.get(c, c) for c in piece)
        piece = unicodedata.normalize("NFKD", piece)
        for folded in piece:
            if not unicodedata.combining(folded):
                chars.append(folded)
                origins.append(index)
    joined = "".join(chars)
    kept: list[int] = []
    out: list[str] = []
    position = 0
    for match in _DIGRAPHS.finditer(joined):
        out.append(joined[position : match.start()])
        kept.extend(range(position, match.start()))
        out.append("o" if match.group() == "oe" else "a")
        kept.append(match.start())
        position = match.end()
    out.append(joined[position:])
    kept.extend(range(position, len(joined)))
    collapsed = "".join(out)
    result: list[str] = []
    result_origins: list[int] = []
    for index, char in enumerate(collapsed):
        if char.isspace():
            if result and not result[-1].isspace():
                result.append(" ")
                result_origins.append(origins[kept[index]])
            continue
        result.append(char)
        result_origins.append(origins[kept[index]])
    if result and result[-1] == " ":
        result.pop()
        result_origins.pop()
    return "".join(result), tuple(result_origins)


@dataclass(frozen=True, slots=True)
class Snippet:
    """A piece of a text, and where in it the search terms were found."""

    text: str
    marks: tuple[tuple[int, int], ...]
    """Start and end of each match in `text`."""


def matches(text: str, terms: tuple[str, ...]) -> tuple[tuple[int, int], ...]:
    """Where in `text` (original indices) each folded term occurs, in order, merged."""
    folded, origins = fold_with_offsets(text)
    spans: list[tuple[int, int]] = []
    for term in terms:
        start = folded.find(term)
        while start != -1:
            spans.append((origins[start], origins[start + len(term) - 1] + 1))
            start = folded.find(term, start + len(term))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return tuple(merged)


def make_snippet(text: str, terms: tuple[str, ...], width: int = 160) -> Snippet:
    """At most about `width` characters of `text` around its first match, cut at spaces."""
    marks = matches(text, terms)
    if len(text) <= width:
        return Snippet(text, marks)
    first = marks[0][0] if marks else 0
    start = max(0, first - width // 3)
    if start:
        space = text.rfind(" ", 0, start + 1)
        start = space + 1 if space != -1 else start
    end = min(len(text), start + width)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > first else end
    prefix = "…" if start else ""
    suffix = "…" if end < len(text) else ""
    shift = len(prefix) - start
    inside = tuple(
        (max(s, start) + shift, min(e, end) + shift) for s, e in marks if s < end and e > start
    )
    return Snippet(prefix + text[start:end] + suffix, inside)


def snippet_for(texts: tuple[str, ...], terms: tuple[str, ...]) -> Snippet:
    """A snippet of the first text that holds a term (or of the first text)."""
    for text in texts:
        if any(term in fold(text) for term in terms):
            return make_snippet(text, terms)
    return make_snippet(texts[0] if texts else "", ())


def finding_texts(finding: Finding) -> tuple[str, ...]:
    """The texts of a finding a snippet is made from: summaries, quote, what it concerns."""
    described = (finding.target_group, finding.outcome, finding.activity, finding.magnitude)
    return (
        finding.summary.da,
        finding.summary.en,
        finding.quote,
        *(text for value in described if value for text in (value.da, value.en)),
        *finding.qualifiers,
    )
