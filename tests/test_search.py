"""Search as people ask: real questions find the booklet passage that answers them.

Each question below was written from the booklet's text (data/booklet.txt), not from
the program's output: the expected hit is the passage whose words answer it, named
by what it is and its id. A question passes when that passage is among the first
three hits. Questions come in Danish and English, in the words a user would type,
with typos and æ/ø/å written as ae/oe/aa or a/o.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from boligsocial_cli.dataset.load import load_dataset
from boligsocial_cli.dataset.locations import bundled_dataset_path
from boligsocial_cli.query import fold, search_terms
from boligsocial_cli.store import store as store_module
from boligsocial_cli.store.location import open_store
from boligsocial_cli.store.snippets import fold_with_offsets, make_snippet
from boligsocial_cli.store.store import SearchHit, Store

# (question, what answers it: (kind, id), …), grouped by what the booklet says where;
# where the booklet says the same in two places, either place answers.
QUESTIONS: list[tuple[Any, ...]] = [
    # Page 1: what the interventions are, why, who funds them, the problems.
    ("hvad er en boligsocial indsats", ("background", "hvad")),
    # The glossary's definitions restate the booklet's: either answers.
    (
        "what is a housing social intervention",
        ("background", "hvad"),
        ("glossary", "boligsocial indsats"),
    ),
    ("hvem betaler landsbyggefonden", ("background", "finansiering"), ("background", "hvad")),
    ("boligaftale vejledning regulativ", ("background", "finansiering")),
    ("hvorfor udsatte boligomraader", ("background", "hvorfor")),
    ("koncentration af beboere uden arbejde", ("finding", "segregering-koncentration")),
    ("fraflytning", ("challenge", "hoej-fraflytning")),
    ("stigmatisering daarligt omdomme", ("challenge", "daarligt-omdoemme")),
    ("vandalisme narkotika", ("challenge", "synlig-asocial-opfoersel")),
    ("foreningsliv", ("challenge", "andel-uden-fritids-og-foreningsliv")),
    ("er problemerne særligt danske", ("finding", "udfordringer-ikke-unikke")),
    ("international research vulnerable areas", ("finding", "udfordringer-ikke-unikke")),
    ("VIVE SBi Rambøll CFBU", ("background", "videnmiljoeer")),
    # Page 2: the knowledge base, prevention, crime, school.
    ("forskel på forandringer og effekter", ("context", "vidensgrundlag")),
    ("hvor mange effektstudier", ("context", "vidensgrundlag")),
    ("few effect studies", ("context", "vidensgrundlag")),
    ("sundhedsplejerske", ("context", "forebyggelse")),
    ("forældrekompetencer rettigheder", ("finding", "foraeldrekompetencer-rettigheder")),
    ("foraeldre aktiv rolle", ("finding", "foraeldre-aktiv-rolle")),
    ("tidlig opsporing brobygning", ("finding", "foraeldre-aktiv-rolle")),
    ("falder kriminaliteten blandt 10-14-årige", ("finding", "kriminalitet-fald-10-14-aarige")),
    ("tilbagefald", ("finding", "kriminalitet-fald-10-14-aarige")),
    ("koordineret indsats politi", ("finding", "kriminalitet-fald-samlet-indsats")),
    ("virker mentorer mod kriminalitet", ("finding", "mentorindsatser-tidlig-indsats")),
    ("mentor crime young people", ("finding", "mentorindsatser-tidlig-indsats")),
    ("selvværd fravær grundskolen", ("context", "kriminalitet")),
    ("kriminalitetsforebyggelse", ("context", "kriminalitet")),
    ("motivation for uddannelse skole", ("finding", "skoleaktoerer-vurderer-motivation")),
    (
        "kendskab til livet på en arbejdsplads",
        ("finding", "samarbejdsaktoerer-vurderer-beskaeftigelse"),
    ),
    # Page 3: jobs, education, tryghed.
    ("fritidsjob lommepenge", ("finding", "fritidsjob-tre-gange-chance")),
    ("fritidjob", ("finding", "fritidsjob-tre-gange-chance")),  # a typo: the closest word
    ("leisure job three times", ("finding", "fritidsjob-tre-gange-chance")),
    ("bydelsmødre uddannelse kvinder", ("finding", "netvaerksmoedre-uddannelse")),
    ("netvaerksmodre", ("finding", "netvaerksmoedre-uddannelse")),
    ("maends ledighed", ("finding", "maends-ledighed")),
    ("men unemployment effect", ("finding", "maends-ledighed")),
    ("attraktive boligområder nye beboere", ("finding", "attraktive-omraader-tiltraekker-beboere")),
    ("social sammenhængskraft kollektiv handlekraft", ("finding", "tryghed-sammensat-faenomen")),
    ("hvem er mindst tryg", ("finding", "tryghed-hvem-er-mindre-tryg")),
    ("mindre hærværk", ("finding", "beboere-tryggere-mindre-haervaerk")),
    ("bedre ry", ("finding", "boligomraade-bedre-ry")),
    ("utryghed", ("challenge", "utryghed-manglende-trivsel")),
    # Page 3-4: how the work is done, strategy, organisation.
    ("medborgerskab", ("background", "arbejdsform")),
    ("drop-in", ("background", "arbejdsform")),
    (
        "kommunal kernedrift",
        ("context", "organisering"),
        ("background", "arbejdsform"),
        ("glossary", "kommunal kernedrift"),
    ),
    ("helhedsplanernes strategi", ("context", "organisering")),
    ("tiltro bestyrelsesmedlemmer", ("finding", "ledere-tiltro-til-indsatserne")),
    ("ny organisationsstruktur", ("finding", "opbakning-ny-organisationsstruktur")),
    # The works and the terms.
    ("Massey", ("reference", "massey-1994")),
    ("Geerdsen", ("reference", "christensen-geerdsen-2016")),
    ("universal velfærdsindsats", ("glossary", "universal velfærdsindsats")),
]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    env = {"BOLIGSOCIAL_CACHE_DIR": str(tmp_path_factory.mktemp("store"))}
    return open_store([bundled_dataset_path()], env=env)


def test_there_are_forty_questions_or_more() -> None:
    """The corpus is large enough to say something: at least 40 questions."""
    assert len(QUESTIONS) >= 40


@pytest.mark.parametrize(
    ("question", "answers"),
    [(question, answers) for question, *answers in QUESTIONS],
    ids=[question for question, *_ in QUESTIONS],
)
def test_a_question_finds_the_passage_that_answers_it(
    store: Store, question: str, answers: list[tuple[str, str]]
) -> None:
    """A passage that answers the question is among the first three hits."""
    hits = store.search(question, limit=3).hits
    assert set(answers) & {(hit.kind.value, hit.record_id) for hit in hits}


def test_hits_holding_every_term_come_first_and_are_marked(store: Store) -> None:
    """Items holding both terms rank above those holding one; marks fold to a term."""
    answer = store.search("tryghed hærværk", limit=50)
    assert answer.total >= len(answer.hits) > 5
    both = [all(t in fold(" ".join(_texts(hit))) for t in answer.terms) for hit in answer.hits]
    assert both[0]
    assert both == sorted(both, reverse=True)
    for hit in answer.hits:
        assert hit.snippet.marks
        for start, end in hit.snippet.marks:
            assert any(term in fold(hit.snippet.text[start:end]) for term in answer.terms)


def test_a_finding_hit_says_its_evidence_kind_and_page(store: Store) -> None:
    """A finding found by search carries its evidence kind and page, as the dataset has them."""
    (hit,) = store.search("tre gange større", limit=1).hits
    finding = next(
        f for f in load_dataset(bundled_dataset_path()).findings if f.id == hit.record_id
    )
    assert (hit.evidence, hit.page, hit.theme) == (finding.evidence, finding.page, finding.theme)


def test_a_typo_is_answered_for_the_closest_word_of_the_index() -> None:
    """No hit: the index's closest words are offered, and the best of them searched for."""
    env = {"BOLIGSOCIAL_NO_CACHE": "1"}
    answer = open_store([bundled_dataset_path()], env=env).search("fritidsjbo")
    assert answer.corrected
    assert answer.suggestions[0] == "fritidsjob"
    assert answer.hits[0].record_id == "fritidsjob-tre-gange-chance"
    assert open_store([bundled_dataset_path()], env=env).search("qwxyzzy").hits == ()


