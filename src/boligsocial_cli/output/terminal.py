"""Rich renderables for tables and detail views. Dataset text is always literal `Text`."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

from rich import box
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.measure import Measurement
from rich.panel import Panel
from rich.segment import Segment
from rich.style import Style
from rich.table import Table
from rich.text import Text

from boligsocial_cli.dataset.locations import BUNDLED_LABEL
from boligsocial_cli.i18n import N_, _, catalogue, in_language, ngettext
from boligsocial_cli.model import Dataset, EvidenceKind, Finding, Lang, Localized, Reference
from boligsocial_cli.query import Relaxation
from boligsocial_cli.theme_page import ThemePage

from .listings import Row
from .safe_text import escape_control

if TYPE_CHECKING:
    from boligsocial_cli.dataset.load import ValidationReport
    from boligsocial_cli.store.store import SearchAnswer

EVIDENCE_STYLES = {
    EvidenceKind.EFFEKT: "bold white on green",
    EvidenceKind.FORANDRING: "black on yellow",
    EvidenceKind.VURDERING: "white on blue",
    EvidenceKind.FORSKNING: "white on magenta",
}

_LABELS = {  # English, marked for the catalogue: `label` says them in a document's language
    "id": N_("id"),
    "theme": N_("theme"),
    "themes": N_("Themes"),
    "name": N_("name"),
    "findings": N_("findings"),
    "effects": N_("effects"),
    "summary": N_("summary"),
    "evidence": N_("evidence"),
    "citation": N_("source"),
    "quote": N_("Quote"),
    "page": N_("page"),
    "qualifiers": N_("Qualifiers"),
    "classification_note": N_("Classification"),
    "citation_note": N_("About the citation"),
    "not_in_booklet": N_("Not from the booklet"),
    "target_group": N_("Target group"),
    "outcome": N_("Outcome"),
    "activity": N_("Activity"),
    "magnitude": N_("Magnitude"),
    "references": N_("References"),
    "origin": N_("Source file"),
    "not_curated": N_("own data"),
    "total": N_("total"),
    "challenge": N_("challenge"),
    "term": N_("term"),
    "definition": N_("definition"),
    "danish": N_("Danish"),
    "nothing_to_cite": N_("No works to cite."),
    "no_findings": N_("No findings match these filters."),
    "evidence_kinds": N_("How to read the evidence"),
    "hit_finding": N_("Finding"),
    "hit_theme": N_("Theme"),
    "hit_context": N_("Theme context"),
    "hit_background": N_("Background"),
    "hit_challenge": N_("Challenge"),
    "hit_glossary": N_("Glossary"),
    "hit_reference": N_("Work"),
    "no_hits": N_("Nothing in the dataset matches."),
    "did_you_mean": N_("Did you mean"),
    "shown_for": N_("Showing results for"),
    "hits_of": N_("{shown} of {total} results"),
    "findings_heading": N_("Findings"),
    "no_theme_findings": N_("No findings in this theme."),
    "brief_title": N_(
        "Evidence brief: social programmes in vulnerable housing areas (boligsociale indsatser)"
    ),
    "brief_made": N_("Prepared on {date} from the booklet {booklet} {citation}."),
    "brief_own_data": N_(
        "What is marked [own data] is the user's own data, from {files}, not the booklet's."
    ),
    "lead_in_effekt": N_("Effect measurement:"),
    "lead_in_forandring": N_("A change attributed to the intervention, not tested:"),
    "lead_in_vurdering": N_("Assessment by partners, staff or managers:"),
    "lead_in_forskning": N_("Research knowledge:"),
    "map_title": N_("Evidence and gap map: findings by theme and evidence kind"),
    "map_source": N_("Source"),
    "map_area": N_("A bubble's area is proportional to the number of findings."),
    "map_gap": N_("Empty cell (0): no finding, a gap."),
    "map_own": N_("Dashed outline: includes own data, not from the booklet."),
    "map_hint": N_("Choose a cell to list its findings."),
    "page_skip": N_("Skip to the findings"),
    "page_search": N_("Search the findings"),
    "page_search_hint": N_(
        "As in the terminal: any case, æ, ø, å may be typed as ae, oe, aa, and words are found "
        "in any inflection (helhedsplaner finds helhedsplan)."
    ),
    "page_all_themes": N_("All themes"),
    "page_all_kinds": N_("All evidence kinds"),
    "page_reset": N_("Show every finding"),
    "page_shown": N_("{shown} of {total} findings shown."),
    "page_more": N_("Show {count} more findings"),
    "page_context": N_("Context"),
    "page_bibliography": N_("Bibliography"),
    "page_copy": N_("Copy"),
    "page_copy_bibtex": N_("Copy BibTeX"),
    "page_copied": N_("Copied."),
    # The switch to the other language is named in that language: "English" on the
    # Danish page, "Dansk" on the English one.
    "page_switch": N_("Dansk"),
}


def label(key: str, lang: Lang) -> str:
    """A user-facing label in `lang` (a document's language, which may not be the interface's)."""
    return in_language(lang, _LABELS[key])


def both_labels(keys: Iterable[str]) -> dict[str, Localized]:
    """The labels `keys` in both languages, for an output that switches between them."""
    return {
        key: Localized(in_language(Lang.DA, _LABELS[key]), in_language(Lang.EN, _LABELS[key]))
        for key in keys
    }


def literal(text: str, style: str = "") -> Text:
    """Dataset text as a renderable that no markup or control sequence can change."""
    return Text(escape_control(text), style=style)


def evidence_badge(kind: EvidenceKind, dataset: Dataset, lang: Lang) -> Text:
    """A coloured badge naming an evidence kind."""
    names = {info.kind: info.name.in_lang(lang) for info in dataset.evidence_kinds}
    return literal(f" {names.get(kind, kind.value)} ", EVIDENCE_STYLES[kind])


def _origin_mark(origin: str, lang: Lang, *, with_file: bool = False) -> Text:
    """Marks records from outside the bundled, curated data (optionally naming the file)."""
    if not is_own(origin):
        return Text()
    where = f": {escape_control(origin)}" if with_file else ""
    return Text(f" [{label('not_curated', lang)}{where}]", style="italic red")


def is_own(origin: str) -> bool:
    """Whether a record comes from outside the bundled, curated data."""
    return origin not in ("", BUNDLED_LABEL)


class OwnDataBlock:
    """A renderable whose every line, wrapped ones too, starts with the own-data gutter.

    The `[egne data]` mark names a record's origin once; the gutter is on every line it
    takes up, so no text in it can print lines that pass for the booklet's.
    """

    def __init__(self, renderable: RenderableType) -> None:
        self.renderable = renderable

    @staticmethod
    def _gutter(console: Console) -> Segment:
        bar = "┃ " if console.encoding.lower().startswith("utf") else "| "
        return Segment(bar, Style.parse("bold red"))

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = max(options.max_width - OWN_DATA_GUTTER, 1)
        lines = console.render_lines(self.renderable, options.update(width=width), pad=False)
        gutter = self._gutter(console)
        for line in lines:
            yield gutter
            yield from line
            yield Segment.line()

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        inner = Measurement.get(console, options, self.renderable)
        return Measurement(inner.minimum + OWN_DATA_GUTTER, inner.maximum + OWN_DATA_GUTTER)


OWN_DATA_GUTTER = 2
"""The columns the own-data gutter takes: a bar and a space."""


def marked_if_own(renderable: RenderableType, origin: str) -> RenderableType:
    """`renderable` in an OwnDataBlock if `origin` is outside the bundled data."""
    return OwnDataBlock(renderable) if is_own(origin) else renderable


def cited_forms(dataset: Dataset) -> Callable[[Sequence[str]], str]:
    """A function giving the booklet's citation forms for reference ids, joined by '; '.

    The id-to-form map is built once, so a listing of many findings stays linear.
    """
    forms = {reference.id: reference.cited_as for reference in dataset.references}
    return lambda citations: "; ".join(forms.get(citation, citation) for citation in citations)


def _theme_name(row: Row, lang: Lang) -> Text:
    """A theme's name, marked when it comes from outside the bundled data."""
    name = literal(row["name"])
    name.append_text(_origin_mark(row["origin"], lang))
    return name


