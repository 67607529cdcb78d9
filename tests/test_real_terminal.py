"""The installed `boligsocial` in a real terminal: tmux panes of 60, 80 and 120 columns.

COLUMNS and TTY_COMPATIBLE only tell the program what a terminal would be; here stdout is
a terminal, its width is the pane's, long output meets less, and keys are pressed. Each
test has its own tmux server (a private socket), a clean HOME and TERM, and ends it.
"""

from __future__ import annotations

import contextlib
import inspect
import os
import shlex
import shutil
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import pytest
import typer
from typer.testing import CliRunner

from boligsocial_cli.cli import app
from boligsocial_cli.model import Lang

from .conftest import TERMINAL, Invoke
from .test_layout import grid_line, map_rows, works
from .test_terminal import entry_point

WAIT_SECONDS = 30
"""The most a check waits for the pane to show what it expects: far beyond any run time."""


@dataclass(frozen=True, slots=True)
class Pane:
    """A tmux pane running one command line, and the server it runs in."""

    socket: str
    env: dict[str, str]
    status: Path

    def tmux(self, *args: str) -> str:
        result = subprocess.run(
            ["tmux", "-L", self.socket, *args],
            env=self.env,
            capture_output=True,
            text=True,
            check=True,
            timeout=WAIT_SECONDS,
        )
        return result.stdout

    def screen(self, *, scrolled: bool = False) -> list[str]:
        """The pane's lines as shown (colours dropped), and with those scrolled off the top
        if `scrolled`; without tmux's own 'Pane is dead' line."""
        history = ("-S", "-") if scrolled else ()
        lines = self.tmux("capture-pane", "-p", *history, "-t", "main").splitlines()
        shown = [line.rstrip() for line in lines if not line.startswith("Pane is dead")]
        while shown and not shown[-1]:
            shown.pop()
        return shown

    def exit_status(self) -> int | None:
        """The command's exit status once it has ended, else None."""
        written = self.status.read_text(encoding="utf-8") if self.status.exists() else ""
        return int(written) if written.endswith("\n") else None

    def wait_until_ended(self) -> int:
        status = _poll(self.exit_status)
        assert status is not None, f"still running after {WAIT_SECONDS} s:\n" + "\n".join(
            self.screen()
        )
        return status

    def wait_for_prompt(self) -> list[str]:
        """The screen once less shows its prompt (':' on the last line)."""

        def prompted() -> list[str] | None:
            screen = self.screen()
            return screen if screen and screen[-1] == ":" else None

        screen = _poll(prompted)
        assert screen, "no pager prompt:\n" + "\n".join(self.screen())
        return screen


T = TypeVar("T")


def _poll(look: Callable[[], T | None]) -> T | None:
    """`look()` once it gives something, trying every 0.1 s for at most WAIT_SECONDS."""
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        found = look()
        if found is not None:
            return found
        time.sleep(0.1)
    return look()


@pytest.fixture(scope="module")
def tmux() -> str:
    """tmux, which these checks need: missing, they fail (CI installs it), never skip."""
    found = shutil.which("tmux")
    if found is None or shutil.which("less") is None:
        pytest.fail(
            "tmux and less are needed for the real-terminal checks: apt-get install tmux less"
        )
    return found


