"""The `newsset` command: a thin layer over the Python API.

Exit status: 0 success; 1 the input has problems (or `--on-invalid fail` met one); 2 usage or
schema errors; 3 the output cannot be written or a worker process died; 130 interrupted (143
SIGTERM, 129 SIGHUP; a build the signal met after its dataset was published says so and exits 0).
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import io
import json
import os
import re
import sys
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from . import __version__
from .errors import ConfigError, NewssetError, OutputError, display_path
from .sources import ignored_note, kind_of

__all__ = ["make_parser", "run"]

#: Issues `validate` lists by default: a few KB of a record file that every line of fails (a compressed
#: file of a million `{}` lines, each missing every field) would otherwise need tens of GB to report.
#: (`report.MAX_ISSUES`, the API's default, which a test keeps equal: report is not imported to draw the help.)
MAX_ISSUES = 100_000

EPILOG_PARSE = "example: newsset parse examples/raw/2024/03/*.txt --format jsonl > records.jsonl"
EPILOG_VALIDATE = "example: newsset validate examples/raw --format github"
EPILOG_BUILD = "example: newsset build examples/raw --out dist/newsset --ratios 0.8,0.1,0.1 --seed 0"
EPILOG_EXPLAIN = "example: newsset explain parse.invalid-date"
STEP_SUMMARY_NOTE = ("Where $GITHUB_STEP_SUMMARY is set (GitHub Actions), a Markdown summary is also appended to "
                     "that file for the job's summary page.")


def make_parser(formatter_class: type[argparse.HelpFormatter] = argparse.HelpFormatter) -> argparse.ArgumentParser:
    """The whole command line. `formatter_class` reaches every (sub)parser, so the reference in
    docs/cli.md can be rendered at a fixed width (newsset.cli_docs)."""
    p = argparse.ArgumentParser(prog="newsset", description="Turn raw scraped news pages into validated, "
                                "deterministic Parquet datasets.", formatter_class=formatter_class)
    p.add_argument("--version", action="version", version=f"newsset {__version__}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(name: str, **kwargs: Any) -> argparse.ArgumentParser:
        return sub.add_parser(name, formatter_class=formatter_class, **kwargs)

    sp = add("parse", help="parse raw pages into records", description="Parse raw pages (files or "
             "folders of .txt) into records on stdout; unparseable pages are reported on stderr.",
             epilog=EPILOG_PARSE)
    sp.add_argument("paths", nargs="+", metavar="PATH", help="raw page files or folders")
    sp.add_argument("--format", choices=("jsonl", "json", "text"), default="jsonl", help="output format "
                    "(default: jsonl, one record per line)")

    sv = add("validate", help="check pages and record files; exit 1 on any problem",
             description="Check raw pages (.txt) and record files (.jsonl), recursing into folders: "
             "parse errors, every JSON Schema violation, and dataset checks (duplicate ids and bodies, "
             "future dates, leftover boilerplate). " + STEP_SUMMARY_NOTE, epilog=EPILOG_VALIDATE)
    sv.add_argument("paths", nargs="+", metavar="PATH", help="files or folders to check")
    sv.add_argument("--schema", metavar="FILE", help="validate against this JSON Schema (default: the bundled one)")
    sv.add_argument("--format", choices=("text", "json", "github", "junit", "markdown"), default=None,
                    help="report format (default: text, or github inside GitHub Actions)")
    sv.add_argument("--max-issues", type=int, default=MAX_ISSUES, metavar="N", help="report at most N issues "
                    f"(default: {MAX_ISSUES:,}, which a report holds in a few hundred MB; the counts still include "
                    "all)")
    sv.add_argument("--output", "-o", metavar="FILE", help="write the report to FILE (replaced atomically) "
                    "instead of stdout (- and /dev/stdout: stdout)")
    sv.add_argument("--today", type=_iso_day, metavar="YYYY-MM-DD", help="the day future dates are judged "
                    "against (default: today)")
    sv.add_argument("--fix-mojibake", action="store_true", help="check records as `build --fix-mojibake` would "
                    "store them (repaired mojibake is reported as text.mojibake-fixed)")
    sv.add_argument("--quiet", "-q", action="store_true", help="no progress bar (it is drawn only when stderr is a "
                    "terminal, and never with NEWSSET_NO_PROGRESS=1)")

    sy = add("verify", help="check a built dataset folder before trusting it",
             description="Check a built dataset as a consumer would: files against manifest.json "
             "(sha256, bytes, rows), Parquet footers and schemas, the card's YAML (splits, counts, features), "
             "unlisted files, croissant.json hashes, and that load_dataset returns the same rows and columns.",
             epilog="example: newsset verify dist/newsset")
    sy.add_argument("path", metavar="DIR", help="a folder written by newsset build")
    sy.add_argument("--no-load", action="store_true", help="skip the (slower) load_dataset round trip")
    sy.add_argument("--format", choices=("text", "json"), default="text", help="report format (default: text)")

    sb = add("build", help="build Parquet splits, card, manifest and Croissant metadata",
             description="Parse, validate, deduplicate and split the inputs, and write a dataset "
             "folder that datasets.load_dataset() reads offline. " + STEP_SUMMARY_NOTE, epilog=EPILOG_BUILD)
    sb.add_argument("sources", nargs="+", metavar="SRC", help="raw page and record files or folders")
    sb.add_argument("--out", required=True, metavar="DIR", help="output folder (replaced atomically)")
    sb.add_argument("--schema", metavar="FILE", help="JSON Schema for records (default: the bundled one)")
    sb.add_argument("--split", choices=("hash", "date"), default="hash", help="hash: salted hash of the id "
                    "(default); date: by publication date with --cutoffs")
    sb.add_argument("--ratios", metavar="T,V,T", help="train,validation,test ratios for "
                    "--split hash (default: 0.8,0.1,0.1)")
    sb.add_argument("--seed", type=int, help="salt for the split hash (default: 0)")
    sb.add_argument("--cutoffs", metavar="D1,D2", help="for --split date: train before D1, validation from D1 "
                    "up to D2, test from D2 on (dates YYYY-MM-DD)")
    sb.add_argument("--group-by", metavar="FIELD", help="keep every record with the same FIELD value (e.g. "
                    "author, publication) in one split")
    sb.add_argument("--near-dup", choices=("keep", "drop", "off"), default="keep", help="near duplicates: keep all "
                    "in one split (default), drop all but the first, or off (exact duplicates only)")
    sb.add_argument("--near-dup-threshold", type=float, metavar="J", help="Jaccard similarity of word "
                    "5-grams above which two bodies are near duplicates (default: 0.7)")
    sb.add_argument("--tasks", metavar="FILE", help="TOML file of extra task configs (see README)")
    sb.add_argument("--no-tasks", action="store_true", help="write only the full records (no task configs)")
    sb.add_argument("--allow-truncated", action="store_true", help="let tasks that need a full body (summarization)"
                    " keep paywall-truncated records")
    sb.add_argument("--on-invalid", choices=("quarantine", "fail"), default="quarantine",
                    help="quarantine: write valid records and list the rest in rejects.jsonl (default); "
                    "fail: write nothing and exit 1 if any input is rejected")
    sb.add_argument("--license", default="unknown", help="the card's license: a Hugging Face Hub license id "
                    "(cc-by-4.0, mit, apache-2.0, ...; 'other' for a license of your own, its text in a LICENSE file)")
    sb.add_argument("--jobs", "-j", type=int, default=0, metavar="N", help="processes (or Dask workers) that read, "
                    "parse and check files (default 0: one per core; small inputs stay in one process; locally at "
                    "most 4 per core). The output is byte-identical whatever N")
    sb.add_argument("--engine", choices=("local", "dask"), default="local", help="local: this machine (default); "
                    "dask: a Dask cluster (pip install 'newsset[dask]'), see --scheduler")
    sb.add_argument("--scheduler", metavar="ADDRESS", help="with --engine dask: the scheduler of an existing cluster "
                    "(e.g. tcp://10.0.0.5:8786); default: a LocalCluster of --jobs workers for this run. Inputs and "
                    "--out must be on storage every worker can read and write")
    sb.add_argument("--cache", metavar="DIR", help="incremental rebuilds: keep each file's checked records in DIR, "
                    "keyed by the sha256 of its name and bytes, the schema, newsset's code and the options that "
                    "change what a file gives (--today, --group-by, the near-duplicate guard, --fix-mojibake); "
                    "unchanged files are not parsed again, nor read while their stat (inode, size, mtime, ctime) is "
                    "unchanged. The output is byte-identical to a clean build")
    sb.add_argument("--today", type=_iso_day, metavar="YYYY-MM-DD", help="the day future dates are judged against "
                    "(default: today). It is part of a --cache key and of the output: pin it to reuse a cache on "
                    "another day, or to rebuild the same bytes later")
    sb.add_argument("--citation", default=None, metavar="BIBTEX", help="citation for the card and croissant.json")
    sb.add_argument("--name", default=None, help="pretty name for the card (default: the output folder name)")
    sb.add_argument("--language", default="en", metavar="CODES", help="the articles' languages for the card, as "
                    "ISO 639 codes, comma-separated (default: en; e.g. en,fr or pt-BR; not checked against the list)")
    sb.add_argument("--quiet", "-q", action="store_true", help="print nothing on success (no progress bar, no "
                    "summary); the bar is drawn only when stderr is a terminal, and never with NEWSSET_NO_PROGRESS=1")
    sb.add_argument("--fix-mojibake", action="store_true", help="repair mojibake (UTF-8 read as cp1252: 'cafÃ©') "
                    "instead of only flagging it (text.mojibake-fixed warnings; better with pip install "
                    "'newsset[ftfy]')")
    sb.add_argument("--plot", action="store_true", help="also draw the charts of `newsset stats --plot` into "
                    "images/, link them from the card and list them in manifest.json (pip install 'newsset[plot]')")

    se = add("explain", help="explain an issue code: what it means and how to fix the input",
             description="Print the catalog entry of an issue code (as in `error[parse.invalid-date]`): its "
             "severity, meaning, how to fix the input and an example message. Exit 2 for an unknown code, "
             "with the closest known codes.", epilog=EPILOG_EXPLAIN)
    se.add_argument("code", nargs="?", metavar="CODE", help="an issue code, e.g. parse.invalid-date (any case)")
    se.add_argument("--list", action="store_true", help="list every code with its one-line meaning")
    _add_stats_parser(add)
    add("schema", help="print the bundled JSON Schema (a start for your own --schema)",
        description="Print the bundled record schema, byte for byte. It closes its properties "
        "(additionalProperties: false), so a schema of your own that adds fields starts from this copy; one that "
        "only tightens rules may $ref it by its $id instead.",
        epilog="example: newsset schema > my.schema.json")
    return p


def _iso_day(text: str) -> Any:
    import datetime as dt

    try:
        if len(text) != 10:
            raise ValueError
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date YYYY-MM-DD, got {text!r}") from None


def _add_stats_parser(add: Any) -> None:
    st = add("stats", help="rows, dates, lengths, publications and rejects of a built dataset",
             description="Summarise a built dataset from its Parquet shards (streamed, only the columns "
             "needed): rows per split and per publication, date range, body length percentiles in words, "
             "truncated share, and the top reject codes.",
             epilog="example: newsset stats dist/newsset --format markdown --plot")
    st.add_argument("path", metavar="DIR", help="a folder written by newsset build")
    st.add_argument("--format", choices=("text", "json", "markdown"), default="text", help="output format "
                    "(default: text)")
    st.add_argument("--top", type=int, default=10, metavar="N", help="show the N largest publications and reject "
                    "codes (default: 10)")
    st.add_argument("--plot", nargs="?", const="", default=None, metavar="DIR", help="also write PNG charts "
                    "(pip install 'newsset[plot]'). Default DIR: the dataset's images/, then listed in manifest.json "
                    "and linked from the card, as `build --plot` does; a DIR outside the dataset gets the PNGs only")


def _cmd_stats(args: argparse.Namespace) -> int:
    from .stats import dataset_stats, render_stats

    if args.top < 1:
        raise ConfigError("--top must be 1 or more")
    if args.plot is not None:
        from .plots import require_matplotlib

        require_matplotlib()
    st = dataset_stats(args.path)
    if args.plot is not None:
        from .plots import add_charts, chart_folder, dataset_lock, write_charts

        root = Path(args.path).absolute()
        folder = chart_folder(root, args.plot)
        inside = folder.is_relative_to(root)
        with dataset_lock(root) if inside else contextlib.nullcontext():  # (before any chart is drawn)
            paths = add_charts(st, root, folder) if inside else write_charts(st, folder)
        where = "listed in manifest.json, linked from README.md" if inside else "outside the dataset: not listed"
        print(f"newsset stats: wrote {', '.join(str(p) for p in paths)} ({where})", file=sys.stderr)
    sys.stdout.write(render_stats(st, args.format, args.top))
    return 0


def _cmd_parse(args: argparse.Namespace) -> int:
    from .check import parse_paths
    from .errors import visible
    from .records import Article
    from .sources import Source

    status = 0
    records = []
    record_files: list[Source] = []  # (said at the end: skipped, not in silence)
    for src, art in parse_paths(args.paths, skipped=record_files):
        if not isinstance(art, Article):
            print(visible(f"{display_path(src.path)}:{art.line or 1}: {art.code}: {art.message}"), file=sys.stderr)
            status = 1
            continue
        rec = {**art.to_dict(), "source": src.rel}
        if args.format == "jsonl":
            sys.stdout.write(json.dumps(rec, ensure_ascii=False) + "\n")
        elif args.format == "json":
            records.append(rec)
        else:
            sys.stdout.write(f"== {visible(display_path(src.path))}\n")
            for k, v in rec.items():
                text = v if isinstance(v, str) else json.dumps(v)
                # (lines of a field indented; any other control character escaped: nothing raw to the terminal)
                shown = "\n  ".join(visible(line) for line in str(text).split("\n"))
                sys.stdout.write(f"{k}: {shown}\n" if "\n" not in str(text) else f"{k}:\n  {shown}\n")
    if args.format == "json":
        sys.stdout.write(json.dumps(records, ensure_ascii=False, indent=2) + "\n")
    if record_files:  # they hold records, not pages: said, not skipped in silence
        print(f"newsset parse: {len(record_files):,} record file(s) (.jsonl) skipped, e.g. "
              f"{visible(display_path(record_files[0].path))}: they hold records already; check them with "
              "`newsset validate`", file=sys.stderr)
    return status


def _cmd_validate(args: argparse.Namespace) -> int:
    from .progress import bar, wanted
    from .report import STEP_SUMMARY_ISSUES, render, render_markdown, validate
    from .schema import load_schema
    from .sources import discover
    from .summary import append_step_summary

    if args.max_issues is not None and args.max_issues < 0:
        raise ConfigError(f"expected --max-issues to be 0 or more, got {args.max_issues}")  # (as validate_paths)
    fmt = args.format or ("github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text")
    schema = load_schema(args.schema)
    ignored: Counter[str] = Counter()
    sources = discover(args.paths, ignored=ignored)
    folder = os.path.dirname(os.path.abspath(args.output)) if args.output else None
    if folder is not None and not os.path.isdir(folder):
        raise OutputError(f"cannot write the report {args.output}: the folder {folder}: No such file or directory "
                          "(checked before the inputs are read)")
    if args.output:  # the report must not replace a file it checks (nor be read as input next time)
        target = os.path.realpath(args.output)
        if any(os.path.realpath(s.archive or s.path) == target for s in sources):
            raise ConfigError(f"-o {args.output} is one of the files being validated: choose another report file")
        inside = [p for p in args.paths if os.path.isdir(p) and target.startswith(os.path.realpath(p) + os.sep)]
        if inside and kind_of(os.path.basename(target)) is not None:
            raise ConfigError(f"-o {args.output} is inside the checked folder {inside[0]}, and its suffix is one "
                              "newsset reads: the next validate would check the report as an input; write it "
                              "elsewhere, or name it with another suffix (.log, .json, .xml)")
    with bar("validating", wanted(args.quiet)) as progress:
        report = validate(sources, schema, max_issues=args.max_issues, progress=progress,
                          fix_mojibake=args.fix_mojibake, today=args.today)
    report.ignored.update(ignored)  # (the walks' files of other suffixes, beside the archives' members)
    text = render(report, fmt)
    if args.output:
        _write_report(args.output, text)
    else:
        sys.stdout.write(text)
    append_step_summary(render_markdown(report, limit=STEP_SUMMARY_ISSUES), "validate")
    return 0 if report.valid else 1


def _write_report(path: str, text: str) -> None:
    """Write beside the target and rename: a full disk or a kill leaves the previous report whole
    (a CI step reads it), never a truncated one; a failure names the file. Only a regular file (or
    a new one) is replaced so: a device or FIFO (`-o /dev/null`, `/dev/stdout`) is written in place,
    and a symbolic link's target is replaced, never the link."""
    import stat

    if (fd := _named_fd(path)) is not None:  # (`-o /dev/stdout` under a pipe or inside a `{ ...; } > log`)
        try:
            sys.stdout.flush()
            data = text.encode("utf-8")
            while data:
                data = data[os.write(fd, data):]
            return
        except OSError as e:
            raise OutputError(f"cannot write the report {path}: {e.strerror or e}") from None
    target = os.path.realpath(path)
    try:
        mode = os.stat(target).st_mode
    except OSError:
        mode = None  # (a new file, or one that cannot be reached: the write below says which)
    if mode is not None and not stat.S_ISREG(mode):
        try:
            with open(target, "w", encoding="utf-8") as fh:
                fh.write(text)
            return
        except OSError as e:
            raise OutputError(f"cannot write the report {path}: {e.strerror or e}") from None
    tmp = f"{target}.tmp-{os.getpid()}"
    try:
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, target)
    except OSError as e:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise OutputError(f"cannot write the report {path}: {e.strerror or e}") from None


