"""The Parquet pipelines the README names read a built folder as it is: DuckDB, Polars and pandas
read every config's shards, with the row counts the manifest gives and the types the schema
derives (a date column, not text; a boolean, not 0/1), and get the same rows as pyarrow."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pyarrow.parquet as pq
import pytest

import newsset

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Counter[str]]]:
    out = tmp_path_factory.mktemp("consumers") / "ds"
    newsset.build([ROOT / "examples/raw"], out)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    rows: dict[str, Counter[str]] = {}
    for f in manifest["files"]:
        if "config" in f:
            rows.setdefault(Path(f["path"]).parent.name, Counter())[f["split"]] += f["rows"]
    assert set(rows) >= {"data", "headline_generation", "summarization"}
    return out, rows


def test_duckdb_reads_every_config_with_the_schema_types(built: tuple[Path, dict[str, Counter[str]]]) -> None:
    duckdb = pytest.importorskip("duckdb")
    out, rows = built
    for folder, splits in rows.items():
        for split, n in splits.items():
            got = duckdb.sql(f"SELECT count(*) FROM read_parquet('{out}/{folder}/{split}-*.parquet')").fetchall()
            assert got == [(n,)], (folder, split)
    types = {r[0]: r[1] for r in duckdb.sql(f"DESCRIBE SELECT * FROM read_parquet('{out}/data/*.parquet')").fetchall()}
    assert types["date"] == "DATE" and types["truncated"] == "BOOLEAN" and types["body"] == "VARCHAR"
    ids = duckdb.sql(f"SELECT count(DISTINCT id), count(*) FROM read_parquet('{out}/data/*.parquet')").fetchall()
    assert ids == [(sum(rows["data"].values()),) * 2]


def test_polars_and_pandas_read_the_same_rows_as_pyarrow(built: tuple[Path, dict[str, Counter[str]]]) -> None:
    pl = pytest.importorskip("polars")
    import pandas as pd

    out, rows = built
    table = pq.read_table(out / "data").sort_by("id")  # (the folder: pyarrow's dataset reading)
    frame = pl.read_parquet(out / "data" / "*.parquet").sort("id")
    assert frame.height == table.num_rows == sum(rows["data"].values())
    assert frame.schema["date"] == pl.Date and frame.schema["truncated"] == pl.Boolean
    assert frame["body"].to_list() == table.column("body").to_pylist()
    df = pd.read_parquet(out / "summarization").sort_values("id")
    assert list(df.columns) == ["id", "document", "summary"] and len(df) == sum(rows["summarization"].values())
    assert df["summary"].notna().all()  # the task requires a standfirst
