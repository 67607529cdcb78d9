"""A cache of read dataset files, so that a repeated lookup parses no YAML.

`read_layer_cached(path)` returns what `dataset.read_layer(path)` would -- the file read
and checked on its own, ready to be laid over others -- from an entry in the user cache
directory when one matches the file exactly. Each file has one entry, named after its
path. An entry holds its key and the built records
(as `snapshot` stores them), under a CRC-32 of both that is checked before either
is read; it matches only if every part of the key does:

- the path as given and resolved, and the origin label its records carry;
- the file's size, modification and change times (nanoseconds), inode and device;
- a CRC-32 of the file's bytes, read on every lookup: a rewrite that keeps the
  size within one tick of a coarse clock changes no time stamp, but it changes
  these bytes (and hashing is a hundredth of the cost of parsing);
- the tool version, the model's record types and fields, the snapshot format and
  the Python version (marshal's format).

Only a file valid on its own is cached (a `LayerError` is raised afresh each time);
whether files fit together is checked when they are merged, on every lookup.
Anything wrong with the cache -- a missing, stale, truncated or corrupt entry, a
directory that cannot be created or written -- means reading the file as if there
were no cache: never an error, never a stale answer. Entries are written to a
temporary file beside them and renamed into place, so readers and concurrent
writers only ever see whole entries (the last writer wins; both were right).

The directory is `platformdirs.user_cache_dir("boligsocial")` (on Linux
`~/.cache/boligsocial`), or BOLIGSOCIAL_CACHE_DIR; BOLIGSOCIAL_NO_CACHE=1 turns the
cache off. Security: an entry is only as trustworthy as the directory it sits in.
Entries are `marshal` data, which (unlike a pickle) cannot run code when read; the
directory is created private (0700), and an entry that is not a regular file owned
by the current user, or that others may write, is ignored.
"""

from __future__ import annotations

import contextlib
import marshal
import os
import stat
import sys
import time
import zlib
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Any

from . import __version__
from .dataset import gc_paused, origin_label, read_layer
from .overlay import Layer

CACHE_DIR_ENV = "BOLIGSOCIAL_CACHE_DIR"
NO_CACHE_ENV = "BOLIGSOCIAL_NO_CACHE"
APP_NAME = "boligsocial"

SLOW_LOAD_BYTES = 1024 * 1024
"""A file this large takes a noticeable moment to parse: worth a progress indicator."""

_MAGIC = b"boligsocial-cache\n"
_LENGTH_BYTES = 8
_CRC_BYTES = 4
_CHUNK_BYTES = 1024 * 1024
_NAMING_PARTS = slice(4, 7)
"""The parts of a key that name its entry: the path as given and resolved, the origin."""
_ABANDONED_SECONDS = 3600
"""A temporary file this old was left by a process that was killed while writing it."""

ProgressFactory = Callable[[Path, int], AbstractContextManager[object]]
"""Given the file and its size, a context to parse it in (for instance a spinner)."""


def cache_directory(env: Mapping[str, str] = os.environ) -> Path | None:
    """Where entries live; None when BOLIGSOCIAL_NO_CACHE turns the cache off."""
    if env.get(NO_CACHE_ENV, "").strip() not in ("", "0"):
        return None
    explicit = env.get(CACHE_DIR_ENV, "").strip()
    if explicit:
        return Path(explicit)
    from platformdirs import user_cache_dir  # noqa: PLC0415 - only when no directory is given

    return Path(user_cache_dir(APP_NAME, appauthor=False))


def read_layer_cached(
    path: Path, *, env: Mapping[str, str] = os.environ, progress: ProgressFactory | None = None
) -> Layer:
    """`dataset.read_layer(path)`, from the cache when it holds this very file."""
    directory = cache_directory(env)
    key = _key(path) if directory is not None else None
    if directory is None or key is None:
        return _read(path, progress)
    entry = directory / _entry_name(key)
    cached = _read_entry(entry, key)
    if cached is not None:
        return cached
    layer = _read(path, progress)
    if _key(path) == key:  # unchanged while it was read: the entry is this file's
        _write_entry(directory, entry, key, layer)
    return layer


def _read(path: Path, progress: ProgressFactory | None) -> Layer:
    try:
        size = path.stat().st_size
    except OSError:
        size = 0  # read_layer reports it
    slow = progress is not None and size >= SLOW_LOAD_BYTES
    with progress(path, size) if progress is not None and slow else nullcontext():
        return read_layer(path)


