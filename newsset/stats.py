"""`newsset stats`: what is in a built dataset, read back from its Parquet shards.

The card's numbers are computed during the build from in-memory keys; these are recomputed
from the files a consumer actually gets, so they also describe a folder that was copied,
downloaded or built by another version. Shards are streamed: only the four columns needed
(`date`, `publication`, `truncated`, `body`; those a schema of one's own kept) are read, one
batch at a time, and every running total is a small counter (per month, per publication, per
distinct word count), so memory stays bounded whatever the number of rows. Percentiles are
still exact: word counts are integers, and a value -> count map gives every order statistic
`np.percentile` would.
"""

from __future__ import annotations

import json
import math
import os
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from .errors import ConfigError, check_option_types, markdown_text, visible
from .sources import METADATA_MAX_BYTES, read_small_file, safe_rel
from .split import SPLITS

__all__ = ["COLUMNS", "PERCENTILES", "DatasetStats", "SplitStats", "collect", "dataset_stats", "percentile",
           "render_stats", "shard_list", "UNREADABLE_LINE", "count_reject_codes"]

#: The only columns `newsset stats` reads.
COLUMNS = ("date", "publication", "truncated", "body")
#: What is left out when a schema of one's own has no such column (a dataset newsset built all the same).
NEEDS = {"date": "dates, months and the articles-per-month chart", "publication": "the publications table",
         "truncated": "the truncated share", "body": "body lengths and the body-length chart"}
#: Word-count percentiles reported (p5..p95 are the card's).
PERCENTILES = (5, 25, 50, 75, 95, 99)
BATCH_ROWS = 2048  # rows per streamed batch (the build cuts row groups at 2,048 rows or 2 MiB of text: write.py)
FORMAT_ID = "newsset-stats/1"  # the JSON output's schema version
NO_PUBLICATION = "(none)"
# The characters str.isspace() accepts: a word is a run of anything else, so the counts equal
# len(body.split()) and the build's own count (over the normalised body).
_WORD = (r"[^\t\n\x{0b}\x{0c}\r\x{1c}-\x{20}\x{85}\x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}"
         r"\x{205f}\x{3000}]+")

Format = Literal["text", "json", "markdown"]


@dataclass
class SplitStats:
    """Running totals for one split: every field is a counter, never a list of rows."""

    rows: int = 0
    truncated: int = 0
    first_date: str | None = None
    last_date: str | None = None
    months: Counter[str] = field(default_factory=Counter)  # "YYYY-MM" -> rows
    publications: Counter[str | None] = field(default_factory=Counter)
    words: Counter[int] = field(default_factory=Counter)  # word count -> rows

    def word_percentiles(self) -> dict[str, float | int | None]:
        """min, p5..p99 (rounded like the card), max and mean of the body's word count."""
        if not self.words:
            return {"min": None, **{f"p{q}": None for q in PERCENTILES}, "max": None, "mean": None}
        total = sum(v * n for v, n in self.words.items())
        return {"min": min(self.words), **{f"p{q}": round(percentile(self.words, q)) for q in PERCENTILES},
                "max": max(self.words), "mean": round(total / self.rows, 1)}


@dataclass
class DatasetStats:
    """Per-split totals of one dataset, plus its reject counts (from the manifest or rejects.jsonl)."""

    path: str
    splits: dict[str, SplitStats] = field(default_factory=dict)
    rejects: Counter[str] = field(default_factory=Counter)
    rejects_from: str | None = None
    missing: list[str] = field(default_factory=list)  # COLUMNS the shards lack (the schema had no such field)

    @property
    def rows(self) -> int:
        return sum(s.rows for s in self.splits.values())

    def to_dict(self, top: int = 10) -> dict[str, Any]:
        """The JSON document `newsset stats --format json` prints (schema `newsset-stats/1`)."""
        pubs = self.top_publications(top)
        shown = {p for p, _ in pubs}
        codes = self.rejects.most_common()
        return {
            "format": FORMAT_ID,
            "dataset": self.path,
            "rows": self.rows,
            "splits": {name: {"rows": s.rows, "first_date": s.first_date, "last_date": s.last_date,
                              "body_words": s.word_percentiles(),
                              "truncated": None if "truncated" in self.missing else s.truncated,
                              "truncated_share": None if "truncated" in self.missing else
                              round(s.truncated / s.rows, 4) if s.rows else 0.0,
                              "months": dict(sorted(s.months.items()))}
                       for name, s in self.splits.items()},
            "publications": {
                "distinct": len({p for s in self.splits.values() for p in s.publications}),
                "top": [{"publication": p, "rows": n,
                         "splits": {name: s.publications.get(p, 0) for name, s in self.splits.items()}}
                        for p, n in pubs],
                "other_rows": sum(n for s in self.splits.values() for p, n in s.publications.items()
                                  if p not in shown)},
            "rejects": {"total": sum(self.rejects.values()), "source": self.rejects_from,
                        "top": [{"code": c, "count": n} for c, n in codes[:top]],
                        "other": sum(n for _, n in codes[top:])},
            "missing_columns": list(self.missing),
        }

    def top_publications(self, top: int) -> list[tuple[str | None, int]]:
        """The `top` publications by rows over all splits (ties by name; no publication sorts as "(none)")."""
        total: Counter[str | None] = Counter()
        for s in self.splits.values():
            total.update(s.publications)
        return sorted(total.items(), key=lambda kv: (-kv[1], kv[0] or NO_PUBLICATION))[:top]


