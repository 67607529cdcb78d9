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
from boligsocial_cli.i18n import N_, _, ngettext, number, use_language
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
from boligsocial_cli.output.pager import pager_command
from boligsocial_cli.output.safe_text import escape_control
from boligsocial_cli.output.writer import (
    data_console as _stdout,
)
from boligsocial_cli.output.writer import (
    failures_as_output_errors,
    flush_stdout,
    help_width,
    print_view,
    report_problems,
    use_pager,
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
    resolve_overview_format,
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
        with _error_boundary(ctx):  # --help and --version write here
            if ctx.parent is None:  # the whole command line: `export` is a group beneath
                lang = language_of(args, os.environ)
                use_language(lang)
                translate_help(self)
                ctx.default_map = _language_defaults(self, lang)  # each command's --lang
                ctx.terminal_width = help_width()  # also when stdout is a pipe
                paged = NO_PAGER_OPTION not in _before_double_dash(args)
                use_pager(pager_command(os.environ) if paged else None)
                args = _without_no_pager(args)  # so it may follow the command too
            # option values converted without importing Pydantic; after the language is
            # chosen, as this makes the help option, whose help Typer translates then
            coercion.install(self, ctx)
            return super().parse_args(ctx, args)

    def get_command(self, ctx: ClickContext, cmd_name: str) -> ClickCommand | None:
        command = super().get_command(ctx, cmd_name)
        if command is not None:
            coercion.install(command, ctx)
        return command

    def invoke(self, ctx: ClickContext) -> Any:
        with _error_boundary(ctx):
            return super().invoke(ctx)


NO_PAGER_OPTION = "--no-pager"


def _before_double_dash(args: list[str]) -> list[str]:
    return args[: args.index("--")] if "--" in args else args


def _without_no_pager(args: list[str]) -> list[str]:
    """`args` without `--no-pager`, which is read before parsing wherever it is."""
    before = _before_double_dash(args)
    return [word for word in before if word != NO_PAGER_OPTION] + args[len(before) :]


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
    help=N_(
        "What do we know about boligsociale indsatser (social programmes in Denmark's "
        "vulnerable public-housing areas), how sure is it, and what do I cite?\n\n"
        "The answers come from the booklet Boligsociale indsatser – kort fortalt (VIVE): every "
        "finding with its verbatim quote and page, and the works to cite. Global options go "
        "before the command; --lang may also follow it."
    ),
    epilog=(
        "boligsocial themes\n"
        "boligsocial findings --theme uddannelse --effects-only\n"
        "boligsocial show fritidsjob-tre-gange-chance\n"
        "boligsocial cite --finding maends-ledighed\n"
        "boligsocial --lang en themes"
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


def _lang_option(help_text: str) -> Any:
    """`--lang`/`-l`, read by the resolver, with the help that says what it sets here."""
    return typer.Option("--lang", "-l", metavar="da|en", help=help_text, parser=resolve_lang)


@app.callback()
def _global_options(
    ctx: typer.Context,
    data: Annotated[
        list[Path] | None,
        typer.Option(
            "--data",
            metavar=N_("FILE"),
            help=N_(
                "A dataset file to read instead of the bundled one. A file that says "
                "'extends: bundled' is laid over the bundled data; give --data again to lay more "
                "files on top. Also BOLIGSOCIAL_DATA, with several files separated as in PATH."
            ),
            show_default=False,
        ),
    ] = None,
    lang: Annotated[  # noqa: ARG001 - read before parsing, by language_of
        Lang,
        _lang_option(
            N_(
                "Language of the interface and of the dataset's texts (quotes stay Danish): da "
                "or en, or a name such as dansk or english. Also after the command, and as "
                "BOLIGSOCIAL_LANG."
            )
        ),
    ] = Lang.DA,
    no_pager: Annotated[  # noqa: ARG001 - read before parsing, by _BoundaryGroup
        bool,
        typer.Option(
            NO_PAGER_OPTION,
            help=N_(
                "Print long output straight to the terminal, not through a pager (less, or "
                "BOLIGSOCIAL_PAGER, else PAGER; set either empty for none). Also after the "
                "command. Example: boligsocial --no-pager findings"
            ),
        ),
    ] = False,
    debug: Annotated[
        bool,
        typer.Option(
            "--debug",
            help=N_("Show a traceback with errors, for bug reports."),
        ),
    ] = False,
    version: Annotated[  # noqa: ARG001 - handled by its eager callback
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help=N_("Show the version and exit.")
        ),
    ] = False,
) -> None:
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
    megabytes = _("{size} MB").format(size=number(round(size / 1_000_000)))
    message = _("Reading {what} ({size}); the next time is quick …").format(
        what=escape_control(what), size=megabytes
    )
    return _messages().status(Text(message))  # a file name is text, not markup


LangOption = Annotated[
    Lang,
    _lang_option(
        N_(
            "Language of labels and texts (quotes stay Danish): da or en, or a name such as "
            "dansk or english. Also BOLIGSOCIAL_LANG."
        )
    ),
]
MessagesLangOption = Annotated[
    Lang,
    _lang_option(
        N_(
            "Language of the messages: da or en, or a name such as dansk or english. Also "
            "BOLIGSOCIAL_LANG."
        )
    ),
]
"""`--lang` of a command that shows no dataset text: read before parsing, by language_of."""
ExcelOption = Annotated[
    bool,
    typer.Option(
        "--excel",
        help=N_(
            "With --format csv: a CSV file that Excel opens correctly in a Danish locale (UTF-8 "
            "with a byte order mark, ';' between fields)."
        ),
    ),
]
PageFormatOption = Annotated[
    PageFormat,
    typer.Option(
        "--format",
        "-f",
        metavar="text|markdown|json",
        help=N_(
            "text to read (plain text when written to a file or a pipe), markdown for "
            "documents, or json."
        ),
        parser=resolve_page_format,
    ),
]
FormatOption = Annotated[
    OutputFormat,
    typer.Option(
        "--format",
        "-f",
        metavar="table|json|yaml|markdown|csv|csv-raw",
        help=N_("Output format: a table to read, or data for other programs."),
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
            print_view(console, view(console.width))
        else:
            _print_text(view, blocks)
    elif output is OutputFormat.MARKDOWN and blocks is not None:
        from boligsocial_cli.output.documents.markdown import render_markdown  # noqa: PLC0415

        _write_data(render_markdown(blocks()))
    elif excel:
        _write_data(export_csv_for_excel(rows, fields))
    else:
        _write_data(LISTING_EXPORTERS[output](rows, fields))


@app.command(
    cls=TranslatedCommand,
    help=N_("List the themes, with their numbers of findings and effects."),
    epilog="boligsocial themes\nboligsocial themes --format csv --excel > temaer.csv",
)
def themes(
    ctx: typer.Context,
    lang: LangOption = Lang.DA,
    output: FormatOption = OutputFormat.TABLE,
    excel: ExcelOption = False,
) -> None:
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
        metavar=N_("THEME"),
        help=N_(
            "Only this theme: its id, Danish or English name, a word of the name, or a unique "
            "prefix, such as krim or employment; repeatable."
        ),
        autocompletion=_complete_theme,
        show_default=False,
    ),
]
EffectsOnlyOption = Annotated[
    bool,
    typer.Option(
        "--effects-only",
        help=N_(
            "Only the effect measurements (the effects the booklet reports as measured), or the "
            "works behind them."
        ),
    ),
]


StyleOption = Annotated[
    str,
    typer.Option(
        "--style",
        metavar=N_("STYLE"),
        help=N_(
            "Citation style, by name or a prefix of it: apa, harvard, chicago, kort (the "
            "booklet's in-text form), or the path of a CSL file."
        ),
    ),
]
EvidenceOption = Annotated[
    list[str] | None,
    typer.Option(
        "--evidence",
        "-e",
        metavar=N_("effect|change|assessment|research"),
        help=N_(
            "Only this kind of evidence, by its English or Danish name or a prefix; repeatable."
        ),
        show_default=False,
    ),
]
SearchOption = Annotated[
    str | None,
    typer.Option(
        "--search",
        "-s",
        metavar=N_("TEXT"),
        help=N_(
            "Words to look for in summaries, quotes, names and citations (upper or lower case; "
            "æ, ø, å may be typed as ae, oe, aa)."
        ),
        show_default=False,
    ),
]


@app.command(
    cls=TranslatedCommand,
    help=N_(
        "List the findings, filtered by theme, evidence kind, words and more.\n\n"
        "Give a filter more than once to accept several values; give several filters to "
        "narrow the list."
    ),
    epilog=(
        "boligsocial findings --theme uddannelse --effects-only\n"
        "boligsocial findings --theme krim --theme tryghed --long\n"
        "boligsocial findings --evidence forandring -s beboere\n"
        "boligsocial findings --cites 'SBi 2018:09'"
    ),
)
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
            metavar=N_("REFERENCE"),
            help=N_(
                "Only findings that cite this work: its id, or as it is cited, such as "
                "'Christensen 2018b'; repeatable."
            ),
            show_default=False,
        ),
    ] = None,
    target_group: Annotated[
        str | None,
        typer.Option(
            "--target-group",
            metavar=N_("TEXT"),
            help=N_("Only findings whose target group contains this text."),
            show_default=False,
        ),
    ] = None,
    outcome: Annotated[
        str | None,
        typer.Option(
            "--outcome",
            metavar=N_("TEXT"),
            help=N_("Only findings whose outcome contains this text."),
            show_default=False,
        ),
    ] = None,
    activity: Annotated[
        str | None,
        typer.Option(
            "--activity",
            metavar=N_("TEXT"),
            help=N_("Only findings whose activity contains this text."),
            show_default=False,
        ),
    ] = None,
    long: Annotated[
        bool, typer.Option("--long", help=N_("Show each finding's quote and page."))
    ] = False,
    lang: LangOption = Lang.DA,
    output: FormatOption = OutputFormat.TABLE,
    excel: ExcelOption = False,
) -> None:
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


