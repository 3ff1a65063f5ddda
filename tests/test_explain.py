"""`newsset explain`: the issue-code catalog on the command line, and the catalog kept honest."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import newsset
from newsset.cli import main
from newsset.report import render_text

ROOT = Path(__file__).resolve().parents[1]


def test_explain_prints_the_catalog_entry(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", "parse.invalid-date"]) == 0
    out = capsys.readouterr().out
    entry = newsset.CODES["parse.invalid-date"]
    assert out.splitlines() == [
        "parse.invalid-date (error)",
        f"  meaning: {entry.title}",
        f"  fix:     {entry.hint}",
        f"  example: {entry.example}",
    ]


def test_explain_ignores_case_and_omits_a_missing_example(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", "SCHEMA.MINLENGTH"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("schema.minLength (error)\n") and "example:" not in out


@pytest.mark.parametrize(("typed", "suggested"), [
    ("parse.invalid-dat", ["parse.invalid-date"]),
    ("invalid-date", ["parse.invalid-date"]),
    ("dataset.duplicate", ["dataset.duplicate-id", "dataset.duplicate-body"]),
    ("archive", ["archive.encrypted", "archive.not-a-file", "archive.nested", "archive.duplicate-member"]),
])
def test_unknown_code_exits_2_with_the_closest_codes(typed: str, suggested: list[str],
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", typed]) == 2
    cap = capsys.readouterr()
    assert cap.out == ""
    assert f"expected a known issue code, got {typed!r}; did you mean " in cap.err
    for code in suggested:
        assert code in cap.err
    assert "newsset explain --list" in cap.err


def test_unknown_code_without_a_near_one_points_at_the_list(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", "zzzz"]) == 2
    err = capsys.readouterr().err
    assert "did you mean" not in err and "got 'zzzz'. Run `newsset explain --list`" in err


def test_list_has_one_line_per_code(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", "--list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines] == list(newsset.CODES)
    for line, entry in zip(lines, newsset.CODES.values()):
        assert line.endswith(f"  {entry.title}")


@pytest.mark.parametrize("argv", [["explain"], ["explain", "input.empty", "--list"]])
def test_explain_needs_exactly_one_of_code_and_list(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    assert "expected an issue code or --list" in capsys.readouterr().err


def test_catalog_examples_are_what_newsset_prints(monkeypatch: pytest.MonkeyPatch) -> None:
    """An example is a real report line for examples/bad, so a changed message shows up here."""
    monkeypatch.chdir(ROOT)
    printed = set(render_text(newsset.validate_paths(["examples/bad"])).splitlines())
    examples = {c: e.example for c, e in newsset.CODES.items() if e.example}
    assert len(examples) >= 8
    assert {c: e for c, e in examples.items() if e not in printed} == {}
    for code, example in examples.items():
        assert f"error[{code}]" in example


def test_docs_errors_md_says_what_the_catalog_says() -> None:
    """docs/errors.md and `newsset explain` show the same meaning and fix for every code."""
    rows = re.findall(r"^\| `([a-z]+\.[A-Za-z-]+)` \| (.*) \| (.*) \|$", (ROOT / "docs" / "errors.md").read_text(),
                      re.M)
    documented = {code: (meaning, fix) for code, meaning, fix in rows}
    catalog = {c: (e.title, e.hint) for c, e in newsset.CODES.items()}
    assert documented == catalog, "update docs/errors.md to match the catalog in newsset/errors.py"


def test_text_report_points_at_explain(corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(corpus)]) == 1
    out = capsys.readouterr().out
    first = re.search(r"error\[([^\]]+)\]", out)
    assert first is not None
    assert f"run `newsset explain CODE` for what a code means and how to fix the input (e.g. `newsset explain " \
           f"{first.group(1)}`)\n" in out
    good = tmp_path / "good.txt"
    good.write_text((corpus / "story-0.txt").read_text())
    assert main(["validate", str(good)]) == 0
    assert "newsset explain" not in capsys.readouterr().out


def test_docs_errors_md_names_every_warning_code() -> None:
    """The severity paragraph lists the warnings: a code the catalog makes a warning, and the docs
    call an error, would have users quarantine records by hand that a build keeps."""
    text = (ROOT / "docs" / "errors.md").read_text()
    para = next(p for p in text.split("\n\n") if p.startswith("Severity is `error` for all but"))
    named = set(re.findall(r"`([a-z]+\.[a-z*-]+)`", para.split("which are warnings")[0]))
    warnings = {c for c, e in newsset.CODES.items() if e.severity == "warning"}
    assert {c for c in warnings if c not in named and f"{c.split('.')[0]}.*" not in named} == set()
    assert {c for c in named if "*" not in c} <= warnings


def test_the_pre_commit_hook_runs_on_every_input_newsset_reads() -> None:
    """pre-commit passes the hook only the files its pattern and types select: a pattern of `.txt`
    and `.jsonl`, or `types: [text]`, skipped compressed record files and archives unchecked."""
    import yaml

    from newsset.sources import ARCHIVE_SUFFIXES, PAGE_SUFFIXES, RECORD_SUFFIXES, kind_of

    hook = next(h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
                if h["id"] == "newsset-validate")
    assert hook["types"] == ["file"]
    pattern = re.compile(hook["files"])
    for suffix in (*PAGE_SUFFIXES, *RECORD_SUFFIXES, *ARCHIVE_SUFFIXES):
        for name in (f"pages/a{suffix}", f"pages/A{suffix.upper()}"):
            assert pattern.search(name) and kind_of(name), name
    for name in ("notes.md", "a.json", "a.txt.bak", "data.parquet", "a.gz"):
        assert not pattern.search(name) and kind_of(name) is None, name


def test_the_readme_pre_commit_config_keeps_the_hooks_suffixes_to_the_pages_folder() -> None:
    """The README's config narrows the hook with `exclude:` (pre-commit matches `files` and `exclude`
    with re.search, and a config's `exclude` leaves the hook's `files` in place): only inputs under
    pages/ reach newsset, which reads every file it is given as an input."""
    import yaml

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"pre-commit \(`\.pre-commit-config\.yaml`.*?```yaml\n(.*?)```", readme, re.S)
    assert block is not None
    config = yaml.safe_load(block.group(1))[0]["hooks"][0]
    assert config["id"] == "newsset-validate" and "files" not in config
    hook = next(h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
                if h["id"] == "newsset-validate")
    files, exclude = re.compile(hook["files"]), re.compile(config["exclude"])

    def passed(path: str) -> bool:
        return bool(files.search(path)) and not exclude.search(path)

    assert [p for p in ("pages/a.txt", "pages/2024/b.jsonl.gz", "pages/c.zip", "requirements.txt", "LICENSE.txt",
                        "docs/notes.txt", "pages/README.md", "src/pages/a.txt") if passed(p)] == [
        "pages/a.txt", "pages/2024/b.jsonl.gz", "pages/c.zip"]
