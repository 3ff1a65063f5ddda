"""Split assignment: by a salted, stable hash (`Splitter`), or by date cutoffs (`DateSplitter`).

By hash, a record's split depends only on its key, the seed and the ratios: adding articles never
moves existing ones, and the result is the same on any machine, in any input order, on any engine.
The key is the record's id, or `group:VALUE` with `--group-by` (all of a group in one split).
"""

from __future__ import annotations

import hashlib
import re
from bisect import bisect_right
from collections.abc import Sequence

from .errors import ConfigError

__all__ = ["ALGORITHM", "SPLITS", "DateSplitter", "Splitter", "parse_cutoffs", "parse_ratios"]

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
    if len(values) != 3 or not all(0 <= v <= 1 for v in values) or abs(sum(values) - 1) > 1e-6:  # (NaN fails)
        raise ConfigError(f"--ratios: expected three non-negative numbers (train,validation,test) summing to 1, "
                          f"got {text!r}")
    return values[0], values[1], values[2]


def salt(seed: int) -> str:
    return f"newsset-split-v1:{seed}"


class Splitter:
    """Maps keys (a record's id, or `group:VALUE` under --group-by) to split names; thresholds computed once."""

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
        # The first split whose bound is above the bucket (the last bound is BUCKETS, past every bucket).
        return SPLITS[min(bisect_right(self.bounds, self.bucket(key)), len(SPLITS) - 1)]


_ISO_DAY = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


def parse_cutoffs(text: str | Sequence[str]) -> tuple[str, str]:
    """`2024-01-01,2024-07-01` (or two texts, or two `datetime.date`s, as `today` is given) -> two
    ISO dates, the first not after the second."""
    import datetime as _dt

    given = text.split(",") if isinstance(text, str) else list(text) if isinstance(text, (list, tuple)) else [text]
    parts = [p.isoformat() if isinstance(p, _dt.date) and not isinstance(p, _dt.datetime)
             else p.strip() if isinstance(p, str) else repr(p) for p in given]
    try:
        dates = [_dt.date.fromisoformat(p).isoformat() for p in parts]
    except ValueError:
        dates = []
    if len(dates) != 2 or dates[0] > dates[1] or not all(_ISO_DAY.match(p) for p in parts):
        raise ConfigError(f"--cutoffs: expected two dates YYYY-MM-DD,YYYY-MM-DD (validation starts at the first, "
                          f"test at the second), got {text!r}")
    return dates[0], dates[1]


class DateSplitter:
    """Half-open date ranges: train < first cutoff <= validation < second cutoff <= test."""

    def __init__(self, cutoffs: Sequence[str]) -> None:
        self.cutoffs = tuple(cutoffs)

    def __call__(self, date: str) -> str:
        if date < self.cutoffs[0]:
            return "train"
        return "validation" if date < self.cutoffs[1] else "test"
