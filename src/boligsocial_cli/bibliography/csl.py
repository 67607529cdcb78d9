"""References as a reference list in a citation style, and as BibTeX, RIS or CSL-JSON.

Every function is pure and returns a string (or, for `to_csl_json`, a mapping);
nothing prints. Styles are CSL files rendered by citeproc-py; citeproc-py and
lxml are imported inside the functions that need them, so importing this module
stays cheap.

Only the fields a reference has are written: nothing is filled in or guessed.
A reference whose details are not (fully) verified is marked so in every format:
a bracketed label after its entry in text and Markdown, a note in BibTeX, RIS
and CSL-JSON.
"""

from __future__ import annotations

import io
import re
import warnings
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from types import MappingProxyType, SimpleNamespace
from typing import Any, Protocol, TypeAlias

from boligsocial_cli.errors import UsageError, listed
from boligsocial_cli.formats import BibliographyFormat
from boligsocial_cli.i18n import N_, _, number
from boligsocial_cli.model import Lang, Name, Reference, VerificationStatus
from boligsocial_cli.output.safe_text import (
    escape_control_keeping_lines,
    escape_json_controls,
    escape_markdown,
    protect_markdown_start,
)
from boligsocial_cli.resolver import enum_choices, matches, resolve

CSL_NAMESPACE = "http://purl.org/net/xbiblio/csl"

LOCALES: Mapping[Lang, str] = MappingProxyType({Lang.DA: "da-DK", Lang.EN: "en-US"})
"""The CSL locale each language is rendered in; both ship with citeproc-py."""


class CitationStyle(StrEnum):
    """The citation styles that ship with boligsocial."""

    APA = "apa"
    HARVARD = "harvard"
    CHICAGO = "chicago"
    KORT = "kort"

    @property
    def file_name(self) -> str:
        """The style's CSL file inside the package's `styles` folder."""
        return _STYLE_FILES[self]


_STYLE_FILES: Mapping[CitationStyle, str] = MappingProxyType(
    {
        CitationStyle.APA: "apa.csl",
        CitationStyle.HARVARD: "harvard-cite-them-right.csl",
        CitationStyle.CHICAGO: "chicago-author-date.csl",
        CitationStyle.KORT: "kort.csl",
    }
)


@dataclass(frozen=True, slots=True)
class CslStyle:
    """A user-supplied CSL style file, read and checked by `load_csl_style`."""

    path: str
    xml: bytes
    schema_warnings: tuple[str, ...] = ()


Style: TypeAlias = CitationStyle | CslStyle
"""A built-in citation style or a checked CSL file."""


@dataclass(frozen=True, slots=True)
class ExportOptions:
    """How to export: the citation style (text and Markdown only) and the language."""

    style: Style = CitationStyle.APA
    lang: Lang = Lang.DA


class ReferenceExporter(Protocol):
    """Turns references into one export format."""

    def __call__(self, references: Sequence[Reference], options: ExportOptions, /) -> str:
        """Return the references in this exporter's format."""
        ...


# --- verification status --------------------------------------------------------------

_STATUS_LABELS: Mapping[VerificationStatus, Mapping[Lang, str]] = MappingProxyType(
    {
        VerificationStatus.UNVERIFIED: {Lang.DA: "ikke verificeret", Lang.EN: "not verified"},
        VerificationStatus.INFERRED: {
            Lang.DA: "identifikation usikker",
            Lang.EN: "identification uncertain",
        },
        VerificationStatus.PARTIAL: {Lang.DA: "delvist verificeret", Lang.EN: "partly verified"},
    }
)

_STATUS_NOTES: Mapping[VerificationStatus, Mapping[Lang, str]] = MappingProxyType(
    {
        VerificationStatus.UNVERIFIED: {
            Lang.DA: "Referencen er ikke verificeret: oplysningerne her kunne ikke"
            " kontrolleres mod selve værket.",
            Lang.EN: "Reference not verified: the details given here could not be checked"
            " against the work itself.",
        },
        VerificationStatus.INFERRED: {
            Lang.DA: "Identifikation usikker: at det er dette værk, der henvises til,"
            " er en slutning.",
            Lang.EN: "Identification uncertain: that this is the work cited is an inference.",
        },
        VerificationStatus.PARTIAL: {
            Lang.DA: "Delvist verificeret: nogle af referencens oplysninger kunne ikke"
            " verificeres.",
            Lang.EN: "Partly verified: some of the reference's details could not be verified.",
        },
    }
)


def verification_label(status: VerificationStatus, lang: Lang) -> str | None:
    """The bracketed label that follows an entry, e.g. "[ikke verificeret]"; None if confirmed."""
    label = _STATUS_LABELS.get(status)
    return None if label is None else f"[{label[lang]}]"


def verification_note(status: VerificationStatus, lang: Lang) -> str | None:
    """The sentence that explains a status in BibTeX, RIS and CSL-JSON; None if confirmed."""
    note = _STATUS_NOTES.get(status)
    return None if note is None else note[lang]


def own_data_label(reference: Reference, lang: Lang) -> str | None:
    """ "[egne data]" for a work from the user's own files, as listings mark it; else None."""
    from boligsocial_cli.output.terminal import is_own, label  # noqa: PLC0415 - one label place

    return f"[{label('not_curated', lang)}]" if is_own(reference.origin) else None


def _tool_notes(reference: Reference, lang: Lang) -> tuple[str, ...]:
    """What the tool says of a reference: its status, and the user's file it comes from."""
    own = own_data_label(reference, lang)
    notes = (
        verification_note(reference.status, lang),
        f"{own} {reference.origin}" if own else None,
    )
    return tuple(note for note in notes if note)


def _notes(reference: Reference, lang: Lang) -> tuple[str, ...]:
    """The tool's notes (status, own file) and the data's note, all in `lang`."""
    data_note = reference.note.in_lang(lang) if reference.note else None
    return (*_tool_notes(reference, lang), *((data_note,) if data_note else ()))


