"""Parquet shards and atomic publishing.

Rows are buffered per column and written as bounded row groups through one `ParquetWriter`
per shard, always with the explicit Arrow schema derived from the JSON Schema. Row-group and
shard boundaries depend only on the rows, so the same rows give the same bytes. Everything
is written into a staging folder beside the output and moved into place last.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import errno
import glob
import hashlib
import json
import os
import re
import shutil
import stat
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa

from .errors import OutputError
from .schema import nested_values
from .sources import newsset_manifest, safe_rel

if TYPE_CHECKING:
    import pyarrow.parquet as pq
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
        values = [float(v) if type(v) is int else v for v in values]
    return pa.array(nested_values(values, typ) if pa.types.is_nested(typ) else values, typ)



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
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False) + "\n", encoding="utf-8")


# ---------------------------------------------------------------- staging and publishing

_LEGAL_FILE = re.compile(r"(?i)(?:licen[cs]e|copying|citation)(?:[.-][\w.-]*)?")  # LICENSE, LICENSE.md, CITATION.cff
_REPO_FILES = frozenset({".git", ".gitattributes", ".gitignore", ".huggingface"})


def lock_path(out: str | os.PathLike[str]) -> Path:
    """The lock file of a build into `out` (of the folder a link at `out` points at)."""
    target = Path(os.path.abspath(out))
    if target.is_symlink():
        target = Path(os.path.realpath(target))
    return target.parent / f".{target.name}.lock"


class Staging:
    """A staging folder beside `out`, guarded by a lock; `publish()` swaps it into place.

    An interrupted build leaves only a hidden `.NAME.staging-PID` folder (removed by the next
    build) and the previous output untouched.
    """

    def __init__(self, out: str | os.PathLike[str]) -> None:
        self.out = Path(os.path.abspath(out))  # (normalised: `--out ..` names the folder above)
        if self.out.is_symlink():  # update the folder it points at, keeping the link (and one lock for both)
            self.out = Path(os.path.realpath(self.out))
        self.parent = self.out.parent
        self.dir = self.parent / f".{self.out.name}.staging-{os.getpid()}"
        self._lock_fh: Any = None
        self.kept: Path | None = None  # the previous output, kept aside: user files in it could not be carried
        self.carried: list[str] = []  # the user's files carried from the previous output (relative paths)
        self.identity: tuple[int, int, int] | None = None  # (device, inode, ctime) of the output found at the start

    def __enter__(self) -> Staging:
        try:
            self.parent.mkdir(parents=True, exist_ok=True)
            _check_name_room(self.out)
            published.clear()
            self._lock()
            if os.path.ismount(self.out):  # (publish replaces the folder by a rename, which a mount point refuses)
                raise OutputError(f"{self.out} is a mount point (a volume), which newsset cannot replace: it writes "
                                  "a new folder beside the old one and swaps them; choose a folder inside it, e.g. "
                                  f"--out {self.out / 'dataset'}")
            if self.out.exists() and not self._is_newsset_output(self.out):
                raise OutputError(f"{self.out} exists and is not a newsset dataset (no manifest.json written by "
                                  "newsset); refusing to replace it: choose another --out or remove it")
            remove_leftovers(self.out)  # (only in newsset's own output: a user's folder is left alone)
            name = glob.escape(self.out.name)  # `--out 'ds?'` must not match another dataset's folders
            for stale in [*self.parent.glob(f".{name}.staging-*"), *self.parent.glob(f".{name}.deleting-*")]:
                _remove_tree(stale)  # (a replaced output whose removal was cut short: newsset's files only)
            for stale in sorted(self.parent.glob(f".{name}.old-*")):
                if not self.out.exists() and (stale / "manifest.json").is_file():
                    # A build killed between the two renames of publish(): put the old output back.
                    os.replace(stale, self.out)
                elif _carry_foreign(stale, self.out):  # killed before the user's files were carried: now
                    _remove_tree(stale)
            if self.out.exists():  # can the folder be renamed at all (an overlay's lower layer cannot)?
                probe = self.parent / f".{self.out.name}.old-{os.getpid()}"  # (put back by recovery if killed)
                with signals_deferred():  # a Ctrl-C between the two renames would leave no output at `out`
                    try:
                        os.replace(self.out, probe)
                    except OSError as e:
                        if e.errno != errno.EXDEV:
                            raise
                        raise OutputError(f"{self.out} cannot be renamed (it sits on another device, or in a lower "
                                          "layer of an overlay file system such as a container image's), and a build "
                                          "replaces its folder by a rename: remove the folder first (rm -r) or choose "
                                          "another --out") from None
                    os.replace(probe, self.out)
            self.identity = _identity(self.out)  # what publish() may replace: the same folder, or a dataset
            self.dir.mkdir()
            self._keep_access()
            (self.dir / "data").mkdir()
        except OSError as e:
            self._unlock()
            reason = e.strerror or str(e)
            blocker = next((p for p in self.out.parents if p.exists() and not p.is_dir()), None)
            if blocker is not None:  # `--out afile/sub`: mkdir says only "File exists" or "Not a directory"
                reason = f"{blocker} is a file, not a folder"
            raise OutputError(f"cannot prepare the output folder {self.out}: {reason}") from None
        except BaseException:
            self._unlock()
            raise
        return self

    def __exit__(self, exc_type: Any, exc: BaseException | None, tb: Any) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)
        self._unlock()
        if isinstance(exc, OSError) and not isinstance(exc, OutputError):
            # Reading inputs never raises (bad inputs are quarantined), so an OSError here is
            # the output side: a full disk, a permission, a file-size limit.
            where = f" ({exc.filename})" if getattr(exc, "filename", None) else ""
            hint = " Free some disk space and build again." if exc.errno in (errno.ENOSPC, errno.EDQUOT) else \
                " This process may open too few files: raise `ulimit -n`, or try --jobs 1." \
                if exc.errno in (errno.EMFILE, errno.ENFILE) else ""
            raise OutputError(f"cannot write the dataset {self.out}: {exc.strerror or exc}{where}; nothing was "
                              f"published and the previous output is untouched.{hint}") from exc

    def _keep_access(self) -> None:
        """The new folder gets the old one's permissions and group (a dataset kept private with
        `chmod 750`, a team's `chgrp` and setgid folder), the owner's rwx always."""
        with contextlib.suppress(OSError):
            st = os.stat(self.out)
            if st.st_gid != os.stat(self.dir).st_gid:
                os.chown(self.dir, -1, st.st_gid)
            os.chmod(self.dir, stat.S_IMODE(st.st_mode) | stat.S_IRWXU)

    @staticmethod
    def _is_newsset_output(p: Path) -> bool:
        """An empty folder, or one whose manifest.json newsset wrote (any app names a file so), or
        a fresh clone of a Hub repo (hidden entries only, .git among them), or a folder a user has
        readied with a license (LICENSE, COPYING or CITATION files, and git's own files only: the
        Hub wants a LICENSE beside a card saying `license: other`), which the build carries over.
        (A home folder of dotfiles is none of these.)"""
        if not p.is_dir():
            return False
        if newsset_manifest(p) is not None:
            return True
        names = [e.name for e in p.iterdir()]
        if not names or (".git" in names and all(n.startswith(".") for n in names)):
            return True
        legal = [n for n in names if _LEGAL_FILE.fullmatch(n)]
        return bool(legal) and all(n in legal or n in _REPO_FILES for n in names)

    def _lock(self) -> None:
        self._lock_fh = take_lock(self.out, f"another newsset build is writing {self.out} (lock {{lock}} is held); "
                                  "wait for it to finish or choose another --out")

    def _unlock(self) -> None:
        if self._lock_fh is not None:
            self._lock_fh.close()
            self._lock_fh = None

    def publish(self) -> None:
        """fsync the staged files, then move the staging folder to `out` (replacing an old build)."""
        try:
            for f in self.dir.rglob("*"):
                if f.is_file():
                    fd = os.open(f, os.O_RDONLY)
                    try:
                        os.fsync(fd)
                    finally:
                        os.close(fd)
            old = self.parent / f".{self.out.name}.old-{os.getpid()}"
            with signals_deferred():  # a Ctrl-C between the renames would leave no output at `out`
                moved = self.out.exists()
                if moved and _identity(self.out) != self.identity and not self._is_newsset_output(self.out):
                    # (`rm -r ds && git clone ... ds` in another terminal: that folder is the user's now)
                    raise OutputError(f"{self.out} was replaced during the build by a folder that is not a newsset "
                                      "dataset; it is left as it is and nothing was published: move it away (or "
                                      "choose another --out) and build again")
                if moved and _exchange(self.dir, self.out):  # one step: `out` is never missing, even
                    os.replace(self.dir, old)                # to a kill -9 or a reader meanwhile
                else:
                    if moved:
                        os.replace(self.out, old)
                    try:
                        os.replace(self.dir, self.out)
                    except OSError:
                        if moved:  # put the previous output back before reporting
                            os.replace(old, self.out)
                        raise
                carried = _carry_foreign(old, self.out, self.carried) if moved else True
                published[:] = [self.out]  # (before a signal held meanwhile acts: see `cli.main`)
            if moved and carried:
                # Renamed first: a removal cut short (a kill, a power cut) leaves a `.deleting-` folder the
                # next build removes, never a half-emptied `.old-` one whose user files it would carry.
                trash = self.parent / f".{self.out.name}.deleting-{os.getpid()}"
                os.replace(old, trash)
                try:
                    _remove_tree(trash)
                except KeyboardInterrupt:
                    pass  # published already: the next build removes the rest
            elif moved:  # the user's files that could not be moved stay there, not deleted
                self.kept = old
            fd = os.open(self.parent, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        except OSError as e:
            raise OutputError(f"cannot publish the dataset to {self.out}: {e.strerror or e}") from None


def take_lock(out: Path, busy: str, read_only: str = "") -> IO[str]:
    """The lock beside a dataset folder (`lock_path`), taken without waiting: a build holds it
    while it writes the folder, `stats --plot` while it adds charts. `busy` is the message when
    another process holds it ({lock} names the file); `read_only` is advice for a folder that
    cannot be written. A lock file that cannot be opened, or is no regular file, is named as such."""
    import fcntl

    path = lock_path(out)
    try:  # (without waiting for a writer, should a FIFO stand there)
        fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0), 0o644)
    except OSError as e:
        advice = "raise the limit of open files (ulimit -n)" if e.errno in (errno.EMFILE, errno.ENFILE) else \
            read_only if read_only and e.errno in (errno.EACCES, errno.EPERM, errno.EROFS) else \
            "remove it if no build is running"
        raise OutputError(f"cannot open the lock file {path} (newsset's, beside the dataset folder): "
                          f"{e.strerror or e}; {advice}") from None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise OutputError(f"the lock file {path} (newsset's, beside the dataset folder) is not a regular file; "
                          "remove it if no build is running")
    fh = os.fdopen(fd, "a+")
    try:
        fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as e:
        fh.close()
        if e.errno in (errno.EAGAIN, errno.EACCES):
            raise OutputError(busy.replace("{lock}", str(path))) from None  # (not format: `{` may be in a path)
        raise
    return fh


def _identity(path: Path) -> tuple[int, int, int] | None:
    """(device, inode, ctime) of a folder, None when nothing is there: a folder deleted and made
    again may get the same inode, never the same ctime."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino, st.st_ctime_ns


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders in one step (Linux's renameat2 with RENAME_EXCHANGE), so that `b` is never
    missing; False where the system or its file system cannot (the caller renames twice)."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):  # (a C library before glibc 2.28, musl before 1.2.?)
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EPERM):
        return False
    raise OSError(err, os.strerror(err), str(b))