@pytest.mark.parametrize(
    "text", ["Æblegrød", "bÅd", "OEkonomi  og\tÆRØ", "Straße", "café", "aaa ae oe", "Ǻ", ""]
)
def test_folding_with_offsets_is_fold(text: str) -> None:
    """Folding that remembers where each character came from folds as query.fold does."""
    folded, origins = fold_with_offsets(text)
    assert folded == fold(text)
    assert len(origins) == len(folded)
    assert list(origins) == sorted(origins)


def test_a_snippet_is_cut_at_spaces_around_the_first_match() -> None:
    """A long text is cut at word boundaries, with an ellipsis where it was cut."""
    text = " ".join(f"ord{number}" for number in range(100)) + " boligområde " + "slut " * 50
    snippet = make_snippet(text, ("boligomrade",), width=60)
    assert snippet.text.startswith("…")
    assert snippet.text.endswith("…")
    ((start, end),) = snippet.marks
    assert snippet.text[start:end] == "boligområde"
    assert all(
        not part or part.startswith("ord") or part in {"boligområde", "slut", "…"}
        for part in snippet.text.strip("…").split(" ")
    )


def test_search_over_the_cli_marks_its_hits() -> None:
    """`search -f json` gives each hit's kind, id, page, snippet and marks."""
    from typer.testing import CliRunner  # noqa: PLC0415

    from boligsocial_cli.cli import app  # noqa: PLC0415

    result = CliRunner().invoke(app, ["search", "sundhedsplejerske", "-f", "json"])
    assert result.exit_code == 0
    import json  # noqa: PLC0415

    hit = json.loads(result.stdout)[0]
    assert (hit["kind"], hit["id"], hit["page"]) == ("context", "forebyggelse", 2)
    start, end = hit["marks"][0]
    assert "sundhedsplejerske".startswith(hit["snippet"][start:end].casefold())  # its stem


