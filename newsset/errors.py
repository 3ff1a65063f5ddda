"""Problems as data: the error-code catalog, the `Issue` record and the run-level exceptions.

An `Issue` describes something wrong with the *input* and never stops a run; exceptions
(`NewssetError` and subclasses) are only for failures of the run itself (bad options, an
unreadable schema, an output folder that cannot be written).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class Code:
    """One catalog entry: what the code means and how to fix the input."""

    code: str
    title: str
    hint: str
    severity: Severity = "error"


_CATALOG: tuple[Code, ...] = (
    # Reading the file.
    Code("input.unreadable", "the file could not be read", "check that the file exists and is readable by you"),
    Code("input.empty", "the file is empty or holds only whitespace", "re-scrape the page or delete the file"),
    Code("input.binary", "the file holds binary data (NUL bytes), not text",
         "remove the file: it is probably an image or PDF saved with a .txt name"),
    Code("input.encoding", "the file is not valid UTF-8",
         "re-save the file as UTF-8 (for example `iconv -f cp1252 -t utf-8`)"),
    # Raw pages.
    Code("parse.missing-header", "the first line is not a `date YYYY-MM-DD Title` header",
         "start the page with a line like `date 2024-10-15 The headline`"),
    Code("parse.malformed-header", "the header's date is not written as YYYY-MM-DD",
         "write the date in the header as an ISO calendar date, e.g. `date 2024-10-15 ...`"),
    Code("parse.invalid-date", "the header's date does not exist on the calendar",
         "fix the month or day in the header (e.g. 2024-13-45 is impossible)"),
    Code("parse.missing-title", "the header has a date but no title after it",
         "put the headline on the header line after the date"),
    Code("parse.missing-body", "no article text was found after removing boilerplate",
         "check the page: it may hold only promotional or paywall blocks"),
    # Record files (.jsonl).
    Code("jsonl.syntax", "a line of a .jsonl file is not valid JSON",
         "fix the JSON on that line; each line must be one complete JSON object"),
    Code("jsonl.not-object", "a line of a .jsonl file is valid JSON but not an object",
         "each line must be a JSON object with the schema's keys"),
    Code("record.invalid-unicode", "a string holds a lone surrogate, which is not Unicode text",
         "fix the escape sequence (e.g. a lone \\ud800) in the record file"),
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
    Code("dataset.future-date", "the article is dated after today",
         "check the header date; scrapers sometimes swap day and month"),
    Code("dataset.boilerplate", "the body still holds a promotional, paywall or footer line",
         "re-parse the raw page with `newsset parse`, or delete the line from the body"),
)

CODES: dict[str, Code] = {c.code: c for c in _CATALOG}


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

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class NewssetError(Exception):
    """Root of the errors that stop a run (never raised for bad input data)."""

    exit_code = 2


class ConfigError(NewssetError):
    """Bad options or arguments: exit status 2."""


class SchemaFileError(NewssetError):
    """The JSON Schema cannot be read, is invalid, or refers to something non-local: exit status 2."""


class OutputError(NewssetError):
    """The output cannot be written (permissions, full disk, a concurrent build): exit status 3."""

    exit_code = 3


class ParseError(NewssetError):
    """A raw page that cannot become a record; carries its located `Issue`."""

    exit_code = 1

    def __init__(self, issue: Issue) -> None:
        super().__init__(f"{issue.path}:{issue.line or 1}: {issue.code}: {issue.message}")
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
