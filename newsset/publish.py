"""Atomic publishing: a build writes into a staging folder beside the output, under a lock, and
swaps it into place last, carrying over the user's own files; an interrupted build leaves the
previous dataset as it was, and the next build removes what a killed one left."""

from __future__ import annotations

import contextlib
import errno
import glob
import os
import re
import shutil
import stat
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from .errors import OutputError
from .sources import file_folders, newsset_manifest, safe_rel
from .write import sha256_file

__all__ = ["OWN_NAMES", "Staging", "lock_path", "published", "remove_leftovers", "signals_deferred", "take_lock"]

_LEGAL_FILE = re.compile(r"(?i)(?:licen[cs]e|copying|citation)(?:[.-][\w.-]*)?")  # LICENSE, LICENSE.md, CITATION.cff
_REPO_FILES = frozenset({".git", ".gitattributes", ".gitignore", ".huggingface"})


def lock_path(out: str | os.PathLike[str]) -> Path:
    """The lock file of a build into `out` (of the folder a link at `out` points at)."""
    target = Path(os.path.abspath(out))
    if target.is_symlink():
        target = Path(os.path.realpath(target))
    return target.parent / f".{target.name}.lock"


_UNRENAMABLE = ("{out} cannot be renamed (it sits on another device, or in a lower layer of an overlay file system "
                "such as a container image's), and a build replaces its folder by a rename: remove the folder first "
                "(rm -r) or choose another --out")


class Staging:
    """A staging folder beside `out`, guarded by a lock; `publish()` swaps it into place.

    An interrupted build leaves a hidden `.NAME.staging-PID` folder (removed by the next build)
    and the previous output untouched; the empty lock file `.NAME.lock` beside it stays, as after
    any build (removing it while another build holds it would let a third one in).
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
            _outside_shard_folders(self.out)  # (before the lock file is made beside it)
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
                if not _own_leftover(stale):
                    continue  # (a link, a file, or a folder no build of this user's left: not touched)
                if not self.out.exists() and (stale / "manifest.json").is_file():
                    # A build killed between the two renames of publish(): put the old output back.
                    os.replace(stale, self.out)
                elif _carry_foreign(stale, self.out):  # killed before the user's files were carried: now
                    _remove_tree(stale)
            if self.out.exists() and _on_overlay(self.parent):  # can the folder be renamed at all (an
                # overlay's lower layer cannot)? Tried only there: the probe moves `out` away for a moment.
                probe = self.parent / f".{self.out.name}.old-{os.getpid()}"  # (put back by recovery if killed)
                with signals_deferred():  # a Ctrl-C between the two renames would leave no output at `out`
                    try:
                        os.replace(self.out, probe)
                    except OSError as e:
                        if e.errno != errno.EXDEV:
                            raise
                        raise OutputError(_UNRENAMABLE.format(out=self.out)) from None
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
        for _ in range(10):  # (a worker on a cluster that writes a part while the folder is removed leaves
            shutil.rmtree(self.dir, ignore_errors=True)  # it not empty: once more, a moment later)
            if not os.path.lexists(self.dir):
                break
            time.sleep(0.2)
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
                swapped = False
                if moved:  # The staged build takes the name recovery knows, then one step swaps it in:
                    os.replace(self.dir, old)  # `out` is never missing, even to a kill -9 or a reader
                    try:                       # meanwhile, and a kill after it leaves the old output
                        swapped = _exchange(old, self.out)  # at `.old-PID`, whose user files the next
                    except OSError:                         # build carries (never at `.staging-PID`,
                        os.replace(old, self.dir)           # which it removes)
                        raise
                    if not swapped:
                        os.replace(old, self.dir)
                if not swapped:
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
            if e.errno == errno.EXDEV:
                raise OutputError(_UNRENAMABLE.format(out=self.out) + "; nothing was published") from None
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
            "the file system is mounted read-only: build to a writable --out" if e.errno == errno.EROFS else \
            ("the lock file or its folder is not writable by this user (another user's build made it?): build "
             "as that user, or choose another --out") if e.errno in (errno.EACCES, errno.EPERM) else \
            "remove it if no build is running" if os.path.lexists(path) else \
            f"the folder it goes in, {os.path.dirname(os.path.abspath(path))}, must exist and be writable"
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


def _on_overlay(folder: Path) -> bool:
    """Whether `folder` is on an overlay file system (a container's), by the mount table: where a
    folder of the image's lower layer cannot be renamed. False where there is no such table."""
    try:
        table = Path("/proc/self/mountinfo").read_text(encoding="utf-8", errors="replace")
        real = os.path.realpath(folder)
    except OSError:
        return False
    best, kind = -1, ""
    for row in table.splitlines():
        fields = row.split(" ")
        if "-" not in fields or len(fields) < 5:
            continue
        point = re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), fields[4])  # (`\040`: a space)
        inside = real == point or real.startswith(point.rstrip("/") + "/")
        if inside and len(point) > best:
            best, kind = len(point), fields[fields.index("-") + 1]
    return kind == "overlay"


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


def _outside_shard_folders(out: Path) -> None:
    """Refuse an `--out` inside a folder of another dataset's files (its `data/`, a task config's
    folder, `lm_eval/`): the files would join that dataset's shards, which readers of the folder
    (`pyarrow.dataset`, the Hub) take whole, and that dataset would fail `newsset verify`."""
    for above in out.parents:
        manifest = newsset_manifest(above)
        if manifest is None:
            continue
        top = out.relative_to(above).parts[0]
        if top in file_folders(manifest) | {"images"}:
            raise OutputError(f"--out {out} is inside {above / top}, a folder of the dataset {above}'s files: "
                              f"the new files would join its shards; choose a folder outside it, e.g. beside {above}")


def _own_leftover(stale: Path) -> bool:
    """A replaced output a build left aside (`.NAME.old-PID`): a real folder (not a link to one)
    owned by this user. Anything else of that name (a link, or a folder another user put in a
    shared folder) would have its files moved into the new dataset and published with it."""
    try:
        st = os.lstat(stale)
    except OSError:
        return False
    return stat.S_ISDIR(st.st_mode) and (not hasattr(os, "getuid") or st.st_uid == os.getuid())


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
