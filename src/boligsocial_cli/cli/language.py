"""The command line in the user's language: which language it asks for, and Typer's help and
usage errors shown in it."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING

from typer._click import Command
from typer._click.exceptions import UsageError as ClickUsageError
from typer.core import TyperCommand, TyperGroup

from boligsocial_cli.errors import UsageError
from boligsocial_cli.i18n import N_, _, ngettext
from boligsocial_cli.model import Lang
from boligsocial_cli.output.writer import write_data
from boligsocial_cli.resolver import resolve_lang

if TYPE_CHECKING:
    from typer._click import Context, HelpFormatter
    from typer.core import TyperOption

LANGUAGE_OPTIONS = ("--lang", "-l")
GLOBAL_OPTIONS = ("--data", "--debug", "--version")
"""Options of `boligsocial` itself, which go before the command."""

TYPER_MESSAGES = (
    N_("Arguments"),  # Typer's help headings, looked up through gettext's global domain
    N_("Options"),
    N_("Commands"),
    N_("[OPTIONS]"),
    N_("COMMAND [ARGS]..."),
    N_("Show this message and exit."),
    N_("Install completion for the current shell."),
    N_("Show completion for the current shell, to copy it or customize the installation."),
    N_("default: {default}"),
    N_("required"),
)


def language_of(args: Sequence[str], env: Mapping[str, str]) -> Lang:
    """The language a command line asks for: the last `--lang` before `--` that names one,
    wherever it is; else BOLIGSOCIAL_LANG; else English if the locale (LC_ALL, LC_MESSAGES,
    LANG) is English; else Danish. A `--lang` value that is no language is left for the
    parser to report (in the language an earlier `--lang` asked for)."""
    for typed in reversed(list(_language_values(args))):
        try:
            return resolve_lang(typed)
        except UsageError:
            continue
    if env.get("BOLIGSOCIAL_LANG"):
        try:
            return resolve_lang(env["BOLIGSOCIAL_LANG"])
        except UsageError as error:
            raise UsageError(f"BOLIGSOCIAL_LANG: {error}") from None
    locale = next((env[name] for name in ("LC_ALL", "LC_MESSAGES", "LANG") if env.get(name)), "")
    return Lang.EN if locale.lower().startswith("en") else Lang.DA


def _language_values(args: Sequence[str]) -> Iterator[str]:
    words = iter(args)
    for word in words:
        if word == "--":
            return
        if word in LANGUAGE_OPTIONS:
            yield next(words, "")
        elif word.startswith("--lang="):
            yield word.removeprefix("--lang=")
        elif word.startswith("-l") and not word.startswith("--"):
            yield word.removeprefix("-l")


def translate_help(command: Command) -> None:
    """Put `command`'s help, and that of its options and subcommands, in the current language."""
    for attribute in ("help", "short_help", "options_metavar", "subcommand_metavar"):
        text = getattr(command, attribute, None)
        if text:
            setattr(command, attribute, _(text))
    for param in command.params:
        help_text = getattr(param, "help", None)
        if help_text:
            param.help = _(help_text)  # type: ignore[attr-defined]  # an Option's
        if param.metavar:
            param.metavar = _(param.metavar)
    for subcommand in getattr(command, "commands", {}).values():
        translate_help(subcommand)


