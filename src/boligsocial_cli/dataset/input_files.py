"""Every file the tool reads is opened here: without blocking, regular files only, bounded,
and decoded as UTF-8 with a message that says what a file is when it is something else.

A FIFO, a device or a socket given as a file would make a read wait for ever or never end,
so they are refused by what they are. A pipe the user plainly gave on purpose, standard
input as /dev/stdin or a shell's `<(...)` as /dev/fd/N, is read (to the size limit).
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

from boligsocial_cli.i18n import N_, _, number

_PLAINLY_GIVEN_PIPES = re.compile(r"/dev/stdin|/dev/fd/\d+|/proc/self/fd/\d+")
"""The paths by which a user hands over a pipe on purpose."""

_KINDS = (
    (stat.S_ISDIR, N_("a directory")),
    (stat.S_ISFIFO, N_("a named pipe (FIFO)")),
    (stat.S_ISCHR, N_("a device (character special file)")),
    (stat.S_ISBLK, N_("a device (block special file)")),
    (stat.S_ISSOCK, N_("a socket")),
)

_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
_UTF16_SAMPLE = 4096


class UnreadableFileError(Exception):
    """A file that cannot be read as asked, with the reason (and the line, where there is one)."""

    def __init__(self, reason: str, line: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.line = line


def _is_plainly_given_pipe(path: Path, mode: int) -> bool:
    return stat.S_ISFIFO(mode) and _PLAINLY_GIVEN_PIPES.fullmatch(str(path)) is not None


def _refusal(mode: int, what: str) -> str | None:
    """Why a file of this mode is not read, or None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    kind = next((name for test, name in _KINDS if test(mode)), N_("not a regular file"))
    return _("is {kind}, not a {what}").format(kind=_(kind), what=_(what))


def read_input_file(path: Path, what: str, limit: int, too_large_hint: str = "") -> bytes:
    """The bytes of `path`, a `what` (marked `N_`: "dataset file", "CSL style file"), at most
    `limit` long.

    Raises UnreadableFileError saying what is wrong: missing, unreadable, a directory, a FIFO
    or a device, or too large (`too_large_hint`, marked `N_`, says what to do instead).
    """
    megabytes = limit // (1024 * 1024)
    hint = _(too_large_hint) if too_large_hint else ""
    too_large = _("file is too large (the limit is {limit} MiB{hint})").format(
        limit=megabytes, hint=hint
    )
    try:
        info = path.stat()
        if not _is_plainly_given_pipe(path, info.st_mode):
            reason = _refusal(info.st_mode, what)
            if reason:
                raise UnreadableFileError(reason)
        if info.st_size > limit and stat.S_ISREG(info.st_mode):
            message = _("file is too large ({size} bytes; the limit is {limit} MiB{hint})")
            raise UnreadableFileError(
                message.format(size=number(info.st_size), limit=megabytes, hint=hint)
            )
        descriptor = os.open(path, _OPEN_FLAGS)
        try:
            opened = os.fstat(descriptor).st_mode  # the file opened, not the one looked at
            reason = None if _is_plainly_given_pipe(path, opened) else _refusal(opened, what)
            if reason:
                raise UnreadableFileError(reason)
            os.set_blocking(descriptor, True)  # a pipe given on purpose is waited for
            raw = _read_at_most(descriptor, limit + 1)
        finally:
            os.close(descriptor)
    except FileNotFoundError:
        raise UnreadableFileError(_("no such file")) from None
    except PermissionError:
        raise UnreadableFileError(_("permission denied")) from None
    except OSError as error:
        reason = error.strerror or str(error)
        raise UnreadableFileError(_("cannot read: {reason}").format(reason=reason)) from None
    if len(raw) > limit:
        raise UnreadableFileError(too_large)
    return raw


def _read_at_most(descriptor: int, count: int) -> bytes:
    """Read until `count` bytes or the end, whatever size the reads of a pipe return."""
    chunks: list[bytes] = []
    left = count
    while left > 0:
        chunk = os.read(descriptor, min(left, 1024 * 1024))
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _utf16_kind(raw: bytes) -> str | None:
    """How `raw` shows it is UTF-16 or UTF-32: its byte-order mark, or NULs in every other byte."""
    for bom, name in (
        (b"\xff\xfe\x00\x00", "UTF-32"),
        (b"\x00\x00\xfe\xff", "UTF-32"),
        (b"\xff\xfe", "UTF-16"),
        (b"\xfe\xff", "UTF-16"),
    ):
        if raw.startswith(bom):
            return _("{encoding} text (it starts with a {encoding} byte-order mark)").format(
                encoding=name
            )
    sample = raw[:_UTF16_SAMPLE]
    pairs = len(sample) // 2
    if pairs >= 2:  # noqa: PLR2004 - a pattern needs two pairs at least
        even, odd = sample[0::2].count(0), sample[1::2].count(0)
        if max(even, odd) >= 0.9 * pairs and min(even, odd) <= 0.1 * pairs:
            return _("UTF-16 text (every other byte is NUL)")
    return None


def decode_text(raw: bytes, *, allow_nul: bool = True) -> str:
    """`raw` as UTF-8 text, a leading byte-order mark dropped.

    Raises UnreadableFileError naming UTF-16 (and UTF-32) as such, the first byte that is not
    UTF-8 with its line, and (unless `allow_nul`) the line of a NUL character.
    """
    kind = _utf16_kind(raw)
    if kind is not None:
        raise UnreadableFileError(_("not UTF-8 but {kind}: save it as UTF-8").format(kind=kind))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        byte = f"0x{raw[error.start]:02x}"
        raise UnreadableFileError(_("not UTF-8 (byte {byte})").format(byte=byte), line) from None
    if not allow_nul and "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise UnreadableFileError(_("holds a NUL character, which text never has"), line)
    return text.removeprefix("\ufeff")
