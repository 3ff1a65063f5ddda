"""Reading pages and record files inside archives (.tar, .tar.gz, .tgz, .zip) in place.

Nothing is extracted to disk: one member at a time is read into memory (a page, at most
`MAX_PAGE_BYTES`) or streamed (a record file), so memory stays bounded whatever the archive.

Naming. A member is the source `ARCHIVE!/MEMBER` (`rel` and `path` of the archive, `!/`, the
member's name as stored, minus a leading `./` that `tar -C dir .` adds). Names with `..` or a
leading `/` are kept as given: they are only names here.

Order. Members are read in name order (ties, i.e. duplicate names, in archive order), so the
output does not depend on how the archive was made. A zip and an uncompressed tar are read by
random access. A compressed tar cannot seek back cheaply, so it is first listed in one streamed
pass (names and sizes only), then streamed again: a member that comes before its turn is held in
memory, up to `BUFFER_BYTES` nearest-turn first; what does not fit is written, as read, to a
temporary file (gzip-compressed, in `TMPDIR`, deleted when the archive is done) and read back at
its turn. So an archive takes two passes (one already in name order, one after the listing).
Only when that file cannot be written (a full disk), or has grown to `SPOOL_RATIO` times the
archive's own size, does what does not fit wait for another pass, each decompressing the archive
again: before the spool, a 1 GB archive of pages in `tar`'s readdir order took four passes, and
one of 4 GB sixteen, which made the time quadratic in its size (a 19 MB bomb of 4 GB: 124 s,
now 20 s).

Hostile archives never stop a run and no member disappears silently:

- corrupt or truncated archive or member: `input.unreadable` at the member (else at the
  archive); items read before it are kept, and in a zip or plain tar the other members are read;
- encrypted zip member: `archive.encrypted`;
- symbolic or hard link, device, FIFO with an input's name: `archive.not-a-file` (a link's
  target is read under its own name if it is in the archive; links are never followed);
- a member that is itself an archive: `archive.nested` (archives are not opened recursively);
- page larger than `MAX_PAGE_BYTES` (e.g. a zip bomb): `input.too-large`, refused from its
  declared size without inflating it, and read with a bounded read in any case;
- duplicate names: every copy but the last is `archive.duplicate-member`; the last is read, as
  extracting the archive would leave it.
"""

from __future__ import annotations

import contextlib
import gzip
import heapq
import io
import lzma
import os
import posixpath
import stat
import tarfile
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from functools import partial
from typing import IO, Any, TypeVar

from .errors import Issue, display_path
from .sources import HIDDEN_FILE, IN_ARCHIVES, Kind, Source, ignored_suffix, kind_of

__all__ = ["BUFFER_BYTES", "MAX_PAGE_BYTES", "declared_size", "read_archive", "read_bounded",
           "gzip_check_failed", "too_large"]

#: The cap on a page and on one line of a record file: a long read is about 100 KB, so no article comes
#: near it; a larger page or line is refused (`input.too-large`), never read whole or inflated.
MAX_PAGE_BYTES = 8 << 20
BUFFER_BYTES = 256 << 20  # early members of a compressed tar held per pass (see the module doc)
SPOOL_RATIO = 8  # the temporary file of a compressed tar's early members: at most 8x the archive
SPOOL_MIN = 64 << 20  # (+ 64 MiB)

#: What reading a damaged archive or member can raise (zlib, lzma, bz2 and zstd data included).
BROKEN = (tarfile.TarError, zipfile.BadZipFile, zlib.error, lzma.LZMAError, OSError, EOFError, ValueError,
          NotImplementedError)
_COMPRESSED = (b"\x1f\x8b", b"BZh", b"\xfd7zXZ\x00")  # gzip, bzip2, xz magic numbers

T = TypeVar("T")
Read = Callable[[Source, IO[bytes]], Iterator[T]]
Refuse = Callable[[Source, Issue], T]
Note = Callable[[T, Issue], None]  # adds a warning to an item


