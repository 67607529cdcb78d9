"""The store: the same answers as the plain in-memory dataset, and never a stale or broken one.

The referee is `query.py` over the dataset `dataset.load.load_dataset` reads from the
YAML: the store must answer every question exactly as those pure functions do.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import stat
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from boligsocial_cli.dataset.load import load_dataset
from boligsocial_cli.dataset.locations import bundled_dataset_path
from boligsocial_cli.errors import DatasetError, UsageError
from boligsocial_cli.model import Dataset, EvidenceKind
from boligsocial_cli.query import (
    FindingFilter,
    ReferenceSelection,
    filter_findings,
    relax_empty_query,
    select_references,
)
from boligsocial_cli.resolver import resolve_finding
from boligsocial_cli.store import freshness, location
from boligsocial_cli.store.location import open_store
from boligsocial_cli.store.store import Store

from .conftest import FIXTURES

BUNDLED = bundled_dataset_path()
MINI = FIXTURES / "mini.yaml"
OVERLAY = FIXTURES / "overlay-adds.yaml"
STACKS = {"bundled": (BUNDLED,), "mini+overlay": (MINI, OVERLAY)}


@pytest.fixture
def cache(tmp_path: Path) -> dict[str, str]:
    """An environment whose store lives in a fresh directory."""
    return {"BOLIGSOCIAL_CACHE_DIR": str(tmp_path / "store")}


def databases(env: dict[str, str]) -> list[Path]:
    folder = Path(env["BOLIGSOCIAL_CACHE_DIR"])
    found = folder.glob("*.sqlite3") if folder.exists() else ()
    return sorted(path for path in found if not path.name.startswith("."))


# --- the contract, against the referee -----------------------------------------------


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Store, Dataset]]:
    folder = tmp_path_factory.mktemp("stores")
    env = {"BOLIGSOCIAL_CACHE_DIR": str(folder)}
    return {
        name: (open_store(paths, env=env), load_dataset(paths)) for name, paths in STACKS.items()
    }


WORDS = ("unge", "boern", "tryghed", "fritidsjob", "effekt", "zzzz", "kriminalitet", "u")


@st.composite
def filters(draw: st.DrawFn, dataset: Dataset) -> FindingFilter:
    themes = [theme.id for theme in dataset.themes]
    works = [reference.id for reference in dataset.references]
    return FindingFilter(
        themes=tuple(draw(st.lists(st.sampled_from(themes), max_size=2))),
        evidence=tuple(draw(st.lists(st.sampled_from(list(EvidenceKind)), max_size=2))),
        effects_only=draw(st.booleans()),
        search=draw(
            st.none() | st.lists(st.sampled_from(WORDS), min_size=1, max_size=2).map(" ".join)
        ),
        cites=tuple(draw(st.lists(st.sampled_from(works), max_size=1))),
        target_group=draw(st.none() | st.sampled_from(("unge", "børn", "x"))),
        outcome=draw(st.none() | st.sampled_from(("job", "tryg"))),
        activity=draw(st.none() | st.sampled_from(("lektie", "mentor"))),
    )


@pytest.mark.parametrize("stack", list(STACKS))
@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_findings_are_those_of_the_referee(
    stores: dict[str, tuple[Store, Dataset]], stack: str, data: st.DataObject
) -> None:
    """For any filters, the store finds what query.filter_findings finds, in the same order,
    and suggests the relaxed filter query.relax_empty_query suggests."""
    store, dataset = stores[stack]
    criteria = data.draw(filters(dataset))
    answer = store.findings(criteria)
    assert answer.dataset.findings == filter_findings(dataset, criteria)
    expected_relaxed = None if answer.dataset.findings else relax_empty_query(dataset, criteria)
    assert answer.relaxed == expected_relaxed
    cited = {c for finding in answer.dataset.findings for c in finding.citations}
    assert {reference.id for reference in answer.dataset.references} == cited & {
        reference.id for reference in dataset.references
    }


@pytest.mark.parametrize("stack", list(STACKS))
@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_references_are_those_of_the_referee(
    stores: dict[str, tuple[Store, Dataset]], stack: str, data: st.DataObject
) -> None:
    """For any selection, the store cites what query.select_references cites, in order."""
    store, dataset = stores[stack]
    pick = st.lists(st.sampled_from([f.id for f in dataset.findings]), max_size=2)
    selection = ReferenceSelection(
        keys=tuple(
            data.draw(st.lists(st.sampled_from([r.id for r in dataset.references]), max_size=2))
        ),
        findings=tuple(data.draw(pick)),
        themes=tuple(
            data.draw(st.lists(st.sampled_from([t.id for t in dataset.themes]), max_size=2))
        ),
        effects_only=data.draw(st.booleans()),
        booklet=data.draw(st.booleans()),
    )
    assert store.references(selection) == select_references(dataset, selection)


@pytest.mark.parametrize("stack", list(STACKS))
@pytest.mark.parametrize(
    "typed", ["boern-effekt", "BOERN", "børn-eff", "fritidsjob-tre", "x", "", "lokalt"]
)
def test_one_finding_is_resolved_as_the_referee_does(
    stores: dict[str, tuple[Store, Dataset]], stack: str, typed: str
) -> None:
    """An id, a spelling of it or a unique prefix finds the finding; else the same error."""
    store, dataset = stores[stack]
    assert _answer(lambda: (store.finding(typed).dataset.findings[0],)) == _answer(
        lambda: (resolve_finding(dataset.findings, typed),)
    )


def _answer(ask: Callable[[], object]) -> object:
    """What a question answers, or the message of the UsageError it raises."""
    try:
        return ask()
    except UsageError as error:
        return str(error)


@pytest.mark.parametrize("stack", list(STACKS))
def test_the_outline_is_the_dataset_without_its_findings(
    stores: dict[str, tuple[Store, Dataset]], stack: str
) -> None:
    """Themes, background, glossary… as read from the YAML; counts per theme and kind."""
    store, dataset = stores[stack]
    outline = store.outline()
    for part in ("meta", "evidence_kinds", "themes", "challenges", "background", "glossary"):
        assert getattr(outline.dataset, part) == getattr(dataset, part)
    pairs = [(f.theme, f.evidence) for f in dataset.findings]
    assert outline.counts == {pair: pairs.count(pair) for pair in set(pairs)}
    assert store.works() == dataset.references
    assert store.finding_ids() == tuple(f.id for f in dataset.findings)


# --- freshness -------------------------------------------------------------------------


def copy_of_mini(tmp_path: Path) -> Path:
    data = tmp_path / "data.yaml"
    data.write_bytes(MINI.read_bytes())
    return data


def summary_of(path: Path, env: dict[str, str]) -> str:
    return open_store([path], env=env).finding("boern-effekt").dataset.findings[0].summary.da


def test_an_edit_that_keeps_size_and_modification_time_is_seen(
    tmp_path: Path, cache: dict[str, str]
) -> None:
    """An edit in the same second that keeps the file's size (and even its mtime) is read."""
    data = copy_of_mini(tmp_path)
    before = summary_of(data, cache)
    info = data.stat()
    text = data.read_text(encoding="utf-8")
    changed = text.replace(before, before[::-1])
    assert len(changed.encode()) == info.st_size
    data.write_text(changed, encoding="utf-8")
    os.utime(data, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert data.stat().st_size == info.st_size
    assert data.stat().st_mtime_ns == info.st_mtime_ns
    assert summary_of(data, cache) == before[::-1]


def test_racy_stamps_are_checked_by_content_and_then_settle(tmp_path: Path) -> None:
    """Stamps within RACY_NS of verification are not trusted alone: the bytes decide. Once
    verified well after the change, the stamps alone are trusted (no re-reading)."""
    data = copy_of_mini(tmp_path)
    info = data.stat()
    source = freshness.describe(data, info.st_ctime_ns)
    assert source is not None
    crafted = replace(source, digest="0" * 64)
    assert freshness.check(crafted, info.st_ctime_ns) is None  # racy: the bytes differ
    later = info.st_ctime_ns + 2 * freshness.RACY_NS
    settled = freshness.check(source, later)
    assert settled is not None
    assert settled.verified_ns == later
    trusted = replace(settled, digest="0" * 64)
    assert freshness.check(trusted, later + 1) == trusted  # settled: stamps alone


def test_a_settled_database_is_not_read_again(
    tmp_path: Path, cache: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """After one check past the racy window, a lookup reads no dataset file's bytes."""
    data = copy_of_mini(tmp_path)
    old = time.time_ns() - 10 * freshness.RACY_NS
    os.utime(data, ns=(old, old))
    open_store([data], env=cache)  # built now: the file's ctime is recent, so it is racy
    real_time = time.time_ns
    monkeypatch.setattr(time, "time_ns", lambda: real_time() + 3 * freshness.RACY_NS)
    open_store([data], env=cache)  # verified by content, and recorded as settled
    reads: list[Path] = []
    real_describe = freshness.describe

    def describe(path: Path, now_ns: int) -> freshness.Source | None:
        reads.append(path)
        return real_describe(path, now_ns)

    monkeypatch.setattr(freshness, "describe", describe)
    assert summary_of(data, cache)
    assert reads == []


def test_a_deleted_file_is_an_error_not_an_old_answer(
    tmp_path: Path, cache: dict[str, str]
) -> None:
    """The store never answers for a file that is gone."""
    data = copy_of_mini(tmp_path)
    summary_of(data, cache)
    data.unlink()
    with pytest.raises(DatasetError, match=r"data\.yaml"):
        open_store([data], env=cache)


# --- faults ----------------------------------------------------------------------------


def damage(path: Path, how: str) -> None:
    if how == "truncated":
        path.write_bytes(path.read_bytes()[:4096])
    elif how == "garbage":
        path.write_bytes(os.urandom(8192))
    elif how == "empty":
        path.write_bytes(b"")
    elif how == "foreign":
        path.unlink()
        connection = sqlite3.connect(path)
        connection.execute("CREATE TABLE info(key TEXT, value TEXT)")
        connection.execute("INSERT INTO info VALUES ('schema', 'someone else')")
        connection.commit()
        connection.close()
    else:
        connection = sqlite3.connect(path)
        sql = {
            "text page": "UPDATE findings SET record = json_set(record, '$.page', 'three')",
            "int qualifiers": "UPDATE findings SET record = json_set(record, '$.qualifiers', 7)",
            "unknown kind": "UPDATE findings SET record = json_set(record, '$.evidence', 'x')",
            "not json": "UPDATE findings SET record = '{'",
            "no outline": "DELETE FROM outline",
            "odd count": "UPDATE counts SET evidence = 'x'",
            "dropped table": "DROP TABLE works",
        }[how]
        connection.execute(sql)
        connection.commit()
        connection.close()
    path.chmod(0o600)


FAULTS = (
    "truncated",
    "garbage",
    "empty",
    "foreign",
    "text page",
    "int qualifiers",
    "unknown kind",
    "not json",
    "no outline",
    "odd count",
    "dropped table",
)


@pytest.mark.parametrize("how", FAULTS)
def test_a_damaged_or_crafted_database_is_rebuilt(
    tmp_path: Path, cache: dict[str, str], how: str
) -> None:
    """Whatever happened to the database, every question gets the right answer."""
    data = copy_of_mini(tmp_path)
    expected = load_dataset([data])
    open_store([data], env=cache)
    (database,) = databases(cache)
    damage(database, how)
    store = open_store([data], env=cache)
    assert store.findings(FindingFilter()).dataset.findings == expected.findings
    assert store.outline().dataset.themes == expected.themes
    assert store.works() == expected.references
    assert store.outline().counts
    (rebuilt,) = databases(cache)
    assert open_store([data], env=cache).findings(FindingFilter()).dataset.findings
    assert rebuilt.stat().st_size > 8192


def run_cli(
    args: list[str], env: dict[str, str], timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "boligsocial_cli", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**os.environ, **env},
        timeout=timeout,
        check=False,
    )


@pytest.mark.usefixtures("english")
def test_a_fifo_at_the_database_name_neither_hangs_nor_is_read(
    tmp_path: Path, cache: dict[str, str]
) -> None:
    """A FIFO (or a symlink) placed at a database's predictable name is never opened."""
    data = copy_of_mini(tmp_path)
    open_store([data], env=cache)
    (database,) = databases(cache)
    database.unlink()
    os.mkfifo(database)
    result = run_cli(["--data", str(data), "findings", "-f", "json"], cache, timeout=30)
    assert result.returncode == 0, result.stderr
    assert len(json.loads(result.stdout)) == len(load_dataset([data]).findings)
    assert stat.S_ISREG(database.stat().st_mode)


def test_a_symlinked_database_is_not_followed(tmp_path: Path, cache: dict[str, str]) -> None:
    """A symlink at the database's name is replaced, and its target left untouched."""
    data = copy_of_mini(tmp_path)
    open_store([data], env=cache)
    (database,) = databases(cache)
    target = tmp_path / "elsewhere.sqlite3"
    database.rename(target)
    database.symlink_to(target)
    before = target.read_bytes()
    assert open_store([data], env=cache).finding_ids()
    assert not database.is_symlink()
    assert target.read_bytes() == before


@pytest.mark.usefixtures("english")
def test_an_unusable_cache_directory_still_answers(tmp_path: Path) -> None:
    """With no directory to keep the store in, the answer comes from memory; --debug says so."""
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    env = {"BOLIGSOCIAL_CACHE_DIR": str(blocker / "store")}
    result = run_cli(["--debug", "--data", str(MINI), "findings", "-f", "json"], env)
    assert result.returncode == 0
    assert len(json.loads(result.stdout)) == len(load_dataset([MINI]).findings)
    assert result.stderr.count("\n") == 1
    assert "cannot be kept" in result.stderr
    quiet = run_cli(["--data", str(MINI), "themes"], env)
    assert quiet.returncode == 0
    assert quiet.stderr == ""


def test_store_files_are_readable_by_their_owner_only(
    tmp_path: Path, cache: dict[str, str]
) -> None:
    """The directory is 0700 and each database 0600."""
    open_store([copy_of_mini(tmp_path)], env=cache)
    (database,) = databases(cache)
    assert stat.S_IMODE(database.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(database.stat().st_mode) == 0o600


def test_a_database_others_may_write_is_not_trusted(tmp_path: Path, cache: dict[str, str]) -> None:
    """A database that group or others could have written is rebuilt, not read."""
    data = copy_of_mini(tmp_path)
    open_store([data], env=cache)
    (database,) = databases(cache)
    damage(database, "text page")
    database.chmod(0o666)
    assert open_store([data], env=cache).findings(FindingFilter()).dataset.findings
    assert stat.S_IMODE(databases(cache)[0].stat().st_mode) == 0o600


def big_overlay(path: Path, findings: int) -> Path:
    lines = ["extends: bundled", "findings:"]
    for number in range(findings):
        lines += [
            f"  - id: stor-{number}",
            "    theme: kriminalitet",
            "    evidence: forandring",
            f"    summary: {{da: 'Fund nummer {number} om unge.', en: 'Finding {number}.'}}",
            f"    quote: 'Fund nummer {number}'",
            "    page: 2",
            "    citations: []",
        ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_build_killed_midway_leaves_nothing_trusted(
    tmp_path: Path, cache: dict[str, str]
) -> None:
    """SIGKILL during a build leaves at most a temporary file, which no run opens and a later
    build removes once it is old."""
    data = big_overlay(tmp_path / "big.yaml", 8_000)
    process = subprocess.Popen(
        [sys.executable, "-m", "boligsocial_cli", "--data", str(data), "themes"],
        env={**os.environ, **cache},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    folder = Path(cache["BOLIGSOCIAL_CACHE_DIR"])
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not list(folder.glob(".build-*")):
        if process.poll() is not None:
            pytest.fail("the build finished before it could be killed")
        time.sleep(0.005)
    process.send_signal(signal.SIGKILL)
    process.wait()
    leftovers = list(folder.glob(".build-*"))
    assert leftovers
    assert databases(cache) == []
    old = time.time() - 2 * location.STALE_BUILD_SECONDS
    for leftover in leftovers:
        os.utime(leftover, (old, old))
    result = run_cli(["--data", str(MINI), "findings", "-f", "json"], cache)
    assert result.returncode == 0
    assert not list(folder.glob(".build-*"))


def test_twenty_processes_on_an_empty_store_all_answer_right(cache: dict[str, str]) -> None:
    """Started together on an empty store, every process prints the same right answer."""
    command = [sys.executable, "-m", "boligsocial_cli", "findings", "-f", "json"]
    processes = [
        subprocess.Popen(
            command, env={**os.environ, **cache}, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        for _ in range(20)
    ]
    outputs = [process.communicate(timeout=120) for process in processes]
    assert all(process.returncode == 0 for process in processes), outputs[0][1]
    expected = [f.id for f in load_dataset(BUNDLED).findings]
    for stdout, stderr in outputs:
        assert [finding["id"] for finding in json.loads(stdout)] == expected
        assert stderr == b""
    assert len(databases(cache)) == 1


def test_databases_of_files_that_are_gone_are_forgotten(
    tmp_path: Path, cache: dict[str, str]
) -> None:
    """A build removes the databases of deleted files; others stay."""
    first, second = copy_of_mini(tmp_path), tmp_path / "second.yaml"
    second.write_bytes(MINI.read_bytes())
    open_store([first], env=cache)
    open_store([second], env=cache)
    assert len(databases(cache)) == 2
    first.unlink()
    open_store([BUNDLED], env=cache)
    remaining = databases(cache)
    assert len(remaining) == 2
    assert all(sqlite3.connect(p).execute("SELECT path FROM sources").fetchall() for p in remaining)


def test_the_store_is_bounded_in_size(
    tmp_path: Path, cache: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Beyond MAX_STORE_BYTES, the least recently built databases are removed first."""
    monkeypatch.setattr(location, "MAX_STORE_BYTES", 1)
    copies: list[Path] = []
    for number in range(3):
        copy = tmp_path / f"copy-{number}.yaml"
        copy.write_bytes(MINI.read_bytes())
        copies.append(copy)
        open_store([copy], env=cache)
    assert len(databases(cache)) == 1  # only the newest is kept


def test_no_cache_keeps_the_store_in_memory(tmp_path: Path) -> None:
    """BOLIGSOCIAL_NO_CACHE=1: the same answers, and nothing written."""
    env = {"BOLIGSOCIAL_CACHE_DIR": str(tmp_path / "store"), "BOLIGSOCIAL_NO_CACHE": "1"}
    assert open_store([MINI], env=env).finding_ids() == tuple(
        f.id for f in load_dataset([MINI]).findings
    )
    assert not (tmp_path / "store").exists()


def test_a_rendering_is_kept_for_the_next_run(cache: dict[str, str]) -> None:
    """`cite` renders once: the second run's text comes from the store, not from citeproc."""
    first = run_cli(["--data", str(MINI), "cite"], cache)
    code = (
        "import sys\n"
        f"sys.argv = ['boligsocial', '--data', {str(MINI)!r}, 'cite']\n"
        "from boligsocial_cli.cli import main\n"
        "try:\n    main()\nexcept SystemExit as exit:\n    assert not exit.code, exit.code\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in {'citeproc', 'lxml', 'yaml'}),"
        " file=sys.stderr)\n"
    )
    second = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**os.environ, **cache},
        check=True,
    )
    assert second.stdout == first.stdout
    assert second.stderr.strip() == "[]"


@pytest.mark.usefixtures("english")
def test_export_sqlite_writes_a_database_other_tools_open(tmp_path: Path) -> None:
    """The exported file opens in plain sqlite3 with every finding; it never overwrites."""
    target = tmp_path / "boligsocial.db"
    result = run_cli(["export", "sqlite", str(target)], {})
    assert result.returncode == 0, result.stderr
    connection = sqlite3.connect(target)
    ids = [row[0] for row in connection.execute("SELECT id FROM findings ORDER BY position")]
    assert ids == [f.id for f in load_dataset(BUNDLED).findings]
    connection.close()
    again = run_cli(["export", "sqlite", str(target)], {})
    assert again.returncode == 2
    assert "already exists" in again.stderr
    assert sqlite3.connect(target).execute("SELECT count(*) FROM findings").fetchone() == (
        len(ids),
    )
