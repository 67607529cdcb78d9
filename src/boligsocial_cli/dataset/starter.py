"""The commented starter file that `boligsocial init` writes."""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

from boligsocial_cli.errors import UsageError
from boligsocial_cli.i18n import _

SCHEMA_FILE = "boligsocial.schema.json"
"""The schema file the starter's `yaml-language-server` line names, next to the starter."""


def starter_text() -> str:
    """A small, valid overlay dataset: one theme, finding and reference, every field explained."""
    template = resources.files("boligsocial_cli.dataset") / "templates" / "starter.yaml"
    return template.read_text(encoding="utf-8")


EXAMPLE_FILE = "egne-fund.yaml"


def starter_path(typed: str) -> Path:
    """The file `init` is to write, as typed; refused if empty or if it names a directory."""
    if not typed.strip():
        message = _("init needs the name of the file to write, such as {example}.")
        raise UsageError(message.format(example=EXAMPLE_FILE))
    path = Path(typed)
    separators = tuple(sep for sep in (os.sep, os.altsep) if sep)
    if typed.endswith(separators) or path.is_dir():
        message = _("{path} is a directory; init writes a file: name it, such as {example}.")
        raise UsageError(message.format(path=typed, example=path / EXAMPLE_FILE))
    return path
