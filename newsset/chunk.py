"""The unit of distributed work: one chunk of input files in, one Arrow part file and small keys out.

`run_chunk(spec)` reads, parses and checks its files, writes the accepted records to an Arrow
IPC part file under a deterministic name (written to a temporary name and renamed, so a retried
or duplicated task can only replace the file with identical bytes), and returns what the driver
needs to decide duplicates and splits: ids, dates, 16-byte body digests, MinHash signatures and
the rejected items without their text. It is a pure function of the files, so a process pool or
a Dask cluster can run it, and any number of retries gives the same result.

Chunk boundaries depend on file names only (a boundary follows a file whose name hashes to 0
mod `CHUNK`), so adding a page changes one chunk and leaves the rest of an incremental cache
valid.
"""

from __future__ import annotations

import datetime as _dt
import os
import zlib
from array import array
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

import numpy as np
import pyarrow as pa

from . import __version__, cache
from .check import Item, iter_items, voided_issue
from .dedup import Sketcher, body_key, normalize_counted, word_count
from .errors import ConfigError, Issue, display_path
from .jsonl import file_shape
from .reading import count_range_lines, page_bytes
from .schema import Schema, load_schema
from .sources import RANGE_BYTES, Source
from .write import to_batch

__all__ = ["CHUNK", "ChunkResult", "ChunkSpec", "KeyStore", "Keys", "make_chunks", "run_chunk", "split_ranges",
           "rejected_items", "worker_schema"]

T = TypeVar("T")
# Pages per chunk on average: big enough to amortise a task (a part file, a pickled spec and result,
# the driver's read of the part: at 64, 20,000 pages took 0.45 CPU-s more and 8% more time), small
# enough to balance two workers and to keep what a changed page costs a cache small.
CHUNK = 128
MAX_CHUNK = 4  # times CHUNK: the cap when no name hashes to a boundary
BATCH_ROWS = 1024
BATCH_BYTES = 16 << 20  # of body text: bounds a worker's buffers with large pages (and keeps 32-bit offsets safe)


@dataclass(frozen=True)
class ChunkSpec:
    """Everything a worker needs: file paths, not text."""

    index: int
    sources: tuple[Source, ...]
    schema_path: str
    today: _dt.date | None
    parts: str  # folder for the part file (shared storage when workers run on other machines)
    sketch: bool = False
    group_by: str | None = None
    cache: str | None = None
    fix_mojibake: bool = False  # repair mojibake in the text (newsset.text); reported either way
    schema_digest: str | None = None  # the driver's `cache.schema_digest`: a worker's stale copy is loaded again
    code: str | None = None  # the driver's `cache.code_digest` (Dask): a worker running other code refuses

    @property
    def part_path(self) -> str:
        return os.path.join(self.parts, f"part-{self.index:06d}.arrow")


@dataclass
class Keys:
    """Small per-record facts, in row order: what the driver needs for duplicates, splits and the card."""

    ids: list[str] = field(default_factory=list)
    dates: list[str | None] = field(default_factory=list)
    groups: list[str | None] = field(default_factory=list)
    pubs: list[str | None] = field(default_factory=list)
    truncated: list[bool] = field(default_factory=list)
    words: list[int] = field(default_factory=list)
    where: list[tuple[str, str, int]] = field(default_factory=list)  # (source, path, line)


