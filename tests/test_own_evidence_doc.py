"""The README's "Add your own evidence" cannot drift: it is replayed, every output compared.

The page marks its steps with HTML comments, invisible when rendered:
`<!-- test: run -->` before a console block (commands after `$ `, their output below),
`<!-- test: write F -->` and `<!-- test: insert F after "LINE" -->` before a YAML block,
`<!-- test: replace F "OLD" "NEW" -->` on its own.
"""

from __future__ import annotations

import os
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from typer.testing import CliRunner

from boligsocial_cli.cli import app
from boligsocial_cli.dataset.locations import DATA_ENV

from .conftest import TERMINAL

README = Path(__file__).parents[1] / "README.md"
SECTION = "## Add your own evidence"
DIRECTIVE = re.compile(r"<!-- test: (.*?) -->")
FENCE = re.compile(r"```(\w*)\n(.*?)```", re.DOTALL)
WIDTH = "100"


@dataclass
class Replay:
    """Runs the page's steps in a directory, as a reader would at a 100-column terminal."""

    root: Path
    env: dict[str, str | None] = field(
        default_factory=lambda: {DATA_ENV: None, "COLUMNS": WIDTH, **TERMINAL}
    )

    def run(self, block: str) -> None:
        """Run each `$` command of a console block and compare its output with the page's."""
        for command, expected in _commands(block):
            words = shlex.split(command)
            if words[0] == "export":
                name, _, value = words[1].partition("=")
                self.env[name] = value.replace(":", os.pathsep)
                continue
            assert words[0] == "boligsocial", command
            args, target = words[1:], None
            if ">" in args:
                args, target = args[: args.index(">")], args[args.index(">") + 1]
            result = CliRunner(env=self.env).invoke(app, args)
            output = result.stdout
            if target is not None:
                (self.root / target).write_text(output, encoding="utf-8")
                output = ""
            shown = _normalized(output + result.stderr)
            assert shown == _normalized(expected), f"$ {command}"
            assert (result.exit_code != 0) == shown.startswith("Fejl:"), f"$ {command}"

    def write(self, name: str, text: str) -> None:
        """Write a whole file."""
        (self.root / name).write_text(text, encoding="utf-8")

    def insert(self, name: str, after: str, text: str) -> None:
        """Insert lines below the first line that begins with `after`."""
        path = self.root / name
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        (index,) = [i for i, line in enumerate(lines) if line.startswith(after)][:1]
        lines[index + 1 : index + 1] = [text]
        path.write_text("".join(lines), encoding="utf-8")

    def replace(self, name: str, old: str, new: str) -> None:
        """Replace text in a file, which must contain it."""
        path = self.root / name
        text = path.read_text(encoding="utf-8")
        assert old in text, (name, old)
        path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _commands(block: str) -> list[tuple[str, str]]:
    """A console block as (command, the output shown below it) pairs."""
    pairs: list[tuple[str, list[str]]] = []
    for line in block.splitlines():
        if line.startswith("$ "):
            pairs.append((line[2:], []))
        else:
            pairs[-1][1].append(line)
    return [(command, "\n".join(output)) for command, output in pairs]


def _normalized(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.splitlines()).strip("\n")


def _steps() -> list[tuple[str, str | None]]:
    """Each directive of the page with the fenced block that follows it, if it takes one."""
    text = README.read_text(encoding="utf-8").split(SECTION, 1)[1].split("\n## ", 1)[0]
    steps: list[tuple[str, str | None]] = []
    for found in DIRECTIVE.finditer(text):
        directive = found.group(1)
        if directive.startswith("replace "):
            steps.append((directive, None))
            continue
        block = FENCE.search(text, found.end())
        assert block is not None, directive
        steps.append((directive, block.group(2)))
    return steps


def test_the_walk_through_prints_what_the_page_shows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every command of the README's walk-through, replayed in order, prints what it shows."""
    monkeypatch.chdir(tmp_path)
    replay = Replay(tmp_path)
    steps = _steps()
    assert len(steps) >= 10
    for directive, block in steps:
        kind, _, rest = directive.partition(" ")
        if kind == "run" and block is not None:
            replay.run(block)
        elif kind == "write" and block is not None:
            replay.write(rest, block)
        elif kind == "insert" and block is not None:
            name, after = re.fullmatch(r'(\S+) after "(.*)"', rest).groups()  # type: ignore[union-attr]
            replay.insert(name, after, block)
        elif kind == "replace":
            name, old, new = shlex.split(rest)
            replay.replace(name, old, new)
        else:
            pytest.fail(f"unknown step: {directive}")
