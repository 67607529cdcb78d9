"""The spinner shown while a large dataset file is read for the first time."""

from __future__ import annotations

import io
import sys

import pytest

from boligsocial_cli.cli import commands as cli


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.usefixtures("english")
def test_a_spinner_shows_on_a_terminal_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Reading a large file shows a spinner on stderr when it is a terminal, else nothing."""
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    with cli._reading_status("egne.yaml", 92_000_000):
        pass
    assert "Reading egne.yaml (92 MB)" in terminal.getvalue()
    piped = io.StringIO()
    monkeypatch.setattr(sys, "stderr", piped)
    with cli._reading_status("egne.yaml", 92_000_000):
        pass
    assert piped.getvalue() == ""
