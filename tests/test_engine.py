"""Engines and chunks: boundaries stable under insertion, retried chunks, the incremental cache,
and the Dask build on a real LocalCluster — all byte-identical to a serial local build."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

import newsset
from newsset.chunk import ChunkSpec, make_chunks, run_chunk
from newsset.schema import bundled_schema_path
from newsset.sources import Source, discover
from newsset.synth import write_corpus


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Chunks of about 32 pages, so that a corpus of a few hundred pages makes many (the cache's unit)."""
    import newsset.chunk

    monkeypatch.setattr(newsset.chunk, "CHUNK", 32)


def digests(out: Path) -> dict[str, str]:
    files = [*out.rglob("*.parquet"), out / "rejects.jsonl"]
    return {p.relative_to(out).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in files}


def _pages(n: int) -> list[Source]:
    return [Source(f"p{i:05d}.txt", f"/x/p{i:05d}.txt", "page") for i in range(n)]


def test_chunk_boundaries_move_only_around_an_inserted_file() -> None:
    before = _pages(3000)
    chunks = make_chunks(before, chunk=16)
    assert [s for c in chunks for s in c] == before  # nothing lost, order kept
    assert 100 < len(chunks) < 400 and max(map(len, chunks)) <= 4 * 16
    extra = Source("p01500a.txt", "/x/p01500a.txt", "page")
    after_chunks = make_chunks(sorted([*before, extra]), chunk=16)
    old = {tuple(c) for c in chunks}
    changed = [c for c in after_chunks if tuple(c) not in old]
    assert len(changed) <= 2 and any(extra in c for c in changed)


def test_a_record_file_is_a_chunk_of_its_own() -> None:
    srcs = [*_pages(3), Source("r.jsonl", "/x/r.jsonl", "jsonl"), *_pages(2)]
    srcs = sorted(srcs)
    chunks = make_chunks(srcs, chunk=1000)
    assert [Source("r.jsonl", "/x/r.jsonl", "jsonl")] in chunks
    assert sum(map(len, chunks)) == len(srcs)