class KeyStore:
    """The driver's keys of every accepted record, as compact as they can be, since they are what
    grows with the corpus: repeated values (dates, publications, groups) are shared, numbers sit
    in arrays, and a record's path is kept as its source name plus a shared folder prefix."""

    def __init__(self) -> None:
        self.ids: list[str] = []
        self.dates: list[str | None] = []
        self.groups: list[str | None] = []
        self.pubs: list[str | None] = []
        self.truncated = array("b")
        self.words = array("q")
        self._rel: list[str] = []
        self._head = array("i")  # index into _heads (path = head + rel), or -1: see _odd
        self._line = array("q")
        self._heads: list[str] = []
        self._head_of: dict[str, int] = {}
        self._odd: dict[int, str] = {}  # the path of a record whose path does not end with its source name
        self._shared: dict[str, str] = {}

    def take_rows(self, other: Keys, rows: Sequence[int]) -> None:
        """Append the given rows of a chunk's keys, in that order."""
        every = list(rows) == list(range(len(other.ids)))  # the common case: the lists as they are

        def pick(col: list[T]) -> list[T]:
            return col if every else [col[r] for r in rows]

        ids, dates, groups, pubs = pick(other.ids), pick(other.dates), pick(other.groups), pick(other.pubs)
        truncated, words, where = pick(other.truncated), pick(other.words), pick(other.where)
        share = self._shared.setdefault
        k = len(self.ids)
        self.ids.extend(ids)
        self.dates.extend([v if v is None else share(v, v) for v in dates])
        self.groups.extend([v if v is None else share(v, v) for v in groups])
        self.pubs.extend([v if v is None else share(v, v) for v in pubs])
        self.truncated.extend(truncated)
        self.words.extend(words)
        head_of, heads = self._head_of, self._heads
        for rel, path, line in where:
            if rel and path.endswith(rel):
                head = path[:len(path) - len(rel)]
                h = head_of.get(head)
                if h is None:
                    h = head_of[head] = len(heads)
                    heads.append(head)
            else:
                h = -1
                self._odd[k] = path
            self._rel.append(rel)
            self._head.append(h)
            self._line.append(line)
            k += 1

    def where(self, k: int) -> tuple[str, str, int]:
        """(source, path, line) of record `k`."""
        rel, h = self._rel[k], self._head[k]
        return rel, (self._heads[h] + rel if h >= 0 else self._odd[k]), self._line[k]

    def kept(self, k: int) -> dict[str, Any]:
        """Where record `k` came from, as a reject line names the copy that was kept."""
        rel, path, line = self.where(k)
        return {"source": rel, "path": path, "line": line, "id": self.ids[k]}


@dataclass
class ChunkResult:
    """Small per-record keys of a chunk's accepted rows (in row order), and its rejected items."""

    index: int
    items: int = 0
    rows: int = 0
    part: str | None = None
    cached: bool = False  # the whole chunk came from the cache
    reused: int = 0  # items whose results came from the cache (all of them when `cached`)
    shared: bool = False  # the part file is the cache's own (it could not be linked): read it, never delete it
    rejected: list[tuple[int, Item]] = field(default_factory=list)  # (accepted rows before it, item)
    keys: Keys = field(default_factory=Keys)
    digests: list[bytes] = field(default_factory=list)  # 16-byte normalised-body digest; b"" for no body
    sigs: np.ndarray | None = None
    warnings: Counter[str] = field(default_factory=Counter)  # warning codes of the accepted rows
    ignored: Counter[str] = field(default_factory=Counter)  # archive members of other suffixes, not read
    spill: str | None = None  # a file of more (rows before, item) pairs, pickled, before those in `rejected`
    spilled: int = 0  # how many
    lines: int = 0  # lines read from a byte range of a record file (numbered from 1 in the range)
    range_of: str | None = None  # the path of that record file
    cache_error: str | None = None  # why --cache could not file this chunk (a full disk): said, not silent

    def shift_lines(self, base: int) -> None:
        """Renumber the lines of a byte range so they count from the start of its file."""
        if not base:
            return
        self.keys.where = [(s, p, line + base) for s, p, line in self.keys.where]
        self.rejected = [(r, _shifted(item, base)) for r, item in self.rejected]


def _shifted(item: Item, base: int) -> Item:
    """An item of a byte range, its lines counted from the start of its file."""
    return replace(item, line=item.line + base, issues=[replace(i, line=i.line + base) if i.line else i
                                                         for i in item.issues]) if base else item


