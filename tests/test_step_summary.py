"""GitHub job summaries: `validate` and `build` append Markdown to $GITHUB_STEP_SUMMARY."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import newsset
from newsset.cli import main
from newsset.errors import Issue
from newsset.report import Report, render_markdown
from newsset.summary import append_step_summary, md_cell, render_build_markdown

UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")


def _cells(row: str) -> list[str]:
    """The cells of one Markdown table row, split on unescaped pipes."""
    parts = UNESCAPED_PIPE.split(row)
    assert parts[0] == "" and parts[-1] == "", row
    return [p.strip() for p in parts[1:-1]]


def _issue_rows(markdown: str) -> list[list[str]]:
    table = markdown.split("| file:line | code | message |", 1)[1].split("\n\n", 1)[0]
    return [_cells(row) for row in table.strip().splitlines()[1:]]


def test_validate_appends_counts_codes_and_located_issues(corpus: Path, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    summary = tmp_path / "summary.md"
    summary.write_text("# earlier step\n")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    assert main(["validate", str(corpus), "--format", "github"]) == 1
    assert capsys.readouterr().out.startswith("::error file=")  # the annotations are still printed
    text = summary.read_text()
    assert text.startswith("# earlier step\n## newsset validate: invalid\n")  # appended, not replaced
    assert "| valid | 6 | 6 |" in text and "| invalid | 2 | 2 |" in text and "| **checked** | 8 | 8 |" in text
    assert "| `dataset.duplicate-id` | 1 |\n| `parse.invalid-date` | 1 |" in text
    rows = _issue_rows(text)
    assert rows[0] == [f"`{corpus}/broken.txt:1`", "`parse.invalid-date`",
                       "expected a real calendar date, got '2024-13-45'"]
    assert rows[1][:2] == [f"`{corpus}/sub/copy-of-story-2.txt:1`", "`dataset.duplicate-id`"]
    assert rows[1][2].startswith("`$.id`: expected a unique id")
    assert "Showing the first" not in text
    assert "Run `newsset explain CODE`" in text


def test_summary_lists_50_issues_and_says_how_many_were_cut(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    pages = tmp_path / "pages"
    pages.mkdir()
    for i in range(60):
        (pages / f"empty-{i:02d}.txt").write_text("")
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    assert main(["validate", str(pages), "--format", "github"]) == 1
    assert len(capsys.readouterr().out.splitlines()) == 60  # annotations: GitHub shows 10 of them
    text = summary.read_text()
    rows = _issue_rows(text)
    assert len(rows) == 50 and rows[-1][0] == f"`{pages}/empty-49.txt:1`"
    assert "| `input.empty` | 60 |" in text
    assert "Showing the first 50 of 60 issues; the counts by code above include all of them. For all of them run " \
           "`newsset validate` with `--format json`" in text


def test_summary_says_when_max_issues_cut_the_report(corpus: Path, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(tmp_path / "s.md"))
    assert main(["validate", str(corpus), "--max-issues", "1", "-o", str(tmp_path / "r.txt")]) == 1
    text = (tmp_path / "s.md").read_text()
    assert len(_issue_rows(text)) == 1
    assert "Showing the first 1 of 2 issues; the counts by code above include all of them. Raise `--max-issues`" in text


def test_table_cells_escape_pipes_newlines_and_markup() -> None:
    report = Report("urn:test", "0" * 64)
    report.add(Issue("jsonl.syntax", "expected JSON, got 'a | b'\nand <b>*this*</b> $x$ \\", "dir|x/a_b.jsonl", line=3))
    report.add(Issue("schema.type", "expected a string", "we`ird.jsonl", line=1, json_path="$.a|b"))
    rows = _issue_rows(render_markdown(report))
    assert rows == [["`dir\\|x/a_b.jsonl:3`", "`jsonl.syntax`",
                     "expected JSON, got 'a \\| b'<br>and \\<b\\>\\*this\\*\\</b\\> \\$x\\$ \\\\"],
                    ["we\\`ird.jsonl:1", "`schema.type`", "`$.a\\|b`: expected a string"]]
    assert md_cell("a\r\nb\rc") == "a<br>b<br>c"
    assert md_cell("x" * 600).endswith("x\u2026") and len(md_cell("x" * 600)) == 500


def test_valid_report_has_counts_and_no_issue_table() -> None:
    report = Report("urn:test", "0" * 64)
    text = render_markdown(report)
    assert text.startswith("## newsset validate: valid\n") and "**0** issue(s)" in text
    assert "file:line" not in text and "newsset explain" not in text


def test_format_markdown_prints_every_reported_issue(corpus: Path, capsys: pytest.CaptureFixture[str],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    assert main(["validate", str(corpus), "--format", "markdown"]) == 1
    out = capsys.readouterr().out
    assert out.startswith("## newsset validate: invalid\n") and len(_issue_rows(out)) == 2


@pytest.mark.parametrize("target", ["a-directory", "missing-dir/summary.md", "a-fifo"])
def test_an_unwritable_summary_warns_and_keeps_the_exit_status(target: str, corpus: Path, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    import os

    (tmp_path / "a-directory").mkdir()
    os.mkfifo(tmp_path / "a-fifo")  # no reader: opening it for writing would block for good
    path = tmp_path / target
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(path))
    assert main(["validate", str(corpus)]) == 1
    err = capsys.readouterr().err
    assert f"newsset validate: warning: expected to append the job summary to {path} ($GITHUB_STEP_SUMMARY)" in err
    good = tmp_path / "good.txt"
    good.write_text((corpus / "story-0.txt").read_text())
    assert main(["validate", str(good)]) == 0
    assert main(["build", str(good), "--out", str(tmp_path / "out"), "-q"]) == 0
    assert "newsset build: warning: expected to append the job summary" in capsys.readouterr().err


def test_summary_is_written_only_inside_actions(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    assert append_step_summary("## x", "validate") is False
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", "")
    assert append_step_summary("## x", "validate") is False
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(tmp_path / "s.md"))
    assert append_step_summary("## x", "validate") is True and append_step_summary("## y\n", "build") is True
    assert (tmp_path / "s.md").read_text() == "## x\n## y\n"


def test_build_appends_rows_per_split_rejects_and_output(corpus: Path, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    out = tmp_path / "out"
    assert main(["build", str(corpus), "--out", str(out), "-q"]) == 0
    text = summary.read_text()
    result = newsset.build([corpus], tmp_path / "api")  # the same build through the API, for the numbers
    assert text.startswith("## newsset build: written\n")
    assert f"Built `{out}` from 8 input(s) in 8 file(s): **{result.total_rows}** row(s), **2** input(s) rejected." \
           in text
    header = next(line for line in text.splitlines() if line.startswith("| config |"))
    splits = _cells(header)[1:-1]
    assert splits == [s for s in ("train", "validation", "test") if s in result.rows]
    default = next(_cells(line) for line in text.splitlines() if line.startswith("| `default` |"))
    assert default == ["`default`", *(str(result.rows[s]) for s in splits), str(result.total_rows)]
    assert "| `headline_generation` |" in text
    assert "| `dataset.duplicate-id` | 1 |" in text and "| `parse.invalid-date` | 1 |" in text
    assert f"`{out}/rejects.jsonl`" in text
    assert "Leakage guard: " in text


def test_build_that_writes_nothing_says_so(corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(tmp_path / "s.md"))
    assert main(["build", str(corpus), "--out", str(tmp_path / "out"), "--on-invalid", "fail"]) == 1
    text = (tmp_path / "s.md").read_text()
    assert text.startswith("## newsset build: nothing written\n")
    assert "2 of 8 input(s) rejected and `--on-invalid fail` is set" in text
    assert "| `parse.invalid-date` | 1 |" in text and "| config |" not in text


def test_build_markdown_is_a_function_of_the_result() -> None:
    from collections import Counter

    from newsset.pipeline import BuildResult

    r = BuildResult(out=Path("dist/o|ut"), inputs=3, files=3, rows={"train": 2, "test": 1},
                    configs={"default": {"train": 2, "test": 1}}, rejected=Counter({"input.empty": 1}), written=True)
    text = render_build_markdown(r)
    assert "| config | train | test | total |" in text and "| `default` | 2 | 1 | 3 |" in text
    assert "Built dist/o\\|ut from 3 input(s)" in text and "| `input.empty` | 1 |" in text


@pytest.mark.parametrize(("inputs", "rejected", "empty", "says"), [
    (0, 0, True, "the inputs hold no page or record (only blank lines), so nothing was written"),
    (3, 3, True, "3 of 3 input(s) rejected: no input passed the checks, and a dataset of no rows cannot be loaded"),
    (3, 1, False, "1 of 3 input(s) rejected and `--on-invalid fail` is set, so nothing was written"),
])
def test_the_summary_of_a_build_that_wrote_nothing_says_why(inputs: int, rejected: int, empty: bool,
                                                              says: str) -> None:
    """Every unwritten build was said to have `--on-invalid fail` set (the CLI told the three apart)."""
    from collections import Counter

    from newsset.pipeline import BuildResult

    r = BuildResult(out=Path("o"), inputs=inputs, files=inputs, rejected=Counter({"input.empty": rejected}),
                    empty=empty)
    assert says in render_build_markdown(r)


def test_urls_in_a_cell_stay_text_not_links() -> None:
    """Report audit r37: GitHub's renderer (cmark-gfm) links a bare `https://...` or `www....` in a job
    summary, so a record's value became a live link there. The escapes (`\\:`, `\\.`) render as the
    characters, and leave other colons and full stops as written."""
    cell = md_cell("got 'https://evil.example/login?x=1', see WWW.evil.example: at 10.30")
    assert cell == "got 'https\\://evil.example/login?x=1', see WWW\\.evil.example: at 10.30"
