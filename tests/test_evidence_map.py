"""The evidence map as a picture: `overview --format svg|png|html` and the record behind it.

The SVG is read back with lxml and the PNG with Pillow (matplotlib's own image reader),
and both are compared with `overview --format json`, which the terminal grid is tested
against elsewhere.
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from lxml import etree, html  # type: ignore[import-untyped]
from PIL import Image

from boligsocial_cli.dataset.load import load_dataset
from boligsocial_cli.dataset.locations import bundled_dataset_path
from boligsocial_cli.model import EvidenceKind, Lang
from boligsocial_cli.output.evidence_map import EVIDENCE_COLOURS, evidence_map
from boligsocial_cli.query import count_findings

from .conftest import FIXTURES, Invoke

SVG = "{http://www.w3.org/2000/svg}"
OWN = ("--data", str(FIXTURES / "mini.yaml"), "--data", str(FIXTURES / "overlay-adds.yaml"))
OVER_BUNDLED = ("--data", str(FIXTURES / "overlay-extends.yaml"))
"""Own findings under a theme of the bundled data, whose name then carries no mark."""


def _counts(invoke: Invoke, *data: str) -> dict[tuple[str, str], int]:
    result = invoke(*data, "overview", "--format", "json")
    assert result.exit_code == 0, result.output
    return {
        (row["id"], kind.value): row[kind.value]
        for row in json.loads(result.stdout)
        for kind in EvidenceKind
    }


def _svg(invoke: Invoke, *args: str) -> Any:
    result = invoke(*args)
    assert result.exit_code == 0, result.output
    return etree.fromstring(result.stdout_bytes)


def _text(svg: Any, gid: str) -> str:
    """The text of the group `gid`, its lines joined by spaces."""
    (group,) = [group for group in svg.iter(f"{SVG}g") if group.get("id") == gid]
    return " ".join("".join(text.itertext()) for text in group.iter(f"{SVG}text"))


def _groups(svg: Any, prefix: str) -> dict[tuple[str, str], Any]:
    found = {}
    for group in svg.iter(f"{SVG}g"):
        match = re.fullmatch(
            prefix + r"-(.+)-(effekt|forandring|vurdering|forskning)", group.get("id", "")
        )
        if match:
            found[match.group(1), match.group(2)] = group
    return found


def _radius(bubble: Any) -> float:
    """Half the width of the circle's outline, from the path's own coordinates."""
    path = bubble.find(f"{SVG}path")
    assert path is not None
    xs = [float(x) for x in re.findall(r"(-?[\d.]+) -?[\d.]+", path.get("d", ""))]
    return (max(xs) - min(xs)) / 2


@pytest.mark.parametrize("data", [(), OWN], ids=["bundled", "own data"])
def test_svg_has_one_bubble_per_nonempty_cell_and_a_gap_for_each_empty_one(
    invoke: Invoke, data: tuple[str, ...]
) -> None:
    """Bubbles and gaps in the SVG are exactly the non-zero and zero cells of the JSON map."""
    counts = _counts(invoke, *data)
    svg = _svg(invoke, *data, "overview", "--format", "svg")
    bubbles, gaps = _groups(svg, "bubble"), _groups(svg, "gap")
    assert set(bubbles) == {cell for cell, count in counts.items() if count}
    assert set(gaps) == {cell for cell, count in counts.items() if not count}
    for theme, kind in bubbles:
        assert _text(svg, f"count-{theme}-{kind}").split()[0] == str(counts[theme, kind])


def test_bubble_area_is_proportional_to_the_count(invoke: Invoke) -> None:
    """radius² / count is the same for every bubble, and each has its kind's colour."""
    counts = _counts(invoke)
    bubbles = _groups(_svg(invoke, "overview", "--format", "svg"), "bubble")
    ratios = [_radius(bubble) ** 2 / counts[cell] for cell, bubble in bubbles.items()]
    assert max(ratios) / min(ratios) == pytest.approx(1, abs=0.01)
    for (_, kind), bubble in bubbles.items():
        style = bubble.find(f"{SVG}path").get("style")
        assert f"fill: {EVIDENCE_COLOURS[EvidenceKind(kind)].lower()}" in style.lower()


@pytest.mark.parametrize(
    ("lang", "title", "kind"),
    [("da", "Evidenskort", "Forandring"), ("en", "Evidence and gap map", "Change")],
)
def test_svg_has_title_legend_and_names_in_the_language_asked(
    invoke: Invoke, lang: str, title: str, kind: str
) -> None:
    """Texts stay texts: the title, the kinds' names (in the legend too) and theme names."""
    svg = _svg(invoke, "overview", "--format", "svg", "--lang", lang)
    texts = ["".join(text.itertext()) for text in svg.iter(f"{SVG}text")]
    assert any(text.startswith(title) for text in texts)
    assert texts.count(kind) == 2  # the column heading and the legend
    assert any("Kriminalitet" in text or "Crime" in text for text in texts)


