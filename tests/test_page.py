"""`export html`: the whole dataset as one offline page, tested in a real headless chromium.

The referees are the browser itself (what it requests, logs, runs and shows), lxml's HTML
parser, and the CLI: what the page's search and map find is what `findings` finds.
Screenshots of the page and of the map are written to each test's own folder (tmp_path).
"""

from __future__ import annotations

import json
import random
import sys
import unicodedata
from pathlib import Path

import pytest
from lxml import html  # type: ignore[import-untyped]
from PIL import Image
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait

from boligsocial_cli.dataset.load import load_dataset
from boligsocial_cli.dataset.locations import bundled_dataset_path
from boligsocial_cli.query import fold, search_terms

from .browser import browser, console_problems, network_requests
from .conftest import BOOKLET_TEXT, FIXTURES, Invoke

__all__ = ["browser"]  # the fixture, imported to be used here

HOSTILE = ("--data", str(FIXTURES / "overlay-hostile-html.yaml"))
OWN = ("--data", str(FIXTURES / "overlay-extends.yaml"))


def _export(invoke: Invoke, target: Path, *args: str) -> Path:
    data = [arg for arg in args if arg.startswith("--data") or arg.endswith(".yaml")]
    rest = [arg for arg in args if arg not in data]
    result = invoke(*data, "export", "html", str(target), *rest)
    assert result.exit_code == 0, result.output
    return target


@pytest.fixture
def page(invoke: Invoke, tmp_path: Path) -> Path:
    """The bundled dataset's page."""
    return _export(invoke, tmp_path / "evidens.html")


def _open(driver: webdriver.Chrome, path: Path) -> None:
    """Open the page from file://, the logs emptied first so they hold only what it did, and
    wait until it has laid out its last part, the bibliography."""
    driver.get("about:blank")
    network_requests(driver)
    console_problems(driver)
    driver.get(path.as_uri())
    WebDriverWait(driver, 30).until(
        lambda driver: driver.execute_script("return document.documentElement.dataset.ready")
    )


def _visible_ids(driver: webdriver.Chrome) -> list[str]:
    ids: list[str] = driver.execute_script(
        "return [...document.querySelectorAll('.finding')].filter(f => !f.hidden)"
        ".map(f => f.id.replace(/^finding-/, ''))"
    )
    return ids


def _cli_ids(invoke: Invoke, *args: str) -> list[str]:
    result = invoke(*args, "--format", "json")
    assert result.exit_code == 0, result.output
    return [row["id"] for row in json.loads(result.stdout)]


def test_page_loads_from_file_with_no_request_and_no_console_message(
    browser: webdriver.Chrome, page: Path, tmp_path: Path
) -> None:
    """The only request is the page itself; nothing is logged; every finding, theme and work
    is on it. A screenshot of the page and one of the map are written."""
    _open(browser, page)
    for _ in range(3):  # the search texts are folded when the browser is idle: let it be
        browser.execute_async_script("requestIdleCallback(() => setTimeout(arguments[0], 20))")
    assert browser.execute_script("return document.readyState") == "complete"
    assert network_requests(browser) == [page.as_uri()]
    assert console_problems(browser) == []
    dataset = load_dataset(bundled_dataset_path())
    assert len(browser.find_elements(By.CSS_SELECTOR, ".finding")) == len(dataset.findings)
    assert len(browser.find_elements(By.CSS_SELECTOR, ".theme")) == len(dataset.themes)
    assert len(browser.find_elements(By.CSS_SELECTOR, "#reference-list > li")) == len(
        dataset.references
    )
    browser.save_screenshot(str(tmp_path / "page.png"))
    browser.find_element(By.CSS_SELECTOR, ".map:not([hidden])").screenshot(
        str(tmp_path / "map.png")
    )
    for name in ("page.png", "map.png"):
        with Image.open(tmp_path / name) as image:
            assert image.format == "PNG"
            assert image.width > 300


