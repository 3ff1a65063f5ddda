"""Deciding, from small per-record keys only, which records are kept and where each goes.

Input: for every accepted record (in sorted source order) its id, date, group value and,
when the leakage guard is on, a MinHash signature. Output: a split per record (or a reject
with the record it duplicates). No text is needed, so this runs in memory for large corpora
and the keys can come from any engine.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from .dedup import cluster, near_pairs
from .split import SPLITS

__all__ = ["REJECTED", "Leakage", "NearDup", "make_plan"]

NearDup = Literal["keep", "drop", "off"]
REJECTED = -1


@dataclass
class Leakage:
    """What the guard found; `cross_split` must be 0 for an honest test split."""

    pairs: int = 0
    clusters: int = 0
    records_in_clusters: int = 0
    dropped: int = 0
    co_located: int = 0
    split_leaks_dropped: int = 0
    cross_split: int = 0
    threshold: float | None = None
    mode: str = "off"


@dataclass
class Plan:
    split: np.ndarray  # int8 per accepted record: index into SPLITS, or REJECTED
    rejects: list[tuple[int, str, int]] = field(default_factory=list)  # (record, code, kept record)
    leakage: Leakage = field(default_factory=Leakage)


def _components(n: int, pairs: Sequence[tuple[int, int]], groups: Sequence[str | None] | None) -> np.ndarray:
    """Union of near-duplicate clusters and same-group records; label = smallest member index."""
    edges: list[tuple[int, int]] = list(pairs)
    if groups is not None:
        first: dict[str, int] = {}
        for i, g in enumerate(groups):
            if g is None:
                continue
            j = first.setdefault(g, i)
            if j != i:
                edges.append((j, i))
    return cluster(n, edges)


def make_plan(ids: Sequence[str], dates: Sequence[str | None], groups: Sequence[str | None] | None,
              sigs: np.ndarray | None, *, by_key: Callable[[str], str] | None, by_date: Callable[[str], str] | None,
              near_dup: NearDup, threshold: float) -> Plan:
    """Assign splits (by hash of a component key, or by date) and drop what must go."""
    n = len(ids)
    index = {name: k for k, name in enumerate(SPLITS)}
    leak = Leakage(threshold=threshold if near_dup != "off" else None, mode=near_dup)
    pairs: list[tuple[int, int]] = []
    if near_dup != "off" and sigs is not None and n > 1:
        found = near_pairs(sigs, threshold)
        pairs = [(i, j) for i, j, _ in found]
        leak.pairs = len(pairs)
    plan = Plan(np.zeros(n, np.int8), leakage=leak)
    dup_label = cluster(n, pairs) if pairs else np.arange(n)
    members: dict[int, list[int]] = {}
    for i, root in enumerate(dup_label):
        if root != i:
            members.setdefault(int(root), [int(root)]).append(i)
    leak.clusters = len(members)
    leak.records_in_clusters = sum(len(m) for m in members.values())
    alive = np.ones(n, bool)
    if near_dup == "drop":
        for root, group in members.items():
            for i in group[1:]:
                alive[i] = False
                plan.rejects.append((i, "dataset.near-duplicate", root))
        leak.dropped = int((~alive).sum())
    if by_date is not None:
        own = np.array([index[by_date(d)] if d else 0 for d in dates], np.int8)
        plan.split[:] = own
        if near_dup == "keep":
            for group in members.values():
                first = min(group, key=lambda i: (dates[i] or "", i))
                for i in group:
                    if own[i] != own[first]:
                        alive[i] = False
                        plan.rejects.append((i, "dataset.split-leak", first))
                        leak.split_leaks_dropped += 1
    else:
        assert by_key is not None
        comp = _components(n, pairs if near_dup == "keep" else [], groups)
        key: dict[int, str] = {}
        for i in range(n):
            g = groups[i] if groups is not None else None
            cand = f"group:{g}" if g is not None else ids[i]
            root = int(comp[i])
            key[root] = min(key.get(root, cand), cand)
        plan.split[:] = [index[by_key(key[int(comp[i])])] for i in range(n)]
    if near_dup == "keep":
        leak.co_located = sum(len(g) for g in members.values()) - leak.split_leaks_dropped
    plan.split[~alive] = REJECTED
    leak.cross_split = sum(1 for i, j in pairs if alive[i] and alive[j] and plan.split[i] != plan.split[j])
    plan.rejects.sort()
    return plan
