"""The message catalogue: every message the code marks exists in Danish and in English, and
the compiled catalogue the package ships is the one its `.po` file says.

Babel's extractor is the referee for which messages the code holds; the standard library's
gettext reads the compiled `.mo` file as the program does.
"""

from __future__ import annotations

import gettext
import string
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from boligsocial_cli.i18n import DOMAIN, LOCALE_DIRECTORY

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "boligsocial_cli"
PO_FILE = LOCALE_DIRECTORY / "da" / "LC_MESSAGES" / f"{DOMAIN}.po"
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}


def _marked() -> dict[str, str]:
    """Each message the code marks (English, its id), with one place it is marked."""
    found: dict[str, str] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        PACKAGE, method_map=[("**.py", "python")], keywords=KEYWORDS
    ):
        for one in message if isinstance(message, tuple) else (message,):
            found.setdefault(one, f"{filename}:{lineno}")
    return found


def _catalogue() -> dict[str, str]:
    with PO_FILE.open("rb") as file:
        catalogue = read_po(file, locale="da")
    translated: dict[str, str] = {}
    for message in catalogue:
        if not message.id or message.fuzzy:
            continue
        ids = (message.id,) if isinstance(message.id, str) else tuple(message.id)
        strings = (
            (message.string,) if isinstance(message.string, str) else tuple(message.string or ())
        )
        for one, text in zip(ids, strings, strict=False):
            if text:
                translated[str(one)] = str(text)
    return translated


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def test_the_code_marks_messages() -> None:
    """The extractor finds the interface's messages (a referee that finds none proves nothing)."""
    assert len(_marked()) > 20


def test_every_marked_message_has_a_danish_translation() -> None:
    """English is each message's id; Danish is its translation, which must exist and not be
    fuzzy. Run `python scripts/catalogues.py`, then translate what it lists."""
    translated = _catalogue()
    missing = [
        f"{place}: {message!r}" for message, place in _marked().items() if message not in translated
    ]
    assert not missing, "\n".join(missing)


def test_translations_keep_the_placeholders() -> None:
    """A translation names the same `{fields}` as its message, or formatting it would fail."""
    changed = [
        f"{message!r}: {sorted(_fields(message))} vs {sorted(_fields(text))}"
        for message, text in _catalogue().items()
        if _fields(message) != _fields(text)
    ]
    assert not changed, "\n".join(changed)


def test_the_catalogue_holds_no_message_the_code_has_dropped() -> None:
    """Obsolete entries are removed, so the catalogue shows what the interface says."""
    stale = sorted(set(_catalogue()) - set(_marked()))
    assert not stale, stale


def test_the_compiled_catalogue_is_current() -> None:
    """gettext reading the shipped `.mo` gives each message the `.po` file's translation, and
    each plural message its forms (Danish: the first for 1, the second for any other count)."""
    with (PO_FILE.with_suffix(".mo")).open("rb") as file:
        compiled = gettext.GNUTranslations(file)
    with PO_FILE.open("rb") as file:
        catalogue = read_po(file, locale="da")
    wrong: dict[str, object] = {}
    for message in catalogue:
        if not message.id or message.fuzzy:
            continue
        if isinstance(message.id, tuple):
            singular, plural = str(message.id[0]), str(message.id[1])
            forms = tuple(message.string or ())[:2]
            shown = (compiled.ngettext(singular, plural, 1), compiled.ngettext(singular, plural, 2))
            if shown != forms:
                wrong[singular] = shown
        elif compiled.gettext(str(message.id)) != message.string:
            wrong[str(message.id)] = compiled.gettext(str(message.id))
    assert not wrong, "run python scripts/catalogues.py: " + repr(wrong)


@pytest.mark.parametrize("message", ["Options", "Commands", "Usage: "])
def test_typer_and_click_words_are_translated(message: str) -> None:
    """The words of Typer's help pages are in the catalogue (help is not half English)."""
    assert message in _catalogue()
