"""Split assignment from a salted, stable hash of the record id.

A record's split depends only on its id, the seed and the ratios: adding articles never moves
existing ones, and the result is the same on any machine, in any input order, on any engine.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from .errors import ConfigError

SPLITS: tuple[str, ...] = ("train", "validation", "test")
BUCKETS = 10_000
ALGORITHM = ("hash-v1: bucket = int.from_bytes(sha256(f'{salt}:{id}')[:8], 'big') % 10000; "
             "split = first whose cumulative ratio * 10000 exceeds bucket; salt = f'newsset-split-v1:{seed}'")


def parse_ratios(text: str | Sequence[float]) -> tuple[float, float, float]:
    """`0.8,0.1,0.1` -> (0.8, 0.1, 0.1); three non-negative numbers summing to 1."""
    try:
        values = [float(x) for x in (text.split(",") if isinstance(text, str) else text)]
    except ValueError:
        raise ConfigError(f"--ratios: expected three numbers like 0.8,0.1,0.1, got {text!r}") from None
    if len(values) != 3 or any(v < 0 for v in values) or abs(sum(values) - 1) > 1e-6:
        raise ConfigError(f"--ratios: expected three non-negative numbers (train,validation,test) summing to 1, "
                          f"got {text!r}")
    return values[0], values[1], values[2]


def salt(seed: int) -> str:
    return f"newsset-split-v1:{seed}"


class Splitter:
    """Maps ids to split names; thresholds computed once."""

    def __init__(self, ratios: Sequence[float], seed: int = 0) -> None:
        self.ratios = tuple(ratios)
        self.salt = salt(seed)
        acc, self.bounds = 0.0, []
        for r in self.ratios:
            acc += r
            self.bounds.append(round(acc * BUCKETS))
        self.bounds[-1] = BUCKETS

    def bucket(self, key: str) -> int:
        digest = hashlib.sha256(f"{self.salt}:{key}".encode()).digest()
        return int.from_bytes(digest[:8], "big") % BUCKETS

    def __call__(self, key: str) -> str:
        b = self.bucket(key)
        for name, bound in zip(SPLITS, self.bounds):
            if b < bound:
                return name
        return SPLITS[-1]  # unreachable: the last bound is BUCKETS
