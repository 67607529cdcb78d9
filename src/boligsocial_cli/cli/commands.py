"""The `boligsocial` command line: parse, call the core, render. The one error boundary."""

from __future__ import annotations

import codecs
import contextlib
import io
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import RenderableType
from rich.text import Text
from typer._click.exceptions import NoArgsIsHelpError
from typer._click.exceptions import UsageError as ClickUsageError

from boligsocial_cli import __version__
from boligsocial_cli.dataset.locations import dataset_paths
from boligsocial_cli.errors import BoligsocialError, ExitCode, UsageError
from boligsocial_cli.formats import (
    BibliographyFormat,
    DocumentFormat,
    OutputFormat,
    OverviewFormat,
    PageFormat,
    PictureFormat,
)
from boligsocial_cli.i18n import _, ngettext, use_language
from boligsocial_cli.model import Dataset, Finding, Lang, Reference
from boligsocial_cli.output.listings import (
    CHALLENGE_COLUMNS,
    EVIDENCE_MAP_COLUMNS,
    FINDING_COLUMNS,
    GLOSSARY_COLUMNS,
    LISTING_EXPORTERS,
    SEARCH_COLUMNS,
    THEME_COLUMNS,
    Row,
    challenge_row,
    evidence_map_rows,
    export_csv_for_excel,
    finding_row,
    glossary_row,
    search_row,
    theme_row,
)
from boligsocial_cli.output.safe_text import escape_control
from boligsocial_cli.output.writer import (
    data_console as _stdout,
)
from boligsocial_cli.output.writer import (
    failures_as_output_errors,
    flush_stdout,
    report_problems,
)
from boligsocial_cli.output.writer import (
    message_console as _messages,
)
from boligsocial_cli.output.writer import (
    write_data as _write_data,
)
from boligsocial_cli.query import FindingFilter, ReferenceSelection, fold
from boligsocial_cli.resolver import (
    find_glossary_entries,
    resolve_bibliography_format,
    resolve_document_format,
    resolve_evidence,
    resolve_lang,
    resolve_output_format,
    resolve_page_format,
    resolve_reference,
    resolve_theme,
)
from boligsocial_cli.store.location import open_store
from boligsocial_cli.store.store import Store

from . import coercion
from .language import (
    TranslatedCommand,
    TranslatedGroup,
    language_of,
    translate_help,
    usage_message,
)

if TYPE_CHECKING:
    from typer._click import Command as ClickCommand
    from typer._click import Context as ClickContext  # the type TyperGroup.invoke declares

    from boligsocial_cli.bibliography.csl import Style, StyledRun
    from boligsocial_cli.output.documents import DocumentFile
    from boligsocial_cli.output.documents.blocks import Block


from boligsocial_cli.output.terminal import (
    about_view,
    empty_answer,
    evidence_map_view,
    finding_detail,
    findings_view,
    glossary_shown,
    label,
    no_hits,
    search_view,
    simple_view,
    theme_page_view,
    themes_view,
    validation_summary,
)


class _BoundaryGroup(TranslatedGroup):
    """Speaks the language the command line asks for; turns every BoligsocialError into a
    message on stderr and its exit code."""

    def parse_args(self, ctx: ClickContext, args: list[str]) -> list[str]:
        coercion.install(self, ctx)  # option values converted without importing Pydantic
        with _error_boundary(ctx):  # --help and --version write here
            if ctx.parent is None:  # the whole command line: `export` is a group beneath
                lang = language_of(args, os.environ)
                use_language(lang)
                translate_help(self)
                ctx.default_map = _language_defaults(self, lang)  # each command's --lang
            return super().parse_args(ctx, args)

    def get_command(self, ctx: ClickContext, cmd_name: str) -> ClickCommand | None:
        command = super().get_command(ctx, cmd_name)
        if command is not None:
            coercion.install(command, ctx)
        return command

    def invoke(self, ctx: ClickContext) -> Any:
        with _error_boundary(ctx):
            return super().invoke(ctx)


def _language_defaults(command: ClickCommand, lang: Lang) -> dict[str, Any]:
    """`--lang`'s default for `command` and each command beneath it: a language given before
    the command counts after it too."""
    defaults: dict[str, Any] = {"lang": lang.value}
    for name, subcommand in getattr(command, "commands", {}).items():
        defaults[name] = _language_defaults(subcommand, lang)
    return defaults


@contextlib.contextmanager
def _error_boundary(ctx: ClickContext) -> Iterator[None]:
    """The one error boundary: a BoligsocialError is its message and exit code; a reader that
    closed the pipe early is no error (exit 0, nothing said)."""
    try:
        with failures_as_output_errors():
            yield
            flush_stdout()  # a closed pipe or a full disk shows here, not at exit
    except BoligsocialError as error:
        if ctx.obj and ctx.obj.get("debug"):
            import traceback  # noqa: PLC0415 - only --debug needs it

            traceback.print_exc()
        # Messages quote file names, arguments and dataset ids: no control sequence in them
        # reaches the terminal, and each problem stays on one line.
        report_problems(_("Error: "), error.problems_as_lines())
        raise typer.Exit(error.exit_code) from None
    except ClickUsageError as error:
        if isinstance(error, NoArgsIsHelpError):
            raise  # Typer shows the help
        command = error.ctx.command_path if error.ctx else "boligsocial"
        hint = _("Try '{command} -h' for help.").format(command=command)
        report_problems(_("Error: "), (usage_message(error), hint))
        raise typer.Exit(ExitCode.BAD_USAGE) from None
    except BrokenPipeError:
        raise typer.Exit(ExitCode.OK) from None