def _unique(references: Iterable[Reference]) -> tuple[Reference, ...]:
    """The references in order, each id only once (the first wins)."""
    first: dict[str, Reference] = {}
    for reference in references:
        first.setdefault(reference.id, reference)
    return tuple(first.values())


# --- CSL-JSON -------------------------------------------------------------------------

_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")

_CSL_TEXT_FIELDS: tuple[tuple[str, str], ...] = (
    ("year-suffix", "year_suffix"),
    ("title", "title"),
    ("container-title", "container_title"),
    ("collection-title", "collection_title"),
    ("number", "number"),
    ("volume", "volume"),
    ("issue", "issue"),
    ("page", "page"),
    ("edition", "edition"),
    ("genre", "genre"),
    ("publisher", "publisher"),
    ("publisher-place", "publisher_place"),
    ("number-of-pages", "number_of_pages"),
    ("DOI", "DOI"),
    ("ISBN", "ISBN"),
    ("URL", "URL"),
)
"""CSL variables copied as they are, in the order they are written."""

_TITLE_VARIABLES = frozenset({"title", "container-title", "collection-title"})
_LINK_VARIABLES = frozenset({"DOI", "URL"})

GENERIC_CSL_TYPE = "document"
"""The CSL type of a reference whose type is not known."""


def csl_date(issued: str) -> dict[str, Any]:
    """A CSL-JSON date: {"date-parts": [[y, m, d]]} for "YYYY[-MM[-DD]]", else a literal."""
    match = _DATE.fullmatch(issued)
    if match is None:
        return {"literal": issued}
    return {"date-parts": [[int(part) for part in match.groups() if part is not None]]}


def csl_name(name: Name) -> dict[str, str]:
    """A CSL-JSON name: only the parts it has, under their CSL keys."""
    parts = (
        ("family", name.family),
        ("given", name.given),
        ("non-dropping-particle", name.non_dropping_particle),
        ("literal", name.literal),
    )
    return {key: value for key, value in parts if value}


def _csl_item(reference: Reference) -> dict[str, Any]:
    item: dict[str, Any] = {"id": reference.id, "type": reference.type or GENERIC_CSL_TYPE}
    if reference.language:
        item["language"] = reference.language
    if reference.author:
        item["author"] = [csl_name(name) for name in reference.author]
    if reference.issued:
        item["issued"] = csl_date(reference.issued)
    for key, attribute in _CSL_TEXT_FIELDS:
        value = getattr(reference, attribute)
        if value:
            item[key] = value
    return item


def to_csl_json(reference: Reference, lang: Lang = Lang.EN) -> dict[str, Any]:
    """A CSL-JSON item; id is the reference id, `note` carries status and data notes."""
    item = _csl_item(reference)
    notes = _notes(reference, lang)
    if notes:
        item["note"] = "\n".join(notes)
    return item


def format_csl_json(references: Sequence[Reference], lang: Lang) -> str:
    """The references as a CSL-JSON array, UTF-8 text, in the order given."""
    import json  # noqa: PLC0415 - imported by the commands that use it, not at start-up

    items = [to_csl_json(reference, lang) for reference in _unique(references)]
    return json.dumps(items, ensure_ascii=False, indent=2) + "\n"


# --- styles ---------------------------------------------------------------------------


def _csl(tag: str) -> str:
    return f"{{{CSL_NAMESPACE}}}{tag}"


MAX_STYLE_BYTES = 10 * 1024 * 1024
"""CSL files larger than this are refused (the bundled styles are under 0.2 MiB)."""


def builtin_style_xml(style: CitationStyle) -> bytes:
    """The CSL file of a built-in style, read from the installed package."""
    from importlib import resources  # noqa: PLC0415 - imported by `cite` only, not at start-up

    return (
        resources.files("boligsocial_cli.bibliography") / "styles" / style.file_name
    ).read_bytes()


def load_csl_style(path: Path) -> CslStyle:
    """Read and check a CSL style file; raise UsageError saying what is wrong with it."""
    from boligsocial_cli.dataset.input_files import (  # noqa: PLC0415 - for cite --style only
        UnreadableFileError,
        read_input_file,
    )

    try:
        data = read_input_file(path, N_("CSL style file"), MAX_STYLE_BYTES)
    except UnreadableFileError as error:
        raise UsageError(
            _("CSL style {path}: {reason}").format(path=path, reason=error.reason)
        ) from None
    return check_csl_style(data, str(path))


def check_csl_style(data: bytes, label: str) -> CslStyle:
    """Check that `data` is a CSL style citeproc-py can use; `label` names it in errors."""
    from lxml import etree  # type: ignore[import-untyped]  # noqa: PLC0415 - lazy, costly import

    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    try:
        root = etree.fromstring(data, parser)  # a file the user chose; no entities, no network
    except etree.XMLSyntaxError as error:
        message = _("{label}: not a CSL style: malformed XML: {error}")
        raise UsageError(message.format(label=label, error=error)) from None
    if root.tag != _csl("style"):
        local_name = etree.QName(root).localname
        message = _(
            "{label}: not a CSL style: the root element is <{element}>, not <style> in the "
            "CSL namespace {namespace}"
        )
        raise UsageError(message.format(label=label, element=local_name, namespace=CSL_NAMESPACE))
    if root.find(_csl("citation")) is None:
        parent = root.find(f"{_csl('info')}/{_csl('link')}[@rel='independent-parent']")
        if parent is not None:
            message = _(
                "{label}: a dependent CSL style, which only names its parent style; use the "
                "parent instead: {parent}"
            )
            raise UsageError(message.format(label=label, parent=parent.get("href")))
        message = _("{label}: not a usable CSL style: it has no <citation> element")
        raise UsageError(message.format(label=label))
    if root.find(_csl("bibliography")) is None:
        message = _(
            "{label}: the CSL style has no <bibliography>, so it cannot format a reference list"
        )
        raise UsageError(message.format(label=label))
    expansion = style_expansion(root)
    if expansion > MAX_STYLE_EXPANSION:
        message = _(
            "{label}: style too complex: rendering one entry could take more than {steps} "
            "steps (macros that call macros many times over, or a macro that calls itself); "
            "the bundled styles take at most {bundled}"
        )
        raise UsageError(
            message.format(label=label, steps=number(MAX_STYLE_EXPANSION), bundled=number(3000))
        )
    with _citeproc_failures(label, N_("{label}: citeproc-py cannot read this CSL style: {error}")):
        schema_warnings = _schema_warnings(data)
    style = CslStyle(path=label, xml=data, schema_warnings=schema_warnings)
    _try_style(style)
    return style