def test_a_retried_chunk_rewrites_the_same_part_bytes(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    write_corpus(raw, 40, seed=5, dup_rate=0.0, bad_rate=0.1)
    parts = tmp_path / "parts"
    parts.mkdir()
    spec = ChunkSpec(7, tuple(discover([raw])), str(bundled_schema_path()), None, str(parts), sketch=True)
    (parts / "part-000007.arrow.tmp-999").write_bytes(b"left by a killed attempt")
    first = run_chunk(spec)
    data = Path(spec.part_path).read_bytes()
    second = run_chunk(spec)
    assert Path(spec.part_path).read_bytes() == data
    assert first.keys.ids == second.keys.ids and first.digests == second.digests and first.rows == second.rows > 20
    assert first.items == 40 and len(first.rejected) + first.rows == 40
    assert first.sigs is not None and first.sigs.shape == (first.rows, 64)
    assert all(item.record is None or set(item.record) == {"id"} for _, item in first.rejected)  # no text back
    assert sorted(os.listdir(parts)) == ["part-000007.arrow", "part-000007.arrow.tmp-999"]


@pytest.mark.parametrize("guard", ["keep", "off"])
@pytest.mark.usefixtures("small_chunks")
def test_cache_rebuild_is_byte_identical_and_reuses_unchanged_chunks(tmp_path: Path, guard: str) -> None:
    raw = tmp_path / "raw"
    write_corpus(raw, 600, seed=21, dup_rate=0.02, bad_rate=0.02)
    cache = tmp_path / "cache"
    first = newsset.build([raw], tmp_path / "a", cache=cache, near_dup=guard, jobs=1)
    assert first.chunks > 4 and first.cached_chunks == 0
    again = newsset.build([raw], tmp_path / "b", cache=cache, near_dup=guard, jobs=2)
    assert again.cached_chunks == again.chunks and again.cached_inputs == again.inputs
    assert digests(tmp_path / "a") == digests(tmp_path / "b")
    # Add a few pages (copies of generated pages under new names, and one changed page).
    extra = raw / "zz-new"
    extra.mkdir()
    write_corpus(extra, 6, seed=99, dup_rate=0.0, bad_rate=0.0)
    page = sorted(raw.rglob("*.txt"))[0]
    page.write_text(page.read_text(encoding="utf-8").replace(" the ", " a ", 1), encoding="utf-8")
    grown = newsset.build([raw], tmp_path / "c", cache=cache, near_dup=guard, jobs=1)
    clean = newsset.build([raw], tmp_path / "d", near_dup=guard, jobs=1)
    assert digests(tmp_path / "c") == digests(tmp_path / "d")
    assert grown.chunks - 3 <= grown.cached_chunks < grown.chunks
    assert grown.total_rows == clean.total_rows > first.total_rows


@pytest.mark.parametrize("guard", ["keep", "off"])
@pytest.mark.usefixtures("small_chunks")
def test_cache_reuses_the_pages_of_a_changed_chunk(tmp_path: Path, guard: str) -> None:
    """New pages scattered through the name range (as a scraper adding to existing folders does),
    one page changed and one removed: only the new and the changed page are parsed, and the
    output is byte-identical to a clean build."""
    import zlib

    from newsset.chunk import CHUNK

    raw = tmp_path / "raw"
    write_corpus(raw, 700, seed=31, dup_rate=0.02, bad_rate=0.03)
    cache = tmp_path / "cache"
    newsset.build([raw], tmp_path / "a", cache=cache, near_dup=guard, jobs=1)
    chunks = make_chunks(discover([raw]))
    inner = [s for c in chunks for s in c[1:-1]]  # neither first (its chunk's anchor) nor last (a boundary)
    changed, removed = inner[10], inner[200]
    Path(changed.path).write_bytes(Path(changed.path).read_bytes().replace(b" the ", b" a ", 1))
    os.remove(removed.path)
    # New pages (good, bad and a duplicate) named to sort between old ones, none of them a chunk boundary.
    new = tmp_path / "new"
    write_corpus(new, 12, seed=77, dup_rate=0.1, bad_rate=0.1)
    added = 0
    for n, (page, old) in enumerate(zip(sorted(new.rglob("*.txt")), inner[5::50])):
        name = Path(old.path).with_name(f"{Path(old.path).stem}-{n}.txt")
        if zlib.crc32(name.relative_to(raw).as_posix().encode()) % CHUNK == 0:
            continue
        name.write_bytes(page.read_bytes())
        added += 1
    assert added >= 8
    grown = newsset.build([raw], tmp_path / "b", cache=cache, near_dup=guard, jobs=2)
    clean = newsset.build([raw], tmp_path / "c", near_dup=guard, jobs=1)
    assert digests(tmp_path / "b") == digests(tmp_path / "c")
    assert grown.inputs == clean.inputs == 700 - 1 + added
    assert grown.inputs - grown.cached_inputs == added + 1  # parsed: the new pages and the changed one
    assert 0 < grown.cached_chunks < grown.chunks
    # The versions of the changed chunks that the rebuild replaced are gone: one entry per chunk.
    assert len(list(cache.rglob("*.keys"))) == len(list(cache.rglob("*.arrow"))) == grown.chunks
    assert sum(clean.rejected.values()) == sum(grown.rejected.values()) > 0


def test_a_cache_hit_hands_the_driver_its_own_link_to_the_part(tmp_path: Path) -> None:
    """A hit's part file is linked into the build's parts folder, so a concurrent build that
    replaces (and deletes) the cache's entry cannot pull the rows away before the driver reads them."""
    import pyarrow as pa

    raw = tmp_path / "raw"
    write_corpus(raw, 30, seed=6, dup_rate=0.0, bad_rate=0.0)
    parts, cache = tmp_path / "parts", tmp_path / "cache"
    parts.mkdir()
    spec = ChunkSpec(3, tuple(discover([raw])), str(bundled_schema_path()), None, str(parts), cache=str(cache))
    first = run_chunk(spec)
    assert not first.cached and first.part == spec.part_path and first.rows == 30
    os.remove(spec.part_path)  # as the driver does once it has read it
    hit = run_chunk(spec)
    assert hit.cached and not hit.shared and hit.part == spec.part_path and hit.reused == 30
    for f in cache.rglob("*.arrow"):
        f.unlink()
    with pa.memory_map(hit.part) as source:
        assert pa.ipc.open_file(source).read_all().num_rows == 30


def test_a_cached_build_reads_each_page_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With --cache a page's bytes are read for its key and handed on to the parser, not read twice
    (and so the key is of exactly the bytes that were parsed)."""
    from collections import Counter

    import newsset.cache
    import newsset.check
    import newsset.chunk

    raw = tmp_path / "raw"
    write_corpus(raw, 30, seed=7, dup_rate=0.0, bad_rate=0.1)
    reads: Counter[str] = Counter()
    real = newsset.check.page_bytes

    def counting(src: Source) -> object:
        reads[src.path] += 1
        return real(src)

    for module in (newsset.check, newsset.chunk, newsset.cache):
        monkeypatch.setattr(module, "page_bytes", counting)
    parts = tmp_path / "parts"
    parts.mkdir()
    srcs = tuple(discover([raw]))
    spec = ChunkSpec(0, srcs, str(bundled_schema_path()), None, str(parts), cache=str(tmp_path / "cache"))
    res = run_chunk(spec)
    assert res.items == 30 and len(res.rejected) > 0
    assert reads == Counter({s.path: 1 for s in srcs})


def _count_page_reads(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    import newsset.cache
    import newsset.check
    import newsset.chunk

    reads: Counter[str] = Counter()
    real = newsset.check.page_bytes

    def counting(src: Source) -> object:
        reads[Path(src.path).name] += 1
        return real(src)

    for module in (newsset.check, newsset.chunk, newsset.cache):
        monkeypatch.setattr(module, "page_bytes", counting)
    return reads


def test_a_rebuild_reads_only_the_files_whose_stat_changed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An unchanged stat (device, inode, size, mtime, ctime) stands for unchanged bytes, as in git:
    a rebuild hashes only new and changed files. An edit that keeps the size and puts the old mtime
    back still changes the ctime, and a file swapped in by rename has another inode: both are read."""
    import newsset.cache

    raw = tmp_path / "raw"
    write_corpus(raw, 300, seed=8, dup_rate=0.02, bad_rate=0.03)
    cache = tmp_path / "cache"
    newsset.build([raw], tmp_path / "a", cache=cache)
    monkeypatch.setattr(newsset.cache, "STAT_MARGIN_NS", 0)  # the files are seconds old: trust them now
    newsset.build([raw], tmp_path / "a", cache=cache)  # (hashed again, untrusted before: recorded now)
    reads = _count_page_reads(monkeypatch)
    again = newsset.build([raw], tmp_path / "b", cache=cache)
    assert reads == Counter() and again.cached_inputs == again.inputs == 300
    assert digests(tmp_path / "a") == digests(tmp_path / "b")
    pages = sorted(raw.rglob("*.txt"))
    edited, swapped = pages[40], pages[160]
    st = edited.stat()
    data = edited.read_bytes()
    assert b" the " in data
    edited.write_bytes(data.replace(b" the ", b" thy ", 1))  # same size
    os.utime(edited, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert edited.stat().st_size == st.st_size and edited.stat().st_mtime_ns == st.st_mtime_ns
    other = swapped.read_bytes()
    (tmp_path / "swap.txt").write_bytes(other.replace(b" the ", b" thy ", 1))
    os.replace(tmp_path / "swap.txt", swapped)
    grown = newsset.build([raw], tmp_path / "c", cache=cache)
    assert {edited.name, swapped.name} <= set(reads) and sum(reads.values()) < 300 // 2
    assert grown.cached_inputs == 300 - 2
    monkeypatch.undo()
    clean = newsset.build([raw], tmp_path / "d")
    assert digests(tmp_path / "c") == digests(tmp_path / "d") != digests(tmp_path / "a")
    assert clean.total_rows == grown.total_rows


def test_pages_added_among_the_old_ones_are_the_only_pages_read(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """New files whose names fall between old ones change many chunks' lists of names; the stat memo
    is filed under a chunk's first name, so the old pages of those chunks are still not read."""
    import newsset.chunk

    raw = tmp_path / "raw"
    write_corpus(raw, 400, seed=12, dup_rate=0.0, bad_rate=0.02)
    cache = tmp_path / "cache"
    monkeypatch.setattr(newsset.cache, "STAT_MARGIN_NS", 0)
    first = newsset.build([raw], tmp_path / "a", cache=cache)
    pages = sorted(raw.rglob("*.txt"))
    added = []
    for n, page in enumerate(pages[5::37]):
        new = page.with_name(f"{page.stem}a.txt")
        new.write_bytes(pages[(n * 53 + 11) % len(pages)].read_bytes().replace(b" the ", b" thy "))
        added.append(new.name)
    reads = _count_page_reads(monkeypatch)
    grown = newsset.build([raw], tmp_path / "b", cache=cache)
    assert grown.cached_chunks < first.chunks // 2  # most chunks changed...
    assert sorted(reads) == sorted(added) and set(reads.values()) == {1}  # ...yet only the new pages were read
    assert grown.cached_inputs == 400
    monkeypatch.undo()
    assert digests(tmp_path / "b") == digests(newsset.build([raw], tmp_path / "c").out)


def test_a_record_file_that_changes_while_it_is_read_is_not_cached(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """A .jsonl hashed, then appended to before its lines are read: those results are not the hashed
    bytes' and must not be filed under their key (restoring the file would bring them back)."""
    import newsset.chunk

    raw = tmp_path / "raw"
    write_corpus(raw, 30, seed=13, dup_rate=0.0, bad_rate=0.0)
    rec = tmp_path / "in" / "r.jsonl"
    rec.parent.mkdir()
    lines = [json.dumps(newsset.parse_file(p, raw).to_dict()) for p in sorted(raw.rglob("*.txt"))]
    original = "".join(line + "\n" for line in lines[:20])
    rec.write_text(original)
    real = newsset.chunk.iter_items

    def appending(src: Source, *a: object, **k: object) -> object:
        with open(rec, "a") as fh:  # between the hash and the read
            fh.write("".join(line + "\n" for line in lines[20:]))
        return real(src, *a, **k)

    cache = tmp_path / "cache"
    monkeypatch.setattr(newsset.chunk, "iter_items", appending)
    grown = newsset.build([rec], tmp_path / "a", cache=cache)
    monkeypatch.undo()
    assert grown.total_rows == 30 and not list(cache.rglob("*.keys"))
    rec.write_text(original)
    again = newsset.build([rec], tmp_path / "b", cache=cache)
    assert again.total_rows == 20
    assert digests(tmp_path / "b") == digests(newsset.build([rec], tmp_path / "c").out)


def test_an_edit_to_a_schema_file_the_schema_refs_is_no_cache_hit(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    write_corpus(raw, 40, seed=4, dup_rate=0.0, bad_rate=0.0)
    base = json.loads(bundled_schema_path().read_text())
    base["$id"] = "https://example.org/base.json"
    (tmp_path / "base.json").write_text(json.dumps(base))
    (tmp_path / "main.json").write_text(json.dumps({"$schema": "https://json-schema.org/draft/2020-12/schema",
                                                    "allOf": [{"$ref": "base.json"}]}))
    cache = tmp_path / "cache"
    first = newsset.build([raw], tmp_path / "o1", schema=tmp_path / "main.json", cache=cache)
    assert first.total_rejected == 0 and first.total_rows == 40
    base["properties"]["title"]["maxLength"] = 5  # main.json is unchanged; what it refers to is not
    (tmp_path / "base.json").write_text(json.dumps(base))
    again = newsset.build([raw], tmp_path / "o2", schema=tmp_path / "main.json", cache=cache)
    assert again.cached_chunks == 0 and again.rejected["schema.maxLength"] == 40 and not again.written


def test_a_pinned_today_lets_a_cache_serve_another_day_and_judges_future_dates(tmp_path: Path) -> None:
    from newsset.cli import main

    raw = tmp_path / "raw"
    write_corpus(raw, 30, seed=5, dup_rate=0.0, bad_rate=0.0)
    (raw / "zz-late.txt").write_text("date 2031-05-01 A late page\n\n" + "Text of the late page, long enough. " * 8)
    args = ["build", str(raw), "--cache", str(tmp_path / "cache"), "--today", "2031-06-01", "-q"]
    assert main([*args, "--out", str(tmp_path / "a")]) == 0
    again = newsset.build([raw], tmp_path / "b", cache=tmp_path / "cache", today=dt.date(2031, 6, 1))
    assert again.cached_chunks == again.chunks and again.total_rejected == 0
    early = newsset.build([raw], tmp_path / "c", cache=tmp_path / "cache", today=dt.date(2031, 4, 1))
    assert early.cached_chunks < early.chunks and early.rejected["dataset.future-date"] == 1
    with pytest.raises(SystemExit) as info:
        main(["build", str(raw), "--out", str(tmp_path / "d"), "--today", "2031-02-30"])
    assert info.value.code == 2


def test_cache_files_are_written_under_new_random_names(tmp_path: Path) -> None:
    """A link planted at a predictable temporary name in a shared cache must not be followed, and a
    cache entry naming a part outside the cache is a miss."""
    import os
    import pickle

    from newsset.cache import _dump, _load_entry
    from newsset.schema import load_schema

    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    target = tmp_path / "cache" / "ab" / "abc.keys"
    target.parent.mkdir(parents=True)
    for name in (f"{target.name}.tmp-{os.getpid()}", f".{target.name}.tmp-{os.getpid()}"):
        (target.parent / name).symlink_to(victim)
    _dump(target, ("x", 1))
    assert victim.read_text() == "precious" and pickle.loads(target.read_bytes()) == ("x", 1)
    raw = tmp_path / "raw"
    write_corpus(raw, 10, seed=2, dup_rate=0.0, bad_rate=0.0)
    cache = tmp_path / "c2"
    newsset.build([raw], tmp_path / "out", cache=cache)
    (entry,) = cache.rglob("*.keys")
    key, res, spans, _ = pickle.loads(entry.read_bytes())
    entry.write_bytes(pickle.dumps(("../" * 8 + "etc/passwd", res, spans)))
    assert _load_entry(str(cache), entry.stem, load_schema(None).parquet_schema) is None


def test_a_file_changed_just_before_it_was_hashed_is_hashed_again(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """A file whose ctime is within a timestamp tick of its hashing could change again without a new
    stat ("racily clean"): its recorded stat is not trusted, and the next build reads it again."""
    raw = tmp_path / "raw"
    write_corpus(raw, 40, seed=9, dup_rate=0.0, bad_rate=0.0)
    cache = tmp_path / "cache"
    newsset.build([raw], tmp_path / "a", cache=cache)  # the pages are not 2 s old
    assert list(cache.rglob("*.stat"))
    reads = _count_page_reads(monkeypatch)
    r = newsset.build([raw], tmp_path / "b", cache=cache)
    assert sorted(reads.values()) == [1] * 40 and r.cached_inputs == 40


def test_a_damaged_stat_memo_is_ignored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import newsset.cache

    raw = tmp_path / "raw"
    write_corpus(raw, 200, seed=10, dup_rate=0.0, bad_rate=0.05)
    cache = tmp_path / "cache"
    monkeypatch.setattr(newsset.cache, "STAT_MARGIN_NS", 0)
    newsset.build([raw], tmp_path / "a", cache=cache)
    memos = sorted(cache.rglob("*.stat"))
    assert len(memos) > 1
    memos[0].write_bytes(b"garbage")
    memos[1].write_bytes(memos[1].read_bytes()[:20])
    page = sorted(raw.rglob("*.txt"))[7]
    page.write_bytes(page.read_bytes().replace(b" the ", b" a ", 1))
    r = newsset.build([raw], tmp_path / "b", cache=cache)
    assert r.cached_inputs == 199
    assert digests(tmp_path / "b") == digests(newsset.build([raw], tmp_path / "c").out)


@pytest.mark.usefixtures("small_chunks")
def test_a_cache_file_cannot_run_code_or_crash_the_build(tmp_path: Path) -> None:
    """A shared cache is a folder others can write: its files are unpickled with only the classes
    newsset writes allowed, so a planted payload is a miss, not code run (as plain pickle.load ran it)."""
    import pickle

    raw = tmp_path / "raw"
    write_corpus(raw, 120, seed=4, dup_rate=0.0, bad_rate=0.05)
    cache = tmp_path / "cache"
    newsset.build([raw], tmp_path / "a", cache=cache)
    marker = tmp_path / "pwned"

    class Payload:
        def __reduce__(self) -> tuple[object, ...]:
            return (os.system, (f"touch {marker}",))

    class Foreign:
        def __reduce__(self) -> tuple[object, ...]:
            return (os.getcwd, ())

    keys = sorted(cache.rglob("*.keys"))
    keys[0].write_bytes(pickle.dumps(Payload()))
    keys[1].write_bytes(pickle.dumps(Foreign()))
    keys[2].write_bytes(pickle.dumps(("x", None, [])).replace(b"builtins", b"newsset.cache2"))
    for memo in cache.rglob("*.stat"):
        memo.write_bytes(pickle.dumps(Payload()))
    r = newsset.build([raw], tmp_path / "b", cache=cache)
    assert not marker.exists()
    assert r.chunks - 3 <= r.cached_chunks < r.chunks
    assert digests(tmp_path / "a") == digests(tmp_path / "b")


def test_a_broken_cache_entry_is_recomputed_not_trusted(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    write_corpus(raw, 300, seed=3, dup_rate=0.0, bad_rate=0.0)
    cache = tmp_path / "cache"
    newsset.build([raw], tmp_path / "a", cache=cache)
    for f in cache.rglob("*.keys"):
        f.write_bytes(b"garbage")
    r = newsset.build([raw], tmp_path / "b", cache=cache)
    assert r.cached_chunks == 0 and r.cached_inputs == 0
    assert digests(tmp_path / "a") == digests(tmp_path / "b")
    # A part file cut short (a full disk, a crash while copying the cache) or replaced by other rows.
    parts = sorted(cache.rglob("*.arrow"), key=lambda p: p.stat().st_size)
    assert len(parts) >= 2
    with open(parts[-1], "r+b") as fh:
        fh.truncate(parts[-1].stat().st_size // 2)
    parts[-2].write_bytes(parts[0].read_bytes())
    r = newsset.build([raw], tmp_path / "c", cache=cache)
    assert r.cached_chunks == r.chunks - 2
    assert digests(tmp_path / "a") == digests(tmp_path / "c")


def test_a_bit_flipped_in_a_cached_part_is_a_miss_not_altered_text(tmp_path: Path) -> None:
    """Outside audit h26 #3: a bit flipped inside a cached part's text ("thinks so" -> "thinks ro")
    reached the published dataset, its source_sha256 unchanged; a part is checked (CRC-32) when read."""
    raw = tmp_path / "raw"
    write_corpus(raw, 300, seed=4, dup_rate=0.0, bad_rate=0.0)
    cache = tmp_path / "cache"
    first = newsset.build([raw], tmp_path / "a", cache=cache)
    parts = sorted(cache.rglob("*.arrow"))
    assert parts
    for f in parts:
        data = bytearray(f.read_bytes())
        data[len(data) // 2] ^= 0x01  # (in the middle: the rows' text, not Arrow's framing)
        f.write_bytes(bytes(data))
    r = newsset.build([raw], tmp_path / "b", cache=cache)
    assert r.cached_chunks == 0 and r.chunks == first.chunks
    assert digests(tmp_path / "a") == digests(tmp_path / "b")


def test_a_part_file_swapped_for_another_of_the_same_size_is_a_miss(tmp_path: Path) -> None:
    """Two record files of five records each: their parts have the same rows and schema, so only
    the ids tie a part to its entry (a swap would have duplicated one file's rows and lost the other's)."""
    raw = tmp_path / "raw"
    write_corpus(raw, 10, seed=21, dup_rate=0.0, bad_rate=0.0)
    lines = [json.dumps(newsset.parse_file(p, raw).to_dict()) for p in sorted(raw.rglob("*.txt"))]
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.jsonl").write_text("".join(x + "\n" for x in lines[:5]))
    (src / "b.jsonl").write_text("".join(x + "\n" for x in lines[5:]))
    cache = tmp_path / "cache"
    newsset.build([src], tmp_path / "a", cache=cache)
    one, two = sorted(cache.rglob("*.arrow"))
    data = one.read_bytes()
    one.write_bytes(two.read_bytes())
    two.write_bytes(data)
    r = newsset.build([src], tmp_path / "b", cache=cache)
    assert r.cached_chunks == 0 and r.total_rows == 10
    assert digests(tmp_path / "a") == digests(tmp_path / "b")


def test_a_fifo_planted_in_the_cache_is_a_miss_not_a_hang(tmp_path: Path) -> None:
    """Opening a FIFO waits for a writer: every cache file is opened without blocking and must be a
    regular file (a shared cache is a folder others can write)."""
    import threading

    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs here")
    raw = tmp_path / "raw"
    write_corpus(raw, 600, seed=22, dup_rate=0.0, bad_rate=0.0)
    cache = tmp_path / "cache"
    first = newsset.build([raw], tmp_path / "a", cache=cache)
    assert first.chunks >= 3
    keys, parts, memos = sorted(cache.rglob("*.keys")), sorted(cache.rglob("*.arrow")), sorted(cache.rglob("*.stat"))
    assert keys and parts and memos
    for f in (keys[0], parts[-1], *memos):
        f.unlink()
        os.mkfifo(f)
    done: list[newsset.BuildResult] = []
    t = threading.Thread(target=lambda: done.append(newsset.build([raw], tmp_path / "b", cache=cache)), daemon=True)
    t.start()
    t.join(120)
    assert done, "the build waited on a FIFO in the cache"
    assert done[0].cached_chunks < first.chunks  # (the two files may be one entry's: names hash the paths)
    assert digests(tmp_path / "a") == digests(tmp_path / "b")


def test_a_record_file_that_is_a_fifo_or_a_device_is_refused_with_a_cache_too(tmp_path: Path) -> None:
    """Outside audit h26 #2: the cache hashed a record file with a plain open before any file-type
    check, so a FIFO named `.jsonl` blocked for ever and a link to /dev/zero was read for ever."""
    import threading

    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs here")
    raw = tmp_path / "raw"
    write_corpus(raw, 3, seed=23, dup_rate=0.0, bad_rate=0.0)
    os.mkfifo(raw / "fifo.jsonl")
    (raw / "zero.jsonl").symlink_to("/dev/zero")
    done: list[newsset.BuildResult] = []
    t = threading.Thread(target=lambda: done.append(newsset.build([raw], tmp_path / "out", cache=tmp_path / "c")),
                         daemon=True)
    t.start()
    t.join(120)
    assert done, "the build waited on a FIFO or read a device"
    assert done[0].rejected == Counter({"input.unreadable": 2}) and sum(done[0].rows.values()) == 3


def test_a_record_file_whose_gzip_check_fails_is_rejected_with_a_cache_too(tmp_path: Path) -> None:
    """Outside audit h26 #1: with --cache, the file's voided chunk (no span to file) failed an
    assertion and stopped the whole build; it is rejected as without a cache, and not cached."""
    import gzip

    raw = tmp_path / "raw"
    write_corpus(raw, 3, seed=24, dup_rate=0.0, bad_rate=0.0)
    record = newsset.parse_file(next(raw.rglob("*.txt")), raw).to_dict()
    data = bytearray(gzip.compress((json.dumps({**record, "source": "x.txt"}) + "\n").encode()))
    data[-6] ^= 0xFF  # the CRC-32 in gzip's trailer
    (raw / "r.jsonl.gz").write_bytes(bytes(data))
    plain = newsset.build([raw], tmp_path / "plain")
    for _ in range(2):  # (the second from the cache)
        cached = newsset.build([raw], tmp_path / "cached", cache=tmp_path / "c")
        assert (cached.rows, cached.rejected) == (plain.rows, plain.rejected)
        assert cached.rejected["input.unreadable"] >= 1
        assert digests(tmp_path / "cached") == digests(tmp_path / "plain")


def _require_dask() -> None:
    try:
        import distributed  # noqa: F401
    except ImportError:
        if os.environ.get("NEWSSET_REQUIRE_DASK"):
            raise
        pytest.skip("dask[distributed] is not installed")


def test_dask_localcluster_build_is_byte_identical_to_local(tmp_path: Path) -> None:
    _require_dask()
    from distributed import LocalCluster

    raw = tmp_path / "raw"
    write_corpus(raw, 400, seed=8, dup_rate=0.03, bad_rate=0.03)
    extra = tmp_path / "more"
    write_corpus(extra, 30, seed=9, dup_rate=0.0, bad_rate=0.0)
    lines = [json.dumps(newsset.parse_file(p, extra).to_dict()) for p in sorted(extra.glob("*.txt"))]
    (raw / "records.jsonl").write_text("\n".join(lines) + "\n{broken\n", encoding="utf-8")
    local = newsset.build([raw], tmp_path / "local", jobs=1)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        assert len(cluster.workers) == 2
        remote = newsset.build([raw], tmp_path / "dask", engine="dask", scheduler=cluster.scheduler_address)
    assert remote.chunks == local.chunks > 2
    assert digests(tmp_path / "local") == digests(tmp_path / "dask")
    assert remote.total_rows == local.total_rows > 300
    # The engine that starts its own LocalCluster gives the same bytes too.
    newsset.build([raw], tmp_path / "own", engine="dask", jobs=2, near_dup="off")
    newsset.build([raw], tmp_path / "own-local", jobs=1, near_dup="off")
    assert digests(tmp_path / "own") == digests(tmp_path / "own-local")


def test_relative_inputs_on_a_users_cluster_name_the_drivers_files(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """The user's workers run in folders of their own: the paths they get must not be relative to
    the driver's folder (they named other files there, or none: false `input.unreadable` rejects)."""
    _require_dask()
    from distributed import LocalCluster

    write_corpus(tmp_path / "raw", 60, seed=3, dup_rate=0.0, bad_rate=0.0)
    (tmp_path / "schema.json").write_bytes(bundled_schema_path().read_bytes())
    local = newsset.build([tmp_path / "raw"], tmp_path / "local", jobs=1)
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        monkeypatch.chdir(tmp_path)  # the driver moves; the worker stays where it started
        remote = newsset.build(["raw"], "dask", engine="dask", scheduler=cluster.scheduler_address,
                               schema="schema.json")
    assert remote.total_rejected == local.total_rejected == 0 and remote.total_rows == local.total_rows
    parquet = {k: v for k, v in digests(tmp_path / "local").items() if k.endswith(".parquet")}
    assert parquet == {k: v for k, v in digests(tmp_path / "dask").items() if k.endswith(".parquet")}


def test_engine_options_are_checked_before_any_work(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    write_corpus(raw, 3, seed=1)
    with pytest.raises(newsset.ConfigError, match="--scheduler goes with --engine dask"):
        newsset.build([raw], tmp_path / "x", scheduler="tcp://127.0.0.1:1")
    with pytest.raises(newsset.ConfigError, match="--engine"):
        newsset.build([raw], tmp_path / "x", engine="spark")  # type: ignore[arg-type]
    assert not (tmp_path / "x").exists()


def test_a_large_record_file_is_read_as_byte_ranges_with_file_line_numbers(tmp_path: Path) -> None:
    from newsset.chunk import split_ranges

    raw = tmp_path / "pages"
    write_corpus(raw, 60, seed=4, dup_rate=0.0, bad_rate=0.0)
    lines = [json.dumps(newsset.parse_file(p, raw).to_dict()) for p in sorted(raw.rglob("*.txt"))]
    lines[10] = "{not json"
    lines[41] = ""
    lines[57] = json.dumps({"id": "x"})
    rec = tmp_path / "in" / "records.jsonl"
    rec.parent.mkdir()
    rec.write_text("\n".join(lines) + "\n", encoding="utf-8")
    src = discover([rec])[0]
    size = rec.stat().st_size
    ranges = split_ranges(src, range_bytes=size // 7)
    assert len(ranges) >= 7 and ranges[0].start == 0 and ranges[-1].end == -1
    from newsset.reading import count_range_lines

    assert sum(count_range_lines(r) for r in ranges) == len(lines)  # every line in exactly one range
    whole = newsset.build([rec], tmp_path / "whole", jobs=1)
    import newsset.chunk as chunk_mod

    old = chunk_mod.RANGE_BYTES
    chunk_mod.RANGE_BYTES = size // 7
    try:
        parts = newsset.build([rec], tmp_path / "ranged", jobs=2)
    finally:
        chunk_mod.RANGE_BYTES = old
    assert parts.chunks >= 7 and whole.chunks == 1
    assert digests(tmp_path / "whole") == digests(tmp_path / "ranged")
    rejects = [json.loads(x) for x in (tmp_path / "ranged" / "rejects.jsonl").read_text().splitlines()]
    assert [(r["line"], r["code"]) for r in rejects][:2] == [(11, "jsonl.syntax"), (58, rejects[1]["code"])]
    assert whole.total_rows == parts.total_rows == 57  # 60 lines: one bad JSON, one blank, one invalid


def test_ranges_inside_one_long_line_read_only_their_own_bytes(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """A JSON array dumped on one line, or a file of NUL bytes: each range skipped "the line begun
    before it" to the end of the file, twice (quadratic: 1 GiB took 40 s). A range that holds no line
    start reads its own bytes and a bounded overshoot, and the file is still one `input.too-large`."""
    import builtins

    import newsset.archives as archives_mod
    from newsset.chunk import split_ranges
    from newsset.reading import count_range_lines

    monkeypatch.setattr(archives_mod, "MAX_PAGE_BYTES", 1 << 16)  # the line cap, small for the test
    path = tmp_path / "in" / "array.jsonl"
    path.parent.mkdir()
    path.write_bytes(b"[" + b'{"id": "x"}, ' * 100_000 + b"]\n" + b"\n" * 3)
    size = path.stat().st_size
    ranges = split_ranges(discover([path])[0], range_bytes=size // 10)
    read = {"bytes": 0}
    real_open = builtins.open

    class Counting:
        def __init__(self, fh: Any) -> None:
            self.fh = fh

        def readline(self, limit: int = -1) -> bytes:
            line = self.fh.readline(limit)
            read["bytes"] += len(line)
            return line

        def __getattr__(self, name: str) -> Any:
            return getattr(self.fh, name)

        def __enter__(self) -> Counting:
            return self

        def __exit__(self, *exc: object) -> None:
            self.fh.close()

    monkeypatch.setattr(builtins, "open", lambda *a, **k: Counting(real_open(*a, **k)))
    counts = []
    for r in ranges[1:]:  # (the first range holds the long line: it reads it, once)
        read["bytes"] = 0
        counts.append(count_range_lines(r))
        assert read["bytes"] <= (r.end if r.end >= 0 else size) - r.start + (1 << 16) + 2, r
    monkeypatch.setattr(builtins, "open", real_open)
    assert sum(counts) == 3  # the blank lines after the array belong to the last range
    result = newsset.build([path], tmp_path / "out", jobs=1)
    assert dict(result.rejected) == {"input.too-large": 1}


def test_runs_of_blank_lines_are_skipped_in_bulk_with_exact_line_numbers(tmp_path: Path) -> None:
    """Blank lines are consumed from the read buffer a run at a time (a gzip of 64 MiB of newlines
    took 46 s a line at a time); line numbers, range boundaries inside a run, and the indent of the
    line after a run must come out as if read a line at a time."""
    import gzip

    from newsset.chunk import split_ranges

    raw = tmp_path / "pages"
    write_corpus(raw, 12, seed=6, dup_rate=0.0, bad_rate=0.0)
    records = [json.dumps(newsset.parse_file(p, raw).to_dict()) for p in sorted(raw.rglob("*.txt"))]
    runs = ["\n" * 70_000, "\r\n" * 3, " \t \n" * 40_000, "\n", "  \n\x0c\n", "\n" * 200_000]
    lines: list[str] = []
    for k, rec in enumerate(records):
        lines += (runs[k % len(runs)] * (1 + k % 2)).split("\n")[:-1]
        lines.append("   {not json" if k in (3, 8) else rec)  # (the column of an error counts the indent)
    text = "\n".join(lines) + "\n\n\n"
    bad = [(n, len(ln) - len(ln.lstrip()) + 2) for n, ln in enumerate(lines, 1) if "not json" in ln]
    plain = tmp_path / "in" / "records.jsonl"
    plain.parent.mkdir()
    plain.write_bytes(text.encode())
    packed = tmp_path / "gz" / "records.jsonl.gz"
    packed.parent.mkdir()
    packed.write_bytes(gzip.compress(text.encode()))
    from newsset.reading import count_range_lines

    src = discover([plain])[0]
    for parts in (3, 7, 40):
        ranges = split_ranges(src, range_bytes=plain.stat().st_size // parts)
        assert sum(count_range_lines(r) for r in ranges) == text.count("\n")
    import newsset.chunk as chunk_mod

    old = chunk_mod.RANGE_BYTES
    chunk_mod.RANGE_BYTES = plain.stat().st_size // 13
    try:
        ranged = newsset.build([plain], tmp_path / "ranged", jobs=2)
    finally:
        chunk_mod.RANGE_BYTES = old
    streamed = newsset.build([packed], tmp_path / "streamed", jobs=1)
    assert ranged.chunks >= 13 and ranged.total_rows == streamed.total_rows == 10
    for out in ("ranged", "streamed"):
        rejects = [json.loads(x) for x in (tmp_path / out / "rejects.jsonl").read_text().splitlines()]
        assert [r["line"] for r in rejects] == [n for n, _ in bad], out
    report = newsset.validate_paths([packed])
    assert [(i.line, i.column) for i in report.issues if i.code == "jsonl.syntax"] == bad


@pytest.mark.parametrize("address", ["notaurl", "tcp://", "http://127.0.0.1:8786", "tcp://host:port"])
def test_a_malformed_scheduler_address_is_a_usage_error(tmp_path: Path, address: str) -> None:
    pytest.importorskip("distributed")
    raw = tmp_path / "raw"
    write_corpus(raw, 5, seed=1, dup_rate=0.0, bad_rate=0.0)
    with pytest.raises(newsset.ConfigError, match="expected a Dask scheduler address"):
        newsset.build([raw], tmp_path / "out", engine="dask", scheduler=address)
    assert not (tmp_path / "out").exists()
    with pytest.raises(newsset.ConfigError, match="expected a Dask scheduler address"):  # before any work
        newsset.build([tmp_path / "missing"], tmp_path / "out", engine="dask", scheduler=address)


def test_a_scheduler_that_never_answers_is_an_error_not_a_hang(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """A service that takes the connection and stays silent held Client's handshake for ever."""
    import socket

    pytest.importorskip("distributed")
    import newsset.engine as engine_mod

    monkeypatch.setattr(engine_mod, "CONNECT_TIMEOUT", 0.5)
    raw = tmp_path / "raw"
    write_corpus(raw, 5, seed=1, dup_rate=0.0, bad_rate=0.0)
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(4)
        port = silent.getsockname()[1]
        with pytest.raises(newsset.ConfigError, match="cannot reach a Dask scheduler"):
            newsset.build([raw], tmp_path / "out", engine="dask", scheduler=f"tcp://127.0.0.1:{port}")
    assert not (tmp_path / "out").exists()


def test_a_service_that_is_no_dask_scheduler_is_named_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A web server on the port answers; distributed reads its first bytes as a frame length and
    fails to allocate exabytes: the error must say the service is no scheduler, not only that."""
    import socket
    import threading

    pytest.importorskip("distributed")
    import newsset.engine as engine_mod

    monkeypatch.setattr(engine_mod, "CONNECT_TIMEOUT", 3)
    raw = tmp_path / "raw"
    write_corpus(raw, 3, seed=1, dup_rate=0.0, bad_rate=0.0)
    with socket.socket() as web:
        web.bind(("127.0.0.1", 0))
        web.listen(4)

        def serve() -> None:
            while True:
                try:
                    conn, _ = web.accept()
                except OSError:
                    return
                with conn:
                    conn.recv(65536)
                    conn.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")

        threading.Thread(target=serve, daemon=True).start()
        address = f"tcp://127.0.0.1:{web.getsockname()[1]}"
        with pytest.raises(newsset.ConfigError, match=f"the service at {address} does not answer as a Dask scheduler"):
            newsset.build([raw], tmp_path / "out", engine="dask", scheduler=address)
    assert not (tmp_path / "out").exists()


def test_plenty_guesses_without_walking_everything(tmp_path: Path) -> None:
    from newsset.sources import plenty

    write_corpus(tmp_path / "c", 12, seed=2, dup_rate=0.0, bad_rate=0.0)
    (tmp_path / "c" / ".hidden.txt").write_text("date 2024-01-01 x\n\nbody\n")
    n = len(discover([tmp_path / "c"]))
    assert plenty([tmp_path / "c"], n, 1 << 30) and not plenty([tmp_path / "c"], n + 1, 1 << 30)
    rec = tmp_path / "r.jsonl"
    rec.write_bytes(b"{}\n" * 100)
    assert plenty([rec], 10, 300) and not plenty([rec], 10, 301)


def test_auto_jobs_start_workers_for_a_large_record_file_not_for_a_small_folder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A single record file is one input but many chunks: with --jobs 0 it must get workers."""
    import newsset.chunk as chunk_mod
    import newsset.engine as engine_mod
    import newsset.pipeline as pipeline

    started: list[int] = []

    class Spy(pipeline.LocalPool):
        def __init__(self, jobs: int, schema_path: str) -> None:
            started.append(jobs)
            super().__init__(jobs, schema_path)

    monkeypatch.setattr(pipeline, "LocalPool", Spy)
    monkeypatch.setattr(pipeline, "resolve_jobs", lambda jobs, engine: jobs or 2)  # as on a 2-core machine
    raw = tmp_path / "pages"
    write_corpus(raw, 20, seed=5, dup_rate=0.0, bad_rate=0.0)
    small = newsset.build([raw], tmp_path / "small", jobs=0)
    assert started == [] and small.total_rows == 20
    rec = tmp_path / "in" / "records.jsonl"
    rec.parent.mkdir()
    rec.write_text("".join(json.dumps(newsset.parse_file(p, raw).to_dict()) + "\n" for p in sorted(raw.rglob("*.txt"))),
                   encoding="utf-8")
    monkeypatch.setattr(chunk_mod, "RANGE_BYTES", rec.stat().st_size // 4)
    monkeypatch.setattr(engine_mod, "RANGE_BYTES", rec.stat().st_size // 4)
    ranged = newsset.build([rec], tmp_path / "ranged", jobs=0)
    assert started == [2] and ranged.chunks >= 4 and ranged.total_rows == 20
    assert digests(tmp_path / "ranged") == digests(tmp_path / "small")  # the same records, as pages or as lines


def test_an_unused_pool_stops_its_workers_without_waiting_for_their_start_up() -> None:
    import time

    from newsset.engine import LocalPool

    pool = LocalPool(2, str(bundled_schema_path()))
    pool._started()  # (a fork server starts the workers on a thread)
    procs = list(pool.executor._processes.values())
    assert len(procs) == 2
    t0 = time.monotonic()
    pool.close(unused=True)
    assert time.monotonic() - t0 < 5 and not any(p.is_alive() for p in procs)


def test_row_sizes_from_offsets_equal_the_string_lengths() -> None:
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    from newsset.write import row_sizes

    batch = pa.record_batch([pa.array(["a", "bcd", None, "\u00e9\u00e9", ""]), pa.array(["xx", "", "y", "zz", "q"]),
                             pa.array([1, 2, 3, 4, 5])], names=["a", "b", "n"])
    # A null whose slot is not empty (Arrow allows it): offsets 0, 2, 5 with the second value null.
    odd = pa.StringArray.from_buffers(2, pa.py_buffer(np.array([0, 2, 5], np.int32)), pa.py_buffer(b"abcde"),
                                      pa.py_buffer(np.packbits([1, 0], bitorder="little")), 1)
    padded = pa.record_batch([pa.array(["x" * 9] * 11 + [None] * 3), pa.array(["yy"] * 14), pa.array(range(14))],
                             names=["a", "b", "n"])
    for view in (batch, batch.slice(1), batch.slice(1, 2), batch.filter(pa.array([True, False, True, True, False])),
                 batch.select(["b", "n"]).slice(2), pa.record_batch([odd], names=["o"]), padded.slice(9),
                 padded.slice(10, 3)):
        expected = sum(pc.fill_null(pc.binary_length(c), 0).to_numpy(zero_copy_only=False)
                       for c in view.columns if pa.types.is_string(c.type))
        assert row_sizes(view).tolist() == list(expected)


def test_dates_convert_like_arrows_cast_and_odd_shapes_still_fail_there() -> None:
    import pyarrow as pa

    from newsset.write import to_column

    good = ["2024-01-02", None, "1970-01-01", "2000-02-29", "0001-01-01", "9999-12-31"]
    assert to_column(good, pa.date32()).equals(pa.array(good, pa.string()).cast(pa.date32()))
    for odd in ("20240102", "2024-W01-1", "2023-02-29"):  # fromisoformat would take the first two
        with pytest.raises(pa.ArrowInvalid):
            to_column([odd], pa.date32())


@pytest.mark.parametrize("broken", ["ensure_running", "connect_to_new_process"])
def test_workers_are_spawned_when_the_fork_server_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                        broken: str) -> None:
    """A fork server listens on a Unix socket under TMPDIR; a long TMPDIR makes that path too
    long to bind (`ensure_running`, on the main thread). The first workers are asked for on a
    thread (`connect_to_new_process`). Either failure must fall back to spawned workers."""
    import multiprocessing.forkserver as forkserver

    def refuse(*_: object) -> None:
        raise OSError(f"{broken} refused")

    monkeypatch.setattr(forkserver.ForkServer, broken, refuse)
    monkeypatch.setattr(forkserver, broken, refuse)  # (the module's bound alias)
    raw = tmp_path / "pages"
    write_corpus(raw, 30, seed=6, dup_rate=0.0, bad_rate=0.0)
    serial = newsset.build([raw], tmp_path / "serial", jobs=1)
    pooled = newsset.build([raw], tmp_path / "pooled", jobs=2)
    assert pooled.total_rows == serial.total_rows == 30
    assert digests(tmp_path / "pooled") == digests(tmp_path / "serial")


def test_the_drivers_key_store_gives_back_what_it_took() -> None:
    """Keys are stored compactly in the driver (shared values, arrays, path = folder + source
    name): every record's (source, path, line) and facts must come back exactly, odd paths too."""
    from newsset.chunk import Keys, KeyStore

    chunk = Keys()
    rows = [("2024/a.txt", "raw/2024/a.txt", 1, "2024-01-02", "The Week UK", None, True, 120),
            ("2024/b.txt", "/abs/raw/2024/b.txt", 1, None, None, "g1", False, 0),
            ("pages.tar!/x.txt", "in/pages.tar!/x.txt", 1, "2024-01-02", "The Week UK", "g1", False, 7),
            ("r.jsonl", "r.jsonl", 41, "2023-12-31", "Other", None, False, 3),
            ("caf\udce9.txt", "raw/caf\\udce9.txt", 1, None, None, None, False, 1),  # display differs from rel
            ("", "weird", 2, None, None, None, False, 2)]
    for i, (rel, path, line, date, pub, group, trunc, words) in enumerate(rows):
        chunk.ids.append(f"id{i}")
        chunk.dates.append(date)
        chunk.pubs.append(pub)
        chunk.groups.append(group)
        chunk.truncated.append(trunc)
        chunk.words.append(words)
        chunk.where.append((rel, path, line))
    store = KeyStore()
    store.take_rows(chunk, [5, 0, 1])
    store.take_rows(chunk, [2, 3, 4])
    store.take_rows(chunk, range(len(rows)))  # every row, in order: the lists are taken as they are
    order = [5, 0, 1, 2, 3, 4, *range(len(rows))]
    assert len(store.ids) == len(order)
    for k, r in enumerate(order):
        rel, path, line, date, pub, group, trunc, words = rows[r]
        assert store.where(k) == (rel, path, line)
        assert store.kept(k) == {"source": rel, "path": path, "line": line, "id": f"id{r}"}
        assert (store.ids[k], store.dates[k], store.pubs[k], store.groups[k]) == (f"id{r}", date, pub, group)
        assert (bool(store.truncated[k]), store.words[k]) == (trunc, words)
    assert store.pubs[1] is store.pubs[3] is store.pubs[8]  # one object for a repeated value


def test_a_cache_that_cannot_be_used_is_refused_before_any_work(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    write_corpus(raw, 5, seed=2, dup_rate=0.0, bad_rate=0.0)
    taken = tmp_path / "a-file"
    taken.write_text("not a folder")
    with pytest.raises(newsset.ConfigError, match="is a file, not a folder"):
        newsset.build([raw], tmp_path / "out", cache=taken)
    assert not (tmp_path / "out").exists()
    with pytest.raises(newsset.ConfigError, match="inside --out"):
        newsset.build([raw], tmp_path / "out", cache=tmp_path / "out" / "cache")
    assert not (tmp_path / "out").exists()
    # (--out inside --cache was built once, then every rebuild refused: "the cache holds input files")
    with pytest.raises(newsset.ConfigError, match="is inside --cache"):
        newsset.build([raw], tmp_path / "c" / "out", cache=tmp_path / "c")
    assert not (tmp_path / "c" / "out").exists()
    deep = tmp_path / "new" / "cache"  # made when missing, parents included
    r = newsset.build([raw], tmp_path / "out", cache=deep)
    assert r.written and any(deep.rglob("*.keys"))


def test_the_build_summary_says_what_the_cache_gave(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from newsset.cli import main

    raw = tmp_path / "raw"
    write_corpus(raw, 40, seed=12, dup_rate=0.0, bad_rate=0.0)
    args = ["build", str(raw), "--out", str(tmp_path / "out"), "--cache", str(tmp_path / "cache"), "--jobs", "1"]
    assert main(args) == 0
    assert "cache " not in capsys.readouterr().err  # nothing reused on the first build
    assert main(args) == 0
    line = next(x for x in capsys.readouterr().err.splitlines() if x.strip().startswith("cache "))
    assert "40 of 40 input(s) reused" in line and "the rest parsed" not in line
    (raw / "zz-extra.txt").write_bytes(next(raw.rglob("*.txt")).read_bytes().replace(b" the ", b" a ", 1))
    assert main(args) == 0
    line = next(x for x in capsys.readouterr().err.splitlines() if x.strip().startswith("cache "))
    assert "of 41 input(s) reused" in line and line.endswith("the rest parsed")


def test_a_cache_that_fills_up_leaves_no_partial_files_and_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """On a full disk the copy of a part into the cache (another file system) left its temporary
    file behind, every build, and nothing said the cache was not working."""
    import errno
    import shutil

    import newsset.cache as cache_mod
    from newsset.cli import main

    raw = tmp_path / "raw"
    write_corpus(raw, 20, seed=13, dup_rate=0.0, bad_rate=0.0)

    def no_link(src: str, target: Path) -> str:
        raise OSError(errno.EXDEV, "Invalid cross-device link")

    def full(src: object, dst: object, length: int = 0) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(cache_mod, "_linked", no_link)
    monkeypatch.setattr(shutil, "copyfileobj", full)
    cache = tmp_path / "cache"
    args = ["build", str(raw), "--out", str(tmp_path / "out"), "--cache", str(cache), "--jobs", "1"]
    assert main(args) == 0
    err = capsys.readouterr().err
    assert "chunk(s) not stored: No space left on device" in err and "the output is complete" in err
    assert not [p for p in cache.rglob("*") if ".tmp-" in p.name]


def test_pages_read_and_parsed_a_batch_at_a_time_give_the_same_bytes(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Batches end at a page count, at a byte budget, and at a file that is not a page (a record file,
    an unreadable or binary page in between): the output is that of one page at a time."""
    import newsset.chunk as chunk

    raw = tmp_path / "raw"
    write_corpus(raw, 150, seed=5, dup_rate=0.05, bad_rate=0.05)
    art = newsset.parse_text((next(iter(sorted(raw.rglob("*.txt"))))).read_text(encoding="utf-8"), "x.txt")
    (raw / "m-records.jsonl").write_text(json.dumps({**art.to_dict(), "title": "Other"}) + "\n", encoding="utf-8")
    (raw / "m-image.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    outs = []
    for pages, budget in ((64, 4 << 20), (1, 4 << 20), (7, 20_000)):
        monkeypatch.setattr(chunk, "AHEAD_PAGES", pages)
        monkeypatch.setattr(chunk, "AHEAD_BYTES", budget)
        result = newsset.build([raw], tmp_path / f"out-{pages}", jobs=1, near_dup="keep")
        outs.append((digests(tmp_path / f"out-{pages}"), result.rows, dict(result.rejected), result.inputs))
    assert outs[0] == outs[1] == outs[2]
    assert outs[0][3] == len(list(raw.rglob("*.txt"))) + 1  # every page and the record: each counted once


def test_a_chunk_mixing_pages_and_a_record_file_parses_the_same_in_batches(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """`make_chunks` gives a record file a chunk of its own, but a chunk is any sequence of sources
    (a Dask user's, a later planner's): a batch of pages ends at a source that is not a page."""
    import pickle

    import newsset.chunk as chunk

    raw = tmp_path / "raw"
    write_corpus(raw, 12, seed=9, dup_rate=0.0, bad_rate=0.2)
    pages = sorted(discover([raw]), key=lambda s: s.rel)
    art = newsset.parse_text(Path(pages[0].path).read_text(encoding="utf-8"), "x.txt")
    (tmp_path / "r.jsonl").write_text(json.dumps({**art.to_dict(), "title": "Other"}) + "\n", encoding="utf-8")
    (record,) = discover([tmp_path / "r.jsonl"])
    sources = (*pages[:5], record, *pages[5:])
    results = []
    for ahead in (64, 1):
        monkeypatch.setattr(chunk, "AHEAD_PAGES", ahead)
        out = tmp_path / f"parts-{ahead}"
        out.mkdir()
        spec = ChunkSpec(0, sources, str(bundled_schema_path()), dt.date(2026, 1, 1), str(out))
        res = run_chunk(spec)
        part = Path(res.part).read_bytes() if res.part else b""
        res.part = None
        results.append((pickle.dumps((res.rows, res.items, res.keys.ids, res.digests, res.rejected)), part))
    assert results[0] == results[1] and pickle.loads(results[0][0])[1] == len(sources)


def test_cache_folder_problems_are_said_before_work_and_a_refused_build_makes_none(tmp_path: Path) -> None:
    """`--cache ~/.cache/newsset` made that folder even when the build stopped at once (an input not found)."""
    raw = tmp_path / "raw"
    write_corpus(raw, 5, seed=3)
    cache = tmp_path / "home" / ".cache" / "newsset"
    with pytest.raises(newsset.ConfigError, match="not found"):
        newsset.build([tmp_path / "missing"], tmp_path / "out", cache=cache)
    assert not (tmp_path / "home").exists()
    (tmp_path / "afile").write_text("x")
    for bad, said in ((tmp_path / "afile", "is a file, not a folder"),
                      (tmp_path / "afile" / "sub", "afile is a file, not a folder")):
        with pytest.raises(newsset.ConfigError, match=said):
            newsset.build([raw], tmp_path / "out", cache=bad)
    newsset.build([raw], tmp_path / "out", cache=cache)
    assert any(cache.iterdir())


@pytest.mark.parametrize("name", ["recs.jsonl.gz", "recs.jsonl"])
def test_a_record_file_of_many_bad_lines_spills_its_rejects_and_writes_the_same_bytes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    """Every rejected line of a chunk was held (issues and all) until the chunk's end: a few hundred
    bytes of .jsonl.gz holding 40,000 `{}` lines took 400 MB, growing with the lines. Past
    SPILL_REJECTS they go to a file beside the part; rejects.jsonl and the shards are the same bytes
    (also in byte ranges, whose lines count from the file's start), whatever --jobs."""
    import gzip
    import random

    import newsset.chunk as chunk_mod
    from newsset.synth import make_page

    rng = random.Random(21)
    good = [json.dumps(newsset.parse_text(make_page(rng, index=k)[0], f"p{k}.txt").to_dict()) for k in range(6)]
    lines = [good[k // 900] if k % 900 == 0 else ("[]" if k % 3 else "{}") for k in range(5400)]
    data = ("\n".join(lines) + "\n").encode()
    raw = tmp_path / "in"
    raw.mkdir()
    (raw / name).write_bytes(gzip.compress(data) if name.endswith(".gz") else data)
    if not name.endswith(".gz"):
        monkeypatch.setattr(chunk_mod, "RANGE_BYTES", 4096)  # (several byte ranges, numbered from the file's start)

    def build(tag: str, spill: int, jobs: int) -> tuple[bytes, dict[str, str]]:
        monkeypatch.setattr(chunk_mod, "SPILL_REJECTS", spill)
        out = tmp_path / tag
        result = newsset.build([raw], out, jobs=jobs, near_dup="off")
        assert result.inputs == len(lines) and sum(result.rows.values()) == 6
        return (out / "rejects.jsonl").read_bytes(), digests(out)

    held = build("held", 10**9, 1)
    assert build("spilled", 50, 1) == held
    assert build("workers", 50, 2) == held  # (workers spill at the default 4096: this file has 5,394 rejects)
    rejects = held[0].decode().splitlines()
    assert json.loads(rejects[0])["line"] == 2 and json.loads(rejects[-1])["line"] == len(lines)
    assert len(rejects) == len(lines) - 6


def test_a_record_file_rewritten_while_its_byte_ranges_are_read_is_said_not_lost(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The ranges were cut from the file's size at the start and each reopens it by name: a file
    rewritten in between (a "keep the newest N" job) lost records present in both versions, and
    the counts still added up."""
    import random

    import newsset.chunk as chunk_mod
    import newsset.pipeline
    from newsset.synth import make_page

    rng = random.Random(5)
    lines = [json.dumps(newsset.parse_text(make_page(rng, index=k)[0], f"p{k}.txt").to_dict()) for k in range(40)]
    raw = tmp_path / "in"
    raw.mkdir()
    path = raw / "recs.jsonl"
    path.write_text("\n".join(lines) + "\n")
    monkeypatch.setattr(chunk_mod, "RANGE_BYTES", path.stat().st_size // 4)
    real = newsset.pipeline.run_chunks

    def rewritten_after_first(*a: object, **k: object) -> object:
        for n, res in enumerate(real(*a, **k)):  # type: ignore[arg-type]
            if n == 0:
                path.write_text("\n".join(lines[10:]) + "\n")  # the oldest ten dropped
            yield res

    monkeypatch.setattr(newsset.pipeline, "run_chunks", rewritten_after_first)
    out = tmp_path / "out"
    result = newsset.build([raw], out, jobs=1, near_dup="off")
    rejects = [json.loads(line) for line in (out / "rejects.jsonl").read_text().splitlines()]
    assert rejects and all(r["code"] == "input.unreadable" and "rewritten since" in r["message"] for r in rejects)
    assert result.inputs == sum(result.rows.values()) + len(rejects)


@pytest.mark.usefixtures("sigint_default")
def test_processes_started_with_sigint_ignored_keep_ignoring_it() -> None:
    """The Dask engine starts its LocalCluster so: a Ctrl-C at the terminal reaches every process of
    the group, and each nanny and worker printed a traceback; the driver alone now stops, and closes
    the cluster. (The mechanism: Python installs no SIGINT handler when it starts with it ignored.)"""
    import signal
    import subprocess
    import sys

    from newsset.engine import _sigint_ignored

    probe = [sys.executable, "-c", "import signal; print(signal.getsignal(signal.SIGINT) == signal.SIG_IGN)"]
    before = signal.getsignal(signal.SIGINT)
    with _sigint_ignored():
        inside = subprocess.run(probe, capture_output=True, text=True, check=True).stdout.strip()
    outside = subprocess.run(probe, capture_output=True, text=True, check=True).stdout.strip()
    assert (inside, outside) == ("True", "False")
    assert signal.getsignal(signal.SIGINT) is before


def test_a_dask_worker_with_other_code_or_no_view_of_the_inputs_fails_the_build(tmp_path: Path) -> None:
    """Dask audit k37: a worker running other newsset code mixed its rows into the output (exit 0),
    and one that could not see the inputs rejected them as missing and the build published without
    them (exit 0). Both now fail the build: nothing published, the previous output untouched."""
    _require_dask()
    from distributed import Client, LocalCluster

    from newsset.check import Item
    from newsset.chunk import ChunkResult
    from newsset.engine import _check_seen
    from newsset.reading import unreadable_issue

    write_corpus(tmp_path / "raw", 40, seed=5, dup_rate=0.0, bad_rate=0.0)
    newsset.build([tmp_path / "raw"], tmp_path / "out", jobs=1)
    before = digests(tmp_path / "out")
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        def other_code() -> None:
            import newsset.cache as cache
            cache.code_digest = lambda: "0" * 64  # type: ignore[assignment]
        client.run(other_code)
        with pytest.raises(newsset.WorkerError, match="runs other newsset code than this machine"):
            newsset.build([tmp_path / "raw"], tmp_path / "out", engine="dask", scheduler=cluster.scheduler_address)
    assert digests(tmp_path / "out") == before
    # The driver reads a file a worker said was missing: the worker does not share the storage.
    src = discover([tmp_path / "raw"])[0]
    gone = Item(src, 1, None, [unreadable_issue(src.path, FileNotFoundError(2, os.strerror(2)))])
    with pytest.raises(newsset.WorkerError, match="cannot find .* which this machine reads"):
        _check_seen(ChunkResult(0, rejected=[(0, gone)]))
    os.unlink(src.path)  # (removed since the listing: missing here too, a reject like any other)
    _check_seen(ChunkResult(0, rejected=[(0, gone)]))


def test_a_cluster_with_no_worker_is_said_and_given_up_on(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    """Dask audit k37: a scheduler with no worker held the build silently for ever."""
    _require_dask()
    from distributed import LocalCluster

    import newsset.engine as engine

    monkeypatch.setattr(engine, "WORKER_WAIT", 1)
    write_corpus(tmp_path / "raw", 5, seed=6, dup_rate=0.0, bad_rate=0.0)
    with LocalCluster(n_workers=0, processes=True, dashboard_address=None) as cluster, \
            pytest.raises(newsset.ConfigError, match="had no worker for 1 s"):
        newsset.build([tmp_path / "raw"], tmp_path / "out", engine="dask", scheduler=cluster.scheduler_address)
    assert "has no worker: waiting up to 1 s" in capsys.readouterr().err and not (tmp_path / "out").exists()


def test_the_schema_digest_and_the_bundled_schema_do_not_depend_on_the_install_path(tmp_path: Path) -> None:
    """Dask audit k37: the digest held the file:// URI of newsset's own folder, so a worker whose
    environment sits at another path refused every chunk ("changed during the build")."""
    from newsset.cache import schema_digest
    from newsset.chunk import BUNDLED, worker_schema

    copy = tmp_path / "elsewhere" / "article.schema.json"
    copy.parent.mkdir()
    copy.write_bytes(bundled_schema_path().read_bytes())
    assert schema_digest(newsset.load_schema(copy)) == schema_digest(newsset.load_schema())
    assert worker_schema(BUNDLED).path.resolve() == bundled_schema_path().resolve()


def test_a_dask_failure_stops_the_running_chunks_and_says_a_killed_worker_plainly(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Dask audit k37: after a failure or Ctrl-C, chunks still running on the user's cluster wrote their
    parts beside --out after the driver left; a worker killed three times was a KilledWorker traceback."""
    _require_dask()
    import distributed
    from distributed.scheduler import KilledWorker

    import newsset.engine as engine

    calls: list[str] = []
    run = "abc" * 4

    class FakeFuture:
        def __init__(self, key: str) -> None:
            self.key, self.polls = key, 0

        def result(self, timeout: float | None = None) -> Any:
            raise KilledWorker(self.key, "tcp://10.0.0.7:4000", [])

        def done(self) -> bool:  # (the running chunk ends at the second look)
            self.polls += 1
            calls.append("done?")
            return self.polls > 1

    class FakeClient:
        def __init__(self, *a: Any, **k: Any) -> None:
            pass

        def scheduler_info(self) -> dict[str, Any]:
            return {"workers": {"w": {}}}

        def nthreads(self) -> dict[str, int]:
            return {"w": 1}

        def submit(self, fn: Any, spec: Any, key: str, **k: Any) -> FakeFuture:
            calls.append(f"submit {key.rsplit('-', 1)[1]}")
            return FakeFuture(key)

        def cancel(self, futures: list[Any], force: bool = False) -> None:
            calls.append(f"cancel {len(futures)}")

        def processing(self) -> dict[str, list[str]]:  # chunk 0 runs; the others wait
            calls.append("processing")
            return {"w": [f"newsset-{run}-chunk-0"]}

        def close(self) -> None:
            calls.append("close")

    monkeypatch.setattr(distributed, "Client", FakeClient)
    monkeypatch.setattr("uuid.uuid4", lambda: type("U", (), {"hex": run})())
    monkeypatch.setattr(engine, "_connect", lambda cls, address: cls(address))
    specs = [ChunkSpec(i, (), "<bundled>", None, "/nowhere") for i in range(3)]
    with pytest.raises(newsset.WorkerError, match="Dask workers died running a chunk .* three times"):
        list(engine._dask(specs, "tcp://10.0.0.5:8786", 1))
    # The two not started are cancelled at once; the running one is waited for (a cancelled task
    # leaves the scheduler's books while its worker goes on writing), then cancelled.
    assert calls == ["submit 0", "submit 1", "submit 2", "processing", "cancel 2", "done?", "done?", "cancel 1",
                     "close"], calls


def test_the_code_digest_is_the_same_for_a_wheel_and_a_checkout(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """Dask audit k37 (second pass): a wheel holds the schemas in newsset/schemas/, a checkout beside the
    package, so a worker installed from a wheel refused every chunk of a driver run from a checkout."""
    import shutil

    import newsset.cache as cache

    pkg = tmp_path / "newsset"
    shutil.copytree(Path(cache.__file__).parent, pkg, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(cache, "__file__", str(pkg / "cache.py"))

    def digest() -> str:
        cache.code_digest.cache_clear()  # (memoised: the code does not change under a process)
        return cache.code_digest()

    try:
        checkout = digest()
        (pkg / "schemas").mkdir()
        shutil.copy(bundled_schema_path(), pkg / "schemas" / "article.schema.json")
        assert digest() == checkout
        (pkg / "parse.py").write_text((pkg / "parse.py").read_text() + "\n# an edit\n")
        assert digest() != checkout
    finally:
        cache.code_digest.cache_clear()
