"""The validation report as data, and its renderings for people and for CI systems.

`Report` is built once; `text`, `json`, `github`, `junit` and `markdown` are separate functions
of it, so a new output format never touches the checks. The report keeps paths as they are (data);
each rendering makes them safe for its reader: `visible` escapes control characters for text,
Markdown and JUnit, `github` escapes workflow-command syntax, JSON escapes what JSON must.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from . import __version__
from .check import iter_checked, voided_issue
from .errors import ConfigError, Issue, check_option_types, display_path, visible
from .progress import Progress
from .schema import Schema
from .sources import MEMBER_SEP, Source, as_paths, discover, ignored_note
from .summary import md_cell, md_code, md_table

__all__ = ["Report", "validate", "render", "render_markdown", "STEP_SUMMARY_ISSUES", "validate_paths"]

EXPLAIN_HINT = "run `newsset explain CODE` for what a code means and how to fix the input"


@dataclass
class FileStatus:
    path: str
    kind: str
    records: int = 0
    valid: int = 0
    issues: int = 0
    errors: int = 0  # issues of severity error: warnings alone leave a file valid

    @property
    def status(self) -> str:
        return "valid" if self.errors == 0 else "invalid"


@dataclass
class Report:
    """Everything `validate` found: every issue (up to `max_issues`), every file and counts by code."""

    schema_id: str
    schema_sha256: str
    files: list[FileStatus] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    by_code: Counter[str] = field(default_factory=Counter)
    total_issues: int = 0
    total_errors: int = 0
    max_issues: int | None = None
    ignored: Counter[str] = field(default_factory=Counter)  # files of other types in the folders, by suffix

    @property
    def valid(self) -> bool:
        """No error; warnings (`text.mojibake`, ...) are reported but do not make the input invalid."""
        return self.total_errors == 0

    @property
    def truncated(self) -> bool:
        return self.total_issues > len(self.issues)

    def add(self, issue: Issue) -> None:
        self.total_issues += 1
        self.total_errors += issue.severity == "error"
        self.by_code[issue.code] += 1
        if self.max_issues is None or len(self.issues) < self.max_issues:
            self.issues.append(issue)

    def to_dict(self) -> dict[str, Any]:
        records = sum(f.records for f in self.files)
        return {
            "format": FORMAT_ID,
            "newsset_version": __version__,
            "schema": {"id": self.schema_id, "sha256": self.schema_sha256},
            "valid": self.valid,
            "stats": {"files": len(self.files), "invalid_files": sum(f.errors > 0 for f in self.files),
                      "records": records, "valid_records": sum(f.valid for f in self.files),
                      "issues": self.total_issues, "by_code": dict(sorted(self.by_code.items())),
                      "ignored_by_suffix": dict(sorted(self.ignored.items()))},
            "truncated": self.truncated,
            "issues": [i.to_dict() for i in self.issues],
            "files": [{"path": f.path, "kind": f.kind, "status": f.status, "records": f.records,
                       "valid": f.valid, "issues": f.issues} for f in self.files],
        }


FORMAT_ID = "newsset-validate/1"  # the JSON report's shape (README: "The JSON report"); a change of it is /2
MAX_ISSUES = 100_000  # issues a report holds (a few hundred MB) unless asked otherwise; its counts hold them all


def validate_paths(paths: Iterable[str | os.PathLike[str]], schema: str | os.PathLike[str] | Schema | None = None,
                   max_issues: int | None = MAX_ISSUES, today: _dt.date | None = None, *,
                   fix_mojibake: bool = False) -> Report:
    """Validate files and folders of pages and record files, as `newsset validate` does (the
    files a folder walk passes over are counted in the report). `max_issues=None` keeps every issue:
    a small compressed file may hold millions."""
    from .schema import load_schema

    check_option_types([("max_issues", max_issues, (int, type(None)), "an integer"),
                        ("today", today, (_dt.date, type(None)), "a date"), ("fix_mojibake", fix_mojibake, bool,
                                                                             "true or false")])
    if max_issues is not None and max_issues < 0:
        raise ConfigError(f"max_issues: expected 0 or more, got {max_issues}")
    ignored: Counter[str] = Counter()
    sources = discover(as_paths(paths), ignored=ignored)
    sch = schema if isinstance(schema, Schema) else load_schema(schema)
    report = validate(sources, sch, max_issues, today, fix_mojibake=fix_mojibake)
    report.ignored.update(ignored)  # (the walks' files of other suffixes, beside the archives' members)
    return report


def validate(sources: Iterable[Source], schema: Schema, max_issues: int | None = None,
             today: _dt.date | None = None, progress: Progress | None = None, *,
             fix_mojibake: bool = False) -> Report:
    """Check every input and return the report (never raises for bad input)."""
    sources = list(sources)
    report = Report(schema.id, schema.sha256, max_issues=max_issues)
    today = today or _dt.date.today()
    status: dict[str, FileStatus] = {}
    for src in sources:
        status[src.path] = FileStatus(display_path(src.path), src.kind)
        report.files.append(status[src.path])
    done = 0
    # The valid records of the file being read, (line, id): a gzip file whose data fails its own check
    # (told at its end) keeps none of them in a build, so they are reported too, and not counted valid.
    kept: list[tuple[int, str | None]] = []
    kept_of: str | None = None
    for item in iter_checked(sources, schema, today, fix_mojibake=fix_mojibake, ignored=report.ignored):
        fs = status[item.source.archive or item.source.path]  # an archive's members count under it
        fs.records += 1
        if progress is not None and fs.records == 1:
            done += 1
            progress(done, len(sources))
        if item.source.path != kept_of:
            kept, kept_of = [], item.source.path
        if item.voids_file:
            for line, rid in kept:
                fs.issues += 1
                fs.errors += 1
                report.add(voided_issue(display_path(item.source.path), line, item.line, rid))
            fs.valid -= len(kept)
            kept = []
        elif item.ok and item.source.kind == "jsonl" and item.source.rel.lower().endswith(".gz"):  # (only gzip checks)
            kept.append((item.line, item.record.get("id") if isinstance(item.record, dict) else None))
        fs.valid += item.ok
        for issue in item.issues:
            fs.issues += 1
            fs.errors += issue.severity == "error"
            report.add(issue)
    return report


# ---------------------------------------------------------------- renderers

def shown_path(path: str) -> str:
    """A path that opens a report line: one that starts with `::` (white space aside) as `./::...`, the
    same file, so that no CI log reads the line as a GitHub workflow command (`::warning file=...::`)."""
    return f"./{path}" if path.lstrip().startswith("::") else path


def _loc(issue: Issue) -> str:
    """`path:line:column`, as compilers write a place (the path alone for an issue of a whole file)."""
    path = shown_path(issue.path)
    return f"{path}:{issue.line}" + (f":{issue.column}" if issue.column else "") if issue.line else path


def render_text(report: Report) -> str:
    lines = []
    for i in report.issues:
        loc = _loc(i)
        where = f" {i.json_path}" if i.json_path else ""
        lines.append(visible(f"{loc}: {i.severity}[{i.code}]{where}: {i.message}"))  # one line per issue
        if i.schema_path:
            lines.append(visible(f"   = schema: {i.schema_path}"))
        lines.append(visible(f"   = hint: {i.hint}"))
    d = report.to_dict()["stats"]
    by = ", ".join(f"{c} {n}" for c, n in sorted(report.by_code.items()))
    summary = (f"checked {d['files']} file(s), {d['records']} record(s): {d['valid_records']} valid, "
               f"{report.total_issues} issue(s)" + (f" ({by})" if by else ""))
    if report.truncated:
        summary += f"; showing the first {len(report.issues)} (--max-issues; the counts above include all)"
    summary += ignored_note(report.ignored)
    lines.append(summary)
    if report.issues:
        lines.append(f"{EXPLAIN_HINT} (e.g. `newsset explain {report.issues[0].code}`)")
    lines.append("valid" if report.valid else "invalid")
    return "\n".join(lines) + "\n"


def render_json(report: Report) -> str:
    return json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n"


def _gh_escape(text: str, prop: bool = False) -> str:
    """A workflow command's escapes, after `visible`: a control character from a file name (ESC
    starting a colour code, a TAB) must not reach the CI log raw."""
    text = "\n".join(visible(part) for part in text.replace("\r\n", "\n").split("\n"))  # (line ends: GitHub's own)
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if prop else text


def render_github(report: Report) -> str:
    """One `::error` workflow command per problem (GitHub shows the first 10 per step)."""
    out = []
    for i in report.issues:
        props = [f"file={_gh_escape(_gh_file(report, i.path), True)}"]
        if i.line:
            props.append(f"line={i.line}")
        if i.column:
            props.append(f"col={i.column}")
        props.append(f"title={_gh_escape(i.code, True)}")
        where = f"{i.json_path}: " if i.json_path else ""
        member = f"{i.path}: " if MEMBER_SEP in i.path and _gh_file(report, i.path) != i.path else ""
        out.append(f"::{i.severity} {','.join(props)}::{_gh_escape(f'{member}{where}{i.message} (hint: {i.hint})')}")
    if report.truncated:  # (first: GitHub shows 10 annotations of a kind a step, and this one says what is not shown)
        hidden = report.total_issues - len(report.issues)
        errors = report.total_errors - sum(i.severity == "error" for i in report.issues)
        out.insert(0, f"::{'error' if errors else 'warning'} title=newsset validate::{hidden:,} more issue(s) not "
                      f"shown ({errors:,} error(s)), past --max-issues {len(report.issues):,}: run with --format "
                      "text or json, or a larger --max-issues, for every one")
    return "\n".join(out) + ("\n" if out else "")


def _gh_file(report: Report, path: str) -> str:
    """The file an annotation is put on: an archive member's (`a.tar!/p.txt`) is its archive's, which
    is a file of the repository."""
    if MEMBER_SEP not in path:
        return path
    files = {f.path for f in report.files}
    return next((path[:k] for k in _separators(path) if path[:k] in files), path)


# Characters XML 1.0 cannot hold at all, not even as a character reference (`&#1;` is not well-formed).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml_text(text: str) -> str:
    """`text` made representable in XML 1.0: control characters escaped by `visible`, and any
    other character XML forbids (a lone surrogate, U+FFFE, U+FFFF) as a `\\uXXXX` escape."""
    return _NOT_XML.sub(lambda m: f"\\u{ord(m.group()):04x}", visible(text))


def _separators(path: str) -> Iterator[int]:
    """Where `MEMBER_SEP` occurs in a path, first to last."""
    k = path.find(MEMBER_SEP)
    while k >= 0:
        yield k
        k = path.find(MEMBER_SEP, k + 1)


def _at(issue: Issue) -> str:
    """` $.field` after an issue's code when it has a JSON path, else nothing (no stray space)."""
    return f" {issue.json_path}" if issue.json_path else ""


