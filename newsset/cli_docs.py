"""docs/cli.md, the command-line reference, rendered from the argparse help of every command.

    python -m newsset.cli_docs > docs/cli.md        # regenerate after changing the CLI
    python -m newsset.cli_docs --check docs/cli.md  # exit 1 when the file is stale

The help is the single source: commands are found by walking the parser's subcommands, so a
command added to newsset.cli appears here without touching this module. The text must not
depend on the terminal or the Python version, or the test comparing it with docs/cli.md would
fail on someone else's machine: the width is fixed, colour is off and option invocations are
written in one style (`-o, --output FILE`) whatever argparse's default is.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator, Sequence

from .cli import make_parser

WIDTH = 88
REGENERATE = "python -m newsset.cli_docs > docs/cli.md"


class DocFormatter(argparse.HelpFormatter):
    """argparse's formatter at a fixed width, with one invocation style on every Python."""

    def __init__(self, prog: str, indent_increment: int = 2, max_help_position: int = 24,
                 width: int | None = None) -> None:
        super().__init__(prog, indent_increment, max_help_position, width=WIDTH)

    def _format_action_invocation(self, action: argparse.Action) -> str:
        # Python 3.13 changed `-o FILE, --output FILE` to `-o, --output FILE`; write the latter always.
        if not action.option_strings or action.nargs == 0:
            return super()._format_action_invocation(action)
        args = self._format_args(action, self._get_default_metavar_for_optional(action))
        return f"{', '.join(action.option_strings)} {args}"


def commands(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()) -> Iterator[
        tuple[tuple[str, ...], argparse.ArgumentParser]]:
    """Every (sub)command as (words after `newsset`, parser), the root first, in definition order.

    argparse has no public way to list subparsers; `_SubParsersAction.choices` is the stable,
    widely used one (aliases map to the same parser and are listed once)."""
    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            seen: set[int] = set()
            for name, sub in action.choices.items():
                if id(sub) not in seen:
                    seen.add(id(sub))
                    yield from commands(sub, (*path, name))


def _help(parser: argparse.ArgumentParser) -> str:
    if hasattr(parser, "color"):  # Python 3.14+ colours help when FORCE_COLOR is set, as in many CIs
        parser.color = False
    return parser.format_help().rstrip() + "\n"


def render_cli_reference() -> str:
    """The Markdown of docs/cli.md: a contents list, then each command's `--help` verbatim."""
    parser = make_parser(DocFormatter)
    entries = list(commands(parser))
    lines = ["# Command-line reference", "",
             f"<!-- Generated from the argparse help by `{REGENERATE}`; do not edit by hand. -->", "",
             "The `--help` of every `newsset` command. Exit status: 0 fine, 1 the input has problems, "
             "2 usage or schema error, 3 the output cannot be written (or a worker process died), 130 "
             "interrupted (143 terminated, 129 hung up). Issue codes are explained by "
             "`newsset explain CODE` and listed in [errors.md](errors.md).", ""]
    titles = [" ".join(("newsset", *words)) for words, _ in entries]
    lines += [f"- [`{t}`](#{t.replace(' ', '-')})" for t in titles]
    for title, (_, p) in zip(titles, entries):
        lines += ["", f"## `{title}`", "", "```text", _help(p).rstrip("\n"), "```"]
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    """Print the reference, or with --check FILE exit 1 when FILE differs from it."""
    ap = argparse.ArgumentParser(prog="python -m newsset.cli_docs", description="Render docs/cli.md from the "
                                 "argparse help of every newsset command.")
    ap.add_argument("--check", metavar="FILE", help="compare with FILE instead of printing; exit 1 if it differs")
    args = ap.parse_args(argv)
    text = render_cli_reference()
    if args.check is None:
        sys.stdout.write(text)
        return 0
    try:
        with open(args.check, encoding="utf-8") as fh:
            current = fh.read()
    except OSError as e:
        print(f"cli_docs: expected the CLI reference at {args.check}, but it cannot be read: {e.strerror or e}; "
              f"create it with `{REGENERATE}`", file=sys.stderr)
        return 1
    if current != text:
        print(f"cli_docs: {args.check} differs from the CLI's --help output; regenerate it with `{REGENERATE}`",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
