"""The pager: which one the environment names, when it runs, and what happens when it cannot.

The pager here is a small Python program that keeps what it is given in a file: a referee
that sees exactly what a pager would. Paging in a real terminal, with less, is in
tests/test_real_terminal.py.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from boligsocial_cli.output.pager import DEFAULT_PAGER, CommandPager, pager_command

from .conftest import Invoke
from .test_terminal import clean_env, entry_point


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, tuple(DEFAULT_PAGER.split())),
        ({"PAGER": "most -s"}, ("most", "-s")),
        ({"PAGER": "most", "BOLIGSOCIAL_PAGER": "less -R"}, ("less", "-R")),
        ({"PAGER": ""}, None),
        ({"PAGER": "less", "BOLIGSOCIAL_PAGER": ""}, None),
        ({"BOLIGSOCIAL_PAGER": " cat "}, None),
        ({"PAGER": "'my pager' --flag"}, ("my pager", "--flag")),
    ],
)
def test_the_pager_named(env: dict[str, str], expected: tuple[str, ...] | None) -> None:
    """BOLIGSOCIAL_PAGER wins over PAGER, less -FRX is the default; empty or cat is none;
    the setting is split as a shell splits it."""
    assert pager_command(env) == expected


def _keeping_pager(kept: Path) -> tuple[str, ...]:
    """A pager that writes what it reads, then its LESS variable, to `kept`."""
    script = (
        "import os, sys; data = sys.stdin.buffer.read(); "
        f"open({str(kept)!r}, 'wb').write(data + b'|' + os.environ.get('LESS', '').encode())"
    )
    return (sys.executable, "-c", script)


def test_output_longer_than_the_terminal_goes_to_the_pager(tmp_path: Path) -> None:
    """More lines than the terminal has: the pager gets them all, with LESS=FRX as git sets
    it; nothing is written directly."""
    kept = tmp_path / "paged"
    written: list[str] = []
    content = "".join(f"line {n} æøå\n" for n in range(30))
    CommandPager(_keeping_pager(kept), 24, written.append, written.append).show(content)
    assert kept.read_bytes() == content.encode("utf-8") + b"|FRX"
    assert written == []


def test_output_that_fits_is_written_without_a_pager(tmp_path: Path) -> None:
    """As many lines as the terminal or fewer: written directly, no pager started."""
    kept = tmp_path / "paged"
    written: list[str] = []
    content = "".join(f"line {n}\n" for n in range(23))
    CommandPager(_keeping_pager(kept), 24, written.append, written.append).show(content)
    assert written == [content]
    assert not kept.exists()


def test_a_missing_pager_is_a_warning_and_the_output_printed() -> None:
    """A pager that does not exist: one warning naming it, then the output, no exception."""
    written: list[str] = []
    warnings: list[str] = []
    content = "x\n" * 100
    pager = CommandPager(("no-such-pager-here", "-x"), 24, written.append, warnings.append)
    pager.show(content)
    assert written == [content]
    assert len(warnings) == 1
    assert "no-such-pager-here -x" in warnings[0]


def test_a_pager_quit_early_is_no_error() -> None:
    """A pager that quits before reading (q in less), given far more than a pipe holds."""
    written: list[str] = []
    quits = (sys.executable, "-c", "pass")
    CommandPager(quits, 24, written.append, written.append).show("y" * 80 + "\n" * 50_000)
    assert written == []


def test_output_to_a_pipe_is_never_paged(tmp_path: Path) -> None:
    """stdout a pipe (here with a long listing and a pager set): the pager never runs."""
    kept = tmp_path / "paged"
    script = f"open({str(kept)!r}, 'w').write('ran')"
    pager = f"{sys.executable} -c {script!r}"
    for setting in ("BOLIGSOCIAL_PAGER", "PAGER"):
        result = subprocess.run(
            [*entry_point(), "findings", "--long"],
            env=clean_env(**{setting: pager}, LINES="5"),
            capture_output=True,
            check=False,
            timeout=60,
        )
        assert result.returncode == 0, result.stderr
        assert len(result.stdout.splitlines()) > 5
    assert not kept.exists()


@pytest.mark.parametrize(
    "args",
    [
        ("--no-pager", "themes"),
        ("themes", "--no-pager"),
        ("export", "--no-pager", "--help"),
        ("--no-pager", "findings", "--theme", "krim", "--no-pager"),
    ],
    ids=" ".join,
)
def test_no_pager_is_accepted_before_and_after_the_command(
    invoke: Invoke, args: tuple[str, ...]
) -> None:
    """`--no-pager` goes anywhere before `--`, as `--lang` does."""
    result = invoke(*args)
    assert result.exit_code == 0, result.output
    assert result.stdout.strip()