def _group_key(value: Any) -> str:
    """A --group-by value as the column stores it: 3 and 3.0 are one group (one int64 or float64
    value), though str() tells them apart. A long one (`--group-by body`) as its SHA-256: the driver
    keeps a key for every record, which must stay small, not the corpus's text; a key that is a
    digest is longer than any value kept as written, so none is taken for another."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value)
    if len(text) > GROUP_KEY_CHARS:
        import hashlib

        text = "sha256:" + hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    return text


GROUP_KEY_CHARS = 64


def split_ranges(src: Source, range_bytes: int | None = None) -> list[Source]:
    """A large uncompressed record file as byte ranges, so that several workers share it."""
    range_bytes = range_bytes or RANGE_BYTES
    if src.kind != "jsonl" or not src.path.lower().endswith((".jsonl", ".ndjson", ".json")):
        return [src]
    try:
        st = os.stat(src.path)
    except OSError:
        return [src]  # reported, located, when the worker tries to read it
    size = st.st_size
    if size <= range_bytes:
        return [src]
    cuts = list(range(0, size, range_bytes))
    shape = file_shape(src.path)  # (one look for all the ranges: none but the first holds the first line)
    return [replace(src, start=a, end=b, stamp=(size, st.st_mtime_ns), shape=shape)
            for a, b in zip(cuts, [*cuts[1:], -1])]


def make_chunks(sources: Sequence[Source], chunk: int | None = None,
                range_bytes: int | None = None) -> list[list[Source]]:
    """Split sorted sources into chunks whose boundaries depend only on the file names.

    A record file (or archive) is a chunk of its own: it may hold millions of records; an
    uncompressed one larger than `range_bytes` is several chunks, one per byte range. `chunk`:
    pages per chunk on average (`CHUNK`, read when called).
    """
    chunk = chunk or CHUNK
    out: list[list[Source]] = []
    cur: list[Source] = []
    for src in (r for s in sources for r in split_ranges(s, range_bytes)):
        if src.kind != "page" and cur:
            out.append(cur)
            cur = []
        cur.append(src)
        if src.kind != "page" or zlib.crc32(src.rel.encode("utf-8", "surrogateescape")) % chunk == 0 \
                or len(cur) >= MAX_CHUNK * chunk:
            out.append(cur)
            cur = []
    if cur:
        out.append(cur)
    return out


_schemas: dict[str, Schema] = {}


class WorkerCodeError(RuntimeError):
    """A Dask worker whose newsset differs from the driver's: its rows would be parsed otherwise."""


BUNDLED = "<bundled>"  # a spec's schema_path for the bundled schema: each worker loads its own copy


def worker_schema(path: str, digest: str | None = None) -> Schema:
    """One compiled schema per worker process and path; loaded again when the driver's `digest`
    (`cache.schema_digest`) says the file, or one its `$ref`s reach, has changed since (a Dask worker
    outlives a build, and the user may edit the schema between two)."""
    s = _schemas.get(path)
    if s is None or (digest is not None and cache.schema_digest(s) != digest):
        # (the driver checked it before any work)
        s = _schemas[path] = load_schema(None if path == BUNDLED else path, checked=True)
        if digest is not None and cache.schema_digest(s) != digest:
            raise ConfigError(f"--schema: {display_path(path)} changed during the build (or a file its $refs "
                              "reach did): its records would be checked against two schemas; build again")
    return s


def _slim(item: Item) -> Item:
    """A rejected item without its text: only the id travels back to the driver."""
    rid = item.record.get("id") if item.record is not None else None
    return replace(item, record={"id": rid} if isinstance(rid, str) else None, body_utf8=None, normalized=None,
                   words=None)


