"""Archives of inputs (.tar, .tar.gz/.tgz, .zip): read in place, members in name order, named
`ARCHIVE!/MEMBER`, and hostile archives reported member by member, never raised."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import random
import stat
import sys
import tarfile
import tracemalloc
import zipfile
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import newsset
from newsset import archives
from newsset.check import Item, iter_items
from newsset.cli import main
from newsset.sources import Source, discover
from newsset.synth import write_corpus
from tests.conftest import page

SCHEMA = newsset.load_schema()


def _pages(n: int = 4) -> dict[str, bytes]:
    return {f"p{i}.txt": page(title=f"Story {i} of the day", paragraphs=(f"Text of story {i}. " * 30,)).encode()
            for i in range(n)}


def _tar(path: Path, members: list[tuple[str, bytes]], mode: str = "w") -> Path:
    with tarfile.open(path, mode) as tf:
        for name, data in members:
            ti = tarfile.TarInfo(name)
            ti.size = len(data)
            tf.addfile(ti, io.BytesIO(data))
    return path


def _zip(path: Path, members: list[tuple[str, bytes]], method: int = zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", method) as zf:
        for name, data in members:
            zf.writestr(name, data)
    return path


def _items(path: Path) -> list[Item]:
    (src,) = discover([path])
    return list(iter_items(src, SCHEMA))


def _found(items: list[Item]) -> list[tuple[str, str | None]]:
    """(rel, first issue code or None) for every item, in output order."""
    return [(i.source.rel, i.issues[0].code if i.issues else None) for i in items]


# ---------------------------------------------------------------- finding and naming


def test_archives_are_found_in_folders_and_when_named_directly(tmp_path: Path) -> None:
    one = [("p0.txt", page().encode())]
    _tar(tmp_path / "A.TAR", one)
    _tar(tmp_path / "b.TGZ", one, "w:gz")
    (tmp_path / "sub").mkdir()
    _tar(tmp_path / "sub" / "c.Tar.Gz", one, "w:gz")
    _zip(tmp_path / "d.ZIP", one)
    (tmp_path / "e.tar.bz2").write_bytes(b"not listed")
    found = discover([tmp_path])
    assert [(s.rel, s.kind) for s in found] == [("A.TAR", "tar"), ("b.TGZ", "tar"), ("d.ZIP", "zip"),
                                                ("sub/c.Tar.Gz", "tar")]
    assert discover([tmp_path / "d.ZIP"]) == [Source("d.ZIP", str(tmp_path / "d.ZIP"), "zip")]
    (tmp_path / "empty").mkdir()
    with pytest.raises(newsset.ConfigError, match=r"archives of them \(.tar, .tar.gz, .tgz, .zip\)"):
        discover([tmp_path / "empty"])


@pytest.mark.parametrize("name,mode", [("a.tar", "w"), ("a.tar.gz", "w:gz"), ("a.zip", None)])
def test_members_come_in_name_order_named_archive_bang_member(tmp_path: Path, name: str, mode: str | None) -> None:
    pages = _pages(6)
    order = sorted(pages)
    random.Random(3).shuffle(order)
    members = [(f"./2024/{n}" if mode == "w" else f"2024/{n}", pages[n]) for n in order]
    members += [("notes.md", b"x"), (".hidden.txt", b"x"), ("2024/.cache/p9.txt", b"x"),
                ("__MACOSX/2024/._p0.txt", b"x")]
    path = tmp_path / name
    if mode is None:
        _zip(path, [*members, ("2024/", b"")])
    else:
        _tar(path, members, mode)
    items = _items(path)
    assert [i.source.rel for i in items] == [f"{name}!/2024/{n}" for n in sorted(pages)]  # "./" dropped
    for item in items:
        member = item.source.rel.split("!/")[1]
        assert item.ok and item.record is not None
        assert item.record["source"] == item.source.rel
        assert item.record["source_sha256"] == hashlib.sha256(pages[member.split("/")[1]]).hexdigest()
        assert item.source.path == f"{path}!/{member}" and item.source.archive == str(path)


@pytest.mark.parametrize("budget", [0, 3000, archives.BUFFER_BYTES])
def test_compressed_tar_order_does_not_depend_on_the_memory_budget(tmp_path: Path, budget: int,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    pages = _pages(12)
    order = sorted(pages)
    random.Random(5).shuffle(order)
    path = _tar(tmp_path / "a.tgz", [(n, pages[n]) for n in order], "w:gz")
    monkeypatch.setattr(archives, "BUFFER_BYTES", budget)
    items = _items(path)
    assert [i.source.rel for i in items] == [f"a.tgz!/{n}" for n in sorted(pages)]
    assert all(i.ok for i in items)


@pytest.mark.parametrize("spool", ["written", "disk full", "at its cap"])
@pytest.mark.parametrize("budget", [0, 3000])
def test_a_compressed_tar_out_of_name_order_is_streamed_twice_whatever_its_size(
        tmp_path: Path, budget: int, spool: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Members past the memory budget waited for another pass, each decompressing the whole archive
    again: passes grew with the archive (a 4 GB one in reverse name order took 124 s, audit q38b).
    They go to a temporary file now, read back at their turn: one pass after the listing. A file
    that cannot be written (a full disk) falls back to the passes, with the same items."""
    pages = _pages(12)
    order = sorted(pages, reverse=True)
    rec = newsset.parse_text(pages["p3.txt"].decode(), source="r.txt").to_dict()
    members = [(n, pages[n]) for n in order] + [("a/r.jsonl", (json.dumps(rec) + "\n{bad\n").encode())]
    path = _tar(tmp_path / "a.tgz", members, "w:gz")
    monkeypatch.setattr(archives, "BUFFER_BYTES", budget)
    passes = []
    real = archives._stream_pass

    def counted(*args: object, **kwargs: object) -> object:
        passes.append(1)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(archives, "_stream_pass", counted)
    if spool == "at its cap":  # (a bomb's blank lines compress a thousand times; text a few)
        monkeypatch.setattr(archives, "SPOOL_RATIO", 0)
        monkeypatch.setattr(archives, "SPOOL_MIN", 2000)
    if spool == "disk full":
        import tempfile

        def full(*args: object, **kwargs: object) -> object:
            raise OSError(28, "No space left on device")

        monkeypatch.setattr(tempfile, "TemporaryFile", full)
    items = _items(path)
    assert [(i.source.rel, i.line) for i in items] == [("a.tgz!/a/r.jsonl", 1), ("a.tgz!/a/r.jsonl", 2)] + [
        (f"a.tgz!/{n}", 1) for n in sorted(pages)]
    assert [i.ok for i in items] == [True, False] + [True] * 12
    assert [i.record["source_sha256"] for i in items[2:]] == [  # type: ignore[index]
        hashlib.sha256(pages[n]).hexdigest() for n in sorted(pages)]
    assert len(passes) == 1 if spool == "written" else len(passes) > 1