def themes_table(rows: Sequence[Row], lang: Lang, theme_width: int | None = None) -> Table:
    """One row per theme: name over id, count of findings and effects, summary; the names in
    `theme_width` columns, if given."""
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, title=label("themes", lang))
    table.add_column(label("theme", lang), width=theme_width)
    table.add_column(label("findings", lang), justify="right", no_wrap=True)
    table.add_column(label("effects", lang), justify="right", style="green", no_wrap=True)
    table.add_column(label("summary", lang), ratio=1)
    for row in rows:
        name = _theme_name(row, lang)
        name.stylize("bold")
        name.append(f"\n{escape_control(row['id'])}", style="dim")
        table.add_row(
            name,
            str(row["findings"]),
            str(row["effects"]),
            marked_if_own(literal(row["summary"]), row["origin"]),
        )
    return table


def _theme_column(rows: Sequence[Row], lang: Lang) -> int:
    """The least width of the themes' column: its longest id or word, so none is cut."""
    names = (_plain(row["name"]) + _origin_width(row["origin"], lang) for row in rows)
    words = (word for name in names for word in name.split())
    return max(_longest(words), _longest(_plain(row["id"]) for row in rows))


THEME_SUMMARY_COLUMN = 30
"""The least width the themes table leaves its summaries (each one sentence)."""


