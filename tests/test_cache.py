"""The dataset cache: a hit is the file's own result, anything else means reading the file."""

from __future__ import annotations

import multiprocessing
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from boligsocial_cli.dataset import load as dataset
from boligsocial_cli.dataset import locations
from boligsocial_cli.dataset.load import load_dataset, read_layer
from boligsocial_cli.dataset.locations import bundled_dataset_path
from boligsocial_cli.dataset.overlay import Layer
from boligsocial_cli.errors import DatasetError
from boligsocial_cli.model import Dataset, EvidenceKind
from boligsocial_cli.query import (
    EVERY_FINDING,
    NO_FINDING,
    FindingScope,
    count_findings,
    within,
)
from boligsocial_cli.store import cache, cache_file, snapshot
from boligsocial_cli.store.cache import open_dataset_cached, read_layer_cached

FIXTURES = Path(__file__).parent / "fixtures"
FIXTURE = FIXTURES / "mini.yaml"


@pytest.fixture
def data_file(tmp_path: Path) -> Path:
    """A private copy of the small valid dataset, free to edit."""
    copy = tmp_path / "data.yaml"
    shutil.copyfile(FIXTURE, copy)
    return copy


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """An environment whose cache lives in the test's own directory."""
    return {cache.CACHE_DIR_ENV: str(tmp_path / "cache")}


def entries(env: dict[str, str]) -> list[Path]:
    """The cache entries written so far."""
    directory = Path(env[cache.CACHE_DIR_ENV])
    return sorted(directory.glob("*.file")) if directory.exists() else []


def file_entry(path: Path, directory: str) -> tuple[Path, cache.Key]:
    """The entry a file's layer is kept in, and the key it must match."""
    key = cache._key(path)
    assert key is not None
    return Path(directory) / cache._entry_name(("file", key[0][cache._NAMING])), key


def read_file_entry(entry: Path, key: cache.Key) -> Layer | None:
    """The layer in a file's entry, if the entry is whole and for `key`."""
    opened = cache_file.Entry.open(entry)
    if opened is None:
        return None
    with opened:
        if opened.key != key:
            return None
        try:
            return snapshot.load_records(opened.read(cache._LAYER), Layer)[0]
        except cache_file.UnreadableSection:
            return None


def load_cached(paths: list[Path], env: dict[str, str]) -> Dataset:
    """The whole dataset as a lookup served by the cache sees it."""
    return open_dataset_cached(paths, env=env).with_findings()