MAX_STYLE_EXPANSION = 20_000
"""The most elements rendering one citation or entry may visit, macros expanded (the bundled
styles visit at most 2,720: Chicago's bibliography). Each macro that calls the one before it
twice doubles the count: at 20 such macros citeproc-py would not finish."""


def style_expansion(root: Any) -> float:
    """How many elements rendering one citation or bibliography entry visits at most.

    Macros are expanded where they are called; of a <choose>, only the largest branch counts,
    as only one is rendered. A macro that calls itself, directly or not, is infinite.
    """
    macros = {macro.get("name"): macro for macro in root.iter(_csl("macro"))}
    costs: dict[str, float] = {}

    def macro_cost(name: str) -> float:
        if name not in costs:
            costs[name] = float("inf")  # until its cost is known: a call of itself is endless
            macro = macros.get(name)
            costs[name] = 1 if macro is None else element_cost(macro)
        return costs[name]

    def element_cost(element: Any) -> float:
        called = element.get("macro")
        inner = [element_cost(child) for child in element if isinstance(child.tag, str)]
        own = 1 + (macro_cost(called) if called is not None else 0)
        if element.tag == _csl("choose"):
            return own + max(inner, default=0)
        return own + sum(inner)

    try:
        return max(element_cost(root.find(_csl(part))) for part in ("citation", "bibliography"))
    except RecursionError:  # a chain of macros thousands long
        return float("inf")


def _schema_warnings(data: bytes) -> tuple[str, ...]:
    """What the CSL schema says about a style; citeproc-py renders it anyway."""
    from citeproc import CitationStylesStyle  # noqa: PLC0415 - lazy, costly import

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        CitationStylesStyle(io.BytesIO(data), locale=LOCALES[Lang.EN], validate=True)
    return tuple(str(warning.message) for warning in caught)


_SAMPLE = Reference(
    id="sample",
    cited_as="Sample, 2000",
    status=VerificationStatus.CONFIRMED,
    type="report",
    author=(Name(family="Sample", given="Sam"),),
    issued="2000",
    title="Sample",
    publisher="Sample",
)
"""A reference that is rendered, never shown, to check that a style works."""


def _try_style(style: CslStyle) -> None:
    """Render a sample in every language, so that a broken style fails now, clearly."""
    for lang in Lang:
        _rendered_entries((_SAMPLE,), style, lang, _PLAIN)
        format_citation((_SAMPLE,), style, lang)


def parse_style(value: str) -> Style:
    """A built-in style by name in any case or a prefix (`APA`, `harv`), else a CSL file's path.

    A value that ends in .csl or names an existing file is a path; anything else that
    names no built-in style is refused with the closest one suggested.
    """
    path = Path(value)
    if path.suffix.lower() == ".csl":
        return load_csl_style(path)
    choices = enum_choices(CitationStyle, _STYLE_NAMES)
    if matches(value, choices) or not path.exists():
        return resolve(N_("citation style"), value, choices)
    return load_csl_style(path)


_STYLE_NAMES: Mapping[CitationStyle, tuple[str, ...]] = MappingProxyType(
    {style: (Path(file_name).stem,) for style, file_name in _STYLE_FILES.items()}
)
"""Each built-in style by its file's name too: `harvard-cite-them-right`."""


def _open_style(style: Style, lang: Lang) -> Any:
    from citeproc import CitationStylesStyle  # noqa: PLC0415 - lazy, costly import

    data = builtin_style_xml(style) if isinstance(style, CitationStyle) else style.xml
    return CitationStylesStyle(
        io.BytesIO(name_lists_for_locale(data, lang)), locale=LOCALES[lang], validate=False
    )


# --- the locale's punctuation of name lists -------------------------------------------

_NAME_OPTION_HOLDERS = frozenset({_csl("citation"), _csl("bibliography"), _csl("style")})
"""Elements whose name options a cs:name inherits (CSL 1.0.2, inheritable name options)."""


def _inherited(element: Any, attribute: str) -> str | None:
    """The value of a name option on `element` or the nearest element it inherits from."""
    if element.get(attribute) is not None:
        return str(element.get(attribute))
    for ancestor in element.iterancestors():
        if ancestor.tag in _NAME_OPTION_HOLDERS and ancestor.get(attribute) is not None:
            return str(ancestor.get(attribute))
    return None


def _danish_et_al_is_latin(root: Any) -> bool:
    """Whether the style's own Danish terms keep the Latin "et al." (APA does)."""
    for locale in root.iter(_csl("locale")):
        language = locale.get("{http://www.w3.org/XML/1998/namespace}lang")
        if language is not None and not language.startswith("da"):
            continue
        for term in locale.iter(_csl("term")):
            if term.get("name") == "et-al" and term.get("form") in (None, "long"):
                return "et al" in (term.text or "")
    return False


