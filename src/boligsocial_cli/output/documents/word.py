"""The brief as a Word document (python-docx, the optional extra `docx`).

Real Word styles: Title, Heading 1, Normal, Quote, and a Bibliography style with a
hanging indent for the reference list; italics where the citation style sets them.
"""

from __future__ import annotations

import io
from typing import Any

from boligsocial_cli.bibliography.csl import StyledRun
from boligsocial_cli.errors import UsageError
from boligsocial_cli.i18n import _
from boligsocial_cli.output.safe_text import escape_control

from .blocks import Block, BlockKind
from .brief import Brief

REFERENCE_STYLE = "Bibliography"
"""The paragraph style of reference list entries (Word's own name for it)."""

_STYLES = {
    BlockKind.TITLE: "Title",
    BlockKind.HEADING: "Heading 1",
    BlockKind.PARAGRAPH: "Normal",
    BlockKind.QUOTE: "Quote",
    BlockKind.REFERENCE: REFERENCE_STYLE,
    BlockKind.ITEM: "List Bullet",
    BlockKind.NOTE: "Normal",
}


def _xml_text(text: str) -> str:
    """Text Word holds as it is: line breaks and tabs as spaces, the control characters XML
    forbids shown as \\x1b."""
    return escape_control(text.replace("\r", " ").replace("\n", " ").replace("\t", " "))


def _add_reference_style(document: Any) -> None:
    from docx.enum.style import WD_STYLE_TYPE  # noqa: PLC0415 - the optional extra
    from docx.shared import Cm  # noqa: PLC0415

    style = document.styles.add_style(REFERENCE_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = document.styles["Normal"]
    style.paragraph_format.left_indent = Cm(1.27)
    style.paragraph_format.first_line_indent = Cm(-1.27)


def render_docx(brief: Brief, blocks: tuple[Block, ...]) -> bytes:
    """The brief as the bytes of a .docx file."""
    try:
        import docx  # noqa: PLC0415 - the optional extra, for this format only
    except ImportError:
        raise UsageError(
            _("The docx format needs python-docx: pip install 'boligsocial-cli[docx]'.")
        ) from None
    document = docx.Document()
    document.core_properties.title = _xml_text(brief.title)
    document.core_properties.language = brief.lang.value
    _add_reference_style(document)
    for block in blocks:
        paragraph = document.add_paragraph(style=_STYLES[block.kind])
        for run in block.runs:
            added = paragraph.add_run(_xml_text(run.text))
            if isinstance(run, StyledRun):
                added.italic = run.italic or None
                added.bold = run.bold or None
        if block.kind is BlockKind.NOTE:
            for added in paragraph.runs:
                added.italic = True
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
