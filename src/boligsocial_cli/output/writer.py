"""The one place that writes the tool's output: data to stdout, messages to stderr.

Whatever stdout is, writing ends in one of three documented ways: written; a reader that
closed the pipe early (`| head`), which is no error (BrokenPipeError, for the CLI to end
quietly with exit 0); or stdout closed, full or failing, which is an OutputError (exit 3).
"""

from __future__ import annotations

import contextlib
import errno
import os
import sys
from collections.abc import Iterator, Sequence
from typing import Any

from rich.console import Console, RenderableType

from boligsocial_cli.errors import OutputError
from boligsocial_cli.i18n import _

from .pager import CommandPager
from .safe_text import escape_control, one_line

MIN_COLUMNS = 20
MAX_COLUMNS = 1000
"""The widths tables are laid out for: COLUMNS (or a terminal) outside them is clamped, so
COLUMNS=0 cannot hide the output and COLUMNS=10000000 cannot make it hundreds of MB."""

WRITE_FAILURES = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO, errno.EBADF})
"""How writing to stdout fails other than by a closed pipe: full disks, quotas, bad devices."""


class _Console(Console):
    """A Console that interprets nothing in what it prints and honours NO_COLOR fully."""

    def __init__(self, *, stderr: bool = False, soft_wrap: bool = False) -> None:
        super().__init__(
            stderr=stderr,
            soft_wrap=soft_wrap,
            highlight=False,
            emoji=False,  # ':warning:' in a file name or a dataset text stays as typed
            color_system=None if os.environ.get("NO_COLOR") else "auto",  # no escape codes
        )
        self.width = min(max(self.width, MIN_COLUMNS), MAX_COLUMNS)

    def on_broken_pipe(self) -> None:
        """Leave a closed pipe to the error boundary (Rich itself would exit with 1)."""
        self.quiet = True
        raise BrokenPipeError

    def print(self, *objects: Any, **options: Any) -> None:
        """Print as Rich does; a stdout that cannot be written is an OutputError."""
        with failures_as_output_errors():
            super().print(*objects, **options)


def _closed() -> OutputError:
    return OutputError(_("standard output is closed: nothing could be written"))


@contextlib.contextmanager
def failures_as_output_errors() -> Iterator[None]:
    """Turn a failed write to stdout (disk full, bad descriptor) into an OutputError.

    A closed pipe stays a BrokenPipeError; after either, stdout is pointed at devnull so
    that the interpreter's last flush cannot fail again with a traceback.
    """
    try:
        yield
    except BrokenPipeError:
        silence_stdout()
        raise
    except OSError as error:
        if error.errno not in WRITE_FAILURES:
            raise
        silence_stdout()
        reason = error.strerror or str(error)
        message = _("cannot write to standard output: {reason}")
        raise OutputError(message.format(reason=reason)) from None


def data_console() -> Console:
    """The console for views on stdout (tables, detail views)."""
    if sys.stdout is None:
        raise _closed()
    return _Console()


def message_console() -> Console:
    """The console for messages on stderr."""
    return _Console(stderr=True, soft_wrap=True)


HELP_COLUMNS = 80
"""The widest help pages are laid out, as click lays them out: lines of running text."""


def help_width() -> int:
    """The width for help pages: the terminal's, as for the views, also when stdout is a pipe
    (`-h | less`: the terminal is then found on stderr or stdin), at most HELP_COLUMNS."""
    return max(min(message_console().width, HELP_COLUMNS) - 2, MIN_COLUMNS)


_pager: tuple[str, ...] | None = None


def use_pager(command: tuple[str, ...] | None) -> None:
    """Page long output to a terminal through `command` from now on (None: never page)."""
    global _pager  # noqa: PLW0603 - chosen once per run, as the language is
    _pager = command


def _terminal_pager(console: Console) -> CommandPager | None:
    """The pager for output to `console`, if there is one and stdout is a real terminal
    (TTY_COMPATIBLE makes Rich style a pipe as a terminal: it is still no place to page)."""
    if _pager is None:
        return None
    try:
        if not os.isatty(sys.stdout.fileno()):
            return None
    except (AttributeError, OSError, ValueError):  # no descriptor: a test runner's stream
        return None
    encoding = getattr(sys.stdout, "encoding", None) or "utf-8"
    return CommandPager(_pager, console.height, _write_text, _warn, encoding)


def _warn(text: str) -> None:
    report_problems(_("Warning: "), [text])


def print_view(console: Console, renderable: RenderableType) -> None:
    """Print a view to stdout, through the pager if it is longer than the terminal."""
    pager = _terminal_pager(console)
    if pager is None:
        console.print(renderable)
        return
    with failures_as_output_errors(), console.pager(pager, styles=True):
        console.print(renderable)


def write_data(text: str) -> None:
    """Write machine-readable output as UTF-8 whatever the locale, so no letter is lost;
    to a terminal, through the pager if it is longer than the terminal."""
    pager = _terminal_pager(message_console())
    if pager is None:
        _write_text(text)
    else:
        pager.show(text)


def _write_text(text: str) -> None:
    stdout = sys.stdout
    if stdout is None:
        raise _closed()
    with failures_as_output_errors():
        buffer = getattr(stdout, "buffer", None)
        if buffer is None:  # a text-only stream (a test runner's, say)
            stdout.write(text)
            return
        stdout.flush()
        buffer.write(text.encode("utf-8"))
        buffer.flush()


def flush_stdout() -> None:
    """Flush what is still buffered for stdout, so a failure shows here, not at exit."""
    if sys.stdout is not None:
        with failures_as_output_errors():
            sys.stdout.flush()


def tell(text: str) -> None:
    """A message to the user on stderr, shown literally (no markup, no control sequence)."""
    message_console().print(escape_control(text), markup=False)


def report_problems(prefix: str, lines: Sequence[str]) -> None:
    """An error or warning on stderr: `prefix` then each problem on one line of its own.

    File names, ids and values in problems may hold line breaks: they are escaped, so each
    problem stays one line. If stderr itself cannot be written there is no one to tell.
    """
    text = "\n".join(one_line(line) for line in lines)
    with contextlib.suppress(OSError):
        message_console().print(f"{prefix}{text}", markup=False)


def silence_stdout() -> None:
    """Point stdout at devnull so the interpreter's final flush is quiet."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    with contextlib.suppress(OSError, ValueError, AttributeError):  # may have no descriptor
        os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
