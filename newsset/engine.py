"""Running the per-file work (read, parse, check) serially or in a process pool.

`iter_items(source, schema, today)` is a pure function of a path, so any engine can run it;
results always come back in input order, which is what keeps a parallel build byte-identical
to a serial one. Only as many sources as `jobs * WINDOW` are in flight, so memory stays flat.
"""

from __future__ import annotations

import datetime as _dt
import os
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from multiprocessing import get_context
from typing import Any

from .check import Item, iter_items
from .errors import ConfigError
from .schema import Schema, load_schema
from .sources import Source

__all__ = ["items", "resolve_jobs"]

CHUNK = 32  # sources per task: amortises pickling and scheduling
WINDOW = 8  # tasks in flight per worker

_worker: dict[str, Any] = {}


def resolve_jobs(jobs: int | None) -> int:
    """`--jobs 0` means one per core; otherwise a positive count."""
    if jobs is None:
        return 1
    if jobs < 0:
        raise ConfigError(f"--jobs: expected 0 (one per core) or a positive number, got {jobs}")
    return jobs or os.cpu_count() or 1


def _init(schema_path: str, today: _dt.date | None) -> None:
    _worker["schema"] = load_schema(schema_path)
    _worker["today"] = today


def _run(chunk: Sequence[Source]) -> list[Item]:
    out: list[Item] = []
    for src in chunk:
        out.extend(iter_items(src, _worker["schema"], _worker["today"]))
    return out


def items(sources: Sequence[Source], schema: Schema, today: _dt.date | None, jobs: int = 1) -> Iterator[Item]:
    """Every item of every source, in input order, computed by `jobs` processes."""
    if jobs <= 1 or len(sources) <= CHUNK:
        for src in sources:
            yield from iter_items(src, schema, today)
        return
    chunks = [sources[i:i + CHUNK] for i in range(0, len(sources), CHUNK)]
    with ProcessPoolExecutor(jobs, mp_context=get_context("spawn"), initializer=_init,
                             initargs=(str(schema.path), today)) as pool:
        pending: deque[Future[list[Item]]] = deque()
        todo = iter(chunks)
        for chunk in todo:
            pending.append(pool.submit(_run, chunk))
            if len(pending) >= jobs * WINDOW:
                break
        while pending:
            done = pending.popleft().result()
            nxt = next(todo, None)
            if nxt is not None:
                pending.append(pool.submit(_run, nxt))
            yield from done
