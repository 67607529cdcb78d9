"""The store: every question the CLI asks of the dataset, answered from SQLite.

`open_store` finds the database built from these very files in the user cache directory,
or builds it (see `build.py`), and checks that its files are unchanged (`freshness.py`).
A database that cannot be read, or holds a record its type does not allow, is rebuilt:
never an error, never a stale answer.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path
from typing import Any, TypeVar

from boligsocial_cli.errors import UsageError
from boligsocial_cli.i18n import _
from boligsocial_cli.model import (
    BackgroundSection,
    Challenge,
    Dataset,
    EvidenceKind,
    EvidenceKindInfo,
    Finding,
    GlossaryEntry,
    Meta,
    Reference,
    Theme,
)
from boligsocial_cli.query import (
    FindingCounts,
    FindingFilter,
    ReferenceSelection,
    Relaxation,
    fold,
    reference_order,
    search_terms,
)
from boligsocial_cli.resolver import resolve_finding_id

from .records import RecordError, decode
from .snippets import Snippet, finding_texts, snippet_for

T = TypeVar("T")

SCHEMA = "boligsocial-store 2"
"""Changed whenever the tables change: a database of another schema is rebuilt."""


class HitKind(StrEnum):
    """What a search hit is."""

    FINDING = "finding"
    THEME = "theme"
    CONTEXT = "context"
    BACKGROUND = "background"
    CHALLENGE = "challenge"
    GLOSSARY = "glossary"
    REFERENCE = "reference"


FAULTS = (sqlite3.Error, RecordError, ValueError)
"""What a damaged or crafted database raises: each means the database is rebuilt."""


@dataclass(frozen=True, slots=True)
class Outline:
    """Everything but the findings: themes, background, glossary…, with the counts."""

    dataset: Dataset
    """No findings; of the references, those the themes' and background's passages cite."""
    counts: FindingCounts


@dataclass(frozen=True, slots=True)
class FindingsAnswer:
    """The findings a filter matches, with what a view of them needs."""

    dataset: Dataset
    """The findings found, every theme and evidence kind, and the works they cite."""
    relaxed: Relaxation | None = None
    """When nothing matched: what dropping one filter would find."""


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One thing a search found."""

    kind: HitKind
    record_id: str
    part: int
    page: int | None
    snippet: Snippet
    evidence: EvidenceKind | None = None
    theme: str | None = None
    origin: str = ""


@dataclass(frozen=True, slots=True)
class SearchAnswer:
    """The best hits of a search, how many there are, and spellings to try when none."""

    terms: tuple[str, ...]
    hits: tuple[SearchHit, ...]
    total: int
    suggestions: tuple[str, ...] = ()
    corrected: bool = False
    """Whether the hits are for the closest words, nothing having matched what was typed."""


Rebuild = Callable[[], sqlite3.Connection]