def _key(path: Path) -> tuple[Any, ...] | None:
    """Everything an entry must match; None if the file is not one to cache."""
    try:
        if not stat.S_ISREG(path.stat().st_mode):  # a pipe or a device: read it only once
            return None
        with path.open("rb") as stream:
            info = os.fstat(stream.fileno())
            if not stat.S_ISREG(info.st_mode):
                return None
            checksum = 0
            while chunk := stream.read(_CHUNK_BYTES):  # a third of the time of one read()
                checksum = zlib.crc32(chunk, checksum)
        resolved = str(path.resolve())
        origin = origin_label(path)
    except (OSError, RuntimeError):
        return None
    return (
        __version__,
        sys.implementation.cache_tag,
        marshal.version,
        _schema(),
        str(path),
        resolved,
        origin,
        info.st_size,
        info.st_mtime_ns,
        info.st_ctime_ns,
        info.st_ino,
        info.st_dev,
        checksum,
    )


def _schema() -> Any:
    from .snapshot import FORMAT, schema  # noqa: PLC0415 - keeps the import graph one-way

    return (FORMAT, schema())


def _entry_name(key: tuple[Any, ...]) -> str:
    """A file name for the file's entry: from its paths and origin, not its contents."""
    name = repr(key[_NAMING_PARTS]).encode("utf-8", "surrogateescape")
    return f"{zlib.crc32(name):08x}{zlib.adler32(name):08x}.dataset"


def _read_entry(entry: Path, key: tuple[Any, ...]) -> Layer | None:
    """The file read in `entry` if the entry is ours, whole and for exactly `key`; else None."""
    from .snapshot import load_records  # noqa: PLC0415

    try:
        with entry.open("rb") as stream:
            info = os.fstat(stream.fileno())
            if not _private(info):
                return None
            data = stream.read()
        header = len(_MAGIC) + _LENGTH_BYTES + _CRC_BYTES
        if len(data) < header or data[: len(_MAGIC)] != _MAGIC:
            return None
        key_length = int.from_bytes(data[len(_MAGIC) : len(_MAGIC) + _LENGTH_BYTES], "big")
        checksum = int.from_bytes(data[header - _CRC_BYTES : header], "big")
        body = memoryview(data)[header:]
        if zlib.crc32(body) != checksum:  # checked before marshal reads a byte of it
            return None
        if marshal.loads(body[:key_length]) != key:  # noqa: S302 - see the module doc
            return None
        payload = body[key_length:]
        with gc_paused():
            layer = load_records(marshal.loads(payload))  # noqa: S302
    except Exception:  # an entry that cannot be read is a miss, never an error
        return None
    return layer if isinstance(layer, Layer) else None


def _private(info: os.stat_result) -> bool:
    """A regular file of the current user that nobody else may write."""
    owner_ok = not hasattr(os, "getuid") or info.st_uid == os.getuid()
    return stat.S_ISREG(info.st_mode) and owner_ok and not info.st_mode & 0o022


def _write_entry(directory: Path, entry: Path, key: tuple[Any, ...], layer: Layer) -> None:
    """Write the entry atomically; give up silently if the cache cannot be written."""
    import tempfile  # noqa: PLC0415 - only when an entry is written

    from .snapshot import SnapshotError, dump_records  # noqa: PLC0415

    try:
        with gc_paused():
            payload = marshal.dumps(dump_records(layer))
            encoded_key = marshal.dumps(key)
    except (SnapshotError, ValueError):
        return
    temporary: str | None = None
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        _remove_abandoned(directory, entry.name)
        descriptor, temporary = tempfile.mkstemp(
            dir=directory, prefix=f".{entry.name}.", suffix=".tmp"
        )
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(_MAGIC)
            stream.write(len(encoded_key).to_bytes(_LENGTH_BYTES, "big"))
            stream.write(zlib.crc32(payload, zlib.crc32(encoded_key)).to_bytes(_CRC_BYTES, "big"))
            stream.write(encoded_key)
            stream.write(payload)
        Path(temporary).replace(entry)
        temporary = None
    except OSError:
        pass  # an unwritable cache only means parsing again next time
    finally:
        if temporary is not None:
            with contextlib.suppress(OSError):
                Path(temporary).unlink()


def _remove_abandoned(directory: Path, name: str) -> None:
    """Remove this entry's temporary files that a killed process left behind."""
    now = time.time()
    for temporary in directory.glob(f".{name}.*.tmp"):
        with contextlib.suppress(OSError):
            if now - temporary.stat().st_mtime > _ABANDONED_SECONDS:
                temporary.unlink()
