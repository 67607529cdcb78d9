"""Where the store's databases live, which one belongs to a stack of files, and opening it.

One database per stack of dataset files, in the user cache directory (platformdirs;
BOLIGSOCIAL_CACHE_DIR moves it, BOLIGSOCIAL_NO_CACHE=1 keeps it in memory). A database is
built into a temporary file and renamed into place, so a reader sees a whole database or
none, and a build that is killed leaves only a temporary file that no run opens (it is
removed later). Nothing is opened at a database's name that is not a regular file of ours.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import stat
import time
import zlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from functools import cache
from pathlib import Path

from boligsocial_cli import __version__
from boligsocial_cli.i18n import _

from .freshness import Source, check
from .store import SCHEMA, Store

APP_NAME = "boligsocial"
CACHE_DIR_ENV = "BOLIGSOCIAL_CACHE_DIR"
NO_CACHE_ENV = "BOLIGSOCIAL_NO_CACHE"
SUFFIX = ".sqlite3"
MAX_STORE_BYTES = 512 * 1024 * 1024
"""The databases of files no longer read are removed, oldest first, beyond this size."""
STALE_BUILD_SECONDS = 3600
"""A temporary build file this old was left by a build that died."""

Note = Callable[[str], None]


def store_directory(env: Mapping[str, str] = os.environ) -> Path | None:
    """The directory for databases, or None when the store is to stay in memory."""
    if env.get(NO_CACHE_ENV, "").strip() not in ("", "0"):
        return None
    chosen = env.get(CACHE_DIR_ENV, "").strip()
    if chosen:
        return Path(chosen)
    from platformdirs import user_cache_dir  # noqa: PLC0415 - only when not chosen

    return Path(user_cache_dir(APP_NAME, appauthor=False))


@cache
def tool_fingerprint() -> str:
    """The program as it builds databases: its version, and the size and time of each module.

    An edited checkout keeps its version number; its modules' stamps tell it apart. It is
    kept in each database in full and compared, so no digest of it need be trusted.
    """
    package = Path(__file__).parent.parent
    stamps = [__version__, SCHEMA]
    for folder in sorted({package, *(p for p in package.iterdir() if p.is_dir())}):
        with contextlib.suppress(OSError):
            for entry in sorted(os.scandir(folder), key=lambda e: e.name):
                if entry.name.endswith(".py"):
                    info = entry.stat()
                    stamps.append(f"{folder.name}/{entry.name}:{info.st_size}:{info.st_mtime_ns}")
    return "\n".join(stamps)


def stack_key(paths: Sequence[Path], origins: Sequence[str]) -> str:
    """What tells stacks of files apart: each file as named, as resolved, and its origin."""
    named = []
    for path, origin in zip(paths, origins, strict=True):
        try:
            resolved = str(path.resolve())
        except (OSError, RuntimeError):
            resolved = str(path)
        named.append(f"{path}\0{resolved}\0{origin}")
    return "\n".join(named)


def database_name(stack: str) -> str:
    """The file name of a stack's database (the database itself holds the key, and is
    trusted only if it is this stack's: a collision of names costs a rebuild, no more)."""
    key = "\n".join((tool_fingerprint(), stack)).encode("utf-8", "surrogateescape")
    return f"{zlib.crc32(key):08x}{zlib.adler32(key):08x}{SUFFIX}"


def _is_ours(info: os.stat_result) -> bool:
    """A regular file of this user that nobody else may write."""
    return (
        stat.S_ISREG(info.st_mode)
        and info.st_uid == os.geteuid()
        and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)
    )


