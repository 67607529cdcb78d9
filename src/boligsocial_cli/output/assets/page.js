// boligsocial's offline page: reads the data from <script id="data">, shows it as text only
// (textContent, never innerHTML), and filters the findings as the CLI does.
"use strict";
(function () {
  const DATA = JSON.parse(document.getElementById("data").textContent);
  const CASEFOLD = JSON.parse(DATA.fold.casefold);
  const CASEFOLD_RE = new RegExp("[" + Object.keys(CASEFOLD).join("").replace(/[\\\]^-]/g, "\\$&") + "]", "gu");
  const COMBINING_RE = new RegExp("[" + DATA.fold.combining + "]", "gu");
  const SPACES_RE = new RegExp("[" + DATA.fold.spaces + "]+", "u");
  const DIGRAPHS = { aa: "a", ae: "a", oe: "o" };
  const NON_ASCII = /[^\x00-\x7f]/;

  // query.fold, ported: case, accents and æ/ø/å folded so that ae/a/æ, oe/o/ø, aa/a/å match.
  function fold(text) {
    let folded = text.toLowerCase().replace(CASEFOLD_RE, (c) => CASEFOLD[c]);
    folded = folded.replaceAll("æ", "ae").replaceAll("ø", "oe").replaceAll("å", "aa");
    folded = folded.normalize("NFKD");
    if (NON_ASCII.test(folded)) folded = folded.replace(COMBINING_RE, "");
    folded = folded.replace(/aa|ae|oe/g, (pair) => DIGRAPHS[pair]);
    return folded.split(SPACES_RE).filter((word) => word !== "").join(" ");
  }
  // The Snowball Danish stemmer (snowballstem.org/algorithms/danish, as of Snowball 3.1,
  // which PyStemmer runs for the CLI's searches): a word is looked for by its stem.
  const VOWEL = "aeiouyæåø";
  const UNDOUBLE = "bdfgklmnprst";
  const S_ENDING = "abcdfghjklmnoprtvyzå'";
  const MAIN_SUFFIXES = ["hed", "ethed", "ered", "e", "erede", "ende", "erende", "ene", "erne", "ere",
    "en", "heden", "eren", "er", "heder", "erer", "heds", "es", "endes", "erendes", "enes", "ernes",
    "eres", "ens", "hedens", "erens", "ers", "ets", "erets", "et", "eret", "s"]
    .sort((a, b) => b.length - a.length);
  const OTHER_SUFFIXES = ["elig", "løst", "lig", "els", "ig"];
  const PAIRS = ["gd", "dt", "gt", "kt"];

  function danishStem(word) {
    let chars = Array.from(word);
    if (chars.length < 3) return word; // Snowball's stem fails, leaving the word as it is
    // R1 starts after the first apostrophe (pc'en), else after the first non-vowel that
    // follows a vowel; and never before the third letter.
    let p1 = chars.length;
    const apostrophe = chars.indexOf("'");
    const vowel = chars.findIndex((c) => VOWEL.includes(c));
    const after = vowel < 0 ? -1 : chars.findIndex((c, i) => i > vowel && !VOWEL.includes(c));
    if (apostrophe >= 0) p1 = apostrophe + 1;
    else if (after >= 0) p1 = after + 1;
    p1 = Math.max(p1, 3);
    const endsInR1 = (suffix) => {
      const tail = Array.from(suffix);
      return chars.length - tail.length >= p1 && chars.slice(-tail.length).join("") === suffix;
    };
    const cut = (n) => { chars = chars.slice(0, chars.length - n); };
    const consonantPair = () => { if (PAIRS.some(endsInR1)) cut(1); };
    const main = MAIN_SUFFIXES.find(endsInR1);
    if (main === "s") {
      if (chars.length >= 2 && S_ENDING.includes(chars[chars.length - 2])) cut(1);
    } else if (main) cut(Array.from(main).length);
    consonantPair();
    if (chars.slice(-4).join("") === "igst") cut(2);
    const other = OTHER_SUFFIXES.find(endsInR1);
    if (other === "løst") cut(1);
    else if (other) {
      cut(other.length);
      consonantPair();
    }
    const last = chars[chars.length - 1];
    if (chars.length - 1 >= p1 && UNDOUBLE.includes(last) && chars[chars.length - 2] === last) cut(1);
    if (chars[chars.length - 1] === "'") cut(1);
    return chars.join("");
  }

  // query.search_terms, ported: the words, stripped of punctuation, the little words left
  // out (unless nothing else is asked), stemmed, then folded.
  const STOPWORDS = new Set(DATA.stopwords);
  const PUNCTUATION = ".,;:!?\"'()[]{}«»“”„–—-…";
  function strip(word) {
    let start = 0, end = word.length;
    while (start < end && PUNCTUATION.includes(word[start])) start++;
    while (end > start && PUNCTUATION.includes(word[end - 1])) end--;
    return word.slice(start, end);
  }
  function searchTerms(text) {
    const words = text.toLowerCase().replace(CASEFOLD_RE, (c) => CASEFOLD[c]).split(SPACES_RE)
      .map(strip).filter((word) => word !== "");
    const meaningful = words.filter((word) => !STOPWORDS.has(word));
    const stems = (meaningful.length ? meaningful : words).map(danishStem);
    return [...new Set(stems.map(fold).filter((term) => term !== ""))];
  }
  window.boligsocial = { fold, danishStem, searchTerms }; // for the tests that compare them with Python's

  let lang = DATA.lang;
  const themes = new Map(DATA.themes.map((theme) => [theme.id, theme]));
  const kinds = new Map(DATA.kinds.map((kind) => [kind.kind, kind]));
  const references = new Map(DATA.references.map((ref) => [ref.id, ref]));
  const label = (key) => DATA.labels[key][lang];
  const text = (localized) => (localized ? localized[lang] : "");

  function element(tag, props, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props || {})) {
      if (key === "text") node.textContent = value;
      else node.setAttribute(key, value);
    }
    for (const child of children) if (child) node.append(child);
    return node;
  }

  function ownMark(origin) {
    return origin ? element("span", { class: "own", text: " [" + label("not_curated") + ": " + origin + "]" }) : null;
  }

  function badge(kindId) {
    const kind = kinds.get(kindId);
    return element("span", { class: "badge", style: "background:" + kind.colour, text: text(kind.name) });
  }

  function quote(quoted, page) {
    return element("blockquote", { lang: "da" }, "“" + quoted + "” ",
      element("span", { class: "page", lang: lang, text: "(" + label("page") + " " + page + ")" }));
  }

  function citationLinks(ids) {
    if (!ids.length) return null;
    const line = element("p", { class: "citations" });
    ids.forEach((id, index) => {
      if (index) line.append("; ");
      const ref = references.get(id);
      line.append(element("a", { href: "#ref-" + id, text: ref ? ref.cited_as : id }));
    });
    return line;
  }

  // --- findings -------------------------------------------------------------------------
  // Only the first SHOWN_AT_ONCE matches are in the document (a button adds more), so that
  // 10,000 findings open and filter within a second; each finding is built once per language.
  const SHOWN_AT_ONCE = 100;
  const list = document.getElementById("finding-list");
  const more = document.getElementById("more");
  let built = new Map();
  let matches = [];
  let limit = SHOWN_AT_ONCE;
  const haystacks = [];

  function renderFinding(finding) {
    const theme = themes.get(finding.theme);
    const heading = element("h3", {}, badge(finding.evidence), " ",
      element("span", { text: theme ? text(theme.name) : finding.theme }), ownMark(finding.origin));
    const details = element("dl", { class: "details" });
    for (const key of ["target_group", "outcome", "activity", "magnitude", "classification_note"]) {
      if (finding[key]) details.append(element("dt", { text: label(key) }), element("dd", { text: text(finding[key]) }));
    }
    if (finding.qualifiers.length) {
      details.append(element("dt", { text: label("qualifiers") }),
        element("dd", { lang: "da", text: finding.qualifiers.map((q) => "“" + q + "”").join(", ") }));
    }
    return element("article", { class: "finding", id: "finding-" + finding.id },
      heading, element("p", { text: text(finding.summary) }), quote(finding.quote, finding.page),
      details.childElementCount ? details : null, citationLinks(finding.citations),
      element("p", { class: "finding-id", text: finding.id }));
  }

  function showMatches() {
    const fragment = document.createDocumentFragment();
    for (const index of matches.slice(0, limit)) {
      if (!built.has(index)) built.set(index, renderFinding(DATA.findings[index]));
      fragment.append(built.get(index));
    }
    list.replaceChildren(fragment);
    const rest = matches.length - Math.min(limit, matches.length);
    more.hidden = rest === 0;
    more.textContent = label("page_more").replace("{count}", Math.min(rest, SHOWN_AT_ONCE));
  }

  // What a search looks in, as the CLI's index holds it (query.searchable_finding_text): a
  // finding's own texts, and apart from them its theme's and cited works' names.
  function haystack(finding) {
    const own = [finding.id, finding.quote, finding.summary.da, finding.summary.en, ...finding.qualifiers];
    for (const key of ["target_group", "outcome", "activity", "magnitude"]) {
      if (finding[key]) own.push(finding[key].da, finding[key].en);
    }
    const theme = themes.get(finding.theme);
    const related = ["", theme ? [theme.id, theme.name.da, theme.name.en].join(" ") : ""];
    for (const id of finding.citations) {
      const ref = references.get(id);
      if (ref) related.push([ref.id, ref.cited_as, ref.title, ...ref.authors].join(" "));
    }
    const ownText = fold(own.join(" ") + " ");
    const relatedText = fold(related.join(" "));
    return { own: ownText, related: relatedText, both: ownText + " " + relatedText };
  }

  // A term of three letters or more is in either text (the index's trigram match); a
  // shorter one anywhere in both (as the CLI compares it).
  function holds(texts, term) {
    return Array.from(term).length >= 3 ? texts.own.includes(term) || texts.related.includes(term)
      : texts.both.includes(term);
  }

  function foldUpTo(end) {
    const last = Math.min(end, DATA.findings.length);
    for (let index = haystacks.length; index < last; index++) haystacks.push(haystack(DATA.findings[index]));
  }

  function foldWhenIdle(deadline) { // fold ahead while the reader reads, a slice at a time
    while (haystacks.length < DATA.findings.length && deadline.timeRemaining() > 1) foldUpTo(haystacks.length + 50);
    if (haystacks.length < DATA.findings.length) requestIdleCallback(foldWhenIdle);
  }

  const search = document.getElementById("search");
  const themeFilter = document.getElementById("theme-filter");
  const kindFilter = document.getElementById("kind-filter");

  function applyFilters() {
    const words = searchTerms(search.value);
    if (words.length) foldUpTo(DATA.findings.length);
    const theme = themeFilter.value;
    const kind = kindFilter.value;
    matches = [];
    DATA.findings.forEach((finding, index) => {
      if ((!theme || finding.theme === theme) && (!kind || finding.evidence === kind) &&
        words.every((word) => holds(haystacks[index], word))) matches.push(index);
    });
    limit = SHOWN_AT_ONCE;
    showMatches();
    const status = matches.length ? label("page_shown").replace("{shown}", matches.length)
      .replace("{total}", DATA.findings.length) : label("no_findings");
    document.getElementById("shown").textContent = status;
    for (const cell of document.querySelectorAll(".evidence-map .cell")) {
      const pressed = cell.dataset.theme === theme && cell.dataset.kind === kind;
      cell.setAttribute("aria-pressed", String(pressed));
    }
  }

  function fillSelect(select, everything, options) {
    const chosen = select.value;
    select.replaceChildren(element("option", { value: "", text: everything }),
      ...options.map(([value, name]) => element("option", { value: value, text: name })));
    select.value = chosen;
  }

  // --- themes and bibliography ------------------------------------------------------------
  function renderThemes() {
    const target = document.getElementById("theme-list");
    target.replaceChildren(...DATA.themes.map((theme) => {
      const context = theme.context.map((passage) => element("div", { class: "passage" },
        element("p", { text: text(passage.text) }), quote(passage.quote, passage.page), citationLinks(passage.citations)));
      return element("article", { class: "theme", id: "theme-" + theme.id },
        element("h3", {}, element("span", { text: text(theme.name) }), ownMark(theme.origin)),
        element("p", { text: text(theme.summary) }),
        context.length ? element("h4", { text: label("page_context") }) : null, ...context);
    }));
  }

  async function copy(value) {
    try {
      await navigator.clipboard.writeText(value);
    } catch (error) { // no clipboard permission (some browsers on file://): copy a selection
      const area = element("textarea", { readonly: "" });
      area.value = value;
      document.body.append(area);
      area.select();
      document.execCommand("copy");
      area.remove();
    }
    document.getElementById("copied").textContent = label("page_copied");
  }

  // One listener for every copy button, and each BibTeX laid out only when it is opened:
  // a thousand works cost little when the page opens.
  function renderBibliography() {
    const target = document.getElementById("reference-list");
    target.replaceChildren(...DATA.references.map((ref) => {
      const entry = element("p", { class: "entry", lang: DATA.lang, text: ref.text });
      const buttons = element("p", {},
        element("button", { type: "button", class: "copy-text", text: label("page_copy") }), " ",
        element("button", { type: "button", class: "copy-bibtex", text: label("page_copy_bibtex") }));
      const link = /^https?:\/\//i.test(ref.url) ? element("p", {}, element("a", { href: ref.url, text: ref.url })) : null;
      return element("li", { id: "ref-" + ref.id, "data-ref": ref.id }, entry, ownMark(ref.origin), link, buttons,
        element("details", {}, element("summary", { text: "BibTeX" })));
    }));
  }

  const bibliography = document.getElementById("reference-list");
  bibliography.addEventListener("click", (event) => {
    const button = event.target.closest("button");
    if (!button) return;
    const ref = references.get(button.closest("li").dataset.ref);
    copy(button.classList.contains("copy-bibtex") ? ref.bibtex : ref.text);
  });
  bibliography.addEventListener("toggle", (event) => {
    const details = event.target;
    if (details.open && !details.querySelector("pre")) {
      const ref = references.get(details.closest("li").dataset.ref);
      details.append(element("pre", { class: "bibtex", text: ref.bibtex }));
    }
  }, true);

  function renderKinds() {
    document.getElementById("kind-list").replaceChildren(...DATA.kinds.flatMap((kind) => [
      element("dt", {}, badge(kind.kind)), element("dd", { text: text(kind.explanation) })]));
  }

  // --- language ---------------------------------------------------------------------------
  function render() {
    document.documentElement.lang = lang;
    for (const node of document.querySelectorAll("[data-label]")) node.textContent = label(node.dataset.label);
    for (const map of document.querySelectorAll(".map")) map.hidden = map.dataset.lang !== lang;
    document.getElementById("description").textContent = text(DATA.description);
    const other = lang === "da" ? "en" : "da";
    const switcher = document.getElementById("switch-lang");
    switcher.textContent = label("page_switch");
    switcher.lang = other;
    fillSelect(themeFilter, label("page_all_themes"), DATA.themes.map((t) => [t.id, text(t.name)]));
    fillSelect(kindFilter, label("page_all_kinds"), DATA.kinds.map((k) => [k.kind, text(k.name)]));
    built = new Map();
    renderKinds();
    renderThemes();
    applyFilters();
    // The bibliography, below the fold, is laid out after the first frame is drawn.
    requestAnimationFrame(() => setTimeout(() => {
      renderBibliography();
      document.documentElement.dataset.ready = "true";
    }));
  }

  document.getElementById("switch-lang").addEventListener("click", () => {
    lang = lang === "da" ? "en" : "da";
    render();
  });
  search.addEventListener("input", applyFilters);
  more.addEventListener("click", () => {
    limit += SHOWN_AT_ONCE;
    showMatches();
  });
  themeFilter.addEventListener("change", applyFilters);
  kindFilter.addEventListener("change", applyFilters);
  document.getElementById("filters").addEventListener("submit", (event) => event.preventDefault());
  document.getElementById("filters").addEventListener("reset", (event) => {
    event.preventDefault();
    search.value = themeFilter.value = kindFilter.value = "";
    applyFilters();
  });
  document.getElementById("map").addEventListener("click", (event) => {
    const cell = event.target.closest(".cell");
    if (!cell) return;
    themeFilter.value = cell.dataset.theme;
    kindFilter.value = cell.dataset.kind;
    search.value = "";
    applyFilters();
    document.getElementById("shown").scrollIntoView({ block: "start" });
  });
  render();
  requestIdleCallback(foldWhenIdle);
})();
