"""The installed command in odd terminals: C locales, ASCII, TERM=dumb, NO_COLOR, 40 columns,
and readers that close the pipe early. Run as a subprocess, as a user would run it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest

from .conftest import TERMINAL

FIXTURES = Path(__file__).parent / "fixtures"
MINI = str(FIXTURES / "mini.yaml")
TIMEOUT = 60


def entry_point() -> list[str]:
    """The installed `boligsocial` script beside this interpreter, else on PATH."""
    beside = Path(sys.executable).parent / "boligsocial"
    found = str(beside) if beside.exists() else shutil.which("boligsocial")
    assert found, "the boligsocial entry point is not installed"
    return [found]


def clean_env(**overrides: str) -> dict[str, str]:
    """A minimal environment, without the caller's locale, colour or dataset settings (the
    language a test asks for, with the `english` fixture, is kept)."""
    kept = ("PATH", "HOME", "SYSTEMROOT", "BOLIGSOCIAL_CACHE_DIR", "BOLIGSOCIAL_LANG")
    env = {key: os.environ[key] for key in kept if key in os.environ}
    env.update(overrides)
    return env


def run(
    args: Sequence[str], env: Mapping[str, str], command: Sequence[str] | None = None
) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [*(command or entry_point()), *args],
        env=dict(env),
        capture_output=True,
        timeout=TIMEOUT,
        check=False,
    )


def assert_no_crash(result: subprocess.CompletedProcess[bytes]) -> None:
    assert b"Traceback" not in result.stderr, result.stderr.decode(errors="replace")
    assert b"Exception ignored" not in result.stderr


STYLED_VIEWS = (("findings", "--long"), ("show", "boern-effekt"), ("overview",))
"""Views with bold, italic and coloured badges: what NO_COLOR and TERM=dumb must strip."""

VIEWS = (*STYLED_VIEWS, ("themes",), ("about",))


@pytest.fixture(scope="module")
def big_dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The mini dataset with 1,000 more findings: output larger than a pipe's buffer (64 KiB)."""
    head, tail = (FIXTURES / "mini.yaml").read_text(encoding="utf-8").split("findings:\n", 1)
    extra = "".join(
        f"  - id: ekstra-{index}\n    theme: boern\n    evidence: effekt\n"
        f"    summary: {{da: Børn nr. {index}., en: Child {index}.}}\n"
        '    quote: "Børn får det bedre"\n    page: 1\n    citations: [hansen-2019]\n'
        for index in range(1000)
    )
    path = tmp_path_factory.mktemp("big") / "big.yaml"
    path.write_text(head + "findings:\n" + extra + tail, encoding="utf-8")
    return path


def test_module_entry_point_runs() -> None:
    """`python -m boligsocial_cli` is the same command as `boligsocial`."""
    result = run(["--version"], clean_env(), [sys.executable, "-m", "boligsocial_cli"])
    assert result.returncode == 0
    assert result.stdout.startswith(b"boligsocial ")


@pytest.mark.parametrize("locale", [{"LANG": "C"}, {"LANG": "C", "LC_ALL": "C"}])
def test_c_locale_prints_danish_letters(locale: dict[str, str]) -> None:
    """In the C locale Python's UTF-8 mode applies: æøå are printed, nothing crashes."""
    result = run(["--data", MINI, "themes"], clean_env(**locale))
    assert_no_crash(result)
    assert result.returncode == 0
    assert "Børn og forældre" in result.stdout.decode("utf-8")


@pytest.mark.parametrize(
    "env",
    [{"PYTHONIOENCODING": "ascii"}, {"LC_ALL": "C", "PYTHONUTF8": "0"}],
    ids=["PYTHONIOENCODING=ascii", "LC_ALL=C PYTHONUTF8=0"],
)
def test_stdout_that_cannot_encode_danish_letters(env: dict[str, str]) -> None:
    """With an ASCII stdout, letters a table cannot show become '?' instead of a crash."""
    result = run(["--data", MINI, "about"], clean_env(**env, **TERMINAL))
    assert_no_crash(result)
    assert result.returncode == 0
    assert b"?" in result.stdout


@pytest.mark.parametrize(
    "env",
    [{"PYTHONIOENCODING": "ascii"}, {"LC_ALL": "C", "PYTHONUTF8": "0"}],
    ids=["PYTHONIOENCODING=ascii", "LC_ALL=C PYTHONUTF8=0"],
)
@pytest.mark.parametrize(
    "args", [("findings", "--format", "json"), ("themes", "--format", "csv"), ("cite",)]
)
def test_data_output_is_utf8_in_any_locale(env: dict[str, str], args: tuple[str, ...]) -> None:
    """Exports and the bibliography are data: written as UTF-8 whatever the locale, no '?'."""
    result = run(["--data", MINI, *args], clean_env(**env))
    assert_no_crash(result)
    assert result.returncode == 0
    text = result.stdout.decode("utf-8")
    assert any(letter in text for letter in "æøåÆØÅ")
    assert "?" not in text


