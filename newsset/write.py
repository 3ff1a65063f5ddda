"""Parquet shards.

Rows are buffered per column and written as bounded row groups through one `ParquetWriter`
per shard, always with the explicit Arrow schema derived from the JSON Schema. Row-group and
shard boundaries depend only on the rows, so the same rows give the same bytes. (They are
written into a staging folder that `newsset.publish` moves into place last.)
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import errno
import functools
import hashlib
import json
import os
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa

from .schema import nested_values

if TYPE_CHECKING:
    import pyarrow.parquet as pq

__all__ = ["ShardFile", "ShardWriter", "parquet_info", "sha256_file", "to_batch", "to_column", "write_json"]
# pyarrow.compute and pyarrow.parquet are imported where used: worker processes need neither
# (40 ms of start-up each).

ROW_GROUP_ROWS = 2048
ROW_GROUP_BYTES = 2 << 20  # uncompressed text per row group: bounds each (config, split) writer's buffer
SHARD_BYTES = 256 << 20  # uncompressed text per shard file

# zstd at level 1, pyarrow's default (level 3 made files 3% smaller for a tenth more encoding time);
# content-defined chunking keeps a page's bytes when rows before it change, so that the Hub's storage
# (Xet) uploads only what a rebuild changed.
PARQUET_OPTIONS: dict[str, Any] = {
    "compression": "zstd",
    "compression_level": 1,
    "write_statistics": True,
    "write_page_index": True,
    "use_content_defined_chunking": True,
}


@dataclass(frozen=True)
class ShardFile:
    path: Path
    split: str
    rows: int


def to_column(values: list[Any], typ: pa.DataType) -> pa.Array:
    """Checked JSON values -> an Arrow array of the column's type (raises when one cannot be held)."""
    if pa.types.is_date32(typ):
        try:  # checked YYYY-MM-DD text: datetime converts it without a compute kernel
            return pa.array([None if v is None else _dt.date.fromisoformat(_yyyy_mm_dd(v)) for v in values], typ)
        except (TypeError, ValueError):
            pass  # let Arrow's cast say what is wrong
    if pa.types.is_timestamp(typ):  # RFC 3339 allows a lower-case `t` and `z`; Arrow reads upper case only
        return pa.array([v.upper() if isinstance(v, str) else v for v in values], pa.string()).cast(typ)
    if pa.types.is_date32(typ):
        return pa.array(values, pa.string()).cast(typ)
    if pa.types.is_floating(typ):  # a JSON number may be written as a big integer: Arrow takes ints up to int64
        values = [_exact_float(v) if type(v) is int else v for v in values]
    return pa.array(nested_values(values, typ) if pa.types.is_nested(typ) else values, typ)


def _exact_float(v: int) -> float:
    """An integer as a float64 column holds it, when it gives it back: exactly, or as the same number
    written the shortest way (10**30 reads back as 1e+30). Past 2**53 most integers would come back
    as another number (9007199254740993 as 9007199254740992: an id of a post, say)."""
    f = float(v)  # (OverflowError past float64's range)
    if f != v and int(Decimal(repr(f))) != v:
        raise ValueError(f"{v} is an integer a float64 column cannot hold (it would be read back as {repr(f)}): "
                         "use an integer field for it")
    return f


def _yyyy_mm_dd(v: str) -> str:
    """`v` if it has the shape YYYY-MM-DD (fromisoformat also takes 20240102 and week dates)."""
    if len(v) != 10 or v[4] != "-" or v[7] != "-":
        raise ValueError(v)
    return v


def utf8_array(values: list[bytes | None]) -> pa.Array:
    """A string array from valid UTF-8 bytes (or None), built from one join and an offsets array:
    no per-value conversion or validation (the bytes come from encoding `str`). Under 2 GiB in all."""
    n = len(values)
    lengths = np.fromiter((0 if v is None else len(v) for v in values), np.int64, n)
    offsets = np.zeros(n + 1, np.int64)
    np.cumsum(lengths, out=offsets[1:])
    if offsets[-1] > np.iinfo(np.int32).max:
        raise ValueError(f"{offsets[-1]} bytes of text is more than one string array holds (2 GiB)")
    validity, nulls = None, 0
    if None in values:
        present = np.fromiter((v is not None for v in values), np.bool_, n)
        nulls = n - int(present.sum())
        validity = pa.py_buffer(np.packbits(present, bitorder="little"))
    data = b"".join([v for v in values if v is not None])
    return pa.StringArray.from_buffers(n, pa.py_buffer(offsets.astype(np.int32)), pa.py_buffer(data), validity,
                                       nulls)


def to_batch(columns: list[list[Any]], schema: pa.Schema, utf8: frozenset[int] = frozenset()) -> pa.RecordBatch:
    """Column lists of checked records -> one batch with the explicit schema. The columns numbered
    in `utf8` hold UTF-8 bytes (or None) for a string field."""
    return pa.record_batch([utf8_array(c) if i in utf8 else to_column(c, f.type)
                            for i, (c, f) in enumerate(zip(columns, schema))], schema=schema)


def row_sizes(batch: pa.RecordBatch) -> np.ndarray:
    """Text bytes per row: what bounds row groups and shards (deterministic, unlike buffer sizes)."""
    sizes = np.zeros(batch.num_rows, np.int64)
    for col in batch.columns:
        if pa.types.is_string(col.type) or pa.types.is_binary(col.type):
            # The lengths are the differences of the offsets (no kernel calls); a null counts 0,
            # whatever its slot spans (Arrow allows a null a non-empty slot).
            n, start = len(col), col.offset
            lengths = np.diff(np.frombuffer(col.buffers()[1], np.int32, n + 1, start * 4))
            if col.null_count:
                bits = np.unpackbits(np.frombuffer(col.buffers()[0], np.uint8), count=start + n, bitorder="little")
                lengths = lengths * bits[start:]
            sizes += lengths
        elif pa.types.is_large_string(col.type) or pa.types.is_large_binary(col.type):
            import pyarrow.compute as pc

            sizes += pc.fill_null(pc.binary_length(col), 0).to_numpy(zero_copy_only=False)
    return sizes


@functools.cache
def _file_size_limit() -> int | None:
    """This process's file-size limit in bytes (`ulimit -f`), None when there is none."""
    try:
        import resource
    except ImportError:  # (not on Windows)
        return None
    soft = resource.getrlimit(resource.RLIMIT_FSIZE)[0]
    return None if soft == resource.RLIM_INFINITY else soft


def _room_for(path: Path, nbytes: int) -> None:
    """Refuse a row group that could take a shard past the file-size limit, as the system would
    (EFBIG): Arrow's Parquet writer meets that error inside a column and aborts the whole process,
    with no message and the staging folder left behind. (The group's uncompressed size bounds what
    it adds to the file.)"""
    limit = _file_size_limit()
    if limit is not None and os.stat(path).st_size + nbytes + (1 << 16) > limit:
        raise OSError(errno.EFBIG, f"{os.strerror(errno.EFBIG)} (a row group of {nbytes:,} bytes would take the "
                      f"file past this process's file-size limit, {limit:,} bytes: `ulimit -f`)", str(path))


class ShardWriter:
    """Writes one split's rows as `{prefix}-NNNNN.parquet.part` files under `folder`.

    Row groups hold `row_group_rows` rows or `row_group_bytes` of text, whichever comes first;
    a shard closes after `shard_bytes` of text. The cuts depend only on the rows written, and
    each row group is written from one contiguous chunk, so the bytes do not depend on how the
    rows arrived (one batch, many batches, one process or several).
    """

    def __init__(self, folder: Path, prefix: str, schema: pa.Schema, row_group_rows: int = ROW_GROUP_ROWS,
                 row_group_bytes: int = ROW_GROUP_BYTES, shard_bytes: int = SHARD_BYTES) -> None:
        self.folder, self.prefix, self.schema = folder, prefix, schema
        self.row_group_rows, self.row_group_bytes, self.shard_bytes = row_group_rows, row_group_bytes, shard_bytes
        self.pending: list[pa.RecordBatch] = []
        self.sizes: list[np.ndarray] = []
        self.pending_rows = 0
        self.pending_bytes = 0
        self.writer: pq.ParquetWriter | None = None
        self.files: list[ShardFile] = []
        self.rows_in_shard = 0
        self.bytes_in_shard = 0
        self.rows = 0

    def write(self, batch: pa.RecordBatch) -> None:
        if batch.num_rows == 0:
            return
        if batch.schema != self.schema:
            batch = pa.record_batch(batch.columns, schema=self.schema)
        sizes = row_sizes(batch)
        self.pending.append(batch)
        self.sizes.append(sizes)
        self.pending_rows += batch.num_rows
        self.pending_bytes += int(sizes.sum())
        while self.pending_rows >= self.row_group_rows or self.pending_bytes >= self.row_group_bytes:
            self._cut()

    def _cut(self) -> None:
        sizes = np.concatenate(self.sizes)
        n = min(self.row_group_rows, len(sizes))
        csum = np.cumsum(sizes[:n])
        if csum[-1] > self.row_group_bytes:
            n = max(1, int(np.searchsorted(csum, self.row_group_bytes, side="left")) + 1)
        table = pa.Table.from_batches(self.pending, schema=self.schema)
        group = table.slice(0, n).combine_chunks()  # one contiguous chunk: bytes independent of arrival
        rest = table.slice(n)
        # Zero-copy slices, copied once, when their group is cut (none when no row is left: an empty
        # slice would keep the batch's buffers, a whole mapped part file, alive until the next cut).
        self.pending = rest.to_batches() if rest.num_rows else []
        self.sizes = [sizes[n:]] if rest.num_rows else []
        self.pending_rows -= n
        group_bytes = int(sizes[:n].sum())
        self.pending_bytes -= group_bytes
        if self.writer is None:
            import pyarrow.parquet as pq

            path = self.folder / f"{self.prefix}-{len(self.files):05d}.parquet.part"
            self.writer = pq.ParquetWriter(path, self.schema, **PARQUET_OPTIONS)
            self.files.append(ShardFile(path, self.prefix, 0))
        _room_for(self.files[-1].path, group.nbytes)
        self.writer.write_table(group, row_group_size=n)
        self.rows += n
        self.rows_in_shard += n
        self.bytes_in_shard += group_bytes
        if self.bytes_in_shard >= self.shard_bytes:
            self._close_shard()

    def _close_shard(self) -> None:
        if self.writer is not None:
            self.writer.close()
            last = self.files[-1]
            self.files[-1] = ShardFile(last.path, last.split, self.rows_in_shard)
            self.writer = None
            self.rows_in_shard = 0
            self.bytes_in_shard = 0

    def close(self) -> list[ShardFile]:
        """Flush, close and rename to the final `{prefix}-{i:05d}-of-{n:05d}.parquet` names."""
        while self.pending_rows:
            self._cut()
        self._close_shard()
        n = len(self.files)
        final = []
        for i, f in enumerate(self.files):
            target = self.folder / f"{self.prefix}-{i:05d}-of-{n:05d}.parquet"
            os.replace(f.path, target)
            final.append(ShardFile(target, f.split, f.rows))
        self.files = final
        return final

    def abort(self) -> None:
        if self.writer is not None:
            with contextlib.suppress(Exception):
                self.writer.close()


def sha256_file(path: Path) -> str:
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False) + "\n", encoding="utf-8")


def parquet_info(path: Path) -> dict[str, Any]:
    """Rows and uncompressed bytes of a written shard, read from its footer."""
    import pyarrow.parquet as pq

    md = pq.read_metadata(os.path.abspath(path))  # (a relative `ds-12:30/...` reads as a URI)
    return {"rows": md.num_rows, "num_bytes": sum(md.row_group(i).total_byte_size for i in range(md.num_row_groups))}