class _PartWriter:
    """A chunk's accepted rows, gathered per column and written as Arrow batches to its part file
    (made at the first batch, under a temporary name until `finish`). Rows copied from the cache
    join into one batch per run of consecutive pages (a batch a page made the driver's work per
    batch dominate); with a sketcher, each batch's texts get their MinHash signatures."""

    def __init__(self, spec: ChunkSpec, schema: Schema) -> None:
        self.path = spec.part_path
        self.tmp = f"{spec.part_path}.tmp-{os.getpid()}"
        self.schema = schema.parquet_schema
        self.fields = schema.arrow_schema.names
        self.columns: list[list[Any]] = [[] for _ in self.fields]
        # The body column is gathered as UTF-8 bytes (the parser encoded it already) when it is text.
        at = self.fields.index("body") if "body" in self.fields else -1
        if at >= 0 and not pa.types.is_string(self.schema.field(at).type):
            at = -1
        self.body_at = at
        self.utf8_columns = frozenset({at} - {-1})
        self.batch_bytes = 0  # of body text in `columns`
        self.sketcher = Sketcher() if spec.sketch else None
        self.texts: list[bytes] = []  # normalised bodies of the rows in `columns`, for the sketcher
        self.sigs: list[np.ndarray] = []
        self.writer: Any = None
        self.copied: tuple[Any, int, int] = (None, 0, 0)  # rows [r0, r1) of a cached table, still to write

    def write(self, batch: pa.RecordBatch) -> None:
        if self.writer is None:
            self.writer = pa.ipc.new_file(self.tmp, self.schema)
        self.writer.write_batch(batch)

    def copy(self, table: pa.Table, r0: int, r1: int) -> None:
        """Rows [r0, r1) of a cached table; the rows gathered so far go first (the part keeps the
        sources' order)."""
        self.flush()
        if r1 > r0:
            held, _, end = self.copied
            if not (held is table and end == r0):
                self.write_copied()
                self.copied = (table, r0, r0)
            self.copied = (table, self.copied[1], r1)

    def write_copied(self) -> None:
        table, r0, r1 = self.copied
        if table is not None and r1 > r0:
            for batch in table.slice(r0, r1 - r0).to_batches():
                self.write(batch)
        self.copied = (None, 0, 0)

    def flush(self) -> None:
        columns = self.columns
        if not columns[0]:
            return
        batch = to_batch(columns, self.schema, self.utf8_columns)
        self.batch_bytes = 0
        for c in columns:
            c.clear()
        self.write(batch)
        if self.sketcher is not None:
            self.sigs.append(self.sketcher.sketch(self.texts))
            self.texts.clear()

    def discard(self) -> None:
        """Drop every row (the file's data failed its own check)."""
        for c in self.columns:
            c.clear()
        self.texts.clear()
        self.batch_bytes = 0
        self.sigs.clear()
        if self.writer is not None:
            self.writer.close()
            self.writer = None
            os.unlink(self.tmp)

    def finish(self) -> str | None:
        """Write what is left and put the part in place: its path, or None when it holds no row."""
        self.write_copied()
        self.flush()
        if self.writer is None:
            return None
        self.writer.close()
        self.writer = None
        os.replace(self.tmp, self.path)
        return self.path

    def close(self) -> None:
        """After a failure: no temporary file left behind."""
        if self.writer is not None:
            self.writer.close()
        if os.path.exists(self.tmp):
            os.unlink(self.tmp)

    def signatures(self) -> np.ndarray | None:
        if self.sigs:
            return np.vstack(self.sigs)
        return np.empty((0, self.sketcher.bins), np.uint32) if self.sketcher is not None else None