WIDE_TABLE_COLUMNS = 120
"""Below this width findings are listed as stacked entries rather than a table."""

TEXT_COLUMN = 40
"""The least width a table leaves its running text (summaries, definitions)."""


def _longest(values: Iterable[str]) -> int:
    return max((len(value) for value in values), default=0)


def findings_view(
    findings: Sequence[Finding], dataset: Dataset, lang: Lang, *, long: bool, width: int
) -> RenderableType:
    """Findings as a table on wide terminals, or as stacked entries on narrow ones."""
    ids_and_themes = _longest(f.id for f in findings) + _longest(f.theme for f in findings)
    badge_citation_and_padding = 14 + 20 + 12
    needed = ids_and_themes + badge_citation_and_padding + TEXT_COLUMN
    if width >= max(WIDE_TABLE_COLUMNS, needed):
        return findings_table(findings, dataset, lang, long=long)
    return findings_stacked(findings, dataset, lang, long=long)


def _quote_line(finding: Finding, lang: Lang) -> Text:
    line = literal(f"“{finding.quote}”", "italic")
    line.append(f" ({label('page', lang)} {finding.page})", style="dim")
    return line


def findings_table(
    findings: Sequence[Finding], dataset: Dataset, lang: Lang, *, long: bool = False
) -> Table:
    """Findings with id, theme, evidence badge, summary and short citation (and quote if long)."""
    table = Table(box=box.SIMPLE_HEAD, show_lines=long)
    table.add_column(label("id", lang), style="bold", no_wrap=True)
    table.add_column(label("theme", lang), no_wrap=True)
    table.add_column(label("evidence", lang), no_wrap=True)
    table.add_column(label("summary", lang), ratio=3, overflow="fold")
    table.add_column(label("citation", lang), style="cyan", ratio=1, overflow="fold")
    cite = cited_forms(dataset)
    for finding in findings:
        summary = literal(finding.summary.in_lang(lang))
        summary.append_text(_origin_mark(finding.origin, lang))
        if long:
            summary.append("\n\n")
            summary.append_text(_quote_line(finding, lang))
        table.add_row(
            literal(finding.id),
            literal(finding.theme),
            evidence_badge(finding.evidence, dataset, lang),
            marked_if_own(summary, finding.origin),
            literal(cite(finding.citations)),
        )
    return table


def findings_stacked(
    findings: Sequence[Finding], dataset: Dataset, lang: Lang, *, long: bool = False
) -> Group:
    """Findings one under another: id and badge, theme, summary, citation (and quote if long)."""
    parts: list[RenderableType] = []
    cite = cited_forms(dataset)
    for finding in findings:
        heading = literal(finding.id, "bold")
        heading.append(" ")
        heading.append_text(evidence_badge(finding.evidence, dataset, lang))
        heading.append(f" {escape_control(finding.theme)}", style="dim")
        heading.append_text(_origin_mark(finding.origin, lang))
        entry: list[RenderableType] = [heading, literal(finding.summary.in_lang(lang))]
        citation = cite(finding.citations)
        if citation:
            entry.append(literal(citation, "cyan"))
        if long:
            entry.append(_quote_line(finding, lang))
        parts.extend((marked_if_own(Group(*entry), finding.origin), Text()))
    return Group(*parts)