@app.command(
    cls=TranslatedCommand,
    help=N_(
        "Search everything the dataset says, best match first.\n\n"
        "It looks in the findings, the themes' context, the background, the challenges, the "
        "glossary and the works, and finds words in upper or lower case, with æ, ø, å typed as "
        "ae, oe, aa, and in any inflection."
    ),
    epilog="boligsocial search fritidsjob unge\nboligsocial search utryghed --limit 5",
)
def search(
    ctx: typer.Context,
    words: Annotated[
        list[str],
        typer.Argument(
            metavar=N_("TEXT"),
            help=N_("What to look for, as you would say it."),
            show_default=False,
        ),
    ],
    limit: Annotated[
        int,
        typer.Option("--limit", "-n", metavar=N_("NUMBER"), help=N_("How many hits to show.")),
    ] = 10,
    lang: LangOption = Lang.DA,
    output: FormatOption = OutputFormat.TABLE,
) -> None:
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


@app.command(
    cls=TranslatedCommand,
    help=N_(
        "Show one finding in full.\n\n"
        "Its summary, its verbatim quote with the citation, what its evidence kind means, and "
        "its references in a citation style."
    ),
    epilog=(
        "boligsocial show fritidsjob-tre-gange-chance\n"
        "boligsocial show maends --style harvard --format markdown"
    ),
)
def show(
    ctx: typer.Context,
    finding_id: Annotated[
        str,
        typer.Argument(
            metavar=N_("ID"),
            help=N_("The finding's id, or a unique prefix of it."),
            show_default=False,
            autocompletion=_complete_finding,
        ),
    ],
    style: StyleOption = "apa",
    output: PageFormatOption = PageFormat.TEXT,
    lang: LangOption = Lang.DA,
) -> None:
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
        print_view(console, view(console.width))
        return
    from boligsocial_cli.output.documents.plain import render_plain  # noqa: PLC0415

    _write_data(render_plain(blocks()))


