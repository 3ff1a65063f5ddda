"""`newsset build`: inputs -> checked records -> deduplicated, split Parquet shards + card,
manifest, Croissant metadata and rejects, published atomically.

Pipeline (each step one job)::

    discover -> make_chunks
      -> run_chunk, in worker processes (read, parse, validate: pure per file; accepted rows to
         an Arrow part file, small keys per record + MinHash back to the driver)
      -> _dedup (exact duplicates by id and by normalised body, on the keys)
      -> plan (near duplicates, splits: on keys only)
      -> route (each part's rows to one ShardWriter per config and split)
      -> manifest / card / croissant / lm_eval -> publish

With the near-duplicate guard off, a record's split is known when its chunk is in, so its part
is routed at once (one pass). With it on, the parts wait in the staging folder and are routed
in a second pass once the plan is known. Both give byte-identical shards.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import json
import os
import re
import shutil
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from itertools import chain
from pathlib import Path
from typing import IO, Any, Literal

import numpy as np

from . import __version__
from .cache import code_digest, schema_digest
from .check import Item, duplicate_issue
from .chunk import BUNDLED, ChunkResult, ChunkSpec, KeyStore, make_chunks, rejected_items
from .engine import SMALL, Engine, LocalPool, check_engine, pool_wanted, resolve_jobs, run_chunks
from .errors import CODES, ID_SHOWN, SURROGATE, ConfigError, check_option_types, display_path
from .plan import REJECTED, Leakage, NearDup, make_plan
from .progress import Progress
from .publish import OWN_NAMES, Staging, lock_path
from .route import Background, PartRouter, Router
from .schema import Schema, bundled_schema_path, load_schema
from .sources import CARD_MAX_BYTES, Source, as_paths, discover, kind_of, read_small_file
from .split import ALGORITHM, SPLITS, DateSplitter, Splitter, parse_cutoffs, parse_ratios
from .tasks import Task, bundled_tasks, lm_eval_yaml, load_tasks
from .write import ShardFile, parquet_info, sha256_file, write_json

__all__ = ["BuildResult", "build"]

OnInvalid = Literal["quarantine", "fail"]
SplitStrategy = Literal["hash", "date"]
DEFAULT_THRESHOLD = 0.7
_LANGUAGE = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*")  # ISO 639-1/3, with a region or script (pt-BR)


def _bcp47_case(code: str) -> str:
    """A language tag in BCP 47's conventional case, as the Hub and Croissant list them: the language
    lower case, a script title case, a region upper case (`PT-br` -> `pt-BR`, `zh-hant-tw` -> `zh-Hant-TW`)."""
    head, *rest = code.split("-")
    tags = [head.lower()]
    for t in rest:
        tags.append(t.title() if len(t) == 4 and t.isalpha() else t.upper() if len(t) == 2 or
                    (len(t) == 3 and t.isdigit()) else t.lower())
    return "-".join(tags)


@dataclass
class BuildResult:
    """What a build did. `written` is False when nothing was written: `on_invalid='fail'` met a
    reject, or no input passed the checks (`empty`: a dataset of no rows is one no reader can load,
    and it must not replace a good one at `out`)."""

    out: Path
    inputs: int = 0
    files: int = 0
    rows: dict[str, int] = field(default_factory=dict)
    configs: dict[str, dict[str, int]] = field(default_factory=dict)
    rejected: Counter[str] = field(default_factory=Counter)
    warnings: Counter[str] = field(default_factory=Counter)  # on kept records; `newsset validate` locates them
    duplicates: int = 0
    leakage: Leakage = field(default_factory=Leakage)
    written: bool = False
    empty: bool = False
    chunks: int = 0
    cached_chunks: int = 0  # chunks whose checked records came from --cache whole
    cached_inputs: int = 0  # inputs (pages, records) whose results came from --cache, whole chunks included
    kept_aside: Path | None = None  # the previous output, when files of the user's in it had nowhere to go
    ignored: Counter[str] = field(default_factory=Counter)  # files of other types in the input folders, by suffix
    cache_errors: Counter[str] = field(default_factory=Counter)  # chunks --cache could not file, by reason
    split_note: str | None = None  # the hash split came out far from --ratios (groups too large for them)
    carried: list[str] = field(default_factory=list)  # the user's files carried over from the previous output
    replaced_tasks: list[str] = field(default_factory=list)  # bundled tasks a --tasks table of the same name replaced
    tasks: list[str] = field(default_factory=list)  # the task configs asked for (those with rows: `configs`)
    notes: list[str] = field(default_factory=list)  # what a published build should tell: "warning: ..." or "note: ..."

    @property
    def ok(self) -> bool:
        return self.written

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())

    @property
    def total_rejected(self) -> int:
        return sum(self.rejected.values())


def _ratio_note(rows: dict[str, int], ratios: Sequence[float], group_by: str | None, near_dup: str) -> str | None:
    """Why a hash split came out far from the ratios asked for, when it did: whole groups
    (`--group-by`, near-duplicate clusters kept in one split) move together, and a few large ones
    decide the shares. Small datasets are left alone: their shares are noisy by nature."""
    total = sum(rows.values())
    if total < 200:
        return None
    got = [rows.get(s, 0) / total for s in SPLITS]
    if all(abs(g - w) <= max(0.05, w / 2) for g, w in zip(got, ratios)):
        return None
    cause = (f"--group-by {group_by} keeps each group in one split, and a few large groups decide the shares"
             if group_by else "near-duplicate clusters are kept in one split" if near_dup == "keep" else
             "the split is by hash of each record's id")
    return (f"the splits came out {'/'.join(f'{g:.2f}' for g in got)} for --ratios "
            f"{'/'.join(f'{w:g}' for w in ratios)}: {cause}")


class _SameIssues:
    """A file's reject that has the issues of an earlier reject of the same file (but for its line and
    its record's id: a file of `{}` lines, or an exporter that left out the same null keys on every
    line) names that line, `same_issues_as_line`, instead of repeating them: their list is most of a
    reject's bytes (13 missing fields: 3.5 KB a `{}` line, a compressed file of a few hundred bytes
    made gigabytes of rejects). Each issue is still reported: at the line named. (The first
    `MEMO` distinct lists of a file are remembered; the writes are in row order, so a file's
    rejects, over all its byte ranges, come one after another.)"""

    MEMO = 1024

    def __init__(self) -> None:
        self.source: str | None = None
        self.first: dict[tuple[tuple[object, ...], ...], int] = {}

    def line_of(self, item: Item) -> int | None:
        """The line of the file's first reject with these issues, or None (this is it, or one of the rest)."""
        if item.source.rel != self.source:
            self.source, self.first = item.source.rel, {}
        key = tuple((i.code, i.message, None if i.line is None else i.line - item.line, i.column, i.json_path,
                     i.schema_path, i.expected, i.got, i.severity) for i in item.issues)  # (what rejects.jsonl lists)
        first = self.first.get(key)
        if first is None and len(self.first) < self.MEMO:
            self.first[key] = item.line
        return first