#: Top-level names a build may write (besides the config folders its manifest lists).
OWN_NAMES = frozenset({"data", "lm_eval", "images", "README.md", "croissant.json", "manifest.json", "rejects.jsonl",
                       "schema.json"})


def _carry_foreign(old: Path, out: Path, moved: list[str] | None = None) -> bool:
    """Move what the user keeps in a dataset folder (a Hub clone's .git and .gitattributes, a
    LICENSE, notes, pictures in images/, a folder named like a new task config) from the replaced
    output `old` into the new one: a rebuild replaces only the files the old manifest lists. A user
    file in a folder newsset also writes moves to the same place in the new folder. False when
    something could not be moved (the new output has a file at its path): then `old` must be kept,
    not removed. `moved` collects the paths carried."""
    owned = _owned_paths(old)
    carried = True

    def carry(rel: str) -> None:
        nonlocal carried
        source, target = old / rel, out / rel
        if not os.path.lexists(target):
            try:
                try:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    os.replace(source, target)
                except PermissionError:  # a read-only output: open it up (it is being replaced anyway)
                    os.chmod(source.parent, os.stat(source.parent).st_mode | 0o700)
                    os.replace(source, target)
                if moved is not None:
                    moved.append(rel)
                return
            except OSError:
                pass
        elif source.is_dir() and not source.is_symlink() and target.is_dir() and not target.is_symlink():
            try:
                names = os.listdir(source)
            except OSError:
                names = None
            if names is not None:  # a folder on both sides (the user's eval/ and a config eval/): file by file
                for name in names:
                    if f"{rel}/{name}" not in owned:
                        carry(f"{rel}/{name}")
                return
        carried = False

    def walk(rel: str) -> None:
        """Carry the entries of folder `rel` that are not newsset's; look inside its folders that are."""
        try:
            names = os.listdir(old / rel if rel else old)
        except OSError:
            nonlocal carried
            carried = False
            return
        for name in names:
            path = f"{rel}/{name}" if rel else name
            if path in owned:
                continue
            if any(o.startswith(path + "/") for o in owned) and (old / path).is_dir() \
                    and not (old / path).is_symlink():
                walk(path)  # a folder holding newsset's files (data/, images/): theirs stay, the rest moves
            else:
                carry(path)

    walk("")
    return carried