def finding_detail(
    finding: Finding,
    dataset: Dataset,
    lang: Lang,
    bibliography: str | None = None,
    quote_citation: str | None = None,
) -> RenderableType:
    """Everything about one finding: summary, quote, page, evidence kind, qualifiers, references.

    The quote is followed by its citation in a style, if given, else by its page.
    """
    info = {item.kind: item for item in dataset.evidence_kinds}.get(finding.evidence)
    themes = {theme.id: theme for theme in dataset.themes}
    heading = literal(finding.id, "bold")
    heading.append("  ")
    heading.append_text(evidence_badge(finding.evidence, dataset, lang))
    theme = themes.get(finding.theme)
    heading.append(f"  {label('theme', lang)}: ", style="dim")
    heading.append(escape_control(theme.name.in_lang(lang) if theme else finding.theme))
    heading.append_text(_origin_mark(finding.origin, lang, with_file=True))
    parts: list[RenderableType] = [heading, Text(), literal(finding.summary.in_lang(lang))]
    quote = literal(f"“{finding.quote}”", "italic")
    source = quote_citation or f"{label('page', lang)} {finding.page}"
    quote.append(f"\n— {escape_control(source)}", style="dim")
    parts.append(Panel(quote, title=label("quote", lang), title_align="left", box=box.ROUNDED))
    if info:
        explanation = literal(f"{info.name.in_lang(lang)}: ", "bold")
        explanation.append(escape_control(info.explanation.in_lang(lang)))
        parts.append(explanation)
    details = Table.grid(padding=(0, 2))
    details.add_column(style="bold", no_wrap=True)
    details.add_column()
    for key in ("target_group", "outcome", "activity", "magnitude"):
        value: Localized | None = getattr(finding, key)
        if value:
            details.add_row(label(key, lang), literal(value.in_lang(lang)))
    for key in ("classification_note", "citation_note"):
        note: Localized | None = getattr(finding, key)
        if note:
            details.add_row(label(key, lang), literal(note.in_lang(lang)))
    if finding.qualifiers:
        details.add_row(
            label("qualifiers", lang), literal(", ".join(f"“{q}”" for q in finding.qualifiers))
        )
    if details.row_count:
        parts.extend((Text(), details))
    references = {reference.id: reference for reference in dataset.references}
    cited: list[Reference] = [references[c] for c in finding.citations if c in references]
    if cited or bibliography:
        body = (
            literal(bibliography)
            if bibliography
            else literal("\n".join(reference.cited_as for reference in cited))
        )
        parts.append(Panel(body, title=label("references", lang), title_align="left"))
    return marked_if_own(Group(*parts), finding.origin)


def _page_line(quote: str, page: int, lang: Lang) -> Text:
    line = literal(f"“{quote}”", "italic")
    line.append(f" ({label('page', lang)} {page})", style="dim")
    return line


def _with_citation(text: str, citation: str, note: Localized | None, lang: Lang) -> Text:
    """A text, its citation, and where the booklet puts that citation when the data says."""
    line = literal(text)
    if citation:
        line.append(f" ({escape_control(citation)})", style="cyan")
    if note:
        line.append(f" {escape_control(note.in_lang(lang))}", style="dim")
    return line


def theme_page_view(
    page: ThemePage, dataset: Dataset, lang: Lang, bibliography: str | None = None
) -> Group:
    """A theme's page: summary, context with quotes, findings by evidence kind, references."""
    theme = page.theme
    cite = page.cited
    heading = literal(theme.name.in_lang(lang), "bold")
    heading.append(f"  {escape_control(theme.id)}", style="dim")
    heading.append_text(_origin_mark(theme.origin, lang, with_file=True))
    parts: list[RenderableType] = [heading, literal(theme.summary.in_lang(lang)), Text()]
    if theme.context:
        body: list[RenderableType] = []
        for index, passage in enumerate(theme.context):
            if index:
                body.append(Text())
            text = passage.text.in_lang(lang)
            body.append(_with_citation(text, cite(passage.citations), passage.citation_note, lang))
            body.append(_page_line(passage.quote, passage.page, lang))
        parts.append(Panel(Group(*body), title=label("hit_context", lang), title_align="left"))
    parts.append(literal(label("findings_heading", lang), "bold"))
    if not page.groups:
        parts.append(literal(label("no_theme_findings", lang)))
    for group in page.groups:
        parts.extend((Text(), evidence_badge(group.kind, dataset, lang)))
        for finding in group.findings:
            entry = literal(finding.id, "bold")
            entry.append_text(_origin_mark(finding.origin, lang))
            summary = _with_citation(
                finding.summary.in_lang(lang), cite(finding.citations), finding.citation_note, lang
            )
            parts.extend((Text(), entry, summary, _page_line(finding.quote, finding.page, lang)))
    if bibliography:
        references = Panel(
            literal(bibliography), title=label("references", lang), title_align="left"
        )
        parts.extend((Text(), references))
    return Group(*parts)


