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
