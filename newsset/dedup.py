"""Leakage guard: exact duplicates by normalised body, near duplicates by MinHash + LSH.

Everything here works on small per-record keys (a 16-byte body digest, a 64-slot MinHash
signature), never on stored text, so the plan for a corpus fits in memory and the same keys
can come back from worker processes or a cluster.

MinHash variant (measured in the closing note of the leakage issue): word 5-gram shingles
hashed with numpy over a whole batch of pages at once, one-permutation hashing into 64 bins
(one pass instead of 64 hash functions), and *consistent sampling* of shingles (only those
starting at a word whose hash is 0 mod 2) to halve the work. Two pages share a sampled
shingle exactly when they share the shingle and it is sampled, so Jaccard estimates stay
unbiased. LSH: 16 bands of 4 bins; candidate pairs are confirmed on the full signature.
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from collections.abc import Sequence
from typing import Any

import numpy as np

from .text import TABLE_END, ZERO_WIDTH, special_chars

__all__ = ["NGRAM", "NUM_BINS", "BANDS", "Sketcher", "body_key", "cluster", "estimate", "near_pairs", "normalize_body",
           "normalize_counted", "word_count"]

NGRAM = 5
NUM_BINS = 64
BANDS = 16
SAMPLE = 2  # keep shingles whose first word hashes to 0 mod SAMPLE
BLOCK = 64  # texts sketched at a time
# and at most this much of their text (unless one text is longer): each numpy temporary (a few bytes
# a byte of text, ~90 KB here) stays small enough for malloc to reuse its own memory. Larger ones
# are fresh mmaps, or trimmed and grown again, whose pages fault in on first touch: blocks of 64
# pages of 6 KB (4 MB cap) sketched at 75-85 us a page, blocks of 64 KiB at 32-35.
BLOCK_BYTES = 64 << 10
EMPTY = np.uint32(0xFFFFFFFF)

_M1 = np.uint64(0xFF51AFD7ED558CCD)
_M2 = np.uint64(0xC4CEB9FE1A85EC53)
_MULT = [np.uint64(c) for c in (0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9,
                                0xD6E8FEB86659FD93, 0x27D4EB2F165667C5)]
_S33 = np.uint64(33)
_MASKS = np.array([(1 << (8 * i)) - 1 for i in range(8)] + [(1 << 64) - 1], dtype=np.uint64)


# The non-ASCII characters str.isspace() accepts (NBSP, U+2000..U+200A, U+2028, ...).
_UNICODE_SPACE = re.compile("[\xa0\x85\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]")
# The ASCII characters str.isspace() accepts, mapped to a space.
_TO_SPACE_ASCII = bytes.maketrans(b"\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f", b" " * 9)
_ASCII = bytes(range(128))
_DOUBLE_SPACE = re.compile(b"  ")  # re's prefix scan beats `in` here: spaces are frequent
_DROP_ZERO_WIDTH = dict.fromkeys(map(ord, ZERO_WIDTH))  # U+200B, U+2060, U+FEFF; not ZWJ/ZWNJ


def _normalize_general(body: str) -> bytes:
    """`normalize_body` for any text: the definition step by step, folding white space as bytes."""
    if "\u200b" in body or "\u2060" in body or "\ufeff" in body:
        body = body.translate(_DROP_ZERO_WIDTH)
    if not unicodedata.is_normalized("NFC", body):
        body = unicodedata.normalize("NFC", body)
    body = body.casefold()
    if _UNICODE_SPACE.search(body):
        body = body.replace("\xa0", " ")  # NBSP, by far the most common: cheaper than re.sub
        if _UNICODE_SPACE.search(body):
            body = _UNICODE_SPACE.sub(" ", body)
    return _fold_ascii_space(body.encode("utf-8"))


def _double_space(data: bytes) -> tuple[bool, np.ndarray | None]:
    """(two spaces in a row?, the mask of spaces when numpy made one: it counts the words too).
    Spaces are frequent, so a substring search stops at every one; past a couple of KB numpy,
    which compares all bytes at once, is twice as fast."""
    if len(data) < 2048:
        return _DOUBLE_SPACE.search(data) is not None, None
    space = np.frombuffer(data, np.uint8) == 32
    return bool((space[1:] & space[:-1]).any()), space


def _fold_ascii_space(data: bytes) -> bytes:
    """UTF-8 of `" ".join(text.split())` from `data = text.encode()`, for text whose only white space is ASCII."""
    return _fold(data)[0]


def _fold(data: bytes) -> tuple[bytes, np.ndarray | None]:
    """`_fold_ascii_space`, and the mask of its result's spaces when that is what it checked (see `_double_space`)."""
    if b"\n" in data:  # paragraphs: "a\n\nb" -> "a b", cheaper than bytes.replace(b"\n\n", ...)
        data = b" ".join([p for p in data.split(b"\n") if p])
    # Done when the only white space left is single spaces between words: the common case.
    double, space = _double_space(data)
    if not (double or data[:1] == b" " or data[-1:] == b" " or b"\t" in data or b"\r" in data
            or b"\x0b" in data or b"\x0c" in data or b"\x1c" in data or b"\x1d" in data or b"\x1e" in data
            or b"\x1f" in data):
        return data, space
    data = data.translate(_TO_SPACE_ASCII)
    while b"  " in data:
        data = data.replace(b"  ", b" ")
    return data.strip(b" "), None


