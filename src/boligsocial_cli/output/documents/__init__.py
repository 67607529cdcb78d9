"""Documents: an evidence brief laid out as Markdown, pandoc Markdown, HTML or Word.

Each format is a pure function from the brief to the files it writes (the document
first; pandoc's Markdown also needs its bibliography and style beside it).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import PurePath
from types import MappingProxyType

from boligsocial_cli.errors import UsageError
from boligsocial_cli.formats import DocumentFormat
from boligsocial_cli.i18n import _

from .brief import Brief
from .layout import lay_out


@dataclass(frozen=True, slots=True)
class DocumentFile:
    """One file a document format writes: its name and its bytes."""

    name: str
    content: bytes


DocumentRenderer = Callable[[Brief, str], tuple[DocumentFile, ...]]
"""Writes a brief whose main file is named `name` as the files of one format."""


def _markdown(brief: Brief, name: str) -> tuple[DocumentFile, ...]:
    from .markdown import render_markdown  # noqa: PLC0415 - each format loads its own module

    return (DocumentFile(name, render_markdown(lay_out(brief)).encode("utf-8")),)


def _pandoc(brief: Brief, name: str) -> tuple[DocumentFile, ...]:
    from .pandoc import pandoc_bibliography, pandoc_style, render_pandoc  # noqa: PLC0415

    stem = PurePath(name).stem
    bibliography, style = f"{stem}.json", f"{stem}.csl"
    if name in (bibliography, style):
        message = _("{name}: pandoc Markdown needs another name, such as {stem}.md.")
        raise UsageError(message.format(name=name, stem=stem))
    text = render_pandoc(brief, lay_out(brief), bibliography, style)
    return (
        DocumentFile(name, text.encode("utf-8")),
        DocumentFile(bibliography, pandoc_bibliography(brief).encode("utf-8")),
        DocumentFile(style, pandoc_style(brief)),
    )


def _html(brief: Brief, name: str) -> tuple[DocumentFile, ...]:
    from .html import render_html  # noqa: PLC0415

    return (DocumentFile(name, render_html(brief, lay_out(brief)).encode("utf-8")),)


def _docx(brief: Brief, name: str) -> tuple[DocumentFile, ...]:
    from .word import render_docx  # noqa: PLC0415

    return (DocumentFile(name, render_docx(brief, lay_out(brief))),)


DOCUMENT_RENDERERS: Mapping[DocumentFormat, DocumentRenderer] = MappingProxyType(
    {
        DocumentFormat.MARKDOWN: _markdown,
        DocumentFormat.PANDOC: _pandoc,
        DocumentFormat.HTML: _html,
        DocumentFormat.DOCX: _docx,
    }
)
"""One renderer per document format."""


def render_document(brief: Brief, fmt: DocumentFormat, name: str) -> tuple[DocumentFile, ...]:
    """The files that `fmt` writes for `brief`, the document (named `name`) first."""
    return DOCUMENT_RENDERERS[fmt](brief, name)