_FD_PATH = re.compile(r"/dev/(?:std(?P<std>out|err)|fd/(?P<fd>\d+))|/proc/self/fd/(?P<proc>\d+)")


def _named_fd(path: str) -> int | None:
    """The open file descriptor a path names (`-` and `/dev/stdout` are 1): written at its offset,
    not reopened, which a pipe cannot be and which would truncate a redirected log."""
    if path == "-":
        return 1
    m = _FD_PATH.fullmatch(path)
    if m is None:
        return None
    return {"out": 1, "err": 2}[m["std"]] if m["std"] else int(m["fd"] or m["proc"])


# Rejects only a build finds (it compares bodies across the corpus); `validate` reports the others.
_BUILD_ONLY = frozenset({"dataset.duplicate-body", "dataset.near-duplicate", "dataset.split-leak"})


def _cmd_build(args: argparse.Namespace) -> int:
    import time

    from .engine import pool_wanted, start_fork_server

    t0 = time.perf_counter()
    in_out = os.path.realpath(args.out) == os.path.realpath(os.getcwd())  # (--out . replaces the shell's folder)
    if pool_wanted(args.sources, args.jobs, args.engine):  # its imports overlap ours (pyarrow, ...)
        start_fork_server()
    from .pipeline import build
    from .progress import bar, wanted
    from .summary import append_step_summary, render_build_markdown

    with bar("building", wanted(args.quiet)) as progress:
        r = build(args.sources, args.out, schema=args.schema, split=args.split, ratios=args.ratios, seed=args.seed,
                  cutoffs=args.cutoffs, group_by=args.group_by, near_dup=args.near_dup,
                  near_dup_threshold=args.near_dup_threshold, on_invalid=args.on_invalid, tasks=args.tasks,
                  no_tasks=args.no_tasks, allow_truncated=args.allow_truncated, license=args.license,
                  citation=args.citation, pretty_name=args.name, jobs=args.jobs, engine=args.engine,
                  scheduler=args.scheduler, cache=args.cache, plot=args.plot, progress=progress,
                  fix_mojibake=args.fix_mojibake, today=args.today,
                  language=[c.strip() for c in args.language.split(",")])
    seconds = time.perf_counter() - t0
    append_step_summary(render_build_markdown(r), "build")
    codes = ", ".join(f"{c} {n:,}" for c, n in sorted(r.rejected.items(), key=lambda kv: (-kv[1], kv[0])))
    if not r.written:
        kept = f"{args.out} is left as it was"
        if not r.inputs:
            print(f"newsset build: the inputs hold no page or record (only blank lines); nothing written ({kept}).",
                  file=sys.stderr)
            return 1
        why = ("no input passed the checks, and a dataset of no rows cannot be loaded" if r.empty
               else "--on-invalid fail")
        per_record = any(c not in _BUILD_ONLY for c in r.rejected)
        across = any(c in _BUILD_ONLY for c in r.rejected)
        hint = " ".join(filter(None, [
            "Run `newsset validate` on the sources for the located errors." if per_record else "",
            "Duplicate bodies and near copies are found by comparing the whole corpus's texts, which `validate` "
            "does not do (it reports repeated ids): a build without --on-invalid fail lists them in rejects.jsonl."
            if across else ""]))
        print(f"newsset build: {r.total_rejected:,} of {r.inputs:,} input(s) rejected ({codes}); {why}: nothing "
              f"written ({kept}). {hint}", file=sys.stderr)
        return 1
    for note in r.notes:
        print(f"newsset build: {note}", file=sys.stderr)
    if not args.quiet:
        print(build_summary(r, args.out, seconds), file=sys.stderr)
    if in_out and not args.quiet:
        print(f"newsset build: note: {args.out} was the folder you are in, now replaced by the new dataset of the "
              "same name: run `cd .` (or cd into it again) to see it", file=sys.stderr)
    return 0


