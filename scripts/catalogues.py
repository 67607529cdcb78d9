"""Keep the message catalogue in step with the code: `python scripts/catalogues.py`.

Extracts every message marked `_`, `N_` or `ngettext` in src/boligsocial_cli (with Babel),
merges them into the Danish catalogue (new messages arrive untranslated, changed ones fuzzy,
removed ones are dropped) and compiles it to the `.mo` the package ships. Translate the
empty and fuzzy entries in the `.po` file, then run this again; it lists what is left.
tests/test_catalogues.py checks that the catalogue is complete and the `.mo` current.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "boligsocial_cli"
LOCALE = PACKAGE / "i18n" / "locale"
PO_FILE = LOCALE / "da" / "LC_MESSAGES" / "boligsocial.po"
MO_FILE = PO_FILE.with_suffix(".mo")
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}


def extracted() -> Catalog:
    """Every marked message in the package's code, with where it is used."""
    template = Catalog(project="boligsocial", fuzzy=False)
    for filename, lineno, message, comments, context in extract_from_dir(
        PACKAGE, method_map=[("**.py", "python")], keywords=KEYWORDS, strip_comment_tags=True
    ):
        template.add(
            message,
            None,
            [(f"src/boligsocial_cli/{filename}", lineno)],
            auto_comments=comments,
            context=context,
        )
    return template


def merged() -> Catalog:
    """The Danish catalogue brought up to date with the code."""
    with PO_FILE.open("rb") as file:
        catalogue = read_po(file, locale="da")
    created = catalogue.creation_date  # a run that changes no message changes no byte
    catalogue.update(extracted(), no_fuzzy_matching=False)
    catalogue.creation_date = created
    catalogue.obsolete.clear()
    return catalogue


def _translated(text: str | tuple[str, ...] | list[str] | None) -> bool:
    """Whether a message's translation is there: each of its forms, if it has a plural."""
    if text is None or isinstance(text, str):
        return bool(text)
    return bool(text) and all(text)


def main() -> int:
    """Update the `.po` and `.mo` files; list the messages still to translate."""
    catalogue = merged()
    with PO_FILE.open("wb") as file:  # no source lines: moving code does not change it
        write_po(file, catalogue, width=100, no_location=True, include_previous=True)
    with MO_FILE.open("wb") as file:  # fuzzy entries are left out, so shown in English
        write_mo(file, catalogue, use_fuzzy=False)
    untranslated = [m.id for m in catalogue if m.id and (not _translated(m.string) or m.fuzzy)]
    for message in untranslated:
        print(f"untranslated: {message!r}", file=sys.stderr)  # noqa: T201 - the script's report
    return 0


if __name__ == "__main__":
    sys.exit(main())
