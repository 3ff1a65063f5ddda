"""Checking inputs: per-file work (read, parse, check) as a pure function of a path, plus the
checks across records that no schema can express (duplicate ids and bodies)."""

from __future__ import annotations

import datetime as _dt
import functools
import json
import os
import re
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import partial
from typing import IO, Any, Generic, TypeVar

from . import archives
from .archives import read_archive, too_large
from .boilerplate import is_boilerplate
from .decode import file_signature, signature_hint, wide_encoding, wide_issue
from .errors import (
    SURROGATE,
    Issue,
    ParseError,
    check_option_types,
    display_path,
    internal_error,
    json_type,
    short_json,
)
from .jsonl import opens_array, record_of, shape_issue, shape_of_lines
from .parse import parse_bytes
from .reading import (
    LineTooLong,
    bounded_lines,
    open_records,
    open_regular,
    page_bytes,
    range_lines,
    runs_on,
    unreadable_issue,
)
from .records import Article, article_id, nfc_article_id
from .schema import Schema, issue_code
from .sources import Source
from .text import has_visible_text, line_facts, record_issues

__all__ = ["Item", "MAX_DEPTH", "DuplicateBodies", "DuplicateIds", "check_record", "iter_items", "iter_pages",
           "parse_paths", "too_deep", "duplicate_issue", "iter_checked", "voided_issue"]


@dataclass(slots=True)
class Item:
    """One input unit (a page, or one line of a record file) and what became of it."""

    source: Source
    line: int
    record: dict[str, Any] | None
    issues: list[Issue] = field(default_factory=list)
    body_utf8: bytes | None = None  # the record's body as UTF-8, when the parser made it anyway
    body_plain: bool = False  # the parser found no character in the page that dedup must fold
    normalized: bytes | None = None  # `normalize_body` of the body, when a batch step made it ahead
    words: int | None = None  # `word_count` of `normalized`, made with it
    voids_file: bool = False  # the file's data failed its own check: none of its records can be trusted

    @property
    def ok(self) -> bool:
        return self.record is not None and not any(i.severity == "error" for i in self.issues)

    @property
    def reason(self) -> Issue:
        """Why a rejected item was rejected: its first error (a warning listed before it, such as
        `record.id-mismatch`, is no reason), for rejects.jsonl's `code` and the counts by code."""
        return next((i for i in self.issues if i.severity == "error"), self.issues[0])


_REQUIRED = re.compile(r"^'(.*)' is a required property$")
_ESCAPE = re.compile(rb"\\u")  # re's search beats `in` threefold: JSON lines hold many backslashes


def _schema_issue(e: Any, record: dict[str, Any], path: str, line: int, where: dict[str, int]) -> Issue:
    keyword = str(e.validator)
    json_path = e.json_path
    schema_path = "#/" + "/".join(map(str, e.absolute_schema_path))
    expected: str | None = None
    got: str | None = None
    if keyword not in ("required", "additionalProperties"):  # (they say it their way, and need not dump
        expected, got = short_json(e.validator_value), short_json(e.instance)  # the whole record for it)
    hint = ""
    if keyword == "required":
        m = _REQUIRED.match(e.message)
        name = m.group(1) if m else "?"
        json_path = f"{json_path}.{name}" if json_path != "$" else f"$.{name}"
        message = f"expected the required field {name!r}, got no such key"
        expected, got = f"field {name!r}", "missing"
        prop = e.schema.get("properties", {}).get(name) if isinstance(e.schema, dict) else None
        if isinstance(prop, dict) and (prop.get("type") == "null" or "null" in (prop.get("type") or [])):
            hint = (f"{name!r} may be null: write it as null (an exporter that leaves out null keys: Spark "
                    "ignoreNullFields=false, pydantic exclude_none=False, R jsonlite na='null')")
    elif keyword == "type":
        message = f"expected {expected}, got " + (f"{json_type(e.instance)} {got}" if e.instance is not None
                                                   else "null")
        if isinstance(e.schema, dict) and e.schema.get("format") == "date":
            hint = _date_hint(e.instance)
    elif keyword == "format":
        shape = " (YYYY-MM-DD)" if e.validator_value == "date" else ""
        message = f"expected a valid {e.validator_value}{shape}, got {got}"
        if e.validator_value == "date" and isinstance(e.instance, str) and _MIDNIGHT.match(e.instance):
            hint = ("a time stamp at midnight: write the date alone, YYYY-MM-DD (pandas' to_json(date_format="
                    "'iso') adds the time: convert first, e.g. df['date'] = df['date'].astype(str).str[:10], which "
                    "takes dates and time stamps alike)")
    elif keyword in ("minLength", "maxLength"):
        bound = "at least" if keyword == "minLength" else "at most"
        message = f"expected a string of {bound} {e.validator_value} characters, got {got}"
    elif keyword == "additionalProperties":
        extra = sorted(set(e.instance) - set(e.schema.get("properties", {}))) if isinstance(e.instance, dict) else []
        # (each name cut short, ten at most: a record of 200,000 keys, or one key of 2 MB, is no 8 MB reject)
        shown = [repr(k) if len(k) <= 40 else repr(k[:40]) + f"\u2026 ({len(k):,} characters)" for k in extra[:10]]
        listed = ", ".join(shown) + (f" and {len(extra) - 10:,} more" if len(extra) > 10 else "")
        message = f"expected only the schema's fields, got unexpected {listed or 'fields'}"
        expected, got = "no other fields", listed
        if len(extra) == 1:
            name = extra[0] if len(extra[0]) <= 40 else extra[0][:40] + "\u2026"
            json_path = f"{json_path}.{name}" if json_path != "$" else f"$.{name}"
    elif keyword == "pattern":
        message = f"expected a string matching {e.validator_value!r}, got {got}"
    else:
        message = e.message if len(e.message) <= 200 else e.message[:199] + "\u2026"
    top = json_path[2:].split(".")[0].split("[")[0] if json_path.startswith("$.") else ""
    return Issue(issue_code(keyword), message, path, where.get(top, line), json_path=json_path,
                 schema_path=schema_path, expected=expected, got=got, hint=hint,
                 record_id=record.get("id") if isinstance(record.get("id"), str) else None)


