"""Issue 17's cases, one test each: forgery, downstream injection, silent wrong values,
terminal spoofing and the edges (COLUMNS, init, long choice lists)."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner, Result

from boligsocial_cli.cli import app
from boligsocial_cli.errors import ExitCode
from boligsocial_cli.output.listings import export_csv, export_yaml
from boligsocial_cli.output.safe_text import escape_control, one_line
from tests.conftest import FIXTURES, TERMINAL

MINI = str(FIXTURES / "mini.yaml")
MINI_TEXT = (FIXTURES / "mini.yaml").read_text(encoding="utf-8")


def invoke(*args: str, columns: str = "100") -> Result:
    return CliRunner().invoke(app, list(args), env={"COLUMNS": columns, **TERMINAL})


def dataset_with(tmp_path: Path, old: str, new: str, name: str = "data.yaml") -> Path:
    """The mini dataset with one piece of its text replaced."""
    assert old in MINI_TEXT
    path = tmp_path / name
    path.write_text(MINI_TEXT.replace(old, new, 1), encoding="utf-8")
    return path


# --- forgery: line breaks, own-data marks, ids and names -----------------------------------

LINE_BREAKS = {
    "\n": "LF",
    "\r": "CR",
    "\v": "VT",
    "\f": "FF",
    "\x1c": "FS",
    "\x1d": "GS",
    "\x1e": "RS",
    "\x85": "NEL",
    "\u2028": "LINE SEPARATOR",
    "\u2029": "PARAGRAPH SEPARATOR",
}


def test_the_line_breaks_are_those_python_splits_lines_at() -> None:
    """The referee: str.splitlines, which knows every Unicode line boundary."""
    boundaries = {
        chr(code) for code in range(sys.maxunicode + 1) if len(f"a{chr(code)}b".splitlines()) == 2
    }
    assert boundaries == set(LINE_BREAKS)


@pytest.mark.usefixtures("english")
@pytest.mark.parametrize(("character", "name"), LINE_BREAKS.items(), ids=LINE_BREAKS.values())
def test_a_summary_with_any_line_break_is_refused(
    tmp_path: Path, character: str, name: str
) -> None:
    """A summary that printed a second, booklet-like block is refused, whatever its line break."""
    escaped = character.encode("unicode_escape").decode()
    if character == "\x85":
        escaped = "\\N"
    forged = f'"Børn får det bedre.{escaped}boern-x  Effekt  boern"'
    path = dataset_with(
        tmp_path, "{da: Børn får det bedre., en: Children do better.}", f"{{da: {forged}, en: x}}"
    )
    result = invoke("validate", str(path))
    assert result.exit_code == ExitCode.BAD_DATA, result.output
    assert (
        f"findings[0] (boern-effekt).summary.da: must be one line, but holds a line break "
        f"(U+{ord(character):04X} {name})"
    ) in result.stderr


@pytest.mark.usefixtures("english")
def test_a_block_scalar_is_refused_with_a_hint(tmp_path: Path) -> None:
    path = dataset_with(
        tmp_path,
        "summary: {da: Børn får det bedre., en: Children do better.}",
        "summary:\n      da: >\n        Børn får det bedre.\n      en: Children do better.",
    )
    result = invoke("validate", str(path))
    assert "a block scalar ('>' or '|') ends in one: write '>-'" in result.stderr


def test_running_texts_may_hold_line_breaks(tmp_path: Path) -> None:
    """Explanations are running text: several lines are allowed there."""
    path = dataset_with(
        tmp_path,
        "explanation: {da: Testet., en: Tested.}",
        'explanation: {da: "Testet.\\n\\nAf andre.", en: Tested.}',
    )
    assert invoke("validate", str(path)).exit_code == 0


@pytest.mark.parametrize("columns", ["200", "60"])
@pytest.mark.parametrize(
    "command", [("findings",), ("findings", "--long"), ("themes",), ("show", "lokalt-lektiecafe")]
)
def test_every_line_of_own_data_is_marked(command: tuple[str, ...], columns: str) -> None:
    """Every line an overlay's record takes up starts with the gutter, wrapped lines too;
    no line of the booklet's (here mini's, laid under) does unless mini is own data too."""
    overlay = str(FIXTURES / "overlay-adds.yaml")
    result = CliRunner().invoke(
        app, ["--data", MINI, "--data", overlay, *command], env={"COLUMNS": columns, **TERMINAL}
    )
    assert result.exit_code == 0, result.output
    text = result.stdout
    for own in (
        "Medarbejderne vurderer lektiecaféen godt",
        "Flere børn kommer",
        "Lokale erfaringer",
    ):
        for line in text.splitlines():
            if own in line:
                assert "┃ " in line, line


def test_own_data_gutter_is_on_wrapped_lines(tmp_path: Path) -> None:
    """A long own summary wraps over several lines at 40 columns: each starts with the gutter."""
    long_summary = " ".join(["Ord"] * 60)
    overlay = tmp_path / "own.yaml"
    overlay.write_text(
        (FIXTURES / "overlay-adds.yaml")
        .read_text(encoding="utf-8")
        .replace("Medarbejderne vurderer lektiecaféen godt.", long_summary, 1),
        encoding="utf-8",
    )
    result = CliRunner().invoke(
        app,
        ["--data", MINI, "--data", str(overlay), "show", "lokalt-lektiecafe"],
        env={"COLUMNS": "40", **TERMINAL},
    )
    lines = [line for line in result.stdout.splitlines() if "Ord" in line]
    assert len(lines) > 5
    assert all(line.startswith("┃ ") for line in lines)


SHADOWING = """extends: bundled
themes:
  - id: krim
    name: {da: Kriminalitet, en: Our crime}
    summary: {da: Vores egne., en: Our own.}
