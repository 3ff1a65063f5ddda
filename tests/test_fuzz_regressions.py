"""Inputs the fuzzers (fuzz/) found or that probing their invariants turned up, each with the
located issue newsset must give for it; plus a property test that the two validators agree.

Each failing input is inline, byte for byte, so that the test needs no file from fuzz/crashes/.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import os
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import newsset
from newsset.boilerplate import is_boilerplate
from newsset.check import MAX_DEPTH, check_record, iter_items
from newsset.cli import main
from newsset.errors import short_json
from newsset.records import FIELDS
from newsset.schema import Schema, load_schema
from newsset.sources import Source

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "fuzz"))
import targets  # noqa: E402  (the fuzzers' own invariant checks, run on each input below)

SCHEMA = load_schema()
TODAY = dt.date(2025, 6, 30)


def _items(tmp_path: Path, data: bytes, name: str = "r.jsonl") -> list[Any]:
    p = tmp_path / name
    p.write_bytes(data)
    return list(iter_items(Source(name, str(p), "jsonl"), SCHEMA, TODAY))


def _codes(items: list[Any]) -> list[tuple[str, int | None, str | None]]:
    return [(i.code, i.line, i.json_path) for item in items for i in item.issues]


def _good_record(**changes: object) -> dict[str, Any]:
    rec = newsset.parse_text(" date 2024-03-05 A title\n\nOne paragraph of body.\n", source="a.txt").to_dict()
    rec.update(changes)
    return rec


# ---------------------------------------------------------------- parse.py (fuzz_parse.py)

# fuzz/crashes/parse-crash-33eab20d...: found by atheris (line mutator) in 2 s. A footer line
# indented by 288 tabs was longer than any boilerplate, so the parser kept it in the body; the
# record check strips the first line of a paragraph, saw `Latest`, and flagged its own output.
INDENTED_FOOTER = (b"   date   2018-07-01   t.\n\natPa\n(Image credit: )\n" + b"\t" * 288 + b"Latest"
                   + b"\t" * 106 + b"\nke\n")


def test_indented_footer_line_is_boilerplate_not_body() -> None:
    assert hashlib.sha1(INDENTED_FOOTER).hexdigest() == "33eab20da02477d1bbf6e13f08ee2ff6bd76843b"
    with pytest.raises(newsset.ParseError) as e:
        newsset.parse_bytes(INDENTED_FOOTER, "fuzz.txt")
    assert (e.value.code, e.value.line) == ("parse.missing-body", 5)
    targets.check_page(INDENTED_FOOTER)


def test_indented_promo_line_between_paragraphs_is_dropped() -> None:
    raw = (b"date 2024-01-01 Title\n\nFirst paragraph.\n\n" + b" " * 200 + b"Sign up\n\nSecond paragraph.\n")
    art = newsset.parse_bytes(raw, "fuzz.txt")
    assert art.body == "First paragraph.\n\nSecond paragraph."
    assert not any(is_boilerplate(line) for line in art.body.split("\n"))
    assert check_record(art.to_dict(), SCHEMA, "fuzz.txt") == []
    targets.check_page(raw)


# fuzz/crashes/parse-crash-375cd570...: found by atheris in a 15-minute run. The site's name
# indented and glued under a paragraph (` The Week`, no box under it) stays in the body, as
# `The Week` does; but the record check called the indented one boilerplate (audit v37 made
# `boiler_key` give it the LOGO key), so the parser's own record failed validation as JSON lines.
def test_the_sites_name_glued_under_a_paragraph_is_text_for_the_record_check_too() -> None:
    raw = b" date 2024-01-01 Title\n\nFirst paragraph of the story.\n The Week\n\nSecond paragraph of the story.\n"
    art = newsset.parse_bytes(raw, "fuzz.txt")
    assert art.body == "First paragraph of the story.\n The Week\n\nSecond paragraph of the story."
    assert check_record(art.to_dict(), SCHEMA, "fuzz.txt") == []
    assert not is_boilerplate(" The Week") and not is_boilerplate("The\u00a0Week") and is_boilerplate("Sign up")
    targets.check_page(raw)


@pytest.mark.parametrize("raw", [
    " date 2024-06-03 What the housing market means\r\r\n" + "\u2028" * 40 + "\u202c\n",  # (atheris found it)
    " date 2024-06-03 What the housing market means\n\n\u200b\u00a0\n\n\u2029\n",
])
def test_a_body_of_invisible_characters_only_is_no_body(raw: str) -> None:
    """The parser took a body of line separators and a bidi mark; the record checks then refused the
    record it made (record.no-text). Both now share one rule for visible text."""
    with pytest.raises(newsset.ParseError) as info:
        newsset.parse_text(raw, "fuzz.txt")
    assert info.value.code == "parse.missing-body"
    targets.check_page(raw.encode())


def test_a_title_of_invisible_characters_only_is_no_title() -> None:
    with pytest.raises(newsset.ParseError) as info:
        newsset.parse_text(" date 2024-06-03 \u202c\u2028\n\nA paragraph of text.\n", "fuzz.txt")
    assert info.value.code == "parse.missing-title"


def test_a_paywall_first_line_with_another_ending_and_no_block_after_it_is_text() -> None:
    """fuzz/crashes/parse-crash-2d1d7086...: such a line without more of the paywall after it is kept
    as text (a sentence that opens the same way); the record check flagged it as boilerplate until
    `is_boilerplate` took the same view."""
    raw = (b' date 2024-10-01 Wh means ding this article...\r\r\nTo continue reading this article&..\r\n'
           b'To continue reading this article...\r\n\xe2\x80\x9cIt\xe2\x80\x99s\xc2\x85\xc2\x85\xc2\x85\r\n'
           b'\r\r\nLe\xc3\xafla MacLeod, Te Wheek UK\r\t\t')
    assert hashlib.sha1(raw).hexdigest().startswith("2d1d7086992e")
    art = newsset.parse_bytes(raw, "fuzz.txt")
    assert art.truncated is True and "To continue reading this article&.." in art.body.split("\n")
    assert not is_boilerplate("To continue reading this article&..")
    assert is_boilerplate("To continue reading this article...")
    targets.check_page(raw)


def test_an_indented_paywall_line_with_another_ending_is_the_paywall() -> None:
    """fuzz/crashes/parse-crash-a18c767b...: a paywall first line with another ending, indented by
    200 ideographic spaces, stayed in the body (the ending rule looked at the unstripped line) while
    the record check, stripping it, called it boilerplate."""
    raw = ("date 2024-01-01 Title\n\nFirst paragraph.\n\n" + "\u3000" * 200
           + "To continue reading this article..View More \u25b8.\nCancel or pause at any time.\n").encode()
    art = newsset.parse_bytes(raw, "fuzz.txt")
    assert art.body == "First paragraph." and art.truncated
    assert check_record(art.to_dict(), SCHEMA, "fuzz.txt") == []
    targets.check_page(raw)


def test_a_paywall_first_line_with_an_icon_after_it_is_the_paywall() -> None:
    """fuzz/crashes/parse-crash-4889d956...: `To continue reading this article...` with ideographic
    spaces and an icon (U+3004) after it stayed in the body as text (the parser's paywall test
    looked at the line with its icon), while the record check, dropping the icon as a button's,
    called it boilerplate."""
    raw = ("date 2024-12-10 Title\n\nFirst paragraph.\n\n" + "\u3000" * 48 + "To continue reading this article..."
           + "\u3000" * 20 + "\u3004" + "\u3000" * 30 + "\n\nA last line.\n").encode()
    art = newsset.parse_bytes(raw, "fuzz.txt")
    assert art.truncated and art.body == "First paragraph."
    assert check_record(art.to_dict(), SCHEMA, "fuzz.txt") == []
    targets.check_page(raw)


# ---------------------------------------------------------------- records (fuzz_records.py)

def test_lone_surrogate_escapes_give_printable_issues(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """fuzz/crashes/records-crash-1e237315...: the issue's `got`/`record_id` held the surrogates
    themselves, so `validate --format json` and `build` (rejects.jsonl) died with UnicodeEncodeError."""
    data = b'{"id": "\\udc00\\ud800"}'
    items = _items(tmp_path, data)
    codes = _codes(items)
    assert ("record.invalid-unicode", 1, "$.id") in codes and ("schema.pattern", 1, "$.id") in codes
    for item in items:
        for issue in item.issues:
            json.dumps(issue.to_dict(), ensure_ascii=False).encode("utf-8")
    pattern = next(i for i in items[0].issues if i.code == "schema.pattern")
    assert pattern.got == '"\\udc00\\ud800"' and pattern.record_id == "\\udc00\\ud800"
    targets.check_record_line(data)
    assert main(["validate", str(tmp_path / "r.jsonl"), "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["stats"]["by_code"]["record.invalid-unicode"] == 1


def test_build_rejects_a_record_with_a_surrogate_id(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rec = _good_record()
    line = json.dumps(rec).replace(f'"id": "{rec["id"]}"', '"id": "\\ud800' + "0" * 31 + '"')
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "r.jsonl").write_text(line + "\n" + json.dumps(rec) + "\n")  # (a build keeps one record)
    assert main(["build", str(tmp_path / "in"), "--out", str(tmp_path / "out")]) == 0
    reject = json.loads((tmp_path / "out" / "rejects.jsonl").read_text(encoding="utf-8"))
    assert reject["code"] == "schema.pattern" and reject["line"] == 1
    assert {i["code"] for i in reject["issues"]} == {"schema.pattern", "record.invalid-unicode"}


def test_surrogate_key_is_reported_as_invalid_unicode(tmp_path: Path) -> None:
    data = b'{"\\ud800": 1}'
    codes = _codes(_items(tmp_path, data))
    assert ("record.invalid-unicode", 1, "$.\\ud800") in codes
    assert ("schema.additionalProperties", 1, "$.\\ud800") in codes
    targets.check_record_line(data)


def test_pattern_on_a_lone_surrogate_is_explained() -> None:
    """is_valid said False (jsonschema-rs cannot take the string) while errors() said []."""
    rec = _good_record(id="\ud800" * 32)
    assert SCHEMA.is_valid(rec) is False
    assert [e.validator for e in SCHEMA.errors(rec)] == ["pattern"]
    title_only = _good_record(title="\ud800")  # no pattern: both validators accept; check_record flags it
    assert SCHEMA.is_valid(title_only) and SCHEMA.errors(title_only) == []
    assert [i.code for i in check_record(title_only, SCHEMA, "r.jsonl")] == ["record.invalid-unicode"]


def test_year_zero_date_is_invalid_on_both_paths(tmp_path: Path) -> None:
    """jsonschema-rs took 0000-01-01 as a date, jsonschema did not: `validate` passed the record
    and `build` crashed (OverflowError converting the date32 column)."""
    rec = _good_record(date="0000-01-01")
    assert SCHEMA.is_valid(rec) is False
    assert [(i.code, i.json_path) for i in check_record(rec, SCHEMA, "r.jsonl")] == [("schema.format", "$.date")]
    data = json.dumps(rec).encode()
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "r.jsonl").write_bytes(data + b"\n" + json.dumps(_good_record()).encode() + b"\n")
    assert main(["build", str(tmp_path / "in"), "--out", str(tmp_path / "out")]) == 0
    reject = json.loads((tmp_path / "out" / "rejects.jsonl").read_text(encoding="utf-8"))
    assert (reject["code"], reject["issues"][0]["json_path"]) == ("schema.format", "$.date")
    targets.check_record_line(data)


def test_user_schema_format_unknown_to_jsonschema_is_checked_on_both_paths(tmp_path: Path) -> None:
    """`date-time` needs an optional package in jsonschema; the explaining path now asks the
    compiled validator, so a record it rejects is never reported with no error."""
    doc = json.loads(Path(SCHEMA.path).read_text())
    doc["$id"] = "https://example.org/dt.schema.json"
    doc["properties"]["date"]["format"] = "date-time"
    (tmp_path / "s.json").write_text(json.dumps(doc))
    user = load_schema(tmp_path / "s.json")
    for value, ok in (("2024-03-05T10:00:00Z", True), ("garbage", False), ("2024-03-05", False)):
        rec = _good_record(date=value)
        assert user.is_valid(rec) is ok and (user.errors(rec) == []) is ok


@pytest.mark.parametrize("data", [b"[" * 100_000, b'{"title": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"],
                         ids=["bare", "in-a-field"])
def test_too_deeply_nested_json_is_a_syntax_issue(tmp_path: Path, data: bytes) -> None:
    """json.loads raised RecursionError, which iter_items let out."""
    assert _codes(_items(tmp_path, data)) == [("jsonl.syntax", 1, None)]
    targets.check_record_line(data)


def _nested(depth: int) -> list[Any]:
    value: list[Any] = []
    for _ in range(depth):
        value = [value]
    return value


@pytest.mark.parametrize("depth", [65, 988, 5000])
def test_deep_nesting_json_can_read_is_an_issue_not_a_recursion_error(depth: int) -> None:
    """json.loads reads ~990 levels; jsonschema (repr of the value in its message) and json.dumps
    (quoting it in the issue) then had fewer frames left and raised RecursionError out of
    check_record. Past MAX_DEPTH a value is refused without asking the validators."""
    issues = check_record(_good_record(title=_nested(depth)), SCHEMA, "r.jsonl", 3)
    assert [(i.code, i.line, i.json_path) for i in issues] == [("schema.other", 3, "$.title")]
    assert "64 levels" in issues[0].message


def test_nesting_up_to_the_limit_is_checked_by_the_schema() -> None:
    issues = check_record(_good_record(title=_nested(MAX_DEPTH - 1)), SCHEMA, "r.jsonl")
    assert [(i.code, i.json_path) for i in issues] == [("schema.type", "$.title")]


def test_quoting_a_value_too_deep_for_json_dumps_does_not_raise() -> None:
    # (Python 3.13's json.dumps writes 5,000 levels, where 3.11's raised RecursionError: cut as any value)
    shown = short_json(_nested(5000))
    assert shown in ("array nested too deeply to show", "[" * 59 + "\u2026")
    assert short_json(_nested(200_000)) == "array nested too deeply to show"


@pytest.mark.skipif(sys.platform != "linux", reason="needs a file system that takes any bytes as a name")
def test_page_with_a_non_utf8_file_name(tmp_path: Path) -> None:
    """The name became `source` with a surrogate (surrogateescape): `validate` said valid and
    `build` crashed in Arrow. Now the page is kept, its `source` shows the bad byte as `\\xe9`,
    and a warning names the file."""
    raw = tmp_path / "raw"
    raw.mkdir()
    name = os.fsencode(raw) + b"/caf\xe9.txt"
    with open(name, "wb") as fh:
        fh.write(b"date 2024-01-05 A title\n\nBody text.\n")
    src = Source("caf\udce9.txt", os.fsdecode(name), "page")
    items = list(iter_items(src, SCHEMA, TODAY))
    assert [i.code for i in items[0].issues] == ["input.file-name"] and items[0].ok
    assert items[0].record is not None and items[0].record["source"] == "caf\\xe9.txt"
    assert main(["build", str(raw), "--out", str(tmp_path / "out"), "--ratios", "1,0,0"]) == 0
    import pyarrow.parquet as pq

    assert pq.read_table(tmp_path / "out" / "data").column("source").to_pylist() == ["caf\\xe9.txt"]


# ---------------------------------------------------------------- is_valid == (errors() == [])

_SURROGATES = st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF)
_TEXT = st.text(st.characters(codec=None), max_size=12) | st.text(st.one_of(st.characters(), _SURROGATES), max_size=4)
_DATES = st.one_of(
    st.dates().map(dt.date.isoformat),
    st.sampled_from(["0000-01-01", "2024-02-30", "2023-02-29", "2024-13-01", "2024-1-01", "20240101",
                     "2024-01-01T00:00:00", "2024-01-01\n", "\uff12024-01-01", "9999-12-31", "", "2024-W01-1"]),
    st.from_regex(r"\A[0-9]{4}-[0-9]{2}-[0-9]{2}\Z"))
_HEX = st.builds(lambda n, up: ("0123456789abcdef" * 5)[:n].upper() if up else ("0123456789abcdef" * 5)[:n],
                 st.sampled_from([0, 31, 32, 33, 63, 64, 65]), st.booleans())
_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.integers(min_value=10**30, max_value=10**40),
                     st.floats(allow_nan=True, allow_infinity=True), _TEXT, _DATES, _HEX)
_VALUES = st.recursive(_SCALARS, lambda inner: st.lists(inner, max_size=3)
                       | st.dictionaries(_TEXT, inner, max_size=3), max_leaves=6)


@st.composite
def _records(draw: st.DrawFn) -> dict[str, Any]:
    """A valid record with some fields retyped, some dropped, some keys added."""
    rec = _good_record()
    for key in draw(st.lists(st.sampled_from(FIELDS), max_size=4, unique=True)):
        rec[key] = draw(_VALUES)
    for key in draw(st.lists(st.sampled_from(FIELDS), max_size=2, unique=True)):
        rec.pop(key, None)
    for key, value in draw(st.dictionaries(_TEXT, _VALUES, max_size=2)).items():
        rec[key] = value
    return rec


def _agree(schema: Schema, rec: dict[str, Any]) -> None:
    errors = schema.errors(rec)
    assert schema.is_valid(rec) == (errors == []), (rec, [e.message for e in errors])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_records())
def test_is_valid_agrees_with_errors(rec: dict[str, Any]) -> None:
    _agree(SCHEMA, rec)
    for issue in check_record(rec, SCHEMA, "r.jsonl", 1, None, TODAY):
        json.dumps(issue.to_dict(), ensure_ascii=False).encode("utf-8")


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(FIELDS), _VALUES)
def test_one_field_changed_agrees_with_errors(key: str, value: Any) -> None:
    rec = _good_record(**{key: value})
    _agree(SCHEMA, rec)
    if isinstance(value, float) and math.isnan(value):
        assert not SCHEMA.is_valid(rec)


@pytest.mark.parametrize("engine", ["atheris", "hypothesis"])
def test_the_fuzz_runner_without_its_engine_says_what_to_install(engine: str, monkeypatch: pytest.MonkeyPatch,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """A missing engine is a set-up problem (exit 2), never reported as a failing input found."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("fuzz_run", Path(__file__).parents[1] / "fuzz" / "run.py")
    assert spec is not None and spec.loader is not None
    run = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(run)
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == engine else real(name, *a))
    assert run.main(["--seconds", "1", "--engine", engine]) == 2
    err = capsys.readouterr().err
    assert f"pip install {engine}" in err and "failing input" not in err
