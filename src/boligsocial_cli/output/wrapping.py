"""Reference lists wrapped for the terminal: at word boundaries, with a hanging indent."""

from __future__ import annotations

import textwrap

HANGING_INDENT = 4
"""How far a reference's second and later lines are indented, so each work stands out."""


def hanging_entries(text: str, width: int) -> str:
    """`text`, one entry a line, as paragraphs of at most `width` columns with a blank line
    between them; lines break only at spaces, so a long word or URL stays whole (and alone
    on its line, longer than `width`)."""
    wrapper = textwrap.TextWrapper(
        width=width,
        subsequent_indent=" " * HANGING_INDENT,
        break_long_words=False,
        break_on_hyphens=False,
    )
    entries = [wrapper.fill(line) for line in text.splitlines() if line.strip()]
    return "\n\n".join(entries) + "\n" if entries else ""