def percentile(counts: Counter[int], q: float) -> float:
    """`np.percentile(values, q)` (linear method) of the values a value -> count map stands for,
    without expanding them: the two order statistics around the position are found by walking
    the sorted distinct values, and interpolated the way numpy does (`_lerp`)."""
    n = sum(counts.values())
    if n == 0:
        raise ValueError("percentile of no values")
    pos = (q / 100) * (n - 1)
    lo, t = math.floor(pos), pos - math.floor(pos)
    hi = min(lo + 1, n - 1)
    a = b = None
    seen = 0
    for value in sorted(counts):
        seen += counts[value]
        if a is None and seen > lo:
            a = value
        if seen > hi:
            b = value
            break
    assert a is not None and b is not None
    diff = b - a
    return float(b - diff * (1 - t)) if t >= 0.5 else float(a + diff * t)


def shard_list(folder: str | os.PathLike[str]) -> tuple[dict[str, Any], list[tuple[str, Path]]]:
    """The manifest and the (split, path) of each default-config shard, in manifest order.

    Raises ConfigError (exit 2) when the folder is not a newsset dataset or a listed shard is
    missing: statistics of half a dataset would look plausible and be wrong.
    """
    root = Path(folder)
    if not root.is_dir():
        raise ConfigError(f"{root} is not a folder (expected a dataset folder written by newsset build)")
    try:
        # (as `verify` reads it: a FIFO or /dev/zero in its place must not hang or fill memory)
        manifest = json.loads(read_small_file(root / "manifest.json", METADATA_MAX_BYTES).decode("utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{root} is not a newsset dataset: it has no manifest.json (build one with "
                          "`newsset build SRC --out DIR`)")
    except OSError as e:
        raise ConfigError(f"{root}/manifest.json cannot be read: {e.strerror or e}")
    except ValueError as e:
        raise ConfigError(f"{root}/manifest.json cannot be read as JSON: {e}")
    except RecursionError:
        raise ConfigError(f"{root}/manifest.json cannot be read as JSON: nested too deeply") from None
    files = manifest.get("files") if isinstance(manifest, dict) else None
    if not isinstance(files, list):
        raise ConfigError(f"{root}/manifest.json is not a newsset manifest (no `files` list)")
    shards = []
    listed: set[str] = set()
    for f in files:
        if not (isinstance(f, dict) and isinstance(f.get("path"), str) and isinstance(f.get("split"), str)):
            raise ConfigError(f"{root}/manifest.json: a `files` entry lacks path or split: {f!r}")
        if (f.get("config") or "default") != "default":
            continue
        if not safe_rel(f["path"]):
            raise ConfigError(f"{root}/manifest.json lists {f['path']!r}, outside the dataset folder: not read "
                              f"(`newsset verify {root}` checks the whole folder)")
        if f["path"] in listed:
            raise ConfigError(f"{root}/manifest.json lists {f['path']!r} twice: its rows would count twice "
                              f"(`newsset verify {root}` checks the whole folder)")
        listed.add(f["path"])
        path = root / f["path"]
        if not path.is_file():
            from .verify import not_a_file

            what = not_a_file(path)
            raise ConfigError(f"{path} is listed in manifest.json but {what or 'missing'}; `newsset verify {root}` "
                              "checks the whole folder")
        shards.append((f["split"], path))
    return manifest, shards


def collect(shards: Iterable[tuple[str, str | os.PathLike[str]]], path: str = "") -> DatasetStats:
    """Stream the shards (only COLUMNS, BATCH_ROWS rows at a time) into per-split totals. A column
    a shard lacks (built from a schema without that field) is left out and listed in `missing`."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    out = DatasetStats(path)
    missing: set[str] = set()
    for split, shard in shards:
        st = out.splits.setdefault(split, SplitStats())
        try:
            pf = pq.ParquetFile(os.path.abspath(shard))  # (a relative `ds-12:30/...` reads as a URI)
        except (pa.ArrowException, OSError) as e:
            raise ConfigError(f"{shard} cannot be read as Parquet ({str(e).splitlines()[0]}); `newsset verify` "
                              "checks the whole folder") from None
        columns = [c for c in COLUMNS if c in pf.schema_arrow.names]
        missing.update(set(COLUMNS) - set(columns))
        kinds = {"truncated": pa.types.is_boolean, "publication": pa.types.is_string, "body": pa.types.is_string,
                 "date": lambda t: pa.types.is_date(t) or pa.types.is_string(t)}
        types = {c: pf.schema_arrow.field(c).type for c in columns}
        odd = [f"{c} is {types[c]}" for c in columns if not kinds[c](types[c])]
        if odd:  # (a shard replaced by another file: its columns would fail the statistics' kernels)
            raise ConfigError(f"{shard} does not hold the dataset's columns ({', '.join(odd)}); `newsset verify` "
                              "checks the whole folder")
        if not columns:
            st.rows += pf.metadata.num_rows
            continue
        try:
            _shard_stats(pf, columns, st)
        except (pa.ArrowException, OSError) as e:  # (a data page that does not decode: bit rot, a cut copy)
            raise ConfigError(f"{shard} cannot be read ({str(e).splitlines()[0]}); `newsset verify` checks the whole "
                              "folder") from None
    order = {s: i for i, s in enumerate(SPLITS)}
    out.splits = dict(sorted(out.splits.items(), key=lambda kv: (order.get(kv[0], len(order)), kv[0])))
    out.missing = [c for c in COLUMNS if c in missing]
    return out


def _shard_stats(pf: Any, columns: list[str], st: SplitStats) -> None:
    """Add one shard's rows to its split's statistics, a batch at a time."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    for batch in pf.iter_batches(batch_size=BATCH_ROWS, columns=columns, use_threads=False):
        st.rows += batch.num_rows
        if "truncated" in columns:
            st.truncated += int(pc.sum(batch.column("truncated")).as_py() or 0)
        if "publication" in columns:
            for item in pc.value_counts(batch.column("publication")).to_pylist():
                st.publications[item["values"]] += item["counts"]
        if "body" in columns:
            words = pc.fill_null(pc.count_substring_regex(batch.column("body"), _WORD), 0)
            st.words.update(dict(zip(*(a.tolist() for a in np.unique(words.to_numpy(), return_counts=True)))))
        dates = pc.drop_null(batch.column("date")) if "date" in columns else None
        if dates is not None and len(dates):
            days = dates.cast(pa.date32()).to_numpy(zero_copy_only=False).astype("datetime64[D]")
            lo, hi = str(days.min()), str(days.max())
            st.first_date = lo if st.first_date is None else min(st.first_date, lo)
            st.last_date = hi if st.last_date is None else max(st.last_date, hi)
            months, counts = np.unique(days.astype("datetime64[M]"), return_counts=True)
            st.months.update({str(m): int(c) for m, c in zip(months, counts)})


def _reject_counts(root: Path, manifest: dict[str, Any]) -> tuple[Counter[str], str | None]:
    """Reject codes from the manifest's input counts, else counted from rejects.jsonl line by line."""
    inputs = manifest.get("inputs")
    by_code = inputs.get("rejected_by_code") if isinstance(inputs, dict) else None
    if isinstance(by_code, dict) and all(type(v) is int for v in by_code.values()):
        return Counter({str(k): v for k, v in by_code.items()}), "manifest.json"
    path = root / "rejects.jsonl"
    if not path.is_file():
        return Counter(), None
    return count_reject_codes(path), "rejects.jsonl"


UNREADABLE_LINE = "(unreadable line)"


def count_reject_codes(path: Path) -> Counter[str]:
    """The reject codes of a rejects.jsonl, a line each (a line that is no JSON object with a code
    counts as `UNREADABLE_LINE`)."""
    counts: Counter[str] = Counter()
    with open(path, "rb") as fh:
        for line in fh:
            if not line.strip():
                continue
            try:
                code = json.loads(line).get("code")
            except (ValueError, AttributeError, RecursionError):
                code = None
            counts[code if isinstance(code, str) else UNREADABLE_LINE] += 1
    return counts


def dataset_stats(folder: str | os.PathLike[str]) -> DatasetStats:
    """Statistics of a built dataset folder (see `newsset stats --help`)."""
    check_option_types([("folder", folder, (str, os.PathLike), "a path to a dataset folder")])
    manifest, shards = shard_list(folder)
    out = collect(shards, os.fspath(folder))
    out.rejects, out.rejects_from = _reject_counts(Path(folder), manifest)
    return out


# ---------------------------------------------------------------- rendering

def _num(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:,.1f}"
    return f"{v:,}" if isinstance(v, int) else str(v)


class _Code(str):
    """A reject code: a code span in Markdown when it is one a build writes (it may be anything in
    a rejects.jsonl someone edited: then escaped as any text)."""


_CODE = re.compile(r"[a-z0-9][a-z0-9._-]*")


def _cell(value: Any, markdown: bool) -> str:
    text = _num(value)
    if not markdown:
        return visible(text)
    return f"`{text}`" if isinstance(value, _Code) and _CODE.fullmatch(text) else markdown_text(text)


def _table(headers: Sequence[str], rows: Sequence[Sequence[Any]], right: Sequence[bool], markdown: bool) -> list[str]:
    """A plain-text table with aligned columns, or a GitHub-flavoured Markdown table."""
    # (visible: a publication name from the data may hold ESC or a newline, which must not reach a terminal)
    cells = [[_cell(c, markdown) for c in r] for r in rows]
    if markdown:
        sep = ["---:" if r else "---" for r in right]
        return ["| " + " | ".join(line) + " |" for line in [list(headers), sep, *cells]]
    widths = [max(len(h), *(len(r[i]) for r in cells)) for i, h in enumerate(headers)]
    return ["  ".join((c.rjust(w) if r else c.ljust(w)) for c, w, r in zip(line, widths, right)).rstrip()
            for line in [list(headers), *cells]]


def render_stats(st: DatasetStats, fmt: Format = "text", top: int = 10) -> str:
    """The stats as `text` (aligned tables), `markdown` (tables for a card or an issue) or `json`."""
    if fmt not in ("text", "json", "markdown"):
        raise ConfigError(f"format: expected text, json or markdown, got {fmt!r}")
    if isinstance(top, bool) or not isinstance(top, int) or top < 1:
        raise ConfigError(f"top: expected 1 or more, got {top!r}")
    if fmt == "json":
        return json.dumps(st.to_dict(top), indent=2, ensure_ascii=False) + "\n"
    md = fmt == "markdown"
    names = list(st.splits)
    head = f"{st.path}: {st.rows:,} rows in {len(names)} split(s)"
    out = [f"# Statistics of {st.path}" if md else head, ""]
    if md:
        out += [head[len(st.path) + 2:].capitalize() + ".", ""]
    if st.missing:
        out += [f"This dataset has no {' or '.join(f'`{c}`' for c in st.missing)} column (its schema has no such "
                f"field), so these are left out: {'; '.join(NEEDS[c] for c in st.missing)}.", ""]

    def section(title: str) -> None:
        out.extend([f"## {title}" if md else title, ""])

    section("Splits")
    qs = [f"p{q}" for q in PERCENTILES]
    rows: list[list[Any]] = []
    for name, s in st.splits.items():
        w = s.word_percentiles()
        share = f"{s.truncated / s.rows:.1%}" if s.rows and "truncated" not in st.missing else ""
        rows.append([name, s.rows, s.first_date, s.last_date, *(w[q] for q in qs), w["mean"], share])
    out += _table(["split", "rows", "first date", "last date", *(f"words {q}" if q == "p5" else q for q in qs),
                   "mean", "truncated"], rows, [False, True, False, False, *([True] * (len(qs) + 2))], md)
    pubs = st.top_publications(top)
    distinct = len({p for s in st.splits.values() for p in s.publications})
    out.append("")
    if "publication" not in st.missing:
        section(f"Publications (top {len(pubs)} of {distinct})")
        rows = [[p or NO_PUBLICATION, *(s.publications.get(p, 0) for s in st.splits.values()), n] for p, n in pubs]
        if distinct > len(pubs):
            shown = {p for p, _ in pubs}
            others = [sum(n for p, n in s.publications.items() if p not in shown) for s in st.splits.values()]
            rows.append([f"({distinct - len(pubs)} others)", *others, sum(others)])
        out += _table(["publication", *names, "total"], rows, [False, *([True] * (len(names) + 1))], md)
        out.append("")
    total = sum(st.rejects.values())
    section(f"Rejected inputs: {total:,}" + (f" (from {st.rejects_from})" if st.rejects_from else ""))
    if st.rejects:
        codes = st.rejects.most_common()
        rows = [[_Code(c), n] for c, n in codes[:top]]
        if len(codes) > top:
            rows.append([f"({len(codes) - top} other codes)", sum(n for _, n in codes[top:])])
        out += _table(["code", "count"], rows, [False, True], md)
    else:
        out.append("none" if st.rejects_from else "unknown: no rejected_by_code in manifest.json and no rejects.jsonl")
    return "\n".join(out).rstrip("\n") + "\n"
