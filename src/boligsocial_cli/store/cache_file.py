"""The file of one cache entry: a checked head, then sections read one at a time.

    magic line | head length (8 bytes) | CRC-32 of the head (4 bytes) | head | sections

The head is `marshal` data: the entry's key and its table of contents, a label and the
offset, length and CRC-32 of each section (`marshal` data too). Opening an entry reads
and checks only the head; a section is read, and its CRC-32 checked, when it is asked
for, so that a lookup reads no more of a large entry than it needs. The file stays open
until the entry is closed (or collected): a writer replacing the entry meanwhile cannot
mix two entries.

Entries are written to a temporary file beside them and renamed into place, so readers
and concurrent writers only ever see whole entries (the last writer wins; both were
right). Security: an entry is only as trustworthy as the directory it sits in. `marshal`
(unlike a pickle) cannot run code when it reads; the directory is created private
(0700), and an entry that is not a regular file owned by the current user, or that
others may write, is never read.
"""

from __future__ import annotations

import contextlib
import marshal
import os
import stat
import time
import weakref
import zlib
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import Any, BinaryIO

_MAGIC = b"boligsocial-cache 2\n"
_LENGTH_BYTES = 8
_CRC_BYTES = 4
_PREAMBLE = len(_MAGIC) + _LENGTH_BYTES + _CRC_BYTES
_ABANDONED_SECONDS = 3600
"""A temporary file this old was left by a process that was killed while writing it."""


class UnreadableSection(Exception):  # noqa: N818 - a miss, not an error anyone sees
    """A section that is missing, cut short or corrupt: the entry cannot be used."""


class Entry:
    """An entry that is ours, opened: its key, and its sections to read by label."""

    def __init__(
        self, stream: BinaryIO, key: Any, sections: dict[Any, tuple[int, int, int]]
    ) -> None:
        self.key = key
        self.labels = tuple(sections)
        self._stream = stream
        self._sections = sections
        self._close = weakref.finalize(self, stream.close)

    @classmethod
    def open(cls, path: Path) -> Entry | None:
        """The entry at `path` if it is ours and its head is whole; else None."""
        stream = None
        try:
            stream = path.open("rb")
            if not _private(os.fstat(stream.fileno())):
                stream.close()
                return None
            preamble = stream.read(_PREAMBLE)
            if len(preamble) < _PREAMBLE or preamble[: len(_MAGIC)] != _MAGIC:
                stream.close()
                return None
            length = int.from_bytes(preamble[len(_MAGIC) : -_CRC_BYTES], "big")
            head = stream.read(length)
            if len(head) != length or zlib.crc32(head) != int.from_bytes(
                preamble[-_CRC_BYTES:], "big"
            ):  # checked before marshal reads a byte of it
                stream.close()
                return None
            key, contents = marshal.loads(head)  # noqa: S302 - see the module doc
            start = _PREAMBLE + length
            sections = {
                label: (start + offset, size, checksum)
                for label, offset, size, checksum in contents
            }
        except Exception:  # an entry that cannot be read is a miss, never an error
            if stream is not None:
                stream.close()
            return None
        return cls(stream, key, sections)

    def read(self, label: Any) -> Any:
        """The section's data; UnreadableSection if it is missing, cut short or corrupt."""
        try:
            offset, size, checksum = self._sections[label]
            self._stream.seek(offset)
            data = self._stream.read(size)
        except (KeyError, OSError, ValueError) as error:  # ValueError: the entry was closed
            raise UnreadableSection(label) from error
        if len(data) != size or zlib.crc32(data) != checksum:
            raise UnreadableSection(label)
        try:
            return marshal.loads(data)  # noqa: S302 - see the module doc
        except (EOFError, ValueError, TypeError) as error:
            raise UnreadableSection(label) from error

    def close(self) -> None:
        """Close the file; reading a section afterwards fails."""
        self._close()

    def __enter__(self) -> Entry:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def _private(info: os.stat_result) -> bool:
    """A regular file of the current user that nobody else may write."""
    owner_ok = not hasattr(os, "getuid") or info.st_uid == os.getuid()
    return stat.S_ISREG(info.st_mode) and owner_ok and not info.st_mode & 0o022


def write_entry(path: Path, key: Any, sections: Sequence[tuple[Any, bytes]]) -> None:
    """Write an entry of `marshal`led sections atomically; give up silently on any OSError."""
    import tempfile  # noqa: PLC0415 - only when an entry is written

    contents, offset = [], 0
    for label, data in sections:
        contents.append((label, offset, len(data), zlib.crc32(data)))
        offset += len(data)
    head = marshal.dumps((key, tuple(contents)))
    temporary: str | None = None
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        _remove_abandoned(path)
        descriptor, temporary = tempfile.mkstemp(
            dir=path.parent, prefix=f".{path.name}.", suffix=".tmp"
        )
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(_MAGIC)
            stream.write(len(head).to_bytes(_LENGTH_BYTES, "big"))
            stream.write(zlib.crc32(head).to_bytes(_CRC_BYTES, "big"))
            stream.write(head)
            for _, data in sections:
                stream.write(data)
        Path(temporary).replace(path)
        temporary = None
    except OSError:
        pass  # an unwritable cache only means reading the files again next time
    finally:
        if temporary is not None:
            with contextlib.suppress(OSError):
                Path(temporary).unlink()


def _remove_abandoned(path: Path) -> None:
    """Remove this entry's temporary files that a killed process left behind."""
    now = time.time()
    for temporary in path.parent.glob(f".{path.name}.*.tmp"):
        with contextlib.suppress(OSError):
            if now - temporary.stat().st_mtime > _ABANDONED_SECONDS:
                temporary.unlink()