def _owned_paths(old: Path) -> set[str]:
    """The paths newsset wrote into an output: what its manifest lists, and the manifest itself.
    (Outputs of versions that listed only shards: the names newsset writes at the top, whole.)"""
    manifest = newsset_manifest(old) or {}
    owned = {"manifest.json", "README.md", "rejects.jsonl"}  # (always written; the manifest lists the rest)
    listed = False
    for key in ("files", "metadata_files"):
        entries = manifest.get(key)
        if isinstance(entries, list):
            listed = listed or key == "metadata_files"
            owned.update(f["path"] for f in entries if isinstance(f, dict) and _wrote(old, f, key == "metadata_files"))
    if not listed:
        owned |= set(OWN_NAMES) | {p.split("/", 1)[0] for p in owned}
    return owned


def _wrote(old: Path, entry: dict[str, Any], small: bool = False) -> bool:
    """Whether a manifest entry names a file newsset wrote there: a plain relative path with no
    hidden part, to a regular file of the size listed (a `small` one, metadata, of the sha256 listed
    too). A manifest edited by hand (or a clone's tampered one) that lists `.git`, a folder or a
    file of the user's never gets it deleted."""
    rel, size = entry.get("path"), entry.get("bytes")
    if not isinstance(rel, str) or not safe_rel(rel) or any(part.startswith(".") for part in rel.split("/")):
        return False
    try:
        st = os.lstat(old / rel)
    except OSError:
        return False
    if not (stat.S_ISREG(st.st_mode) and (not isinstance(size, int) or st.st_size == size)):
        return False
    digest = entry.get("sha256")
    if not small or not isinstance(digest, str) or st.st_size > METADATA_CHECK_BYTES:
        return True
    try:
        return sha256_file(old / rel) == digest
    except OSError:
        return False


