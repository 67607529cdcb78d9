"""Time `boligsocial` as whole processes beside the floor of Python, Typer and Rich.

    python benchmarks/bench.py                      # print the table
    python benchmarks/bench.py --write docs/benchmarks.md

Every command runs as its own process, several times after a warm-up; the commands
of a group take turns within each round (the floor among them), so a machine that
slows down part-way slows all of them alike. The figures are medians. Peak memory is
the maximum resident set size of a warm-up run, from /usr/bin/time (a child of this
script would report this script's own size, which it has until it execs).

Synthetic datasets are overlays on the bundled data (`extends: bundled`) adding N
generated findings under generated themes and references, in files of at most 10,000
findings (a dataset file may have 10 MiB), written to `benchmarks/.data/`
(git-ignored) and read with `--data` once per file. Because the bundled themes and
findings stay, `findings --theme kriminalitet` prints exactly the same rows on every
dataset: the ratios measure what scale costs, not longer output. The store lives in
benchmarks/.data/cache (XDG_CACHE_HOME), the default place for a private copy; a
"cold" run starts with that directory removed.

This is a measurement, not a test: nothing here runs in CI.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "benchmarks" / ".data"
BUNDLED = ROOT / "data" / "findings.yaml"
FLOOR_CODE = "import typer, rich.console, rich.table"
LOOKUP = ("findings", "--theme", "kriminalitet")
SYNTHETIC_THEMES = 50
FINDINGS_PER_REFERENCE = 10
FINDINGS_PER_FILE = 10_000
"""About 9 MB of YAML: a file may have at most 10 MiB (docs/dataset-format.md)."""
SLOW_SECONDS = 1.0
"""A command whose warm-up takes longer than this runs only `--slow-runs` times."""


# --- synthetic data ---------------------------------------------------------------


def _words(data: dict[str, Any]) -> tuple[list[str], list[str]]:
    """Danish and English words from the bundled findings, to write realistic text with."""
    danish: list[str] = []
    english: list[str] = []
    for finding in data["findings"]:
        danish.extend(finding["summary"]["da"].split())
        danish.extend(finding["quote"].split())
        english.extend(finding["summary"]["en"].split())
    return danish, english


def _sentence(rng: random.Random, words: Sequence[str], low: int, high: int) -> str:
    text = " ".join(rng.choices(words, k=rng.randint(low, high))).rstrip(".,;:")
    return text[:1].upper() + text[1:] + "."


def _localized(
    rng: random.Random, words: tuple[list[str], list[str]], low: int, high: int
) -> dict[str, str]:
    return {"da": _sentence(rng, words[0], low, high), "en": _sentence(rng, words[1], low, high)}


def synthetic_overlays(findings: int, seed: int = 2024) -> list[dict[str, Any]]:
    """`findings` generated findings as overlays on the bundled data, valid per the model.

    The first file `extends: bundled` and adds the generated themes; every file adds at
    most FINDINGS_PER_FILE findings and the references they cite, so that none exceeds
    the 10 MiB a dataset file may have.
    """
    bundled: dict[str, Any] = yaml.safe_load(BUNDLED.read_text(encoding="utf-8"))
    rng = random.Random(seed)
    words = _words(bundled)
    pages = bundled["meta"].get("pages") or 1
    kinds = [info["kind"] for info in bundled["evidence_kinds"]]
    themes = [f"syntetisk-tema-{number:03d}" for number in range(1, SYNTHETIC_THEMES + 1)]
    files: list[dict[str, Any]] = []
    for start in range(0, findings, FINDINGS_PER_FILE):
        count = min(FINDINGS_PER_FILE, findings - start)
        first_reference = start // FINDINGS_PER_REFERENCE + 1
        references = [
            f"syntetisk-kilde-{number:06d}"
            for number in range(
                first_reference, first_reference + max(1, count // FINDINGS_PER_REFERENCE)
            )
        ]
        overlay: dict[str, Any] = {}
        if not files:
            overlay["extends"] = "bundled"
            overlay["themes"] = [
                {
                    "id": theme,
                    "name": {"da": f"Syntetisk tema {index}", "en": f"Synthetic theme {index}"},
                    "summary": _localized(rng, words, 8, 20),
                }
                for index, theme in enumerate(themes, start=1)
            ]
        overlay["findings"] = [
            _finding(rng, words, start + offset + 1, themes, kinds, pages, references)
            for offset in range(count)
        ]
        overlay["references"] = [
            {
                "id": reference,
                "cited_as": f"{_name(rng, words)} m.fl., {rng.randint(1990, 2024)}",
                "status": "unverified",
                "author": [{"family": f"Forfatter{rng.randint(1, 5000)}"}],
                "issued": str(rng.randint(1990, 2024)),
            }
            for reference in references
        ]
        files.append(overlay)
    return files


def _name(rng: random.Random, words: tuple[list[str], list[str]]) -> str:
    return rng.choice(words[0]).strip(".,;:").capitalize() or "Anonym"


def _finding(
    rng: random.Random,
    words: tuple[list[str], list[str]],
    number: int,
    themes: Sequence[str],
    kinds: Sequence[str],
    pages: int,
    references: Sequence[str],
) -> dict[str, Any]:
    finding: dict[str, Any] = {
        "id": f"syntetisk-fund-{number:06d}",
        "theme": rng.choice(themes),
        "evidence": rng.choice(kinds),
        "summary": _localized(rng, words, 15, 40),
        "quote": _sentence(rng, words[0], 15, 45).rstrip("."),
        "page": rng.randint(1, pages),
        "citations": rng.sample(references, k=min(len(references), rng.randint(0, 3))),
    }
    for key, share in (("target_group", 0.5), ("outcome", 0.4), ("activity", 0.3)):
        if rng.random() < share:
            finding[key] = _localized(rng, words, 2, 5)
    if rng.random() < 0.2:  # noqa: PLR2004 - one finding in five is hedged
        finding["qualifiers"] = ["en tendens"]
    return finding


def _scalar(value: object) -> str:
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # a valid YAML double-quoted scalar
    return str(value)


def _emit(value: object, indent: int) -> Iterator[str]:
    """Block-style YAML like the bundled file's, fast enough for 100,000 findings."""
    pad = " " * indent
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, dict) or (
                isinstance(item, list) and any(isinstance(x, dict) for x in item)
            ):
                yield f"{pad}{key}:\n"
                yield from _emit(item, indent + 2)
            elif isinstance(item, list):
                yield f"{pad}{key}: [{', '.join(_scalar(x) for x in item)}]\n"
            else:
                yield f"{pad}{key}: {_scalar(item)}\n"
    elif isinstance(value, list):
        for item in value:
            lines = list(_emit(item, indent + 2))
            yield f"{pad}- {lines[0].lstrip()}"
            yield from lines[1:]