def _reject_line(item: Item, kept: dict[str, Any] | None = None, same: _SameIssues | None = None) -> str:
    first = item.reason
    entry: dict[str, Any] = {"source": item.source.rel, "path": display_path(item.source.path), "line": item.line,
                             "code": first.code, "message": first.message}
    if first.column is not None:  # (where on its line: a record file's JSON syntax error)
        entry["column"] = first.column
    if first.hint and first.hint != CODES[first.code].hint:  # (what this input needs; the code's own: `explain`)
        entry["hint"] = first.hint
    if item.record is not None and isinstance(rid := item.record.get("id"), str):
        entry["id"] = rid if len(rid) <= ID_SHOWN else f"{rid[:ID_SHOWN]}\u2026 ({len(rid):,} characters)"
    if kept is not None:
        entry["kept"] = kept
    if len(item.issues) > 1 or first.json_path:
        earlier = same.line_of(item) if same is not None and len(item.issues) > 1 else None
        if earlier is None:
            entry["issues"] = [{k: v for k, v in i.to_dict().items() if v is not None and k not in ("path", "hint")}
                               for i in item.issues]
        else:
            entry["same_issues_as_line"] = earlier
    return _json_line(entry)


def _json_line(entry: dict[str, Any]) -> str:
    """A rejects.jsonl line. A lone surrogate (a record's `"\\ud800"` in JSON) is written as text, `\\\\ud800`: as
    JSON's own escape, strict readers (jq) refuse the line, and every line after it."""
    line = json.dumps(entry, ensure_ascii=False)
    if not line.isascii() and SURROGATE.search(line):
        line = SURROGATE.sub(lambda m: f"\\\\u{ord(m.group()):04x}", line)
    return line + "\n"


def _load_task_set(tasks: str | os.PathLike[str] | dict[str, Task] | None,
                   no_tasks: bool) -> tuple[dict[str, Task], list[str]]:
    """(the task configs to write, the bundled ones that tasks of the user's replace)."""
    if no_tasks:
        if tasks is not None:
            raise ConfigError("--no-tasks and --tasks: choose one (--no-tasks writes no task config, --tasks adds "
                              "yours to the bundled ones)")
        return {}, []
    found = bundled_tasks()
    mine = tasks if isinstance(tasks, dict) else load_tasks(tasks) if tasks is not None else {}
    replaced = sorted(set(found) & set(mine))
    found.update(mine)
    return found, replaced


def _check_out(inputs: list[str], out: str | os.PathLike[str]) -> None:
    """A build replaces --out whole: an input inside it (or --out itself) would be deleted by it."""
    if not os.fspath(out):  # (an unset $OUT in a script: the current folder was built over)
        raise ConfigError("--out: expected a folder name, got an empty string")
    if os.path.islink(out) and not os.path.exists(out):  # found out only at publishing, after the whole build
        raise ConfigError(f"--out {display_path(os.fspath(out))} is a symbolic link to nothing (a missing target, or "
                          "a loop): remove the link, or point it at a folder")
    if display_path(os.fspath(out)) != os.fspath(out):
        raise ConfigError(f"--out {display_path(os.fspath(out))}: expected a folder name that is UTF-8 text (the card, "
                          "the manifest and the lm_eval tasks name it, and Parquet writers take only UTF-8 paths)")
    home = Path(os.path.realpath(out))
    for given in inputs:
        path = Path(os.path.realpath(given))
        if path == home or home in path.parents:
            raise ConfigError(f"--out {display_path(os.fspath(out))} holds the input {display_path(given)}: the "
                              "dataset written there would replace it; choose an --out outside the inputs")