app = typer.Typer(
    cls=_BoundaryGroup,
    help=(
        "What is known about boligsociale indsatser, how sure it is, and what to cite.\n\n"
        "Example: boligsocial findings --theme kriminalitet --effects-only"
    ),
    no_args_is_help=True,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        _write_data(f"boligsocial {__version__}\n")
        raise typer.Exit


@app.callback()
def _global_options(
    ctx: typer.Context,
    data: Annotated[
        list[Path] | None,
        typer.Option(
            "--data",
            metavar="PATH",
            help="Dataset file to read instead of the bundled one. A file that says "
            "'extends: bundled' is read on top of the bundled data; give --data again to lay "
            "more files over the first. Also BOLIGSOCIAL_DATA (paths separated by "
            f"'{os.pathsep}'). Example: --data egne.yaml",
            show_default=False,
        ),
    ] = None,
    lang: Annotated[  # noqa: ARG001 - read before parsing, by language_of
        Lang,
        typer.Option(
            "--lang",
            "-l",
            metavar="da|en",
            help="Language of the interface and of the dataset's texts (quotes stay Danish): "
            "da, en, or a name such as dansk or english. Also after the command, and as "
            "BOLIGSOCIAL_LANG. Example: boligsocial --lang en themes",
            parser=resolve_lang,
        ),
    ] = Lang.DA,
    debug: Annotated[
        bool,
        typer.Option(
            "--debug",
            help="Show a traceback with errors, for bug reports. Example: boligsocial --debug "
            "validate egne.yaml",
        ),
    ] = False,
    version: Annotated[  # noqa: ARG001 - handled by its eager callback
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    """What is known about boligsociale indsatser, how sure it is, and what to cite."""
    ctx.obj = {"data": tuple(data or ()), "debug": debug}


def _store(ctx: typer.Context) -> Store:
    """The store for the dataset files this command line names."""
    return open_store(
        dataset_paths(ctx.obj["data"]),
        progress=_reading_status,
        note=_debug_note if ctx.obj.get("debug") else None,
    )


def _debug_note(text: str) -> None:
    _messages().print(escape_control(_("Note: {text}").format(text=text)), markup=False)


def _reading_status(what: str, size: int) -> contextlib.AbstractContextManager[object]:
    """A spinner on stderr while large files are read for the first time (terminals only)."""
    if not sys.stderr.isatty():
        return contextlib.nullcontext()
    megabytes = _("{size:,.0f} MB").format(size=size / 1_000_000)
    message = _("Reading {what} ({size}); the next time is quick …").format(
        what=escape_control(what), size=megabytes
    )
    return _messages().status(Text(message))  # a file name is text, not markup


LangOption = Annotated[
    Lang,
    typer.Option(
        "--lang",
        "-l",
        metavar="da|en",
        help="Language of labels and texts (quotes stay Danish): da, en, or a name such as "
        "dansk or english. Also BOLIGSOCIAL_LANG. Example: --lang en",
        parser=resolve_lang,
    ),
]
ExcelOption = Annotated[
    bool,
    typer.Option(
        "--excel",
        help="With --format csv: CSV that Excel opens right in a Danish locale (UTF-8 with a "
        "byte order mark, ';' between fields). Example: --format csv --excel > fund.csv",
    ),
]
PageFormatOption = Annotated[
    PageFormat,
    typer.Option(
        "--format",
        "-f",
        metavar="text|markdown|json",
        help="text (for people; plain when written to a file or pipe), markdown (for "
        "documents) or json. Example: --format markdown",
        parser=resolve_page_format,
    ),
]
FormatOption = Annotated[
    OutputFormat,
    typer.Option(
        "--format",
        "-f",
        metavar="table|json|yaml|markdown|csv",
        help="Output format: a table for people, or data for programs. Example: --format json",
        parser=resolve_output_format,
    ),
]


def _emit(
    rows: list[Row],
    fields: Sequence[str],
    output: OutputFormat,
    view: Callable[[int], RenderableType],
    blocks: Callable[[], tuple[Block, ...]] | None = None,
    *,
    excel: bool = False,
) -> None:
    """Write a listing: the Rich view built for the terminal's width, or an exporter's text.

    A listing with a document form (`blocks`) is plain text when stdout is not a terminal,
    and Markdown as paragraphs for a report rather than a table.
    """
    if excel and output is not OutputFormat.CSV:
        raise UsageError(_("--excel is for --format csv."))
    if output is OutputFormat.TABLE:
        if blocks is None:
            console = _stdout()
            console.print(view(console.width))
        else:
            _print_text(view, blocks)
    elif output is OutputFormat.MARKDOWN and blocks is not None:
        from boligsocial_cli.output.documents.markdown import render_markdown  # noqa: PLC0415

        _write_data(render_markdown(blocks()))
    elif excel:
        _write_data(export_csv_for_excel(rows, fields))
    else:
        _write_data(LISTING_EXPORTERS[output](rows, fields))


@app.command(cls=TranslatedCommand)
def themes(
    ctx: typer.Context,
    lang: LangOption = Lang.DA,
    output: FormatOption = OutputFormat.TABLE,
    excel: ExcelOption = False,
) -> None:
    """List the themes with their number of findings and effect measurements.

    Example: boligsocial themes --lang en
    """
    outline = _store(ctx).outline()
    rows = [theme_row(theme, outline.counts, lang) for theme in outline.dataset.themes]
    _emit(rows, THEME_COLUMNS, output, lambda width: themes_view(rows, lang, width), excel=excel)


def _completions(
    ctx: typer.Context, incomplete: str, ids_of: Callable[[Store], Iterable[str]]
) -> list[str]:
    """Ids from the dataset the command line names (its --data too) that start as typed."""
    paths = ctx.find_root().params.get("data") or ()
    try:
        ids = list(ids_of(open_store(dataset_paths(tuple(paths)))))
    except BoligsocialError:
        return []
    return [id_ for id_ in ids if fold(id_).startswith(fold(incomplete))]


def _complete_theme(ctx: typer.Context, incomplete: str) -> list[str]:
    return _completions(
        ctx, incomplete, lambda store: (t.id for t in store.outline().dataset.themes)
    )


def _complete_finding(ctx: typer.Context, incomplete: str) -> list[str]:
    return _completions(ctx, incomplete, Store.finding_ids)


def _complete_reference(ctx: typer.Context, incomplete: str) -> list[str]:
    return _completions(ctx, incomplete, lambda store: (r.id for r in store.works()))


ThemeOption = Annotated[
    list[str] | None,
    typer.Option(
        "--theme",
        "-t",
        metavar="THEME",
        help="Only this theme: id, Danish or English name, a word of it, or a unique prefix; "
        "repeatable. Example: --theme krim, --theme trivsel, --theme employment",
        autocompletion=_complete_theme,
        show_default=False,
    ),
]
EffectsOnlyOption = Annotated[
    bool,
    typer.Option(
        "--effects-only",
        help="Only the effect measurements (the booklet's tested effects), or the works behind "
        "them. Example: --effects-only",
    ),
]


StyleOption = Annotated[
    str,
    typer.Option(
        "--style",
        metavar="STYLE",
        help="Citation style, any case or a prefix: apa, harvard, chicago, kort (the "
        "booklet's in-text form), or the path of any CSL file. Example: --style harvard",
    ),
]
EvidenceOption = Annotated[
    list[str] | None,
    typer.Option(
        "--evidence",
        "-e",
        metavar="<effekt|forandring|vurdering|forskning>",
        help="Only this evidence kind, by its Danish or English name or a prefix "
        "(effect, change, assessment, research); repeatable. Example: --evidence forandring",
        show_default=False,
    ),
]
SearchOption = Annotated[
    str | None,
    typer.Option(
        "--search",
        "-s",
        metavar="TEXT",
        help="Words to look for in summaries, quotes, names and citations (any case, æøå as "
        "ae/oe/aa). Example: --search fritidsjob",
        show_default=False,
    ),
]


@app.command(cls=TranslatedCommand)
def findings(
    ctx: typer.Context,
    theme: ThemeOption = None,
    evidence: EvidenceOption = None,
    effects_only: EffectsOnlyOption = False,
    search: SearchOption = None,
    cites: Annotated[
        list[str] | None,
        typer.Option(
            "--cites",
            metavar="REF",
            help="Only findings citing this work (id or 'Christensen 2018b'); repeatable. "
            "Example: --cites 'SBi 2018:09'",
            show_default=False,
        ),
    ] = None,
    target_group: Annotated[
        str | None,
        typer.Option(
            "--target-group",
            metavar="TEXT",
            help="Target group contains this text. Example: --target-group unge",
            show_default=False,
        ),
    ] = None,
    outcome: Annotated[
        str | None,
        typer.Option(
            "--outcome",
            metavar="TEXT",
            help="Outcome contains this text. Example: --outcome fritidsjob",
            show_default=False,
        ),
    ] = None,
    activity: Annotated[
        str | None,
        typer.Option(
            "--activity",
            metavar="TEXT",
            help="Activity contains this text. Example: --activity lommepenge",
            show_default=False,
        ),
    ] = None,
    long: Annotated[
        bool, typer.Option("--long", help="Show each finding's quote and page. Example: --long")
    ] = False,
    lang: LangOption = Lang.DA,
    output: FormatOption = OutputFormat.TABLE,
    excel: ExcelOption = False,
) -> None:
    """List findings; filters combine.

    Example: boligsocial findings --theme kriminalitet --effects-only
    """
    store = _store(ctx)
    outline = store.outline().dataset
    works = store.works() if cites else ()
    criteria = FindingFilter(
        themes=tuple(resolve_theme(outline.themes, typed).id for typed in theme or ()),
        evidence=tuple(resolve_evidence(outline.evidence_kinds, kind) for kind in evidence or ()),
        effects_only=effects_only,
        search=search,
        cites=tuple(resolve_reference(works, typed).id for typed in cites or ()),
        target_group=target_group,
        outcome=outcome,
        activity=activity,
    )
    answer = store.findings(criteria)
    found = answer.dataset.findings
    if not found:
        _messages().print(escape_control(empty_answer(answer.relaxed, lang)), markup=False)
        if output is OutputFormat.TABLE:
            return
    rows = [finding_row(finding, lang) for finding in found]
    _emit(
        rows,
        FINDING_COLUMNS,
        output,
        lambda width: findings_view(found, answer.dataset, lang, long=long, width=width),
        _findings_report(found, answer.dataset, lang, long=long),
        excel=excel,
    )


def _findings_report(
    found: Sequence[Finding], dataset: Dataset, lang: Lang, *, long: bool
) -> Callable[[], tuple[Block, ...]]:
    """The findings as paragraphs under their themes: for a report's Markdown, or a file."""
    from boligsocial_cli.output.documents.views import findings_blocks  # noqa: PLC0415

    return lambda: findings_blocks(found, dataset, lang, long=long)


@app.command(cls=TranslatedCommand)
def search(
    ctx: typer.Context,
    words: Annotated[
        list[str],
        typer.Argument(
            metavar="TEXT",
            help="What to look for, as you would say it: any case, æøå as ae/oe/aa, any "
            "inflection. Example: utryghed",
            show_default=False,
        ),
    ],
    limit: Annotated[
        int,
        typer.Option("--limit", "-n", help="How many hits to show. Example: --limit 5"),
    ] = 10,
    lang: LangOption = Lang.DA,
    output: FormatOption = OutputFormat.TABLE,
) -> None:
    """Search everything the dataset says: findings, theme context, background, challenges,
    glossary and works, best match first.

    Example: boligsocial search fritidsjob unge
    """
    if limit < 1:
        raise UsageError(_("--limit must be 1 or more, not {limit}.").format(limit=limit))
    store = _store(ctx)
    answer = store.search(" ".join(words), limit=limit)
    if not answer.hits:
        _messages().print(escape_control(no_hits(answer, lang)), markup=False)
        if output is OutputFormat.TABLE:
            return
    rows = [search_row(rank, hit) for rank, hit in enumerate(answer.hits, start=1)]
    context = store.outline().dataset
    _emit(rows, SEARCH_COLUMNS, output, lambda _width: search_view(answer, context, lang))


@app.command(cls=TranslatedCommand)
def show(
    ctx: typer.Context,
    finding_id: Annotated[
        str,
        typer.Argument(
            metavar="ID",
            help="The finding's id, or a unique prefix. Example: fritidsjob",
            autocompletion=_complete_finding,
        ),
    ],
    style: StyleOption = "apa",
    output: PageFormatOption = PageFormat.TEXT,
    lang: LangOption = Lang.DA,
) -> None:
    """Show everything about one finding: summary, quote and its citation, evidence kind,
    references in a citation style.

    Example: boligsocial show fritidsjob-tre-gange-chance
    """
    from boligsocial_cli.output.documents import views  # noqa: PLC0415

    style_key = _style_key(style)
    store = _store(ctx)
    dataset = store.finding(finding_id).dataset
    finding = dataset.findings[0]
    cited = store.references(ReferenceSelection(findings=(finding.id,)))
    texts = _rendered(store, cited, BibliographyFormat.TEXT, style, lang, style_key).splitlines()
    quote_citation = _quote_citation(store, finding, dataset, style, lang, style_key)

    def entries() -> tuple[tuple[StyledRun, ...], ...]:
        """The references as the style sets them: italics for Markdown (citeproc now)."""
        from boligsocial_cli.bibliography.csl import StyledRun  # noqa: PLC0415

        if output is not PageFormat.MARKDOWN:
            return tuple((StyledRun(text),) for text in texts)
        from boligsocial_cli.bibliography.csl import format_entries, parse_style  # noqa: PLC0415

        return tuple(runs for _, runs in format_entries(cited, parse_style(style), lang))

    _emit_view(
        output,
        lambda width: finding_detail(  # noqa: ARG005 - Rich sizes it
            finding, dataset, lang, "\n".join(texts) or None, quote_citation
        ),
        lambda: views.finding_blocks(finding, dataset, lang, quote_citation, entries()),
        lambda: views.finding_record(finding, dataset, lang, quote_citation, texts),
    )


def _quote_citation(
    store: Store, finding: Finding, dataset: Dataset, style: str, lang: Lang, style_key: str
) -> str:
    """A finding's quote's citation in `style`: as the store kept it, or rendered now."""
    from boligsocial_cli.output.documents.brief import quote_source  # noqa: PLC0415

    source = quote_source(finding, dataset)
    key = "\n".join(("quote", style_key, lang.value, source.id, str(finding.page)))
    kept = store.remembered(key)
    if kept is not None:
        return kept
    from boligsocial_cli.bibliography.csl import format_quote_citation, parse_style  # noqa: PLC0415

    text = format_quote_citation(source, finding.page, parse_style(style), lang)
    store.remember(key, text)
    return text


def _emit_view(
    output: PageFormat,
    view: Callable[[int], RenderableType],
    blocks: Callable[[], tuple[Block, ...]],
    record: Callable[[], dict[str, Any]],
) -> None:
    """Write a view: JSON, Markdown, or text (Rich on a terminal, else plain)."""
    from boligsocial_cli.output.documents.views import record_json  # noqa: PLC0415

    if output is PageFormat.JSON:
        _write_data(record_json(record()))
    elif output is PageFormat.MARKDOWN:
        from boligsocial_cli.output.documents.markdown import render_markdown  # noqa: PLC0415

        _write_data(render_markdown(blocks()))
    else:
        _print_text(view, blocks)


def _print_text(
    view: Callable[[int], RenderableType], blocks: Callable[[], tuple[Block, ...]]
) -> None:
    """On a terminal, the Rich view; in a file or a pipe, plain text: a paragraph a line, no
    box drawing, no hard wraps, no trailing spaces."""
    console = _stdout()
    if console.is_terminal:
        console.print(view(console.width))
        return
    from boligsocial_cli.output.documents.plain import render_plain  # noqa: PLC0415

    _write_data(render_plain(blocks()))


@app.command(cls=TranslatedCommand)
def theme(
    ctx: typer.Context,
    typed: Annotated[
        str,
        typer.Argument(
            metavar="THEME",
            help="The theme: id, Danish or English name, a word of it, or a unique prefix. "
            "Example: trivsel",
            autocompletion=_complete_theme,
        ),
    ],
    lang: LangOption = Lang.DA,
    output: Annotated[
        PageFormat,
        typer.Option(
            "--format",
            "-f",
            metavar="text|markdown|json",
            help="text for people; markdown or json for documents and programs. "
            "Example: --format markdown > tema.md",
            parser=resolve_page_format,
        ),
    ] = PageFormat.TEXT,
) -> None:
    """A theme's page: its summary, the booklet's context with quotes and pages, its findings by
    evidence kind, and the works behind them.

    Example: boligsocial theme kriminalitet
    """
    from boligsocial_cli.theme_page import theme_page  # noqa: PLC0415 - this command only

    store = _store(ctx)
    chosen = resolve_theme(store.outline().dataset.themes, typed)
    dataset = store.findings(FindingFilter(themes=(chosen.id,))).dataset
    page = theme_page(dataset, chosen, store.references(ReferenceSelection(themes=(chosen.id,))))
    as_text = output is PageFormat.TEXT
    form = BibliographyFormat.TEXT if as_text else BibliographyFormat.MARKDOWN
    bibliography = _rendered(store, page.references, form, "apa", lang) if page.references else ""
    if as_text:
        _stdout().print(theme_page_view(page, dataset, lang, bibliography.rstrip("\n")))
        return
    from boligsocial_cli.output.theme_pages import PAGE_EXPORTERS  # noqa: PLC0415 - documents only

    _write_data(PAGE_EXPORTERS[output](page, dataset, lang, bibliography))


@app.command(cls=TranslatedCommand)
def overview(
    ctx: typer.Context,
    lang: LangOption = Lang.DA,
    output: Annotated[
        OverviewFormat,
        typer.Option(
            "--format",
            "-f",
            help="A table, data for programs, or the map as a picture: svg, png (with the "
            "'map' extra: pip install 'boligsocial-cli[map]') or html. Example: --format svg",
            case_sensitive=False,
        ),
    ] = OverviewFormat.TABLE,
    destination: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            metavar="PATH",
            help="Write to this new file instead of stdout. Example: -o kort.png",
            show_default=False,
        ),
    ] = None,
    excel: ExcelOption = False,
) -> None:
    """The evidence map: themes by evidence kinds, as a grid of counts or a picture.

    Example: boligsocial overview --format png -o evidenskort.png
    """
    store = _store(ctx)
    if output.value in set(PictureFormat):
        picture = PictureFormat(output.value)
        _write_picture(_map_picture(_whole_dataset(store), picture, lang), destination, picture)
        return
    listing = OutputFormat(output.value)
    outline = store.outline()
    rows = evidence_map_rows(outline.dataset.themes, outline.counts, lang)
    if destination is not None:
        if listing is OutputFormat.TABLE:
            raise UsageError(_("--output writes data or a picture: give --format too, e.g. svg."))
        if excel and listing is not OutputFormat.CSV:
            raise UsageError(_("--excel is for --format csv."))
        exporter = export_csv_for_excel if excel else LISTING_EXPORTERS[listing]
        _write_file(destination, exporter(rows, EVIDENCE_MAP_COLUMNS).encode("utf-8"))
        return
    _emit(
        rows,
        EVIDENCE_MAP_COLUMNS,
        listing,
        lambda width: evidence_map_view(rows, outline.dataset, lang, width),
        excel=excel,
    )


def _whole_dataset(store: Store) -> Dataset:
    """Everything the dataset holds: the outline, every finding and every cited work."""
    findings = store.findings(FindingFilter()).dataset.findings
    return replace(store.outline().dataset, findings=findings, references=store.works())


def _map_picture(dataset: Dataset, picture: PictureFormat, lang: Lang) -> bytes:
    """The evidence map of `dataset` as an SVG, PNG or HTML file's bytes."""
    from boligsocial_cli.output.evidence_map import evidence_map  # noqa: PLC0415 - pictures only

    evidence = evidence_map(dataset, lang)
    if picture is PictureFormat.HTML:
        from boligsocial_cli.output.map_html import map_document  # noqa: PLC0415

        return map_document(evidence).encode("utf-8")
    try:
        from boligsocial_cli.output.map_picture import render_map  # noqa: PLC0415
    except ImportError as error:  # matplotlib, the 'map' extra, is not installed
        message = _(
            "--format {format} needs matplotlib ({module} could not be imported): pip install "
            "'boligsocial-cli[map]'; --format html needs nothing more."
        )
        module = error.name or "matplotlib"
        raise UsageError(message.format(format=picture.value, module=module)) from None
    return render_map(evidence, picture)


def _write_picture(data: bytes, destination: Path | None, picture: PictureFormat) -> None:
    """Write a picture to its file, or to stdout unless that is a terminal and it is binary."""
    if destination is not None:
        _write_file(destination, data)
        return
    if picture is PictureFormat.PNG and sys.stdout.isatty():
        raise UsageError(_("A PNG is not for the terminal: add -o FILE.png, or redirect stdout."))
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:  # a text-only stream (a test runner's, say)
        sys.stdout.write(data.decode("utf-8", errors="surrogateescape"))
        return
    sys.stdout.flush()
    buffer.write(data)
    buffer.flush()


def _write_file(path: Path, data: bytes) -> None:
    """Write `data` to a new file `path` (an existing one is never overwritten)."""
    try:
        with path.open("xb") as handle:
            handle.write(data)
    except FileExistsError:
        message = _("{path} already exists; boligsocial never overwrites a file.")
        raise UsageError(message.format(path=path)) from None
    except OSError as error:
        raise _cannot_write(path, error) from None
    _messages().print(escape_control(_("Wrote {path}.").format(path=path)), markup=False)


def _cannot_write(path: Path, error: OSError) -> UsageError:
    message = _("Cannot write {path}: {reason}.")
    return UsageError(message.format(path=path, reason=error.strerror or error))


@app.command(cls=TranslatedCommand)
def challenges(
    ctx: typer.Context,
    lang: LangOption = Lang.DA,
    output: FormatOption = OutputFormat.TABLE,
    excel: ExcelOption = False,
) -> None:
    """The nine problems that boligsociale indsatser exist to address.

    Example: boligsocial challenges --format markdown
    """
    from boligsocial_cli.output.documents.views import challenge_blocks  # noqa: PLC0415

    listed = _store(ctx).outline().dataset.challenges
    rows = [challenge_row(challenge, lang) for challenge in listed]
    shown = (("id", "id"), ("text", "challenge"))
    _emit(
        rows,
        CHALLENGE_COLUMNS,
        output,
        lambda width: simple_view(rows, shown, lang, width),
        lambda: challenge_blocks(listed, lang),
        excel=excel,
    )


@app.command(cls=TranslatedCommand)
def glossary(
    ctx: typer.Context,
    term: Annotated[
        str | None,
        typer.Argument(
            metavar="TERM",
            help="Show only the terms this text finds: a word of the term, an inflected form, "
            "or text it contains. Example: helhedsplaner",
            show_default=False,
        ),
    ] = None,
    lang: LangOption = Lang.DA,
    output: FormatOption = OutputFormat.TABLE,
    excel: ExcelOption = False,
) -> None:
    """Terms a newcomer meets, explained.

    Example: boligsocial glossary helhedsplan
    """
    everything = _store(ctx).outline().dataset.glossary
    entries = find_glossary_entries(everything, term) if term else everything
    rows = [glossary_row(entry, lang) for entry in entries]
    shown = (
        (("term", "term"), ("definition", "definition"))
        if lang is Lang.DA
        else (("term_en", "term"), ("term", "danish"), ("definition", "definition"))
    )
    from boligsocial_cli.output.documents.views import glossary_blocks  # noqa: PLC0415

    _emit(
        rows,
        GLOSSARY_COLUMNS,
        output,
        lambda width: simple_view(glossary_shown(rows, lang), shown, lang, width),
        lambda: glossary_blocks(entries, lang),
        excel=excel,
    )


@app.command(cls=TranslatedCommand)
def about(
    ctx: typer.Context, lang: LangOption = Lang.DA, output: PageFormatOption = PageFormat.TEXT
) -> None:
    """What boligsociale indsatser are, why they exist, who funds them, how the work is done,
    and how to read the evidence kinds.

    Example: boligsocial about --lang en
    """
    from boligsocial_cli.output.documents import views  # noqa: PLC0415

    outline = _store(ctx).outline().dataset
    _emit_view(
        output,
        lambda width: about_view(outline, lang),  # noqa: ARG005 - Rich sizes it
        lambda: views.about_blocks(outline, lang),
        lambda: views.about_record(outline, lang),
    )


@app.command(cls=TranslatedCommand)
def cite(
    ctx: typer.Context,
    keys: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="KEY",
            autocompletion=_complete_reference,
            help="Works to cite: reference ids or the forms people type. "
            "Example: 'Christensen 2018b' 'SBi 2018:09'",
            show_default=False,
        ),
    ] = None,
    finding: Annotated[
        list[str] | None,
        typer.Option(
            "--finding",
            metavar="ID",
            help="The works a finding cites; repeatable. Example: --finding maends-ledighed",
            autocompletion=_complete_finding,
            show_default=False,
        ),
    ] = None,
    theme: ThemeOption = None,
    effects_only: EffectsOnlyOption = False,
    booklet: Annotated[
        bool, typer.Option("--booklet", help="How to cite the booklet itself. Example: --booklet")
    ] = False,
    style: StyleOption = "apa",
    output: Annotated[
        BibliographyFormat,
        typer.Option(
            "--format",
            "-f",
            metavar="text|markdown|bibtex|ris|csl-json",
            help="text and markdown follow --style; bibtex, ris and csl-json are for reference "
            "managers. Example: --format bibtex > refs.bib",
            parser=resolve_bibliography_format,
        ),
    ] = BibliographyFormat.TEXT,
    quote: Annotated[
        bool,
        typer.Option(
            "--quote",
            help="With --finding: the finding's verbatim quote and its citation, ready to paste. "
            "Example: --finding maends-ledighed --quote",
        ),
    ] = False,
    lang: LangOption = Lang.DA,
) -> None:
    """The bibliography: every work the booklet cites, or those you select, in a citation style.

    Example: boligsocial cite --effects-only --style apa --format bibtex
    """
    style_key = _style_key(style)  # a style that cannot be used is the first error
    store = _store(ctx)
    if quote:
        _cite_quotes(store, finding or (), style, style_key, output, lang)
        return
    works = store.works()
    outline = store.outline().dataset
    selection = ReferenceSelection(
        keys=tuple(resolve_reference(works, key).id for key in keys or ()),
        findings=tuple(store.finding(typed).dataset.findings[0].id for typed in finding or ()),
        themes=tuple(resolve_theme(outline.themes, typed).id for typed in theme or ()),
        effects_only=effects_only,
        booklet=booklet,
    )
    references = store.references(selection)
    if not references:
        _messages().print(label("nothing_to_cite", lang), markup=False)
        return
    _write_data(_rendered(store, references, output, style, lang, style_key))


