"""A theme's page as a document: Markdown or JSON, one exporter each, in a registry.

Every text from the data is escaped for its format: no Markdown it holds is read as markup.
The bibliography comes rendered (Markdown) from the CLI, which owns citation styles.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from boligsocial_cli.formats import PageFormat
from boligsocial_cli.model import Dataset, Lang, Localized, Passage
from boligsocial_cli.theme_page import ThemePage

from .listings import finding_row
from .safe_text import (
    escape_control,
    escape_json_controls,
    escape_markdown,
    protect_markdown_start,
)
from .terminal import label


def _text(value: Localized | None, lang: Lang) -> str | None:
    return value.in_lang(lang) if value else None


def _inline(text: str) -> str:
    """Data text as literal Markdown: controls shown as escapes, markup characters escaped,
    line breaks as spaces (so no text can start a block of its own)."""
    return escape_markdown(escape_control(" ".join(text.split())))


def _markdown(text: str) -> str:
    """Data text as the literal start of a Markdown paragraph or heading."""
    return protect_markdown_start(_inline(text))


def _cited(text: str, note: Localized | None, lang: Lang) -> str:
    """A citation, and where the booklet puts it when the data says."""
    cited = f" ({_markdown(text)})" if text else ""
    return cited + (f" *{_inline(note.in_lang(lang))}*" if note else "")


def _quote_block(quote: str, page: int, lang: Lang) -> str:
    return f"> “{_inline(quote)}” ({label('page', lang)} {page})"


def _passage_markdown(passage: Passage, cite: Callable[[Sequence[str]], str], lang: Lang) -> str:
    cited = _cited(cite(passage.citations), passage.citation_note, lang)
    text = _markdown(passage.text.in_lang(lang)) + cited
    return f"{text}\n\n{_quote_block(passage.quote, passage.page, lang)}\n"


def page_markdown(page: ThemePage, dataset: Dataset, lang: Lang, bibliography: str) -> str:
    """The page as Markdown: headings, paragraphs, quotes as block quotes, a reference list."""
    theme = page.theme
    cite = page.cited
    names = {info.kind: info.name.in_lang(lang) for info in dataset.evidence_kinds}
    parts = [
        f"# {_markdown(theme.name.in_lang(lang))} ({_inline(theme.id)})\n",
        f"{_markdown(theme.summary.in_lang(lang))}\n",
    ]
    if theme.context:
        parts.append(f"## {label('hit_context', lang)}\n")
        parts.extend(_passage_markdown(passage, cite, lang) for passage in theme.context)
    parts.append(f"## {label('findings_heading', lang)}\n")
    if not page.groups:
        parts.append(f"{label('no_theme_findings', lang)}\n")
    for group in page.groups:
        parts.append(f"### {_markdown(names.get(group.kind, group.kind.value))}\n")
        for finding in group.findings:
            cited = _cited(cite(finding.citations), finding.citation_note, lang)
            summary = _markdown(finding.summary.in_lang(lang)) + cited
            parts.append(
                f"**{_inline(finding.id)}**: {summary}\n\n"
                f"{_quote_block(finding.quote, finding.page, lang)}\n"
            )
    if bibliography:
        parts.append(f"## {label('references', lang)}\n\n{bibliography.rstrip()}\n")
    return "\n".join(parts)


def page_record(page: ThemePage, dataset: Dataset, lang: Lang) -> dict[str, Any]:
    """The page as plain data: texts in `lang`, findings as `findings` lists them."""
    theme = page.theme
    names = {info.kind: info.name.in_lang(lang) for info in dataset.evidence_kinds}
    return {
        "id": theme.id,
        "name": theme.name.in_lang(lang),
        "summary": theme.summary.in_lang(lang),
        "context": [
            {
                "text": passage.text.in_lang(lang),
                "quote": passage.quote,
                "page": passage.page,
                "citations": list(passage.citations),
                "citation_note": _text(passage.citation_note, lang),
                "classification_note": _text(passage.classification_note, lang),
            }
            for passage in theme.context
        ],
        "findings": [
            {
                "evidence": group.kind.value,
                "name": names.get(group.kind, group.kind.value),
                "findings": [finding_row(finding, lang) for finding in group.findings],
            }
            for group in page.groups
        ],
        "references": [
            {"id": reference.id, "cited_as": reference.cited_as, "status": reference.status.value}
            for reference in page.references
        ],
        "origin": theme.origin,
    }


def page_json(page: ThemePage, dataset: Dataset, lang: Lang, bibliography: str) -> str:  # noqa: ARG001 - a registry signature
    """The page as a JSON object, UTF-8 letters kept; no raw control characters."""
    import json  # noqa: PLC0415 - only this format needs it

    text = json.dumps(page_record(page, dataset, lang), ensure_ascii=False, indent=2)
    return escape_json_controls(text) + "\n"


PageExporter = Callable[[ThemePage, Dataset, Lang, str], str]
"""Writes a page, given its dataset (for names), the language and its rendered bibliography."""

PAGE_EXPORTERS: Mapping[PageFormat, PageExporter] = {
    PageFormat.MARKDOWN: page_markdown,
    PageFormat.JSON: page_json,
}
"""Every page format but `text`, which Rich renders."""