def normalize_body(body: str, utf8: bytes | None = None, plain: bool = False) -> bytes:
    """UTF-8 of the body without zero-width characters, NFC-normalised, case folded, whitespace
    runs folded to one space.

    Equal to `" ".join(NFC(drop_zw(body)).casefold().split()).encode()`, where `drop_zw` deletes
    U+200B ZERO WIDTH SPACE, U+2060 WORD JOINER and U+FEFF (a BOM inside text) and keeps ZWJ and
    ZWNJ, which change how Indic, Persian and emoji text is written: the key for exact duplicates and
    the MinHash input. Most text is NFC as it stands and case folds like ASCII except for a few
    letters (see `special_chars`), so the fast path replaces those letters by their folding,
    lower-cases the UTF-8 bytes and folds white space as bytes; anything else takes the general path.
    `plain=True`: the caller knows the body holds none of those letters (the parser looked at the
    whole page already), so the look is skipped.
    """
    return _normalize(body, utf8, plain)[0]


def normalize_counted(body: str, utf8: bytes | None = None, plain: bool = False) -> tuple[bytes, int]:
    """(`normalize_body`, `word_count` of it): the count from the mask of spaces the folding made on
    its way, when it made one (a body of 2 KB or more that needed no folding: most of them)."""
    norm, space = _normalize(body, utf8, plain)
    return norm, int(np.count_nonzero(space)) + 1 if space is not None else word_count(norm)


def _normalize(body: str, utf8: bytes | None, plain: bool) -> tuple[bytes, np.ndarray | None]:
    if body.isascii():
        return _fold((utf8 if utf8 is not None else body.encode("ascii")).lower())
    if utf8 is None:
        try:
            utf8 = body.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate: fail as the definition does
            return _normalize_general(body), None
    found: set[str] = set()
    if not plain:
        special, general = special_chars()
        # Only the non-ASCII characters need a look; dropping the ASCII bytes leaves exactly their UTF-8.
        found = set(special.findall(utf8.translate(None, _ASCII).decode("utf-8")))
        if found and (max(found) >= chr(TABLE_END) or not found.isdisjoint(general)):
            return _normalize_general(body), None
    # The rest works on the UTF-8 bytes, which is exact: UTF-8 is self-synchronising, so replacing the
    # encoding of a character replaces that character, and `bytes.lower` changes only ASCII letters
    # (no folding below yields one). A literal pattern's `re.sub` beats `bytes.replace` (whose search
    # for two bytes steps a byte at a time) and the same replace on the text, which must be encoded after.
    data = utf8.lower()
    if b"\xa0" in data:  # (one byte: a memchr; also the last byte of a few other characters)
        data = _NBSP_SUB(b" ", data)  # NBSP: white space, untouched by NFC
    for c in found:  # each folds to characters that case folding leaves alone: any order will do
        sub, folded = _fold_sub(c)
        data = sub(folded, data)
    return _fold(data)


_NBSP_SUB = re.compile(b"\xc2\xa0").sub


@functools.cache  # (bounded: the characters `special_chars` lets the fast path fold)
def _fold_sub(c: str) -> tuple[Any, bytes]:
    """(`sub` of a pattern of `c`'s UTF-8, the UTF-8 of its case folding)."""
    return re.compile(re.escape(c.encode("utf-8"))).sub, c.casefold().encode("utf-8")


def word_count(normalized: bytes) -> int:
    """Words in a normalised body (single spaces between words); numpy counts faster past 2 KiB."""
    if not normalized:
        return 0
    if len(normalized) < 2048:
        return normalized.count(b" ") + 1
    return int(np.count_nonzero(np.frombuffer(normalized, np.uint8) == 32)) + 1


