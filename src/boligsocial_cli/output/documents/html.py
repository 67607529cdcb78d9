"""The brief as one standalone, print-friendly HTML page; the data's text escaped."""

from __future__ import annotations

from html import escape

from boligsocial_cli.bibliography.csl import StyledRun
from boligsocial_cli.output.safe_text import escape_control

from .blocks import Block, BlockKind, Run
from .brief import Brief

_CSS = """
body { font-family: Georgia, "Times New Roman", serif; line-height: 1.5; max-width: 42em;
       margin: 2em auto; padding: 0 1em; color: #111; background: #fff; }
h1 { font-size: 1.8em; margin-bottom: 0.2em; }
h2 { font-size: 1.3em; margin-top: 1.6em; }
blockquote { margin: 0.5em 2em 1em; font-style: italic; }
.cite { font-style: normal; }
.item { margin: 0.2em 0 0.2em 1em; }
.item::before { content: "– "; }
.reference { padding-left: 2em; text-indent: -2em; margin: 0.3em 0; }
.note { font-size: 0.9em; font-style: italic; margin-top: 2em; }
@media print {
  body { max-width: none; margin: 0; font-size: 11pt; }
  h2 { break-after: avoid; }
  blockquote, .reference { break-inside: avoid; }
}
"""

_TAGS = {
    BlockKind.TITLE: ("<h1>", "</h1>"),
    BlockKind.HEADING: ("<h2>", "</h2>"),
    BlockKind.PARAGRAPH: ("<p>", "</p>"),
    BlockKind.QUOTE: ("<blockquote><p>", "</p></blockquote>"),
    BlockKind.REFERENCE: ('<p class="reference">', "</p>"),
    BlockKind.ITEM: ('<p class="item">', "</p>"),
    BlockKind.NOTE: ('<p class="note">', "</p>"),
}


def escape_html(text: str) -> str:
    """Text HTML shows literally: <, >, & and quotes as entities, no control characters."""
    return escape(escape_control(text), quote=True)


def _run(run: Run) -> str:
    text = escape_html(run.text)
    if not isinstance(run, StyledRun):
        return f'<span class="cite">{text}</span>'
    if run.bold:
        text = f"<strong>{text}</strong>"
    if run.italic:
        text = f"<em>{text}</em>"
    return text


def render_html(brief: Brief, blocks: tuple[Block, ...]) -> str:
    """A standalone HTML5 page in the brief's language, with a style sheet for print."""
    body = []
    for block in blocks:
        start, end = _TAGS[block.kind]
        body.append(f"{start}{''.join(_run(run) for run in block.runs)}{end}")
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{brief.lang.value}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape_html(brief.title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )
