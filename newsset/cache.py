"""The incremental cache (`--cache DIR`): each chunk's accepted rows and small keys, filed under a
sha256 of newsset's code, the schema, the options and its files' bytes, so that a rebuild after a
few pages change parses only those. A chunk whose files are unchanged is taken whole; in a changed
one, every page the cache holds is copied from there (`Reuse`). Files' stats, with their ctime
(which no user can set), spare rehashing unchanged files; a cache folder others can write cannot
make a build run code (only newsset's own classes unpickle)."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import pickle
import re
import time
import zlib
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa

from . import __version__
from .errors import Issue
from .reading import open_fd, open_regular, page_bytes
from .schema import Schema
from .sources import Source
from .text import fixer_name

if TYPE_CHECKING:
    from .chunk import ChunkResult, ChunkSpec

__all__ = ["Reuse", "Span", "chunk_keys", "code_digest", "get", "put", "schema_digest", "stat_of"]


@functools.cache
def code_digest() -> str:
    """sha256 of newsset's own modules and bundled files: a development build with an unchanged
    version number must not reuse what older code cached."""
    h = hashlib.sha256(__version__.encode())
    root = Path(__file__).parent
    # (not the schemas a wheel holds in newsset/schemas/ and a checkout beside the package: the schema
    # digest covers them, and a worker installed from a wheel must match a driver run from a checkout)
    for f in sorted(p for p in root.rglob("*") if p.suffix in (".py", ".toml", ".json") and p.is_file()
                    and p.relative_to(root).parts[0] != "schemas"):
        h.update(f.relative_to(root).as_posix().encode() + b"\0" + f.read_bytes() + b"\0")
    return h.hexdigest()


def schema_digest(schema: Schema) -> str:
    """sha256 of the schema and of every file its `$ref`s reach (an edit to one changes what passes)."""
    key = str(schema.path)
    digest = _SCHEMA_DIGESTS.get(key)
    if digest is None or digest[0] != schema.sha256 or digest[2] is not schema.resources:
        # The documents' contents, not the URIs they were found under: those name the folder newsset is
        # installed in, which a Dask worker's environment may have elsewhere (audit k37).
        h = hashlib.sha256(schema.sha256.encode())
        for text in sorted({json.dumps(doc, sort_keys=True, ensure_ascii=True) for doc in schema.resources.values()}):
            h.update(b"\0" + text.encode())
        digest = _SCHEMA_DIGESTS[key] = (schema.sha256, h.hexdigest(), schema.resources)
    return digest[1]


_SCHEMA_DIGESTS: dict[str, tuple[str, str, Any]] = {}


KEEP_BYTES = 64 << 20  # page bytes a chunk keeps between hashing and parsing; past it they are read again


#: A file whose inode change time is this close to when it was hashed may still change within the
#: same timestamp tick (2 s covers every common file system, FAT included), so its stat is not trusted.
STAT_MARGIN_NS = 2_000_000_000

Stat = tuple[int, int, int, int, int]


def stat_of(src: Source) -> Stat | None:
    """(device, inode, size, mtime, ctime) of the file that holds the source (an archive's file
    for its members). No user can set a file's ctime: any change of its bytes changes it."""
    try:
        st = os.stat(src.archive or src.path)
    except (OSError, ValueError):
        return None
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def _ident(src: Source) -> str:
    return f"{src.kind}\0{src.rel}\0{src.path}\0{src.start}\0{src.end}"


def _memo_path(cache: str, options: Any, spec: ChunkSpec) -> str:
    """The stat memo of the chunk that starts with this source: named by the first source's name,
    never its bytes, so that a chunk that gained or lost a page finds the memo of its other pages."""
    h = options.copy()
    h.update(_ident(spec.sources[0]).encode("utf-8", "surrogateescape"))
    name = h.hexdigest()
    return os.path.join(cache, name[:2], f"{name}.stat")


# What newsset itself writes into a cache file: anything else in one is refused, so a cache folder
# others can write (a shared cache) cannot make a build run code, as a plain pickle.load would.
_PICKLED = frozenset({
    ("collections", "Counter"), ("newsset.check", "Item"), ("newsset.chunk", "ChunkResult"), ("newsset.chunk", "Keys"),
    ("newsset.cache", "Span"), ("newsset.errors", "Issue"), ("newsset.sources", "Source"), ("numpy", "dtype"),
    ("numpy", "ndarray"), ("numpy._core.numeric", "_frombuffer"), ("numpy.core.numeric", "_frombuffer"),
    ("numpy._core.multiarray", "_reconstruct"), ("numpy.core.multiarray", "_reconstruct"),
    ("array", "_array_reconstructor"), ("array", "array"), ("datetime", "date")})


