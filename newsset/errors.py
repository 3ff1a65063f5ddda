"""Problems as data: the error-code catalog, the `Issue` record and the run-level exceptions.

An `Issue` describes something wrong with the *input* and never stops a run; exceptions
(`NewssetError` and subclasses) are for failures of the run itself (bad options, an
unreadable schema, an output folder that cannot be written), and `ParseError`, which carries
a page's issue out of the parse API (`parse_file`, `parse_bytes`, `parse_text`); a run never raises it.
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass, field, fields
from typing import Any, Literal

__all__ = ["CODES", "ID_SHOWN", "short_json", "SURROGATE", "ConfigError", "Issue", "NewssetError", "OutputError",
           "ParseError", "SchemaFileError", "WorkerError", "check_option_types", "display_path", "explain_text",
           "find_code", "json_type", "markdown_text", "similar_codes", "visible"]

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class Code:
    """One catalog entry: what the code means and how to fix the input.

    `title` (the meaning) and `hint` (the fix) appear verbatim in docs/errors.md; `example` is a
    line newsset really prints for a file in examples/bad. Tests hold both to that, so
    `newsset explain` never shows a stale text or an invented message.
    """

    code: str
    title: str
    hint: str
    severity: Severity = "error"
    example: str = ""


_CATALOG: tuple[Code, ...] = (
    # Reading the file.
    Code("input.unreadable", "the file could not be read (no permission, a broken symbolic link or a link loop, "
         "or not a regular file)",
         "check that the file exists, is a regular file and is readable by you; fix or remove a broken link"),
    Code("input.file-name", "the file name is not valid UTF-8; its undecodable bytes are shown as \\xNN escapes",
         "nothing to do (the file is read); rename it to a UTF-8 name (e.g. `convmv -f latin1 -t utf-8`) so that "
         "`source` shows the real name", severity="warning"),
    Code("input.empty", "the file is empty or holds only whitespace", "re-scrape the page or delete the file",
         example="examples/bad/empty.txt:1: error[input.empty]: expected an article, got an empty file"),
    Code("input.binary", "the file holds binary data (NUL bytes, an image, PDF or archive signature, or mostly "
         "control characters), not text",
         "remove the file: it is probably an image or PDF saved with a .txt name",
         example="examples/bad/binary.txt:1: error[input.binary]: expected UTF-8 text, got a PNG image (its file "
         "signature starts the file)"),
    Code("input.encoding", "the file is not valid UTF-8",
         "re-save the file as UTF-8 (for example `iconv -f cp1252 -t utf-8`)",
         example="examples/bad/latin1.txt:1:20: error[input.encoding]: expected UTF-8, got byte 0xe9 that UTF-8 "
         "cannot decode (line 1, column 20, after 'date 2024-11-05 Caf')"),
    Code("input.too-large", "a page, or one line of a record file, is larger than newsset reads (8 MiB)",
         "no article is this large: check the file (in an archive it may be a zip bomb), or split the line"),
    # Members of archives (.tar, .tar.gz, .tgz, .zip).
    Code("archive.encrypted", "an archive member is encrypted",
         "newsset takes no passwords: unpack the archive and pack the files again without encryption"),
    Code("archive.not-a-file", "an archive member with an input's name is a link, device or FIFO, not a file",
         "pack the file itself (e.g. `tar --dereference`, `zip` without `--symlinks`); a target in the archive is "
         "read under its own name"),
    Code("archive.nested", "an archive member is itself an archive, which is not opened",
         "unpack the outer archive, or pass the inner archive as an input of its own"),
    Code("archive.duplicate-member", "the archive holds several members of this name; only the last one is read",
         "pack one copy of each file: extracting the archive would also keep only the last copy"),
    # Raw pages.
    Code("parse.missing-header", "the first line is not a `date YYYY-MM-DD Title` header",
         "start the page with a line like `date 2024-10-15 The headline`",
         example="examples/bad/no-header.txt:1: error[parse.missing-header]: expected a header `date YYYY-MM-DD "
         "Title`, got 'Campaigners and carbon pricing: a nervous summer in Brussels'"),
    Code("parse.malformed-header", "the header's date is not written as YYYY-MM-DD",
         "write the date in the header as an ISO calendar date, e.g. `date 2024-10-15 ...`",
         example="examples/bad/malformed-header.txt:1: error[parse.malformed-header]: expected a date as "
         "YYYY-MM-DD after `date`, got '12/11/2022'"),
    Code("parse.invalid-date", "the header's date does not exist on the calendar",
         "fix the month or day in the header (e.g. 2024-13-45 is impossible)",
         example="examples/bad/impossible-date.txt:1: error[parse.invalid-date]: expected a real calendar date, "
         "got '2024-13-45'"),
    Code("parse.missing-title", "the header has a date but no title after it",
         "put the headline on the header line after the date",
         example="examples/bad/no-title.txt:1: error[parse.missing-title]: expected a title after the date "
         "2023-01-06, got nothing"),
    Code("parse.missing-body", "no article text was found after removing boilerplate",
         "check the page: it may hold only promotional or paywall blocks",
         example="examples/bad/no-body.txt:3: error[parse.missing-body]: expected at least one paragraph of "
         "article text above the paywall block (line 12), got none: a paywall ends the body"),
    Code("parse.second-header", "the page holds a second header line `date YYYY-MM-DD Title`: two articles in one file",
         "split the file into one page per article (a scraper appended one page to another)"),
    Code("parse.internal-error", "newsset's parser failed on the page: a bug in newsset, not a fault found in the "
         "page", "report it to newsset's developers with the page attached; the page is set aside and the rest "
         "of the build goes on"),
    # Record files (.jsonl).
    Code("jsonl.syntax", "a line of a .jsonl file is not valid JSON",
         "fix the JSON on that line; each line must be one complete JSON object"),
    Code("jsonl.not-object", "a line of a .jsonl file is valid JSON but not an object",
         "each line must be a JSON object with the schema's keys"),
    Code("jsonl.duplicate-key", "a JSON object on a line names the same key twice: readers differ on which value "
         "counts (Python's keeps the last), so the record is not taken",
         "keep one value for the key; check the exporter that wrote the line"),
    Code("record.invalid-unicode", "a string holds a lone surrogate, which is not Unicode text",
         "fix the escape sequence (e.g. a lone \\ud800) in the record file"),
    Code("record.no-text", "a record's title or body holds no visible text (only spaces, line breaks or invisible "
         "characters such as a zero-width space), which a page would be refused for",
         "drop the record, or fill the field from the source article"),
    Code("record.nul", "a string of a record holds a NUL character (\\u0000), as a page with a NUL byte is refused: "
         "many tools cut text at it",
         "remove the \\u0000 escapes from the record file (or fix the exporter that wrote them)"),
    Code("record.unstorable", "a value the schema allows does not fit its Parquet column (an integer past int64, "
         "a number past float64 or an integer it would give back as another (past 2**53), a date-time with a leap "
         "second, nanoseconds or a year out of range), or is a key an open object allows but no column holds",
         "narrow the schema (e.g. `maximum`) or the value, or use a string field for it; declare the key in "
         "`properties`, or close the object with additionalProperties: false"),
    Code("record.id-mismatch", "a record's id is not the content id of its date, title and body (newsset's ids "
         "are sha256 over them): another article's id, or a record edited after its id was made; kept as it is",
         "recompute the id with newsset.article_id(date, title, body), or re-export the records: a build finds "
         "duplicates by id, so a wrong id can make another article look like this one's copy", severity="warning"),
    # Suspicious text in valid UTF-8 (warnings: the record is kept).
    Code("record.internal-error", "newsset's checks failed on the record: a bug in newsset, not a fault found in "
         "the record", "report it to newsset's developers with the line attached; the record is set aside and the "
         "rest of the build goes on"),
    Code("text.mojibake", "a field holds mojibake (UTF-8 read as cp1252 or Latin-1, e.g. `cafÃ©`, `donâ€™t`), "
         "kept as it is",
         "re-scrape decoding the page as UTF-8, or build with --fix-mojibake (fix_mojibake=True; uses ftfy when "
         "installed: pip install 'newsset[ftfy]')", severity="warning"),
    Code("text.mojibake-fixed", "a field held mojibake, which --fix-mojibake repaired: the record holds the "
         "repaired text", "nothing to do; check a few repaired records, or fix the scraper's decoding",
         severity="warning"),
    Code("text.bidi-control", "a field holds a bidi embedding, override or isolate (U+202A-U+202E, U+2066-U+2069), "
         "which can make text display in another order than it is stored",
         "check the text; remove the control characters unless the article quotes right-to-left text",
         severity="warning"),
    Code("text.control", "a field holds a control character: C0 (an escape sequence, a backspace), DEL, or C1 "
         "(U+0080-U+009F but U+0085, a space; most often a cp1252 byte such as 0x92 for \u2019 read as Latin-1)",
         "re-scrape decoding the page as cp1252 where it came from, or strip the control characters",
         severity="warning"),
    # JSON Schema keywords (one code per keyword newsset reports).
    Code("schema.required", "a required field is missing", "add the field; use null where the schema allows it"),
    Code("schema.type", "a field has the wrong JSON type", "give the field a value of the type the schema names"),
    Code("schema.format", "a field does not match its format (for example `date`)",
         "write dates as YYYY-MM-DD and check that the day exists"),
    Code("schema.pattern", "a string does not match the schema's pattern", "fix the value to match the pattern"),
    Code("schema.minLength", "a string is shorter than the schema allows", "fill in the field; it must not be empty"),
    Code("schema.maxLength", "a string is longer than the schema allows", "shorten the value"),
    Code("schema.additionalProperties", "the record has a field the schema does not define",
         "remove the field, or pass --schema with a schema that defines it"),
    Code("schema.enum", "a value is not one of the allowed values", "use one of the values the schema lists"),
    Code("schema.const", "a value differs from the constant the schema requires", "use the schema's value"),
    Code("schema.minimum", "a number is below the schema's minimum", "fix the value"),
    Code("schema.maximum", "a number is above the schema's maximum", "fix the value"),
    Code("schema.other", "the record breaks another rule of the schema", "see the schema path in the message"),
    # Checks across records that a schema cannot express.
    Code("dataset.duplicate-id", "two inputs hold the same article (same id)",
         "remove one copy; `newsset build` keeps the first in sorted source order"),
    Code("dataset.duplicate-body", "another input has the same body (compared NFC, case- and whitespace-folded, "
         "without zero-width characters)",
         "nothing to do: `newsset build` keeps the first copy in sorted source order and names it in rejects.jsonl"),
    Code("dataset.near-duplicate", "the body is a near copy (MinHash Jaccard over word 5-grams) of a kept record",
         "nothing to do with --near-dup drop; use --near-dup keep to keep near copies in the same split"),
    Code("dataset.split-leak", "a near copy of this record falls in another date split, so keeping it would leak",
         "nothing to do: with --split date the earliest copy is kept; check the dates if copies should not differ"),
    Code("dataset.future-date", "the article is dated after today",
         "check the header date; scrapers sometimes swap day and month"),
    Code("dataset.boilerplate", "the body still holds a promotional, paywall or footer line",
         "re-parse the raw page with `newsset parse`, or delete the line from the body"),
    # Checks of a built dataset folder (`newsset verify`).
    Code("verify.manifest", "manifest.json is missing, unreadable, holds a value of another type than newsset "
         "writes, or lists a file it cannot describe",
         "rebuild the dataset with `newsset build`, or fetch the folder again: the files can be checked only "
         "against a manifest that describes them"),
    Code("verify.missing-file", "a file listed in manifest.json, or README.md or croissant.json, is not in the folder",
         "copy the whole dataset folder again; a partial download or a deleted shard drops rows"),
    Code("verify.size", "a file's size differs from the bytes recorded in manifest.json",
         "the file was truncated or replaced after the build: fetch it again or rebuild"),
    Code("verify.checksum", "a file's sha256 differs from the one recorded in manifest.json",
         "the file changed after the build (corruption or an edit): fetch it again or rebuild"),
    Code("verify.rows", "a file holds another number of rows than manifest.json records",
         "the file was replaced after the build: fetch it again or rebuild"),
    Code("verify.footer", "a Parquet file's footer cannot be read (truncated or not Parquet)",
         "fetch the file again or rebuild; readers cannot open it at all"),
    Code("verify.schema", "a shard's columns differ from the other shards or from the JSON Schema",
         "rebuild the dataset: mixed shard schemas make load_dataset and SQL engines fail or cast silently"),
    Code("verify.card", "the dataset card's YAML (configs, data_files, features, num_examples) disagrees with "
         "manifest.json or the shards",
         "rebuild instead of editing README.md by hand; the card's YAML is what load_dataset reads"),
    Code("verify.unlisted-file", "a Parquet file in the folder, or any file in a data folder, lm_eval/ or images/, "
         "is not listed in manifest.json", "delete the file, or rebuild: data_files globs would read it as part of "
         "the dataset, readers of a whole folder (pandas, pyarrow.dataset, polars) fail on a file that is not "
         "Parquet, and lm-evaluation-harness loads every YAML in lm_eval/"),
    Code("verify.empty", "the folder holds no Parquet shard",
         "rebuild from inputs that pass the checks: load_dataset and every Parquet reader fail on a dataset of no "
         "files (newsset build writes nothing when no input passes)"),
    Code("verify.croissant", "croissant.json names a file or sha256 that does not match the folder",
         "rebuild the dataset, or fetch croissant.json again: its hashes are the only record of the files a "
         "Croissant reader gets (mlcroissant does not check them itself)"),
    Code("verify.load", "datasets.load_dataset fails on the folder or returns other row counts or columns",
         "read the error in the message; rebuild with the newsset and datasets versions you load with"),
)

CODES: dict[str, Code] = {c.code: c for c in _CATALOG}


def find_code(name: str) -> Code | None:
    """The catalog entry for `name`, ignoring case (people type `schema.minlength`), or None."""
    name = name.strip()
    if name in CODES:
        return CODES[name]
    folded = {c.lower(): entry for c, entry in CODES.items()}
    return folded.get(name.lower())


def similar_codes(name: str, n: int = 3) -> list[str]:
    """Known codes a mistyped `name` probably meant: every code of a family when `name` is the
    family (`schema` or `schema.`), else the closest spellings by difflib."""
    folded = name.strip().lower().rstrip(".")
    family = [c for c in CODES if c.lower().startswith(folded + ".")]
    if family:
        return family
    same_name = [c for c in CODES if c.lower().partition(".")[2] == folded]  # `invalid-date`
    if same_name:
        return same_name
    by_lower = {c.lower(): c for c in CODES}
    return [by_lower[c] for c in difflib.get_close_matches(folded, list(by_lower), n=n, cutoff=0.6)]


def explain_text(entry: Code) -> str:
    """`newsset explain CODE`: the catalog entry as labelled lines, so a code seen in a CI log can be
    looked up without the docs at hand."""
    lines = [f"{entry.code} ({entry.severity})", f"  meaning: {entry.title}", f"  fix:     {entry.hint}"]
    if entry.example:
        lines.append(f"  example: {entry.example}")
    return "\n".join(lines) + "\n"


def json_type(value: Any) -> str:
    """A value's type as JSON (and JSON Schema) names it, for messages about records: `object`, not `dict`."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    return {float: "number", str: "string", dict: "object", list: "array"}.get(type(value), type(value).__name__)


