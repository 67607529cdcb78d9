"""Where the output goes wrong: a reader that closes the pipe, a closed stdout, a full disk.

Run as the installed command in a subprocess, with the stdout a user's shell would give it.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Sequence
from pathlib import Path

import pytest

from tests.test_terminal import MINI, TIMEOUT, clean_env, entry_point

EVERY_KIND_OF_COMMAND = (
    ("--help",),
    ("--version",),
    ("themes", "--help"),
    ("themes",),
    ("themes", "-f", "json"),
    ("findings", "--long"),
    ("show", "boern-effekt"),
    ("cite",),
    ("schema",),
    ("about",),
)


def run_into(args: Sequence[str], stdout: int) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [*entry_point(), "--data", MINI, *args],
        env=clean_env(),
        stdout=stdout,
        stderr=subprocess.PIPE,
        timeout=TIMEOUT,
        check=False,
    )


@pytest.mark.parametrize("args", EVERY_KIND_OF_COMMAND, ids=" ".join)
def test_closed_pipe_is_silent_exit_0(args: Sequence[str]) -> None:
    """A pipe whose reader has gone (closed before the tool writes a byte) is no error: exit 0,
    nothing on stderr, for every command including --help and --version, as the README says."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        result = run_into(args, write_end)
    finally:
        os.close(write_end)
    assert (result.returncode, result.stderr) == (0, b"")


@pytest.mark.usefixtures("english")
@pytest.mark.parametrize("args", EVERY_KIND_OF_COMMAND[3:], ids=" ".join)
def test_closed_stdout_is_one_line_and_exit_3(args: Sequence[str]) -> None:
    """`boligsocial themes >&-`: one line saying stdout is closed, exit 3, no traceback."""
    result = subprocess.run(
        ["sh", "-c", 'exec "$@" >&-', "sh", *entry_point(), "--data", MINI, *args],
        env=clean_env(),
        capture_output=True,
        timeout=TIMEOUT,
        check=False,
    )
    assert result.returncode == 3
    assert result.stderr == b"Error: standard output is closed: nothing could be written\n"


@pytest.mark.usefixtures("english")
@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize("args", EVERY_KIND_OF_COMMAND, ids=" ".join)
def test_full_disk_is_one_line_and_exit_3(args: Sequence[str]) -> None:
    """Output into /dev/full (every write fails with ENOSPC): one line naming the cause, exit 3."""
    with Path("/dev/full").open("wb") as full:
        result = run_into(args, full.fileno())
    assert result.returncode == 3, result.stderr
    assert result.stderr == b"Error: cannot write to standard output: No space left on device\n"