def connect_existing(path: Path) -> sqlite3.Connection | None:
    """The database at `path` if it is a regular file of ours, opened; else None.

    It is opened with O_NONBLOCK and not followed if a symlink, so that a FIFO or a
    device placed at a database's name neither blocks nor is read.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW)
    except OSError:
        return None
    try:
        if not _is_ours(os.fstat(fd)):
            return None
    finally:
        os.close(fd)
    try:
        return _connect(str(path))
    except sqlite3.Error:
        return None


def _connect(target: str) -> sqlite3.Connection:
    connection = sqlite3.connect(target, timeout=0.5, isolation_level=None)
    connection.execute("PRAGMA trusted_schema = OFF")
    return connection


def current_sources(connection: sqlite3.Connection, stack: str, now_ns: int) -> list[Source] | None:
    """The files the database was built from, if it is this stack's and each is unchanged.

    Raises sqlite3.Error for a database that is not one of ours or is damaged.
    """
    info = dict(connection.execute("SELECT key, value FROM info").fetchall())
    wanted = {"schema": SCHEMA, "tool": tool_fingerprint(), "stack": stack}
    if any(info.get(key) != value for key, value in wanted.items()):
        return None
    sources: list[Source] = []
    for row in connection.execute(
        "SELECT path, size, mtime_ns, ctime_ns, inode, device, digest, verified_ns "
        "FROM sources ORDER BY position"
    ):
        if not all(type(value) is int for value in row[1:6]) or not isinstance(row[0], str):
            return None
        now = check(Source(*row), now_ns)
        if now is None:
            return None
        sources.append(now)
    return sources or None


def settle(connection: sqlite3.Connection, before: Sequence[Source], now: Sequence[Source]) -> None:
    """Record files verified anew, so that their stamps are trusted alone from now on."""
    changed = [
        (s.size, s.mtime_ns, s.ctime_ns, s.inode, s.device, s.verified_ns, position)
        for position, (s, old) in enumerate(zip(now, before, strict=True))
        if s != old
    ]
    if not changed:
        return
    with contextlib.suppress(sqlite3.Error):
        connection.executemany(
            "UPDATE sources SET size = ?, mtime_ns = ?, ctime_ns = ?, inode = ?, device = ?,"
            " verified_ns = ? WHERE position = ?",
            changed,
        )


def stored_sources(connection: sqlite3.Connection) -> list[Source]:
    """The files as the database recorded them (nothing checked)."""
    rows = connection.execute(
        "SELECT path, size, mtime_ns, ctime_ns, inode, device, digest, verified_ns "
        "FROM sources ORDER BY position"
    )
    return [Source(*row) for row in rows]


@contextlib.contextmanager
def building(directory: Path, name: str) -> Iterator[sqlite3.Connection]:
    """A new database to fill; renamed to `name` in `directory` if the block completes.

    Raises OSError when the directory cannot be made or written: the caller then builds
    in memory.
    """
    import tempfile  # noqa: PLC0415 - only a build needs it

    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, temporary = tempfile.mkstemp(prefix=".build-", suffix=SUFFIX, dir=directory)
    os.close(fd)  # mkstemp made it 0600: readable by its owner only
    try:
        connection = _connect(temporary)
        try:
            connection.execute("PRAGMA journal_mode = OFF")
            connection.execute("PRAGMA synchronous = OFF")
            yield connection
        finally:
            connection.close()
        Path(temporary).replace(directory / name)
    except BaseException:
        _remove(Path(temporary))
        raise
    prune(directory, keep=name)


def in_memory() -> sqlite3.Connection:
    """A database that lives only as long as this process."""
    return _connect(":memory:")


def prune(directory: Path, keep: str, now: float | None = None) -> None:
    """Remove dead builds, databases of files that are gone, and the oldest beyond the bound."""
    now = time.time() if now is None else now
    kept: list[tuple[float, int, Path]] = []
    with contextlib.suppress(OSError):
        for entry in os.scandir(directory):
            if not entry.name.endswith(SUFFIX) or entry.name == keep:
                continue
            path = Path(entry.path)
            info = entry.stat(follow_symlinks=False)
            if entry.name.startswith(".build-"):
                if now - info.st_mtime > STALE_BUILD_SECONDS:
                    _remove(path)
                continue
            if not _is_ours(info) or not _sources_exist(path):
                _remove(path)
                continue
            kept.append((info.st_mtime, info.st_size, path))
    total = sum(size for _, size, _ in kept)
    for _mtime, size, path in sorted(kept):
        if total <= MAX_STORE_BYTES:
            break
        _remove(path)
        total -= size


def _sources_exist(path: Path) -> bool:
    connection = connect_existing(path)
    if connection is None:
        return False
    try:
        return all(Path(source.path).exists() for source in stored_sources(connection))
    except sqlite3.Error:
        return False
    finally:
        connection.close()


def _remove(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()


Progress = Callable[[str, int], contextlib.AbstractContextManager[object]]
"""Shows that large files are being read: given a name and a size in bytes."""

SLOW_BUILD_BYTES = 1_000_000
"""Files this large together take long enough to read that progress is shown."""


def open_store(
    paths: Sequence[Path],
    *,
    env: Mapping[str, str] = os.environ,
    progress: Progress | None = None,
    note: Note | None = None,
) -> Store:
    """The store for these dataset files: its database if current, else built now.

    Raises DatasetError when the files cannot be read or are invalid.
    """
    from boligsocial_cli.dataset.locations import origin_label  # noqa: PLC0415

    directory = store_directory(env)
    stack = stack_key(paths, [origin_label(path) for path in paths])
    name = database_name(stack)

    def rebuild() -> sqlite3.Connection:
        return _build(paths, directory, (name, stack), progress, note)

    if directory is not None:
        connection = connect_existing(directory / name)
        if connection is not None:
            now_ns = time.time_ns()
            try:
                stored = stored_sources(connection)
                current = current_sources(connection, stack, now_ns)
            except sqlite3.Error:
                current = None
            if current is not None:
                settle(connection, stored, current)
                return Store(connection, rebuild)
            connection.close()
    return Store(rebuild(), rebuild)


def _build(
    paths: Sequence[Path],
    directory: Path | None,
    named: tuple[str, str],
    progress: Progress | None,
    note: Note | None,
) -> sqlite3.Connection:
    """Read the files and write their database: into place if it can be, else in memory."""
    from boligsocial_cli.dataset.load import load_dataset  # noqa: PLC0415
    from boligsocial_cli.dataset.overlay import Layer  # noqa: PLC0415
    from boligsocial_cli.dataset.workers import reading_ahead  # noqa: PLC0415

    from .build import write  # noqa: PLC0415
    from .freshness import describe  # noqa: PLC0415

    now_ns = time.time_ns()
    read: list[Source | None] = []
    # Each file is described before it is read (here or in a worker), so that the check
    # after the build sees any change made while it was read.
    described = {path: describe(path, now_ns) for path in paths}

    size = sum(_size(path) for path in paths)
    showing = progress is not None and size >= SLOW_BUILD_BYTES
    label = paths[0].name if len(paths) == 1 else _("{count} files").format(count=len(paths))
    with progress(label, size) if progress is not None and showing else contextlib.nullcontext():
        with reading_ahead(paths) as read_layer:

            def read_recorded(path: Path) -> Layer:
                read.append(described[path] if path in described else describe(path, now_ns))
                return read_layer(path)

            dataset = load_dataset(paths, read=read_recorded)
        after = [None if source is None else check(source, time.time_ns()) for source in read]
        sources = [source for source in after if source is not None]
        name, stack = named
        info = {"tool": tool_fingerprint(), "stack": stack}
        if directory is not None and len(sources) == len(read):  # every file unchanged
            try:
                with building(directory, name) as connection:
                    write(connection, dataset, sources, info)
                existing = connect_existing(directory / name)
                if existing is not None:
                    return existing
            except (OSError, sqlite3.Error) as error:
                if note is not None:
                    message = _("the store cannot be kept in {directory}: {error}")
                    note(message.format(directory=directory, error=error))
        connection = in_memory()
        write(connection, dataset, sources, info)
        return connection


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0