def short_json(value: Any, width: int = 60) -> str:
    """A value as JSON for a message, cut to `width` characters."""
    if isinstance(value, str) and len(value) > width:  # (a long text: its first `width` characters give the same
        value = value[:width]                           #  cut, each writes one or more, not a whole body dumped)
    try:
        text = json.dumps(value, ensure_ascii=False, default=str)
    except RecursionError:  # JSON that json.loads could just nest (~990 deep) but not encode again
        return f"{json_type(value)} nested too deeply to show"
    return text if len(text) <= width else text[: width - 1] + "\u2026"


def display_path(path: str) -> str:
    """`path` as it can be printed and stored: a name that is not valid UTF-8 (on POSIX, Python
    holds its bytes as lone surrogates, PEP 383) shows each undecodable byte as a `\\xNN` escape."""
    if path.isascii() or not any("\udc80" <= c <= "\udcff" for c in path):
        return path
    try:
        return path.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:  # a surrogate no file name holds (text with a lone \ud800): escaped as it is
        return path.encode("utf-8", "backslashreplace").decode("utf-8")


# What a terminal, a CI log or an XML file must not get raw from a file name (or any text a report
# prints): C0 controls (a newline would start a line of its own, which GitHub Actions may read as a
# `::workflow command`; ESC starts terminal escape sequences), DEL, C1 controls, the Unicode line
# and paragraph separators, and the bidi marks, embeddings, overrides and isolates (which make a
# name display in another order than it is stored).
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]")


