"""`boligsocial mcp`, started as a subprocess and spoken to with the MCP SDK's own client.

The referees: the CLI's JSON output for the same question, the dataset file read with
PyYAML, and the booklet's text, in which every quote must start on the page given.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Awaitable, Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

import anyio
import pytest
import yaml
from mcp import ClientSession, MCPError, StdioServerParameters
from mcp.client.stdio import stdio_client
from mcp.types import CallToolResult, TextContent, TextResourceContents

from boligsocial_cli.dataset.source_text import SourceText
from boligsocial_cli.output.listings import FINDING_COLUMNS

from .conftest import BOOKLET_TEXT, FIXTURES, REPO, Invoke

T = TypeVar("T")
Conversation = Callable[[ClientSession], Awaitable[T]]
BUNDLED = yaml.safe_load((REPO / "data" / "findings.yaml").read_text(encoding="utf-8"))
MEANINGS = {
    (info["kind"], lang): info["explanation"][lang]
    for info in BUNDLED["evidence_kinds"]
    for lang in ("da", "en")
}
TOOLS = {"search_evidence", "list_findings", "get_finding", "get_theme", "evidence_map", "cite"}


@pytest.fixture(scope="module")
def shared_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(autouse=True)
def _one_store_for_the_module(monkeypatch: pytest.MonkeyPatch, shared_cache: Path) -> None:
    """The servers and the CLI of these tests share one store, as they do on a user's machine,
    rather than each building its own."""
    monkeypatch.setenv("BOLIGSOCIAL_CACHE_DIR", str(shared_cache))


def talk(
    conversation: Conversation[T],
    *global_options: str,
    env: Mapping[str, str] | None = None,
    errlog: Path | None = None,
    boligsocial: Sequence[str] = (sys.executable, "-m", "boligsocial_cli"),
) -> T:
    """Start `boligsocial [options] mcp`, initialize a session, and hold `conversation`."""
    server = StdioServerParameters(
        command=boligsocial[0],
        args=[*boligsocial[1:], *global_options, "mcp"],
        env={"BOLIGSOCIAL_CACHE_DIR": os.environ["BOLIGSOCIAL_CACHE_DIR"], **(env or {})},
    )

    async def run() -> T:
        with (errlog or Path(os.devnull)).open("w", encoding="utf-8") as log:
            async with (
                stdio_client(server, errlog=log) as streams,
                ClientSession(*streams) as session,
            ):
                await session.initialize()
                return await conversation(session)

    return anyio.run(run)


def call(name: str, **arguments: Any) -> Conversation[CallToolResult]:
    """A conversation of one tool call."""

    async def conversation(session: ClientSession) -> CallToolResult:
        return await session.call_tool(name, arguments)

    return conversation


def calls(*requests: tuple[str, dict[str, Any]]) -> Conversation[list[CallToolResult]]:
    """A conversation of several tool calls in one session, in order."""

    async def conversation(session: ClientSession) -> list[CallToolResult]:
        return [await session.call_tool(name, arguments) for name, arguments in requests]

    return conversation


def structured(result: CallToolResult) -> dict[str, Any]:
    """The structured result of a successful call, checked against its text twin."""
    assert not result.is_error, result.content
    assert result.structured_content is not None
    text = result.content[0]
    assert isinstance(text, TextContent)
    assert json.loads(text.text) == result.structured_content
    answer: dict[str, Any] = result.structured_content
    return answer


def error_text(result: CallToolResult) -> str:
    """The message of a call that failed as a tool error."""
    assert result.is_error
    text = result.content[0]
    assert isinstance(text, TextContent)
    return text.text


def cli_json(invoke: Invoke, *args: str) -> Any:
    """What the CLI prints for `args` with `--format json`."""
    result = invoke(*args, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def same_as_cli_rows(findings: Sequence[dict[str, Any]], rows: Sequence[dict[str, Any]]) -> None:
    """The tool's findings are the CLI's rows, field for field, with citations written out."""
    assert [finding["id"] for finding in findings] == [row["id"] for row in rows]
    for finding, row in zip(findings, rows, strict=True):
        for column in FINDING_COLUMNS:
            if column == "citations":
                assert [work["id"] for work in finding["citations"]] == row["citations"]
            else:
                assert finding[column] == row[column], (finding["id"], column)


def test_every_tool_is_listed_with_a_description_and_both_schemas() -> None:
    """An assistant sees six tools, each described, with typed input and output schemas."""

    async def conversation(session: ClientSession) -> list[Any]:
        return (await session.list_tools()).tools

    tools = talk(conversation)
    assert {tool.name for tool in tools} == TOOLS
    for tool in tools:
        assert tool.description
        assert len(tool.description) > 80, tool.name
        assert tool.input_schema["type"] == "object"
        assert tool.output_schema is not None, tool.name
        assert tool.output_schema["type"] == "object"
    by_name = {tool.name: tool for tool in tools}
    assert by_name["get_finding"].input_schema["required"] == ["id"]
    kinds = by_name["list_findings"].input_schema["$defs"]["EvidenceKind"]["enum"]
    assert kinds == ["effekt", "forandring", "vurdering", "forskning"]


@pytest.mark.parametrize(
    ("arguments", "cli"),
    [
        ({}, ()),
        ({"themes": ["krim"]}, ("--theme", "krim")),
        ({"effects_only": True, "lang": "en"}, ("--effects-only", "--lang", "en")),
        (
            {"evidence": ["vurdering", "forskning"], "themes": ["Uddannelse"]},
            ("--evidence", "vurdering", "--evidence", "forskning", "--theme", "Uddannelse"),
        ),
        ({"cites": ["SBi 2018:09"]}, ("--cites", "SBi 2018:09")),
        (
            {"search": "unge", "target_group": "unge"},
            ("--search", "unge", "--target-group", "unge"),
        ),
    ],
)
def test_list_findings_answers_as_findings_json(
    invoke: Invoke, arguments: dict[str, Any], cli: tuple[str, ...]
) -> None:
    """list_findings gives the findings `findings -f json` lists for the same filters."""
    answer = structured(talk(call("list_findings", **arguments)))
    rows = cli_json(invoke, "findings", *cli)
    assert rows
    assert answer["count"] == len(rows)
    assert answer["note"] is None
    same_as_cli_rows(answer["findings"], rows)


@pytest.mark.parametrize(
    ("arguments", "cli"),
    [
        ({"words": "fritidsjob"}, ("fritidsjob",)),
        ({"words": "kriminalitet unge", "limit": 3}, ("kriminalitet", "unge", "--limit", "3")),
        ({"words": "boligomraader", "lang": "en"}, ("boligomraader", "--lang", "en")),
        ({"words": "helhedsplaner"}, ("helhedsplaner",)),
    ],
)
def test_search_evidence_gives_the_search_commands_hits(
    invoke: Invoke, arguments: dict[str, Any], cli: tuple[str, ...]
) -> None:
    """search_evidence ranks what `search -f json` ranks, field for field, and each finding hit
    carries the finding as `findings -f json` lists it."""
    answer = structured(talk(call("search_evidence", **arguments)))
    rows = cli_json(invoke, "search", *cli)
    assert rows
    hits = answer["hits"]
    assert [{key: hit[key] for key in rows[0]} for hit in hits] == rows
    lang = arguments.get("lang", "da")
    every = {row["id"]: row for row in cli_json(invoke, "findings", "--lang", lang)}
    for hit in hits:
        if hit["kind"] == "finding":
            same_as_cli_rows([hit["finding"]], [every[hit["id"]]])
        else:
            assert hit["finding"] is None
    assert answer["note"] is None


def test_a_search_for_a_misspelling_says_so_and_answers_for_the_closest_word(
    invoke: Invoke,
) -> None:
    """No hit as typed: the hits for the index's closest word, marked corrected, with a note
    saying so, as the search command prints it."""
    answer = structured(talk(call("search_evidence", words="kriminalitxt")))
    assert answer["corrected"] is True
    assert answer["suggestions"][0] == "kriminalitet"
    assert answer["terms"] == ["kriminalitet"]
    rows = cli_json(invoke, "search", "kriminalitxt")
    assert [hit["id"] for hit in answer["hits"]] == [row["id"] for row in rows]
    assert answer["note"].startswith(
        "Intet i datasættet passer til søgningen.\nMente du: kriminalitet"
    )
    nothing = structured(talk(call("search_evidence", words="qqqxxzz")))
    assert (nothing["hits"], nothing["total"], nothing["corrected"]) == ([], 0, False)
    assert nothing["note"].startswith("Intet i datasættet passer til søgningen.")


def test_each_finding_explains_its_kind_quotes_its_page_and_writes_out_its_works(
    invoke: Invoke,
) -> None:
    """Every finding: the data's meaning of its kind, a quote that starts on its page in the
    booklet, its works written out as `cite` writes them, and the booklet as its source."""
    source = SourceText.from_text(BOOKLET_TEXT.read_text(encoding="utf-8"))
    for lang in ("da", "en"):
        answer = structured(talk(call("list_findings", lang=lang)))
        assert answer["count"] == len(BUNDLED["findings"])
        for finding in answer["findings"]:
            assert finding["evidence_meaning"] == MEANINGS[finding["evidence"], lang]
            assert source.page_of(finding["quote"]) == finding["page"], finding["id"]
            assert finding["source"] == "booklet"
            assert finding["origin"] == "bundled"
    written = {
        work["id"]: work["reference"]
        for finding in answer["findings"]
        for work in finding["citations"]
    }
    for reference_id in ("christensen-2018b", "sbi-2018-09"):
        cited = invoke("cite", reference_id, "--lang", "en")
        assert cited.exit_code == 0, cited.output
        assert written[reference_id] == cited.stdout.rstrip("\n")


def test_get_finding_is_the_findings_row_with_everything_to_cite_it(invoke: Invoke) -> None:
    """get_finding by prefix gives the one finding, as the CLI lists it, in either language."""
    danish, english = talk(
        calls(
            ("get_finding", {"id": "fritidsjob-tre"}),
            ("get_finding", {"id": "fritidsjob-tre-gange-chance", "lang": "en"}),
        )
    )
    for answer, lang in ((structured(danish), "da"), (structured(english), "en")):
        rows = cli_json(invoke, "findings", "-l", lang)
        same_as_cli_rows([answer], [row for row in rows if row["id"] == answer["id"]])
        assert answer["theme_name"] == next(
            theme["name"][lang] for theme in BUNDLED["themes"] if theme["id"] == answer["theme"]
        )
    assert structured(danish)["summary"] != structured(english)["summary"]


def test_get_theme_gives_summary_context_and_findings_by_kind(invoke: Invoke) -> None:
    """A theme's page: its summary, the dataset's context passages, and under each of the four
    kinds exactly the findings `findings --theme --evidence` lists."""
    page = structured(talk(call("get_theme", theme="Kriminalitet", lang="en")))
    theme = next(theme for theme in BUNDLED["themes"] if theme["id"] == "kriminalitet")
    assert page["id"] == "kriminalitet"
    assert page["summary"] == theme["summary"]["en"]
    assert [passage["quote"] for passage in page["context"]] == [
        passage["quote"] for passage in theme["context"]
    ]
    assert [passage["page"] for passage in page["context"]] == [
        passage["page"] for passage in theme["context"]
    ]
    source = SourceText.from_text(BOOKLET_TEXT.read_text(encoding="utf-8"))
    for passage in page["context"]:
        assert source.page_of(passage["quote"]) == passage["page"]
    kinds = [group["evidence"] for group in page["findings_by_kind"]]
    assert kinds == ["effekt", "forandring", "vurdering", "forskning"]
    for group in page["findings_by_kind"]:
        assert group["evidence_meaning"] == MEANINGS[group["evidence"], "en"]
        rows = cli_json(
            invoke, "findings", "--theme", "kriminalitet", "--evidence", group["evidence"]
        )
        assert [finding["id"] for finding in group["findings"]] == [row["id"] for row in rows]
    assert sum(len(group["findings"]) for group in page["findings_by_kind"]) == 3


def test_evidence_map_is_the_overview(invoke: Invoke) -> None:
    """evidence_map gives `overview -f json`'s counts, and every kind's meaning."""
    answer = structured(talk(call("evidence_map", lang="en")))
    rows = cli_json(invoke, "overview", "--lang", "en")
    assert [{key: row[key] for key in rows[0]} for row in answer["themes"]] == rows
    assert [(kind["evidence"], kind["meaning"]) for kind in answer["kinds"]] == [
        (info["kind"], info["explanation"]["en"]) for info in BUNDLED["evidence_kinds"]
    ]


@pytest.mark.parametrize(
    ("arguments", "cli"),
    [
        ({}, ()),
        (
            {"findings": ["maends-ledighed"], "style": "harvard"},
            ("--finding", "maends-ledighed", "--style", "harvard"),
        ),
        ({"effects_only": True, "format": "bibtex"}, ("--effects-only", "--format", "bibtex")),
        (
            {"works": ["SBi 2018:09"], "booklet": True, "format": "ris"},
            ("SBi 2018:09", "--booklet", "--format", "ris"),
        ),
        (
            {"themes": ["tryghed"], "style": "kort", "format": "markdown", "lang": "en"},
            ("--theme", "tryghed", "--style", "kort", "--format", "markdown", "--lang", "en"),
        ),
    ],
)
def test_cite_writes_what_the_cite_command_writes(
    arguments: dict[str, Any], cli: tuple[str, ...]
) -> None:
    """cite gives the very text `boligsocial cite` prints for the same selection."""
    answer = structured(talk(call("cite", **arguments)))
    printed = subprocess.run(
        [sys.executable, "-m", "boligsocial_cli", "cite", *cli],
        capture_output=True,
        timeout=60,
        check=True,
    )
    assert answer["text"] == printed.stdout.decode("utf-8")  # RIS's CRLF kept, not translated
    assert answer["references"]
    assert answer["note"] is None


def test_cite_in_bibtex_parses_with_one_entry_per_work() -> None:
    """The BibTeX a cite call gives is read by bibtexparser: one entry per work named."""
    import bibtexparser  # noqa: PLC0415 - a test dependency, for this referee only

    answer = structured(talk(call("cite", effects_only=True, format="bibtex")))
    library = bibtexparser.parse_string(answer["text"])  # type: ignore[attr-defined] # not in __all__
    assert not library.failed_blocks
    assert len(library.entries) == len(answer["references"])


def test_unknown_ids_are_tool_errors_and_the_server_keeps_serving() -> None:
    """An unknown id or theme answers with the error and the closest match; the next call works."""
    ambiguous, finding, theme, work, after = talk(
        calls(
            ("get_finding", {"id": "fritidsjob", "lang": "en"}),
            ("get_finding", {"id": "fritidsjb-tre-gange", "lang": "en"}),
            ("get_theme", {"theme": "krimnalitet", "lang": "en"}),
            ("cite", {"works": ["Christensen 2017"], "lang": "en"}),
            ("get_finding", {"id": "maends-ledighed"}),
        )
    )
    assert "'fritidsjob' is ambiguous: it matches fritidsjob-tre-gange-chance, " in error_text(
        ambiguous
    )
    assert "Unknown finding 'fritidsjb-tre-gange'" in error_text(finding)
    assert "Did you mean 'fritidsjob-tre-gange-chance'" in error_text(finding)
    assert "Did you mean 'kriminalitet'" in error_text(theme)
    assert "Unknown reference 'Christensen 2017'" in error_text(work)
    assert structured(after)["id"] == "maends-ledighed"


def message(result: CallToolResult) -> str:
    """A tool error's message, without the SDK's own 'Error executing tool …: ' before it."""
    return error_text(result).split(": ", 1)[1]


def test_a_tool_error_speaks_the_language_of_its_call() -> None:
    """Each call's `lang` is the language of its errors too, whatever the call before spoke
    and the server was started with."""
    danish, english, danish_again = talk(
        calls(
            ("get_finding", {"id": "fritidsjb-tre-gange"}),
            ("get_theme", {"theme": "krimnalitet", "lang": "en"}),
            ("get_finding", {"id": "fritidsjob", "lang": "da"}),
        ),
        "--lang",
        "en",
    )
    said = [message(result) for result in (danish, english, danish_again)]
    assert said[0].startswith(
        "Ukendt fund 'fritidsjb-tre-gange'. Mente du 'fritidsjob-tre-gange-chance'? Mulige valg:"
    )
    assert said[1].startswith("Unknown theme 'krimnalitet'. Did you mean")
    assert said[2].startswith("'fritidsjob' er tvetydigt: det passer på ")
    for text in (said[0], said[2]):
        assert not {"Unknown", "Did", "you", "mean", "ambiguous", "matches"} & set(text.split())


def test_an_empty_answer_says_what_dropping_a_filter_would_find() -> None:
    """No match is an answer, not an error: a note names the filter to drop, as the CLI does."""
    answer = structured(
        talk(call("list_findings", themes=["tryghed"], effects_only=True, search="tryg"))
    )
    assert answer["count"] == 0
    assert answer["findings"] == []
    assert answer["note"].startswith("Ingen fund passer til filtrene.\nUden --effects-only ville")


def test_own_data_is_marked_own_and_the_booklets_stays_booklet() -> None:
    """With an overlay (via BOLIGSOCIAL_DATA), its finding says source 'own' and names its file;
    the booklet's findings beside it still say 'booklet'."""
    overlay = FIXTURES / "overlay-extends.yaml"
    answer = structured(
        talk(call("list_findings", themes=["kriminalitet"]), env={"BOLIGSOCIAL_DATA": str(overlay)})
    )
    sources = {
        finding["id"]: (finding["source"], finding["origin"]) for finding in answer["findings"]
    }
    assert sources.pop("lektiecafe-kriminalitet-lokalt") == ("own", str(overlay))
    assert sources
    assert set(sources.values()) == {("booklet", "bundled")}


