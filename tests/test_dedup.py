"""The leakage guard's building blocks: normalisation, signatures, LSH pairs, clusters."""

from __future__ import annotations

import random
import unicodedata

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import newsset
from newsset.dedup import EMPTY, Sketcher, cluster, estimate, near_pairs, normalize_body


@settings(max_examples=500)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",))))
def test_normalize_body_equals_the_obvious_definition(text: str) -> None:
    kept = text.replace("\u200b", "").replace("\u2060", "").replace("\ufeff", "")  # zero-width: not in the key
    expected = " ".join(unicodedata.normalize("NFC", kept).casefold().split()).encode()
    assert normalize_body(text) == expected


def _words(rng: random.Random, n: int) -> list[str]:
    vocab = [f"w{i}" for i in range(5000)]
    return [rng.choice(vocab) for _ in range(n)]


def test_signatures_estimate_jaccard_and_ignore_unrelated_text() -> None:
    rng = random.Random(3)
    base = _words(rng, 800)
    edited = base[:400] + ["changed"] * 12 + base[412:]
    other = _words(rng, 800)
    sigs = Sketcher().sketch([" ".join(x).encode() for x in (base, edited, other)])
    assert estimate(sigs[0], sigs[1]) > 0.85
    assert estimate(sigs[0], sigs[2]) < 0.1
    assert estimate(sigs[0], sigs[0]) == 1.0


def test_short_and_empty_texts_get_empty_rows() -> None:
    sigs = Sketcher().sketch([b"", b"one two", b" ".join(w.encode() for w in _words(random.Random(1), 50))])
    assert (sigs[0] == EMPTY).all() and (sigs[1] == EMPTY).all()
    assert (sigs[2] != EMPTY).any()
    assert estimate(sigs[0], sigs[1]) == 0.0


def test_signatures_do_not_depend_on_the_batch() -> None:
    rng = random.Random(5)
    texts = [" ".join(_words(rng, rng.randint(0, 300))).encode() for _ in range(150)]  # > 2 blocks, some empty
    together = Sketcher().sketch(texts)
    alone = np.vstack([Sketcher().sketch([t]) for t in texts])
    assert (together == alone).all()


def test_long_texts_are_sketched_a_few_mb_at_a_time_with_the_same_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    """The arrays take ~20 bytes a byte of text: a batch of long pages is cut at BLOCK_BYTES."""
    import newsset.dedup as dedup_mod

    rng = random.Random(6)
    texts = [" ".join(_words(rng, rng.randint(0, 4000 if k % 5 else 40_000))).encode() for k in range(40)]
    seen: list[tuple[int, int]] = []
    real = Sketcher._sketch

    def spy(self: Sketcher, group: list[bytes]) -> np.ndarray:
        seen.append((len(group), sum(map(len, group))))
        return real(self, group)

    monkeypatch.setattr(dedup_mod, "BLOCK_BYTES", 100_000)
    monkeypatch.setattr(Sketcher, "_sketch", spy)
    together = Sketcher().sketch(texts)
    assert len(seen) > 3 and all(size <= 100_000 or n == 1 for n, size in seen)
    assert sum(n for n, _ in seen) == len(texts)
    monkeypatch.undo()
    alone = np.vstack([Sketcher().sketch([t]) for t in texts])
    assert (together == alone).all()


def test_near_pairs_and_clusters_are_transitive() -> None:
    rng = random.Random(9)
    a = _words(rng, 600)
    b = a[:300] + ["x"] * 5 + a[305:]
    c = b[:100] + ["y"] * 5 + b[105:]
    texts = [" ".join(t).encode() for t in (a, _words(rng, 600), b, c)]
    sigs = Sketcher().sketch(texts)
    pairs = near_pairs(sigs, 0.7)
    assert {(i, j) for i, j, _ in pairs} >= {(0, 2), (2, 3)}
    assert all(1 not in (i, j) for i, j, _ in pairs)
    labels = cluster(4, pairs)
    assert labels.tolist() == [0, 1, 0, 0]


