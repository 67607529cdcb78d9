"""Whole numbers YAML 1.1 reads from forms other than plain decimal digits.

PyYAML, like every YAML 1.1 reader, reads `010` as 8 (octal), `0x9` as 9, `1_0` as 10 and
`1:30` as 90 (base 60), without a word. The loader keeps what was written beside the value,
so that `validate` can refuse it and say what to write instead. Kept apart from the loader
so that checking a document imports no YAML.
"""

from __future__ import annotations

import re

from boligsocial_cli.i18n import N_

DECIMAL = re.compile(r"[-+]?(?:0|[1-9][0-9]*)")
"""How a whole number is written in a dataset file: plain decimal digits."""


class NonDecimalInt(int):
    """A whole number written in one of YAML 1.1's other forms, with how it was written."""

    written: str

    def __new__(cls, value: int, written: str) -> NonDecimalInt:
        number = super().__new__(cls, value)
        number.written = written
        return number

    @property
    def form(self) -> str:
        """What YAML 1.1 took it for: 'a base-60 number', 'an octal number', … (in English,
        marked for the catalogue: translated where it is shown)."""
        digits = self.written.lstrip("+-").lower()
        if ":" in digits:
            return N_("a base-60 number")
        if digits.startswith("0x"):
            return N_("a hexadecimal number")
        if digits.startswith("0b"):
            return N_("a binary number")
        if "_" in digits:
            return N_("a number with '_' between its digits")
        return N_("an octal number (it starts with 0)")