def evidence_map_table(
    rows: Sequence[Row], dataset: Dataset, lang: Lang, *, short: bool = False
) -> Table:
    """Themes by evidence kinds as a grid of counts; empty cells dimmed, effects highlighted.

    `short` heads the kinds' columns with short names and sets the table closer, for narrow
    terminals (the legend beneath names them in full).
    """
    table = (
        Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
        if short
        else Table(box=box.SIMPLE_HEAD)
    )
    table.add_column(label("theme", lang), ratio=1 if short else None)
    for kind in EvidenceKind:
        heading = (
            Text(_(SHORT_KIND_NAMES[kind]), EVIDENCE_STYLES[kind])
            if short
            else evidence_badge(kind, dataset, lang)
        )
        table.add_column(heading, justify="center", no_wrap=True)
    table.add_column(label("total", lang), justify="right", style="bold", no_wrap=True)
    for row in rows:
        cells: list[Text] = []
        for kind in EvidenceKind:
            count = row[kind.value]
            style = "dim" if count == 0 else ("bold green" if kind is EvidenceKind.EFFEKT else "")
            cells.append(Text("·" if count == 0 else str(count), style=style))
        table.add_row(_theme_name(row, lang), *cells, str(row["total"]))
    return table


SHORT_KIND_NAMES = {
    EvidenceKind.EFFEKT: N_("Effect"),
    EvidenceKind.FORANDRING: N_("Change"),
    EvidenceKind.VURDERING: N_("Assess."),
    EvidenceKind.FORSKNING: N_("Res."),
}
"""The evidence kinds' column headings where the full names leave the map too wide."""


def evidence_map_legend(dataset: Dataset, lang: Lang, width: int) -> Text:
    """What the short headings and the dots of the narrow map stand for, in lines of at most
    `width` that break between the explanations, not inside one."""
    shorts = {kind: _(short) for kind, short in SHORT_KIND_NAMES.items()}
    explained = [
        f"{shorts[kind]} = {escape_control(name)}"
        for kind, name in _kind_names(dataset, lang).items()
        if shorts[kind] != name
    ]
    lines = [""]
    for item in [*explained, _("· = no finding")]:
        joined = f"{lines[-1]}, {item}" if lines[-1] else item
        if len(joined) + 1 <= width or not lines[-1]:
            lines[-1] = joined
        else:
            lines[-1] += ","
            lines.append(item)
    return Text("\n".join(lines) + ".", style="dim")


def simple_table(rows: Sequence[Row], columns: Sequence[tuple[str, str]], lang: Lang) -> Table:
    """A table of `rows` showing `columns` (row key, label key), every cell literal.

    The last column, the running text, takes most of the width.
    """
    table = Table(box=box.SIMPLE_HEAD)
    for index, (_key, label_key) in enumerate(columns):
        if index == len(columns) - 1:
            table.add_column(label(label_key, lang), ratio=1, overflow="fold")
        else:
            table.add_column(label(label_key, lang), no_wrap=True)
    for row in rows:
        table.add_row(*(literal(_plain(row[key])) for key, _label in columns))
    return table


def glossary_shown(rows: Sequence[Row], lang: Lang) -> list[Row]:
    """Glossary rows for the terminal: what the booklet does not say follows the definition,
    marked as not from the booklet."""
    return [
        {
            **row,
            "definition": row["definition"]
            + (
                f"\n({label('not_in_booklet', lang)}: {row['not_in_booklet']})"
                if row["not_in_booklet"]
                else ""
            ),
        }
        for row in rows
    ]


def _plain(value: object) -> str:
    return "" if value is None else str(value)


