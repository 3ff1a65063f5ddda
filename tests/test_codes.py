"""Every documented code can actually be produced, each by the input it describes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import newsset
from newsset.cli import main
from tests.conftest import page


def _codes(report: newsset.Report) -> set[str]:
    return {i.code for i in report.issues}


def test_unreadable_file_is_reported_not_raised(tmp_path: Path) -> None:
    (tmp_path / "gone.txt").symlink_to(tmp_path / "missing-target.txt")
    report = newsset.validate_paths([tmp_path])
    (issue,) = report.issues
    assert issue.code == "input.unreadable" and issue.path.endswith("gone.txt")


def test_lone_surrogate_in_a_record_is_its_own_code(tmp_path: Path) -> None:
    rec = newsset.parse_text(page(), source="a.txt").to_dict()
    line = json.dumps(rec).replace("A short standfirst", "A short \\ud800standfirst")
    (tmp_path / "r.jsonl").write_text(line + "\n")
    report = newsset.validate_paths([tmp_path])
    assert _codes(report) == {"record.invalid-unicode"}
    assert report.issues[0].json_path == "$.subtitle"
    out = tmp_path / "out"
    result = newsset.build([tmp_path / "r.jsonl"], out)  # never crashes the Arrow writer
    assert result.total_rows == 0 and result.rejected["record.invalid-unicode"] == 1


def test_keyword_codes_from_a_user_schema(tmp_path: Path) -> None:
    doc = json.loads(newsset.load_schema().path.read_text())
    doc["$id"] = "https://example.org/extended.json"
    doc["properties"].update({
        "lang": {"enum": ["en", "fr"]},
        "kind": {"const": "news"},
        "score": {"type": "integer", "minimum": 0, "maximum": 10},
        "tag": {"type": "string", "pattern": "^[a-z]+$", "maxLength": 4},
        "extra": {"type": "string", "not": {"const": "x"}},
    })
    schema = tmp_path / "s.json"
    schema.write_text(json.dumps(doc))
    base = newsset.parse_text(page(), source="a.txt").to_dict()
    rows = [
        {**base, "id": "1" * 32, "lang": "de", "kind": "news", "score": 1, "tag": "ab", "extra": "y"},
        {**base, "id": "2" * 32, "lang": "en", "kind": "blog", "score": -1, "tag": "ab", "extra": "y"},
        {**base, "id": "3" * 32, "lang": "en", "kind": "news", "score": 11, "tag": "AB", "extra": "y"},
        {**base, "id": "4" * 32, "lang": "en", "kind": "news", "score": 1, "tag": "abcdef", "extra": "x"},
    ]
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "r.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    report = newsset.validate_paths([tmp_path / "in"], schema=schema)
    by_line = {}
    for i in report.issues:
        by_line.setdefault(i.line, set()).add(i.code)
    assert by_line == {1: {"schema.enum"}, 2: {"schema.const", "schema.minimum"},
                       3: {"schema.maximum", "schema.pattern"}, 4: {"schema.maxLength", "schema.other"}}


def test_values_the_schema_allows_but_no_column_holds_are_located_rejects(tmp_path: Path) -> None:
    """A schema of one's own may allow what its Parquet column cannot hold: such a record is a
    located reject (in validate and build alike), never a crash of the whole build."""
    doc = json.loads(newsset.load_schema().path.read_text())
    doc["$id"] = "https://example.org/typed.json"
    doc["properties"].update({"n": {"type": ["integer", "null"]}, "x": {"type": ["number", "null"]},
                              "when": {"type": ["string", "null"], "format": "date-time"}})
    schema = tmp_path / "s.json"
    schema.write_text(json.dumps(doc))
    base = newsset.parse_text(page(), source="a.txt").to_dict()
    cases = [  # (extra fields, stored?)
        ({"n": 2 ** 63 - 1, "x": 10 ** 30, "when": "2024-01-01t10:00:00z"}, True),  # RFC 3339 allows lower case
        ({"n": 2 ** 70}, False), ({"n": 1e20}, False), ({"x": 10 ** 400}, False),
        ({"when": "2016-12-31T23:59:60Z"}, False), ({"when": "2024-01-01T00:00:00.123456789Z"}, False),
        ({"when": "0001-01-01T00:00:00+01:00"}, False),
    ]
    lines = [json.dumps({**base, "id": f"{k:032x}", "n": None, "x": None, "when": None, **extra})
             for k, (extra, _) in enumerate(cases, 1)]
    lines.append(lines[0].replace('"x": 1000000000000000000000000000000', '"x": NaN'))
    lines.append(lines[0].replace('"x": 1000000000000000000000000000000', '"x": 1e400'))  # (json reads inf)
    lines.append(lines[0].replace('"x": 1000000000000000000000000000000', '"x": -' + "9" * 5000))
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "r.jsonl").write_text("\n".join(lines) + "\n")
    report = newsset.validate_paths([tmp_path / "in"], schema=schema)
    got = {i.line: (i.code, i.json_path) for i in report.issues}
    want = {n: ("record.unstorable", "$." + next(iter(extra))) for n, (extra, ok) in enumerate(cases, 1) if not ok}
    n = len(lines)
    assert got == {**want, n - 2: ("jsonl.syntax", None), n - 1: ("jsonl.syntax", None), n: ("jsonl.syntax", None)}
    messages = {i.line: i.message for i in report.issues}
    assert "1e400" in messages[n - 1] and "infinity" in messages[n - 1]
    assert "over 4300 digits" in messages[n] and "set_int_max_str_digits" not in messages[n]
    result = newsset.build([tmp_path / "in"], tmp_path / "out", schema=schema)
    assert result.total_rows == 1 and result.rejected["record.unstorable"] == len(want)
    (row,) = [r for t in newsset.load(tmp_path / "out").values() for r in t]
    assert (row["n"], row["x"], str(row["when"])) == (2 ** 63 - 1, 1e30, "2024-01-01 10:00:00+00:00")


def test_every_catalog_code_is_exercised_somewhere() -> None:
    """Guards the catalog against dead codes: each must appear in some test file."""
    here = Path(__file__).parent
    text = "".join(p.read_text() for p in here.glob("test_*.py"))
    missing = [c for c in newsset.CODES if f'"{c}"' not in text]
    assert missing == []


def test_no_inputs_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "notes.md").write_text("not an input")
    assert main(["validate", str(tmp_path)]) == 2
    assert main(["build", str(tmp_path), "--out", str(tmp_path / "out")]) == 2
    assert "no pages (.txt) or record files (.jsonl" in capsys.readouterr().err


def test_record_files_are_read_line_by_line(tmp_path: Path) -> None:
    rec = newsset.parse_text(page(), source="a.txt").to_dict()
    good = json.dumps(rec).encode()
    (tmp_path / "r.jsonl").write_bytes(b"\xef\xbb\xbf" + good + b"\r\n" + b'{"a": "\xff"}\n' + b'{"b": 1\x00}\n')
    report = newsset.validate_paths([tmp_path])
    assert [(i.line, i.code) for i in report.issues] == [(2, "input.encoding"), (3, "input.binary")]
    assert report.to_dict()["stats"]["valid_records"] == 1


def test_compressed_record_files_are_read_and_corrupt_ones_reported(tmp_path: Path) -> None:
    import gzip

    import pyarrow as pa

    rec = newsset.parse_text(page(), source="a.txt").to_dict()
    data = (json.dumps(rec) + "\n{bad\n").encode()
    with gzip.open(tmp_path / "a.jsonl.gz", "wb") as fh:
        fh.write(data)
    with pa.CompressedOutputStream(str(tmp_path / "b.jsonl.zst"), "zstd") as out:
        other = {**rec, "title": "Another title", "body": "Another body.\n\nOf its own."}  # (its own content id)
        other["id"] = newsset.article_id(other["date"], other["title"], other["body"])
        out.write(json.dumps(other).encode() + b"\n")
    (tmp_path / "c.jsonl.gz").write_bytes(gzip.compress(data)[:40])  # truncated
    report = newsset.validate_paths([tmp_path])
    found = sorted((Path(i.path).name, i.line, i.code) for i in report.issues)
    assert found == [("a.jsonl.gz", 2, "jsonl.syntax"), ("c.jsonl.gz", 1, "input.unreadable")]  # (at line 1)
    assert report.to_dict()["stats"]["valid_records"] == 2