class Store:
    """The dataset in an SQLite database; each method answers one question of the CLI."""

    def __init__(self, connection: sqlite3.Connection, rebuild: Rebuild) -> None:
        self._db = connection
        self._rebuild = rebuild

    def _ask(self, question: Callable[[sqlite3.Connection], T]) -> T:
        """The answer to `question`; on a damaged database, rebuilt, the answer from that."""
        try:
            return question(self._db)
        except FAULTS:
            self._db.close()
            self._db = self._rebuild()
            return question(self._db)

    def export(self, path: Path) -> None:
        """Write the database to `path` (which must not exist), for datasette or DB Browser."""
        with path.open("xb"):  # claims the name: an existing file is never overwritten
            pass
        try:
            target = sqlite3.connect(path)
            try:
                self._ask(lambda db: db.backup(target))
            finally:
                target.close()
        except BaseException:
            path.unlink()
            raise

    # --- the outline ------------------------------------------------------------------

    def outline(self) -> Outline:
        """Themes, background, challenges, glossary, meta and counts: no findings."""
        return self._ask(_outline)

    # --- findings -----------------------------------------------------------------------

    def findings(self, criteria: FindingFilter) -> FindingsAnswer:
        """The findings `criteria` match, in dataset order; if none, what a relaxed filter finds."""
        return self._ask(lambda db: _findings(db, criteria))

    def finding(self, typed: str) -> FindingsAnswer:
        """The finding the user means by `typed` (id, any case or æøå spelling, or prefix)."""
        return self._ask(lambda db: _finding(db, typed))

    def finding_ids(self) -> tuple[str, ...]:
        """Every finding's id, in dataset order."""
        return self._ask(lambda db: _column(db, "SELECT id FROM findings ORDER BY position"))

    # --- references ---------------------------------------------------------------------

    def works(self) -> tuple[Reference, ...]:
        """Every cited work, in dataset order."""
        return self._ask(
            lambda db: _records(db, Reference, "SELECT record FROM works ORDER BY position")
        )

    def references(self, selection: ReferenceSelection) -> tuple[Reference, ...]:
        """The works to cite for `selection`, in reference-list order (as select_references)."""
        return self._ask(lambda db: _references(db, selection))

    def remembered(self, key: str) -> str | None:
        """A rendering stored under `key` (a style, language, format and works), if any."""
        text = self._ask(lambda db: _scalar(db, "SELECT text FROM rendered WHERE key = ?", key))
        return text if isinstance(text, str) else None

    def remember(self, key: str, text: str) -> None:
        """Keep a rendering for the next time; a database that cannot be written is left be."""
        try:
            with self._db:
                self._db.execute("INSERT OR REPLACE INTO rendered VALUES (?, ?)", (key, text))
        except sqlite3.Error:
            return

    # --- full-text search ---------------------------------------------------------------

    def search(self, text: str, *, limit: int = 10) -> SearchAnswer:
        """Everything the dataset says about the words: those holding most of them first."""
        terms = search_terms(text)
        if not terms:
            raise UsageError(_("search needs at least one word to look for."))
        return self._ask(lambda db: _search(db, terms, limit))


# --- answers --------------------------------------------------------------------------


def _column(db: sqlite3.Connection, sql: str, *params: Any) -> tuple[Any, ...]:
    return tuple(row[0] for row in db.execute(sql, params))


def _scalar(db: sqlite3.Connection, sql: str, *params: Any) -> Any:
    row = db.execute(sql, params).fetchone()
    return None if row is None else row[0]


def _records(db: sqlite3.Connection, record_type: type[T], sql: str, *params: Any) -> tuple[T, ...]:
    return tuple(decode(record_type, row[0]) for row in db.execute(sql, params))


def _part(db: sqlite3.Connection, record_type: type[T], part: str) -> tuple[T, ...]:
    text = _scalar(db, "SELECT record FROM outline WHERE part = ?", part)
    if not isinstance(text, str):
        raise RecordError(f"no {part}")
    items = json.loads(text)
    if not isinstance(items, list):
        raise RecordError(f"{part} is not a list")
    return tuple(decode(record_type, json.dumps(item)) for item in items)


def _works_by_id(db: sqlite3.Connection, ids: Iterable[str]) -> tuple[Reference, ...]:
    wanted = json.dumps(sorted(set(ids)))
    return _records(
        db,
        Reference,
        "SELECT record FROM works WHERE id IN (SELECT value FROM json_each(?)) ORDER BY position",
        wanted,
    )


def _base(db: sqlite3.Connection) -> Dataset:
    """The dataset's themes, evidence kinds and meta, with no findings and no references."""
    meta_text = _scalar(db, "SELECT record FROM outline WHERE part = 'meta'")
    if not isinstance(meta_text, str):
        raise RecordError("no meta")
    return Dataset(
        meta=decode(Meta, meta_text),
        evidence_kinds=_part(db, EvidenceKindInfo, "evidence_kinds"),
        themes=_records(db, Theme, "SELECT record FROM themes ORDER BY position"),
        findings=(),
        references=(),
    )


def _outline(db: sqlite3.Connection) -> Outline:
    base = _base(db)
    background = _part(db, BackgroundSection, "background")
    passages = [
        *(p for t in base.themes for p in t.context),
        *(p for s in background for p in s.passages),
    ]
    dataset = replace(
        base,
        references=_works_by_id(db, (c for passage in passages for c in passage.citations)),
        challenges=_part(db, Challenge, "challenges"),
        background=background,
        glossary=_part(db, GlossaryEntry, "glossary"),
    )
    counts = {
        (str(theme), EvidenceKind(kind)): int(n)
        for theme, kind, n in db.execute("SELECT theme, evidence, n FROM counts")
    }
    return Outline(dataset, counts)