def render_junit(report: Report) -> str:
    """JUnit XML: one test case per input file, failing with its issues (a file with warnings only
    passes, its warnings in `<system-out>`). Always well-formed: every
    text from the report (paths, messages) goes through `_xml_text` before it is quoted."""
    files = {f.path for f in report.files}
    by_file: dict[str, list[Issue]] = {}
    for i in report.issues:  # an archive member's issue (`a.tar!/p.txt`) goes to its archive's test case
        key = i.path if i.path in files else next(  # (the archive's own path may hold "!/": "Yahoo!/a.tar")
            (i.path[:k] for k in _separators(i.path) if i.path[:k] in files), i.path.split(MEMBER_SEP, 1)[0])
        by_file.setdefault(key, []).append(i)
    failures = sum(1 for f in report.files if f.errors)
    parts = ['<?xml version="1.0" encoding="UTF-8"?>',
             f'<testsuites name="newsset validate" tests="{len(report.files)}" failures="{failures}">',
             f'  <testsuite name="newsset validate" tests="{len(report.files)}" failures="{failures}" errors="0">']
    for f in report.files:
        name = quoteattr(_xml_text(f.path))
        parts.append(f'    <testcase classname="newsset.validate" name={name} file={name}>')
        issues = by_file.get(f.path, [])
        if f.errors:
            first = next((i for i in issues if i.severity == "error"), issues[0] if issues else None)
            msg = f"{f.issues} issue(s)" + (f": {first.code}: {first.message}" if first else "")
            body = "\n".join(_xml_text(f"{_loc(i)}: {i.severity}[{i.code}]{_at(i)}: {i.message}") for i in issues)
            kind = quoteattr(first.code if first else "newsset")
            parts.append(f"      <failure type={kind} message={quoteattr(_xml_text(msg))}>{escape(body)}</failure>")
        elif issues:  # warnings only: the test passes, and JUnit's place for more output shows them
            body = "\n".join(_xml_text(f"{_loc(i)}: {i.severity}[{i.code}]{_at(i)}: {i.message}") for i in issues)
            parts.append(f"      <system-out>{escape(body)}</system-out>")
        parts.append("    </testcase>")
    parts += ["  </testsuite>", "</testsuites>"]
    return "\n".join(parts) + "\n"