def body_key(normalized: bytes) -> bytes:
    """16 bytes of sha256 (which CPUs accelerate: twice as fast as blake2b here)."""
    return hashlib.sha256(normalized).digest()[:16]


def _mix(x: np.ndarray) -> np.ndarray:
    """A 64-bit finaliser (murmur3 fmix64), in place."""
    x ^= x >> _S33
    x *= _M1
    x ^= x >> _S33
    x *= _M2
    x ^= x >> _S33
    return x


class Sketcher:
    """MinHash signatures of normalised texts (single-space separated words), a batch at a time."""

    def __init__(self, bins: int = NUM_BINS, ngram: int = NGRAM, sample: int = SAMPLE) -> None:
        if bins & (bins - 1) or not 1 <= bins <= 1024:
            raise ValueError("bins must be a power of two up to 1024")
        self.bins, self.ngram, self.sample = bins, ngram, sample
        self.shift = np.uint64(64 - (bins.bit_length() - 1))

    def sketch(self, texts: Sequence[bytes]) -> np.ndarray:
        """(len(texts), bins) uint32 signature of `normalize_body` outputs; no shingle gives an all-EMPTY row.

        Texts are hashed `BLOCK` at a time, and at most `BLOCK_BYTES` of them: the arrays of a block
        stay in the CPU cache and in memory malloc reuses (64 pages of 1 MB took 1.3 GB at once); a
        text's row does not depend on its neighbours."""
        groups, start, size = [], 0, 0
        for i, t in enumerate(texts):  # BLOCK texts, or BLOCK_BYTES of them (the arrays take ~20 bytes
            if i > start and (i - start == BLOCK or size + len(t) > BLOCK_BYTES):  # a byte: long pages)
                groups.append((start, i))
                start, size = i, 0
            size += len(t)
        if len(groups) == 0:
            return self._sketch(texts)
        groups.append((start, len(texts)))
        return np.vstack([self._sketch(texts[a:b]) for a, b in groups])

    def _sketch(self, texts: Sequence[bytes]) -> np.ndarray:
        n_docs = len(texts)
        sig = np.full(n_docs * self.bins, EMPTY, np.uint32)
        if not n_docs:
            return sig.reshape(0, self.bins)
        encoded = texts
        lens = np.fromiter((len(e) for e in encoded), np.int64, n_docs)
        buf = np.frombuffer(b" ".join(encoded) + b"\0" * 8, np.uint8)
        doc_start = np.zeros(n_docs, np.int64)
        np.cumsum(lens[:-1] + 1, out=doc_start[1:])
        space = np.flatnonzero(buf[:-8] == 32)
        wstart = np.empty(len(space) + 1, np.int64)  # (not np.concatenate with a list: 30x slower here)
        wstart[0] = 0
        np.add(space, 1, out=wstart[1:])
        wend = np.empty(len(space) + 1, np.int64)
        wend[:-1] = space
        wend[-1] = len(buf) - 8
        length = wend - wstart
        if not length.all():  # an empty text (normalised texts have no other empty word)
            keep = length > 0
            wstart, wend, length = wstart[keep], wend[keep], length[keep]
        view = np.ndarray(shape=(len(buf) - 7,), dtype="<u8", buffer=buf, strides=(1,))
        first = view[wstart] & _MASKS[np.minimum(length, 8)]
        # The last 8 bytes of longer words; a short word is all in `first` (never read past a
        # word's end, or the hash would depend on the next page in the batch).
        last = first.copy()
        long = np.flatnonzero(length >= 8)  # a minority: gather their last bytes only
        last[long] = view[wend[long] - 8]
        words = first * _MULT[0]
        words += last * _MULT[1]
        words += length.astype(np.uint64)
        _mix(words)
        doc = np.searchsorted(doc_start, wstart, side="right") - 1
        k = self.ngram
        m = len(words) - k + 1
        if m <= 0:
            return sig.reshape(n_docs, self.bins)
        if self.sample & (self.sample - 1) == 0:  # a power of two (the default): a mask, not a division
            sampled = (words[:m] & np.uint64(self.sample - 1)) == 0
        else:
            sampled = (words[:m] % np.uint64(self.sample)) == 0
        start = np.flatnonzero(sampled & (doc[:m] == doc[k - 1:k - 1 + m]))
        sh = words[start] * _MULT[0]
        for j in range(1, k):
            sh += words[start + j] * _MULT[j]
        _mix(sh)
        slot = doc[start] * self.bins + (sh >> self.shift).astype(np.int64)
        np.minimum.at(sig, slot, (sh & np.uint64(0xFFFFFFFE)).astype(np.uint32))
        return sig.reshape(n_docs, self.bins)


