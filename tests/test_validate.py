"""`newsset validate`: checks, report formats and exit statuses."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import threading
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import newsset
from newsset.cli import main
from newsset.errors import visible
from newsset.report import FileStatus, render
from tests.conftest import page

DOCS = Path(__file__).resolve().parents[1] / "docs"


def _good(tmp_path: Path, n: int = 3) -> Path:
    raw = tmp_path / "good"
    raw.mkdir()
    for i in range(n):
        (raw / f"p{i}.txt").write_text(page(title=f"Good story {i}", paragraphs=(f"Text of story {i}.",)))
    return raw


def _record(**changes: object) -> dict[str, object]:
    rec = newsset.parse_text(page(), source="a.txt").to_dict()
    rec.update(changes)
    return rec


def test_a_body_seen_before_is_a_duplicate_as_build_rejects_it(tmp_path: Path) -> None:
    """validate said "2 valid" for two pages with one body (another date and title, so another id),
    and build then rejected one as dataset.duplicate-body: both now say the same, compared alike
    (case and white space folded), and an invalid record's body claims nothing."""
    raw = tmp_path / "raw"
    raw.mkdir()
    body = ("The council met on Monday to agree the plan.", "Residents welcomed it.")
    (raw / "a.txt").write_text(page(title="First telling", paragraphs=body))
    (raw / "b.txt").write_text(page(title="Second telling", date="2024-04-01",
                                    paragraphs=tuple(p.upper().replace(" ", "  ") for p in body)))
    (raw / "c.txt").write_text(page(title="Own story", paragraphs=("Something else entirely.",)))
    records = raw / "r.jsonl"  # an invalid record first: it takes no body, the valid one after it is no copy
    own = _record(title="Record", body="A body of its own.\n\nTwo paragraphs.")
    own["id"] = newsset.article_id(own["date"], own["title"], own["body"])  # type: ignore[arg-type]
    records.write_text(json.dumps({**own, "date": "2024-13-45"}) + "\n" + json.dumps(own) + "\n")
    report = newsset.validate_paths([raw])
    found = [(Path(i.path).name, i.code) for i in report.issues]
    assert found == [("b.txt", "dataset.duplicate-body"), ("r.jsonl", "schema.format")], found
    (dup,) = [i for i in report.issues if i.code == "dataset.duplicate-body"]
    first_id = newsset.parse_file(raw / "a.txt").id
    assert dup.message.endswith(f"a.txt:1, id {first_id})") and dup.json_path == "$.body"
    built = newsset.build([raw], tmp_path / "built")
    assert dict(built.rejected) == {"dataset.duplicate-body": 1, "schema.format": 1}
    rejects = [json.loads(x) for x in (tmp_path / "built/rejects.jsonl").read_text().splitlines()]
    assert [r["message"] for r in rejects if r["code"] == "dataset.duplicate-body"] == [dup.message]  # worded once


def test_good_folder_is_valid(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(_good(tmp_path))]) == 0
    out = capsys.readouterr().out
    assert "checked 3 file(s), 3 record(s): 3 valid, 0 issue(s)" in out


