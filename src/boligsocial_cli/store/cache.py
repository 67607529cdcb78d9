"""A cache of read and merged dataset files, so that a repeated lookup parses no YAML.

Two kinds of entry live in the user cache directory (each a `cache_file.Entry`):

- a file's entry holds what `dataset.read_layer(path)` returns -- the file read and
  checked on its own, ready to be laid over others -- so that `read_layer_cached` can
  skip the parse whenever that file is unchanged (say, the bundled dataset beneath an
  overlay that was just edited);
- a lookup's entry holds the `Dataset` that `dataset.load_dataset(paths)` merged from
  those files, so that `open_dataset_cached` repeats a lookup without merging again. It
  is stored in sections: the outline (everything but the findings), then the findings
  of each theme and evidence kind, with their places in the dataset's order. A lookup
  reads the outline, and then only the sections its `FindingScope` reaches: the three
  findings of one theme among 100,000 are read without the other 99,997.

Every entry holds its key and its records (as `snapshot` stores them). A file's key is
what its entry must match:

- the path as given and resolved, and the origin label its records carry;
- the file's size, modification and change times (nanoseconds), inode and device;
- a CRC-32 of its bytes, unless the file had been left alone for a while when it was
  read. A rewrite that keeps the size within one tick of a coarse clock changes no time
  stamp; but a change after the file was read moves its change time (ctime, which no
  program can set back) past that moment, so a file that was already old then is known
  by its stamps, and only a recently changed one is read and hashed again (as git does
  with "racily clean" files; hashing costs a hundredth of parsing anyway);
- the tool version and the size and time of each of its modules (an edited checkout
  keeps its version number), the snapshot format and the Python version (marshal's
  format).

A lookup's entry matches only if every file it merged -- those given and the bundled
dataset an overlay `extends` -- still has the key it had.

Only what is valid is cached: a file with problems of its own (a `LayerError`) and
files that do not fit together are read and reported afresh each time. Anything wrong
with the cache -- a missing, stale, truncated or corrupt entry or section, a directory
that cannot be created or written -- means reading the files as if there were no
cache: never an error, never a stale answer. A file that changes while it is read is
not cached.

The directory is `platformdirs.user_cache_dir("boligsocial")` (on Linux
`~/.cache/boligsocial`), or BOLIGSOCIAL_CACHE_DIR; BOLIGSOCIAL_NO_CACHE=1 turns the cache
off. See `cache_file` for how entries are written, and why reading one runs no code.
"""

from __future__ import annotations

import contextlib
import marshal
import os
import posixpath
import stat
import sys
import time
import zlib
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, replace
from functools import cache
from itertools import repeat
from pathlib import Path
from typing import TYPE_CHECKING, Any

from boligsocial_cli import __version__
from boligsocial_cli.dataset.locations import origin_label
from boligsocial_cli.model import Dataset, EvidenceKind, Finding
from boligsocial_cli.query import EVERY_FINDING, FindingCounts, FindingScope, count_findings, within

from .cache_file import Entry, write_entry
from .gc_pause import gc_paused

if TYPE_CHECKING:
    from boligsocial_cli.dataset.overlay import Layer

# `dataset` (and so the YAML reader and the checks) and `overlay` are imported where
# files are read, so that a lookup served from the cache imports none of them.

CACHE_DIR_ENV = "BOLIGSOCIAL_CACHE_DIR"
NO_CACHE_ENV = "BOLIGSOCIAL_NO_CACHE"
APP_NAME = "boligsocial"

SLOW_LOAD_BYTES = 1024 * 1024
"""A file this large takes a noticeable moment to parse: worth a progress indicator."""
PARALLEL_BYTES = 8 * 1024 * 1024
"""Files to parse this large together are parsed side by side, if there are two or more."""