@dataclass(frozen=True, slots=True)
class Member:
    """One entry of an archive's listing, known before any of its data is read."""

    index: int  # position in the archive
    name: str
    size: int  # bytes of data the listing declares
    type: str  # "file", "dir", or what else it is ("a symbolic link to 'x'")
    encrypted: bool = False


@dataclass(frozen=True, slots=True)
class Entry:
    """A member to report, in output order: read it, or refuse it with `issue`."""

    member: Member
    source: Source
    issue: Issue | None


def read_archive(src: Source, read: Read[T], refuse: Refuse[T], note: Note[T] | None = None,
                 ignored: Counter[str] | None = None) -> Iterator[T]:
    """The items of every input member of archive `src`, in name order.

    `read(member, stream)` turns one member into items; `refuse(source, issue)` makes the item
    for a member (or the archive) that cannot be read; `note(item, issue)` adds the
    `input.file-name` warning to the first item of a member whose name is not UTF-8, as for a
    file; `ignored` counts the members of other suffixes, as a folder walk counts such files.
    Never raises for a damaged archive.
    """
    try:
        compressed = src.kind == "tar" and _compressed(src.path)
    except OSError as e:
        yield refuse(src, _unreadable(src.path, "cannot read the archive", e))
        return
    planner = partial(_plan, ignored=ignored)
    if src.kind == "zip":
        yield from _zip_items(src, read, refuse, note, planner)
    elif compressed:
        yield from _tar_stream_items(src, read, refuse, note, planner)
    else:
        yield from _tar_items(src, read, refuse, note, planner)


# ---------------------------------------------------------------- listing and planning

def _name(stored: str) -> str:
    while stored.startswith("./"):
        stored = stored[2:]
    return stored


def _placed(name: str) -> str:
    """Where extracting would put a member: `a/./b.txt`, `a//b.txt`, `x/../a/b.txt` and `/a/b.txt` are
    all `a/b.txt`, so of such aliases too only the last is read (its `source` keeps the name as given)."""
    return posixpath.normpath(name).lstrip("/") if name else name


def _skipped(name: str) -> bool:
    """Not an input, as in a folder walk: hidden entries and macOS resource forks."""
    return not name or name.endswith("/") or any(
        (part.startswith(".") and part not in (".", "..")) or part == "__MACOSX" for part in name.split("/"))


def _tar_member(index: int, ti: tarfile.TarInfo) -> Member:
    if ti.isreg():
        kind = "file"
    elif ti.isdir():
        kind = "dir"
    elif ti.issym():
        kind = f"a symbolic link to {ti.linkname!r}"
    elif ti.islnk():
        kind = f"a hard link to {ti.linkname!r}"
    else:
        kind = "a device or FIFO"
    return Member(index, _name(ti.name), ti.size, kind)


def _zip_member(index: int, info: zipfile.ZipInfo) -> Member:
    mode = info.external_attr >> 16 if info.create_system == 3 else 0  # Unix mode bits, when made on Unix
    if info.is_dir():
        kind = "dir"
    elif stat.S_ISLNK(mode):
        kind = "a symbolic link"
    elif stat.S_IFMT(mode) and not stat.S_ISREG(mode):  # no type bits (only permissions): a file
        kind = "a device or FIFO"
    else:
        kind = "file"
    return Member(index, _name(_zip_name(info)), info.file_size, kind, bool(info.flag_bits & 0x1))


def _zip_name(info: zipfile.ZipInfo) -> str:
    """The member's name as `unzip` shows it. A name stored without the UTF-8 flag is CP437 by the
    format (what zipfile reads), but Info-ZIP's `zip` (Linux, macOS) stores UTF-8 names so: such a
    name is read as UTF-8 when its bytes are valid UTF-8 (`été.txt`, not `├⌐t├⌐.txt`), as CP437 else."""
    name = info.filename
    if not info.flag_bits & 0x800 and not name.isascii():
        with contextlib.suppress(UnicodeError):
            return name.encode("cp437").decode("utf-8")
    return name