def estimate(a: np.ndarray, b: np.ndarray) -> float:
    """Jaccard estimate from two signatures: agreeing bins among bins filled in either."""
    filled = (a != EMPTY) | (b != EMPTY)
    n = int(filled.sum())
    return float(((a == b) & filled).sum()) / n if n else 0.0


def near_pairs(sigs: np.ndarray, threshold: float, bands: int = BANDS) -> list[tuple[int, int, float]]:
    """Pairs (i < j) whose estimated Jaccard is at least `threshold`, found through LSH buckets.

    Vectorised over each band: rows are sorted by their band hash, and a bucket's pairs are the
    rows `d` apart in that order with equal hashes (all pairs of a bucket of up to 32 rows; a
    larger bucket is linked as a chain, so the cost stays linear and union-find still joins the
    whole cluster when the chained pairs pass the threshold).
    """
    n, bins = sigs.shape
    if n < 2:
        return []
    rows = bins // bands
    found: list[np.ndarray] = []
    for b in range(bands):
        block = sigs[:, b * rows:(b + 1) * rows]
        live = np.flatnonzero((block != EMPTY).any(axis=1))
        m = len(live)
        if m < 2:
            continue
        h = np.zeros(m, np.uint64)
        for c in range(rows):
            h += block[live, c].astype(np.uint64) * _MULT[c % len(_MULT)]
            _mix(h)
        order = np.argsort(h, kind="stable")  # equal hashes keep ascending row order
        hs = h[order]
        starts = np.flatnonzero(np.concatenate(([True], hs[1:] != hs[:-1])))
        sizes = np.diff(np.append(starts, m))
        size_at = np.repeat(sizes, sizes)
        members = live[order]
        for d in range(1, min(32, m)):
            same = hs[d:] == hs[:-d]
            if d > 1:
                same &= size_at[:-d] <= 32
            if not same.any():
                if d > 1 and not (sizes > d).any():
                    break
                continue
            k = np.flatnonzero(same)
            found.append(members[k].astype(np.int64) * n + members[k + d])
        if len(found) > 1 and sum(map(len, found)) > 2 * n:  # (a pair found in each of 16 bands is one: kept
            found = [_unique(np.concatenate(found))]          #  once, bucket-mates cost 16x less memory)
    if not found:
        return []
    keys = _unique(np.concatenate(found))  # sorted: (i, j) in order
    out: list[tuple[int, int, float]] = []
    for at in range(0, len(keys), PAIRS_AT_ONCE):  # (each pair's two signatures are copied: a block at a time)
        block = keys[at:at + PAIRS_AT_ONCE]
        i, j = block // n, block % n
        a, c = sigs[i], sigs[j]
        filled = (a != EMPTY) | (c != EMPTY)
        agree = ((a == c) & filled).sum(axis=1)
        total = filled.sum(axis=1)
        est = np.divide(agree, total, out=np.zeros(len(block)), where=total > 0)
        keep = est >= threshold
        out += [(int(x), int(y), float(e)) for x, y, e in zip(i[keep], j[keep], est[keep])]
    return out


PAIRS_AT_ONCE = 1 << 16  # candidate pairs whose signatures are compared at a time (2 x 16 MB of copies)


def _unique(keys: np.ndarray) -> np.ndarray:
    """The distinct keys, sorted: a sort and a comparison of neighbours (np.unique hashes first in
    numpy 2, 5-10x slower on millions of int64 pair codes)."""
    keys = np.sort(keys)
    return keys[np.concatenate(([True], keys[1:] != keys[:-1]))] if len(keys) else keys


def cluster(n: int, pairs: Sequence[tuple[int, int, float]] | Sequence[tuple[int, int]]) -> np.ndarray:
    """Union-find over pairs; each record's label is the smallest index in its cluster."""
    parent = np.arange(n)

    def find(x: int) -> int:
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    for p in pairs:
        a, b = find(int(p[0])), find(int(p[1]))
        if a != b:
            parent[max(a, b)] = min(a, b)
    return np.fromiter((find(i) for i in range(n)), np.int64, n)
