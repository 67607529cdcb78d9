"""The MCP server: the answers of `answers.py` as tools, the booklet and bibliography as
resources, and a prompt on reading the evidence. Only `boligsocial mcp` imports this.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ResourceError, ToolError
from mcp.types import ToolAnnotations
from pydantic import Field

from boligsocial_cli import __version__
from boligsocial_cli.bibliography.csl import CitationStyle
from boligsocial_cli.errors import BoligsocialError
from boligsocial_cli.formats import BibliographyFormat
from boligsocial_cli.i18n import current_language, use_language
from boligsocial_cli.model import EvidenceKind, Lang
from boligsocial_cli.query import FindingFilter, ReferenceSelection
from boligsocial_cli.resolver import resolve_reference, resolve_theme
from boligsocial_cli.store.store import HitKind, Store

from . import texts
from .answers import (
    Bibliography,
    BookletPage,
    EvidenceMap,
    FindingAnswer,
    FindingList,
    SearchResult,
    ThemePage,
    bibliography,
    booklet_pages,
    evidence_map,
    finding_answer,
    finding_list,
    search_result,
    theme_page,
)

LangParameter = Annotated[
    Lang, Field(description="Language of summaries and labels: da or en (quotes stay Danish).")
]
ThemesParameter = Annotated[
    list[str] | None,
    Field(description="Only these themes: id, Danish or English name, or a unique prefix."),
]
_READ_ONLY = ToolAnnotations(read_only_hint=True, idempotent_hint=True, open_world_hint=False)


@contextmanager
def _as_tool_error(lang: Lang) -> Iterator[None]:
    """An unknown id or theme, or a dataset that broke since start-up, as the tool's error,
    in the language the call asks for."""
    spoken = current_language()
    use_language(lang)
    try:
        yield
    except BoligsocialError as error:
        raise ToolError(str(error)) from None
    finally:
        use_language(spoken)


def build_server(open_store: Callable[[], Store], booklet_text: str) -> MCPServer:
    """A server asking the store `open_store` opens, anew for each request (so that an
    edited dataset file is served as it is now)."""
    server = MCPServer(
        name="boligsocial",
        title="Boligsociale indsatser – kort fortalt",
        version=__version__,
        instructions=texts.INSTRUCTIONS,
        log_level="WARNING",
    )

    @server.tool(description=texts.SEARCH_EVIDENCE, annotations=_READ_ONLY)
    def search_evidence(
        words: Annotated[
            str,
            Field(
                description="What to look for, as you would say it: any case, æøå as "
                "ae/oe/aa, any inflection. Example: kriminalitet unge"
            ),
        ],
        limit: Annotated[int, Field(ge=1, le=100, description="How many hits at most.")] = 10,
        lang: LangParameter = Lang.DA,
    ) -> SearchResult:
        with _as_tool_error(lang):
            store = open_store()
            answer = store.search(words, limit=limit)
            findings = {
                hit.record_id: store.finding(hit.record_id)
                for hit in answer.hits
                if hit.kind is HitKind.FINDING
            }
            return search_result(answer, findings, lang)

    @server.tool(description=texts.LIST_FINDINGS, annotations=_READ_ONLY)
    def list_findings(
        themes: ThemesParameter = None,
        evidence: Annotated[
            list[EvidenceKind] | None, Field(description="Only these evidence kinds.")
        ] = None,
        effects_only: Annotated[
            bool, Field(description="Only effect measurements (tested effects).")
        ] = False,
        search: Annotated[
            str | None, Field(description="Words that must all occur, as in search_evidence.")
        ] = None,
        cites: Annotated[
            list[str] | None,
            Field(description="Only findings citing these works: id or 'Christensen 2018b'."),
        ] = None,
        target_group: Annotated[
            str | None, Field(description="Target group contains this text.")
        ] = None,
        outcome: Annotated[str | None, Field(description="Outcome contains this text.")] = None,
        activity: Annotated[str | None, Field(description="Activity contains this text.")] = None,
        lang: LangParameter = Lang.DA,
    ) -> FindingList:
        with _as_tool_error(lang):
            store = open_store()
            known = store.outline().dataset.themes
            works = store.works() if cites else ()
            criteria = FindingFilter(  # resolved as `findings` resolves its options
                themes=tuple(resolve_theme(known, typed).id for typed in themes or ()),
                evidence=tuple(evidence or ()),
                effects_only=effects_only,
                search=search,
                cites=tuple(resolve_reference(works, typed).id for typed in cites or ()),
                target_group=target_group,
                outcome=outcome,
                activity=activity,
            )
            return finding_list(store.findings(criteria), lang)

    @server.tool(description=texts.GET_FINDING, annotations=_READ_ONLY)
    def get_finding(
        id: Annotated[  # noqa: A002 - the name the assistant sees
            str, Field(description="The finding's id, or a unique prefix of it.")
        ],
        lang: LangParameter = Lang.DA,
    ) -> FindingAnswer:
        with _as_tool_error(lang):
            return finding_answer(open_store().finding(id), lang)

    @server.tool(description=texts.GET_THEME, annotations=_READ_ONLY)
    def get_theme(
        theme: Annotated[
            str, Field(description="Theme id, Danish or English name, or a unique prefix.")
        ],
        lang: LangParameter = Lang.DA,
    ) -> ThemePage:
        with _as_tool_error(lang):
            store = open_store()
            outline = store.outline()
            chosen = resolve_theme(outline.dataset.themes, theme)
            found = store.findings(FindingFilter(themes=(chosen.id,)))
            return theme_page(outline, chosen, found, lang)

    @server.tool(name="evidence_map", description=texts.EVIDENCE_MAP, annotations=_READ_ONLY)
    def evidence_map_tool(lang: LangParameter = Lang.DA) -> EvidenceMap:
        with _as_tool_error(lang):
            return evidence_map(open_store().outline(), lang)

    @server.tool(description=texts.CITE, annotations=_READ_ONLY)
    def cite(
        works: Annotated[
            list[str] | None,
            Field(description="Works to cite: reference ids or forms like 'SBi 2018:09'."),
        ] = None,
        findings: Annotated[
            list[str] | None, Field(description="Cite the works these findings cite (ids).")
        ] = None,
        themes: ThemesParameter = None,
        effects_only: Annotated[
            bool, Field(description="Only the works behind effect measurements.")
        ] = False,
        booklet: Annotated[bool, Field(description="Also cite the booklet itself.")] = False,
        style: Annotated[
            CitationStyle, Field(description="Citation style for text and markdown.")
        ] = CitationStyle.APA,
        format: Annotated[  # noqa: A002 - the name the assistant sees
            BibliographyFormat,
            Field(description="text or markdown in the style; bibtex, ris or csl-json."),
        ] = BibliographyFormat.TEXT,
        lang: LangParameter = Lang.DA,
    ) -> Bibliography:
        with _as_tool_error(lang):
            store = open_store()
            known = store.works()
            outline = store.outline().dataset
            selection = ReferenceSelection(  # resolved as `cite` resolves them, in its order
                keys=tuple(resolve_reference(known, typed).id for typed in works or ()),
                findings=tuple(
                    store.finding(typed).dataset.findings[0].id for typed in findings or ()
                ),
                themes=tuple(resolve_theme(outline.themes, typed).id for typed in themes or ()),
                effects_only=effects_only,
                booklet=booklet,
            )
            return bibliography(store.references(selection), style, format, lang)

    pages = booklet_pages(booklet_text)

    @server.resource(
        texts.BOOKLET_URI,
        name="booklet",
        title="Boligsociale indsatser – kort fortalt: the text",
        description=texts.BOOKLET,
        mime_type="text/plain",
    )
    def booklet() -> str:
        return "\n\n".join(texts.page_heading(page.page) + "\n" + page.text for page in pages)

    @server.resource(
        texts.BOOKLET_URI + "/page/{page}",
        name="booklet-page",
        title="One page of the booklet",
        description=texts.BOOKLET_PAGE,
        mime_type="text/plain",
    )
    def booklet_page(page: int) -> str:
        return _page(pages, page).text

    @server.resource(
        texts.BIBLIOGRAPHY_URI,
        name="bibliography",
        title="Every work the booklet cites (APA)",
        description=texts.BIBLIOGRAPHY,
        mime_type="text/plain",
    )
    def bibliography_resource() -> str:
        try:
            every = open_store().references(ReferenceSelection())
            return bibliography(every, CitationStyle.APA, BibliographyFormat.TEXT, Lang.DA).text
        except BoligsocialError as error:
            raise ResourceError(str(error)) from None

    @server.prompt(name="read_the_evidence", description=texts.PROMPT)
    def read_the_evidence(
        lang: Annotated[Lang, Field(description="da or en")] = Lang.DA,
        question: Annotated[str, Field(description="The user's question, if any.")] = "",
    ) -> str:
        try:
            kinds = open_store().outline().dataset.evidence_kinds
        except BoligsocialError as error:
            raise ResourceError(str(error)) from None
        return texts.evidence_prompt(kinds, lang, question)

    return server


def _page(pages: tuple[BookletPage, ...], number: int) -> BookletPage:
    if not 1 <= number <= len(pages):
        raise ResourceError(f"The booklet has pages 1 to {len(pages)}, not {number}.")
    return pages[number - 1]


def serve(open_store: Callable[[], Store], booklet_text: str) -> None:
    """Answer MCP requests on stdin and stdout until the client closes them."""
    build_server(open_store, booklet_text).run("stdio")