def _cite_quotes(
    store: Store,
    typed: Sequence[str],
    style: str,
    style_key: str,
    output: BibliographyFormat,
    lang: Lang,
) -> None:
    """Write each finding's quote with its citation, as text or as Markdown block quotes."""
    from boligsocial_cli.output.documents.blocks import BlockKind  # noqa: PLC0415
    from boligsocial_cli.output.documents.markdown import render_markdown  # noqa: PLC0415
    from boligsocial_cli.output.documents.plain import render_plain  # noqa: PLC0415
    from boligsocial_cli.output.documents.views import quote_blocks  # noqa: PLC0415

    if not typed:
        raise UsageError(_("--quote needs --finding ID: the finding whose quote to cite."))
    if output not in (BibliographyFormat.TEXT, BibliographyFormat.MARKDOWN):
        raise UsageError(_("--quote writes --format text or markdown."))
    quotes = []
    for one in typed:
        dataset = store.finding(one).dataset
        item = dataset.findings[0]
        quotes.append((item, _quote_citation(store, item, dataset, style, lang, style_key)))
    if output is BibliographyFormat.MARKDOWN:
        _write_data(render_markdown(quote_blocks(quotes, BlockKind.QUOTE)))
    else:
        _write_data(render_plain(quote_blocks(quotes)))