def write_synthetic(findings: int) -> list[Path]:
    """Write (once) and return the overlay files holding `findings` generated findings."""
    stamp = f"# synthetic: {findings} findings over {BUNDLED.stat().st_mtime_ns}\n"
    parts = -(-findings // FINDINGS_PER_FILE)
    paths = [DATA_DIR / f"synthetic-{findings}-{part:02d}.yaml" for part in range(1, parts + 1)]
    if all(path.exists() for path in paths):
        with paths[0].open(encoding="utf-8") as existing:
            if existing.readline() == stamp:
                return paths
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    for path, overlay in zip(paths, synthetic_overlays(findings), strict=True):
        partial = path.with_suffix(".partial")
        with partial.open("w", encoding="utf-8") as out:
            out.write(stamp)
            out.writelines(_emit(overlay, 0))
        partial.replace(path)
    return paths


# --- timing -----------------------------------------------------------------------


@dataclass(slots=True)
class Case:
    """One command to time, and what to do before each run of it.

    A case that `serves_mcp` is an MCP server: it is timed from its start to its answer to
    the first tool call (see `first_mcp_answer`), not to its exit.
    """

    label: str
    argv: tuple[str, ...]
    before: Callable[[], None] | None = None
    prints: bool = True
    serves_mcp: bool = False
    seconds: list[float] = field(default_factory=list)
    peak_kib: int | None = None

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)


def _environment() -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("BOLIGSOCIAL_")
        and key not in ("COLUMNS", "LINES", "PYTHONDONTWRITEBYTECODE")
    }
    env["XDG_CACHE_HOME"] = str(DATA_DIR / "cache")  # the default place, in a private copy
    env["COLUMNS"] = "140"  # wide enough for the findings table rather than stacked entries
    return env


MCP_FIRST_CALL = {"name": "list_findings", "arguments": {"themes": ["kriminalitet"]}}
"""The first question the MCP server is timed to: the bundled lookup's, as a tool call."""