def about_view(dataset: Dataset, lang: Lang) -> Group:
    """The background sections, then how to read the evidence kinds."""
    parts: list[RenderableType] = []
    booklet = dataset.meta.booklet
    title = literal(booklet.title or booklet.cited_as, "bold")
    parts.extend((title, literal(dataset.meta.description.in_lang(lang)), Text()))
    cite = cited_forms(dataset)
    for section in dataset.background:
        body = Text()
        for index, passage in enumerate(section.passages):
            if index:
                body.append("\n\n")
            body.append(escape_control(passage.text.in_lang(lang)))
            cited = cite(passage.citations)
            if cited:
                body.append(f" ({escape_control(cited)})", style="cyan")
            if passage.citation_note:
                body.append(f" {escape_control(passage.citation_note.in_lang(lang))}", style="dim")
        parts.append(Panel(body, title=literal(section.title.in_lang(lang)), title_align="left"))
    kinds = Table.grid(padding=(0, 2))
    kinds.add_column(no_wrap=True)
    kinds.add_column()
    for info in dataset.evidence_kinds:
        kinds.add_row(
            evidence_badge(info.kind, dataset, lang), literal(info.explanation.in_lang(lang))
        )
    parts.append(Panel(kinds, title=label("evidence_kinds", lang), title_align="left"))
    return Group(*parts)


def themes_view(rows: Sequence[Row], lang: Lang, width: int) -> RenderableType:
    """Themes as a table, or stacked where the table would leave the summaries too little.

    The names take their full width if the summaries keep TEXT_COLUMN, else they wrap.
    """
    room = width - len(label("findings", lang)) - len(label("effects", lang)) - 3 * 3
    names = _longest(_plain(row["name"]) + _origin_width(row["origin"], lang) for row in rows)
    if room - names >= TEXT_COLUMN:
        return themes_table(rows, lang)
    if room - _theme_column(rows, lang) >= THEME_SUMMARY_COLUMN:
        return themes_table(rows, lang, max(_theme_column(rows, lang), room - TEXT_COLUMN))
    entries: list[RenderableType] = []
    for row in rows:
        heading = literal(row["id"], "bold")
        heading.append(f"  {escape_control(row['name'])}")
        heading.append_text(_origin_mark(row["origin"], lang))
        counts = Text(f"{label('findings', lang)}: {row['findings']} · ", style="dim")
        counts.append(f"{label('effects', lang)}: {row['effects']}", style="green")
        block = Group(heading, counts, literal(row["summary"]))
        entries.extend((marked_if_own(block, row["origin"]), Text()))
    return Group(*entries)


def evidence_map_view(
    rows: Sequence[Row], dataset: Dataset, lang: Lang, width: int
) -> RenderableType:
    """The evidence map as a grid: with the kinds' full names where the themes' names then
    fit on one line, else with short names and a legend, where the names may wrap but no
    word of them is cut; one line of counts per theme only where no grid can hold."""
    names = [_plain(row["name"]) + _origin_width(row["origin"], lang) for row in rows]
    total = max(len(label("total", lang)), _longest(str(row["total"]) for row in rows))
    kinds = [len(name) + 2 for name in _kind_names(dataset, lang).values()]  # a badge's spaces
    if width >= _longest(names) + sum(kinds) + total + 3 * (len(kinds) + 2) + 1:
        return evidence_map_table(rows, dataset, lang)
    short = [len(_(SHORT_KIND_NAMES[kind])) for kind in EvidenceKind]
    words = _longest(word for name in names for word in name.split())
    if width >= words + sum(short) + total + 3 * (len(short) + 1):
        grid = evidence_map_table(rows, dataset, lang, short=True)
        return Group(grid, evidence_map_legend(dataset, lang, width))
    entries: list[RenderableType] = []
    for row in rows:
        counts = Text()
        for kind in EvidenceKind:
            if row[kind.value]:
                counts.append_text(evidence_badge(kind, dataset, lang))
                counts.append(f" {row[kind.value]}  ")
        counts.append(f"{label('total', lang)} {row['total']}", style="bold")
        heading = _theme_name(row, lang)
        heading.stylize("bold")
        entries.extend((heading, counts, Text()))
    return Group(*entries)


def _kind_names(dataset: Dataset, lang: Lang) -> dict[EvidenceKind, str]:
    """Each evidence kind's name in `lang`, in the kinds' order."""
    names = {info.kind: info.name.in_lang(lang) for info in dataset.evidence_kinds}
    return {kind: names.get(kind, kind.value) for kind in EvidenceKind}


