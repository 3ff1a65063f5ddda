"""Reading record files: one JSON object a line, each line that is no record a located issue
(`record_of`), and the shapes of a file that is JSON but no JSON lines (`shape_of`: an array, or
pretty-printed objects), told once for the file rather than as an error on every line. What a
record holds is checked elsewhere (`newsset.check`)."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from itertools import chain
from typing import Any

from .errors import Issue, json_type, short_json
from .reading import bounded_lines
from .sources import Source

__all__ = ["Head", "file_shape", "line_head", "opens_array", "record_of", "shape_issue", "shape_of",
           "shape_of_lines"]


def record_of(raw: bytes, path: str, n: int) -> dict[str, Any] | Issue | None:
    """Line `n` of a record file (its byte-order mark taken off) as its record, a JSON object; None
    when it is blank; else the located issue that keeps it from being one (a NUL byte, bytes that
    are not UTF-8, JSON that does not read or names a key twice, a value that is no object)."""
    if b"\x00" in raw:
        return Issue("input.binary", "expected a line of UTF-8 JSON, got a NUL byte", path, n, raw.index(b"\x00") + 1,
                     hint="JSON writes a NUL inside a string as \\u0000: fix the line (or the exporter that wrote it); "
                          "the file's other lines are read")
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        before = raw[:e.start].decode("utf-8")  # valid up to the first bad byte
        return Issue("input.encoding", f"expected UTF-8, got byte 0x{raw[e.start]:02x} that UTF-8 cannot decode "
                     f"(column {len(before) + 1}, after {before[-20:]!r})", path, n, len(before) + 1,
                     expected="UTF-8", got=f"0x{raw[e.start]:02x}")
    if not line.strip():
        return None
    try:
        record = _DECODER.decode(line)
    except _DuplicateKey as e:
        key = str(e)
        return Issue("jsonl.duplicate-key", f"expected each key once in a JSON object, got {short_json(key)} twice "
                     "or more", path, n, got=key[:80])
    except ValueError as e:
        return _syntax_issue(e, line, path, n)
    except RecursionError:  # `[[[[...` a thousand deep: json.loads gives up, and so do we
        return Issue("jsonl.syntax", "expected one JSON object per line, got JSON nested too deeply to read", path, n)
    if not isinstance(record, dict):
        hint = (f"the line is a JSON array of {len(record)} records: write one object per line (`jq -c '.[]' "
                "in.json > out.jsonl`)") if isinstance(record, list) and record and all(
                    isinstance(r, dict) for r in record) else ""
        return Issue("jsonl.not-object", "expected a JSON object, got " + (f"{json_type(record)} {short_json(record)}"
                                                                  if record is not None else "null"),
                     path, n, hint=hint)
    return record


def _not_json(name: str) -> Any:
    """NaN, Infinity and -Infinity, which Python's json reads but JSON does not have."""
    raise ValueError(f"{name} is not a JSON value (JSON has no NaN or infinity)")


def _finite(text: str) -> float:
    """A JSON number read as a float, refused when it has no finite value (`1e400` reads as infinity)."""
    value = float(text)
    if value - value != 0:  # inf (NaN cannot come from a number's text)
        raise ValueError(f"too large: {text[:40]} is out of a 64-bit float's range (it would be stored as infinity)")
    return value


class _DuplicateKey(ValueError):
    pass


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object, refused when it names a key twice (json keeps the last value without a word)."""
    obj = dict(pairs)
    if len(obj) != len(pairs):
        seen: set[str] = set()
        key = next(k for k, _ in pairs if k in seen or seen.add(k))  # type: ignore[func-returns-value]
        raise _DuplicateKey(key)
    return obj


# One decoder for every line: json.loads with keyword arguments builds a new one per call.
_DECODER = json.JSONDecoder(parse_constant=_not_json, parse_float=_finite, object_pairs_hook=_object)


def _syntax_issue(e: ValueError, line: str, path: str, n: int) -> Issue:
    """`jsonl.syntax` for line `n`, which Python's json could not read (`e`), at its column."""
    pos = getattr(e, "pos", None)  # past the line's end (an unclosed object): at its end
    col = min(pos, len(line.rstrip("\r\n"))) + 1 if isinstance(pos, int) else None
    msg = str(getattr(e, "msg", e))
    got = "invalid JSON"
    if "integer string conversion" in msg:  # (not Python's advice to raise sys.set_int_max_str_digits)
        got, msg = "a number too large to read", f"an integer of over {sys.get_int_max_str_digits()} digits"
    elif msg.startswith("too large:"):
        got, msg = "a number too large to read", msg[11:]
    if msg.endswith(" at") and col is not None:  # ("Invalid control character at": json's message
        msg += f" column {col}"                   # leaves the place to a suffix of its own)
    hint = ""
    rest = line[pos:].lstrip(" \t") if isinstance(pos, int) else ""
    if isinstance(pos, int) and pos > 0 and line[pos - 1:pos + 1] == "\r{":  # (`Extra data` after a CR)
        hint = ("the records are separated by CR alone (old Mac line ends), not by a newline: convert the "
                "file, e.g. tr '\\r' '\\n' < in.jsonl > out.jsonl")
    elif rest.startswith(("//", "#", "/*")):
        hint = "JSON has no comments: remove the comment (or the line)"
    elif msg.startswith("Extra data") and rest[:1] in ("{", "[", "\f"):
        hint = "a second JSON value follows the object on the same line: put each record on a line of its own"
    elif rest[:1] in ("\u00a0", "\u2028", "\u2029", "\u3000", "\ufeff"):
        hint = (f"U+{ord(rest[0]):04X} is not JSON white space (only space, tab, CR and LF are): remove it or "
                "replace it with a space")
    return Issue("jsonl.syntax", f"expected one JSON object per line, got {got}: {msg}", path, n, col, hint=hint)