def first_mcp_answer(argv: Sequence[str], env: dict[str, str]) -> float:
    """Start an MCP server, initialize it and make one tool call over stdio, as an assistant
    does on start-up; seconds from the start to the call's answer. Plain JSON-RPC lines, so
    the client's own start and imports are not timed."""
    messages: list[dict[str, Any]] = [
        {"jsonrpc": "2.0", "method": "notifications/initialized"},
        {"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": MCP_FIRST_CALL},
    ]
    initialize: dict[str, Any] = {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "initialize",
        "params": {
            "protocolVersion": "2025-06-18",
            "capabilities": {},
            "clientInfo": {"name": "bench.py", "version": "1"},
        },
    }
    start = time.perf_counter()
    process = subprocess.Popen(
        argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env
    )
    stdin, stdout = process.stdin, process.stdout
    if stdin is None or stdout is None:  # pipes were asked for: for the type checker
        raise SystemExit("no pipes to the server")
    answers: dict[Any, Any] = {}
    for message in (initialize, *messages):
        stdin.write(json.dumps(message).encode() + b"\n")
        stdin.flush()
        while "id" in message and message["id"] not in answers:
            line = stdout.readline()
            if not line:
                raise SystemExit(f"{' '.join(argv)}: the server closed its output")
            answer = json.loads(line)
            answers[answer.get("id")] = answer
    elapsed = time.perf_counter() - start
    stdin.close()
    process.wait(timeout=30)
    result = answers[2].get("result") or {}
    if "error" in answers[2] or result.get("isError") or not result.get("structuredContent"):
        raise SystemExit(f"{' '.join(argv)}: no answer to the first call: {answers[2]}")
    return elapsed


def run_once(case: Case, env: dict[str, str]) -> float:
    """Run the case's command once; its wall time in seconds."""
    if case.before:
        case.before()
    if case.serves_mcp:
        return first_mcp_answer(case.argv, env)
    start = time.perf_counter()
    process = subprocess.Popen(
        case.argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env
    )
    process.wait()
    elapsed = time.perf_counter() - start
    if process.returncode:
        raise SystemExit(f"{case.label}: exit code {process.returncode}")
    return elapsed


TIME = Path("/usr/bin/time")


def check(case: Case, env: dict[str, str]) -> float:
    """Warm up: run once (under /usr/bin/time for the peak memory), showing any error."""
    if case.before:
        case.before()
    with tempfile.NamedTemporaryFile("r", suffix=".rss") as rss:
        argv = (str(TIME), "-f", "%M", "-o", rss.name, *case.argv) if TIME.exists() else case.argv
        if case.serves_mcp:
            elapsed = first_mcp_answer(argv, env)
            peak = rss.read().strip()
            if peak.isdigit():
                case.peak_kib = int(peak)
            return elapsed
        start = time.perf_counter()
        result = subprocess.run(argv, capture_output=True, text=True, env=env, check=False)
        elapsed = time.perf_counter() - start
        peak = rss.read().strip()
    if result.returncode or (case.prints and not result.stdout.strip()):
        raise SystemExit(f"{case.label} failed ({result.returncode}):\n{result.stderr}")
    if peak.isdigit():
        case.peak_kib = int(peak)
    return elapsed


def measure(cases: Sequence[Case], runs: int, slow_runs: int, env: dict[str, str]) -> None:
    """Warm up each case, then run them in turn, `runs` rounds (rotating who goes first)."""
    if not cases:
        return
    wanted = {}
    for case in cases:
        check(case, env)
        wanted[case.label] = slow_runs if check(case, env) > SLOW_SECONDS else runs
    for round_ in range(max(wanted.values())):
        shift = round_ % len(cases)
        for case in [*cases[shift:], *cases[:shift]]:
            if len(case.seconds) < wanted[case.label]:
                case.seconds.append(run_once(case, env))
        _progress(f"round {round_ + 1}/{max(wanted.values())}")


def _progress(text: str) -> None:
    sys.stderr.write(f"\r{text:<60}" if text else "\r" + " " * 60 + "\r")
    sys.stderr.flush()


def _touch(paths: Sequence[Path]) -> Callable[[], None]:
    """Change the files' modification times, their bytes kept (a checkout, a copy back)."""

    def touch() -> None:
        for path in paths:
            os.utime(path, ns=(time.time_ns(), time.time_ns()))

    return touch