def _with_findings(db: sqlite3.Connection, findings: tuple[Finding, ...]) -> Dataset:
    cited = _works_by_id(db, (c for finding in findings for c in finding.citations))
    return replace(_base(db), findings=findings, references=cited)


Clause = tuple[str, str, tuple[Any, ...]]
"""A filter as SQL: the option that set it, a condition on `findings`, its parameters."""


def _in(values: Iterable[str]) -> tuple[str, tuple[Any, ...]]:
    return "IN (SELECT value FROM json_each(?))", (json.dumps(list(values)),)


def _clauses(criteria: FindingFilter) -> list[Clause]:
    """Each filter in use, in the order of `FindingFilter.active` and then --search."""
    clauses: list[Clause] = []
    if criteria.themes:
        sql, params = _in(criteria.themes)
        clauses.append(("--theme", f"theme {sql}", params))
    if criteria.evidence:
        sql, params = _in(kind.value for kind in criteria.evidence)
        clauses.append(("--evidence", f"evidence {sql}", params))
    if criteria.effects_only:
        clauses.append(("--effects-only", "evidence = ?", (EvidenceKind.EFFEKT.value,)))
    if criteria.cites:
        sql, params = _in(criteria.cites)
        clauses.append(
            ("--cites", f"position IN (SELECT finding FROM citations WHERE work {sql})", params)
        )
    for option, value, column in (
        ("--target-group", criteria.target_group, "target_group"),
        ("--outcome", criteria.outcome, "outcome"),
        ("--activity", criteria.activity, "activity"),
    ):
        if value:
            clauses.append((option, f"instr({column}, ?) > 0", (fold(value),)))
    if criteria.search:
        terms = search_terms(criteria.search)
        if not terms:
            raise UsageError(_("--search needs at least one word to look for."))
        sql, params = _text_match("", terms)
        clauses.append(("--search", f"position + 1 IN ({sql})", params))
    return clauses


def _text_match(column: str, terms: tuple[str, ...]) -> tuple[str, tuple[Any, ...]]:
    """SQL for the rowids of `fulltext` whose `column` (or, with "", any column: a finding's
    own texts and its related names) holds every term, and its parameters.

    Terms of three characters or more are looked up in the trigram index; shorter ones,
    which a trigram index cannot hold, are compared with the text itself.
    """
    long_terms = [term for term in terms if len(term) >= 3]  # noqa: PLR2004 - a trigram
    conditions: list[str] = []
    params: list[Any] = []
    if long_terms:
        phrases = " AND ".join('"' + term.replace('"', '""') + '"' for term in long_terms)
        conditions.append("fulltext MATCH ?")
        params.append(f"{column} : ({phrases})" if column else phrases)
    searched = column or "own || ' ' || related"
    for term in terms:
        if term not in long_terms:
            conditions.append(f"instr({searched}, ?) > 0")
            params.append(term)
    return f"SELECT rowid FROM fulltext WHERE {' AND '.join(conditions)}", tuple(params)


def _where(clauses: Sequence[Clause]) -> tuple[str, tuple[Any, ...]]:
    if not clauses:
        return "", ()
    sql = " WHERE " + " AND ".join(f"({condition})" for _, condition, _ in clauses)
    return sql, tuple(param for _, _, params in clauses for param in params)


def _findings(db: sqlite3.Connection, criteria: FindingFilter) -> FindingsAnswer:
    clauses = _clauses(criteria)
    where, params = _where(clauses)
    found = _records(db, Finding, f"SELECT record FROM findings{where} ORDER BY position", *params)
    relaxed = None if found else _relax(db, clauses)
    return FindingsAnswer(_with_findings(db, found), relaxed)