def build_summary(r: Any, out: str, seconds: float) -> str:
    """The few lines a person reads after a build: what went in, what came out, what was refused."""
    rate = f"{r.inputs / seconds:,.0f} inputs/s" if seconds > 0 else ""
    rows = " · ".join(f"{k} {v:,}" for k, v in r.rows.items()) or "none"
    tasks = [c for c, splits in r.configs.items() if c != "default" and any(splits.values())]  # those written
    empty = [c for c in r.tasks if c not in tasks]  # (asked for, but no record fits them)
    lines = [f"built {out} in {seconds:.1f} s ({rate})",
             f"  read      {r.inputs:,} input(s) from {r.files:,} file(s)" + ignored_note(r.ignored),
             f"  rows      {rows}" + (f"  (+ task configs: {', '.join(tasks)})" if tasks else "")]
    if empty:
        lines.append(f"  tasks     no record fits {', '.join(empty)} (required fields null or empty, or truncated): "
                     "no config written")
    if r.total_rejected:
        top = sorted(r.rejected.items(), key=lambda kv: (-kv[1], kv[0]))
        shown = ", ".join(f"{c} {n:,}" for c, n in top[:6]) + (f", {len(top) - 6} more code(s)" if len(top) > 6 else "")
        lines.append(f"  rejected  {r.total_rejected:,}: {shown}")
        lines.append(f"            see {out}/rejects.jsonl; `newsset explain CODE` says what a code means")
    else:
        lines.append("  rejected  none")
    if r.warnings:
        shown = ", ".join(f"{c} {n:,}" for c, n in sorted(r.warnings.items(), key=lambda kv: (-kv[1], kv[0])))
        lines.append(f"  warnings  {shown} (rows kept; `newsset validate` shows where)")
    if r.split_note:
        lines.append(f"  splits    {r.split_note}")
    leak = r.leakage
    if leak.mode != "off":
        lines.append(f"  leakage   {leak.clusters:,} near-duplicate cluster(s), "
                     f"{leak.dropped + leak.split_leaks_dropped:,} dropped, {leak.co_located:,} kept together, "
                     f"{leak.cross_split:,} across splits")
    if r.cached_inputs:
        rest = ", the rest parsed" if r.cached_inputs < r.inputs else ""
        lines.append(f"  cache     {r.cached_inputs:,} of {r.inputs:,} input(s) reused ({r.cached_chunks:,} of "
                     f"{r.chunks:,} chunk(s) whole){rest}")
    if r.cache_errors:
        why = ", ".join(f"{reason} ({n:,})" for reason, n in sorted(r.cache_errors.items()))
        lines.append(f"  cache     {sum(r.cache_errors.values()):,} chunk(s) not stored: {why}; the output is "
                     "complete, the next build parses them again")
    return "\n".join(lines)


