"""Write a dataset into an SQLite database: records, the columns queries filter on, and
the full-text index over every text it holds."""

from __future__ import annotations

import contextlib
import json
import re
import sqlite3
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import islice

from boligsocial_cli.model import Dataset, Localized, Passage, Reference
from boligsocial_cli.query import (
    fold,
    join_folded,
    searchable_finding_text,
    searchable_reference_text,
    searchable_theme_text,
)

from .freshness import Source
from .records import encode
from .store import SCHEMA, HitKind

TABLES = """
CREATE TABLE info(key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
CREATE TABLE sources(
    position INTEGER PRIMARY KEY, path TEXT NOT NULL, size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL, ctime_ns INTEGER NOT NULL, inode INTEGER NOT NULL,
    device INTEGER NOT NULL, digest TEXT NOT NULL, verified_ns INTEGER NOT NULL) STRICT;
CREATE TABLE outline(part TEXT PRIMARY KEY, record TEXT NOT NULL) STRICT;
CREATE TABLE themes(position INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE,
    record TEXT NOT NULL) STRICT;
CREATE TABLE works(position INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE,
    record TEXT NOT NULL) STRICT;
CREATE TABLE findings(
    position INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, folded_id TEXT NOT NULL,
    theme TEXT NOT NULL, evidence TEXT NOT NULL, target_group TEXT NOT NULL,
    outcome TEXT NOT NULL, activity TEXT NOT NULL, record TEXT NOT NULL) STRICT;
CREATE INDEX findings_by_theme ON findings(theme, evidence);
CREATE INDEX findings_by_evidence ON findings(evidence);
CREATE INDEX findings_by_folded_id ON findings(folded_id);
CREATE TABLE citations(finding INTEGER NOT NULL, work TEXT NOT NULL) STRICT;
CREATE INDEX citations_by_work ON citations(work);
CREATE TABLE counts(theme TEXT NOT NULL, evidence TEXT NOT NULL, n INTEGER NOT NULL) STRICT;
CREATE TABLE items(
    rowid INTEGER PRIMARY KEY, kind TEXT NOT NULL, record_id TEXT NOT NULL,
    part INTEGER NOT NULL, page INTEGER, texts TEXT NOT NULL, origin TEXT NOT NULL) STRICT;
CREATE VIRTUAL TABLE fulltext USING fts5(own, related, tokenize='trigram');
CREATE TABLE vocabulary(word TEXT PRIMARY KEY) STRICT, WITHOUT ROWID;
CREATE TABLE rendered(key TEXT PRIMARY KEY, text TEXT NOT NULL) STRICT;
"""


@dataclass(frozen=True, slots=True)
class Item:
    """One searchable part of the dataset: what it is, where, and its texts."""

    kind: HitKind
    record_id: str
    part: int
    page: int | None
    texts: tuple[str, ...]
    """The original texts snippets are made of (a finding's are read from its record)."""
    own: str
    """Its texts folded, as the index holds them."""
    related: str = ""
    """For a finding, its theme's and cited works' names, folded: `findings --search`
    looks in these too (query.searchable_finding_text)."""
    origin: str = ""
    """The file the record came from (see model.py), so a hit from one's own data is marked."""


def _localized(*values: Localized | None) -> list[str]:
    return [text for value in values if value for text in (value.da, value.en)]


def _reference_texts(reference: Reference) -> list[str]:
    names = [
        name.literal or " ".join(filter(None, (name.given, name.family)))
        for name in reference.author
    ]
    fields = (reference.title, reference.container_title, reference.publisher, reference.issued)
    return [reference.cited_as, *names, *filter(None, fields)]


def _item(
    kind: HitKind,
    record_id: str,
    part: int,
    page: int | None,
    texts: Iterable[str],
    origin: str = "",
) -> Item:
    shown = tuple(texts)
    return Item(kind, record_id, part, page, shown, fold(" ".join(shown)), origin=origin)


def _passage_items(
    kind: HitKind, owner: str, passages: Sequence[Passage], origin: str = ""
) -> Iterator[Item]:
    for index, passage in enumerate(passages):
        texts = (*_localized(passage.text), passage.quote)
        yield _item(kind, owner, index, passage.page, texts, origin)


def items(dataset: Dataset) -> Iterator[Item]:
    """Every text the dataset holds, as searchable items; the findings first, in order."""
    # A finding's related names are its theme's and works' texts, each folded once here
    # rather than once for every finding that names it (query.searchable_finding_text).
    themes = {theme.id: searchable_theme_text(theme) for theme in dataset.themes}
    works = {work.id: searchable_reference_text(work) for work in dataset.references}
    for finding in dataset.findings:
        own = searchable_finding_text(finding, None, ())
        cited = (works[c] for c in finding.citations if c in works)
        related = join_folded((themes.get(finding.theme, ""), *cited))
        yield Item(HitKind.FINDING, finding.id, 0, finding.page, (), own, related, finding.origin)
    for theme in dataset.themes:
        names = _localized(theme.name, theme.summary)
        yield _item(HitKind.THEME, theme.id, 0, None, names, theme.origin)
        yield from _passage_items(HitKind.CONTEXT, theme.id, theme.context, theme.origin)
    base = dataset.meta.booklet.origin  # the first file's: only it may hold these sections
    for section in dataset.background:
        yield from _passage_items(HitKind.BACKGROUND, section.id, section.passages, base)
    for challenge in dataset.challenges:
        texts = (*_localized(challenge.text), challenge.quote)
        yield _item(HitKind.CHALLENGE, challenge.id, 0, challenge.page, texts, base)
    for entry in dataset.glossary:
        texts = (entry.term, *filter(None, (entry.term_en,)), *_localized(entry.definition))
        yield _item(HitKind.GLOSSARY, entry.term, 0, None, texts, base)
    for reference in (dataset.meta.booklet, *dataset.references):
        described = _reference_texts(reference)
        yield _item(HitKind.REFERENCE, reference.id, 0, None, described, reference.origin)


