"""The synthetic generator: its pages parse to exactly their ground truth, and it is deterministic."""

from __future__ import annotations

import hashlib
import random
import re
import statistics
from pathlib import Path

import pytest

import newsset
from newsset.boilerplate import is_boilerplate
from newsset.synth import BAD_KINDS, FIELDS, encode_page, main, make_bad_page, make_page, write_corpus

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
EXAMPLE_SEED, EXAMPLE_N, BAD_SEED = 1, 36, 2  # the commands in examples/README.md
BATCH = 100


def _mismatches(seed: int, got: dict[str, object], exp: dict[str, object], how: str) -> list[str]:
    return [f"seed={seed} ({how}) field={f}: expected {exp[f]!r:.200} got {got[f]!r:.200}"
            for f in FIELDS if got[f] != exp[f]]


@pytest.mark.parametrize("batch", range(15))
def test_pages_parse_to_their_ground_truth(batch: int) -> None:
    """1500 seeded pages: every field the parser finds is the one the generator wrote."""
    problems = []
    for seed in range(batch * BATCH, (batch + 1) * BATCH):
        text, exp = make_page(random.Random(seed), index=seed)
        assert set(exp) == set(FIELDS)
        try:
            got = newsset.parse_text(text, f"seed-{seed}.txt").to_dict()
        except newsset.ParseError as e:
            problems.append(f"seed={seed}: refused: {e}")
            continue
        problems += _mismatches(seed, got, exp, "text")
        assert not any(is_boilerplate(line) for line in got["body"].split("\n")), seed
    assert not problems, "\n".join(problems[:20])


VARIANTS = {
    "crlf": lambda t: t.replace("\n", "\r\n").encode(),
    "bom": lambda t: b"\xef\xbb\xbf" + t.encode(),
    "no-final-newline": lambda t: t.rstrip("\n").encode(),
    "all": lambda t: b"\xef\xbb\xbf" + t.rstrip("\n").replace("\n", "\r\n").encode(),
}


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_byte_variants_parse_the_same(variant: str) -> None:
    problems = []
    for seed in range(300):
        text, exp = make_page(random.Random(seed), index=seed)
        raw = VARIANTS[variant](text)
        art = newsset.parse_bytes(raw, "page.txt")
        assert art.source_sha256 == hashlib.sha256(raw).hexdigest()
        problems += _mismatches(seed, art.to_dict(), exp, variant)
    assert not problems, "\n".join(problems[:20])


def test_encode_page_variations_keep_the_fields() -> None:
    rng = random.Random(4)
    seen = {"crlf": 0, "bom": 0, "no-final-newline": 0}
    for i in range(400):
        text, exp = make_page(rng, index=i)
        raw = encode_page(rng, text)
        seen["crlf"] += b"\r\n" in raw
        seen["bom"] += raw.startswith(b"\xef\xbb\xbf")
        seen["no-final-newline"] += not raw.endswith(b"\n")
        assert not _mismatches(i, newsset.parse_bytes(raw, "p.txt").to_dict(), exp, "encoded")
    assert all(n > 5 for n in seen.values()), seen


def test_pages_vary_every_part() -> None:
    """Each optional part is sometimes there and sometimes not; sizes and dates are realistic."""
    pages = [make_page(random.Random(s), index=s) for s in range(600)]
    exps = [e for _, e in pages]
    for f in ("subtitle", "author", "publication", "author_bio", "image_alt", "image_caption", "image_credit"):
        present = sum(e[f] is not None for e in exps)
        assert 30 < present < 570, (f, present)
    assert 100 < sum(bool(e["truncated"]) for e in exps) < 300
    assert {str(e["publication"]) for e in exps} == {"None", "The Week UK", "The Week US"}
    assert sum(e["image_caption"] is not None and e["image_alt"] is None for e in exps) > 30  # one-line image block
    texts = [t for t, _ in pages]
    assert sum("\nBy\npublished\n" in t for t in texts) > 100
    assert sum("\nBy " in t and "\npublished " in t for t in texts) > 30
    assert sum(t.startswith(" ") for t in texts) > 100 and sum(t.startswith("date") for t in texts) > 50
    assert sum("\n\u00a0" in t for t in texts) > 30  # bio wrapped in non-breaking spaces
    assert sum("Try 6 Free Issues" in t for t in texts) > 10 and sum("SUBSCRIBE & SAVE" in t for t in texts) > 10
    assert sum("sign up" in str(e["body"]).lower() or "subscri" in str(e["body"]).lower() for e in exps) > 50
    assert 5000 < statistics.mean(len(t.encode()) for t in texts) < 9000
    counts = [len(str(e["body"]).split("\n\n")) for e in exps if not e["truncated"]]
    assert min(counts) == 2 and max(counts) == 12
    assert all("2019-01-01" <= str(e["date"]) <= "2025-12-31" for e in exps)
    terminal = re.compile(r"[.!?:;\u2026][\"'\u201d\u2019)\]]*$")  # a standfirst never ends a sentence
    assert not any(terminal.search(str(e["subtitle"])) for e in exps if e["subtitle"])
    assert all(terminal.search(p) for e in exps for p in str(e["body"]).split("\n\n"))  # body paragraphs do
    assert all(len(e["title"]) > 10 and "\n" not in str(e["title"]) for e in exps)  # type: ignore[arg-type]