def test_every_finding_shows_kind_summary_quote_page_and_references(
    browser: webdriver.Chrome, page: Path
) -> None:
    """A finding's article holds its evidence kind, summary, verbatim quote (marked Danish),
    page and the booklet's citation forms, linked to the bibliography."""
    _open(browser, page)
    dataset = load_dataset(bundled_dataset_path())
    finding = next(f for f in dataset.findings if f.id == "maends-ledighed")
    article = browser.find_element(By.ID, "finding-maends-ledighed")
    assert article.find_element(By.CSS_SELECTOR, ".badge").text == "Effekt"
    assert finding.summary.da in article.text
    quote = article.find_element(By.TAG_NAME, "blockquote")
    assert quote.get_attribute("lang") == "da"
    assert quote.text == f"“{finding.quote}” (side {finding.page})"
    links = article.find_elements(By.CSS_SELECTOR, ".citations a")
    assert [(link.get_attribute("href") or "").split("#")[1] for link in links] == [
        f"ref-{citation}" for citation in finding.citations
    ]


def test_themes_show_their_context_with_quotes(browser: webdriver.Chrome, page: Path) -> None:
    """Each theme's context passages are shown with their quote and page."""
    _open(browser, page)
    dataset = load_dataset(bundled_dataset_path())
    theme = next(theme for theme in dataset.themes if theme.context)
    article = browser.find_element(By.ID, f"theme-{theme.id}")
    quotes = [element.text for element in article.find_elements(By.TAG_NAME, "blockquote")]
    assert quotes == [f"“{p.quote}” (side {p.page})" for p in theme.context]


@pytest.mark.parametrize(
    "words",
    [
        "lommepenge",
        "boern",
        "BØRN",
        "tryghed kriminalitet",
        "Christensen 2018b",
        "zzz",
        "helhedsplaner",
        "boligområderne (unges)",
        "effekterne",
        "fritidsjobbet, mænds",
        "en",
        "ae",
        "hvad virker mod kriminalitet",
        "og i",
    ],
)
def test_search_box_finds_what_findings_search_finds(
    browser: webdriver.Chrome, page: Path, invoke: Invoke, words: str
) -> None:
    """Typing in the search box shows exactly the findings `findings --search` lists."""
    _open(browser, page)
    box = browser.find_element(By.ID, "search")
    box.send_keys(words)
    assert _visible_ids(browser) == _cli_ids(invoke, "findings", "--search", words)
    status = browser.find_element(By.ID, "shown").text
    assert (
        status.startswith(str(len(_visible_ids(browser))))
        or status == "Ingen fund passer til filtrene."
    )


def test_clicking_a_map_cell_lists_that_cells_findings(
    browser: webdriver.Chrome, page: Path, invoke: Invoke
) -> None:
    """A click on the cell kriminalitet × forandring shows what `findings --theme
    kriminalitet --evidence forandring` lists, and the cell says it is pressed."""
    _open(browser, page)
    cell = browser.find_element(
        By.CSS_SELECTOR,
        ".map:not([hidden]) .cell[data-theme='kriminalitet'][data-kind='forandring']",
    )
    cell.click()
    expected = _cli_ids(invoke, "findings", "--theme", "kriminalitet", "--evidence", "forandring")
    assert _visible_ids(browser) == expected
    assert len(expected) == 3
    assert cell.get_attribute("aria-pressed") == "true"


def test_the_map_and_filters_work_from_the_keyboard(
    browser: webdriver.Chrome, page: Path, invoke: Invoke
) -> None:
    """Tab reaches the skip link first and then the map's cells, which Enter presses; the
    focused element is outlined; the selects filter by theme and kind."""
    _open(browser, page)
    body = browser.find_element(By.TAG_NAME, "body")
    body.send_keys(Keys.TAB)
    assert browser.switch_to.active_element.get_attribute("class") == "skip"
    for _ in range(10):
        browser.switch_to.active_element.send_keys(Keys.TAB)
        if browser.switch_to.active_element.get_attribute("class") == "cell":
            break
    focused = browser.switch_to.active_element
    assert focused.get_attribute("class") == "cell"
    outline = browser.execute_script("return getComputedStyle(arguments[0]).outlineStyle", focused)
    assert outline == "solid"
    focused.send_keys(Keys.ENTER)
    theme, kind = str(focused.get_attribute("data-theme")), str(focused.get_attribute("data-kind"))
    assert _visible_ids(browser) == _cli_ids(
        invoke, "findings", "--theme", theme, "--evidence", kind
    )
    browser.find_element(By.ID, "reset").click()
    assert len(_visible_ids(browser)) == len(_cli_ids(invoke, "findings"))
    Select(browser.find_element(By.ID, "kind-filter")).select_by_value("effekt")
    assert _visible_ids(browser) == _cli_ids(invoke, "findings", "--effects-only")


