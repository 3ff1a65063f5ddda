"""Reading input files safely: regular files only (a FIFO, device or folder under a file's name is
refused without blocking), a page whole with a size cap, a record file line by line in bounded
memory (decompressing .gz and .zst as it goes), or by byte range so that several workers share it;
and `input.unreadable` issues that say why in the user's terms."""

from __future__ import annotations

import contextlib
import errno
import io
import math
import os
import stat
from collections.abc import Generator
from typing import IO, Any, cast

from . import archives
from .archives import too_large
from .errors import Issue, display_path
from .sources import Source

__all__ = ["READ_BUFFER", "SKIP_BYTES", "LineTooLong", "bounded_lines", "count_range_lines", "open_fd",
           "open_records", "open_regular", "page_bytes", "range_lines", "read_page_file", "runs_on", "unreadable_issue"]


class _NotAFile(OSError):
    pass


_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)


def open_fd(path: str) -> tuple[int, int]:
    """(fd, size) of a regular file opened for reading; anything else is refused without blocking
    (a FIFO opened the plain way waits for a writer forever)."""
    fd = os.open(path, _OPEN_FLAGS)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            mode = st.st_mode
            what = "a folder" if stat.S_ISDIR(mode) else "a FIFO" if stat.S_ISFIFO(mode) else \
                "a socket" if stat.S_ISSOCK(mode) else "a device"
            raise _NotAFile(f"expected a regular file, got {what}")
        return fd, st.st_size
    except BaseException:
        os.close(fd)
        raise


READ_BUFFER = 1 << 20  # record files are read by lines of several KB: an 8 KiB buffer costs a read call a line


def open_regular(path: str) -> IO[bytes]:
    """A regular file opened for reading (see `open_fd`)."""
    fd, _ = open_fd(path)
    try:
        return os.fdopen(fd, "rb", buffering=READ_BUFFER)
    except BaseException:
        os.close(fd)
        raise


def read_page_file(path: str) -> bytes | Issue:
    """A page file's bytes, read with `os.read` (no file object), or `input.too-large`: refused
    unread when its size is over the cap, and bounded when it grows while being read."""
    fd, size = open_fd(path)
    try:
        if size > archives.MAX_PAGE_BYTES:
            return too_large(path, size)
        limit = archives.MAX_PAGE_BYTES + 1
        parts = [os.read(fd, min(size + 1, limit))]
        total = len(parts[0])
        # Asked one byte more than its size, got exactly its size: that is the end of the file, no
        # need for a read that returns nothing. A longer file grew; a shorter read may be partial.
        while total != size and total < limit and (block := os.read(fd, min(1 << 20, limit - total))):
            parts.append(block)
            total += len(block)
    finally:
        os.close(fd)
    if total > archives.MAX_PAGE_BYTES:
        return too_large(path, None)
    return parts[0] if len(parts) == 1 else b"".join(parts)


def page_bytes(src: Source) -> bytes | Issue:
    """A page file's bytes, or the issue that stops it (unreadable, too large)."""
    try:
        return read_page_file(src.path)
    except OSError as e:
        return unreadable_issue(src.path, e)


def unreadable_issue(path: str, e: BaseException) -> Issue:
    """`input.unreadable` saying why, in the user's terms (a dangling or looping link is named as such)."""
    if getattr(e, "errno", None) == errno.ENAMETOOLONG:  # (os.path.isdir cannot tell: the path cannot be opened)
        got = f"a path of {len(os.fsencode(path)):,} bytes, longer than the system opens"
        return Issue("input.unreadable", f"expected a path the system can open, got {got}: nothing under it is "
                     "read (move the corpus to a shorter path)", path,
                     expected="a shorter path", got=got)
    if os.path.isdir(path) and not isinstance(e, _NotAFile):
        reason = getattr(e, "strerror", None) or str(e)
        return Issue("input.unreadable", f"expected a folder newsset can list, got: {reason}", path,
                     expected="a readable folder", got=reason)
    if isinstance(e, _NotAFile):
        return Issue("input.unreadable", f"{e}; only regular files (and links to them) are read", path,
                     expected="a regular file", got=str(e).rpartition("got ")[2])
    reason = getattr(e, "strerror", None) or str(e) or type(e).__name__
    got = reason
    if getattr(e, "errno", None) == errno.ENXIO:  # what opening a socket says ("No such device or address")
        with contextlib.suppress(OSError):
            if stat.S_ISSOCK(os.stat(path).st_mode):
                return unreadable_issue(path, _NotAFile("expected a regular file, got a socket"))
    if os.path.islink(path):
        try:
            target = os.readlink(path)
        except OSError:
            target = "?"
        if getattr(e, "errno", None) == errno.ELOOP:
            got = f"a symbolic link loop (through {display_path(target)!r})"
        elif getattr(e, "errno", None) == errno.ENOENT:
            got = f"a broken symbolic link (to {display_path(target)!r}, which does not exist)"
    return Issue("input.unreadable", f"expected a readable file, got {got}", path, expected="a readable file",
                 got=got)


def open_records(name: str, fh: IO[bytes]) -> IO[bytes]:
    """A binary stream of a record file's lines, decompressing .gz and .zst (by `name`) as it reads."""
    low = name.lower()
    if low.endswith(".gz"):
        import gzip

        return cast(IO[bytes], gzip.GzipFile(fileobj=fh, mode="rb"))
    if low.endswith(".zst"):
        import pyarrow as pa

        raw = pa.PythonFile(fh, mode="r")
        return io.BufferedReader(pa.CompressedInputStream(raw, "zstd"))  # type: ignore[arg-type]
    return fh