def name_lists_for_locale(style_xml: bytes, lang: Lang) -> bytes:
    """The style with its name lists punctuated and set as `lang` does.

    English styles put a comma before the last "and" ("Massey, Douglas S., Andrew B.
    Gross, and Kumiko Shibuya") and before "et al."; Danish puts none before "og" or
    "m.fl." ("Gross og Kumiko Shibuya", "Enemark m.fl."). CSL locales cannot say so
    (name options belong to the style), so in Danish every name list joined by the word
    ("og") gets delimiter-precedes-last="never" and every name list
    delimiter-precedes-et-al="never". Lists joined by "&" keep the style's comma
    (APA's "Christensen, G., & Geerdsen, L. P.", as Danish APA guides write it).
    "et al." is italic in some styles as a Latin phrase; the Danish "m.fl." is not.
    """
    if lang is not Lang.DA:
        return style_xml
    from lxml import etree  # noqa: PLC0415 - lazy, costly import

    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    root = etree.fromstring(style_xml, parser)
    for name in root.iter(_csl("name")):
        if _inherited(name, "and") == "text":
            name.set("delimiter-precedes-last", "never")
        name.set("delimiter-precedes-et-al", "never")
    if not _danish_et_al_is_latin(root):
        for et_al in root.iter(_csl("et-al")):
            if et_al.get("term", "et-al") == "et-al":
                et_al.attrib.pop("font-style", None)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="utf-8"))


# --- rendering through citeproc-py ----------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Markup:
    """How rendered text is marked up: plain text, Markdown, or runs (see `StyledRun`)."""

    markdown: bool
    runs: bool = False

    def escape(self, text: str) -> str:
        return escape_markdown(text) if self.markdown else text

    def formatter(self) -> Any:
        if self.markdown:
            return _MARKDOWN_FORMATTER
        if self.runs:
            return _RUNS_FORMATTER
        from citeproc.formatter import plain  # noqa: PLC0415 - lazy, costly import

        return plain


_PLAIN = _Markup(markdown=False)
_MARKDOWN = _Markup(markdown=True)
_RUNS = _Markup(markdown=False, runs=True)


def _markdown_wrap(marker: str) -> Any:
    def wrap(text: object) -> str:
        content = str(text)
        return f"{marker}{content}{marker}" if content.strip() else content

    return wrap


_MARKDOWN_FORMATTER = SimpleNamespace(
    preformat=lambda text: escape_markdown(str(text)),
    Italic=_markdown_wrap("*"),
    Oblique=_markdown_wrap("*"),
    Bold=_markdown_wrap("**"),
    Light=str,
    Underline=str,
    Superscript=str,
    Subscript=str,
    SmallCaps=str,
)
"""A citeproc-py output format for Markdown (citeproc-py ships plain, HTML and reST)."""

_NOCASE = '<span class="nocase">{}</span>'


def _render_item(reference: Reference, markup: _Markup) -> dict[str, Any]:
    """The CSL-JSON that citeproc-py renders: no notes; titles cased by the work's language.

    A style's title case is English (Chicago: "Migration, Segregation, and the
    Geographic Concentration of Poverty"); citeproc-py applies it only to works whose
    `language` is English. A work whose language is not recorded has its titles
    protected, so that they are printed as recorded, never as "Indsatser I Udsatte
    Boligområder".
    """
    item = _csl_item(reference)
    if item.get("edition", "").strip() == "1":
        # APA 7, Chicago (14.114) and Cite Them Right name an edition only if it is not the
        # first: "1. udg." would be noise. BibTeX, RIS and CSL-JSON still carry it.
        del item["edition"]
    if markup.markdown:
        if "author" in item:
            item["author"] = [
                {key: escape_markdown(part) for key, part in name.items()}
                for name in item["author"]
            ]
        for key in _LINK_VARIABLES & item.keys():
            item[key] = item[key].replace("<", "%3C").replace(">", "%3E")
        for key, value in item.items():
            if isinstance(value, str) and key not in {"id", "type"}:
                item[key] = escape_markdown(value)
    if markup.runs:
        item = _without_run_marks(item)
    if reference.language is None:
        for key in _TITLE_VARIABLES & item.keys():
            item[key] = _NOCASE.format(item[key])
    return item


def _citeproc_bibliography(
    references: Sequence[Reference],
    style: Style,
    lang: Lang,
    markup: _Markup,
    cites: Sequence[Cite] = (),
) -> tuple[Any, list[Any]]:
    """A citeproc-py bibliography of `references` and its citations, registered and sorted.

    With no `cites`, one citation of every reference is registered.
    """
    from citeproc import Citation, CitationItem, CitationStylesBibliography  # noqa: PLC0415
    from citeproc.source import Locator  # noqa: PLC0415
    from citeproc.source.json import CiteProcJSON  # noqa: PLC0415 - lazy, costly import

    source = CiteProcJSON([_render_item(reference, markup) for reference in references])
    bibliography = CitationStylesBibliography(_open_style(style, lang), source, markup.formatter())
    wanted = cites or (Cite(tuple(CiteItem(reference.id) for reference in references)),)
    citations = [
        Citation(
            [
                CitationItem(item.key, locator=Locator("page", str(item.page)))
                if item.page is not None
                else CitationItem(item.key)
                for item in cite.items
            ]
        )
        for cite in wanted
    ]
    for citation in citations:
        bibliography.register(citation)
    bibliography.sort()
    return bibliography, citations


_CANNOT_CITE = N_("{label}: citeproc-py cannot format a citation with this CSL style: {error}")


@contextmanager
def _citeproc_failures(label: str | None, message: str) -> Iterator[None]:
    """Turn a citeproc-py failure with the user's CSL file `label` into a UsageError saying
    `message` (marked `N_`, with `{label}` and `{error}`).

    With a built-in style (label None) a failure is a bug, and is not caught.
    """
    if label is None:
        yield
        return
    try:
        yield
    except UsageError:
        raise
    except Exception as error:  # any citeproc-py failure means the style is unusable
        failure = f"{type(error).__name__}: {error}"
        raise UsageError(_(message).format(label=label, error=failure)) from None


def _user_file(style: Style) -> str | None:
    return None if isinstance(style, CitationStyle) else style.path