def test_language_switch_changes_labels_and_texts_and_keeps_quotes_danish(
    browser: webdriver.Chrome, page: Path
) -> None:
    """The switch sets <html lang>, English labels and summaries; quotes stay lang=da."""
    _open(browser, page)
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "da"
    switch = browser.find_element(By.ID, "switch-lang")
    assert (switch.text, switch.get_attribute("lang")) == ("English", "en")
    switch.click()
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"
    assert browser.find_element(By.ID, "findings-heading").text == "findings"
    article = browser.find_element(By.ID, "finding-maends-ledighed")
    assert article.find_element(By.CSS_SELECTOR, ".badge").text == "Effect"
    assert "Effect measurements show" in article.text
    assert article.find_element(By.TAG_NAME, "blockquote").get_attribute("lang") == "da"
    shown = browser.find_element(By.CSS_SELECTOR, ".map:not([hidden]) table")
    assert shown.get_attribute("lang") == "en"


def test_bibliography_gives_the_cli_text_and_bibtex_and_copies_them(
    browser: webdriver.Chrome, page: Path, invoke: Invoke
) -> None:
    """Each work's entry is `cite KEY`'s line and its BibTeX is `cite KEY --format bibtex`;
    the copy button puts the BibTeX on the clipboard."""
    browser.execute_cdp_cmd(
        "Browser.grantPermissions",
        {"permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"]},
    )
    _open(browser, page)
    item = browser.find_element(By.ID, "ref-christensen-2018b")
    assert item.find_element(By.CSS_SELECTOR, ".entry").text == invoke(
        "cite", "christensen-2018b"
    ).stdout.rstrip("\n")
    bibtex = invoke("cite", "christensen-2018b", "--format", "bibtex").stdout
    item.find_element(By.TAG_NAME, "summary").click()
    pre = WebDriverWait(browser, 10).until(lambda _: item.find_element(By.TAG_NAME, "pre"))
    shown = browser.execute_script("return arguments[0].textContent", pre)
    assert shown == bibtex
    item.find_element(By.CSS_SELECTOR, ".copy-bibtex").click()
    WebDriverWait(browser, 10).until(
        lambda driver: driver.find_element(By.ID, "copied").text == "Kopieret."
    )
    copied = browser.execute_async_script(
        "const done = arguments[0]; navigator.clipboard.readText().then(done, e => done('! ' + e))"
    )
    assert copied == bibtex


def test_print_stylesheet_hides_the_controls(browser: webdriver.Chrome, page: Path) -> None:
    """Printed, the page has no search form, buttons or skip link; the findings remain."""
    _open(browser, page)
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        hidden = browser.execute_script(
            "return ['#filters', '#switch-lang', '.copy-bibtex'].map("
            "s => getComputedStyle(document.querySelector(s)).display)"
        )
        assert hidden == ["none", "none", "none"]
        assert browser.find_element(By.CSS_SELECTOR, ".finding").is_displayed()
    finally:
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})


def test_own_data_is_marked_on_the_page(
    browser: webdriver.Chrome, invoke: Invoke, tmp_path: Path
) -> None:
    """A finding from the user's file says so and names the file, as `show` does."""
    page = _export(invoke, tmp_path / "own.html", *OWN)
    _open(browser, page)
    mark = browser.find_element(By.CSS_SELECTOR, "#finding-lektiecafe-kriminalitet-lokalt .own")
    assert mark.text == f"[egne data: {FIXTURES / 'overlay-extends.yaml'}]"
    assert browser.find_elements(By.CSS_SELECTOR, "#finding-maends-ledighed .own") == []
    cell = browser.find_element(
        By.CSS_SELECTOR,
        ".map:not([hidden]) .cell[data-theme='kriminalitet'][data-kind='forandring']",
    )
    assert "(1 egne data)" in cell.text


