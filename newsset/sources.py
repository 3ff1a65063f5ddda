"""Finding the inputs: folders are walked, files sorted, so that every later step sees the same
order whatever the file system's listing order."""

from __future__ import annotations

import codecs
import contextlib
import errno
import json
import os
import stat
import sys
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Literal

from .errors import ConfigError, display_path, visible

__all__ = ["CARD_MAX_BYTES", "IN_ARCHIVES", "MEMBER_SEP", "METADATA_MAX_BYTES", "RANGE_BYTES", "Kind", "Source",
           "as_paths", "discover", "ignored_note", "ignored_suffix", "kind_of", "newsset_manifest", "plenty",
           "read_small_file", "safe_rel"]

Kind = Literal["page", "jsonl", "tar", "zip"]
PAGE_SUFFIXES = (".txt",)
RECORD_SUFFIXES = (".jsonl", ".jsonl.gz", ".jsonl.zst", ".ndjson", ".ndjson.gz", ".ndjson.zst")  # (NDJSON: the same)
#: A file named on its own with one of these suffixes is a record file too: DuckDB's and Spark's
#: writers give JSON lines a `.json` name. (A walk passes `.json` files over: a scrape's folders
#: hold other JSON, configs and manifests.)
NAMED_RECORD_SUFFIXES = (".json", ".json.gz", ".json.zst")
ARCHIVE_SUFFIXES: dict[str, Kind] = {".tar": "tar", ".tar.gz": "tar", ".tgz": "tar", ".zip": "zip"}
#: Between an archive and a member's name in `rel` and `path` (`pages.tar!/2024/a.txt`), as in
#: Java's jar: URLs; `!/` is not a suffix any file name in a folder walk can end with.
MEMBER_SEP = "!/"
RANGE_BYTES = 16 << 20  # a record file larger than this is read as byte ranges by several workers


@dataclass(frozen=True, slots=True, order=True)
class Source:
    """One input file, or one member of an archive. `rel` is relative to the input root (it becomes
    a record's `source`); `path` is how the user can find the file (root as given on the command
    line, joined with `rel`). A member has `rel` and `path` of its archive, `!/`, then the member's
    name as stored; `archive` is then the archive's `path`, so a report can file it under it."""

    rel: str
    path: str
    kind: Kind
    archive: str | None = None  # for an archive member: the archive's path
    start: int = 0  # a byte range of a large record file: the lines that start in [start, end)
    end: int = -1  # -1: to the end of the file
    stamp: tuple[int, int] | None = None  # a byte range's file as its ranges were cut: (size, mtime ns)
    shape: tuple[str, int] | None = None  # a byte range's file is no JSON lines: (`jsonl.shape_of`, line)

    @property
    def ranged(self) -> bool:
        return self.start > 0 or self.end >= 0

    def member(self, name: str, kind: Kind) -> Source:
        """The source of member `name` of this archive."""
        name = display_path(name)  # a tar member's name that is not UTF-8 (members are never opened by name)
        return Source(f"{self.rel}{MEMBER_SEP}{name}", f"{self.path}{MEMBER_SEP}{name}", kind, self.path)


def kind_of(name: str) -> Kind | None:
    """What a file (or archive member) of this name is read as, from its suffix; None: not an input."""
    low = name.lower()
    if low.endswith(RECORD_SUFFIXES):
        return "jsonl"
    if low.endswith(PAGE_SUFFIXES):
        return "page"
    for suffix, kind in ARCHIVE_SUFFIXES.items():
        if low.endswith(suffix):
            return kind
    return None


#: manifest.json, the card, croissant.json: read whole, so bounded (by verify, stats and a rebuild).
METADATA_MAX_BYTES = 256 << 20
CARD_MAX_BYTES = 16 << 20  # a dataset card newsset wrote is some KB; with the user's section, a few hundred