class _CacheUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if (module, name) not in _PICKLED:
            raise pickle.UnpicklingError(f"a cache file names {module}.{name}, which newsset never writes")
        return super().find_class(module, name)


def _unpickle(path: str) -> Any:
    """A cache file's contents; any failure is the caller's miss (see `_load_entry`). A FIFO or
    device planted in a shared cache is refused, not waited on."""
    with open_regular(path) as fh:
        return _CacheUnpickler(fh).load()


def _memo_load(path: str) -> dict[str, tuple[Stat, str]]:
    """The (stat, key) a build recorded for each source of the chunk, by `_ident`, for those it may
    trust: hashed at least `STAT_MARGIN_NS` after the file last changed (git's rule for "racily
    clean" files)."""
    try:
        at, pairs = _unpickle(path)  # written by newsset itself, in _memo_put
        return {ident: (st, key) for ident, (st, key) in pairs.items() if st[4] < at - STAT_MARGIN_NS}
    except Exception:  # damaged or foreign: hash the files
        return {}


def _new_file(target: str | os.PathLike[str]) -> tuple[Any, str]:
    """(binary file object, name) of a new temporary file beside `target`, under a random name
    created exclusively: in a cache others can write, a planted link at a predictable name would
    make the build write wherever it points."""
    import tempfile

    folder, name = os.path.split(os.fspath(target))
    fd, tmp = tempfile.mkstemp(prefix=f".{name}.tmp-", dir=folder)
    return os.fdopen(fd, "wb"), tmp