_CHUNK_BYTES = 1024 * 1024
_NAMING, _STAMPS, _CTIME = 1, slice(2, None), 4
"""Where an identity holds the file's paths and origin label (which name its entries),
its stamps (size, times, inode, device) and among them its change time."""
_PATH = 0
"""Where that naming holds the path as given."""
_SETTLED_NS = 30 * 1_000_000_000
"""A file unchanged for this long is trusted by its stamps: see `_key`."""
_LAYER, _OUTLINE, _FINDINGS = ("layer",), ("outline",), "findings"
"""The labels of sections: a file's layer, a lookup's outline, and (with a theme, an
evidence kind and their number) a lookup's findings of one theme and evidence kind."""

Identity = tuple[Any, ...]
"""The tool, the file's paths and origin label, its size, times, inode and device."""
Key = tuple[Identity, int, bool]
"""A file's identity, a CRC-32 of its bytes, and whether the identity alone can be trusted."""
ProgressFactory = Callable[[str, int], AbstractContextManager[object]]
"""Given what is read ("egne.yaml", "10 files") and its size, a context to read it in
(for instance a spinner)."""


def cache_directory(env: Mapping[str, str] = os.environ) -> Path | None:
    """Where entries live; None when BOLIGSOCIAL_NO_CACHE turns the cache off."""
    if env.get(NO_CACHE_ENV, "").strip() not in ("", "0"):
        return None
    explicit = env.get(CACHE_DIR_ENV, "").strip()
    if explicit:
        return Path(explicit)
    return _user_cache_directory()


def _user_cache_directory() -> Path:
    """`platformdirs.user_cache_dir("boligsocial")`, without importing it on Linux.

    Importing platformdirs takes 2 ms, a tenth of what a lookup may add to Python's
    start-up. On Linux (not Android) its answer is the XDG rule -- $XDG_CACHE_HOME if it
    is an absolute path, else ~/.cache with an absolute $HOME -- which is followed here;
    in any other case platformdirs is asked. tests/test_cache.py checks they agree.
    """
    if sys.platform.startswith("linux") and not hasattr(sys, "getandroidapilevel"):
        xdg, home = os.environ.get("XDG_CACHE_HOME", ""), os.environ.get("HOME", "")
        if "ANDROID_DATA" not in os.environ and (posixpath.isabs(xdg) or posixpath.isabs(home)):
            base = xdg if posixpath.isabs(xdg) else os.path.expanduser("~/.cache")  # noqa: PTH111
            return Path(posixpath.join(base, APP_NAME))
    from platformdirs import user_cache_dir  # noqa: PLC0415 - the general answer

    return Path(user_cache_dir(APP_NAME, appauthor=False))


@dataclass(frozen=True, slots=True)
class OpenedDataset:
    """A dataset whose findings are read only as far as a lookup needs them."""

    outline: Dataset
    """Every part of the dataset but its findings (`findings` is empty)."""
    counts: FindingCounts
    read_findings: Callable[[FindingScope], tuple[Finding, ...]]
    """The findings a scope holds, in the dataset's order."""

    @classmethod
    def whole(cls, dataset: Dataset) -> OpenedDataset:
        """A dataset already read whole."""
        return cls(
            outline=replace(dataset, findings=()),
            counts=count_findings(dataset.findings),
            read_findings=lambda scope: within(dataset, scope).findings,
        )

    def with_findings(self, scope: FindingScope = EVERY_FINDING) -> Dataset:
        """The dataset with those of its findings that `scope` holds (all, by default)."""
        return replace(self.outline, findings=self.read_findings(scope))