_NEWLINE = re.compile("\r\n?|\n")
STEP_SUMMARY_ISSUES = 50  # issues listed in a GitHub job summary; the counts by code cover the rest


def render_markdown(report: Report, limit: int | None = None) -> str:
    """A Markdown page for GitHub's job summary (or any Markdown viewer): counts of files and
    records, issues by code, and the first `limit` issues (all reported ones when None) located
    as file:line. Annotations stop at 10 per step; this page is where the rest are seen."""
    d = report.to_dict()["stats"]
    lines = [f"## newsset validate: {'valid' if report.valid else 'invalid'}", ""]
    lines += md_table(["", "files", "records"], [
        ["valid", d["files"] - d["invalid_files"], d["valid_records"]],
        ["invalid", d["invalid_files"], d["records"] - d["valid_records"]],
        ["**checked**", d["files"], d["records"]],
    ], right=(1, 2))
    lines += ["", f"Schema {md_code(report.schema_id, in_table=False)}: **{report.total_issues}** issue(s).", ""]
    if not report.total_issues:
        return "\n".join(lines)
    lines += md_table(["code", "issues"], ([f"`{c}`", n] for c, n in sorted(report.by_code.items())), right=(1,))
    shown = report.issues if limit is None else report.issues[:limit]
    lines += ["", "### Issues", ""]
    rows = []
    for i in shown:
        loc = f"{i.path}:{i.line}" + (f":{i.column}" if i.column else "") if i.line else i.path
        where = f"{md_code(visible(i.json_path))}: " if i.json_path else ""
        message = "\n".join(map(visible, _NEWLINE.split(i.message)))  # md_cell shows a message's newlines as <br>
        rows.append([md_code(visible(loc)), md_code(i.code), where + md_cell(message)])
    lines += md_table(["file:line", "code", "message"], rows)
    lines.append("")
    if report.total_issues > len(shown):
        more = ("raise `--max-issues` to see more" if len(shown) == len(report.issues) else
                "for all of them run `newsset validate` with `--format json` (or `--format junit --output FILE`) "
                "and keep the file as a build artifact")
        lines += [f"Showing the first {len(shown)} of {report.total_issues} issues; the counts by code above "
                  f"include all of them. {more[0].upper() + more[1:]}.", ""]
    lines.append(EXPLAIN_HINT[0].upper() + EXPLAIN_HINT[1:] + ".")
    return "\n".join(lines) + "\n"


RENDERERS = {"text": render_text, "json": render_json, "github": render_github, "junit": render_junit,
             "markdown": render_markdown}


def render(report: Report, fmt: str) -> str:
    """The report in one of `RENDERERS`' formats."""
    if fmt not in RENDERERS:
        raise ConfigError(f"format: expected one of {', '.join(RENDERERS)}, got {fmt!r}")
    return RENDERERS[fmt](report)