def test_own_data_is_marked_on_the_map(invoke: Invoke) -> None:
    """A theme from an overlay carries the own-data mark, a cell with own findings says how
    many and is outlined dashed, and the legend explains the dashes."""
    own_theme = _svg(invoke, *OWN, "overview", "--format", "svg")
    assert _text(own_theme, "theme-lokalt") == "Lokale erfaringer [egne data]"
    svg = _svg(invoke, *OVER_BUNDLED, "overview", "--format", "svg")
    assert _text(svg, "theme-kriminalitet") == "Kriminalitet"
    bubbles = _groups(svg, "bubble")
    own = bubbles["kriminalitet", "forandring"]
    assert "stroke-dasharray" in own.find(f"{SVG}path").get("style", "")
    assert _text(svg, "count-kriminalitet-forandring") == "4 (1 egne data)"
    plain = bubbles["tryghed-trivsel", "forandring"].find(f"{SVG}path")
    assert "stroke-dasharray" not in plain.get("style", "")
    texts = ["".join(text.itertext()) for text in svg.iter(f"{SVG}text")]
    assert any(line.startswith("Stiplet kant") for text in texts for line in text.split("\n"))
    bundled = _svg(invoke, "overview", "--format", "svg")
    assert not any("Stiplet" in "".join(text.itertext()) for text in bundled.iter(f"{SVG}text"))


def test_svg_shows_markup_and_dollars_in_names_as_typed(invoke: Invoke, tmp_path: Path) -> None:
    """A theme named with `<script>`, `$x^2$` and ESC is drawn as those characters."""
    mini = (FIXTURES / "mini.yaml").read_text(encoding="utf-8")
    hostile = tmp_path / "hostile.yaml"
    hostile.write_text(
        mini.replace(
            "{da: Børn og forældre,", '{da: "<script>alert(1)</script> $x^2$ \\e[31m",', 1
        ),
        encoding="utf-8",
    )
    assert hostile.read_text(encoding="utf-8") != mini
    svg = _svg(invoke, "--data", str(hostile), "overview", "--format", "svg")
    assert list(svg.iter("script", f"{SVG}script")) == []
    assert _text(svg, "theme-boern") == "<script>alert(1)</script> $x^2$ \\x1b[31m [egne data]"