def _plan(archive: Source, members: list[Member], ignored: Counter[str] | None = None) -> list[Entry]:
    """The input members in output order (name, then archive position), each read or refused;
    `ignored` counts the others that are files: of another suffix, or hidden (folders aside)."""
    listed = []
    for m in members:
        if m.type == "dir" or _skipped(m.name):
            if ignored is not None and m.type == "file" and m.name and not m.name.endswith("/"):
                ignored[f"{HIDDEN_FILE} {IN_ARCHIVES}"] += 1  # (`.draft.txt`, `.git/...`, `__MACOSX/...`: counted,
            continue                                          # as a folder walk counts what it passes over)
        if (kind := kind_of(m.name)) is not None:
            listed.append((m, kind))
        elif ignored is not None and m.type == "file":
            ignored[f"{ignored_suffix(m.name)} {IN_ARCHIVES}"] += 1
    copies = Counter(_placed(m.name) for m, _ in listed)
    last = {_placed(m.name): m.index for m, _ in listed}
    plan = []
    for m, kind in sorted(listed, key=lambda mk: (mk[0].name, mk[0].index)):
        src = archive.member(m.name, kind)
        plan.append(Entry(m, src, _refusal(m, kind, src.path, copies[_placed(m.name)], last[_placed(m.name)])))
    return plan


def _refusal(m: Member, kind: Kind, path: str, copies: int, last: int) -> Issue | None:
    """Why a member is not read, decided from the listing alone; None: read it."""
    if m.index != last:
        return Issue("archive.duplicate-member", f"expected one member at {_placed(m.name)!r}, got {copies}: this copy "
                     f"(entry {m.index + 1}) is not read, the last one (entry {last + 1}) is", path,
                     expected="one member per name", got=f"{copies} members")
    if m.type != "file":
        return Issue("archive.not-a-file", f"expected a file, got {m.type}; links are not followed", path,
                     expected="a regular file", got=m.type)
    if m.encrypted:
        return Issue("archive.encrypted", "expected a readable member, got an encrypted one (newsset takes no "
                     "password)", path)
    if kind in ("tar", "zip"):
        return Issue("archive.nested", "expected a page or record file, got an archive inside the archive; "
                     "it is not opened", path)
    if kind == "page" and m.size > MAX_PAGE_BYTES:
        return too_large(path, m.size)
    return None


def declared_size(fh: IO[bytes]) -> int | None:
    """The size of an open file, or None for a stream that has none (an archive member)."""
    try:
        return os.fstat(fh.fileno()).st_size
    except (AttributeError, OSError, ValueError, io.UnsupportedOperation):
        return None


def read_bounded(fh: IO[bytes], limit: int = MAX_PAGE_BYTES) -> bytes:
    """Up to `limit + 1` bytes of a stream (more than `limit` means: too large).

    Not `fh.read(limit + 1)`: CPython allocates the whole size up front, 8 MiB for every page.
    """
    size = declared_size(fh)
    parts: list[bytes] = []
    total = 0
    if size is not None and 0 < size <= limit:
        parts.append(fh.read(size + 1))  # one read of the declared size; a file that grew reads on below
        total = len(parts[0])
        if total <= size:
            return parts[0]
    while total <= limit and (block := fh.read(min(1 << 20, limit + 1 - total))):
        parts.append(block)
        total += len(block)
    return b"".join(parts)


def too_large(path: str, size: int | None, line: int | None = None, after: str | None = None) -> Issue:
    """A page or record line over the cap; `size` None: only known to exceed it; `after`: what
    became of the rest of a record file (default: the lines after the long one were read)."""
    what = "a page" if line is None else "a record line"
    got = f"{size} bytes" if size is not None else f"more than {MAX_PAGE_BYTES} bytes"
    rest = "not read" if line is None else after or "skipped to its end; the lines after it are read"
    return Issue("input.too-large", f"expected {what} of at most {MAX_PAGE_BYTES >> 20} MiB, got {got}; {rest}",
                 path, line, expected=f"<= {MAX_PAGE_BYTES} bytes", got=got)


#: What a record line that runs on past the skip limit costs the rest of its file.


def _reason(e: BaseException) -> str:
    return getattr(e, "strerror", None) or str(e) or type(e).__name__