def _cmd_explain(args: argparse.Namespace) -> int:
    from .errors import CODES, explain_text, find_code, similar_codes

    if args.list == (args.code is not None):
        raise ConfigError("expected an issue code or --list (not both, not neither), e.g. `newsset explain "
                          "parse.invalid-date` or `newsset explain --list`")
    if args.list:
        width = max(map(len, CODES))
        sys.stdout.write("".join(f"{c.code:<{width}}  {c.title}\n" for c in CODES.values()))
        return 0
    entry = find_code(args.code)
    if entry is None:
        near = similar_codes(args.code)
        options = ", ".join(near[:-1]) + " or " + near[-1] if len(near) > 1 else "".join(near)
        guess = f"; did you mean {options}?" if near else "."
        raise ConfigError(f"expected a known issue code, got {args.code!r}{guess} Run `newsset explain --list` "
                          "for every code.")
    sys.stdout.write(explain_text(entry))
    return 0


def _cmd_schema(args: argparse.Namespace) -> int:
    from .schema import bundled_schema_path

    sys.stdout.buffer.write(bundled_schema_path().read_bytes())
    sys.stdout.flush()
    return 0


def _cmd_verify(args: argparse.Namespace) -> int:
    from .verify import render_verify_text, verify

    report = verify(args.path, load=not args.no_load)  # (no folder there: a ConfigError, exit 2)
    if args.format == "json":
        sys.stdout.write(json.dumps(report.to_dict(), indent=2, ensure_ascii=False, default=str) + "\n")
    else:
        sys.stdout.write(render_verify_text(report))
    return 0 if report.ok else 1


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI and return its exit status (tests call this directly)."""
    args = make_parser().parse_args(argv)
    try:
        os.getcwd()
    except FileNotFoundError:  # (every relative path would fail with a bare "No such file or directory")
        print(f"newsset {args.command}: error: the current folder no longer exists (a build with --out . replaces "
              "the folder you are in with a new one of the same name: `cd .` or cd into it again)", file=sys.stderr)
        return 2
    handler = {"parse": _cmd_parse, "validate": _cmd_validate, "build": _cmd_build, "verify": _cmd_verify,
               "explain": _cmd_explain, "stats": _cmd_stats, "schema": _cmd_schema}[args.command]
    with _terminate_like_interrupt() as terminated:
        try:
            return handler(args)
        except NewssetError as e:
            print(f"newsset {args.command}: error: {display_path(str(e))}", file=sys.stderr)
            return e.exit_code
        except OSError as e:  # reading inputs never raises (bad inputs are reported): the output side, mostly
            if isinstance(e, BrokenPipeError):
                return 0
            where = f"{display_path(os.fsdecode(e.filename))}: " if getattr(e, "filename", None) else ""
            advice = " (this process may open too few files: raise `ulimit -n`, or try --jobs 1)" \
                if e.errno in (errno.EMFILE, errno.ENFILE) else ""
            print(f"newsset {args.command}: error: {where}{e.strerror or e}{advice}", file=sys.stderr)
            return 3
        except MemoryError:
            print(f"newsset {args.command}: error: out of memory; nothing was published and the previous output is "
                  "untouched. Try fewer --jobs, or --near-dup off for pages of several MB", file=sys.stderr)
            return 3
        except Exception as e:
            if not _refused_resource(e):
                raise
            what = (f"the system refused a resource ({e})" if not isinstance(e, (EOFError, AssertionError)) else
                    f"a worker process ended while it started ({e or type(e).__name__}): it was killed (out of memory, "
                    "most often, or `kill`), or the system refused it a resource")
            print(f"newsset {args.command}: error: {what}: too many open files, threads or too little memory for this "
                  "process (see `ulimit -n`, `ulimit -u`, `ulimit -v`); nothing was published and the previous output "
                  "is untouched. Raise the limit, or try --jobs 1", file=sys.stderr)
            return 3
        except KeyboardInterrupt:
            from .publish import published

            if args.command == "build" and published:  # the signal came after the new dataset was swapped in
                print(f"newsset build: {_stopped(terminated)} after the dataset was "
                      f"published: {display_path(str(published[0]))} is complete (its summary was not printed)",
                      file=sys.stderr)
                return 0
            print(f"newsset {args.command}: {_stopped(terminated)}", file=sys.stderr)
            return 128 + terminated[0] if terminated else 130


def _refused_resource(e: BaseException) -> bool:
    """An error that says the system refused a process, thread, file descriptor or memory (a
    container's low `ulimit`), not that newsset or its input went wrong: a thread that cannot
    start, Arrow's worker thread, a worker process whose start-up broke off."""
    text = str(e)
    return (isinstance(e, RuntimeError) and "can't start new thread" in text) or (
        type(e).__name__ == "ArrowException" and "Failed to launch" in text) or (
        isinstance(e, (EOFError, AssertionError)) and any(
            "multiprocessing" in (tb.tb_frame.f_code.co_filename or "") for tb in _tracebacks(e)))


def _tracebacks(e: BaseException) -> Iterator[Any]:
    tb = e.__traceback__
    while tb is not None:
        yield tb
        tb = tb.tb_next


def _stopped(signals: list[int]) -> str:
    """How the run was stopped: by Ctrl-C, SIGTERM, or SIGHUP (the terminal or ssh session closed)."""
    import signal

    if not signals:
        return "interrupted"
    return "hung up (SIGHUP: the terminal closed)" if signals[0] == signal.SIGHUP else "terminated"


@contextlib.contextmanager
def _terminate_like_interrupt() -> Iterator[list[int]]:
    """SIGTERM (a CI timeout, `kill`, a container stop) and SIGHUP (the terminal or ssh session
    closed) clean up as Ctrl-C does: staging folder removed, workers stopped, previous output
    untouched; exit 143 (129 for SIGHUP). The list holds the signal once it came. (Main thread
    only: elsewhere the default action stands.)"""
    import signal
    import threading

    got: list[int] = []
    if threading.current_thread() is not threading.main_thread():
        yield got
        return

    def on_term(signum: int, _frame: object) -> None:
        got.append(signum)
        raise KeyboardInterrupt

    before = {s: signal.signal(s, on_term) for s in (signal.SIGTERM, signal.SIGHUP)}
    try:
        yield got
    finally:
        for s, handler in before.items():
            signal.signal(s, handler)


def _more_open_files(want: int = 4096) -> None:
    """Raise this process's soft limit of open files towards its hard limit (as many tools do): a
    container's default of a few dozen is too few for a build's Parquet writers and worker pipes."""
    try:
        import resource
    except ImportError:  # (not on Windows)
        return
    try:
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        if soft != resource.RLIM_INFINITY and soft < want:
            resource.setrlimit(resource.RLIMIT_NOFILE,
                               (want if hard == resource.RLIM_INFINITY else min(want, hard), hard))
    except (OSError, ValueError):
        pass


def run() -> None:
    """Console-script entry point: a process of its own, so declining pandas affects nobody else
    (pyarrow remembers a failed pandas import for the life of the process)."""
    try:  # (a Ctrl-C before a command takes it, as modules load: a line that says so, no traceback)
        # A stream closed when the process started (`>&-`) is None in Python. Without stderr, messages go
        # nowhere; without stdout, a build (whose product is the folder) drops its summary, and any other
        # command, whose product is what it prints, cannot be run: exit 3, as for any output not writable.
        if sys.stderr is None:
            sys.stderr = open(os.devnull, "w", encoding="utf-8")
        if sys.stdout is None:
            to_file = sys.argv[1:2] == ["validate"] and any(
                a in ("-o", "--output") or a.startswith(("-o", "--output=")) for a in sys.argv[2:])
            if len(sys.argv) > 1 and sys.argv[1] != "build" and not to_file \
                    and not {"-h", "--help", "--version"} & set(sys.argv[1:]):
                print("newsset: error: standard output is closed: nothing this command prints can be written",
                      file=sys.stderr)
                sys.exit(3)
            sys.stdout = open(os.devnull, "w", encoding="utf-8")
        for stream in (sys.stdout, sys.stderr):  # a Latin-1 or ASCII locale: messages quote any text, escaped
            if isinstance(stream, io.TextIOWrapper) and (stream.encoding or "").lower().replace("-", "") != "utf8":
                stream.reconfigure(errors="backslashreplace")
        if len(sys.argv) > 1 and sys.argv[1] in ("parse", "validate", "build"):
            from .nopandas import decline_pandas

            decline_pandas()
        if sys.platform.startswith("linux") and "pyarrow" not in sys.modules:
            # jemalloc hands freed buffers back to the OS sooner than the default mimalloc: the same
            # speed, and peak RSS stays flat as the corpus grows (measured in benchmarks/results.md).
            # Set before pyarrow loads, and inherited by worker processes; a user's setting wins.
            os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "jemalloc")
        _more_open_files()
        if "numpy" not in sys.modules:
            # newsset does no linear algebra: OpenBLAS's thread pool would only spin while numpy loads
            # (~0.1 CPU-s in each process, on the cores the start-up needs). A user's setting wins.
            os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
        status = main()
    except KeyboardInterrupt:
        from .publish import published

        print("newsset: interrupted" + (" after the dataset was published" if published else ""), file=sys.stderr)
        sys.exit(0 if published else 130)
    from .publish import published

    if published:  # a build whose dataset is complete: a signal in the ~50 ms the interpreter takes to
        import signal  # shut down would kill it (130, 143) though its status is 0, as the README says

        for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(s, signal.SIG_IGN)
    sys.exit(status)