def build(sources: Iterable[str | os.PathLike[str]], out: str | os.PathLike[str], *,
          schema: str | os.PathLike[str] | Schema | None = None, split: SplitStrategy = "hash",
          ratios: str | Sequence[float] | None = None, seed: int | None = None,
          cutoffs: str | Sequence[str] | None = None,
          group_by: str | None = None, near_dup: NearDup = "keep", near_dup_threshold: float | None = None,
          on_invalid: OnInvalid = "quarantine", tasks: str | os.PathLike[str] | dict[str, Task] | None = None,
          no_tasks: bool = False, allow_truncated: bool = False, license: str = "unknown",
          citation: str | None = None, pretty_name: str | None = None, language: Sequence[str] = ("en",),
          jobs: int | None = 1, engine: Engine = "local", scheduler: str | None = None,
          cache: str | os.PathLike[str] | None = None, today: _dt.date | None = None,
          progress: Progress | None = None,
          plot: bool = False, fix_mojibake: bool = False) -> BuildResult:
    """Build a dataset folder at `out` from raw pages and record files (see `newsset build --help`).
    `plot=True` also draws the charts of `newsset stats --plot` into `images/` (needs matplotlib).
    `fix_mojibake=True` repairs mojibake in the text (ftfy when installed; see `newsset.text`).
    `ratios` (default 0.8, 0.1, 0.1) and `seed` (default 0) go with `split="hash"`, and
    `near_dup_threshold` (default 0.7) with a near-duplicate guard: given otherwise, they are refused
    (an option that silently does nothing makes a user think it did).
    `jobs=1` (the default here) works in one process; `jobs=0` uses one worker process per core
    (the CLI's default) — from a script, that needs the usual `if __name__ == "__main__":` guard,
    since worker processes (forked from a fork server, or spawned) import the main module."""
    if plot:  # before any work: a missing extra should not cost a whole build
        from .plots import require_matplotlib

        require_matplotlib()

    check_option_types([("citation", citation, (str, type(None)), "text"),
                        ("pretty_name", pretty_name, (str, type(None)), "text")])
    if pretty_name is not None and not pretty_name.strip():
        raise ConfigError(f"--name: expected the dataset's name for its card, got {pretty_name!r} (only white space)")
    if progress is not None and not callable(progress):
        raise ConfigError(f"progress: expected a function of (files done, files), got {type(progress).__name__}")
    language, near_dup_threshold, license = _checked_options(
        jobs=jobs, seed=seed, today=today, license=license, language=language, on_invalid=on_invalid,
        near_dup=near_dup, near_dup_threshold=near_dup_threshold, flags=dict(
            no_tasks=no_tasks, allow_truncated=allow_truncated, plot=plot, fix_mojibake=fix_mojibake))
    n_jobs = resolve_jobs(jobs, engine)
    check_engine(engine, scheduler)
    ratio_values, seed, cut, by_key, by_date = _splitters(split, ratios, seed, cutoffs, group_by)
    sch, task_set, replaced = _schema_and_tasks(schema, tasks, no_tasks, by_date is not None, group_by)
    inputs = [os.fspath(s) for s in as_paths(sources)]
    if not inputs:
        raise ConfigError("no input given: pass at least one folder or file")
    _check_out(inputs, out)
    out_abs = os.path.abspath(out)  # (now: after the swap, `--out .` names a folder no longer there)
    old_card = _previous_card(Path(out))  # (before any work: a card that cannot be kept fails the build now)
    if cache is not None:
        _check_cache(Path(cache), Path(out))
    # Local workers start now, when the inputs look like more than a small job (or --jobs was
    # given): their imports overlap the discovery and the output's set-up.
    pool = None
    if pool_wanted(inputs, jobs, engine):
        pool = LocalPool(n_jobs, str(sch.path))
    try:
        ignored: Counter[str] = Counter()
        # (an --out or --cache inside an input: neither holds inputs, nor files to count as passed over)
        srcs = discover(inputs, skip=[out, lock_path(out), *([cache] if cache is not None else [])], ignored=ignored)
        if cache is not None:
            _make_cache(Path(cache))
        if engine == "dask" and scheduler is not None:
            srcs = [_absolute(s) for s in srcs]  # the user's workers run elsewhere: not from this folder
        chunks = make_chunks(srcs)
    except BaseException:
        if pool is not None:
            pool.close(unused=True)
        raise
    if engine == "local" and not jobs and not (len(chunks) > 1 and (len(srcs) >= SMALL or len(chunks) > len(srcs))):
        n_jobs = 1  # starting worker processes costs more than a small job (few pages, no large record file)
        if pool is not None:
            pool.close(unused=True)
            pool = None
    elif pool is None and engine == "local" and n_jobs > 1:
        pool = LocalPool(n_jobs, str(sch.path))
    today = today or _dt.date.today()
    result = BuildResult(Path(out), files=len(srcs), ignored=ignored,
                         replaced_tasks=replaced)
    guard = near_dup != "off"

    with contextlib.ExitStack() as stack:
        if pool is not None:
            stack.enter_context(pool)  # (closed too when the staging folder cannot be made)
        stage = stack.enter_context(Staging(out))
        if pool is not None:  # workers end before a failed build's staging folder is removed: a chunk
            stack.callback(pool.close)  # still running would write its part into the folder being removed
        router = Router(stage.dir, sch.parquet_schema, task_set, allow_truncated)
        keys = KeyStore()
        parts = stage.dir / ".parts"
        parts.mkdir()
        digest = schema_digest(sch)
        # (the bundled schema by name: a Dask worker's newsset may be installed at another path; there,
        # the driver's code digest too: a worker running other code refuses its chunk)
        schema_at = BUNDLED if sch.path.resolve() == bundled_schema_path().resolve() else os.path.abspath(sch.path)
        code = code_digest() if engine == "dask" else None
        specs = [ChunkSpec(i, tuple(c), schema_at, today, str(parts), guard, group_by,
                           os.path.abspath(cache) if cache is not None else None, fix_mojibake, digest, code)
                 for i, c in enumerate(chunks)]
        n_files = len(srcs)
        del srcs, chunks  # (the specs hold the sources now, each chunk's until its result is in: see below)
        chunk_rows: list[tuple[str | None, bool, np.ndarray]] = []  # (part, shared, key index per row or -1)
        sigs: list[np.ndarray] = []
        accepted_codes: list[np.ndarray] = []
        seen_id: dict[str, int] = {}
        seen_body: dict[bytes, int] = {}
        line_base: dict[str, int] = {}

        background = Background(PartRouter(router).put)
        try:
            # backslashreplace: a file name that is not UTF-8 (surrogateescape'd) is written as a
            # \udcXX escape, which JSON readers turn back into the same str.
            with open(stage.dir / "rejects.jsonl", "w", encoding="utf-8", errors="backslashreplace") as rejects:
                files_done, same = 0, _SameIssues()
                # (closed before the staging folder is removed: on a failure or Ctrl-C the Dask engine
                # waits there for the chunks still running, which would write their parts into it)
                results = stack.enter_context(contextlib.closing(run_chunks(specs, n_jobs, engine, scheduler, pool)))
                for i, res in enumerate(results):
                    files_done += sum(s.end < 0 for s in specs[i].sources)  # a byte range counts at its last part
                    # A chunk's sources are let go once its result is in: the file list (~260 bytes a
                    # file) shrinks as the keys grow, so the peak is the larger of the two, not their sum.
                    specs[i] = replace(specs[i], sources=())
                    if progress is not None:
                        progress(files_done, n_files)
                    base = 0
                    if res.range_of is not None:  # a byte range: number lines from the file's start
                        base = line_base.get(res.range_of, 0)
                        res.shift_lines(base)
                        line_base[res.range_of] = line_base.get(res.range_of, 0) + res.lines
                    row_key = _accept(res, base, keys, seen_id, seen_body, rejects, result, same)
                    if res.sigs is not None:
                        sigs.append(res.sigs[row_key >= 0])
                    if guard:
                        chunk_rows.append((res.part, res.shared, row_key))
                    else:
                        codes = _split_codes(keys, row_key, by_key, by_date)
                        accepted_codes.append(codes[row_key >= 0])
                        background.put(res.part, res.shared, codes)
                if guard:
                    plan = make_plan(keys.ids, keys.dates, keys.groups if group_by else None,
                                     np.vstack(sigs) if sigs else None, by_key=by_key, by_date=by_date,
                                     near_dup=near_dup, threshold=near_dup_threshold)
                    result.leakage = plan.leakage
                    _write_plan_rejects(plan.rejects, keys, rejects, result)
                    split_codes = plan.split
                else:
                    split_codes = np.concatenate(accepted_codes) if accepted_codes else np.zeros(0, np.int8)
            result.empty = len(split_codes) == 0
            if (on_invalid == "fail" and result.total_rejected) or result.empty:
                background.close(cancel=True)
                router.abort()
                return result
            for part, shared, row_key in chunk_rows:
                codes = np.where(row_key >= 0, split_codes[np.maximum(row_key, 0)], REJECTED).astype(np.int8)
                background.put(part, shared, codes)
            background.put(None, False, None)
            background.close()
            shutil.rmtree(parts, ignore_errors=True)
            shards = router.close()
        except BaseException:
            background.close(cancel=True)
            router.abort()
            raise
        info = _describe(stage.dir, shards, keys, split_codes, task_set)
        result.rows = {s: info["splits"]["default"][s]["rows"] for s in SPLITS if s in info["splits"]["default"]}
        result.configs = {c: {s: d[s]["rows"] for s in SPLITS if s in d} for c, d in info["splits"].items()}
        result.tasks = sorted(task_set)
        if by_key is not None:
            result.split_note = _ratio_note(result.rows, ratio_values, group_by, near_dup)
        options = {"sources": [display_path(i) for i in inputs], "split": split, "ratios": list(ratio_values),
                   "seed": seed, "cutoffs": list(cut) if cut else None, "group_by": group_by, "near_dup": near_dup,
                   "near_dup_threshold": near_dup_threshold if guard else None, "on_invalid": on_invalid,
                   "allow_truncated": allow_truncated, "tasks": sorted(task_set), "license": license}
        manifest = _manifest(result, sch, options, by_key, info, split_codes, task_set, stage.dir / "rejects.jsonl")
        final = Path(out_abs)  # (normalised: `--out .` or `..` names the folder)
        card_info = {"pretty_name": pretty_name or final.name, "license": license,
                     "citation": citation, "language": list(language), "manifest": manifest, "configs": info["splits"],
                     "split_stats": info["split_stats"], "examples": router.examples, "tasks": task_set,
                     "out": Path(out), "today": today}
        _write_metadata(stage.dir, sch, task_set, info, card_info, manifest, old_card, plot)
        stage.publish()
        result.written = True
        result.kept_aside = stage.kept
        result.carried = stage.carried
        result.notes = _notes(result, os.fspath(out), out_abs, license)
    return result


