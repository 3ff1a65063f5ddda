"""`newsset stats` and the charts: numbers checked against the Parquet files read independently,
the JSON document's shape, PNG files that are real and deterministic, and a folder that still
verifies after `build --plot` or `stats --plot`."""

from __future__ import annotations

import json
import os
import shutil
import struct
import subprocess
import sys
import zlib
from collections import Counter
from importlib.util import find_spec
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow.parquet as pq
import pytest

import newsset
from newsset.card import CHARTS_START
from newsset.cli import main
from newsset.stats import COLUMNS, PERCENTILES, dataset_stats, percentile
from newsset.synth import write_corpus
from newsset.verify import render_verify_text, verify

needs_mpl = pytest.mark.skipif(find_spec("matplotlib") is None, reason="needs matplotlib (pip install '.[plot]')")
CHART_FILES = ("images/articles_per_month.png", "images/body_length.png")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def raw(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """300 synthetic pages dated 2019-2025, with exact duplicates and bad pages (so rejects exist)."""
    folder = tmp_path_factory.mktemp("stats") / "raw"
    write_corpus(folder, 300, seed=11, dup_rate=0.04, bad_rate=0.04)
    return folder


@pytest.fixture(scope="module")
def built(raw: Path) -> Path:
    out = raw.parent / "ds"
    newsset.build([raw], out)
    return out


@pytest.fixture
def ds(built: Path, tmp_path: Path) -> Path:
    """A private copy of the built folder for tests that write into it."""
    shutil.copytree(built, tmp_path / "ds")
    return tmp_path / "ds"


def _independent(out: Path) -> dict[str, dict[str, Any]]:
    """Per-split facts from whole Parquet tables and plain Python (no code shared with newsset.stats)."""
    facts: dict[str, dict[str, Any]] = {}
    for f in sorted((out / "data").glob("*.parquet")):
        rows = pq.read_table(f).to_pylist()
        d = facts.setdefault(f.name.split("-")[0], {"rows": [], "pubs": Counter(), "months": Counter()})
        d["rows"] += rows
    for d in facts.values():
        rows = d.pop("rows")
        words = np.array([len(r["body"].split()) for r in rows])
        dates = sorted(r["date"] for r in rows)
        d.update(rows=len(rows), first=dates[0].isoformat(), last=dates[-1].isoformat(),
                 truncated=sum(r["truncated"] for r in rows), words=words,
                 pubs=Counter(r["publication"] for r in rows), months=Counter(f"{x:%Y-%m}" for x in dates))
    return facts


def _png_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    assert data[:8] == PNG_SIGNATURE
    chunks, at = [], 8
    while at < len(data):
        (n,) = struct.unpack(">I", data[at:at + 4])
        kind, body = data[at + 4:at + 8], data[at + 8:at + 8 + n]
        (crc,) = struct.unpack(">I", data[at + 8 + n:at + 12 + n])
        assert zlib.crc32(kind + body) == crc, f"bad CRC in {kind!r}"
        chunks.append((kind, body))
        at += 12 + n
    assert chunks[0][0] == b"IHDR" and chunks[-1][0] == b"IEND"
    return chunks


# ---------------------------------------------------------------- numbers

def test_stats_equal_an_independent_read_of_the_parquet_files(built: Path) -> None:
    want = _independent(built)
    got = dataset_stats(built).to_dict(top=100)
    assert list(got["splits"]) == [s for s in ("train", "validation", "test") if s in want]
    assert got["rows"] == sum(d["rows"] for d in want.values())
    for split, d in want.items():
        g = got["splits"][split]
        assert (g["rows"], g["first_date"], g["last_date"], g["truncated"]) == \
            (d["rows"], d["first"], d["last"], d["truncated"])
        assert g["truncated_share"] == round(d["truncated"] / d["rows"], 4)
        # The card's share is the count's, not the rounded share's (0.1905 showed as 19.1%, not 19.0%).
        manifest = json.loads((built / "manifest.json").read_text())["split"]["splits"][split]
        assert manifest["truncated"] == d["truncated"]
        row = next(ln for ln in (built / "README.md").read_text().splitlines() if ln.startswith(f"| {split} | "))
        assert row.endswith(f" | {d['truncated'] / d['rows']:.1%} |")
        assert g["months"] == dict(sorted(d["months"].items()))
        words = g["body_words"]
        for q in PERCENTILES:
            assert words[f"p{q}"] == int(np.round(np.percentile(d["words"], q))), (split, q)
        assert (words["min"], words["max"]) == (d["words"].min(), d["words"].max())
        assert words["mean"] == round(float(d["words"].mean()), 1)
        assert {p["publication"]: p["splits"][split] for p in got["publications"]["top"]
                if p["splits"][split]} == dict(d["pubs"])
    # The same numbers as the card's, which the build computed from its in-memory keys.
    card = json.loads((built / "manifest.json").read_text())["split"]["splits"]
    for split, s in card.items():
        assert {k: got["splits"][split]["body_words"][k] for k in s["body_words"]} == s["body_words"]
        assert [got["splits"][split]["first_date"], got["splits"][split]["last_date"]] == s["date_range"]
    codes = Counter(json.loads(line)["code"] for line in (built / "rejects.jsonl").read_text().splitlines())
    assert {r["code"]: r["count"] for r in got["rejects"]["top"]} == dict(codes)
    assert got["rejects"]["total"] == sum(codes.values()) > 0


def test_reject_codes_fall_back_to_rejects_jsonl(ds: Path) -> None:
    m = json.loads((ds / "manifest.json").read_text())
    want = m["inputs"].pop("rejected_by_code")
    (ds / "manifest.json").write_text(json.dumps(m))
    st = dataset_stats(ds)
    assert st.rejects_from == "rejects.jsonl" and dict(st.rejects) == want


@pytest.mark.parametrize("n", [1, 2, 3, 10, 101, 1000])
def test_percentile_from_counts_equals_numpy(n: int) -> None:
    rng = np.random.default_rng(n)
    values = rng.integers(0, 50 if n > 20 else 5000, n)
    counts = Counter(values.tolist())
    for q in (0, 1, 5, 25, 33.3, 50, 75, 95, 99, 100):
        assert percentile(counts, q) == float(np.percentile(values, q)), q


def test_shards_are_streamed_with_only_the_needed_columns(built: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[Any, ...]] = []
    original = pq.ParquetFile.iter_batches

    def spy(self: pq.ParquetFile, batch_size: int = 65536, row_groups: Any = None, columns: Any = None,
            **kw: Any) -> Any:
        calls.append((batch_size, tuple(columns or ())))
        return original(self, batch_size=batch_size, row_groups=row_groups, columns=columns, **kw)

    def whole_table(*a: Any, **k: Any) -> None:
        raise AssertionError("stats must not read whole tables")

    monkeypatch.setattr(pq.ParquetFile, "iter_batches", spy)
    monkeypatch.setattr(pq, "read_table", whole_table)
    dataset_stats(built)
    assert len(calls) == len(list((built / "data").glob("*.parquet")))
    assert all(cols == COLUMNS and size <= 4096 for size, cols in calls)
    assert "title" not in COLUMNS and "image_caption" not in COLUMNS


# ---------------------------------------------------------------- output formats

def test_json_output_schema(built: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stats", str(built), "--format", "json", "--top", "2"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert set(doc) == {"format", "dataset", "rows", "splits", "publications", "rejects", "missing_columns"}
    assert doc["format"] == "newsset-stats/1" and doc["dataset"] == str(built) and doc["missing_columns"] == []
    manifest = json.loads((built / "manifest.json").read_text())
    assert doc["rows"] == sum(s["rows"] for s in manifest["split"]["splits"].values())
    for s in doc["splits"].values():
        assert set(s) == {"rows", "first_date", "last_date", "body_words", "truncated", "truncated_share", "months"}
        assert list(s["body_words"]) == ["min", *(f"p{q}" for q in PERCENTILES), "max", "mean"]
        assert all(isinstance(v, int) for k, v in s["body_words"].items() if k != "mean")
        assert sum(s["months"].values()) == s["rows"] and list(s["months"]) == sorted(s["months"])
        assert 0 <= s["truncated_share"] <= 1
    pubs = doc["publications"]
    assert set(pubs) == {"distinct", "top", "other_rows"} and len(pubs["top"]) == 2 < pubs["distinct"]
    assert [set(p) for p in pubs["top"]] == [{"publication", "rows", "splits"}] * 2
    assert pubs["top"][0]["rows"] >= pubs["top"][1]["rows"]
    assert sum(p["rows"] for p in pubs["top"]) + pubs["other_rows"] == doc["rows"]
    rej = doc["rejects"]
    assert set(rej) == {"total", "source", "top", "other"} and rej["source"] == "manifest.json"
    assert len(rej["top"]) == 2 and sum(r["count"] for r in rej["top"]) + rej["other"] == rej["total"]


def test_text_and_markdown_tables(built: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = dataset_stats(built).to_dict()
    assert main(["stats", str(built)]) == 0
    text = capsys.readouterr().out
    train = doc["splits"]["train"]
    line = next(line for line in text.splitlines() if line.startswith("train "))
    assert line.split()[:4] == ["train", f"{train['rows']:,}", train["first_date"], train["last_date"]]
    assert f"Rejected inputs: {doc['rejects']['total']:,}" in text
    assert main(["stats", str(built), "--format", "markdown"]) == 0
    md = capsys.readouterr().out
    assert "## Splits" in md and "| split | rows | first date |" in md
    assert f"| train | {train['rows']:,} | {train['first_date']} |" in md
    tables = [line for line in md.splitlines() if line.startswith("|")]
    assert all(line.endswith("|") for line in tables)
    code = next(iter(doc["rejects"]["top"]))["code"]  # a code span, not escaped backticks (outside audit d30)
    assert f"| `{code}` |" in md and "\\`" not in md
    assert main(["stats", str(built), "--top", "0"]) == 2


@pytest.mark.parametrize("case", ["missing", "empty", "other-files", "bad-manifest", "missing-shard", "fifo-manifest",
                                  "fifo-shard"])
def test_a_folder_that_is_not_a_dataset_is_a_clear_error(case: str, built: Path, tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "x"
    expect = "not a newsset dataset"
    if case != "missing":
        folder.mkdir()
    if case == "missing":
        expect = "is not a folder"
    elif case == "other-files":
        (folder / "thesis.tex").write_text("hello")
    elif case == "bad-manifest":
        (folder / "manifest.json").write_text("{not json")
        expect = "cannot be read as JSON"
    elif case == "fifo-shard":  # (it was called missing)
        shutil.rmtree(folder)
        shutil.copytree(built, folder)
        (folder / "data" / "train-00000-of-00001.parquet").unlink()
        os.mkfifo(folder / "data" / "train-00000-of-00001.parquet")
        expect = "listed in manifest.json but a FIFO, not a regular file"
    elif case == "fifo-manifest":  # (read without a size cap or a type check, a FIFO hung stats)
        os.mkfifo(folder / "manifest.json")
        expect = "manifest.json cannot be read: expected a regular file"
    elif case == "missing-shard":
        shutil.rmtree(folder)
        shutil.copytree(built, folder)
        (folder / "data" / "train-00000-of-00001.parquet").unlink()
        expect = "listed in manifest.json but missing"
    assert main(["stats", str(folder)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("newsset stats: error: ") and expect in err and "Traceback" not in err


@pytest.mark.parametrize("edit, code, expect", [
    (lambda m: m.update(inputs=[1]), 0, ""),  # counted from rejects.jsonl instead
    (lambda m: m["inputs"].update(rejected_by_code={"x": "many"}), 0, ""),
    (lambda m: m["files"][0].update(path="/etc/passwd"), 2, "outside the dataset folder"),
    (lambda m: m["files"][0].update(path="../other/x.parquet"), 2, "outside the dataset folder"),
    (lambda m: m["files"][0].update(path="README.md"), 2, "cannot be read as Parquet"),
])
def test_odd_manifest_values_are_errors_not_tracebacks(edit: Any, code: int, expect: str, built: Path,
                                                       tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "x"
    shutil.copytree(built, folder)
    doc = json.loads((folder / "manifest.json").read_text())
    edit(doc)
    (folder / "manifest.json").write_text(json.dumps(doc))
    assert main(["stats", str(folder)]) == code
    assert expect in capsys.readouterr().err


@pytest.mark.parametrize("damage, expect", [("int-body", "does not hold the dataset's columns (body is int64)"),
                                             ("bool-as-text", "does not hold the dataset's columns (truncated is"),
                                             ("bad-date-text", "cannot be read (Failed to parse"),
                                             ("bit-rot", "cannot be read (")])
def test_a_replaced_or_rotted_shard_is_named_not_a_traceback(damage: str, expect: str, ds: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    """A shard swapped for a valid Parquet file with other column types failed in a compute kernel
    (traceback, exit 1); one with a damaged data page named no file (exit 3)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    shard = ds / "data" / "train-00000-of-00001.parquet"
    table = pq.read_table(shard)
    if damage == "bit-rot":
        data = bytearray(shard.read_bytes())
        for k in range(len(data) // 3, len(data) // 3 + 4000, 7):
            data[k] ^= 0xFF
        shard.write_bytes(bytes(data))
    else:
        name, values = {"int-body": ("body", pa.array(range(table.num_rows))),
                        "bool-as-text": ("truncated", pa.array(["no"] * table.num_rows)),
                        "bad-date-text": ("date", pa.array(["not a date"] * table.num_rows))}[damage]
        pq.write_table(table.set_column(table.schema.get_field_index(name), name, values), shard)
    assert main(["stats", str(ds)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and expect in err and str(shard) in err


@pytest.fixture(scope="module")
def slim(raw: Path) -> tuple[Path, Path]:
    """Records and a schema of one's own without `publication`, `truncated` and `date` (a copy of the
    bundled schema with them removed), as `newsset build --schema` takes them."""
    doc = json.loads(newsset.load_schema().path.read_text())
    doc["$id"] = "https://example.org/slim.json"
    gone = ("publication", "truncated", "date")
    for k in gone:
        del doc["properties"][k]
        doc["required"].remove(k)
    folder = raw.parent / "slim"
    folder.mkdir()
    (folder / "slim.json").write_text(json.dumps(doc))
    lines = [{k: v for k, v in newsset.parse_file(p).to_dict().items() if k not in gone}
             for p in sorted(raw.glob("**/*.txt"))[:40] if p.stat().st_size > 200]
    (folder / "r.jsonl").write_text("".join(json.dumps(r) + "\n" for r in lines[:30]))
    return folder / "r.jsonl", folder / "slim.json"


def test_stats_of_a_dataset_built_from_a_schema_without_some_columns(slim: tuple[Path, Path], tmp_path: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    """newsset built it, verify passed, and stats called its shards "not a newsset shard" (exit 2)."""
    records, schema = slim
    out = tmp_path / "ds"
    result = newsset.build([records], out, schema=schema, no_tasks=True)
    assert main(["stats", str(out), "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["rows"] == result.total_rows > 20 and doc["missing_columns"] == ["date", "publication", "truncated"]
    train = doc["splits"]["train"]
    assert train["first_date"] is None and train["months"] == {} and train["truncated"] is None
    assert train["body_words"]["p50"] > 0
    assert main(["stats", str(out)]) == 0
    text = capsys.readouterr().out
    assert "This dataset has no `date` or `publication` or `truncated` column (its schema has no such field), so " \
           "these are left out: dates, months and the articles-per-month chart; the publications table; the " \
           "truncated share." in text
    assert "Publications" not in text and "Rejected inputs" in text


# ---------------------------------------------------------------- charts

def test_plot_without_matplotlib_exits_2_and_says_what_to_install(built: Path, raw: Path, tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # `import matplotlib` now raises ImportError
    assert main(["stats", str(built), "--plot"]) == 2
    err = capsys.readouterr().err
    assert "matplotlib" in err and "pip install 'newsset[plot]'" in err
    assert not (built / "images").exists()

    def started(*a: Any) -> None:
        raise AssertionError("the build started before finding that matplotlib is missing")

    monkeypatch.setattr("newsset.pipeline.Staging", started)
    assert main(["build", str(raw), "--out", str(tmp_path / "out"), "--plot", "-q"]) == 2
    assert "pip install 'newsset[plot]'" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_modules_do_not_import_matplotlib_until_a_chart_is_drawn() -> None:
    code = ("import sys, newsset.cli, newsset.stats, newsset.plots, newsset.card\n"
            "print('matplotlib' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True).stdout.strip() == "False"


@needs_mpl
def test_build_plot_links_lists_and_verifies_the_charts(raw: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert main(["build", str(raw), "--out", str(out), "--plot", "-q"]) == 0
    card = (out / "README.md").read_text()
    assert "## Charts" in card and card.index("## Charts") < card.index("## Leakage")
    for rel in CHART_FILES:
        assert f"]({rel})" in card
        chunks = _png_chunks((out / rel).read_bytes())
        width, height = struct.unpack(">II", chunks[0][1][:8])
        assert (width, height) == (1100, 528)
        kinds = {k for k, _ in chunks}
        assert not kinds & {b"tEXt", b"iTXt", b"zTXt", b"tIME"}  # no Software, no timestamp
    listed = {e["path"]: e for e in json.loads((out / "manifest.json").read_text())["metadata_files"]}
    assert set(CHART_FILES) <= set(listed)
    report = verify(out)
    assert report.ok and report.loaded, render_verify_text(report)
    # The listing is what makes verify look at the charts: an edited chart is reported.
    data = bytearray((out / CHART_FILES[1]).read_bytes())
    data[-20] ^= 0xFF
    (out / CHART_FILES[1]).write_bytes(bytes(data))
    assert ("verify.checksum", str(out / CHART_FILES[1])) in {(i.code, i.path) for i in verify(out, load=False).issues}


@needs_mpl
def test_charts_show_the_data(raw: Path, tmp_path: Path) -> None:
    from PIL import Image

    out = tmp_path / "out"
    newsset.build([raw], out, plot=True)
    for rel in CHART_FILES:
        with Image.open(out / rel) as im:
            colors = Counter(im.convert("RGB").getdata())
        train, test = (59, 110, 168), (79, 154, 74)  # COLORS in newsset/plots.py
        assert colors[train] > 500 and colors[test] > 100, rel  # bars / lines drawn for each split
        assert len(colors) > 50  # text and axes, not a blank canvas


@needs_mpl
def test_placeholder_dates_far_apart_draw_a_chart_of_few_bars(tmp_path: Path) -> None:
    """A scraper's `0001-01-01` beside real dates asked for 24,000 monthly bars (a quarter of a
    minute), then matplotlib refused dates before year 1 (a traceback, exit 1); 9999-12-31 failed
    on year 10000. Wide spans are binned by year, decade or century on a plain axis of years."""
    from newsset.plots import MAX_BARS, _bins

    pages = tmp_path / "pages"
    write_corpus(pages, 30, seed=3)
    (pages / "y1.txt").write_text("date 0001-01-01 A placeholder date\n\nThe body of a page with no real date.\n")
    (pages / "y9.txt").write_text("date 9999-12-31 The last day\n\nThe body of a page from the far future.\n")
    out = tmp_path / "out"
    result = newsset.build([pages], out, plot=True, today=__import__("datetime").date(9999, 12, 31))
    assert result.total_rows >= 30 and (out / "images" / "articles_per_month.png").is_file()
    first, step, n = _bins(dataset_stats(out))
    assert (step, n) == (1200, 100) and n <= MAX_BARS  # centuries, from year 0 to 9999
    assert verify(out, load=False).ok


@needs_mpl
def test_stats_plot_into_a_dataset_a_build_is_writing_writes_nothing(ds: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("matplotlib")
    import fcntl

    before = sorted(p.relative_to(ds).as_posix() for p in ds.rglob("*"))
    with open(ds.parent / f".{ds.name}.lock", "a+") as lock:  # as a running build holds it
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        assert main(["stats", str(ds), "--plot"]) != 0
    assert "is held" in capsys.readouterr().err
    assert sorted(p.relative_to(ds).as_posix() for p in ds.rglob("*")) == before  # no chart drawn into it


@needs_mpl
def test_stats_plot_names_a_lock_file_that_is_no_file(ds: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A FIFO where the lock goes gave "File or stream is not seekable", naming nothing."""
    lock = ds.parent / f".{ds.name}.lock"
    os.mkfifo(lock)
    assert main(["stats", str(ds), "--plot"]) == 3
    err = capsys.readouterr().err
    assert f"the lock file {lock} (newsset's, beside the dataset folder) is not a regular file" in err


def test_stats_plot_on_a_built_folder_equals_build_plot_byte_for_byte(raw: Path, tmp_path: Path,
                                                                       capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    newsset.build([raw], out)
    assert CHARTS_START not in (out / "README.md").read_text()
    assert main(["stats", str(out), "--plot"]) == 0
    assert "listed in manifest.json" in capsys.readouterr().err
    names = ["manifest.json", "README.md", *CHART_FILES]
    first = {n: (out / n).read_bytes() for n in names}
    assert verify(out, load=False).ok
    assert main(["stats", str(out), "--plot"]) == 0  # again: same bytes, entries replaced, not added twice
    assert {n: (out / n).read_bytes() for n in names} == first
    assert (out / "README.md").read_text().count("## Charts") == 1
    newsset.build([raw], out, plot=True)  # charts drawn a third time, by the build, from the staged shards
    assert {n: (out / n).read_bytes() for n in names} == first
    newsset.build([raw], out)  # a rebuild without --plot drops them again, consistently
    assert not (out / "images").exists() and "## Charts" not in (out / "README.md").read_text()
    assert verify(out, load=False).ok


@needs_mpl
def test_plot_into_another_folder_leaves_the_dataset_alone(ds: Path, tmp_path: Path) -> None:
    before = {p: p.read_bytes() for p in ds.rglob("*") if p.is_file()}
    assert main(["stats", str(ds), "--plot", str(tmp_path / "charts"), "--format", "json"]) == 0
    assert sorted(p.name for p in (tmp_path / "charts").iterdir()) == ["articles_per_month.png", "body_length.png"]
    assert {p: p.read_bytes() for p in ds.rglob("*") if p.is_file()} == before


@needs_mpl
def test_plots_of_a_dataset_without_a_date_column_leave_out_that_chart(slim: tuple[Path, Path], tmp_path: Path,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    """`build --plot` did the whole build and then failed (exit 2, naming its staging folder)."""
    records, schema = slim
    out = tmp_path / "ds"
    assert main(["build", str(records), "--out", str(out), "--schema", str(schema), "--no-tasks", "--plot",
                 "-q"]) == 0
    assert sorted(p.name for p in (out / "images").iterdir()) == ["body_length.png"]
    card = (out / "README.md").read_text()
    assert "](images/body_length.png)" in card and "articles_per_month" not in card
    assert verify(out, load=False).ok
    newsset.build([records], out, schema=schema, no_tasks=True)
    assert main(["stats", str(out), "--plot"]) == 0
    assert sorted(p.name for p in (out / "images").iterdir()) == ["body_length.png"]
    assert "articles-per-month chart" in capsys.readouterr().out
    assert verify(out, load=False).ok


@needs_mpl
@pytest.mark.parametrize("inside", ["data", "data/more", "images/../data", "headline_generation", "lm_eval"])
def test_plot_into_a_folder_of_shards_or_lm_eval_is_refused(ds: Path, inside: str,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    """The PNGs went among the shards and were listed, so verify passed, while the card's own
    `pd.read_parquet(".../data")` (and polars) failed on them."""
    before = {p: p.read_bytes() for p in ds.rglob("*") if p.is_file()}
    assert main(["stats", str(ds), "--plot", str(ds / inside)]) == 2
    top = inside.split("/")[-1] if inside.startswith("images") else inside.split("/")[0]
    assert f"is inside the dataset's {top}/: loaders read every file there" in capsys.readouterr().err
    assert {p: p.read_bytes() for p in ds.rglob("*") if p.is_file()} == before


def test_control_characters_from_the_data_are_escaped_in_text_output(tmp_path: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    """An ESC sequence or a newline in a publication name or a title reached the terminal raw from
    `stats` and `parse --format text` (retitling or clearing it, breaking the tables)."""
    import newsset
    from newsset.cli import main

    text = " date 2024-01-02 A title \x1b[2J here\n\nBody text of the page, which says enough.\n\n" \
           "Ann Lee, The Week \x1b]0;pwned\x07UK\n"
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "p.txt").write_text(text, encoding="utf-8")
    assert main(["parse", str(tmp_path / "in" / "p.txt"), "--format", "text"]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\\x1b[2J" in out
    rec = newsset.parse_text(text).to_dict()
    rec["publication"] = "The Week\x1b[31m\nUK"
    (tmp_path / "in" / "p.txt").unlink()
    (tmp_path / "in" / "r.jsonl").write_text(json.dumps(rec) + "\n", encoding="utf-8")
    newsset.build([tmp_path / "in"], tmp_path / "out")
    for fmt, shown in (("text", "\\x1b[31m\\nUK"), ("markdown", "\\\\x1b\\[31m\\\\nUK")):
        assert main(["stats", str(tmp_path / "out"), "--format", fmt]) == 0
        out = capsys.readouterr().out
        assert "\x1b" not in out and shown in out  # (markdown: the escape's backslash and [ escaped too)


@needs_mpl
def test_stats_plot_interrupted_leaves_the_dataset_verifiable(ds: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Charts were drawn straight into images/ and listed afterwards: a SIGTERM between left unlisted
    PNGs (and `.tmp` files), and a dataset that had verified no longer did."""
    import newsset.plots

    real = newsset.plots._body_length

    def interrupted(*a: object, **k: object) -> None:  # (the second chart: the first is drawn already)
        raise KeyboardInterrupt

    monkeypatch.setattr(newsset.plots, "_body_length", interrupted)
    with pytest.raises(KeyboardInterrupt):
        from newsset.cli import _cmd_stats, make_parser

        _cmd_stats(make_parser().parse_args(["stats", str(ds), "--plot"]))
    assert verify(ds, load=False).ok
    assert not [p for p in ds.parent.iterdir() if ".charts-" in p.name]
    monkeypatch.setattr(newsset.plots, "_body_length", real)
    assert main(["stats", str(ds), "--plot"]) == 0 and verify(ds, load=False).ok


def test_render_stats_refuses_a_format_or_top_it_cannot_give(built: Path) -> None:
    """An unknown format was rendered as text, and top=0 taken, where the CLI refuses both."""
    from newsset.stats import render_stats

    st = newsset.dataset_stats(built)
    with pytest.raises(newsset.ConfigError, match="format: expected text, json or markdown, got 'xml'"):
        render_stats(st, "xml")  # type: ignore[arg-type]
    with pytest.raises(newsset.ConfigError, match="top: expected 1 or more, got 0"):
        render_stats(st, "text", top=0)
    assert render_stats(st, "json", top=1).startswith("{")


def test_a_shard_listed_twice_is_refused_not_counted_twice(tmp_path: Path) -> None:
    """Outside audit h28: stats added a shard's rows twice when the manifest listed it twice."""
    import json

    from newsset import ConfigError
    from newsset.stats import dataset_stats
    from tests.conftest import page

    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(page())
    newsset.build([tmp_path / "in"], tmp_path / "ds")
    m = json.loads((tmp_path / "ds" / "manifest.json").read_text())
    m["files"].append(dict(m["files"][0]))
    (tmp_path / "ds" / "manifest.json").write_text(json.dumps(m))
    with pytest.raises(ConfigError, match="twice"):
        dataset_stats(tmp_path / "ds")