def _cold(env: dict[str, str]) -> Callable[[], None]:
    """Remove the store, so that the next command builds it from the YAML files."""

    def remove() -> None:
        shutil.rmtree(Path(env["XDG_CACHE_HOME"]) / "boligsocial", ignore_errors=True)

    return remove


# --- report -----------------------------------------------------------------------


def _cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine() -> str:
    """The machine, the Python and the library versions the figures come from, and when."""
    versions = ", ".join(f"{name} {metadata.version(name)}" for name in ("typer", "rich", "PyYAML"))
    commit = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],  # noqa: S607 - git on PATH
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    today = datetime.datetime.now(tz=datetime.UTC).date().isoformat()
    return (
        f"{_cpu()}, {os.cpu_count()} cores; {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}; {versions}; commit {commit or '?'}, {today}"
    )


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms" if seconds < 10 else f"{seconds:,.1f} s"  # noqa: PLR2004


@dataclass(frozen=True, slots=True)
class Row:
    """A line of the report: a case, what it is compared with, and the issue's target."""

    case: Case
    reference: tuple[str, Case] | None = None
    max_ratio: float | None = None
    max_seconds: float | None = None
    max_mib: float | None = None

    def ratio(self) -> float | None:
        return self.case.median / self.reference[1].median if self.reference else None

    def peak_mib(self) -> float | None:
        return None if self.case.peak_kib is None else self.case.peak_kib / 1024

    def target(self) -> str:
        parts = []
        if self.max_ratio is not None:
            parts.append(f"≤ {self.max_ratio:g}×")
        if self.max_seconds is not None:
            parts.append(f"< {self.max_seconds:g} s")
        if self.max_mib is not None:
            parts.append(f"< {self.max_mib:g} MiB")
        return ", ".join(parts)

    def met(self) -> str:
        ratio = self.ratio()
        checks = [
            self.max_ratio is None or (ratio is not None and ratio <= self.max_ratio),
            self.max_seconds is None or self.case.median < self.max_seconds,
            self.max_mib is None or (self.peak_mib() or 0) < self.max_mib,
        ]
        return "" if not self.target() else ("yes" if all(checks) else "**no**")


def table(rows: Sequence[Row]) -> str:
    """A Markdown table: command, runs, median, ratio to its reference, target, peak memory."""
    lines = [
        "| command | runs | median | ratio | to | target | met | peak memory |",
        "| --- | ---: | ---: | ---: | --- | --- | --- | ---: |",
    ]
    for row in rows:
        ratio = row.ratio()
        lines.append(
            f"| `{row.case.label}` | {len(row.case.seconds)} | {_ms(row.case.median)} | "
            f"{'' if ratio is None else f'{ratio:.2f}×'} | "
            f"{row.reference[0] if row.reference else ''} | {row.target()} | {row.met()} | "
            f"{'?' if row.peak_mib() is None else f'{row.peak_mib():.0f} MiB'} |"
        )
    return "\n".join(lines) + "\n"


START, END = "<!-- bench.py: start -->\n", "<!-- bench.py: end -->\n"


def write_report(path: Path, figures: str, start: str = START, end: str = END) -> None:
    """Put the figures between the file's start and end marks (appended if it has none)."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    if start in text and end in text:
        before, rest = text.split(start, 1)
        text = before + start + figures + end + rest.split(end, 1)[1]
    else:
        text = f"{text.rstrip()}\n\n{start}{figures}{end}"
    path.write_text(text, encoding="utf-8")


BIG = 100_000
"""The scale the targets for large evidence bases are set at."""


# --- the offline page -----------------------------------------------------------------

PAGE_SEARCHES = ("lommepenge", "boern unge", "tryghed", "kriminalitet fald", "zzz", "a")
"""Words typed into the page's search box: the first search also folds every finding."""
PAGE_SECONDS = 1.0
"""The page must open, and a search answer, in under a second."""
PAGE_OPENS = 5
PAGE_START, PAGE_END = "<!-- bench.py page: start -->\n", "<!-- bench.py page: end -->\n"

_AFTER_PAINT = "requestAnimationFrame(() => setTimeout(() => done(performance.now() - t0)));"
"""JavaScript: call `done` with the time from `t0` to just after the next frame is drawn."""


