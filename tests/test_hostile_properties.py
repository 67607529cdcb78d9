"""Property tests for issue 17: random Unicode, random YAML scalars and random kinds of file,
fed to `validate`, `findings` and every export format (listings and bibliographies).

Whatever comes in: a documented exit code, no traceback, no hang (each run has a limit far
beyond its time, `fails_if_it_hangs`), nothing unescaped (no raw control, line-separator or
format character in any output), CSV cells that start no formula, Markdown whose `<` are all
escaped, and JSON and YAML that parse.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import socket
import sys
import tempfile
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner, Result

from boligsocial_cli.cli import app
from boligsocial_cli.formats import BibliographyFormat, OutputFormat
from boligsocial_cli.output.listings import FORMULA_START
from tests.conftest import FIXTURES, fails_if_it_hangs

MINI_TEXT = (FIXTURES / "mini.yaml").read_text(encoding="utf-8")
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])

UNESCAPED = frozenset(
    chr(code)
    for code in range(sys.maxunicode + 1)
    if unicodedata.category(chr(code)) in ("Cc", "Cf", "Zl", "Zp") and chr(code) not in "\t\n"
)
"""What must never reach any output raw, by the Unicode database: controls (but tab and line
feed; CR only in RIS's CR LF), format characters, line and paragraph separators."""

MESSAGE_STARTS = ("Error: ", "Usage: ", "Fejl: ", "Brug: ")
"""How a message begins, in English or in Danish (a --lang drawn by the test may be either)."""


LISTING_FORMATS = [f.value for f in OutputFormat]
CITE_FORMATS = [f.value for f in BibliographyFormat]


def invoke(args: Sequence[str]) -> Result:
    with fails_if_it_hangs():
        return CliRunner().invoke(app, list(args), env={"COLUMNS": "100", "BOLIGSOCIAL_DATA": None})


def assert_handled(result: Result, output: str = "table") -> None:
    """A documented exit code, no exception, nothing raw; data that parses as its format."""
    assert result.exit_code in (0, 1, 2), (result.exit_code, result.output)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    assert "Traceback" not in result.output
    stdout = result.stdout.replace("\r\n", "\n") if output == "ris" else result.stdout
    for text in (stdout, result.stderr):
        raw = UNESCAPED.intersection(text)
        assert not raw, (output, raw, text)
    if result.exit_code != 0:
        assert result.stderr.startswith(MESSAGE_STARTS), result.stderr
        assert result.stdout == ""
        return
    check_format(output, result.stdout)


def check_format(output: str, text: str) -> None:
    """JSON and YAML parse; no CSV text cell starts a formula; every Markdown `<` is escaped
    or opens an autolink the bibliography makes of a URL."""
    if output in ("json", "csl-json"):
        json.loads(text)
    elif output == "yaml":
        yaml.safe_load(text)
    elif output == "csv":
        for row in csv.reader(io.StringIO(text)):
            for cell in row:
                assert not cell.startswith(FORMULA_START) or cell.isdigit(), cell
    elif output == "markdown":
        assert re.search(r"(?<!\\)<(?!https?://)", text) is None, text


@contextmanager
def scratch() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as directory:
        yield Path(directory)


def run_everything(data: Path) -> None:
    """validate, then findings in every listing format and cite in every bibliography format."""
    assert_handled(invoke(["validate", str(data)]))
    for output in LISTING_FORMATS:
        assert_handled(invoke(["--data", str(data), "findings", "--long", "-f", output]), output)
    assert_handled(invoke(["--data", str(data), "themes"]))
    assert_handled(invoke(["--data", str(data), "show", "boern-effekt"]))
    for output in CITE_FORMATS:
        assert_handled(invoke(["--data", str(data), "cite", "-f", output]), output)


TRICKY = st.sampled_from(
    [
        *"\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029",  # every line break
        *"\x00\x07\x1b\x7f\x9b\u202e\u2066\u200b\u200d\ufeff\u00ad\U000e0001",  # controls, Cf
        "<script>",
        "<img src=x onerror=alert(1)>",
        "[x](javascript:alert(1))",
        "=SUM(A1)",
        "+1",
        "-1",
        "@x",
        "\t",
        "|",
        "\\",
        "*_`~",
        "[bold]",
        ": ",
        "# ",
        "'",
        '"',
    ]
)
ANY_TEXT = st.lists(
    st.one_of(TRICKY, st.text(st.characters(blacklist_categories=["Cs"]), max_size=8)),
    max_size=6,
).map("".join)
"""Random Unicode (every code point but lone surrogates, which no UTF-8 file holds), with
the characters and pieces that break things mixed in often enough to be met."""

YAML_SCALARS = st.one_of(
    st.sampled_from(
        [
            "010",
            "0x1F",
            "0b101",
            "0o7",
            "1_000",
            "1:30",
            "190:20:30",
            "+5",
            "-0",
            ".inf",
            "-.Inf",
            ".nan",
            "~",
            "null",
            "",
            "yes",
            "No",
            "on",
            "OFF",
            "y",
            "2019-02-30",
            "2019-01-01",
            "2019-01-01 10:00:00",
            "1e3",
            "!!binary aGVq",
            "!!int '3'",
            "!!str 3",
            "!!float x",
            "!!python/name:os.system",
            "&a x",
            "*a",
            "'quoted''s'",
            '"\\u202e\\x85"',
            '"\\N\\L\\P"',
            "|\n  block\n",
            ">\n  folded\n",
            ">-\n  kept\n",
            "[1, 2]",
            "{a: 1}",
            "- x",
            "? x",
            "@x",
            "`x",
            "%x",
            "!x",
            "=SUM(A1)",
            "<script>",
            "[bold]x[/bold]",
        ]
    ),
    ANY_TEXT.map(json.dumps),  # any text, as a double-quoted YAML scalar
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
)

FIELDS = (
    "    page: 1\n",
    '    quote: "Børn får det bedre"\n',
    '  dataset_version: "0.1"\n',
    '    issued: "2019"\n',
    "    evidence: effekt\n",
    "    theme: boern\n",
)
"""Lines of the mini dataset whose value a random scalar replaces."""


@pytest.mark.usefixtures("english")
@SETTINGS
@given(field=st.sampled_from(FIELDS), scalar=YAML_SCALARS)
def test_random_yaml_scalars(field: str, scalar: str) -> None:
    """Any YAML scalar in place of a page, a quote, a version, a year, a vocabulary word."""
    key = field.split(":", 1)[0]
    text = MINI_TEXT.replace(field, f"{key}: {scalar}\n", 1)
    with scratch() as directory:
        data = directory / "data.yaml"
        data.write_text(text, encoding="utf-8")
        run_everything(data)


def _with(text: str, old: str, new: str) -> str:
    assert old in text
    return text.replace(old, new, 1)


def _run_on(text: str) -> None:
    with scratch() as directory:
        data = directory / "data.yaml"
        data.write_text(text, encoding="utf-8")
        run_everything(data)


@pytest.mark.usefixtures("english")
@SETTINGS
@given(summary=ANY_TEXT, name=ANY_TEXT)
def test_random_unicode_in_one_line_texts(summary: str, name: str) -> None:
    """Random Unicode in a finding's summary and a theme's name, which must be one line."""
    text = _with(
        MINI_TEXT,
        "{da: Børn får det bedre., en: Children do better.}",
        f"{{da: {json.dumps(summary)}, en: x}}",
    )
    _run_on(
        _with(
            text,
            "{da: Børn og forældre, en: Children and parents}",
            f"{{da: {json.dumps(name)}, en: y}}",
        )
    )


@pytest.mark.usefixtures("english")
@SETTINGS
@given(explanation=ANY_TEXT, note=ANY_TEXT)
def test_random_unicode_in_running_texts(explanation: str, note: str) -> None:
    """Random Unicode in an explanation and a classification note (running texts, which may
    hold line breaks and which the exports carry)."""
    text = _with(
        MINI_TEXT,
        "explanation: {da: Testet., en: Tested.}",
        f"explanation: {{da: {json.dumps(explanation)}, en: x}}",
    )
    line = "    activity: {da: lektiecafé, en: homework club}\n"
    _run_on(
        _with(text, line, f"{line}    classification_note: {{da: {json.dumps(note)}, en: z}}\n")
    )


def _regular(directory: Path, content: bytes) -> Path:
    path = directory / "file.yaml"
    path.write_bytes(content)
    return path


def _fifo(directory: Path, _content: bytes) -> Path:
    path = directory / "fifo.csl"
    os.mkfifo(path)
    return path


def _link_to_fifo(directory: Path, content: bytes) -> Path:
    link = directory / "link.yaml"
    link.symlink_to(_fifo(directory, content))
    return link


def _socket(directory: Path, _content: bytes) -> Path:
    path = directory / "s.yaml"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(path))
    server.close()  # the socket file stays
    return path