@app.command(
    cls=TranslatedCommand,
    help=N_(
        "Show one theme's page.\n\n"
        "Its summary, the booklet's context with quotes and pages, its findings by evidence "
        "kind, and the works behind them."
    ),
    epilog="boligsocial theme kriminalitet\nboligsocial theme trivsel --format markdown > tema.md",
)
def theme(
    ctx: typer.Context,
    typed: Annotated[
        str,
        typer.Argument(
            metavar=N_("THEME"),
            help=N_(
                "The theme: its id, Danish or English name, a word of the name, or a unique prefix."
            ),
            show_default=False,
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
            help=N_("text to read; markdown or json for documents and programs."),
            parser=resolve_page_format,
        ),
    ] = PageFormat.TEXT,
) -> None:
    from boligsocial_cli.theme_page import theme_page  # noqa: PLC0415 - this command only

    store = _store(ctx)
    chosen = resolve_theme(store.outline().dataset.themes, typed)
    dataset = store.findings(FindingFilter(themes=(chosen.id,))).dataset
    page = theme_page(dataset, chosen, store.references(ReferenceSelection(themes=(chosen.id,))))
    as_text = output is PageFormat.TEXT
    form = BibliographyFormat.TEXT if as_text else BibliographyFormat.MARKDOWN
    bibliography = _rendered(store, page.references, form, "apa", lang) if page.references else ""
    if as_text:
        print_view(_stdout(), theme_page_view(page, dataset, lang, bibliography.rstrip("\n")))
        return
    from boligsocial_cli.output.theme_pages import PAGE_EXPORTERS  # noqa: PLC0415 - documents only

    _write_data(PAGE_EXPORTERS[output](page, dataset, lang, bibliography))