@contextlib.contextmanager
def pane(tmp_path: Path, width: int, command: str, height: int = 60, **env: str) -> Iterator[Pane]:
    """`command` (a shell command line) in a new `width` × `height` pane of a private tmux
    server, whose environment is only what a user's login would give and `env`."""
    config = tmp_path / "tmux.conf"
    config.write_text("set -g remain-on-exit on\nset -g history-limit 10000\n", encoding="utf-8")
    environment = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "TERM": "xterm-256color",
        "SHELL": "/bin/sh",
        "LANG": "C.UTF-8",
        "BOLIGSOCIAL_CACHE_DIR": os.environ["BOLIGSOCIAL_CACHE_DIR"],  # the test's own
        **env,
    }
    status = tmp_path / "status"
    shown = Pane(f"boligsocial-test-{uuid.uuid4().hex}", environment, status)
    with_status = f"{command}; echo $? > {shlex.quote(str(status))}"
    try:
        shown.tmux(
            "-f", str(config), "new-session", "-d", "-s", "main",
            "-x", str(width), "-y", str(height), with_status,
        )  # fmt: skip
        yield shown
    finally:
        subprocess.run(
            ["tmux", "-L", shown.socket, "kill-server"],
            env=environment,
            capture_output=True,
            check=False,
            timeout=WAIT_SECONDS,
        )


def boligsocial(*args: str) -> str:
    """The shell command line running the installed entry point with `args`."""
    return shlex.join([*entry_point(), *args])


def _ended(shown: Pane) -> list[str]:
    """Everything the command showed, once it has ended with exit 0."""
    assert shown.wait_until_ended() == 0, "\n".join(shown.screen(scrolled=True))
    return shown.screen(scrolled=True)


@pytest.mark.usefixtures("tmux")
@pytest.mark.parametrize("width", [80, 120])
@pytest.mark.parametrize("lang", list(Lang))
def test_the_evidence_map_is_a_grid(tmp_path: Path, invoke: Invoke, width: int, lang: Lang) -> None:
    """In a pane of 80 or 120 columns each theme is one row of the grid with its counts."""
    with pane(tmp_path, width, boligsocial("overview", "--lang", lang.value)) as shown:
        screen = _ended(shown)
    assert all(len(line) <= width for line in screen)
    missing = [row["id"] for row in map_rows(invoke, lang) if grid_line(screen, row) is None]
    assert missing == []


@pytest.mark.usefixtures("tmux")
@pytest.mark.parametrize("lang", list(Lang))
def test_the_evidence_map_is_readable_at_60_columns(
    tmp_path: Path, invoke: Invoke, lang: Lang
) -> None:
    """At 60 columns every theme's name is whole and every line fits the pane."""
    with pane(tmp_path, 60, boligsocial("overview", "--lang", lang.value)) as shown:
        screen = _ended(shown)
    assert all(len(line) <= 60 for line in screen)
    words = " ".join(screen).split()
    for row in map_rows(invoke, lang):
        assert all(word in words for word in str(row["name"]).split())


@pytest.mark.usefixtures("tmux")
@pytest.mark.parametrize("width", [60, 80])
def test_cite_wraps_at_word_boundaries(tmp_path: Path, invoke: Invoke, width: int) -> None:
    """Each work a paragraph of lines within the pane, the later ones indented, broken only
    at spaces: its words are those of its one line in a pipe."""
    with pane(tmp_path, width, boligsocial("cite", "--effects-only")) as shown:
        screen = _ended(shown)
    text = "\n".join(screen)
    piped = invoke("cite", "--effects-only").stdout.splitlines()
    assert works(text) == [" ".join(line.split()) for line in piped]
    assert all(len(line) <= width for line in screen)
    continued = [line for line in screen if line.startswith(" ")]
    assert continued
    assert all(line.startswith("    ") and line[4] != " " for line in continued)


def _first_sentences() -> dict[str, str]:
    """Each command's first sentence, from its docstring: what the command list shows."""
    commands = typer.main.get_command(app).commands  # type: ignore[attr-defined]
    sentences = {}
    for name, command in commands.items():
        paragraph = " ".join(inspect.cleandoc(command.help or "").split("\n\n")[0].split())
        sentences[name] = paragraph.split(". ")[0].rstrip(".")
    return sentences