@pytest.mark.parametrize("fmt", ["zip", "tar.gz"])
def test_record_file_members_are_streamed_and_located(tmp_path: Path, fmt: str) -> None:
    rec = newsset.parse_text(page(), source="a.txt").to_dict()
    lines = (json.dumps(rec) + "\n{bad\n").encode()
    sink = pa.BufferOutputStream()
    with pa.CompressedOutputStream(sink, "zstd") as out:
        other = {**rec, "title": "Another title"}  # (another article: its own content id)
        other["id"] = newsset.article_id(other["date"], other["title"], other["body"])
        out.write(json.dumps(other).encode() + b"\n")
    members = [("r.jsonl", lines), ("r.jsonl.gz", gzip.compress(lines)), ("r.jsonl.zst", sink.getvalue().to_pybytes()),
               ("r2.jsonl.gz", gzip.compress(lines)[:30])]
    path = _zip(tmp_path / "a.zip", members) if fmt == "zip" else _tar(tmp_path / "a.tar.gz", members, "w:gz")
    found = [(i.source.rel.split("!/")[1], i.line, i.issues[0].code if i.issues else None) for i in _items(path)]
    assert found == [("r.jsonl", 1, None), ("r.jsonl", 2, "jsonl.syntax"), ("r.jsonl.gz", 1, None),
                     ("r.jsonl.gz", 2, "jsonl.syntax"), ("r.jsonl.zst", 1, None),
                     ("r2.jsonl.gz", 1, "input.unreadable")]


def test_validate_files_members_under_their_archive(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "meta_path", list(sys.meta_path))  # the CLI's pandas blocker must not outlive the test
    path = _tar(tmp_path / "a.tar", [("good.txt", page().encode()), ("bad.txt", b" date 2024-13-45 X\n\nBody.\n")])
    assert main(["validate", str(path), "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["files"] == [{"path": str(path), "kind": "tar", "status": "invalid", "records": 2, "valid": 1,
                                "issues": 1}]
    assert [(i["path"], i["code"]) for i in report["issues"]] == [(f"{path}!/bad.txt", "parse.invalid-date")]


# ---------------------------------------------------------------- build end to end


def _rows(out: Path) -> list[dict[str, object]]:
    files = sorted((out / "data").rglob("*.parquet"))
    return pa.concat_tables(pq.read_table(f) for f in files).to_pylist()