class TranslatedHelp(Command):
    """Help pages whose own words (the usage line, the help option) are translated too, whose
    command list shows each command's first sentence whole, and whose epilog is the command's
    examples: command lines, one a line, the same in every language."""

    def parse_args(self, ctx: Context, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except ClickUsageError as error:
            error.ctx = error.ctx or ctx  # so the hint names this command's help
            raise

    def format_usage(self, ctx: Context, formatter: HelpFormatter) -> None:
        pieces = self.collect_usage_pieces(ctx)
        formatter.write_usage(ctx.command_path, " ".join(pieces), prefix=_("Usage: "))

    def get_help_option(self, ctx: Context) -> TyperOption | None:
        option = super().get_help_option(ctx)
        if option is not None and option.help:
            option.help = _(option.help)
        if option is not None:
            option.callback = _show_help
        return option

    def format_epilog(self, ctx: Context, formatter: HelpFormatter) -> None:  # noqa: ARG002
        examples = [line.strip() for line in (self.epilog or "").splitlines() if line.strip()]
        if examples:
            with formatter.section(ngettext("Example", "Examples", len(examples))):
                for example in examples:  # as typed, never wrapped: a line to copy
                    formatter.write(" " * formatter.current_indent + example + "\n")


def _show_help(ctx: Context, _param: object, value: bool) -> None:
    """The help page on stdout, through the pager when it is longer than the terminal."""
    if value and not ctx.resilient_parsing:
        write_data(ctx.get_help() + "\n")
        ctx.exit()


def usage_message(error: ClickUsageError) -> str:  # noqa: PLR0911 - one return per error
    """A usage error Typer raised, in the current language, with the fix where one is known."""
    from typer._click import exceptions  # noqa: PLC0415 - only a mistake needs it

    if isinstance(error, exceptions.NoSuchOption):
        message = _("No such option: {option}").format(option=error.option_name)
        if error.option_name.split("=")[0] in GLOBAL_OPTIONS and error.ctx and error.ctx.parent:
            root = error.ctx.find_root().info_name
            command = error.ctx.info_name
            return (
                message
                + ". "
                + _(
                    "{option} is an option of {program} itself and goes before the command: "
                    "{program} {option} … {command}"
                ).format(option=error.option_name, program=root, command=command)
            )
        if error.possibilities:
            suggestion = ", ".join(sorted(error.possibilities))
            return message + ". " + _("Did you mean {suggestion}?").format(suggestion=suggestion)
        return message
    if isinstance(error, exceptions.MissingParameter) and error.param is not None:
        name = error.param.get_error_hint()  # Typer's takes no ctx
        if error.param.param_type_name == "argument":
            return _("Missing argument {name}.").format(name=name)
        return _("Missing option {name}.").format(name=name)
    if isinstance(error, exceptions.BadOptionUsage):
        if error.message.endswith("requires an argument."):
            return _("{option} needs a value.").format(option=error.option_name)
        if error.message.endswith("does not take a value."):
            return _("{option} takes no value.").format(option=error.option_name)
    extra = re.fullmatch(r"Got unexpected extra argument\(s\) \((.*)\)", error.message)
    if extra:
        return _("Unexpected extra arguments: {words}").format(words=extra.group(1))
    return error.format_message()


class TranslatedCommand(TranslatedHelp, TyperCommand):
    """A command whose help speaks the current language, and names each argument by its
    metavar alone (Typer adds the Python type, as in `ID <str>`)."""

    def format_options(self, ctx: Context, formatter: HelpFormatter) -> None:
        arguments, options = [], []
        for param in self.get_params(ctx):
            record = param.get_help_record(ctx)
            if record is None:
                continue
            if param.param_type_name == "argument":
                name = (param.metavar or (param.name or "").upper()) + ("..." * (param.nargs != 1))
                arguments.append((name, record[1]))
            else:
                options.append(record)
        for heading, rows in ((_("Arguments"), arguments), (_("Options"), options)):
            if rows:
                with formatter.section(heading):
                    formatter.write_dl(rows)


class TranslatedGroup(TranslatedHelp, TyperGroup):
    """A group whose help speaks the current language; an unknown command is a UsageError
    with the closest command suggested."""

    def format_commands(self, ctx: Context, formatter: HelpFormatter) -> None:
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, command.get_short_help_str(limit=1_000)))
        if rows:
            with formatter.section(_("Commands")):
                formatter.write_dl(rows)

    def resolve_command(
        self, ctx: Context, args: list[str]
    ) -> tuple[str | None, Command | None, list[str]]:
        name = args[0] if args else ""
        if name and not name.startswith("-") and self.get_command(ctx, name) is None:
            from boligsocial_cli.errors import did_you_mean  # noqa: PLC0415

            raise UsageError(
                _("No such command: {name}.").format(name=repr(name))
                + did_you_mean(name, self.list_commands(ctx))
            )
        return super().resolve_command(ctx, args)