def _manifest(result: BuildResult, sch: Schema, options: dict[str, Any], by_key: Splitter | None,
              info: dict[str, Any], split_codes: np.ndarray, task_set: dict[str, Task],
              rejects_path: Path) -> dict[str, Any]:
    """manifest.json: what was built from what, with which options; what `newsset verify` checks the
    files against."""
    strategy: dict[str, Any] = ({"strategy": "hash", "algorithm": ALGORITHM, "salt": by_key.salt,
                                 "ratios": dict(zip(SPLITS, options["ratios"])), "group_by": options["group_by"]}
                                if by_key is not None else
                                {"strategy": "date", "cutoffs": options["cutoffs"] or [],
                                 "rule": "train < cutoffs[0] <= validation < cutoffs[1] <= test"})
    leak = result.leakage
    return {
        "newsset_version": __version__,
        "schema": {"id": sch.id, "sha256": sch.sha256, "path": "schema.json"},
        "options": options,
        "split": {**strategy, "splits": info["split_stats"],
                  **({"note": result.split_note} if result.split_note else {})},
        "leakage": {"mode": options["near_dup"], "threshold": leak.threshold,
                    **({} if options["near_dup"] == "off" else {  # (off: nothing measured, so no counts, not 0s)
                        "near_duplicate_pairs": leak.pairs, "clusters": leak.clusters,
                        "records_in_clusters": leak.records_in_clusters, "dropped": leak.dropped,
                        "co_located": leak.co_located, "split_leaks_dropped": leak.split_leaks_dropped,
                        "cross_split_pairs": leak.cross_split}),
                    "exact_duplicates_removed": result.duplicates},
        "inputs": {"files": result.files, "items": result.inputs, "accepted": int((split_codes != REJECTED).sum()),
                   "rejected": result.total_rejected, "duplicates": result.duplicates,
                   "rejected_by_code": dict(sorted(result.rejected.items())),
                   "warnings_by_code": dict(sorted(result.warnings.items())),
                   "ignored_by_suffix": dict(sorted(result.ignored.items()))},
        "configs": result.configs,
        "tasks": {name: {"description": t.description, "columns": t.columns, "require": list(t.require),
                         "untruncated": t.untruncated and not options["allow_truncated"]}
                  for name, t in task_set.items()},
        "files": info["files"],
        "rejects": {"path": "rejects.jsonl", "rows": result.total_rejected, "bytes": rejects_path.stat().st_size,
                    "sha256": sha256_file(rejects_path)},
    }