def _unreadable(path: str, what: str, e: BaseException | str) -> Issue:
    return Issue("input.unreadable", f"{what}: {e if isinstance(e, str) else _reason(e)}", path)


def _member_items(entry: Entry, open_member: Callable[[], IO[bytes]], read: Read[T], refuse: Refuse[T],
                  note: Note[T] | None) -> Iterator[T]:
    """The items of one member (the first with an `input.file-name` warning when its name is not UTF-8)."""
    items = _member_items_of(entry, open_member, read, refuse)
    name = entry.member.name
    if note is None or display_path(name) == name:
        yield from items
        return
    for n, item in enumerate(items):
        if n == 0:
            note(item, Issue("input.file-name", f"expected a UTF-8 member name, got bytes that are not UTF-8; "
                             f"shown as `{display_path(name)}` (also in `source`)", entry.source.path,
                             expected="a UTF-8 file name", got=display_path(name)))
        yield item


def _member_items_of(entry: Entry, open_member: Callable[[], IO[bytes]], read: Read[T],
                     refuse: Refuse[T]) -> Iterator[T]:
    """The items of one member; one that breaks part way keeps the items read before the break."""
    if entry.issue is not None:
        yield refuse(entry.source, entry.issue)
        return
    try:
        with open_member() as fh:
            yield from read(entry.source, fh)
    except BROKEN as e:
        yield refuse(entry.source, _unreadable(entry.source.path, "cannot read the member", e))


def _cut_short(src: Source, members: list[Member], error: str) -> Issue:
    """The archive-level issue when the listing stopped early: what follows cannot even be named."""
    if not members:
        issue = _unreadable(src.path, "cannot read the archive", error)
        return replace(issue, hint="its bytes changed after it was made (a bad copy or disk): fetch or pack it "
                       "again") if error.startswith(_CORRUPT_GZIP[:_CORRUPT_GZIP.index("{")]) else issue
    return _unreadable(src.path, f"cannot read the archive after its entry {members[-1].name!r} (nothing after "
                       "that point is read)", error)


# ---------------------------------------------------------------- zip

def _zip_items(src: Source, read: Read[T], refuse: Refuse[T], note: Note[T] | None,
               planner: Callable[..., list[Entry]] = _plan) -> Iterator[T]:
    try:
        zf = zipfile.ZipFile(src.path)
    except UnicodeDecodeError as e:  # (a name flagged UTF-8 that is not: Python's zipfile reads no member then)
        name = e.object.decode("utf-8", "backslashreplace") if isinstance(e.object, bytes) else "?"
        yield refuse(src, _unreadable(src.path, f"cannot read the zip archive: the member name '{name}' is flagged "
                                      "as UTF-8 but is not (a zip tool that wrote another encoding), so no member "
                                      "can be listed; unzip it and pack the files again, or pass them as a folder",
                                      e))
        return
    except BROKEN as e:
        yield refuse(src, _misnamed(src.path, "zip", "cannot read the zip archive", e)
                     or _unreadable(src.path, "cannot read the zip archive (truncated, or not a zip)", e))
        return
    with zf:
        infos = zf.infolist()
        for entry in planner(src, [_zip_member(i, info) for i, info in enumerate(infos)]):
            yield from _member_items(entry, partial(_zip_open, zf, infos[entry.member.index]), read, refuse, note)
        first = min((info.header_offset for info in infos), default=0)
    if first > 0:  # a zip is read from its end: whatever comes before its first member is not
        yield refuse(src, _unreadable(src.path, f"the zip archive holds {first:,} bytes before its first member, "
                                      "which are not read (zip archives joined with cat? only the last one's "
                                      "members are listed: unzip each part, or zip them again as one)",
                                      "data before the first member"))


_ZIP_METHODS = {9: "Deflate64", 93: "Zstandard", 95: "xz", 97: "WavPack", 98: "PPMd", 99: "AES encryption",
                12: "bzip2", 14: "LZMA"}


