"""Typer's own conversion of option values, minus the import of Pydantic.

Typer (0.29) converts every option value through a Pydantic TypeAdapter, built on
first use: any command that receives a value -- `--lang`'s default is enough --
imports Pydantic and importlib.metadata, some 50 ms, two thirds of the time Python
takes to start and import Typer and Rich. This CLI's options are text, whole
numbers, paths, values read by a `parser` (the resolver's: closed vocabularies are
read as people type them) and lists of those, which `install` converts without
Pydantic: text as it is, whole numbers by `int`, paths through Typer's own helper,
parsed values by calling the parser, as the TypeAdapter would. Anything else goes to
Typer's regular converter, so its errors and their messages stay Typer's.

This relies on Typer internals (`typer._coercion`, `typer._param_types`,
`_TyperParameter._runtime_param`); with a Typer that lacks them, `install` does
nothing and Typer converts as usual.
tests/test_coercion.py checks that the results are the same either way.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, get_args, get_origin

if TYPE_CHECKING:
    from typer._click import Command, Context

ENABLED = True
"""Off in tests that compare against Typer's own conversion."""


class _UnconvertedError(Exception):
    """The value is not one the direct converter handles: Typer's converter decides."""


def _convert(annotation: Any, info: Any, value: Any, param: Any, ctx: Any) -> Any:
    """Convert as Typer's TypeAdapter would, or raise _UnconvertedError."""
    from typer._param_types import coerce_cli_path  # noqa: PLC0415

    if get_origin(annotation) is list:
        (item,) = get_args(annotation)
        values = value if isinstance(value, list | tuple) else [value]
        return [_convert(item, info, one, param, ctx) for one in values]
    if info.parser is not None:  # the resolver: its errors are the CLI's own
        return info.parser(value)
    if not isinstance(annotation, type):
        raise _UnconvertedError
    if annotation is str and isinstance(value, str):
        return value
    if annotation is int and info.min is None and info.max is None:
        if type(value) is int:
            return value
        if isinstance(value, str) and value.isascii() and value.isdigit():
            return int(value)
    if issubclass(annotation, Path) and info.path_type is None and isinstance(value, str) and value:
        return coerce_cli_path(annotation(value), info, path_type=annotation, param=param, ctx=ctx)
    raise _UnconvertedError


@cache
def _direct_converter() -> type | None:
    """The converter class, built on Typer's base class; None if this Typer has none."""
    try:
        from typer._coercion import RuntimeParam, build_runtime_param  # noqa: PLC0415
        from typer._param_types import coerce_cli_path  # noqa: F401, PLC0415
    except (ImportError, AttributeError):  # pragma: no cover - another Typer
        return None

    @dataclass(frozen=True)
    class DirectConversion(RuntimeParam):
        """Typer's conversion for text, paths and enums, called without a TypeAdapter."""

        def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
            try:
                return _convert(self.annotation, self.parameter_info, value, param, ctx)
            except _UnconvertedError:
                regular = build_runtime_param(param.type_descriptor)
                return regular._coerce_value(value, param, ctx)

    return DirectConversion


def install(command: Command, ctx: Context) -> None:
    """Give the command's parameters, its help option included, the direct converter."""
    converter = _direct_converter() if ENABLED else None
    if converter is None:
        return
    for param in command.get_params(ctx):
        descriptor = getattr(param, "type_descriptor", None)
        if descriptor is None or getattr(param, "_runtime_param", False) is not None:
            continue
        try:
            direct = converter(
                parameter_info=descriptor.parameter_info, annotation=descriptor.annotation
            )
        except (TypeError, AttributeError):  # pragma: no cover - another Typer converts as usual
            return
        param._runtime_param = direct  # type: ignore[attr-defined] # a Typer parameter
