"""A brief as a sequence of blocks: every document format renders these same blocks, so
that they all say the same thing."""

from __future__ import annotations

from .blocks import Block, BlockKind, Run, bold, plain
from .brief import Brief, BriefFinding, Cited


def _cited(text: str, citation: Cited, note: str = "") -> tuple[Run, ...]:
    """A text followed by its citation, if it has one, and the note on where it stands."""
    if not citation.text:
        return (plain(f"{text} {note}" if note else text),)
    return (plain(f"{text} "), citation, *((plain(f" {note}"),) if note else ()))


def _finding_blocks(finding: BriefFinding, own_mark: str) -> list[Block]:
    runs: list[Run] = []
    if finding.lead_in:
        runs.append(bold(f"{finding.lead_in} "))
    runs.extend(_cited(finding.summary, finding.citation, finding.citation_note))
    if finding.own:
        runs.append(plain(f" {own_mark}"))
    blocks = [Block(BlockKind.PARAGRAPH, tuple(runs))]
    if finding.quote is not None:
        quote = finding.quote
        blocks.append(Block(BlockKind.QUOTE, _cited(f"“{quote.text}”", quote.citation)))
    return blocks


def lay_out(brief: Brief) -> tuple[Block, ...]:
    """The brief's blocks in reading order; the reference list's entries last but the note."""
    blocks = [
        Block(BlockKind.TITLE, (plain(brief.title),)),
        Block(BlockKind.PARAGRAPH, (plain(brief.made),)),
    ]
    if brief.reading:
        reading: list[Run] = []
        for index, (name, explanation) in enumerate(brief.reading):
            reading.append(bold(f"{' ' if index else ''}{name}:"))
            reading.append(plain(f" {explanation}"))
        blocks.append(Block(BlockKind.HEADING, (plain(brief.reading_title),)))
        blocks.append(Block(BlockKind.PARAGRAPH, tuple(reading)))
    for section in brief.sections:
        title = f"{section.title} {brief.own_mark}" if section.own else section.title
        blocks.append(Block(BlockKind.HEADING, (plain(title),)))
        blocks.append(
            Block(
                BlockKind.PARAGRAPH,
                _cited(section.context, section.context_citation, section.context_note),
            )
        )
        for finding in section.findings:
            blocks.extend(_finding_blocks(finding, brief.own_mark))
    blocks.append(Block(BlockKind.HEADING, (plain(brief.references_title),)))
    blocks.extend(Block(BlockKind.REFERENCE, entry.runs) for entry in brief.references)
    if brief.own_data:
        blocks.append(Block(BlockKind.NOTE, (plain(brief.own_data),)))
    return tuple(blocks)
