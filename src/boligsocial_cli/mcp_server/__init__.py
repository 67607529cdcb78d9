"""`boligsocial mcp`: the evidence served to AI assistants over the Model Context Protocol.

The MCP SDK is an optional extra; only `serve` imports it, when the command runs.
"""

from __future__ import annotations

from collections.abc import Callable

from boligsocial_cli.dataset.locations import bundled_booklet_path
from boligsocial_cli.errors import UsageError
from boligsocial_cli.i18n import _
from boligsocial_cli.store.store import Store

from .texts import MISSING_SDK


def serve(open_store: Callable[[], Store]) -> None:
    """Serve the store `open_store` opens (for each request) over stdio until the client
    closes the connection."""
    try:
        from .server import serve as serve_stdio  # noqa: PLC0415 - the SDK only for this command
    except ModuleNotFoundError as error:
        if (error.name or "").partition(".")[0] not in {"mcp", "pydantic"}:
            raise
        raise UsageError(_(MISSING_SDK)) from None
    serve_stdio(open_store, bundled_booklet_path().read_text(encoding="utf-8"))
