"""Text from data files and arguments made safe for a terminal: no control sequence gets through."""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_JSON_UNESCAPED = re.compile(r"[\x7f-\x9f]")
_LINE_BREAK = re.compile(r"(\r\n|\n)")
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>~|]|&(?=#?\w+;))")
_BLOCK_MARKER_START = re.compile(r"^(\d+)([.)])|^([-+#>])")


def escape_control(text: str) -> str:
    """Show terminal control characters literally (ESC as \\x1b) so data cannot drive a terminal."""
    return _CONTROL.sub(lambda match: f"\\x{ord(match.group()):02x}", text)


def escape_control_keeping_lines(text: str) -> str:
    """`escape_control` for a whole document: its line breaks, LF or CRLF (RIS), stay."""
    parts = _LINE_BREAK.split(text)
    return "".join(part if index % 2 else escape_control(part) for index, part in enumerate(parts))


def escape_json_controls(text: str) -> str:
    """JSON text with DEL and C1 characters (which json.dumps leaves raw) as \\u escapes.

    They can only occur inside strings, so this is lossless: the JSON parses to the same data.
    """
    return _JSON_UNESCAPED.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


def escape_markdown(text: str) -> str:
    """Backslash-escape the characters Markdown would read as markup, and the `&` that would
    start an entity (`&amp;`)."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def protect_markdown_start(text: str) -> str:
    """Escape a start that Markdown would read as a list, a heading or a quote."""
    return _BLOCK_MARKER_START.sub(
        lambda match: (
            f"{match.group(1)}\\{match.group(2)}" if match.group(1) else f"\\{match.group(3)}"
        ),
        text,
    )