def test_hostile_text_is_shown_and_never_run(
    browser: webdriver.Chrome, invoke: Invoke, tmp_path: Path
) -> None:
    """<script>, <img onerror>, <iframe> and javascript: links from the data are text: none
    runs, no such element or link exists, and the text reads as typed."""
    page = _export(invoke, tmp_path / "hostile.html", *HOSTILE)
    _open(browser, page)
    assert console_problems(browser) == []
    assert network_requests(browser) == [page.as_uri()]
    assert browser.execute_script("return window.owned === undefined")
    counts = browser.execute_script(
        "return [document.scripts.length, document.images.length,"
        " document.querySelectorAll('iframe').length,"
        ' document.querySelectorAll(\'[href^="javascript" i], [src^="javascript" i]\').length]'
    )
    assert counts == [2, 0, 0, 0]  # the data's JSON and the page's own script
    article = browser.find_element(By.ID, "finding-fjendtlig-fund")
    assert "<script>window.owned = 'finding'</script> & <img src=x" in article.text
    assert "</script><!-- <script>" in article.find_element(By.TAG_NAME, "blockquote").text
    item = browser.find_element(By.ID, "ref-fjendtlig-2024")
    assert "javascript:window.owned='url'" not in [
        a.get_attribute("href") for a in item.find_elements(By.TAG_NAME, "a")
    ]
    row = browser.find_element(By.CSS_SELECTOR, ".map:not([hidden]) tbody tr:last-child th")
    assert row.text.startswith("<script>window.owned = 'theme'</script>Fjendtlig")
    browser.find_element(By.ID, "search").send_keys("<script>")
    assert _visible_ids(browser) == _cli_ids(invoke, *HOSTILE, "findings", "--search", "<script>")


def test_page_html_escapes_the_data_json(invoke: Invoke, tmp_path: Path) -> None:
    """Parsed as HTML, the page has exactly its two scripts, and the data script's JSON
    holds the hostile texts unchanged, with no < > & left raw in it."""
    page = _export(invoke, tmp_path / "hostile.html", *HOSTILE)
    document = html.fromstring(page.read_bytes())
    scripts = document.xpath("//script")
    assert [script.get("type") for script in scripts] == ["application/json", None]
    raw = scripts[0].text
    assert not {"<", ">", "&"} & set(raw)
    data = json.loads(raw)
    summaries = [f["summary"]["da"] for f in data["findings"] if f["id"] == "fjendtlig-fund"]
    assert summaries == [
        "<script>window.owned = 'finding'</script> & <img src=x onerror=\"window.owned='img'\">"
    ]
    assert document.get("lang") == "da"
    assert (
        _export(invoke, tmp_path / "en.html", "--lang", "en")
        .read_text("utf-8")
        .startswith('<!DOCTYPE html>\n<html lang="en">')
    )


def _fold_corpus() -> list[str]:
    """Every character Python's Unicode data assigns, one a string, and texts that mix
    the hard cases: digraphs across accents, every kind of space, ß, final sigma, ligatures."""
    singles = [
        chr(point)
        for point in range(sys.maxunicode + 1)
        if unicodedata.category(chr(point)) not in ("Cn", "Cs")
    ]
    rng = random.Random(15)  # noqa: S311 - a fixed corpus, not a secret
    pieces = ["a", "e", "o", "A", "E", "O", "æ", "Ø", "å", "Å", "á", "é", "ö", "ß", "ẞ", "Σ", "ς",
              "İ", "ﬁ", "ᾳ", "ꭰ", "ŉ", " ", "\t", "\u00a0", "\u2028", "\x1c", "\x85", "\ufeff",
              "\u0301", "\u0308", "한", "Ⅻ", "①", "Ａ", "k", "K"]  # fmt: skip
    mixed = ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 12))) for _ in range(3000)]
    dataset = load_dataset(bundled_dataset_path())
    texts = [text for f in dataset.findings for text in (f.quote, f.summary.da, f.summary.en)]
    danish = ["Ældre Beboere", "boern og unge", "BØRN", "Åbne døre", "aeble", "oe", "aaa", ""]
    return singles + mixed + texts + danish


def test_the_pages_fold_is_query_fold(browser: webdriver.Chrome, page: Path) -> None:
    """The page's search folds every string of the corpus exactly as the CLI's does."""
    _open(browser, page)
    corpus = _fold_corpus()
    folded: list[str] = browser.execute_script(
        "return arguments[0].map(window.boligsocial.fold)", corpus
    )
    different = [(text, got, fold(text)) for text, got in zip(corpus, folded, strict=True)
                 if got != fold(text)]  # fmt: skip
    assert different == []


@pytest.mark.usefixtures("english")
def test_export_html_errors_name_the_file(invoke: Invoke, tmp_path: Path) -> None:
    """A place that cannot be written, or an unknown style, is a usage error, no traceback."""
    result = invoke("export", "html", str(tmp_path / "missing" / "x.html"))
    assert result.exit_code == 2
    assert f"Cannot write {tmp_path / 'missing' / 'x.html'}" in result.stderr
    bad_style = invoke("export", "html", str(tmp_path / "x.html"), "--style", "nonesuch")
    assert bad_style.exit_code == 2
    assert "Traceback" not in bad_style.output
    assert not (tmp_path / "x.html").exists()