def open_dataset_cached(
    paths: Sequence[Path],
    *,
    env: Mapping[str, str] = os.environ,
    progress: ProgressFactory | None = None,
) -> OpenedDataset:
    """The dataset `dataset.load_dataset(paths)` builds, opened for a lookup.

    From the cache when it holds these very files: then the findings are read from the
    entry only as the lookup asks for them. Otherwise the files are read (their own
    entries used where they match), merged and stored for the next lookup.
    """
    directory = cache_directory(env)

    def read_whole() -> Dataset:  # without a lookup entry (but with the files' entries)
        from boligsocial_cli.dataset.load import load_dataset  # noqa: PLC0415 - see the imports above

        return load_dataset(paths, read=lambda path: _read_layer(path, directory, progress)[0])

    identities = [_identity(path) for path in paths] if directory is not None else [None]
    given = tuple(identity for identity in identities if identity is not None)
    if directory is None or len(given) < len(identities):  # a pipe, say: no lookup entry
        return OpenedDataset.whole(read_whole())
    entry_path = directory / _entry_name(("lookup", *(identity[_NAMING] for identity in given)))
    cached = _open_lookup(entry_path, given, read_whole)
    if cached is not None:
        return cached
    from boligsocial_cli.dataset.load import load_dataset  # noqa: PLC0415 - see the imports above

    merged: list[Key | None] = []

    def read(path: Path) -> Layer:
        layer, key = _read_layer(path, directory, progress)
        merged.append(key)
        return layer

    _read_side_by_side(paths, directory, progress)
    with gc_paused():  # merging makes as many objects as reading: see gc_paused
        dataset = load_dataset(paths, read=read)
    if None not in merged:  # every file unchanged while it was read
        _write_lookup(entry_path, ("lookup", given, tuple(merged)), dataset)
    return OpenedDataset.whole(dataset)


def _open_lookup(
    path: Path, given: tuple[Identity, ...], read_whole: Callable[[], Dataset]
) -> OpenedDataset | None:
    """The lookup entry at `path` if it was merged from these very files; else None."""
    from .snapshot import load_records  # noqa: PLC0415

    entry = Entry.open(path)
    if entry is None:
        return None
    try:
        if not _still_valid(entry.key, given):
            entry.close()
            return None
        with gc_paused():
            outline = load_records(entry.read(_OUTLINE), Dataset)[0]
        runs = [label for label in entry.labels if label[0] == _FINDINGS]
        counts = {(theme, EvidenceKind(kind)): count for _, theme, kind, count in runs}
    except Exception:  # an entry that cannot be read is a miss, never an error
        entry.close()
        return None
    total = sum(counts.values())

    def read_findings(scope: FindingScope) -> tuple[Finding, ...]:
        try:
            with gc_paused():
                return _findings_in(entry, runs, total, scope)
        except Exception:  # a corrupt section: read the files, and have the entry rebuilt
            entry.close()
            with contextlib.suppress(OSError):
                path.unlink()
            return within(read_whole(), scope).findings

    return OpenedDataset(outline, counts, read_findings)


def _findings_in(
    entry: Entry, runs: Sequence[Any], total: int, scope: FindingScope
) -> tuple[Finding, ...]:
    """The findings of the entry's sections that `scope` holds, each at its place."""
    from .snapshot import SnapshotError, load_records  # noqa: PLC0415

    places: list[Finding | None] = [None] * total
    for label in runs:
        _, theme, kind, count = label
        if scope.holds(theme, EvidenceKind(kind)):
            positions, records = entry.read(label)
            findings = load_records(records, Finding)
            if len(findings) != count or len(positions) != count:
                raise SnapshotError(f"section {label!r} does not hold {count} findings")
            deque(map(places.__setitem__, positions, findings), maxlen=0)
    return tuple(filter(None, places))  # a record is never false: only the empty places go


def _write_lookup(path: Path, key: Any, dataset: Dataset) -> None:
    """Write a lookup's entry: its outline, and its findings by theme and evidence kind."""
    from .snapshot import SnapshotError, dump_records  # noqa: PLC0415

    positions: dict[tuple[str, EvidenceKind], list[int]] = {}
    for position, finding in enumerate(dataset.findings):
        positions.setdefault((finding.theme, finding.evidence), []).append(position)
    try:
        with gc_paused():
            outline = marshal.dumps(dump_records([replace(dataset, findings=())]))
            sections: list[tuple[Any, bytes]] = [(_OUTLINE, outline)]
            for (theme, kind), places in positions.items():
                run = [dataset.findings[position] for position in places]
                data = (tuple(places), dump_records(run))
                sections.append(((_FINDINGS, theme, kind.value, len(run)), marshal.dumps(data)))
    except (SnapshotError, ValueError):
        return
    write_entry(path, key, sections)