def run_chunk(spec: ChunkSpec) -> ChunkResult:
    """Read, parse and check the chunk's files; write accepted rows to the part file.

    With a cache, an unchanged chunk is taken whole; in a changed one, every page the cache
    holds (found through `cache.Reuse`) is copied from there and only the new or changed pages are parsed.
    """
    if spec.code is not None and spec.code != (own := cache.code_digest()):  # (memoised: once a process)
        raise WorkerCodeError(f"this worker runs newsset {__version__} with code {own[:12]}, the driver's is "
                              f"{spec.code[:12]}: install the same newsset on every worker")
    schema = worker_schema(spec.schema_path, spec.schema_digest)
    cache_keys = cache.chunk_keys(spec, schema) if spec.cache else None
    key, page_keys, pages, stats = cache_keys if cache_keys is not None else (None, [], [], [])
    reuse = replaced = None
    if key is not None and spec.cache is not None:
        hit, entry = cache.get(spec, key, page_keys[0], schema.parquet_schema)
        if hit is not None:
            return hit
        reuse = cache.Reuse(spec.cache, schema.parquet_schema, entry)
        replaced = entry  # the older version of this chunk, if the cache has one: its part goes
    spans: list[cache.Span] = []
    res = ChunkResult(spec.index)
    part = _PartWriter(spec, schema)
    shared: dict[str, str] = {}  # one object per repeated value: pickle then sends each once a chunk
    ahead: dict[int, list[Item]] = {}  # pages read and parsed a batch at a time (see `_parse_ahead`)
    # Per source, whether its results may not be those of the bytes its key was made from: read from
    # disk again after hashing (a record file streams; a page past KEEP_BYTES), not from the cache.
    reread: list[bool] = []
    try:
        for n, src in enumerate(spec.sources):
            at_start = (res.rows, len(res.rejected), res.items)
            warned: list[str] = []
            old = reuse.find(page_keys[n]) if reuse is not None and src.kind == "page" else None
            page = pages[n] if pages else None
            reread.append(src.kind != "page" or (old is None and page is None))
            if pages:
                pages[n] = None  # (read for the cache key: parsed from there, then let go)
            items: Iterable[Item] = ()
            if old is not None:
                entry, span = old
                part.copy(entry.table, span.row0, span.row1)
                warned = entry.copy(span, res, part.sigs)
            else:
                part.write_copied()
                if reuse is None and src.kind == "page":
                    if n not in ahead:
                        ahead = _parse_ahead(spec, schema, n)
                    items = ahead.pop(n)
                else:
                    items = iter_items(src, schema, spec.today, fix_mojibake=spec.fix_mojibake, page=page,
                                       ignored=res.ignored)
            for item in items:
                res.items += 1
                if not item.ok:
                    res.rejected.append((res.rows, _slim(item)))
                    if len(res.rejected) >= SPILL_REJECTS:
                        _spill(res, spec)
                    continue
                for issue in item.issues:  # warnings of a kept record (mojibake, bidi controls, a file name)
                    res.warnings[issue.code] += 1
                    warned.append(issue.code)
                _keep(item, res, part, spec.group_by, shared)
            if key is not None:
                spans.append(cache.Span(page_keys[n], *at_start, res.rows, len(res.rejected), res.items, tuple(warned)))
        void = next((item for _, item in res.rejected if item.voids_file), None)  # (the file's last item)
        if void is not None:  # (a record file is a chunk of its own: every row is the file's)
            _void(res, void)
            part.discard()
            spans.clear()
        if res.spill is not None:
            _spill(res, spec)  # (all of them, in order, in one place)
            os.replace(res.spill, spill_path := f"{spec.part_path}.rejects")  # (as the part: a retried or
            res.spill = spill_path                                             # doubled task writes its own)
        res.part = part.finish()
        for src in spec.sources:
            if src.ranged:
                res.lines += count_range_lines(src)
                res.range_of = src.path
    finally:
        part.close()
        if os.path.exists(spilled := f"{part.tmp}.rejects"):
            os.unlink(spilled)
    res.sigs = part.signatures()
    # A file that changed after it was hashed (a record file grows while it is read) gave results
    # that are not those of the hashed bytes: they must not be filed under that key. (A page parsed
    # from the bytes it was hashed from, or taken from the cache, needs no second look.)
    if key is not None and spans and res.spill is None and all(cache.stat_of(src) == st for src, st, again
                                                     in zip(spec.sources, stats, reread) if again):
        # (not a chunk whose rejects were spilled: rebuilt, they are; nor a file whose data failed its own
        # check, which keeps no span: read again, it is refused again)
        cache.put(spec, key, res, spans, replaced)
    return res


def _keep(item: Item, res: ChunkResult, part: _PartWriter, group_by: str | None, shared: dict[str, str]) -> None:
    """An accepted item: its small keys (id, date, group, publication, words, where, body digest)
    into the result for the driver, its row into the part file's columns."""
    rec = item.record
    assert rec is not None
    body = rec.get("body")
    utf8 = None
    words = 0
    if isinstance(body, str):
        utf8 = item.body_utf8 if item.body_utf8 is not None else body.encode("utf-8")
        norm = item.normalized
        if norm is None:
            norm, words = normalize_counted(body, utf8, item.body_plain)
        else:
            words = item.words if item.words is not None else word_count(norm)
    else:
        norm = b""
    date = rec.get("date")
    group = rec.get(group_by) if group_by else None
    keys = res.keys
    keys.ids.append(rec["id"])
    pub = rec.get("publication")
    keys.dates.append(shared.setdefault(date, date) if isinstance(date, str) else None)
    if group is not None:
        group = _group_key(group)
        group = shared.setdefault(group, group)
    keys.groups.append(group)
    keys.pubs.append(shared.setdefault(pub, pub) if isinstance(pub, str) else pub)
    keys.truncated.append(bool(rec.get("truncated")))
    keys.words.append(words)
    keys.where.append((item.source.rel, display_path(item.source.path), item.line))
    res.digests.append(body_key(norm) if norm else b"")
    res.rows += 1
    for col, name in zip(part.columns, part.fields):
        col.append(rec.get(name))
    if part.body_at >= 0:
        part.columns[part.body_at][-1] = utf8
        part.batch_bytes += len(utf8) if utf8 is not None else 0
    if part.sketcher is not None:
        part.texts.append(norm)
    if len(part.columns[0]) >= BATCH_ROWS or part.batch_bytes >= BATCH_BYTES:
        part.flush()