METADATA_CHECK_BYTES = 64 << 20  # a listed metadata file this small has its sha256 checked before it is replaced

# newsset's own temporary files inside a dataset (`stats --plot` rewrites the card and manifest through them).
_OWN_TEMP = re.compile(r"\.(?:README\.md|manifest\.json)\.tmp-[0-9]+")


def remove_leftovers(out: Path) -> None:
    """Remove what a killed `stats --plot` leaves: its `.NAME.charts-PID` scratch folder beside the
    dataset, and a `.README.md.tmp-PID` or `.manifest.json.tmp-PID` in it, which a rebuild would
    otherwise carry over as a file of the user's. The caller holds the dataset's lock (every
    process that makes them does, while they exist)."""
    for stale in out.parent.glob(f".{glob.escape(out.name)}.charts-*"):
        shutil.rmtree(stale, ignore_errors=True)
    with contextlib.suppress(OSError):
        for name in os.listdir(out):
            if _OWN_TEMP.fullmatch(name):
                with contextlib.suppress(OSError):
                    os.unlink(out / name)


#: The output the last build of this process published (its new folder swapped in), or nothing: a
#: signal that comes after the swap interrupts a build whose dataset is complete, which the CLI says.
published: list[Path] = []


# The most a name beside the output adds to the output's name: `.NAME.deleting-PID` (a PID of up to 7 digits).
_NAME_ROOM = len("..deleting-") + 7