def test_long_lists_show_a_hundred_at_a_time_and_search_them_all(
    browser: webdriver.Chrome, invoke: Invoke, tmp_path: Path
) -> None:
    """With 150 more findings, 100 are listed and a button adds the rest; a search still
    looks through all of them, as the CLI's does."""
    findings = [
        {"id": f"ekstra-{n:03d}", "theme": "kriminalitet", "evidence": "vurdering",
         "summary": {"da": f"Ekstra fund nummer {n}.", "en": f"Extra finding number {n}."},
         "quote": f"Fund {n}", "page": 1, "citations": []}
        for n in range(150)
    ]  # fmt: skip
    overlay = tmp_path / "many.yaml"
    overlay.write_text(
        json.dumps({"extends": "bundled", "findings": findings}, ensure_ascii=False), "utf-8"
    )
    page = _export(invoke, tmp_path / "many.html", "--data", str(overlay))
    _open(browser, page)
    assert len(_visible_ids(browser)) == 100
    more = browser.find_element(By.ID, "more")
    every = _cli_ids(invoke, "--data", str(overlay), "findings")
    assert more.text == f"Vis {len(every) - 100} flere fund"
    more.click()
    assert _visible_ids(browser) == every
    assert not more.is_displayed()
    browser.find_element(By.ID, "search").send_keys("nummer 149")
    expected = _cli_ids(invoke, "--data", str(overlay), "findings", "--search", "nummer 149")
    assert _visible_ids(browser) == expected == ["ekstra-149"]


def _danish_words() -> list[str]:
    """Every distinct word of the booklet and the dataset, casefolded as a search's are,
    and made-up words with the endings the stemmer looks for."""
    text = BOOKLET_TEXT.read_text(encoding="utf-8")
    dataset = load_dataset(bundled_dataset_path())
    text += " ".join(f"{f.summary.da} {f.quote} {f.summary.en}" for f in dataset.findings)
    words = set(text.casefold().split())
    endings = [
        "hed",
        "ethed",
        "erede",
        "erendes",
        "hedens",
        "s",
        "es",
        "igst",
        "elig",
        "løst",
        "els",
        "gd",
        "dt",
        "kt",
        "ll",
        "nn",
        "ss",
        "cc",
        "vv",
        "erets",
        "lig",
        "'",
        "'s",
    ]
    stems = ["bo", "tryg", "lø", "a", "bolig", "vig", "and", "hus", "tå", "æg", "x1", "pc'", "a'b"]
    words.update(stem + ending for stem in stems for ending in endings)
    return sorted(words)


def test_the_pages_stemmer_is_the_clis(browser: webdriver.Chrome, page: Path) -> None:
    """The page's Danish stemmer gives PyStemmer's stem for every word of the booklet, and
    its search terms are `query.search_terms`' for every line of it."""
    from Stemmer import Stemmer  # noqa: PLC0415 - the CLI's stemmer, the referee

    _open(browser, page)
    words = _danish_words()
    assert len(words) > 1000
    stems = browser.execute_script("return arguments[0].map(window.boligsocial.danishStem)", words)
    expected = Stemmer("danish").stemWords(words)
    assert [(w, s, e) for w, s, e in zip(words, stems, expected, strict=True) if s != e] == []
    lines = [line for line in BOOKLET_TEXT.read_text(encoding="utf-8").splitlines() if line.strip()]
    terms = browser.execute_script("return arguments[0].map(window.boligsocial.searchTerms)", lines)
    assert [list(search_terms(line)) for line in lines] == terms


def test_the_evidence_kinds_are_explained(browser: webdriver.Chrome, page: Path) -> None:
    """Under the map, each evidence kind is named and explained, in the page's language."""
    _open(browser, page)
    dataset = load_dataset(bundled_dataset_path())
    shown = [dd.text for dd in browser.find_elements(By.CSS_SELECTOR, "#kind-list dd")]
    assert shown == [info.explanation.da for info in dataset.evidence_kinds]
    browser.find_element(By.ID, "switch-lang").click()
    shown = [dd.text for dd in browser.find_elements(By.CSS_SELECTOR, "#kind-list dd")]
    assert shown == [info.explanation.en for info in dataset.evidence_kinds]