@app.command(
    cls=TranslatedCommand,
    help=N_(
        "The evidence map: themes by evidence kind, as a grid of counts.\n\n"
        "With --format svg, png or html it is drawn as a picture."
    ),
    epilog="boligsocial overview\nboligsocial overview --format svg -o evidenskort.svg",
)
def overview(
    ctx: typer.Context,
    lang: LangOption = Lang.DA,
    output: Annotated[
        OverviewFormat,
        typer.Option(
            "--format",
            "-f",
            metavar="table|json|yaml|markdown|csv|csv-raw|svg|png|html",
            help=N_(
                "A table to read, data for programs, or the map as a picture: svg, png (needs "
                "the map extra: pip install 'boligsocial-cli[map]') or html."
            ),
            parser=resolve_overview_format,
        ),
    ] = OverviewFormat.TABLE,
    destination: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            metavar=N_("FILE"),
            help=N_("Write to this new file instead of standard output."),
            show_default=False,
        ),
    ] = None,
    excel: ExcelOption = False,
) -> None:
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


@app.command(
    cls=TranslatedCommand,
    help=N_("The nine problems the programmes exist to address."),
    epilog="boligsocial challenges\nboligsocial challenges --format markdown",
)
def challenges(
    ctx: typer.Context,
    lang: LangOption = Lang.DA,
    output: FormatOption = OutputFormat.TABLE,
    excel: ExcelOption = False,
) -> None:
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


@app.command(
    cls=TranslatedCommand,
    help=N_("Terms a newcomer meets, explained."),
    epilog="boligsocial glossary\nboligsocial glossary helhedsplaner",
)
def glossary(
    ctx: typer.Context,
    term: Annotated[
        str | None,
        typer.Argument(
            metavar=N_("TERM"),
            help=N_(
                "Show only the terms this finds: a word of the term, an inflected form, or "
                "text the term contains."
            ),
            show_default=False,
        ),
    ] = None,
    lang: LangOption = Lang.DA,
    output: FormatOption = OutputFormat.TABLE,
    excel: ExcelOption = False,
) -> None:
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


@app.command(
    cls=TranslatedCommand,
    help=N_(
        "What the programmes are, and how to read the evidence.\n\n"
        "Why boligsociale indsatser exist, who funds them, how the work is done, and what "
        "each evidence kind means."
    ),
    epilog="boligsocial about\nboligsocial about --format markdown > om.md",
)
def about(
    ctx: typer.Context, lang: LangOption = Lang.DA, output: PageFormatOption = PageFormat.TEXT
) -> None:
    from boligsocial_cli.output.documents import views  # noqa: PLC0415

    outline = _store(ctx).outline().dataset
    _emit_view(
        output,
        lambda width: about_view(outline, lang),  # noqa: ARG005 - Rich sizes it
        lambda: views.about_blocks(outline, lang),
        lambda: views.about_record(outline, lang),
    )


