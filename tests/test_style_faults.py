"""User-supplied CSL styles that would hang or crash rendering: refused with a message, exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree  # type: ignore[import-untyped]
from typer.testing import CliRunner, Result

from boligsocial_cli.bibliography.csl import MAX_STYLE_EXPANSION, CitationStyle, style_expansion
from boligsocial_cli.cli import app
from boligsocial_cli.errors import ExitCode
from tests.conftest import fails_if_it_hangs

STYLES = Path(__file__).parent.parent / "src" / "boligsocial_cli" / "bibliography" / "styles"
HEADER = (
    '<?xml version="1.0" encoding="utf-8"?>\n'
    '<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0">'
    "<info><title>t</title><id>t</id><updated>2020-01-01T00:00:00+00:00</updated></info>"
)


def style(tmp_path: Path, macros: str, citation: str, bibliography: str) -> Path:
    path = tmp_path / "style.csl"
    path.write_text(
        f"{HEADER}{macros}<citation><layout>{citation}</layout></citation>"
        f"<bibliography><layout>{bibliography}</layout></bibliography></style>",
        encoding="utf-8",
    )
    return path


def doubling_macros(depth: int) -> str:
    """Macros each calling the one before twice: 2**depth calls of the innermost one."""
    calls = [
        f'<macro name="m{level}"><text macro="m{level - 1}"/><text macro="m{level - 1}"/></macro>'
        for level in range(1, depth + 1)
    ]
    return '<macro name="m0"><text variable="title"/></macro>' + "".join(calls)


def cite(*args: str) -> Result:
    with fails_if_it_hangs():
        return CliRunner().invoke(app, ["cite", *args])


@pytest.mark.usefixtures("english")
@pytest.mark.parametrize("depth", [16, 20, 64])
def test_exponential_macros_are_too_complex(tmp_path: Path, depth: int) -> None:
    """The red team's 5 KB style (25 s at depth 16, endless at 20) is refused before rendering."""
    top = f'<text macro="m{depth}"/>'
    path = style(tmp_path, doubling_macros(depth), top, top)
    result = cite("Massey 1994", "--style", str(path))
    assert result.exit_code == ExitCode.BAD_USAGE
    assert result.stderr.startswith(f"Error: {path}: style too complex: ")
    assert result.stdout == ""


@pytest.mark.usefixtures("english")
def test_a_macro_calling_itself_is_too_complex(tmp_path: Path) -> None:
    macros = '<macro name="a"><text macro="b"/></macro><macro name="b"><text macro="a"/></macro>'
    path = style(tmp_path, macros, '<text macro="a"/>', '<text variable="title"/>')
    result = cite("--style", str(path))
    assert result.exit_code == ExitCode.BAD_USAGE
    assert "style too complex" in result.stderr


def test_a_modest_style_with_macros_still_renders(tmp_path: Path) -> None:
    """Depth 8 (256 calls, well inside the bound) renders the title 256 times."""
    top = '<text macro="m8"/>'
    path = style(tmp_path, doubling_macros(8), top, top)
    result = cite("Massey 1994", "--style", str(path))
    assert result.exit_code == 0, result.output
    title = "Migration, segregation, and the geographic concentration of poverty"
    assert result.stdout.count(title) == 256


@pytest.mark.parametrize("builtin", list(CitationStyle))
def test_bundled_styles_are_well_inside_the_bound(builtin: CitationStyle) -> None:
    """The bound leaves room: every bundled style needs at most a seventh of it."""
    root = etree.parse(str(STYLES / builtin.file_name)).getroot()
    assert style_expansion(root) <= MAX_STYLE_EXPANSION / 7


def test_only_the_largest_branch_of_a_choose_counts(tmp_path: Path) -> None:
    """One branch of a <choose> is rendered: the count is its largest branch, not their sum."""
    branch = '<text variable="title"/>' * 10
    choose = f'<choose><if type="book">{branch}</if><else>{branch}</else></choose>'
    path = style(tmp_path, "", choose, "<text value='x'/>")
    root = etree.parse(str(path)).getroot()
    # layout 1 + choose 1 + if 1 + ten texts; the citation element itself 1
    assert style_expansion(root) == 14


@pytest.mark.usefixtures("english")
def test_an_empty_layout_names_the_entry(tmp_path: Path) -> None:
    """<bibliography><layout/></bibliography> renders nothing: a message, not a zip() traceback."""
    path = style(tmp_path, "", '<text variable="title"/>', "")
    result = cite("Massey 1994", "--style", str(path))
    assert result.exit_code == ExitCode.BAD_USAGE
    assert result.stderr.splitlines()[-1] == (
        f"Error: {path}: the style's bibliography renders nothing for "
        "'Massey, Gross & Shibuya, 1994': it does not cover that kind of work"
    )


@pytest.mark.usefixtures("english")
def test_a_style_covering_reports_only_names_the_article(tmp_path: Path) -> None:
    """Massey 1994 is an article; a <choose> that renders reports only leaves it empty."""
    reports_only = '<choose><if type="report"><text variable="title"/></if></choose>'
    path = style(tmp_path, "", '<text variable="title"/>', reports_only)
    assert cite("Massey 1994", "--style", str(path)).stderr.endswith(
        "renders nothing for 'Massey, Gross & Shibuya, 1994': it does not cover that kind of work\n"
    )
    report = cite("Christensen 2018b", "--style", str(path))
    assert report.exit_code == 0, report.output