def _checked_options(*, jobs: Any, seed: Any, today: Any, license: Any, language: Any, on_invalid: Any,
                     near_dup: Any, near_dup_threshold: Any, flags: dict[str, Any]) -> tuple[list[str], float, str]:
    """The options no later step checks, refused before any work as the CLI refuses them (a build
    called from a script gets a ConfigError, not a traceback an hour in): the language codes once
    each in BCP 47 case, the guard's threshold, the license as the Hub names it."""
    from .card import hub_license

    check_option_types([("jobs", jobs, (int, type(None)), "an integer"),
                        ("seed", seed, (int, type(None)), "an integer"),
                        ("today", today, (_dt.date, type(None)), "a date"), ("license", license, str, "a string"),
                        *((what, value, bool, "true or false") for what, value in flags.items())])
    if isinstance(language, str):
        language = [c.strip() for c in language.split(",")]  # ("en" alone, not "e" and "n"; or "en, fr")
    elif isinstance(language, bytes):
        language = [language]
    given = list(language)
    bad = [c for c in given if not (isinstance(c, str) and _LANGUAGE.fullmatch(c))]
    if bad or not given:
        raise ConfigError(f"--language: expected language codes such as en, fr or pt-BR, got "
                          f"{', '.join(map(repr, bad)) if bad else 'none'}")
    language = list(dict.fromkeys(map(_bcp47_case, given)))  # (each code once, in the given order)
    if on_invalid not in ("quarantine", "fail"):
        raise ConfigError(f"--on-invalid: expected 'quarantine' or 'fail', got {on_invalid!r}")
    if near_dup not in ("keep", "drop", "off"):
        raise ConfigError(f"--near-dup: expected keep, drop or off, got {near_dup!r}")
    if near_dup_threshold is not None and near_dup == "off":
        raise ConfigError("--near-dup-threshold goes with --near-dup keep or drop (off looks for no near-duplicates)")
    near_dup_threshold = DEFAULT_THRESHOLD if near_dup_threshold is None else near_dup_threshold
    if isinstance(near_dup_threshold, bool) or not isinstance(near_dup_threshold, (int, float)) \
            or not 0 < near_dup_threshold <= 1:
        raise ConfigError(f"--near-dup-threshold: expected a Jaccard similarity in (0, 1], got {near_dup_threshold}")
    return language, near_dup_threshold, hub_license(license)


def _notes(r: BuildResult, out: str, out_path: str, license: str) -> list[str]:
    """What a published build tells its user beside the summary (the CLI prints each on stderr);
    `out` as given, `out_path` made absolute before the build."""
    notes = []
    if r.kept_aside is not None:
        notes.append(f"note: files of yours in the previous {out} had a path the new build writes; the previous "
                     f"output is kept at {display_path(str(r.kept_aside))} (nothing of yours was deleted): move what "
                     "you need from it, then remove it.")
    if r.replaced_tasks:
        notes.append(f"note: --tasks replaces the bundled task(s) {', '.join(r.replaced_tasks)} with yours of the "
                     "same name")
    among_shards = [p for p in r.carried if "/" in p and any((Path(out_path) / p.split("/", 1)[0]).glob("*.parquet"))]
    if among_shards:
        notes.append(f"warning: files of yours were carried over into shard folders, where Parquet readers and "
                     f"`newsset verify` take them for data: {', '.join(among_shards[:5])}"
                     f"{', ...' if len(among_shards) > 5 else ''}; move them to the top of the folder")
    among_own = [p for p in r.carried if p.split("/", 1)[0] in ("images", "lm_eval")]
    if among_own:  # (the harness loads every YAML in lm_eval/; the card links the charts in images/)
        notes.append(f"warning: files of yours were carried over into newsset's own images/ or lm_eval/ folder, "
                     f"which `newsset verify` reports as unlisted: {', '.join(among_own[:5])}"
                     f"{', ...' if len(among_own) > 5 else ''}; move them to a folder of your own")
    if license == "other" and not (Path(out_path) / "LICENSE").is_file():
        notes.append(f"warning: --license other: the card links to the license's text at LICENSE, and {out_path} has "
                     "none: add the file (a rebuild keeps it)")
    if any("=" in part for part in Path(out_path).parts):
        notes.append(f"warning: the path {out_path} holds a folder named like `key=value`, which DuckDB reads as a "
                     "partition column added to every row unless told not to (read_parquet(..., hive_partitioning = "
                     "false), as the card shows)")
    if globbed := [c for c in "[]*?" if c in out_path]:
        # (load_dataset(PATH) expands the folder's own name: `ds?1` also reads a neighbour `dsX1`'s shards)
        notes.append(f"warning: the path {out_path} holds {' and '.join(repr(c) for c in globbed)}, which `datasets` "
                     "and DuckDB read as a glob pattern: load_dataset finds no data there, or reads the shards of "
                     "folders the pattern also matches with these; move or rename the folder")
    return notes


