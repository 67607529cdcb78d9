"""The interface's language: gettext catalogues, English message ids with Danish translations.

Messages are written in English and marked `_("...")` where they are shown, or `N_("...")`
where they are defined and translated later (help texts, labels in tables). The Danish
catalogue is `locale/da/LC_MESSAGES/boligsocial.po`, compiled to the `.mo` beside it by
`python scripts/catalogues.py`; tests/test_catalogues.py checks that every marked message has
a Danish translation and that the compiled catalogue is current.

One language is spoken at a time, chosen once per run by the command line (`--lang`,
`BOLIGSOCIAL_LANG`, the locale) and Danish until then.
"""

from __future__ import annotations

import gettext as _gettext
import os
from functools import cache
from pathlib import Path

from boligsocial_cli.model import Lang

DOMAIN = "boligsocial"
LOCALE_DIRECTORY = Path(__file__).parent / "locale"

_language = Lang.DA
_catalogue: _gettext.NullTranslations | None = None


def use_language(lang: Lang) -> None:
    """Speak `lang` from now on: this package's messages, and Typer's headings, which go
    through gettext's global domain (so it is bound here and `LANGUAGE` names the language)."""
    global _language, _catalogue  # noqa: PLW0603 - one language per run, by design
    _language = lang
    _catalogue = _gettext.translation(
        DOMAIN, LOCALE_DIRECTORY, languages=[lang.value], fallback=True
    )
    _gettext.bindtextdomain(DOMAIN, str(LOCALE_DIRECTORY))
    _gettext.textdomain(DOMAIN)
    os.environ["LANGUAGE"] = lang.value


def current_language() -> Lang:
    """The language messages are shown in."""
    return _language


def _translations() -> _gettext.NullTranslations:
    if _catalogue is None:
        use_language(_language)
    assert _catalogue is not None  # noqa: S101 - set by use_language
    return _catalogue


def _(message: str) -> str:
    """`message` in the current language."""
    return _translations().gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    """The singular or plural form of a message for `count`, in the current language."""
    return _translations().ngettext(singular, plural, count)


def in_language(lang: Lang, message: str) -> str:
    """`message` in `lang`, whichever language the interface speaks: for a document or an
    answer made in another language (an MCP call's, a page that switches between both)."""
    return catalogue(lang).gettext(message)


@cache
def catalogue(lang: Lang) -> _gettext.NullTranslations:
    """The messages in `lang`: `catalogue(lang).ngettext(...)` for a plural in a document's
    language."""
    return _gettext.translation(DOMAIN, LOCALE_DIRECTORY, languages=[lang.value], fallback=True)


def N_(message: str) -> str:  # noqa: N802 - gettext's conventional name for the marker
    """Marks `message` for the catalogue without translating it: it is translated by `_`
    where it is shown."""
    return message


def number(value: int) -> str:
    """A whole number as the current language writes it: 12,345 in English, 12.345 in Danish."""
    written = f"{value:,}"
    return written.replace(",", ".") if _language is Lang.DA else written
