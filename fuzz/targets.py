"""The invariants the fuzz targets check, as plain functions of one input's bytes.

Kept apart from atheris so that the hypothesis fallback (`run.py` without atheris) and the
regression tests check exactly the same properties. Each function raises AssertionError (or the
unexpected exception itself) when newsset breaks a promise; returning means the input was fine.
"""

from __future__ import annotations

import atexit
import contextlib
import datetime as _dt
import json
import os
import re
import sys
import tempfile
from pathlib import Path
from typing import Any

# Test this checkout's newsset, even when the script is run directly and another copy is installed.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from newsset.check import MAX_DEPTH, Item, check_record, iter_items, too_deep  # noqa: E402
from newsset.errors import CODES, Issue, ParseError  # noqa: E402
from newsset.parse import parse_bytes  # noqa: E402
from newsset.records import FIELDS  # noqa: E402
from newsset.schema import Schema, load_schema  # noqa: E402
from newsset.sources import Source  # noqa: E402

__all__ = ["check_page", "check_record_line", "check_schema_agreement"]

TODAY = _dt.date(2025, 6, 30)  # fixed, so that a crash replays the same way on any day
SOURCE = "fuzz.txt"
_SURROGATE = re.compile("[\ud800-\udfff]")
_STRINGS = frozenset({"id", "date", "title", "body", "source", "source_sha256"})
_schema: Schema | None = None
_tmp: str | None = None


def schema() -> Schema:
    """The bundled schema, loaded once per process (both validators compiled on first use)."""
    global _schema
    if _schema is None:
        _schema = load_schema()
    return _schema


def _issue_ok(issue: Issue, path: str) -> None:
    """An issue must be reportable: a catalogued code, a line, and text that UTF-8 can encode."""
    assert issue.code in CODES, issue
    assert issue.path == path, (issue.path, path)
    assert issue.line is None or issue.line >= 1, issue
    for value in (issue.message, issue.json_path, issue.schema_path, issue.expected, issue.got, issue.record_id,
                  issue.hint):
        if value is not None and not value.isascii():
            value.encode("utf-8")  # raises on a lone surrogate, as --format json and rejects.jsonl would


def check_schema_agreement(record: Any) -> None:
    """The fast path (jsonschema-rs) and the explaining path (jsonschema) give one verdict."""
    s = schema()
    fast = s.is_valid(record)
    errors = s.errors(record)
    assert fast == (errors == []), f"is_valid={fast} but errors()={[e.message[:120] for e in errors]}"


def check_page(data: bytes) -> None:
    """bytes -> parse_bytes: only ParseError, and a record that is well formed when it succeeds."""
    try:
        art = parse_bytes(data, SOURCE)
    except ParseError as e:
        if e.issue.code == "parse.internal-error" and e.__cause__ is not None:
            raise e.__cause__  # (the parser's own failure, set aside in a build: here it is the finding)
        _issue_ok(e.issue, SOURCE)
        assert e.issue.line is not None and e.issue.line >= 1, e.issue
        return
    record = art.to_dict()
    assert tuple(record) == FIELDS
    for key, value in record.items():
        if key == "truncated":
            assert isinstance(value, bool), (key, value)
        elif key in _STRINGS:
            assert isinstance(value, str) and value, (key, value)
        else:
            assert value is None or (isinstance(value, str) and value), (key, value)
        if isinstance(value, str):
            assert not _SURROGATE.search(value), (key, value)
    assert record["body"].strip(), record["body"]
    assert record["title"] == record["title"].strip()
    check_schema_agreement(record)
    assert schema().is_valid(record), [e.message for e in schema().errors(record)]
    # What the parser promises (no boilerplate line left in the body, no lone surrogate) must
    # also hold when the same record is read back from a .jsonl file and checked in full.
    issues = check_record(record, schema(), SOURCE, 1, art.lines)
    assert issues == [], issues
    for field, line in art.lines.items():
        assert field in FIELDS and line >= 1, (field, line)


def _temp_path() -> str:
    """One scratch .jsonl file per process. libFuzzer leaves with _exit (no atexit), so under
    run.py it lives in the runner's temporary folder (NEWSSET_FUZZ_TMPDIR), removed by the runner."""
    global _tmp
    if _tmp is None:
        folder = os.environ.get("NEWSSET_FUZZ_TMPDIR")
        if folder:
            _tmp = os.path.join(folder, f"records-{os.getpid()}.jsonl")
        else:
            fd, _tmp = tempfile.mkstemp(prefix="newsset-fuzz-", suffix=".jsonl")
            os.close(fd)
            atexit.register(_remove, _tmp)
    return _tmp


def _remove(path: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)


def check_record_line(data: bytes) -> None:
    """bytes -> a .jsonl file -> iter_items: never raises, every problem is a located issue; and for
    any JSON object, is_valid agrees with errors() and check_record returns reportable issues."""
    path = _temp_path()
    with open(path, "wb") as fh:
        fh.write(data)
    items: list[Item] = list(iter_items(Source("fuzz.jsonl", path, "jsonl"), schema(), TODAY))
    for item in items:
        assert item.line >= 1
        if item.record is None:
            assert item.issues, item
        for issue in item.issues:
            _issue_ok(issue, path)
        if item.ok:
            assert schema().is_valid(item.record)
    try:
        record = json.loads(data)
    except (ValueError, RecursionError):
        return
    # json.loads of the bytes (any UTF), not only what iter_items reads. Past MAX_DEPTH the
    # validators are not asked (check_record says so instead): they recurse into the value.
    if isinstance(record, dict) and not too_deep(record, MAX_DEPTH):
        check_schema_agreement(record)