def visible(text: str) -> str:
    """`text` for a report line read by people or CI: each control character (see `_CONTROL`)
    shown as its Python escape (`\\n`, `\\x1b`, `\\u202e`), so one issue stays one line and
    nothing reaches a terminal raw. Everything else is left as it is (spaces, letters of any
    script), and so are backslashes: `display_path` shows undecodable bytes as `\\xNN` too.
    For rendering only: paths kept as data (`source`, rejects.jsonl, JSON reports) are not escaped."""
    if text.isprintable():  # the common case; every character of `_CONTROL` is not printable
        return text
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


_MARKUP = str.maketrans({c: f"\\{c}" for c in "\\`*_[]#~|"} | {"<": "&lt;", ">": "&gt;", "&": "&amp;"})


def markdown_text(text: str, width: int | None = None) -> str:
    """Text from the data (a publication's name, a file suffix) for a Markdown line or table cell,
    shown as written: control characters as their escapes (a CR would end a table's row), Markdown
    and HTML escaped (a name can neither format a card nor open a comment), and cut at `width`
    characters with an ellipsis."""
    if width is not None and len(text) > width:
        text = text[:width - 1] + "\u2026"
    return visible(text).translate(_MARKUP)


@dataclass(frozen=True, slots=True)
class Issue:
    """One problem with one input, located as precisely as newsset can."""

    code: str
    message: str
    path: str
    line: int | None = None
    column: int | None = None
    json_path: str | None = None
    schema_path: str | None = None
    expected: str | None = None
    got: str | None = None
    record_id: str | None = None
    severity: Severity = "error"
    hint: str = field(default="")

    def __post_init__(self) -> None:
        if self.code not in CODES:
            raise ValueError(f"undocumented issue code {self.code!r}")
        if not self.hint:
            object.__setattr__(self, "hint", CODES[self.code].hint)
        if CODES[self.code].severity == "warning":
            object.__setattr__(self, "severity", "warning")
        if not self.path.isascii():  # a file name that is not UTF-8 could not be printed or stored
            object.__setattr__(self, "path", display_path(self.path))
        # Text quoted from a record (a `\ud800` escape in a value or a key) may hold lone
        # surrogates, which no report can encode: keep them as visible escapes. `path` is left
        # alone: a file name that is not UTF-8 is the output's business (surrogateescape).
        for f in _TEXT_FIELDS:
            value = getattr(self, f)
            if isinstance(value, str) and not value.isascii() and SURROGATE.search(value):
                object.__setattr__(self, f, value := value.encode("utf-8", "backslashreplace").decode("utf-8"))
            if isinstance(value, str) and len(value) > _TEXT_MAX[f]:  # (a hostile record's 7 MB id or key:
                cut = value[:_TEXT_MAX[f]]                           # a reject line must not outgrow its input)
                object.__setattr__(self, f, f"{cut}\u2026 ({len(value):,} characters)")

    def to_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in _ISSUE_FIELDS}  # (asdict deep-copies: 10x slower)

    def at_line(self, line: int) -> Issue:
        """The same issue at another line (a line that repeats one checked before): not checked again."""
        new = object.__new__(Issue)
        for name in _ISSUE_FIELDS:
            object.__setattr__(new, name, getattr(self, name))
        object.__setattr__(new, "line", line)
        return new

    def __reduce__(self) -> tuple[type[Issue], tuple[Any, ...]]:
        # (the fields in order: a dataclass with slots pickles through `fields()`, 5x slower; a
        # chunk's rejects cross to the driver, or to a spill file, this way)
        return Issue, tuple(getattr(self, name) for name in _ISSUE_FIELDS)


