"""Every file the tool reads (--data, --style, validate --against) is opened without blocking
and read only if it is a regular file, or a pipe the user plainly gave (/dev/stdin);
UTF-16 is named as such, and a NUL in a source text is refused."""

from __future__ import annotations

import os
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from boligsocial_cli.cli import app
from boligsocial_cli.errors import ExitCode
from tests.conftest import BOOKLET_TEXT, FIXTURES, fails_if_it_hangs
from tests.test_terminal import TIMEOUT, clean_env, entry_point

MINI = str(FIXTURES / "mini.yaml")


def invoke(*args: str) -> Result:
    with fails_if_it_hangs():
        return CliRunner().invoke(app, list(args))


def assert_refused(result: Result, exit_code: ExitCode, says: str) -> None:
    assert result.exit_code == exit_code, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert says in result.stderr, result.stderr
    assert len(result.stderr.splitlines()) == 1


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    """A named pipe that no one writes to: opening it for reading would block for ever."""
    path = tmp_path / "pipe.yaml"
    os.mkfifo(path)
    return path


@pytest.fixture
def unix_socket(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "socket.yaml"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(path))
    yield path
    server.close()


@pytest.mark.usefixtures("english")
def test_fifo_as_data_is_refused_without_blocking(fifo: Path) -> None:
    """`--data FIFO` says what the file is and exits 1 at once (it blocked for ever)."""
    result = invoke("--data", str(fifo), "findings")
    assert_refused(result, ExitCode.BAD_DATA, f"{fifo}: is a named pipe (FIFO), not a dataset file")


@pytest.mark.usefixtures("english")
def test_fifo_as_validated_file_is_refused(fifo: Path) -> None:
    result = invoke("validate", str(fifo))
    assert_refused(result, ExitCode.BAD_DATA, "is a named pipe (FIFO), not a dataset file")


@pytest.mark.usefixtures("english")
def test_fifo_as_style_is_refused(fifo: Path) -> None:
    """`cite --style FIFO` (a path ending .csl, too) is refused by what it is, exit 2."""
    style = fifo.with_suffix(".csl")
    fifo.rename(style)
    result = invoke("--data", MINI, "cite", "--style", str(style))
    assert_refused(
        result, ExitCode.BAD_USAGE, f"CSL style {style}: is a named pipe (FIFO), not a CSL style"
    )


@pytest.mark.usefixtures("english")
def test_fifo_as_source_text_is_refused(fifo: Path) -> None:
    result = invoke("validate", MINI, "--against", str(fifo))
    assert_refused(result, ExitCode.BAD_DATA, "cannot read the source text: is a named pipe (FIFO)")


@pytest.mark.usefixtures("english")
def test_socket_is_refused(unix_socket: Path) -> None:
    result = invoke("--data", str(unix_socket), "themes")
    assert_refused(result, ExitCode.BAD_DATA, "is a socket, not a dataset file")


@pytest.mark.usefixtures("english")
def test_symlink_to_a_fifo_is_refused(fifo: Path, tmp_path: Path) -> None:
    """What a path leads to counts, not its name: a link to a FIFO is a FIFO."""
    link = tmp_path / "link.yaml"
    link.symlink_to(fifo)
    result = invoke("validate", str(link))
    assert_refused(result, ExitCode.BAD_DATA, "is a named pipe (FIFO)")


@pytest.mark.usefixtures("english")
def test_symlink_loop_is_a_message(tmp_path: Path) -> None:
    loop = tmp_path / "loop.yaml"
    loop.symlink_to(loop)
    result = invoke("validate", str(loop))
    assert_refused(result, ExitCode.BAD_DATA, "cannot read: Too many levels of symbolic links")


def run_piped(args: list[str], stdin: bytes) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [*entry_point(), *args],
        input=stdin,
        env=clean_env(COLUMNS="200"),
        capture_output=True,
        timeout=TIMEOUT,
        check=False,
    )


def test_a_pipe_given_as_dev_stdin_is_read() -> None:
    """`cat mini.yaml | boligsocial --data /dev/stdin findings`: a pipe given on purpose."""
    result = run_piped(["--data", "/dev/stdin", "findings", "-f", "json"], Path(MINI).read_bytes())
    assert result.returncode == 0, result.stderr
    assert b'"id": "boern-effekt"' in result.stdout


@pytest.mark.usefixtures("english")
def test_an_endless_pipe_on_stdin_stops_at_the_size_limit() -> None:
    """`yes | boligsocial validate /dev/stdin` ends at the 10 MiB limit instead of reading on."""
    producer = subprocess.Popen(["yes"], stdout=subprocess.PIPE)
    try:
        result = subprocess.run(
            [*entry_point(), "validate", "/dev/stdin"],
            stdin=producer.stdout,
            env=clean_env(),
            capture_output=True,
            timeout=TIMEOUT,
            check=False,
        )
    finally:
        producer.kill()
        producer.wait()
    assert result.returncode == ExitCode.BAD_DATA
    assert b"/dev/stdin: file is too large (the limit is 10 MiB" in result.stderr


@pytest.mark.usefixtures("english")
@pytest.mark.parametrize(
    ("encoding", "says"),
    [
        ("utf-16", "not UTF-8 but UTF-16 text (it starts with a UTF-16 byte-order mark)"),
        ("utf-16-le", "not UTF-8 but UTF-16 text (every other byte is NUL)"),
        ("utf-16-be", "not UTF-8 but UTF-16 text (every other byte is NUL)"),
        ("utf-32", "not UTF-8 but UTF-32 text (it starts with a UTF-32 byte-order mark)"),
    ],
)
def test_utf16_is_named(tmp_path: Path, encoding: str, says: str) -> None:
    """A dataset saved as UTF-16 (as Windows Notepad may) is named as such, with what to do."""
    path = tmp_path / "utf16.yaml"
    path.write_bytes(Path(MINI).read_text(encoding="utf-8").encode(encoding))
    result = invoke("validate", str(path))
    assert_refused(result, ExitCode.BAD_DATA, f"{path}: {says}: save it as UTF-8")


@pytest.mark.usefixtures("english")
def test_utf16_source_text_is_named(tmp_path: Path) -> None:
    path = tmp_path / "booklet.txt"
    path.write_bytes("Børn får det bedre\n".encode("utf-16"))
    result = invoke("validate", MINI, "--against", str(path))
    assert_refused(result, ExitCode.BAD_DATA, "cannot read the source text: not UTF-8 but UTF-16")


@pytest.mark.usefixtures("english")
def test_nul_in_a_source_text_is_refused_with_its_line(tmp_path: Path) -> None:
    """A NUL would shift every page after it (62 false errors against the booklet): refused,
    naming the line it is on."""
    text = BOOKLET_TEXT.read_text(encoding="utf-8")
    lines = text.split("\n")
    lines[9] += "\x00"
    path = tmp_path / "booklet.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    result = invoke("validate", "--against", str(path))
    assert_refused(
        result,
        ExitCode.BAD_DATA,
        f"{path}:10: cannot read the source text: holds a NUL character, which text never has",
    )


@pytest.mark.usefixtures("english")
def test_the_booklet_text_itself_is_read() -> None:
    """The real source text has no NUL and is UTF-8: every bundled quote is found on its page."""
    result = invoke("validate", "--against", str(BOOKLET_TEXT))
    assert result.exit_code == 0, result.output
    assert "every quote found on its page" in result.stderr
