"""`newsset build`: inputs -> checked records -> deduplicated, split Parquet shards + card,
manifest, Croissant metadata and rejects, published atomically.

Pipeline (each step one job)::

    discover -> iter_checked (read, parse, validate; pure per file) -> dedup on ids
      -> split on a salted id hash -> ShardWriter per split -> manifest / card / croissant -> publish
"""

from __future__ import annotations

import datetime as _dt
import json
import os
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from . import __version__
from .check import DuplicateIds, Item, iter_items
from .errors import ConfigError
from .schema import Schema, load_schema
from .sources import discover
from .split import ALGORITHM, SPLITS, Splitter, parse_ratios
from .write import ShardFile, ShardWriter, Staging, parquet_info, sha256_file, write_json

__all__ = ["BuildResult", "build"]

OnInvalid = Literal["quarantine", "fail"]


@dataclass
class BuildResult:
    """What a build did. `ok` is False when `on_invalid='fail'` met a reject (nothing was written)."""

    out: Path
    inputs: int = 0
    files: int = 0
    rows: dict[str, int] = field(default_factory=dict)
    rejected: Counter[str] = field(default_factory=Counter)
    duplicates: int = 0
    written: bool = False

    @property
    def ok(self) -> bool:
        return self.written

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())

    @property
    def total_rejected(self) -> int:
        return sum(self.rejected.values())


def _reject_line(item: Item, kept: dict[str, Any] | None = None) -> str:
    first = item.issues[0]
    entry: dict[str, Any] = {"source": item.source.rel, "path": item.source.path, "line": item.line,
                             "code": first.code, "message": first.message}
    if item.record is not None and isinstance(item.record.get("id"), str):
        entry["id"] = item.record["id"]
    if kept is not None:
        entry["kept"] = kept
    if len(item.issues) > 1 or first.json_path:
        entry["issues"] = [{k: v for k, v in i.to_dict().items() if v is not None and k not in ("path", "hint")}
                           for i in item.issues]
    return json.dumps(entry, ensure_ascii=False) + "\n"


def build(sources: Iterable[str | os.PathLike[str]], out: str | os.PathLike[str], *,
          schema: str | os.PathLike[str] | Schema | None = None, ratios: str | Sequence[float] = (0.8, 0.1, 0.1),
          seed: int = 0, on_invalid: OnInvalid = "quarantine", license: str = "unknown",
          pretty_name: str | None = None, language: Sequence[str] = ("en",),
          today: _dt.date | None = None) -> BuildResult:
    """Build a dataset folder at `out` from raw pages and record files."""
    from .card import render_card
    from .croissant import render_croissant

    if on_invalid not in ("quarantine", "fail"):
        raise ConfigError(f"--on-invalid: expected 'quarantine' or 'fail', got {on_invalid!r}")
    ratio_values = parse_ratios(ratios)
    sch = schema if isinstance(schema, Schema) else load_schema(schema)
    inputs = [os.fspath(s) for s in sources]
    if not inputs:
        raise ConfigError("no input given: pass at least one folder or file")
    srcs = discover(inputs)
    splitter = Splitter(ratio_values, seed)
    today = today or _dt.date.today()
    result = BuildResult(Path(out), files=len(srcs))
    dups = DuplicateIds()
    with Staging(out) as stage:
        data = stage.dir / "data"
        writers = {name: ShardWriter(data, name, sch.parquet_schema) for name in SPLITS}
        dates: dict[str, list[str]] = {}
        try:
            with open(stage.dir / "rejects.jsonl", "w", encoding="utf-8") as rejects:
                for src in srcs:
                    for item in iter_items(src, sch, today):
                        result.inputs += 1
                        kept = None
                        if item.ok:
                            dup = dups.check(item)
                            if dup is not None:
                                item.issues.append(dup)
                                rid = item.record["id"]  # type: ignore[index]
                                path, line = dups.first[rid]
                                kept = {"path": path, "line": line, "id": rid}
                                result.duplicates += 1
                        if not item.ok:
                            result.rejected[item.issues[0].code] += 1
                            rejects.write(_reject_line(item, kept))
                            continue
                        rec = item.record
                        assert rec is not None
                        split = splitter(rec["id"])
                        body = rec.get("body")
                        writers[split].add(rec, len(body) if isinstance(body, str) else 0)
                        d = rec.get("date")
                        if isinstance(d, str):
                            lo_hi = dates.setdefault(split, [d, d])
                            lo_hi[0], lo_hi[1] = min(lo_hi[0], d), max(lo_hi[1], d)
            if on_invalid == "fail" and result.total_rejected:
                for w in writers.values():
                    w.abort()
                return result
            shards: list[ShardFile] = []
            for w in writers.values():
                shards += w.close()
        except BaseException:
            for w in writers.values():
                w.abort()
            raise
        files = []
        splits: dict[str, dict[str, Any]] = {}
        for s in shards:
            info = parquet_info(s.path)
            rel = s.path.relative_to(stage.dir).as_posix()
            files.append({"path": rel, "split": s.split, "rows": info["rows"], "bytes": s.path.stat().st_size,
                          "sha256": sha256_file(s.path)})
            sp = splits.setdefault(s.split, {"rows": 0, "num_bytes": 0, "files": [], "date_range": dates.get(s.split)})
            sp["rows"] += info["rows"]
            sp["num_bytes"] += info["num_bytes"]
            sp["files"].append(rel)
        result.rows = {k: v["rows"] for k, v in splits.items()}
        rejects_path = stage.dir / "rejects.jsonl"
        manifest = {
            "newsset_version": __version__,
            "schema": {"id": sch.id, "sha256": sch.sha256},
            "options": {"sources": inputs, "ratios": list(ratio_values), "seed": seed, "on_invalid": on_invalid,
                        "license": license},
            "split": {"algorithm": ALGORITHM, "salt": splitter.salt, "ratios": dict(zip(SPLITS, ratio_values))},
            "inputs": {"files": result.files, "items": result.inputs, "accepted": result.total_rows,
                       "rejected": result.total_rejected, "duplicates": result.duplicates,
                       "rejected_by_code": dict(sorted(result.rejected.items()))},
            "splits": {k: {"rows": v["rows"], "num_bytes": v["num_bytes"], "date_range": v["date_range"]}
                       for k, v in splits.items()},
            "files": files,
            "rejects": {"path": "rejects.jsonl", "rows": result.total_rejected, "bytes": rejects_path.stat().st_size,
                        "sha256": sha256_file(rejects_path)},
        }
        card_info = {"pretty_name": pretty_name or Path(out).name, "license": license, "language": list(language),
                     "splits": splits, "manifest": manifest}
        write_json(stage.dir / "croissant.json", render_croissant(sch, card_info))
        write_json(stage.dir / "manifest.json", manifest)
        (stage.dir / "README.md").write_text(render_card(sch, card_info), encoding="utf-8")
        stage.publish()
        result.written = True
    return result