_Splitters = tuple[tuple[float, float, float], int, "tuple[str, str] | None", "Splitter | None", "DateSplitter | None"]


def _splitters(split: SplitStrategy, ratios: str | Sequence[float] | None, seed: int | None,
               cutoffs: str | Sequence[str] | None, group_by: str | None) -> _Splitters:
    """The split options, checked: (ratios, seed, cutoffs, the hash splitter or the date splitter).
    An option of the other strategy is refused, not ignored."""
    if split == "date" and (ratios is not None or seed is not None):
        raise ConfigError("--ratios and --seed go with --split hash (a date split is set by --cutoffs)")
    ratio_values = parse_ratios((0.8, 0.1, 0.1) if ratios is None else ratios)
    seed = 0 if seed is None else seed
    if split == "date":
        if cutoffs is None:
            raise ConfigError("--split date needs --cutoffs YYYY-MM-DD,YYYY-MM-DD")
        if group_by:
            raise ConfigError("--group-by works with --split hash only: a group spans dates, a date split cannot "
                              "keep it whole")
        cut = parse_cutoffs(cutoffs)
        return ratio_values, seed, cut, None, DateSplitter(cut)
    if split == "hash":
        if cutoffs is not None:
            raise ConfigError("--cutoffs goes with --split date (the default --split hash uses --ratios)")
        return ratio_values, seed, None, Splitter(ratio_values, seed), None
    raise ConfigError(f"--split: expected hash or date, got {split!r}")


def _schema_and_tasks(schema: str | os.PathLike[str] | Schema | None,
                      tasks: str | os.PathLike[str] | dict[str, Task] | None, no_tasks: bool, by_date: bool,
                      group_by: str | None) -> tuple[Schema, dict[str, Task], list[str]]:
    """The schema and the task configs, checked against each other and the split options before any
    work: (schema, tasks, names of bundled tasks a --tasks file replaced)."""
    sch = schema if isinstance(schema, Schema) else load_schema(schema)
    outside = sch.outside_refs()
    if outside:  # the output's schema.json would point at files it does not hold: verify and readers fail
        raise ConfigError(f"--schema: {display_path(str(sch.path))} has a $ref to {display_path(str(outside[0]))}, "
                          f"outside the schema's folder, which the published copy of the schema could not reach; "
                          f"move that file into the schema's folder (or below it) and $ref it from there")
    fields = sch.arrow_schema.names
    if by_date:  # a null or free-form date would be placed by string comparison, unsaid
        date_col = next((c for c in sch.columns if c["name"] == "date"), None)
        if date_col is None or date_col["dtype"] != "date32" or date_col["nullable"]:
            got = "no `date` field" if date_col is None else f"`date` as {date_col['dtype']}" + (
                ", null allowed" if date_col["nullable"] else "")
            raise ConfigError(f"--split date needs a schema whose `date` is a required calendar date (type string, "
                              f"format date, not null), got {got}: use --split hash, or tighten the schema")
    if group_by is not None and group_by not in fields:
        raise ConfigError(f"--group-by: the schema has no field {group_by!r} (fields: {', '.join(fields)})")
    task_set, replaced = _load_task_set(tasks, no_tasks)
    for t in task_set.values():
        try:
            t.check(fields, "--tasks" if tasks is not None else "the bundled task configs")
        except ConfigError as e:
            if tasks is not None:
                raise
            raise ConfigError(f"{e}: build with --no-tasks, or give --tasks a file of tasks this schema can feed "
                              "(README: Task configs)") from None
    clash = [rel for rel, _ in sch.companions() if rel.split("/", 1)[0] in OWN_NAMES | set(task_set)]
    if clash:  # the published copy of the schema would reach the dataset's own file there, or none
        raise ConfigError(f"--schema: {display_path(str(sch.path))} has a $ref to {clash[0]}, a path the dataset "
                          f"itself uses ({', '.join(sorted(OWN_NAMES | set(task_set)))}), where its published "
                          "copy could not sit beside the schema: rename that file (or its folder)")
    return sch, task_set, replaced


def _write_metadata(root: Path, sch: Schema, task_set: dict[str, Task], info: dict[str, Any],
                    card_info: dict[str, Any], manifest: dict[str, Any], old_card: str | None, plot: bool) -> None:
    """Everything but the shards and rejects, into the staging folder `root`: the charts (with
    `plot`), the lm-eval YAMLs, the schema and the files its $refs reach, croissant.json, the
    manifest (which hashes all of them) and the card."""
    from .card import card_digest, render_card
    from .croissant import render_croissant

    if plot:  # read back from the staged shards, so the charts show exactly what `newsset stats` would
        from .plots import IMAGES, chart_links, write_charts_for_files

        charts = write_charts_for_files(root, info["files"], root / IMAGES)
        card_info["charts"] = chart_links(charts, root)
    # lm-evaluation-harness evaluates on test or validation documents: a task with neither gets no YAML.
    non_empty = {c: sorted(d) for c, d in info["splits"].items() if c != "default" and {"validation", "test"} & set(d)}
    if non_empty:
        (root / "lm_eval").mkdir()
        final = Path(os.path.abspath(card_info["out"]))
        for name, splits in non_empty.items():
            (root / "lm_eval" / f"{name}.yaml").write_text(lm_eval_yaml(task_set[name], final.as_posix(), splits),
                                                          encoding="utf-8")
    # The bytes the records were checked against (and the manifest hashes), though the file was edited since.
    (root / "schema.json").write_bytes(sch.raw or sch.path.read_bytes())
    companions = []  # the files its $refs reach, beside it as beside the original (verify loads the copy)
    for rel, src in sch.companions():
        if rel.split("/", 1)[0] not in OWN_NAMES | set(task_set):
            data = src.read_bytes()
            if _changed(data, sch.resources.get(src.resolve().as_uri())):
                raise ConfigError(f"--schema: {display_path(str(src))}, which the schema's $ref reaches, changed "
                                  "during the build: the records were checked against what it held before; "
                                  "build again")
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_bytes(data)
            companions.append(root / rel)
    write_json(root / "croissant.json", render_croissant(sch, card_info))
    manifest["metadata_files"] = [
        {"path": p.relative_to(root).as_posix(), "bytes": p.stat().st_size, "sha256": sha256_file(p)}
        for p in [root / "schema.json", *companions, root / "croissant.json",
                  *sorted((root / "lm_eval").glob("*.yaml")), *sorted((root / "images").glob("*.png"))] if p.is_file()]
    card = render_card(sch, card_info, previous=old_card)
    manifest["card"] = {"path": "README.md", "generated_sha256": card_digest(card)}
    write_json(root / "manifest.json", manifest)
    (root / "README.md").write_bytes(card.encode("utf-8"))