def read_layer_cached(
    path: Path, *, env: Mapping[str, str] = os.environ, progress: ProgressFactory | None = None
) -> Layer:
    """`dataset.read_layer(path)`, from the cache when it holds this very file."""
    return _read_layer(path, cache_directory(env), progress)[0]


def _read_layer(
    path: Path, directory: Path | None, progress: ProgressFactory | None
) -> tuple[Layer, Key | None]:
    """The file read, and its key; the key is None if the file is not one to cache."""
    identity = _identity(path) if directory is not None else None
    if directory is None or identity is None:
        return _parse(path, progress), None
    entry_path = directory / _entry_name(("file", identity[_NAMING]))
    cached = _read_layer_entry(entry_path, identity, path)
    if cached is not None:
        return cached
    before = _key(path)
    layer = _parse(path, progress)
    after = _key(path)
    if before is None or after is None or before[:2] != after[:2]:
        return layer, None  # changed while it was read: this layer may not be this key's
    _write_layer(entry_path, before, layer)
    return layer, before


def _read_layer_entry(path: Path, identity: Identity, file: Path) -> tuple[Layer, Key] | None:
    """The layer a file's entry holds, and its key, if that key is the file's now."""
    from boligsocial_cli.dataset.overlay import Layer  # noqa: PLC0415 - see the imports above

    from .snapshot import load_records  # noqa: PLC0415

    entry = Entry.open(path)
    if entry is None:
        return None
    with entry:
        try:
            if not _matches(entry.key, identity, file):
                return None
            with gc_paused():
                return load_records(entry.read(_LAYER), Layer)[0], entry.key
        except Exception:  # an entry that cannot be read is a miss, never an error
            return None


def _write_layer(path: Path, key: Key, layer: Layer) -> None:
    from .snapshot import SnapshotError, dump_records  # noqa: PLC0415

    try:
        with gc_paused():
            data = marshal.dumps(dump_records([layer]))
    except (SnapshotError, ValueError):
        return
    write_entry(path, key, [(_LAYER, data)])


def _read_side_by_side(
    paths: Sequence[Path], directory: Path, progress: ProgressFactory | None
) -> None:
    """Read the files that have no entry in worker processes, each writing its entry.

    Parsing is most of a first load, and each file is read on its own; so with several
    large files to read and several processors, they are read side by side, and the
    entries they leave are then read here as on any later lookup. Whatever goes wrong
    leaves a file without an entry, to be read here the usual way (a file's problems
    are always reported from here, in order).
    """
    processors = os.cpu_count() or 1
    todo: list[Path] = []
    for path in paths:
        identity = _identity(path)
        if identity is not None and path not in todo:
            entry = Entry.open(directory / _entry_name(("file", identity[_NAMING])))
            if entry is None or entry.key[0] != identity:
                todo.append(path)
            if entry is not None:
                entry.close()
    size = sum(path.stat().st_size for path in todo)
    if processors < 2 or len(todo) < 2 or size < PARALLEL_BYTES:  # noqa: PLR2004 - two
        return
    import multiprocessing  # noqa: PLC0415 - only for a large first load
    from concurrent.futures import ProcessPoolExecutor  # noqa: PLC0415

    workers = min(processors, len(todo))
    with progress(f"{len(todo)} files", size) if progress is not None else nullcontext():
        try:
            context = multiprocessing.get_context("spawn")  # no fork of a threaded process
            with ProcessPoolExecutor(workers, mp_context=context) as pool:
                list(pool.map(_write_layer_entry, map(str, todo), repeat(str(directory))))
        except Exception:  # noqa: S110 - workers that fail leave the files to be read here
            pass


def _write_layer_entry(path: str, directory: str) -> None:
    """In a worker process: read one file and write its entry."""
    with contextlib.suppress(Exception):  # its problems are reported by the process that asks
        _read_layer(Path(path), Path(directory), None)


