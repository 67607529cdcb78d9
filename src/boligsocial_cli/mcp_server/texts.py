"""What the MCP server says: to assistants its instructions, tool descriptions and prompt,
to people the two messages of `boligsocial mcp` (in the interface's language).

Tool descriptions are for the assistant choosing a tool, so they are in English; the
prompt, which the user may see, is in Danish and English.
"""

from __future__ import annotations

from collections.abc import Sequence

from boligsocial_cli.i18n import N_
from boligsocial_cli.model import EvidenceKindInfo, Lang, Localized

MISSING_SDK = N_(
    "boligsocial mcp needs the MCP SDK, which is optional: "
    "pip install 'boligsocial-cli[mcp]' (or: pipx inject boligsocial-cli mcp)."
)
ON_A_TERMINAL = N_(
    "boligsocial mcp is a server for AI assistants: it reads Model Context Protocol messages "
    "on stdin. Register it with your assistant (README: AI assistants); Ctrl-C stops it."
)

BOOKLET_URI = "boligsocial://booklet"
BIBLIOGRAPHY_URI = "boligsocial://bibliography"

_FINDING_FIELDS = (
    "Each finding carries its id, theme, evidence kind (effekt, forandring, vurdering, "
    "forskning) with evidence_meaning saying what that kind is, the summary, the verbatim "
    "Danish quote with the page it starts on, the works it cites written out (and "
    "citation_note, e.g. when the booklet names no source), its qualifiers "
    "(hedges to keep), and source: 'booklet' for the booklet's own findings, 'own' for the "
    "user's data (origin names the file)."
)

INSTRUCTIONS = (
    "Answers from the Danish booklet 'Boligsociale indsatser – kort fortalt' (Gunvor "
    "Christensen, VIVE) about boligsociale indsatser (social programmes in vulnerable "
    "public-housing areas), and from the user's own dataset "
    "if one is laid over it. Keep the booklet's distinction: 'effekt' is a tested effect; "
    "'forandring' is a change attributed to an intervention without a test; 'vurdering' is "
    "an assessment by partners or staff; 'forskning' is research that is no evaluation. "
    "Quote verbatim with the page, cite only the works these tools give, keep every hedge, "
    "and say when a finding is the user's own data (source 'own'). "
    "The prompt 'read_the_evidence' says this in full."
)

SEARCH_EVIDENCE = (
    "Search everything the booklet and the user's data say, best match first: findings, "
    "themes and their context, background, challenges, glossary and cited works. Words as "
    "the user says them (e.g. 'kriminalitet unge', 'tryghed'), any inflection. Use it first "
    "for a question in the user's own words. Each hit says what it is (kind), its page and "
    "a snippet; a finding hit also carries the finding in full. " + _FINDING_FIELDS
)
LIST_FINDINGS = (
    "List findings with filters that combine: themes, evidence kinds, effect measurements "
    "only, words, cited works, target group, outcome, activity. With no filter, every "
    "finding. Use it for 'which effects are measured for ...' or 'what does work X "
    "show'. An empty result has a note on what dropping one filter would find. " + _FINDING_FIELDS
)
GET_FINDING = (
    "Get one finding by id (or a unique prefix), with everything needed to cite it. "
    "An unknown id is an error naming the closest id. " + _FINDING_FIELDS
)
GET_THEME = (
    "Get one theme's page: its summary, the booklet's context passages (each with verbatim "
    "quote, page and cited works), and its findings under each of the four evidence kinds "
    "(an empty kind means the booklet reports none of that kind for the theme). Use "
    "evidence_map to see the themes. An unknown theme is an error naming the closest one."
)
EVIDENCE_MAP = (
    "The evidence map: every theme with its number of findings of each evidence kind, and "
    "what each kind means. Use it to see which themes there are and where effects were "
    "measured."
)
CITE = (
    "Write out references in a citation style (apa, harvard, chicago, or kort: the "
    "booklet's in-text form) as text or markdown, or as bibtex, ris or csl-json for "
    "reference managers: named works, the works findings cite, the works behind themes or "
    "behind effect measurements, the booklet itself; nothing selected means every work the "
    "booklet cites. Unverified details are marked, never filled in."
)

BOOKLET = (
    "The booklet's whole text, page by page (hyphenation re-joined, whitespace folded), "
    "to check a quote or read around it."
)
BOOKLET_PAGE = "One page of the booklet's text, 1 to the last page."
BIBLIOGRAPHY = "Every work the booklet cites, in APA (Danish locale), unverified ones marked."
PROMPT = "How to answer from this evidence: the evidence kinds, and quoting with page."


def page_heading(number: int) -> str:
    """The line that starts a page in the whole booklet's text."""
    return f"[side {number} / page {number}]"


_RULES = Localized(
    da="Svar ud fra boligsocial-værktøjerne, der gengiver hæftet »Boligsociale indsatser – "
    "kort fortalt« (Gunvor Christensen, VIVE), og eventuelt brugerens egne data.\n\n"
    "Hvert fund har en evidensart. Sådan læses de:\n{kinds}\n\n"
    "- Skeln altid mellem en effekt (testet) og en forandring (tilskrevet uden test); kald "
    "aldrig en forandring, en vurdering eller forskning for en effekt.\n"
    "- Citér ordret fra feltet quote, med sidetal: »citat« (s. N). Oversæt ikke et citat "
    "uden at sige det.\n"
    "- Bevar forbehold som »en tendens«, »kan« og »formentlig«; gør ikke et fund stærkere, "
    "end hæftet gør.\n"
    "- Henvis kun til værker, som værktøjerne giver (feltet citations eller cite); opfind "
    "ingen referencer, sider eller årstal.\n"
    "- Sig det, når et fund er brugerens egne data (source = own), og ikke hæftets.\n"
    "- Finder værktøjerne intet, så sig det i stedet for at gætte.",
    en="Answer from the boligsocial tools, which give the booklet 'Boligsociale indsatser – "
    "kort fortalt' (Gunvor Christensen, VIVE), and the user's own data if any.\n\n"
    "Every finding has an evidence kind. How to read them:\n{kinds}\n\n"
    "- Always tell an effect (tested) from a change (attributed without a test); never call "
    "a change, an assessment or research an effect.\n"
    "- Quote verbatim from the quote field, with its page: “quote” (p. N). The quotes are "
    "Danish: say so when you translate one.\n"
    "- Keep hedges such as 'en tendens' (a tendency), 'kan' (may) and 'formentlig' "
    "(probably); never make a finding stronger than the booklet does.\n"
    "- Cite only works the tools give (the citations field, or cite); never invent a "
    "reference, page or year.\n"
    "- Say when a finding is the user's own data (source = own), not the booklet's.\n"
    "- When the tools find nothing, say so rather than guess.",
)
_QUESTION = Localized("Spørgsmål: {question}", "Question: {question}")


def evidence_prompt(kinds: Sequence[EvidenceKindInfo], lang: Lang, question: str) -> str:
    """The prompt: the dataset's evidence kinds explained, the rules, and the question."""
    listed = "\n".join(
        f"- {info.kind.value} ({info.name.in_lang(lang)}): {info.explanation.in_lang(lang)}"
        for info in kinds
    )
    text = _RULES.in_lang(lang).format(kinds=listed)
    if question.strip():
        text += "\n\n" + _QUESTION.in_lang(lang).format(question=question.strip())
    return text
