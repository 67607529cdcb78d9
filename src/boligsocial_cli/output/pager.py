"""Long output through a pager, as git and gh page theirs: the user's pager, else `less -FRX`.

Which pager the environment names is `pager_command`; `CommandPager` is the Rich pager
that runs it. Whether to page at all (stdout a terminal, no `--no-pager`) is the writer's.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import signal
import subprocess
from collections.abc import Callable, Iterator, Mapping

from rich.pager import Pager

from boligsocial_cli.i18n import N_, _

DEFAULT_PAGER = "less -FRX"
"""less that quits when the output fits the screen (-F), passes colours (-R) and leaves the
output on the screen when it ends (-X): short output just prints."""

NO_PAGER = frozenset({"", "cat"})
"""Pager settings that mean no pager, as for git."""

LESS_DEFAULTS = {"LESS": "FRX", "LV": "-c"}
"""What git sets for less and lv unless the user has: `PAGER=less` keeps the colours."""


def pager_command(env: Mapping[str, str]) -> tuple[str, ...] | None:
    """The pager `env` asks for: BOLIGSOCIAL_PAGER, else PAGER, else less -FRX, split as a
    shell splits it; None for no pager (either set empty, or to cat)."""
    typed = env.get("BOLIGSOCIAL_PAGER", env.get("PAGER", DEFAULT_PAGER))
    if typed.strip() in NO_PAGER:
        return None
    try:
        return tuple(shlex.split(typed))
    except ValueError:  # an unclosed quote: no such program, so it is reported as one
        return (typed,)


class CommandPager(Pager):
    """Shows output through a pager program when it has more lines than the terminal.

    Shorter output, and output the program cannot be started for, is written with `write`
    (for the latter `warn` says why). Quitting the pager early is no error, and Ctrl-C is
    the pager's to handle while it runs.
    """

    def __init__(
        self,
        command: tuple[str, ...],
        height: int,
        write: Callable[[str], None],
        warn: Callable[[str], None],
        encoding: str = "utf-8",
    ) -> None:
        self.command = command
        self.height = height
        self.write = write
        self.warn = warn
        self.encoding = encoding

    def show(self, content: str) -> None:
        """Page `content`, or write it if it fits the terminal or no pager can be started."""
        if content.count("\n") < self.height:
            self.write(content)
            return
        environment = {**LESS_DEFAULTS, **os.environ}
        data = content.encode(self.encoding, errors="replace")
        try:
            with _interrupts_left_to_the_pager():
                subprocess.run(self.command, input=data, env=environment, check=False)  # noqa: S603 - the user's own pager
        except FileNotFoundError:
            self.warn(_(PAGER_NOT_FOUND).format(pager=shlex.join(self.command)))
            self.write(content)
        except OSError as error:
            reason = error.strerror or str(error)
            self.warn(_(PAGER_FAILED).format(pager=shlex.join(self.command), reason=reason))
            self.write(content)


PAGER_NOT_FOUND = N_(
    "The pager {pager} was not found (BOLIGSOCIAL_PAGER or PAGER); the output follows without it."
)
PAGER_FAILED = N_(
    "The pager {pager} could not be started ({reason}); the output follows without it."
)


@contextlib.contextmanager
def _interrupts_left_to_the_pager() -> Iterator[None]:
    """Ctrl-C reaches the pager too: this process waits for it rather than end mid-page."""
    try:
        previous = signal.signal(signal.SIGINT, lambda _signal, _frame: None)
    except ValueError:  # not the main thread: nothing to set
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