def _texts(hit: SearchHit) -> tuple[str, ...]:
    dataset = load_dataset(bundled_dataset_path())
    if hit.kind.value == "finding":
        finding = next(f for f in dataset.findings if f.id == hit.record_id)
        return (finding.summary.da, finding.summary.en, finding.quote)
    return (hit.snippet.text,)


def test_hits_from_ones_own_data_say_so(tmp_path: Path) -> None:
    """A theme, a context passage or a work from the user's file carries that file as origin;
    the booklet's carry `bundled`, as in every other view."""
    own = tmp_path / "egne.yaml"
    own.write_text(
        "extends: bundled\n"
        "themes:\n"
        "  - id: lokalt\n"
        "    name: {da: Lokale erfaringer, en: Local experience}\n"
        "    summary: {da: Vores egne lektiecaféer., en: Our own homework clubs.}\n"
        "    context:\n"
        "      - text: {da: Lektiecaféer i kælderen., en: Homework clubs in the basement.}\n"
        "        quote: Lektiecaféer i kælderen\n"
        "        page: 1\n",
        encoding="utf-8",
    )
    answer = open_store([own], env={"BOLIGSOCIAL_NO_CACHE": "1"}).search("lektiecafeer")
    assert {(hit.kind.value, hit.origin) for hit in answer.hits} == {
        ("theme", str(own)),
        ("context", str(own)),
    }
    booklet = open_store([own], env={"BOLIGSOCIAL_NO_CACHE": "1"}).search("sundhedsplejerske")
    assert {hit.origin for hit in booklet.hits} == {"bundled"}


_WORDS = ("tryghed", "unge", "boern", "kriminalitet", "fritidsjob", "beboere", "zzzz", "a", "job")


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    words=st.lists(st.sampled_from(_WORDS), min_size=1, max_size=4, unique=True),
    limit=st.integers(1, 60),
)
def test_the_best_hits_are_those_of_ranking_every_hit(
    store: Store, words: list[str], limit: int
) -> None:
    """Taking the hits holding every term first gives the page ranking every hit by the
    number of terms it holds, then bm25, would give; and the same total."""
    db = store._db
    terms = search_terms(" ".join(words))
    long_terms = [term for term in terms if len(term) >= 3]
    rows, total = store_module._ranked(db, terms, limit)
    if not long_terms:
        return
    phrases = ['"' + term + '"' for term in long_terms]
    every = store_module._ranked_by_terms_held(db, phrases, 10_000)
    assert [row[0] for row in rows] == list(every[:limit])
    assert total == len(every)