def _loop(directory: Path, _content: bytes) -> Path:
    path = directory / "loop.yaml"
    path.symlink_to(path)
    return path


FILE_KINDS: dict[str, Callable[[Path, bytes], Path]] = {
    "regular": _regular,
    "utf-16": lambda d, c: _regular(
        d, MINI_TEXT.encode("utf-16") if not c else c.decode("latin-1").encode("utf-16")
    ),
    "directory": lambda d, _c: d,
    "fifo": _fifo,
    "link to a fifo": _link_to_fifo,
    "socket": _socket,
    "symlink loop": _loop,
    "missing": lambda d, _c: d / "missing.yaml",
    "/dev/null": lambda _d, _c: Path("/dev/null"),
    "/dev/zero": lambda _d, _c: Path("/dev/zero"),
}


@pytest.mark.usefixtures("english")
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    kind=st.sampled_from(sorted(FILE_KINDS)),
    content=st.binary(max_size=200),
    role=st.sampled_from(["data", "validate", "against", "style"]),
)
def test_random_kinds_of_file(kind: str, content: bytes, role: str) -> None:
    """Any kind of file as --data, as a file to validate, as --against or as --style: a
    message or an answer, never a hang."""
    with scratch() as directory:
        path = FILE_KINDS[kind](directory, content)
        args = {
            "data": ["--data", str(path), "findings"],
            "validate": ["validate", str(path)],
            "against": ["validate", str(FIXTURES / "mini.yaml"), "--against", str(path)],
            "style": ["--data", str(FIXTURES / "mini.yaml"), "cite", "--style", str(path)],
        }[role]
        assert_handled(invoke(args))