def _rejects(out: Path) -> list[tuple[str, str]]:
    return sorted((r["source"], r["code"]) for r in map(json.loads, (out / "rejects.jsonl").read_text().splitlines()))


def test_build_from_archives_equals_build_from_the_folder(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    counts = write_corpus(raw, 40, seed=7, dup_rate=0.1, bad_rate=0.15)
    assert counts["bad"] and counts["duplicates"]
    files = sorted(p.relative_to(raw).as_posix() for p in raw.rglob("*.txt"))
    random.Random(1).shuffle(files)  # archive order must not matter
    members = [(f, (raw / f).read_bytes()) for f in files]
    inputs = {"raw": raw, "pages.tar": _tar(tmp_path / "pages.tar", members),
              "pages.tar.gz": _tar(tmp_path / "pages.tar.gz", members, "w:gz"),
              "pages.zip": _zip(tmp_path / "pages.zip", members)}
    rows, rejects = {}, {}
    for name, path in inputs.items():
        out = tmp_path / f"out-{name}"
        result = newsset.build([path], out)
        assert result.inputs == counts["files"]
        rows[name], rejects[name] = _rows(out), _rejects(out)
    want = [{**r, "source": None} for r in rows["raw"]]
    assert len(want) == counts["good"] and rejects["raw"]
    for name in ("pages.tar", "pages.tar.gz", "pages.zip"):
        assert [{**r, "source": None} for r in rows[name]] == want
        assert [r["source"] for r in rows[name]] == [f"{name}!/{r['source']}" for r in rows["raw"]]
        assert rejects[name] == [(f"{name}!/{src}", code) for src, code in rejects["raw"]]


def test_build_rejects_account_for_every_bad_member(tmp_path: Path) -> None:
    good = _pages(2)
    with pytest.warns(UserWarning, match="Duplicate name"):
        path = _zip(tmp_path / "mixed.zip", [*good.items(), ("bad.txt", b"\xff\xfe binary"), ("inner.zip", b"PK"),
                                             ("p0.txt", page(title="A newer copy").encode()),
                                             ("r.jsonl", b'{"id": 1}\n')])
    out = tmp_path / "out"
    result = newsset.build([path], out)
    assert result.total_rows == 2
    assert _rejects(out) == [("mixed.zip!/bad.txt", "input.encoding"), ("mixed.zip!/inner.zip", "archive.nested"),
                             ("mixed.zip!/p0.txt", "archive.duplicate-member"),
                             ("mixed.zip!/r.jsonl", "schema.required")]
    assert result.inputs == result.total_rows + result.total_rejected


# ---------------------------------------------------------------- hostile archives


def test_a_tar_gz_that_fails_its_crc_reads_no_member(tmp_path: Path) -> None:
    """gzip checks its CRC only at its end: the members inflated from a flipped bit were kept as
    rows (their text altered), and the reject blamed archives joined with cat. The scan reads the
    whole gzip data before any member is parsed, so a corrupt one is refused whole, saying why."""
    pages = {f"p{i}.txt": page(title=f"Story {i}").encode() for i in range(3)}
    data = bytearray(_tar(tmp_path / "whole.tgz", sorted(pages.items()), "w:gz").read_bytes())
    data[-8] ^= 0x01  # (the stored CRC: the data inflates as it was, and fails the check)
    (tmp_path / "bad.tgz").write_bytes(bytes(data))
    got = _items(tmp_path / "bad.tgz")
    assert _found(got) == [("bad.tgz", "input.unreadable")]
    issue = got[0].issues[0]
    assert "gzip data is corrupt (CRC check failed" in issue.message and "joined with cat" not in issue.message
    assert "fetch or pack it again" in (issue.hint or "")


def test_truncated_tar_gz_keeps_the_members_read_before_the_break(tmp_path: Path) -> None:
    rng = random.Random(0)
    noise = {f"p{i}.txt": page(title=f"Story {i}", paragraphs=(" ".join(f"{rng.getrandbits(64):x}"
                                                                          for _ in range(900)),)).encode()
             for i in range(6)}
    whole = _tar(tmp_path / "whole.tgz", sorted(noise.items()), "w:gz").read_bytes()
    (tmp_path / "cut.tgz").write_bytes(whole[: len(whole) // 2])
    found = _found(_items(tmp_path / "cut.tgz"))
    assert found[:2] == [("cut.tgz!/p0.txt", None), ("cut.tgz!/p1.txt", None)]
    assert found[-2:] == [(found[-2][0], "input.unreadable"), ("cut.tgz", "input.unreadable")]
    assert all(code is None for _, code in found[:-2])


@pytest.mark.parametrize("cut", [4, 12, 60])
def test_a_small_tar_gz_cut_short_keeps_its_whole_members_and_says_it_was_cut(tmp_path: Path, cut: int) -> None:
    """Outside audit h36: a small archive (its tar in one 10 KiB record) cut short read no member, as
    one unreadable file; cut inside gzip's own end only, it read them all but was said to be archives
    joined with cat."""
    pages = _pages(3)
    whole = _tar(tmp_path / "whole.tgz", sorted(pages.items()), "w:gz").read_bytes()
    assert len(whole) < 10240
    (tmp_path / "cut.tgz").write_bytes(whole[:-cut])
    items = _items(tmp_path / "cut.tgz")
    found = _found(items)
    assert found[0] == ("cut.tgz!/p0.txt", None) and found[-1] == ("cut.tgz", "input.unreadable")
    assert all(code is None for _, code in found[:-2]) and len(found) >= 3
    message = items[-1].issues[0].message
    assert "cut short" in message and "joined with cat" not in message
    if cut == 4:  # (only gzip's end lost: every member whole)
        assert found[:-1] == [(f"cut.tgz!/{name}", None) for name in sorted(pages)]


def test_truncated_or_damaged_plain_tar_is_reported_not_silently_shortened(tmp_path: Path) -> None:
    pages = _pages(4)
    whole = _tar(tmp_path / "a.tar", sorted(pages.items())).read_bytes()
    block = 512 * (1 + -(-len(pages["p0.txt"]) // 512))  # one header block plus the data blocks
    (tmp_path / "cut.tar").write_bytes(whole[: 2 * block + 600])  # inside p2's data
    assert _found(_items(tmp_path / "cut.tar")) == [("cut.tar!/p0.txt", None), ("cut.tar!/p1.txt", None),
                                                    ("cut.tar!/p2.txt", "input.unreadable"),
                                                    ("cut.tar", "input.unreadable")]
    (tmp_path / "garbage.tar").write_bytes(whole[:block] + b"garbage!" * 64 + whole[block + 512:])
    items = _items(tmp_path / "garbage.tar")
    assert _found(items) == [("garbage.tar!/p0.txt", None), ("garbage.tar", "input.unreadable")]
    assert "damaged entry header" in items[-1].issues[0].message and "after its entry 'p0.txt'" in \
        items[-1].issues[0].message
    (tmp_path / "nothing.tgz").write_bytes(b"\x1f\x8b not gzip at all")
    assert _found(_items(tmp_path / "nothing.tgz")) == [("nothing.tgz", "input.unreadable")]


def test_archives_joined_with_cat_are_reported_not_silently_shortened(tmp_path: Path) -> None:
    pages = sorted(_pages(4).items())
    first, second = _tar(tmp_path / "a.tar", pages[:2]), _tar(tmp_path / "b.tar", pages[2:])
    (tmp_path / "both.tar").write_bytes(first.read_bytes() + second.read_bytes())
    items = _items(tmp_path / "both.tar")
    assert _found(items) == [("both.tar!/p0.txt", None), ("both.tar!/p1.txt", None),
                             ("both.tar", "input.unreadable")]
    assert "joined with cat" in items[-1].issues[0].message
    assert _found(_items(first)) == [("a.tar!/p0.txt", None), ("a.tar!/p1.txt", None)]  # zero padding is no data
    gz_one, gz_two = _tar(tmp_path / "a.tgz", pages[:2], "w:gz"), _tar(tmp_path / "b.tgz", pages[2:], "w:gz")
    (tmp_path / "both.tgz").write_bytes(gz_one.read_bytes() + gz_two.read_bytes())
    items = _items(tmp_path / "both.tgz")
    assert _found(items) == [("both.tgz!/p0.txt", None), ("both.tgz!/p1.txt", None),
                             ("both.tgz", "input.unreadable")]
    assert "joined with cat" in items[-1].issues[0].message
    assert _found(_items(gz_one)) == [("a.tgz!/p0.txt", None), ("a.tgz!/p1.txt", None)]
    one, two = _zip(tmp_path / "a.zip", pages[:2]), _zip(tmp_path / "b.zip", pages[2:])
    (tmp_path / "both.zip").write_bytes(one.read_bytes() + two.read_bytes())
    items = _items(tmp_path / "both.zip")
    assert _found(items) == [("both.zip!/p2.txt", None), ("both.zip!/p3.txt", None),
                             ("both.zip", "input.unreadable")]
    assert "before its first member" in items[-1].issues[0].message


def test_a_zip_member_in_a_compression_python_cannot_read_names_the_method(tmp_path: Path) -> None:
    data = bytearray(_zip(tmp_path / "a.zip", sorted(_pages(1).items()), zipfile.ZIP_STORED).read_bytes())
    data[8:10] = (9).to_bytes(2, "little")  # the method in the local header and the central directory: Deflate64
    at = data.find(b"PK\x01\x02")
    data[at + 10:at + 12] = (9).to_bytes(2, "little")
    (tmp_path / "d64.zip").write_bytes(bytes(data))
    (item,) = _items(tmp_path / "d64.zip")
    assert _found([item]) == [("d64.zip!/p0.txt", "input.unreadable")]
    assert "compressed with Deflate64" in item.issues[0].message


def test_corrupt_zip_and_corrupt_zip_member(tmp_path: Path) -> None:
    pages = _pages(3)
    whole = _zip(tmp_path / "a.zip", sorted(pages.items()), zipfile.ZIP_STORED).read_bytes()
    (tmp_path / "cut.zip").write_bytes(whole[: len(whole) // 2])  # the central directory is gone
    (item,) = _items(tmp_path / "cut.zip")
    assert _found([item]) == [("cut.zip", "input.unreadable")] and "not a zip" in item.issues[0].message
    at = whole.index(b"Text of story 1")
    (tmp_path / "flip.zip").write_bytes(whole[:at] + b"t" + whole[at + 1:])  # bad CRC in p1 only
    items = _items(tmp_path / "flip.zip")
    assert _found(items) == [("flip.zip!/p0.txt", None), ("flip.zip!/p1.txt", "input.unreadable"),
                             ("flip.zip!/p2.txt", None)]
    assert "CRC" in items[1].issues[0].message


def test_an_archive_named_for_another_kind_says_what_it_holds(tmp_path: Path) -> None:
    """A zip renamed .tar (or a tar renamed .zip) is refused with what its first bytes are and the
    name to give it, not only tarfile's `invalid header`; a damaged archive keeps its own message."""
    members = sorted(_pages(2).items())
    zipped = _zip(tmp_path / "z.zip", members).read_bytes()
    (tmp_path / "pages.tar").write_bytes(zipped)
    (item,) = _items(tmp_path / "pages.tar")
    assert "its first bytes are a zip archive" in item.issues[0].message
    assert item.issues[0].hint is not None and "rename it to .zip" in item.issues[0].hint
    (tmp_path / "pages.zip").write_bytes(_tar(tmp_path / "t.tar", members).read_bytes())
    (item,) = _items(tmp_path / "pages.zip")
    assert "its first bytes are a tar archive" in item.issues[0].message and "rename it to .tar" in item.issues[0].hint
    (tmp_path / "cut.tar").write_bytes(b"\x00" * 100 + b"not a header")
    (item,) = _items(tmp_path / "cut.tar")
    assert item.issues[0].code == "input.unreadable" and "first bytes" not in item.issues[0].message


def test_a_zip_member_name_flagged_utf8_that_is_not_is_named_not_called_truncated(tmp_path: Path) -> None:
    """Some tools write cp1252 names with the UTF-8 flag set: Python's zipfile then lists no member,
    and the reject said "truncated, or not a zip", which it is neither."""
    pages = _pages(2)
    path = _zip(tmp_path / "w.zip", [("caf\u00e9.txt", pages["p0.txt"]), ("p1.txt", pages["p1.txt"])],
                zipfile.ZIP_STORED)
    data = path.read_bytes()
    assert data.count("caf\u00e9".encode()) == 2  # (the local header's name and the central directory's)
    path.write_bytes(data.replace("caf\u00e9".encode(), b"caf\xe9 "))  # cp1252, same length, flag kept
    (item,) = _items(path)
    message = item.issues[0].message
    assert item.issues[0].code == "input.unreadable" and "flagged as UTF-8 but is not" in message
    assert "caf\\xe9" in message and "not a zip" not in message


def test_a_compressed_tar_rewritten_between_its_passes_gives_no_row_of_the_wrong_text(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A .tar.gz is listed in one pass and read in another, reopened by name: a rotating dump
    replaced in between gave rows named as the listing said holding the new file's text."""
    pages = _pages(4)
    old = _tar(tmp_path / "dump.tar.gz", [("a.txt", pages["p0.txt"]), ("b.txt", pages["p1.txt"])], "w:gz")
    new = _tar(tmp_path / "new.tar.gz", [("x.txt", pages["p2.txt"]), ("y.txt", pages["p3.txt"])], "w:gz")
    real = archives._scan

    def swapped(path: str) -> object:
        listed = real(path)
        new.replace(old)
        return listed

    monkeypatch.setattr(archives, "_scan", swapped)
    items = _items(old)
    assert [i.record for i in items] == [None, None]
    assert all(i.issues[0].code == "input.unreadable" and "changed while it was read" in i.issues[0].message
               for i in items)


@pytest.mark.parametrize("kind", ["zip", "tar", "tar.gz"])
def test_archive_members_of_other_suffixes_are_counted_as_loose_files_are(tmp_path: Path, kind: str) -> None:
    """A `.jsonl.xz` or `.html` inside an archive was in no count, while the same files loose are."""
    pages = _pages(1)
    members = [("p0.txt", pages["p0.txt"]), ("more/recs.jsonl.xz", b"xz"), ("notes.html", b"<p>"),
               (".DS_Store", b"x"), ("__MACOSX/._p0.txt", b"x")]
    path = tmp_path / "in" / f"pack.{kind}"
    path.parent.mkdir()
    if kind == "zip":
        _zip(path, members)
    else:
        _tar(path, members, "w:gz" if kind.endswith("gz") else "w")
    result = newsset.build([path.parent], tmp_path / "out")
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert manifest["inputs"]["ignored_by_suffix"] == {".html (in archives)": 1, ".xz (in archives)": 1,
                                                       "(hidden file) (in archives)": 2}  # (as a walk counts them)
    assert sum(result.rows.values()) == 1
    target = tmp_path / "r.json"
    assert main(["validate", str(path.parent), "--format", "json", "-o", str(target)]) == 0
    assert json.loads(target.read_text())["stats"]["ignored_by_suffix"] == manifest["inputs"]["ignored_by_suffix"]


def test_encrypted_zip_member_is_refused(tmp_path: Path) -> None:
    raw = bytearray(_zip(tmp_path / "a.zip", sorted(_pages(2).items())).read_bytes())
    central = raw.index(b"PK\x01\x02")  # the central directory's first entry: p0.txt
    assert raw[central + 46:central + 52] == b"p0.txt"
    raw[central + 8] |= 1  # general purpose flag bit 0: encrypted (central directory)
    raw[6] |= 1  # and in the local header
    (tmp_path / "a.zip").write_bytes(bytes(raw))
    items = _items(tmp_path / "a.zip")
    assert _found(items) == [("a.zip!/p0.txt", "archive.encrypted"), ("a.zip!/p1.txt", None)]


def test_links_and_devices_are_refused_never_followed(tmp_path: Path) -> None:
    path = tmp_path / "a.tar"
    with tarfile.open(path, "w") as tf:
        for name, kind in (("sym.txt", tarfile.SYMTYPE), ("hard.txt", tarfile.LNKTYPE), ("dev.txt", tarfile.CHRTYPE),
                           ("fifo.txt", tarfile.FIFOTYPE), ("sym.md", tarfile.SYMTYPE)):
            ti = tarfile.TarInfo(name)
            ti.type, ti.linkname = kind, "/etc/passwd"
            tf.addfile(ti)
    items = _items(path)
    assert _found(items) == [(f"a.tar!/{n}.txt", "archive.not-a-file") for n in ("dev", "fifo", "hard", "sym")]
    assert "a symbolic link to '/etc/passwd'" in items[3].issues[0].message
    zpath = tmp_path / "a.zip"
    with zipfile.ZipFile(zpath, "w") as zf:
        info = zipfile.ZipInfo("link.txt")
        info.create_system, info.external_attr = 3, (stat.S_IFLNK | 0o777) << 16
        zf.writestr(info, "/etc/passwd")
        zf.writestr("plain.txt", page())
    assert _found(_items(zpath)) == [("a.zip!/link.txt", "archive.not-a-file"), ("a.zip!/plain.txt", None)]


def test_zip_bomb_page_is_refused_without_inflating_it(tmp_path: Path) -> None:
    path = _zip(tmp_path / "bomb.zip", [("bomb.txt", bytes(archives.MAX_PAGE_BYTES + 1)), ("ok.txt", page().encode())])
    assert path.stat().st_size < 1 << 20
    tracemalloc.start()
    try:
        items = _items(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert _found(items) == [("bomb.zip!/bomb.txt", "input.too-large"), ("bomb.zip!/ok.txt", None)]
    assert peak < 8 << 20


def test_reads_are_bounded_for_pages_and_record_lines(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(archives, "MAX_PAGE_BYTES", 2000)
    big = page(paragraphs=("word " * 1000,)).encode()
    (tmp_path / "big.txt").write_bytes(big)  # a file: refused from its size, unread
    _tar(tmp_path / "a.tgz", [("big.txt", big), ("r.jsonl", b'{"id": 1}\n' + b"x" * 3000 + b"\n{}\n")], "w:gz")
    assert _found(_items(tmp_path / "big.txt")) == [("big.txt", "input.too-large")]
    found = [(i.source.rel, i.line, i.issues[0].code) for i in _items(tmp_path / "a.tgz")]
    assert found == [("a.tgz!/big.txt", 1, "input.too-large"), ("a.tgz!/r.jsonl", 1, "schema.required"),
                     ("a.tgz!/r.jsonl", 2, "input.too-large"), ("a.tgz!/r.jsonl", 3, "schema.required")]


@pytest.mark.parametrize("fmt", ["tar", "zip"])
def test_duplicate_member_names_read_the_last_copy(tmp_path: Path, fmt: str) -> None:
    members = [("a.txt", page(title="First copy").encode()), ("b.txt", page(title="Other").encode()),
               ("a.txt", page(title="Last copy").encode())]
    if fmt == "zip":
        with pytest.warns(UserWarning, match="Duplicate name"):
            path = _zip(tmp_path / "d.zip", members)
    else:
        path = _tar(tmp_path / "d.tgz", members, "w:gz")
    items = _items(path)
    name = path.name
    assert _found(items) == [(f"{name}!/a.txt", "archive.duplicate-member"), (f"{name}!/a.txt", None),
                             (f"{name}!/b.txt", None)]
    assert items[1].record is not None and items[1].record["title"] == "Last copy"
    assert "entry 1" in items[0].issues[0].message and "entry 3" in items[0].issues[0].message


def test_dotdot_and_absolute_names_are_kept_as_given_and_nothing_is_extracted(tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    members = [("../up.txt", page(title="Up").encode()), ("/abs/x.txt", page(title="Abs").encode()),
               ("a/../../b.txt", page(title="Dots").encode())]
    for path in (_tar(work / "a.tar", members), _zip(work / "a.zip", members)):
        assert _found(_items(path)) == [(f"{path.name}!/../up.txt", None), (f"{path.name}!//abs/x.txt", None),
                                        (f"{path.name}!/a/../../b.txt", None)]
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["a.tar", "a.zip", "work"]


def test_nested_archives_are_reported_not_opened(tmp_path: Path) -> None:
    inner = _zip(tmp_path / "inner.zip", [("p.txt", page().encode())]).read_bytes()
    path = _tar(tmp_path / "outer.tar", [("inner.zip", inner), ("more.TGZ", b"x")])
    assert _found(_items(path)) == [("outer.tar!/inner.zip", "archive.nested"),
                                    ("outer.tar!/more.TGZ", "archive.nested")]


def test_parse_command_reads_archive_members(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import tarfile

    from newsset.cli import main
    from newsset.synth import write_corpus

    pages = tmp_path / "pages"
    write_corpus(pages, 4, seed=12, dup_rate=0.0, bad_rate=0.0)
    (pages / "broken.txt").write_bytes(b"")
    archive = tmp_path / "p.tar.gz"
    with tarfile.open(archive, "w:gz") as tf:
        tf.add(pages, arcname="pages")
    status = main(["parse", str(archive), "--format", "jsonl"])
    out, err = capsys.readouterr()
    rows = [json.loads(line) for line in out.splitlines()]
    assert status == 1 and len(rows) == 4
    assert all(r["source"].startswith("p.tar.gz!/pages/") for r in rows)
    assert f"{archive}!/pages/broken.txt:1: input.empty" in err


def test_read_bounded_reads_whole_small_files_and_caps_streams(tmp_path: Path) -> None:
    from newsset.archives import read_bounded

    f = tmp_path / "p.txt"
    f.write_bytes(b"x" * 5000)
    with open(f, "rb") as fh:
        assert read_bounded(fh, limit=10_000) == b"x" * 5000
    with open(f, "rb") as fh:
        assert len(read_bounded(fh, limit=100)) == 101  # over the limit: the caller refuses it
    assert read_bounded(io.BytesIO(b"y" * 3000), limit=1000) == b"y" * 1001
    assert read_bounded(io.BytesIO(b"z" * 30), limit=1000) == b"z" * 30
    empty = tmp_path / "e.txt"
    empty.write_bytes(b"")
    with open(empty, "rb") as fh:
        assert read_bounded(fh) == b""


def test_parse_command_refuses_a_fifo_instead_of_waiting(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import os

    from newsset.cli import main

    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)  # opened the plain way, it would wait for a writer forever
    assert main(["parse", str(fifo), "--format", "jsonl"]) == 1
    assert "input.unreadable" in capsys.readouterr().err


@pytest.mark.parametrize("fmt", ["tar", "zip"])
def test_member_names_that_extract_to_one_file_read_only_the_last(tmp_path: Path, fmt: str) -> None:
    """`a/./b.txt` and `a/b.txt` (and `a//c.txt`, `x/../d.txt`) are one file once extracted: all
    were read, so one page counted twice. The names stay as given in `source`."""
    members = [("a/./b.txt", page(title="B first").encode()), ("a/b.txt", page(title="B last").encode()),
               ("a//c.txt", page(title="C first").encode()), ("a/c.txt", page(title="C last").encode()),
               ("x/../d.txt", page(title="D first").encode()), ("d.txt", page(title="D last").encode())]
    path = _zip(tmp_path / "d.zip", members) if fmt == "zip" else _tar(tmp_path / "d.tar", members)
    items = _items(path)
    kept = sorted(i.record["title"] for i in items if i.record is not None and not i.issues)
    assert kept == ["B last", "C last", "D last"]
    refused = sorted(i.source.rel for i in items if i.issues and i.issues[0].code == "archive.duplicate-member")
    assert refused == [f"{path.name}!/a/./b.txt", f"{path.name}!/a//c.txt", f"{path.name}!/x/../d.txt"]


def test_a_utf8_zip_member_name_stored_without_the_utf8_flag_is_read_as_utf8(tmp_path: Path) -> None:
    """Consumer audit c37: Info-ZIP's `zip` stores UTF-8 names without the UTF-8 flag; zipfile reads
    them as CP437, so `source` said `├⌐t├⌐.txt` for `été.txt`, with no warning. A name that is no
    valid UTF-8 stays CP437, the format's own reading (`\x82` is `é` there)."""
    pages = _pages(3)
    path = _zip(tmp_path / "u.zip", [("AAAAA.txt", pages["p0.txt"]), ("BBBB.txt", pages["p1.txt"]),
                                     ("ok.txt", pages["p2.txt"])], zipfile.ZIP_STORED)
    data = path.read_bytes()
    assert data.count(b"AAAAA") == data.count(b"BBBB") == 2  # (local header and central directory)
    data = data.replace(b"AAAAA", "\u00e9t\u00e9".encode()).replace(b"BBBB", b"caf\x82")  # flags left unset
    path.write_bytes(data)
    assert all(not i.flag_bits & 0x800 for i in zipfile.ZipFile(path).infolist())
    items = _items(path)
    assert [(i.source.rel, [x.code for x in i.issues]) for i in items] == [
        (f"{path.name}!/caf\u00e9.txt", []), (f"{path.name}!/ok.txt", []), (f"{path.name}!/\u00e9t\u00e9.txt", [])]
    assert items[2].record is not None and items[2].record["title"] == "Story 0 of the day"


@pytest.mark.parametrize("mode", ["w", "w:gz"])
def test_a_member_name_that_is_not_utf8_is_read_with_a_warning_as_a_file_is(tmp_path: Path, mode: str) -> None:
    path = tmp_path / ("d.tar" if mode == "w" else "d.tgz")
    with tarfile.open(path, mode, format=tarfile.GNU_FORMAT, encoding="utf-8", errors="surrogateescape") as tf:
        for name, data in (("caf\udce9.txt", page(title="Latin-1 name").encode()), ("ok.txt", page().encode())):
            ti = tarfile.TarInfo(name)
            ti.size = len(data)
            tf.addfile(ti, io.BytesIO(data))
    items = _items(path)
    assert [(i.source.rel, [x.code for x in i.issues]) for i in items] == [
        (f"{path.name}!/caf\\xe9.txt", ["input.file-name"]), (f"{path.name}!/ok.txt", [])]
    assert items[0].record is not None and items[0].record["source"] == f"{path.name}!/caf\\xe9.txt"
    assert items[0].issues[0].severity == "warning"


def test_hidden_members_and_resource_forks_are_counted_as_passed_over(tmp_path: Path) -> None:
    """Outside audit h26 #7: a folder walk counts the hidden files it skips; an archive's hidden
    members and macOS resource forks were skipped without a count anywhere."""
    import zipfile
    from collections import Counter

    from conftest import page as full_page

    raw = tmp_path / "raw"
    raw.mkdir()
    with zipfile.ZipFile(raw / "a.zip", "w") as z:
        z.writestr("page.txt", full_page())
        z.writestr(".draft.txt", full_page(title="A draft"))
        z.writestr(".git/page.txt", "x")
        z.writestr("__MACOSX/._page.txt", "x")
    r = newsset.build([raw], tmp_path / "out")
    assert sum(r.rows.values()) == 1
    assert r.ignored == Counter({"(hidden file) (in archives)": 3})
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["inputs"]["ignored_by_suffix"] == {"(hidden file) (in archives)": 3}