def _relax(db: sqlite3.Connection, clauses: Sequence[Clause]) -> Relaxation | None:
    """The one filter whose removal finds the most (ties: the later), as query.relax_empty_query."""
    if len(clauses) < 2:  # noqa: PLR2004 - dropping the only filter is no suggestion
        return None
    best: Relaxation | None = None
    for index, (option, _condition, _params) in enumerate(clauses):
        where, params = _where([*clauses[:index], *clauses[index + 1 :]])
        ids = _column(db, f"SELECT id FROM findings{where} ORDER BY position", *params)
        if ids and (best is None or len(ids) >= len(best.ids)):
            best = Relaxation(option, ids)
    return best


def _finding(db: sqlite3.Connection, typed: str) -> FindingsAnswer:
    wanted = fold(typed)
    exact = _column(db, "SELECT id FROM findings WHERE folded_id = ? ORDER BY position", wanted)
    if len(exact) != 1:
        prefixed = (
            _column(
                db,
                "SELECT id FROM findings WHERE folded_id >= ? AND folded_id < ? ORDER BY position",
                wanted,
                wanted + "\U0010ffff",
            )
            if wanted
            else ()
        )
        chosen = prefixed[0] if len(prefixed) == 1 else None
        if chosen is None:
            every = _column(db, "SELECT id FROM findings ORDER BY position")
            chosen = resolve_finding_id(every, typed)
    else:
        chosen = exact[0]
    found = _records(db, Finding, "SELECT record FROM findings WHERE id = ?", chosen)
    if len(found) != 1:
        raise RecordError(f"no finding {chosen!r}")
    return FindingsAnswer(_with_findings(db, found))


def _references(db: sqlite3.Connection, selection: ReferenceSelection) -> tuple[Reference, ...]:
    if selection.is_everything():
        every = _records(db, Reference, "SELECT record FROM works ORDER BY position")
        return tuple(sorted(every, key=reference_order))
    wanted: list[str] = list(selection.keys)
    if selection.findings:
        sql, params = _in(selection.findings)
        wanted.extend(
            _column(
                db,
                "SELECT c.work FROM citations c JOIN findings f ON f.position = c.finding "
                f"WHERE f.id {sql}",
                *params,
            )
        )
    if selection.themes or selection.effects_only:
        criteria = FindingFilter(themes=selection.themes, effects_only=selection.effects_only)
        where, params = _where(_clauses(criteria))
        wanted.extend(
            _column(
                db,
                "SELECT work FROM citations "
                f"WHERE finding IN (SELECT position FROM findings{where})",
                *params,
            )
        )
        if not selection.effects_only:
            sql, params = _in(selection.themes)
            themes = _records(db, Theme, f"SELECT record FROM themes WHERE id {sql}", *params)
            wanted.extend(
                c for theme in themes for passage in theme.context for c in passage.citations
            )
    cited = tuple(sorted(_works_by_id(db, wanted), key=reference_order))
    if not selection.booklet:
        return cited
    return (_base(db).meta.booklet, *cited)


def _search(db: sqlite3.Connection, terms: tuple[str, ...], limit: int) -> SearchAnswer:
    """The items holding most of the terms first, then by bm25; with no hit at all, the
    closest words of the vocabulary are offered, and searched for instead."""
    rows, total = _ranked(db, terms, limit)
    if rows:
        return _answer(db, terms, rows, total)
    suggestions = _suggestions(db, terms)
    corrected = tuple(dict.fromkeys((*_matched_terms(db, terms), *suggestions[:1])))
    if suggestions and corrected:
        rows, total = _ranked(db, corrected, limit)
        return replace(_answer(db, corrected, rows, total), suggestions=suggestions, corrected=True)
    return SearchAnswer(terms, (), 0, suggestions)


