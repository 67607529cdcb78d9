"""Run the README's ```console examples and compare or rewrite their output.

    python scripts/readme_examples.py          # rewrite README.md's example outputs
    python scripts/readme_examples.py --check  # exit 1 if any example is out of date

It also draws the README's picture of the evidence map, docs/evidence-map.svg, with the
command the README shows beside it.

Each example is a fenced ```console block whose first line is `$ boligsocial ARGS`;
everything after it is what the command prints (stdout, then stderr) at 100 columns.
Blocks after a `<!-- test: ... -->` directive belong to the replayed walk-through in
"Add your own evidence" (tests/test_own_evidence_doc.py) and are left alone here.
"""

from __future__ import annotations

import re
import shlex
import sys
from pathlib import Path

from typer.testing import CliRunner

from boligsocial_cli.cli import app

README = Path(__file__).resolve().parent.parent / "README.md"
EXAMPLE = re.compile(r"```console\n\$ boligsocial (?P<args>[^\n]*)\n(?P<output>.*?)```", re.DOTALL)
WIDTH = "100"
MAP_PICTURE = README.parent / "docs" / "evidence-map.svg"
MAP_COMMAND = "overview --format svg -o docs/evidence-map.svg"


ENV = {
    "COLUMNS": WIDTH,
    "BOLIGSOCIAL_DATA": None,
    "BOLIGSOCIAL_LANG": None,
    "NO_COLOR": "1",
    "TTY_COMPATIBLE": "1",  # a terminal, as the reader has
}


def run_example(args: str) -> str:
    """What `boligsocial ARGS` prints, as a reader of the README would see it."""
    result = CliRunner().invoke(app, shlex.split(args), env=ENV)
    lines = (result.stdout + result.stderr).splitlines()
    return "".join(line.rstrip() + "\n" for line in lines)


def _standalone(text: str, match: re.Match[str]) -> bool:
    return not text[: match.start()].rstrip().endswith("-->")


def examples(text: str) -> list[tuple[str, str]]:
    """The (args, recorded output) of every stand-alone example in `text`."""
    return [
        (match["args"], match["output"])
        for match in EXAMPLE.finditer(text)
        if _standalone(text, match)
    ]


def rewrite(text: str) -> str:
    """`text` with every stand-alone example's output replaced by what it prints now."""

    def refresh(match: re.Match[str]) -> str:
        if not _standalone(text, match):
            return match.group(0)
        return f"```console\n$ boligsocial {match['args']}\n{run_example(match['args'])}```"

    return EXAMPLE.sub(refresh, text)


def map_picture() -> bytes:
    """The README's picture of the evidence map, as the command it shows draws it today."""
    without_file = MAP_COMMAND.split(" -o ", maxsplit=1)[0]
    return CliRunner().invoke(app, shlex.split(without_file), env=ENV).stdout_bytes


def main() -> int:
    text = README.read_text(encoding="utf-8")
    updated = rewrite(text)
    if "--check" in sys.argv:
        return 0 if updated == text and MAP_PICTURE.read_bytes() == map_picture() else 1
    README.write_text(updated, encoding="utf-8")
    MAP_PICTURE.write_bytes(map_picture())
    return 0


if __name__ == "__main__":
    sys.exit(main())