"""


def test_an_exact_id_wins_over_an_overlay_name(tmp_path: Path) -> None:
    """`--theme kriminalitet`, the booklet's id, means the booklet's theme even when an
    overlay theme is named "Kriminalitet"; `--theme krim` is the overlay's id."""
    overlay = tmp_path / "krim.yaml"
    overlay.write_text(SHADOWING, encoding="utf-8")
    booklet = CliRunner().invoke(
        app, ["--data", str(overlay), "findings", "--theme", "kriminalitet", "-f", "json"]
    )
    assert booklet.exit_code == 0, booklet.output
    assert {row["theme"] for row in yaml.safe_load(booklet.stdout)} == {"kriminalitet"}


@pytest.mark.usefixtures("english")
def test_validate_warns_when_a_name_shadows_an_id_or_a_name(tmp_path: Path) -> None:
    overlay = tmp_path / "krim.yaml"
    overlay.write_text(
        SHADOWING + "  - id: vores\n    name: {da: Kriminalitet og tryghed, en: Our crime}\n"
        "    summary: {da: X., en: X.}\n",
        encoding="utf-8",
    )
    result = invoke("validate", str(overlay))
    assert result.exit_code == 0, result.output
    lines = result.stderr.splitlines()
    assert lines[0] == (
        f"Warning: {overlay}:3: themes[0] (krim).name: the name 'Kriminalitet' is also the id "
        "of theme 'kriminalitet', and an id always wins: typed, it means 'kriminalitet', not "
        "this theme"
    )
    assert lines[1] == (
        f"{overlay}:6: themes[1] (vores).name: the name 'Our crime' is also a name of theme "
        "'krim': typed, it matches both and is ambiguous"
    )
    assert lines[-1].startswith("OK: bundled + ")


def test_the_bundled_data_shadows_nothing() -> None:
    result = invoke("validate")
    assert result.stderr.startswith("OK: bundled: ")


# --- downstream injection ------------------------------------------------------------------

