"""Text from data files and arguments made safe for a terminal: no control sequence gets through,
no invisible character hides, and nothing a line break would split stays unescaped."""

from __future__ import annotations

import re

_FORMAT_CHARACTERS = (
    "\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f\u202a-\u202e"
    "\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f"
)
"""Unicode's format characters (category Cf, as of Unicode 15): bidi controls such as U+202E,
zero-width spaces and joiners, the soft hyphen. They change how text around them looks, or
hide, so a terminal is shown them as escapes (tests/test_hostile_text.py checks the list
against the running Python's Unicode database)."""

_CONTROL = re.compile(f"[\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f\u2028\u2029{_FORMAT_CHARACTERS}]")
_LINE_BREAK_OR_CONTROL = re.compile(f"[\\x00-\\x1f\\x7f-\\x9f\u2028\u2029{_FORMAT_CHARACTERS}]")
_JSON_UNESCAPED = re.compile(f"[\\x7f-\\x9f\u2028\u2029{_FORMAT_CHARACTERS}]")
_LINE_BREAK = re.compile(r"(\r\n|\n)")
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>~|]|&(?=#?\w+;))")
_BLOCK_MARKER_START = re.compile(r"^(\d+)([.)])|^([-+#>])")


_LATIN_1_END = 0xFF
_BMP_END = 0xFFFF


def _escaped(match: re.Match[str]) -> str:
    """A character as Python writes it in a string: \\x1b, \\u202e or \\U000e0001."""
    code = ord(match.group())
    if code <= _LATIN_1_END:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code <= _BMP_END else f"\\U{code:08x}"


def escape_control(text: str) -> str:
    """Show control and format characters literally (ESC as \\x1b, U+202E as \\u202e) so data
    can neither drive nor deceive a terminal; tabs and line feeds (LF) stay."""
    return _CONTROL.sub(_escaped, text)


def has_control(text: str) -> bool:
    """Whether `escape_control` would change `text`: it holds a control or format character."""
    return _CONTROL.search(text) is not None


def one_line(text: str) -> str:
    """`escape_control` with every line break escaped too (LF as \\n): one message, one line."""
    return _LINE_BREAK_OR_CONTROL.sub(
        lambda match: "\\n" if match.group() == "\n" else _escaped(match), text
    )


def escape_control_keeping_lines(text: str) -> str:
    """`escape_control` for a whole document: its line breaks, LF or CRLF (RIS), stay."""
    parts = _LINE_BREAK.split(text)
    return "".join(part if index % 2 else escape_control(part) for index, part in enumerate(parts))


def escape_json_controls(text: str) -> str:
    """JSON text with DEL, C1, line-separator and format characters (which json.dumps leaves
    raw) as \\u escapes.

    They can only occur inside strings, so this is lossless: the JSON parses to the same data.
    """
    return _JSON_UNESCAPED.sub(_json_escaped, text)


def _json_escaped(match: re.Match[str]) -> str:
    """A character as a JSON \\u escape; beyond U+FFFF as its UTF-16 surrogate pair."""
    code = ord(match.group())
    if code <= _BMP_END:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


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