def test_invalid_sketcher_and_threshold_options_are_refused(tmp_path) -> None:
    with pytest.raises(ValueError):
        Sketcher(bins=48)
    (tmp_path / "a.txt").write_text("date 2024-01-01 T\n\nBody.\n")
    with pytest.raises(newsset.ConfigError, match="--near-dup-threshold: expected a Jaccard similarity"):
        newsset.build([tmp_path], tmp_path / "out", near_dup_threshold=1.5)
    with pytest.raises(newsset.ConfigError, match="--cutoffs goes with --split date"):
        newsset.build([tmp_path], tmp_path / "out", cutoffs="2024-01-01,2024-06-01")


def _near_pairs_reference(sigs: np.ndarray, threshold: float, bands: int = 16) -> list[tuple[int, int, float]]:
    """The straightforward definition: per band, bucket rows by the band's values; all pairs of a
    bucket of up to 32 rows, consecutive rows of a larger one; keep pairs estimated >= threshold."""
    from newsset.dedup import EMPTY, estimate

    n, bins = sigs.shape
    rows = bins // bands
    cand: set[tuple[int, int]] = set()
    for b in range(bands):
        buckets: dict[bytes, list[int]] = {}
        for r in range(n):
            block = sigs[r, b * rows:(b + 1) * rows]
            if (block != EMPTY).any():
                buckets.setdefault(block.tobytes(), []).append(r)
        for members in buckets.values():
            if len(members) <= 32:
                cand.update((x, y) for k, x in enumerate(members) for y in members[k + 1:])
            else:
                cand.update(zip(members[:-1], members[1:]))
    out = [(i, j, estimate(sigs[i], sigs[j])) for i, j in sorted(cand)]
    return [p for p in out if p[2] >= threshold]


@pytest.mark.parametrize("block", [7, 1 << 16])
@pytest.mark.parametrize("seed", range(6))
def test_vectorised_near_pairs_equal_the_reference(seed: int, block: int, monkeypatch: pytest.MonkeyPatch) -> None:
    # (pairs are compared a block at a time, and merged band by band: groups of 32 near copies made
    # 15 KB a record of candidate pairs and their signatures at once, audit q38b)
    from newsset import dedup
    from newsset.dedup import EMPTY, near_pairs

    monkeypatch.setattr(dedup, "PAIRS_AT_ONCE", block)

    rng = np.random.default_rng(seed)
    n = 400
    sigs = rng.integers(0, 6, size=(n, 64)).astype(np.uint32)  # few values: many colliding buckets
    sigs[rng.random((n, 64)) < 0.05] = EMPTY
    sigs[:40] = sigs[0]  # one bucket of 40 rows in every band (the chain case)
    sigs[50:55] = EMPTY  # rows with no shingles are never paired
    for t in (0.3, 0.7):
        got = near_pairs(sigs, t)
        want = _near_pairs_reference(sigs, t)
        assert got == want and len(want) >= 39  # at least the 40-row chain


@pytest.mark.parametrize(("options", "digest"), [
    ({}, "dfeb1e6a39cc485a896d17fd37051144160c68ec90d23873430ca4844f297362"),
    ({"sample": 3}, "64729ebb077f67b8833aef6c643f1b2dc60739b9ada6833fae37468bab1ad101"),
    ({"bins": 128, "ngram": 3}, "52f392fa90ba9801688887b83ec444e5f130bcb5cdd1b33d9a7b9ae6a5164115"),
])
def test_signatures_are_pinned(options: dict, digest: str) -> None:
    """Speed-ups of the sketch must not change a single bin (near-duplicate decisions, and so the
    output, depend on them). Change the digests only with a deliberate change of the algorithm."""
    import hashlib

    rng = random.Random(11)
    vocab = ["".join(rng.choice("abcdefghijklmnopqrstuvwxyz\u00e9") for _ in range(rng.randint(1, 14)))
             for _ in range(300)]
    texts = [" ".join(rng.choice(vocab) for _ in range(rng.randint(0, 400))).encode() for _ in range(100)]
    sig = Sketcher(**options).sketch(texts)
    assert hashlib.sha256(sig.astype("<u4").tobytes()).hexdigest() == digest