_WORD = re.compile(r"[^\W_]{3,}")
"""A word the vocabulary keeps for suggestions: three letters or more."""


def write(
    connection: sqlite3.Connection,
    dataset: Dataset,
    sources: Sequence[Source],
    info: Mapping[str, str],
) -> None:
    """Create the tables in an empty database and fill them with `dataset`, in one transaction.

    A finding's item is row `position + 1` of `items` and `texts`, so that a search for
    findings needs no join.
    """
    connection.execute("BEGIN")
    for statement in TABLES.split(";"):
        if statement.strip():
            connection.execute(statement)
    connection.executemany("INSERT INTO info VALUES (?, ?)", [("schema", SCHEMA), *info.items()])
    connection.executemany(
        "INSERT INTO sources VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                position,
                s.path,
                s.size,
                s.mtime_ns,
                s.ctime_ns,
                s.inode,
                s.device,
                s.digest,
                s.verified_ns,
            )
            for position, s in enumerate(sources)
        ],
    )
    outline = {
        "meta": encode(dataset.meta),
        "evidence_kinds": json.dumps(
            [json.loads(encode(kind)) for kind in dataset.evidence_kinds], ensure_ascii=False
        ),
        "challenges": json.dumps(
            [json.loads(encode(item)) for item in dataset.challenges], ensure_ascii=False
        ),
        "background": json.dumps(
            [json.loads(encode(item)) for item in dataset.background], ensure_ascii=False
        ),
        "glossary": json.dumps(
            [json.loads(encode(item)) for item in dataset.glossary], ensure_ascii=False
        ),
    }
    connection.executemany("INSERT INTO outline VALUES (?, ?)", outline.items())
    connection.executemany(
        "INSERT INTO themes VALUES (?, ?, ?)",
        ((position, theme.id, encode(theme)) for position, theme in enumerate(dataset.themes)),
    )
    connection.executemany(
        "INSERT INTO works VALUES (?, ?, ?)",
        ((position, work.id, encode(work)) for position, work in enumerate(dataset.references)),
    )
    connection.executemany(
        "INSERT INTO findings VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            (
                position,
                finding.id,
                fold(finding.id),
                finding.theme,
                finding.evidence.value,
                fold(" ".join(_localized(finding.target_group))),
                fold(" ".join(_localized(finding.outcome))),
                fold(" ".join(_localized(finding.activity))),
                encode(finding),
            )
            for position, finding in enumerate(dataset.findings)
        ),
    )
    connection.executemany(
        "INSERT INTO citations VALUES (?, ?)",
        (
            (position, work)
            for position, finding in enumerate(dataset.findings)
            for work in finding.citations
        ),
    )
    counts = Counter((finding.theme, finding.evidence.value) for finding in dataset.findings)
    connection.executemany(
        "INSERT INTO counts VALUES (?, ?, ?)", ((t, e, n) for (t, e), n in counts.items())
    )
    _write_items(connection, items(dataset))
    connection.execute("COMMIT")


ITEMS_AT_ONCE = 5_000
"""Items are written in batches of this many, so that only one batch is held at a time."""

FULLTEXT_HASH_BYTES = 32 * 1024 * 1024
"""The index words FTS5 gathers in memory before it writes them out as a segment (1 MiB by
default, which makes a large dataset's index out of hundreds of segments, merged again and
again: a third of the time to build it)."""


def _write_items(connection: sqlite3.Connection, every: Iterable[Item]) -> None:
    """The items and their full-text index, in batches; and the vocabulary they use."""
    with contextlib.suppress(sqlite3.OperationalError):  # an FTS5 without the setting
        connection.execute(
            "INSERT INTO fulltext(fulltext, rank) VALUES ('hashsize', ?)", (FULLTEXT_HASH_BYTES,)
        )
    tokens: set[str] = set()
    numbered = enumerate(every, start=1)
    while batch := list(islice(numbered, ITEMS_AT_ONCE)):
        connection.executemany(
            "INSERT INTO items VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                (rowid, item.kind.value, item.record_id, item.part, item.page, shown, item.origin)
                for rowid, item in batch
                for shown in (json.dumps(item.texts, ensure_ascii=False),)
            ),
        )
        connection.executemany(
            "INSERT INTO fulltext(rowid, own, related) VALUES (?, ?, ?)",
            ((rowid, item.own, item.related) for rowid, item in batch),
        )
        for _, item in batch:
            tokens.update(item.own.split())
    # The words of distinct tokens are the words of the texts: a word never holds a space.
    vocabulary = set(_WORD.findall(" ".join(tokens)))
    connection.executemany("INSERT INTO vocabulary VALUES (?)", ((word,) for word in vocabulary))