def _origin_width(origin: str, lang: Lang) -> str:
    """The own-data mark a theme's name carries, as text to measure."""
    return _origin_mark(origin, lang).plain


def simple_view(
    rows: Sequence[Row], columns: Sequence[tuple[str, str]], lang: Lang, width: int
) -> RenderableType:
    """A listing of names and a text as a table, or heading-and-text entries when the names
    would leave the text too little room."""
    names = sum(_longest(_plain(row[key]) for row in rows) + 3 for key, _label in columns[:-1])
    if width >= names + TEXT_COLUMN:
        return simple_table(rows, columns, lang)
    entries: list[RenderableType] = []
    (heading_key, _label), *rest = columns
    for row in rows:
        entries.append(literal(_plain(row[heading_key]), "bold"))
        entries.extend(literal(_plain(row[key])) for key, _label in rest)
        entries.append(Text())
    return Group(*entries)


def validation_summary(report: ValidationReport) -> str:
    """One line saying what a clean `validate` checked, in the interface's language."""
    files = " + ".join(report.files)
    total = sum(report.findings_per_file)
    count = ngettext("{count} finding valid", "{count} findings valid", total).format(count=total)
    if len(report.files) > 1:
        shares = zip(report.findings_per_file, report.files, strict=True)
        count += (
            " ("
            + ", ".join(
                _("{count} from {file}").format(count=number, file=file) for number, file in shares
            )
            + ")"
        )
    quotes = ""
    if report.source_text is not None:
        found = (
            _("; every quote found on its page in {source}")
            if report.pages_checked
            else _("; every quote found in {source}")
        )
        quotes = found.format(source=report.source_text)
    return _("OK: {files}: {count}{quotes}.").format(files=files, count=count, quotes=quotes)


def search_view(answer: SearchAnswer, dataset: Dataset, lang: Lang) -> Group:
    """Search hits best first: what each is, its id, evidence kind and page, then its snippet."""
    parts: list[RenderableType] = []
    if answer.corrected:
        parts.extend((Text(escape_control(no_hits(answer, lang)), style="bold"), Text()))
    for rank, hit in enumerate(answer.hits, start=1):
        heading = Text(f"{rank}. ", style="bold")
        heading.append(label(f"hit_{hit.kind.value}", lang), style="bold")
        heading.append("  ")
        heading.append(escape_control(hit.record_id))
        if hit.evidence is not None:
            heading.append("  ")
            heading.append_text(evidence_badge(hit.evidence, dataset, lang))
        if hit.page is not None:
            heading.append(f"  {label('page', lang)} {hit.page}", style="dim")
        heading.append_text(_origin_mark(hit.origin, lang))
        snippet = literal(hit.snippet.text)
        for start, end in hit.snippet.marks:
            snippet.stylize("bold reverse", start, end)
        parts.extend((marked_if_own(Group(heading, snippet), hit.origin), Text()))
    shown = label("hits_of", lang).format(shown=len(answer.hits), total=answer.total)
    parts.append(Text(shown, style="dim"))
    return Group(*parts)


def no_hits(answer: SearchAnswer, lang: Lang) -> str:
    """'Nothing matches', and the index's own words closest to what was typed."""
    lines = [label("no_hits", lang)]
    if answer.suggestions:
        lines.append(f"{label('did_you_mean', lang)}: {', '.join(answer.suggestions)}?")
    if answer.corrected:
        lines.append(f"{label('shown_for', lang)}: {' '.join(answer.terms)}")
    return "\n".join(lines)


IDS_SHOWN = 8
"""How many ids an empty answer's hint names before '…'."""


def empty_answer(relaxed: Relaxation | None, lang: Lang) -> str:
    """'Nothing matched', and what the query finds without its narrowest filter."""
    lines = [label("no_findings", lang)]
    if relaxed is not None:
        count = len(relaxed.ids)
        ids = ", ".join(relaxed.ids[:IDS_SHOWN])
        more = " …" if count > IDS_SHOWN else ""
        without = catalogue(lang).ngettext(
            "Without {filter}, {count} finding would match: {ids}",
            "Without {filter}, {count} findings would match: {ids}",
            count,
        )
        lines.append(without.format(filter=relaxed.dropped, count=count, ids=ids) + more)
    return "\n".join(lines)