def safe_rel(rel: str) -> bool:
    """A path a manifest lists must stay inside the dataset folder: nothing reads what a manifest
    points to elsewhere. Names no file system takes (a NUL, over 255 bytes) are refused here,
    before any `stat` fails on them."""
    p = PurePosixPath(rel)
    fits = "\0" not in rel and all(len(part.encode("utf-8", "surrogatepass")) <= 255 for part in p.parts)
    return bool(rel) and fits and not p.is_absolute() and ".." not in p.parts and "\\" not in rel


def read_small_file(path: str | os.PathLike[str], limit: int) -> bytes:
    """The bytes of an option's file (a schema, a task file). A folder, device or FIFO (opened
    without waiting for a writer) or a file over `limit` bytes raises OSError with the reason:
    /dev/zero must not be read until memory runs out."""
    with os.fdopen(os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)), "rb") as fh:
        st = os.fstat(fh.fileno())
        if not stat.S_ISREG(st.st_mode):
            raise OSError(errno.EINVAL, "expected a regular file, got a folder, device or pipe")
        if st.st_size > limit:
            raise OSError(errno.EFBIG, f"expected at most {limit >> 20} MiB, got {st.st_size:,} bytes")
        return fh.read()


def file_name(name: str) -> str:
    """A name read from the file system, as UTF-8 text whatever the locale: under a Latin-1 locale
    Python decodes `café` (UTF-8 bytes) as `cafÃ©`, and the `source` column would differ from a
    UTF-8 machine's. The name's bytes are decoded as UTF-8; bytes that are not show as `\\xNN`."""
    if not name.isascii():
        encoding = sys.getfilesystemencoding()
        if codecs.lookup(encoding).name != "utf-8":
            with contextlib.suppress(UnicodeError):
                name = name.encode(encoding, "surrogateescape").decode("utf-8", "surrogateescape")
    return display_path(name)


def ignored_note(ignored: Counter[str]) -> str:
    """`; N other file(s) not read (.html 2, .json 1)`, the five commonest suffixes, and `; N hidden
    folder(s) not walked`; "" for none."""
    files = {k: n for k, n in ignored.items() if k != HIDDEN_FOLDER and n}
    top = sorted(files.items(), key=lambda kv: (-kv[1], kv[0]))
    # (visible: a suffix is part of a file name, which may hold a line break: `.\n::error::`)
    shown = ", ".join(f"{visible(s)} {n:,}" for s, n in top[:5]) + (", ..." if len(top) > 5 else "")
    folders = ignored.get(HIDDEN_FOLDER, 0)
    return ((f"; {sum(files.values()):,} other file(s) not read ({shown})" if files else "")
            + (f"; {folders:,} hidden folder(s) not walked" if folders else ""))


REPORT_NOTE = "rejects.jsonl of a newsset dataset"  # how `ignored` counts one (a report of problems, not records)
HIDDEN_FILE, HIDDEN_FOLDER = "(hidden file)", "(hidden folder)"  # and hidden entries, which walks skip
IN_ARCHIVES = "(in archives)"  # after the suffix of an archive member not read: `.xz (in archives)`
OUTSIDE_LINK = "(link to a folder that holds the input)"  # not walked: `root -> /` would read the whole disk


def ignored_suffix(name: str) -> str:
    """How a file the walks do not read is counted: by its suffix (`.html`, `.json`), or `(none)`."""
    suffix = PurePosixPath(name).suffix.lower()
    return suffix if 1 < len(suffix) <= 12 else "(none)"


def _uncovered(inputs: Sequence[str | os.PathLike[str]]) -> list[str | os.PathLike[str]]:
    """The inputs less those another input already covers (the same path given twice, a folder and
    a file or folder inside it that its walk reaches): each file is then read, and counted, once.
    (A file the walk would pass over, for its suffix, is not covered: named, it is read.)"""
    def real(p: str | os.PathLike[str]) -> str:
        return os.path.realpath(os.fspath(p))

    folders = {real(p) for p in inputs if os.path.isdir(p)}
    out, seen = [], set()
    for given in inputs:
        path = real(given)
        if path in seen:
            continue
        seen.add(path)
        # Inside another input's walk: not a hidden part on the way down (a walk skips those). Its
        # folders are looked up, not each input against every folder (10,000 folders given took 15 s).
        walked = os.path.isdir(path) or kind_of(os.path.basename(os.fspath(given))) is not None
        if walked and _under(path, folders):
            continue
        out.append(given)
    return out


