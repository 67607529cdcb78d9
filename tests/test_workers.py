"""Large stacks read in worker processes: the same database, the same located problems, and
no worker left behind when the process that started them is killed."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from boligsocial_cli.dataset import workers
from boligsocial_cli.dataset.load import load_dataset
from boligsocial_cli.errors import DatasetError
from boligsocial_cli.store.location import open_store

from .conftest import FIXTURES

MINI = FIXTURES / "mini.yaml"
OVERLAY = FIXTURES / "overlay-adds.yaml"

needs_two_cpus = pytest.mark.skipif(
    (os.cpu_count() or 1) < 2, reason="one CPU: every stack is read in this process"
)


@pytest.fixture
def in_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every stack of two files or more is read in two worker processes."""
    monkeypatch.setattr(workers, "PARALLEL_BYTES", 0)
    monkeypatch.setattr(workers, "worker_count", lambda _files: 2)


def tables(store_file: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table, but the time each file was last verified."""
    connection = sqlite3.connect(store_file)
    try:
        names = [
            name
            for (name,) in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            )
        ]
        rows = {
            name: connection.execute(f'SELECT * FROM "{name}"').fetchall()  # noqa: S608 - its own names
            for name in names
        }
        rows["sources"] = [row[:-1] for row in rows["sources"]]  # verified_ns: when, not what
        return rows
    finally:
        connection.close()


def exported(paths: list[Path], folder: Path) -> dict[str, list[tuple[object, ...]]]:
    store = open_store(paths, env={"BOLIGSOCIAL_NO_CACHE": "1"})
    target = folder / "store.sqlite3"
    store.export(target)
    return tables(target)


def test_a_small_stack_is_read_in_this_process() -> None:
    """The bundled data and small stacks start no worker."""
    assert not workers.reads_in_workers([MINI, OVERLAY])
    assert not workers.reads_in_workers([MINI])


def test_workers_are_bounded_by_the_cpus() -> None:
    """One worker a file, never more than os.cpu_count()."""
    cpus = os.cpu_count() or 1
    assert workers.worker_count(1) == 1
    assert workers.worker_count(1000) == cpus


def test_read_in_workers_the_database_is_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A stack read in worker processes gives row for row the database read here gives."""
    paths = [MINI, OVERLAY]
    (tmp_path / "here").mkdir()
    (tmp_path / "there").mkdir()
    here = exported(paths, tmp_path / "here")
    monkeypatch.setattr(workers, "PARALLEL_BYTES", 0)
    monkeypatch.setattr(workers, "worker_count", lambda _files: 2)
    assert workers.reads_in_workers(paths)
    there = exported(paths, tmp_path / "there")
    assert there == here
    assert here["findings"]


def broken_stack(folder: Path) -> list[Path]:
    """The mini dataset with two overlays: one of bad YAML, one with a bad record."""
    bad_yaml = folder / "bad-yaml.yaml"
    bad_yaml.write_text("findings:\n  - id: x\n    theme: [unclosed\n", encoding="utf-8")
    bad_record = folder / "bad-record.yaml"
    bad_record.write_text(
        "findings:\n  - id: uden-citat\n    theme: tryghed\n    evidence: effekt\n",
        encoding="utf-8",
    )
    return [MINI, bad_yaml, bad_record]


@pytest.mark.usefixtures("in_workers")
def test_a_bad_file_read_in_a_worker_is_the_same_located_problem(tmp_path: Path) -> None:
    """Problems found in workers come back whole: every one, with its file and line."""
    paths = broken_stack(tmp_path)
    with pytest.raises(DatasetError) as here:
        load_dataset(paths)
    with workers.reading_ahead(paths) as read, pytest.raises(DatasetError) as there:
        load_dataset(paths, read=read)
    assert there.value.problems == here.value.problems
    files = {problem.file for problem in there.value.problems}
    assert files == {str(path) for path in paths[1:]}
    assert all(problem.line for problem in there.value.problems)


# --- whole processes over a large stack ------------------------------------------------


def write_large_overlays(folder: Path, files: int, findings: int) -> list[Path]:
    """`files` overlays on the bundled data of `findings` findings each: read in workers."""
    paths = []
    for part in range(files):
        lines = ["extends: bundled"] if part == 0 else []
        lines.append("findings:")
        for number in range(findings):
            lines += [
                f"  - id: stor-{part}-{number}",
                "    theme: kriminalitet",
                "    evidence: forandring",
                f"    summary: {{da: 'Fund {number} om unge i boligområder.', en: 'Finding.'}}",
                f"    quote: 'Fund nummer {number} fra del {part} af de store filer'",
                "    page: 2",
                "    citations: []",
            ]
        path = folder / f"large-{part}.yaml"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        paths.append(path)
    assert workers.reads_in_workers(paths)
    return paths


@pytest.fixture(scope="module")
def large_stack(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return write_large_overlays(tmp_path_factory.mktemp("large"), 2, 12_000)


def children_of(pid: int) -> list[int]:
    """The processes whose parent is `pid` (Linux /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                status = (entry / "status").read_text(encoding="utf-8")
            except OSError:
                continue
            if f"\nPPid:\t{pid}\n" in status:
                found.append(int(entry.name))
    return found


def is_running(pid: int) -> bool:
    """Whether `pid` is a process that has not exited (a zombie has)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8")
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


@needs_two_cpus
@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads /proc")
@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM])
def test_no_worker_outlives_a_killed_build(
    large_stack: list[Path], tmp_path: Path, how: signal.Signals
) -> None:
    """A cold build killed while its workers read the files takes them with it."""
    data = [part for path in large_stack for part in ("--data", str(path))]
    process = subprocess.Popen(
        [sys.executable, "-m", "boligsocial_cli", *data, "themes"],
        env={**os.environ, "BOLIGSOCIAL_CACHE_DIR": str(tmp_path / "store")},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    started: list[int] = []
    while time.monotonic() < deadline and len(started) < 2:  # two workers
        if process.poll() is not None:
            pytest.fail("the build finished before its workers were seen")
        started = [
            pid
            for pid in children_of(process.pid)
            if b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes()
        ]
        time.sleep(0.01)
    assert len(started) == 2
    everyone = children_of(process.pid)  # the workers, and multiprocessing's own helper
    process.send_signal(how)
    process.wait()
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and any(map(is_running, everyone)):
        time.sleep(0.05)
    assert [pid for pid in everyone if is_running(pid)] == []


@needs_two_cpus
@pytest.mark.usefixtures("english")
def test_a_bad_large_file_is_a_located_message_not_a_traceback(
    large_stack: list[Path], tmp_path: Path
) -> None:
    """A problem in a file a worker read is reported by the CLI as one read here is."""
    broken = tmp_path / "broken.yaml"
    text = large_stack[1].read_text(encoding="utf-8")
    broken.write_text(text.replace("    page: 2\n", "    page: to\n", 1), encoding="utf-8")
    data = ["--data", str(large_stack[0]), "--data", str(broken)]
    result = subprocess.run(
        [sys.executable, "-m", "boligsocial_cli", *data, "themes"],
        env={**os.environ, "BOLIGSOCIAL_CACHE_DIR": str(tmp_path / "store")},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1
    assert f"{broken}:7: findings[0] (stor-1-0).page:" in result.stderr
    assert ".theme:" not in result.stderr  # the bundled themes it uses are known
    assert "Traceback" not in result.stderr


@needs_two_cpus
def test_a_pipe_beside_large_files_is_read_by_the_command_itself(
    large_stack: list[Path], tmp_path: Path
) -> None:
    """A file given as /dev/fd/N (a shell's `<(...)`) is the command's own: no worker has
    that descriptor, so it is not handed to one."""
    overlay = (
        "findings:\n  - id: fra-pipe\n    theme: kriminalitet\n    evidence: forandring\n"
        "    summary: {da: 'Fra en pipe.', en: 'From a pipe.'}\n    quote: 'Fra en pipe'\n"
        "    page: 2\n    citations: []\n"
    )
    read_end, write_end = os.pipe()
    with os.fdopen(write_end, "w", encoding="utf-8") as writer:
        writer.write(overlay)
    data = [part for path in (*large_stack, f"/dev/fd/{read_end}") for part in ("--data", path)]
    try:
        result = subprocess.run(
            [sys.executable, "-m", "boligsocial_cli", *map(str, data), "show", "fra-pipe"],
            pass_fds=(read_end,),
            env={**os.environ, "BOLIGSOCIAL_CACHE_DIR": str(tmp_path / "store")},
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    finally:
        os.close(read_end)
    assert result.returncode == 0, result.stderr
    assert "Fra en pipe" in result.stdout