def _accept(res: ChunkResult, base: int, keys: KeyStore, seen_id: dict[str, int], seen_body: dict[bytes, int],
            rejects: IO[str], result: BuildResult, same: _SameIssues) -> np.ndarray:
    """Take one chunk's result: its counts into `result`, its new records' keys into `keys` (exact
    duplicates left out), its rejects and duplicates to rejects.jsonl in row order. The key index of
    each of its rows, or -1 (see `_dedup`)."""
    result.inputs += res.items
    result.warnings.update(res.warnings)
    result.ignored.update(res.ignored)
    result.chunks += 1
    result.cached_chunks += res.cached
    if res.cache_error:
        result.cache_errors[res.cache_error] += 1
    result.cached_inputs += res.reused
    row_key, dups = _dedup(res, keys, seen_id, seen_body)
    at_dup = iter(dups)
    dup = next(at_dup, None)
    # Rejects in row order: the bad inputs before row `before`, duplicates among the rows.
    for before, item in chain(rejected_items(res, base), [(res.rows, None)]):
        while dup is not None and dup[0] < before:
            result.duplicates += 1
            result.rejected[dup[1]] += 1
            rejects.write(_duplicate_line(res, keys, *dup))
            dup = next(at_dup, None)
        if item is not None:
            result.rejected[item.reason.code] += 1
            rejects.write(_reject_line(item, same=same))
    return row_key


def _write_plan_rejects(planned: Iterable[tuple[int, str, int]], keys: KeyStore, rejects: IO[str],
                        result: BuildResult) -> None:
    """The near-duplicates the plan drops, as reject lines naming the copy that is kept."""
    for k, code, first in planned:
        w = keys.where(k)
        kept = keys.kept(first)
        label = "near copy" if code == "dataset.near-duplicate" else "near copy in another date split"
        entry = {"source": w[0], "path": w[1], "line": w[2], "code": code, "id": keys.ids[k],
                 "message": f"the body is a {label} of {kept['path']}:{kept['line']} "
                            f"(id {kept['id']}), which is kept", "kept": kept}
        rejects.write(_json_line(entry))
        result.rejected[code] += 1


def _previous_card(out: Path) -> str | None:
    """The card of the output a build replaces, whose user section it keeps (bytes in and out, so
    the section keeps its exact line ends); None when there is none. One that cannot be read, or
    is too large to be a card (a link to a large file), fails the build before any work: its
    section would be lost, or reading it would take the memory the build needs."""
    path = out / "README.md"
    if not os.path.lexists(path):
        return None
    try:
        data = read_small_file(path, CARD_MAX_BYTES)
    except OSError as e:
        raise ConfigError(f"--out: the dataset card {display_path(str(path))} cannot be read ({e.strerror or e}), "
                          "and a rebuild keeps its user section; fix it or move it away") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:  # (an editor that saved it as Latin-1: the section would come back mangled)
        line = data.count(b"\n", 0, e.start) + 1
        raise ConfigError(f"--out: the dataset card {display_path(str(path))} is not UTF-8 (byte 0x{data[e.start]:02x} "
                          f"on line {line}), and a rebuild keeps its user section as written: save the card as UTF-8 "
                          "and build again") from None


def _absolute(src: Source) -> Source:
    """`src` with absolute paths: a Dask cluster's workers run in folders of their own, where a path
    relative to the driver's would name another file, or none."""
    return replace(src, path=os.path.abspath(src.path),
                   archive=os.path.abspath(src.archive) if src.archive is not None else None)


def _changed(data: bytes, loaded: dict[str, Any] | None) -> bool:
    """Whether a schema file's bytes now say something else than the document loaded from it."""
    try:
        return loaded is not None and json.loads(data) != loaded
    except (ValueError, RecursionError):
        return True


def _check_cache(cache: Path, out: Path) -> None:
    """The --cache folder exists (made if needed), can be written and lies outside --out (which
    every build replaces whole): fail before any work, not with a build that silently caches nothing."""
    where, target = cache.resolve(), out.resolve()
    if where == target or target in where.parents:
        raise ConfigError(f"--cache: {cache} is inside --out {out}, which every build replaces; keep the cache "
                          "beside it (e.g. --cache .newsset-cache)")
    if where in target.parents:
        raise ConfigError(f"--out: {out} is inside --cache {cache}, which holds nothing but the cache; put the "
                          "dataset beside it")
    # (Discovery skips the cache folder: inputs in it would be left out without a word.)
    if where.is_dir() and (held := _input_in(where)) is not None:
        shown = display_path(os.path.join(cache, os.path.relpath(held, where)))
        raise ConfigError(f"--cache: {cache} holds input files ({shown}), which a build never reads from its cache "
                          "folder; choose a folder of its own (e.g. --cache .newsset-cache)")
    # The folder is made once the inputs are found (a build refused for a missing input leaves none);
    # here, the nearest path that exists must be a folder that lets it be made, or written to.
    there = next((p for p in (cache, *cache.parents) if p.exists()), None)
    what = None if there is None else "a file, not a folder" if not there.is_dir() else \
        "not writable; choose another folder" if not os.access(there, os.W_OK | os.X_OK) else None
    if what is not None:
        raise ConfigError(f"--cache: {cache} is {what}" if there == cache else
                          f"--cache: {cache} cannot be made: {there} is {what}")