#: Rejected items a chunk holds before it moves them to a file beside its part: a record file (one
#: chunk, or one byte range) of a million bad lines, a few KB compressed, would otherwise hold
#: gigabytes of issues until its end, and send them to the driver at once.
SPILL_REJECTS = 4096


def _spill(res: ChunkResult, spec: ChunkSpec) -> None:
    """Move the chunk's rejected items to its spill file (appended, in order)."""
    import pickle

    path = res.spill or f"{spec.part_path}.tmp-{os.getpid()}.rejects"  # (renamed when the chunk is done)
    with open(path, "ab" if res.spill else "wb") as fh:
        for pair in res.rejected:
            pickle.dump(pair, fh, protocol=pickle.HIGHEST_PROTOCOL)
    res.spill, res.spilled = path, res.spilled + len(res.rejected)
    res.rejected = []


def rejected_items(res: ChunkResult, base: int = 0) -> Iterator[tuple[int, Item]]:
    """Every (accepted rows before it, item) of a chunk's rejects, in order: those it spilled to a
    file (read back one at a time, their lines shifted by `base` as `shift_lines` shifts the rest),
    then those it holds."""
    import pickle

    if res.spill is not None:
        with open(res.spill, "rb") as fh:
            for _ in range(res.spilled):
                before, item = pickle.load(fh)
                yield before, _shifted(item, base)
    yield from res.rejected


def _void(res: ChunkResult, void: Item) -> None:
    """Every accepted row of a record file whose data fails its own check (gzip's CRC, which it
    tells only at its end, after the rows were read) becomes a reject: its text may be altered."""
    voided = [(0, Item(void.source, line, {"id": rid}, [voided_issue(path, line, void.line, rid)]))
              for rid, (_, path, line) in zip(res.keys.ids, res.keys.where)]
    res.rejected = sorted([(0, item) for _, item in res.rejected] + voided, key=lambda r: r[1].line)
    res.rows, res.keys, res.digests, res.warnings = 0, Keys(), [], Counter()


AHEAD_PAGES = 64
AHEAD_BYTES = 4 << 20


def _parse_ahead(spec: ChunkSpec, schema: Schema, n: int) -> dict[int, list[Item]]:
    """The items of the page files from `spec.sources[n]` on, up to `AHEAD_PAGES` pages, or until
    `AHEAD_BYTES` are read (the page that crosses it included: at most one more page's cap): read as
    a batch, then parsed as a batch, then their bodies normalised for dedup as a batch. Each step then
    runs with its code and tables in the CPU caches, which a read or the other steps between two
    pages evict (about a tenth of the time a page). (Not in a `--cache` build, which reads every page
    of a chunk first to key it.)"""
    sources, batch, size = spec.sources, list[tuple[int, bytes | Issue]](), 0
    for k in range(n, min(n + AHEAD_PAGES, len(sources))):
        if sources[k].kind != "page" or size >= AHEAD_BYTES:
            break
        page = page_bytes(sources[k])
        batch.append((k, page))
        size += len(page) if isinstance(page, bytes) else 0
    out: dict[int, list[Item]] = {}
    batch.reverse()
    while batch:  # (each page's bytes let go once parsed)
        k, page = batch.pop()
        out[k] = list(iter_items(sources[k], schema, spec.today, fix_mojibake=spec.fix_mojibake, page=page))
    for items in out.values():
        for item in items:
            body = item.record.get("body") if item.ok and item.record is not None else None
            if isinstance(body, str) and item.body_utf8 is not None:
                item.normalized, item.words = normalize_counted(body, item.body_utf8, item.body_plain)
    return out
