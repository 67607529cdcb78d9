"""Blocks as plain text, for files and pipes: a paragraph a line, no box drawing, no hard
wraps, no trailing spaces; control characters from the data shown as \\x1b."""

from __future__ import annotations

from boligsocial_cli.output.safe_text import escape_control

from .blocks import Block, BlockKind


def escape_plain(text: str) -> str:
    """Text as one line with no control character: whitespace runs become one space."""
    return " ".join(escape_control(text).split())


def _line(block: Block) -> str:
    text = escape_plain(block.text)
    if block.kind is BlockKind.QUOTE:
        return f"  {text}"
    if block.kind is BlockKind.ITEM:
        return f"- {text}"
    return text


def render_plain(blocks: tuple[Block, ...]) -> str:
    """The blocks a line each, a blank line between them (not between list items)."""
    lines: list[str] = []
    for index, block in enumerate(blocks):
        if index and not (
            block.kind is BlockKind.ITEM and blocks[index - 1].kind is BlockKind.ITEM
        ):
            lines.append("")
        lines.append(_line(block))
    return "".join(f"{line}\n" for line in lines)