def _input_in(folder: Path) -> str | None:
    """The first file in `folder` a walk of the inputs would read (hidden folders skipped, as there)."""
    for d, subs, files in os.walk(folder):
        subs[:] = [x for x in subs if not x.startswith(".")]
        for f in files:
            if kind_of(f) is not None and not f.startswith("."):
                return os.path.join(d, f)
    return None


def _make_cache(cache: Path) -> None:
    try:
        cache.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise ConfigError(f"--cache: {cache} cannot be made: {e.strerror or e}") from None


def _dedup(res: ChunkResult, keys: KeyStore, seen_id: dict[str, int],
           seen_body: dict[bytes, int]) -> tuple[np.ndarray, list[tuple[int, str, int]]]:
    """Exact duplicates among a chunk's rows: a row whose id, or else whose normalised body, was
    seen before is a duplicate of the first. The others join `keys`. Returns each row's index in
    `keys` (-1 for a duplicate) and the duplicates as (row, code, index of the kept record)."""
    base = len(keys.ids)
    taken: list[int] = []
    dups: list[tuple[int, str, int]] = []
    id_of, body_of = seen_id.get, seen_body.get
    for r, (rid, digest) in enumerate(zip(res.keys.ids, res.digests)):
        first = id_of(rid)
        if first is not None:
            dups.append((r, "dataset.duplicate-id", first))
            continue
        if digest:
            first = body_of(digest)
            if first is not None:
                dups.append((r, "dataset.duplicate-body", first))
                continue
            seen_body[digest] = base + len(taken)
        seen_id[rid] = base + len(taken)
        taken.append(r)
    row_key = np.full(res.rows, -1, np.int64)
    row_key[taken] = np.arange(base, base + len(taken))
    keys.take_rows(res.keys, taken)
    return row_key, dups


def _duplicate_line(res: ChunkResult, keys: KeyStore, r: int, code: str, first: int) -> str:
    """The rejects.jsonl line of row `r` of a chunk, a duplicate of record `first`."""
    rid = res.keys.ids[r]
    kept = keys.kept(first)
    rel, path, line = res.keys.where[r]
    issue = duplicate_issue(code, rid, kept["path"], kept["line"], kept["id"], path, line)
    return _reject_line(Item(Source(rel, path, "page"), line, {"id": rid}, [issue]), kept)


def _split_codes(keys: KeyStore, row_key: np.ndarray, by_key: Splitter | None,
                 by_date: DateSplitter | None) -> np.ndarray:
    """Split code per row of a chunk (REJECTED where `row_key` is -1), from its record's keys."""
    index = {name: k for k, name in enumerate(SPLITS)}
    codes = np.full(len(row_key), REJECTED, np.int8)
    for r, k in enumerate(row_key.tolist()):
        if k < 0:
            continue
        if by_date is not None:
            codes[r] = index[by_date(keys.dates[k] or "")]
        else:
            assert by_key is not None
            group = keys.groups[k]
            codes[r] = index[by_key(f"group:{group}" if group is not None else keys.ids[k])]
    return codes


def _describe(root: Path, shards: list[tuple[str, ShardFile]], keys: KeyStore, codes: np.ndarray,
              tasks: dict[str, Task]) -> dict[str, Any]:
    """Files (with hashes) and per-config, per-split facts for the manifest and the card."""
    files = []
    splits: dict[str, dict[str, dict[str, Any]]] = {"default": {}, **{t: {} for t in tasks}}
    for config, s in shards:
        meta = parquet_info(s.path)
        rel = s.path.relative_to(root).as_posix()
        files.append({"path": rel, "config": config, "split": s.split, "rows": meta["rows"],
                      "bytes": s.path.stat().st_size, "sha256": sha256_file(s.path)})
        entry = splits[config].setdefault(s.split, {"rows": 0, "num_bytes": 0, "files": []})
        entry["rows"] += meta["rows"]
        entry["num_bytes"] += meta["num_bytes"]
        entry["files"].append(rel)
    stats: dict[str, dict[str, Any]] = {}
    codes_arr = np.asarray(codes)
    words = np.asarray(keys.words, np.int64)
    for k, name in enumerate(SPLITS):
        idx = np.flatnonzero(codes_arr == k)
        if not len(idx):
            continue
        dates = [d for d in (keys.dates[i] for i in idx) if d]
        pubs = Counter(keys.pubs[i] or "(none)" for i in idx)
        pct = np.percentile(words[idx], [5, 25, 50, 75, 95]).round().astype(int).tolist()
        stats[name] = {"rows": int(len(idx)), "date_range": [min(dates), max(dates)] if dates else None,
                       "publications": dict(sorted(pubs.items(), key=lambda kv: (-kv[1], kv[0]))),
                       "body_words": dict(zip(("p5", "p25", "p50", "p75", "p95"), pct)),
                       "truncated": (cut := sum(keys.truncated[i] for i in idx)),
                       "truncated_share": round(cut / len(idx), 4)}
    return {"files": files, "splits": splits, "split_stats": stats}
