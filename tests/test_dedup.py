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
    texts = [" ".join(_words(rng, 300)).encode() for _ in range(6)]
    together = Sketcher().sketch(texts)
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
    with pytest.raises(newsset.ConfigError):
        newsset.build([tmp_path], tmp_path / "out", near_dup_threshold=1.5)
    with pytest.raises(newsset.ConfigError):
        newsset.build([tmp_path], tmp_path / "out", cutoffs="2024-01-01,2024-06-01")  # needs --split date