def _ranked(db: sqlite3.Connection, terms: tuple[str, ...], limit: int) -> tuple[list[Any], int]:
    """The best `limit` items for `terms` (each counted once), and how many hold any of them.

    Terms shorter than a trigram are used only when every term is that short.
    """
    long_terms = [term for term in terms if len(term) >= 3]  # noqa: PLR2004 - a trigram
    if not long_terms:
        sql, params = _text_match("own", terms)
        select = f"SELECT rowid FROM ({sql}) ORDER BY rowid"
        ordered = _column(db, select, *params)
        return _items(db, ordered[:limit]), len(ordered)
    phrases = ['"' + term.replace('"', '""') + '"' for term in long_terms]
    total = _scalar(db, "SELECT count(*) FROM fulltext WHERE fulltext MATCH ?", _any_of(phrases))
    # Those holding every term come first, in the order bm25 gives them (its score is the
    # same whichever way the terms are combined); only if they are too few to fill the
    # page are the others ranked, by how many terms they hold.
    best = _column(
        db,
        "SELECT rowid FROM fulltext WHERE fulltext MATCH ? "
        "ORDER BY bm25(fulltext, 1.0, 0.0), rowid LIMIT ?",
        "own : (" + " AND ".join(phrases) + ")",
        limit,
    )
    if len(best) < limit and len(phrases) > 1:
        best = _ranked_by_terms_held(db, phrases, limit)
    return _items(db, best), int(total)


def _any_of(phrases: Sequence[str]) -> str:
    return "own : (" + " OR ".join(phrases) + ")"


def _ranked_by_terms_held(
    db: sqlite3.Connection, phrases: Sequence[str], limit: int
) -> tuple[int, ...]:
    """The best `limit` items holding any of the phrases: most of them first, then by bm25."""
    held = " + ".join(
        "(fulltext.rowid IN (SELECT rowid FROM fulltext WHERE fulltext MATCH ?))" for _ in phrases
    )
    return _column(
        db,
        f"SELECT fulltext.rowid FROM fulltext WHERE fulltext MATCH ? "
        f"ORDER BY {held} DESC, bm25(fulltext, 1.0, 0.0), fulltext.rowid LIMIT ?",
        _any_of(phrases),
        *(f"own : {phrase}" for phrase in phrases),
        limit,
    )


def _items(db: sqlite3.Connection, rowids: Sequence[int]) -> list[Any]:
    found = {
        row[0]: row
        for row in db.execute(
            "SELECT rowid, kind, record_id, part, page, texts, origin FROM items "
            "WHERE rowid IN (SELECT value FROM json_each(?))",
            (json.dumps(list(rowids)),),
        )
    }
    return [found[rowid] for rowid in rowids]


def _matched_terms(db: sqlite3.Connection, terms: tuple[str, ...]) -> tuple[str, ...]:
    """The terms some item holds."""
    return tuple(term for term in terms if _ranked(db, (term,), 1)[1])


def _answer(
    db: sqlite3.Connection, terms: tuple[str, ...], rows: Sequence[Any], total: int
) -> SearchAnswer:
    finding_rows = {rowid - 1 for rowid, kind, *_ in rows if kind == HitKind.FINDING.value}
    found = {
        position: decode(Finding, record)
        for position, record in db.execute(
            "SELECT position, record FROM findings "
            "WHERE position IN (SELECT value FROM json_each(?))",
            (json.dumps(sorted(finding_rows)),),
        )
    }
    hits = []
    for rowid, kind, record_id, part, page, texts, origin in rows:
        finding = found.get(rowid - 1)
        shown = finding_texts(finding) if finding else json.loads(texts)
        if not isinstance(shown, list | tuple) or not all(isinstance(t, str) for t in shown):
            raise RecordError("texts are not a list of text")
        hits.append(
            SearchHit(
                kind=HitKind(kind),
                record_id=str(record_id),
                part=int(part),
                page=None if page is None else int(page),
                snippet=snippet_for(tuple(shown), terms),
                evidence=finding.evidence if finding else None,
                theme=finding.theme if finding else None,
                origin=finding.origin if finding else str(origin),
            )
        )
    return SearchAnswer(terms, tuple(hits), total)


def _suggestions(db: sqlite3.Connection, terms: tuple[str, ...]) -> tuple[str, ...]:
    """For the terms nothing holds: the closest words of the index's own vocabulary."""
    from difflib import get_close_matches  # noqa: PLC0415 - only an empty answer needs it

    close: list[str] = []
    for term in terms:
        if _ranked(db, (term,), 1)[1]:
            continue
        words = _column(
            db,
            "SELECT word FROM vocabulary WHERE length(word) BETWEEN ? AND ?",
            len(term) - 2,
            len(term) + 3,
        )
        close.extend(get_close_matches(term, words, n=3, cutoff=0.75))
    return tuple(dict.fromkeys(close))