def _zip_open(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> IO[bytes]:
    """A member's stream; a compression method Python's zipfile lacks is named (its message is not)."""
    try:
        return zf.open(info)
    except NotImplementedError:
        method = _ZIP_METHODS.get(info.compress_type, f"method {info.compress_type}")
        raise NotImplementedError(f"compressed with {method}, which Python's zipfile cannot read: zip it again "
                                  "with plain Deflate (zip's default) or store it") from None


# ---------------------------------------------------------------- tar

# What a file is by its first bytes, for an archive its name calls something else (a zip renamed .tar),
# and what to do about it.
_PACK = "pack the pages again as .zip, .tar or .tar.gz"
_MAGIC = ((b"PK\x03\x04", "a zip archive", "rename it to .zip"),
          (b"PK\x05\x06", "an empty zip archive", "rename it to .zip"),
          (b"\x1f\x8b", "gzip data", "rename it to .tar.gz (or .jsonl.gz if it holds records)"),
          (b"\x28\xb5\x2f\xfd", "zstd data", "rename it to .jsonl.zst if it holds records; else " + _PACK),
          (b"BZh", "bzip2 data", "rename it to .tar (a bzip2 tar is read under that name)"),
          (b"\xfd7zXZ\x00", "xz data", "rename it to .tar (an xz tar is read under that name)"),
          (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive", _PACK), (b"Rar!", "a RAR archive", _PACK),
          (b"%PDF", "a PDF document", _PACK))


def _misnamed(path: str, kind: str, what: str, e: BaseException) -> Issue | None:
    """The issue for an archive that is something else by its first bytes, saying what and what to do."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(512)
    except OSError:
        return None
    if kind == "zip" and head[257:262] == b"ustar":
        found, fix = "a tar archive", "rename it to .tar"
    else:
        found, fix = next(((f, x) for magic, f, x in _MAGIC if head.startswith(magic)), ("", ""))
    if not found or (kind == "zip" and fix.endswith(".zip")):
        return None
    issue = _unreadable(path, f"{what}: its first bytes are {found}, not a {kind} archive", e)
    return replace(issue, hint=f"the file's name says {kind} but it holds {found}: {fix}")


def _compressed(path: str) -> bool:
    with open(path, "rb") as fh:
        return fh.read(6).startswith(_COMPRESSED)


def _header_class(problems: list[str]) -> type[tarfile.TarInfo]:
    """A TarInfo that notes a damaged or missing header: tarfile ends its listing there silently."""

    class Header(tarfile.TarInfo):
        @classmethod
        def fromtarfile(cls, tf: tarfile.TarFile) -> Header:
            try:
                return super().fromtarfile(tf)
            except tarfile.EOFHeaderError:  # type: ignore[attr-defined]  # the end-of-archive blocks: a proper end
                raise
            except tarfile.EmptyHeaderError:  # type: ignore[attr-defined]  # (both in tarfile since 3.2)
                problems.append("it ends without its end-of-archive blocks (truncated?)")
                raise
            except tarfile.HeaderError as e:
                problems.append(f"damaged entry header at byte {tf.offset}: {e}")
                raise

    return Header


def _open_tar(path: str, mode: str, problems: list[str]) -> tarfile.TarFile:
    return tarfile.open(path, mode, tarinfo=_header_class(problems))  # type: ignore[call-overload]


def _walk(tf: tarfile.TarFile) -> Iterator[tarfile.TarInfo]:
    """The entries in archive order. tarfile keeps every header it has read; dropping them
    keeps memory flat in streamed passes (entries are addressed by TarInfo, never by name)."""
    while (ti := tf.next()) is not None:
        tf.members.clear()  # type: ignore[attr-defined]
        yield ti


def _extract(tf: tarfile.TarFile, ti: tarfile.TarInfo) -> IO[bytes]:
    fh = tf.extractfile(ti)
    if fh is None:  # not a regular file: the plan refuses those before any read
        raise tarfile.ExtractError(f"{ti.name!r} is not a file")
    return fh


def _tar_items(src: Source, read: Read[T], refuse: Refuse[T], note: Note[T] | None,
               planner: Callable[..., list[Entry]] = _plan) -> Iterator[T]:
    """An uncompressed tar: list the headers (seeking over the data), then read by name."""
    problems: list[str] = []
    infos: list[tarfile.TarInfo] = []
    error = None
    try:
        tf = _open_tar(src.path, "r:", problems)
    except BROKEN as e:
        yield refuse(src, _misnamed(src.path, "tar", "cannot read the tar archive", e)
                     or _unreadable(src.path, "cannot read the tar archive", e))
        return
    with tf:
        try:
            infos.extend(_walk(tf))
        except BROKEN as e:
            error = _reason(e)
        members = [_tar_member(i, ti) for i, ti in enumerate(infos)]
        if not error and not problems and _data_after_end(tf):
            problems.append(_JOINED_TAR)
        for entry in planner(src, members):
            yield from _member_items(entry, partial(_extract, tf, infos[entry.member.index]), read, refuse, note)
    error = error or (problems[0] if problems else None)
    if error:
        yield refuse(src, _cut_short(src, members, error))


def gzip_check_failed(e: BaseException) -> bool:
    """gzip's own check at the end of its data failed: the bytes inflated, but not to what was
    written (a flipped bit), which no earlier error told."""
    return isinstance(e, (OSError, EOFError)) and ("CRC check failed" in str(e) or "Incorrect length" in str(e))


# (gzip checks its CRC at the end of its data: the scan reads it all, so no member of a corrupt one is read)
_CORRUPT_GZIP = ("its gzip data is corrupt ({}): some member holds altered bytes, and which one cannot be told, "
                 "so none is read")
_JOINED_TAR = ("more data follows its end-of-archive blocks (tar archives joined with cat? read them with "
               "`tar -i`, or pack them again as one)")


def _data_after_end(tf: tarfile.TarFile) -> bool:
    """Whether anything but zero bytes follows the end-of-archive blocks of an uncompressed tar:
    tarfile stops at them, so a second archive appended there would be left unread in silence."""
    try:
        fh = tf.fileobj
        fh.seek(tf.offset)  # type: ignore[union-attr]
        while chunk := fh.read(1 << 16):  # type: ignore[union-attr]
            if chunk.strip(b"\0"):
                return True
    except (OSError, ValueError):
        return False
    return False


def _scan(path: str) -> tuple[list[Member], str | None]:
    """First pass over a compressed tar: the listing, and why it stopped early if it did.

    A gzip file is read through `gzip` here, which goes on past the end of its first gzip member
    (tarfile's stream stops there): a second archive joined with cat is then seen after the first
    one's end-of-archive blocks, and reported."""
    problems: list[str] = []
    members: list[Member] = []
    with open(path, "rb") as fh:
        gz = _UntilCut(gzip.GzipFile(fileobj=fh)) if fh.read(2) == b"\x1f\x8b" else None
        fh.seek(0)
        if gz is not None:
            opened = tarfile.open(fileobj=gz, mode="r|", tarinfo=_header_class(problems))  # type: ignore[call-overload]
        else:
            opened = _open_tar(path, "r|*", problems)
        with opened as tf:
            try:
                for ti in _walk(tf):
                    members.append(_tar_member(len(members), ti))
            except BROKEN as e:
                return members, _CUT_GZIP.format(_reason(gz.cut)) if gz is not None and gz.cut else _reason(e)
            if gz is not None and not problems:
                try:
                    while chunk := gz.read(1 << 16):
                        if chunk.strip(b"\0"):
                            problems.append(_JOINED_TAR)
                            break
                except BROKEN as e:  # bytes after the gzip data that are not gzip: also more than the archive
                    if gzip_check_failed(e):
                        return [], _CORRUPT_GZIP.format(_reason(e))
                    problems.append(_JOINED_TAR)
                if gz.cut is not None and not problems:  # (its whole archive read: only gzip's own end lost)
                    problems.append(_CUT_GZIP.format(_reason(gz.cut)))
    return members, problems[0] if problems else None


_CUT_GZIP = "its gzip data is cut short ({}): the file was truncated (a copy or download that stopped early)"


class _UntilCut:
    """A gzip stream that a truncated file cuts short reads as ending there (the bytes before the cut,
    then the end, the error kept in `cut`): tarfile reads whole 10 KiB records, so gzip's EOFError at
    the cut lost the members before it that the record held, and the stream was one unreadable file."""

    def __init__(self, gz: gzip.GzipFile) -> None:
        self.gz = gz
        self.cut: EOFError | None = None

    def read(self, size: int = -1) -> bytes:
        if self.cut is not None:
            return b""
        try:  # (read1: gzip's buffered read drops the bytes it had when the cut raises)
            return self.gz.read1(size)
        except EOFError as e:
            self.cut = e
            return b""


def _tar_stream_items(src: Source, read: Read[T], refuse: Refuse[T], note: Note[T] | None,
                      planner: Callable[..., list[Entry]] = _plan) -> Iterator[T]:
    """A compressed tar: list it in one streamed pass, then stream it again in name order."""
    try:
        members, error = _scan(src.path)
    except BROKEN as e:
        yield refuse(src, _unreadable(src.path, "cannot read the tar archive", e))
        return
    plan = planner(src, members)
    order = _Reorder(plan, BUFFER_BYTES)
    with contextlib.suppress(OSError):  # (text compresses some 3-5x: a bomb's 1000x waits for passes instead)
        order.spool_cap = SPOOL_RATIO * os.path.getsize(src.path) + SPOOL_MIN
    try:
        yield from _drain(order, read, refuse, note)
        while not order.done:
            start, broke = order.next, "the entry was not found again"
            try:
                yield from _stream_pass(src.path, order, read, refuse, note)
            except BROKEN as e:
                broke = _reason(e)
            order.drop()
            if order.next == start:  # the stream breaks before the next member: none of the rest can be read
                for entry in plan[start:]:
                    yield refuse(entry.source, _unreadable(entry.source.path, "cannot read the archive up to this "
                                                           "member", broke))
                break
    finally:
        order.close()
    if error:
        yield refuse(src, _cut_short(src, members, error))


def _stream_pass(path: str, order: _Reorder, read: Read[T], refuse: Refuse[T],
                 note: Note[T] | None) -> Iterator[T]:
    """One streamed pass: the member whose turn it is is read straight from the stream, an early
    one is held if it fits, a later one is left for the next pass."""
    with _open_tar(path, "r|*", []) as tf:
        for index, ti in enumerate(_walk(tf)):
            k = order.position.get(index)
            if k is None or k < order.next:
                continue
            if _tar_member(index, ti) != order.plan[k].member:  # (a rotating dump rewritten meanwhile)
                raise _Changed("the archive changed while it was read (rewritten between newsset's passes over "
                               "it: its entries are not those it listed); build again")
            if k == order.next:
                order.next += 1
                yield from _member_items(order.plan[k], partial(_extract, tf, ti), read, refuse, note)
                yield from _drain(order, read, refuse, note)
                if order.done:
                    return
            elif order.make_room(k, ti.size):
                with _extract(tf, ti) as fh:
                    order.hold(k, fh.read())
            elif k not in order.spooled:
                order.spill(k, partial(_extract, tf, ti))


class _Changed(OSError):
    pass


def _drain(order: _Reorder, read: Read[T], refuse: Refuse[T], note: Note[T] | None) -> Iterator[T]:
    """Everything that can go out now: refused members and held or spooled ones whose turn has come."""
    for entry, data, at in order.ready():
        opener = partial(io.BytesIO, data or b"") if at is None else partial(order.open_spooled, *at)
        yield from _member_items(entry, opener, read, refuse, note)


class _Reorder:
    """Puts the members a tar stream gives in archive order back in name order. An early member
    is held while it fits in `budget` bytes, the one nearest its turn first; held members are
    dropped at the end of a pass, so memory never exceeds the budget plus one page."""

    def __init__(self, plan: list[Entry], budget: int) -> None:
        self.plan = plan
        self.position = {e.member.index: k for k, e in enumerate(plan) if e.issue is None}
        self.budget = budget
        self.next = 0
        self.held: dict[int, bytes] = {}
        self.used = 0
        self._far: list[int] = []  # held positions, negated: a max-heap
        # Early members past the budget, written once to a temporary file: (offset, length) in it.
        self.spooled: dict[int, tuple[int, int]] = {}
        self._spool: IO[bytes] | None = None
        self._spool_end = 0
        self._spool_failed = False
        self.spool_cap = SPOOL_MIN

    @property
    def done(self) -> bool:
        return self.next >= len(self.plan)

    def ready(self) -> Iterator[tuple[Entry, bytes | None, tuple[int, int] | None]]:
        while not self.done:
            entry = self.plan[self.next]
            if entry.issue is None and self.next not in self.held and self.next not in self.spooled:
                return
            data = self.held.pop(self.next, None)
            self.used -= len(data) if data is not None else 0
            at = self.spooled.pop(self.next, None) if data is None else None
            self.next += 1
            yield entry, data, at

    def spill(self, k: int, open_member: Callable[[], IO[bytes]]) -> None:
        """Write member `k` to the temporary file; when that file cannot be written (a full disk),
        it and every later member that does not fit wait for another pass instead."""
        if self._spool_failed or self._spool_end >= self.spool_cap:
            return
        try:
            if self._spool is None:
                import tempfile

                self._spool = tempfile.TemporaryFile(prefix="newsset-tar-")
            spool = self._spool
            spool.seek(self._spool_end)
        except OSError:
            self._spool_failed = True
            return
        start = self._spool_end
        # Compressed (gzip, level 1: text takes a third of its size; a bomb's run of blank lines, next
        # to nothing, so the file stays in proportion to the archive whatever it inflates to).
        reading = False  # (an error reading the archive is the pass's: it goes up; one writing, the spool's)
        with open_member() as fh:
            try:
                with gzip.GzipFile(fileobj=spool, mode="wb", compresslevel=1, mtime=0) as gz:
                    while True:
                        reading = True
                        chunk = fh.read(1 << 20)
                        reading = False
                        if not chunk:
                            break
                        gz.write(chunk)
                        if spool.tell() > self.spool_cap:
                            return  # (its bytes are written over by the next member's)
            except OSError:
                if reading:
                    raise
                self._spool_failed = True
                return
        end = spool.tell()
        self.spooled[k] = (start, end - start)
        self._spool_end = end

    def open_spooled(self, offset: int, length: int) -> IO[bytes]:
        """A spooled member, read back from the temporary file (nothing is written to it meanwhile)."""
        assert self._spool is not None
        raw = io.BufferedReader(_Slice(self._spool, offset, length), 1 << 16)
        return gzip.GzipFile(fileobj=raw, mode="rb")  # type: ignore[return-value]

    def close(self) -> None:
        if self._spool is not None:
            self._spool.close()
            self._spool = None

    def make_room(self, k: int, size: int) -> bool:
        """Whether member `k` can be held, moving held members whose turn comes after it to the
        temporary file (or, when it cannot be written, dropping them for another pass)."""
        if size > self.budget:
            return False
        while self.used + size > self.budget and self._far and -self._far[0] > k:
            far = -heapq.heappop(self._far)
            data = self.held.pop(far, None)
            if data is not None:
                self.used -= len(data)
                self.spill(far, partial(io.BytesIO, data))
        return self.used + size <= self.budget

    def hold(self, k: int, data: bytes) -> None:
        self.held[k] = data
        self.used += len(data)
        heapq.heappush(self._far, -k)

    def drop(self) -> None:
        self.held.clear()
        self._far.clear()
        self.used = 0


class _Slice(io.RawIOBase):
    """Bytes [offset, offset + length) of a file, as a file of their own."""

    def __init__(self, fh: IO[bytes], offset: int, length: int) -> None:
        self.fh, self.pos, self.end = fh, offset, offset + length

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        n = min(len(buffer), self.end - self.pos)
        if n <= 0:
            return 0
        self.fh.seek(self.pos)
        data = self.fh.read(n)
        buffer[:len(data)] = data
        self.pos += len(data)
        return len(data)