_ISSUE_FIELDS = tuple(f.name for f in fields(Issue))


#: A lone surrogate (an escaped half of a UTF-16 pair, or an undecodable byte of a file name):
#: text Parquet and JSON cannot hold.
SURROGATE = re.compile("[\ud800-\udfff]")
_TEXT_FIELDS = ("message", "json_path", "schema_path", "expected", "got", "record_id")
#: The longest each is kept: what a record quotes is cut (its file and line locate the rest).
ID_SHOWN = 100  # characters of a rejected record's id a report quotes (an id that long is no valid one)
_TEXT_MAX = {"message": 2000, "json_path": 200, "schema_path": 500, "expected": 500, "got": 500,
             "record_id": ID_SHOWN}


class NewssetError(Exception):
    """Root of the errors that stop a run; of these, only `ParseError` is about input data (the
    parse API's way of returning a page's issue: runs report it, never raise it)."""

    exit_code = 2


class ConfigError(NewssetError):
    """Bad options or arguments: exit status 2."""


def check_option_types(options: list[tuple[str, object, type | tuple[type, ...], str]]) -> None:
    """Refuse an API option of the wrong type before any work, as the CLI's parser would: (name,
    value, types, what it should be) each. (True is an int and a datetime a date: neither is meant.)"""
    import datetime as _dt

    for what, value, types, kind in options:
        allowed = types if isinstance(types, tuple) else (types,)
        if not isinstance(value, allowed) or (isinstance(value, bool) and bool not in allowed) or (
                isinstance(value, _dt.datetime) and _dt.datetime not in allowed):
            raise ConfigError(f"{what}: expected {kind}, got {type(value).__name__} {value!r}")