def _check_name_room(out: Path) -> None:
    """Refuse an output whose name leaves no room for the names beside it that a build uses (the
    staging folder, the old output while it is swapped out): the build would publish and then fail
    to rename the old output away, leaving a copy of it beside the new one."""
    try:
        limit = os.pathconf(out.parent, "PC_NAME_MAX")
    except (OSError, ValueError):
        limit = 255
    size = len(os.fsencode(out.name))
    if size > limit - _NAME_ROOM:
        raise OutputError(f"--out: the folder name is {size} bytes long; newsset needs it at most {limit - _NAME_ROOM} "
                          f"(this file system allows {limit}, and a build works beside the output in folders "
                          "named `.NAME.staging-PID` and `.NAME.deleting-PID`): choose a shorter name")


def _remove_tree(path: Path) -> None:
    """Remove a replaced output, also one whose folders were made read-only (chmod -R a-w, a
    read-only checkout): it is newsset's own copy, and a leftover `.NAME.old-PID` would stay for good."""
    def writable_then_retry(func: Any, name: str, exc: BaseException) -> None:
        with contextlib.suppress(OSError):
            parent = os.path.dirname(name)
            os.chmod(parent, os.stat(parent).st_mode | 0o700)
            if os.path.isdir(name) and not os.path.islink(name):
                os.chmod(name, os.stat(name).st_mode | 0o700)
            func(name)

    if sys.version_info >= (3, 12):
        shutil.rmtree(path, onexc=writable_then_retry)  # type: ignore[call-arg,unused-ignore]
    else:
        shutil.rmtree(path, onerror=lambda func, name, info: writable_then_retry(func, name, info[1]))
    if os.path.lexists(path):
        shutil.rmtree(path, ignore_errors=True)  # (a second pass: folders opened up in the first)


@contextlib.contextmanager
def signals_deferred() -> Iterator[None]:
    """Hold SIGINT, SIGTERM and SIGHUP until the block is done, then act on them as they would have.
    (Signal handlers can only be set on the main thread; elsewhere the block runs as it is.)"""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    got: list[int] = []
    before = {s: signal.signal(s, lambda n, _f: got.append(n)) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    try:
        yield
    finally:
        for s, handler in before.items():
            signal.signal(s, handler)
        for n in got[:1]:
            signal.raise_signal(n)


def parquet_info(path: Path) -> dict[str, Any]:
    """Rows and uncompressed bytes of a written shard, read from its footer."""
    import pyarrow.parquet as pq

    md = pq.read_metadata(path)
    return {"rows": md.num_rows, "num_bytes": sum(md.row_group(i).total_byte_size for i in range(md.num_row_groups))}