def test_hostile_text_arrives_as_the_same_characters() -> None:
    """Markup and control sequences in data are text: the answer holds the file's very strings."""
    hostile = FIXTURES / "hostile.yaml"
    data = yaml.safe_load(hostile.read_text(encoding="utf-8"))
    answer = structured(talk(call("evidence_map"), "--data", str(hostile)))
    assert [kind["name"] for kind in answer["kinds"]] == [
        info["name"]["da"] for info in data["evidence_kinds"]
    ]
    assert answer["themes"][0]["name"] == data["themes"][0]["name"]["da"]


@pytest.mark.usefixtures("english")
def test_a_broken_dataset_stops_start_up_with_one_clear_message(tmp_path: Path) -> None:
    """A broken --data file: exit 1 before serving, its place on stderr, no traceback."""
    broken = tmp_path / "egne.yaml"
    broken.write_text("extends: bundled\nfindings:\n  - id: x\n    theme: [\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "boligsocial_cli", "--data", str(broken), "mcp"],
        input="",
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.startswith(f"Error: {broken}:")
    assert "Traceback" not in result.stderr


def test_without_the_sdk_the_command_says_how_to_install_it() -> None:
    """When the mcp package cannot be imported, exit 2 with the pip command for the extra."""
    code = (
        "import sys; sys.modules['mcp'] = None; sys.argv = ['boligsocial', 'mcp']; "
        "from boligsocial_cli.cli import main; main()"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 2
    assert "pip install 'boligsocial-cli[mcp]'" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_lookup_does_not_import_the_sdk() -> None:
    """`findings` and `--help` leave the MCP SDK and pydantic unimported: lookups stay fast."""
    code = (
        "import sys; sys.argv = ['boligsocial', 'findings', '--theme', 'krim']\n"
        "from boligsocial_cli.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in {'mcp', 'pydantic'}),"
        " file=sys.stderr)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert "kriminalitet-fald-10-14-aarige" in result.stdout
    assert result.stderr.strip() == "[]"


def test_protocol_smoke_resources_and_prompt(invoke: Invoke, tmp_path: Path) -> None:
    """Initialize, list and read resources, list and get the prompt; nothing on stderr."""

    async def conversation(session: ClientSession) -> dict[str, Any]:
        answers: dict[str, Any] = {
            "resources": (await session.list_resources()).resources,
            "templates": (await session.list_resource_templates()).resource_templates,
            "prompts": (await session.list_prompts()).prompts,
        }
        for uri in (
            "boligsocial://booklet",
            "boligsocial://booklet/page/2",
            "boligsocial://bibliography",
        ):
            content = (await session.read_resource(uri)).contents[0]
            assert isinstance(content, TextResourceContents)
            answers[uri] = content.text
        for lang in ("da", "en"):
            prompt = await session.get_prompt(
                "read_the_evidence", {"lang": lang, "question": "Virker fritidsjob?"}
            )
            message = prompt.messages[0].content
            assert isinstance(message, TextContent)
            answers[lang] = message.text
        return answers

    log = tmp_path / "stderr.txt"
    answers = talk(conversation, errlog=log)
    assert log.read_text(encoding="utf-8") == ""
    assert {resource.uri for resource in answers["resources"]} == {
        "boligsocial://booklet",
        "boligsocial://bibliography",
    }
    assert [template.uri_template for template in answers["templates"]] == [
        "boligsocial://booklet/page/{page}"
    ]
    pages = BOOKLET_TEXT.read_text(encoding="utf-8").split("\f")
    whole = answers["boligsocial://booklet"]
    assert [whole.count(f"[side {n} / page {n}]") for n in range(1, len(pages) + 1)] == [1] * 4
    starting_on_two = [f["quote"] for f in BUNDLED["findings"] if f["page"] == 2]
    assert starting_on_two
    for quote in starting_on_two:
        assert quote[:40] in answers["boligsocial://booklet/page/2"]
        assert quote[:40] in whole
    assert answers["boligsocial://bibliography"] == invoke("cite").stdout
    assert [prompt.name for prompt in answers["prompts"]] == ["read_the_evidence"]
    for lang in ("da", "en"):
        for info in BUNDLED["evidence_kinds"]:
            assert info["explanation"][lang] in answers[lang]
        assert answers[lang].endswith("Virker fritidsjob?")


def test_a_page_outside_the_booklet_is_an_error_and_serving_goes_on() -> None:
    """Reading page 99 fails with the booklet's page range; the next read works."""

    async def conversation(session: ClientSession) -> str:
        with pytest.raises(MCPError, match="pages 1 to 4, not 99"):
            await session.read_resource("boligsocial://booklet/page/99")
        content = (await session.read_resource("boligsocial://booklet/page/1")).contents[0]
        assert isinstance(content, TextResourceContents)
        return content.text

    first = talk(conversation)
    assert first.startswith("Boligsociale indsatser – kort fortalt")


def test_an_edited_file_is_served_anew_and_a_broken_one_is_a_tool_error(tmp_path: Path) -> None:
    """Each request reads the data: an added finding is found, a file broken mid-session makes
    the tool answer with its place, and fixing the file brings the answers back."""
    own = tmp_path / "egne.yaml"
    original = (FIXTURES / "overlay-extends.yaml").read_text(encoding="utf-8")
    own.write_text(original, encoding="utf-8")

    async def conversation(session: ClientSession) -> list[CallToolResult]:
        answers = [await session.call_tool("get_finding", {"id": "lektiecafe-kriminalitet"})]
        own.write_text(original + "  - id: [\n", encoding="utf-8")
        answers.append(await session.call_tool("get_finding", {"id": "lektiecafe-kriminalitet"}))
        own.write_text(original.replace("Færre unge sigtes i vores", "Langt færre unge"), "utf-8")
        answers.append(await session.call_tool("get_finding", {"id": "lektiecafe-kriminalitet"}))
        return answers

    before, broken, fixed = talk(conversation, "--data", str(own))
    assert structured(before)["source"] == "own"
    assert f"{own}:" in error_text(broken)
    assert structured(fixed)["summary"].startswith("Langt færre unge")


README = (REPO / "README.md").read_text(encoding="utf-8")
MCP_SECTION = README[README.index("## AI assistants (MCP)") : README.index("## Speed, scale")]
JSON_BLOCK = re.compile(r"```json\n(.*?)```", re.DOTALL)
README_ANSWER = re.compile(r"<!-- mcp answer: (\w+) (\{.*?\}) -->\n```json\n(.*?)```", re.DOTALL)


def test_the_readmes_answer_is_what_the_server_answers() -> None:
    """The README's example answer is the structured result the tool gives today."""
    name, arguments, shown = README_ANSWER.findall(MCP_SECTION)[0]
    assert structured(talk(call(name, **json.loads(arguments)))) == json.loads(shown)


def test_the_readmes_registration_snippets_start_the_server() -> None:
    """Each JSON snippet in the README parses and, run as it says with the installed entry
    point, starts a server that lists its tools (a `--data` file stood in for by a fixture)."""
    beside = Path(sys.executable).parent / "boligsocial"
    entry_point = str(beside) if beside.exists() else shutil.which("boligsocial")
    assert entry_point, "the boligsocial entry point is not installed"
    snippets = [json.loads(block) for block in JSON_BLOCK.findall(MCP_SECTION)]
    entries = [
        entry
        for snippet in snippets
        for entry in (snippet.get("mcpServers") or snippet.get("servers") or {}).values()
    ]
    assert len(entries) == 3
    for entry in entries:
        assert entry["command"] == "boligsocial"
        assert entry["args"][-1] == "mcp"
        options = [
            str(FIXTURES / "overlay-extends.yaml") if before == "--data" else option
            for before, option in zip(["", *entry["args"]], entry["args"][:-1], strict=False)
        ]

        async def listed(session: ClientSession) -> set[str]:
            return {tool.name for tool in (await session.list_tools()).tools}

        assert talk(listed, *options, boligsocial=(entry_point,)) == TOOLS


@pytest.mark.usefixtures("english")
def test_started_on_a_terminal_it_says_what_it_is() -> None:
    """A person who types `boligsocial mcp` is told on stderr that it serves assistants."""
    import pty  # noqa: PLC0415 - POSIX only, for this test
    import select  # noqa: PLC0415

    controller, terminal = pty.openpty()
    server = subprocess.Popen(
        [sys.executable, "-m", "boligsocial_cli", "mcp"],
        stdin=terminal,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    os.close(terminal)
    try:
        assert server.stderr is not None
        ready, _, _ = select.select([server.stderr], [], [], 60)  # no message: no hang
        said = server.stderr.readline() if ready else ""
    finally:
        os.close(controller)
        server.kill()
        server.wait(timeout=30)
    assert said.startswith("boligsocial mcp is a server for AI assistants")


@pytest.mark.parametrize(("theme", "lang"), [("kriminalitet", "en"), ("tryghed", "da")])
def test_get_theme_is_the_theme_commands_page(invoke: Invoke, theme: str, lang: str) -> None:
    """get_theme gives what `theme -f json` gives: summary, context passages, and each kind's
    findings as the CLI lists them; the kinds the CLI leaves out are there, empty."""
    page = structured(talk(call("get_theme", theme=theme, lang=lang)))
    printed = cli_json(invoke, "theme", theme, "--lang", lang)
    assert (page["id"], page["name"], page["summary"]) == (
        printed["id"],
        printed["name"],
        printed["summary"],
    )
    assert [
        (p["text"], p["quote"], p["page"], [w["id"] for w in p["citations"]], p["citation_note"])
        for p in page["context"]
    ] == [
        (p["text"], p["quote"], p["page"], p["citations"], p.get("citation_note"))
        for p in printed["context"]
    ]
    listed = {group["evidence"]: group["findings"] for group in printed["findings"]}
    for group in page["findings_by_kind"]:
        same_as_cli_rows(group["findings"], listed.get(group["evidence"], []))