def _rendered_entries(
    references: Sequence[Reference], style: Style, lang: Lang, markup: _Markup
) -> list[tuple[Reference, str | None]]:
    """Each reference with its rendered entry (None if the style renders nothing for it),
    in the style's order."""
    unique = _unique(references)
    if not unique:
        return []
    by_key = {reference.id.lower(): reference for reference in unique}
    cannot = N_("{label}: citeproc-py cannot format a reference list with this CSL style: {error}")
    with _citeproc_failures(_user_file(style), cannot):
        bibliography, _ = _citeproc_bibliography(unique, style, lang, markup)
        # One item at a time, as bibliography() renders them, so that an entry the style
        # renders as nothing (which citeproc-py drops) is known by its reference.
        rendered = [
            (by_key[item.key], bibliography.style.render_bibliography([item]))
            for item in bibliography.items
        ]
    return [
        (
            reference,
            _punctuate_family_names(tidy_punctuation(str(entry[0]), lang), reference, markup)
            if entry
            else None,
        )
        for reference, entry in rendered
    ]


def _render_bibliography(
    references: Sequence[Reference], style: Style, lang: Lang, markup: _Markup
) -> list[tuple[Reference, str]]:
    """Each reference with its rendered entry, in the style's order; an entry the style
    renders as nothing is a UsageError that names it."""
    rendered = _rendered_entries(references, style, lang, markup)
    empty = [reference.cited_as for reference, entry in rendered if entry is None]
    if empty:
        named = _user_file(style) or _("the {style} style").format(style=style)
        message = _(
            "{style}: the style's bibliography renders nothing for {works}: it does not cover "
            "that kind of work"
        )
        raise UsageError(message.format(style=named, works=listed([repr(c) for c in empty])))
    return [(reference, entry) for reference, entry in rendered if entry is not None]


_CONJUNCTIONS = ("&", "og", "and")
"""What joins the last two names: the symbol, and the da-DK and en-US "and" terms."""


def _shown_family_names(reference: Reference, markup: _Markup) -> tuple[str, ...] | None:
    """The authors as a style shows them, if every one is a person known only by family name."""
    names = reference.author
    if not names or any(name.given or name.literal or not name.family for name in names):
        return None
    return tuple(
        markup.escape(" ".join(part for part in (name.non_dropping_particle, name.family) if part))
        for name in names
    )


def _punctuate_family_names(entry: str, reference: Reference, markup: _Markup) -> str:
    """Leave out the punctuation of inverted names where names are known only by family name.

    Styles invert names ("Christensen, G.") and punctuate for it: the comma before "&"
    or "and" between two names closes the inverted first name ("Christensen, G., &
    Geerdsen, L. P."), and in APA the full stop before the date is the last initial's
    ("Christensen, G. (2013)"). A name known only by its family name is not inverted, so
    both are stray: "Andersen & Ærø (1999)", not "Andersen, & Ærø. (1999)". CSL cannot
    test whether a name has given names and citeproc-py ignores "after-inverted-name",
    so it is done here, where the names are known. A serial comma before the last of
    three or more names stays ("Breau, Frederiksen, & Riemenschneider").
    """
    shown = _shown_family_names(reference, markup)
    if shown is None:
        return entry
    if len(shown) == 2:  # noqa: PLR2004 - with three or more it is the serial comma
        first, last = shown
        for conjunction in _CONJUNCTIONS:
            entry = entry.replace(
                f"{first}, {conjunction} {last}", f"{first} {conjunction} {last}", 1
            )
    if not entry.startswith(shown[0]):
        return entry
    last_start = entry.find(shown[-1], len(shown[0]) if len(shown) > 1 else 0)
    names_end = last_start + len(shown[-1])
    if last_start >= 0 and entry.startswith(". (", names_end):
        entry = entry[:names_end] + entry[names_end + 1 :]
    return entry


_PUNCTUATION_IN_QUOTE = frozenset({"en-US"})
"""Locales whose punctuation-in-quote option is true (citeproc-py ignores it)."""
_CLOSE_QUOTE_THEN_PUNCTUATION = re.compile(r"”([.,])")
_DOUBLED_PERIOD = re.compile(r"(?<!\.)([.?!])([”’*\ue000-\ue003]*)\.(?!\.)")


def tidy_punctuation(text: str, lang: Lang) -> str:
    """Fix the punctuation that citeproc-py leaves where two pieces meet.

    - In American English (en-US) a period or comma after a closing quote goes inside
      it ("Title." not "Title".), as the en-US locale's punctuation-in-quote asks.
    - A period after a question mark, exclamation mark or period is dropped
      ("hvordan? Kraks", not "hvordan?. Kraks"), also across a closing quote,
      Markdown emphasis or the end of a styled run.
    """
    if LOCALES[lang] in _PUNCTUATION_IN_QUOTE:
        text = _CLOSE_QUOTE_THEN_PUNCTUATION.sub(r"\1”", text)
    return _DOUBLED_PERIOD.sub(r"\1\2", text)


def format_citation(references: Sequence[Reference], style: Style, lang: Lang) -> str:
    """The in-text citation of the references, e.g. "(Christensen m.fl., 2018b)"."""
    unique = _unique(references)
    if not unique:
        return ""
    with _citeproc_failures(_user_file(style), _CANNOT_CITE):
        bibliography, (citation,) = _citeproc_bibliography(unique, style, lang, _PLAIN)
        text = str(bibliography.cite(citation, lambda _item: None))
    return tidy_punctuation(text, lang)


_BOOKLET_FORM: Mapping[Lang, str] = MappingProxyType(
    {Lang.DA: "i hæftet", Lang.EN: "in the booklet"}
)


def _with_label(entry: str, reference: Reference, style: Style, lang: Lang, markup: _Markup) -> str:
    """The entry, the booklet's own form where `kort` cannot reproduce it, its status, and
    whether it comes from the user's own files."""
    if style is CitationStyle.KORT and entry.replace("et al.", "m.fl.") != reference.cited_as:
        entry += markup.escape(f" ({_BOOKLET_FORM[lang]}: {reference.cited_as})")
    for label in (verification_label(reference.status, lang), own_data_label(reference, lang)):
        if label is not None:
            entry += f" {markup.escape(label)}"
    return entry