def _parse(path: Path, progress: ProgressFactory | None) -> Layer:
    from boligsocial_cli.dataset.load import read_layer  # noqa: PLC0415 - see the imports above

    try:
        size = path.stat().st_size
    except OSError:
        size = 0  # read_layer reports it
    slow = progress is not None and size >= SLOW_LOAD_BYTES
    with progress(path.name, size) if progress is not None and slow else nullcontext():
        return read_layer(path)


def _still_valid(stored: Any, given: tuple[Identity, ...]) -> bool:
    """Whether a lookup's entry was merged from exactly these files, as they are now."""
    kind, stored_given, merged = stored
    if kind != "lookup" or stored_given != given:
        return False
    for key in merged:  # the given files, and the bundled dataset beneath an overlay
        path = Path(key[0][_NAMING][_PATH])
        identity = key[0] if key[0] in given else _identity(path)
        if identity is None or not _matches(key, identity, path):
            return False
    return True


def _identity(path: Path) -> Identity | None:
    """What a file's entry must match before its bytes need be read; None if not cacheable."""
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):  # a pipe or a device: read it only once
            return None
        naming = (str(path), str(path.resolve()), origin_label(path))
    except (OSError, RuntimeError):
        return None
    return (_tool(), naming, *_stamps(info))


def _stamps(info: os.stat_result) -> tuple[int, ...]:
    return (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_dev)


def _key(path: Path) -> Key | None:
    """The file's identity, a CRC-32 of its bytes, and whether its stamps can be trusted.

    A file last changed well before this moment (_SETTLED_NS) is `settled`: any later
    change would move its change time (ctime, which no program can set) past this moment,
    so its identity alone tells it apart. A file changed just now may change again within
    the same tick of a coarse clock, keeping every stamp: its bytes are compared too.
    """
    now = time.time_ns()
    identity = _identity(path)
    if identity is None:
        return None
    checksum = _checksum(path, identity)
    if checksum is None:
        return None
    return (identity, checksum, identity[_CTIME] < now - _SETTLED_NS)


def _checksum(path: Path, identity: Identity) -> int | None:
    """A CRC-32 of the file's bytes, if the file opened is the one identified; else None."""
    try:
        with path.open("rb") as stream:
            if _stamps(os.fstat(stream.fileno())) != identity[_STAMPS]:
                return None
            checksum = 0
            while chunk := stream.read(_CHUNK_BYTES):  # a third of the time of one read()
                checksum = zlib.crc32(chunk, checksum)
    except OSError:
        return None
    return checksum


def _matches(stored: Any, identity: Identity, path: Path) -> bool:
    """Whether a stored key is the file's now: its identity, and its bytes unless settled."""
    stored_identity, checksum, settled = stored
    if stored_identity != identity:
        return False
    return bool(settled) or _checksum(path, identity) == checksum


@cache
def _tool() -> tuple[Any, ...]:
    """The tool as it reads and builds records: version, modules, formats.

    The size and time of every module tell an edited checkout (whose version number
    stays) from the one that wrote an entry; restoring checks each table's fields too.
    """
    from .snapshot import FORMAT  # noqa: PLC0415 - keeps the import graph one-way

    package = Path(__file__).parent
    modules: tuple[Any, ...]
    try:
        modules = tuple(
            sorted(
                (entry.name, entry.stat().st_size, entry.stat().st_mtime_ns)
                for entry in os.scandir(package)
                if entry.name.endswith(".py")
            )
        )
    except OSError:  # modules that cannot be told apart: a key that no entry has
        modules = (os.getpid(), time.time_ns())
    return (
        __version__,
        modules,
        FORMAT,
        sys.implementation.cache_tag,
        marshal.version,
    )


def _entry_name(parts: tuple[Any, ...]) -> str:
    """A file name for an entry: from the paths and origins it is for, not their contents."""
    name = repr(parts).encode("utf-8", "surrogateescape")
    return f"{zlib.crc32(name):08x}{zlib.adler32(name):08x}.{parts[0]}"
