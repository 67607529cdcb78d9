"""The brief as CommonMark, readable as it is; the data's text escaped, never markup."""

from __future__ import annotations

import re

from boligsocial_cli.bibliography.csl import StyledRun
from boligsocial_cli.output.safe_text import escape_control

from .blocks import Block, BlockKind, Run

_SPECIAL = re.compile(r"([\\`*_<>~|])|(\])(?=[(\[:])|(&)(?=#?\w+;)")
_BLOCK_START = re.compile(r"^(\d+)([.)])|^([-+=>#])")
_SPACES = re.compile(r"\s+")


def escape_commonmark(text: str) -> str:
    """Text that CommonMark shows literally: no emphasis, link, HTML, entity or list in it.

    Whitespace (line breaks too) becomes single spaces, as a paragraph is one line here.
    """
    text = _SPECIAL.sub(lambda match: "\\" + match.group(), _SPACES.sub(" ", escape_control(text)))
    return _BLOCK_START.sub(
        lambda match: f"{match.group(1)}\\{match.group(2)}" if match.group(1) else f"\\{match[3]}",
        text,
    )


def _run(run: Run) -> str:
    text = escape_commonmark(run.text)
    stripped = text.strip()
    if not isinstance(run, StyledRun) or not stripped or not (run.italic or run.bold):
        return text
    marker = "**" if run.bold else "*"
    if run.bold and run.italic:
        marker = "***"
    lead, trail = text[: len(text) - len(text.lstrip())], text[len(text.rstrip()) :]
    return f"{lead}{marker}{stripped}{marker}{trail}"


def _line(block: Block) -> str:
    text = "".join(_run(run) for run in block.runs).strip()
    if block.kind is BlockKind.TITLE:
        return f"# {text}"
    if block.kind is BlockKind.HEADING:
        return f"## {text}"
    if block.kind is BlockKind.QUOTE:
        return f"> {text}"
    if block.kind is BlockKind.NOTE:
        return f"*{text}*"
    if block.kind is BlockKind.ITEM:
        return f"- {text}"
    return text


def render_markdown(blocks: tuple[Block, ...]) -> str:
    """The blocks as CommonMark, a blank line between blocks (list items make one list)."""
    lines: list[str] = []
    for index, block in enumerate(blocks):
        if index and not (
            block.kind is BlockKind.ITEM and blocks[index - 1].kind is BlockKind.ITEM
        ):
            lines.append("")
        lines.append(_line(block))
    return "".join(f"{line}\n" for line in lines)