FORMULAS = ('=HYPERLINK("http://evil")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\tx")


@pytest.mark.parametrize("formula", FORMULAS)
def test_csv_cells_never_start_a_formula(formula: str) -> None:
    """Read back with the csv module, no text cell starts with = + - @ or a tab."""
    rows = [{"id": "x", "summary": formula, "page": 3}]
    (row,) = csv.DictReader(io.StringIO(export_csv(rows, ["id", "summary", "page"])))
    assert row["summary"] == "'" + formula
    assert row["page"] == "3"


def test_csv_raw_keeps_cells_as_they_are(tmp_path: Path) -> None:
    path = dataset_with(
        tmp_path, "{da: Børn får det bedre., en: Children do better.}", '{da: "=1+1", en: x}'
    )
    raw = invoke("--data", str(path), "findings", "-f", "csv-raw")
    cooked = invoke("--data", str(path), "findings", "-f", "csv")
    assert next(csv.DictReader(io.StringIO(raw.stdout)))["summary"] == "=1+1"
    assert next(csv.DictReader(io.StringIO(cooked.stdout)))["summary"] == "'=1+1"


HTML_ATTACKS = (
    "<script>alert(1)</script> <img src=x onerror=alert(2)> [klik](javascript:alert(3)) "
    "<javascript:alert(4)> ![b](javascript:alert(5))"
)


@pytest.mark.parametrize("command", [("findings",), ("themes",), ("cite",)])
def test_markdown_renders_data_as_text(tmp_path: Path, command: tuple[str, ...]) -> None:
    """Rendered by pandoc (the referee; .ci/run installs it) to HTML, the data's HTML and
    links are text: no <script>, no <img>, no javascript: link."""
    assert shutil.which("pandoc"), "pandoc is needed: apt-get install -y pandoc"
    data = yaml.safe_load(MINI_TEXT)
    data["findings"][0]["summary"]["da"] = HTML_ATTACKS
    data["themes"][0]["summary"]["da"] = HTML_ATTACKS
    data["references"][0]["title"] = HTML_ATTACKS
    path = tmp_path / "attack.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = invoke("--data", str(path), *command, "-f", "markdown")
    assert result.exit_code == 0, result.output
    html = subprocess.run(
        ["pandoc", "-f", "gfm", "-t", "html"],
        input=result.stdout,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    if command != ("cite",):
        assert "&lt;script&gt;" in html
    for forbidden in ("<script", "<img", 'href="javascript:', "href='javascript:"):
        assert forbidden not in html


# --- silent wrong values -------------------------------------------------------------------


@pytest.mark.usefixtures("english")
@pytest.mark.parametrize(
    ("written", "form", "read_as"),
    [
        ("010", "an octal number (it starts with 0)", 8),
        ("0x9", "a hexadecimal number", 9),
        ("0b11", "a binary number", 3),
        ("1_0", "a number with '_' between its digits", 10),
        ("1:30", "a base-60 number", 90),
    ],
)
def test_a_page_not_in_plain_decimal_is_refused(
    tmp_path: Path, written: str, form: str, read_as: int
) -> None:
    """PyYAML itself (the referee) reads these as whole numbers; validate refuses each form."""
    assert yaml.safe_load(f"page: {written}")["page"] == read_as
    path = dataset_with(tmp_path, "    page: 1\n", f"    page: {written}\n")
    result = invoke("validate", str(path))
    assert result.exit_code == ExitCode.BAD_DATA
    assert (
        f"page: {written!r} is {form} in YAML 1.1, read as {read_as}: write the number in "
        f"plain decimal digits (such as {read_as})"
    ) in result.stderr
    assert result.stderr.count(f"{written!r}") == 1


@pytest.mark.parametrize("written", ["1", "+2", "12"])
def test_plain_decimal_pages_are_read(tmp_path: Path, written: str) -> None:
    path = dataset_with(tmp_path, "  pages: 2\n", "  pages: 20\n")
    path.write_text(
        path.read_text(encoding="utf-8").replace("    page: 1\n", f"    page: {written}\n", 1),
        encoding="utf-8",
    )
    assert invoke("validate", str(path)).exit_code == 0


ALL_OF_UNICODE = st.text(st.characters(blacklist_categories=["Cs"]), max_size=40)
"""Every code point a str from a UTF-8 file can hold (lone surrogates cannot)."""


@settings(max_examples=500, deadline=None)
@given(ALL_OF_UNICODE)
def test_yaml_export_reads_back_every_string_exactly(text: str) -> None:
    """PyYAML's safe loader (the referee) reads the export back to the very same string."""
    rows = [{"summary": text, "citations": [text]}]
    assert yaml.safe_load(export_yaml(rows, ["summary", "citations"])) == rows


@pytest.mark.parametrize(
    "character", ["\x85", "\u2028", "\u2029", "\ufeff", "\u202e", "\x00", "\r"]
)
def test_yaml_export_escapes_what_a_reader_would_change(character: str) -> None:
    dumped = export_yaml([{"x": f"a{character}b"}], ["x"])
    assert character not in dumped
    assert yaml.safe_load(dumped) == [{"x": f"a{character}b"}]


# --- terminal spoofing ---------------------------------------------------------------------


def test_every_format_character_is_made_visible() -> None:
    """The referee is the running Python's Unicode database: every Cf character (bidi
    controls, zero-width spaces and joiners, the soft hyphen…) is escaped."""
    format_characters = [
        chr(c) for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)) == "Cf"
    ]
    assert len(format_characters) > 150
    for character in format_characters:
        shown = escape_control(f"a{character}b")
        assert character not in shown
        assert (
            shown == f"a\\u{ord(character):04x}b"
            or shown == f"a\\U{ord(character):08x}b"
            or shown == "a\\xadb"
        )