@pytest.mark.parametrize("kind", sorted(BAD_KINDS))
def test_bad_pages_are_refused_with_their_code(kind: str) -> None:
    for seed in range(40):
        raw = make_bad_page(random.Random(seed), kind)
        with pytest.raises(newsset.ParseError) as info:
            newsset.parse_bytes(raw, f"{kind}.txt")
        assert info.value.code == BAD_KINDS[kind], (seed, str(info.value))
        assert info.value.issue.path == f"{kind}.txt" and (info.value.issue.line or 0) >= 1


def test_unknown_bad_kind_is_an_error() -> None:
    with pytest.raises(ValueError, match="unknown bad page kind"):
        make_bad_page(random.Random(0), "nonsense")


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_write_corpus_is_deterministic(tmp_path: Path) -> None:
    a = write_corpus(tmp_path / "a", 150, seed=7, dup_rate=0.05, bad_rate=0.05)
    b = write_corpus(tmp_path / "b", 150, seed=7, dup_rate=0.05, bad_rate=0.05)
    assert a == b
    assert _tree(tmp_path / "a") == _tree(tmp_path / "b")
    write_corpus(tmp_path / "c", 150, seed=8, dup_rate=0.05, bad_rate=0.05)
    assert _tree(tmp_path / "a") != _tree(tmp_path / "c")


def test_write_corpus_counts_duplicates_and_bad_pages(tmp_path: Path) -> None:
    counts = write_corpus(tmp_path, 400, seed=3, dup_rate=0.05, bad_rate=0.05)
    files = _tree(tmp_path)
    assert counts["files"] == len(files) == 400
    assert counts["good"] + counts["duplicates"] + counts["bad"] == 400
    assert counts["duplicates"] >= 5 and counts["bad"] >= 5
    for rel in files:
        parts = rel.split("/")
        assert len(parts) == 3 and parts[2].endswith(".txt") and 2019 <= int(parts[0]) <= 2025, rel
        assert 1 <= int(parts[1]) <= 12
    names = sorted(rel.split("/")[2] for rel in files)
    assert names == [f"{i:06d}.txt" for i in range(400)]
    by_bytes: dict[bytes, int] = {}
    refused = parsed = 0
    for rel, data in files.items():
        by_bytes[data] = by_bytes.get(data, 0) + 1
        try:
            art = newsset.parse_bytes(data, rel)
        except newsset.ParseError as e:
            assert e.code in BAD_KINDS.values()
            refused += 1
            continue
        parsed += 1
        assert rel.startswith(art.date[:7].replace("-", "/"))  # the folder is the article's month
    assert refused == counts["bad"]
    assert parsed == counts["good"] + counts["duplicates"]
    extra_copies = sum(n - 1 for data, n in by_bytes.items() if n > 1 and data and len(data) > 200)
    assert extra_copies == counts["duplicates"]


def test_write_corpus_without_duplicates_or_bad_pages(tmp_path: Path) -> None:
    counts = write_corpus(tmp_path, 60, seed=1, dup_rate=0, bad_rate=0)
    assert counts["good"] == 60 and counts["bad"] == counts["duplicates"] == 0
    assert len(set(_tree(tmp_path).values())) == 60


def test_cli_writes_a_corpus_and_bad_pages(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(tmp_path / "c"), "--n", "25", "--seed", "2", "--dup-rate", "0.1", "--bad-rate", "0.1"]) == 0
    assert "files=25" in capsys.readouterr().out
    assert len(_tree(tmp_path / "c")) == 25
    assert main([str(tmp_path / "bad"), "--bad-only", "--seed", "0"]) == 0
    assert sorted(_tree(tmp_path / "bad")) == sorted(f"{k}.txt" for k in BAD_KINDS)
    with pytest.raises(SystemExit):
        main([str(tmp_path / "x"), "--bad-rate", "2"])


@pytest.mark.skipif(not (EXAMPLES / "raw").is_dir(), reason="examples/raw not present")
def test_bundled_examples_are_reproducible(tmp_path: Path) -> None:
    """examples/raw and examples/bad are exactly what the command in examples/README.md writes."""
    write_corpus(tmp_path / "raw", EXAMPLE_N, seed=EXAMPLE_SEED, dup_rate=0, bad_rate=0)
    assert _tree(tmp_path / "raw") == _tree(EXAMPLES / "raw")
    assert main([str(tmp_path / "bad"), "--bad-only", "--seed", str(BAD_SEED)]) == 0
    assert _tree(tmp_path / "bad") == _tree(EXAMPLES / "bad")
    for path in sorted((EXAMPLES / "raw").rglob("*.txt")):
        newsset.parse_file(path)
    for kind, code in BAD_KINDS.items():
        with pytest.raises(newsset.ParseError) as info:
            newsset.parse_file(EXAMPLES / "bad" / f"{kind}.txt")
        assert info.value.code == code and info.value.path == str(EXAMPLES / "bad" / f"{kind}.txt")
