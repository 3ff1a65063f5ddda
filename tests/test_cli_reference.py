"""docs/cli.md is the argparse help of every command, and every command is documented."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

import newsset.cli_docs as cli_docs
from newsset.cli import make_parser

ROOT = Path(__file__).resolve().parents[1]
CLI_MD = ROOT / "docs" / "cli.md"


def _subcommands() -> list[str]:
    return [" ".join(words) for words, _ in cli_docs.commands(make_parser()) if words]


def test_docs_cli_md_is_current() -> None:
    assert CLI_MD.read_text(encoding="utf-8") == cli_docs.render_cli_reference(), (
        f"docs/cli.md is out of date with the CLI's --help; regenerate it with `{cli_docs.REGENERATE}`")


def test_check_option_reports_a_stale_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_docs.main(["--check", str(CLI_MD)]) == 0
    stale = tmp_path / "cli.md"
    stale.write_text(CLI_MD.read_text(encoding="utf-8").replace("--max-issues N", "--max-issues M"))
    assert cli_docs.main(["--check", str(stale)]) == 1
    assert cli_docs.main(["--check", str(tmp_path / "missing.md")]) == 1
    err = capsys.readouterr().err
    assert f"{stale} differs from the CLI's --help output; regenerate it with `{cli_docs.REGENERATE}`" in err
    assert "missing.md" in err


@pytest.mark.parametrize("columns", ["40", "250"])
def test_reference_does_not_depend_on_the_terminal(columns: str, monkeypatch: pytest.MonkeyPatch) -> None:
    expected = cli_docs.render_cli_reference()
    monkeypatch.setenv("COLUMNS", columns)
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert cli_docs.render_cli_reference() == expected


def test_reference_has_every_command_including_new_ones(monkeypatch: pytest.MonkeyPatch) -> None:
    """Commands are found by walking the parser, so one added to the CLI needs no change here."""
    def with_extra(formatter_class: type[argparse.HelpFormatter] = argparse.HelpFormatter) -> argparse.ArgumentParser:
        p = make_parser(formatter_class)
        sub = next(a for a in p._actions if isinstance(a, argparse._SubParsersAction))
        sub.add_parser("frobnicate", help="a command added later", formatter_class=formatter_class)
        return p

    monkeypatch.setattr(cli_docs, "make_parser", with_extra)
    text = cli_docs.render_cli_reference()
    for name in (*_subcommands(), "frobnicate"):
        assert f"\n## `newsset {name}`\n" in text
        assert f"- [`newsset {name}`](#newsset-{name})" in text
    assert "usage: newsset frobnicate [-h]" in text


def test_every_command_is_in_the_readme_and_the_reference() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    reference = CLI_MD.read_text(encoding="utf-8")
    commands = _subcommands()
    assert {"parse", "validate", "build", "verify", "explain"} <= set(commands)
    for name in commands:
        assert f"newsset {name}" in readme, f"README.md never mentions `newsset {name}`; add it under Commands"
        assert f"\n## `newsset {name}`\n" in reference, f"docs/cli.md lacks `newsset {name}`; regenerate it"
    assert "[docs/cli.md](docs/cli.md)" in readme.split("## Commands", 1)[1].split("\n## ", 1)[0]


def test_option_invocations_have_one_style() -> None:
    """Python 3.13 writes `-o, --output FILE` where 3.11 wrote `-o FILE, --output FILE`; the docs pin one."""
    text = cli_docs.render_cli_reference()
    assert "  --output, -o FILE " in text and "--output FILE, -o FILE" not in text


def test_negative_max_issues_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Exit 2 as the reference says for usage errors (it used to leave through SystemExit with status 1)."""
    from newsset.cli import main

    assert main(["validate", str(tmp_path), "--max-issues", "-1"]) == 2
    assert "newsset validate: error: expected --max-issues to be 0 or more, got -1" in capsys.readouterr().err
