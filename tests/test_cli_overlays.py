"""The CLI with other datasets: --data, BOLIGSOCIAL_DATA, overlays, and `validate PATH...`."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from boligsocial_cli.cli import app
from boligsocial_cli.dataset.locations import DATA_ENV

from .conftest import TERMINAL, complete

FIXTURES = Path(__file__).parent / "fixtures"
MINI = str(FIXTURES / "mini.yaml")
ADDS = str(FIXTURES / "overlay-adds.yaml")
COLLIDES = str(FIXTURES / "overlay-collides.yaml")
REPLACES = str(FIXTURES / "overlay-replaces.yaml")
EXTENDS = str(FIXTURES / "overlay-extends.yaml")

runner = CliRunner(env={DATA_ENV: None, "COLUMNS": "200"})


def json_findings(*args: str, env: dict[str, str | None] | None = None) -> list[dict[str, object]]:
    """The findings the CLI lists as JSON, given these global options."""
    result = runner.invoke(app, [*args, "findings", "--format", "json"], env=env)
    assert result.exit_code == 0, result.stderr
    findings: list[dict[str, object]] = json.loads(result.stdout)
    return findings


def test_data_alone_reads_that_file_instead_of_the_bundled_one() -> None:
    """`--data X` points every command at X: only X's themes are listed."""
    result = runner.invoke(app, ["--data", MINI, "themes", "--format", "json"])
    assert result.exit_code == 0, result.stderr
    assert [theme["id"] for theme in json.loads(result.stdout)] == ["boern", "tryghed"]


def test_data_twice_lays_the_second_file_over_the_first() -> None:
    """A second --data adds its findings after the first file's, each with its origin."""
    findings = json_findings("--data", MINI, "--data", ADDS)
    assert [(finding["id"], finding["origin"]) for finding in findings] == [
        ("boern-effekt", MINI),
        ("boern-forandring", MINI),
        ("tryghed-forskning", MINI),
        ("lokalt-lektiecafe", ADDS),
        ("boern-lokalt", ADDS),
    ]


def test_the_environment_variable_holds_several_paths() -> None:
    """BOLIGSOCIAL_DATA takes paths separated by the OS path separator, like --data given twice."""
    findings = json_findings(env={DATA_ENV: os.pathsep.join((MINI, ADDS))})
    assert len(findings) == 5


def test_data_on_the_command_line_wins_over_the_environment() -> None:
    """--data replaces BOLIGSOCIAL_DATA rather than adding to it."""
    findings = json_findings("--data", MINI, env={DATA_ENV: os.pathsep.join((MINI, ADDS))})
    assert len(findings) == 3


def test_an_overlay_that_extends_bundled_is_read_on_top_of_the_bundled_data() -> None:
    """A file saying `extends: bundled` brings the booklet's data with it."""
    findings = json_findings("--data", EXTENDS)
    origins = {finding["origin"] for finding in findings}
    assert origins == {"bundled", EXTENDS}
    assert findings[-1]["id"] == "lektiecafe-kriminalitet-lokalt"
    assert len(findings) > 20


def test_own_findings_are_labelled_in_the_findings_table() -> None:
    """In tables, findings from outside the bundled data carry a visible 'own data' label."""
    args = ["--data", EXTENDS, "findings", "--theme", "kriminalitet"]
    result = runner.invoke(app, args, env=TERMINAL)
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    own = [line for line in lines if "lektiecafe-kriminalitet-lokalt" in line]
    booklet = [line for line in lines if "kriminalitet-fald-10-14-aarige" in line]
    assert own
    assert "[egne data]" in own[0]
    assert booklet
    assert "egne data" not in booklet[0]
    english = runner.invoke(
        app, ["--data", EXTENDS, "findings", "-t", "krim", "--lang", "en"], env=TERMINAL
    )
    assert "[own data]" in english.stdout


def test_own_findings_are_labelled_with_their_file_in_plain_text() -> None:
    """Written to a file, an own finding's paragraph names the file it came from."""
    args = ["--data", EXTENDS, "findings", "--theme", "kriminalitet"]
    lines = runner.invoke(app, args).stdout.splitlines()
    own = [line for line in lines if "lektiecafe-kriminalitet-lokalt" in line]
    assert own
    assert f"[egne data: {EXTENDS}]" in own[0]
    assert not [
        line for line in lines if "kriminalitet-fald-10-14-aarige" in line and "egne" in line
    ]


def test_show_names_the_file_an_own_finding_came_from() -> None:
    """`show` labels an own finding with its file; a bundled finding carries no such label."""
    own = runner.invoke(app, ["--data", EXTENDS, "show", "lektiecafe-kriminalitet"])
    assert own.exit_code == 0, own.stderr
    assert f"[egne data: {EXTENDS}]" in own.stdout
    booklet = runner.invoke(app, ["--data", EXTENDS, "show", "kriminalitet-fald-10-14-aarige"])
    assert booklet.exit_code == 0, booklet.stderr
    assert "egne data" not in booklet.stdout


def test_a_replacement_is_shown_with_its_file() -> None:
    """A replaced finding shows the replacement's text, labelled with the overlay's file."""
    result = runner.invoke(
        app, ["--data", MINI, "--data", REPLACES, "show", "boern-forandring", "--lang", "en"]
    )
    assert result.exit_code == 0, result.stderr
    assert "Corrected summary." in result.stdout
    assert f"[own data: {REPLACES}]" in result.stdout