def test_bidi_override_in_data_is_shown_escaped(tmp_path: Path) -> None:
    path = dataset_with(
        tmp_path,
        "{da: Børn får det bedre., en: Children do better.}",
        '{da: "Godt \\u202eskidt", en: x}',
    )
    for command in (("findings",), ("show", "boern-effekt"), ("findings", "-f", "csv")):
        result = invoke("--data", str(path), *command)
        assert "\u202e" not in result.stdout
        assert "Godt \\u202eskidt" in result.stdout


def test_one_problem_is_one_line_whatever_the_file_name(tmp_path: Path) -> None:
    """A file name with a newline and a bidi override: each problem still on one line."""
    path = tmp_path / "to\nlinjer\u202e.yaml"
    path.write_text(
        MINI_TEXT.replace("  - id: boern-effekt", "  - id: Boern-effekt").replace(
            "  - id: boern-forandring", "  - id: Boern"
        ),
        encoding="utf-8",
    )
    result = invoke("validate", str(path))
    assert result.exit_code == ExitCode.BAD_DATA
    lines = result.stderr.splitlines()
    assert len(lines) == 2
    assert all("to\\nlinjer\\u202e.yaml:" in line for line in lines)


def test_one_line_escapes_every_line_break() -> None:
    for character in LINE_BREAKS:
        assert len(one_line(f"a{character}b").splitlines()) == 1


# --- edges ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("columns", "widest"), [("0", 20), ("1", 20), ("10000000", 1000), ("abc", 80)]
)
def test_columns_outside_a_sane_range_are_clamped(columns: str, widest: int) -> None:
    """COLUMNS=0 printed nothing, COLUMNS=10000000 wrote 630 MB: both are clamped."""
    result = invoke("--data", MINI, "about", columns=columns)
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines
    assert max(len(line) for line in lines) == widest


@pytest.mark.usefixtures("english")
def test_init_refuses_a_directory_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = invoke("init", "new/")
    assert result.exit_code == ExitCode.BAD_USAGE
    assert (
        result.stderr
        == "Error: new/ is a directory; init writes a file: name it, such as new/egne-fund.yaml.\n"
    )
    assert list(tmp_path.iterdir()) == []
    (tmp_path / "old").mkdir()
    assert "old is a directory" in invoke("init", "old").stderr


@pytest.mark.usefixtures("english")
def test_init_refuses_an_empty_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = invoke("init", "")
    assert result.exit_code == ExitCode.BAD_USAGE
    assert (
        result.stderr
        == "Error: init needs the name of the file to write, such as egne-fund.yaml.\n"
    )


@pytest.mark.usefixtures("english")
def test_a_long_choice_list_is_cut_with_a_count(tmp_path: Path) -> None:
    """`show nope` over 10,000 findings printed 230 KB; now 20 ids and how many more."""
    head, tail = MINI_TEXT.split("findings:\n", 1)
    extra = "".join(
        f"  - id: ekstra-{index}\n    theme: boern\n    evidence: effekt\n"
        '    summary: {da: B., en: C.}\n    quote: "Børn får det bedre"\n    page: 1\n'
        "    citations: [hansen-2019]\n"
        for index in range(10_000)
    )
    path = tmp_path / "big.yaml"
    path.write_text(head + "findings:\n" + extra + tail, encoding="utf-8")
    result = invoke("--data", str(path), "show", "nope")
    assert result.exit_code == ExitCode.BAD_USAGE
    assert result.stderr.endswith(", … and 9,983 more.\n")
    assert len(result.stderr) < 1000


OVERLAID = ("--data", MINI, "--data", str(FIXTURES / "overlay-adds.yaml"))


@pytest.mark.parametrize("output", ["text", "markdown", "bibtex", "ris", "csl-json"])
def test_cite_marks_own_works_in_every_format(output: str) -> None:
    """A work from the user's files says so in every bibliography format: a label after the
    entry in text and Markdown, a note naming the file in BibTeX, RIS and CSL-JSON."""
    result = CliRunner().invoke(app, [*OVERLAID, "cite", "Eksempel Kommune 2024", "-f", output])
    assert result.exit_code == 0, result.output
    assert "[egne data]" in result.stdout.replace("\\[", "[").replace("\\]", "]")
    if output in ("bibtex", "ris", "csl-json"):
        assert "overlay-adds.yaml" in result.stdout


def test_search_hits_of_own_data_carry_the_gutter() -> None:
    result = CliRunner().invoke(
        app, [*OVERLAID, "search", "lektiecaféen"], env={"COLUMNS": "100", **TERMINAL}
    )
    assert result.exit_code == 0, result.output
    lines = [line for line in result.stdout.splitlines() if "lokalt-lektiecafe" in line]
    assert lines
    assert all(line.startswith("┃ ") for line in lines)