def test_bad_pages_give_one_github_annotation_each(corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(corpus), "--format", "github"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2 and "\x1b" not in "".join(lines) and "\x01" not in "".join(lines)
    assert lines[0].startswith(f"::error file={corpus}/broken.txt,line=1,title=parse.invalid-date::")
    assert re.match(rf"::error file={re.escape(str(corpus))}/sub/copy-of-story-2.txt,line=1,"
                    r"title=dataset.duplicate-id::\$\.id: expected a unique id", lines[1])


def test_json_report_lists_every_file(corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(corpus), "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["valid"] is False
    assert len(report["files"]) == 8
    status = {Path(f["path"]).name: f["status"] for f in report["files"]}
    assert status["broken.txt"] == "invalid" and status["story-0.txt"] == "valid"
    assert report["stats"]["by_code"] == {"dataset.duplicate-id": 1, "parse.invalid-date": 1}
    issue = next(i for i in report["issues"] if i["code"] == "parse.invalid-date")
    assert issue["line"] == 1 and issue["got"] == "2024-13-45" and issue["hint"]


def test_junit_report_is_xml_with_one_case_per_file(corpus: Path, tmp_path: Path) -> None:
    target = tmp_path / "report.xml"
    assert main(["validate", str(corpus), "--format", "junit", "--output", str(target)]) == 1
    root = ET.parse(target).getroot()
    cases = root.findall(".//testcase")
    assert len(cases) == 8
    failed = [c.get("name") for c in cases if c.find("failure") is not None]
    assert sorted(Path(f).name for f in failed) == ["broken.txt", "copy-of-story-2.txt"]
    assert root.find("testsuite").get("failures") == "2"  # type: ignore[union-attr]


def test_output_to_a_device_or_through_a_link_writes_there_and_replaces_neither(corpus: Path, tmp_path: Path) -> None:
    """`-o` renamed a temp file over its path, whatever it was: as root, `-o /dev/null` (a CI idiom)
    made /dev/null a regular file for the whole machine, and a link was replaced by a file while
    its target kept the old report."""
    import stat

    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    assert main(["validate", str(corpus), "--format", "json", "-o", str(fifo)]) == 1
    reader.join(10)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode) and json.loads(got[0])["valid"] is False
    null = tmp_path / "null"  # (a /dev/null of the test's own: a regression must not replace the machine's)
    try:
        os.mknod(null, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    except OSError:  # (not root: no device nodes)
        pass
    else:
        assert main(["validate", str(corpus), "-o", str(null)]) == 1 and stat.S_ISCHR(os.lstat(null).st_mode)
    (tmp_path / "reports").mkdir()
    (tmp_path / "reports" / "today.json").write_text("old")
    link = tmp_path / "latest.json"
    link.symlink_to(tmp_path / "reports" / "today.json")
    assert main(["validate", str(corpus), "--format", "json", "-o", str(link)]) == 1
    assert link.is_symlink() and json.loads(link.read_text())["valid"] is False
    assert [p.name for p in (tmp_path / "reports").iterdir()] == ["today.json"]  # (no temp file left)


def test_every_schema_violation_is_reported_with_line_and_paths(tmp_path: Path) -> None:
    good = _record()
    bad = _record(date="2024-02-30", title="", truncated="no", extra=1, id="1" * 32)
    del bad["subtitle"]
    f = tmp_path / "records.jsonl"
    f.write_text(json.dumps(good) + "\n\n" + json.dumps(bad) + "\n{not json\n[1, 2]\n")
    report = newsset.validate_paths([f])
    codes = sorted((i.line, i.code, i.json_path) for i in report.issues)
    assert codes == [
        (3, "schema.additionalProperties", "$.extra"),
        (3, "schema.format", "$.date"),
        (3, "schema.minLength", "$.title"),
        (3, "schema.required", "$.subtitle"),
        (3, "schema.type", "$.truncated"),
        (4, "jsonl.syntax", None),
        (5, "jsonl.not-object", None),
    ]
    fmt = next(i for i in report.issues if i.code == "schema.format")
    assert fmt.schema_path == "#/properties/date/format" and fmt.got == '"2024-02-30"'
    assert report.to_dict()["files"][0]["records"] == 4
    assert report.to_dict()["stats"]["valid_records"] == 1


def test_schema_errors_in_pages_point_at_the_field_line(tmp_path: Path) -> None:
    strict = {"$schema": "https://json-schema.org/draft/2020-12/schema",
              "allOf": [{"$ref": newsset.load_schema().id}],
              "properties": {"image_alt": {"type": "string", "maxLength": 5}}}
    (tmp_path / "s.json").write_text(json.dumps(strict))
    raw = _good(tmp_path, 1)
    report = newsset.validate_paths([raw], schema=tmp_path / "s.json")
    (issue,) = report.issues
    assert issue.code == "schema.maxLength" and issue.json_path == "$.image_alt"
    lines = (raw / "p0.txt").read_text().split("\n")
    assert lines[issue.line - 1] == "A train at a platform"  # type: ignore[operator]


def test_dataset_checks_future_dates_boilerplate_and_duplicates(tmp_path: Path) -> None:
    future = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    a = _record(date=future)
    b = _record(body="Real text.\n\nSubscribe to The Week\n\nMore real text.", id="0" * 32)
    # b is rejected: c is the one `build` keeps, no duplicate.
    c = _record(title="Same id as b", body="The third story.\n\nIt is its own.")
    d = _record(title="First valid", body="The fourth story.\n\nIt is its own.")
    c["id"] = b["id"] = newsset.article_id(c["date"], c["title"], c["body"])  # type: ignore[arg-type]
    d["id"] = newsset.article_id(d["date"], d["title"], d["body"])  # type: ignore[arg-type]
    e = _record(id=d["id"], title="Same id as d", body="The fifth story.\n\nIt is its own.")
    f = tmp_path / "r.jsonl"
    f.write_text("\n".join(json.dumps(r) for r in (a, b, d)) + "\n")
    g = tmp_path / "s.jsonl"
    g.write_text("\n".join(json.dumps(r) for r in (c, e)) + "\n")
    report = newsset.validate_paths([tmp_path])
    found = {(Path(i.path).name, i.line, i.code) for i in report.issues}
    assert found == {("r.jsonl", 1, "dataset.future-date"), ("r.jsonl", 2, "dataset.boilerplate"),
                     ("r.jsonl", 2, "record.id-mismatch"), ("s.jsonl", 2, "dataset.duplicate-id"),
                     ("s.jsonl", 2, "record.id-mismatch")}
    (dup,) = [i for i in report.issues if i.code == "dataset.duplicate-id"]
    assert "first seen in" in dup.message and dup.message.endswith(f"r.jsonl:3, id {dup.record_id})")
    built = newsset.build([tmp_path], tmp_path.parent / "built")
    assert built.rejected["dataset.duplicate-id"] == 1 and built.total_rows == 2  # c and d: as validate says
    rejects = [json.loads(x) for x in (tmp_path.parent / "built/rejects.jsonl").read_text().splitlines()]
    assert [r["message"] for r in rejects if r["code"] == "dataset.duplicate-id"] == [dup.message]  # worded once


def test_a_body_that_mentions_a_newsletter_is_not_boilerplate(tmp_path: Path) -> None:
    rec = _record(body="Readers can sign up for the newsletter, the minister said.\n\nIt was a big week.")
    (tmp_path / "r.jsonl").write_text(json.dumps(rec) + "\n")
    assert newsset.validate_paths([tmp_path]).valid


def test_max_issues_truncates_visibly(corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(corpus), "--max-issues", "1", "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert len(report["issues"]) == 1 and report["truncated"] is True and report["stats"]["issues"] == 2
    assert main(["validate", str(corpus), "--max-issues", "1"]) == 1
    # (JSON is cut at the same count: no advice to use it)
    summary = next(ln for ln in capsys.readouterr().out.splitlines() if ln.startswith("checked "))
    assert "2 issue(s)" in summary and "showing the first 1 (--max-issues" in summary and "json" not in summary


@pytest.mark.parametrize("argv", [["validate"], ["validate", "x", "--format", "xml"], ["validate", "x", "--bogus"],
                                  ["frobnicate"]])
def test_usage_errors_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as e:
        main(argv)
    assert e.value.code == 2
    assert "Traceback" not in capsys.readouterr().err


def test_unreadable_or_invalid_schema_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    raw = _good(tmp_path, 1)
    assert main(["validate", str(raw), "--schema", str(tmp_path / "nope.json")]) == 2
    (tmp_path / "bad.json").write_text('{"type": 12}')
    assert main(["validate", str(raw), "--schema", str(tmp_path / "bad.json")]) == 2
    (tmp_path / "d7.json").write_text('{"$schema": "http://json-schema.org/draft-07/schema#"}')
    assert main(["validate", str(raw), "--schema", str(tmp_path / "d7.json")]) == 2
    err = capsys.readouterr().err
    assert "nope.json" in err and "not a valid JSON Schema" in err and "Draft 2020-12" in err


def test_github_format_is_default_inside_actions(corpus: Path, capsys: pytest.CaptureFixture[str],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    main(["validate", str(corpus)])
    assert capsys.readouterr().out.startswith("::error file=")


def test_every_code_is_documented() -> None:
    text = (DOCS / "errors.md").read_text()
    documented = set(re.findall(r"^\| `([a-z]+\.[A-Za-z-]+)` \|", text, re.M))
    assert documented == set(newsset.CODES)
    with pytest.raises(ValueError):
        newsset.Issue("made.up", "x", "p")


def test_parse_cli_formats_and_errors(corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["parse", str(corpus / "story-0.txt"), str(corpus / "broken.txt")]) == 1
    cap = capsys.readouterr()
    (line,) = cap.out.splitlines()
    rec = json.loads(line)
    assert list(rec) == list(newsset.FIELDS) and rec["source"] == "story-0.txt"
    assert cap.err.strip() == (f"{corpus}/broken.txt:1: parse.invalid-date: expected a real calendar date, "
                               "got '2024-13-45'")
    assert main(["parse", str(corpus / "story-0.txt"), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["title"] == "Story number 0 about the economy"
    assert main(["parse", str(corpus / "story-0.txt"), "--format", "text"]) == 0
    assert "title: Story number 0 about the economy" in capsys.readouterr().out
    (corpus / "records.jsonl").write_text("{}\n")
    try:
        assert main(["parse", str(corpus / "story-0.txt"), str(corpus / "records.jsonl")]) == 0
        cap = capsys.readouterr()
        assert len(cap.out.splitlines()) == 1 and "1 record file(s) (.jsonl) skipped" in cap.err
        assert "records.jsonl" in cap.err and "newsset validate" in cap.err
        import zipfile

        with zipfile.ZipFile(corpus.parent / "scrape.zip", "w") as z:  # (inside an archive too)
            z.writestr("recs.jsonl", "{}\n")
            z.writestr("p.txt", (corpus / "story-1.txt").read_text())
        assert main(["parse", str(corpus.parent / "scrape.zip")]) == 0
        cap = capsys.readouterr()
        assert len(cap.out.splitlines()) == 1 and "1 record file(s) (.jsonl) skipped, e.g. " in cap.err
        assert "scrape.zip!/recs.jsonl" in cap.err
    finally:
        (corpus / "records.jsonl").unlink()


def test_a_catastrophic_user_pattern_cannot_hang_validation(tmp_path: Path) -> None:
    """^(a+)+$ backtracks exponentially in Python's re (24 chars take ~0.5 s, x4 per 2 more);
    both the fast path and the full error list use a linear-time engine."""
    import time

    schema = json.loads(newsset.load_schema().path.read_text())
    schema["$id"] = "https://example.org/evil.json"
    schema["properties"]["author"] = {"type": ["string", "null"], "pattern": "^(a+)+$"}
    schema_file = tmp_path / "evil.schema.json"
    schema_file.write_text(json.dumps(schema))
    records = tmp_path / "records.jsonl"
    records.write_text(json.dumps(_record(author="a" * 5000 + "!")) + "\n" + json.dumps(_record(author="aaaa")) + "\n")
    t0 = time.monotonic()
    report = newsset.validate_paths([records], schema=schema_file)
    assert time.monotonic() - t0 < 5
    issues = report.issues
    codes = [(i.code, i.line, i.json_path) for i in issues if i.code.startswith("schema.")]
    assert codes == [("schema.pattern", 1, "$.author")]


def test_the_bundled_schema_is_a_valid_draft_2020_12_schema() -> None:
    """load_schema() skips the metaschema check for the bundled schema (jsonschema's import costs
    every build 40 ms); this test is that check."""
    import jsonschema

    from newsset.schema import DIALECT, bundled_schema_path

    doc = json.loads(bundled_schema_path().read_text(encoding="utf-8"))
    assert doc["$schema"].rstrip("#") == DIALECT
    jsonschema.Draft202012Validator.check_schema(doc)


HOSTILE = "bad\n::warning file=x::owned\x01\x1b[31m.txt"  # a newline, a workflow command, SOH and ESC
HOSTILE_SHOWN = "bad\\n::warning file=x::owned\\x01\\x1b[31m.txt"


def _hostile(tmp_path: Path) -> Path:
    """A folder whose invalid pages have a hostile and an ordinary non-ASCII name, and one good page."""
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / HOSTILE).write_text(page(date="2024-13-45"))
    (raw / "café résumé.txt").write_text(page(date="2024-13-45", title="Another story"))
    (raw / "good.txt").write_text(page(title="A good story", paragraphs=("Text of the good story.",)))
    return raw


def _no_controls(text: str) -> bool:
    return not re.search("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029]", text)


def test_control_characters_in_file_names_are_escaped_in_text_reports(tmp_path: Path,
                                                                       capsys: pytest.CaptureFixture[str]) -> None:
    raw = _hostile(tmp_path)
    assert main(["validate", str(raw), "--format", "text", "-q"]) == 1
    out = capsys.readouterr().out
    assert _no_controls(out) and not any(line.startswith("::") for line in out.splitlines())
    issues = [line for line in out.splitlines() if "error[" in line]
    assert issues == [f"{raw}/{HOSTILE_SHOWN}:1: error[parse.invalid-date]: expected a real calendar date, got "
                      "'2024-13-45'",
                      f"{raw}/café résumé.txt:1: error[parse.invalid-date]: expected a real calendar date, got "
                      "'2024-13-45'"]  # an ordinary name (spaces, accents) is shown as it is
    assert len(out.splitlines()) == 2 * 2 + 3  # each issue and its hint, then the summary lines

    assert main(["parse", str(raw)]) == 1
    err = capsys.readouterr().err
    assert err.splitlines()[0] == (f"{raw}/{HOSTILE_SHOWN}:1: parse.invalid-date: expected a real calendar date, "
                                   "got '2024-13-45'")
    assert len(err.splitlines()) == 2 and _no_controls(err)


def test_junit_failure_of_an_archive_lists_its_members_issues(tmp_path: Path) -> None:
    import tarfile
    import xml.etree.ElementTree as ET

    (tmp_path / "bad.txt").write_text("no header here\n")
    for folder in ("plain", "Yahoo!"):  # (a folder name ending in "!": the member separator is "!/")
        (tmp_path / folder).mkdir()
        with tarfile.open(tmp_path / folder / "pages.tar", "w") as tar:
            tar.add(tmp_path / "bad.txt", "bad.txt")
        report = newsset.validate_paths([tmp_path / folder])
        (failure,) = ET.fromstring(newsset.render(report, "junit")).iter("failure")
        assert failure.get("type") == "parse.missing-header" and "pages.tar!/bad.txt:1" in (failure.text or "")


def test_junit_shows_the_warnings_of_a_file_that_passes(tmp_path: Path) -> None:
    import xml.etree.ElementTree as ET

    body = "The caf\u00c3\u00a9 opened on Monday, and the queue was long by noon. " * 4
    (tmp_path / "warn.txt").write_text(f"date 2024-01-02 A title\n\n{body}\n", encoding="utf-8")
    report = newsset.validate_paths([tmp_path])
    assert report.total_issues and not report.total_errors
    root = ET.fromstring(newsset.render(report, "junit"))
    assert not list(root.iter("failure"))
    (out,) = root.iter("system-out")
    assert "warning[text.mojibake]" in (out.text or "") and "warn.txt:" in (out.text or "")


def test_control_characters_in_file_names_keep_junit_well_formed(tmp_path: Path) -> None:
    raw = _hostile(tmp_path)
    target = tmp_path / "report.xml"
    assert main(["validate", str(raw), "--format", "junit", "-q", "--output", str(target)]) == 1
    root = ET.parse(target).getroot()
    cases = {c.get("name"): c for c in root.iter("testcase")}
    assert set(cases) == {f"{raw}/{HOSTILE_SHOWN}", f"{raw}/café résumé.txt", f"{raw}/good.txt"}
    failure = cases[f"{raw}/{HOSTILE_SHOWN}"].find("failure")
    assert failure is not None and failure.text == (f"{raw}/{HOSTILE_SHOWN}:1: error[parse.invalid-date]: expected "
                                                    "a real calendar date, got '2024-13-45'")
    # Characters XML 1.0 cannot hold even as references, from a report built by the API.
    report = newsset.Report("urn:test", "0" * 64)
    report.files.append(FileStatus("a\ufffe\x02.txt", "page", 1, 0, 1, 1))
    report.add(newsset.Issue("input.empty", "expected an article, got \x0c", "a\ufffe\x02.txt", line=1))
    case = ET.fromstring(render(report, "junit")).find(".//testcase")
    assert case is not None and case.get("file") == "a\\ufffe\\x02.txt"


def test_control_characters_in_file_names_in_github_markdown_and_json(tmp_path: Path,
                                                                        capsys: pytest.CaptureFixture[str]) -> None:
    raw = _hostile(tmp_path)
    assert main(["validate", str(raw), "--format", "github", "-q"]) == 1
    lines = capsys.readouterr().out.splitlines()
    # GitHub's own escapes for line ends (the annotation names the real file); other controls (ESC
    # would colour the CI log) as escapes.
    assert lines[0] == (f"::error file={raw}/bad%0A%3A%3Awarning file=x%3A%3Aowned\\x01\\x1b[31m.txt,line=1,"
                        "title=parse.invalid-date::expected a real calendar date, got '2024-13-45' (hint: fix the "
                        "month or day in the header (e.g. 2024-13-45 is impossible))")
    assert len(lines) == 2

    assert main(["validate", str(raw), "--format", "markdown", "-q"]) == 1
    out = capsys.readouterr().out
    assert _no_controls(out)
    assert f"| `{raw}/{HOSTILE_SHOWN}:1` | `parse.invalid-date` |" in out
    assert f"| `{raw}/café résumé.txt:1` | `parse.invalid-date` |" in out

    assert main(["validate", str(raw), "--format", "json", "-q"]) == 1
    report = json.loads(capsys.readouterr().out)  # names are data in JSON: kept as they are
    assert {i["path"] for i in report["issues"]} == {f"{raw}/{HOSTILE}", f"{raw}/café résumé.txt"}


def test_a_build_keeps_hostile_file_names_as_data(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    raw = _hostile(tmp_path)
    out = tmp_path / "out"
    assert main(["build", str(raw), "--out", str(out), "--no-tasks", "-j", "1"]) == 0
    assert _no_controls(capsys.readouterr().err)
    rejects = [json.loads(line) for line in (out / "rejects.jsonl").read_text().splitlines()]
    assert sorted(r["source"] for r in rejects) == sorted([HOSTILE, "café résumé.txt"])


def test_visible_escapes_only_control_characters() -> None:
    for name in ("plain.txt", "café résumé.txt", "日本語 ファイル.txt", "a\u00a0b", "C:\\dir\\x.txt",
                 "emoji \u200d.txt"):
        assert visible(name) == name
    assert visible("a\tb\rc\x7f\x85\u2028\u2029\u202e\u2066\u200f") == \
        "a\\tb\\rc\\x7f\\x85\\u2028\\u2029\\u202e\\u2066\\u200f"


def test_a_report_file_that_is_an_input_is_refused_not_written(corpus: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    page = next(p for p in sorted(corpus.rglob("*.txt")))
    before = page.read_bytes()
    assert main(["validate", str(corpus), "-o", str(page), "-q"]) == 2
    assert page.read_bytes() == before and "is one of the files being validated" in capsys.readouterr().err


def test_a_report_inside_the_checked_folder_with_an_input_suffix_is_refused(corpus: Path,
                                                                            capsys: pytest.CaptureFixture[str]) -> None:
    """The next validate of the folder would have read `report.txt` as a page (and failed on it)."""
    assert main(["validate", str(corpus), "-o", str(corpus / "report.txt"), "-q"]) == 2
    assert "would check the report as an input" in capsys.readouterr().err and not (corpus / "report.txt").exists()
    report = corpus / "report.log"
    try:
        assert main(["validate", str(corpus), "-o", str(report), "-q"]) in (0, 1) and report.exists()
    finally:
        report.unlink(missing_ok=True)


def test_a_report_that_cannot_be_written_leaves_the_previous_one_whole(corpus: Path, tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch,
                                                                       capsys: pytest.CaptureFixture[str]) -> None:
    """-o wrote in place: on a full disk a CI step found half a report (invalid JSON) where a good
    one had been, and the error did not name the file."""
    import errno

    (tmp_path / "reports").mkdir()
    report = tmp_path / "reports" / "report.json"
    assert main(["validate", str(corpus), "-o", str(report), "-q", "--format", "json"]) in (0, 1)
    before = report.read_bytes()
    json.loads(before)

    def full(*_: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("newsset.cli.os.replace", full)
    assert main(["validate", str(corpus), "-o", str(report), "-q", "--format", "text"]) == 3
    assert f"cannot write the report {report}: No space left on device" in capsys.readouterr().err
    assert report.read_bytes() == before and [p.name for p in report.parent.iterdir()] == ["report.json"]


def test_messages_are_escaped_not_a_crash_under_a_latin1_locale(tmp_path: Path) -> None:
    """A message quoting text the locale cannot encode ended validate with a UnicodeEncodeError."""
    import subprocess
    import sys

    page = tmp_path / "p.txt"
    page.write_text("\u6807\u9898 headline\n\nno header here\n", encoding="utf-8")
    env = {**os.environ, "PYTHONIOENCODING": "latin-1"}
    proc = subprocess.run([sys.executable, "-c", "from newsset.cli import run; run()", "validate", str(page)],
                          capture_output=True, env=env, timeout=120)
    assert proc.returncode == 1, proc.stderr
    assert b"Traceback" not in proc.stderr and b"\\u6807\\u9898" in proc.stdout


def test_a_record_whose_id_is_not_its_content_id_is_flagged(tmp_path: Path) -> None:
    """An exporter gave article B the id of article A: B was kept under A's id and the real A
    rejected as its duplicate, with nothing said. The ids of the bundled schema are content ids."""
    a = _record(title="Article A", body="The first story.\n\nIt is its own.")
    a["id"] = newsset.article_id(a["date"], a["title"], a["body"])  # type: ignore[arg-type]
    b = _record(title="Article B", body="The second story.\n\nAnother one.", id=a["id"])
    (tmp_path / "r.jsonl").write_text(json.dumps(b) + "\n" + json.dumps(a) + "\n")
    report = newsset.validate_paths([tmp_path])
    found = {(i.line, i.code, i.severity) for i in report.issues}
    assert found == {(1, "record.id-mismatch", "warning"), (2, "dataset.duplicate-id", "error")}
    (mismatch,) = [i for i in report.issues if i.code == "record.id-mismatch"]
    assert mismatch.got == a["id"] and mismatch.expected == newsset.article_id(b["date"], b["title"], b["body"])
    built = newsset.build([tmp_path], tmp_path.parent / "built")
    assert built.warnings["record.id-mismatch"] == 1


def test_a_null_value_and_a_nul_byte_are_said_plainly(tmp_path: Path) -> None:
    rec = _record(title=None)
    (tmp_path / "r.jsonl").write_bytes(json.dumps(rec).encode() + b"\n" + b'{"id": "x\x00"}\n')
    report = newsset.validate_paths([tmp_path])
    by_code = {i.code: i for i in report.issues}
    assert by_code["schema.type"].message == 'expected "string", got null'  # (it said "got null null")
    assert "\\u0000" in by_code["input.binary"].hint and "image or PDF" not in by_code["input.binary"].hint


def test_validate_lists_a_bounded_number_of_issues_by_default_and_counts_them_all(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A few KB of .jsonl.gz whose every line fails (a million `{}` lines, each missing every
    field) needed tens of GB to report: the CLI lists MAX_ISSUES by default, counting all."""
    import newsset.cli

    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "bad.jsonl").write_text("{}\n" * 30)
    monkeypatch.setattr(newsset.cli, "MAX_ISSUES", 100)
    target = tmp_path / "r.json"
    assert main(["validate", str(tmp_path / "in"), "--format", "json", "-o", str(target)]) == 1
    report = json.loads(target.read_text())
    per_line = report["stats"]["issues"] // 30
    assert per_line > 3 and report["stats"]["issues"] == 30 * per_line
    assert len(report["issues"]) == 100 and report["truncated"] is True
    assert main(["validate", str(tmp_path / "in"), "--format", "json", "--max-issues", "1000000", "-o",
                 str(target)]) == 1
    assert len(json.loads(target.read_text())["issues"]) == 30 * per_line


@pytest.mark.parametrize(("option", "value", "says"), [
    ("today", "2020-01-01", "today: expected a date, got str '2020-01-01'"),
    ("today", dt.datetime(2020, 1, 1), "today: expected a date, got datetime"),
    ("max_issues", "3", "max_issues: expected an integer, got str '3'"),
    ("fix_mojibake", 1, "fix_mojibake: expected true or false, got int 1"),
])
def test_validate_paths_refuses_an_option_of_the_wrong_type_as_build_does(tmp_path: Path, option: str, value: object,
                                                                          says: str) -> None:
    (tmp_path / "a.txt").write_text(page(), encoding="utf-8")
    with pytest.raises(newsset.ConfigError) as e:
        newsset.validate_paths([tmp_path], **{option: value})  # type: ignore[arg-type]
    assert str(e.value).startswith(says)
    assert newsset.validate_paths([tmp_path], today=dt.date(2030, 1, 1), max_issues=3, fix_mojibake=True).valid


def test_api_options_out_of_range_are_config_errors_and_a_schema_object_is_taken(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(page(), encoding="utf-8")
    (tmp_path / "b.txt").write_text("no header\n", encoding="utf-8")
    with pytest.raises(newsset.ConfigError, match="max_issues: expected 0 or more, got -1"):
        newsset.validate_paths([tmp_path], max_issues=-1)
    report = newsset.validate_paths([tmp_path], schema=newsset.load_schema())  # a Schema, as build takes
    assert [i.code for i in report.issues] == ["parse.missing-header"]
    with pytest.raises(newsset.ConfigError, match="format: expected one of text, json, github, junit, markdown"):
        newsset.render(report, "xml")
    from newsset.cli import MAX_ISSUES
    from newsset.report import MAX_ISSUES as API_MAX_ISSUES

    assert MAX_ISSUES == API_MAX_ISSUES  # the CLI's default is the API's


def test_a_repeated_bad_line_has_the_issues_of_its_first_copy_at_its_own_line(tmp_path: Path) -> None:
    """Repeated short bad lines take the first copy's issues unchecked (a file of `{}` lines): they
    must be the issues checking each line gives, located at each line."""
    bad_date = json.dumps({"id": "0123456789abcdef", "date": "2024-13-45", "title": "T"})
    lines = ["{}", bad_date, "{}", "[1]", bad_date, "{}", '{"a": 1}', "[1]"]
    f = tmp_path / "r.jsonl"
    f.write_text("\n".join(lines) + "\n")
    got = newsset.validate_paths([f]).to_dict()["issues"]
    want = []
    for n, line in enumerate(lines, 1):  # each line checked on its own, as the first of its file
        (tmp_path / "one.jsonl").write_text(line + "\n")
        for issue in newsset.validate_paths([tmp_path / "one.jsonl"]).to_dict()["issues"]:
            want.append({**issue, "path": str(f), "line": n})
    assert len(got) > 3 * 13 and got == want


def test_a_file_name_opening_with_a_workflow_command_cannot_inject_one(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """Report audit r37: a file named `::warning file=README.md,...::...` given by name (`*`, pre-commit)
    opened every text line and every line of a JUnit failure, which GitHub Actions runs as a workflow
    command; a file suffix with a line break went raw into the summary's note of files not read."""
    monkeypatch.chdir(tmp_path)
    name = "::warning file=README.md,line=1,title=Security::Rotate your token.txt"
    Path(name).write_text(page(date="2024-13-45"), encoding="utf-8")
    Path(" ::error::x.txt").write_text(page(date="2024-13-45"), encoding="utf-8")
    Path("notes.\n::error::").write_text("not an input")
    for fmt in ("text", "junit"):
        assert main(["validate", name, " ::error::x.txt", ".", "--format", fmt]) == 1
        out = capsys.readouterr().out
        assert not [ln for ln in out.splitlines() if ln.lstrip().startswith("::")], out
        assert f"./{name}:1: error[parse.invalid-date]" in out
        assert fmt == "junit" or "1 other file(s) not read (.\\n::error:: 1)" in out


def test_a_report_to_standard_output_by_name_is_written_there_not_reopened(corpus: Path, tmp_path: Path) -> None:
    """Report audit r37: `-o /dev/stdout` under a pipe failed ("No such file"), and under `{ ...; } > log`
    replaced the log by the report. A descriptor's path (and `-`) is now written at its offset."""
    import subprocess
    import sys

    script = (f"import sys; from newsset.cli import main; print('HEADER', flush=True); "
              f"main(['validate', {str(corpus)!r}, '--format', 'json', '-o', sys.argv[1]]); print('FOOTER')")
    for target in ("/dev/stdout", "-"):
        log = tmp_path / "log"
        with open(log, "w") as fh:
            subprocess.run([sys.executable, "-c", script, target], stdout=fh, check=False)
        lines = log.read_text().splitlines()
        assert lines[0] == "HEADER" and lines[-1] == "FOOTER" and json.loads("\n".join(lines[1:-1]))["valid"] is False
        piped = subprocess.run([sys.executable, "-c", script, target], capture_output=True, text=True, check=False)
        assert piped.stdout.startswith("HEADER\n{") and "Traceback" not in piped.stderr and piped.returncode == 0


def test_github_truncation_is_said_first_and_as_an_error_and_members_annotate_their_archive(
        corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Report audit r37: past --max-issues, the only notice was a last `::warning`, which GitHub drops
    after 10 warnings and which did not say errors were hidden; an archive member's annotation named
    `a.tar!/p.txt`, no file of the repository."""
    assert main(["validate", str(corpus), "--format", "github", "--max-issues", "0"]) == 1
    (line,) = capsys.readouterr().out.splitlines()
    assert line.startswith("::error title=newsset validate::2 more issue(s) not shown (2 error(s))")
    import tarfile

    with tarfile.open(tmp_path / "a.tar", "w") as tf:
        tf.add(corpus / "broken.txt", "p.txt")
    assert main(["validate", str(tmp_path / "a.tar"), "--format", "github"]) == 1
    (line,) = capsys.readouterr().out.splitlines()
    assert line.startswith(f"::error file={str(tmp_path / 'a.tar').replace(':', '%3A')},line=1,")
    assert f"::{tmp_path / 'a.tar'}!/p.txt: expected a real calendar date" in line


def test_a_schema_with_a_lone_surrogate_is_refused_not_a_traceback(tmp_path: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    """Report audit r37: `"$id": "\\ud800"` crashed with a UnicodeEncodeError (exit 1, no report)."""
    doc = json.loads(newsset.load_schema().path.read_text())
    doc["$id"] = "https://example.org/\ud800.json"
    (tmp_path / "s.json").write_text(json.dumps(doc))  # (ensure_ascii: the escape, as such files have it)
    assert main(["validate", str(_good(tmp_path, 1)), "--schema", str(tmp_path / "s.json")]) == 2
    err = capsys.readouterr().err
    assert "lone surrogate escape ('\\ud800')" in err and "Traceback" not in err


def test_a_boilerplate_line_the_body_repeats_is_one_issue_with_its_count(tmp_path: Path) -> None:
    """A record whose body held 300,000 `Sign up` lines gave 300,000 issues (20 MB of report, all
    at the body's line); now each line the body holds is one issue, saying how often."""
    body = "\n\n".join(["A real paragraph of the story.", *["Sign up"] * 5, "More story.", "Subscribe to The Week",
                        "  Sign up  "])
    rec = _record(body=body)
    rec["id"] = newsset.article_id(rec["date"], rec["title"], body)  # type: ignore[arg-type]
    (tmp_path / "r.jsonl").write_text(json.dumps(rec) + "\n")
    report = newsset.validate_paths([tmp_path / "r.jsonl"])
    assert [(i.code, i.got, i.message.rpartition(" in the body")[2]) for i in report.issues] == [
        ("dataset.boilerplate", "Sign up", " (6 times)"), ("dataset.boilerplate", "Subscribe to The Week", "")]
