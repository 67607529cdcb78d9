"""The document forms of the views (show, about, challenges, glossary, findings): blocks
for plain text and Markdown, and records for JSON. Pure functions of the dataset."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from boligsocial_cli.bibliography.csl import StyledRun
from boligsocial_cli.model import (
    Challenge,
    Dataset,
    Finding,
    GlossaryEntry,
    Lang,
    Localized,
)
from boligsocial_cli.output.listings import finding_row
from boligsocial_cli.output.safe_text import escape_json_controls
from boligsocial_cli.output.terminal import cited_forms, label

from .blocks import Block, BlockKind, Run, bold, plain
from .brief import is_own

DETAIL_FIELDS = (
    "target_group",
    "outcome",
    "activity",
    "magnitude",
    "classification_note",
    "citation_note",
)
"""A finding's optional texts, shown as "label: value" in this order."""


def _with_citation(text: str, cited: str) -> str:
    """A text followed by the booklet's citation forms in parentheses, if it cites any."""
    return f"{text} ({cited})" if cited else text


def _note(note: Localized | None, lang: Lang) -> str:
    """A citation note (where the booklet puts the citation) to follow a citation, or ""."""
    return f" {note.in_lang(lang)}" if note else ""


def _evidence_names(dataset: Dataset, lang: Lang) -> dict[str, str]:
    return {info.kind.value: info.name.in_lang(lang) for info in dataset.evidence_kinds}


def _own(origin: str, lang: Lang) -> tuple[Run, ...]:
    return (plain(f" [{label('not_curated', lang)}: {origin}]"),) if is_own(origin) else ()


def finding_blocks(
    finding: Finding,
    dataset: Dataset,
    lang: Lang,
    quote_citation: str,
    references: Sequence[tuple[StyledRun, ...]],
) -> tuple[Block, ...]:
    """Everything `show` says about a finding; the quote with its citation in the style."""
    themes = {theme.id: theme.name.in_lang(lang) for theme in dataset.themes}
    kinds = {info.kind: info for info in dataset.evidence_kinds}
    info = kinds.get(finding.evidence)
    kind_name = info.name.in_lang(lang) if info else finding.evidence.value
    blocks = [
        Block(BlockKind.TITLE, (plain(finding.id),)),
        Block(
            BlockKind.PARAGRAPH,
            (
                bold(f"{label('evidence', lang).capitalize()}:"),
                plain(f" {kind_name} · "),
                bold(f"{label('theme', lang).capitalize()}:"),
                plain(f" {themes.get(finding.theme, finding.theme)}"),
                *_own(finding.origin, lang),
            ),
        ),
        Block(BlockKind.PARAGRAPH, (plain(finding.summary.in_lang(lang)),)),
        Block(BlockKind.QUOTE, (plain(f"“{finding.quote}” {quote_citation}"),)),
    ]
    if info:
        blocks.append(
            Block(
                BlockKind.PARAGRAPH,
                (bold(f"{kind_name}:"), plain(f" {info.explanation.in_lang(lang)}")),
            )
        )
    for key in DETAIL_FIELDS:
        value: Localized | None = getattr(finding, key)
        if value:
            blocks.append(
                Block(
                    BlockKind.ITEM, (bold(f"{label(key, lang)}:"), plain(f" {value.in_lang(lang)}"))
                )
            )
    if finding.qualifiers:
        qualifiers = ", ".join(f"“{qualifier}”" for qualifier in finding.qualifiers)
        blocks.append(
            Block(BlockKind.ITEM, (bold(f"{label('qualifiers', lang)}:"), plain(f" {qualifiers}")))
        )
    if references:
        blocks.append(Block(BlockKind.HEADING, (plain(label("references", lang)),)))
        blocks.extend(Block(BlockKind.REFERENCE, runs) for runs in references)
    return tuple(blocks)


def finding_record(
    finding: Finding, dataset: Dataset, lang: Lang, quote_citation: str, references: Sequence[str]
) -> dict[str, Any]:
    """`show` as JSON: the finding's fields, its theme's name, its quote's citation and its
    references as the style writes them."""
    themes = {theme.id: theme.name.in_lang(lang) for theme in dataset.themes}
    record = finding_row(finding, lang)
    record["theme_name"] = themes.get(finding.theme, finding.theme)
    record["evidence_name"] = _evidence_names(dataset, lang).get(finding.evidence.value)
    record["quote_citation"] = quote_citation
    record["references"] = list(references)
    return record


def quote_blocks(
    quotes: Sequence[tuple[Finding, str]], kind: BlockKind = BlockKind.PARAGRAPH
) -> tuple[Block, ...]:
    """Each finding's quote, verbatim in quotation marks, followed by its citation."""
    return tuple(
        Block(kind, (plain(f"“{finding.quote}” {citation}"),)) for finding, citation in quotes
    )