class LineTooLong(Exception):
    def __init__(self, line: int) -> None:
        super().__init__(line)
        self.line = line


#: How far past a line over the cap newsset reads looking for the line's end, so that the lines
#: after it still count; a longer line (a decompression bomb with no newline) ends the file's reading.
SKIP_BYTES = 64 << 20


def runs_on() -> str:
    """Why the rest of a file with a line past `SKIP_BYTES` is not read (built when said: a test lowers the limit)."""
    size = f"{SKIP_BYTES >> 20} MiB" if SKIP_BYTES >= 1 << 20 else f"{SKIP_BYTES:,} bytes"
    return (f"it runs on past {size} without a line end (decompressed data may be a bomb): the rest of the file is "
            "not read")


def _skip_rest(fh: Any, limit: float = SKIP_BYTES) -> int:
    """Read, in bounded reads, to the end of the current line: the bytes read, or -1 when the
    line runs on past `limit` (then the file is not read further)."""
    skipped = 0
    while skipped <= limit:
        part = fh.readline(1 << 20)
        skipped += len(part)
        if not part or part.endswith(b"\n"):
            return skipped
    return -1


_WHITE = b" \t\n\r\x0b\x0c"  # what bytes.strip() strips: a line of only these is blank


def _blank_skipper(fh: Any) -> Any:
    """A function that consumes the whole blank lines at the stream's position in bulk, from its
    buffer: (lines, bytes). A file of millions of empty lines (a compressed newline bomb is a few KB)
    then costs a scan of its bytes, not a Python step a line. None when the stream cannot peek."""
    peek, read = getattr(fh, "peek", None), fh.read
    if peek is None:
        return None

    def skip(limit: int = -1) -> tuple[int, int]:
        lines = used = 0
        while limit < 0 or used < limit:
            buf = peek(1 << 16)
            if limit >= 0:
                buf = buf[:limit - used]  # lines that start at `limit` or later are not ours
            white = len(buf) - len(buf.lstrip(_WHITE))
            cut = buf.rfind(b"\n", 0, white) + 1  # through the last newline: the next line keeps its indent
            if not cut:
                break
            read(cut)
            lines += buf.count(b"\n", 0, cut)
            used += cut
            if white < len(buf):
                break
        return lines, used
    return skip


def _blank(line: bytes) -> bool:
    return line[:1] in _WHITE and not line.strip()  # (a record line starts with `{`: no copy made)


def bounded_lines(fh: IO[bytes], plain: bool = False) -> Generator[tuple[int, bytes | None], None, int]:
    """(line number, line) of a stream's non-blank lines, each read with a bounded read; returns
    how many lines it holds. A line over the cap is None (its bytes are skipped, never held); one
    that runs on past `SKIP_BYTES` raises `LineTooLong`, unless the stream is `plain` (a file on disk)."""
    readline = fh.readline
    skip = _blank_skipper(fh)
    n = 0
    while line := readline(archives.MAX_PAGE_BYTES + 1):
        n += 1
        if len(line) > archives.MAX_PAGE_BYTES and not line.endswith(b"\n"):
            del line
            if _skip_rest(fh, math.inf if plain else SKIP_BYTES) < 0:
                raise LineTooLong(n)
            yield n, None
        elif not _blank(line):
            yield n, line
        elif skip is not None:
            n += skip()[0]
    return n


def range_lines(fh: Any, start: int, end: int) -> Generator[tuple[int, bytes | None], None, int]:
    """`bounded_lines` of the lines of a binary file that start at a byte offset in [start, end)
    (end -1: to EOF).

    Line numbers restart at 1 in each range; the driver adds the lines of the ranges before.
    """
    pos = start
    limit = archives.MAX_PAGE_BYTES + 1
    if start > 0:
        fh.seek(start - 1)
        while True:  # skip the rest of the line that began before `start`, in bounded reads
            part = fh.readline(limit)
            pos = fh.tell()
            if not part or part.endswith(b"\n") or 0 <= end <= pos:
                break  # (past `end`: no line starts in this range; the range where it starts reads it)
    skip = _blank_skipper(fh)
    n = 0
    while end < 0 or pos < end:
        line = fh.readline(limit)
        if not line:
            break
        n += 1
        pos += len(line)
        if len(line) == limit and not line.endswith(b"\n"):
            del line
            skipped = _skip_rest(fh, math.inf)  # (a file on disk: see _stream_items)
            if skipped < 0:
                raise LineTooLong(n)
            pos += skipped
            yield n, None  # over the cap (see bounded_lines)
        elif not _blank(line):
            yield n, line
        elif skip is not None and (end < 0 or pos < end):
            lines, used = skip(end - pos if end >= 0 else -1)
            n, pos = n + lines, pos + used
    return n


def count_range_lines(src: Source) -> int:
    """How many lines a byte range of a record file holds (0 when it cannot be read)."""
    try:
        with open(src.path, "rb", buffering=READ_BUFFER) as fh:
            lines = range_lines(fh, src.start, src.end)
            while True:
                try:
                    next(lines)
                except StopIteration as stop:
                    return int(stop.value)
    except LineTooLong as e:
        return e.line  # the range's items stop at the refused line
    except OSError:
        return 0