def measure_page(tool: str, data: Sequence[str], findings: int, env: dict[str, str]) -> str:
    """Export the page of a dataset and time it in headless chromium: opening, searching,
    clicking a map cell (each until the next frame is drawn). A Markdown table."""
    from selenium import webdriver  # noqa: PLC0415 - only this measurement needs a browser
    from selenium.webdriver.chrome.service import Service  # noqa: PLC0415

    page = DATA_DIR / f"page-{findings}.html"
    page.unlink(missing_ok=True)  # export never overwrites a file
    start = time.perf_counter()
    subprocess.run([tool, *data, "export", "html", str(page)], check=True, env=env)
    export_seconds = time.perf_counter() - start
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1200,900",
    ):
        options.add_argument(flag)
    with tempfile.TemporaryDirectory() as profile:
        options.add_argument(f"--user-data-dir={profile}")
        driver = webdriver.Chrome(options=options, service=Service("/usr/bin/chromedriver"))
        try:
            opens = []
            for _ in range(1 + PAGE_OPENS):  # the first run warms the file cache: left out
                driver.get("about:blank")
                driver.get(page.as_uri())
                opens.append(
                    driver.execute_async_script("const done = arguments[0], t0 = 0;" + _AFTER_PAINT)
                    / 1000
                )
            opens = opens[1:]
            searches = [
                driver.execute_async_script(
                    "const done = arguments[1], t0 = performance.now();"
                    "const box = document.getElementById('search');"
                    "box.value = arguments[0]; box.dispatchEvent(new Event('input'));"
                    + _AFTER_PAINT,
                    words,
                )
                / 1000
                for words in PAGE_SEARCHES
            ]
            click = (
                driver.execute_async_script(
                    "const done = arguments[0], t0 = performance.now();"
                    "document.querySelector('.map:not([hidden]) .cell').click();" + _AFTER_PAINT
                )
                / 1000
            )
            shown = driver.execute_script("return document.getElementById('shown').textContent")
        finally:
            driver.quit()
    size = page.stat().st_size / 1_000_000
    opened = f"open the page ({size:.1f} MB) from file://, median of {PAGE_OPENS}"
    rows = [
        ("`export html`, whole process", export_seconds, None),
        (opened, statistics.median(opens), PAGE_SECONDS),
        ("first search, right after opening (folds every finding)", searches[0], PAGE_SECONDS),
        (f"slowest of the next {len(searches) - 1} searches", max(searches[1:]), PAGE_SECONDS),
        ("click a map cell", click, PAGE_SECONDS),
    ]
    lines = [
        f"Page of {findings:,} findings (with the bundled 28); after the click: {shown}",
        "",
        "| step | seconds | target | met |",
        "| --- | ---: | --- | --- |",
    ]
    for step, seconds, target in rows:
        met = "" if target is None else ("yes" if seconds < target else "**no**")
        goal = "" if target is None else f"< {target:g} s"
        lines.append(f"| {step} | {seconds:.2f} | {goal} | {met} |")
    return "\n".join(lines) + "\n"


REPEAT_RATIO = {10_000: 1.5, 100_000: 3.0}
FIRST_SECONDS = {10_000: 2.0, 100_000: 15.0}