_LEAD = b" \t\r\n\x0b\x0c\xef\xbb\xbf"  # JSON white space, and the bytes of a byte-order mark


#: (first byte, last byte, length) of a line of text, white space stripped: what `shape_of` looks at.
Head = tuple[bytes, bytes, int]


def line_head(raw: bytes) -> Head | None:
    """`Head` of a line, None when it is blank."""
    text = raw.lstrip(_LEAD).rstrip()
    return (text[:1], text[-1:], len(text)) if text else None


def shape_of(first: Head, second: Head | None) -> str | None:
    """What a record file's first two non-blank lines say of it when its lines are no records of
    their own: "array", one JSON array of records (`[` alone over `{...},` or `{`, as DuckDB's ARRAY
    option and `json.dump(records, indent=2)` write it, or `[{...},`), or "pretty", objects over
    several lines (`{` alone over `"key": ...`, as `json.dumps(r, indent=2)` writes). Anything else
    (a stray `[` or `{` over records, a complete `[1, 2]`) says nothing: those are bad lines of a
    JSON-lines file, each reported where it stands."""
    if first[0] == b"[" and first[2] > 1 and first[1] == b",":
        return "array"
    if first[2] != 1 or second is None:
        return None
    if first[0] == b"[" and (second[1] == b"," or second[:3:2] == (b"{", 1)):
        return "array"
    return "pretty" if first[0] == b"{" and second[0] == b'"' else None


def file_shape(path: str) -> tuple[str, int] | None:
    """`shape_of_lines` of a record file on disk, read by the reader the workers read it with, for
    the driver to give every byte range of it (none but the first holds its first lines)."""
    try:
        with open(path, "rb") as fh:
            return shape_of_lines(bounded_lines(fh, plain=True))[1]
    except OSError:
        return None


def shape_of_lines(lines: Iterable[tuple[int, bytes | None]]
                    ) -> tuple[Iterable[tuple[int, bytes | None]], tuple[str, int] | None]:
    """(the same lines, `shape_of` them with the line of the first text), from a look at the first
    two lines of text (the lines before them are kept to be read again, and an error the look ran
    into comes after them, where reading them would have met it)."""
    it = iter(lines)
    taken: list[tuple[int, bytes | None]] = []
    heads: list[tuple[Head, int]] = []
    error: Exception | None = None
    try:
        for n, raw in it:
            taken.append((n, raw))
            if raw is None:  # (a line over the cap: not looked into)
                break
            if (head := line_head(raw)) is not None:
                heads.append((head, n))
                if len(heads) == 2:
                    break
    except Exception as e:  # (a line that runs on, corrupt compressed data: met again when read)
        error = e
    shape = shape_of(heads[0][0], heads[1][0] if len(heads) > 1 else None) if heads and error is None and (
        len(heads) == 2 or taken[-1][1] is not None) else None
    return chain(taken, _raising(error) if error is not None else it), (
        (shape, heads[0][1]) if shape is not None else None)


def _raising(error: Exception) -> Iterator[tuple[int, bytes | None]]:
    raise error
    yield  # (a generator: it raises when read)


def opens_array(src: Source, line: int) -> bool:
    """Whether line 1 of a plain record file on disk opens with `[` (it was skipped unread, too long)."""
    if line != 1 or src.start or src.archive is not None or not src.path.lower().endswith((".jsonl", ".ndjson",
                                                                                          ".json")):
        return False
    try:
        with open(src.path, "rb") as fh:
            return fh.read(64).lstrip(_LEAD)[:1] == b"["
    except OSError:
        return False


def shape_issue(shape: str, path: str, line: int) -> Issue:
    """The issue of a record file whose lines are no records of their own (see `shape_of`): one
    for the file, as read line by line each line failed (a file of 36 records gave 576 errors) or,
    in an array, all but the last was rejected and that one kept."""
    if shape == "array":
        return Issue("jsonl.syntax", "expected one JSON object per line, got a JSON array (the file is one array "
                     "of records, not JSON lines); not read further", path, line, expected="JSON lines",
                     got="a JSON array", hint="write one object per line: `jq -c '.[]' in.json > out.jsonl`, pandas "
                     "`to_json(orient=\"records\", lines=True)`, DuckDB `COPY ... (FORMAT JSON)` without ARRAY true")
    return Issue("jsonl.syntax", "expected one JSON object per line, got an object spread over several lines "
                 "(pretty-printed JSON); not read further", path, line, expected="JSON lines",
                 got="pretty-printed JSON", hint="write one object per line: `jq -c . in.json > out.jsonl`, "
                 "or json.dumps(record) without indent=")