def format_text_entries(
    references: Sequence[Reference], style: Style, lang: Lang
) -> tuple[tuple[Reference, str], ...]:
    """Each reference with its plain-text entry, as `format_text` writes it, in the style's order.

    No raw control character from the data is left in an entry (ESC is shown as \\x1b).
    """
    return tuple(
        (
            reference,
            escape_control_keeping_lines(_with_label(entry, reference, style, lang, _PLAIN)),
        )
        for reference, entry in _render_bibliography(references, style, lang, _PLAIN)
    )


def format_text(references: Sequence[Reference], style: Style, lang: Lang) -> str:
    """A plain-text reference list: one entry a line, sorted as the style sorts."""
    return "".join(
        _with_label(entry, reference, style, lang, _PLAIN) + "\n"
        for reference, entry in _render_bibliography(references, style, lang, _PLAIN)
    )


_URL = re.compile(r"https?://[^\s<>]*[^\s<>.,;:)\]]")
_MARKDOWN_ESCAPE = re.compile(r"\\([\\`*_\[\]<>~|])")


def _link_urls(entry: str) -> str:
    """Make every URL a Markdown autolink, <https://...>, with no escapes inside."""
    return _URL.sub(lambda match: "<" + _MARKDOWN_ESCAPE.sub(r"\1", match.group(0)) + ">", entry)


def format_markdown(references: Sequence[Reference], style: Style, lang: Lang) -> str:
    """A Markdown reference list: a bullet an entry, titles in italics as the style sets them."""
    entries = (
        _link_urls(_with_label(entry, reference, style, lang, _MARKDOWN))
        for reference, entry in _render_bibliography(references, style, lang, _MARKDOWN)
    )
    return "".join(f"- {protect_markdown_start(entry)}\n" for entry in entries)


# --- in-text citations with pages, and entries as styled runs --------------------------


@dataclass(frozen=True, slots=True)
class CiteItem:
    """One work in an in-text citation, by reference id, at a page if `page` is set."""

    key: str
    page: int | None = None


@dataclass(frozen=True, slots=True)
class Cite:
    """One in-text citation of one or more works, such as "(Christensen, u.å., s. 3)"."""

    items: tuple[CiteItem, ...]


def format_citations(
    references: Sequence[Reference], cites: Sequence[Cite], style: Style, lang: Lang
) -> tuple[str, ...]:
    """Each citation's in-text form, rendered together so that the style can tell works apart.

    Every key in `cites` must be the id of one of `references`; an empty cite renders as "".
    """
    unique = _unique(references)
    rendered = [cite for cite in cites if cite.items]
    if not rendered:
        return tuple("" for _ in cites)
    with _citeproc_failures(_user_file(style), _CANNOT_CITE):
        bibliography, citations = _citeproc_bibliography(unique, style, lang, _PLAIN, rendered)
        texts = iter(
            tidy_punctuation(str(bibliography.cite(citation, lambda _item: None)), lang)
            for citation in citations
        )
        return tuple(next(texts) if cite.items else "" for cite in cites)


def format_quote_citation(source: Reference, page: int, style: Style, lang: Lang) -> str:
    """The in-text citation of a quote: its source at its page, "(Christensen, u.å., s. 3)"."""
    (text,) = format_citations((source,), (Cite((CiteItem(source.id, page),)),), style, lang)
    return text


@dataclass(frozen=True, slots=True)
class StyledRun:
    """A stretch of rendered text in one typeface, as the style sets it (titles in italics)."""

    text: str
    italic: bool = False
    bold: bool = False


_ITALIC_ON, _ITALIC_OFF, _BOLD_ON, _BOLD_OFF = "\ue000", "\ue001", "\ue002", "\ue003"
_RUN_MARKS = {ord(mark): None for mark in (_ITALIC_ON, _ITALIC_OFF, _BOLD_ON, _BOLD_OFF)}


def _without_run_marks(item: dict[str, Any]) -> dict[str, Any]:
    """The item with the private-use characters that mark runs taken out of its texts."""

    def clean(value: Any) -> Any:
        if isinstance(value, str):
            return value.translate(_RUN_MARKS)
        if isinstance(value, list):
            return [clean(part) for part in value]
        if isinstance(value, dict):
            return {key: clean(part) for key, part in value.items()}
        return value

    return {key: clean(value) for key, value in item.items()}


def _marked(on: str, off: str) -> Any:
    return lambda text: f"{on}{text}{off}"


_RUNS_FORMATTER = SimpleNamespace(
    preformat=lambda text: str(text).translate(_RUN_MARKS),
    Italic=_marked(_ITALIC_ON, _ITALIC_OFF),
    Oblique=_marked(_ITALIC_ON, _ITALIC_OFF),
    Bold=_marked(_BOLD_ON, _BOLD_OFF),
    Light=str,
    Underline=str,
    Superscript=str,
    Subscript=str,
    SmallCaps=str,
)
"""A citeproc-py output format that marks italics and bold for `_split_runs` to read."""


def _split_runs(marked: str) -> tuple[StyledRun, ...]:
    runs: list[StyledRun] = []
    italic = bold = 0
    text = ""
    for char in marked:
        change = {_ITALIC_ON: (1, 0), _ITALIC_OFF: (-1, 0), _BOLD_ON: (0, 1), _BOLD_OFF: (0, -1)}
        if char in change:
            if text:
                runs.append(StyledRun(text, italic > 0, bold > 0))
                text = ""
            italic += change[char][0]
            bold += change[char][1]
        else:
            text += char
    if text:
        runs.append(StyledRun(text, italic > 0, bold > 0))
    return tuple(runs)


def format_entries(
    references: Sequence[Reference], style: Style, lang: Lang
) -> tuple[tuple[Reference, tuple[StyledRun, ...]], ...]:
    """The reference list as styled runs, one entry per reference, sorted as the style sorts.

    The entries read as `format_text` writes them: the same labels follow them.
    """
    return tuple(
        (reference, _split_runs(_with_label(entry, reference, style, lang, _RUNS)))
        for reference, entry in _render_bibliography(references, style, lang, _RUNS)
    )