@pytest.mark.usefixtures("english")
def test_a_collision_exits_1_naming_both_files_without_a_traceback() -> None:
    """Reusing an id without `replaces: true` stops every command with located problems."""
    result = runner.invoke(app, ["--data", MINI, "--data", COLLIDES, "findings"])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert f"{COLLIDES}:8: findings[0] (boern-effekt).id:" in result.stderr
    assert f"already defined at {MINI}:37" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.usefixtures("english")
def test_validate_checks_several_files_and_their_combination() -> None:
    """`validate A B` checks each file and B laid over A, and says how many findings each gave."""
    result = runner.invoke(app, ["validate", MINI, ADDS])
    assert result.exit_code == 0, result.stderr
    assert result.stderr.strip() == (
        f"OK: {MINI} + {ADDS}: 5 findings valid (3 from {MINI}, 2 from {ADDS})."
    )


@pytest.mark.usefixtures("english")
def test_validate_reports_a_collision_with_both_places() -> None:
    """`validate` of colliding files exits 1 with every problem as file:line: path: message."""
    result = runner.invoke(app, ["validate", MINI, COLLIDES])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"Error: {COLLIDES}:3: themes[0] (tryghed).id: theme 'tryghed' is already defined at "
        f"{MINI}:32; add 'replaces: true' to replace it, or choose another id",
        f"{COLLIDES}:8: findings[0] (boern-effekt).id: finding 'boern-effekt' is already "
        f"defined at {MINI}:37; add 'replaces: true' to replace it, or choose another id",
    ]


@pytest.mark.usefixtures("english")
def test_validate_of_an_overlay_checks_it_over_the_bundled_data() -> None:
    """`validate own.yaml` with `extends: bundled` checks own.yaml over the bundled dataset."""
    result = runner.invoke(app, ["validate", EXTENDS])
    assert result.exit_code == 0, result.stderr
    assert result.stderr.startswith(f"OK: bundled + {EXTENDS}: ")
    assert f", 1 from {EXTENDS})." in result.stderr


@pytest.mark.usefixtures("english")
def test_validate_reports_every_files_own_problems(tmp_path: Path) -> None:
    """Problems in several files are all reported, each with its file and line."""
    first = tmp_path / "first.yaml"
    first.write_text("themes:\n  - id: Bad Id\n", encoding="utf-8")
    second = tmp_path / "second.yaml"
    second.write_text("findings:\n  - id: x\n    evidence: effect\n", encoding="utf-8")
    result = runner.invoke(app, ["validate", MINI, str(first), str(second)])
    assert result.exit_code == 1
    assert f"{first}:2: themes[0] (Bad Id).id: 'Bad Id' is not a slug" in result.stderr
    assert f"{first}:2: themes[0] (Bad Id).name: missing (required)" in result.stderr
    assert f"{second}:3: findings[0] (x).evidence: 'effect' is not one of" in result.stderr


@pytest.mark.usefixtures("english")
def test_validate_without_paths_checks_the_data_option() -> None:
    """`--data X validate` checks X, like every other command reads X."""
    result = runner.invoke(app, ["--data", MINI, "--data", ADDS, "validate"])
    assert result.exit_code == 0, result.stderr
    assert result.stderr.startswith(f"OK: {MINI} + {ADDS}: 5 findings valid")


@pytest.mark.usefixtures("english")
def test_validate_of_an_overlay_without_a_base_says_how_to_give_it_one() -> None:
    """An overlay alone, without `extends: bundled`, is refused with the two ways to fix it."""
    result = runner.invoke(app, ["validate", ADDS])
    assert result.exit_code == 1
    assert "no meta and evidence_kinds" in result.stderr
    assert "'extends: bundled'" in result.stderr


@pytest.mark.usefixtures("english")
def test_a_missing_data_file_exits_1_with_its_name() -> None:
    """A --data path that does not exist is a located data error, not a crash."""
    result = runner.invoke(app, ["--data", "no-such-file.yaml", "themes"])
    assert result.exit_code == 1
    assert result.stderr.strip() == "Error: no-such-file.yaml: no such file"


@pytest.fixture
def own(tmp_path: Path) -> Path:
    """A file of one's own laid over the bundled data, adding the theme 'lokale'."""
    path = tmp_path / "egne.yaml"
    path.write_text(
        "extends: bundled\n"
        "themes:\n"
        "  - id: lokale\n"
        "    name: {da: Lokale erfaringer, en: Local experience}\n"
        "    summary: {da: Vores egne fund., en: Our own findings.}\n",
        encoding="utf-8",
    )
    return path


def test_own_themes_are_marked_in_themes_and_overview(own: Path) -> None:
    """A theme from the user's own file is labelled as own data in `themes` and `overview`."""
    runner = CliRunner()
    for command in ("themes", "overview"):
        result = runner.invoke(app, ["--data", str(own), command], env={"COLUMNS": "200"})
        line = next(line for line in result.stdout.splitlines() if "Lokale erfaringer" in line)
        assert "[egne data]" in line
        bundled = next(line for line in result.stdout.splitlines() if "Kriminalitet" in line)
        assert "egne data" not in bundled


def test_completion_reads_the_data_the_command_line_names(own: Path) -> None:
    """`--data egne.yaml findings --theme lo<TAB>` completes the theme from egne.yaml."""
    assert complete(f"boligsocial --data {own} findings --theme lo") == ["lokale"]
