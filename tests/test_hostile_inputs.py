"""Folders and files built to make discovery or checking slow (audit q38b): the work stays linear in
what is given. Each test counts the work (folders listed, entries scanned) or, where only time
shows it, compares the CPU time of an input eight times larger (about 8 for linear work, 64 for
quadratic), never a wall-clock limit."""

from __future__ import annotations

import gzip
import json
import os
import time
from pathlib import Path
from typing import Any

import pytest

import newsset
from newsset.check import DuplicateBodies, DuplicateIds, Item
from newsset.sources import Source, _uncovered
from tests.conftest import page


def test_links_to_one_folder_list_it_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # 8,000 links to a folder of 8,000 files listed it 8,000 times (25 s): it was listed before the
    # walk saw that it had been there already.
    root = tmp_path / "in"
    (root / "big").mkdir(parents=True)
    (root / "big" / "a.txt").write_text(page())
    for i in range(40):
        (root / "big" / f"f{i}.dat").write_text("")
        (root / f"link{i:02d}").symlink_to("big")
    listed: list[str] = []
    real = os.scandir

    def scandir(path: Any = ".") -> Any:
        listed.append(os.fspath(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    found = newsset.discover([root])
    assert [s.rel for s in found] == ["big/a.txt"]
    assert sorted(os.path.basename(p) for p in listed) == ["big", "in"]


def test_inputs_inside_another_input_are_covered_by_it(tmp_path: Path) -> None:
    for d in ("a/b/c", "a/.hidden/d", "e"):
        (tmp_path / d).mkdir(parents=True)
    (tmp_path / "a/b/p.txt").write_text(page())
    given = [tmp_path / "a/b/c", tmp_path / "a", tmp_path / "a/b/p.txt", tmp_path / "a/.hidden/d", tmp_path / "e",
             tmp_path / "a/b", tmp_path / "a"]
    # a/b/c, a/b/p.txt and a/b lie in a's walk; a/.hidden/d does not (a walk skips hidden folders); e is its own
    assert _uncovered(given) == [tmp_path / "a", tmp_path / "a/.hidden/d", tmp_path / "e"]
    assert _uncovered([Path("/"), tmp_path / "a"]) == [Path("/")]


def _cpu(fn: Any) -> float:
    start = time.process_time()
    fn()
    return time.process_time() - start


def test_many_folders_given_are_sorted_out_in_linear_time(tmp_path: Path) -> None:
    # (`newsset validate d*` over 10,000 folders took 15 s: each input was compared with every folder)
    def folders(n: int) -> list[Path]:
        base = tmp_path / str(n)
        paths = [base / f"d{i}" for i in range(n)]
        for p in paths:
            p.mkdir(parents=True)
        return paths

    small, large = folders(400), folders(3200)
    t_small = min(_cpu(lambda: _uncovered(small)) for _ in range(2))
    t_large = min(_cpu(lambda: _uncovered(large)) for _ in range(2))
    assert _uncovered(large) == large
    assert t_large / max(t_small, 0.005) < 24, (t_small, t_large)


class _NoScan(dict[Any, Any]):
    """A first-seen table that must not be read whole."""

    def items(self) -> Any:
        raise AssertionError("the whole table was scanned")


@pytest.mark.parametrize("table", [DuplicateIds, DuplicateBodies])
def test_a_voided_file_unsees_only_its_own_records(table: Any) -> None:
    # validate of 4,000 gzip files voided at their end, after 100,000 records, took 93 s: each void
    # rebuilt the whole table of ids (and of bodies) seen.
    dups = table()
    a = Source("a.jsonl", "a.jsonl", "jsonl")
    dups.begin(a)
    for i in range(50):
        rec = {"id": f"{i:032x}", "body": f"Body number {i} of the first file."}
        assert dups.check(Item(a, i + 1, rec, [])) is None
    assert dups.recent is None  # (a plain file cannot be voided: its keys are not listed again)
    b = Source("b.jsonl.gz", "b.jsonl.gz", "jsonl")
    dups.begin(b)
    rec = {"id": f"{99:032x}", "body": "The one record of the voided file."}
    assert dups.check(Item(b, 1, rec, [])) is None
    dups.first = _NoScan(dups.first)
    dups.forget("b.jsonl.gz")
    assert len(dups.first) == 50 and dups.check(Item(b, 2, rec, [])) is None  # (seen no more: a copy is new)
    again = {"id": f"{7:032x}", "body": "Body number 7 of the first file."}
    assert dups.check(Item(b, 3, again, [])) is not None  # the first file's records are still seen


def test_validate_unsees_a_voided_gzip_files_records(tmp_path: Path) -> None:
    rec = newsset.parse_text(page(), source="a.txt").to_dict()
    data = gzip.compress((json.dumps(rec) + "\n").encode())
    broken = data[:-8] + bytes([data[-8] ^ 0xFF]) + data[-7:]  # (its CRC: it fails its check at the end)
    (tmp_path / "a.jsonl.gz").write_bytes(broken)
    (tmp_path / "b.jsonl").write_text(json.dumps(rec) + "\n")
    report = newsset.validate_paths([tmp_path])
    found = {(Path(i.path).name, i.code) for i in report.issues}
    assert found == {("a.jsonl.gz", "input.unreadable")}  # (its record and the file: b's copy is no duplicate)