class SchemaFileError(NewssetError):
    """The JSON Schema cannot be read, is invalid, or refers to something non-local: exit status 2."""


class OutputError(NewssetError):
    """The output cannot be written (permissions, full disk, a concurrent build): exit status 3."""

    exit_code = 3


class WorkerError(NewssetError):
    """A worker process died (killed: out of memory, most often): exit status 3, nothing published."""

    exit_code = 3


class ParseError(NewssetError):
    """A raw page that cannot become a record; carries its located `Issue`."""

    exit_code = 1

    def __init__(self, issue: Issue) -> None:
        super().__init__(visible(f"{issue.path}:{issue.line or 1}: {issue.code}: {issue.message}"))
        self.issue = issue

    @property
    def code(self) -> str:
        return self.issue.code

    @property
    def path(self) -> str:
        return self.issue.path

    @property
    def line(self) -> int | None:
        return self.issue.line


def internal_error(code: str, what: str, e: Exception, path: str, line: int) -> Issue:
    """A failure of newsset's own code on one input (a bug: an input no rule foresaw) as that input's
    located issue, so that the input is set aside and a build goes on: the exception and where it
    was raised. (A page of a thousand copies of its headline once ran past the interpreter's stack
    and stopped the build.)"""
    import os
    import traceback

    frames = traceback.extract_tb(e.__traceback__)
    at = f" at {os.path.basename(frames[-1].filename)}:{frames[-1].lineno} ({frames[-1].name})" if frames else ""
    return Issue(code, f"expected {what} to read the input, got {type(e).__name__}{at}: {str(e)[:200]}; this is a "
                 "bug in newsset, not a fault found in the input", path, line, expected="a checked input",
                 got=type(e).__name__, hint=CODES[code].hint)
