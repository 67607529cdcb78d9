"""The `boligsocial` command line: parse, ask the store, render, write."""

from .commands import app, main

__all__ = ["app", "main"]