def csl_items_for_rendering(references: Sequence[Reference]) -> list[dict[str, Any]]:
    """The CSL-JSON this module gives citeproc-py: for other CSL processors (pandoc) to match."""
    return [_render_item(reference, _PLAIN) for reference in _unique(references)]


# --- BibTeX ---------------------------------------------------------------------------

_BIBTEX_TYPES: Mapping[str, str] = MappingProxyType(
    {
        "article": "article",
        "article-journal": "article",
        "article-magazine": "article",
        "article-newspaper": "article",
        "book": "book",
        "chapter": "incollection",
        "manuscript": "unpublished",
        "pamphlet": "booklet",
        "paper-conference": "inproceedings",
        "report": "report",
        "thesis": "thesis",
        "webpage": "online",
    }
)
"""biblatex entry types for CSL types; any other type is @misc."""

_BIBTEX_PUBLISHER_FIELD: Mapping[str, str] = MappingProxyType(
    {
        "report": "institution",
        "thesis": "institution",
        "booklet": "howpublished",
        "misc": "howpublished",
        "online": "organization",
        "unpublished": "howpublished",
    }
)
"""Where biblatex wants the publisher for an entry type; `publisher` otherwise."""

_BIBTEX_SPECIAL = str.maketrans(
    {
        "\\": r"\textbackslash{}",
        "{": r"\textbraceleft{}",
        "}": r"\textbraceright{}",
        "&": r"\&",
        "%": r"\%",
        "$": r"\$",
        "#": r"\#",
        "_": r"\_",
        "~": r"\textasciitilde{}",
        "^": r"\textasciicircum{}",
    }
)
_BIBTEX_KEY_INVALID = re.compile(r"[^A-Za-z0-9_:.+/-]+")
_PAGE_RANGE = re.compile(r"\s*[-‐‑‒–—]+\s*")


def escape_bibtex(text: str) -> str:
    """Escape LaTeX's special characters; letters such as æ, ø and å stay as UTF-8."""
    return " ".join(text.translate(_BIBTEX_SPECIAL).split())


def _bibtex_url(text: str) -> str:
    """A verbatim field (url, doi): unescaped, but braces and spaces cannot appear."""
    return text.replace("{", "%7B").replace("}", "%7D").replace(" ", "%20")


_BIBTEX_AND = re.compile(r"\band\b", re.IGNORECASE)


def _bibtex_family(text: str) -> str:
    """A family name, braced when BibTeX would split it, or read it as a von part or "others"."""
    escaped = escape_bibtex(text)
    needs_braces = " " in text or "," in text or text[:1].islower() or text.lower() == "others"
    return f"{{{escaped}}}" if needs_braces else escaped


def _bibtex_given(text: str) -> str:
    """Given names, braced when a comma or an "and" would split the name list."""
    escaped = escape_bibtex(text)
    return f"{{{escaped}}}" if "," in text or _BIBTEX_AND.search(text) else escaped


def bibtex_name(name: Name) -> str:
    """A name as BibTeX reads it: "von Last, First"; an organisation in braces."""
    if name.literal:
        return f"{{{escape_bibtex(name.literal)}}}"
    if not name.family:
        return f"{{{escape_bibtex(name.given or '')}}}"
    last = _bibtex_family(name.family)
    if name.non_dropping_particle:
        last = f"{escape_bibtex(name.non_dropping_particle)} {last}"
    return f"{last}, {_bibtex_given(name.given)}" if name.given else last


_BIBTEX_LANGIDS: Mapping[str, str] = MappingProxyType(
    {
        "da": "danish",
        "de": "ngerman",
        "en": "english",
        "en-gb": "british",
        "en-us": "american",
        "fi": "finnish",
        "fr": "french",
        "is": "icelandic",
        "nb": "norsk",
        "nl": "dutch",
        "nn": "nynorsk",
        "no": "norsk",
        "sv": "swedish",
    }
)
"""biblatex `langid` names (babel/polyglossia languages) for BCP 47 tags."""


def bibtex_langid(language: str | None) -> str | None:
    """The biblatex language of a BCP 47 tag ("da" -> "danish"); None if it has none here."""
    if language is None:
        return None
    tag = language.lower()
    return _BIBTEX_LANGIDS.get(tag) or _BIBTEX_LANGIDS.get(tag.split("-")[0])


def bibtex_key(reference_id: str, used: set[str]) -> str:
    """A valid, unused BibTeX key from a reference id; the key is added to `used`."""
    base = _BIBTEX_KEY_INVALID.sub("-", reference_id).strip("-") or "ref"
    key, number = base, 1
    while key.lower() in used:
        number += 1
        key = f"{base}-{number}"
    used.add(key.lower())
    return key


def _bibtex_fields(reference: Reference, entry_type: str, lang: Lang) -> list[tuple[str, str]]:
    """(field, already escaped value) pairs, in a stable order."""
    fields: list[tuple[str, str]] = []

    def add(name: str, value: str | None, *, verbatim: bool = False) -> None:
        if value:
            fields.append((name, _bibtex_url(value) if verbatim else escape_bibtex(value)))

    if reference.author:
        fields.append(("author", " and ".join(bibtex_name(name) for name in reference.author)))
    add("title", reference.title)
    container_field = "journaltitle" if entry_type == "article" else "booktitle"
    add(container_field, reference.container_title)
    if reference.issued:
        add("date" if _DATE.fullmatch(reference.issued) else "year", reference.issued)
    add("series", reference.collection_title)
    add("volume", reference.volume)
    if entry_type == "article":
        add("number", reference.issue or reference.number)
    else:
        add("number", reference.number)
        add("issue", reference.issue)
    if reference.page:
        add("pages", _PAGE_RANGE.sub("--", reference.page.strip()))
    add("edition", reference.edition)
    add("type", reference.genre)
    add(_BIBTEX_PUBLISHER_FIELD.get(entry_type, "publisher"), reference.publisher)
    add("location", reference.publisher_place)
    add("pagetotal", reference.number_of_pages)
    add("isbn", reference.ISBN)
    add("langid", bibtex_langid(reference.language))
    add("doi", reference.DOI, verbatim=True)
    add("url", reference.URL, verbatim=True)
    add("note", " ".join(_tool_notes(reference, lang)))
    add("annotation", reference.note.in_lang(lang) if reference.note else None)
    return fields