def _under(path: str, folders: set[str]) -> bool:
    """Whether a folder of `folders` holds `path` (real paths), with no hidden part between them."""
    parts: list[str] = []  # the names from the folder looked at down to `path`
    here = path
    while True:
        up, name = os.path.split(here)
        if up == here or not name:  # (the root: nothing holds it)
            return False
        parts.append(name)
        if up in folders and not any(part.startswith(".") for part in parts):
            return True
        here = up


def as_paths(inputs: str | os.PathLike[str] | Iterable[str | os.PathLike[str]]) -> list[str | os.PathLike[str]]:
    """The inputs as a list of paths: one path given alone (a str is iterable, one character at a
    time: "/data" would have been "/", "d", ...) is a list of one."""
    if isinstance(inputs, (str, bytes, os.PathLike)):
        return [os.fsdecode(inputs) if isinstance(inputs, bytes) else inputs]
    paths = list(inputs)
    bad = [p for p in paths if not isinstance(p, (str, os.PathLike))]
    if bad:
        raise ConfigError(f"expected paths (str or os.PathLike), got {type(bad[0]).__name__} {bad[0]!r}")
    return paths


def discover(inputs: Sequence[str | os.PathLike[str]], skip: Sequence[str | os.PathLike[str]] = (),
             ignored: Counter[str] | None = None) -> list[Source]:
    """Every page (`.txt`), record file (`.jsonl`, `.ndjson`, also `.gz` or `.zst`) and archive of them
    (`.tar`, `.tar.gz`, `.tgz`, `.zip`; suffixes in any case) under the inputs, sorted by relative
    path. An archive is one source here; `check.iter_items` reads its members in place.

    A file named directly is taken whatever its suffix (as a record file or an archive if its
    suffix says so, `.json` too, else as a page). Hidden files and folders (`.git`, `.cache`) are skipped in
    walks. Links to folders are followed, each folder walked once (a link loop ends the walk there).

    Nothing unreadable is dropped silently: a sub-folder that cannot be listed becomes a source
    that `iter_items` reports as `input.unreadable`, as do broken links and link loops. A name
    that is not UTF-8 gets a printable `rel` (undecodable bytes as `\\xNN`, see `display_path`);
    `path` stays the real one, for opening. Folders in `skip` (a build's own output) are not walked,
    and the rejects.jsonl of any newsset dataset in a walk (a report, not records) is not taken.
    `ignored`, when given, counts the other files the walks pass over, by suffix (`ignored_suffix`),
    and the hidden files and folders: a folder of `.html` or `.json` files beside the pages, or a
    page saved as `.draft.txt`, is then said, not lost in silence.
    """
    inputs = as_paths(inputs)
    found: list[Source] = []
    skipped: set[tuple[int, int]] = set()  # folders not walked
    own_files: set[tuple[int, int] | None] = set()  # files not counted (a build's lock file)
    for folder in skip:
        with contextlib.suppress(OSError):
            st = os.stat(folder)
            (skipped if stat.S_ISDIR(st.st_mode) else own_files).add((st.st_dev, st.st_ino))
    named = {os.path.realpath(os.fspath(p)) for p in inputs if not os.path.isdir(p)} if ignored is not None else set()
    hidden: list[str] | None = [] if ignored is not None else None  # hidden folders the walks pass over
    outside: list[str] = []  # links to folders outside the input folder, not walked
    roots: list[str] = []  # per source found, the real path of the input that holds it
    for given in _uncovered(inputs):
        root = os.fspath(given)
        before = len(found)
        if os.path.isdir(root):
            def unlisted(e: OSError, root: str = root) -> None:
                if e.filename:
                    rel = Path(os.path.relpath(os.fspath(e.filename), root)).as_posix()
                    rel = Path(root).name if rel == "." else rel
                    found.append(Source(file_name(rel), os.fspath(e.filename), "page"))

            for folder, _dirs, files in _walk(root, unlisted, skipped, shared=True, hidden=hidden, outside=outside):
                # os.walk joins names onto `root`, so the relative part is a plain suffix (cheaper
                # than os.path.relpath on every file of a large corpus).
                sub = os.path.relpath(folder, root)
                prefix = "" if sub == "." else Path(sub).as_posix() + "/"
                own_report = "rejects.jsonl" in files and "manifest.json" in files \
                    and newsset_manifest(folder) is not None
                for name in files:
                    kind = kind_of(name)
                    if kind is None or name.startswith(".") or (own_report and name == "rejects.jsonl"):
                        if ignored is not None and not (
                                named and os.path.realpath(os.path.join(folder, name)) in named) and not (
                                own_files and name.startswith(".") and _ident(os.path.join(folder, name)) in own_files):
                            # (a file also named on its own is read; a dataset's report is said as such)
                            ignored[HIDDEN_FILE if name.startswith(".") else REPORT_NOTE if kind is not None
                                    else ignored_suffix(name)] += 1
                        continue
                    found.append(Source(file_name(prefix + name), os.path.join(folder, name), kind))
        elif os.path.lexists(root):
            found.append(Source(file_name(Path(root).name), root, kind_of(root) or (
                "jsonl" if root.lower().endswith(NAMED_RECORD_SUFFIXES) else "page")))
        else:
            raise ConfigError(f"input not found: {root}")
        roots += [os.path.realpath(root)] * (len(found) - before)
    if outside and ignored is not None:
        ignored[OUTSIDE_LINK] += len(outside)
    if hidden and ignored is not None:  # (not one given as an input of its own: that one is read)
        given_dirs = {os.path.realpath(os.fspath(p)) for p in inputs if os.path.isdir(p)}
        if n := sum(os.path.realpath(h) not in given_dirs for h in hidden):
            ignored[HIDDEN_FOLDER] += n
    if not found:
        given = ", ".join(os.fspath(i) for i in inputs)
        jsons = (ignored or Counter()).get(".json", 0)
        note = (f"; passed over {jsons} .json file(s): name a file of JSON lines on the command line to read it, "
                "or give it a .jsonl suffix") if jsons else ""
        raise ConfigError(f"no pages (.txt) or record files (.jsonl, .ndjson, also .gz or .zst), nor archives of them "
                          f"(.tar, .tar.gz, .tgz, .zip), found in {given}{note}")
    # Sorted by relative path, then by the real path of the input that holds it: two inputs may hold
    # the same relative path (two scrape batches of `YYYY/MM/NNNNNN.txt`), and which comes first (the
    # copy a duplicate check keeps) must not depend on how an input was typed (`B` or `/data/B`). The
    # dataclass order, without its generated __lt__ (3x slower on 20,000 files).
    keyed = sorted(range(len(found)), key=lambda k: (found[k].rel, roots[k], *_order(found[k])[1:]))
    return [found[k] for k in keyed]


