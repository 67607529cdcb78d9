"""Shared fixtures: a CLI runner with a clean environment, and paths to test data."""

from __future__ import annotations

import contextlib
import os
import signal
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import settings
from typer.testing import CliRunner, Result

from boligsocial_cli.cli import app
from boligsocial_cli.i18n import use_language
from boligsocial_cli.model import Lang

settings.register_profile("ci", derandomize=True, print_blob=True)
"""CI runs the same examples every time, so a failure there is one a developer can repeat."""
settings.load_profile("ci" if os.environ.get("CI") else "default")

FIXTURES = Path(__file__).parent / "fixtures"
REPO = Path(__file__).parent.parent
BOOKLET_TEXT = REPO / "data" / "booklet.txt"

Invoke = Callable[..., Result]

TERMINAL = {"TTY_COMPATIBLE": "1", "NO_COLOR": "1"}
"""The environment in which Rich treats stdout as a terminal (without colour), though it is
a pipe: for tests of the terminal views (text written to a file or pipe is plain)."""


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Tests never see the developer's own dataset, language or locale, colour settings or
    cache."""
    for name in ("BOLIGSOCIAL_DATA", "BOLIGSOCIAL_LANG", "NO_COLOR", "FORCE_COLOR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("BOLIGSOCIAL_NO_CACHE", raising=False)
    monkeypatch.setenv("BOLIGSOCIAL_CACHE_DIR", str(tmp_path / "cache"))
    for name in ("LC_ALL", "LC_MESSAGES", "LANGUAGE"):  # an English locale would set English
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    use_language(Lang.DA)  # as a run starts: the command line a test ran before may change it


@pytest.fixture
def english(monkeypatch: pytest.MonkeyPatch) -> None:
    """Messages in English in this test, for tests of what a message says: the core's (the
    language is set now) and the command line's, in-process or run (BOLIGSOCIAL_LANG=en)."""
    monkeypatch.setenv("BOLIGSOCIAL_LANG", "en")
    use_language(Lang.EN)


def complete(command_line: str) -> list[str]:
    """What bash completion offers for the last word of `command_line`."""
    words = command_line.split()
    result = CliRunner().invoke(
        app,
        [],
        prog_name="boligsocial",
        env={
            "_BOLIGSOCIAL_COMPLETE": "complete_bash",
            "COMP_WORDS": command_line,
            "COMP_CWORD": str(len(words) - 1),
        },
    )
    return result.stdout.split()


@pytest.fixture
def invoke() -> Invoke:
    """Run the CLI in-process: `invoke("findings", "--theme", "krim")`."""
    runner = CliRunner()

    def run(*args: str, env: dict[str, str] | None = None) -> Result:
        return runner.invoke(app, list(args), env=env)

    return run


HANG_LIMIT_SECONDS = 30
"""Far beyond any case's run time: only a case that blocks or loops for ever reaches it."""


class HangError(AssertionError):
    """A case that did not finish within HANG_LIMIT_SECONDS: it blocks or loops."""


@contextlib.contextmanager
def fails_if_it_hangs(seconds: int = HANG_LIMIT_SECONDS) -> Iterator[None]:
    """Fail the test (rather than hang the suite) if the block has not ended after `seconds`.

    A guard against hangs, not a measure of speed: the limit is many times any run time.
    """

    def hung(_signal: int, _frame: object) -> None:
        raise HangError(f"still running after {seconds} s: it hangs")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
