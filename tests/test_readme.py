"""The README cannot drift: its examples, quick start and command list match the tool."""

from __future__ import annotations

import importlib.util
import re
import shlex
from types import ModuleType

import typer
from typer.testing import CliRunner

from boligsocial_cli.cli import app
from boligsocial_cli.dataset.load import load_dataset
from boligsocial_cli.dataset.locations import bundled_dataset_path
from boligsocial_cli.model import EvidenceKind, Lang
from boligsocial_cli.output.listings import evidence_map_rows
from boligsocial_cli.query import count_findings

from .conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


def _examples_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "readme_examples", REPO / "scripts" / "readme_examples.py"
    )
    assert spec
    assert spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def quick_start_commands() -> list[str]:
    section = README.split("## Quick start", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.DOTALL)
    assert block
    return block.group(1).strip().splitlines()


def test_readme_examples_show_what_the_tool_prints_today() -> None:
    """Every ```console example's output equals what the command prints now."""
    module = _examples_module()
    stale = [
        args for args, recorded in module.examples(README) if module.run_example(args) != recorded
    ]
    assert module.examples(README)
    assert stale == [], "run: python scripts/readme_examples.py"


def test_quick_start_is_two_commands_that_ci_runs_verbatim() -> None:
    """The quick start's first block holds exactly two commands, and .ci/run runs both."""
    commands = quick_start_commands()
    assert len(commands) == 2
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert all(command in ci for command in commands)
    assert commands[1].endswith("-m pytest")


def test_every_command_is_in_the_readme() -> None:
    """Each command of the CLI is named in the README's command reference."""
    commands = typer.main.get_command(app).commands  # type: ignore[attr-defined]
    missing = [name for name in commands if f"boligsocial {name}" not in README]
    assert missing == []


def test_readme_shows_the_latest_benchmark_figures() -> None:
    """The README's figures are docs/benchmarks.md's latest, word for word."""
    bench = (REPO / "docs" / "benchmarks.md").read_text(encoding="utf-8")
    start, end = "<!-- bench.py: start -->", "<!-- bench.py: end -->"
    figures = bench[bench.index(start) : bench.index(end) + len(end)]
    assert figures in README


def test_readme_counts_match_the_dataset() -> None:
    """The README's table of findings by theme and evidence kind is the dataset's."""
    dataset = load_dataset(bundled_dataset_path())
    for row in evidence_map_rows(dataset.themes, count_findings(dataset.findings), Lang.DA):
        counts = " | ".join(str(row[kind.value]) for kind in EvidenceKind)
        assert f"| {row['id']} | {counts} | {row['total']} |" in README


def test_readme_shows_the_brief_its_command_makes() -> None:
    """The brief quoted (as it renders) under 'Evidence briefs' is what its command writes."""
    section = README.split("## Evidence briefs", 1)[1]
    command = re.search(r"```sh\nboligsocial (.*?)\n```", section)
    assert command
    start, end = "<!-- brief: start -->\n", "<!-- brief: end -->"
    quoted = section[section.index(start) + len(start) : section.index(end)]
    shown = "".join(
        ("" if line == ">" else line.removeprefix("> ")) + "\n" for line in quoted.splitlines()
    )
    result = CliRunner().invoke(app, shlex.split(command.group(1)))
    assert result.exit_code == 0
    assert shown == result.stdout


def _drawn(svg: bytes) -> list[tuple[str, str, str]]:
    """What an SVG of the map shows: each named group's id, its texts, its shapes' sizes.

    matplotlib's exact path digits and ids of unnamed parts may differ between its
    versions; what is drawn, and where, may not.
    """
    from lxml import etree  # type: ignore[import-untyped]  # noqa: PLC0415 - this test only

    shown = []
    for group in etree.fromstring(svg).iter("{http://www.w3.org/2000/svg}g"):
        gid = group.get("id", "")
        if gid.split("-")[0] in {"bubble", "count", "gap", "theme"}:
            texts = " ".join("".join(text.itertext()) for text in group.iter("{*}text"))
            numbers = [round(float(n)) for p in group.iter("{*}path") for n in
                       re.findall(r"-?\d+(?:\.\d+)?", p.get("d", ""))]  # fmt: skip
            shown.append((gid, texts, str(numbers)))
    return shown


def test_readme_shows_the_map_the_command_draws_today() -> None:
    """docs/evidence-map.svg, shown in the README beside the command that draws it, holds the
    same bubbles, counts, gaps and names as that command's output now."""
    module = _examples_module()
    assert f"boligsocial {module.MAP_COMMAND}" in README
    assert "](docs/evidence-map.svg)" in README
    committed = _drawn(module.MAP_PICTURE.read_bytes())
    assert committed == _drawn(module.map_picture())
    counts = count_findings(load_dataset(bundled_dataset_path()).findings)
    assert sum(gid.startswith("bubble-") for gid, _, _ in committed) == len(counts)
