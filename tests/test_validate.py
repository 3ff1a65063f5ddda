"""`newsset validate`: checks, report formats and exit statuses."""

from __future__ import annotations

import datetime as dt
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import newsset
from newsset.cli import main
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


def test_good_folder_is_valid(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(_good(tmp_path))]) == 0
    out = capsys.readouterr().out
    assert "checked 3 file(s), 3 record(s): 3 valid, 0 issue(s)" in out


def test_bad_pages_give_one_github_annotation_each(corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(corpus), "--format", "github"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2
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
    c = _record(id="0" * 32, title="Same id as b")
    f = tmp_path / "r.jsonl"
    f.write_text("\n".join(json.dumps(r) for r in (a, b)) + "\n")
    g = tmp_path / "s.jsonl"
    g.write_text(json.dumps(c) + "\n")
    report = newsset.validate_paths([tmp_path])
    found = {(Path(i.path).name, i.line, i.code) for i in report.issues}
    assert found == {("r.jsonl", 1, "dataset.future-date"), ("r.jsonl", 2, "dataset.boilerplate"),
                     ("s.jsonl", 1, "dataset.duplicate-id")}


def test_a_body_that_mentions_a_newsletter_is_not_boilerplate(tmp_path: Path) -> None:
    rec = _record(body="Readers can sign up for the newsletter, the minister said.\n\nIt was a big week.")
    (tmp_path / "r.jsonl").write_text(json.dumps(rec) + "\n")
    assert newsset.validate_paths([tmp_path]).valid


def test_max_issues_truncates_visibly(corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(corpus), "--max-issues", "1", "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert len(report["issues"]) == 1 and report["truncated"] is True and report["stats"]["issues"] == 2


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