@pytest.mark.usefixtures("english")
def test_error_message_in_an_ascii_locale() -> None:
    """An error naming a file with æ is still a message (stderr escapes what it cannot encode)."""
    result = run(["--data", "/nonexistent/æ.yaml", "themes"], clean_env(PYTHONIOENCODING="ascii"))
    assert_no_crash(result)
    assert result.returncode == 1
    assert result.stderr.startswith(b"Error: /nonexistent/")


@pytest.mark.parametrize("view", STYLED_VIEWS, ids=" ".join)
def test_term_dumb_has_no_escape_codes(view: tuple[str, ...]) -> None:
    """TERM=dumb gets plain text."""
    result = run(["--data", MINI, *view], clean_env(TERM="dumb", FORCE_COLOR="1"))
    assert result.returncode == 0
    assert b"\x1b" not in result.stdout


def test_forced_colour_does_style() -> None:
    """FORCE_COLOR styles the views, so the two tests that expect no escape codes prove a thing."""
    result = run(["--data", MINI, "show", "boern-effekt"], clean_env(FORCE_COLOR="1"))
    assert b"\x1b[" in result.stdout


@pytest.mark.parametrize("view", STYLED_VIEWS, ids=" ".join)
def test_no_color_has_no_escape_codes_even_when_forced(view: tuple[str, ...]) -> None:
    """NO_COLOR means plain text: not even bold or italic, even with FORCE_COLOR set."""
    result = run(
        ["--data", MINI, *view], clean_env(TERM="xterm-256color", FORCE_COLOR="1", NO_COLOR="1")
    )
    assert result.returncode == 0
    assert b"\x1b" not in result.stdout


@pytest.mark.parametrize("view", VIEWS, ids=" ".join)
def test_forty_columns(view: tuple[str, ...]) -> None:
    """At 40 columns every view fits: no line is wider than the terminal."""
    result = run(["--data", MINI, *view], clean_env(COLUMNS="40", **TERMINAL))
    assert_no_crash(result)
    assert result.returncode == 0
    lines = result.stdout.decode("utf-8").splitlines()
    assert lines
    assert max(len(line) for line in lines) <= 40


def _close_reader_after(data_and_args: Sequence[str], *, read: int) -> bytes:
    """Run `--data FILE ARGS`, read `read` bytes of stdout, close it; assert exit 0.

    Returns what the program wrote to stderr.
    """
    data, *args = data_and_args
    with subprocess.Popen(
        [*entry_point(), "--data", data, *args],
        env=clean_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    ) as process:
        assert process.stdout is not None
        assert process.stderr is not None
        if read:
            assert process.stdout.read(read)
        process.stdout.close()
        stderr = process.stderr.read()
        assert process.wait(TIMEOUT) == 0, stderr
    return stderr


@pytest.mark.parametrize(
    "args", [("findings", "--long"), ("findings", "--format", "json")], ids=" ".join
)
def test_reader_that_closes_at_once(args: tuple[str, ...]) -> None:
    """A reader gone before anything is written: exit 0, nothing on stderr."""
    assert _close_reader_after((MINI, *args), read=0) == b""


@pytest.mark.parametrize(
    "args", [("findings", "--format", "csv"), ("findings", "--long")], ids=" ".join
)
def test_reader_that_closes_early(big_dataset: Path, args: tuple[str, ...]) -> None:
    """Like `| head -c 100` on a long listing: exit 0, no traceback, no message."""
    assert _close_reader_after((str(big_dataset), *args), read=100) == b""


@pytest.mark.skipif(not Path("/dev/stdin").exists(), reason="needs /dev/stdin")
def test_dataset_piped_on_stdin() -> None:
    """A dataset can be piped in: `cat mine.yaml | boligsocial --data /dev/stdin themes`."""
    result = subprocess.run(
        [*entry_point(), "--data", "/dev/stdin", "themes", "--format", "csv"],
        input=(FIXTURES / "mini.yaml").read_bytes(),
        env=clean_env(),
        capture_output=True,
        timeout=TIMEOUT,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(b"id,name,findings,effects,summary,origin\nboern,")


@pytest.mark.usefixtures("english")
def test_bad_data_shows_no_traceback_unless_debug() -> None:
    """The installed command turns bad data into a message; --debug adds the traceback."""
    bad = str(FIXTURES / "bad" / "invalid-date.yaml")
    quiet = run(["--data", bad, "findings"], clean_env())
    assert quiet.returncode == 1
    assert quiet.stderr.startswith(b"Error: ")
    assert b"Traceback" not in quiet.stderr
    loud = run(["--debug", "--data", bad, "findings"], clean_env())
    assert loud.returncode == 1
    assert b"Traceback (most recent call last)" in loud.stderr
