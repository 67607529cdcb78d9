"""The commented starter file that `boligsocial init` writes."""

from __future__ import annotations

from importlib import resources

SCHEMA_FILE = "boligsocial.schema.json"
"""The schema file the starter's `yaml-language-server` line names, next to the starter."""


def starter_text() -> str:
    """A small, valid overlay dataset: one theme, finding and reference, every field explained."""
    template = resources.files("boligsocial_cli.dataset") / "templates" / "starter.yaml"
    return template.read_text(encoding="utf-8")
