"""The brief as pandoc Markdown with `[@key]` citations, and the files `pandoc --citeproc`
reads beside it: the works as CSL-JSON and the style as a CSL file.

pandoc then renders the citations and the reference list itself, in the same style,
from the same CSL-JSON that boligsocial gives citeproc-py.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from types import MappingProxyType

from boligsocial_cli.bibliography.csl import (
    LOCALES,
    CitationStyle,
    Cite,
    StyledRun,
    builtin_style_xml,
    csl_items_for_rendering,
)
from boligsocial_cli.model import Lang
from boligsocial_cli.output.safe_text import escape_control, escape_json_controls

from .blocks import Block, BlockKind, Run
from .brief import Brief

_SPECIAL = re.compile(r"([!-'*+/<-@\[-`{-~-])")
_DOTS = re.compile(r"\.(?=\.)")
_ABBREVIATION = re.compile(r"(^|[\s(])([^\W\d_][^\W\d_.]{0,3}(?:\.[^\W\d_]{1,3})*)\.(?=\s|$)")
"""A short word and its full stop, such as "e.g.", "p." or "Dr.", which pandoc's smart
punctuation would join to the next word with a no-break space."""
_SPACES = re.compile(r"\s+")


def escape_pandoc(text: str) -> str:
    """Text pandoc's Markdown shows literally: every ASCII symbol that could be markup, a
    citation (@), maths ($), a smart quote or dash, escaped; `.`, `,`, `:` and `;` and
    brackets () only where they could start a block, an ellipsis or, after a short word, a
    no-break space."""
    text = _SPACES.sub(" ", escape_control(text))
    text = _DOTS.sub(r"\\.", _SPECIAL.sub(r"\\\1", text))
    text = _ABBREVIATION.sub(r"\1\2\\.", text)
    return f"\\{text}" if text[:1] in {".", ",", ":", ";", "(", ")", "?"} else text


def _key(key: str) -> str:
    """A citation key pandoc reads whole: in braces, `@{key}`."""
    return "@{" + key + "}"


_PAGE_LABELS: Mapping[Lang, str] = MappingProxyType({Lang.DA: "s.", Lang.EN: "p."})
"""The page label pandoc reads as a locator, in the locale of the brief (CSL's "page")."""


def pandoc_citation(cite: Cite, lang: Lang) -> str:
    """A citation as pandoc writes it: `[@{a}; @{b}, s. 3]`."""
    page = _PAGE_LABELS[lang]
    items = (
        _key(item.key) + (f", {page} {item.page}" if item.page is not None else "")
        for item in cite.items
    )
    return "[" + "; ".join(items) + "]"


def _run(run: Run, lang: Lang) -> str:
    if not isinstance(run, StyledRun):
        return pandoc_citation(run.cite, lang)
    text = escape_pandoc(run.text)
    stripped = text.strip()
    if not stripped or not (run.italic or run.bold):
        return text
    marker = ("*" if run.italic else "") + ("**" if run.bold else "")
    lead, trail = text[: len(text) - len(text.lstrip())], text[len(text.rstrip()) :]
    return f"{lead}{marker}{stripped}{marker[::-1]}{trail}"


def _yaml_string(text: str) -> str:
    """A YAML double-quoted scalar: JSON's string syntax, which YAML reads the same."""
    return escape_json_controls(json.dumps(escape_control(text), ensure_ascii=False))


def _line(block: Block, lang: Lang) -> str:
    text = "".join(_run(run, lang) for run in block.runs).strip()
    if block.kind is BlockKind.HEADING:
        return f"# {text}"
    if block.kind is BlockKind.QUOTE:
        return f"> {text}"
    if block.kind is BlockKind.NOTE:
        return f"*{text}*"
    if block.kind is BlockKind.ITEM:
        return f"- {text}"
    return text


def render_pandoc(brief: Brief, blocks: tuple[Block, ...], bibliography: str, style: str) -> str:
    """The brief's Markdown for pandoc; `bibliography` and `style` name the files beside it.

    The title goes in the metadata, the reference list where pandoc puts it (#refs).
    """
    header = [
        "---",
        f"title: {_yaml_string(brief.title)}",
        f"lang: {LOCALES[brief.lang]}",
        f"bibliography: {_yaml_string(bibliography)}",
        f"csl: {_yaml_string(style)}",
        "link-citations: false",
        "...",
    ]
    body = []
    for block in blocks:
        if block.kind is BlockKind.TITLE or block.kind is BlockKind.REFERENCE:
            continue
        if block.kind is BlockKind.NOTE:
            body.append("::: {#refs}\n:::")
        body.append(_line(block, brief.lang))
    if not any(block.kind is BlockKind.NOTE for block in blocks):
        body.append("::: {#refs}\n:::")
    return "\n".join(header) + "\n\n" + "\n\n".join(body) + "\n"


def pandoc_bibliography(brief: Brief) -> str:
    """The works the brief cites as CSL-JSON, exactly as citeproc-py is given them."""
    items = csl_items_for_rendering(brief.cited)
    return escape_json_controls(json.dumps(items, ensure_ascii=False, indent=2)) + "\n"


def pandoc_style(brief: Brief) -> bytes:
    """The CSL file of the brief's style."""
    if isinstance(brief.style, CitationStyle):
        return builtin_style_xml(brief.style)
    return brief.style.xml