def main(argv: Sequence[str] | None = None) -> int:
    """Generate the datasets, time every command, print (and optionally write) the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=15, help="timed runs of fast commands")
    parser.add_argument("--slow-runs", type=int, default=3, help="timed runs of slow commands")
    parser.add_argument(
        "--sizes", default="10000,100000", help="synthetic dataset sizes, comma-separated"
    )
    parser.add_argument("--write", type=Path, help="also write the figures to this Markdown file")
    parser.add_argument(
        "--validate",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="time validate over the largest dataset (minutes: five runs with the warm-ups)",
    )
    parser.add_argument(
        "--python",
        type=Path,
        default=Path(sys.executable),
        help="the Python of the environment to measure (its `boligsocial` beside it)",
    )
    parser.add_argument(
        "--page",
        action="store_true",
        help="instead, time the offline page of the first size in headless chromium",
    )
    options = parser.parse_args(argv)
    python = str(options.python)
    tool = str(options.python.with_name("boligsocial"))
    env = _environment()
    if options.page:
        size = int(options.sizes.split(",")[0])
        paths = write_synthetic(size)
        figures = measure_page(
            tool, [p for path in paths for p in ("--data", str(path))], size, env
        )
        sys.stdout.write(figures)
        if options.write:
            write_report(options.write, f"Machine: {machine()}.\n\n{figures}", PAGE_START, PAGE_END)
        return 0
    sizes = [int(size) for size in options.sizes.split(",") if size.strip()]
    synthetic = {}
    for size in sizes:
        _progress(f"writing the {size:,}-finding dataset")
        synthetic[size] = write_synthetic(size)

    def case(label: str, *args: str, before: Callable[[], None] | None = None) -> Case:
        return Case(label, (tool, *args), before=before)

    floor = Case(f"python -c '{FLOOR_CODE}'", (python, "-c", FLOOR_CODE), prints=False)
    bundled = {
        "help": case("boligsocial --help", "--help"),
        "themes": case("boligsocial themes", "themes"),
        "lookup": case("boligsocial " + " ".join(LOOKUP), *LOOKUP),
        "overview": case("boligsocial overview", "overview"),
        "show": case("boligsocial show fritidsjob-tre-gange-chance", "show", "fritidsjob-tre"),
        "cite": case("boligsocial cite", "cite"),
        "bibtex": case("boligsocial cite --format bibtex", "cite", "--format", "bibtex"),
        "search": case("boligsocial search fritidsjob unge", "search", "fritidsjob", "unge"),
        "mcp": Case(
            "boligsocial mcp, start to the answer to list_findings(themes=[kriminalitet])",
            (tool, "mcp"),
            serves_mcp=True,
        ),
    }
    data = {
        size: tuple(part for path in paths for part in ("--data", str(path)))
        for size, paths in synthetic.items()
    }
    warm = {size: case(f"… {size:,} findings, warm", *data[size], *LOOKUP) for size in synthetic}
    big: dict[str, Case] = {}
    if BIG in synthetic:
        d = data[BIG]
        big = {
            "search": case(
                f"… {BIG:,}: search fritidsjob unge", *d, "search", "fritidsjob", "unge"
            ),
            "--search": case(
                f"… {BIG:,}: findings --search kompetencer -f csv",
                *d,
                "findings",
                "--search",
                "kompetencer",
                "-f",
                "csv",
            ),
            "cite": case(f"… {BIG:,}: cite", *d, "cite"),
        }
    cold = {
        size: case(
            f"… {size:,} findings, cold: store built", *data[size], *LOOKUP, before=_cold(env)
        )
        for size in synthetic
    }
    touched = {
        size: case(
            f"… {size:,} findings, every file touched, bytes unchanged",
            *data[size],
            *LOOKUP,
            before=_touch(paths),
        )
        for size, paths in synthetic.items()
    }
    validate = {
        size: Case(
            f"boligsocial validate … {size:,} findings",
            (tool, "validate", *(str(path) for path in synthetic[size])),
            prints=False,  # its report goes to stderr
        )
        for size in synthetic
        if size == BIG and options.validate
    }
    measure(
        [floor, *bundled.values(), *warm.values(), *big.values()],
        options.runs,
        options.slow_runs,
        env,
    )
    measure(
        [*cold.values(), *touched.values(), *validate.values()],
        options.slow_runs,
        options.slow_runs,
        env,
    )
    _progress("")

    to_floor = ("floor", floor)
    to_lookup = ("bundled lookup", bundled["lookup"])
    rows = [
        Row(floor),
        Row(bundled["help"], to_floor, max_ratio=1.3),
        Row(bundled["themes"], to_floor, max_ratio=1.2),
        Row(bundled["lookup"], to_floor, max_ratio=1.2),
        Row(bundled["overview"], to_floor, max_ratio=1.2),
        Row(bundled["show"], to_floor, max_ratio=1.3),
        Row(bundled["cite"], to_floor, max_ratio=1.4),
        Row(bundled["bibtex"], to_floor, max_ratio=1.4),
        Row(bundled["search"], to_floor),
        Row(bundled["mcp"], to_lookup),
        *(Row(c, to_lookup, max_ratio=1.3 if size == BIG else None) for size, c in warm.items()),
        *(Row(c, to_lookup, max_ratio=2.0) for key, c in big.items() if key != "cite"),
        *(Row(big["cite"], max_seconds=3.0) for _ in [0] if big),
        *(
            Row(c, max_seconds=10.0 if size == BIG else None, max_mib=200 if size == BIG else None)
            for size, c in cold.items()
        ),
        *(Row(c) for c in touched.values()),
        *(Row(c, max_seconds=10.0) for c in validate.values()),
    ]
    result = table(rows)
    sys.stdout.write(result)
    if options.write:
        write_report(options.write, f"Machine: {machine()}.\n\n{result}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