@app.command(
    cls=TranslatedCommand,
    help=N_(
        "The bibliography: the works the booklet cites, or those you choose.\n\n"
        "In a citation style (--style), or for reference managers (--format bibtex, ris or "
        "csl-json)."
    ),
    epilog=(
        "boligsocial cite --finding maends-ledighed\n"
        "boligsocial cite 'Christensen 2018b' --style harvard\n"
        "boligsocial cite --finding maends-ledighed --quote\n"
        "boligsocial cite --effects-only -f bibtex > referencer.bib"
    ),
)
def cite(
    ctx: typer.Context,
    keys: Annotated[
        list[str] | None,
        typer.Argument(
            metavar=N_("KEY"),
            autocompletion=_complete_reference,
            help=N_(
                "Works to cite: reference ids, or as they are cited, such as "
                "'Christensen 2018b' or 'SBi 2018:09'."
            ),
            show_default=False,
        ),
    ] = None,
    finding: Annotated[
        list[str] | None,
        typer.Option(
            "--finding",
            metavar=N_("ID"),
            help=N_("The works this finding cites; repeatable."),
            autocompletion=_complete_finding,
            show_default=False,
        ),
    ] = None,
    theme: ThemeOption = None,
    effects_only: EffectsOnlyOption = False,
    booklet: Annotated[
        bool, typer.Option("--booklet", help=N_("How to cite the booklet itself."))
    ] = False,
    style: StyleOption = "apa",
    output: Annotated[
        BibliographyFormat,
        typer.Option(
            "--format",
            "-f",
            metavar="text|markdown|bibtex|ris|csl-json",
            help=N_(
                "text and markdown follow --style; bibtex, ris and csl-json are for reference "
                "managers such as Zotero."
            ),
            parser=resolve_bibliography_format,
        ),
    ] = BibliographyFormat.TEXT,
    quote: Annotated[
        bool,
        typer.Option(
            "--quote",
            help=N_(
                "With --finding: the finding's verbatim quote and its citation, ready to paste."
            ),
        ),
    ] = False,
    lang: LangOption = Lang.DA,
) -> None:
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
    text = _rendered(store, references, output, style, lang, style_key)
    console = _stdout()
    if output is BibliographyFormat.TEXT and console.is_terminal:  # a file keeps a work a line
        from boligsocial_cli.output.wrapping import hanging_entries  # noqa: PLC0415

        text = hanging_entries(text, console.width)
    _write_data(text)


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


@app.command(
    cls=TranslatedCommand,
    help=N_(
        "An evidence brief to put in a document.\n\n"
        "Per theme, what is known and how, with citations and a reference list in a citation "
        "style. The filters are those of findings."
    ),
    epilog=(
        "boligsocial brief --theme uddannelse --effects-only\n"
        "boligsocial brief fritidsjob-tre-gange-chance --quotes\n"
        "boligsocial brief --theme uddannelse -f docx -o notat.docx"
    ),
)
def brief(
    ctx: typer.Context,
    finding_ids: Annotated[
        list[str] | None,
        typer.Argument(
            metavar=N_("ID"),
            help=N_("Only these findings (ids or unique prefixes)."),
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
            help=N_("Add each finding's verbatim quote, cited with its page."),
        ),
    ] = False,
    style: StyleOption = "apa",
    output: Annotated[
        DocumentFormat,
        typer.Option(
            "--format",
            "-f",
            metavar="markdown|pandoc|html|docx",
            help=N_(
                "markdown (CommonMark), pandoc (Markdown with [@key] citations, for pandoc "
                "--citeproc), html (a standalone page) or docx (Word)."
            ),
            parser=resolve_document_format,
        ),
    ] = DocumentFormat.MARKDOWN,
    path: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            metavar=N_("FILE"),
            help=N_("Write the brief to this file (needed for docx and pandoc)."),
            show_default=False,
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help=N_("Overwrite the files -o would write."))
    ] = False,
    date: Annotated[
        str | None,
        typer.Option(
            "--date",
            metavar=N_("YYYY-MM-DD"),
            help=N_("The brief's date (default: today)."),
            show_default=False,
        ),
    ] = None,
    lang: LangOption = Lang.DA,
) -> None:
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


@app.command(
    cls=TranslatedCommand,
    help=N_(
        "Check dataset files and list every problem with its location.\n\n"
        "Each file is checked on its own and then together with the others; the exit code is 0 "
        "when all is well."
    ),
    epilog=(
        "boligsocial validate\nboligsocial init egne-fund.yaml\nboligsocial validate egne-fund.yaml"
    ),
)
def validate(
    ctx: typer.Context,
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            metavar=N_("FILE"),
            help=N_(
                "Dataset files to check, in the order --data would read them (if none: those of "
                "--data or BOLIGSOCIAL_DATA, else the bundled one)."
            ),
            show_default=False,
        ),
    ] = None,
    against: Annotated[
        Path | None,
        typer.Option(
            "--against",
            metavar=N_("FILE"),
            help=N_(
                "Also check that every quote occurs in this source text (text extracted from the "
                "PDF; hyphenation and line breaks do not count)."
            ),
            show_default=False,
        ),
    ] = None,
    lang: MessagesLangOption = Lang.DA,  # noqa: ARG001
) -> None:
    from boligsocial_cli.dataset.load import validate_files  # noqa: PLC0415 - lookups need not import the checks

    report = validate_files(tuple(paths or dataset_paths(ctx.obj["data"])), against)
    if report.warnings:
        report_problems(_("Warning: "), [str(warning) for warning in report.warnings])
    _messages().print(escape_control(validation_summary(report)), markup=False)