def about_blocks(dataset: Dataset, lang: Lang) -> tuple[Block, ...]:
    """The background sections, their passages with the booklet's citation forms, and how to
    read the evidence kinds."""
    booklet = dataset.meta.booklet
    cite = cited_forms(dataset)
    blocks = [
        Block(BlockKind.TITLE, (plain(booklet.title or booklet.cited_as),)),
        Block(BlockKind.PARAGRAPH, (plain(dataset.meta.description.in_lang(lang)),)),
    ]
    for section in dataset.background:
        blocks.append(Block(BlockKind.HEADING, (plain(section.title.in_lang(lang)),)))
        for passage in section.passages:
            text = _with_citation(passage.text.in_lang(lang), cite(passage.citations))
            blocks.append(
                Block(BlockKind.PARAGRAPH, (plain(text + _note(passage.citation_note, lang)),))
            )
    blocks.append(Block(BlockKind.HEADING, (plain(label("evidence_kinds", lang)),)))
    blocks.extend(
        Block(
            BlockKind.ITEM,
            (bold(f"{info.name.in_lang(lang)}:"), plain(f" {info.explanation.in_lang(lang)}")),
        )
        for info in dataset.evidence_kinds
    )
    return tuple(blocks)


def about_record(dataset: Dataset, lang: Lang) -> dict[str, Any]:
    """`about` as JSON: the description, the background's passages, the evidence kinds."""
    return {
        "title": dataset.meta.booklet.title or dataset.meta.booklet.cited_as,
        "description": dataset.meta.description.in_lang(lang),
        "background": [
            {
                "id": section.id,
                "title": section.title.in_lang(lang),
                "passages": [
                    {
                        "text": passage.text.in_lang(lang),
                        "quote": passage.quote,
                        "page": passage.page,
                        "citations": list(passage.citations),
                    }
                    for passage in section.passages
                ],
            }
            for section in dataset.background
        ],
        "evidence_kinds": [
            {
                "kind": info.kind.value,
                "name": info.name.in_lang(lang),
                "explanation": info.explanation.in_lang(lang),
            }
            for info in dataset.evidence_kinds
        ],
    }


def challenge_blocks(challenges: Sequence[Challenge], lang: Lang) -> tuple[Block, ...]:
    """The challenges as a list, each with its page in the booklet."""
    page = label("page", lang)
    return tuple(
        Block(BlockKind.ITEM, (plain(f"{challenge.text.in_lang(lang)} ({page} {challenge.page})"),))
        for challenge in challenges
    )


def glossary_blocks(entries: Sequence[GlossaryEntry], lang: Lang) -> tuple[Block, ...]:
    """Each term in bold (in English: the English term, then the Danish one) and its
    definition; an explanation the booklet does not give follows, marked as such."""
    blocks = []
    for entry in entries:
        term = entry.term
        if lang is Lang.EN and entry.term_en:
            term = f"{entry.term_en} ({entry.term})"
        added = entry.not_in_booklet
        extra = f" ({label('not_in_booklet', lang)}: {added.in_lang(lang)})" if added else ""
        definition = plain(f" {entry.definition.in_lang(lang)}{extra}")
        blocks.append(Block(BlockKind.PARAGRAPH, (bold(f"{term}:"), definition)))
    return tuple(blocks)


def findings_blocks(
    findings: Sequence[Finding], dataset: Dataset, lang: Lang, *, long: bool
) -> tuple[Block, ...]:
    """Findings for a report: under their theme's heading, each a paragraph naming its
    evidence kind, its summary and the booklet's citation forms (and, if long, its quote)."""
    names = _evidence_names(dataset, lang)
    cite = cited_forms(dataset)
    page = label("page", lang)
    blocks: list[Block] = []
    for theme in dataset.themes:
        in_theme = [finding for finding in findings if finding.theme == theme.id]
        if not in_theme:
            continue
        blocks.append(Block(BlockKind.HEADING, (plain(theme.name.in_lang(lang)),)))
        for finding in in_theme:
            summary = _with_citation(finding.summary.in_lang(lang), cite(finding.citations))
            runs: list[Run] = [
                bold(f"{names.get(finding.evidence.value, finding.evidence.value)}:"),
                plain(f" {summary}{_note(finding.citation_note, lang)}"),
                plain(f" [{finding.id}]"),
                *_own(finding.origin, lang),
            ]
            blocks.append(Block(BlockKind.PARAGRAPH, tuple(runs)))
            if long:
                blocks.append(
                    Block(BlockKind.QUOTE, (plain(f"“{finding.quote}” ({page} {finding.page})"),))
                )
    return tuple(blocks)


def record_json(record: dict[str, Any]) -> str:
    """A view's record as JSON, UTF-8 letters kept, no raw control characters."""
    return escape_json_controls(json.dumps(record, ensure_ascii=False, indent=2)) + "\n"