def _dump(target: str | os.PathLike[str], obj: Any) -> None:
    """Pickle `obj` into `target`, atomically (written under a new name, then renamed)."""
    os.makedirs(os.path.dirname(os.fspath(target)), exist_ok=True)
    fh, tmp = _new_file(target)
    try:
        with fh:
            pickle.dump(obj, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _memo_put(path: str, at: int, pairs: dict[str, tuple[Stat, str]]) -> None:
    """Best effort, as `put`."""
    with contextlib.suppress(OSError):
        _dump(path, (at, pairs))


def chunk_keys(spec: ChunkSpec, schema: Schema) -> tuple[str, list[str], list[bytes | Issue | None],
                                                           list[Stat | None]] | None:
    """(chunk key, a key per source, the pages as read, their stats): sha256 over newsset's version and code,
    the schema's bytes, the options that change a result, and the file's name and content; the
    chunk key is the sha256 of its sources' keys. A page is read once: its bytes (or why they
    cannot be had) go on to the parser. None when a file cannot be read (no caching).

    A file whose stat (device, inode, size, mtime, ctime) is the one recorded when it was last
    hashed is not read: its key is taken from the chunk's stat memo, as git and make trust an
    unchanged stat. A rebuild then reads only new and changed files.
    """
    assert spec.cache is not None
    options = hashlib.sha256(
        f"newsset {__version__} {code_digest()}\0schema {schema_digest(schema)}\0today {spec.today}\0"
        f"sketch {spec.sketch}\0group {spec.group_by}\0fix {spec.fix_mojibake and fixer_name()}\0".encode())
    memo_path = _memo_path(spec.cache, options, spec)
    memo = _memo_load(memo_path)
    at = time.time_ns()  # before any stat or read: what `_memo_load` compares a ctime with
    keys: list[str] = []
    pages: list[bytes | Issue | None] = []
    stats: list[Stat | None] = []
    kept = 0
    hashed = False
    for src in spec.sources:
        st = stat_of(src)  # before the read: a change after it shows in the next stat
        stats.append(st)
        known = memo.get(_ident(src))
        if known is not None and known[0] == st:
            keys.append(known[1])
            pages.append(None)  # (read by the parser if the chunk is not cached after all)
            continue
        hashed = True
        h = options.copy()
        h.update(f"{src.kind}\0{src.rel}\0{src.path}\0".encode("utf-8", "surrogateescape"))
        h.update(f"{src.start}\0{src.end}\0{src.shape}\0".encode())  # (a range's result depends on the shape)
        page: bytes | Issue | None = None
        if src.kind == "page":
            page = page_bytes(src)
            if isinstance(page, Issue):
                if page.code != "input.too-large":
                    return None  # unreadable: its result may change without its bytes changing
                h.update(page.message.encode())  # (a page over the size cap is refused unread)
            else:
                h.update(page)
                kept += len(page)
                if kept > KEEP_BYTES:
                    page = None
        else:
            try:  # (a FIFO or a device under a record file's name is refused unread, as the build refuses it)
                with open_regular(src.path) as fh:
                    if src.ranged:
                        fh.seek(max(0, src.start - 1))
                        h.update(fh.read(src.end - max(0, src.start - 1)) if src.end >= 0 else fh.read())
                        h.update(fh.readline())  # the line that crosses `end` belongs to this range
                    else:
                        while block := fh.read(1 << 20):
                            h.update(block)
            except OSError:
                return None
        keys.append(h.hexdigest())
        pages.append(page)
    if hashed and all(st is not None for st in stats):
        _memo_put(memo_path, at, {_ident(src): (st, key) for src, st, key in zip(spec.sources, stats, keys)})  # type: ignore[misc]
    return hashlib.sha256("".join(keys).encode()).hexdigest(), keys, pages, stats


@dataclass(frozen=True)
class Span:
    """Where one source's results sit in a cached chunk: rows [row0, row1), rejected items
    [rej0, rej1), its item count, and the warning codes of its accepted rows."""

    key: str
    row0: int
    rej0: int
    items0: int
    row1: int
    rej1: int
    items1: int
    warned: tuple[str, ...] = ()


@dataclass
class _Entry:
    """A cached chunk: its key, result (without part) and per-source spans, from its `.keys` file,
    and its rows, memory-mapped from its part file."""

    key: str
    res: ChunkResult
    spans: list[Span]
    part: Path
    table: pa.Table | None  # None when the chunk kept no rows

    def copy(self, span: Span, res: ChunkResult, sigs: list[np.ndarray]) -> list[str]:
        """Append the span's keys and rejected items to `res` (its rows are the caller's to write)."""
        old, (r0, r1) = self.res, (span.row0, span.row1)
        if r1 > r0:
            for name in ("ids", "dates", "groups", "pubs", "truncated", "words", "where"):
                getattr(res.keys, name).extend(getattr(old.keys, name)[r0:r1])
            res.digests.extend(old.digests[r0:r1])
            if old.sigs is not None:
                sigs.append(old.sigs[r0:r1])
        res.rejected += [(res.rows + r - r0, item) for r, item in old.rejected[span.rej0:span.rej1]]
        res.rows += r1 - r0
        res.items += span.items1 - span.items0
        res.reused += span.items1 - span.items0
        res.warnings.update(span.warned)
        return list(span.warned)


_HEX64 = re.compile(r"[0-9a-f]{64}")


def _map(path: str) -> pa.Buffer:
    """A regular file mapped read-only (zero-copy: its rows are read only if copied); a FIFO or
    device is refused without blocking, as `pa.memory_map` would wait on a FIFO forever."""
    import mmap

    fd, _ = open_fd(path)
    try:
        return pa.py_buffer(mmap.mmap(fd, 0, access=mmap.ACCESS_READ))
    finally:
        os.close(fd)


def _load_entry(cache: str, name: str, schema: pa.Schema) -> _Entry | None:
    """The cached chunk filed under `name` (the key of its first source), if it reads back whole:
    its part file opens, with `schema` and the rows the result says (a damaged or truncated entry
    is a miss, never a crash or a silent loss of rows)."""
    from .chunk import ChunkResult  # (chunk imports this module)

    try:
        key, res, spans, crc = _unpickle(os.path.join(cache, name[:2], f"{name}.keys"))  # written in put
        if not (isinstance(key, str) and _HEX64.fullmatch(key) and isinstance(res, ChunkResult)
                and isinstance(spans, list)):
            return None  # (a key that is no sha256 could name a file outside the cache)
        part = Path(cache) / key[:2] / f"{key}.arrow"
        table = None
        if res.rows:
            data = _map(str(part))
            if zlib.crc32(data) != crc:  # (a bit flipped on disk would change a record's text, unseen)
                return None
            table = pa.ipc.open_file(pa.BufferReader(data)).read_all()
            # The part must be this result's: same rows, same schema, the same ids in order (a part
            # file swapped for another chunk's would otherwise duplicate or lose rows).
            if table.num_rows != res.rows or not table.schema.equals(schema) \
                    or table.column("id").to_pylist() != res.keys.ids:
                return None
        return _Entry(key, res, spans, part, table)
    except Exception:  # damaged, foreign or from another newsset: recomputed, never trusted
        return None


class Reuse:
    """Finds a page's results in the cache when its chunk changed (a page added, changed or removed
    in it): a chunk is filed under the key of its first source, so its pages are found by trying
    the keys of the new chunk's pages in order (a few misses, then the rest are parsed)."""

    MISSES = 3  # lookups that find nothing before a chunk stops looking (every page of a new folder is new)

    def __init__(self, cache: str, schema: pa.Schema, first: _Entry | None) -> None:
        self.cache, self.schema = cache, schema
        self.spans: dict[str, tuple[_Entry, Span]] = {}
        self.misses = 0
        if first is not None:
            self._add(first)
        else:
            self.misses = 1  # the chunk's own lookup found nothing

    def _add(self, entry: _Entry) -> None:
        for span in entry.spans:
            self.spans.setdefault(span.key, (entry, span))

    def find(self, key: str) -> tuple[_Entry, Span] | None:
        """The cached chunk holding the page with this key, and where in it, if any."""
        hit = self.spans.get(key)
        if hit is None and self.misses < self.MISSES:
            entry = _load_entry(self.cache, key, self.schema)
            if entry is None:
                self.misses += 1
                return None
            self._add(entry)
            hit = self.spans.get(key)
        return hit


def get(spec: ChunkSpec, key: str, first: str,
        schema: pa.Schema) -> tuple[ChunkResult | None, _Entry | None]:
    """(the cached result of this very chunk, or None; the entry filed under its first source)."""
    assert spec.cache is not None
    entry = _load_entry(spec.cache, first, schema)
    if entry is None or entry.key != key:
        return None, entry
    res = entry.res
    res.index = spec.index
    res.part = None
    if res.rows:
        # A link in this build's parts folder: the driver reads (and removes) it like any part, and
        # another build that replaces the cache entry meanwhile cannot pull it away.
        try:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(spec.part_path)
            os.link(entry.part, spec.part_path)
            res.part = spec.part_path
        except OSError:  # the cache on another file system: read the cache's own file
            res.part, res.shared = str(entry.part), True
    res.cached = True
    res.reused = res.items
    return res, entry


def _crc_file(path: Path) -> int:
    """CRC-32 of a file (2 GB/s: what a cached part is checked against when it is read back)."""
    crc = 0
    with open(path, "rb") as fh:
        while block := fh.read(1 << 20):
            crc = zlib.crc32(block, crc)
    return crc


def _linked(src: str, target: Path) -> str:
    """A new hard link to `src` beside `target`, under a random name (os.link never follows or
    replaces what is at its destination: an existing name is an error)."""
    import secrets

    name = os.path.join(target.parent, f".{target.name}.link-{secrets.token_hex(8)}")
    os.link(src, name)
    return name


def put(spec: ChunkSpec, key: str, res: ChunkResult, spans: list[Span], replaced: _Entry | None) -> None:
    """File the chunk under its first source's key: `{key}.keys` holds the chunk key, the result
    and the spans; the part file is named by the chunk key, so its bytes never change under a
    reader. The part of the entry this one replaces (`replaced`, an older version of the chunk)
    is deleted: only that entry named it, so the cache grows with the corpus, not with every
    rebuild. Best effort: a full disk or a read-only cache only costs the next build time."""
    assert spec.cache is not None and spans
    part = Path(spec.cache) / key[:2] / f"{key}.arrow"
    keys = Path(spec.cache) / spans[0].key[:2] / f"{spans[0].key}.keys"
    try:
        if res.part is not None:
            part.parent.mkdir(parents=True, exist_ok=True)
            fh, tmp = _new_file(part)
            try:
                with fh:
                    try:  # a hard link to the part when the cache is on the same file system, else a copy
                        os.replace(_linked(res.part, part), tmp)
                    except OSError:
                        import shutil

                        with open(res.part, "rb") as src:
                            shutil.copyfileobj(src, fh, 1 << 20)
                os.replace(tmp, part)
            except OSError:
                with contextlib.suppress(OSError):  # a full disk: no partial copy left to fill it for good
                    os.unlink(tmp)
                raise
        _dump(keys, (key, replace(res, part=None, cached=False, reused=0, shared=False), spans,
                     _crc_file(part) if res.part is not None else 0))
        if replaced is not None and replaced.key != key and replaced.table is not None:
            os.unlink(replaced.part)  # (a reader that mapped it keeps its rows)
    except OSError as e:
        res.cache_error = e.strerror or str(e)