_MIDNIGHT = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]00:00(?::00(?:\.0+)?)?(?:Z|[+-]00:?00)?$")


def _date_hint(value: Any) -> str:
    """For a date given as a number: what it is as epoch milliseconds (or seconds), the form pandas'
    and `datasets`' to_json write dates in by default."""
    if not isinstance(value, int) or isinstance(value, bool):
        return ""
    for unit, per_day in (("milliseconds", 86_400_000), ("seconds", 86_400)):
        if value % per_day == 0 and abs(value // per_day) < 200_000:
            day = _dt.date(1970, 1, 1) + _dt.timedelta(days=value // per_day)
            return (f"{value} is {day} as epoch {unit}, the form pandas' and `datasets`' to_json write dates in: "
                    "write dates as YYYY-MM-DD text, e.g. df['date'] = df['date'].astype(str), or "
                    "ds.cast_column('date', datasets.Value('string')) before to_json")
    return ""


#: Deepest nesting of a record that is checked against the schema (json.loads reads ~990 levels).
MAX_DEPTH = 64


def too_deep(value: Any, limit: int = MAX_DEPTH) -> bool:
    """True when lists/dicts nest deeper than `limit` levels below `value` (iterative: no recursion)."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            return True
        children = node.values() if isinstance(node, dict) else node
        stack.extend((c, depth + 1) for c in children if isinstance(c, (list, dict)))
    return False


def check_record(record: dict[str, Any], schema: Schema, path: str, line: int = 1,
                 where: dict[str, int] | None = None, today: _dt.date | None = None,
                 parsed: bool = False, escapes: bool = True, body_utf8: bytes | None = None) -> list[Issue]:
    """Every problem with one record: all schema violations, then the per-record dataset checks.

    `parsed=True` (a record the parser just made) skips what the parser already guarantees:
    no lone surrogates, no boilerplate lines in the body, no nested values. `escapes=False` says
    the JSON text held no `\\u` escape, so no string in it can be a lone surrogate. `body_utf8`: the
    body's UTF-8, when the caller has it (the id check hashes it).
    """
    where = where or {}
    issues: list[Issue] = []
    deep = None if parsed else next((k for k, v in record.items() if isinstance(v, (list, dict))
                                     and too_deep(v, MAX_DEPTH - 1)), None)
    if deep is not None:
        # Both validators (and any message quoting the value) recurse into it: past the
        # interpreter's stack. No schema newsset can turn into columns nests this deep.
        issues = [Issue("schema.other", f"expected a value nested at most {MAX_DEPTH} levels deep in {deep!r}, got "
                        "deeper nesting (not checked further)", path, where.get(deep, line), json_path=f"$.{deep}",
                        expected=f"<= {MAX_DEPTH} levels", got="deeper",
                        hint="no field of an article nests this deep: check how the record file was written")]
    elif not schema.is_valid(record):
        issues = [_schema_issue(e, record, path, line, where) for e in schema.errors(record)]
    rid = record.get("id") if isinstance(record.get("id"), str) else None
    if not issues:
        for key, typ, why, at in schema.unstorable(record):  # valid JSON, yet more than its column holds
            if typ is None:  # a field an open schema allows, with no column: stored, it would be dropped
                issues.append(Issue("record.unstorable", f"expected only fields the dataset has columns for, got "
                                    f"{key!r} ({why}: add it to the schema's `properties` to keep it, or close "
                                    "the schema with additionalProperties: false)", path, where.get(key, line),
                                    json_path=f"$.{key}", expected="a declared field", got=key, record_id=rid))
                continue
            issues.append(Issue("record.unstorable", f"expected a value the {typ} column can hold, got "
                                f"{short_json(record[key])} ({why})", path, where.get(key, line), json_path=at,
                                expected=str(typ), got=short_json(record[key]), record_id=rid))
    for key, value in () if parsed or not escapes else record.items():
        if isinstance(value, str) and SURROGATE.search(value) or SURROGATE.search(key):
            what = "the key" if SURROGATE.search(key) else "the value of"
            issues.append(Issue("record.invalid-unicode", f"expected Unicode text in {what} {key!r}, got a lone "
                                "surrogate (an escaped half of a UTF-16 pair)", path, where.get(key, line),
                                json_path=f"$.{key}", record_id=rid))
    source = record.get("source")
    if parsed and isinstance(source, str) and not source.isascii() and SURROGATE.search(source):
        issues.append(Issue("record.invalid-unicode", f"expected a UTF-8 file name as the source, got {source!r} "
                            "(bytes that are not UTF-8, shown as \\udcXX)", path, line, json_path="$.source",
                            got=source, record_id=rid, hint="rename the file to a UTF-8 name; Parquet and JSON "
                            "hold only Unicode text"))
    if not parsed:  # (what the parser refuses a page for: no text, a NUL)
        for key in ("title", "body"):
            text = record.get(key)
            if isinstance(text, str) and text and not has_visible_text(text):
                got = ascii(text[:20]) + ("..." if len(text) > 20 else "")
                issues.append(Issue("record.no-text", f"expected text in {key}, got {got} (no visible character)",
                                    path, where.get(key, line), json_path=f"$.{key}", record_id=rid))
        for key, value in record.items() if escapes else ():  # (a raw NUL byte is refused with its line)
            if isinstance(value, str) and "\x00" in value:
                issues.append(Issue("record.nul", f"expected text without NUL characters in {key!r}, got \\u0000 at "
                                    f"character {value.index(chr(0)) + 1}", path, where.get(key, line),
                                    json_path=f"$.{key}", record_id=rid))
    date = record.get("date")
    if isinstance(date, str) and today is not None and len(date) == 10 and date > today.isoformat() \
            and not any(i.json_path == "$.date" for i in issues):
        issues.append(Issue("dataset.future-date", f"expected a date no later than today ({today}), got {date}",
                            path, where.get("date", line), json_path="$.date", expected=f"<= {today}", got=date,
                            record_id=rid))
    body = None if parsed else record.get("body")
    title = record.get("title")
    if isinstance(body, str) and isinstance(date, str) and isinstance(title, str) and rid is not None \
            and not issues and schema.id == _bundled_id() and not _same_id(date, title, body, rid, body_utf8) \
            and (want := article_id(date, title, body)) != rid:
        issues.append(Issue("record.id-mismatch", f"expected the content id of the record's date, title and body, "
                            f"{want}, got {rid}", path, where.get("id", line), json_path="$.id", expected=want,
                            got=rid, record_id=rid))
    if isinstance(body, str):
        # One issue a boilerplate line, with how often the body holds it: all are at the body's line,
        # and a body of 300,000 `Sign up` lines gave as many issues (20 MB of report for one record).
        found: dict[str, int] = {}
        for text in body.split("\n"):
            if is_boilerplate(text):  # (False for a blank line: no strip of every line needed)
                key = text.strip()
                found[key] = found.get(key, 0) + 1
        for text, times in found.items():
            again = f" ({times:,} times)" if times > 1 else ""
            issues.append(Issue("dataset.boilerplate", f"expected article text, got the boilerplate line "
                                f"{short_json(text)} in the body{again}", path, where.get("body", line),
                                json_path="$.body", got=text[:80], record_id=rid))
    return issues


def _same_id(date: str, title: str, body: str, rid: str, body_utf8: bytes | None = None) -> bool:
    """Whether `rid` is the content id, tried first without the NFC check (and the copy of the body
    `article_id` joins): a record's text is NFC as a rule, and then the two hashes agree."""
    return nfc_article_id(date, title, body_utf8 if body_utf8 is not None else
                          body.encode("utf-8", "surrogatepass")) == rid


@functools.cache
def _bundled_id() -> str:
    """The bundled schema's `$id`: its records' ids are newsset's content ids (a schema of your own
    may define ids otherwise)."""
    from .schema import bundled_schema_path

    return str(json.loads(bundled_schema_path().read_text(encoding="utf-8"))["$id"])


def iter_items(src: Source, schema: Schema, today: _dt.date | None = None, *,
               fix_mojibake: bool = False, page: bytes | Issue | None = None,
               ignored: Counter[str] | None = None) -> Iterator[Item]:
    """Read, parse and check one input file. Pure: depends only on the file and the schema.

    An archive yields the items of its members in name order (see `newsset.archives`). A file
    that cannot be read (no permission, a broken link, a link loop, a FIFO or folder under an
    input's name) is one `input.unreadable` item; a name that is not UTF-8 adds an
    `input.file-name` warning to the file's first item. `fix_mojibake` repairs mojibake in the
    text (see `newsset.text`); it is reported either way. `page`: what `page_bytes(src)` gave
    a caller that read the page already (it is not read again). `ignored` counts an archive's
    members of other suffixes, as a folder walk counts such files.
    """
    items = _file_items(src, schema, today, fix_mojibake, page, ignored)
    if display_path(src.path) == src.path:
        yield from items
        return
    for n, item in enumerate(items):
        if n == 0:
            item.issues.append(Issue("input.file-name", f"expected a UTF-8 file name, got bytes that are not UTF-8; "
                                     f"shown as `{display_path(src.path)}` (also in `source`)", src.path,
                                     expected="a UTF-8 file name", got=display_path(src.rel)))
        yield item


def _file_items(src: Source, schema: Schema, today: _dt.date | None, fix: bool,
                page: bytes | Issue | None = None, ignored: Counter[str] | None = None) -> Iterator[Item]:
    if src.kind == "page":  # the common case, without a file object: a third of the cost of reading
        raw = page if page is not None else page_bytes(src)
        yield _refused(src, raw) if isinstance(raw, Issue) else _page_item(src, raw, schema, today, fix)
        return
    empty = True
    for item in _container_items(src, schema, today, fix, ignored):
        empty = False
        yield item
    if empty and src.kind in ("tar", "zip"):  # an empty archive is an input too: never lost from the count
        yield _empty(src, "an empty archive (no page or record file in it)")  # (an empty record file: _stream_items)


def _empty(src: Source, got: str) -> Item:
    return Item(src, 1, None, [Issue("input.empty", f"expected pages or records, got {got}", src.path, 1,
                                     expected="records", got="nothing")])


def _container_items(src: Source, schema: Schema, today: _dt.date | None, fix: bool,
                     ignored: Counter[str] | None = None) -> Iterator[Item]:
    try:
        fh = open_regular(src.path)
    except OSError as e:
        yield Item(src, 1, None, [unreadable_issue(src.path, e)])
        return
    if src.kind in ("tar", "zip"):
        fh.close()  # the archive readers open it by name
        yield from read_archive(src, partial(_stream_items, schema=schema, today=today, fix=fix), _refused,
                                lambda item, issue: item.issues.append(issue), ignored)
        return
    last = 0  # the line of the last item read: a stream that breaks off breaks off after it
    try:
        with fh:
            if src.ranged:
                st = os.fstat(fh.fileno())
                if src.stamp is not None and (st.st_size, st.st_mtime_ns) != src.stamp:
                    # (its byte ranges were cut from another file: lines would be read twice, or lost)
                    yield Item(src, 1, None, [Issue(
                        "input.unreadable", f"expected the record file as it was when the build began, got one "
                        f"rewritten since ({src.stamp[0]:,} bytes then, {st.st_size:,} now): the bytes "
                        f"{src.start:,} to {'its end' if src.end < 0 else f'{src.end:,}'} are not read; build again",
                        src.path, expected="an unchanged file", got="a file changed during the build")])
                    return
                try:
                    yield from _jsonl_items(src, range_lines(fh, src.start, src.end), schema, today, fix)
                except LineTooLong as e:
                    yield _refused(src, too_large(src.path, None, e.line, runs_on()))
            else:
                for item in _stream_items(src, fh, schema, today, fix):
                    last = item.line
                    yield item
    except (OSError, EOFError, ValueError, zlib.error) as e:  # corrupt or truncated .gz/.zst data: ValueError,
        bad = _bad_stream(src, e, last)                        # EOFError, or zlib's own (a byte flipped in it)
        yield Item(src, last + 1 if bad else 1, None, [bad or unreadable_issue(src.path, e)],
                   voids_file=bad is not None and archives.gzip_check_failed(e))


def _bad_stream(src: Source, e: BaseException, last: int = 0) -> Issue | None:
    """The issue of compressed data that breaks off or goes on with bytes that are not its format,
    after the lines before it were read (they count; `last`: the line of the last record read):
    not "unreadable" with a hint to check the file exists, but what is wrong with it, and where."""
    import gzip

    compressed = src.rel.lower().endswith((".gz", ".zst"))
    # (Arrow's zstd reader raises OSError without an errno: "Truncated compressed stream"; a disk's has one)
    stream_error = isinstance(e, (gzip.BadGzipFile, EOFError, ValueError, zlib.error)) or "zstd" in str(e).lower() or (
        isinstance(e, OSError) and e.errno is None)
    if not (compressed and stream_error):
        return None
    read = f"through line {last:,}" if last else "none"
    if archives.gzip_check_failed(e):
        return Issue("input.unreadable", f"expected compressed data to its end, got gzip data that fails its own "
                     f"check ({e}): its bytes changed after it was written, so any record read from it ({read}) "
                     "may hold altered text, and a build keeps none of them", src.path, last + 1,
                     expected="complete compressed data", got=str(e)[:80],
                     hint="fetch or write the file again (a bad copy or disk), and rebuild; gzip tells only at its "
                          "end, after the records were read")
    truncated = isinstance(e, EOFError) or "truncated" in str(e).lower()
    fmt = "gzip" if src.rel.lower().endswith(".gz") else "zstd"
    if not last and (other := _not_compressed(src, fmt)) is not None:
        found, fix = other
        return Issue("input.unreadable", f"expected {fmt} data (the file's name ends .{src.rel.rsplit('.', 1)[-1]}), "
                     f"got {found}: nothing is damaged, the name says the wrong kind", src.path, 1,
                     expected=f"{fmt} data", got=found, hint=fix)
    why = "data that ends before its end-of-stream marker (truncated)" if truncated else \
        f"{fmt} data that fails its own check ({e}): its bytes changed after it was written" \
        if "checksum" in str(e).lower() else f"bytes that are not {fmt} data ({e})"
    lost = "" if truncated else (": the decompressor reads in blocks, so the records just before the damage, in "
                                 "the block it spoiled, are lost with it and not counted")
    return Issue("input.unreadable", f"expected compressed data to its end, got {why}; the records before the bad "
                 f"part were read ({read}){lost}", src.path, last + 1,
                 expected="complete compressed data", got=str(e)[:80],
                 hint="re-create the file (a download cut short, or data appended to it); the records read from "
                      "it so far are kept")


_COMPRESSED = ((b"\x1f\x8b", "gzip data", ".jsonl.gz"), (b"\x28\xb5\x2f\xfd", "zstd data", ".jsonl.zst"))


def _not_compressed(src: Source, fmt: str) -> tuple[str, str] | None:
    """(what the file is, how to name it) when a record file named as compressed data is other data
    by its first bytes: plain JSON lines (a sloppy rename), or the other compression."""
    if src.archive is not None:
        return None
    try:
        with open(src.path, "rb") as fh:
            head = fh.read(64)
    except OSError:
        return None
    name = src.rel.rsplit("/", 1)[-1]
    stem = name[:name.lower().rfind(".jsonl")] if ".jsonl" in name.lower() else name.rsplit(".", 1)[0]
    for magic, what, suffix in _COMPRESSED:
        if head.startswith(magic) and not what.startswith(fmt):
            return what, f"rename it to {stem}{suffix}"
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text[:1] in (b"{", b"["):
        return "plain JSON text (not compressed)", f"rename it to {stem}.jsonl (or compress it, as its name says)"
    return None


def _refused(src: Source, issue: Issue) -> Item:
    return Item(src, issue.line or 1, None, [issue])


def _stream_items(src: Source, fh: IO[bytes], schema: Schema, today: _dt.date | None,
                  fix: bool = False) -> Iterator[Item]:
    """The items of one page or record file given as an open stream (a file, or an archive
    member). Reads are bounded: a page or record line over `archives.MAX_PAGE_BYTES` is refused, not held."""
    if src.kind == "page":
        raw = _read_page(src, fh)
        yield _refused(src, raw) if isinstance(raw, Issue) else _page_item(src, raw, schema, today, fix)
        return
    records = open_records(src.rel, fh)  # streamed: a record file may be larger than memory
    empty = True
    # A long line of a plain file on disk is skipped to its end however long (its size is the file's,
    # as a build's byte ranges read it); of decompressed data, only so far: a bomb has no line end.
    plain = src.archive is None and records is fh
    try:
        for item in _jsonl_items(src, bounded_lines(records, plain), schema, today, fix):
            empty = False
            yield item
    except LineTooLong as e:
        empty = False
        yield _refused(src, too_large(src.path, None, e.line, runs_on()))
    if empty:  # (an archive member too: every input is accounted for)
        yield _empty(src, "an empty record file (no lines, or only blank ones)")


def _read_page(src: Source, fh: IO[bytes]) -> bytes | Issue:
    """A page's bytes, or `input.too-large` (refused unread when its declared size is over the cap)."""
    size = archives.declared_size(fh)
    if size is not None and size > archives.MAX_PAGE_BYTES:
        return too_large(src.path, size)
    raw = archives.read_bounded(fh)
    return too_large(src.path, None) if len(raw) > archives.MAX_PAGE_BYTES else raw


def iter_pages(src: Source, *, fix_mojibake: bool = False,
               skipped: list[Source] | None = None) -> Iterator[tuple[Source, Article | Issue]]:
    """Each page of one input parsed (archive members included), or the issue that stopped it:
    the reading of `iter_items` without the record checks (`newsset parse`). Record files hold
    records already, so nothing comes out of them (those inside an archive are added to `skipped`)."""

    def parsed(page: Source, raw: bytes | Issue) -> Iterator[tuple[Source, Article | Issue]]:
        if isinstance(raw, Issue):
            yield page, raw
            return
        try:
            yield page, parse_bytes(raw, display_path(page.rel), fix_mojibake=fix_mojibake)
        except ParseError as e:
            yield page, replace(e.issue, path=page.path)

    def read(page: Source, fh: IO[bytes]) -> Iterator[tuple[Source, Article | Issue]]:
        if page.kind == "page":
            yield from parsed(page, _read_page(page, fh))
        elif skipped is not None and page.archive is not None:  # a record file in an archive: said by the caller
            skipped.append(page)

    if src.kind == "page":  # the same reading as `iter_items`
        yield from parsed(src, page_bytes(src))
        return
    try:
        fh = open_regular(src.path)
    except OSError as e:
        yield src, unreadable_issue(src.path, e)
        return
    if src.kind in ("tar", "zip"):
        fh.close()  # the archive readers open it by name
        yield from read_archive(src, read, lambda page, issue: (page, issue))
        return
    try:
        with fh:
            yield from read(src, fh)
    except OSError as e:
        yield src, unreadable_issue(src.path, e)


def parse_paths(paths: Iterable[str | os.PathLike[str]] | str | os.PathLike[str], *, fix_mojibake: bool = False,
                skipped: list[Source] | None = None) -> Iterator[tuple[Source, Article | Issue]]:
    """Every page under `paths` parsed, in path order (folders walked, archives read in place), or
    the located issue that stopped it: what `newsset parse` prints. Nothing is checked against the
    schema (`validate_paths` does that). Record files hold records already: none of theirs comes
    out; each is added to `skipped` when it is given, so a caller can say so."""
    from .sources import as_paths, discover

    check_option_types([("fix_mojibake", fix_mojibake, bool, "true or false")])
    for src in discover(as_paths(paths)):
        if src.kind == "jsonl" and skipped is not None:
            skipped.append(src)
        yield from iter_pages(src, fix_mojibake=fix_mojibake, skipped=skipped)


def _page_item(src: Source, raw: bytes, schema: Schema, today: _dt.date | None, fix: bool = False) -> Item:
    try:
        art = parse_bytes(raw, display_path(src.rel), fix_mojibake=fix)  # `source` must be storable text
    except ParseError as e:
        issue = e.issue
        return Item(src, issue.line or 1, None, [replace(issue, path=src.path)])
    record = art.to_dict()
    issues = check_record(record, schema, src.path, 1, art.lines, today, parsed=True)
    issues += [replace(i, path=src.path) for i in art.issues]  # warnings after errors: a reject's code is its first
    return Item(src, 1, record, issues, art.body_utf8, art.body_plain)


def _jsonl_items(src: Source, lines: Iterable[tuple[int, bytes | None]], schema: Schema, today: _dt.date | None,
                 fix: bool = False) -> Iterator[Item]:
    """One item per non-blank line, given as (line number, line); a bad line is reported at its own
    line number, and the good lines of the same file still count. Lines end at `\\n` (a `\\r`
    before it is JSON white space). A file that starts with an image, PDF or archive signature is
    one `input.binary` item; one that is a JSON array (`[{...},` a line) or pretty-printed JSON (`{`
    alone on its line) is one `jsonl.syntax` item."""
    if src.ranged and src.shape is not None:  # (the driver looked at the file's first line once, for all
        if src.start == 0:                    #  its ranges: see `file_shape`)
            yield Item(src, src.shape[1], None, [shape_issue(src.shape[0], src.path, src.shape[1])])
        return
    if not src.ranged:  # (a range's file was looked at by the driver)
        lines, shape = shape_of_lines(lines)
        if shape is not None:
            yield Item(src, shape[1], None, [shape_issue(shape[0], src.path, shape[1])])
            return
    failed: dict[bytes, tuple[dict[str, Any], list[Issue]]] = {}  # (see _REPEATS)
    for n, raw in lines:
        if raw is None:  # a line over the cap, skipped unread
            issue = too_large(src.path, None, n)
            if opens_array(src, n):
                issue = replace(issue, hint="the line opens with `[`: a JSON array of records on one line (json.dump "
                                "of a list)? Write one object per line: `jq -c '.[]' in.json > out.jsonl`")
            yield _refused(src, issue)
            continue
        if raw[:3] == b"\xef\xbb\xbf":  # a byte-order mark: the file's, or a line's (files joined with cat)
            raw = raw[3:]
        if n == 1 and src.start == 0:
            if (wide := wide_encoding(raw)) is not None:  # (else a NUL error on every line, and lines miscounted)
                yield Item(src, 1, None, [wide_issue(wide, src.path)])
                return
            kind = file_signature(raw[:16])
            if kind is not None:
                yield Item(src, 1, None, [Issue("input.binary", f"expected a record file (UTF-8 JSON lines), got "
                                                f"{kind}; not read further", src.path, 1, expected="UTF-8 text",
                                                got=kind, hint=signature_hint(kind))])
                return
        if failed and len(raw) <= _REPEAT_BYTES and (again := failed.get(raw)) is not None:
            yield Item(src, n, again[0], [i.at_line(n) for i in again[1]])
            continue
        record = record_of(raw, src.path, n)
        if not isinstance(record, dict):
            if record is not None:  # (None: a blank line)
                yield Item(src, n, None, [record])
            continue
        try:  # (a failure of the checks themselves, a bug, sets this record aside, not the build)
            escapes = _ESCAPE.search(raw) is not None  # on the bytes: several times faster than on non-ASCII text
            plain = False  # (an ASCII line needs no hint: dedup's key takes its ASCII path)
            if escapes:
                warnings = record_issues(record, src.path, n, fix)
            elif raw.isascii():
                warnings = []
            else:
                clean, plain = line_facts(raw)  # the body's characters are among the line's
                warnings = [] if clean else record_issues(record, src.path, n, fix)
                plain = plain and clean  # (a repaired field may hold letters the line did not)
            body = record.get("body")
            # Without escapes no string holds a lone surrogate: the body encodes, once, for the id check,
            # dedup and the body column.
            utf8 = body.encode("utf-8") if not escapes and isinstance(body, str) else None
            issues = check_record(record, schema, src.path, n, None, today, escapes=escapes, body_utf8=utf8)
            item = Item(src, n, record, issues + warnings, utf8, plain)
        except MemoryError:
            raise
        except Exception as e:
            yield Item(src, n, None, [internal_error("record.internal-error", "newsset's record checks", e, src.path,
                                                     n)])
            continue
        if not item.ok and len(raw) <= _REPEAT_BYTES and len(failed) < _REPEATS \
                and all(i.line == n for i in item.issues):
            failed[raw] = (record, item.issues)
        yield item


#: A short bad line that repeats one before it in its file (a file of `{}` lines: a few hundred bytes
#: compressed, a million lines) takes the first one's issues, at its own line, unchecked: the same
#: bytes give the same record and the same issues. The first `_REPEATS` distinct ones of a file.
_REPEAT_BYTES = 1024
_REPEATS = 256


K = TypeVar("K")


class _FirstSeen(Generic[K]):
    """Where each key was first seen, and which keys the current file added: a file voided at its
    end (gzip data failing its check) keeps none of its records in a build, so its keys are unseen
    and a later copy is the one kept. Only a gzip file can be voided, so only its keys are listed
    (a scan of every key seen, per voided file, made validate's time files x records)."""

    def __init__(self) -> None:
        self.first: dict[K, tuple[Any, ...]] = {}
        self.recent: list[K] | None = None  # the keys the current file added, when it can be voided

    def begin(self, src: Source) -> None:
        """A new file."""
        self.recent = [] if src.rel.lower().endswith(".gz") else None

    def _add(self, key: K, seen: tuple[Any, ...]) -> None:
        self.first[key] = seen
        if self.recent is not None:
            self.recent.append(key)

    def forget(self, path: str) -> None:
        """Unsee the keys the current file, `path`, added."""
        for key in self.recent or ():
            seen = self.first.get(key)
            if seen is not None and seen[0] == path:
                del self.first[key]
        self.recent = None


class DuplicateIds(_FirstSeen[str]):
    """Flags every record whose id a valid record before it has; the first valid one in input order
    is the one kept (as `build` keeps it: an invalid record is rejected, and takes no id)."""

    def check(self, item: Item, register: bool = True) -> Issue | None:
        rid = item.record.get("id") if item.record else None
        if not isinstance(rid, str):
            return None
        seen = self.first.get(rid)
        if seen is None:
            if register:
                self._add(rid, (item.source.path, item.line))
            return None
        return duplicate_issue("dataset.duplicate-id", rid, seen[0], seen[1], rid, item.source.path, item.line)


class DuplicateBodies(_FirstSeen[bytes]):
    """Flags every valid record whose body, compared as build compares it (`dedup.normalize_body`:
    NFC, case and white space folded), a valid record before it has under another id: build keeps
    the first and rejects the others as `dataset.duplicate-body`. Only a 16-byte key per body is kept."""

    def __init__(self) -> None:
        from .dedup import body_key, normalize_body  # (numpy: imported only where bodies are compared)

        super().__init__()
        self._key, self._normalize = body_key, normalize_body

    def check(self, item: Item) -> Issue | None:
        body = item.record.get("body") if item.record else None
        if not isinstance(body, str):
            return None
        try:
            norm = item.normalized if item.normalized is not None else \
                self._normalize(body, item.body_utf8, item.body_plain)
        except UnicodeEncodeError:  # (a lone surrogate: the record is invalid, and was said so)
            return None
        if not norm:
            return None
        key = self._key(norm)
        seen = self.first.get(key)
        rid = item.record.get("id") if item.record else None
        rid = rid if isinstance(rid, str) else None
        if seen is None:
            self._add(key, (item.source.path, item.line, rid))
            return None
        return duplicate_issue("dataset.duplicate-body", rid, seen[0], seen[1], seen[2], item.source.path,
                               item.line)


def voided_issue(path: str, line: int, void_line: int, rid: str | None = None) -> Issue:
    """The issue of a record read from a record file whose gzip data fails its own check at its end
    (line `void_line`): worded once, for `build` (which rejects it) and `validate` (which reports it)."""
    return Issue("input.unreadable", f"expected a record from data that passes its own check, got one from a file "
                 f"whose gzip data fails it (at its end, line {void_line}): not kept, its text may be altered", path,
                 line, expected="data that passes its check", got="gzip data that fails its check", record_id=rid,
                 hint=f"fetch or write the file again (a bad copy or disk), and rebuild; line {void_line} says more")


def duplicate_issue(code: str, rid: str | None, first_path: str, first_line: int, first_id: str | None, path: str,
                    line: int) -> Issue:
    """The issue of a duplicate of the record first seen at `first_path:first_line`: worded once, for
    `validate` (which reports it) and `build` (which rejects the record)."""
    seen = f"first seen in {first_path}:{first_line}" + (f", id {first_id}" if first_id else "")
    if code == "dataset.duplicate-id":
        return Issue(code, f"expected a unique id, got {rid} again ({seen})", path, line, json_path="$.id",
                     expected="a unique id", got=rid, record_id=rid)
    return Issue(code, f"expected a new article, got its body again ({seen})", path, line, json_path="$.body",
                 expected="a body no other record has", got="the same body", record_id=rid)


def iter_checked(sources: Iterable[Source], schema: Schema, today: _dt.date | None = None, *,
                 fix_mojibake: bool = False, ignored: Counter[str] | None = None) -> Iterator[Item]:
    """All items of all sources, in order, with duplicates flagged as build rejects them: a repeated
    id, or else a repeated body, of a valid record. (`ignored`: see `iter_items`.)"""
    dups, bodies = DuplicateIds(), DuplicateBodies()
    for src in sources:
        dups.begin(src)
        bodies.begin(src)
        for item in iter_items(src, schema, today, fix_mojibake=fix_mojibake, ignored=ignored):
            if item.voids_file:  # (report audit r37: a later copy of a voided record was called a duplicate)
                dups.forget(item.source.path)
                bodies.forget(item.source.path)
            if item.record is not None:  # a duplicate id is worth reporting even on an invalid record
                ok = item.ok
                issue = dups.check(item, register=ok)
                if issue is None and ok:
                    issue = bodies.check(item)
                if issue is not None:
                    item.issues.append(issue)
            yield item