@app.command(
    cls=TranslatedCommand,
    help=N_("Print the JSON Schema of dataset files.\n\nEditors use it to check YAML as you type."),
    epilog="boligsocial schema > boligsocial.schema.json",
)
def schema(lang: MessagesLangOption = Lang.DA) -> None:  # noqa: ARG001
    from boligsocial_cli.dataset.schema import dataset_schema_json  # noqa: PLC0415 - json for this command only

    _write_data(dataset_schema_json())


export_app = typer.Typer(
    cls=_BoundaryGroup,
    help=N_(
        "Write the whole dataset as one file.\n\n"
        "A page to read (html) or a database for programs (sqlite)."
    ),
    epilog="boligsocial export html evidens.html\nboligsocial export sqlite boligsocial.db",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(export_app, name="export")


@export_app.command(
    "sqlite",
    cls=TranslatedCommand,
    help=N_(
        "The dataset as an SQLite database.\n\n"
        "Open it in datasette, DB Browser for SQLite or any SQL tool."
    ),
    epilog="boligsocial export sqlite boligsocial.db",
)
def export_sqlite(
    ctx: typer.Context,
    path: Annotated[
        Path,
        typer.Argument(
            metavar=N_("FILE"),
            help=N_("The database file to write; it must not exist yet."),
            show_default=False,
        ),
    ],
    lang: MessagesLangOption = Lang.DA,  # noqa: ARG001
) -> None:
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


@export_app.command(
    "html",
    cls=TranslatedCommand,
    help=N_(
        "The whole dataset as one HTML page that works offline.\n\n"
        "Themes with their context, every finding with its evidence kind, summary, quote, page "
        "and references, the evidence map (click a cell to list its findings), search and "
        "filters, and the bibliography with copy buttons; Danish or English at a click."
    ),
    epilog="boligsocial export html evidens.html --lang en",
)
def export_html(
    ctx: typer.Context,
    path: Annotated[
        Path,
        typer.Argument(
            metavar=N_("FILE"),
            help=N_("The HTML file to write; it must not exist yet."),
            show_default=False,
        ),
    ],
    style: Annotated[
        str,
        typer.Option(
            "--style",
            metavar=N_("STYLE"),
            help=N_(
                "Citation style of the bibliography: apa, harvard, chicago, kort, or a CSL file."
            ),
        ),
    ] = "apa",
    lang: LangOption = Lang.DA,
) -> None:
    from boligsocial_cli.bibliography.csl import CslStyle, parse_style  # noqa: PLC0415 - citeproc is slow
    from boligsocial_cli.output.page import page_document  # noqa: PLC0415

    chosen_style = parse_style(style)
    if isinstance(chosen_style, CslStyle):
        for warning in chosen_style.schema_warnings:
            _messages().print(escape_control(_("Warning: ") + warning), markup=False)
    page = page_document(_whole_dataset(_store(ctx)), chosen_style, lang)
    _write_file(path, page.encode("utf-8"))


@app.command(
    cls=TranslatedCommand,
    help=N_(
        "Write a starter file for your own evidence, every field explained.\n\n"
        "It never overwrites a file."
    ),
    epilog="boligsocial init egne-fund.yaml\nboligsocial --data egne-fund.yaml findings",
)
def init(
    typed: Annotated[
        str,
        typer.Argument(
            metavar=N_("FILE"),
            help=N_("The file to write; it must not exist yet."),
            show_default=False,
        ),
    ],
    lang: MessagesLangOption = Lang.DA,  # noqa: ARG001
) -> None:
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


@app.command(
    cls=TranslatedCommand,
    help=N_(
        "Serve the evidence to AI assistants over the Model Context Protocol.\n\n"
        "For Claude Desktop, VS Code, Cursor and others, on standard input and output. "
        "Needs: pip install 'boligsocial-cli[mcp]'."
    ),
    epilog=(
        "boligsocial mcp\nboligsocial init egne-fund.yaml\nboligsocial --data egne-fund.yaml mcp"
    ),
)
def mcp(ctx: typer.Context, lang: MessagesLangOption = Lang.DA) -> None:  # noqa: ARG001
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