@pytest.mark.usefixtures("english")
def test_png_is_a_picture_with_each_kinds_colour(invoke: Invoke, tmp_path: Path) -> None:
    """The PNG, written with -o, opens as an image holding the colour of every kind present."""
    target = tmp_path / "kort.png"
    result = invoke("overview", "--format", "png", "-o", str(target))
    assert result.exit_code == 0, result.output
    assert f"Wrote {target}" in result.stderr
    with Image.open(target) as image:
        assert image.format == "PNG"
        colours = {colour for _, colour in image.convert("RGB").getcolors(1_000_000) or []}
    for kind, hex_colour in EVIDENCE_COLOURS.items():
        rgb = tuple(int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
        assert rgb in colours, kind


def test_pictures_are_the_same_on_every_run(invoke: Invoke) -> None:
    """No date or random id in the files: the README's image can be checked against them."""
    for fmt in ("svg", "png"):
        first, second = (invoke("overview", "--format", fmt).stdout_bytes for _ in range(2))
        assert first == second


def test_html_map_is_a_table_with_the_json_counts(invoke: Invoke) -> None:
    """`--format html` is a document whose table holds a count per cell, read by an HTML parser."""
    counts = _counts(invoke)
    result = invoke("overview", "--format", "html", "--lang", "en")
    document = html.fromstring(result.stdout_bytes)
    assert document.get("lang") == "en"
    rows = document.xpath("//table[@class='evidence-map']/tbody/tr")
    dataset = load_dataset(bundled_dataset_path())
    assert len(rows) == len(dataset.themes)
    for theme, row in zip(dataset.themes, rows, strict=True):
        cells = [int(cell.xpath("string(.//span[@class='count'])")) for cell in row.xpath("td")]
        assert cells == [counts[theme.id, kind.value] for kind in EvidenceKind]
    assert document.xpath("//script") == []


def test_the_map_record_counts_as_count_findings_does() -> None:
    """The record's cells are `count_findings`' counts, in theme and kind order."""
    dataset = load_dataset(bundled_dataset_path())
    counts = count_findings(dataset.findings)
    evidence = evidence_map(dataset, Lang.EN)
    assert [row.theme for row in evidence.rows] == [theme.id for theme in dataset.themes]
    for row in evidence.rows:
        assert [cell.count for cell in row.cells] == [
            counts.get((row.theme, k), 0) for k in EvidenceKind
        ]
        assert all(cell.own == 0 for cell in row.cells)
    assert evidence.radius(evidence.largest) == 1
    assert evidence.radius(1) == pytest.approx((1 / evidence.largest) ** 0.5)


@pytest.mark.usefixtures("english")
def test_png_is_not_written_to_a_terminal() -> None:
    """Binary output to a terminal (a pseudo-terminal here) is refused with a hint, exit 2."""
    import pty  # noqa: PLC0415 - POSIX only, this test only

    leader, follower = pty.openpty()
    try:
        process = subprocess.run(
            [sys.executable, "-m", "boligsocial_cli", "overview", "--format", "png"],
            stdout=follower,
            stderr=subprocess.PIPE,
            check=False,
            timeout=60,
        )
    finally:
        os.close(follower)
        os.close(leader)
    assert process.returncode == 2
    assert b"-o FILE.png" in process.stderr


@pytest.mark.usefixtures("english")
def test_output_needs_a_format_and_a_writable_place(invoke: Invoke, tmp_path: Path) -> None:
    """-o with the table, into a missing folder or onto an existing file is a usage error
    naming the problem (a file is never overwritten); with csv it writes what stdout gets."""
    assert invoke("overview", "-o", str(tmp_path / "x")).exit_code == 2
    result = invoke("overview", "-f", "svg", "-o", str(tmp_path / "missing" / "x.svg"))
    assert result.exit_code == 2
    assert "Cannot write" in result.stderr
    assert "Traceback" not in result.output
    taken = tmp_path / "taken.svg"
    taken.write_text("mine", encoding="utf-8")
    refused = invoke("overview", "-f", "svg", "-o", str(taken))
    assert refused.exit_code == 2
    assert "already exists" in refused.stderr
    assert taken.read_text(encoding="utf-8") == "mine"
    written = invoke("overview", "-f", "csv", "-o", str(tmp_path / "map.csv"))
    assert written.exit_code == 0
    assert (tmp_path / "map.csv").read_text(encoding="utf-8") == invoke(
        "overview", "-f", "csv"
    ).stdout


def test_without_matplotlib_svg_says_what_to_install(
    invoke: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the `map` extra missing, svg fails with the pip command, not a traceback."""
    monkeypatch.delitem(sys.modules, "boligsocial_cli.output.map_picture", raising=False)
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    result = invoke("overview", "--format", "svg")
    assert result.exit_code == 2
    assert "boligsocial-cli[map]" in result.stderr
    assert invoke("overview", "--format", "html").exit_code == 0


def test_a_lookup_does_not_import_matplotlib_or_the_page() -> None:
    """Lookups stay as fast as before: neither matplotlib nor the page's module is imported."""
    code = (
        "import sys\nfrom boligsocial_cli.cli import main\n"
        "sys.argv = ['boligsocial', 'findings', '--theme', 'krim']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'matplotlib'"
        " or m.endswith(('.page', '.evidence_map', '.map_picture'))))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip().splitlines()[-1] == "[]"
    assert "kriminalitet" in result.stdout


def test_svg_is_written_in_utf_8_with_danish_letters(invoke: Invoke) -> None:
    """æøå reach the file as UTF-8 text, not as paths or escapes."""
    data = invoke("overview", "--format", "svg").stdout_bytes
    assert "Forældrekompetencer".lower().encode() in data.lower()
    assert io.BytesIO(data).read(5) in (b"<?xml", b"<svg ")


def _luminance(hex_colour: str) -> float:
    """WCAG 2's relative luminance of an sRGB colour."""
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


@pytest.mark.parametrize("kind", list(EvidenceKind))
def test_black_text_on_every_kinds_colour_has_enough_contrast(kind: EvidenceKind) -> None:
    """WCAG 2's contrast ratio of black on each colour is at least 4.5:1 (level AA)."""
    ratio = (_luminance(EVIDENCE_COLOURS[kind]) + 0.05) / (_luminance("#000000") + 0.05)
    assert ratio >= 4.5


def test_overview_offers_every_listing_format_and_every_picture() -> None:
    """`overview --format` is exactly the listing formats and the picture formats."""
    from boligsocial_cli.formats import OutputFormat, OverviewFormat, PictureFormat  # noqa: PLC0415

    assert [f.value for f in OverviewFormat] == [f.value for f in (*OutputFormat, *PictureFormat)]
