"""The one exception hierarchy, and the exit codes it maps to."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import IntEnum

from boligsocial_cli.i18n import _, number


class ExitCode(IntEnum):
    """Process exit codes, as documented in the README."""

    OK = 0
    BAD_DATA = 1
    BAD_USAGE = 2
    CANNOT_WRITE = 3


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a dataset, with where it is."""

    file: str
    message: str
    line: int | None = None
    column: int | None = None
    path: str = ""

    def __str__(self) -> str:
        place = self.file
        if self.line is not None:
            place += f":{self.line}"
            if self.column is not None:
                place += f":{self.column}"
        where = f" {self.path}:" if self.path else ""
        return f"{place}:{where} {self.message}"


class BoligsocialError(Exception):
    """Base of every error the CLI turns into a message and an exit code."""

    exit_code = ExitCode.BAD_USAGE

    def problems_as_lines(self) -> tuple[str, ...]:
        """The message, one problem an item: each is shown on a line of its own."""
        return (str(self),)


class UsageError(BoligsocialError):
    """The user asked for something that does not exist or does not make sense."""


class DatasetError(BoligsocialError):
    """A dataset could not be read or is invalid; carries every problem found."""

    exit_code = ExitCode.BAD_DATA

    def __init__(self, problems: list[Problem] | tuple[Problem, ...]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))

    def problems_as_lines(self) -> tuple[str, ...]:
        """One item per problem, whatever line breaks a file name or value holds."""
        return tuple(str(problem) for problem in self.problems)


CHOICES_SHOWN = 20
"""How many choices an error message lists before it says how many more there are."""


def listed(choices: Sequence[str], limit: int = CHOICES_SHOWN) -> str:
    """Choices joined by ', ', cut after `limit` with a count: 'a, b, … and 9,980 more'."""
    if len(choices) <= limit:
        return ", ".join(choices)
    more = _("… and {count} more").format(count=number(len(choices) - limit))
    return ", ".join(choices[:limit]) + ", " + more


def did_you_mean(value: str, choices: Iterable[str]) -> str:
    """' (did you mean 'x'?)', in the current language, naming the choice closest to `value`,
    or '' if none is close."""
    import difflib  # noqa: PLC0415 - only a mistake needs it

    close = difflib.get_close_matches(value, sorted(choices), n=1)
    return " " + _("(did you mean {name}?)").format(name=repr(close[0])) if close else ""


class OutputError(BoligsocialError):
    """The tool's output could not be written: standard output is closed, or the disk full."""

    exit_code = ExitCode.CANNOT_WRITE
