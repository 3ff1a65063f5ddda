"""Routing accepted records to Parquet writers, one per (config, split), on a worker thread."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from .schema import hf_features_of
from .split import SPLITS
from .tasks import Task
from .write import ShardFile, ShardWriter

__all__ = ["Background", "Router", "with_hf_metadata", "PartRouter"]


class Router:
    """One ShardWriter per (config, split); applies task views; remembers one example per config.

    Each config is written by a lane of its own (a thread): Parquet encoding and compression
    release the GIL, so the configs' writes overlap. A lane takes its batches in order, so the
    bytes are the same as writing them one after another.
    """

    def __init__(self, root: Path, schema: pa.Schema, tasks: dict[str, Task], allow_truncated: bool) -> None:
        self.root, self.schema, self.tasks, self.allow_truncated = root, schema, tasks, allow_truncated
        self.task_schemas = {name: with_hf_metadata(t.schema(schema)) for name, t in tasks.items()}
        self.writers: dict[tuple[str, str], ShardWriter] = {}
        self.examples: dict[str, dict[str, Any]] = {}
        self.lanes: dict[str, Background] = {}

    def _writer(self, config: str, split: str) -> ShardWriter:
        w = self.writers.get((config, split))
        if w is None:
            folder = self.root / ("data" if config == "default" else config)
            folder.mkdir(exist_ok=True)
            schema = self.schema if config == "default" else self.task_schemas[config]
            w = self.writers[(config, split)] = ShardWriter(folder, split, schema)
        return w

    def route(self, batch: pa.RecordBatch, codes: np.ndarray) -> None:
        for k, split in enumerate(SPLITS):
            mask = codes == k
            if not mask.any():
                continue
            part = batch if mask.all() else batch.filter(pa.array(mask))
            for config in ("default", *self.tasks):
                lane = self.lanes.get(config)
                if lane is None:
                    lane = self.lanes[config] = Background(self._lane_write, depth=2)
                lane.put(config, split, part)

    def _lane_write(self, config: str, split: str, part: pa.RecordBatch) -> None:
        if config != "default":
            part = self.tasks[config].view(part, self.allow_truncated)
        self._write(config, split, part)

    def _write(self, config: str, split: str, part: pa.RecordBatch) -> None:
        if part.num_rows == 0:
            return
        if config not in self.examples or (split == "train" and self.examples[config]["split"] != "train"):
            self.examples[config] = {"split": split, "row": part.slice(0, 1).to_pylist()[0]}
        self._writer(config, split).write(part)

    def close(self) -> list[tuple[str, ShardFile]]:
        for lane in self.lanes.values():
            lane.close()
        # Lanes fill `examples` concurrently: put it back in config order, for a stable card.
        self.examples = {c: self.examples[c] for c in ("default", *self.tasks) if c in self.examples}
        out = []
        for (config, _split), w in sorted(self.writers.items(), key=lambda kv: (kv[0][0] != "default", kv[0])):
            out += [(config, f) for f in w.close()]
        return out

    def abort(self) -> None:
        for lane in self.lanes.values():
            lane.close(cancel=True)
        for w in self.writers.values():
            w.abort()


BATCH_ROWS = 512  # rows routed at a time (a few MB: bounds the driver's buffers)
BATCH_BYTES = 16 << 20  # or fewer, when pages are large: 512 pages of 8 MiB were 4 GiB copied at once


class PartRouter:
    """Routes the part files the workers wrote, in chunk order: parts are gathered into batches of
    about `BATCH_ROWS` rows (a chunk holds few), then each batch's rows go to the writer of their
    split code. Runs on the writer thread (`Background`)."""

    def __init__(self, router: Router) -> None:
        self.router = router
        self.buffered: list[tuple[pa.Table, np.ndarray]] = []
        self.rows = self.bytes = 0  # of `buffered`

    def put(self, part: str | None, shared: bool, codes: np.ndarray | None) -> None:
        """Route part file `part` (deleted after, unless `shared`: the cache's own); `part=None` flushes."""
        if part is None or codes is None:
            self.flush()
            return
        if os.path.getsize(part) > 2 * BATCH_BYTES:  # (large pages: a batch at a time, never the
            self.flush()                              #  whole part in memory, nor mapped at once)
            with pa.OSFile(part) as source:
                reader = pa.ipc.open_file(source)
                for i in range(reader.num_record_batches):
                    batch = reader.get_batch(i)
                    self.router.route(batch, codes[:batch.num_rows])
                    codes = codes[batch.num_rows:]
            if not shared:
                os.unlink(part)
            return
        with pa.memory_map(part) as source:
            table = pa.ipc.open_file(source).read_all()
            if not shared:
                os.unlink(part)  # the mapping stays readable; the disk space is freed on close
        self.buffered.append((table, codes))
        # Running totals: a table's nbytes walks its buffers (asked once, not once a part after it).
        self.rows += table.num_rows
        self.bytes += table.nbytes
        if self.rows >= BATCH_ROWS or self.bytes >= BATCH_BYTES:
            self.flush()

    def flush(self) -> None:
        if not self.buffered:
            return
        table = pa.concat_tables([t for t, _ in self.buffered])
        if len(self.buffered) > 1 and self.bytes <= 2 * BATCH_BYTES:  # (small parts: one batch, not one a
            table = table.combine_chunks()                             #  part; a large one keeps its own)
        codes = np.concatenate([c for _, c in self.buffered])
        self.buffered.clear()
        self.rows = self.bytes = 0
        for batch in table.to_batches():
            self.router.route(batch, codes[:batch.num_rows])
            codes = codes[batch.num_rows:]


class Background:
    """One worker thread applying `fn` to queued items in order.

    Parquet compression, MinHash and Arrow filtering release the GIL, so this overlaps them
    with parsing on the main thread; a bounded queue keeps memory flat. The single consumer
    keeps the output order, and so the bytes, the same as a serial run.
    """

    def __init__(self, fn: Any, depth: int = 4) -> None:
        import queue
        import threading

        self.fn = fn
        self.queue: queue.Queue[tuple[Any, ...] | None] = queue.Queue(maxsize=depth)
        self.error: BaseException | None = None
        self.cancelled = False
        self.thread = threading.Thread(target=self._run, name="newsset-writer", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while (item := self.queue.get()) is not None:
            if self.error is None and not self.cancelled:
                try:
                    self.fn(*item)
                except BaseException as e:  # re-raised on the main thread
                    self.error = e
            item = None  # (not kept while waiting for the next: a batch pins its whole part file)

    def put(self, *args: Any) -> None:
        if self.error is not None:
            raise self.error
        self.queue.put(args)

    def close(self, cancel: bool = False) -> None:
        if not self.thread.is_alive():
            return
        self.cancelled = cancel
        self.queue.put(None)
        self.thread.join()
        if self.error is not None and not cancel:
            raise self.error


def with_hf_metadata(schema: pa.Schema) -> pa.Schema:
    meta = dict(schema.metadata or {})
    meta[b"huggingface"] = json.dumps({"info": {"features": hf_features_of(schema)}}).encode()
    return schema.with_metadata(meta)