def _ident(path: str) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino


def file_folders(manifest: dict[str, Any] | None) -> set[str]:
    """The folders of a newsset dataset that readers take whole: its shards' (`data/`, each task
    config's) and `lm_eval/`. Nothing else may be written inside one."""
    files = manifest.get("files") if isinstance(manifest, dict) else None
    tops = {PurePosixPath(f["path"]).parts[0] for f in files if isinstance(f, dict) and isinstance(f.get("path"), str)
            and len(PurePosixPath(f["path"]).parts) > 1} if isinstance(files, list) else set()
    return tops | {"data", "lm_eval"}


def newsset_manifest(folder: str | os.PathLike[str]) -> dict[str, Any] | None:
    """The folder's manifest.json if newsset wrote it (a JSON object with `newsset_version`): a
    newsset dataset. (Its rejects.jsonl is a report of an earlier build, not records: a dataset
    kept inside a corpus folder must not feed the next build.)"""
    try:
        doc = json.loads(read_small_file(os.path.join(folder, "manifest.json"), METADATA_MAX_BYTES))
    except (OSError, ValueError, RecursionError):
        return None
    return doc if isinstance(doc, dict) and "newsset_version" in doc else None


def _walk(root: str, onerror: Any = None, skip: set[tuple[int, int]] | None = None,
          shared: bool = False, hidden: list[str] | None = None,
          outside: list[str] | None = None) -> Iterator[tuple[str, list[str], list[str]]]:
    """os.walk in sorted order, hidden folders skipped, following links to folders (a corpus
    organised with links must not lose the pages behind them); a folder already walked (a link
    loop, or a second link to one folder) is not walked again, so the walk ends; links to folders
    inside the root are walked last, so that a folder reached both ways is named by its own path. A link to a folder
    that holds the root (`root -> /`, `up -> ../..`) is not followed: it would walk the whole disk
    around the corpus, and quote what it found in the rejects; `outside` gets its path. An explicit
    stack, not os.walk's recursion: a folder a thousand levels deep is no stack overflow.
    `shared`: `skip` is the set of folders walked, kept across calls (one walk per input): a folder
    reached through a link in one input and given as another is walked once. `hidden`: gets the
    paths of the hidden folders passed over (not walked, so their files are not counted)."""
    seen: set[tuple[int, int]] = skip if shared and skip is not None else set(skip or ())
    home = os.path.realpath(root)
    stack = [root]
    inside: list[str] = []  # links to folders inside the root: walked last (see below)
    while stack or inside:
        folder = stack.pop() if stack else inside.pop(0)
        try:
            st: os.stat_result | None = os.stat(folder)
        except OSError:
            st = None
        if st is not None and (st.st_dev, st.st_ino) in seen:
            continue  # (before it is listed: 8,000 links to one big folder listed it 8,000 times)
        try:
            with os.scandir(folder) as listing:
                entries = list(listing)
        except OSError as e:
            if onerror is not None:
                onerror(e)
            continue
        if st is None:
            continue
        seen.add((st.st_dev, st.st_ino))
        dirs: list[str] = []
        files: list[str] = []
        for entry in entries:
            try:
                is_dir = entry.is_dir()  # (through a link, as os.walk(followlinks=True))
            except OSError:
                is_dir = False
            if is_dir and entry.is_symlink() and not entry.name.startswith("."):
                real = os.path.realpath(entry.path)
                if _holds(real, home):
                    if outside is not None:
                        outside.append(entry.path)
                    continue
                if _holds(home, real):  # (after the folders proper: a folder the walk reaches both ways is
                    inside.append(entry.path)  # named by its own path, not the link's)
                    continue
            (dirs if is_dir else files).append(entry.name)
        if hidden is not None:
            hidden.extend(os.path.join(folder, d) for d in sorted(dirs) if d.startswith("."))
        dirs = sorted(d for d in dirs if not d.startswith("."))
        yield folder, dirs, files
        stack.extend(os.path.join(folder, d) for d in reversed(dirs))


def _holds(folder: str, path: str) -> bool:
    """Whether `folder` is `path` or one of its ancestors (both real paths)."""
    try:
        return os.path.commonpath([folder, path]) == folder
    except ValueError:  # (another drive, on Windows)
        return False


def _order(src: Source) -> tuple[str, str, str, str, int, int]:
    return src.rel, src.path, src.kind, src.archive or "", src.start, src.end


def plenty(inputs: Sequence[str | os.PathLike[str]], pages: int, record_bytes: int) -> bool:
    """A cheap early guess at `discover`'s result: at least `pages` inputs, or a record file of at
    least `record_bytes`. Stops walking as soon as it knows (worker processes start on it)."""
    seen = 0
    for given in inputs:
        root = os.fspath(given)
        walk = _walk(root) if os.path.isdir(root) else [("", [], [root])]
        for folder, _dirs, files in walk:
            for name in files:
                kind = kind_of(name)
                if kind == "jsonl":
                    try:
                        if os.path.getsize(os.path.join(folder, name)) >= record_bytes:
                            return True
                    except OSError:
                        pass
                seen += kind is not None and not name.startswith(".")
                if seen >= pages:
                    return True
    return False
