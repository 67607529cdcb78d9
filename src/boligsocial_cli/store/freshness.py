"""Whether the files an index was built from are still the files on disk.

A file is known by its stamps (size, modification and change time, inode, device) and a
digest of its bytes. Reading the bytes again is needed only while the stamps cannot be
trusted: a file changed within `RACY_NS` of the moment it was last verified may change
again within the same tick of a coarse clock and keep every stamp (git's "racy" index
entries). Once a file has been verified well after its last change, its stamps alone
tell it apart, because any later write moves its change time, which no program can set.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

RACY_NS = 2_000_000_000
"""How long after a change a file's stamps are not trusted alone (FAT's 2 s clock)."""

_CHUNK = 1 << 20


@dataclass(frozen=True, slots=True)
class Source:
    """One dataset file as an index was built from it."""

    path: str
    size: int
    mtime_ns: int
    ctime_ns: int
    inode: int
    device: int
    digest: str
    verified_ns: int
    """When the digest was last compared with the file's bytes."""

    def stamps(self) -> tuple[int, int, int, int, int]:
        """The stamps a change of the file moves."""
        return (self.size, self.mtime_ns, self.ctime_ns, self.inode, self.device)


def _stamps(info: os.stat_result) -> tuple[int, int, int, int, int]:
    return (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_dev)


def describe(path: Path, now_ns: int) -> Source | None:
    """The file as it is now, its bytes digested; None unless it is a regular file."""
    import hashlib  # noqa: PLC0415 - a lookup of a settled database reads no bytes

    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError:
        return None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):  # a directory cannot even be wrapped in a file object
        os.close(fd)
        return None
    with os.fdopen(fd, "rb") as stream:
        digest = hashlib.sha256()
        while chunk := stream.read(_CHUNK):
            digest.update(chunk)
    size, mtime, ctime, inode, device = _stamps(info)
    return Source(str(path), size, mtime, ctime, inode, device, digest.hexdigest(), now_ns)


def check(source: Source, now_ns: int) -> Source | None:
    """`source` if the file's bytes are unchanged, else None.

    The bytes are read again only when the stamps moved (a touch, a copy back) or cannot
    be trusted yet; then the returned source has the new stamps and verification time.
    """
    try:
        info = Path(source.path).stat()
    except OSError:
        return None
    if not stat.S_ISREG(info.st_mode):
        return None
    if _stamps(info) == source.stamps() and source.ctime_ns < source.verified_ns - RACY_NS:
        return source
    again = describe(Path(source.path), now_ns)
    return again if again is not None and again.digest == source.digest else None