@pytest.mark.usefixtures("tmux")
@pytest.mark.parametrize("width", [60, 80, 120])
def test_the_command_list_is_whole(tmp_path: Path, width: int) -> None:
    """`boligsocial --lang en -h`: every command and the whole of its first sentence, no
    '...', every line within the pane."""
    with pane(tmp_path, width, boligsocial("--lang", "en", "-h"), height=150) as shown:
        screen = _ended(shown)
    listed = " ".join(" ".join(screen).split())
    assert all(len(line) <= width for line in screen)
    assert "..." not in listed.replace("[ARGS]...", "")
    for name, sentence in _first_sentences().items():
        assert f"{name} {sentence}" in listed, name


@pytest.mark.usefixtures("tmux")
@pytest.mark.parametrize("width", [60, 80, 120])
def test_piped_help_uses_the_panes_width(tmp_path: Path, width: int) -> None:
    """`boligsocial -h | cat > file` in a pane: laid out as for that pane's width, as in
    a terminal of that many COLUMNS, not at a pipe's default of 80."""
    out = tmp_path / "help.txt"
    command = f"{boligsocial('-h')} | cat > {shlex.quote(str(out))}"
    with pane(tmp_path, width, command) as shown:
        _ended(shown)
    help_page = CliRunner().invoke(
        app, ["-h"], prog_name="boligsocial", env={"COLUMNS": str(width)}
    )
    expected = help_page.stdout
    assert out.read_text(encoding="utf-8") == expected
    assert max(len(line) for line in expected.splitlines()) <= width


@pytest.mark.usefixtures("tmux")
def test_long_findings_open_in_less_and_q_quits(tmp_path: Path) -> None:
    """`findings` in an 80 × 24 pane is longer than the pane: it opens in less at its first
    line; q quits it, and the command exits 0."""
    with pane(tmp_path, 80, boligsocial("findings"), height=24) as shown:
        screen = shown.wait_for_prompt()
        assert shown.exit_status() is None  # less waits for a key
        shown_alone = CliRunner().invoke(app, ["findings"], env={"COLUMNS": "80", **TERMINAL})
        assert screen[0].split()[:1] == shown_alone.stdout.split()[:1]
        shown.tmux("send-keys", "-t", "main", "q")
        assert shown.wait_until_ended() == 0


@pytest.mark.usefixtures("tmux")
@pytest.mark.parametrize(
    ("args", "env"),
    [
        (("findings", "--no-pager"), {}),
        (("--no-pager", "findings"), {}),
        (("findings",), {"BOLIGSOCIAL_PAGER": ""}),
        (("findings",), {"PAGER": "cat"}),
    ],
    ids=["--no-pager after", "--no-pager before", "BOLIGSOCIAL_PAGER=", "PAGER=cat"],
)
def test_no_pager_prints_straight_through(
    tmp_path: Path, args: Sequence[str], env: dict[str, str]
) -> None:
    """With the pager turned off, long output runs to its end with no key pressed."""
    with pane(tmp_path, 80, boligsocial(*args), height=24, **env) as shown:
        screen = _ended(shown)
    assert screen[-1] != ":"


@pytest.mark.usefixtures("tmux")
def test_a_missing_pager_falls_back_to_printing(tmp_path: Path) -> None:
    """BOLIGSOCIAL_PAGER naming no program: a warning, the output, exit 0, no traceback."""
    with pane(tmp_path, 80, boligsocial("findings"), BOLIGSOCIAL_PAGER="no-such-pager") as shown:
        screen = _ended(shown)
    text = "\n".join(screen)
    assert "no-such-pager" in text
    assert "Traceback" not in text


@pytest.mark.usefixtures("tmux")
def test_a_long_help_page_opens_in_less(tmp_path: Path) -> None:
    """`findings -h` is longer than a 24-line pane: it opens in less, from its usage line."""
    with pane(tmp_path, 80, boligsocial("-l", "en", "findings", "-h"), height=24) as shown:
        screen = shown.wait_for_prompt()
        assert screen[0].startswith("Usage: boligsocial findings")
        shown.tmux("send-keys", "-t", "main", "q")
        assert shown.wait_until_ended() == 0