def _style_key(style: str) -> str:
    """What a style's renderings are kept under: its name, or its CSL file's digest.

    A built-in style is taken by name, so that a kept rendering needs neither citeproc nor
    lxml; a user's CSL file is read and checked here, and its schema warnings shown.
    """
    from boligsocial_cli.bibliography.csl import CitationStyle, CslStyle, parse_style  # noqa: PLC0415

    if style in CitationStyle.__members__.values():
        return style
    chosen = parse_style(style)
    if not isinstance(chosen, CslStyle):
        return chosen.value
    for warning in chosen.schema_warnings:
        report_problems(_("Warning: "), warning.splitlines())
    import hashlib  # noqa: PLC0415 - for a user's style only

    return "csl:" + hashlib.sha256(chosen.xml).hexdigest()


def _rendered(
    store: Store,
    references: Sequence[Reference],
    output: BibliographyFormat,
    style: str,
    lang: Lang,
    style_key: str | None = None,
) -> str:
    """`references` in `output`: as the store kept them from an earlier run, or rendered now."""
    ids = " ".join(reference.id for reference in references)
    key = "\n".join((output.value, style_key or _style_key(style), lang.value, ids))
    kept = store.remembered(key)
    if kept is not None:
        return kept
    from boligsocial_cli.bibliography.csl import ExportOptions, export_references, parse_style  # noqa: PLC0415

    text = export_references(references, output, ExportOptions(style=parse_style(style), lang=lang))
    store.remember(key, text)
    return text


