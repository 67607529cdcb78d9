"""The output formats the CLI offers: Enums that are also its choice types.

Kept apart from the exporters so that a command line can be parsed without importing
how every format is written (the bibliography's, above all).
"""

from __future__ import annotations

from enum import StrEnum


class OutputFormat(StrEnum):
    """How a listing command writes its result."""

    TABLE = "table"
    JSON = "json"
    YAML = "yaml"
    MARKDOWN = "markdown"
    CSV = "csv"
    CSV_RAW = "csv-raw"
    """CSV with formula-like cells as they are (`csv` neutralises them for spreadsheets)."""


class BibliographyFormat(StrEnum):
    """The forms a list of references can be exported in."""

    TEXT = "text"
    MARKDOWN = "markdown"
    BIBTEX = "bibtex"
    RIS = "ris"
    CSL_JSON = "csl-json"


class PageFormat(StrEnum):
    """How a page (a theme's) is written: text for people, Markdown or JSON for documents."""

    TEXT = "text"
    MARKDOWN = "markdown"
    JSON = "json"


class DocumentFormat(StrEnum):
    """The forms an evidence brief is written in."""

    MARKDOWN = "markdown"
    PANDOC = "pandoc"
    HTML = "html"
    DOCX = "docx"

    @property
    def is_text(self) -> bool:
        """Whether the format is text, which may go to stdout (docx is a zip file)."""
        return self is not DocumentFormat.DOCX

    @property
    def suffix(self) -> str:
        """The file name suffix documents of this format have."""
        return {"markdown": ".md", "pandoc": ".md", "html": ".html", "docx": ".docx"}[self.value]


class PictureFormat(StrEnum):
    """The forms `overview` can draw the evidence map in, besides its listing formats."""

    SVG = "svg"
    PNG = "png"
    HTML = "html"


class OverviewFormat(StrEnum):
    """`overview --format`: every listing format, or a picture of the map."""

    TABLE = "table"
    JSON = "json"
    YAML = "yaml"
    MARKDOWN = "markdown"
    CSV = "csv"
    CSV_RAW = "csv-raw"
    SVG = "svg"
    PNG = "png"
    HTML = "html"