def format_bibtex(references: Sequence[Reference], lang: Lang) -> str:
    """biblatex-style BibTeX, UTF-8, one entry per reference in the order given.

    Keys are the reference ids. The booklet's year letters (2018b) have no BibTeX
    field (biblatex assigns its own); they remain in the keys and in CSL-JSON.
    """
    used: set[str] = set()
    entries: list[str] = []
    for reference in _unique(references):
        entry_type = _BIBTEX_TYPES.get(reference.type or "", "misc")
        fields = _bibtex_fields(reference, entry_type, lang)
        body = "".join(f"  {name} = {{{value}}},\n" for name, value in fields)
        entries.append(f"@{entry_type}{{{bibtex_key(reference.id, used)},\n{body}}}\n")
    return "\n".join(entries)


# --- RIS ------------------------------------------------------------------------------

_RIS_TYPES: Mapping[str, str] = MappingProxyType(
    {
        "article": "JOUR",
        "article-journal": "JOUR",
        "article-magazine": "MGZN",
        "article-newspaper": "NEWS",
        "book": "BOOK",
        "chapter": "CHAP",
        "manuscript": "MANSCPT",
        "pamphlet": "PAMP",
        "paper-conference": "CPAPER",
        "report": "RPRT",
        "thesis": "THES",
        "webpage": "ELEC",
    }
)
"""RIS reference types for CSL types; any other type is GEN (generic)."""

RIS_NEWLINE = "\r\n"
"""The RIS specification ends every line with CR LF."""


def ris_name(name: Name) -> str:
    """A name as RIS writes it: "Last, First"; an organisation as it is."""
    if name.literal:
        return name.literal
    last = " ".join(part for part in (name.non_dropping_particle, name.family) if part)
    return ", ".join(part for part in (last, name.given) if part)


def _ris_lines(reference: Reference, lang: Lang) -> list[tuple[str, str]]:
    ris_type = _RIS_TYPES.get(reference.type or "", "GEN")
    lines: list[tuple[str, str]] = [("TY", ris_type), ("ID", reference.id)]
    lines += [("AU", ris_name(name)) for name in reference.author]
    if reference.issued:
        match = _DATE.fullmatch(reference.issued)
        lines.append(("PY", match.group(1) if match else reference.issued))
        if match and match.group(2):
            lines.append(("DA", f"{match.group(1)}/{match.group(2)}/{match.group(3) or ''}/"))
    optional: list[tuple[str, str | None]] = [
        ("TI", reference.title),
        ("T2", reference.container_title),
        ("T3", reference.collection_title),
        ("VL", reference.volume),
        ("IS", reference.issue),
    ]
    if reference.page:
        start, _, end = _PAGE_RANGE.sub("-", reference.page.strip()).partition("-")
        optional += [("SP", start), ("EP", end)]
    elif ris_type in {"BOOK", "THES"}:
        optional.append(("SP", reference.number_of_pages))
    optional += [
        ("ET", reference.edition),
        ("M3", reference.genre),
        ("PB", reference.publisher),
        ("CY", reference.publisher_place),
        ("SN" if ris_type == "RPRT" else "M1", reference.number),
        ("SN", reference.ISBN),
        ("DO", reference.DOI),
        ("UR", reference.URL),
        ("LA", reference.language),
    ]
    lines += [(tag, value) for tag, value in optional if value]
    lines += [("N1", note) for note in _notes(reference, lang)]
    return lines


def format_ris(references: Sequence[Reference], lang: Lang) -> str:
    """RIS, UTF-8 with CR LF line ends, one record per reference in the order given."""
    records: list[str] = []
    for reference in _unique(references):
        lines = _ris_lines(reference, lang)
        records.extend(f"{tag}  - {' '.join(value.split())}" for tag, value in lines)
        records.append("ER  - ")
    return "".join(line + RIS_NEWLINE for line in records)


# --- the registry ---------------------------------------------------------------------


def _export_text(references: Sequence[Reference], options: ExportOptions) -> str:
    return format_text(references, options.style, options.lang)


def _export_markdown(references: Sequence[Reference], options: ExportOptions) -> str:
    return format_markdown(references, options.style, options.lang)


def _export_bibtex(references: Sequence[Reference], options: ExportOptions) -> str:
    return format_bibtex(references, options.lang)


def _export_ris(references: Sequence[Reference], options: ExportOptions) -> str:
    return format_ris(references, options.lang)


def _export_csl_json(references: Sequence[Reference], options: ExportOptions) -> str:
    return format_csl_json(references, options.lang)


REFERENCE_EXPORTERS: Mapping[BibliographyFormat, ReferenceExporter] = MappingProxyType(
    {
        BibliographyFormat.TEXT: _export_text,
        BibliographyFormat.MARKDOWN: _export_markdown,
        BibliographyFormat.BIBTEX: _export_bibtex,
        BibliographyFormat.RIS: _export_ris,
        BibliographyFormat.CSL_JSON: _export_csl_json,
    }
)
"""One exporter per format; the style in ExportOptions matters to text and Markdown only."""


def export_references(
    references: Sequence[Reference], fmt: BibliographyFormat, options: ExportOptions
) -> str:
    """The references in `fmt`, with no raw control character from the data in them.

    Control characters are \\u escapes in CSL-JSON (lossless) and shown as \\x1b elsewhere;
    line breaks, LF or RIS's CRLF, stay.
    """
    exported = REFERENCE_EXPORTERS[fmt](references, options)
    if fmt is BibliographyFormat.CSL_JSON:
        return escape_json_controls(exported)
    return escape_control_keeping_lines(exported)