def _chosen_style(typed: str) -> Style:
    """The citation style named, with what the CSL schema says of a user's file on stderr."""
    from boligsocial_cli.bibliography.csl import CslStyle, parse_style  # noqa: PLC0415 - citeproc is slow

    chosen = parse_style(typed)
    if isinstance(chosen, CslStyle):
        for warning in chosen.schema_warnings:
            _messages().print(escape_control(_("Warning: ") + warning), markup=False)
    return chosen


@app.command(cls=TranslatedCommand)
def brief(
    ctx: typer.Context,
    finding_ids: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="ID",
            help="Only these findings (ids or unique prefixes). Example: fritidsjob maends",
            autocompletion=_complete_finding,
            show_default=False,
        ),
    ] = None,
    theme: ThemeOption = None,
    evidence: EvidenceOption = None,
    effects_only: EffectsOnlyOption = False,
    search: SearchOption = None,
    quotes: Annotated[
        bool,
        typer.Option(
            "--quotes",
            help="Add each finding's verbatim quote, cited with its page. Example: --quotes",
        ),
    ] = False,
    style: StyleOption = "apa",
    output: Annotated[
        DocumentFormat,
        typer.Option(
            "--format",
            "-f",
            metavar="markdown|pandoc|html|docx",
            help="markdown (CommonMark), pandoc (Markdown with [@key] citations, for "
            "pandoc --citeproc), html (a standalone page) or docx (Word). Example: --format docx",
            parser=resolve_document_format,
        ),
    ] = DocumentFormat.MARKDOWN,
    path: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            metavar="PATH",
            help="Write the brief to this file (needed for docx and pandoc). Example: -o "
            "notat.docx",
            show_default=False,
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite files -o would write. Example: --force")
    ] = False,
    date: Annotated[
        str | None,
        typer.Option(
            "--date",
            metavar="YYYY-MM-DD",
            help="The date the brief gives as its own (default: today). Example: --date 2026-12-01",
            show_default=False,
        ),
    ] = None,
    lang: LangOption = Lang.DA,
) -> None:
    """An evidence brief to put in a document: per theme what is known and how, with
    citations and a reference list in a citation style. Filters as in `findings`.

    Example: boligsocial brief --theme uddannelse --effects-only --quotes -o notat.docx
    """
    import datetime as dt  # noqa: PLC0415 - for this command only

    try:
        today = dt.date.fromisoformat(date) if date else dt.datetime.now(tz=dt.UTC).date()
    except ValueError:
        message = _("--date {date!r} is not a date: write it as YYYY-MM-DD.")
        raise UsageError(message.format(date=date)) from None
    from boligsocial_cli.output.documents import render_document  # noqa: PLC0415
    from boligsocial_cli.output.documents.brief import build_brief, with_works  # noqa: PLC0415

    if path is None and not output.is_text:
        message = _("--format {format} writes a file: give -o PATH.")
        raise UsageError(message.format(format=output.value))
    if path is None and output is DocumentFormat.PANDOC:
        raise UsageError(
            _(
                "--format pandoc writes its bibliography and style beside the Markdown: give -o "
                "PATH."
            )
        )
    chosen_style = _chosen_style(style)
    store = _store(ctx)
    outline = store.outline().dataset
    criteria = FindingFilter(
        themes=tuple(resolve_theme(outline.themes, typed).id for typed in theme or ()),
        evidence=tuple(resolve_evidence(outline.evidence_kinds, kind) for kind in evidence or ()),
        effects_only=effects_only,
        search=search,
    )
    answer = store.findings(criteria)
    found = answer.dataset.findings
    if finding_ids:
        wanted = {store.finding(typed).dataset.findings[0].id for typed in finding_ids}
        found = tuple(finding for finding in found if finding.id in wanted)
    if not found:
        relaxed = None if finding_ids else answer.relaxed
        _messages().print(escape_control(empty_answer(relaxed, lang)), markup=False)
        return
    dataset = with_works(answer.dataset, outline.references)  # the themes' context cites some
    made = build_brief(
        dataset,
        found,
        style=chosen_style,
        lang=lang,
        quotes=quotes,
        today=today,
    )
    files = render_document(made, output, path.name if path else f"brief{output.suffix}")
    if path is None:
        _write_data(files[0].content.decode("utf-8"))
        return
    _write_files(path.parent, files, force=force)