def fail_if_parsed(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make reading the file itself an error, so only a cache hit can succeed."""

    def parse(path: Path) -> Layer:
        raise AssertionError(f"{path} was parsed, not read from the cache")

    monkeypatch.setattr(dataset, "read_layer", parse)


def rewrite(path: Path, old: str, new: str) -> None:
    """Replace text in a file, keeping its size and its modification time."""
    assert len(old.encode()) == len(new.encode())
    before = path.stat()
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = path.stat()
    assert (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns)


def test_second_load_is_served_from_the_cache(
    data_file: Path, env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first load writes one entry; the second returns an equal file without parsing."""
    first = read_layer_cached(data_file, env=env)
    assert len(entries(env)) == 1
    fail_if_parsed(monkeypatch)
    second = read_layer_cached(data_file, env=env)
    assert second == first == read_layer(data_file)
    findings = second.content.findings
    assert [f.origin for f in findings] == [str(data_file)] * len(findings)


def test_the_bundled_dataset_round_trips_through_the_cache(
    env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every record of the real data, places, links and origins included, comes back unchanged."""
    path = bundled_dataset_path()
    expected = read_layer(path)
    read_layer_cached(path, env=env)
    fail_if_parsed(monkeypatch)
    restored = read_layer_cached(path, env=env)
    assert restored == expected
    assert (restored.places, restored.sections, restored.links) == (
        expected.places,
        expected.sections,
        expected.links,
    )
    assert restored.content.findings[0].origin == "bundled"
    assert {theme.origin for theme in restored.content.themes} == {"bundled"}


@pytest.mark.parametrize(
    "files",
    [
        ["mini.yaml", "overlay-adds.yaml"],
        ["mini.yaml", "overlay-replaces.yaml"],
        ["overlay-extends.yaml"],
        ["mini.yaml", "overlay-collides.yaml"],
    ],
)
def test_files_laid_over_one_another_merge_the_same_from_the_cache(
    env: dict[str, str], files: list[str]
) -> None:
    """The merged dataset, or the merge's problems, are the same whether files are cached."""
    paths = [FIXTURES / name for name in files]

    def cached(path: Path) -> Layer:
        return read_layer_cached(path, env=env)

    def merged(read: Any) -> Any:
        try:
            return load_dataset(paths, read=read)
        except DatasetError as error:
            return [str(problem) for problem in error.problems]

    expected = merged(read_layer)
    assert merged(cached) == expected  # the first time, entries are written
    assert merged(cached) == expected  # and then read
    assert entries(env)


def test_a_repeated_lookup_is_served_merged(
    data_file: Path, env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second lookup of the same files neither parses nor merges them."""
    paths = [data_file, FIXTURES / "overlay-adds.yaml"]
    expected = load_dataset(paths)
    assert load_cached(paths, env) == expected
    assert len(list(Path(env[cache.CACHE_DIR_ENV]).glob("*.lookup"))) == 1

    def no_merge(*_: object, **__: object) -> None:
        raise AssertionError("merged again")

    monkeypatch.setattr(dataset, "load_dataset", no_merge)
    assert load_cached(paths, env) == expected


SCOPES = [
    pytest.param(EVERY_FINDING, id="every"),
    pytest.param(NO_FINDING, id="none"),
    pytest.param(FindingScope(themes=frozenset({"boern"})), id="one-theme"),
    pytest.param(FindingScope(themes=frozenset({"boern", "lokalt"})), id="two-themes"),
    pytest.param(FindingScope(evidence=frozenset({EvidenceKind.FORANDRING})), id="one-kind"),
    pytest.param(
        FindingScope(themes=frozenset({"boern"}), evidence=frozenset({EvidenceKind.EFFEKT})),
        id="theme-and-kind",
    ),
    pytest.param(FindingScope(themes=frozenset({"ingen"})), id="unknown-theme"),
]


@pytest.mark.parametrize("scope", SCOPES)
def test_a_lookup_reads_only_the_sections_its_scope_reaches(
    data_file: Path, env: dict[str, str], monkeypatch: pytest.MonkeyPatch, scope: FindingScope
) -> None:
    """From a lookup's entry come the findings in scope, in dataset order, and no others."""
    paths = [data_file, FIXTURES / "overlay-adds.yaml"]
    whole = load_dataset(paths)
    open_dataset_cached(paths, env=env)  # writes the entry
    read: list[Any] = []
    original = cache_file.Entry.read

    def recording(entry: cache_file.Entry, label: Any) -> Any:
        read.append(label)
        return original(entry, label)

    monkeypatch.setattr(cache_file.Entry, "read", recording)
    monkeypatch.setattr(dataset, "load_dataset", None)  # served from the entry, not merged
    opened = open_dataset_cached(paths, env=env)
    assert opened.outline == replace(whole, findings=())
    assert opened.counts == count_findings(whole.findings)
    assert read == [cache._OUTLINE]
    found = opened.with_findings(scope)
    assert found == within(whole, scope)
    runs = {(label[1], label[2]) for label in read[1:]}
    assert runs == {(f.theme, f.evidence.value) for f in found.findings}


def test_a_run_of_findings_keeps_their_places_among_the_others(
    data_file: Path, env: dict[str, str]
) -> None:
    """Findings of one theme and kind spread through the files come back interleaved as read."""
    paths = [data_file, FIXTURES / "overlay-adds.yaml"]
    whole = load_dataset(paths)
    kinds = [(f.theme, f.evidence) for f in whole.findings]
    assert kinds.count(("boern", EvidenceKind.FORANDRING)) == 2  # not side by side:
    assert kinds[-1] == ("boern", EvidenceKind.FORANDRING) != kinds[-2]
    open_dataset_cached(paths, env=env)
    assert open_dataset_cached(paths, env=env).with_findings() == whole


@pytest.mark.parametrize("damaged", ["outline", "findings"])
def test_a_corrupt_section_is_survived_and_rebuilt(
    data_file: Path, env: dict[str, str], monkeypatch: pytest.MonkeyPatch, damaged: str
) -> None:
    """A section that fails its check means reading the files, and a new entry next time."""
    paths = [data_file, FIXTURES / "overlay-adds.yaml"]
    whole = load_dataset(paths)
    open_dataset_cached(paths, env=env)
    (entry_path,) = Path(env[cache.CACHE_DIR_ENV]).glob("*.lookup")
    with cache_file.Entry.open(entry_path) as entry:  # type: ignore[union-attr]
        label = next(label for label in entry.labels if label[0] == damaged)
        offset, size, _ = entry._sections[label]
    data = bytearray(entry_path.read_bytes())
    data[offset + size // 2] ^= 0xFF
    entry_path.write_bytes(bytes(data))
    opened = open_dataset_cached(paths, env=env)
    assert opened.outline == replace(whole, findings=())
    assert opened.with_findings() == whole
    assert opened.with_findings(FindingScope(themes=frozenset({"boern"}))) == within(
        whole, FindingScope(themes=frozenset({"boern"}))
    )
    open_dataset_cached(paths, env=env)  # the damaged entry is gone: this one writes it anew
    assert entry_path.read_bytes() != bytes(data)
    monkeypatch.setattr(dataset, "load_dataset", None)  # served from the entry, not merged
    assert open_dataset_cached(paths, env=env).with_findings() == whole


def test_a_lookup_sees_any_of_its_files_change(data_file: Path, env: dict[str, str]) -> None:
    """Editing the base or the overlay, or naming the files otherwise, is a new lookup."""
    overlay = data_file.with_name("overlay.yaml")
    shutil.copyfile(FIXTURES / "overlay-adds.yaml", overlay)
    load_cached([data_file, overlay], env)
    rewrite(data_file, "Om tryghed.", "Om trivsel.")
    dataset = load_cached([data_file, overlay], env)
    assert dataset == load_dataset([data_file, overlay])
    assert dataset.themes[1].summary.da == "Om trivsel."
    overlay.write_text(overlay.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert load_cached([data_file, overlay], env) == load_dataset([data_file, overlay])
    assert load_cached([data_file], env) == load_dataset([data_file])


def test_a_lookup_sees_the_bundled_dataset_beneath_an_overlay_change(
    env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An overlay that `extends: bundled` is stale once the bundled file changes, unnamed."""
    bundled = tmp_path / "bundled.yaml"
    shutil.copyfile(bundled_dataset_path(), bundled)
    monkeypatch.setattr(locations, "bundled_dataset_path", lambda: bundled)
    paths = [FIXTURES / "overlay-extends.yaml"]
    first = load_cached(paths, env)
    assert first == load_dataset(paths)
    text = bundled.read_text(encoding="utf-8")
    assert "name: {da: Kriminalitet, en: Crime}" in text
    bundled.write_text(text.replace("en: Crime}", "en: Crimes}"), encoding="utf-8")
    again = load_cached(paths, env)
    assert again == load_dataset(paths) != first


def test_files_that_do_not_fit_together_are_reported_each_time(env: dict[str, str]) -> None:
    """A merge that fails is not cached: its problems come back on every lookup."""
    paths = [FIXTURE, FIXTURES / "overlay-collides.yaml"]
    for _ in range(2):
        with pytest.raises(DatasetError) as raised:
            load_cached(paths, env)
        assert raised.value.problems
    assert list(Path(env[cache.CACHE_DIR_ENV]).glob("*.lookup")) == []


def test_large_files_are_read_side_by_side(
    data_file: Path, env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Several files to parse are read by worker processes, which leave their entries."""
    overlay = data_file.with_name("overlay.yaml")
    shutil.copyfile(FIXTURES / "overlay-adds.yaml", overlay)
    expected = load_dataset([data_file, overlay])
    monkeypatch.setattr(cache, "PARALLEL_BYTES", 0)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    fail_if_parsed(monkeypatch)  # here; the workers parse
    assert load_cached([data_file, overlay], env) == expected
    assert len(entries(env)) == 2


def test_a_file_a_worker_cannot_read_is_reported_here(
    data_file: Path, env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file with problems, read side by side, gives the same problems as read alone."""
    overlay = data_file.with_name("overlay.yaml")
    overlay.write_text("findings: [1]\n", encoding="utf-8")
    with pytest.raises(DatasetError) as alone:
        load_dataset([data_file, overlay])
    monkeypatch.setattr(cache, "PARALLEL_BYTES", 0)
    with pytest.raises(DatasetError) as side_by_side:
        load_cached([data_file, overlay], env)
    assert side_by_side.value.problems == alone.value.problems


def test_a_changed_file_is_read_again(data_file: Path, env: dict[str, str]) -> None:
    """An edit that changes the size is seen at once."""
    read_layer_cached(data_file, env=env)
    text = data_file.read_text(encoding="utf-8")
    data_file.write_text(text.replace("Om tryghed.", "Om tryghed og trivsel."), encoding="utf-8")
    layer = read_layer_cached(data_file, env=env)
    assert layer.content.themes[1].summary.da == "Om tryghed og trivsel."


def test_a_same_size_rewrite_with_the_old_mtime_is_read_again(
    data_file: Path, env: dict[str, str]
) -> None:
    """Same size and modification time (os.utime), other bytes: never the stale entry."""
    read_layer_cached(data_file, env=env)
    rewrite(data_file, "Om tryghed.", "Om trivsel.")
    assert read_layer_cached(data_file, env=env).content.themes[1].summary.da == "Om trivsel."


def test_the_content_hash_alone_catches_a_rewrite(
    data_file: Path, env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Even if every stamp stayed the same (one tick of a coarse clock), the bytes count."""
    frozen = data_file.stat()
    real_stat, real_fstat = os.stat, os.fstat

    def same_stat(path: Any, *args: Any, **kwargs: Any) -> os.stat_result:
        info = real_stat(path, *args, **kwargs)
        return frozen if info.st_ino == frozen.st_ino else info

    def same_fstat(descriptor: int) -> os.stat_result:
        info = real_fstat(descriptor)
        return frozen if info.st_ino == frozen.st_ino else info

    monkeypatch.setattr(os, "stat", same_stat)
    monkeypatch.setattr(os, "fstat", same_fstat)
    load_cached([data_file], env)
    rewrite(data_file, "Om tryghed.", "Om trivsel.")
    assert data_file.stat() == frozen
    assert read_layer_cached(data_file, env=env).content.themes[1].summary.da == "Om trivsel."
    assert load_cached([data_file], env).themes[1].summary.da == "Om trivsel."


def test_a_file_left_alone_is_known_by_its_stamps(
    data_file: Path, env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Once a file is older than a moment, lookups compare its stamps and skip its bytes."""
    checksum = cache._checksum
    read: list[Path] = []

    def counted(path: Path, identity: cache.Identity) -> int | None:
        read.append(path)
        return checksum(path, identity)

    monkeypatch.setattr(cache, "_checksum", counted)
    load_cached([data_file], env)
    read.clear()
    load_cached([data_file], env)
    assert read == [data_file]  # just written: its bytes are compared on every lookup
    later = time.time_ns() + 2 * cache._SETTLED_NS
    monkeypatch.setattr(time, "time_ns", lambda: later)
    data_file.write_text(data_file.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    load_cached([data_file], env)  # read when it was already old
    read.clear()
    assert load_cached([data_file], env) == load_dataset([data_file])
    assert read == []


def test_the_same_file_under_another_name_gets_its_own_origin(
    data_file: Path, env: dict[str, str], tmp_path: Path
) -> None:
    """Records say where they came from, so a file reached by another path is another entry."""
    read_layer_cached(data_file, env=env)
    link = tmp_path / "link.yaml"
    link.symlink_to(data_file)
    layer = read_layer_cached(link, env=env)
    assert {finding.origin for finding in layer.content.findings} == {str(link)}
    assert layer.file == str(link)
    assert len(entries(env)) == 2


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda _: b"", id="empty"),
        pytest.param(lambda data: data[: len(data) // 2], id="truncated"),
        pytest.param(lambda data: data[:-10] + bytes(10), id="payload-zeroed"),
        pytest.param(lambda _: b"not a cache entry at all\n" * 40, id="garbage"),
        pytest.param(lambda data: data[:30] + b"\xff" + data[31:], id="header-flipped"),
    ],
)
def test_a_corrupt_entry_is_survived_and_replaced(
    data_file: Path, env: dict[str, str], damage: Any
) -> None:
    """A damaged entry is a miss: the file is read again and a good entry replaces it."""
    expected = read_layer_cached(data_file, env=env)
    (entry,) = entries(env)
    entry.write_bytes(damage(entry.read_bytes()))
    assert read_layer_cached(data_file, env=env) == expected
    (rewritten,) = entries(env)
    _, key = file_entry(data_file, env[cache.CACHE_DIR_ENV])
    assert read_file_entry(rewritten, key) == expected


def test_an_entry_for_another_key_is_not_trusted(
    data_file: Path, env: dict[str, str], tmp_path: Path
) -> None:
    """An entry copied over another file's entry is refused: the key inside must match."""
    other = tmp_path / "other.yaml"
    shutil.copyfile(FIXTURE, other)
    text = other.read_text(encoding="utf-8")
    other.write_text(text.replace("Om børn.", "Om unge."), encoding="utf-8")
    read_layer_cached(data_file, env=env)
    read_layer_cached(other, env=env)
    first, second = entries(env)
    shutil.copyfile(first, second)
    assert read_layer_cached(other, env=env).content.themes[0].summary.da == "Om unge."
    assert read_layer_cached(data_file, env=env).content.themes[0].summary.da == "Om børn."


def test_an_entry_others_may_write_is_ignored(
    data_file: Path, env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A group- or world-writable entry is not read (someone else could have made it)."""
    read_layer_cached(data_file, env=env)
    (entry,) = entries(env)
    entry.chmod(0o666)
    fail_if_parsed(monkeypatch)
    with pytest.raises(AssertionError, match="was parsed"):
        read_layer_cached(data_file, env=env)


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs chown")
def test_an_entry_of_another_user_is_ignored(
    data_file: Path, env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """An entry owned by another user is not read."""
    read_layer_cached(data_file, env=env)
    (entry,) = entries(env)
    os.chown(entry, 4242, 4242)
    fail_if_parsed(monkeypatch)
    with pytest.raises(AssertionError, match="was parsed"):
        read_layer_cached(data_file, env=env)


def test_the_cache_directory_is_private(data_file: Path, env: dict[str, str]) -> None:
    """The directory is created readable by its owner only, and so is each entry."""
    read_layer_cached(data_file, env=env)
    (entry,) = entries(env)
    assert Path(env[cache.CACHE_DIR_ENV]).stat().st_mode & 0o777 == 0o700
    assert entry.stat().st_mode & 0o777 == 0o600


def test_an_unusable_cache_directory_is_survived(data_file: Path, tmp_path: Path) -> None:
    """A cache "directory" that is a file, or lies under one, never turns into an error."""
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory", encoding="utf-8")
    for directory in (blocker, blocker / "cache"):
        env = {cache.CACHE_DIR_ENV: str(directory)}
        assert read_layer_cached(data_file, env=env) == read_layer(data_file)
        assert read_layer_cached(data_file, env=env) == read_layer(data_file)


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root writes anyway")
def test_a_read_only_cache_directory_is_survived(data_file: Path, env: dict[str, str]) -> None:
    """A directory the user may not write only means parsing each time."""
    directory = Path(env[cache.CACHE_DIR_ENV])
    directory.mkdir(mode=0o500)
    try:
        assert read_layer_cached(data_file, env=env) == read_layer(data_file)
        assert entries(env) == []
    finally:
        directory.chmod(0o700)


def test_an_invalid_file_is_not_cached(data_file: Path, env: dict[str, str]) -> None:
    """Problems are reported afresh each time, and nothing is cached until the file is valid."""
    text = data_file.read_text(encoding="utf-8")
    data_file.write_text(text.replace("evidence: effekt", "evidence: effect"), encoding="utf-8")
    for _ in range(2):
        with pytest.raises(DatasetError, match="'effect' is not one of"):
            read_layer_cached(data_file, env=env)
    assert entries(env) == []
    data_file.write_text(text, encoding="utf-8")
    assert read_layer_cached(data_file, env=env) == read_layer(data_file)
    assert len(entries(env)) == 1


def test_a_missing_file_is_reported_as_without_a_cache(env: dict[str, str], tmp_path: Path) -> None:
    """A file that cannot be read gives the loader's own error."""
    with pytest.raises(DatasetError, match="no such file"):
        read_layer_cached(tmp_path / "missing.yaml", env=env)


@pytest.mark.parametrize("value", ["1", "yes"])
def test_the_cache_can_be_turned_off(data_file: Path, env: dict[str, str], value: str) -> None:
    """BOLIGSOCIAL_NO_CACHE set (to anything but 0) reads the file and writes no entry."""
    env[cache.NO_CACHE_ENV] = value
    assert read_layer_cached(data_file, env=env) == read_layer(data_file)
    assert entries(env) == []
    assert cache.cache_directory(env) is None
    assert cache.cache_directory({**env, cache.NO_CACHE_ENV: "0"}) is not None


@pytest.mark.parametrize(
    ("xdg", "home"),
    [
        ("/srv/caches", "/home/anna"),
        (None, "/home/anna"),
        ("", "/home/anna/"),
        ("relative/caches", "/home/anna"),
        (None, "/"),
        (None, "relative-home"),
        (None, None),
    ],
)
def test_the_default_directory_is_platformdirs_user_cache_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, xdg: str | None, home: str | None
) -> None:
    """Without BOLIGSOCIAL_CACHE_DIR, entries go where platformdirs says caches go."""
    from platformdirs import user_cache_dir  # noqa: PLC0415 - the expectation, not the code

    for name, value in (("XDG_CACHE_HOME", xdg), ("HOME", home)):
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    assert cache.cache_directory({}) == Path(user_cache_dir("boligsocial", appauthor=False))
    assert cache.cache_directory({cache.CACHE_DIR_ENV: str(tmp_path)}) == tmp_path


def _load_in_another_process(arguments: tuple[str, str, Any]) -> tuple[str, ...]:
    path, directory, barrier = arguments
    barrier.wait()
    layer = read_layer_cached(Path(path), env={cache.CACHE_DIR_ENV: directory})
    return tuple(f"{finding.id}:{finding.summary.da}" for finding in layer.content.findings)


def _write_repeatedly(arguments: tuple[str, str, Any, int]) -> None:
    path, directory, barrier, times = arguments
    layer = read_layer(Path(path))
    entry, key = file_entry(Path(path), directory)
    barrier.wait()
    for _ in range(times):
        cache._write_layer(entry, key, layer)


def test_processes_loading_at_once_all_get_the_right_answer(
    data_file: Path, env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Four processes miss and write together: each is right, and the entry left is whole."""
    expected = tuple(f"{f.id}:{f.summary.da}" for f in read_layer(data_file).content.findings)
    context = multiprocessing.get_context("spawn")
    with context.Manager() as manager, context.Pool(4) as pool:
        barrier = manager.Barrier(4)
        directory = env[cache.CACHE_DIR_ENV]
        answers = pool.map(_load_in_another_process, [(str(data_file), directory, barrier)] * 4)
    assert answers == [expected] * 4
    assert len(entries(env)) == 1
    assert list(Path(directory).glob("*.tmp")) == []
    fail_if_parsed(monkeypatch)
    assert read_layer_cached(data_file, env=env) == read_layer(data_file)


def test_readers_never_see_half_an_entry(data_file: Path, env: dict[str, str]) -> None:
    """While three processes rewrite the entry over and over, every read is a hit or a miss."""
    expected = read_layer(data_file)
    directory = env[cache.CACHE_DIR_ENV]
    entry, key = file_entry(data_file, directory)
    context = multiprocessing.get_context("spawn")
    with context.Manager() as manager, context.Pool(3) as pool:
        barrier = manager.Barrier(4)
        writing = pool.map_async(_write_repeatedly, [(str(data_file), directory, barrier, 60)] * 3)
        barrier.wait()
        seen = [read_file_entry(entry, key) for _ in range(200)]
        writing.get(timeout=120)
    assert all(found is None or found == expected for found in seen)
    assert read_file_entry(entry, key) == expected


def test_a_file_changed_while_it_is_read_is_not_cached(
    data_file: Path, env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """An entry is written only if the file after reading is the file hashed before it."""

    def read_then_edit(path: Path) -> Layer:
        layer = read_layer(path)
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("Om tryghed.", "Om trivsel."), encoding="utf-8")
        return layer

    monkeypatch.setattr(dataset, "read_layer", read_then_edit)
    read_layer_cached(data_file, env=env)
    assert entries(env) == []
    monkeypatch.setattr(dataset, "read_layer", read_layer)
    assert read_layer_cached(data_file, env=env).content.themes[1].summary.da == "Om trivsel."


def test_progress_is_shown_only_while_a_large_file_is_parsed(
    data_file: Path, env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The progress context wraps a slow first load, never a small file or a cache hit."""
    shown: list[tuple[str, int]] = []

    @contextmanager
    def progress(what: str, size: int) -> Iterator[None]:
        shown.append((what, size))
        yield

    read_layer_cached(data_file, env=env, progress=progress)
    assert shown == []
    data_file.write_text(data_file.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    monkeypatch.setattr(cache, "SLOW_LOAD_BYTES", 100)
    read_layer_cached(data_file, env=env, progress=progress)
    assert shown == [(data_file.name, data_file.stat().st_size)]
    read_layer_cached(data_file, env=env, progress=progress)
    assert len(shown) == 1


@pytest.mark.parametrize(
    ("command", "shown"),
    [
        (["findings", "-f", "json"], '"id": "boern-effekt"'),
        (["findings", "--theme", "boern"], "boern-effekt"),
        (["themes"], "boern"),
    ],
)
def test_a_lookup_served_from_the_cache_imports_no_reader(
    data_file: Path, env: dict[str, str], command: list[str], shown: str
) -> None:
    """Served from the cache, a lookup imports neither PyYAML, the YAML reader, the
    checks and merging of files, nor the bibliography: only what it uses."""
    open_dataset_cached([data_file], env=env)
    unused = ("yaml", "safe_yaml", "load", "validate", "overlay", "bibliography", "citeproc")
    code = (
        "import sys\n"
        f"sys.argv = ['boligsocial', '--data', {str(data_file)!r}, *{command!r}]\n"
        "from boligsocial_cli.cli import main\n"
        "try:\n    main()\nexcept SystemExit as exit:\n    assert not exit.code, exit.code\n"
        f"print(sorted(m for m in sys.modules if m.split('.')[-1] in {unused!r}),"
        " file=sys.stderr)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, **env, "COLUMNS": "120"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stderr.splitlines()[-1] == "[]"
    assert shown in result.stdout


def test_a_snapshot_names_only_model_types() -> None:
    """Stored data names only record types of the package, each in its own shape."""
    layer = read_layer(FIXTURE)
    version, roots, tables = snapshot.dump_records([layer])
    assert snapshot.load_records((version, roots, tables), Layer) == (layer,)
    renamed = (("os:system", *tables[0][1:]), *tables[1:])
    with pytest.raises(snapshot.SnapshotError):
        snapshot.load_records((version, roots, renamed), Layer)
    short = ((tables[0][0], tables[0][1], tables[0][2][:-1]), *tables[1:])
    with pytest.raises(snapshot.SnapshotError):
        snapshot.load_records((version, roots, short), Layer)
    with pytest.raises(snapshot.SnapshotError):
        snapshot.load_records((version + 1, roots, tables), Layer)
    with pytest.raises(snapshot.SnapshotError):  # records of another type than asked for
        snapshot.load_records((version, roots, tables), Dataset)


def test_a_snapshot_keeps_records_in_order() -> None:
    """Several records of one type come back in the order given, shared parts shared."""
    findings = load_dataset(FIXTURE).findings
    stored = snapshot.dump_records([*reversed(findings), findings[0]])
    restored = snapshot.load_records(stored, type(findings[0]))
    assert restored == (*reversed(findings), findings[0])
    assert restored[-1] is restored[len(findings) - 1]
    with pytest.raises(snapshot.SnapshotError):
        snapshot.dump_records([findings[0], read_layer(FIXTURE)])