def _write_files(folder: Path, files: Sequence[DocumentFile], *, force: bool) -> None:
    """Write `files` into `folder`; refuse, before writing any, to overwrite one unless forced."""
    targets = [(folder / file.name, file.content) for file in files]
    existing = [str(target) for target, _content in targets if target.exists()]
    if existing and not force:
        message = ngettext(
            "{files} already exists; give --force to overwrite.",
            "{files} already exist; give --force to overwrite.",
            len(existing),
        )
        raise UsageError(message.format(files=", ".join(existing)))
    for target, content in targets:
        try:
            target.write_bytes(content)
        except OSError as error:
            raise _cannot_write(target, error) from None
    wrote = ", ".join(str(target) for target, _content in targets)
    _messages().print(escape_control(_("Wrote {path}.").format(path=wrote)), markup=False)


@app.command(cls=TranslatedCommand)
def validate(
    ctx: typer.Context,
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            metavar="PATH",
            help="Dataset files to check, each on its own and then together, in the order "
            "--data would read them (those of --data or BOLIGSOCIAL_DATA, else the bundled "
            "one, if none). Example: egne.yaml",
            show_default=False,
        ),
    ] = None,
    against: Annotated[
        Path | None,
        typer.Option(
            "--against",
            metavar="FILE",
            help="Also check that every quote occurs in this source text (PDF-extracted text; "
            "hyphenation and line breaks folded). Example: --against booklet.txt",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Check dataset files and print every problem with its place; exit 0 when clean.

    Example: boligsocial validate data/findings.yaml --against booklet.txt
    """
    from boligsocial_cli.dataset.load import validate_files  # noqa: PLC0415 - lookups need not import the checks

    report = validate_files(tuple(paths or dataset_paths(ctx.obj["data"])), against)
    if report.warnings:
        report_problems(_("Warning: "), [str(warning) for warning in report.warnings])
    _messages().print(escape_control(validation_summary(report)), markup=False)


@app.command(cls=TranslatedCommand)
def schema() -> None:
    """Print the JSON Schema of dataset files, for editors that check YAML as you type.

    Example: boligsocial schema > boligsocial.schema.json
    """
    from boligsocial_cli.dataset.schema import dataset_schema_json  # noqa: PLC0415 - json for this command only

    _write_data(dataset_schema_json())


export_app = typer.Typer(
    cls=_BoundaryGroup,
    help="Write the whole dataset as one file: a page for people (html) or a database for "
    "programs (sqlite).\n\nExample: boligsocial export html evidens.html",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(export_app, name="export")


@export_app.command("sqlite", cls=TranslatedCommand)
def export_sqlite(
    ctx: typer.Context,
    path: Annotated[
        Path,
        typer.Argument(
            metavar="PATH",
            help="The database file to write; it must not exist yet. Example: boligsocial.db",
            show_default=False,
        ),
    ],
) -> None:
    """The dataset as an SQLite database, to open in datasette, DB Browser or any SQL tool.

    Example: boligsocial export sqlite boligsocial.db
    """
    try:
        _store(ctx).export(path)
    except FileExistsError:
        message = _("{path} already exists; export never overwrites a file.")
        raise UsageError(message.format(path=path)) from None
    except OSError as error:
        raise _cannot_write(path, error) from None
    wrote = _("Wrote {path}: tables {tables}.").format(path=path, tables=_EXPORTED_TABLES)
    _messages().print(escape_control(wrote), markup=False)


_EXPORTED_TABLES = "themes, findings, works, citations, counts, outline, items, fulltext"


@export_app.command("html", cls=TranslatedCommand)
def export_html(
    ctx: typer.Context,
    path: Annotated[
        Path,
        typer.Argument(
            metavar="PATH",
            help="The HTML file to write; it must not exist yet. Example: evidens.html",
            show_default=False,
        ),
    ],
    style: Annotated[
        str,
        typer.Option(
            "--style",
            metavar="STYLE",
            help="Citation style of the bibliography: apa, harvard, chicago, kort, or a CSL "
            "file. Example: --style harvard",
        ),
    ] = "apa",
    lang: LangOption = Lang.DA,
) -> None:
    """One self-contained HTML page of the whole dataset, to open in a browser, offline.

    Themes with their context, every finding with evidence kind, summary, quote, page and
    references, the evidence map (click a cell to list its findings), search and filters,
    and the bibliography with copy buttons; Danish or English at a click.

    Example: boligsocial export html evidens.html --lang en
    """
    from boligsocial_cli.bibliography.csl import CslStyle, parse_style  # noqa: PLC0415 - citeproc is slow
    from boligsocial_cli.output.page import page_document  # noqa: PLC0415

    chosen_style = parse_style(style)
    if isinstance(chosen_style, CslStyle):
        for warning in chosen_style.schema_warnings:
            _messages().print(escape_control(_("Warning: ") + warning), markup=False)
    page = page_document(_whole_dataset(_store(ctx)), chosen_style, lang)
    _write_file(path, page.encode("utf-8"))


@app.command(cls=TranslatedCommand)
def init(
    typed: Annotated[
        str,
        typer.Argument(
            metavar="PATH",
            help="The file to write; it must not exist yet. Example: egne-fund.yaml",
            show_default=False,
        ),
    ],
) -> None:
    """Write a small starter file for your own evidence, every field explained; never overwrites.

    Example: boligsocial init egne-fund.yaml
    """
    from boligsocial_cli.dataset.starter import (  # noqa: PLC0415 - for this command only
        SCHEMA_FILE,
        starter_path,
        starter_text,
    )

    path = starter_path(typed)
    try:
        with path.open("x", encoding="utf-8") as handle:
            handle.write(starter_text())
    except FileExistsError:
        message = _("{path} already exists; init never overwrites a file.")
        raise UsageError(message.format(path=path)) from None
    except OSError as error:
        raise _cannot_write(path, error) from None
    wrote = _(
        "Wrote {path}: one example theme, finding and reference, laid over the bundled data.\n"
        "Next:\n"
        "  boligsocial schema > {schema}   # your editor checks as you type\n"
        "  boligsocial validate {path}\n"
        "  boligsocial --data {path} findings"
    ).format(path=path, schema=path.parent / SCHEMA_FILE)
    _messages().print(escape_control(wrote), markup=False)  # the path is the user's text


@app.command(cls=TranslatedCommand)
def mcp(ctx: typer.Context) -> None:
    """Serve the evidence to AI assistants (Claude Desktop, VS Code, Cursor …) over the Model
    Context Protocol on stdin/stdout. Needs: pip install 'boligsocial-cli[mcp]'.

    Example: boligsocial --data egne.yaml mcp
    """
    from boligsocial_cli.mcp_server import serve  # noqa: PLC0415 - the server for this command only
    from boligsocial_cli.mcp_server.texts import ON_A_TERMINAL  # noqa: PLC0415

    _store(ctx)  # a broken dataset file is reported now, with its place, not by a tool later
    if sys.stdin.isatty():  # started by a person, not by an assistant
        _messages().print(_(ON_A_TERMINAL), markup=False)
    serve(lambda: _store(ctx))  # each request asks the store anew: edits are served


def main() -> None:
    """Console-script entry point."""
    stdout = sys.stdout
    if isinstance(stdout, io.TextIOWrapper) and codecs.lookup(stdout.encoding).name != "utf-8":
        # A locale that cannot encode æøå (LC_ALL=C with PYTHONUTF8=0, PYTHONIOENCODING=ascii):
        # show '?' for what it cannot encode rather than fail with UnicodeEncodeError.
        stdout.reconfigure(errors="replace")
    app()
